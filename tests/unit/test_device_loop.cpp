// Device resolution on real loop devices (root only): tags found by libblkid's scan without
// seeding, major:minor and size of the node, and partitions added with `partx -a` (this
// kernel does no partition scanning) named as make_dev_path says. Every loop device is
// detached by a guard, also when a check fails.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>

#include "opskit/core/error.hpp"
#include "opskit/core/process.hpp"
#include "opskit/device/resolve.hpp"
#include "test_device_scratch.hpp"

namespace fs = std::filesystem;
using namespace opskit;

namespace {

std::string run_out(std::vector<std::string> argv, const std::string& input = {}) {
    ProcessSpec spec;
    spec.argv = std::move(argv);
    if (!input.empty()) spec.stdin_data = input;
    const auto r = run_process(spec);
    if (!r.success()) throw std::runtime_error(spec.argv.front() + " failed: " + r.err);
    auto out = r.out;
    while (!out.empty() && out.back() == '\n') out.pop_back();
    return out;
}

// Attaches an image; detaches (partitions first) on every exit path.
struct Loop {
    std::string dev;
    bool partitions = false;
    explicit Loop(const fs::path& img) { dev = run_out({"losetup", "-f", "--show", img.string()}); }
    ~Loop() {
        try {
            if (partitions) run_out({"partx", "-d", dev});
        } catch (...) {
        }
        try {
            run_out({"losetup", "-d", dev});
        } catch (...) {
        }
    }
};


bool loop_usable(std::string& why) {
    if (::geteuid() != 0) why = "needs root for losetup";
    else if (!fs::exists("/dev/loop-control")) why = "no /dev/loop-control (loop driver missing)";
    else if (!find_program("losetup") || !find_program("mkfs.ext4")) why = "losetup or mkfs.ext4 missing";
    else return true;
    return false;
}

}  // namespace

TEST_CASE("loop device: resolved by path and by UUID=/LABEL= without seeding", "[device][loop]") {
    std::string why;
    if (!loop_usable(why)) {
        WARN("skipped: " << why);
        return;
    }
    DeviceScratch s;
    const auto img = s.dir / "disk.img";
    std::ofstream(img).close();
    fs::resize_file(img, 16u << 20);
    Loop loop(img);
    run_out({"mkfs.ext4", "-q", "-F", "-L", "bkloop", "-U", "0c5d7f3e-1a2b-4c3d-8e9f-a0b1c2d3e4f5", loop.dev});
    const auto by_path = device::resolve_device(loop.dev);
    CHECK(by_path.block);
    CHECK(by_path.major == 7);
    CHECK(by_path.size == (16u << 20));
    CHECK(by_path.probed.at("TYPE") == "ext4");
    const auto by_uuid = device::resolve_device("UUID=0c5d7f3e-1a2b-4c3d-8e9f-a0b1c2d3e4f5");
    CHECK(by_uuid.path == by_path.path);
    CHECK(by_uuid.via == "tag");
    CHECK(device::resolve_device("LABEL=bkloop").path == by_path.path);
    // a node made with mknod elsewhere is the same device
    const auto node = s.dir / "node";
    run_out({"mknod", node.string(), "b", std::to_string(by_path.major), std::to_string(by_path.minor)});
    const auto via_node = device::resolve_device(node.string());
    CHECK(via_node.major == by_path.major);
    CHECK(via_node.minor == by_path.minor);
    CHECK(via_node.probed.at("UUID") == "0c5d7f3e-1a2b-4c3d-8e9f-a0b1c2d3e4f5");
}

TEST_CASE("loop device partitions from partx -a: PARTUUID= and make_dev_path", "[device][loop]") {
    std::string why;
    if (!loop_usable(why)) {
        WARN("skipped: " << why);
        return;
    }
    if (!find_program("sfdisk") || !find_program("partx")) {
        WARN("skipped: sfdisk/partx missing (fdisk, util-linux)");
        return;
    }
    DeviceScratch s;
    const auto img = s.dir / "parts.img";
    std::ofstream(img).close();
    fs::resize_file(img, 24u << 20);
    run_out({"sfdisk", "--quiet", img.string()},
            "label: gpt\nsize=8MiB, name=bkpart1, uuid=3b8e2f4a-9c1d-4e5f-a6b7-c8d9e0f1a2b3\nsize=8MiB, name=bkpart2\n");
    Loop loop(img);
    run_out({"partx", "-a", loop.dev});
    loop.partitions = true;
    const auto name = fs::path(loop.dev).filename().string();
    const auto p1 = device::make_dev_path(name, 1);
    REQUIRE(fs::exists(p1));
    run_out({"mkfs.ext4", "-q", "-F", "-L", "bkp1", p1.string()});
    const auto by_partuuid = device::resolve_device("PARTUUID=3b8e2f4a-9c1d-4e5f-a6b7-c8d9e0f1a2b3");
    CHECK(by_partuuid.path == p1);
    CHECK(by_partuuid.probed.at("TYPE") == "ext4");
    CHECK(device::resolve_device("PARTLABEL=bkpart1").path == p1);
    CHECK(device::resolve_device("PARTLABEL=bkpart2").path == device::make_dev_path(name, 2));
    CHECK(device::resolve_device(p1.string()).size == (8u << 20));
}
