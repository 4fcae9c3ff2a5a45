# add_container_toolchain(): a toolchain rootfs, made once into the cache by
# `ocimake toolchain`, whose path lands in
# ${CMAKE_BINARY_DIR}/CMakeFiles/ocimake-toolchains/<name>.rootfs.
include_guard(GLOBAL)

function(_ocimake_add_toolchain name)
  _ocimake_cache_args(cache_args)
  _ocimake_keywords(add_container_toolchain options one_value multi_value)
  cmake_parse_arguments(PARSE_ARGV 1 arg "${options}" "${one_value}" "${multi_value}")
  _ocimake_check_arguments(add_container_toolchain "${name}" arg)
  if(OCIMAKE_IN_BUILD_STAGE)
    return()
  endif()
  if(NOT name MATCHES "^[A-Za-z0-9][A-Za-z0-9._+-]*$")
    message(FATAL_ERROR "add_container_toolchain(${name}): the name must be letters, digits "
      "and ._+-")
  endif()
  get_property(existing GLOBAL PROPERTY "OCIMAKE_TOOLCHAIN_${name}")
  if(existing)
    message(FATAL_ERROR "add_container_toolchain(${name}): a toolchain named ${name} already "
      "exists")
  endif()
  set(kinds "")
  foreach(kind ROOTFS TARBALL IMAGE DEBIAN)
    if(DEFINED arg_${kind})
      list(APPEND kinds ${kind})
    endif()
  endforeach()
  list(LENGTH kinds count)
  if(NOT count EQUAL 1)
    message(FATAL_ERROR "add_container_toolchain(${name}): give exactly one of ROOTFS, "
      "TARBALL, IMAGE or DEBIAN")
  endif()
  if((arg_PACKAGES OR DEFINED arg_MIRROR OR DEFINED arg_ARCH OR arg_PLATFORMS)
      AND NOT DEFINED arg_DEBIAN)
    message(FATAL_ERROR "add_container_toolchain(${name}): PACKAGES, MIRROR, ARCH and "
      "PLATFORMS go with DEBIAN")
  endif()
  _ocimake_check_platforms(add_container_toolchain "${name}" "${arg_DEBIAN}" ${arg_PLATFORMS})
  _ocimake_host_platform(host)
  set_property(GLOBAL PROPERTY "OCIMAKE_TOOLCHAIN_PLATFORMS_${name}" ${host} ${arg_PLATFORMS})
  if(DEFINED arg_DEBIAN)
    # What a DEBIAN toolchain has is known now (COMPILER_CACHE checks it).
    set_property(GLOBAL PROPERTY "OCIMAKE_TOOLCHAIN_PACKAGES_${name}" "${arg_PACKAGES}")
  endif()

  set(out "${CMAKE_BINARY_DIR}/CMakeFiles/ocimake-toolchains/${name}.rootfs")
  # The depfile names the cache entry's spec file: a toolchain removed by
  # `ocimake cache prune` is made again by the next build.
  set(args --name "${name}" --output "${out}" --depfile "${out}.d" ${cache_args})
  set(depends "")
  set(comment "Making toolchain ${name} (once; kept in the ocimake cache)")
  if(DEFINED arg_ROOTFS)
    cmake_path(ABSOLUTE_PATH arg_ROOTFS BASE_DIRECTORY "${CMAKE_CURRENT_SOURCE_DIR}" NORMALIZE)
    list(APPEND args --rootfs "${arg_ROOTFS}")
  elseif(DEFINED arg_TARBALL)
    cmake_path(ABSOLUTE_PATH arg_TARBALL BASE_DIRECTORY "${CMAKE_CURRENT_SOURCE_DIR}" NORMALIZE)
    list(APPEND args --tarball "${arg_TARBALL}")
    set(depends "${arg_TARBALL}")
  elseif(DEFINED arg_IMAGE)
    set(image "${arg_IMAGE}")
    cmake_path(ABSOLUTE_PATH image BASE_DIRECTORY "${CMAKE_CURRENT_SOURCE_DIR}" NORMALIZE)
    if(EXISTS "${image}")
      set(arg_IMAGE "${image}")
      if(IS_DIRECTORY "${image}")
        set(depends "${image}/index.json")
      else()
        set(depends "${image}")
      endif()
    endif()
    list(APPEND args --image "${arg_IMAGE}")
  else()
    list(APPEND args --debian "${arg_DEBIAN}")
    set(comment
      "Making toolchain ${name} (mmdebstrap: minutes the first time; then the ocimake cache)")
    foreach(package IN LISTS arg_PACKAGES)
      list(APPEND args --package "${package}")
    endforeach()
    if(DEFINED arg_MIRROR)
      list(APPEND args --mirror "${arg_MIRROR}")
    endif()
    if(DEFINED arg_ARCH)
      list(APPEND args --arch "${arg_ARCH}")
    endif()
    foreach(platform IN LISTS arg_PLATFORMS)
      list(APPEND args --platform "${platform}")
    endforeach()
  endif()
  add_custom_command(OUTPUT "${out}"
    COMMAND ocimake::ocimake toolchain ${args}
    DEPENDS ocimake::ocimake ${depends}
    DEPFILE "${out}.d"
    USES_TERMINAL
    COMMENT "${comment}"
    VERBATIM)
  add_custom_target("ocimake-toolchain-${name}" DEPENDS "${out}")
  set_target_properties("ocimake-toolchain-${name}" PROPERTIES OCIMAKE_IMAGE TRUE)
  set_property(GLOBAL PROPERTY "OCIMAKE_TOOLCHAIN_${name}" "${out}")
endfunction()
