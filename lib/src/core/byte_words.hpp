// Tests on eight bytes of text at once (one 64-bit word), for scans that run over every
// string an output form prints and mostly find nothing: the word is tested as a whole and
// only a word that matches is looked at byte by byte. Internal to the library.
#pragma once

#include <cstdint>
#include <cstring>

namespace opskit::detail::words {

constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
constexpr std::uint64_t kHighs = 0x8080808080808080ULL;

inline std::uint64_t load(const char* p) noexcept {
    std::uint64_t w;
    std::memcpy(&w, p, sizeof w);
    return w;
}

/// Bytes [0, n) of `p`, 4 <= n <= 8, as one word: two 4-byte reads that overlap when n < 8
/// (a byte read twice changes no test below).
inline std::uint64_t load_4_to_8(const char* p, std::size_t n) noexcept {
    std::uint32_t lo, hi;
    std::memcpy(&lo, p, sizeof lo);
    std::memcpy(&hi, p + n - 4, sizeof hi);
    return lo | static_cast<std::uint64_t>(hi) << 32;
}

/// Nonzero iff a byte of `w` is below `n` (n at most 0x80; bytes from 0x80 up never count).
/// The lowest set bit marks the first such byte exactly (a borrow only adds marks above
/// it), so countr_zero(...) / 8 is its index; the higher bits are not meaningful.
constexpr std::uint64_t any_below(std::uint64_t w, unsigned n) noexcept { return (w - kOnes * n) & ~w & kHighs; }

/// Nonzero iff a byte of `w` is `c`.
constexpr std::uint64_t any_equal(std::uint64_t w, unsigned char c) noexcept { return any_below(w ^ (kOnes * c), 1); }

/// Nonzero iff a byte of `w` is 0x80 or above (not ASCII).
constexpr std::uint64_t any_high(std::uint64_t w) noexcept { return w & kHighs; }

}  // namespace opskit::detail::words
