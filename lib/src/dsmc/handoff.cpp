// The parser-to-printer hand-off (see handoff.hpp). A block is a list of events in input
// order and, per record type, a pool of objects that the events index. Pools are never
// shrunk: a record is copied by assignment into an object that held one before, so its
// strings reuse their capacity and a long log costs no allocation per record.
#include "dsmc/handoff.hpp"

#include <cstdint>
#include <utility>

namespace opskit::dsmc::detail {
namespace {

/// Events per block: enough that the two threads meet rarely (a block is some 50 KB of log),
/// few enough that the blocks in flight stay small.
constexpr std::size_t kEvents = 1024;
/// Blocks in all: one being filled, one queued, one being replayed.
constexpr std::size_t kBlocks = 3;

/// The next object of `pool` (one that held a record before, when there is one).
template <class T>
T& next(std::vector<T>& pool, std::size_t& used) {
    if (used == pool.size()) pool.emplace_back();
    return pool[used++];
}

}  // namespace

struct HandoffSink::Block {
    enum class Kind : std::uint8_t { session, message, summary, table_begin, table_row, table_end, return_code, end };
    struct Event {
        Kind kind;
        std::uint32_t index;  ///< in the pool of its kind
        std::uint32_t table;  ///< rows and table ends: the table's slot in `tables`
    };

    std::vector<Event> events;
    std::vector<Session> sessions;
    std::vector<Message> messages;
    std::vector<Summary> summaries;
    std::vector<Table> tables;
    std::vector<TableRow> rows;
    std::vector<std::pair<int, int>> return_codes;  ///< (code, line)
    Totals totals;
    std::size_t used_sessions = 0, used_messages = 0, used_summaries = 0, used_tables = 0, used_rows = 0;
    /// The slot in `tables` of the table whose rows are coming, or -1: a block that starts
    /// inside a table copies it with its first row.
    std::int64_t open_table = -1;

    void clear() {
        events.clear();
        return_codes.clear();
        used_sessions = used_messages = used_summaries = used_tables = used_rows = 0;
        open_table = -1;
    }

    template <class T>
    void add(Kind kind, std::vector<T>& pool, std::size_t& used, const T& record, std::uint32_t table = 0) {
        const auto index = static_cast<std::uint32_t>(used);
        next(pool, used) = record;
        events.push_back({kind, index, table});
    }

    std::uint32_t table_slot(const Table& t) {
        if (open_table < 0) {
            open_table = static_cast<std::int64_t>(used_tables);
            next(tables, used_tables) = t;
        }
        return static_cast<std::uint32_t>(open_table);
    }

    void replay(Sink& target) const {
        for (const Event& e : events) {
            switch (e.kind) {
            case Kind::session: target.on_session(sessions[e.index]); break;
            case Kind::message: target.on_message(messages[e.index]); break;
            case Kind::summary: target.on_summary(summaries[e.index]); break;
            case Kind::table_begin: target.on_table_begin(tables[e.index]); break;
            case Kind::table_row: target.on_table_row(tables[e.table], rows[e.index]); break;
            case Kind::table_end: target.on_table_end(tables[e.table]); break;
            case Kind::return_code:
                target.on_return_code(return_codes[e.index].first, return_codes[e.index].second);
                break;
            case Kind::end: target.on_end(totals); break;
            }
        }
    }
};

HandoffSink::HandoffSink(Sink& target) : m_target(target) {
    for (std::size_t i = 0; i < kBlocks; ++i) {
        m_blocks.push_back(std::make_unique<Block>());
        m_blocks.back()->events.reserve(kEvents);
        m_free.push_back(m_blocks.back().get());
    }
    m_filling = m_free.back();
    m_free.pop_back();
    m_thread = std::thread([this] { run(); });
}

HandoffSink::~HandoffSink() {
    if (m_thread.joinable()) close();
}

void HandoffSink::close() {
    {
        const std::lock_guard lock(m_mutex);
        if (m_filling != nullptr && !m_filling->events.empty() && !m_failure) m_queued.push_back(m_filling);
        m_filling = nullptr;
        m_done = true;
    }
    m_changed.notify_all();
    m_thread.join();
}

void HandoffSink::run() {
    while (true) {
        Block* block = nullptr;
        {
            std::unique_lock lock(m_mutex);
            m_changed.wait(lock, [this] { return !m_queued.empty() || m_done; });
            if (m_queued.empty()) return;  // done, and every block replayed
            block = m_queued.front();
            m_queued.pop_front();
        }
        try {
            block->replay(m_target);
        } catch (...) {
            const std::lock_guard lock(m_mutex);
            m_failure = std::current_exception();
            m_changed.notify_all();
            return;
        }
        block->clear();
        {
            const std::lock_guard lock(m_mutex);
            m_free.push_back(block);
        }
        m_changed.notify_all();
    }
}

void HandoffSink::hand_off() {
    std::unique_lock lock(m_mutex);
    if (!m_filling->events.empty()) {
        m_queued.push_back(m_filling);
        m_filling = nullptr;
        m_changed.notify_all();
    }
    m_changed.wait(lock, [this] { return m_filling != nullptr || !m_free.empty() || m_failure; });
    if (m_failure) {
        // The target failed (a write error): stop parsing and report that, once.
        m_failure_taken = true;
        std::rethrow_exception(m_failure);
    }
    if (m_filling == nullptr) {
        m_filling = m_free.back();
        m_free.pop_back();
    }
}

HandoffSink::Block& HandoffSink::filling() {
    if (m_filling == nullptr || m_filling->events.size() >= kEvents) hand_off();
    return *m_filling;
}

void HandoffSink::flush() {
    if (m_filling != nullptr && !m_filling->events.empty()) hand_off();
}

void HandoffSink::finish() {
    close();
    if (m_failure && !m_failure_taken) {
        m_failure_taken = true;
        std::rethrow_exception(m_failure);
    }
}

void HandoffSink::on_session(const Session& s) {
    Block& b = filling();
    b.add(Block::Kind::session, b.sessions, b.used_sessions, s);
}

void HandoffSink::on_message(const Message& m) {
    Block& b = filling();
    b.add(Block::Kind::message, b.messages, b.used_messages, m);
}

void HandoffSink::on_summary(const Summary& s) {
    Block& b = filling();
    b.add(Block::Kind::summary, b.summaries, b.used_summaries, s);
}

void HandoffSink::on_table_begin(const Table& t) {
    Block& b = filling();
    b.open_table = -1;  // a new table: its own slot
    const std::uint32_t slot = b.table_slot(t);
    b.events.push_back({Block::Kind::table_begin, slot, slot});
}

void HandoffSink::on_table_row(const Table& t, const TableRow& r) {
    Block& b = filling();
    const std::uint32_t slot = b.table_slot(t);
    b.add(Block::Kind::table_row, b.rows, b.used_rows, r, slot);
}

void HandoffSink::on_table_end(const Table& t) {
    Block& b = filling();
    const std::uint32_t slot = b.table_slot(t);
    b.events.push_back({Block::Kind::table_end, slot, slot});
    b.open_table = -1;
}

void HandoffSink::on_return_code(int rc, int line) {
    Block& b = filling();
    b.events.push_back({Block::Kind::return_code, static_cast<std::uint32_t>(b.return_codes.size()), 0});
    b.return_codes.emplace_back(rc, line);
}

void HandoffSink::on_end(const Totals& t) {
    Block& b = filling();
    b.totals = t;
    b.events.push_back({Block::Kind::end, 0, 0});
}

}  // namespace opskit::dsmc::detail
