// Config: schema-checked files, precedence flag > env > user > system > default, origins,
// and errors that name file, key and line.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>

#include "opskit/core/config.hpp"
#include "opskit/core/error.hpp"
#include "temp_dir.hpp"

using namespace opskit;
namespace fs = std::filesystem;

namespace {
struct Files {
    opskit_test::TempDir tmp{"opskit-cfg"};
    const fs::path& dir = tmp.path;
    fs::path write(const std::string& name, const std::string& text) const {
        std::ofstream(dir / name) << text;
        return dir / name;
    }
};

ConfigSources sources_for(const Files& f, std::map<std::string, std::string> env = {}) {
    ConfigSources s;
    s.tool = "vmctl";
    s.system_file = f.dir / "system.yaml";
    s.user_file = f.dir / "user.yaml";
    s.getenv = [env = std::move(env)](const char* name) -> const char* {
        static std::string value;
        const auto it = env.find(name);
        if (it == env.end()) return nullptr;
        value = it->second;
        return value.c_str();
    };
    return s;
}

std::string message_of(const ConfigSources& s) {
    try {
        load_config(s);
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::usage);
        return e.what();
    }
    FAIL("no error");
    return {};
}
}  // namespace

TEST_CASE("defaults apply and say so", "[core][config]") {
    Files f;
    const auto cfg = load_config(sources_for(f));
    CHECK(cfg.get_string("common.output") == "table");
    CHECK(cfg.get_bool("common.syslog"));
    CHECK(cfg.at("common.output").origin == "default");
    CHECK_FALSE(cfg.is_set("common.audit_file"));
    CHECK(cfg.files().empty());
}

TEST_CASE("precedence is flag > env > user file > system file > default", "[core][config]") {
    Files f;
    f.write("system.yaml", "vmctl:\n  stop_timeout: 1m\n  parallel: 2\ncommon:\n  syslog: false\n");
    f.write("user.yaml", "vmctl:\n  stop_timeout: 2m\n");
    auto s = sources_for(f, {{"VMCTL_STOP_TIMEOUT", "3m"}, {"VMCTL_SYSLOG", "yes"}});
    auto cfg = load_config(s);
    CHECK(cfg.get_duration("vmctl.stop_timeout") == std::chrono::minutes(3));
    CHECK(cfg.at("vmctl.stop_timeout").origin == "env VMCTL_STOP_TIMEOUT");
    CHECK(cfg.get_int("vmctl.parallel") == 2);
    CHECK(cfg.at("vmctl.parallel").origin == "file " + (f.dir / "system.yaml").string() + ":3");
    CHECK(cfg.get_bool("common.syslog"));  // env (common key, tool prefix) beats the file
    CHECK(cfg.files().size() == 2);

    s.flags["vmctl.stop_timeout"] = {"--timeout", "4m"};
    cfg = load_config(s);
    CHECK(cfg.get_duration("vmctl.stop_timeout") == std::chrono::minutes(4));
    CHECK(cfg.at("vmctl.stop_timeout").origin == "flag --timeout");

    s.getenv = [](const char*) -> const char* { return nullptr; };
    s.flags.clear();
    cfg = load_config(s);
    CHECK(cfg.get_duration("vmctl.stop_timeout") == std::chrono::minutes(2));
}

TEST_CASE("a --config file replaces both files", "[core][config]") {
    Files f;
    f.write("user.yaml", "vmctl:\n  parallel: 9\n");
    auto s = sources_for(f);
    s.explicit_file = f.write("only.yaml", "vmctl:\n  parallel: 3\n");
    const auto cfg = load_config(s);
    CHECK(cfg.get_int("vmctl.parallel") == 3);
    s.explicit_file = f.dir / "missing.yaml";
    try {
        load_config(s);
        FAIL("missing --config accepted");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::not_found);
    }
}

TEST_CASE("unknown sections and keys name file, key and line", "[core][config]") {
    Files f;
    f.write("user.yaml", "common:\n  syslog: true\nvmctl:\n  conect: x\n");
    auto msg = message_of(sources_for(f));
    CHECK(msg.find("user.yaml:4") != std::string::npos);
    CHECK(msg.find("vmctl.conect") != std::string::npos);

    f.write("user.yaml", "vmctl: {}\nbkctll:\n  dsmc: x\n");
    msg = message_of(sources_for(f));
    CHECK(msg.find("user.yaml:2") != std::string::npos);
    CHECK(msg.find("bkctll") != std::string::npos);
}

// Found by fuzz_config: a YAML key that is a sequence or a mapping (`? [a]`) escaped as a
// yaml-cpp exception (std::terminate in the fuzzer, exit 10 in the tools) instead of a usage
// error naming the file and line.
TEST_CASE("a key that is not a plain name is a usage error naming the line", "[core][config]") {
    Files f;
    f.write("user.yaml", "vmctl:\n  hosts:\n    ? [a, b]\n    : test:///default\n");
    auto msg = message_of(sources_for(f));
    CHECK(msg.find("user.yaml:3") != std::string::npos);
    CHECK(msg.find("plain name") != std::string::npos);
    f.write("user.yaml", "? {common: 1}\n: x\n");
    CHECK(message_of(sources_for(f)).find("user.yaml:1") != std::string::npos);
}

TEST_CASE("other tools' sections are validated too", "[core][config]") {
    Files f;
    f.write("system.yaml", "crctl:\n  no_such_key: 1\n");
    CHECK(message_of(sources_for(f)).find("crctl.no_such_key") != std::string::npos);
}

TEST_CASE("wrong types name file, key, line and the expected type", "[core][config]") {
    Files f;
    const std::pair<const char*, const char*> cases[] = {
        {"common:\n  syslog: maybe\n", "true or false"},
        {"vmctl:\n  parallel: many\n", "an integer"},
        {"vmctl:\n  stop_timeout: soon\n", "a duration"},
        {"vmctl:\n  connect: {a: b}\n", "a string or a list of strings"},
        {"bkctl:\n  dsmc_options: -x\n", "a list of strings"},
    };
    for (const auto& [yaml, expected] : cases) {
        f.write("user.yaml", yaml);
        const auto msg = message_of(sources_for(f));
        CHECK(msg.find("user.yaml:2") != std::string::npos);
        CHECK(msg.find(expected) != std::string::npos);
    }
}

TEST_CASE("YAML syntax errors name the file and line", "[core][config]") {
    Files f;
    f.write("user.yaml", "vmctl:\n  connect: [unclosed\n");
    CHECK(message_of(sources_for(f)).find("user.yaml:") != std::string::npos);
}

TEST_CASE("bad env values name the variable", "[core][config]") {
    Files f;
    const auto msg = message_of(sources_for(f, {{"VMCTL_PARALLEL", "lots"}}));
    CHECK(msg.find("VMCTL_PARALLEL=lots") != std::string::npos);
}

TEST_CASE("env names belong to the running tool and common", "[core][config]") {
    const ConfigKey store{"crctl", "store", ValueType::string, nullptr, ""};
    const ConfigKey syslog{"common", "syslog", ValueType::boolean, true, ""};
    CHECK(env_name_for("crctl", store) == "CRCTL_STORE");
    CHECK(env_name_for("vmctl", store).empty());
    CHECK(env_name_for("bkctl", syslog) == "BKCTL_SYSLOG");
}

TEST_CASE("to_json shows common and the tool's own section, with origins on request", "[core][config]") {
    Files f;
    const auto cfg = load_config(sources_for(f));
    const auto plain = cfg.to_json(false);
    CHECK(plain.contains("common"));
    CHECK(plain.contains("vmctl"));
    CHECK_FALSE(plain.contains("crctl"));
    CHECK(plain["vmctl"]["stop_timeout"] == 120);
    const auto with = cfg.to_json(true);
    CHECK(with["vmctl"]["stop_timeout"]["origin"] == "default");
}

TEST_CASE("list values come from YAML sequences or comma-separated env", "[core][config]") {
    Files f;
    f.write("user.yaml", "bkctl:\n  dsmc_options: [-servername=a, -virtualnode=b]\n");
    auto s = sources_for(f);
    s.tool = "bkctl";
    auto cfg = load_config(s);
    CHECK(cfg.get_list("bkctl.dsmc_options") == std::vector<std::string>{"-servername=a", "-virtualnode=b"});
    s.getenv = [](const char* n) -> const char* {
        return std::string(n) == "BKCTL_DSMC_OPTIONS" ? "-x=1,-y=2" : nullptr;
    };
    cfg = load_config(s);
    CHECK(cfg.get_list("bkctl.dsmc_options") == std::vector<std::string>{"-x=1", "-y=2"});
}

TEST_CASE("repeated strings: a YAML scalar or list, one env value unsplit, one item per flag", "[core][config]") {
    Files f;
    f.write("user.yaml", "vmctl:\n  connect: test:///default\n");
    auto cfg = load_config(sources_for(f));
    CHECK(cfg.get_list("vmctl.connect") == std::vector<std::string>{"test:///default"});
    f.write("user.yaml", "vmctl:\n  connect: [a=test:///default, qemu:///system]\n");
    cfg = load_config(sources_for(f));
    CHECK(cfg.get_list("vmctl.connect").size() == 2);
    cfg = load_config(sources_for(f, {{"VMCTL_CONNECT", "test:///a,b"}}));
    CHECK(cfg.get_list("vmctl.connect") == std::vector<std::string>{"test:///a,b"});
    auto src = sources_for(f);
    src.repeated_flags["vmctl.connect"] = {"--connect", {"x=test:///default", "y=test:///default"}};
    cfg = load_config(src);
    CHECK(cfg.get_list("vmctl.connect") == std::vector<std::string>{"x=test:///default", "y=test:///default"});
    CHECK(cfg.at("vmctl.connect").origin == "flag --connect");
    src.repeated_flags.clear();
    src.repeated_flags["vmctl.parallel"] = {"--parallel", {"1", "2"}};
    CHECK_THROWS_AS(load_config(src), Error);
}

TEST_CASE("layers: which of two keys was set higher up", "[core][config]") {
    Files f;
    f.write("system.yaml", "vmctl:\n  hosts:\n    a: test:///default\n");
    f.write("user.yaml", "vmctl:\n  connect: qemu:///system\n");
    auto cfg = load_config(sources_for(f));
    CHECK(cfg.at("vmctl.hosts").layer == ConfigLayer::system_file);
    CHECK(cfg.at("vmctl.connect").layer == ConfigLayer::user_file);
    CHECK(cfg.overrides("vmctl.connect", "vmctl.hosts"));
    CHECK_FALSE(cfg.overrides("vmctl.hosts", "vmctl.connect"));
    cfg = load_config(sources_for(f, {{"VMCTL_HOSTS", "b=test:///default"}}));
    CHECK(cfg.at("vmctl.hosts").layer == ConfigLayer::env);
    CHECK(cfg.overrides("vmctl.hosts", "vmctl.connect"));
    CHECK(cfg.at("vmctl.parallel").layer == ConfigLayer::builtin);
    auto src = sources_for(f);
    src.flags["vmctl.parallel"] = {"--parallel", "3"};
    CHECK(load_config(src).at("vmctl.parallel").layer == ConfigLayer::flag);
}
