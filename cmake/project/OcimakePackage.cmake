# The ocimake package config, for find_package(ocimake):
#  - installed: <prefix>/lib/cmake/ocimake/ocimake-config.cmake, with the
#    module files beside it and ocimake::ocimake imported from <prefix>/bin;
#  - build tree: ${PROJECT_BINARY_DIR}/ocimake-config.cmake, using the module
#    files from the source tree and the tool built here.
include(CMakePackageConfigHelpers)
set(_ocimake_cmake_install_dir "${CMAKE_INSTALL_LIBDIR}/cmake/ocimake")

# Build tree.
set(OCIMAKE_CONFIG_MODULE_DIR "${PROJECT_SOURCE_DIR}/cmake")
# Both tools are built into ${PROJECT_BINARY_DIR}/bin, so the build-tree
# config can name them at configure time (the examples find_package() it
# while this project is still being configured).
set_target_properties(ocimake PROPERTIES RUNTIME_OUTPUT_DIRECTORY "${PROJECT_BINARY_DIR}/bin")
set(OCIMAKE_TOOL_LOCATION "${PROJECT_BINARY_DIR}/bin/ocimake")
if(TARGET ocimake-sandbox)
  set_target_properties(ocimake-sandbox PROPERTIES
    RUNTIME_OUTPUT_DIRECTORY "${PROJECT_BINARY_DIR}/bin")
endif()
set(OCIMAKE_SANDBOX_LOCATION "${PROJECT_BINARY_DIR}/bin/ocimake-sandbox")
configure_file(cmake/ocimake-config.cmake.in "${PROJECT_BINARY_DIR}/ocimake-config.cmake" @ONLY)
write_basic_package_version_file("${PROJECT_BINARY_DIR}/ocimake-config-version.cmake"
  COMPATIBILITY SameMajorVersion)

# Install tree: paths relative to the config file's own location.
set(OCIMAKE_CONFIG_MODULE_DIR "\${CMAKE_CURRENT_LIST_DIR}")
set(OCIMAKE_TOOL_LOCATION "\${_ocimake_prefix}/${CMAKE_INSTALL_BINDIR}/ocimake")
set(OCIMAKE_SANDBOX_LOCATION "\${_ocimake_prefix}/${CMAKE_INSTALL_BINDIR}/ocimake-sandbox")
configure_file(cmake/ocimake-config.cmake.in
  "${PROJECT_BINARY_DIR}/install/ocimake-config.cmake" @ONLY)
if(OCIMAKE_INSTALL)
  install(FILES
    "${PROJECT_BINARY_DIR}/install/ocimake-config.cmake"
    "${PROJECT_BINARY_DIR}/ocimake-config-version.cmake"
    cmake/Ocimake.cmake
    DESTINATION "${_ocimake_cmake_install_dir}")
  install(DIRECTORY cmake/ocimake DESTINATION "${_ocimake_cmake_install_dir}")
endif()
