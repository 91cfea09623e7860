# Every dependency comes from a Debian 12 package (scripts/install-deps installs them).
find_package(CLI11 REQUIRED)       # CLI11::CLI11, header-only
find_package(fmt REQUIRED)         # fmt::fmt
find_package(yaml-cpp REQUIRED)    # yaml-cpp (no namespace in 0.7)
find_package(nlohmann_json 3 REQUIRED)  # nlohmann_json::nlohmann_json
# RapidJSON (header-only): the SAX writer of the streaming `bkctl parse` output.
find_path(RAPIDJSON_INCLUDE_DIR rapidjson/writer.h REQUIRED)
find_package(SQLite3 REQUIRED)     # SQLite::SQLite3
find_package(OpenSSL 3 REQUIRED COMPONENTS Crypto)  # OpenSSL::Crypto: SHA-256 and MD5 (EVP)
find_package(CURL REQUIRED)       # CURL::libcurl: the Docker Engine API (crctl's Swarm engine)
find_package(Threads REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(BLKID REQUIRED IMPORTED_TARGET blkid)      # PkgConfig::BLKID
pkg_check_modules(LIBVIRT REQUIRED IMPORTED_TARGET libvirt)  # PkgConfig::LIBVIRT
pkg_check_modules(LIBXML2 REQUIRED IMPORTED_TARGET libxml-2.0) # PkgConfig::LIBXML2 (libvirt loads it too)
if(OPSKIT_BUILD_TESTS)
  find_package(Catch2 2 REQUIRED)  # Catch2::Catch2WithMain (v2.13 in Debian 12)
endif()
