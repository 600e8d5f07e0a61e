# What `cmake --install` puts in place: the CLI and hvsim, the shared and
# static library, every public header, man pages, shell completions, the
# licence, a pkg-config file and a CMake package config. Components split it
# the way the .deb files do (cmake/package.cmake): "runtime" is what a user of
# the tool needs, "dev" what a program linking libhvsnap needs.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

# An install() without COMPONENT still lands in a package.
set(CMAKE_INSTALL_DEFAULT_COMPONENT_NAME runtime)

# Outside the system library directories the installed tools would not find
# libhvsnap, so they get a relative RUNPATH there (never in /usr).
list(FIND CMAKE_C_IMPLICIT_LINK_DIRECTORIES "${CMAKE_INSTALL_FULL_LIBDIR}" _hvsnap_sys_libdir)
if(_hvsnap_sys_libdir EQUAL -1)
  file(RELATIVE_PATH _hvsnap_bin_to_lib "${CMAKE_INSTALL_FULL_BINDIR}"
       "${CMAKE_INSTALL_FULL_LIBDIR}")
  set_target_properties(hvsnap_cli PROPERTIES INSTALL_RPATH "$ORIGIN/${_hvsnap_bin_to_lib}")
endif()

install(TARGETS hvsnap_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT runtime)
if(TARGET hvsim)
  install(TARGETS hvsim RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT runtime)
endif()

# The soname'd library is runtime; the unversioned .so link, the archive and
# the headers are only for building against it.
install(TARGETS hvsnap hvsnap_static EXPORT hvsnapTargets
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT runtime
                NAMELINK_COMPONENT dev
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT dev
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
# Every public header, whatever headers there are: a glob, not a list.
install(DIRECTORY include/hvsnap/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/hvsnap
        COMPONENT dev FILES_MATCHING PATTERN "*.h")

file(GLOB HVSNAP_MAN1_PAGES CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/docs/*.1)
install(FILES ${HVSNAP_MAN1_PAGES} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1
        COMPONENT runtime)
install(FILES contrib/completion/hvsnap.bash
        DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/bash-completion/completions
        RENAME hvsnap COMPONENT runtime)
install(FILES contrib/completion/_hvsnap
        DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/zsh/vendor-completions
        COMPONENT runtime)
install(FILES LICENSE contrib/debian/copyright
        DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/doc/hvsnap COMPONENT runtime)
# Debian wants the licence in every package's own doc directory.
install(FILES contrib/debian/copyright
        DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/doc/libhvsnap-dev COMPONENT dev)

# pkg-config: the shared library by default; `--static` and
# `--print-requires-private` name what the archive needs on the link line.
set(HVSNAP_PC_REQUIRES_PRIVATE "libcurl libxml-2.0 openssl")
if(GSSAPI_FOUND)
  string(APPEND HVSNAP_PC_REQUIRES_PRIVATE " krb5-gssapi")
endif()
# Paths relative to ${prefix} where GNUInstallDirs gives relative ones, as
# pkg-config users expect (PKG_CONFIG_SYSROOT_DIR, --define-variable).
foreach(dir LIBDIR INCLUDEDIR)
  if(IS_ABSOLUTE "${CMAKE_INSTALL_${dir}}")
    set(HVSNAP_PC_${dir} "${CMAKE_INSTALL_${dir}}")
  else()
    set(HVSNAP_PC_${dir} "\${prefix}/${CMAKE_INSTALL_${dir}}")
  endif()
endforeach()
configure_file(cmake/hvsnap.pc.in ${PROJECT_BINARY_DIR}/hvsnap.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/hvsnap.pc
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig COMPONENT dev)

# find_package(hvsnap): imported targets hvsnap::hvsnap and
# hvsnap::hvsnap_static. Before 1.0 a new minor version may break the ABI,
# so only the same major.minor is compatible.
set(HVSNAP_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/hvsnap)
if(GSSAPI_FOUND)
  set(HVSNAP_HAVE_GSSAPI ON)
else()
  set(HVSNAP_HAVE_GSSAPI OFF)
endif()
install(EXPORT hvsnapTargets NAMESPACE hvsnap:: DESTINATION ${HVSNAP_CMAKE_DIR}
        COMPONENT dev)
configure_package_config_file(cmake/hvsnapConfig.cmake.in
  ${PROJECT_BINARY_DIR}/hvsnapConfig.cmake INSTALL_DESTINATION ${HVSNAP_CMAKE_DIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/hvsnapConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/hvsnapConfig.cmake
        ${PROJECT_BINARY_DIR}/hvsnapConfigVersion.cmake
        DESTINATION ${HVSNAP_CMAKE_DIR} COMPONENT dev)
