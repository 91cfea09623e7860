// The spool: where a dispatcher and the nodes of a remote engine meet (a folder every node
// mounts at the same path). One folder per container, `<spool>/<uuid>/`:
//   record.json   what to run (the container's fields, runtime, data dir), secrets left out
//   secrets.json  the environment and the json/text mount contents (0600)
//   started       written by the node when the container starts (time, node)
//   log/          stdout.txt and stderr.txt of the container
//   finished      written by the node at the end (exit code, times, output collection)
//   work/         the container's mounts, prepared by the node
// Every record is written atomically (temp name, fsync, rename). Decoding is strict: a
// record that is truncated, garbage or has a wrong field is an Error(failed) naming the
// file and the problem, so the dispatcher can end the container Cancelled with that reason.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "opskit/cr/runtime/runtime.hpp"

namespace opskit::cr {

/// What the node side needs to run one container.
struct RunRecord {
    RunSpec spec;
    std::filesystem::path data_dir;            ///< the store's collection folder (shared)
    RuntimeKind runtime = RuntimeKind::host;
    std::string program;                       ///< runtime program; empty = default
    std::vector<std::string> engine_args;
};

struct StartedRecord {
    std::string at;                            ///< RFC 3339
    std::string node;
};

struct FinishedRecord {
    std::optional<std::int64_t> exit_code;
    std::string started_at, finished_at, node;
    std::optional<std::string> output;         ///< output collection pdh (stored in data_dir)
    std::optional<std::string> error;          ///< the node could not run it (why)
};

/// The record as two documents: public (record.json) and secret (secrets.json).
std::pair<std::string, std::string> encode_run_record(const RunRecord& record);
/// Error(failed) naming what is wrong when either document is not a valid record.
RunRecord decode_run_record(std::string_view record_json, std::string_view secrets_json);

std::string encode_started(const StartedRecord& record);
StartedRecord decode_started(std::string_view text);
std::string encode_finished(const FinishedRecord& record);
FinishedRecord decode_finished(std::string_view text);

/// A spool folder.
class Spool {
public:
    explicit Spool(std::filesystem::path root);
    const std::filesystem::path& root() const { return m_root; }
    std::filesystem::path dir(std::string_view uuid) const;
    /// `<dir>/work`: where the node prepares the container's mounts.
    std::filesystem::path work_dir(std::string_view uuid) const;

    /// Writes record.json and secrets.json of a fresh container folder (an old one is removed).
    void write_run(const RunRecord& record) const;
    /// Error(failed) when missing or not a valid record.
    RunRecord read_run(std::string_view uuid) const;
    void write_started(std::string_view uuid, const StartedRecord& record) const;
    std::optional<StartedRecord> read_started(std::string_view uuid) const;
    void write_finished(std::string_view uuid, const FinishedRecord& record) const;
    /// nullopt when not written yet; Error(failed) when garbage.
    std::optional<FinishedRecord> read_finished(std::string_view uuid) const;
    /// The container's stdout/stderr so far ("" when absent).
    std::string read_log(std::string_view uuid, std::string_view stream) const;
    /// Removes a container's folder (best effort).
    void remove(std::string_view uuid) const;

private:
    std::filesystem::path m_root;
};

/// The node side of `crctl container exec UUID --spool DIR`: reads the record, writes
/// `started`, runs the container with the record's runtime, stores its output in the data
/// dir, writes `finished`. Never opens the store. Returns the container's exit code (the
/// node's own failure: 1, with the reason in `finished`).
int exec_from_spool(const Spool& spool, std::string_view uuid);

}  // namespace opskit::cr
