// The record JSON writer (see json_writer.hpp). Its layout is RapidJSON's: compact, values
// separated by ',' and keys by ':'; pretty, each value of an array and each key of an object
// on its own line indented two per level, `: ` after a key, a closing bracket on its own
// line unless the collection is empty (`{}`, `[]`). Strings escape '"', '\\' and control
// bytes (\b \t \n \f \r, else \u00XX in upper-case hex), nothing else.
#include "dsmc/json_writer.hpp"

#include <cmath>
#include <cstring>

#include <rapidjson/internal/dtoa.h>

#include "core/byte_words.hpp"
#include "dsmc/digits.hpp"

namespace opskit::dsmc::detail {
namespace {

namespace words = opskit::detail::words;

/// Whether a byte needs an escape in a JSON string.
bool escaped(unsigned char c) noexcept { return c < 0x20 || c == '"' || c == '\\'; }

/// Whether a word of text has a byte that needs an escape.
bool any_escaped(std::uint64_t w) noexcept {
    return (words::any_below(w, 0x20) | words::any_equal(w, '"') | words::any_equal(w, '\\')) != 0;
}

/// Writes the escape of `c` at `p`; returns its end.
char* escape(char* p, unsigned char c) {
    static constexpr char hex[] = "0123456789ABCDEF";
    *p++ = '\\';
    switch (c) {
    case '"': *p++ = '"'; break;
    case '\\': *p++ = '\\'; break;
    case '\b': *p++ = 'b'; break;
    case '\t': *p++ = 't'; break;
    case '\n': *p++ = 'n'; break;
    case '\f': *p++ = 'f'; break;
    case '\r': *p++ = 'r'; break;
    default:
        *p++ = 'u', *p++ = '0', *p++ = '0';
        *p++ = hex[c >> 4];
        *p++ = hex[c & 0xF];
    }
    return p;
}

}  // namespace

/// `s` between quotes, escaped: words with nothing to escape are copied whole.
template <bool Pretty>
void JsonWriter<Pretty>::append_string(std::string_view s) {
    char* const start = m_out.room(s.size() * 6 + 2);  // every byte as \u00XX at the most
    char* p = start;
    *p++ = '"';
    std::size_t run = 0;  // start of the bytes not yet copied, none of which needs an escape
    std::size_t i = 0;
    while (i < s.size()) {
        if (i + 8 <= s.size() && !any_escaped(words::load(s.data() + i))) {
            i += 8;
            continue;
        }
        const auto c = static_cast<unsigned char>(s[i]);
        if (escaped(c)) {
            std::memcpy(p, s.data() + run, i - run);
            p = escape(p + (i - run), c);
            run = i + 1;
        }
        ++i;
    }
    std::memcpy(p, s.data() + run, s.size() - run);
    p += s.size() - run;
    *p++ = '"';
    m_out.commit(static_cast<std::size_t>(p - start));
}

template <bool Pretty>
void JsonWriter<Pretty>::newline_indent(std::size_t levels) {
    m_out.put('\n');
    m_out.spaces(2 * levels);
}

template <bool Pretty>
void JsonWriter<Pretty>::prefix() {
    if (m_levels.empty()) return;  // the root value
    Level& l = m_levels.back();
    const bool item = l.array || l.count % 2 == 0;  // an array's item or an object's key
    const bool first = l.count++ == 0;
    if constexpr (Pretty) {
        if (!item) {
            m_out.put(": ");
            return;
        }
        if (!first) m_out.put(',');
        newline_indent(m_levels.size());
    } else if (!first) {
        m_out.put(item ? ',' : ':');
    }
}

template <bool Pretty>
void JsonWriter<Pretty>::start(bool array) {
    prefix();
    m_out.put(array ? '[' : '{');
    m_levels.push_back({array, 0});
}

template <bool Pretty>
void JsonWriter<Pretty>::end(char bracket) {
    const bool empty = m_levels.back().count == 0;
    m_levels.pop_back();
    if (Pretty && !empty) newline_indent(m_levels.size());
    m_out.put(bracket);
}

template <bool Pretty>
void JsonWriter<Pretty>::scalar(std::string_view text) {
    prefix();
    m_out.put(text);
}

template <bool Pretty>
void JsonWriter<Pretty>::Int(int v) {
    scalar(Digits(v).text());
}

template <bool Pretty>
void JsonWriter<Pretty>::Int64(std::int64_t v) {
    scalar(Digits(v).text());
}

template <bool Pretty>
void JsonWriter<Pretty>::Uint64(std::uint64_t v) {
    scalar(Digits(v).text());
}

template <bool Pretty>
void JsonWriter<Pretty>::SchemaKey(std::string_view key) {
    prefix();
    char* p = m_out.room(key.size() + 2);
    *p = '"';
    std::memcpy(p + 1, key.data(), key.size());
    p[key.size() + 1] = '"';
    m_out.commit(key.size() + 2);
}

template <bool Pretty>
void JsonWriter<Pretty>::String(std::string_view s) {
    prefix();
    append_string(s);
}

template <bool Pretty>
void JsonWriter<Pretty>::Double(double v) {
    if (!std::isfinite(v)) {
        Null();
        return;
    }
    char digits[25];  // RapidJSON's own buffer for it
    const char* end = rapidjson::internal::dtoa(v, digits);
    scalar(std::string_view(digits, static_cast<std::size_t>(end - digits)));
}

template class JsonWriter<false>;
template class JsonWriter<true>;

}  // namespace opskit::dsmc::detail
