// vmctl hosts: every host of the fleet — URI (credentials redacted), where it was
// configured, reachable or the error, hypervisor and libvirt versions, VM counts by state.
// Exit 7 when a host cannot be reached, so monitoring can use it as is.
#include "commands.hpp"

namespace opskit::vmctl {

void set_hosts_command(CLI::App* cmd, cli::Context& ctx) {
    ctx.on(cmd, [&ctx] {
        const auto spec = fleet_spec(ctx);
        const auto scan = vm::scan_hosts(spec.hosts, ctx.config().get_duration("vmctl.connect_timeout"), vm::Listing::states);
        Result r;
        r.value = Json::array();
        Json rows = Json::array();
        bool down = false;
        for (const auto& s : scan) {
            auto j = vm::host_report(s);
            r.value.push_back(j);
            Json row = j;
            for (const auto* k : {"hypervisor", "hypervisor_version", "libvirt_version", "error"})
                if (row[k].is_null()) row[k] = "";
            for (const auto* k : {"Running", "Stopped", "Destroyed", "total"})
                row[k] = j["vms"].is_null() ? Json("") : j["vms"][k];
            rows.push_back(row);
            if (s.error) {
                down = true;
                std::fprintf(stderr, "vmctl: error: %s\n", s.error->what());
            }
        }
        r.table_value = rows;
        r.columns = {{"host", ""}, {"uri", "URI"}, {"reachable", ""}, {"hypervisor", ""},
                     {"hypervisor_version", "HV_VERSION"}, {"libvirt_version", "LIBVIRT"},
                     {"Running", "RUNNING"}, {"Stopped", "STOPPED"}, {"Destroyed", "DESTROYED"},
                     {"total", "VMS"}, {"error", ""}};
        if (down) r.exit_code = ExitCode::unavailable;
        return r;
    });
}

}  // namespace opskit::vmctl
