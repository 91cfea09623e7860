// What every dispatcher shares (see dispatch.hpp): the summary, holders, the dispatcher
// lock and the log collection's shape.
#include "opskit/cr/dispatch/dispatch.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "opskit/core/error.hpp"
#include "opskit/core/fs.hpp"
#include "opskit/cr/lifecycle/canonical.hpp"
#include "opskit/cr/lifecycle/containers.hpp"
#include "cr/store/rows.hpp"

namespace fs = std::filesystem;

namespace opskit::cr {

namespace {

std::string lock_key(const Store& store) { return sha256_hex(fs::absolute(store.path()).lexically_normal().string()).substr(0, 16); }

}  // namespace

Json DispatchSummary::to_json() const {
    Json list = Json::array();
    for (const auto& r : containers)
        list.push_back({{"uuid", r.uuid},
                        {"state", r.state},
                        {"exit_code", r.exit_code ? Json(*r.exit_code) : Json()},
                        {"output", r.output ? Json(*r.output) : Json()},
                        {"log", r.log ? Json(*r.log) : Json()},
                        {"note", r.note}});
    return Json{{"started", started},     {"completed", completed}, {"cancelled", cancelled},
                {"orphans", orphans},     {"impossible", impossible}, {"interrupted", interrupted},
                {"queue_depth", queue_depth},
                {"containers", list}};
}

bool holder_is_dead(std::string_view holder) {
    if (holder.substr(0, lock_holder_prefix.size()) != lock_holder_prefix) return false;
    return !lock_is_held(fs::path(std::string(holder.substr(lock_holder_prefix.size()))));
}

Lock acquire_dispatch_lock(const Store& store, const std::optional<std::string>& partition) {
    const auto name = fmt::format("crctl-dispatch-{}{}", lock_key(store), partition ? "-" + *partition : std::string());
    return acquire_lock(name, fmt::format("dispatcher of store {}{}", store.path().string(),
                                          partition ? " partition " + *partition : std::string()),
                        Duration(0));
}

bool dispatcher_is_serving(const Store& store) {
    return lock_is_held(lock_path_for(fmt::format("crctl-dispatch-{}", lock_key(store))));
}

AttemptFiles log_collection_files(std::string_view container_uuid, const std::string& stdout_text,
                                  const std::string& stderr_text, const std::string& run_log,
                                  const EarlierAttempts& earlier) {
    AttemptFiles files = {{"stdout.txt", stdout_text}, {"stderr.txt", stderr_text}, {"run.log", run_log}};
    const auto sub = fmt::format("log for container {}/", container_uuid);
    files.emplace_back(sub + "stdout.txt", stdout_text);
    files.emplace_back(sub + "stderr.txt", stderr_text);
    files.emplace_back(sub + "run.log", run_log);
    for (const auto& [uuid, attempt] : earlier)
        for (const auto& [name, content] : attempt) files.emplace_back(fmt::format("log for container {}/{}", uuid, name), content);
    return files;
}

EarlierAttempts earlier_attempts(Store& store, const CollectionStorage& storage, const Container& c) {
    EarlierAttempts out;
    std::vector<std::pair<std::string, std::string>> prev;  // uuid, log pdh
    store.read([&](Tx& tx) {
        std::int64_t since = c.created_at;
        for (const auto& r : requests_of_container(tx, c.uuid)) since = std::min(since, r.created_at);
        auto st = tx.prepare(
            "SELECT uuid, log FROM containers WHERE " + std::string(detail::reuse_hash_matches) +
            " AND state = 'Cancelled' AND log IS NOT NULL "
            "AND uuid <> ?2 AND finished_at >= ?3 ORDER BY finished_at, uuid");
        st.bind(1, c.reuse_hash).bind(2, c.uuid).bind(3, since);
        while (st.step()) prev.emplace_back(st.get_text(0), st.get_text(1));
    });
    for (const auto& [uuid, pdh] : prev) {
        if (!storage.contains(pdh)) continue;
        const auto m = storage.manifest(pdh);
        const auto dir = storage.content_dir(pdh);
        const auto sub = fmt::format("log for container {}/", uuid);
        AttemptFiles files;
        for (const auto& f : m.files)
            if (f.path.rfind(sub, 0) == 0) files.emplace_back(f.path.substr(sub.size()), read_file_or_empty(dir / f.path));
        out.emplace_back(uuid, std::move(files));
    }
    return out;
}

std::string log_tail(const CollectionStorage& storage, std::string_view log_pdh, std::size_t lines) {
    if (!storage.contains(log_pdh)) return {};
    const auto dir = storage.content_dir(log_pdh);
    std::string text = read_file_or_empty(dir / "stderr.txt");
    if (text.empty()) text = read_file_or_empty(dir / "stdout.txt");
    std::size_t pos = text.size();
    if (pos > 0 && text.back() == '\n') --pos;
    for (std::size_t n = 0; n < lines && pos != std::string::npos && pos > 0; ++n) pos = text.rfind('\n', pos - 1);
    return pos == std::string::npos || pos == 0 ? text : text.substr(pos + 1);
}

}  // namespace opskit::cr
