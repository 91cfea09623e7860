// YAML text for a JSON value, written straight into a string: block mappings and sequences
// indented by two, scalars plain when YAML reads them back as the same string and double-
// quoted otherwise. It replaced yaml-cpp's emitter in the output layer, which checked every
// plain scalar with its own regex engine byte by byte: `bkctl -o yaml parse` ran at 9 MB/s,
// under half the Python reference's speed, and two thirds of that was the emitter. Reading
// YAML stays with yaml-cpp (config files); the unit tests load what this writes with it.
#include "core/yaml_write.hpp"

#include <charconv>
#include <cstdint>

#include "core/yaml_quote.hpp"
#include "opskit/core/utf8.hpp"

namespace opskit::detail {
namespace {

bool is_control(unsigned char c) noexcept { return c < 0x20 || c == 0x7F; }

/// Plain (unquoted) is safe when the quoting rules allow it, no byte is a control character
/// (a line break would end the scalar, a tab confuses some readers), the text is UTF-8 and
/// does not start with a byte order mark (which a reader drops at the start of a document)
/// or with "..." (at the start of a line, a key or a top-level scalar, it ends the document).
bool can_be_plain(std::string_view s) noexcept {
    bool ascii = true;
    for (const char c : s) {
        const auto byte = static_cast<unsigned char>(c);
        if (is_control(byte)) return false;
        ascii = ascii && byte < 0x80;
    }
    if (yaml_needs_quotes(s) || s.starts_with("\xEF\xBB\xBF") || s.starts_with("...")) return false;
    return ascii || !utf8_error_at(s);  // most strings are ASCII: no second pass for them
}

void append_escaped(std::string& out, std::string_view valid_utf8) {
    static constexpr char hex[] = "0123456789ABCDEF";
    for (const char ch : valid_utf8) {
        const auto c = static_cast<unsigned char>(ch);
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
            if (is_control(c)) {
                out += "\\x";
                out += hex[c >> 4];
                out += hex[c & 0xF];
            } else {
                out += ch;
            }
        }
    }
}

/// A double-quoted scalar. Bytes that are not UTF-8 become U+FFFD, as the JSON output does:
/// YAML has no escape for a raw byte.
void append_quoted(std::string& out, std::string_view s) {
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
    if (can_be_plain(s)) out += s;
    else append_quoted(out, s);
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

void append_yaml_string(std::string& out, std::string_view s) { append_text(out, s); }

// As the JSON output spells it (NaN and infinities as null).
void append_yaml_double(std::string& out, double value) { out += Json(value).dump(); }

void append_yaml(std::string& out, const Json& value) {
    if (is_block(value)) {
        append_block(out, value, 0, false);
    } else {
        append_scalar(out, value);
        out += '\n';
    }
}

}  // namespace opskit::detail
