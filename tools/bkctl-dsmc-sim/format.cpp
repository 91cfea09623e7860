// Text formats of the simulator (see format.hpp).
#include "format.hpp"

#include <cstdio>

namespace sim {

std::string date_time(std::time_t t) {
    std::tm tm{};
    localtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
    return buf;
}

std::string banner(std::time_t now) {
    const auto dt = date_time(now);
    std::string s;
    s += "IBM Storage Protect\n";
    s += "Command Line Backup-Archive Client Interface\n";
    s += "  Client Version 8, Release 1, Level 27.0\n";
    s += "  Client date/time: " + dt + "\n";
    s += "(c) Copyright IBM Corp. 1990, 2025. All Rights Reserved.\n\n";
    s += "Node Name: BKCTL-SIM\n";
    s += "Session established with server SIMSERVER: Linux/x86_64\n";
    s += "  Server Version 8, Release 1, Level 27.000\n";
    s += "  Server date/time: " + dt + "  Last access: " + date_time(now - 3600) + "\n\n";
    return s;
}

std::string count(std::uint64_t n) {
    std::string digits = std::to_string(n);
    std::string out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return out;
}

std::string decimal(double v) {
    const auto whole = static_cast<std::uint64_t>(v);
    auto cents = static_cast<unsigned>((v - static_cast<double>(whole)) * 100.0 + 0.5);
    std::uint64_t w = whole;
    if (cents >= 100) {
        ++w;
        cents -= 100;
    }
    char buf[16];
    std::snprintf(buf, sizeof buf, ".%02u", cents % 100);
    return count(w) + buf;
}

std::string bytes(std::uint64_t n, std::string* unit) {
    if (n < 1024) {
        *unit = " B";
        return count(n);
    }
    static const char* const units[] = {"KB", "MB", "GB", "TB"};
    double v = static_cast<double>(n) / 1024.0;
    int u = 0;
    while (v >= 1024.0 && u < 3) {
        v /= 1024.0;
        ++u;
    }
    *unit = units[u];
    return decimal(v);
}

std::string line(const std::string& label, const std::string& number, const std::string& suffix) {
    std::string s = label;
    const std::size_t end_col = 47;
    if (s.size() + 1 + number.size() < end_col) s.append(end_col - s.size() - number.size(), ' ');
    else s += ' ';
    return s + number + suffix + "\n";
}

}  // namespace sim
