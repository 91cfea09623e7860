// Private: the XML documents libvirt hands vmctl (domain, snapshot, volume and metadata
// XML), read through libxml2 — the parser libvirt itself links, so it costs vmctl no extra
// shared library. Elements are matched by local name: `vmctl:destroyed` is `destroyed`.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct _xmlDoc;
struct _xmlNode;

namespace opskit::vm::xml {

/// Escapes text for an attribute (either quote) or an element body of XML vmctl writes.
std::string escape(std::string_view text);

/// One element of a parsed Document; valid while the Document lives.
class Element {
public:
    explicit Element(const _xmlNode* node) : node_(node) {}

    /// Descendants named `name`, in document order, outermost only (a match's own
    /// descendants are not searched).
    std::vector<Element> all(std::string_view name) const;
    /// The first of all(name).
    std::optional<Element> first(std::string_view name) const;
    /// The first direct child named `name`.
    std::optional<Element> child(std::string_view name) const;
    /// An attribute's value, entities resolved.
    std::optional<std::string> attr(std::string_view name) const;
    /// The element's text content, entities resolved.
    std::string text() const;
    /// The element serialised back to XML (for libvirt's detach-device calls).
    std::string markup() const;

private:
    friend class Document;
    const _xmlNode* node_;
};

/// A parsed document. Text that is not well-formed XML gives a Document without a root:
/// libxml2's own error printing is off, the caller decides what a missing field means.
class Document {
public:
    explicit Document(std::string_view text);
    ~Document();
    Document(const Document&) = delete;
    Document& operator=(const Document&) = delete;

    std::optional<Element> root() const;
    /// The root itself when it is named `name`, else root().all(name).
    std::vector<Element> all(std::string_view name) const;
    std::optional<Element> first(std::string_view name) const;

    /// Takes an element (of this document) out of the tree.
    void remove(const Element& element);
    /// Adds the element `markup` as the last child of the root's first child named
    /// `parent`, making that child when the root has none. False (document unchanged) when
    /// this document has no root or `markup` is not one well-formed element.
    bool append(std::string_view parent, std::string_view markup);
    /// The whole document serialised back to XML.
    std::string markup() const;

private:
    _xmlDoc* doc_;
};

}  // namespace opskit::vm::xml
