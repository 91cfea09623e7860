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

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <type_traits>

#include "core/byte_words.hpp"

namespace opskit::dsmc::detail {

/// CrtAllocator under a name of its own, so that the writers' buffer (RecordBuffer) is a
/// type of its own: the specialisations of RapidJSON's Writer below apply to it alone.
struct RecordAllocator : rapidjson::CrtAllocator {};
using RecordBuffer = rapidjson::GenericStringBuffer<rapidjson::UTF8<>, RecordAllocator>;

/// RapidJSON's PutN (an indent) for the writers' buffer; the generic one stores a byte at a
/// time. Up to sixteen spaces are one 16-byte constant stored inline (room for all sixteen
/// is reserved, n of them kept); a memset call per line was a visible part of json.
inline void PutN(RecordBuffer& buffer, char c, std::size_t n) {
    static constexpr char kSpaces[16] = {' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' '};
    if (c == ' ' && n <= sizeof kSpaces) {
        buffer.Reserve(sizeof kSpaces);
        std::memcpy(buffer.PushUnsafe(n), kSpaces, sizeof kSpaces);
    } else {
        std::memset(buffer.Push(n), c, n);
    }
}

/// The index of the first byte of s[0, n) that a JSON string escapes (a control character,
/// '"' or '\\'), or n: eight bytes at a time, a word that marks none taken whole.
inline std::size_t plain_run(const char* s, std::size_t n) noexcept {
    namespace words = opskit::detail::words;
    auto marks = [](std::uint64_t w) {
        return words::any_below(w, 0x20) | words::any_equal(w, '"') | words::any_equal(w, '\\');
    };
    // Each test's lowest mark is exact (byte_words.hpp), so the lowest of the three is.
    auto at = [](std::uint64_t m) { return static_cast<std::size_t>(std::countr_zero(m)) / 8; };
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8)
        if (const std::uint64_t m = marks(words::load(s + i)); m != 0) return i + at(m);
    if (i == n) return n;
    if (n >= 8) {
        // The last word ends at n; the bytes it shares with the one before are known clean.
        const std::uint64_t m = marks(words::load(s + n - 8));
        return m != 0 ? n - 8 + at(m) : n;
    }
    if (n >= 4) {
        // Bytes [0, 4) in the low half, [n - 4, n) in the high: a mark in the low half is
        // exact, one in the high half (the low one clean) is at n - 8 + its place.
        const std::uint64_t m = marks(words::load_4_to_8(s, n));
        if (m == 0) return n;
        const std::size_t k = at(m);
        return k < 4 ? k : n - 8 + k;
    }
    for (; i < n; ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x20 || c == '"' || c == '\\') return i;
    }
    return n;
}

}  // namespace opskit::dsmc::detail

// The two hooks RapidJSON's Writer offers a stream type (its SSE2 and NEON builds specialise
// the first for StringBuffer): the run of a string that needs no escape, and a raw value,
// both copied with memcpy instead of a byte at a time. What is escaped, and how, stays the
// Writer's; these only find where the next escape is.
namespace rapidjson {

template <>
inline bool Writer<opskit::dsmc::detail::RecordBuffer>::ScanWriteUnescapedString(StringStream& is, size_t length) {
    const char* p = is.src_;
    const std::size_t left = length - is.Tell();
    const std::size_t run = opskit::dsmc::detail::plain_run(p, left);
    // WriteString reserved six bytes per byte of the string before it scans.
    std::memcpy(os_->PushUnsafe(run), p, run);
    is.src_ = p + run;
    return run < left;
}

template <>
inline bool Writer<opskit::dsmc::detail::RecordBuffer>::WriteRawValue(const Ch* json, size_t length) {
    std::memcpy(os_->Push(length), json, length);
    return true;
}

}  // namespace rapidjson

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

    RecordBuffer m_buf;
    std::conditional_t<Pretty, rapidjson::PrettyWriter<RecordBuffer>, rapidjson::Writer<RecordBuffer>> m_w;
};

}  // namespace opskit::dsmc::detail
