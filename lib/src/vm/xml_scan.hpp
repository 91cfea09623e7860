// Private: a small reader for the XML that libvirt itself formats (domain, snapshot and
// metadata documents). libvirt's formatter is regular — one element per line, quoted
// attributes, escaped text — so vmctl reads the few fields it needs without a DOM library.
// Not a general XML parser; never fed anything but libvirt's output and vmctl's own record.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace opskit::vm::xml {

/// Escapes text for an attribute or element body.
std::string escape(std::string_view text);
/// Reverses the five predefined entities and numeric character references.
std::string unescape(std::string_view text);

/// Whole elements named `name` (`<name …/>` or `<name …>…</name>`), outermost first, not
/// nested in one another. A namespace prefix (`vmctl:name`) matches too.
std::vector<std::string_view> elements(std::string_view doc, std::string_view name);

/// The first element named `name`, if any.
std::optional<std::string_view> first(std::string_view doc, std::string_view name);

/// An attribute of an element's start tag (unescaped).
std::optional<std::string> attr(std::string_view element, std::string_view name);

/// The text between an element's start and end tag (unescaped); empty for `<x/>`.
std::string text(std::string_view element);

}  // namespace opskit::vm::xml
