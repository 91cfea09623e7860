// Shared by the device tests: a temp folder that removes itself and points BLKID_FILE at a
// private blkid cache meanwhile, so tests never read or write the machine's cache.
#pragma once

#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <optional>
#include <string>

struct DeviceScratch {
    std::filesystem::path dir;
    std::optional<std::string> old_blkid;
    DeviceScratch() {
        char tmpl[] = "/tmp/opskit-devtest.XXXXXX";
        dir = ::mkdtemp(tmpl);
        if (const char* o = std::getenv("BLKID_FILE")) old_blkid = o;
        ::setenv("BLKID_FILE", (dir / "blkid.tab").c_str(), 1);
    }
    ~DeviceScratch() {
        if (old_blkid) ::setenv("BLKID_FILE", old_blkid->c_str(), 1);
        else ::unsetenv("BLKID_FILE");
        std::error_code ec;
        std::filesystem::remove_all(dir, ec);
    }
    DeviceScratch(const DeviceScratch&) = delete;
    DeviceScratch& operator=(const DeviceScratch&) = delete;
};
