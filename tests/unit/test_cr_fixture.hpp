// Shared fixture of the crctl unit tests: a fresh store in a private temp folder and the
// seed-001 "minimal request" (create_minimal_req!), so each test reads like the story it
// replays.
#pragma once

#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <regex>
#include <set>
#include <string>

#include "opskit/core/error.hpp"
#include "opskit/core/time.hpp"
#include "opskit/cr/lifecycle/containers.hpp"
#include "opskit/cr/lifecycle/model.hpp"
#include "opskit/cr/collections/outputs.hpp"
#include "opskit/cr/lifecycle/requests.hpp"
#include "opskit/cr/store/store.hpp"
#include "temp_dir.hpp"

namespace crtest {

using namespace opskit;
using namespace opskit::cr;
namespace fs = std::filesystem;

inline constexpr const char* output_pdh = "1f4b0bc7583c2a7f9102c395f4ffc5e3+45";
inline constexpr const char* log_pdh = "fa7aeb5140e2848d39b416daeef4ffc5+45";
inline constexpr const char* holder = "test-dispatcher";


inline StoreOptions options_for(const fs::path& dir) {
    StoreOptions o;
    o.path = dir / "state" / "crctl.db";
    o.busy_timeout_ms = 10000;
    return o;
}

/// The seed's create_minimal_req! defaults, overlaid with `attrs`.
inline Json minimal(const Json& attrs = Json::object()) {
    Json spec{{"command", {"echo", "foo"}},
              {"container_image", "arvados/apitestfixture:latest"},
              {"cwd", "/tmp"},
              {"mounts", {{"/out", {{"kind", "tmp"}, {"capacity", 1000000}}}}},
              {"output_path", "/out"},
              {"runtime_constraints", {{"vcpus", 1}, {"ram", 2}}}};
    for (const auto& [key, value] : attrs.items()) spec[key] = value;
    return spec;
}

struct Fixture {
    opskit_test::TempDir tmp{"crctl-test"};
    fs::path dir = tmp.path;
    Store store;

    explicit Fixture(StoreOptions options = {}) : store(open_with(dir, std::move(options))) {}

    static Store open_with(const fs::path& dir, StoreOptions options) {
        if (options.path.empty()) options.path = options_for(dir).path;
        options.busy_timeout_ms = 10000;
        return Store::open(std::move(options));
    }

    ContainerRequest create(const Json& attrs = Json::object(), const Caller& caller = {}) {
        return store.write([&](Tx& tx) { return create_request(tx, minimal(attrs), caller); });
    }
    ContainerRequest update(const std::string& uuid, const Json& changes) {
        return store.write([&](Tx& tx) { return update_request(tx, uuid, changes); });
    }
    ContainerRequest req(const std::string& uuid) {
        return store.read([&](Tx& tx) { return get_request(tx, uuid); });
    }
    Container ctr(const std::string& uuid) {
        return store.read([&](Tx& tx) { return get_container(tx, uuid); });
    }
    Container ctr_of(const ContainerRequest& r) { return ctr(r.container_uuid.value()); }
    Container lock(const std::string& uuid) {
        return store.write([&](Tx& tx) { return lock_container(tx, uuid, holder); });
    }
    Container start(const std::string& uuid) {
        return store.write([&](Tx& tx) { return start_container(tx, uuid, holder); });
    }
    Container cancel(const std::string& uuid, const ContainerReport& report = {}) {
        return store.write([&](Tx& tx) { return cancel_container(tx, uuid, {}, report); });
    }
    Container complete(const std::string& uuid, std::int64_t exit_code = 0) {
        ContainerReport report;
        report.exit_code = exit_code;
        report.output = output_pdh;
        report.log = log_pdh;
        return store.write([&](Tx& tx) { return complete_container(tx, uuid, holder, report); });
    }
    /// The seed's run_container: Locked, Running, Complete exit 0 with output and log.
    Container run_container(const ContainerRequest& r) {
        lock(*r.container_uuid);
        start(*r.container_uuid);
        return complete(*r.container_uuid);
    }
};

/// Runs `fn` and returns the ErrorKind it threw (FAILs when it did not throw).
template <class F>
ErrorKind error_kind_of(F&& fn) {
    try {
        fn();
    } catch (const Error& e) {
        return e.kind();
    }
    FAIL("no error thrown");
    return ErrorKind::internal;
}

template <class F>
std::string error_text_of(F&& fn) {
    try {
        fn();
    } catch (const Error& e) {
        return e.what();
    }
    FAIL("no error thrown");
    return {};
}

inline std::int64_t top_level_priority(const ContainerRequest& r) { return r.priority * priority_weight - r.created_at; }

}  // namespace crtest
