// The simulator's state folder (see store.hpp).
#include "store.hpp"

#include <nlohmann/json.hpp>

#include <fstream>

namespace sim {

Store::Store(std::filesystem::path dir) : m_dir(std::move(dir)) {
    std::filesystem::create_directories(m_dir / "blobs");
    std::ifstream in(m_dir / "index.json");
    if (!in) return;
    const auto j = nlohmann::json::parse(in, nullptr, false);
    if (!j.is_object()) return;
    m_next = j.value("next_blob", 1);
    for (const auto& o : j.value("objects", nlohmann::json::array()))
        m_objects.push_back({o.value("name", ""), o.value("kind", "image"), o.value("fs_type", "RAW"),
                             static_cast<std::time_t>(o.value("date", 0L)), o.value("size", std::uint64_t{0}),
                             o.value("active", true), o.value("blob", 0)});
}

void Store::save() const {
    nlohmann::json j = {{"next_blob", m_next}, {"objects", nlohmann::json::array()}};
    for (const auto& o : m_objects)
        j["objects"].push_back({{"name", o.name}, {"kind", o.kind}, {"fs_type", o.fs_type}, {"date", static_cast<long>(o.date)},
                                {"size", o.size}, {"active", o.active}, {"blob", o.blob}});
    const auto tmp = m_dir / "index.json.tmp";
    {
        std::ofstream out(tmp, std::ios::trunc);
        out << j.dump(1) << "\n";
    }
    std::filesystem::rename(tmp, m_dir / "index.json");
}

std::filesystem::path Store::blob_path(int blob) const { return m_dir / "blobs" / std::to_string(blob); }

int Store::next_blob() { return m_next++; }

}  // namespace sim
