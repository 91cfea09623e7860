// The libxml2-backed reader declared in xml_doc.hpp.
#include "xml_doc.hpp"

#include <libxml/parser.h>
#include <libxml/tree.h>

#include <climits>
#include <memory>

namespace opskit::vm::xml {
namespace {

bool named(const xmlNode* n, std::string_view name) {
    return n->type == XML_ELEMENT_NODE && name == reinterpret_cast<const char*>(n->name);
}

void collect(const xmlNode* parent, std::string_view name, std::vector<Element>& out) {
    for (const xmlNode* c = parent->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE) continue;
        if (named(c, name)) out.emplace_back(c);
        else collect(c, name, out);
    }
}

// The first element named `name` below `parent`, in document order (what collect() would
// put first), without collecting the rest.
const xmlNode* find_first(const xmlNode* parent, std::string_view name) {
    for (const xmlNode* c = parent->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE) continue;
        if (named(c, name)) return c;
        if (const xmlNode* found = find_first(c, name)) return found;
    }
    return nullptr;
}

// Takes ownership of a string libxml2 allocated.
std::string take(xmlChar* s) {
    if (!s) return {};
    std::string out(reinterpret_cast<const char*>(s));
    xmlFree(s);
    return out;
}

}  // namespace

std::string escape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
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

std::vector<Element> Element::all(std::string_view name) const {
    std::vector<Element> out;
    collect(node_, name, out);
    return out;
}

std::optional<Element> Element::first(std::string_view name) const {
    if (const xmlNode* found = find_first(node_, name)) return Element(found);
    return std::nullopt;
}

std::optional<Element> Element::child(std::string_view name) const {
    for (const xmlNode* c = node_->children; c; c = c->next)
        if (named(c, name)) return Element(c);
    return std::nullopt;
}

std::optional<std::string> Element::attr(std::string_view name) const {
    const std::string key(name);
    // xmlHasProp finds the attribute with or without a namespace, as vmctl's own metadata
    // attributes are unprefixed while the element is not.
    const xmlAttr* a = xmlHasProp(const_cast<xmlNode*>(node_), reinterpret_cast<const xmlChar*>(key.c_str()));
    if (!a) return std::nullopt;
    return take(xmlNodeGetContent(reinterpret_cast<const xmlNode*>(a)));
}

std::string Element::text() const { return take(xmlNodeGetContent(node_)); }

std::string Element::markup() const {
    std::unique_ptr<xmlBuffer, decltype(&xmlBufferFree)> buf(xmlBufferCreate(), xmlBufferFree);
    if (!buf || xmlNodeDump(buf.get(), node_->doc, const_cast<xmlNode*>(node_), 0, 0) < 0) return {};
    return std::string(reinterpret_cast<const char*>(xmlBufferContent(buf.get())),
                       static_cast<std::size_t>(xmlBufferLength(buf.get())));
}

Document::Document(std::string_view text) : doc_(nullptr) {
    if (text.empty() || text.size() > static_cast<std::size_t>(INT_MAX)) return;
    // NONET: never fetch a DTD; NOERROR/NOWARNING: no libxml2 lines on the user's stderr.
    doc_ = xmlReadMemory(text.data(), static_cast<int>(text.size()), nullptr, nullptr,
                         XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
}

Document::~Document() {
    if (doc_) xmlFreeDoc(doc_);
}

std::optional<Element> Document::root() const {
    const xmlNode* r = doc_ ? xmlDocGetRootElement(doc_) : nullptr;
    if (!r) return std::nullopt;
    return Element(r);
}

std::vector<Element> Document::all(std::string_view name) const {
    const auto r = root();
    if (!r) return {};
    if (named(xmlDocGetRootElement(doc_), name)) return {*r};
    return r->all(name);
}

std::optional<Element> Document::first(std::string_view name) const {
    const auto r = root();
    if (!r) return std::nullopt;
    if (named(xmlDocGetRootElement(doc_), name)) return r;
    return r->first(name);
}

void Document::remove(const Element& element) {
    auto* node = const_cast<xmlNode*>(element.node_);
    if (!doc_ || node->doc != doc_) return;
    xmlUnlinkNode(node);
    xmlFreeNode(node);
}

bool Document::append(std::string_view parent, std::string_view markup) {
    xmlNode* root = doc_ ? xmlDocGetRootElement(doc_) : nullptr;
    if (!root) return false;
    const Document fragment(markup);
    const xmlNode* element = fragment.doc_ ? xmlDocGetRootElement(fragment.doc_) : nullptr;
    if (!element) return false;
    xmlNode* copy = xmlDocCopyNode(const_cast<xmlNode*>(element), doc_, 1);
    if (!copy) return false;
    xmlNode* into = nullptr;
    for (xmlNode* c = root->children; c && !into; c = c->next)
        if (named(c, parent)) into = c;
    xmlNode* made = nullptr;
    if (!into) {
        const std::string parent_name(parent);
        into = made = xmlNewChild(root, nullptr, reinterpret_cast<const xmlChar*>(parent_name.c_str()), nullptr);
    }
    if (!into || !xmlAddChild(into, copy)) {
        xmlFreeNode(copy);
        if (made) {  // the document stays as it was
            xmlUnlinkNode(made);
            xmlFreeNode(made);
        }
        return false;
    }
    return true;
}

std::string Document::markup() const {
    if (!doc_) return {};
    xmlChar* text = nullptr;
    int size = 0;
    xmlDocDumpMemory(doc_, &text, &size);
    std::string out = text ? std::string(reinterpret_cast<const char*>(text), static_cast<std::size_t>(size)) : std::string();
    xmlFree(text);
    return out;
}

}  // namespace opskit::vm::xml
