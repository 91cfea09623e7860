// Each engine's view of one container (see export.hpp): the mounts planned, never made,
// then the engine's own conversion — to_service_spec, engine_argv, slurm_submission — so
// an export cannot drift from what the engines submit.
#include "opskit/cr/dispatch/export.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "opskit/core/error.hpp"
#include "opskit/core/shell_quote.hpp"
#include "opskit/cr/collections/collection.hpp"
#include "opskit/cr/dispatch/local/local_engine.hpp"
#include "opskit/cr/dispatch/spool.hpp"

namespace fs = std::filesystem;

namespace opskit::cr {

const std::vector<std::string>& export_format_names() {
    static const std::vector<std::string> names{"swarm", "podman", "sbatch"};
    return names;
}

ExportFormat parse_export_format(std::string_view text) {
    if (text == "swarm") return ExportFormat::swarm;
    if (text == "podman") return ExportFormat::podman;
    if (text == "sbatch") return ExportFormat::sbatch;
    throw Error(ErrorKind::usage, "invalid --format", text, "expected swarm, podman or sbatch");
}

namespace {

/// The remote engines meet their nodes in the spool; without one they refuse to start.
const fs::path& required_spool(const ExportOptions& options, std::string_view format) {
    if (options.spool.empty())
        throw Error(ErrorKind::usage, "missing setting", "crctl.spool",
                    fmt::format("--format {} needs the spool folder its engine meets the nodes in", format));
    return options.spool;
}

std::string without_final_newline(std::string text) {
    if (!text.empty() && text.back() == '\n') text.pop_back();
    return text;
}

}  // namespace

EngineView export_container(const Container& container, ExportFormat format, const ExportOptions& options) {
    const RunSpec spec = run_spec_from(container, options.store_path);
    const CollectionStorage collections(options.data_dir);
    EngineView view;
    switch (format) {
    case ExportFormat::swarm: {
        const auto plan = plan_mounts(spec, Spool(required_spool(options, "swarm")).work_dir(spec.uuid), collections);
        view.document = swarm::to_service_spec(spec, plan.mounts, options.swarm);
        view.text = view.document.dump(2, ' ', false, Json::error_handler_t::replace);
        break;
    }
    case ExportFormat::podman: {
        const auto plan = plan_mounts(spec, local_work_dir(options.data_dir, spec.uuid), collections);
        const auto argv = engine_argv(spec, plan.mounts, options.podman);
        view.document = Json{{"argv", argv}};
        view.text = shell_join(argv);
        break;
    }
    case ExportFormat::sbatch: {
        // The batch job carries no mounts: the node prepares them from the run record.
        SlurmOptions slurm = options.slurm;
        slurm.spool = required_spool(options, "sbatch");
        const auto submission = slurm_submission(slurm, spec);
        view.document = Json{{"argv", submission.argv()}, {"script", submission.script()}};
        view.text = without_final_newline(submission.batch_file());
        break;
    }
    }
    return view;
}

}  // namespace opskit::cr
