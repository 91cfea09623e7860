// bkctl-dsmc-sim: a stand-in for IBM's `dsmc` with real state, for tests and the demo.
// It understands the commands bkctl runs (backup image, selective, restore [image], delete
// backup, query image, query backup), keeps what it stores in $BKCTL_SIM_DIR (the bytes too,
// so a restore really writes the backup back), prints banner, session header, messages and
// summaries in the formats of real captures, returns 0/4/8/12, and logs every argv it got.
// Control words in $BKCTL_SIM_DIR/next (one per line, consumed by the next call):
//   fail        next backup fails: ANS1228E + ANS1063E, rc 12 (as seed 000's simulator)
//   hang        print the banner, then hang (with a child in the same process group)
//   prompt      ask for a password on stdout and read stdin (closed stdin → ANS2050E, rc 12)
//   rc=N        exit with N after normal processing (4 or 8 for warnings)
//   quiet       with -quiet, print no summary (as IBM's performance guide says -quiet does)
//   echo-argv   print the argv received on stderr (to prove bkctl redacts child output)
// $BKCTL_SIM_DIR/password, when present, is the node password: calls without the matching
// -password= (or an abbreviation) fail with ANS1051I/ANS2050E, rc 12.
#include <fcntl.h>
#include <fnmatch.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "format.hpp"
#include "store.hpp"

namespace fs = std::filesystem;

namespace {

struct Call {
    std::vector<std::string> words;            // positional words: command, subcommand, paths
    std::vector<std::string> options;          // -name[=value]
    std::set<std::string> control;             // from the `next` file
    std::string password;                      // from -password= or an abbreviation
    bool has_password = false;
    bool quiet = false;
};

void out(const std::string& s) {
    std::fputs(s.c_str(), stdout);
    std::fflush(stdout);
}

// Messages go to stderr, as real dsmc writes some of them (sample 19: ANS1092E "is not part
// of the program's stdout"); bkctl merges both streams.
void msg(const std::string& s) {
    std::fflush(stdout);
    std::fputs(s.c_str(), stderr);
    std::fflush(stderr);
}

std::string option_value(const Call& c, const std::string& name) {
    for (const auto& o : c.options) {
        const auto eq = o.find('=');
        std::string key = o.substr(1, eq == std::string::npos ? std::string::npos : eq - 1);
        for (auto& ch : key) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        if (key == name) return eq == std::string::npos ? "yes" : o.substr(eq + 1);
    }
    return "";
}

std::string fs_type_of(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    char sb[2048] = {};
    in.read(sb, sizeof sb);
    const auto u32 = [&](int off) {
        return static_cast<unsigned>(static_cast<unsigned char>(sb[off])) |
               static_cast<unsigned>(static_cast<unsigned char>(sb[off + 1])) << 8 |
               static_cast<unsigned>(static_cast<unsigned char>(sb[off + 2])) << 16 |
               static_cast<unsigned>(static_cast<unsigned char>(sb[off + 3])) << 24;
    };
    if (static_cast<unsigned char>(sb[1080]) == 0x53 && static_cast<unsigned char>(sb[1081]) == 0xEF) {
        if (u32(1024 + 0x60) & 0x40) return "EXT4";
        return (u32(1024 + 0x5c) & 0x4) ? "EXT3" : "EXT2";
    }
    if (std::memcmp(sb, "XFSB", 4) == 0) return "XFS";
    if (std::memcmp(sb + 54, "FAT", 3) == 0 || std::memcmp(sb + 82, "FAT", 3) == 0) return "FAT";
    return "RAW";
}

// Copies all bytes from one fd to another; returns the count or -1.
long long copy_fd(int from, int to) {
    std::vector<char> buf(1 << 20);
    long long total = 0;
    for (;;) {
        const auto n = ::read(from, buf.data(), buf.size());
        if (n == 0) return total;
        if (n < 0) return -1;
        for (ssize_t off = 0; off < n;) {
            const auto w = ::write(to, buf.data() + off, static_cast<std::size_t>(n - off));
            if (w <= 0) return -1;
            off += w;
        }
        total += n;
    }
}

std::string transfer_summary_tail(std::uint64_t size, double secs) {
    std::string unit;
    std::string s;
    const auto b = sim::bytes(size, &unit);
    s += sim::line("Total number of bytes transferred:", b, " " + unit);
    s += sim::line("Data transfer time:", sim::decimal(secs), " sec");
    const double kbs = secs > 0 ? static_cast<double>(size) / 1024.0 / secs : 0.0;
    s += sim::line("Network data transfer rate:", sim::decimal(kbs), " KB/sec");
    s += sim::line("Aggregate data transfer rate:", sim::decimal(kbs), " KB/sec");
    return s;
}

std::string elapsed(double secs) {
    const auto s = static_cast<long>(secs + 0.999);
    char buf[32];
    std::snprintf(buf, sizeof buf, "%02ld:%02ld:%02ld", s / 3600, (s / 60) % 60, s % 60);
    return buf;
}

std::string backup_summary(std::uint64_t size, bool ok, double secs) {
    std::string s;
    std::string unit;
    s += sim::line("Total number of objects inspected:", "1");
    s += sim::line("Total number of objects backed up:", ok ? "1" : "0");
    for (const char* l : {"updated", "rebound", "deleted", "expired"}) s += sim::line(std::string("Total number of objects ") + l + ":", "0");
    s += sim::line("Total number of objects failed:", ok ? "0" : "1");
    s += sim::line("Total number of objects encrypted:", "0");
    s += sim::line("Total number of objects grew:", "0");
    s += sim::line("Total number of retries:", "0");
    const auto b = sim::bytes(size, &unit);
    s += sim::line("Total number of bytes inspected:", b, " " + unit);
    s += transfer_summary_tail(ok ? size : 0, secs);
    s += sim::line("Objects compressed by:", "0", "%");
    s += sim::line("Total data reduction ratio:", "0.00", "%");
    s += sim::line("Elapsed processing time:", elapsed(secs));
    return s;
}

std::string restore_summary(std::uint64_t size, bool ok, double secs) {
    std::string s;
    s += sim::line("Total number of objects restored:", ok ? "1" : "0");
    s += sim::line("Total number of objects failed:", ok ? "0" : "1");
    s += transfer_summary_tail(ok ? size : 0, secs);
    s += sim::line("Elapsed processing time:", elapsed(secs));
    return s;
}

bool summary_wanted(const Call& c) { return !(c.quiet && c.control.count("quiet")); }

int finish(const Call& c, int rc) {
    for (const auto& w : c.control)
        if (w.rfind("rc=", 0) == 0) return std::atoi(w.c_str() + 3);
    return rc;
}

int do_backup(sim::Store& store, const Call& c, const std::string& path, const std::string& kind) {
    const auto t0 = std::chrono::steady_clock::now();
    if (kind == "file") out("Selective Backup function invoked.\n\n");
    if (c.control.count("fail")) {
        msg("ANS1228E Sending of object '" + path + "' failed.\n");
        msg("ANS1063E The specified path is not a valid file system or logical volume name.\n");
        out("\n");
        if (summary_wanted(c)) out(backup_summary(0, false, 0.0));
        return 12;
    }
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        msg("ANS1063E The specified path is not a valid file system or logical volume name.\n");
        return 12;
    }
    const int blob = store.next_blob();
    const int bfd = ::open(store.blob_path(blob).c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    const auto size = bfd >= 0 ? copy_fd(fd, bfd) : -1;
    ::close(fd);
    if (bfd >= 0) ::close(bfd);
    if (size < 0) {
        msg("ANS1228E Sending of object '" + path + "' failed.\n");
        return 12;
    }
    for (auto& o : store.objects())
        if (o.name == path && o.kind == kind) o.active = false;
    store.objects().push_back({path, kind, fs_type_of(store.blob_path(blob)), std::time(nullptr),
                               static_cast<std::uint64_t>(size), true, blob});
    store.save();
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (kind == "file") {
        out("Normal File-->  " + sim::count(static_cast<std::uint64_t>(size)) + " " + path + " [Sent]\n");
        out("Selective Backup processing of '" + path + "' finished without failure.\n\n");
    }
    if (summary_wanted(c)) out(backup_summary(static_cast<std::uint64_t>(size), true, secs));
    return 0;
}

sim::Object* newest(sim::Store& store, const std::string& path, const std::string& kind) {
    sim::Object* best = nullptr;
    for (auto& o : store.objects())
        if (o.name == path && o.kind == kind && (!best || o.active || (!best->active && o.date >= best->date))) best = &o;
    return best;
}

int do_restore(sim::Store& store, const Call& c, const std::string& path, const std::string& kind) {
    const auto t0 = std::chrono::steady_clock::now();
    out("Restore function invoked.\n\n");
    auto* obj = newest(store, path, kind);
    if (!obj) {
        msg("ANS1345E No objects on the server match '" + path + "'\n");
        return 12;
    }
    struct stat st{};
    const bool is_reg = ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
    const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC | (is_reg ? O_TRUNC : 0));
    const int bfd = ::open(store.blob_path(obj->blob).c_str(), O_RDONLY | O_CLOEXEC);
    long long n = -1;
    if (fd >= 0 && bfd >= 0) n = copy_fd(bfd, fd);
    if (fd >= 0) {
        ::fsync(fd);
        ::close(fd);
    }
    if (bfd >= 0) ::close(bfd);
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (n < 0) {
        msg("ANS1063E The specified path is not a valid file system or logical volume name.\n");
        if (summary_wanted(c)) out("\n" + restore_summary(0, false, secs));
        return 12;
    }
    if (summary_wanted(c)) out(restore_summary(static_cast<std::uint64_t>(n), true, secs));
    return 0;
}

int do_delete(sim::Store& store, const Call& c, const std::string& path) {
    const auto type = option_value(c, "objtype");
    const std::string kind = type.empty() || type == "file" || type == "FILE" ? "file" : "image";
    std::uint64_t deleted = 0;
    auto& objs = store.objects();
    for (auto it = objs.begin(); it != objs.end();) {
        if (it->name == path && it->kind == kind) {
            std::error_code ec;
            fs::remove(store.blob_path(it->blob), ec);
            it = objs.erase(it);
            ++deleted;
        } else {
            ++it;
        }
    }
    if (deleted == 0) {
        msg("ANS1345E No objects on the server match '" + path + "'\n");
        return 12;
    }
    store.save();
    if (summary_wanted(c)) {
        out(sim::line("Total number of objects deleted:", sim::count(deleted)));
        out(sim::line("Total number of objects failed:", "0"));
    }
    return 0;
}

std::string pad_left(const std::string& s, std::size_t w) { return s.size() >= w ? s : std::string(w - s.size(), ' ') + s; }
std::string pad_right(const std::string& s, std::size_t w) { return s.size() >= w ? s : s + std::string(w - s.size(), ' '); }

int do_query(sim::Store& store, const std::string& what, const std::string& spec) {
    std::vector<const sim::Object*> rows;
    const std::string kind = what == "image" ? "image" : "file";
    for (const auto& o : store.objects())
        if (o.kind == kind && (spec.empty() || ::fnmatch(spec.c_str(), o.name.c_str(), 0) == 0)) rows.push_back(&o);
    if (rows.empty()) {
        msg("ANS1092W No files matching search criteria were found\n");
        return 8;
    }
    std::string unit;
    if (kind == "image") {
        // IBM documents the columns of query image: image size, stored size, file system
        // type, backup date and time, management class, active/inactive, image name.
        out("    Image Size  Stored Size  FSType  Backup Date          Mgmt Class A/I Image Name\n");
        out("    ----------  -----------  ------  -----------          ---------- --- ----------\n");
        for (const auto* o : rows) {
            const auto sz = sim::bytes(o->size, &unit) + " " + unit;
            out(pad_left(sz, 14) + " " + pad_left(sz, 12) + "  " + pad_right(o->fs_type, 6) + "  " + sim::date_time(o->date) +
                "  " + pad_right("DEFAULT", 10) + "  " + (o->active ? "A" : "I") + "  " + o->name + "\n");
        }
    } else {
        // The 6.x/8.x query backup layout of the captures (size in B, then date, class, A/I, file).
        out("             Size      Backup Date                Mgmt Class           A/I File\n");
        out("             ----      -----------                ----------           --- ----\n");
        for (const auto* o : rows)
            out(pad_left(sim::count(o->size) + "  B", 20) + "  " + sim::date_time(o->date) + "          " +
                pad_right("DEFAULT", 20) + " " + (o->active ? "A" : "I") + "  " + o->name + "\n");
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    const char* dir = std::getenv("BKCTL_SIM_DIR");
    if (!dir || !*dir) {
        std::fputs("bkctl-dsmc-sim: BKCTL_SIM_DIR is not set (the folder that holds the simulated server)\n", stderr);
        return 12;
    }
    sim::Store store(dir);
    Call c;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a.size() > 1 && a[0] == '-') {
            c.options.push_back(a);
            const auto eq = a.find('=');
            std::string key = a.substr(1, eq == std::string::npos ? std::string::npos : eq - 1);
            for (auto& ch : key) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
            if (eq != std::string::npos && key.size() >= 2 && std::string("password").compare(0, key.size(), key) == 0) {
                c.password = a.substr(eq + 1);
                c.has_password = true;
            }
            if (key == "quiet") c.quiet = true;
        } else {
            c.words.push_back(a);
        }
    }
    // Control words for this call, then forget them.
    {
        std::ifstream in(store.dir() / "next");
        for (std::string w; std::getline(in, w);)
            if (!w.empty()) c.control.insert(w);
        std::error_code ec;
        fs::remove(store.dir() / "next", ec);
    }
    {
        const char* lc = std::getenv("LC_ALL");
        nlohmann::json rec = {{"argv", std::vector<std::string>(argv, argv + argc)},
                              {"pid", ::getpid()},
                              {"pgid", ::getpgrp()},
                              {"lc_all", lc ? lc : ""},
                              {"stdin_is_tty", ::isatty(0) == 1},
                              {"bkctl_password_env", std::getenv("BKCTL_PASSWORD") != nullptr}};
        std::ofstream log(store.dir() / "calls.log", std::ios::app);
        log << rec.dump() << "\n";
    }
    if (c.control.count("echo-argv")) {
        std::string s = "bkctl-dsmc-sim: argv:";
        for (int i = 0; i < argc; ++i) s += std::string(" ") + argv[i];
        msg(s + "\n");
    }

    const std::time_t now = std::time(nullptr);
    if (!(c.quiet && c.control.count("quiet"))) out(sim::banner(now));
    if (c.control.count("prompt")) {
        out("Please enter password for user id \"BKCTL-SIM\": ");
        char line[256];
        if (std::fgets(line, sizeof line, stdin) == nullptr) {
            msg("\nANS2050E IBM Storage Protect needs to prompt for the password but cannot prompt because the process is running in the background.\n");
            return 12;
        }
    }
    if (fs::exists(store.dir() / "password")) {
        std::ifstream in(store.dir() / "password");
        std::string want;
        std::getline(in, want);
        if (!c.has_password || c.password != want) {
            msg("ANS1051I Invalid user id or password\n");
            msg("ANS2050E IBM Storage Protect needs to prompt for the password but cannot prompt because the process is running in the background.\n");
            return 12;
        }
    }
    if (c.control.count("hang")) {
        const pid_t child = ::fork();
        if (child == 0) {
            for (;;) ::pause();
        }
        nlohmann::json h = {{"pid", ::getpid()}, {"pgid", ::getpgrp()}, {"child", child}};
        std::ofstream(store.dir() / "hang.json") << h.dump() << "\n";
        for (;;) ::pause();
    }

    const auto& w = c.words;
    const auto word = [&](std::size_t i) { return i < w.size() ? w[i] : std::string(); };
    const std::string cmd = word(0);
    int rc = 12;
    if ((cmd == "backup" || cmd == "ba") && (word(1) == "image" || word(1) == "im") && w.size() == 3) {
        rc = do_backup(store, c, w[2], "image");
    } else if ((cmd == "selective" || cmd == "sel") && w.size() == 2) {
        rc = do_backup(store, c, w[1], "file");
    } else if ((cmd == "restore" || cmd == "rest") && (word(1) == "image" || word(1) == "im") && w.size() == 3) {
        rc = do_restore(store, c, w[2], "image");
    } else if ((cmd == "restore" || cmd == "rest") && w.size() >= 2 && w.size() <= 3) {
        rc = do_restore(store, c, w[1], "file");
    } else if ((cmd == "delete" || cmd == "del") && (word(1) == "backup" || word(1) == "ba") && w.size() == 3) {
        rc = do_delete(store, c, w[2]);
    } else if ((cmd == "query" || cmd == "q") && (word(1) == "image" || word(1) == "im") && w.size() <= 3) {
        rc = do_query(store, "image", word(2));
    } else if ((cmd == "query" || cmd == "q") && (word(1) == "backup" || word(1) == "ba") && w.size() <= 3) {
        rc = do_query(store, "backup", word(2));
    } else {
        std::string all;
        for (const auto& x : w) all += " " + x;
        std::fprintf(stderr, "bkctl-dsmc-sim: unsupported command:%s\n", all.c_str());
        return 12;
    }
    return finish(c, rc);
}
