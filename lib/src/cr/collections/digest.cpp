// SHA-256 and MD5 over OpenSSL's EVP interface (EVP picks the CPU's SHA extensions when there
// are any), for strings through one reused context per thread, and for files in chunks.
//
// libcrypto is opened on the first digest, not linked: loading it costs some 3 million
// instructions (about as much as the rest of crctl's start together, callgrind, late 2026),
// which every crctl start paid, `--version` and the read verbs that never hash included.
#include "cr/collections/digest.hpp"

#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <memory>

#include "opskit/core/error.hpp"
#include "opskit/core/plugin.hpp"
#include "opskit/cr/lifecycle/canonical.hpp"

namespace opskit::cr {
namespace {

/// The soname of OpenSSL 3's libcrypto (lib/CMakeLists.txt requires OpenSSL 3; the .deb
/// depends on libssl3 by name, since shlibdeps cannot see a dlopen()).
constexpr const char* libcrypto_soname = "libcrypto.so.3";

/// The EVP functions used here, with the types of their declarations in <openssl/evp.h>.
struct Evp {
    decltype(&EVP_MD_CTX_new) ctx_new;
    decltype(&EVP_MD_CTX_free) ctx_free;
    decltype(&EVP_DigestInit_ex) init;
    decltype(&EVP_DigestUpdate) update;
    decltype(&EVP_DigestFinal_ex) finish;
    decltype(&EVP_MD_fetch) fetch;
    // Fetched once: EVP_sha256()/EVP_md5() hand out legacy objects that OpenSSL 3 looks up
    // in its provider tables again at every EVP_DigestInit_ex, a third of a short digest.
    const EVP_MD* sha256 = nullptr;
    const EVP_MD* md5 = nullptr;
};

const Evp& evp() {
    // Loaded on the first digest, as core's library_functions() loads every such table; the
    // two digests are fetched in the same step, so a libcrypto without them fails the load.
    return library_functions<Evp>(libcrypto_soname, "load libcrypto", [](auto bind, Evp& e) {
        bind(e.ctx_new, "EVP_MD_CTX_new");
        bind(e.ctx_free, "EVP_MD_CTX_free");
        bind(e.init, "EVP_DigestInit_ex");
        bind(e.update, "EVP_DigestUpdate");
        bind(e.finish, "EVP_DigestFinal_ex");
        bind(e.fetch, "EVP_MD_fetch");
        e.sha256 = e.fetch(nullptr, "SHA256", nullptr);
        e.md5 = e.fetch(nullptr, "MD5", nullptr);
        if (!e.sha256 || !e.md5)
            throw Error(ErrorKind::unavailable, "load libcrypto", libcrypto_soname, "it offers no SHA256 or MD5");
    });
}

struct ContextFree {
    void operator()(EVP_MD_CTX* ctx) const noexcept { evp().ctx_free(ctx); }
};
using Context = std::unique_ptr<EVP_MD_CTX, ContextFree>;

/// (Re)starts `ctx` on `md`; a null `ctx` is a failed EVP_MD_CTX_new.
void init(EVP_MD_CTX* ctx, const EVP_MD* md, const char* name) {
    if (!ctx || evp().init(ctx, md, nullptr) != 1)
        throw Error(ErrorKind::internal, "cannot start digest", name, "OpenSSL EVP_DigestInit_ex failed");
}

Context start(const EVP_MD* md, const char* name) {
    Context ctx(evp().ctx_new());
    init(ctx.get(), md, name);
    return ctx;
}

void update(EVP_MD_CTX* ctx, const void* data, std::size_t size) {
    if (evp().update(ctx, data, size) != 1)
        throw Error(ErrorKind::internal, "cannot compute digest", "", "OpenSSL EVP_DigestUpdate failed");
}

std::string finish_hex(EVP_MD_CTX* ctx) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (evp().finish(ctx, digest, &length) != 1)
        throw Error(ErrorKind::internal, "cannot compute digest", "", "OpenSSL EVP_DigestFinal_ex failed");
    static constexpr char hex[] = "0123456789abcdef";
    std::string out(2 * length, '0');
    for (unsigned int i = 0; i < length; ++i) {
        out[2 * i] = hex[digest[i] >> 4];
        out[2 * i + 1] = hex[digest[i] & 0xf];
    }
    return out;
}

std::string hex_of(const EVP_MD* md, const char* name, std::string_view data) {
    // One context per thread, reset by each init: a new context per digest cost an
    // allocation and its free around every reuse hash.
    thread_local const Context ctx(evp().ctx_new());
    init(ctx.get(), md, name);
    update(ctx.get(), data.data(), data.size());
    return finish_hex(ctx.get());
}

}  // namespace

std::string sha256_hex(std::string_view data) { return hex_of(evp().sha256, "SHA-256", data); }

namespace detail {

std::string md5_hex(std::string_view data) { return hex_of(evp().md5, "MD5", data); }

FileDigest sha256_file(const std::filesystem::path& file) {
    const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw Error(ErrorKind::failed, "cannot read", file.string(), std::strerror(errno));
    struct Closer {
        int fd;
        ~Closer() { ::close(fd); }
    } closer{fd};
    ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    const Context ctx = start(evp().sha256, "SHA-256");
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
