// What the Slurm engine gives sbatch for one container, computed apart from running sbatch
// so that submit() and `crctl container export --format sbatch` show the same job.
#include <fmt/format.h>

#include <system_error>

#include "opskit/core/error.hpp"
#include "opskit/core/shell_quote.hpp"
#include "opskit/cr/dispatch/slurm.hpp"

namespace fs = std::filesystem;

namespace opskit::cr {

namespace {

/// `option` as one word of an #SBATCH line. sbatch splits those lines at blanks, ends them at
/// an unescaped `#` and takes quotes and backslashes as shell-like grouping; inside double
/// quotes a backslash keeps the next character, so a word with any of those is written
/// double-quoted with `"` and `\` escaped (checked against Slurm 22.05's sbatch).
std::string sbatch_word(const std::string& option) {
    if (option.find_first_of("\n\r") != std::string::npos)
        throw Error(ErrorKind::usage, "cannot write an #SBATCH line", option, "the option holds a line break");
    if (option.find_first_of(" \t\"'\\#") == std::string::npos) return option;
    std::string out = "\"";
    for (char c : option) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
    }
    return out + "\"";
}

}  // namespace

std::string default_crctl_program() {
    std::error_code ec;
    const auto p = fs::read_symlink("/proc/self/exe", ec);
    return ec ? std::string("crctl") : p.string();
}

std::vector<std::string> SlurmSubmission::argv() const {
    std::vector<std::string> out{program, "--parsable"};
    out.insert(out.end(), options.begin(), options.end());
    return out;
}

std::string SlurmSubmission::script() const { return fmt::format("#!/bin/sh\n{}\n", command); }

std::string SlurmSubmission::batch_file() const {
    std::string out = "#!/bin/sh\n";
    for (const auto& option : options) out += "#SBATCH " + sbatch_word(option) + "\n";
    return out + command + "\n";
}

SlurmSubmission slurm_submission(const SlurmOptions& options, const RunSpec& spec) {
    SlurmSubmission s;
    s.program = options.sbatch;
    s.options = {"--job-name=" + spec.uuid, "--nice=0", "--no-requeue"};
    for (const auto& a : options.sbatch_args)
        if (auto v = substitute_sbatch_arg(a, spec)) s.options.push_back(*v);
    const auto dir = Spool(options.spool).dir(spec.uuid);
    s.options.push_back("--chdir=" + dir.string());
    s.options.push_back("--output=" + (dir / "slurm.out").string());
    s.command = "exec " + shell_join({options.crctl_program, "container", "exec", spec.uuid, "--spool", options.spool.string()});
    return s;
}

}  // namespace opskit::cr
