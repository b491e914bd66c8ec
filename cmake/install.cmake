# What `cmake --install` puts under the prefix, and the Debian package made of
# it (`make deb`). The layout and why: ARCHITECTURE.md, "Install layout".
#
#   bin/cpprof
#   lib/libcpprof.so.0.1.0, libcpprof.so.0 (soname), libcpprof.so (link)
#   lib/libcpprof_http.so        beside libcpprof, where ServeDebug loads it
#   include/cpprof/              cpprof.h, http.h, trace.h
#   lib/cmake/cpprof/            find_package(cpprof CONFIG) -> cpprof::cpprof
#   lib/pkgconfig/cpprof.pc      pkg-config --cflags --libs cpprof
#
# lib is CMAKE_INSTALL_LIBDIR (GNUInstallDirs). Only libcpprof is exported:
# the pipeline's static libraries are linked into it and into the CLI
# PRIVATE, so consumers never see them, and the tests, examples and benchmark
# programs are not installed.
include(CMakePackageConfigHelpers)

set(CPPROF_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/cpprof)

install(TARGETS cpprof RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
# Its include directory once installed is its INSTALL_INTERFACE (CMakeLists.txt).
install(TARGETS cpprof_runtime EXPORT cpprofTargets LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
# src/runtime/http_server.cc loads it from the directory libcpprof was loaded
# from, whichever of libcpprof's names the loader used.
install(TARGETS cpprof_http LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/cpprof DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
  FILES_MATCHING PATTERN "*.h")

install(EXPORT cpprofTargets NAMESPACE cpprof:: FILE cpprofTargets.cmake DESTINATION ${CPPROF_CMAKE_DIR})
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/cpprofConfig.cmake.in
  ${PROJECT_BINARY_DIR}/cpprofConfig.cmake INSTALL_DESTINATION ${CPPROF_CMAKE_DIR})
# The soname changes with the major version, and so does what find_package accepts.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/cpprofConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMajorVersion)
install(FILES ${PROJECT_BINARY_DIR}/cpprofConfig.cmake ${PROJECT_BINARY_DIR}/cpprofConfigVersion.cmake
  DESTINATION ${CPPROF_CMAKE_DIR})

# cpprof.pc is written when installing, not configuring: its prefix must be
# the one installed into (`cmake --install build --prefix P`, /usr in the
# Debian package), which a prefix chosen at configure time is not.
install(CODE "set(CPPROF_PC_VERSION \"${PROJECT_VERSION}\")
  set(CPPROF_PC_LIBDIR \"${CMAKE_INSTALL_LIBDIR}\")
  set(CPPROF_PC_INCLUDEDIR \"${CMAKE_INSTALL_INCLUDEDIR}\")
  set(CPPROF_PC_TEMPLATE \"${PROJECT_SOURCE_DIR}/cmake/cpprof.pc.in\")")
install(SCRIPT ${PROJECT_SOURCE_DIR}/cmake/install_pkgconfig.cmake)

# The Debian package (`make deb`: cpack -G DEB in the build directory), only
# when cpprof is the top-level project, so a parent's CPack is left alone.
if(PROJECT_IS_TOP_LEVEL)
  set(CPACK_GENERATOR DEB)
  set(CPACK_PACKAGE_NAME cpprof)
  set(CPACK_PACKAGE_VENDOR cpprof)
  set(CPACK_PACKAGE_CONTACT "cpprof developers <dev@cpprof>")
  set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "pprof for C++: the cpprof CLI and the libcpprof runtime profiler")
  set(CPACK_PACKAGE_DESCRIPTION "cpprof reads profile.proto and the legacy profile formats and prints\n\
pprof's reports. libcpprof profiles the C++ program it is linked into or\n\
preloaded into (LD_PRELOAD=libcpprof.so): CPU, heap, mutex, block and thread\n\
profiles, and Go's /debug/pprof endpoints.")
  # /usr, so that libcpprof.so is found by name (LD_PRELOAD=libcpprof.so) and
  # cpprof is on PATH; lib/ under it is a directory the loader searches.
  set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
  set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # cpprof_<version>_<arch>.deb
  set(CPACK_DEBIAN_PACKAGE_SECTION devel)
  # Depends computed by dpkg-shlibdeps from what the binaries link (libc6,
  # libstdc++6, libdw1, libdeflate0, ...); a shlibs file for libcpprof and
  # postinst and postrm scripts that run ldconfig, updating the loader's cache.
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
  set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)
  set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS_POLICY ">=")
  # What cpprof runs rather than links: graphviz's dot (-svg, -png, -web ...)
  # and binutils' objdump and nm (-disasm, -weblist).
  set(CPACK_DEBIAN_PACKAGE_SUGGESTS "graphviz, binutils")
  set(CPACK_PROJECT_CONFIG_FILE ${PROJECT_SOURCE_DIR}/cmake/cpack_project_config.cmake)
  include(CPack)
endif()
