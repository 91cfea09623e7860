// Canonical JSON text and the reuse hash. nlohmann::json keeps objects in a sorted map, so
// its compact dump is already deep-sorted; SHA-256 is implemented here (a few dozen lines)
// because the library links no crypto package.
#include "opskit/cr/canonical.hpp"

#include <array>
#include <cstdint>
#include <cstring>

namespace opskit::cr {
namespace {

constexpr std::array<std::uint32_t, 64> k_round{
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

constexpr std::uint32_t rotr(std::uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }

void compress(std::array<std::uint32_t, 8>& h, const unsigned char* block) {
    std::uint32_t w[64];
    for (int i = 0; i < 16; ++i)
        w[i] = (std::uint32_t{block[4 * i]} << 24) | (std::uint32_t{block[4 * i + 1]} << 16) |
               (std::uint32_t{block[4 * i + 2]} << 8) | std::uint32_t{block[4 * i + 3]};
    for (int i = 16; i < 64; ++i) {
        const std::uint32_t s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
        const std::uint32_t s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    std::uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
    for (int i = 0; i < 64; ++i) {
        const std::uint32_t t1 = hh + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + k_round[i] + w[i];
        const std::uint32_t t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
        hh = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
    }
    h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
}

}  // namespace

std::string canonical_json(const Json& value) { return value.dump(); }

std::string sha256_hex(std::string_view data) {
    std::array<std::uint32_t, 8> h{0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                   0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    const auto* bytes = reinterpret_cast<const unsigned char*>(data.data());
    std::size_t full = data.size() / 64;
    for (std::size_t i = 0; i < full; ++i) compress(h, bytes + 64 * i);
    unsigned char tail[128] = {};
    const std::size_t rest = data.size() - full * 64;
    std::memcpy(tail, bytes + full * 64, rest);
    tail[rest] = 0x80;
    const std::size_t tail_len = rest + 9 <= 64 ? 64 : 128;
    const std::uint64_t bits = static_cast<std::uint64_t>(data.size()) * 8;
    for (int i = 0; i < 8; ++i) tail[tail_len - 1 - i] = static_cast<unsigned char>(bits >> (8 * i));
    compress(h, tail);
    if (tail_len == 128) compress(h, tail + 64);
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    out.reserve(64);
    for (std::uint32_t word : h)
        for (int shift = 28; shift >= 0; shift -= 4) out.push_back(hex[(word >> shift) & 0xf]);
    return out;
}

std::string reuse_hash(const Json& command, std::string_view cwd, const Json& environment,
                       std::string_view output_path, std::string_view container_image, const Json& mounts,
                       const Json& runtime_constraints) {
    // The digest is of canonical_json({command, container_image, cwd, environment, mounts,
    // output_path, runtime_constraints without keep_cache_*}). Stored containers carry it, so
    // those bytes must never change; they are written here piece by piece, keys in sorted
    // order, rather than by copying every part into a temporary object and dumping that
    // (which was a sixth of the cost of a commit).
    std::string key;
    key.reserve(512);
    auto member = [&key](std::string_view name, const Json& value) {
        key.append(key.empty() ? "{\"" : ",\"").append(name).append("\":").append(canonical_json(value));
    };
    member("command", command);
    member("container_image", Json(container_image));
    member("cwd", Json(cwd));
    member("environment", environment);
    member("mounts", mounts);
    member("output_path", Json(output_path));
    if (runtime_constraints.is_object()) {
        key.append(",\"runtime_constraints\":{");
        bool first = true;
        for (auto it = runtime_constraints.begin(); it != runtime_constraints.end(); ++it) {
            if (it.key() == "keep_cache_ram" || it.key() == "keep_cache_disk") continue;
            if (!first) key.push_back(',');
            first = false;
            key.append(canonical_json(Json(it.key()))).push_back(':');
            key.append(canonical_json(it.value()));
        }
        key.push_back('}');
    } else {
        member("runtime_constraints", runtime_constraints);
    }
    key.push_back('}');
    return sha256_hex(key);
}

}  // namespace opskit::cr
