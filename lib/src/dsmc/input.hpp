// parse_stream with a hook between reads, for the printers' hand-off (handoff.hpp): called
// after each chunk the input gave has been parsed, before the next read, which may wait.
#pragma once

#include <functional>
#include <string_view>

#include "opskit/dsmc/stream.hpp"

namespace opskit::dsmc::detail {

void parse_stream(std::string_view path, Sink& sink, const std::function<void()>& after_chunk);

}  // namespace opskit::dsmc::detail
