// Collection content: content-addressed folders in the store's data folder. A folder of
// files becomes a canonical manifest (sorted relative paths, sizes, SHA-256 of each file),
// and the manifest's portable data hash (`<md5 of manifest>+<manifest size>`, the Arvados
// form) names the stored copy — so equal content gets the same hash and is stored once.
// The records that give collections names and lifetimes live in outputs.hpp; this file
// owns the bytes, and `gc` (collection_gc) ties the two together.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "opskit/core/output.hpp"

namespace opskit::cr {

/// One file of a manifest.
struct ManifestEntry {
    std::string path;        ///< relative, `/`-separated, no `.` or `..` parts
    std::uint64_t size = 0;
    std::string sha256;      ///< hex digest of the content
};

/// A canonical manifest: entries sorted by path (byte order).
struct Manifest {
    std::vector<ManifestEntry> files;

    /// One line per file: `<sha256> <size> <escaped path>\n` (space, backslash and newline
    /// in paths escaped as \040, \\ and \n).
    std::string text() const;
    /// `<md5 hex of text()>+<size of text()>`.
    std::string portable_data_hash() const;
    std::uint64_t total_size() const;
    Json to_json() const;
    /// Parses text(); Error(failed) naming `input` on a malformed line.
    static Manifest parse(std::string_view text, std::string_view input);
};

/// Scans the regular files under `dir` (recursively; symlinks and special files are
/// skipped). A regular file instead of a folder gives a one-entry manifest of its name.
Manifest scan_manifest(const std::filesystem::path& dir);

/// True when `text` looks like a portable data hash (32 hex digits, `+`, a size).
bool is_portable_data_hash_text(std::string_view text);

/// The content store under `<data dir>/collections/<pdh>/` (`manifest` + `content/`).
class CollectionStorage {
public:
    explicit CollectionStorage(std::filesystem::path data_dir);

    /// Result of storing a folder.
    struct Stored {
        std::string pdh;
        Manifest manifest;
        bool existed = false;   ///< the same content was already stored (nothing copied)
    };

    /// Stores a copy of the files under `source` (a folder or a single file) and returns its
    /// hash. Same content as something stored → nothing copied. The copy appears atomically
    /// (built in a temporary folder, then renamed).
    Stored store(const std::filesystem::path& source);
    /// Stores a manifest built from in-memory files (path → content).
    Stored store_files(const std::vector<std::pair<std::string, std::string>>& files);

    bool contains(std::string_view pdh) const;
    /// The folder holding the files of `pdh`; Error(not_found) when it is not stored.
    std::filesystem::path content_dir(std::string_view pdh) const;
    /// The stored manifest of `pdh`; Error(not_found) when it is not stored.
    Manifest manifest(std::string_view pdh) const;
    /// Copies the files of `pdh` into `dest` (created if missing). Files that already exist
    /// there → Error(conflict) before anything is copied.
    void copy_to(std::string_view pdh, const std::filesystem::path& dest) const;
    /// Hashes of everything stored.
    std::vector<std::string> list() const;
    /// Removes a stored collection; returns the bytes freed (0 if it was not there).
    std::uint64_t remove(std::string_view pdh);
    /// Seconds since `pdh` was last stored or touched (stores touch on every hit).
    double age_seconds(std::string_view pdh) const;

    const std::filesystem::path& root() const { return m_root; }

private:
    std::filesystem::path m_root;
};

}  // namespace opskit::cr
