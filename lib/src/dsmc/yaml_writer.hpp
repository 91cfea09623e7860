// A YAML writer with the part of RapidJSON's SAX Writer interface that the record writers
// of json_stream.hpp use, so the yaml form of `bkctl parse` is written from the parser's
// structs by the same functions as the json and jsonl forms (one description of each
// record's keys), without a nlohmann document per record. It prints what the output layer's
// to_yaml prints for the same value (block style, indent two, `{}`/`[]` for an empty
// collection, `~` for null), using core's own scalar rules, laid out as the items of a
// block sequence: the records of one of the report's arrays.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "dsmc/text_buffer.hpp"

namespace opskit::dsmc::detail {

class YamlWriter {
public:
    /// Writes the items of a sequence whose `-` stand at column `indent`. The sequence
    /// itself is never closed: the caller prints its key (and `[]` if it stays empty).
    explicit YamlWriter(int indent);

    /// What was written since the last clear_text().
    std::string_view text() const { return m_out.text(); }
    void clear_text() { m_out.clear(); }

    void StartObject() { start(true); }
    void EndObject() { end(); }
    void StartArray() { start(false); }
    void EndArray() { end(); }
    /// A mapping key, quoted by the same rules as any other string.
    void Key(std::string_view key);
    /// A key of the schema: text in static storage, the same few dozen keys in every record,
    /// so that it is plain is remembered by its address once the rules have said so.
    void SchemaKey(std::string_view key);
    /// Text as it is (not cleaned to UTF-8 first: the quoting rules decide what becomes of
    /// invalid bytes). In a mapping where a key is due, it is the key, as in RapidJSON.
    void String(std::string_view s);
    void Int(int v);
    void Int64(std::int64_t v);
    void Uint64(std::uint64_t v);
    void Double(double v);
    void Bool(bool v) { scalar(v ? "true" : "false"); }
    void Null() { scalar("~"); }

private:
    /// An open mapping or sequence. Its first line is written only with its first entry,
    /// since an empty one is `{}` or `[]` on its parent's line.
    struct Level {
        bool mapping = false;
        bool opened = false;      ///< the line break (or space) that starts its entries is out
        bool in_sequence = false; ///< an item of a sequence: its first entry follows the `- `
        bool first = true;        ///< no entry yet
        bool key_due = true;      ///< mappings: the next string is a key
        int indent = 0;           ///< column of its entries
    };

    void start(bool mapping);
    void end();
    /// Whatever precedes a value: nothing after a key, `- ` for a sequence item.
    void value_prefix();
    void entry_prefix(Level& l);
    void scalar(std::string_view text);
    /// A key's text after its indent or `- `, and the colon.
    void key_text(std::string_view key, bool schema);
    /// A string as core's rules write it; true if that is plain.
    bool put_string(std::string_view s);

    /// A key known to be plain.
    struct PlainKey {
        const char* data = nullptr;
        std::size_t size = 0;
    };

    TextBuffer m_out;
    std::string m_escaped;  ///< scratch for what core writes into a string (escaped text, doubles)
    std::vector<Level> m_levels;
    std::array<PlainKey, 128> m_plain{};  ///< by a hash of the key's address
};

}  // namespace opskit::dsmc::detail
