// The record JSON writer of `bkctl -o json|jsonl parse` against RapidJSON's Writer and
// PrettyWriter (indent two), which printed these forms before it: the same events must give
// the same bytes, for random documents whose strings hold every byte JSON escapes.
#include <catch2/catch.hpp>

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdint>
#include <random>
#include <string>

#include "dsmc/json_writer.hpp"
#include "opskit/core/output.hpp"

using namespace opskit;
using namespace opskit::dsmc::detail;

namespace {

/// A random string of bytes JSON treats specially and plain ones, valid UTF-8.
std::string random_text(std::mt19937_64& random) {
    static const std::vector<std::string> pieces = {"a", "Z", " ", "/", "\"", "\\", "\n", "\t", "\r", "\b", "\f",
                                                    std::string(1, '\0'), "\x01", "\x1f", "\x7f", "\xC3\xA9",
                                                    "\xE2\x82\xAC", "\xF0\x9F\x98\x80", "long plain run of text "};
    std::string s;
    const std::size_t n = random() % 24;
    for (std::size_t i = 0; i < n; ++i) s += pieces[random() % pieces.size()];
    return s;
}

Json random_value(std::mt19937_64& random, int depth) {
    switch (random() % (depth < 4 ? 9 : 6)) {
    case 0: return Json(nullptr);
    case 1: return Json(random() % 2 == 0);
    case 2: return Json(static_cast<std::int64_t>(random()));
    case 3: return Json(static_cast<std::uint64_t>(random()));
    case 4: return Json(static_cast<double>(random() % 10000000) / 100.0 * (random() % 2 == 0 ? 1 : 1e-9));
    case 5: return Json(random_text(random));
    case 6:
    case 7: {
        Json o = Json::object();
        const std::size_t n = random() % 5;
        for (std::size_t i = 0; i < n; ++i) o[random() % 3 == 0 ? random_text(random) : "key_" + std::to_string(i)] = random_value(random, depth + 1);
        return o;
    }
    default: {
        Json a = Json::array();
        const std::size_t n = random() % 5;
        for (std::size_t i = 0; i < n; ++i) a.push_back(random_value(random, depth + 1));
        return a;
    }
    }
}

bool is_schema_key(const std::string& k) { return k.rfind("key_", 0) == 0; }

/// The same events to RapidJSON's writer `r` and ours `w`.
template <typename R, typename W>
void events(R& r, W& w, const Json& v) {
    switch (v.type()) {
    case Json::value_t::object:
        r.StartObject(), w.StartObject();
        for (const auto& [k, item] : v.items()) {
            r.Key(k.data(), static_cast<rapidjson::SizeType>(k.size()));
            if (is_schema_key(k)) w.SchemaKey(k);
            else w.Key(k);
            events(r, w, item);
        }
        r.EndObject(), w.EndObject();
        break;
    case Json::value_t::array:
        r.StartArray(), w.StartArray();
        for (const auto& item : v) events(r, w, item);
        r.EndArray(), w.EndArray();
        break;
    case Json::value_t::string: {
        const auto& s = v.get_ref<const std::string&>();
        r.String(s.data(), static_cast<rapidjson::SizeType>(s.size())), w.String(s);
        break;
    }
    case Json::value_t::null: r.Null(), w.Null(); break;
    case Json::value_t::boolean: r.Bool(v.get<bool>()), w.Bool(v.get<bool>()); break;
    case Json::value_t::number_integer: r.Int64(v.get<std::int64_t>()), w.Int64(v.get<std::int64_t>()); break;
    case Json::value_t::number_unsigned: r.Uint64(v.get<std::uint64_t>()), w.Uint64(v.get<std::uint64_t>()); break;
    default: r.Double(v.get<double>()), w.Double(v.get<double>()); break;
    }
}

}  // namespace

TEST_CASE("dsmc json writer: RapidJSON's bytes, compact and pretty", "[dsmc][json]") {
    std::mt19937_64 random(77);
    for (int i = 0; i < 500; ++i) {
        const Json v = random_value(random, 0);
        INFO(v.dump(-1, ' ', true));
        {
            rapidjson::StringBuffer buf;
            rapidjson::Writer<rapidjson::StringBuffer> r(buf);
            JsonWriter<false> w;
            events(r, w, v);
            CHECK(std::string(buf.GetString(), buf.GetSize()) == w.text());
        }
        {
            rapidjson::StringBuffer buf;
            rapidjson::PrettyWriter<rapidjson::StringBuffer> r(buf);
            r.SetIndent(' ', 2);
            JsonWriter<true> w;
            events(r, w, v);
            CHECK(std::string(buf.GetString(), buf.GetSize()) == w.text());
        }
    }
}

TEST_CASE("dsmc json writer: one document in parts, taken out as it grows", "[dsmc][json]") {
    // As the json sink writes an array: opened once, then record by record.
    rapidjson::StringBuffer buf;
    rapidjson::PrettyWriter<rapidjson::StringBuffer> r(buf);
    r.SetIndent(' ', 2);
    JsonWriter<true> w;
    std::string taken;
    r.StartObject(), w.StartObject();
    r.Key("messages"), w.Key("messages");
    r.StartArray(), w.StartArray();
    for (int i = 0; i < 3; ++i) {
        taken += w.text();
        w.clear_text();
        r.StartObject(), w.StartObject();
        r.Key("line"), w.SchemaKey("line");
        r.Int(i), w.Int(i);
        r.Key("empty"), w.SchemaKey("empty");
        r.StartArray(), w.StartArray();
        r.EndArray(), w.EndArray();
        r.EndObject(), w.EndObject();
    }
    r.EndArray(), w.EndArray();
    r.EndObject(), w.EndObject();
    taken += w.text();
    CHECK(taken == std::string(buf.GetString(), buf.GetSize()));
}
