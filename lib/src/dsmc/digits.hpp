// An integer's decimal digits in a buffer on the stack, as the JSON output spells them: what
// the record writers print for every count and line number, without a string per number.
#pragma once

#include <charconv>
#include <string_view>

namespace opskit::dsmc::detail {

class Digits {
public:
    template <typename Integer>
    explicit Digits(Integer v) : m_end(std::to_chars(m_buf, m_buf + sizeof m_buf, v).ptr) {}
    std::string_view text() const { return {m_buf, static_cast<std::size_t>(m_end - m_buf)}; }

private:
    char m_buf[24];  // 20 digits of a 64-bit number and a sign
    char* m_end;
};

}  // namespace opskit::dsmc::detail
