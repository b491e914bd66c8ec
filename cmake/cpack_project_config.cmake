# Read by cpack (CPACK_PROJECT_CONFIG_FILE in cmake/install.cmake). CPack's
# DEB generator warns, as a developer warning, about every shared object
# without a soname, which libcpprof_http.so is by design (a module dlopen'ed
# by path, that nothing links): it is rightly left out of the shlibs file.
set(CMAKE_SUPPRESS_DEVELOPER_WARNINGS ON)
