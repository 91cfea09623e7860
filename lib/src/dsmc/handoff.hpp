// A Sink that hands the parser's records to another Sink on a second thread, so `bkctl
// parse` reads and parses the next records while the last ones are rendered and written:
// on two cores the wall time is that of the slower half, not of both. Records are copied
// into blocks of reused objects (the parser reuses its own), a few blocks are in flight at
// most, so memory stays bounded whatever the input; the target sees exactly the calls it
// would have seen directly, in the same order.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <string_view>
#include <thread>
#include <vector>

#include "opskit/core/output.hpp"
#include "opskit/dsmc/stream.hpp"

namespace opskit::dsmc::detail {

class HandoffSink : public Sink {
public:
    /// Starts the thread that feeds `target`.
    explicit HandoffSink(Sink& target);
    /// Hands out what is left and waits for the thread. After an exception (finish() was not
    /// reached) the records before it are still delivered, as they would have been directly;
    /// a failure of the target then is dropped, the first one is on its way already.
    ~HandoffSink() override;
    HandoffSink(const HandoffSink&) = delete;
    HandoffSink& operator=(const HandoffSink&) = delete;

    void on_session(const Session& s) override;
    void on_message(const Message& m) override;
    void on_summary(const Summary& s) override;
    void on_table_begin(const Table& t) override;
    void on_table_row(const Table& t, const TableRow& r) override;
    void on_table_end(const Table& t) override;
    void on_return_code(int rc, int line) override;
    void on_end(const Totals& t) override;

    /// Hands out the records gathered so far, whatever their number: called when the input
    /// has nothing more for now (a pipe between writes), so they are not held back.
    void flush();
    /// Hands out the rest, waits until the target has had every record, and rethrows what
    /// the target threw, if it did.
    void finish();

    struct Block;  ///< records of one hand-off (handoff.cpp)

private:
    /// The block being filled, after checking the target is still alive.
    Block& filling();
    /// Queues the block being filled (if it holds anything) and takes a free one.
    void hand_off();
    void run();  ///< the thread: replays each queued block into the target
    /// Queues what is being filled, tells the thread no more is coming, and joins it.
    void close();

    Sink& m_target;
    std::vector<std::unique_ptr<Block>> m_blocks;
    Block* m_filling = nullptr;

    std::mutex m_mutex;
    std::condition_variable m_changed;
    std::deque<Block*> m_queued;   ///< full blocks in input order, under m_mutex
    std::vector<Block*> m_free;    ///< under m_mutex
    bool m_done = false;           ///< no more blocks will be queued
    std::exception_ptr m_failure;  ///< what the target threw; the thread stops at it
    bool m_failure_taken = false;
    std::thread m_thread;
};

/// print_parse (opskit/dsmc/print.hpp) with the printer on a second thread or on this one.
/// print_parse hands off when the process may run on more than one CPU.
void print_parse(std::string_view path, OutputFormat format, int fd, bool second_thread);

}  // namespace opskit::dsmc::detail
