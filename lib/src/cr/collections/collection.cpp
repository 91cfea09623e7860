// Content-addressed collection storage: canonical manifests, portable data hashes, and the
// stored copies under <data>/collections. See collection.hpp for the model.
#include "opskit/cr/collections/collection.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <random>
#include <system_error>

#include "cr/collections/digest.hpp"
#include "opskit/core/error.hpp"
#include "opskit/core/fs.hpp"
#include "opskit/cr/lifecycle/canonical.hpp"

namespace fs = std::filesystem;

namespace opskit::cr {

namespace {

std::string escape_path(std::string_view path) {
    std::string out;
    for (char ch : path) {
        if (ch == ' ') out += "\\040";
        else if (ch == '\\') out += "\\\\";
        else if (ch == '\n') out += "\\n";
        else out += ch;
    }
    return out;
}

std::string unescape_path(std::string_view text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '\\' || i + 1 >= text.size()) {
            out += text[i];
        } else if (text.substr(i, 4) == "\\040") {
            out += ' ';
            i += 3;
        } else if (text[i + 1] == 'n') {
            out += '\n';
            ++i;
        } else {
            out += text[i + 1];
            ++i;
        }
    }
    return out;
}

std::string random_suffix() {
    static std::mt19937_64 rng{std::random_device{}()};
    return fmt::format("{:016x}", rng());
}

ManifestEntry entry_for(const fs::path& file, std::string rel) {
    auto digest = detail::sha256_file(file);
    return ManifestEntry{std::move(rel), digest.size, std::move(digest.sha256)};
}

}  // namespace

std::string Manifest::text() const {
    std::string out;
    for (const auto& f : files) out += fmt::format("{} {} {}\n", f.sha256, f.size, escape_path(f.path));
    return out;
}

std::string Manifest::portable_data_hash() const {
    const auto t = text();
    return fmt::format("{}+{}", detail::md5_hex(t), t.size());
}

std::uint64_t Manifest::total_size() const {
    std::uint64_t total = 0;
    for (const auto& f : files) total += f.size;
    return total;
}

Json Manifest::to_json() const {
    Json out = Json::array();
    for (const auto& f : files) out.push_back({{"path", f.path}, {"size", f.size}, {"sha256", f.sha256}});
    return out;
}

Manifest Manifest::parse(std::string_view text, std::string_view input) {
    Manifest m;
    std::size_t pos = 0;
    int line_no = 0;
    while (pos < text.size()) {
        auto end = text.find('\n', pos);
        if (end == std::string_view::npos) end = text.size();
        const auto line = text.substr(pos, end - pos);
        pos = end + 1;
        ++line_no;
        const auto s1 = line.find(' ');
        const auto s2 = s1 == std::string_view::npos ? s1 : line.find(' ', s1 + 1);
        if (s2 == std::string_view::npos)
            throw Error(ErrorKind::failed, "malformed manifest", fmt::format("{}:{}", input, line_no),
                        "expected `<sha256> <size> <path>`");
        ManifestEntry e;
        e.sha256 = std::string(line.substr(0, s1));
        e.size = std::stoull(std::string(line.substr(s1 + 1, s2 - s1 - 1)));
        e.path = unescape_path(line.substr(s2 + 1));
        m.files.push_back(std::move(e));
    }
    return m;
}

Manifest scan_manifest(const fs::path& dir) {
    Manifest m;
    std::error_code ec;
    const auto st = fs::symlink_status(dir, ec);
    if (ec || !fs::exists(st)) throw Error(ErrorKind::not_found, "cannot collect", dir.string(), "no such file or folder");
    if (fs::is_regular_file(st)) {
        m.files.push_back(entry_for(dir, dir.filename().string()));
        return m;
    }
    if (!fs::is_directory(st)) throw Error(ErrorKind::failed, "cannot collect", dir.string(), "not a folder or a regular file");
    for (auto it = fs::recursive_directory_iterator(dir, fs::directory_options::none, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        const auto s = it->symlink_status();
        if (!fs::is_regular_file(s)) continue;
        m.files.push_back(entry_for(it->path(), it->path().lexically_relative(dir).generic_string()));
    }
    if (ec) throw Error(ErrorKind::failed, "cannot collect", dir.string(), ec.message());
    std::sort(m.files.begin(), m.files.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
    return m;
}

bool is_portable_data_hash_text(std::string_view text) {
    if (text.size() < 34 || text[32] != '+') return false;
    for (std::size_t i = 0; i < 32; ++i)
        if (!std::isxdigit(static_cast<unsigned char>(text[i])) || std::isupper(static_cast<unsigned char>(text[i])))
            return false;
    for (std::size_t i = 33; i < text.size(); ++i)
        if (!std::isdigit(static_cast<unsigned char>(text[i]))) return false;
    return true;
}

CollectionStorage::CollectionStorage(fs::path data_dir) : m_root(std::move(data_dir) / "collections") {}

namespace {

/// Moves a fully built temporary folder into place as `<root>/<pdh>`; true when it already existed.
bool publish(const fs::path& tmp, const fs::path& final_dir) {
    std::error_code ec;
    fs::rename(tmp, final_dir, ec);
    if (!ec) return false;
    fs::remove_all(tmp, ec);
    if (fs::is_directory(final_dir)) return true;
    throw Error(ErrorKind::failed, "cannot store collection", final_dir.string(), "rename failed");
}

void touch(const fs::path& dir) {
    std::error_code ec;
    fs::last_write_time(dir, fs::file_time_type::clock::now(), ec);
}

}  // namespace

CollectionStorage::Stored CollectionStorage::store(const fs::path& source) {
    Stored out;
    out.manifest = scan_manifest(source);
    out.pdh = out.manifest.portable_data_hash();
    const fs::path final_dir = m_root / out.pdh;
    if (fs::is_directory(final_dir)) {
        touch(final_dir);
        out.existed = true;
        return out;
    }
    make_private_dir(m_root);
    const fs::path tmp = m_root / (".tmp-" + random_suffix());
    try {
        fs::create_directories(tmp / "content");
        const bool single = fs::is_regular_file(fs::symlink_status(source));
        for (const auto& f : out.manifest.files) {
            const fs::path from = single ? source : source / f.path;
            const fs::path to = tmp / "content" / f.path;
            fs::create_directories(to.parent_path());
            fs::copy_file(from, to, fs::copy_options::overwrite_existing);
        }
        write_file_atomic(tmp / "manifest", out.manifest.text(), 0600);
        out.existed = publish(tmp, final_dir);
    } catch (const fs::filesystem_error& e) {
        std::error_code ec;
        fs::remove_all(tmp, ec);
        throw Error(ErrorKind::failed, "cannot store collection", source.string(), e.code().message());
    } catch (...) {
        std::error_code ec;
        fs::remove_all(tmp, ec);
        throw;
    }
    return out;
}

CollectionStorage::Stored CollectionStorage::store_files(const std::vector<std::pair<std::string, std::string>>& files) {
    make_private_dir(m_root);
    const fs::path staging = m_root / (".stage-" + random_suffix());
    try {
        fs::create_directories(staging);
        for (const auto& [rel, content] : files) {
            const fs::path to = staging / rel;
            fs::create_directories(to.parent_path());
            write_file_atomic(to, content, 0600);
        }
        auto out = store(staging);
        std::error_code ec;
        fs::remove_all(staging, ec);
        return out;
    } catch (...) {
        std::error_code ec;
        fs::remove_all(staging, ec);
        throw;
    }
}

bool CollectionStorage::contains(std::string_view pdh) const {
    return is_portable_data_hash_text(pdh) && fs::is_directory(m_root / std::string(pdh));
}

fs::path CollectionStorage::content_dir(std::string_view pdh) const {
    if (!contains(pdh)) throw Error(ErrorKind::not_found, "collection", pdh, "content not in the store's data folder");
    return m_root / std::string(pdh) / "content";
}

Manifest CollectionStorage::manifest(std::string_view pdh) const {
    if (!contains(pdh)) throw Error(ErrorKind::not_found, "collection", pdh, "content not in the store's data folder");
    const fs::path file = m_root / std::string(pdh) / "manifest";
    return Manifest::parse(read_file(file), file.string());
}

void CollectionStorage::copy_to(std::string_view pdh, const fs::path& dest) const {
    const auto m = manifest(pdh);
    const auto from = content_dir(pdh);
    std::vector<std::string> clashes;
    for (const auto& f : m.files)
        if (fs::exists(fs::symlink_status(dest / f.path))) clashes.push_back(f.path);
    if (!clashes.empty())
        throw Error(ErrorKind::conflict, "cannot copy collection", dest.string(),
                    fmt::format("{} file(s) already exist there, first: {}", clashes.size(), clashes.front()));
    try {
        for (const auto& f : m.files) {
            fs::create_directories((dest / f.path).parent_path());
            fs::copy_file(from / f.path, dest / f.path);
        }
    } catch (const fs::filesystem_error& e) {
        throw Error(ErrorKind::failed, "cannot copy collection", dest.string(), e.code().message());
    }
}

std::vector<std::string> CollectionStorage::list() const {
    std::vector<std::string> out;
    std::error_code ec;
    for (auto it = fs::directory_iterator(m_root, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
        auto name = it->path().filename().string();
        if (is_portable_data_hash_text(name)) out.push_back(std::move(name));
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::uint64_t CollectionStorage::remove(std::string_view pdh) {
    if (!contains(pdh)) return 0;
    std::uint64_t freed = 0;
    try {
        freed = manifest(pdh).total_size();
    } catch (const Error&) {
    }
    std::error_code ec;
    fs::remove_all(m_root / std::string(pdh), ec);
    if (ec) throw Error(ErrorKind::failed, "cannot remove collection", pdh, ec.message());
    return freed;
}

double CollectionStorage::age_seconds(std::string_view pdh) const {
    std::error_code ec;
    const auto t = fs::last_write_time(m_root / std::string(pdh), ec);
    if (ec) return 0;
    return std::chrono::duration<double>(fs::file_time_type::clock::now() - t).count();
}

}  // namespace opskit::cr
