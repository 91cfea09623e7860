// A small client of the Docker Engine API over libcurl: HTTP on a unix socket or loopback
// TCP, one connection kept open for every call of a dispatcher pass. It knows HTTP and the
// API's error shape, nothing of services: the engine decides what a status means.
#pragma once

#include <curl/curl.h>

#include <optional>
#include <string>
#include <string_view>

#include "opskit/core/output.hpp"
#include "opskit/core/units.hpp"
#include "opskit/cr/dispatch/swarm/swarm_engine.hpp"

namespace opskit::cr::swarm {

struct ApiResponse {
    long status = 0;
    std::string body;
    /// The engine's own words for a failed call: `message` of its JSON error, else the body.
    std::string message() const;
    Json json() const;  ///< Error(failed) when the body is not JSON
};

class DockerApi {
public:
    DockerApi(std::string host, Duration timeout);
    ~DockerApi();
    DockerApi(const DockerApi&) = delete;
    DockerApi& operator=(const DockerApi&) = delete;

    /// `path` is below the API version (`/services`); Error(unavailable) naming the host when
    /// the engine cannot be reached or does not answer in time. Any HTTP status is returned.
    ApiResponse call(std::string_view method, const std::string& path, const std::string* body = nullptr);
    /// The version prefix in use (`/v1.41`): the engine's own when it is older.
    const std::string& version_prefix();
    /// True when replicated-job services can be used: the engine has them, and removing one
    /// stops its task (API >= 1.43, Docker 24; see docker_api.cpp).
    bool has_jobs();

private:
    ApiResponse raw(std::string_view method, const std::string& url, const std::string* body);
    void negotiate();

    std::string m_host;
    DockerEndpoint m_endpoint;
    Duration m_timeout;
    CURL* m_curl = nullptr;
    std::optional<std::string> m_prefix;
    bool m_jobs = true;
};

/// `?filters=` for one label key, URL-encoded (what GET /services and /tasks take).
std::string label_filter(std::string_view label);

}  // namespace opskit::cr::swarm
