// Request specs as operators write them: a YAML or JSON file (the schema of `request show
// --output json`), or flags (`--mount /out=tmp:1G`, `--env K=V`, `--vcpus 2-4`, the command
// after `--`). Both become the same JSON object of client fields that create_request takes,
// with the flag defaults of the spec preface (cwd /tmp, a tmp mount at /out as output_path).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "opskit/core/output.hpp"

namespace opskit::cr {

/// Reads a spec file (`-` = stdin) as YAML or JSON into a JSON object. Unreadable →
/// Error(not_found/failed); not a mapping or bad syntax → Error(usage) naming the file.
Json load_spec_file(std::string_view path);

/// Converts YAML text to JSON (scalars typed as YAML 1.2 core: ints, floats, bools, null).
Json yaml_to_json(std::string_view text, std::string_view input_name);

/// Request fields given as flags; unset optionals are left out of the spec.
struct FlagSpec {
    std::optional<std::string> image;
    std::optional<std::string> cwd;
    std::vector<std::string> env;            ///< K=V
    std::vector<std::string> mounts;         ///< TARGET=SPEC
    std::optional<std::string> output_path;
    std::optional<std::string> vcpus;        ///< N or MIN-MAX
    std::optional<std::string> ram;          ///< SIZE or MIN-MAX (sizes)
    std::optional<std::int64_t> priority;
    std::optional<std::string> name;
    std::optional<std::string> description;
    std::optional<std::int64_t> container_count_max;
    bool no_use_existing = false;
    std::optional<std::string> output_name;
    std::optional<std::string> output_ttl;   ///< duration
    std::optional<std::string> partitions;   ///< comma-separated
    std::optional<std::string> max_run_time; ///< duration
    bool commit = false;
    std::vector<std::string> command;
};

/// Builds the spec: `base` (from --file, may be null) overlaid with the flags. When there is
/// no file, the defaults apply: image `default_image`, cwd `/tmp`, mounts `/out` tmp,
/// output_path `/out`. Bad flag values → Error(usage) naming the flag.
Json build_spec(const Json& base, const FlagSpec& flags, std::string_view default_image);

/// Parses one `--mount TARGET=SPEC` (`/out=tmp`, `/out=tmp:1G`, `/data=host:/srv/data[:rw]`,
/// `/in=collection:PDH`, `/cfg.json=json:FILE`, `/note=text:FILE`) into (target, mount object).
std::pair<std::string, Json> parse_mount_flag(std::string_view text);

}  // namespace opskit::cr
