// `bkctl parse` output at constant memory: the input is parsed incrementally and every
// record is rendered (and redacted) as soon as the parser hands it out, never collected into
// a Report or a JSON DOM. jsonl goes straight to the output, one record a line. The json,
// yaml and table documents keep the whole-report layout (to_json / to_table_view), whose
// arrays are grouped by kind while a log interleaves them: each array is written as it fills
// into its own unlinked temporary file (0600, in $TMPDIR or /tmp), and the document is put
// together from them at the end. So memory stays bounded, the output is one valid document,
// and an input that cannot be read leaves nothing half-written on the output.
#pragma once

#include <string_view>

#include "opskit/core/output.hpp"

namespace opskit::dsmc {

/// Parses `path` (a file, or `-` for standard input) and writes the `bkctl parse` document
/// in `format` to file descriptor `fd`. Throws like parse_file; Error(failed) when the
/// output or a temporary file cannot be written.
void print_parse(std::string_view path, OutputFormat format, int fd);

}  // namespace opskit::dsmc
