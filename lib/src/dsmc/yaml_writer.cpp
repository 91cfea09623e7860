// The streaming YAML writer (see yaml_writer.hpp). Its layout follows core's append_yaml: a
// mapping or sequence that is a mapping's value starts on the next line, two columns in;
// one that is a sequence item starts on the item's own line after `- `; a scalar follows
// its `key:` or `-` after one space. Which of these applies to a collection is known only
// at its first entry (or at its end, for `{}` and `[]`), so its opening waits until then.
#include "dsmc/yaml_writer.hpp"

#include <cstring>

#include "core/yaml_write.hpp"
#include "dsmc/digits.hpp"

namespace opskit::dsmc::detail {

YamlWriter::YamlWriter(int indent) {
    Level top;
    top.opened = true;  // the caller writes the sequence's key
    top.indent = indent;
    m_levels.push_back(top);
}

void YamlWriter::entry_prefix(Level& l) {
    if (!l.opened) {
        m_out.put(l.in_sequence ? ' ' : '\n');
        l.opened = true;
    }
    if (!(l.first && l.in_sequence)) m_out.spaces(static_cast<std::size_t>(l.indent));
    l.first = false;
}

void YamlWriter::value_prefix() {
    Level& l = m_levels.back();
    if (l.mapping) {
        l.key_due = true;
        return;
    }
    entry_prefix(l);
    m_out.put('-');
}

void YamlWriter::start(bool mapping) {
    value_prefix();
    Level l;
    l.mapping = mapping;
    l.in_sequence = !m_levels.back().mapping;
    l.indent = m_levels.back().indent + 2;
    m_levels.push_back(l);
}

void YamlWriter::end() {
    if (!m_levels.back().opened) m_out.put(m_levels.back().mapping ? " {}\n" : " []\n");
    m_levels.pop_back();
}

bool YamlWriter::put_string(std::string_view s) {
    using opskit::detail::YamlString;
    switch (opskit::detail::yaml_string_form(s)) {
    case YamlString::plain: m_out.put(s); return true;
    case YamlString::quoted:
        m_out.put('"');
        m_out.put(s);
        m_out.put('"');
        return false;
    case YamlString::escaped: break;
    }
    m_escaped.clear();
    opskit::detail::append_yaml_string(m_escaped, s);
    m_out.put(m_escaped);
    return false;
}

void YamlWriter::Key(std::string_view key) { key_text(key, false); }

void YamlWriter::SchemaKey(std::string_view key) { key_text(key, true); }

void YamlWriter::key_text(std::string_view key, bool schema) {
    Level& l = m_levels.back();
    entry_prefix(l);
    // Fibonacci hashing: the top 7 bits (m_plain has 128 slots) of the address times 2^64/phi.
    PlainKey* known = schema ? &m_plain[(reinterpret_cast<std::uintptr_t>(key.data()) * 0x9E3779B97F4A7C15ULL) >> 57] : nullptr;
    if (known != nullptr && known->data == key.data() && known->size == key.size()) m_out.put(key);
    else if (put_string(key) && known != nullptr) *known = {key.data(), key.size()};
    m_out.put(':');
    l.key_due = false;
}

void YamlWriter::scalar(std::string_view text) {
    value_prefix();
    char* p = m_out.room(text.size() + 2);
    *p = ' ';
    std::memcpy(p + 1, text.data(), text.size());
    p[text.size() + 1] = '\n';
    m_out.commit(text.size() + 2);
}

void YamlWriter::String(std::string_view s) {
    const Level& l = m_levels.back();
    if (l.mapping && l.key_due) {
        Key(s);
        return;
    }
    value_prefix();
    m_out.put(' ');
    put_string(s);
    m_out.put('\n');
}

void YamlWriter::Double(double v) {
    m_escaped.clear();
    opskit::detail::append_yaml_double(m_escaped, v);
    scalar(m_escaped);
}

void YamlWriter::Int(int v) { scalar(Digits(v).text()); }
void YamlWriter::Int64(std::int64_t v) { scalar(Digits(v).text()); }
void YamlWriter::Uint64(std::uint64_t v) { scalar(Digits(v).text()); }

}  // namespace opskit::dsmc::detail
