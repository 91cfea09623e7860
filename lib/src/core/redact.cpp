// Process-wide secret list. A mutex because dispatchers and bulk verbs print from threads.
#include "opskit/core/redact.hpp"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <vector>

namespace opskit {
namespace {
std::mutex g_mutex;
std::atomic<bool> g_any{false};  ///< the list is not empty; written under g_mutex
std::vector<std::string>& secrets() {
    static std::vector<std::string> list;
    return list;
}
}  // namespace

void add_secret(std::string_view secret) {
    if (secret.empty()) return;
    std::lock_guard lock(g_mutex);
    auto& list = secrets();
    if (std::find(list.begin(), list.end(), secret) == list.end()) {
        list.emplace_back(secret);
        // Longest first, so a secret that contains another is replaced whole.
        std::sort(list.begin(), list.end(), [](auto& a, auto& b) { return a.size() > b.size(); });
        g_any.store(true, std::memory_order_release);
    }
}

void clear_secrets() {
    std::lock_guard lock(g_mutex);
    secrets().clear();
    g_any.store(false, std::memory_order_release);
}

bool has_secrets() noexcept { return g_any.load(std::memory_order_acquire); }

void redact_in_place(std::string& text) {
    std::lock_guard lock(g_mutex);
    for (const auto& s : secrets()) {
        for (std::size_t pos = text.find(s); pos != std::string::npos; pos = text.find(s, pos + 3)) {
            text.replace(pos, s.size(), "***");
        }
    }
}

std::string redact(std::string_view text) {
    std::string out(text);
    redact_in_place(out);
    return out;
}

}  // namespace opskit
