// The TTY rules of cli.md: colour and progress are for people, never for cron or pipes.
#include "opskit/core/term.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "opskit/core/redact.hpp"

namespace opskit {

bool color_enabled(int fd) {
    const char* no_color = std::getenv("NO_COLOR");
    if (no_color && *no_color) return false;
    return isatty(fd) == 1;
}

bool progress_enabled() { return isatty(STDERR_FILENO) == 1; }

void progress(std::string_view line) {
    if (!progress_enabled()) return;
    const auto text = redact(line);
    std::fprintf(stderr, "%s\n", text.c_str());
}

}  // namespace opskit
