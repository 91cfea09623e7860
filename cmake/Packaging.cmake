# `cpack` (or `cmake --build build --target package`) makes a .deb of the whole install.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME opskit)
set(CPACK_PACKAGE_VENDOR "opskit")
set(CPACK_PACKAGE_CONTACT "opskit maintainers <opskit@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# What shlibdeps cannot see: libopskit-cr dlopen()s OpenSSL 3's libcrypto on its first digest
# and SQLite on its first store, libopskit-device libblkid on its first device.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libssl3, libsqlite3-0, libblkid1")
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_PACKAGE_DIRECTORY ${PROJECT_BINARY_DIR}/package)
include(CPack)
