// The libvirt-XML reader (lib/src/vm/xml_doc): libxml2 underneath, vmctl's few questions on
// top — local-name matching, outermost matches, direct children, entities, and what a
// document that is not XML gives.
#include <catch2/catch.hpp>

#include "vm/libvirt/xml_doc.hpp"

using opskit::vm::xml::Document;
using opskit::vm::xml::escape;

TEST_CASE("xml: attributes and text with entities, by local name", "[vm][xml]") {
    const Document doc(
        "<vmctl:destroyed xmlns:vmctl='https://example.invalid/vmctl' at='a&amp;b' q=\"it&apos;s\">"
        "<volume target='vdb'/>\n  <volume target='v&#x64;c'/><note>1 &lt; 2 &#233;</note></vmctl:destroyed>");
    const auto root = doc.first("destroyed");
    REQUIRE(root);
    CHECK(root->attr("at") == "a&b");
    CHECK(root->attr("q") == "it's");
    CHECK_FALSE(root->attr("missing"));
    const auto vols = root->all("volume");
    REQUIRE(vols.size() == 2);
    CHECK(vols[1].attr("target") == "vdc");
    CHECK(root->child("note")->text() == "1 < 2 \xc3\xa9");  // UTF-8, not '?'
}

TEST_CASE("xml: all() is outermost matches, child() only direct children", "[vm][xml]") {
    const Document doc(
        "<domainsnapshot><name>s1</name><parent><name>s0</name></parent>"
        "<domain type='test'><name>web1</name><description>vm</description></domain></domainsnapshot>");
    const auto root = doc.root();
    REQUIRE(root);
    CHECK(root->child("name")->text() == "s1");
    CHECK_FALSE(root->child("description"));       // only the embedded domain has one
    CHECK(root->first("description")->text() == "vm");
    const auto names = root->all("name");
    REQUIRE(names.size() == 3);
    CHECK(names[1].text() == "s0");
    CHECK(root->all("domain").size() == 1);
    CHECK(doc.all("domainsnapshot").size() == 1);   // the root itself matches
}

TEST_CASE("xml: a disk removed from a definition, serialised back", "[vm][xml]") {
    Document doc("<domain><devices><disk device='disk'><target dev='vda'/></disk>"
                 "<disk device='disk'><target dev='vdb'/></disk></devices></domain>");
    const auto disks = doc.all("disk");
    REQUIRE(disks.size() == 2);
    CHECK(disks[1].markup() == "<disk device=\"disk\"><target dev=\"vdb\"/></disk>");
    doc.remove(disks[1]);
    const auto text = doc.markup();
    CHECK(text.find("vdb") == std::string::npos);
    CHECK(text.find("<target dev=\"vda\"/>") != std::string::npos);
    CHECK(Document(text).all("disk").size() == 1);
}

TEST_CASE("xml: a disk appended to devices, or to a devices element made for it", "[vm][xml]") {
    // A "</devices>" in a comment or CDATA after the element must not be where the disk lands.
    Document doc("<domain><devices><disk device='disk'><target dev='vda'/></disk></devices>"
                 "<metadata><note><![CDATA[see </devices> below]]></note></metadata></domain>");
    REQUIRE(doc.append("devices", "<disk type='file' device='disk'><source file='/a &amp; b.img'/><target dev='vdb'/></disk>"));
    const Document back(doc.markup());
    const auto disks = back.all("disk");
    REQUIRE(disks.size() == 2);
    CHECK(disks[1].child("source")->attr("file") == "/a & b.img");
    CHECK(back.first("devices")->all("disk").size() == 2);
    CHECK(back.first("note")->text() == "see </devices> below");

    Document bare("<domain><name>x</name></domain>");
    REQUIRE(bare.append("devices", "<disk><target dev='vdc'/></disk>"));
    CHECK(Document(bare.markup()).first("devices")->child("disk")->child("target")->attr("dev") == "vdc");

    CHECK_FALSE(bare.append("devices", "<disk><target dev='vdd'/>"));  // not one element
    CHECK(Document(bare.markup()).all("disk").size() == 1);
    Document none("not xml");
    CHECK_FALSE(none.append("devices", "<disk/>"));
}

TEST_CASE("xml: text that is not XML has no root and prints nothing", "[vm][xml]") {
    for (const char* bad : {"", "<unclosed>", "not xml", "<a></b>", "<a x='1' x='2'/>"}) {
        const Document doc(bad);
        CHECK_FALSE(doc.root());
        CHECK(doc.all("a").empty());
        CHECK(doc.markup().empty());
    }
}

TEST_CASE("xml: escape() round-trips through the parser", "[vm][xml]") {
    const std::string nasty = "a<b>&'\"c";
    const Document doc("<x v='" + escape(nasty) + "' w=\"" + escape(nasty) + "\">" + escape(nasty) + "</x>");
    REQUIRE(doc.root());
    CHECK(doc.root()->attr("v") == nasty);
    CHECK(doc.root()->attr("w") == nasty);
    CHECK(doc.root()->text() == nasty);
}
