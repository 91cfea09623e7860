// The YAML quoting decision as one pass over the bytes. It replaced a std::regex that was
// run on every string the yaml output printed and dominated `bkctl -o yaml parse`; the unit
// test keeps that regex as the oracle and checks both agree. "Whitespace" is the C
// locale's isspace set (space, \t, \n, \v, \f, \r), which is what the regex's \s meant.
#include "core/yaml_quote.hpp"

#include <array>
#include <cstdint>

#include "core/byte_words.hpp"

namespace opskit::detail {
namespace {

constexpr bool is_space(char c) noexcept {
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

constexpr bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

constexpr char lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// Bytes that mean something to YAML at the start of a plain scalar (whitespace aside).
constexpr bool is_leading_indicator(char c) noexcept {
    switch (c) {
    case ':': case '?': case '-': case '!': case '&': case '*': case '#': case '|': case '>':
    case '\'': case '"': case '%': case '@': case '`': case '{': case '}': case '[': case ']': case ',':
        return true;
    default: return false;
    }
}

// A YAML 1.1 reader takes these, in any case, as booleans or null. Each word is packed with
// its length into one integer, so a candidate is folded to lower case once and compared
// with ten integers (not ten strings).
constexpr std::uint64_t pack(std::string_view w) noexcept {
    std::uint64_t v = static_cast<std::uint64_t>(w.size()) << 56;
    for (std::size_t i = 0; i < w.size(); ++i) v |= static_cast<std::uint64_t>(static_cast<unsigned char>(lower(w[i]))) << (8 * i);
    return v;
}

bool is_reserved_word(std::string_view s) noexcept {
    static constexpr std::array<std::uint64_t, 10> kWords = {pack("true"), pack("false"), pack("yes"), pack("no"),
                                                             pack("on"),   pack("off"),   pack("null"), pack("~"),
                                                             pack("y"),    pack("n")};
    if (s.size() > 5) return false;
    const std::uint64_t folded = pack(s);
    for (const auto w : kWords)
        if (w == folded) return true;
    return false;
}

// `[-+]?\.?[0-9]` at the start, then anything up to the end but a line break (\n or \r
// stop `.` from reaching the end, and nothing else can make a number-like string match).
bool starts_like_number(std::string_view s) noexcept {
    std::size_t i = 0;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
    if (i < s.size() && s[i] == '.') ++i;
    if (i >= s.size() || !is_digit(s[i])) return false;
    auto line_break = [](std::uint64_t w) { return (words::any_equal(w, '\n') | words::any_equal(w, '\r')) != 0; };
    ++i;
    if (s.size() >= 8) {  // words, the last one overlapping the one before
        for (; i + 8 <= s.size(); i += 8)
            if (line_break(words::load(s.data() + i))) return false;
        return i == s.size() || !line_break(words::load(s.data() + s.size() - 8));
    }
    for (; i < s.size(); ++i)
        if (s[i] == '\n' || s[i] == '\r') return false;
    return true;
}

/// `: ` would start a mapping value and ` #` a comment anywhere in the text. Only the
/// neighbours of a ':' or '#' matter, and most text has neither: words without one are
/// passed over whole.
bool has_value_or_comment_mark(std::string_view s) noexcept {
    const std::size_t n = s.size();
    auto marks = [](std::uint64_t w) { return (words::any_equal(w, ':') | words::any_equal(w, '#')) != 0; };
    for (std::size_t i = 0; i < n;) {
        std::size_t end = n;
        if (i + 8 <= n) {
            if (!marks(words::load(s.data() + i))) {
                i += 8;
                continue;
            }
            end = i + 8;
        } else if (n >= 8 ? !marks(words::load(s.data() + n - 8)) : n >= 4 && !marks(words::load_4_to_8(s.data(), n))) {
            return false;  // the last bytes (a word overlapping the one before), or a short text, have neither
        }
        for (; i < end; ++i) {
            if (s[i] == ':' && i + 1 < n && is_space(s[i + 1])) return true;
            if (s[i] == '#' && i > 0 && is_space(s[i - 1])) return true;
        }
    }
    return false;
}

}  // namespace

bool yaml_needs_quotes(std::string_view s) noexcept {
    if (s.empty()) return true;
    const char first = s.front();
    const char last = s.back();
    if (is_space(first) || is_leading_indicator(first) || is_space(last) || last == ':') return true;
    return is_reserved_word(s) || starts_like_number(s) || has_value_or_comment_mark(s);
}

}  // namespace opskit::detail
