// Container priority (reference §5): the formula over a container's Committed requests and
// its propagation down the tree of child requests. Every verb that changes a request's
// state, priority or container, or ends a container, calls update_priorities.
#include <deque>
#include <set>

#include "cr/lifecycle/lifecycle.hpp"
#include "opskit/cr/lifecycle/requests.hpp"
#include "cr/store/rows.hpp"

namespace opskit::cr {

std::int64_t compute_container_priority(Tx& tx, std::string_view container_uuid) {
    auto st = tx.cached(
        "SELECT r.priority, r.created_at, p.priority FROM container_requests r "
        "LEFT JOIN containers p ON p.uuid = r.requesting_container_uuid "
        "WHERE r.container_uuid = ? AND r.state = 'Committed' AND r.priority > 0");
    st->bind(1, container_uuid);
    std::int64_t best = 0;
    while (st->step()) {
        const std::int64_t contrib =
            st->is_null(2) ? detail::request_priority_term(st->get_int(0), st->get_int(1)) : st->get_int(2);
        best = std::max(best, contrib);
    }
    return best;
}

void update_priorities(Tx& tx, std::string_view start) {
    std::deque<std::string> todo{std::string(start)};
    std::set<std::string> seen;
    while (!todo.empty()) {
        const std::string uuid = std::move(todo.front());
        todo.pop_front();
        if (!seen.insert(uuid).second) continue;
        {
            auto st = tx.cached("SELECT state, priority FROM containers WHERE uuid = ?");
            st->bind(1, uuid);
            if (!st->step()) continue;
            const auto state = parse_container_state(st->get_text(0));
            if (!state || is_final(*state)) continue;
            const std::int64_t old_priority = st->get_int(1);
            st->reset();
            const std::int64_t priority = compute_container_priority(tx, uuid);
            if (priority != old_priority) {
                auto up = tx.cached("UPDATE containers SET priority = ?, modified_at = ? WHERE uuid = ?");
                up->bind(1, priority).bind(2, tx.now_ms()).bind(3, uuid);
                up->run();
            }
        }
        // No DISTINCT and no IN list: SQLite builds a temporary b-tree for either on every
        // run; `seen` already skips repeats.
        auto kids = tx.cached(
            "SELECT r.container_uuid FROM container_requests r JOIN containers c ON c.uuid = r.container_uuid "
            "WHERE r.requesting_container_uuid = ? AND (c.state = 'Queued' OR c.state = 'Locked' OR c.state = 'Running')");
        kids->bind(1, uuid);
        while (kids->step()) todo.push_back(kids->get_text(0));
    }
}

}  // namespace opskit::cr
