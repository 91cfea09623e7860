// Collections: MD5 and portable data hashes, canonical manifests (same content → same hash,
// whatever order files were written in), content-addressed storage stored once, and copying
// out without overwriting anything.
#include <catch2/catch.hpp>

#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "cr/collections/digest.hpp"
#include "opskit/core/error.hpp"
#include "opskit/cr/collections/collection.hpp"

#include "temp_dir.hpp"

namespace fs = std::filesystem;
using namespace opskit;
using namespace opskit::cr;

namespace {

struct TempDir : opskit_test::TempDir {
    TempDir() : opskit_test::TempDir("crctl-coll") {}
};

void write(const fs::path& file, const std::string& text) {
    fs::create_directories(file.parent_path());
    std::ofstream(file, std::ios::binary) << text;
}

}  // namespace

TEST_CASE("md5 matches the RFC 1321 test vectors", "[cr][collection]") {
    using detail::md5_hex;
    CHECK(md5_hex("") == "d41d8cd98f00b204e9800998ecf8427e");
    CHECK(md5_hex("abc") == "900150983cd24fb0d6963f7d28e17f72");
    CHECK(md5_hex("The quick brown fox jumps over the lazy dog") == "9e107d9d372bb6826bd81d3542a419d6");
    CHECK(md5_hex("12345678901234567890123456789012345678901234567890123456789012345678901234567890") ==
          "57edf4a22be3c955ac49da2e2107b67a");
    CHECK(md5_hex(std::string(56, 'a')) == "3b0c8ac703f828b04c6c197006d17218");
}

TEST_CASE("file digests read in chunks match the FIPS 180-2 vectors", "[cr][collection]") {
    TempDir dir;
    write(dir.path / "empty", "");
    write(dir.path / "abc", "abc");
    write(dir.path / "million", std::string(1000000, 'a'));  // 16 chunks and a partial one
    CHECK(detail::sha256_file(dir.path / "empty").sha256 ==
          "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    CHECK(detail::sha256_file(dir.path / "abc").sha256 ==
          "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const auto million = detail::sha256_file(dir.path / "million");
    CHECK(million.size == 1000000u);
    CHECK(million.sha256 == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    CHECK(detail::md5_hex(std::string(1000000, 'a')) == "7707d6ae4e027c70eea2a935c2296f21");
    CHECK_THROWS_AS(detail::sha256_file(dir.path / "missing"), opskit::Error);
}

TEST_CASE("a manifest is canonical: sorted paths, sizes, content hashes", "[cr][collection]") {
    TempDir a, b;
    write(a.path / "z.txt", "last\n");
    write(a.path / "dir/a b.txt", "first\n");
    write(b.path / "dir/a b.txt", "first\n");  // other creation order, same content
    write(b.path / "z.txt", "last\n");
    const auto ma = scan_manifest(a.path), mb = scan_manifest(b.path);
    REQUIRE(ma.files.size() == 2);
    CHECK(ma.files[0].path == "dir/a b.txt");
    CHECK(ma.files[1].size == 5);
    CHECK(ma.text() == mb.text());
    CHECK(ma.portable_data_hash() == mb.portable_data_hash());
    CHECK(is_portable_data_hash_text(ma.portable_data_hash()));
    CHECK(ma.text().find("dir/a\\040b.txt") != std::string::npos);
    CHECK(Manifest::parse(ma.text(), "test").text() == ma.text());

    write(b.path / "z.txt", "changed\n");
    CHECK(scan_manifest(b.path).portable_data_hash() != ma.portable_data_hash());
    CHECK(Manifest{}.portable_data_hash() == "d41d8cd98f00b204e9800998ecf8427e+0");
}

TEST_CASE("equal content is stored once under its hash", "[cr][collection]") {
    TempDir data, one, two;
    write(one.path / "x", "hi\n");
    write(two.path / "x", "hi\n");
    CollectionStorage storage(data.path);
    const auto s1 = storage.store(one.path);
    const auto s2 = storage.store(two.path);
    CHECK_FALSE(s1.existed);
    CHECK(s2.existed);
    CHECK(s1.pdh == s2.pdh);
    CHECK(storage.list() == std::vector<std::string>{s1.pdh});
    CHECK(storage.manifest(s1.pdh).text() == s1.manifest.text());
    const auto s3 = storage.store_files({{"x", "hi\n"}});
    CHECK(s3.pdh == s1.pdh);
    CHECK(storage.remove(s1.pdh) == 3);
    CHECK_FALSE(storage.contains(s1.pdh));
    CHECK_THROWS_AS(storage.manifest(s1.pdh), Error);
}

TEST_CASE("copying out never overwrites and leaves nothing half-done", "[cr][collection]") {
    TempDir data, src, dest;
    write(src.path / "a", "A");
    write(src.path / "sub/b", "B");
    CollectionStorage storage(data.path);
    const auto pdh = storage.store(src.path).pdh;
    write(dest.path / "sub/b", "mine");
    try {
        storage.copy_to(pdh, dest.path);
        FAIL("overwrote an existing file");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::conflict);
        CHECK(std::string(e.what()).find("sub/b") != std::string::npos);
    }
    CHECK_FALSE(fs::exists(dest.path / "a"));
    TempDir fresh;
    storage.copy_to(pdh, fresh.path / "new");
    CHECK(fs::file_size(fresh.path / "new/sub/b") == 1);
}
