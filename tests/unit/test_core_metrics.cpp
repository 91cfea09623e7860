// The metrics textfile writer: exposition format, escaping, file names, the atomic write
// (no partial file ever visible under a *.prom name), and the figures taken from results.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "opskit/core/error.hpp"
#include "opskit/core/metrics.hpp"
#include "temp_dir.hpp"

using namespace opskit;
namespace fs = std::filesystem;

namespace {
std::string slurp(const fs::path& p) {
    std::ifstream in(p);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}
}  // namespace

TEST_CASE("metrics text format has HELP, TYPE and sorted escaped labels", "[metrics]") {
    metrics::TextFile f;
    f.add("opskit_x_seconds", metrics::Type::gauge, "a help\nwith \\ newline", 1.5, {{"b", "2"}, {"a", "q\"u\\o\nte"}});
    f.add("opskit_x_seconds", metrics::Type::gauge, "ignored", 3, {{"a", "y"}});
    f.add("opskit_y_total", metrics::Type::counter, "count", 7);
    CHECK(f.render() ==
          "# HELP opskit_x_seconds a help\\nwith \\\\ newline\n"
          "# TYPE opskit_x_seconds gauge\n"
          "opskit_x_seconds{a=\"q\\\"u\\\\o\\nte\",b=\"2\"} 1.5\n"
          "opskit_x_seconds{a=\"y\"} 3\n"
          "# HELP opskit_y_total count\n"
          "# TYPE opskit_y_total counter\n"
          "opskit_y_total 7\n");
}

TEST_CASE("metrics file names are per tool, verb and sanitized id", "[metrics]") {
    CHECK(metrics::file_name("bkctl", "backup", "db-1.daily") == "opskit_bkctl_backup_db-1.daily.prom");
    CHECK(metrics::file_name("bkctl", "backup", "../x y") == "opskit_bkctl_backup_.._x_y.prom");
    CHECK(metrics::file_name("crctl", "gc") == "opskit_crctl_gc.prom");
}

TEST_CASE("metrics run file carries timestamp, duration, exit code and figures", "[metrics]") {
    Json v = {{"report", {{"summaries", Json::array({{{"objects_backed_up", 1}, {"objects_failed", 2},
                                                      {"bytes_transferred", 4096}}})}}}};
    metrics::Run run{"bkctl", "backup", "web", 1700000000.25, 12.5, 1, &v};
    const auto text = metrics::run_metrics(run).render();
    CHECK_THAT(text, Catch::Contains("opskit_last_run_exit_code{id=\"web\",tool=\"bkctl\",verb=\"backup\"} 1\n"));
    CHECK_THAT(text, Catch::Contains("opskit_last_run_duration_seconds{id=\"web\",tool=\"bkctl\",verb=\"backup\"} 12.5\n"));
    CHECK_THAT(text, Catch::Contains("opskit_last_run_timestamp_seconds{id=\"web\",tool=\"bkctl\",verb=\"backup\"} 1700000000.25\n"));
    CHECK_THAT(text, Catch::Contains("opskit_backup_last_run_failed_objects{id=\"web\",tool=\"bkctl\",verb=\"backup\"} 2\n"));
    CHECK_THAT(text, Catch::Contains("opskit_backup_last_run_bytes{id=\"web\",kind=\"transferred\",tool=\"bkctl\",verb=\"backup\"} 4096\n"));

    Json vms = Json::array({{{"changed", true}, {"dry_run", false}, {"error", nullptr}, {"to_state", "Expunged"}},
                            {{"changed", false}, {"dry_run", false}, {"error", {{"kind", "busy"}}}}});
    metrics::Run ex{"vmctl", "expunge", "", 1, 1, 6, &vms};
    const auto t2 = metrics::run_metrics(ex).render();
    CHECK_THAT(t2, Catch::Contains("opskit_vm_last_run_vms{result=\"failed\",tool=\"vmctl\",verb=\"expunge\"} 1\n"));
    CHECK_THAT(t2, Catch::Contains("opskit_vm_last_run_vms{result=\"changed\",tool=\"vmctl\",verb=\"expunge\"} 1\n"));
    CHECK_THAT(t2, Catch::Contains("opskit_vm_last_run_expunged{tool=\"vmctl\",verb=\"expunge\"} 1\n"));
    CHECK(metrics::verb_writes_metrics("crctl", "dispatch"));
    CHECK_FALSE(metrics::verb_writes_metrics("crctl", "run"));
}

TEST_CASE("metrics files are replaced atomically, 0644, never seen half written", "[metrics]") {
    opskit_test::TempDir dir;
    const std::string small = "# HELP a b\n# TYPE a gauge\na 1\n";
    const std::string big(1 << 20, '#');
    metrics::write_textfile(dir.path, "opskit_t.prom", small);
    struct stat st {};
    REQUIRE(::stat((dir.path / "opskit_t.prom").c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0644);
    std::atomic<bool> stop{false};
    std::atomic<int> bad{0};
    std::thread reader([&] {
        while (!stop) {
            const auto s = slurp(dir.path / "opskit_t.prom");
            if (s != small && s != big) ++bad;
        }
    });
    for (int i = 0; i < 20; ++i) {
        metrics::write_textfile(dir.path, "opskit_t.prom", i % 2 ? small : big);
    }
    stop = true;
    reader.join();
    CHECK(bad == 0);
    int entries = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir.path)) ++entries;
    CHECK(entries == 1);  // no temp file left behind
    CHECK_THROWS_AS(metrics::write_textfile(dir.path / "missing", "x.prom", small), Error);
}
