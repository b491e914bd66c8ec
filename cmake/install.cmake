# What `cmake --install` puts under the prefix. The layout and why:
# ARCHITECTURE.md, "Install layout".
#
#   bin/cpprof
#   lib/libcpprof.so.0.1.0, libcpprof.so.0 (soname), libcpprof.so (link)
#   lib/libcpprof_http.so        beside libcpprof, where ServeDebug loads it
#   include/cpprof/              cpprof.h, http.h
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

