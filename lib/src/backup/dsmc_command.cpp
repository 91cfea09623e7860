// dsmc argv construction and password handling (see dsmc_command.hpp).
#include "opskit/backup/dsmc_command.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "opskit/core/error.hpp"
#include "opskit/core/fs.hpp"
#include "opskit/core/redact.hpp"

namespace opskit::backup {
namespace {

// Formats forced on every run, so the parser sees ISO dates, 24 h times and `1,000.00` numbers.
const char* const k_formats[] = {"-dateformat=3", "-timeformat=1", "-numberformat=1"};

bool is_password_option(std::string_view arg) {
    const auto eq = arg.find('=');
    if (eq == std::string_view::npos || arg.size() < 2 || arg[0] != '-') return false;
    std::string name;
    for (char c : arg.substr(1, eq - 1)) name += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    // dsmc accepts any abbreviation of "password" down to "pa".
    return name.size() >= 2 && std::string_view("password").substr(0, name.size()) == name;
}

}  // namespace

std::string_view to_string(Operation op) noexcept {
    switch (op) {
        case Operation::backup: return "backup";
        case Operation::restore: return "restore";
        case Operation::remove: return "delete";
        case Operation::query: return "query";
    }
    return "?";
}

std::string_view to_string(Mode mode) noexcept { return mode == Mode::image ? "image" : "file"; }

Mode parse_mode(std::string_view text) {
    if (text == "image") return Mode::image;
    if (text == "file") return Mode::file;
    throw Error(ErrorKind::usage, "bad mode", text, "expected auto, image or file");
}

std::vector<std::string> dsmc_argv(Operation op, Mode mode, const std::string& path, const DsmcOptions& options) {
    std::vector<std::string> argv{options.program};
    const auto add = [&](std::initializer_list<const char*> words) {
        for (const char* w : words) argv.emplace_back(w);
    };
    const bool image = mode == Mode::image;
    switch (op) {
        case Operation::backup:
            if (image) add({"backup", "image"});
            else add({"selective"});
            argv.emplace_back("-quiet");
            argv.push_back(fmt::format("-compression={}", options.compression ? "yes" : "no"));
            break;
        case Operation::restore:
            if (image) add({"restore", "image", "-quiet", "-noprompt"});
            else add({"restore", "-quiet", "-noprompt", "-replace=yes"});
            break;
        case Operation::remove:
            add({"delete", "backup", "-quiet", "-noprompt"});
            argv.push_back(image ? "-objtype=image" : "-objtype=file");
            argv.emplace_back("-deltype=all");
            break;
        case Operation::query:
            if (image) add({"query", "image"});
            else add({"query", "backup"});
            break;
    }
    for (const char* f : k_formats) argv.emplace_back(f);
    for (const auto& e : options.extra) argv.push_back(e);
    if (options.password) argv.push_back("-password=" + *options.password);
    if (!path.empty()) argv.push_back(path);
    return argv;
}

std::vector<std::string> redact_argv(const std::vector<std::string>& argv) {
    std::vector<std::string> out;
    out.reserve(argv.size());
    for (const auto& a : argv) out.push_back(is_password_option(a) ? std::string("-password=***") : redact(a));
    return out;
}

std::optional<std::string> load_password(const std::optional<std::filesystem::path>& password_file) {
    std::string secret;
    if (password_file && !password_file->empty()) {
        const auto& file = *password_file;
        const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0) {
            const int e = errno;
            throw Error(e == ENOENT ? ErrorKind::not_found : ErrorKind::usage, "cannot read password file",
                        file.string(), std::strerror(e));
        }
        struct stat st{};
        if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
            ::close(fd);
            throw Error(ErrorKind::usage, "bad password file", file.string(), "not a regular file");
        }
        if ((st.st_mode & 077) != 0) {
            ::close(fd);
            throw Error(ErrorKind::usage, "password file is readable by others", file.string(),
                        fmt::format("mode {:04o}; expected 0600 or stricter (chmod 600)", st.st_mode & 07777));
        }
        char buf[4096];
        ssize_t n;
        while ((n = ::read(fd, buf, sizeof buf)) > 0) secret.append(buf, static_cast<std::size_t>(n));
        ::close(fd);
        while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) secret.pop_back();
        if (secret.empty()) throw Error(ErrorKind::usage, "empty password file", file.string(), "expected the password on the first line");
        if (secret.find('\n') != std::string::npos)
            throw Error(ErrorKind::usage, "bad password file", file.string(), "expected one line");
    } else if (const char* env = std::getenv("BKCTL_PASSWORD"); env && *env) {
        secret = env;
    } else {
        return std::nullopt;
    }
    add_secret(secret);
    return secret;
}

}  // namespace opskit::backup
