// What the crctl verbs share on the CLI side: opening the configured store, the UUID
// completers, the `request create` flags (also usable by `crctl run`), --dry-run through a
// rolled-back transaction, and one audit line per outcome of a mutating verb.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "common/cli.hpp"
#include "opskit/core/audit.hpp"
#include "opskit/cr/lifecycle/model.hpp"
#include "opskit/cr/lifecycle/spec.hpp"
#include "opskit/cr/store/store.hpp"

namespace opskit::crctl {

/// Opens (creating when missing) the store named by crctl.store and friends.
cr::Store open_store(const cli::Context& ctx);

/// Opens the store only if its file exists (read verbs must not create one).
std::optional<cr::Store> open_existing_store(const cli::Context& ctx);

/// Adds `--store` bound to crctl.store.
void add_store_option(CLI::App* cmd, cli::Context& ctx);

/// Completers of request and container UUIDs from the store (nothing when it is missing).
cli::Completer request_uuid_completer(const cli::Context& ctx);
cli::Completer container_uuid_completer(const cli::Context& ctx);

/// Storage for the request-building flags of `request create` (and `run`).
struct RequestFlags {
    std::string file;
    cr::FlagSpec flags;
    std::string image, cwd, output_path, vcpus, ram, name, description, output_name, output_ttl, partitions,
        max_run_time;
    std::optional<std::int64_t> priority, container_count_max;
};

/// Adds --file, --image, --cwd, --env, --mount, --output-path, --vcpus, --ram, --priority,
/// --name, --description, --container-count-max, --no-use-existing, --output-name,
/// --output-ttl, --partitions, --max-run-time and the positional command.
void add_request_flags(CLI::App* cmd, RequestFlags& flags);

/// The spec they describe (file overlaid with flags, or flag defaults). A non-null `base`
/// (e.g. converted from a swarm service spec) stands in for --file.
Json spec_from_flags(const RequestFlags& flags, const cli::Context& ctx, const Json& base = Json());

/// Runs `fn` in one write transaction and returns its JSON; with `dry_run` the transaction
/// is rolled back after computing the same result.
Json mutate(cr::Store& store, bool dry_run, const std::function<Json(cr::Tx&)>& fn);

/// Runs `fn` and records `operation object outcome` (ok, or the error kind) in the audit log.
Json audited(std::string_view operation, const std::string& object, bool dry_run, const std::function<Json()>& fn);

}  // namespace opskit::crctl
