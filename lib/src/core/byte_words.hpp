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

/// Nonzero iff a byte of `w` is below `n` (n at most 0x80; bytes from 0x80 up never count).
/// Which bits are set is not meaningful, only whether any is.
constexpr std::uint64_t any_below(std::uint64_t w, unsigned n) noexcept { return (w - kOnes * n) & ~w & kHighs; }

/// Nonzero iff a byte of `w` is `c`.
constexpr std::uint64_t any_equal(std::uint64_t w, unsigned char c) noexcept { return any_below(w ^ (kOnes * c), 1); }

/// Nonzero iff a byte of `w` is 0x80 or above (not ASCII).
constexpr std::uint64_t any_high(std::uint64_t w) noexcept { return w & kHighs; }

}  // namespace opskit::detail::words
