// The catalogue of labels dsmc prints as `Label:<spaces>value`: every summary counter of
// spec dsmc.md §3.4 with its JSON key and value type, and the session-header labels. Lookup
// is by exact label text (labels are stable English strings); anything else is unknown.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "opskit/dsmc/report.hpp"

namespace opskit::dsmc::detail {

enum class ValueKind { count, bytes, seconds, rate, percent, hms, text, session };

/// Session-header labels (ValueKind::session).
enum class SessionField { none, node_name, server_datetime, client_datetime, accessing_as_node };

struct Label {
    std::string_view text;  ///< as printed, without the colon
    ValueKind kind;
    std::string_view key;   ///< JSON key
    std::optional<std::uint64_t> Summary::*integer = nullptr;
    std::optional<double> Summary::*real = nullptr;
    SessionField session = SessionField::none;
    int id = 0;             ///< dense index (< 64) for the "already seen in this block" mask
};

/// How many labels the catalogue has (ids 0 to kLabelCount - 1).
inline constexpr int kLabelCount = 31;

/// The label whose text is exactly `text`, or nullptr.
const Label* find_label(std::string_view text) noexcept;

/// The label with catalogue index `id` (Label::id).
const Label& label_at(int id) noexcept;

/// Parses `value` by the label's kind into `s` (raw text kept); false if it did not parse
/// (the raw text is still kept, the typed field stays empty).
bool apply_label(const Label& label, std::string_view value, Summary& s);

}  // namespace opskit::dsmc::detail
