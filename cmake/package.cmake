# The Debian 12 packages, made by `cpack -G DEB` in a build tree:
#   hvsnap          the CLI, hvsim, the shared library, man pages, completions
#   libhvsnap-dev   headers, the .so link, the archive, pkg-config and CMake files
# Configure with -DCMAKE_INSTALL_PREFIX=/usr for packages (GNUInstallDirs
# then picks the multiarch library directory, lib/<triplet>).
if(NOT CMAKE_INSTALL_PREFIX STREQUAL "/usr")
  message(STATUS "hvsnap: packages will install to ${CMAKE_INSTALL_PREFIX}; "
                 "configure with -DCMAKE_INSTALL_PREFIX=/usr for Debian packages")
endif()
# The pkg-config file and the tools' RUNPATH were computed for this prefix,
# so the package must install exactly there.
set(CPACK_PACKAGING_INSTALL_PREFIX "${CMAKE_INSTALL_PREFIX}")

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME hvsnap)
set(CPACK_PACKAGE_VENDOR "the hvsnap developers")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Hyper-V checkpoints from Linux over WS-Management")
set(CPACK_RESOURCE_FILE_LICENSE ${PROJECT_SOURCE_DIR}/LICENSE)
set(CPACK_RESOURCE_FILE_README ${PROJECT_SOURCE_DIR}/README.md)
set(HVSNAP_PACKAGE_MAINTAINER "the hvsnap developers <hvsnap@invalid>"
    CACHE STRING "Maintainer field of the .deb packages")

set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL runtime dev)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${HVSNAP_PACKAGE_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# The licence travels as /usr/share/doc/<package>/copyright (machine-readable,
# "License: MIT"), Debian's place for it; see cmake/install.cmake.

set(CPACK_DEBIAN_RUNTIME_PACKAGE_NAME hvsnap)
set(CPACK_DEBIAN_RUNTIME_PACKAGE_SECTION admin)
# dpkg-shlibdeps derives Depends from the ELF files (libcurl4, libxml2,
# libssl3, libjansson4, libmicrohttpd12, ...); libhvsnap itself is in the
# same package, so it is looked up in the build tree and left out.
set(CPACK_DEBIAN_RUNTIME_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS_PRIVATE_DIRS ${PROJECT_BINARY_DIR})
# A shlibs file, so that packages built against libhvsnap get their
# Depends on hvsnap from dpkg-shlibdeps.
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS_POLICY ">=")
set(CPACK_COMPONENT_RUNTIME_DESCRIPTION
    "hvsnap creates, lists, applies, renames and deletes Hyper-V checkpoints by
talking WS-Management (WinRM) to the host's WMI provider. This package has
the hvsnap tool, the hvsim simulated Hyper-V host and the libhvsnap shared
library. Licence: MIT.")

set(CPACK_DEBIAN_DEV_PACKAGE_NAME libhvsnap-dev)
set(CPACK_DEBIAN_DEV_PACKAGE_SECTION libdevel)
set(HVSNAP_DEV_DEPENDS "hvsnap (= ${PROJECT_VERSION}), libcurl4-openssl-dev, libxml2-dev, libssl-dev")
if(GSSAPI_FOUND)
  string(APPEND HVSNAP_DEV_DEPENDS ", libkrb5-dev")
endif()
set(CPACK_DEBIAN_DEV_PACKAGE_DEPENDS "${HVSNAP_DEV_DEPENDS}")
set(CPACK_DEBIAN_DEV_PACKAGE_RECOMMENDS "pkg-config")
set(CPACK_COMPONENT_DEV_DESCRIPTION
    "Headers, the static library, the pkg-config file (hvsnap) and the CMake
package (find_package(hvsnap)) for programs that use libhvsnap to manage
Hyper-V checkpoints over WS-Management. Licence: MIT.")
set(CPACK_COMPONENT_DEV_DEPENDS runtime)

include(CPack)
