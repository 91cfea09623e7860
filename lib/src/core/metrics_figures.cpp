// Which verbs write metrics, and the domain figures of each, read from the verb's result
// document (the same JSON `-o json` prints), so the verbs themselves need no metrics code.
// Every figure describes the last run only (the file is replaced by each run), hence gauges.
#include <string>

#include "opskit/core/metrics.hpp"

namespace opskit::metrics {
namespace {

using Labels = std::map<std::string, std::string>;

double number(const Json& j) { return j.is_number() ? j.get<double>() : 0.0; }

double count_of(const Json& j) {
    if (j.is_array()) return static_cast<double>(j.size());
    return number(j);
}

void backup_figures(TextFile& out, const Labels& base, const Json& value) {
    if (!value.is_object() || !value.contains("report")) return;
    const auto& sums = value["report"].value("summaries", Json::array());
    if (!sums.is_array() || sums.empty()) return;
    const auto& s = sums.back();
    for (const auto& [key, v] : s.items()) {
        if (!v.is_number()) continue;
        if (key.rfind("objects_", 0) == 0) {
            auto labels = base;
            labels["result"] = key.substr(8);
            out.add("opskit_backup_last_run_objects", Type::gauge, "objects of the last run's dsmc summary, by result",
                    number(v), labels);
        } else if (key.rfind("bytes_", 0) == 0) {
            auto labels = base;
            labels["kind"] = key.substr(6);
            out.add("opskit_backup_last_run_bytes", Type::gauge, "bytes of the last run's dsmc summary, by kind",
                    number(v), labels);
        }
    }
    out.add("opskit_backup_last_run_failed_objects", Type::gauge, "objects dsmc reported as failed in the last run",
            number(s.value("objects_failed", Json(0))), base);
}

void sweep_figures(TextFile& out, const Labels& base, const Json& value) {
    std::map<std::string, double> by_action;
    if (value.is_array())
        for (const auto& e : value) by_action[e.value("action", std::string("unknown"))] += 1;
    for (const char* a : {"removed", "kept"}) by_action.try_emplace(a, 0.0);
    for (const auto& [action, n] : by_action) {
        auto labels = base;
        labels["action"] = action;
        out.add("opskit_backup_sweep_last_run_links", Type::gauge, "per-backup links the last sweep saw, by action", n,
                labels);
    }
}

void dispatch_figures(TextFile& out, const Labels& base, const Json& value) {
    if (!value.is_object()) return;
    for (const char* k : {"started", "completed", "cancelled", "orphans", "impossible"}) {
        auto labels = base;
        labels["result"] = k;
        out.add("opskit_dispatch_last_run_containers", Type::gauge, "containers of the last dispatch run, by result",
                count_of(value.value(k, Json(0))), labels);
    }
    if (value.contains("queue_depth"))
        out.add("opskit_dispatch_queue_depth", Type::gauge, "containers still queued when the run ended",
                count_of(value["queue_depth"]), base);
}

void gc_figures(TextFile& out, const Labels& base, const Json& value) {
    if (!value.is_object()) return;
    for (const char* k : {"trashed", "deleted"}) {
        auto labels = base;
        labels["action"] = k;
        out.add("opskit_gc_last_run_collections", Type::gauge, "collections the last gc trashed or deleted",
                count_of(value.value(k, Json(0))), labels);
    }
    out.add("opskit_gc_last_run_freed_blobs", Type::gauge, "stored content entries the last gc freed",
            count_of(value.value("freed", Json(0))), base);
    out.add("opskit_gc_last_run_freed_bytes", Type::gauge, "bytes the last gc freed", number(value.value("freed_bytes", Json(0))),
            base);
}

void vm_figures(TextFile& out, const Labels& base, const Json& value) {
    std::map<std::string, double> by_result{{"changed", 0}, {"unchanged", 0}, {"failed", 0}, {"dry_run", 0}};
    double expunged = 0;
    if (value.is_array())
        for (const auto& r : value) {
            if (!r.is_object()) continue;
            const char* result = !r.value("error", Json()).is_null() ? "failed"
                                 : r.value("dry_run", false)         ? "dry_run"
                                 : r.value("changed", false)         ? "changed"
                                                                     : "unchanged";
            by_result[result] += 1;
            if (r.value("to_state", Json()) == Json("Expunged")) expunged += 1;
        }
    for (const auto& [result, n] : by_result) {
        auto labels = base;
        labels["result"] = result;
        out.add("opskit_vm_last_run_vms", Type::gauge, "VMs of the last run, by result", n, labels);
    }
    if (base.at("verb") == "expunge")
        out.add("opskit_vm_last_run_expunged", Type::gauge, "VMs the last expunge removed", expunged, base);
}

}  // namespace

bool verb_writes_metrics(std::string_view tool, std::string_view verb) {
    if (tool == "bkctl") return verb == "backup" || verb == "restore" || verb == "delete" || verb == "sweep";
    if (tool == "crctl") return verb == "dispatch" || verb == "gc";
    if (tool == "vmctl")
        return verb == "start" || verb == "stop" || verb == "reboot" || verb == "destroy" || verb == "recover" ||
               verb == "expunge";
    return false;
}

TextFile run_metrics(const Run& run) {
    TextFile out;
    Labels base{{"tool", run.tool}, {"verb", run.verb}};
    if (!run.id.empty()) base["id"] = run.id;
    out.add("opskit_last_run_timestamp_seconds", Type::gauge, "when the last run ended (Unix time)", run.finished_unix_s,
            base);
    out.add("opskit_last_run_duration_seconds", Type::gauge, "how long the last run took", run.duration_s, base);
    out.add("opskit_last_run_exit_code", Type::gauge, "exit code of the last run (0 ok, see opskit(7))", run.exit_code,
            base);
    out.add("opskit_last_run_success", Type::gauge, "1 when the last run exited 0", run.exit_code == 0 ? 1 : 0, base);
    if (!run.result) return out;
    const auto& v = *run.result;
    if (run.tool == "bkctl") {
        if (run.verb == "sweep") sweep_figures(out, base, v);
        else backup_figures(out, base, v);
    } else if (run.tool == "crctl") {
        if (run.verb == "dispatch") dispatch_figures(out, base, v);
        else gc_figures(out, base, v);
    } else if (run.tool == "vmctl") {
        vm_figures(out, base, v);
    }
    return out;
}

}  // namespace opskit::metrics
