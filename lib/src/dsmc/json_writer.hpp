// The JSON writer of the json and jsonl forms of `bkctl parse`: the part of RapidJSON's
// Writer (compact) and PrettyWriter (indent two) interface that the record writers use,
// printing the same bytes into its own buffer. RapidJSON's writers cost most of the
// instructions of printing a record (a level check and a buffer reserve per value, every
// byte of a string or raw key moved one at a time), and so did appending to a std::string
// piece by piece (a call and a capacity check each); this one reserves room once per value
// and scans text for escapes eight bytes at a time. The unit test keeps RapidJSON as the
// oracle.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "dsmc/text_buffer.hpp"

namespace opskit::dsmc::detail {

template <bool Pretty>
class JsonWriter {
public:
    JsonWriter() = default;
    JsonWriter(const JsonWriter&) = delete;
    JsonWriter& operator=(const JsonWriter&) = delete;

    /// Starts a new document, as RapidJSON's Reset (the text written so far stays).
    void Reset() { m_levels.clear(); }
    /// What was written since the last clear_text().
    std::string_view text() const { return m_out.text(); }
    void clear_text() { m_out.clear(); }

    void StartObject() { start(false); }
    void EndObject() { end('}'); }
    void StartArray() { start(true); }
    void EndArray() { end(']'); }
    void Key(std::string_view key) { String(key); }
    /// A key of the schema: nothing in it needs escaping, so it is copied as it is.
    void SchemaKey(std::string_view key);
    /// Valid UTF-8 (write_string replaces what is not).
    void String(std::string_view s);
    void Int(int v);
    void Int64(std::int64_t v);
    void Uint64(std::uint64_t v);
    /// In RapidJSON's spelling (its dtoa); NaN and infinities, which it cannot print, as null
    /// (the whole-report document's spelling).
    void Double(double v);
    void Bool(bool v) { scalar(v ? "true" : "false"); }
    void Null() { scalar("null"); }

private:
    struct Level {
        bool array = false;
        unsigned count = 0;  ///< values so far; in an object, keys and values both count
    };

    /// The separator and line break before a value, as RapidJSON's Prefix / PrettyPrefix.
    void prefix();
    void newline_indent(std::size_t levels);
    void start(bool array);
    void end(char bracket);
    void scalar(std::string_view text);
    void append_string(std::string_view s);

    TextBuffer m_out;
    std::vector<Level> m_levels;
};

extern template class JsonWriter<false>;
extern template class JsonWriter<true>;

}  // namespace opskit::dsmc::detail
