// SHA-256 and MD5 over OpenSSL's EVP interface (one digest context per call; EVP picks the
// CPU's SHA extensions when there are any), for strings and, in chunks, for files.
#include "cr/collections/digest.hpp"

#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <memory>

#include "opskit/core/error.hpp"
#include "opskit/cr/lifecycle/canonical.hpp"

namespace opskit::cr {
namespace {

struct ContextFree {
    void operator()(EVP_MD_CTX* ctx) const noexcept { EVP_MD_CTX_free(ctx); }
};
using Context = std::unique_ptr<EVP_MD_CTX, ContextFree>;

Context start(const EVP_MD* md) {
    Context ctx(EVP_MD_CTX_new());
    if (!ctx || EVP_DigestInit_ex(ctx.get(), md, nullptr) != 1)
        throw Error(ErrorKind::internal, "cannot start digest", EVP_MD_get0_name(md), "OpenSSL EVP_DigestInit_ex failed");
    return ctx;
}

void update(EVP_MD_CTX* ctx, const void* data, std::size_t size) {
    if (EVP_DigestUpdate(ctx, data, size) != 1)
        throw Error(ErrorKind::internal, "cannot compute digest", "", "OpenSSL EVP_DigestUpdate failed");
}

std::string finish_hex(EVP_MD_CTX* ctx) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (EVP_DigestFinal_ex(ctx, digest, &length) != 1)
        throw Error(ErrorKind::internal, "cannot compute digest", "", "OpenSSL EVP_DigestFinal_ex failed");
    static constexpr char hex[] = "0123456789abcdef";
    std::string out(2 * length, '0');
    for (unsigned int i = 0; i < length; ++i) {
        out[2 * i] = hex[digest[i] >> 4];
        out[2 * i + 1] = hex[digest[i] & 0xf];
    }
    return out;
}

std::string hex_of(const EVP_MD* md, std::string_view data) {
    const Context ctx = start(md);
    update(ctx.get(), data.data(), data.size());
    return finish_hex(ctx.get());
}

}  // namespace

std::string sha256_hex(std::string_view data) { return hex_of(EVP_sha256(), data); }

namespace detail {

std::string md5_hex(std::string_view data) { return hex_of(EVP_md5(), data); }

FileDigest sha256_file(const std::filesystem::path& file) {
    const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw Error(ErrorKind::failed, "cannot read", file.string(), std::strerror(errno));
    struct Closer {
        int fd;
        ~Closer() { ::close(fd); }
    } closer{fd};
    ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    const Context ctx = start(EVP_sha256());
    FileDigest out;
    std::array<unsigned char, 1 << 16> buffer;
    for (;;) {
        const ssize_t n = ::read(fd, buffer.data(), buffer.size());
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw Error(ErrorKind::failed, "cannot read", file.string(), std::strerror(errno));
        if (n == 0) break;
        update(ctx.get(), buffer.data(), static_cast<std::size_t>(n));
        out.size += static_cast<std::uint64_t>(n);
    }
    out.sha256 = finish_hex(ctx.get());
    return out;
}

}  // namespace detail
}  // namespace opskit::cr
