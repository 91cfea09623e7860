// Small string_view helpers for the dsmc parser: ASCII-only classification and trimming
// that never allocate, so the line scanner stays linear and cheap per byte. Internal.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace opskit::dsmc::detail {

constexpr bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
constexpr bool is_alpha(char c) noexcept { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
constexpr bool is_upper(char c) noexcept { return c >= 'A' && c <= 'Z'; }
/// Space, \t, \r, \f or \v, as one bit test, since every trim runs it (\n never occurs
/// inside a line).
constexpr bool is_space(char c) noexcept {
    constexpr std::uint64_t kSpaces = (1ULL << ' ') | (1ULL << '\t') | (1ULL << '\r') | (1ULL << '\f') | (1ULL << '\v');
    const auto u = static_cast<unsigned char>(c);
    return u <= ' ' && ((kSpaces >> u) & 1U) != 0;
}
constexpr char to_lower(char c) noexcept { return is_upper(c) ? static_cast<char>(c - 'A' + 'a') : c; }

inline std::string_view trim_left(std::string_view s) noexcept {
    if (s.empty() || !is_space(s[0])) return s;  // most calls: nothing to trim
    std::size_t i = 0;
    // dsmc aligns summary values with runs of up to 40 spaces: skip them 8 at a time, and
    // in the word that ends the run go straight to its first byte other than a space.
    constexpr std::uint64_t kEightSpaces = 0x2020202020202020ULL;
    while (i + 8 <= s.size()) {
        std::uint64_t word = 0;
        std::memcpy(&word, s.data() + i, sizeof word);
        if (word != kEightSpaces) {
            if constexpr (std::endian::native == std::endian::little)
                i += static_cast<std::size_t>(std::countr_zero(word ^ kEightSpaces)) >> 3;
            break;
        }
        i += 8;
    }
    while (i < s.size() && is_space(s[i])) ++i;
    return s.substr(i);
}

inline std::string_view trim_right(std::string_view s) noexcept {
    std::size_t n = s.size();
    while (n > 0 && is_space(s[n - 1])) --n;
    return s.substr(0, n);
}

inline std::string_view trim(std::string_view s) noexcept { return trim_right(trim_left(s)); }

inline bool starts_with(std::string_view s, std::string_view p) noexcept {
    return s.size() >= p.size() && s.compare(0, p.size(), p) == 0;
}

inline bool ends_with(std::string_view s, std::string_view p) noexcept {
    return s.size() >= p.size() && s.compare(s.size() - p.size(), p.size(), p) == 0;
}

inline bool iequals(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (to_lower(a[i]) != to_lower(b[i])) return false;
    return true;
}

/// The first byte of `s` at or after `i` for which is_space holds, or s.size(). Tokens run to
/// dozens of bytes (paths, names), so eight are tested at a time: (x - 0x21…) & ~x & 0x80…
/// marks the bytes below '!' (the lowest mark exactly: a borrow can only add marks above
/// it), and a marked byte that is no space (a control byte) is passed over.
inline std::size_t find_space(std::string_view s, std::size_t i) noexcept {
    if constexpr (std::endian::native == std::endian::little) {
        constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
        constexpr std::uint64_t kHighs = 0x8080808080808080ULL;
        while (i + 8 <= s.size()) {
            std::uint64_t word = 0;
            std::memcpy(&word, s.data() + i, sizeof word);
            const std::uint64_t marks = (word - kOnes * '!') & ~word & kHighs;
            if (marks == 0) {
                i += 8;
                continue;
            }
            const std::size_t at = i + (static_cast<std::size_t>(std::countr_zero(marks)) >> 3);
            if (is_space(s[at])) return at;
            i = at + 1;
        }
    }
    while (i < s.size() && !is_space(s[i])) ++i;
    return i;
}

/// Splits off the next whitespace-separated token; `rest` is what follows it.
inline std::string_view next_token(std::string_view s, std::string_view& rest) noexcept {
    s = trim_left(s);
    const std::size_t i = find_space(s, 0);
    rest = s.substr(i);
    return s.substr(0, i);
}

/// `Inode changed` → `inode_changed`, `Client-deduplicated` → `client_deduplicated`.
inline std::string snake_case(std::string_view label) {
    // Composed in a stack buffer and copied into the string once: appending byte by byte
    // checked the capacity each time, for every key of every table row. Keys are at most
    // 80 bytes; a longer label is composed on the heap the same way.
    char local[192];
    std::string heap;
    char* begin = local;
    if (2 * label.size() > sizeof local) {
        heap.resize(2 * label.size());
        begin = heap.data();
    }
    char* p = begin;
    bool pending_sep = false;
    for (char c : label) {
        if (is_alpha(c) || is_digit(c)) {
            if (pending_sep && p != begin) *p++ = '_';
            pending_sep = false;
            *p++ = to_lower(c);
        } else {
            pending_sep = true;
        }
    }
    return std::string(begin, p);
}

}  // namespace opskit::dsmc::detail
