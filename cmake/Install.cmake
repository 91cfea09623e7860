# What `cmake --install` puts where: the domain libraries with their headers, a CMake package
# (find_package(opskit), targets opskit::core … opskit::vm and opskit::opskit for all of
# them) and pkg-config files (opskit-<domain>.pc each, opskit.pc for all), so other programs
# can build on libopskit.
include(CMakePackageConfigHelpers)

set(OPSKIT_DOMAIN_TARGETS "")
foreach(domain IN LISTS OPSKIT_DOMAINS)
  list(APPEND OPSKIT_DOMAIN_TARGETS opskit_${domain})
  # $ORIGIN: a domain finds the domains it builds on next to itself in any unpacked tree.
  set_target_properties(opskit_${domain} PROPERTIES INSTALL_RPATH "$ORIGIN")
endforeach()
foreach(tool bkctl crctl vmctl)
  # Relative rpath: the same binary works from /usr, /usr/local, a DESTDIR or an unpacked .deb.
  set_target_properties(${tool} PROPERTIES INSTALL_RPATH "$ORIGIN/../${CMAKE_INSTALL_LIBDIR}")
endforeach()

install(TARGETS ${OPSKIT_DOMAIN_TARGETS} opskit EXPORT opskitTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
# Plugins (loaded by their domain at run time) sit beside the domains, outside the export.
install(TARGETS ${OPSKIT_PLUGINS} LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(FILES ${OPSKIT_LD_SCRIPT} DESTINATION ${CMAKE_INSTALL_LIBDIR})
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
set(OPSKIT_PC_ALL "")
foreach(domain IN LISTS OPSKIT_DOMAINS)
  set(OPSKIT_PC_DOMAIN ${domain})
  # What the domain's public headers build on: core for every other domain, plus the
  # domains it USES (the INTERFACE_LINK_LIBRARIES of its target).
  get_target_property(uses opskit_${domain} INTERFACE_LINK_LIBRARIES)
  set(OPSKIT_PC_REQUIRES "")
  foreach(dep IN LISTS uses)
    if(dep MATCHES "^opskit_(.+)$")
      list(APPEND OPSKIT_PC_REQUIRES opskit-${CMAKE_MATCH_1})
    elseif(dep STREQUAL "nlohmann_json::nlohmann_json")
      list(APPEND OPSKIT_PC_REQUIRES nlohmann_json)
    endif()
  endforeach()
  list(JOIN OPSKIT_PC_REQUIRES " " OPSKIT_PC_REQUIRES)
  configure_file(${PROJECT_SOURCE_DIR}/cmake/opskit-domain.pc.in ${PROJECT_BINARY_DIR}/opskit-${domain}.pc @ONLY)
  install(FILES ${PROJECT_BINARY_DIR}/opskit-${domain}.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
  string(APPEND OPSKIT_PC_ALL " opskit-${domain}")
endforeach()
configure_file(${PROJECT_SOURCE_DIR}/cmake/opskit.pc.in ${PROJECT_BINARY_DIR}/opskit.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/opskit.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
