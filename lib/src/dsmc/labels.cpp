// The label catalogue (spec dsmc.md §3.4) and how each value type is read. Keys follow the
// `bkctl parse` schema; a label missing here lands in Summary::other, never in a crash.
#include "dsmc/labels.hpp"

#include <array>
#include <cstring>
#include <vector>

#include "dsmc/numbers.hpp"
#include "dsmc/text.hpp"

namespace opskit::dsmc::detail {
namespace {

using S = Summary;

constexpr Label count_label(std::string_view t, std::string_view k, std::optional<std::uint64_t> S::*m) {
    return Label{t, ValueKind::count, k, m, nullptr, SessionField::none, 0};
}
constexpr Label bytes_label(std::string_view t, std::string_view k, std::optional<std::uint64_t> S::*m) {
    return Label{t, ValueKind::bytes, k, m, nullptr, SessionField::none, 0};
}
constexpr Label real_label(ValueKind kind, std::string_view t, std::string_view k, std::optional<double> S::*m) {
    return Label{t, kind, k, nullptr, m, SessionField::none, 0};
}
constexpr Label session_label(std::string_view t, SessionField f) {
    return Label{t, ValueKind::session, {}, nullptr, nullptr, f, 0};
}

std::array<Label, kLabelCount> make_catalogue() {
    std::array<Label, kLabelCount> labels{{
        count_label("Total number of objects inspected", "objects_inspected", &S::objects_inspected),
        count_label("Total number of objects backed up", "objects_backed_up", &S::objects_backed_up),
        count_label("Total number of objects updated", "objects_updated", &S::objects_updated),
        count_label("Total number of objects rebound", "objects_rebound", &S::objects_rebound),
        count_label("Total number of objects deleted", "objects_deleted", &S::objects_deleted),
        count_label("Total number of objects expired", "objects_expired", &S::objects_expired),
        count_label("Total number of objects failed", "objects_failed", &S::objects_failed),
        count_label("Total number of objects encrypted", "objects_encrypted", &S::objects_encrypted),
        count_label("Total objects deduplicated", "objects_deduplicated", &S::objects_deduplicated),
        count_label("Total number of objects grew", "objects_grew", &S::objects_grew),
        count_label("Total number of objects restored", "objects_restored", &S::objects_restored),
        count_label("Total number of retries", "retries", &S::retries),
        bytes_label("Total number of bytes inspected", "bytes_inspected", &S::bytes_inspected),
        bytes_label("Total number of bytes processed", "bytes_processed", &S::bytes_processed),
        bytes_label("Total bytes before deduplication", "bytes_before_deduplication", &S::bytes_before_deduplication),
        bytes_label("Total bytes after deduplication", "bytes_after_deduplication", &S::bytes_after_deduplication),
        bytes_label("Total number of bytes transferred", "bytes_transferred", &S::bytes_transferred),
        bytes_label("LanFree bytes transferred", "lanfree_bytes_transferred", &S::lanfree_bytes_transferred),
        real_label(ValueKind::seconds, "Data transfer time", "data_transfer_time_s", &S::data_transfer_time_s),
        real_label(ValueKind::rate, "Network data transfer rate", "network_rate_bytes_per_s", &S::network_rate_bytes_per_s),
        real_label(ValueKind::rate, "Aggregate data transfer rate", "aggregate_rate_bytes_per_s",
             &S::aggregate_rate_bytes_per_s),
        real_label(ValueKind::percent, "Objects compressed by", "compressed_percent", &S::compressed_percent),
        real_label(ValueKind::percent, "Deduplication reduction", "deduplication_reduction_percent",
             &S::deduplication_reduction_percent),
        real_label(ValueKind::percent, "Total data reduction ratio", "data_reduction_percent", &S::data_reduction_percent),
        real_label(ValueKind::percent, "Subfile objects reduced by", "subfile_reduced_percent", &S::subfile_reduced_percent),
        real_label(ValueKind::hms, "Elapsed processing time", "elapsed_s", &S::elapsed_s),
        Label{"Data encryption type", ValueKind::text, "encryption_type", nullptr, nullptr, SessionField::none, 0},
        session_label("Node Name", SessionField::node_name),
        session_label("Server date/time", SessionField::server_datetime),
        session_label("Client date/time", SessionField::client_datetime),
        session_label("Accessing as node", SessionField::accessing_as_node),
    }};
    for (std::size_t i = 0; i < labels.size(); ++i) labels[i].id = static_cast<int>(i);
    return labels;
}

constexpr std::size_t kMaxLabel = 48;

/// The last 8 bytes of a label (all of it when shorter). Labels of one length mostly share
/// their start (`Total number of objects …`), so comparing the end first rejects a wrong
/// candidate in one step; summary lines are the bulk of a scheduler log.
std::uint64_t tail8(std::string_view s) noexcept {
    std::uint64_t v = 0;
    if (s.size() >= sizeof v) {
        std::memcpy(&v, s.data() + s.size() - sizeof v, sizeof v);  // one load, not a memcpy call
        return v;
    }
    std::memcpy(&v, s.data(), s.size());
    return v;
}

struct Candidate {
    std::uint64_t tail;
    const Label* label;
};

struct Index {
    std::array<Label, kLabelCount> labels = make_catalogue();
    std::array<std::vector<Candidate>, kMaxLabel + 1> by_length;
    /// Bit n set when some label is n bytes long: most texts looked up that are no label
    /// (a -detail key, an unknown summary label) have a length no label has, and are
    /// turned away by one test.
    std::uint64_t lengths = 0;
    Index() {
        static_assert(kMaxLabel < 64);
        for (const auto& l : labels) {
            by_length[l.text.size()].push_back({tail8(l.text), &l});
            lengths |= std::uint64_t{1} << l.text.size();
        }
    }
};

const Index& index() {
    static const Index idx;
    return idx;
}

}  // namespace

const Label* find_label(std::string_view text) noexcept {
    if (text.size() > kMaxLabel) return nullptr;
    const Index& idx = index();
    if (((idx.lengths >> text.size()) & 1U) == 0) return nullptr;
    const std::uint64_t tail = tail8(text);
    // Compared by words (same_bytes, for eight bytes or more) rather than by a memcmp call.
    const bool by_words = text.size() >= 8;
    for (const Candidate& c : idx.by_length[text.size()])
        if (c.tail == tail && (by_words ? same_bytes(c.label->text.data(), text.data(), text.size()) : c.label->text == text))
            return c.label;
    return nullptr;
}

const Label& label_at(int id) noexcept { return index().labels[static_cast<std::size_t>(id)]; }

bool apply_label(const Label& label, std::string_view value, Summary& s) {
    value = trim(value);
    if (s.raw_count < s.raw_spans.size() && s.raw_text.size() < 0xFFFFFFFFu - 0xFFFFu) {
        if (value.size() > 0xFFFF) value = value.substr(0, 0xFFFF);
        if (s.raw_text.capacity() == 0) s.raw_text.reserve(256);
        s.raw_spans[s.raw_count++] = Summary::RawSpan{static_cast<std::uint32_t>(s.raw_text.size()),
                                                      static_cast<std::uint16_t>(value.size()),
                                                      static_cast<std::uint8_t>(label.id)};
        s.raw_text.append(value);
    }
    switch (label.kind) {
        case ValueKind::count: {
            // Most counts are a few plain digits (`0`, `418`): read here, without the call and
            // the separator rules. Nineteen digits cannot overflow; anything else is left to
            // parse_count, which gives the same for these.
            if (!value.empty() && value.size() <= 19) {
                std::uint64_t n = 0;
                std::size_t i = 0;
                for (; i < value.size() && is_digit(value[i]); ++i) n = n * 10 + static_cast<std::uint64_t>(value[i] - '0');
                if (i == value.size()) {
                    s.*(label.integer) = n;
                    return true;
                }
            }
            auto v = parse_count(value);
            if (v) s.*(label.integer) = *v;
            return v.has_value();
        }
        case ValueKind::bytes: {
            auto v = parse_bytes(value);
            if (v) s.*(label.integer) = *v;
            return v.has_value();
        }
        case ValueKind::seconds:
        case ValueKind::rate:
        case ValueKind::percent:
        case ValueKind::hms: {
            std::optional<double> v;
            if (label.kind == ValueKind::seconds) v = parse_seconds(value);
            else if (label.kind == ValueKind::rate) v = parse_rate(value);
            else if (label.kind == ValueKind::percent) v = parse_percent(value);
            else {
                v = parse_hms(value);
                if (!v) v = parse_seconds(value);
            }
            if (v) s.*(label.real) = *v;
            return v.has_value();
        }
        case ValueKind::text:
            s.encryption_type = std::string(value);
            return true;
        case ValueKind::session: return false;
    }
    return false;
}

}  // namespace opskit::dsmc::detail

namespace opskit::dsmc {

std::string_view Summary::raw_value(std::string_view key) const noexcept {
    for (std::size_t i = 0; i < raw_count; ++i)
        if (detail::label_at(raw_spans[i].field).key == key)
            return std::string_view(raw_text).substr(raw_spans[i].offset, raw_spans[i].length);
    return {};
}

std::vector<std::pair<std::string_view, std::string_view>> Summary::raw() const {
    std::vector<std::pair<std::string_view, std::string_view>> out;
    out.reserve(raw_count);
    for (std::size_t i = 0; i < raw_count; ++i)
        out.emplace_back(detail::label_at(raw_spans[i].field).key,
                         std::string_view(raw_text).substr(raw_spans[i].offset, raw_spans[i].length));
    return out;
}

}  // namespace opskit::dsmc
