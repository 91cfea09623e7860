# What `cmake --install` puts where: the library with its headers, a CMake package
# (find_package(opskit)) and a pkg-config file, so other programs can build on libopskit.
include(CMakePackageConfigHelpers)

set_target_properties(opskit PROPERTIES INSTALL_RPATH "")
foreach(tool bkctl crctl vmctl)
  # Relative rpath: the same binary works from /usr, /usr/local, a DESTDIR or an unpacked .deb.
  set_target_properties(${tool} PROPERTIES INSTALL_RPATH "$ORIGIN/../${CMAKE_INSTALL_LIBDIR}")
endforeach()

install(TARGETS opskit EXPORT opskitTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/lib/include/opskit DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT opskitTargets NAMESPACE opskit:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/opskit)

configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/opskitConfig.cmake.in
  ${PROJECT_BINARY_DIR}/opskitConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/opskit)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/opskitConfigVersion.cmake
  COMPATIBILITY SameMajorVersion)
install(FILES ${PROJECT_BINARY_DIR}/opskitConfig.cmake ${PROJECT_BINARY_DIR}/opskitConfigVersion.cmake
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/opskit)

file(RELATIVE_PATH OPSKIT_PC_TO_PREFIX /prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig /prefix)
configure_file(${PROJECT_SOURCE_DIR}/cmake/opskit.pc.in ${PROJECT_BINARY_DIR}/opskit.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/opskit.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
