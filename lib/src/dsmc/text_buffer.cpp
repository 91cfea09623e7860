// The record writers' buffer (see text_buffer.hpp): its growth, at least doubling.
#include "dsmc/text_buffer.hpp"

#include <algorithm>

namespace opskit::dsmc::detail {

void TextBuffer::grow(std::size_t n) {
    const std::size_t capacity = std::max({m_capacity * 2, m_size + n, std::size_t{4096}});
    std::unique_ptr<char[]> data(new char[capacity]);
    if (m_size > 0) std::memcpy(data.get(), m_data.get(), m_size);
    m_data = std::move(data);
    m_capacity = capacity;
}

}  // namespace opskit::dsmc::detail
