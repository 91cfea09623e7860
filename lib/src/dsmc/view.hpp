// The per-record pieces of the `--output table` digest, shared by the whole-report view and
// the streaming printer so both show a record the same way.
#pragma once

#include <string>

#include "opskit/dsmc/report.hpp"

namespace opskit::dsmc::detail {

Json session_view(const Session& s);
Json message_view(const Message& m);
Json summary_view(const Summary& s);
std::string row_view(const Table& t, const TableRow& r);

}  // namespace opskit::dsmc::detail
