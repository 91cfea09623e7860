// Commit-time resolution and reuse (reference §4) and what happens when a container ends
// (§6): retry with a fresh container, finalization with output/log records, and the cascade
// to child requests. Kept together because commit can finalize at once (reusing a finished
// container) and completion can commit new containers (retry).
#include "cr/lifecycle/lifecycle.hpp"

#include <algorithm>
#include <set>

#include "opskit/core/error.hpp"
#include "opskit/cr/lifecycle/canonical.hpp"
#include "opskit/cr/collections/outputs.hpp"
#include "opskit/cr/lifecycle/requests.hpp"
#include "cr/store/rows.hpp"

namespace opskit::cr::detail {
namespace {

Json without_keep_cache(Json constraints) {
    if (constraints.is_object()) {
        constraints.erase("keep_cache_ram");
        constraints.erase("keep_cache_disk");
    }
    return constraints;
}

bool same_work(const Container& a, const Container& b) {
    return a.command == b.command && a.cwd == b.cwd && a.environment == b.environment && a.output_path == b.output_path &&
           a.container_image == b.container_image && a.mounts == b.mounts &&
           without_keep_cache(a.runtime_constraints) == without_keep_cache(b.runtime_constraints);
}

bool is_preemptible(const Json& scheduling) {
    return scheduling.is_object() && scheduling.value("preemptible", Json(false)) == true;
}

/// A finished container's output and log must still be held by a live collection record
/// for its result to be reused (§4.3, "readable"). A null reference has nothing to check.
bool result_readable(Tx& tx, const Container& c) {
    for (const auto* ref : {&c.output, &c.log})
        if (*ref && !find_collection_by_pdh(tx, **ref)) return false;
    return true;
}

Collection record_for(Tx& tx, const std::optional<std::string>& existing_uuid, const std::string& pdh) {
    Collection record;
    if (existing_uuid)
        if (auto found = find_collection(tx, *existing_uuid)) record = *found;
    record.portable_data_hash = pdh;
    if (auto source = find_collection_by_pdh(tx, pdh)) record.manifest = source->manifest;
    record.modified_at = tx.now_ms();
    return record;
}

/// An existing record is updated in place; a new one goes through the collision rule.
std::string store_record(Tx& tx, Collection record) {
    if (record.uuid.empty()) return insert_collection(tx, std::move(record)).uuid;
    save_collection(tx, record);
    return record.uuid;
}

Json merge_scheduling(const std::vector<ContainerRequest>& requests) {
    bool any_unrestricted_partitions = false, all_preemptible = true, any_supervisor = false, any_unlimited = false;
    std::set<std::string> partitions;
    std::int64_t max_run_time = 0;
    for (const auto& r : requests) {
        const Json& sp = r.scheduling_parameters;
        const Json parts = sp.value("partitions", Json::array());
        if (!parts.is_array() || parts.empty()) any_unrestricted_partitions = true;
        else
            for (const auto& p : parts)
                if (p.is_string()) partitions.insert(p.get<std::string>());
        all_preemptible = all_preemptible && sp.value("preemptible", Json(false)) == true;
        any_supervisor = any_supervisor || sp.value("supervisor", Json(false)) == true;
        const Json mrt = sp.value("max_run_time", Json(0));
        const std::int64_t seconds = mrt.is_number_integer() || mrt.is_number_unsigned() ? mrt.get<std::int64_t>() : 0;
        if (seconds <= 0) any_unlimited = true;
        else max_run_time = std::max(max_run_time, seconds);
    }
    Json merged = Json::object();
    if (!any_unrestricted_partitions) merged["partitions"] = Json(std::vector<std::string>(partitions.begin(), partitions.end()));
    if (all_preemptible && !requests.empty()) merged["preemptible"] = true;
    if (any_supervisor) merged["supervisor"] = true;
    if (!any_unlimited) merged["max_run_time"] = max_run_time;
    return merged;
}

std::vector<ContainerRequest> query_requests(Tx& tx, const std::string& where, std::string_view uuid) {
    auto st = tx.cached("SELECT " + request_columns + " FROM container_requests r " + where);
    st->bind(1, uuid);
    std::vector<ContainerRequest> out;
    while (st->step()) out.push_back(read_request(*st));
    return out;
}

}  // namespace

Json resolve_runtime_constraints(const Json& constraints, std::int64_t default_keep_cache_ram) {
    Json out = Json::object();
    if (!constraints.is_object()) return constraints;
    for (const auto& [key, value] : constraints.items()) {
        if (value.is_array()) out[key] = value.empty() ? Json(nullptr) : value[0];
        else out[key] = value;
    }
    const auto ram = out.find("keep_cache_ram");
    if (default_keep_cache_ram > 0 && (ram == out.end() || *ram == 0)) out["keep_cache_ram"] = default_keep_cache_ram;
    return out;
}

Container resolve_container(Tx& tx, const ContainerRequest& r, WorkTexts* texts) {
    Container c;
    c.command = r.command;
    c.cwd = r.cwd;
    c.environment = r.environment;
    c.output_path = r.output_path;
    const auto& resolve_image = tx.options().resolve_image;
    c.container_image = resolve_image ? resolve_image(r.container_image) : r.container_image;
    c.mounts = r.mounts;
    for (auto& [target, mount] : c.mounts.items()) {
        if (!mount.is_object() || mount.value("kind", Json("")) != "collection") continue;
        const Json uuid = mount.value("uuid", Json(nullptr));
        const Json pdh = mount.value("portable_data_hash", Json(nullptr));
        const bool has_uuid = uuid.is_string() && !uuid.get<std::string>().empty();
        const bool has_pdh = pdh.is_string() && !pdh.get<std::string>().empty();
        if (has_uuid) {
            const auto found = find_collection(tx, uuid.get<std::string>());
            if (!found && !has_pdh)
                throw Error(ErrorKind::usage, "cannot resolve mount " + target, uuid.get<std::string>(), "no such collection");
            if (found && has_pdh && found->portable_data_hash != pdh.get<std::string>())
                throw Error(ErrorKind::usage, "cannot resolve mount " + target, uuid.get<std::string>(),
                            "the collection's portable data hash is " + found->portable_data_hash + ", not " +
                                pdh.get<std::string>());
            if (found && !has_pdh) mount["portable_data_hash"] = found->portable_data_hash;
            mount.erase("uuid");
        }
    }
    c.runtime_constraints = resolve_runtime_constraints(r.runtime_constraints, tx.options().default_keep_cache_ram);
    c.scheduling_parameters = r.scheduling_parameters;
    WorkTexts own;
    WorkTexts& t = texts ? *texts : own;
    t.command = canonical_json(c.command);
    t.environment = canonical_json(c.environment);
    t.mounts = canonical_json(c.mounts);
    t.runtime_constraints = canonical_json(c.runtime_constraints);
    c.reuse_hash = reuse_hash_of_texts(t.command, c.cwd, t.environment, c.output_path, c.container_image, t.mounts,
                                       c.runtime_constraints);
    return c;
}

std::optional<std::string> find_reusable(Tx& tx, const Container& wanted, const Json& request_scheduling,
                                         const WorkTexts* texts) {
    static const Sql sql("SELECT " + container_columns + " FROM containers WHERE " + std::string(detail::reuse_hash_matches) +
                         " AND state <> 'Cancelled'");
    // Candidates share the reuse hash, so their stored work attributes are, barring a hash
    // collision, the wanted ones in the same canonical text. Comparing that text spares
    // parsing four JSON columns per candidate; any difference (also 1 vs 1.0, equal as JSON,
    // or other keep_cache_* values) goes to same_work on the parsed row as before. Without
    // the caller's texts they are made at the first candidate: new work has none.
    WorkTexts dumped;
    std::vector<Container> candidates;
    {
        auto st = tx.cached(sql);
        st->bind(1, wanted.reuse_hash);
        while (st->step()) {
            if (!texts) {
                dumped = {canonical_json(wanted.command), canonical_json(wanted.environment),
                          canonical_json(wanted.mounts), canonical_json(wanted.runtime_constraints)};
                texts = &dumped;
            }
            const bool identical = st->get_view(2) == texts->command && st->get_view(3) == wanted.container_image &&
                                   st->get_view(4) == wanted.cwd && st->get_view(5) == texts->environment &&
                                   st->get_view(6) == texts->mounts && st->get_view(7) == wanted.output_path &&
                                   st->get_view(8) == texts->runtime_constraints;
            if (identical) {
                candidates.push_back(read_container(*st, false));
                continue;
            }
            Container c = read_container(*st);
            if (same_work(c, wanted)) candidates.push_back(std::move(c));
        }
    }
    // 1. Complete, exit 0, result still held: the earliest finished.
    const Container* best = nullptr;
    for (const auto& c : candidates) {
        if (c.state != ContainerState::complete || c.exit_code != 0 || !result_readable(tx, c)) continue;
        if (!best || c.finished_at.value_or(0) < best->finished_at.value_or(0) ||
            (c.finished_at == best->finished_at && c.uuid < best->uuid))
            best = &c;
    }
    if (best) return best->uuid;
    // 2. Running without error and still wanted: most progress, then earliest start.
    for (const auto& c : candidates) {
        if (c.state != ContainerState::running || c.priority <= 0 || c.runtime_status.contains("error")) continue;
        if (!best || c.progress > best->progress ||
            (c.progress == best->progress && c.started_at.value_or(0) < best->started_at.value_or(0)))
            best = &c;
    }
    if (best) return best->uuid;
    // 3. Locked before Queued, highest priority, oldest; a non-preemptible request never
    //    latches onto a preemptible container.
    const bool request_preemptible = is_preemptible(request_scheduling);
    auto rank = [](const Container& c) { return c.state == ContainerState::locked ? 0 : 1; };
    for (const auto& c : candidates) {
        if (c.state != ContainerState::locked && c.state != ContainerState::queued) continue;
        if (!request_preemptible && is_preemptible(c.scheduling_parameters)) continue;
        if (!best || rank(c) < rank(*best) ||
            (rank(c) == rank(*best) &&
             (c.priority > best->priority || (c.priority == best->priority && c.created_at < best->created_at))))
            best = &c;
    }
    if (best) return best->uuid;
    return std::nullopt;
}

bool set_container(Tx& tx, ContainerRequest& r, WorkTexts* request_texts) {
    WorkTexts texts;
    Container wanted = resolve_container(tx, r, &texts);
    std::optional<std::string> chosen;
    if (r.use_existing) chosen = find_reusable(tx, wanted, r.scheduling_parameters, &texts);
    const bool created = !chosen;
    if (created) {
        wanted.uuid = tx.new_uuid(container_infix);
        wanted.state = ContainerState::queued;
        wanted.created_at = wanted.modified_at = tx.now_ms();
        // Born with the priority update_priorities will compute once `r` is saved (for a
        // top-level request), so the row is written once rather than inserted then updated.
        if (r.priority > 0 && !r.requesting_container_uuid) wanted.priority = request_priority_term(r.priority, r.created_at);
        save_container(tx, wanted, Row::fresh, &texts);
        chosen = wanted.uuid;
    }
    if (request_texts) {
        // The container's command and environment are the request's; so are its mounts unless
        // a collection mount was resolved. Its runtime constraints are resolved ones.
        request_texts->command = std::move(texts.command);
        request_texts->environment = std::move(texts.environment);
        if (wanted.mounts == r.mounts) request_texts->mounts = std::move(texts.mounts);
    }
    r.container_uuid = std::move(chosen);
    r.container_count += 1;
    return created;
}

void finalize_request(Tx& tx, ContainerRequest& r, const Container& c) {
    const std::int64_t now = tx.now_ms();
    if (c.log) {
        Collection log = record_for(tx, r.log_uuid, *c.log);
        if (log.uuid.empty()) log.name = "Container log for request " + r.uuid;
        log.properties = Json{{"container_request", r.uuid}, {"type", "log"}};
        r.log_uuid = store_record(tx, std::move(log));
    }
    if (c.output) {
        Collection output = record_for(tx, r.output_uuid, *c.output);
        if (output.uuid.empty())
            output.name = r.output_name && !r.output_name->empty() ? *r.output_name : "Container output for request " + r.uuid;
        output.properties =
            Json{{"container_request", r.uuid}, {"type", r.requesting_container_uuid ? "intermediate" : "output"}};
        if (r.output_ttl > 0) {
            output.trash_at = now + r.output_ttl * 1000;
            output.delete_at = std::max(*output.trash_at, now + blob_signing_ttl_ms);
        }
        r.output_uuid = store_record(tx, std::move(output));
    }
    r.state = RequestState::final_;
    r.modified_at = now;
    save_request(tx, r);
}

void after_request_saved(Tx& tx, const ContainerRequest& before, ContainerRequest& r, bool new_container) {
    // A container set_container just made for a top-level request already carries the
    // priority update_priorities would compute, has no child requests (its uuid is new) and is
    // Queued: there is nothing to propagate or finalize, and three queries are saved.
    if (new_container && !r.requesting_container_uuid && !before.container_uuid && r.state == RequestState::committed)
        return;
    const bool relevant = before.uuid.empty() || before.state != r.state || before.priority != r.priority ||
                          before.container_uuid != r.container_uuid;
    if (relevant) {
        if (before.container_uuid && before.container_uuid != r.container_uuid) update_priorities(tx, *before.container_uuid);
        if (r.container_uuid) update_priorities(tx, *r.container_uuid);
    }
    if (r.state != RequestState::committed) return;
    if (!r.container_uuid) {  // behave as if the container was cancelled (§1.1)
        r.state = RequestState::final_;
        r.modified_at = tx.now_ms();
        save_request(tx, r);
        return;
    }
    // The state alone decides; the whole row (and its JSON) is read only to finalize.
    bool final_container = false;
    {
        auto st = tx.cached("SELECT state FROM containers WHERE uuid = ?");
        st->bind(1, *r.container_uuid);
        if (st->step()) {
            const auto state = parse_container_state(st->get_text(0));
            final_container = state && is_final(*state);
        }
    }
    if (!final_container) return;
    if (const auto c = load_container(tx, *r.container_uuid)) finalize_request(tx, r, *c);
}

void handle_completed(Tx& tx, const Container& c) {
    const std::int64_t now = tx.now_ms();
    if (c.state == ContainerState::cancelled) {
        const auto retryable = query_requests(
            tx,
            "WHERE r.container_uuid = ?1 AND r.state = 'Committed' AND r.priority > 0 "
            "AND r.container_count < r.container_count_max AND (r.requesting_container_uuid IS NULL OR EXISTS "
            "(SELECT 1 FROM containers p WHERE p.uuid = r.requesting_container_uuid AND p.state = 'Running' "
            "AND p.priority > 0)) ORDER BY r.uuid",
            c.uuid);
        if (!retryable.empty()) {
            Container next;
            next.uuid = tx.new_uuid(container_infix);
            next.state = ContainerState::queued;
            next.command = c.command;
            next.container_image = c.container_image;
            next.cwd = c.cwd;
            next.environment = c.environment;
            next.mounts = c.mounts;
            next.output_path = c.output_path;
            next.runtime_constraints = c.runtime_constraints;
            next.scheduling_parameters = merge_scheduling(retryable);
            next.reuse_hash = c.reuse_hash;
            next.created_at = next.modified_at = now;
            save_container(tx, next, Row::fresh);
            for (auto r : retryable) {
                r.container_uuid = next.uuid;
                r.container_count += 1;
                r.modified_at = now;
                save_request(tx, r);
            }
            update_priorities(tx, next.uuid);
        }
    }
    for (auto r : query_requests(tx, "WHERE r.container_uuid = ?1 AND r.state = 'Committed' ORDER BY r.uuid", c.uuid))
        finalize_request(tx, r, c);
    // Children of this container: nobody wants them any more (§5.4).
    for (auto r : query_requests(tx, "WHERE r.requesting_container_uuid = ?1 AND r.state = 'Committed' ORDER BY r.uuid",
                                 c.uuid)) {
        r.priority = 0;
        std::optional<Container> child;
        if (r.container_uuid) child = load_container(tx, *r.container_uuid);
        if (!child || child->state == ContainerState::queued || child->state == ContainerState::locked)
            r.state = RequestState::final_;
        r.modified_at = now;
        save_request(tx, r);
        if (r.container_uuid) update_priorities(tx, *r.container_uuid);
    }
}

}  // namespace opskit::cr::detail
