// bkctl resolve DEVICE...: shows what a device argument resolves to (canonical path,
// major:minor, size, what libblkid probes) without touching it — the check an operator
// runs before putting a tag into a cron line.
#include "commands.hpp"
#include "options.hpp"

#include "opskit/device/resolve.hpp"

namespace opskit::bkctl {

void set_resolve_command(CLI::App* cmd, cli::Context& ctx) {
    struct Opts {
        std::vector<std::string> devices;
        bool allow_file = false;
    };
    auto opts = std::make_shared<Opts>();
    cmd->add_option("DEVICE", opts->devices, "paths, symlinks or UUID=/LABEL=/PARTUUID=/PARTLABEL= tags")->required();
    cmd->add_flag("--allow-file", opts->allow_file, "accept regular files too (file mode)");
    ctx.complete_positional(cmd, device_candidates);
    ctx.on(cmd, [opts] {
        Result r;
        r.value = Json::array();
        Json rows = Json::array();
        device::ResolveOptions ro;
        ro.allow_regular_file = opts->allow_file;
        for (const auto& d : opts->devices) {
            const auto info = device::resolve_device(d, ro);
            r.value.push_back(device::to_json(info));
            const auto get = [&](const char* k) {
                const auto it = info.probed.find(k);
                return it == info.probed.end() ? std::string() : it->second;
            };
            rows.push_back({{"input", info.input}, {"path", info.path.string()}, {"kind", info.block ? "block" : "file"},
                            {"devno", info.block ? std::to_string(info.major) + ":" + std::to_string(info.minor) : ""},
                            {"size", format_size(info.size)}, {"type", get("TYPE")}, {"uuid", get("UUID")},
                            {"label", get("LABEL")}});
        }
        r.table_value = rows;
        return r;
    });
}

}  // namespace opskit::bkctl
