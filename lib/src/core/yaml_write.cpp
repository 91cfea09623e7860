// YAML text for a JSON value, written straight into a string: block mappings and sequences
// indented by two, scalars plain when YAML reads them back as the same string and double-
// quoted otherwise. It replaced yaml-cpp's emitter in the output layer, which checked every
// plain scalar with its own regex engine byte by byte: `bkctl -o yaml parse` ran at 9 MB/s,
// under half the Python reference's speed, and two thirds of that was the emitter. Reading
// YAML stays with yaml-cpp (config files); the unit tests load what this writes with it.
#include "core/yaml_write.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>

#include "core/byte_words.hpp"
#include "core/yaml_quote.hpp"
#include "opskit/core/utf8.hpp"

namespace opskit::detail {
namespace {

bool is_control(unsigned char c) noexcept { return c < 0x20 || c == 0x7F; }

/// What the quoting decision needs to know of every byte of a string, found in one pass of
/// eight bytes at a time (every key and string value printed is scanned).
struct Bytes {
    bool control = false;  ///< a byte below 0x20, or 0x7F
    bool ascii = true;
    bool escaped = false;  ///< a '"' or '\\', which a double-quoted scalar escapes
};

Bytes scan(std::string_view s) noexcept {
    std::uint64_t control = 0, high = 0, escaped = 0;
    auto word = [&](std::uint64_t w) {
        control |= words::any_below(w, 0x20) | words::any_equal(w, 0x7F);
        high |= words::any_high(w);
        escaped |= words::any_equal(w, '"') | words::any_equal(w, '\\');
    };
    std::size_t i = 0;
    if (s.size() >= 8) {
        for (; i + 8 <= s.size(); i += 8) word(words::load(s.data() + i));
        if (i < s.size()) word(words::load(s.data() + s.size() - 8));  // the last bytes, overlapping the word before
        i = s.size();
    } else if (s.size() >= 4) {
        word(words::load_4_to_8(s.data(), s.size()));
        i = s.size();
    }
    for (; i < s.size(); ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        control |= is_control(c);
        high |= c & 0x80;
        escaped |= c == '"' || c == '\\';
    }
    return {control != 0, high == 0, escaped != 0};
}

/// Plain (unquoted) is safe when the quoting rules allow it, no byte is a control character
/// (a line break would end the scalar, a tab confuses some readers), the text is UTF-8 and
/// does not start with a byte order mark (which a reader drops at the start of a document)
/// or with "..." (at the start of a line, a key or a top-level scalar, it ends the document).
bool can_be_plain(std::string_view s, const Bytes& b) noexcept {
    auto starts_with = [&](char c0, char c1, char c2) { return s.size() >= 3 && s[0] == c0 && s[1] == c1 && s[2] == c2; };
    if (b.control || yaml_needs_quotes(s) || starts_with('\xEF', '\xBB', '\xBF') || starts_with('.', '.', '.')) return false;
    return b.ascii || !utf8_error_at(s);  // most strings are ASCII: no second pass for them
}

void append_escaped(std::string& out, std::string_view valid_utf8) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::size_t run = 0;  // start of the bytes not yet appended, which need no escape
    for (std::size_t i = 0; i < valid_utf8.size(); ++i) {
        const auto c = static_cast<unsigned char>(valid_utf8[i]);
        if (c != '"' && c != '\\' && !is_control(c)) continue;
        out.append(valid_utf8.data() + run, i - run);
        run = i + 1;
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
            out += "\\x";
            out += hex[c >> 4];
            out += hex[c & 0xF];
        }
    }
    out.append(valid_utf8.data() + run, valid_utf8.size() - run);
}

/// A double-quoted scalar with escapes. Bytes that are not UTF-8 become U+FFFD, as the JSON
/// output does: YAML has no escape for a raw byte.
void append_escaped_quoted(std::string& out, std::string_view s) {
    out += '"';
    while (!s.empty()) {
        const auto bad = utf8_error_at(s);
        append_escaped(out, s.substr(0, bad.value_or(s.size())));
        if (!bad) break;
        out += "\\uFFFD";
        s.remove_prefix(*bad + 1);
    }
    out += '"';
}

void append_text(std::string& out, std::string_view s) {
    switch (yaml_string_form(s)) {
    case YamlString::plain: out += s; break;
    case YamlString::quoted:
        out += '"';
        out += s;
        out += '"';
        break;
    case YamlString::escaped: append_escaped_quoted(out, s); break;
    }
}

/// Integers as the JSON output spells them, without a serializer per number (dump() makes
/// one, with a locale query, for every call).
template <class Int>
void append_integer(std::string& out, Int value) {
    char digits[24];
    const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
    out.append(digits, end);
}

bool is_block(const Json& v) { return (v.is_object() || v.is_array()) && !v.empty(); }

void append_scalar(std::string& out, const Json& v) {
    switch (v.type()) {
    case Json::value_t::string: append_text(out, v.get_ref<const std::string&>()); break;
    case Json::value_t::null: out += '~'; break;
    case Json::value_t::boolean: out += v.get<bool>() ? "true" : "false"; break;
    case Json::value_t::object: out += "{}"; break;  // empty: is_block() took the others
    case Json::value_t::array: out += "[]"; break;
    case Json::value_t::number_integer: append_integer(out, v.get<std::int64_t>()); break;
    case Json::value_t::number_unsigned: append_integer(out, v.get<std::uint64_t>()); break;
    case Json::value_t::number_float: append_yaml_double(out, v.get<double>()); break;
    default: out += v.dump(); break;
    }
}

void append_pad(std::string& out, int indent) { out.append(static_cast<std::size_t>(indent), ' '); }

void append_block(std::string& out, const Json& v, int indent, bool first_inline);

/// After "key:" or "-": a block on the next lines, or " scalar" on this one.
void append_value(std::string& out, const Json& v, int indent) {
    if (is_block(v)) {
        out += '\n';
        append_block(out, v, indent, false);
    } else {
        out += ' ';
        append_scalar(out, v);
        out += '\n';
    }
}

/// A non-empty mapping or sequence at `indent`; `first_inline`: its first line continues a
/// "- " already written (a mapping or sequence as a sequence item).
void append_block(std::string& out, const Json& v, int indent, bool first_inline) {
    bool first = true;
    if (v.is_object()) {
        for (auto it = v.begin(); it != v.end(); ++it, first = false) {
            if (!(first && first_inline)) append_pad(out, indent);
            append_text(out, it.key());
            out += ':';
            append_value(out, *it, indent + 2);
        }
        return;
    }
    for (const auto& item : v) {
        if (!(first && first_inline)) append_pad(out, indent);
        first = false;
        out += '-';
        if (is_block(item)) {
            out += ' ';
            append_block(out, item, indent + 2, true);
        } else {
            append_value(out, item, indent + 2);
        }
    }
}

}  // namespace

YamlString yaml_string_form(std::string_view s) noexcept {
    const Bytes b = scan(s);
    if (can_be_plain(s, b)) return YamlString::plain;
    // Nothing to escape or replace: most quoted text (dates, sizes) is copied as it is.
    if (b.ascii && !b.control && !b.escaped) return YamlString::quoted;
    return YamlString::escaped;
}

void append_yaml_string(std::string& out, std::string_view s) { append_text(out, s); }

// As the JSON output spells it: nlohmann's shortest round-trip digits, the function dump()
// calls for a double (without the serializer dump() builds per call), NaN and infinities
// as null.
void append_yaml_double(std::string& out, double value) {
    if (!std::isfinite(value)) {
        out += "null";
        return;
    }
    std::array<char, 64> digits;  // the size of the serializer's own buffer
    out.append(digits.data(), nlohmann::detail::to_chars(digits.data(), digits.data() + digits.size(), value));
}

void append_yaml(std::string& out, const Json& value) {
    if (is_block(value)) {
        append_block(out, value, 0, false);
    } else {
        append_scalar(out, value);
        out += '\n';
    }
}

}  // namespace opskit::detail
