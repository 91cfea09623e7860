// The simulator's "server": a folder ($BKCTL_SIM_DIR) holding an index of stored objects
// (index.json) and their bytes (blobs/N), so a backup really keeps the device's bytes and a
// restore really writes them back. Also the call log (calls.log, one JSON line per call)
// that tests read to check the argv bkctl built.
#pragma once

#include <cstdint>
#include <ctime>
#include <filesystem>
#include <string>
#include <vector>

namespace sim {

struct Object {
    std::string name;       ///< the path dsmc was given (the per-backup link)
    std::string kind;       ///< image or file
    std::string fs_type;    ///< from the data (EXT4, XFS, FAT, RAW)
    std::time_t date = 0;
    std::uint64_t size = 0;
    bool active = true;
    int blob = 0;
};

class Store {
public:
    explicit Store(std::filesystem::path dir);
    std::vector<Object>& objects() { return m_objects; }
    void save() const;
    std::filesystem::path blob_path(int blob) const;
    int next_blob();
    const std::filesystem::path& dir() const { return m_dir; }

private:
    std::filesystem::path m_dir;
    std::vector<Object> m_objects;
    int m_next = 1;
};

}  // namespace sim
