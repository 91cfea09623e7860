// The libvirt-XML reader declared in xml_scan.hpp.
#include "xml_scan.hpp"

#include <cctype>
#include <cstdlib>

namespace opskit::vm::xml {
namespace {

bool name_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' || c == ':';
}

// Position of the next start tag `<name` or `<prefix:name` at or after `from`.
std::size_t find_start(std::string_view doc, std::string_view name, std::size_t from, std::size_t& tag_len) {
    for (std::size_t i = doc.find('<', from); i != std::string_view::npos; i = doc.find('<', i + 1)) {
        std::size_t j = i + 1;
        while (j < doc.size() && name_char(doc[j])) ++j;
        std::string_view tag = doc.substr(i + 1, j - i - 1);
        if (const auto colon = tag.rfind(':'); colon != std::string_view::npos) tag = tag.substr(colon + 1);
        if (tag == name && j < doc.size() && (doc[j] == ' ' || doc[j] == '>' || doc[j] == '/' || doc[j] == '\n' || doc[j] == '\t')) {
            tag_len = j - i - 1;
            return i;
        }
    }
    return std::string_view::npos;
}

}  // namespace

std::string escape(std::string_view text) {
    std::string out;
    for (char c : text) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '\'': out += "&apos;"; break;
            case '"': out += "&quot;"; break;
            default: out += c;
        }
    }
    return out;
}

std::string unescape(std::string_view text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '&') {
            out += text[i];
            continue;
        }
        const auto semi = text.find(';', i);
        if (semi == std::string_view::npos) {
            out += text.substr(i);
            break;
        }
        const auto ent = text.substr(i + 1, semi - i - 1);
        if (ent == "amp") out += '&';
        else if (ent == "lt") out += '<';
        else if (ent == "gt") out += '>';
        else if (ent == "apos") out += '\'';
        else if (ent == "quot") out += '"';
        else if (!ent.empty() && ent[0] == '#') {
            const std::string num(ent.substr(1));
            const long cp = (num.size() > 1 && (num[0] == 'x' || num[0] == 'X')) ? std::strtol(num.c_str() + 1, nullptr, 16)
                                                                                   : std::strtol(num.c_str(), nullptr, 10);
            if (cp > 0 && cp < 0x80) out += static_cast<char>(cp);
            else out += '?';
        } else {
            out += text.substr(i, semi - i + 1);
        }
        i = semi;
    }
    return out;
}

std::vector<std::string_view> elements(std::string_view doc, std::string_view name) {
    std::vector<std::string_view> out;
    std::size_t pos = 0;
    for (;;) {
        std::size_t tag_len = 0;
        const auto start = find_start(doc, name, pos, tag_len);
        if (start == std::string_view::npos) break;
        const auto gt = doc.find('>', start);
        if (gt == std::string_view::npos) break;
        if (doc[gt - 1] == '/') {
            out.push_back(doc.substr(start, gt + 1 - start));
            pos = gt + 1;
            continue;
        }
        // Find the matching end tag, counting nested elements of the same name.
        const std::string qname(doc.substr(start + 1, tag_len));
        const std::string close = "</" + qname + ">";
        int depth = 1;
        std::size_t scan = gt + 1;
        std::size_t end = std::string_view::npos;
        while (depth > 0) {
            std::size_t inner_len = 0;
            const auto next_open = find_start(doc, name, scan, inner_len);
            const auto next_close = doc.find(close, scan);
            if (next_close == std::string_view::npos) break;
            if (next_open != std::string_view::npos && next_open < next_close) {
                const auto ogt = doc.find('>', next_open);
                if (ogt != std::string_view::npos && doc[ogt - 1] != '/') ++depth;
                scan = ogt == std::string_view::npos ? doc.size() : ogt + 1;
            } else {
                --depth;
                scan = next_close + close.size();
                if (depth == 0) end = scan;
            }
        }
        if (end == std::string_view::npos) break;
        out.push_back(doc.substr(start, end - start));
        pos = end;
    }
    return out;
}

std::optional<std::string_view> first(std::string_view doc, std::string_view name) {
    auto all = elements(doc, name);
    if (all.empty()) return std::nullopt;
    return all.front();
}

std::optional<std::string> attr(std::string_view element, std::string_view name) {
    const auto gt = element.find('>');
    const auto tag = element.substr(0, gt == std::string_view::npos ? element.size() : gt);
    for (std::size_t i = tag.find(name); i != std::string_view::npos; i = tag.find(name, i + 1)) {
        if (i == 0 || (tag[i - 1] != ' ' && tag[i - 1] != '\n' && tag[i - 1] != '\t')) continue;
        std::size_t j = i + name.size();
        while (j < tag.size() && tag[j] == ' ') ++j;
        if (j >= tag.size() || tag[j] != '=') continue;
        ++j;
        while (j < tag.size() && tag[j] == ' ') ++j;
        if (j >= tag.size() || (tag[j] != '\'' && tag[j] != '"')) continue;
        const char q = tag[j];
        const auto close = tag.find(q, j + 1);
        if (close == std::string_view::npos) return std::nullopt;
        return unescape(tag.substr(j + 1, close - j - 1));
    }
    return std::nullopt;
}

std::string text(std::string_view element) {
    const auto gt = element.find('>');
    if (gt == std::string_view::npos || element[gt - 1] == '/') return {};
    const auto lt = element.rfind("</");
    if (lt == std::string_view::npos || lt < gt) return {};
    return unescape(element.substr(gt + 1, lt - gt - 1));
}

}  // namespace opskit::vm::xml
