// crctl collection list|show|get: the output and log collections of finished work, by
// record uuid or portable data hash; `get` copies the files out (never overwriting).
#include <fmt/format.h>

#include <memory>

#include "commands.hpp"
#include "store_cli.hpp"
#include "opskit/cr/collections/collection.hpp"
#include "opskit/cr/collections/outputs.hpp"

namespace opskit::crctl {

namespace {

struct Found {
    std::optional<cr::Collection> record;
    std::string pdh;
};

/// A record by uuid, or a record/stored content by portable data hash; Error(not_found) otherwise.
Found find(cr::Store& store, const std::string& id) {
    Found f;
    const cr::CollectionStorage storage(store.data_dir());
    if (cr::is_uuid(id, cr::collection_infix)) {
        f.record = store.read([&](cr::Tx& tx) { return cr::find_collection(tx, id); });
        if (!f.record) throw Error(ErrorKind::not_found, "collection", id, "no such collection record");
        f.pdh = f.record->portable_data_hash;
        return f;
    }
    if (!cr::is_portable_data_hash_text(id))
        throw Error(ErrorKind::usage, "invalid collection", id, "expected a collection uuid or a portable data hash");
    f.record = store.read([&](cr::Tx& tx) { return cr::find_collection_by_pdh(tx, id); });
    f.pdh = id;
    if (!f.record && !storage.contains(id)) throw Error(ErrorKind::not_found, "collection", id, "no such portable data hash");
    return f;
}

/// The store, or Error(not_found) for `id` when there is no store yet.
cr::Store existing_store(const cli::Context& ctx, const std::string& id) {
    if (!cr::is_uuid(id, cr::collection_infix) && !cr::is_portable_data_hash_text(id))
        throw Error(ErrorKind::usage, "invalid collection", id, "expected a collection uuid or a portable data hash");
    auto store = open_existing_store(ctx);
    if (!store) throw Error(ErrorKind::not_found, "collection", id, "the store does not exist yet");
    return std::move(*store);
}

}  // namespace

void set_collection_command(CLI::App* group, cli::Context& ctx) {
    auto* list = group->add_subcommand("list", "collection records, newest first");
    auto limit = std::make_shared<std::int64_t>(0);
    list->add_option("--limit", *limit, "at most N records (0 = all)");
    add_store_option(list, ctx);
    ctx.on(list, [limit, &ctx] {
        Result r;
        r.value = Json::array();
        r.columns = {{"uuid", "UUID"}, {"portable_data_hash", "PDH"}, {"type", "TYPE"}, {"name", "NAME"}, {"trash_at", "TRASH_AT"}};
        auto store = open_existing_store(ctx);
        if (!store) return r;
        const auto records = store->read([&](cr::Tx& tx) { return cr::list_collections(tx, *limit); });
        for (const auto& c : records) {
            auto j = cr::to_json(c);
            j.erase("manifest");
            j["type"] = c.properties.value("type", "");
            r.value.push_back(std::move(j));
        }
        return r;
    });

    auto show_id = std::make_shared<std::string>();
    auto* show = group->add_subcommand("show", "one collection: record and files");
    show->add_option("id", *show_id, "collection uuid or portable data hash")->required();
    add_store_option(show, ctx);
    ctx.on(show, [show_id, &ctx] {
        auto store = existing_store(ctx, *show_id);
        const auto f = find(store, *show_id);
        const cr::CollectionStorage storage(store.data_dir());
        Result r;
        r.value = f.record ? cr::to_json(*f.record) : Json{{"portable_data_hash", f.pdh}};
        r.value.erase("manifest");
        r.value["stored"] = storage.contains(f.pdh);
        if (storage.contains(f.pdh)) {
            const auto m = storage.manifest(f.pdh);
            r.value["files"] = m.to_json();
            r.value["size"] = m.total_size();
        } else {
            r.value["files"] = Json::array();
            r.value["size"] = 0;
        }
        return r;
    });

    struct GetOptions {
        std::string id;
        std::string to = ".";
    };
    auto get_opts = std::make_shared<GetOptions>();
    auto* get = group->add_subcommand("get", "copy a collection's files into a folder (never overwrites)");
    get->add_option("id", get_opts->id, "collection uuid or portable data hash")->required();
    get->add_option("--to", get_opts->to, "destination folder (created if missing)")->capture_default_str();
    add_store_option(get, ctx);
    ctx.on(get, [get_opts, &ctx] {
        auto store = existing_store(ctx, get_opts->id);
        const auto f = find(store, get_opts->id);
        const cr::CollectionStorage storage(store.data_dir());
        const auto m = storage.manifest(f.pdh);
        storage.copy_to(f.pdh, get_opts->to);
        Result r;
        r.value = Json{{"portable_data_hash", f.pdh}, {"to", get_opts->to}, {"files", m.files.size()}, {"size", m.total_size()}};
        return r;
    });
}

}  // namespace opskit::crctl
