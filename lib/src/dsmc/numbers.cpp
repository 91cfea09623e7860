// Locale-tolerant number reading for dsmc figures (see numbers.hpp). The decimal-separator
// rule comes from dsmc's own formats: K/M/G/T values, seconds, rates and ratios always carry
// two decimals, counts none, so a `,` or `.` followed by exactly three digits is grouping.
#include "dsmc/numbers.hpp"

#include <limits>

#include "dsmc/text.hpp"

namespace opskit::dsmc::detail {
namespace {

constexpr std::uint64_t kPow10[] = {1ULL,
                                    10ULL,
                                    100ULL,
                                    1000ULL,
                                    10000ULL,
                                    100000ULL,
                                    1000000ULL,
                                    10000000ULL,
                                    100000000ULL,
                                    1000000000ULL,
                                    10000000000ULL,
                                    100000000000ULL,
                                    1000000000000ULL,
                                    10000000000000ULL,
                                    100000000000000ULL,
                                    1000000000000000ULL,
                                    10000000000000000ULL,
                                    100000000000000000ULL,
                                    1000000000000000000ULL,
                                    10000000000000000000ULL};

bool digit_at(std::string_view s, std::size_t i) noexcept { return i < s.size() && is_digit(s[i]); }

/// Length of a grouping separator at `i` that is followed by a digit, else 0.
std::size_t separator_at(std::string_view s, std::size_t i) noexcept {
    const char c = s[i];
    if (c == ',' || c == '.' || c == '\'') return digit_at(s, i + 1) ? 1 : 0;
    if (c == ' ') {
        // A space groups only `1 000`: exactly three digits, then no further digit.
        if (digit_at(s, i + 1) && digit_at(s, i + 2) && digit_at(s, i + 3) && !digit_at(s, i + 4)) return 1;
        return 0;
    }
    if (c == '\xe2' && i + 2 < s.size() && s[i + 1] == '\x80' && s[i + 2] == '\xaf') return digit_at(s, i + 3) ? 3 : 0;
    if (c == '\xc2' && i + 1 < s.size() && s[i + 1] == '\xa0') return digit_at(s, i + 2) ? 2 : 0;
    return 0;
}

}  // namespace

double Decimal::value() const noexcept {
    const int f = frac_digits < 0 ? 0 : (frac_digits > 19 ? 19 : frac_digits);
    return static_cast<double>(digits) / static_cast<double>(kPow10[f]);
}

namespace {

// The readers below call these, not the exported names: in the shared library those are
// interposable, so the compiler may not inline a call to one, and every figure paid two or
// three calls through the PLT.

std::optional<Decimal> read_number(std::string_view s, std::size_t& used) noexcept {
    used = 0;
    if (s.empty() || !is_digit(s[0])) return std::nullopt;
    std::uint64_t acc = 0;
    std::size_t i = 0;
    std::size_t run_start = 0;  // where the digits after the last separator start
    char last_sep = 0;          // 0 none; ',' '.' or 'g' for any other grouping
    char prev_sep = 0;          // the separator before the last one
    bool any_sep = false;
    while (i < s.size()) {
        const char c = s[i];
        if (is_digit(c)) {
            const auto d = static_cast<std::uint64_t>(c - '0');
            // acc * 10 + d would exceed the maximum (compared with constants: a division per
            // digit was a fifth of the cost of reading a number; and once per digit, the exact
            // test only for the rare value that reaches the bound).
            constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
            if (acc >= kMax / 10 && (acc > kMax / 10 || d > kMax % 10)) return std::nullopt;
            acc = acc * 10 + d;
            ++i;
            continue;
        }
        const std::size_t n = separator_at(s, i);
        if (n == 0) break;
        prev_sep = any_sep ? last_sep : 0;
        last_sep = (c == ',' || c == '.') ? c : 'g';
        any_sep = true;
        i += n;
        run_start = i;
    }
    used = i;
    // Digits since the last separator (or the start), taken from the positions rather than
    // counted for every digit.
    const std::size_t since_sep = i - run_start;
    Decimal d;
    d.digits = acc;
    if (last_sep == ',' || last_sep == '.') {
        const bool other_before = prev_sep != 0 && prev_sep != last_sep;
        if (since_sep != 3 || other_before) d.frac_digits = static_cast<int>(since_sep);
    }
    if (d.frac_digits > 19) return std::nullopt;
    return d;
}

std::optional<Decimal> whole_number(std::string_view s) noexcept {
    s = trim(s);
    std::size_t used = 0;
    auto d = read_number(s, used);
    if (!d || used != s.size()) return std::nullopt;
    return d;
}

int unit_exponent(std::string_view u) noexcept {
    u = trim(u);
    if (u.empty()) return -1;
    // By the first letter, then the rest by its length: a chain of iequals against every
    // spelling cost more than reading the number, for every size and rate.
    int p = -1;
    switch (to_lower(u[0])) {
        case 'b': return u.size() == 1 || iequals(u, "bytes") || iequals(u, "byte") ? 0 : -1;
        case 'k': p = 1; break;
        case 'm': p = 2; break;
        case 'g': p = 3; break;
        case 't': p = 4; break;
        case 'p': p = 5; break;
        default: return -1;
    }
    if (u.size() == 1) return p;
    if (u.size() == 2) return to_lower(u[1]) == 'b' ? p : -1;
    if (u.size() == 3) return to_lower(u[1]) == 'i' && to_lower(u[2]) == 'b' ? p : -1;
    return -1;
}

std::optional<std::uint64_t> bytes_in(const Decimal& d, int power) noexcept {
    if (d.frac_digits == 0) {
        // A whole number needs no rounding, so no 128-bit division (a library call): most
        // sizes are whole bytes or whole units.
        if (d.digits > (std::numeric_limits<std::uint64_t>::max() >> (10 * power))) return std::nullopt;
        return d.digits << (10 * power);
    }
    __extension__ typedef unsigned __int128 U128;
    const U128 num = static_cast<U128>(d.digits) << (10 * power);
    const U128 den = kPow10[d.frac_digits];
    const U128 q = (num * 2 + den) / (den * 2);  // round half up, exactly
    if (q > std::numeric_limits<std::uint64_t>::max()) return std::nullopt;
    return static_cast<std::uint64_t>(q);
}

}  // namespace

std::optional<Decimal> read_decimal(std::string_view s, std::size_t& used) noexcept { return read_number(s, used); }

std::optional<Decimal> parse_decimal(std::string_view s) noexcept { return whole_number(s); }

int unit_power(std::string_view u) noexcept { return unit_exponent(u); }

std::optional<std::uint64_t> bytes_of(const Decimal& d, int power) noexcept { return bytes_in(d, power); }

// The readers of summary values are flattened: read_number and the rest inlined into each,
// so a value costs no calls and no optional passed back through memory; they run for every
// summary line.

[[gnu::flatten]] std::optional<std::uint64_t> parse_bytes(std::string_view s) noexcept {
    s = trim(s);
    std::size_t used = 0;
    auto d = read_number(s, used);
    if (!d) return std::nullopt;
    const std::string_view rest = trim(s.substr(used));
    const int power = rest.empty() ? 0 : unit_exponent(rest);
    if (power < 0) return std::nullopt;
    return bytes_in(*d, power);
}

[[gnu::flatten]] std::optional<std::uint64_t> parse_count(std::string_view s) noexcept {
    auto d = whole_number(s);
    if (!d || d->frac_digits != 0) return std::nullopt;
    return d->digits;
}

[[gnu::flatten]] std::optional<double> parse_rate(std::string_view s) noexcept {
    s = trim(s);
    std::size_t used = 0;
    auto d = read_number(s, used);
    if (!d) return std::nullopt;
    std::string_view rest = trim(s.substr(used));
    int power = 1;  // dsmc prints KB/sec; a bare number is taken in that unit
    if (!rest.empty()) {
        const char* const at = find_byte(rest.data(), rest.data() + rest.size(), '/');  // inline, no memchr call
        if (at == rest.data() + rest.size()) return std::nullopt;
        const auto slash = static_cast<std::size_t>(at - rest.data());
        const std::string_view per = trim(rest.substr(slash + 1));
        if (!iequals(per, "sec") && !iequals(per, "s")) return std::nullopt;
        power = unit_exponent(rest.substr(0, slash));
        if (power < 0) return std::nullopt;
    }
    constexpr double kUnit[] = {1.0, 1024.0, 1048576.0, 1073741824.0, 1099511627776.0, 1125899906842624.0};
    return d->value() * kUnit[power];
}

[[gnu::flatten]] std::optional<double> parse_percent(std::string_view s) noexcept {
    s = trim(s);
    if (!s.empty() && s.back() == '%') s = trim_right(s.substr(0, s.size() - 1));
    auto d = whole_number(s);
    if (!d) return std::nullopt;
    return d->value();
}

[[gnu::flatten]] std::optional<double> parse_seconds(std::string_view s) noexcept {
    s = trim(s);
    std::size_t used = 0;
    auto d = read_number(s, used);
    if (!d) return std::nullopt;
    const std::string_view rest = trim(s.substr(used));
    if (!rest.empty() && !iequals(rest, "sec") && !iequals(rest, "s") && !iequals(rest, "seconds")) return std::nullopt;
    return d->value();
}

std::optional<double> parse_hms(std::string_view s) noexcept {
    s = trim(s);
    std::size_t i = 0;
    std::uint64_t h = 0;
    while (i < s.size() && is_digit(s[i])) {
        if (i >= 9) return std::nullopt;
        h = h * 10 + static_cast<std::uint64_t>(s[i] - '0');
        ++i;
    }
    if (i == 0) return std::nullopt;
    auto two = [&](std::size_t at) -> int {
        if (at + 2 > s.size() || !is_digit(s[at]) || !is_digit(s[at + 1])) return -1;
        return (s[at] - '0') * 10 + (s[at + 1] - '0');
    };
    auto sep = [&](std::size_t at) { return at < s.size() && (s[at] == ':' || s[at] == '.'); };
    if (!sep(i)) return std::nullopt;
    const int m = two(i + 1);
    if (m < 0 || m > 59 || !sep(i + 3)) return std::nullopt;
    const int sec = two(i + 4);
    if (sec < 0 || sec > 59 || i + 6 != s.size()) return std::nullopt;
    return static_cast<double>(h * 3600 + static_cast<std::uint64_t>(m) * 60 + static_cast<std::uint64_t>(sec));
}

}  // namespace opskit::dsmc::detail
