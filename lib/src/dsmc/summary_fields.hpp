// The integer figures of a dsmc summary, in the order dsmc prints them, each with its JSON key.
// The JSON document and the table view both walk these lists, so a figure added here shows
// up in both with one name.
#pragma once

#include <cstdint>
#include <optional>

#include "opskit/dsmc/report.hpp"

namespace opskit::dsmc {

struct CountField {
    const char* key;
    std::optional<std::uint64_t> Summary::*member;
};

inline constexpr CountField object_count_fields[] = {
    {"objects_inspected", &Summary::objects_inspected},
    {"objects_backed_up", &Summary::objects_backed_up},
    {"objects_updated", &Summary::objects_updated},
    {"objects_rebound", &Summary::objects_rebound},
    {"objects_deleted", &Summary::objects_deleted},
    {"objects_expired", &Summary::objects_expired},
    {"objects_failed", &Summary::objects_failed},
    {"objects_encrypted", &Summary::objects_encrypted},
    {"objects_grew", &Summary::objects_grew},
    {"objects_restored", &Summary::objects_restored},
    {"objects_deduplicated", &Summary::objects_deduplicated},
    {"retries", &Summary::retries},
};

inline constexpr CountField byte_count_fields[] = {
    {"bytes_inspected", &Summary::bytes_inspected},
    {"bytes_processed", &Summary::bytes_processed},
    {"bytes_before_deduplication", &Summary::bytes_before_deduplication},
    {"bytes_after_deduplication", &Summary::bytes_after_deduplication},
    {"bytes_transferred", &Summary::bytes_transferred},
    {"lanfree_bytes_transferred", &Summary::lanfree_bytes_transferred},
};

}  // namespace opskit::dsmc
