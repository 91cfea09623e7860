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
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

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
    std::string_view text() const { return {m_data.get(), m_size}; }
    void clear_text() { m_size = 0; }

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

    /// Room for `n` more bytes at the end of the buffer.
    char* room(std::size_t n) {
        if (m_capacity - m_size < n) grow(n);
        return m_data.get() + m_size;
    }
    void grow(std::size_t n);
    void put(char c) { *room(1) = c, ++m_size; }
    void put(std::string_view s) {
        std::memcpy(room(s.size()), s.data(), s.size());
        m_size += s.size();
    }
    /// The separator and line break before a value, as RapidJSON's Prefix / PrettyPrefix.
    void prefix();
    void newline_indent(std::size_t levels);
    void start(bool array);
    void end(char bracket);
    void scalar(std::string_view text);
    void append_string(std::string_view s);

    std::unique_ptr<char[]> m_data;
    std::size_t m_size = 0;
    std::size_t m_capacity = 0;
    std::vector<Level> m_levels;
};

extern template class JsonWriter<false>;
extern template class JsonWriter<true>;

}  // namespace opskit::dsmc::detail
