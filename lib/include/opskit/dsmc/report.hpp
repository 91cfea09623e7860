// The typed report of everything dsmc prints. bkctl judges a backup, restore or delete by
// what dsmc said (messages, summary counters, return code), never by one line of text, and
// `bkctl parse` shows the same report for any saved output or dsmsched.log. parse_output is
// a single linear pass over the bytes that never throws and never fails: text it does not
// recognise is noise (banners) or a continuation of the message above it.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "opskit/core/output.hpp"

namespace opskit::dsmc {

/// The severity letter of a message id (`ANS1228E` → error).
enum class Severity { info, warning, error, severe };

/// One client session header (`Node Name:`, `Session established with server NAME: PLATFORM`,
/// `Server Version …`, `Server date/time: … Last access: …`) with the client version of the
/// banner printed before it. Missing parts stay empty.
struct Session {
    std::string node_name;
    std::string server_name;
    std::string server_platform;
    std::string server_version;      ///< `8.1.27.000` from `Version 8, Release 1, Level 27.000`
    std::string client_version;      ///< `8.1.27.0`
    std::string client_datetime;     ///< ISO 8601 (`2019-08-06T23:35:07`), empty if absent or unparsable
    std::string server_datetime;     ///< ISO 8601
    std::string last_access;         ///< ISO 8601
    std::string accessing_as_node;   ///< `Accessing as node: Y`
    int line = 0;                    ///< 1-based line of the first header line
};

/// One ANS/ANE/ANR message. An id is exactly `AN` + a letter, four digits and a severity
/// letter (I W E S K) followed by a space, colon, tab or the line end; anything else, OCR
/// damage such as `ANS12471` included, is text (issue 15).
struct Message {
    std::string code;      ///< `ANS1228E`
    std::string prefix;    ///< `ANS`, `ANE`, `ANR`
    int number = 0;        ///< 1228
    Severity severity = Severity::info;
    std::string text;      ///< text after the id; continuation lines appended after '\n'
    int line = 0;          ///< 1-based line of the id
    std::string raw_code;  ///< kept for the JSON schema; always empty since ids are no longer repaired
    std::string timestamp; ///< ISO 8601 of a dsmsched.log/actlog line prefix, else empty
};

/// One summary block (`Total number of objects inspected:` …). Every label of the catalogue
/// has a typed field; byte figures are in bytes (K/M/G/T = powers of 1024), rates in
/// bytes per second, times in seconds, percentages as numbers. `raw` keeps the printed value
/// of every typed field (keyed by the JSON name); labels not in the catalogue go to `other`.
struct Summary {
    std::optional<std::uint64_t> objects_inspected, objects_backed_up, objects_updated, objects_rebound,
        objects_deleted, objects_expired, objects_failed, objects_encrypted, objects_grew, objects_restored,
        objects_deduplicated, retries, bytes_inspected, bytes_processed, bytes_before_deduplication,
        bytes_after_deduplication, bytes_transferred, lanfree_bytes_transferred;
    std::optional<double> data_transfer_time_s, network_rate_bytes_per_s, aggregate_rate_bytes_per_s,
        compressed_percent, deduplication_reduction_percent, data_reduction_percent, subfile_reduced_percent,
        elapsed_s;
    std::optional<std::string> encryption_type;  ///< `Data encryption type:` (`256-bit AES`)
    /// Where the printed value of one typed field sits in raw_text (compact: a summary is
    /// built for every block of a multi-gigabyte log).
    struct RawSpan {
        std::uint32_t offset = 0;
        std::uint16_t length = 0;
        std::uint8_t field = 0;  ///< catalogue index
    };
    std::string raw_text;                 ///< printed values of the typed fields, back to back
    std::array<RawSpan, 32> raw_spans{};  ///< the first raw_count are used, in printed order
    std::uint8_t raw_count = 0;
    std::map<std::string, std::string> other;    ///< unknown label as printed → raw value
    int line = 0;                                ///< 1-based line of the first summary line
    std::string timestamp;                       ///< ISO 8601 of its first line's prefix, else empty

    /// The printed value of a typed field by JSON key (`bytes_inspected` → `4.51 TB`), or empty.
    std::string_view raw_value(std::string_view key) const noexcept;
    /// JSON key → printed value of every typed field, in printed order.
    std::vector<std::pair<std::string_view, std::string_view>> raw() const;
};

/// One row of a query table. Which fields are set depends on the table kind:
/// query_backup (size, date=backup date, mgmt_class, active, name), query_archive (size,
/// date=archive date, name, expires, description), query_image (size=image size,
/// stored_size, fs_type, date, mgmt_class, active, name), query_filespace (index,
/// date=last incremental, fs_type, name), query_session (fields only).
struct TableRow {
    std::optional<std::uint64_t> size_bytes;
    std::string size_raw;
    std::optional<std::uint64_t> stored_size_bytes;
    std::string stored_size_raw;
    std::string date;       ///< ISO 8601, empty if unparsable (see date_raw)
    std::string date_raw;
    std::string mgmt_class;
    std::optional<bool> active;  ///< A → true, I → false
    std::string name;
    std::string fs_type;
    std::optional<int> index;
    std::string expires;    ///< `never` or an ISO date (query_archive)
    std::string description;
    /// -detail lines and dotted `Key....: value` lines, snake_case key → value
    /// (dates converted to ISO 8601, quotes removed).
    std::vector<std::pair<std::string, std::string>> fields;
    int line = 0;
};

/// A query table: `kind` is query_backup, query_archive, query_image, query_filespace or
/// query_session.
struct Table {
    std::string kind;
    std::vector<TableRow> rows;
    int line = 0;  ///< 1-based line of the header
};

/// Everything recognised in one dsmc output.
struct Report {
    std::vector<Session> sessions;
    std::vector<Message> messages;
    std::vector<Summary> summaries;
    std::vector<Table> tables;
    std::optional<int> return_code;            ///< the last `Return code = N` printed
    std::optional<Severity> highest_severity;  ///< over all messages
    std::string verdict;                       ///< "success" | "warning" | "error" (generic)
    std::size_t lines = 0;                     ///< lines read
};

/// Parses dsmc output (interactive, dsmsched.log, dsmerror.log, server actlog lines, CRLF or
/// LF, any encoding). Never throws (except std::bad_alloc), never hangs, linear in the input.
Report parse_output(std::string_view text);

/// Reads and parses a saved output: a file path, or `-` for standard input. Throws
/// Error(not_found) if the file does not exist, Error(usage) for a directory and
/// Error(failed) for any other read error, each naming the path.
Report parse_file(std::string_view path);

/// The generic verdict: "error" for rc 12 (or any rc other than 0/4/8) or an E/S message,
/// "warning" for rc 4/8 or a W message, else "success".
std::string generic_verdict(std::optional<int> return_code, std::optional<Severity> highest);

/// The `bkctl parse` JSON document of bkctl(1) (sessions, messages, summaries, tables,
/// return_code, highest_severity, verdict).
Json to_json(const Report& r);
Json to_json(const Session& s);
Json to_json(const Message& m);
Json to_json(const Summary& s);
Json to_json(const Table& t);
/// One row of table `t` as it appears in `t`'s `rows`.
Json to_json(const Table& t, const TableRow& row);

/// A readable digest of a report for `--output table`: verdict and return code, one line
/// per session and message, summaries with human units, one line per table row.
Json to_table_view(const Report& r);

/// `info`, `warning`, `error`, `severe`.
std::string_view to_string(Severity s) noexcept;

/// The severity of an id's letter (I W E S, case-insensitive); nullopt otherwise.
std::optional<Severity> severity_from_letter(char c) noexcept;

}  // namespace opskit::dsmc
