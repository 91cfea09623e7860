// Private: MD5, only because a portable data hash is `<md5 of the manifest>+<manifest size>`
// (the Arvados form the store validates). MD5 here names content; it is not a security hash —
// file contents inside a manifest are named by SHA-256.
#pragma once

#include <string>
#include <string_view>

namespace opskit::cr::detail {

/// Lower-case hex MD5 digest of `data` (RFC 1321).
std::string md5_hex(std::string_view data);

}  // namespace opskit::cr::detail
