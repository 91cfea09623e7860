// Device resolution on real filesystem images (ext4, xfs, vfat made with mkfs in a temp
// dir) through a private blkid cache, plus refusals of everything that is not a block device.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>

#include "opskit/core/error.hpp"
#include "opskit/core/process.hpp"
#include "opskit/device/resolve.hpp"
#include "test_device_scratch.hpp"

namespace fs = std::filesystem;
using namespace opskit;

namespace {

bool have(const char* prog) { return find_program(prog).has_value(); }

bool run_ok(std::vector<std::string> argv) {
    ProcessSpec spec;
    spec.argv = std::move(argv);
    spec.merge_output = true;
    const auto r = run_process(spec);
    if (!r.success()) WARN(spec.argv.front() << " failed: " << r.out);
    return r.success();
}

fs::path make_image(const fs::path& dir, const std::string& name, const std::string& size) {
    const auto img = dir / name;
    std::ofstream(img).close();
    fs::resize_file(img, std::stoull(size) << 20);
    return img;
}

ErrorKind kind_of_error(const std::string& spec, const device::ResolveOptions& o = {}) {
    try {
        device::resolve_device(spec, o);
    } catch (const Error& e) {
        return e.kind();
    }
    return ErrorKind::internal;
}

}  // namespace

TEST_CASE("make_dev_path follows Linux partition naming", "[device]") {
    CHECK(device::make_dev_path("sda") == "/dev/sda");
    CHECK(device::make_dev_path("sda", 1) == "/dev/sda1");
    CHECK(device::make_dev_path("nvme0n1", 1) == "/dev/nvme0n1p1");
    CHECK(device::make_dev_path("loop0", 2) == "/dev/loop0p2");
    CHECK(device::make_dev_path("mmcblk0", 3) == "/dev/mmcblk0p3");
    CHECK(device::make_dev_path("xvdc", 0, "/tmp/d") == "/tmp/d/xvdc");
    CHECK(device::make_dev_path("backup-7", 0) == "/dev/backup-7");
}

TEST_CASE("tags are recognised only with a known token", "[device]") {
    CHECK(device::is_tag("UUID=abc"));
    CHECK(device::is_tag("LABEL=x"));
    CHECK(device::is_tag("PARTUUID=1-2"));
    CHECK(device::is_tag("PARTLABEL=root"));
    CHECK_FALSE(device::is_tag("uuid=abc"));
    CHECK_FALSE(device::is_tag("/dev/sda"));
    CHECK_FALSE(device::is_tag("FOO=bar"));
}

TEST_CASE("non-block inputs are refused with the reason", "[device]") {
    DeviceScratch s;
    const auto file = make_image(s.dir, "plain.img", "1");
    fs::create_symlink(s.dir / "nowhere", s.dir / "dangling");
    CHECK(kind_of_error(s.dir.string()) == ErrorKind::usage);
    CHECK(kind_of_error("/dev/null") == ErrorKind::usage);
    CHECK(kind_of_error(file.string()) == ErrorKind::usage);
    CHECK(kind_of_error((s.dir / "dangling").string()) == ErrorKind::usage);
    CHECK(kind_of_error((s.dir / "missing").string()) == ErrorKind::not_found);
    CHECK(kind_of_error("") == ErrorKind::usage);
    CHECK(kind_of_error("UUID=") == ErrorKind::usage);
    try {
        device::resolve_device("/dev/null");
        FAIL("accepted /dev/null");
    } catch (const Error& e) {
        CHECK(std::string(e.what()) == "not a block device (/dev/null): a character device");
    }
}

TEST_CASE("filesystem images are probed and resolved by path, symlink chain and tag", "[device][blkid]") {
    if (!have("mkfs.ext4")) {
        WARN("skipped: mkfs.ext4 not installed (e2fsprogs)");
        return;
    }
    DeviceScratch s;
    const auto ext4 = make_image(s.dir, "ext4.img", "8");
    REQUIRE(run_ok({"mkfs.ext4", "-q", "-F", "-L", "bkext4", "-U", "6f1c3a52-8f0e-4b7e-9a51-0d2f1b6c9e11", ext4.string()}));
    const auto p = device::probe(ext4);
    CHECK(p.at("TYPE") == "ext4");
    CHECK(p.at("LABEL") == "bkext4");
    CHECK(p.at("UUID") == "6f1c3a52-8f0e-4b7e-9a51-0d2f1b6c9e11");

    device::ResolveOptions files;
    files.allow_regular_file = true;
    const auto direct = device::resolve_device(ext4.string(), files);
    CHECK(direct.path == ext4);
    CHECK(direct.via == "path");
    CHECK_FALSE(direct.block);
    CHECK(direct.size == (8u << 20));

    // relative path and a two-step symlink chain
    fs::create_symlink(ext4, s.dir / "l1");
    fs::create_symlink("l1", s.dir / "l2");
    const auto chained = device::resolve_device((s.dir / "l2").string(), files);
    CHECK(chained.path == ext4);
    CHECK(chained.via == "symlink");
    const auto cwd = fs::current_path();
    fs::current_path(s.dir);
    const auto rel = device::resolve_device("ext4.img", files);
    fs::current_path(cwd);
    CHECK(rel.path == ext4);

    // tags: a plain file is only found through a cache seeded with it
    files.seed = {ext4};
    const auto by_uuid = device::resolve_device("UUID=6f1c3a52-8f0e-4b7e-9a51-0d2f1b6c9e11", files);
    CHECK(by_uuid.path == ext4);
    CHECK(by_uuid.via == "tag");
    CHECK(device::resolve_device("LABEL=bkext4", files).path == ext4);
    CHECK(device::resolve_device("LABEL=\"bkext4\"", files).path == ext4);
    CHECK(kind_of_error("UUID=00000000-0000-0000-0000-000000000000", files) == ErrorKind::not_found);
    // the tag resolves to a regular file, which is refused unless file mode allows it
    device::ResolveOptions strict;
    strict.seed = {ext4};
    CHECK(kind_of_error("LABEL=bkext4", strict) == ErrorKind::usage);

    const auto j = device::to_json(by_uuid);
    CHECK(j.at("kind") == "file");
    CHECK(j.at("probed").at("TYPE") == "ext4");
    CHECK(j.at("size_bytes") == (8u << 20));
}

TEST_CASE("xfs and vfat images are probed with their labels", "[device][blkid]") {
    DeviceScratch s;
    if (have("mkfs.xfs")) {
        const auto xfs = make_image(s.dir, "xfs.img", "300");
        REQUIRE(run_ok({"mkfs.xfs", "-q", "-f", "-L", "bkxfs", xfs.string()}));
        const auto p = device::probe(xfs);
        CHECK(p.at("TYPE") == "xfs");
        CHECK(p.at("LABEL") == "bkxfs");
        device::ResolveOptions o;
        o.allow_regular_file = true;
        o.seed = {xfs};
        CHECK(device::resolve_device("UUID=" + p.at("UUID"), o).path == xfs);
    } else {
        WARN("skipped xfs: mkfs.xfs not installed (xfsprogs)");
    }
    if (have("mkfs.vfat")) {
        const auto vfat = make_image(s.dir, "vfat.img", "4");
        REQUIRE(run_ok({"mkfs.vfat", "-n", "BKVFAT", vfat.string()}));
        const auto p = device::probe(vfat);
        CHECK(p.at("TYPE") == "vfat");
        CHECK(p.at("LABEL") == "BKVFAT");
        device::ResolveOptions o;
        o.allow_regular_file = true;
        o.seed = {vfat};
        CHECK(device::resolve_device("LABEL=BKVFAT", o).path == vfat);
    } else {
        WARN("skipped vfat: mkfs.vfat not installed (dosfstools)");
    }
}
