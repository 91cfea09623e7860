// Private: records ↔ rows. One place knows the column lists, so every query that loads a
// request, a container or a collection reads the same columns in the same order.
#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "opskit/cr/lifecycle/model.hpp"
#include "opskit/cr/store/store.hpp"

namespace opskit::cr::detail {

/// `SELECT <request_columns> FROM container_requests …` yields rows for read_request.
extern const std::string request_columns;
extern const std::string container_columns;
extern const std::string collection_columns;

/// The condition that a container's reuse hash is ?1, spelled to use the reuse index (schema
/// step 4: the hash's first 16 digits). The unary + keeps SQLite from substituting ?1 for
/// reuse_hash in the indexed expression (constant propagation), which would leave it
/// nothing to look up and scan the table instead.
inline constexpr std::string_view reuse_hash_matches = "substr(reuse_hash, 1, 16) = substr(?1, 1, 16) AND +reuse_hash = ?1";

/// `SELECT <columns> FROM <table> WHERE …<tail>` with only the conditions whose flag is set.
/// A catch-all "(?1 IS NULL OR state = ?1)" would keep the planner from every index (the
/// queue listing sorted the whole table for ten rows); numbered parameters in the conditions
/// keep the binds the same whichever are left out.
std::string select_where(const std::string& columns, std::string_view table,
                         std::initializer_list<std::pair<bool, std::string_view>> conditions, std::string_view tail);

ContainerRequest read_request(const Stmt& row);
/// `with_work` false leaves command, environment, mounts and runtime_constraints unparsed
/// (default values), for callers that only rank or identify containers.
Container read_container(const Stmt& row, bool with_work = true);
Collection read_collection(const Stmt& row);

/// Which row a save writes. `fresh`: one whose uuid was made in this transaction, written by
/// a plain INSERT. An upsert may update a row, and SQLite wraps such a statement in a
/// statement journal so a failed constraint can undo it alone: a tenth of the instructions of
/// creating a request in a batch. A fresh row that already exists fails (UNIQUE).
enum class Row { any, fresh };

/// The canonical JSON text of a record's work columns, for a save whose caller has it already:
/// a new request's command, environment and mounts are also its container's and part of its
/// reuse key, and dumping each once instead of three times is ~6k instructions a request.
/// An empty text is not given (canonical JSON never is): the save dumps the record's value.
struct WorkTexts {
    std::string command, environment, mounts, runtime_constraints;
};

/// Insert or overwrite the whole row (modified_at as given). `texts`, when given, must be
/// canonical_json of the record's values.
void save_request(Tx& tx, const ContainerRequest& request, Row row = Row::any, const WorkTexts* texts = nullptr);
void save_container(Tx& tx, const Container& container, Row row = Row::any, const WorkTexts* texts = nullptr);
void save_collection(Tx& tx, const Collection& collection);

std::optional<ContainerRequest> load_request(Tx& tx, std::string_view uuid);
std::optional<Container> load_container(Tx& tx, std::string_view uuid);

}  // namespace opskit::cr::detail
