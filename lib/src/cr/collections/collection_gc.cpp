// crctl gc: delete collection records past delete_at, report the trashed ones, free stored
// content that no record or unfinished container refers to, and remove run folders left by
// dispatchers that died. See collection_gc.hpp.
#include "opskit/cr/collections/collection_gc.hpp"

#include <set>
#include <system_error>

#include "opskit/core/audit.hpp"
#include "opskit/core/error.hpp"
#include "opskit/cr/collections/collection.hpp"
#include "opskit/cr/dispatch/dispatch.hpp"

namespace fs = std::filesystem;

namespace opskit::cr {

Json GcReport::to_json() const {
    return Json{{"trashed", trashed},   {"deleted", deleted},     {"freed", freed},
                {"freed_bytes", freed_bytes}, {"work_dirs", work_dirs}, {"dry_run", dry_run}};
}

GcReport collect_garbage(Store& store, const GcOptions& options) {
    GcReport report;
    report.dry_run = options.dry_run;
    std::set<std::string> keep;
    std::set<std::string> busy_containers;  // not final: their work folders stay
    const auto gather = [&](Tx& tx) {
        const auto now = tx.now_ms();
        {
            auto st = tx.prepare(
                "SELECT uuid, trash_at, delete_at FROM collections WHERE trash_at IS NOT NULL OR delete_at IS NOT NULL "
                "ORDER BY uuid");
            while (st.step()) {
                const auto trash_at = st.get_opt_int(1), delete_at = st.get_opt_int(2);
                if (delete_at && *delete_at <= now) report.deleted.push_back(st.get_text(0));
                else if (trash_at && *trash_at <= now) report.trashed.push_back(st.get_text(0));
            }
        }
        if (!options.dry_run)
            for (const auto& uuid : report.deleted) {
                auto del = tx.prepare("DELETE FROM collections WHERE uuid = ?1");
                del.bind(1, uuid).run();
            }
        std::set<std::string> deleted(report.deleted.begin(), report.deleted.end());
        {
            auto st = tx.prepare("SELECT uuid, portable_data_hash FROM collections");
            while (st.step())
                if (deleted.count(st.get_text(0)) == 0) keep.insert(st.get_text(1));
        }
        {
            auto st = tx.prepare(
                "SELECT uuid, output, log, mounts FROM containers WHERE state IN ('Queued','Locked','Running')");
            while (st.step()) {
                busy_containers.insert(st.get_text(0));
                for (int col : {1, 2})
                    if (auto pdh = st.get_opt_text(col)) keep.insert(*pdh);
                const Json mounts = st.get_json(3);
                if (mounts.is_object())
                    for (const auto& [target, m] : mounts.items())
                        if (m.is_object() && m.value("portable_data_hash", Json()).is_string())
                            keep.insert(m["portable_data_hash"].get<std::string>());
            }
        }
    };
    if (options.dry_run) store.read(gather);
    else store.write(gather);

    CollectionStorage storage(store.data_dir());
    const double min_age = to_seconds(options.min_age);
    for (const auto& pdh : storage.list()) {
        if (keep.count(pdh) != 0 || storage.age_seconds(pdh) < min_age) continue;
        const auto size = storage.contains(pdh) ? storage.manifest(pdh).total_size() : 0;
        if (!options.dry_run) storage.remove(pdh);
        report.freed.push_back(pdh);
        report.freed_bytes += size;
    }
    const fs::path work = store.data_dir() / "work";
    std::error_code ec;
    for (auto it = fs::directory_iterator(work, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
        const auto uuid = it->path().filename().string();
        if (busy_containers.count(uuid) != 0) continue;
        if (!options.dry_run) {
            std::error_code rm;
            fs::remove_all(it->path(), rm);
        }
        report.work_dirs.push_back(uuid);
    }
    if (!options.dry_run)
        audit("gc", store.path().string(), "ok",
              "deleted=" + std::to_string(report.deleted.size()) + " freed=" + std::to_string(report.freed.size()) +
                  " bytes=" + std::to_string(report.freed_bytes));
    return report;
}

}  // namespace opskit::cr
