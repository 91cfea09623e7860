// Small string_view helpers for the dsmc parser: ASCII-only classification and trimming
// that never allocate, so the line scanner stays linear and cheap per byte. Internal.
#pragma once

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "core/byte_words.hpp"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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
/// dozens of bytes (paths, names), so eight are tested at a time: any_below marks the bytes
/// below '!' (the lowest mark exactly), and a marked byte that is no space (a control byte)
/// is passed over.
inline std::size_t find_space(std::string_view s, std::size_t i) noexcept {
    if constexpr (std::endian::native == std::endian::little) {
        while (i + 8 <= s.size()) {
            const std::uint64_t marks = opskit::detail::words::any_below(opskit::detail::words::load(s.data() + i), '!');
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

/// The first `c` in [p, end), or end. Lines are some fifty bytes, too short for memchr's
/// setup to pay off, so the bytes are tested inline: sixteen at a time with SSE2 (every
/// x86-64 has it), or eight at a time with integer arithmetic (any_equal, whose lowest mark
/// is exact). The last bytes are tested as one more block
/// that ends at `end` and overlaps bytes already tested (they hold no `c`, so the first
/// match in it is the first one): testing them one by one cost more than all the rest.
inline const char* find_byte(const char* p, const char* end, char c) noexcept {
#if defined(__SSE2__)
    if (end - p >= 16) {
        const __m128i pattern16 = _mm_set1_epi8(c);
        auto match = [&pattern16](const char* at) {
            const __m128i block = _mm_loadu_si128(reinterpret_cast<const __m128i*>(at));
            return static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(block, pattern16)));
        };
        for (; end - p >= 16; p += 16)
            if (const unsigned mask = match(p); mask != 0) return p + std::countr_zero(mask);
        if (p == end) return end;
        const unsigned mask = match(end - 16);
        return mask != 0 ? end - 16 + std::countr_zero(mask) : end;
    }
#endif
    if constexpr (std::endian::native == std::endian::little) {
        if (end - p >= 8) {
            auto marks = [c](const char* at) {
                return opskit::detail::words::any_equal(opskit::detail::words::load(at), static_cast<unsigned char>(c));
            };
            for (; end - p >= 8; p += 8)
                if (const std::uint64_t m = marks(p); m != 0) return p + (std::countr_zero(m) >> 3);
            if (p == end) return end;
            const std::uint64_t m = marks(end - 8);
            return m != 0 ? end - 8 + (std::countr_zero(m) >> 3) : end;
        }
    }
    while (p < end && *p != c) ++p;
    return p;
}

/// Where `c` first is in `s`, or npos: string_view::find, searched by find_byte rather than
/// a memchr call.
inline std::size_t find_char(std::string_view s, char c) noexcept {
    const char* const end = s.data() + s.size();
    const char* const at = find_byte(s.data(), end, c);
    return at == end ? std::string_view::npos : static_cast<std::size_t>(at - s.data());
}

/// Where the last space or TAB of `s` is, or npos: find_last_of(" \t"), which called memchr
/// on the two bytes for every byte it passed.
inline std::size_t find_last_blank(std::string_view s) noexcept {
    for (std::size_t i = s.size(); i > 0; --i)
        if (s[i - 1] == ' ' || s[i - 1] == '\t') return i - 1;
    return std::string_view::npos;
}

/// Whether the `n` (>= 8) bytes at `a` and `b` are equal, compared eight at a time (the
/// last word overlapping the one before): a memcmp call for a 19-byte stamp on every line
/// cost more than the compare.
inline bool same_bytes(const char* a, const char* b, std::size_t n) noexcept {
    auto word = [](const char* p) {
        std::uint64_t w = 0;
        std::memcpy(&w, p, sizeof w);
        return w;
    };
    std::uint64_t diff = 0;
    for (std::size_t i = 0; i + 8 < n; i += 8) diff |= word(a + i) ^ word(b + i);
    return (diff | (word(a + n - 8) ^ word(b + n - 8))) == 0;
}

/// Where `needle` (not empty) starts in `s`, or npos: string_view::find, with the first
/// byte found by find_byte rather than a memchr call per candidate, and a needle of eight
/// bytes or more (`Version `, `urn code`) compared by words rather than by a memcmp call.
inline std::size_t find_text(std::string_view s, std::string_view needle) noexcept {
    if (needle.size() > s.size()) return std::string_view::npos;
    const char* const begin = s.data();
    const char* const last = begin + (s.size() - needle.size()) + 1;  // past the last possible start
    const bool by_words = needle.size() >= 8;
    for (const char* p = begin; (p = find_byte(p, last, needle[0])) != last; ++p)
        if (by_words ? same_bytes(p, needle.data(), needle.size())
                     : std::memcmp(p + 1, needle.data() + 1, needle.size() - 1) == 0)
            return static_cast<std::size_t>(p - begin);
    return std::string_view::npos;
}

/// `out = s` with out's capacity kept, for `s` not inside `out` (a view into the line): clearing
/// and appending copies without assign's general replace, which tests `s` for lying inside
/// `out` first; every table row sets some six strings so.
inline void set_text(std::string& out, std::string_view s) {
    out.clear();
    out.append(s.data(), s.size());
}

/// Each byte as a snake_case key keeps it: letters in lower case, digits as they are, 0 for
/// the rest (separators). One load per byte, where the tests for letter, digit and case were
/// a dozen instructions for every byte of every key of every table row.
inline constexpr auto kSnakeBytes = [] {
    std::array<char, 256> t{};
    for (int c = 0; c < 256; ++c) {
        const char b = static_cast<char>(c);
        if (is_alpha(b) || is_digit(b)) t[static_cast<std::size_t>(c)] = to_lower(b);
    }
    return t;
}();

/// snake_case of `label` written at `begin` (room for 2 * label.size() bytes); the end.
inline char* put_snake_case(char* begin, std::string_view label) noexcept {
    char* p = begin;
    bool pending_sep = false;
    for (char c : label) {
        const char kept = kSnakeBytes[static_cast<unsigned char>(c)];
        if (kept == 0) {
            pending_sep = true;
            continue;
        }
        if (pending_sep && p != begin) *p++ = '_';
        pending_sep = false;
        *p++ = kept;
    }
    return p;
}

/// `Inode changed` → `inode_changed`, `Client-deduplicated` → `client_deduplicated`.
inline std::string snake_case(std::string_view label) {
    // Composed in a stack buffer and copied into the string once: appending byte by byte
    // checked the capacity each time, for every key of every table row. Keys are at most
    // 80 bytes; a longer label is composed in the string itself (a second string made and
    // dropped for every key, unused, cost as much as the composing).
    char local[192];
    if (2 * label.size() <= sizeof local) return std::string(local, put_snake_case(local, label));
    std::string out(2 * label.size(), '\0');
    out.resize(static_cast<std::size_t>(put_snake_case(out.data(), label) - out.data()));
    return out;
}

}  // namespace opskit::dsmc::detail
