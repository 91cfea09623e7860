// The streaming YAML writer (see yaml_writer.hpp). Its layout follows core's append_yaml: a
// mapping or sequence that is a mapping's value starts on the next line, two columns in;
// one that is a sequence item starts on the item's own line after `- `; a scalar follows
// its `key:` or `-` after one space. Which of these applies to a collection is known only
// at its first entry (or at its end, for `{}` and `[]`), so its opening waits until then.
#include "dsmc/yaml_writer.hpp"

#include "core/yaml_write.hpp"
#include "dsmc/digits.hpp"

namespace opskit::dsmc::detail {

YamlWriter::YamlWriter(std::string& out, int indent) : m_out(out) {
    Level top;
    top.opened = true;  // the caller writes the sequence's key
    top.indent = indent;
    m_levels.push_back(top);
}

void YamlWriter::entry_prefix(Level& l) {
    if (!l.opened) {
        m_out += l.in_sequence ? ' ' : '\n';
        l.opened = true;
    }
    if (!(l.first && l.in_sequence)) m_out.append(static_cast<std::size_t>(l.indent), ' ');
    l.first = false;
}

void YamlWriter::value_prefix() {
    Level& l = m_levels.back();
    if (l.mapping) {
        l.key_due = true;
        return;
    }
    entry_prefix(l);
    m_out += '-';
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
    if (!m_levels.back().opened) m_out += m_levels.back().mapping ? " {}\n" : " []\n";
    m_levels.pop_back();
}

void YamlWriter::Key(std::string_view key) { key_text(key, false); }

void YamlWriter::SchemaKey(std::string_view key) { key_text(key, true); }

void YamlWriter::key_text(std::string_view key, bool schema) {
    Level& l = m_levels.back();
    entry_prefix(l);
    // Fibonacci hashing: the top 7 bits (m_plain has 128 slots) of the address times 2^64/phi.
    PlainKey* known = schema ? &m_plain[(reinterpret_cast<std::uintptr_t>(key.data()) * 0x9E3779B97F4A7C15ULL) >> 57] : nullptr;
    if (known != nullptr && known->data == key.data() && known->size == key.size()) {
        m_out += key;
    } else {
        const std::size_t before = m_out.size();
        opskit::detail::append_yaml_string(m_out, key);
        if (known != nullptr && m_out.size() - before == key.size()) *known = {key.data(), key.size()};  // not quoted
    }
    m_out += ':';
    l.key_due = false;
}

void YamlWriter::scalar(std::string_view text) {
    value_prefix();
    m_out += ' ';
    m_out += text;
    m_out += '\n';
}

void YamlWriter::String(std::string_view s) {
    const Level& l = m_levels.back();
    if (l.mapping && l.key_due) {
        Key(s);
        return;
    }
    value_prefix();
    m_out += ' ';
    opskit::detail::append_yaml_string(m_out, s);
    m_out += '\n';
}

void YamlWriter::Double(double v) {
    value_prefix();
    m_out += ' ';
    opskit::detail::append_yaml_double(m_out, v);
    m_out += '\n';
}

void YamlWriter::Int(int v) { scalar(Digits(v).text()); }
void YamlWriter::Int64(std::int64_t v) { scalar(Digits(v).text()); }
void YamlWriter::Uint64(std::uint64_t v) { scalar(Digits(v).text()); }

}  // namespace opskit::dsmc::detail
