// UTF-8 validation by the well-formed byte sequences of Unicode §3.9 (table 3-7): the lead
// byte fixes the length and the allowed range of the second byte, which is what rules out
// overlong forms, surrogates and code points past U+10FFFF.
#include "opskit/core/utf8.hpp"

namespace opskit {

std::optional<std::size_t> utf8_error_at(std::string_view text) noexcept {
    const auto* s = reinterpret_cast<const unsigned char*>(text.data());
    const std::size_t n = text.size();
    std::size_t i = 0;
    while (i < n) {
        const unsigned char c = s[i];
        if (c < 0x80) {
            ++i;
            continue;
        }
        std::size_t len = 0;
        unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
        if (c >= 0xC2 && c <= 0xDF) len = 2;
        else if (c == 0xE0) len = 3, lo = 0xA0;
        else if (c >= 0xE1 && c <= 0xEC) len = 3;
        else if (c == 0xED) len = 3, hi = 0x9F;
        else if (c >= 0xEE && c <= 0xEF) len = 3;
        else if (c == 0xF0) len = 4, lo = 0x90;
        else if (c >= 0xF1 && c <= 0xF3) len = 4;
        else if (c == 0xF4) len = 4, hi = 0x8F;
        else return i;
        if (i + len > n) return i;
        if (s[i + 1] < lo || s[i + 1] > hi) return i;
        for (std::size_t k = 2; k < len; ++k)
            if (s[i + k] < 0x80 || s[i + k] > 0xBF) return i;
        i += len;
    }
    return std::nullopt;
}

bool json_is_valid_utf8(const Json& value) noexcept {
    if (value.is_string()) return !utf8_error_at(value.get_ref<const std::string&>());
    if (value.is_array()) {
        for (const auto& item : value)
            if (!json_is_valid_utf8(item)) return false;
        return true;
    }
    if (value.is_object()) {
        for (const auto& [key, item] : value.items())
            if (utf8_error_at(key) || !json_is_valid_utf8(item)) return false;
    }
    return true;
}

}  // namespace opskit
