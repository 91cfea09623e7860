// Dispatcher plumbing on containers (see containers.hpp): the container state machine of
// §1.2, the lock rules of §7.1, the update matrix of §3.4 reduced to what a local
// dispatcher reports, and the hand-off to handle_completed when a container ends.
#include "opskit/cr/lifecycle/containers.hpp"

#include <set>

#include "cr/lifecycle/lifecycle.hpp"
#include "opskit/core/error.hpp"
#include "cr/store/rows.hpp"
#include "cr/lifecycle/validate.hpp"

namespace opskit::cr {
namespace {

std::string state_of(const Container& c) { return std::string(to_string(c.state)); }

void require_holder(const Container& c, std::string_view holder, std::string_view what) {
    if (holder.empty()) throw Error(ErrorKind::usage, what, c.uuid, "a holder identity is required");
    if (c.locked_by && *c.locked_by != holder)
        throw Error(ErrorKind::conflict, what, c.uuid, "locked by a different holder (" + *c.locked_by + ")");
}

/// Validates and applies the parts of a report allowed in the container's current state.
void apply_report(Container& c, const ContainerReport& report, bool running, std::string_view what) {
    std::vector<std::string> problems;
    if (report.exit_code && !running) problems.push_back("exit_code can only be set while Running or when completing");
    if (report.output && !running) problems.push_back("output can only be set while Running or when completing");
    if (report.progress && !running) problems.push_back("progress can only be set while Running");
    if (report.progress && (*report.progress < 0 || *report.progress > 1)) problems.push_back("progress must be between 0 and 1");
    for (const auto* ref : {&report.output, &report.log})
        if (*ref && !detail::is_portable_data_hash(**ref))
            problems.push_back((ref == &report.output ? "output" : "log") + std::string(" must be a portable data hash (") + **ref + ")");
    if (report.runtime_status) {
        if (!report.runtime_status->is_object()) problems.push_back("runtime_status must be an object");
        else {
            static const std::set<std::string> known{"error", "errorDetail", "warning", "warningDetail", "activity", "preemptionNotice"};
            for (const auto& [key, value] : report.runtime_status->items())
                if (known.count(key) && !value.is_string()) problems.push_back("runtime_status." + key + " must be a string");
        }
    }
    if (!problems.empty()) {
        std::string why;
        for (const auto& p : problems) why += (why.empty() ? "" : "; ") + p;
        throw Error(ErrorKind::usage, what, c.uuid, why);
    }
    if (report.exit_code) c.exit_code = report.exit_code;
    if (report.output) c.output = report.output;
    if (report.log) c.log = report.log;
    if (report.progress) c.progress = *report.progress;
    if (report.runtime_status)
        for (const auto& [key, value] : report.runtime_status->items()) c.runtime_status[key] = value;
}

/// Writes a container that just became Complete or Cancelled and runs §6.
Container finish(Tx& tx, Container c, ContainerState state) {
    c.state = state;
    if (!c.finished_at) c.finished_at = tx.now_ms();
    c.locked_by.reset();
    c.modified_at = tx.now_ms();
    detail::save_container(tx, c);
    detail::handle_completed(tx, c);
    return detail::load_container(tx, c.uuid).value_or(c);
}

}  // namespace

std::optional<Container> find_container(Tx& tx, std::string_view uuid) { return detail::load_container(tx, uuid); }

Container get_container(Tx& tx, std::string_view uuid) {
    auto c = detail::load_container(tx, uuid);
    if (!c) throw Error(ErrorKind::not_found, "no such container", uuid, "not in this store");
    return std::move(*c);
}

std::vector<Container> list_containers(Tx& tx, const ContainerFilter& f) {
    const std::string sql = detail::select_where(
        detail::container_columns, "containers",
        {{f.state.has_value(), "state = ?1"},
         {f.min_priority.has_value(), "priority >= ?2"},
         {f.locked_by.has_value(), "locked_by = ?3"},
         // "After" in this order is lower priority, or the same priority and later, spelled
         // out so SQLite walks containers_by_queue from the position.
         {f.after.has_value(), "(priority < ?5 OR (priority = ?5 AND (created_at > ?6 OR (created_at = ?6 AND uuid > ?7))))"}},
        "ORDER BY priority DESC, created_at, uuid LIMIT ?4");
    auto st = tx.cached(sql);
    if (f.state) st->bind(1, to_string(*f.state));
    st->bind(2, f.min_priority).bind(3, f.locked_by).bind(4, f.limit > 0 ? f.limit : std::int64_t{-1});
    if (f.after) st->bind(5, f.after->priority).bind(6, f.after->created_at).bind(7, f.after->uuid);
    std::vector<Container> out;
    while (st->step()) out.push_back(detail::read_container(*st));
    return out;
}

std::vector<Container> queued_containers(Tx& tx, std::int64_t limit) { return queued_page(tx, std::nullopt, limit); }

std::vector<Container> queued_page(Tx& tx, const std::optional<QueuePosition>& after, std::int64_t limit) {
    ContainerFilter f;
    f.state = ContainerState::queued;
    f.min_priority = 1;
    f.limit = limit;
    f.after = after;
    return list_containers(tx, f);
}

std::int64_t count_queued(Tx& tx) {
    auto st = tx.cached("SELECT count(*) FROM containers WHERE state = 'Queued' AND priority > 0");
    st->step();
    return st->get_int(0);
}

Container lock_container(Tx& tx, std::string_view uuid, std::string_view holder) {
    Container c = get_container(tx, uuid);
    if (holder.empty()) throw Error(ErrorKind::usage, "cannot lock container", uuid, "a holder identity is required");
    if (c.state != ContainerState::queued)
        throw Error(ErrorKind::conflict, "cannot lock container", uuid, "cannot lock when " + state_of(c));
    if (c.priority <= 0) throw Error(ErrorKind::conflict, "cannot lock container", uuid, "cannot lock when priority<=0");
    c.state = ContainerState::locked;
    c.lock_count += 1;
    c.locked_by = std::string(holder);
    c.modified_at = tx.now_ms();
    detail::save_container(tx, c);
    return c;
}

Container unlock_container(Tx& tx, std::string_view uuid, std::string_view holder, const Json& runtime_status) {
    Container c = get_container(tx, uuid);
    if (c.state != ContainerState::locked)
        throw Error(ErrorKind::conflict, "cannot unlock container", uuid, "cannot unlock when " + state_of(c));
    require_holder(c, holder, "cannot unlock container");
    c.runtime_status = Json::object();
    if (c.lock_count >= tx.options().max_dispatch_attempts) {
        c.runtime_status["error"] =
            "Failed to start container.  Cancelled after exceeding max_dispatch_attempts (lock_count=" +
            std::to_string(c.lock_count) + ")";
        return finish(tx, std::move(c), ContainerState::cancelled);
    }
    if (runtime_status.is_object())
        for (const auto& [key, value] : runtime_status.items()) c.runtime_status[key] = value;
    c.state = ContainerState::queued;
    c.locked_by.reset();
    c.modified_at = tx.now_ms();
    detail::save_container(tx, c);
    return c;
}

Container start_container(Tx& tx, std::string_view uuid, std::string_view holder) {
    Container c = get_container(tx, uuid);
    if (c.state != ContainerState::locked)
        throw Error(ErrorKind::conflict, "cannot start container", uuid, "cannot start when " + state_of(c));
    require_holder(c, holder, "cannot start container");
    c.state = ContainerState::running;
    if (!c.started_at) c.started_at = tx.now_ms();
    c.modified_at = tx.now_ms();
    detail::save_container(tx, c);
    return c;
}

Container set_progress(Tx& tx, std::string_view uuid, std::string_view holder, const ContainerReport& report) {
    Container c = get_container(tx, uuid);
    if (c.state != ContainerState::locked && c.state != ContainerState::running)
        throw Error(ErrorKind::conflict, "cannot report on container", uuid, "it is " + state_of(c));
    require_holder(c, holder, "cannot report on container");
    apply_report(c, report, c.state == ContainerState::running, "cannot report on container");
    c.modified_at = tx.now_ms();
    detail::save_container(tx, c);
    return c;
}

Container complete_container(Tx& tx, std::string_view uuid, std::string_view holder, const ContainerReport& report) {
    Container c = get_container(tx, uuid);
    if (c.state != ContainerState::running)
        throw Error(ErrorKind::conflict, "cannot complete container", uuid, "cannot complete when " + state_of(c));
    require_holder(c, holder, "cannot complete container");
    apply_report(c, report, true, "cannot complete container");
    return finish(tx, std::move(c), ContainerState::complete);
}

Container cancel_container(Tx& tx, std::string_view uuid, std::string_view holder, const ContainerReport& report) {
    Container c = get_container(tx, uuid);
    if (c.state == ContainerState::cancelled) return c;
    if (c.state == ContainerState::complete) {
        const bool changes = report.exit_code || report.output || report.log || report.progress || report.runtime_status;
        if (changes)
            throw Error(ErrorKind::conflict, "cannot cancel container", uuid,
                        "a Complete container can only be cancelled (to stop reuse), nothing else may change");
        c.state = ContainerState::cancelled;
        c.modified_at = tx.now_ms();
        detail::save_container(tx, c);
        detail::handle_completed(tx, c);
        return c;
    }
    if (!holder.empty() && c.locked_by && *c.locked_by != holder)
        throw Error(ErrorKind::conflict, "cannot cancel container", uuid, "locked by a different holder (" + *c.locked_by + ")");
    apply_report(c, report, c.state == ContainerState::running, "cannot cancel container");
    return finish(tx, std::move(c), ContainerState::cancelled);
}

std::vector<ContainerRequest> requests_of_container(Tx& tx, std::string_view container_uuid) {
    auto st = tx.prepare("SELECT " + detail::request_columns +
                         " FROM container_requests WHERE container_uuid = ? ORDER BY created_at, uuid");
    st.bind(1, container_uuid);
    std::vector<ContainerRequest> out;
    while (st.step()) out.push_back(detail::read_request(st));
    return out;
}

std::vector<std::string> container_uuids(Tx& tx, std::string_view prefix, std::int64_t limit) {
    auto st = tx.prepare("SELECT uuid FROM containers WHERE substr(uuid, 1, length(?1)) = ?1 ORDER BY uuid LIMIT ?2");
    st.bind(1, prefix).bind(2, limit);
    std::vector<std::string> out;
    while (st.step()) out.push_back(st.get_text(0));
    return out;
}

}  // namespace opskit::cr
