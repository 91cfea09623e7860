// The output buffer of the record writers: room is reserved once for a whole piece (a key
// with its indent, a string with its quotes) and written without a check per byte. Appending
// the same pieces to a std::string one at a time cost a call and a capacity check each, a
// large part of printing a record.
#pragma once

#include <cstddef>
#include <cstring>
#include <memory>
#include <string_view>

namespace opskit::dsmc::detail {

class TextBuffer {
public:
    TextBuffer() = default;
    TextBuffer(const TextBuffer&) = delete;
    TextBuffer& operator=(const TextBuffer&) = delete;
    TextBuffer(TextBuffer&&) = default;
    TextBuffer& operator=(TextBuffer&&) = default;

    std::string_view text() const { return {m_data.get(), m_size}; }
    void clear() { m_size = 0; }

    /// Room for `n` more bytes at the end; commit() what was written there.
    char* room(std::size_t n) {
        if (m_capacity - m_size < n) grow(n);
        return m_data.get() + m_size;
    }
    void commit(std::size_t n) { m_size += n; }

    void put(char c) { *room(1) = c, ++m_size; }
    void put(std::string_view s) {
        std::memcpy(room(s.size()), s.data(), s.size());
        m_size += s.size();
    }
    void put(std::size_t n, char c) {
        std::memset(room(n), c, n);
        m_size += n;
    }

private:
    /// Out of line: the rare path, kept out of the writers' inlined fast paths.
    void grow(std::size_t n);

    std::unique_ptr<char[]> m_data;
    std::size_t m_size = 0;
    std::size_t m_capacity = 0;
};

}  // namespace opskit::dsmc::detail
