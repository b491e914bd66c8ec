# Run by `cmake --install` (cmake/install.cmake): writes cpprof.pc for the
# prefix being installed into, CMAKE_INSTALL_PREFIX at install time, under
# DESTDIR when one is set.
set(CPPROF_PC_PREFIX "${CMAKE_INSTALL_PREFIX}")
foreach(dir LIBDIR INCLUDEDIR)
  if(IS_ABSOLUTE "${CPPROF_PC_${dir}}")
    set(CPPROF_PC_FULL_${dir} "${CPPROF_PC_${dir}}")
  else()
    set(CPPROF_PC_FULL_${dir} "\${prefix}/${CPPROF_PC_${dir}}")
  endif()
endforeach()
if(IS_ABSOLUTE "${CPPROF_PC_LIBDIR}")
  set(pc_file "$ENV{DESTDIR}${CPPROF_PC_LIBDIR}/pkgconfig/cpprof.pc")
else()
  set(pc_file "$ENV{DESTDIR}${CMAKE_INSTALL_PREFIX}/${CPPROF_PC_LIBDIR}/pkgconfig/cpprof.pc")
endif()
message(STATUS "Installing: ${pc_file}")
configure_file("${CPPROF_PC_TEMPLATE}" "${pc_file}" @ONLY)
list(APPEND CMAKE_INSTALL_MANIFEST_FILES "${pc_file}")
