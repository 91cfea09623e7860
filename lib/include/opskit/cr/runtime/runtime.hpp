// Runtimes turn a container into one argv: `bwrap …` for the host runtime, `podman run …` or
// `docker run …` for the engines. The conversion is pure (a container plus the prepared
// mounts in, argv out) and validates first, rejecting with one clear error everything the
// runtime cannot express — never a shell string. Preparing the mounts (fresh tmp folders,
// json/text files, collection folders, host paths) is the one step that touches the disk,
// and it is planned first without touching it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "opskit/core/output.hpp"
#include "opskit/cr/lifecycle/model.hpp"

namespace opskit::cr {

class CollectionStorage;

/// Where a container runs.
enum class RuntimeKind { host, podman, docker };

/// `host`, `podman`, `docker`; anything else → Error(usage) naming the text.
RuntimeKind parse_runtime_kind(std::string_view text);
/// The runtime names parse_runtime_kind accepts (for help and completion).
const std::vector<std::string>& runtime_names();
std::string_view to_string(RuntimeKind kind) noexcept;

/// The program a runtime runs when none is configured: `bwrap`, `podman`, `/usr/bin/docker`
/// (the podman-docker shim by full path: PATH may find a Docker client without an engine).
std::string default_runtime_program(RuntimeKind kind);

/// What a runtime needs to know about one container, taken from its record.
struct RunSpec {
    std::string uuid;
    std::vector<std::string> command;
    std::string image;                          ///< `host`, a rootfs folder, or an engine image id
    std::string cwd;
    std::vector<std::pair<std::string, std::string>> environment;  ///< sorted by name
    Json mounts = Json::object();               ///< target → mount object
    std::string output_path;
    double vcpus = 1;
    std::uint64_t ram = 0;                      ///< bytes; 0 = no limit
    std::int64_t max_run_time = 0;              ///< seconds; 0 = none
    std::vector<std::string> partitions;
    std::filesystem::path store_path;           ///< exported as CRCTL_STORE
};

/// Reads the fields of a container; values of the wrong type → Error(usage) naming the field.
RunSpec run_spec_from(const Container& container, const std::filesystem::path& store_path);

/// One prepared mount: a host path placed at `target`.
struct Binding {
    std::filesystem::path source;
    std::string target;
    bool writable = false;
    std::string kind;                           ///< tmp, json, text, collection, host
};

/// The mounts of a run, ready to bind; sorted by target (parents first).
struct PreparedMounts {
    std::vector<Binding> bindings;
    std::filesystem::path output_source;        ///< host side of output_path (folder or file)
};

/// One thing a run's mounts need made on disk.
struct MountSlot {
    enum class Make { folder, file, copy };
    Make make = Make::folder;
    std::filesystem::path path;                 ///< under `<work_dir>/mounts/`
    std::string target;                         ///< the mount it is for (named in errors)
    std::string content;                        ///< Make::file: what the file holds
    std::filesystem::path copy_from;            ///< Make::copy: the stored folder copied into `path`
};

/// What prepare_mounts does, decided before anything is written.
struct MountPlan {
    PreparedMounts mounts;                      ///< the bindings the runtime gets
    std::filesystem::path mounts_dir;           ///< `<work_dir>/mounts`, made private
    std::vector<MountSlot> slots;               ///< made in this order
};

/// Plans the mounts under `work_dir`: a fresh folder per tmp mount, a file per json/text
/// mount, the stored folder of a collection mount (by portable data hash; a private copy
/// when writable), host paths as they are. Writes nothing (it reads only to check that
/// collections and host paths exist), so `crctl container export` shows what an engine
/// would bind. An unsupported kind, a missing collection or host path, or an output_path
/// that is not a mount target → Error naming the mount.
MountPlan plan_mounts(const RunSpec& spec, const std::filesystem::path& work_dir, const CollectionStorage& collections);

/// Makes what `plan` lists; a filesystem failure → Error(failed) naming the mount.
void create_mounts(const MountPlan& plan);

/// plan_mounts, then create_mounts: the mounts of a run, ready to bind.
PreparedMounts prepare_mounts(const RunSpec& spec, const std::filesystem::path& work_dir,
                              const CollectionStorage& collections);

/// The top of a root filesystem as the host sandbox rebuilds it: folders to bind read-only
/// and symlinks to recreate.
struct RootLayout {
    std::filesystem::path root;                 ///< `/` or the image folder
    std::vector<std::string> dirs;              ///< top-level folder names
    std::vector<std::pair<std::string, std::string>> symlinks;  ///< name → link target
};

/// Lists the top level of `root`, leaving out what the sandbox provides itself (proc, dev,
/// sys, tmp, run, lost+found).
RootLayout scan_root(const std::filesystem::path& root);

struct SandboxOptions {
    std::string program = "bwrap";
};

/// The bubblewrap argv for the host runtime: a tmpfs root with `layout`'s folders bound
/// read-only and its symlinks recreated, fresh /proc, /dev and /tmp, the mounts at their
/// targets, its own PID namespace, killed with the dispatcher, a clean environment of the
/// container's variables plus CRCTL_CONTAINER_UUID and CRCTL_STORE, then the command.
/// Rejects (Error(usage), every problem at once) what bwrap cannot express.
std::vector<std::string> sandbox_argv(const RunSpec& spec, const PreparedMounts& mounts, const RootLayout& layout,
                                      const SandboxOptions& options = {});

struct EngineOptions {
    RuntimeKind kind = RuntimeKind::podman;
    std::string program = "podman";
    /// Added after `run` (platform needs, e.g. `--runtime runc --ulimit nofile=1024:1024`).
    std::vector<std::string> extra_args;
};

/// The engine argv: `run --rm --name crctl-<uuid>`, `-v` per mount, `--cpus`/`--memory`
/// from the constraints, `-w`, `-e`, the image, the command. Rejects (Error(usage), every
/// problem at once) what the engine cannot express: the `host` image or a rootfs path, a
/// relative cwd, `:` or `,` in mount paths, bad variable names, less RAM than the engine's
/// minimum (6 MiB).
std::vector<std::string> engine_argv(const RunSpec& spec, const PreparedMounts& mounts, const EngineOptions& options);

/// The argv that runs `spec` with `runtime`: for RuntimeKind::host the sandbox over `layout`
/// (the image's root is scanned when none is given) with `runtime.program` as bwrap, else
/// engine_argv(). One choice for the local engine and the node side of remote engines.
std::vector<std::string> runtime_argv(const RunSpec& spec, const PreparedMounts& mounts, const EngineOptions& runtime,
                                      const RootLayout* layout = nullptr);

/// The engine's image id for `image` (`podman image inspect --format {{.Id}}`); unknown image
/// → Error(usage) naming it; engine not runnable → Error(unavailable).
std::string resolve_engine_image(const EngineOptions& options, std::string_view image);

/// Removes a leftover engine container `crctl-<uuid>` (after a dispatcher died); best effort.
void remove_engine_container(const EngineOptions& options, std::string_view uuid);

/// True for a portable environment variable name (letters, digits, `_`, not starting with a digit).
bool is_env_name(std::string_view name);

/// The container name used by the engines.
std::string engine_container_name(std::string_view uuid);

}  // namespace opskit::cr
