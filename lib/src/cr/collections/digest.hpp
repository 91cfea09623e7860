// Private: the digests collections and reuse are named by, through OpenSSL's libcrypto (EVP),
// which every host already has. MD5 appears only because a portable data hash is
// `<md5 of the manifest>+<manifest size>` (the Arvados form the store validates); it names
// content and is not a security hash. File contents are named by SHA-256.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace opskit::cr::detail {

/// Lower-case hex MD5 digest of `data` (RFC 1321).
std::string md5_hex(std::string_view data);

/// A file's SHA-256 (lower-case hex) and size, read in fixed-size chunks (constant memory
/// whatever the file's size). Unreadable → Error(failed) naming the file.
struct FileDigest {
    std::uint64_t size = 0;
    std::string sha256;
};
FileDigest sha256_file(const std::filesystem::path& file);

}  // namespace opskit::cr::detail
