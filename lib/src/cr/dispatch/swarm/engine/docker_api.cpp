// DockerApi (see docker_api.hpp): libcurl's easy interface, reused across calls so the
// socket connection is kept; the API version is negotiated once, on the first call.
#include "docker_api.hpp"

#include <fmt/format.h>

#include <mutex>

#include "opskit/core/error.hpp"

namespace opskit::cr::swarm {

namespace {

/// The newest API this client speaks (Docker 20.10's).
constexpr int k_api_major = 1, k_api_minor = 41;
/// Replicated-job services came with API 1.41, but until Docker 24 (API 1.43) removing a job
/// service left its running task's container running (moby issue 44312): a cancelled
/// container would go on using its node. Older engines get replicated mode, one replica,
/// restart condition none, which runs once too and whose removal stops the task.
constexpr int k_api_jobs_removable = 143;

std::size_t append_body(char* data, std::size_t size, std::size_t count, void* out) {
    static_cast<std::string*>(out)->append(data, size * count);
    return size * count;
}

/// "1.41" → 141; 0 for anything else.
int api_number(std::string_view v) {
    const auto dot = v.find('.');
    if (dot == std::string_view::npos || dot == 0 || dot + 1 >= v.size()) return 0;
    int major = 0, minor = 0;
    for (char c : v.substr(0, dot)) {
        if (c < '0' || c > '9') return 0;
        major = major * 10 + (c - '0');
    }
    for (char c : v.substr(dot + 1)) {
        if (c < '0' || c > '9' || minor > 1000) return 0;
        minor = minor * 10 + (c - '0');
    }
    return major * 100 + minor;
}

}  // namespace

std::string ApiResponse::message() const {
    try {
        const auto j = Json::parse(body);
        if (j.is_object() && j.contains("message") && j["message"].is_string()) return j["message"].get<std::string>();
    } catch (const Json::exception&) {
    }
    std::string text = body;
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
    return text.empty() ? fmt::format("HTTP status {}", status) : text;
}

Json ApiResponse::json() const {
    try {
        return Json::parse(body);
    } catch (const Json::exception& e) {
        throw Error(ErrorKind::failed, "unreadable Engine API answer", fmt::format("HTTP {}", status), e.what());
    }
}

DockerApi::DockerApi(std::string host, Duration timeout)
    : m_host(std::move(host)), m_endpoint(parse_docker_host(m_host)), m_timeout(timeout) {
    static std::once_flag global;
    std::call_once(global, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
    m_curl = curl_easy_init();
    if (!m_curl) throw Error(ErrorKind::internal, "libcurl", m_host, "curl_easy_init failed");
}

DockerApi::~DockerApi() { curl_easy_cleanup(m_curl); }

ApiResponse DockerApi::raw(std::string_view method, const std::string& url, const std::string* body) {
    ApiResponse r;
    char error[CURL_ERROR_SIZE] = {0};
    CURL* c = m_curl;
    curl_easy_reset(c);  // keeps the open connection, drops the last call's options
    curl_easy_setopt(c, CURLOPT_URL, url.c_str());
    if (!m_endpoint.unix_socket.empty()) curl_easy_setopt(c, CURLOPT_UNIX_SOCKET_PATH, m_endpoint.unix_socket.c_str());
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, std::string(method).c_str());
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, append_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &r.body);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(m_timeout.count()));
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);  // no SIGALRM: the tools own their signals
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http");
    struct curl_slist* headers = nullptr;
    if (body) {
        headers = curl_slist_append(headers, "Content-Type: application/json");
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body->c_str());
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body->size()));
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
    } else if (method == "HEAD") {
        curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    }
    const CURLcode rc = curl_easy_perform(c);
    curl_slist_free_all(headers);
    if (rc != CURLE_OK)
        throw Error(ErrorKind::unavailable, "cannot reach the Docker engine", m_host, error[0] ? error : curl_easy_strerror(rc));
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
    return r;
}

void DockerApi::negotiate() {
    // GET /version is unversioned: it tells the newest API the engine speaks.
    const auto r = raw("GET", m_endpoint.base_url + "/version", nullptr);
    int theirs = 0;
    if (r.status == 200) {
        try {
            const auto j = Json::parse(r.body);
            if (j.is_object() && j.contains("ApiVersion") && j["ApiVersion"].is_string()) theirs = api_number(j["ApiVersion"].get<std::string>());
        } catch (const Json::exception&) {
        }
    }
    if (theirs == 0)
        throw Error(ErrorKind::unavailable, "not a Docker engine", m_host,
                    fmt::format("GET /version answered HTTP {} without an ApiVersion", r.status));
    const int ours = k_api_major * 100 + k_api_minor;
    const int use = std::min(ours, theirs);
    m_jobs = theirs >= k_api_jobs_removable;
    m_prefix = fmt::format("/v{}.{}", use / 100, use % 100);
}

const std::string& DockerApi::version_prefix() {
    if (!m_prefix) negotiate();
    return *m_prefix;
}

bool DockerApi::has_jobs() {
    version_prefix();
    return m_jobs;
}

ApiResponse DockerApi::call(std::string_view method, const std::string& path, const std::string* body) {
    return raw(method, m_endpoint.base_url + version_prefix() + path, body);
}

std::string label_filter(std::string_view label) {
    const std::string filters = Json{{"label", {{std::string(label), true}}}}.dump();
    char* escaped = curl_easy_escape(nullptr, filters.c_str(), static_cast<int>(filters.size()));
    std::string out = "filters=";
    out += escaped ? escaped : "";
    curl_free(escaped);
    return out;
}

}  // namespace opskit::cr::swarm
