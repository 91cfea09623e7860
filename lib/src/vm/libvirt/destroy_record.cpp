// Reading and writing vmctl's destroy record (see destroy_record.hpp).
#include "destroy_record.hpp"

#include <fmt/format.h>

#include "xml_doc.hpp"

namespace opskit::vm {

std::string record_to_xml(const DestroyRecord& record) {
    std::string out = fmt::format("<destroyed destroyed_at='{}' expunge_at='{}' delete_all_volumes='{}' expunging='{}'>",
                                  to_rfc3339(record.destroyed_at), to_rfc3339(record.expunge_at),
                                  record.delete_all_volumes ? "yes" : "no", record.expunging ? "yes" : "no");
    for (const auto& v : record.delete_volumes) out += fmt::format("<volume target='{}'/>", xml::escape(v));
    out += "</destroyed>";
    return out;
}

std::optional<DestroyRecord> record_from_xml(std::string_view doc) {
    const xml::Document parsed(doc);
    const auto el = parsed.first("destroyed");
    if (!el) return std::nullopt;
    DestroyRecord r;
    const auto at = el->attr("destroyed_at");
    const auto due = el->attr("expunge_at");
    if (!at || !due) return std::nullopt;
    const auto t_at = parse_rfc3339(*at);
    const auto t_due = parse_rfc3339(*due);
    if (!t_at || !t_due) return std::nullopt;
    r.destroyed_at = *t_at;
    r.expunge_at = *t_due;
    r.delete_all_volumes = el->attr("delete_all_volumes").value_or("no") == "yes";
    r.expunging = el->attr("expunging").value_or("no") == "yes";
    for (const auto& v : el->all("volume"))
        if (auto t = v.attr("target")) r.delete_volumes.push_back(*t);
    return r;
}

}  // namespace opskit::vm
