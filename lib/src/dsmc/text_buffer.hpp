// The output buffer of the record writers: room is reserved once for a whole piece (a key
// with its indent, a string with its quotes) and written without a check per byte. Appending
// the same pieces to a std::string one at a time cost a call and a capacity check each, a
// large part of printing a record.
#pragma once

#include <algorithm>
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
    /// `n` spaces (an indent). Up to 16 are stored as one 16-byte constant, which the
    /// compiler writes inline: a memset call per line was a visible part of the cost.
    void spaces(std::size_t n) {
        static constexpr char kSpaces[16] = {' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' '};
        char* p = room(std::max(n, sizeof kSpaces));
        if (n <= sizeof kSpaces) std::memcpy(p, kSpaces, sizeof kSpaces);
        else std::memset(p, ' ', n);
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
