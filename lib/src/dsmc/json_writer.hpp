// The JSON writer of the json and jsonl forms of `bkctl parse`: RapidJSON's SAX Writer
// (compact, jsonl) or PrettyWriter (indent two, json) with its own buffer, behind the calls
// the record writers (json_stream.cpp) share with YamlWriter. The JSON text is RapidJSON's;
// this class only adapts the calls (string_view arguments, the schema-key shortcut, NaN as
// null) and hands the written text to the sink between records.
#pragma once

// SSE2 lets the writer copy runs of plain characters 16 at a time (every x86-64 has it).
#if defined(__SSE2__) && !defined(RAPIDJSON_SSE2)
#define RAPIDJSON_SSE2
#endif
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <type_traits>

namespace opskit::dsmc::detail {

template <bool Pretty>
class JsonWriter {
public:
    JsonWriter() : m_w(m_buf) {
        if constexpr (Pretty) m_w.SetIndent(' ', 2);
    }
    JsonWriter(const JsonWriter&) = delete;  // m_w points at m_buf
    JsonWriter& operator=(const JsonWriter&) = delete;

    /// Starts a new document (the text written so far stays).
    void Reset() { m_w.Reset(m_buf); }
    /// What was written since the last clear_text().
    std::string_view text() { return {m_buf.GetString(), m_buf.GetSize()}; }
    void clear_text() { m_buf.Clear(); }

    void StartObject() { m_w.StartObject(); }
    void EndObject() { m_w.EndObject(); }
    void StartArray() { m_w.StartArray(); }
    void EndArray() { m_w.EndArray(); }
    void Key(std::string_view key) { m_w.Key(key.data(), size(key)); }
    /// A key of the schema (lower-case letters, digits and '_': nothing JSON escapes),
    /// passed as a raw value in its quotes, which the writer places exactly as a key, so
    /// it is not scanned for escapes byte by byte (a tenth of the cost of a record).
    void SchemaKey(std::string_view key) {
        char quoted[64];
        if (key.size() + 2 > sizeof quoted) return Key(key);
        quoted[0] = '"';
        std::memcpy(quoted + 1, key.data(), key.size());
        quoted[key.size() + 1] = '"';
        m_w.RawValue(quoted, key.size() + 2, rapidjson::kStringType);
    }
    /// Valid UTF-8 (write_string replaces what is not).
    void String(std::string_view s) { m_w.String(s.data(), size(s)); }
    void Int(int v) { m_w.Int(v); }
    void Int64(std::int64_t v) { m_w.Int64(v); }
    void Uint64(std::uint64_t v) { m_w.Uint64(v); }
    /// NaN and infinities, which JSON cannot spell, as null (the whole-report document's form).
    void Double(double v) {
        if (std::isfinite(v)) m_w.Double(v);
        else m_w.Null();
    }
    void Bool(bool v) { m_w.Bool(v); }
    void Null() { m_w.Null(); }

private:
    static rapidjson::SizeType size(std::string_view s) { return static_cast<rapidjson::SizeType>(s.size()); }

    rapidjson::StringBuffer m_buf;
    std::conditional_t<Pretty, rapidjson::PrettyWriter<rapidjson::StringBuffer>, rapidjson::Writer<rapidjson::StringBuffer>> m_w;
};

}  // namespace opskit::dsmc::detail
