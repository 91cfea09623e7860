// Terminal awareness: cron and scripts get plain, silent output; people at a terminal get
// colour and progress. One rule for the three tools.
#pragma once

#include <string_view>

namespace opskit {

/// Colour only when `fd` is a terminal and NO_COLOR is unset (or empty).
bool color_enabled(int fd);

/// Progress lines only when stderr is a terminal.
bool progress_enabled();

/// Writes one progress line to stderr when progress_enabled(); otherwise nothing.
void progress(std::string_view line);

}  // namespace opskit
