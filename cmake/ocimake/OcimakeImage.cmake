# add_container_image(): the Ninja edges of one image.
#
#   stage    cmake --install of the calling directory into a staging tree
#   closure  the shared libraries the staged ELF files need
#   libs     layer of the closure          (restat: skipped when unchanged)
#   app      layer of the staging tree     (restat: skipped when unchanged)
#   image    config + manifest + index.json in the image's OCI layout
#   archive  <name>.tar for docker load / podman load (own target)
#
# Each writes its output only when the bytes change, and CMake's Ninja
# generator marks custom commands restat, so an edit re-runs only the edges
# whose inputs really changed.
include_guard(GLOBAL)

# (Keyword lists live inside the function: include_guard(GLOBAL) means this
# file is read once, in whichever directory first finds ocimake, and a
# directory-scoped variable would not be seen from sibling directories.)
function(_ocimake_add_image name)
  _ocimake_cache_args(cache_args)
  set(options ALL)
  set(one_value BASE TAG WORKDIR USER PREFIX COMPRESSION OS ARCH STOP_SIGNAL TOOLCHAIN
    TEST_STAGE PUSH_TO)
  set(multi_value ENTRYPOINT CMD ENV EXPOSE VOLUMES LABELS ANNOTATIONS COMPONENTS SECRETS
    CACHE_VARIABLES)
  cmake_parse_arguments(PARSE_ARGV 1 arg "${options}" "${one_value}" "${multi_value}")
  _ocimake_check_arguments(add_container_image "${name}" arg)
  if(OCIMAKE_IN_BUILD_STAGE)
    return()  # inside a toolchain build: the outer build makes the image
  endif()
  _ocimake_check_name(add_container_image "${name}")
  foreach(secret IN LISTS arg_SECRETS)
    if(NOT secret MATCHES "^id=[A-Za-z0-9_.-]+,src=.+$")
      message(FATAL_ERROR "add_container_image(${name}): SECRETS ${secret}: expected "
        "id=ID,src=PATH")
    endif()
  endforeach()
  if((arg_TEST_STAGE OR arg_SECRETS OR arg_CACHE_VARIABLES) AND NOT arg_TOOLCHAIN)
    message(FATAL_ERROR "add_container_image(${name}): TEST_STAGE, SECRETS and "
      "CACHE_VARIABLES need a TOOLCHAIN (a build stage)")
  endif()
  if(arg_TOOLCHAIN)
    get_property(toolchain_file GLOBAL PROPERTY "OCIMAKE_TOOLCHAIN_${arg_TOOLCHAIN}")
    if(NOT toolchain_file)
      message(FATAL_ERROR "add_container_image(${name}): TOOLCHAIN ${arg_TOOLCHAIN}: no such "
        "toolchain (declare it first with add_container_toolchain())")
    endif()
  endif()
  if(NOT CMAKE_GENERATOR MATCHES "Ninja")
    message(FATAL_ERROR "add_container_image(${name}): ocimake needs the Ninja generator "
      "(its incremental image edges rely on Ninja's restat and depfiles); "
      "configure with: cmake -G Ninja")
  endif()
  if(NOT DEFINED arg_BASE)
    set(arg_BASE scratch)
  endif()
  if(NOT DEFINED arg_TAG)
    set(arg_TAG "${name}:latest")
  endif()
  if(NOT DEFINED arg_PREFIX)
    set(arg_PREFIX /usr/local)
  endif()
  if(NOT DEFINED arg_COMPRESSION)
    set(arg_COMPRESSION gzip)
  endif()
  _ocimake_check_choice(add_container_image "${name}" COMPRESSION "${arg_COMPRESSION}"
    gzip zstd none)
  if(NOT arg_PREFIX MATCHES "^/")
    message(FATAL_ERROR "add_container_image(${name}): PREFIX ${arg_PREFIX}: expected an "
      "absolute path inside the image")
  endif()

  set(layout "${CMAKE_CURRENT_BINARY_DIR}/${name}")
  set(work "${CMAKE_CURRENT_BINARY_DIR}/CMakeFiles/${name}.ocimake")
  set(store "${work}/store")
  file(MAKE_DIRECTORY "${work}")

  _ocimake_write_settings("${name}" "${work}/settings.json")
  _ocimake_resolve_base("${name}" "${arg_BASE}" "${work}" base base_depends)

  set(epoch --epoch "${OCIMAKE_SOURCE_DATE_EPOCH}")
  set(compression --compression "${arg_COMPRESSION}")
  set(tool ocimake::ocimake)

  # The closure is resolved where the program will have been built: the
  # toolchain's rootfs, or the host.
  set(root --root /)
  set(root_depends "")
  if(arg_TOOLCHAIN)
    set(root --root-file "${toolchain_file}")
    set(root_depends "${toolchain_file}")
  endif()
  add_custom_command(OUTPUT "${work}/libs.txt"
    COMMAND ${tool} closure --stage "${work}/stage" ${root} --base "${base}" ${cache_args}
      --output "${work}/libs.txt" --depfile "${work}/libs.d"
    DEPENDS ${tool} "${work}/stage.stamp" ${base_depends} ${root_depends}
    DEPFILE "${work}/libs.d"
    COMMENT "Resolving the shared libraries of image ${name}"
    VERBATIM)

  add_custom_command(OUTPUT "${work}/libs.layer.json"
    COMMAND ${tool} layer --entries "${work}/libs.txt" --layout "${store}"
      --output "${work}/libs.layer.json" --depfile "${work}/libs.layer.d"
      --created-by "ocimake: runtime libraries" ${epoch} ${compression}
    DEPENDS ${tool} "${work}/libs.txt"
    DEPFILE "${work}/libs.layer.d"
    COMMENT "Packing the runtime-libraries layer of image ${name}"
    VERBATIM)

  add_custom_command(OUTPUT "${work}/app.layer.json"
    COMMAND ${tool} layer --tree "${work}/stage" --layout "${store}"
      --output "${work}/app.layer.json"
      --created-by "ocimake: install tree of ${name}" ${epoch} ${compression}
    DEPENDS ${tool} "${work}/stage.stamp"
    COMMENT "Packing the application layer of image ${name}"
    VERBATIM)

  add_custom_command(OUTPUT "${work}/image.digest" "${layout}/index.json"
    COMMAND ${tool} image --layout "${layout}" --base "${base}" --layer-store "${store}"
      --layer "${work}/libs.layer.json" --layer "${work}/app.layer.json"
      --settings "${work}/settings.json" ${epoch} --prune ${cache_args}
      --digest-file "${work}/image.digest"
    DEPENDS ${tool} "${work}/libs.layer.json" "${work}/app.layer.json"
      "${work}/settings.json" ${base_depends}
    COMMENT "Assembling image ${name}"
    VERBATIM)

  set(all_flag "")
  if(arg_ALL)
    set(all_flag ALL)
  endif()
  add_custom_target("${name}" ${all_flag} DEPENDS "${work}/image.digest")
  set_target_properties("${name}" PROPERTIES
    OCIMAKE_IMAGE TRUE
    OCIMAKE_LAYOUT "${layout}"
    OCIMAKE_TAG "${arg_TAG}"
    OCIMAKE_WORK_DIR "${work}"
    OCIMAKE_DIGEST_FILE "${work}/image.digest")

  add_custom_command(OUTPUT "${CMAKE_CURRENT_BINARY_DIR}/${name}.tar"
    COMMAND ${tool} export "${layout}" --output "${CMAKE_CURRENT_BINARY_DIR}/${name}.tar"
    DEPENDS ${tool} "${work}/image.digest"
    COMMENT "Writing ${name}.tar (docker load / podman load)"
    VERBATIM)
  add_custom_target("${name}-archive" DEPENDS "${CMAKE_CURRENT_BINARY_DIR}/${name}.tar")
  set_target_properties("${name}-archive" PROPERTIES OCIMAKE_IMAGE TRUE)

  # <name>-push: `ocimake push` of the built image to PUSH_TO (default: TAG).
  set(push_ref "${arg_TAG}")
  if(DEFINED arg_PUSH_TO)
    set(push_ref "${arg_PUSH_TO}")
  endif()
  add_custom_target("${name}-push"
    COMMAND ${tool} push "${layout}:${arg_TAG}" "${push_ref}" ${cache_args}
    COMMENT "Pushing image ${name} to ${push_ref}"
    VERBATIM)
  add_dependencies("${name}-push" "${name}")
  set_target_properties("${name}-push" PROPERTIES OCIMAKE_IMAGE TRUE)

  if(NOT TARGET "${OCIMAKE_IMAGE_TARGET}")
    add_custom_target("${OCIMAKE_IMAGE_TARGET}")
    set_target_properties("${OCIMAKE_IMAGE_TARGET}" PROPERTIES OCIMAKE_IMAGE TRUE)
  endif()
  add_dependencies("${OCIMAKE_IMAGE_TARGET}" "${name}")
  _ocimake_depend_on_tools("${name}")

  # The staging edge must run after every target the install rules might
  # install has been built; which targets exist is known only at the end of
  # this directory, so the edge is added then.
  set(stage_args --out "${work}/stage" --stamp "${work}/stage.stamp" --prefix "${arg_PREFIX}")
  foreach(component IN LISTS arg_COMPONENTS)
    list(APPEND stage_args --component "${component}")
  endforeach()
  set_property(TARGET "${name}" PROPERTY OCIMAKE_STAGE_ARGS "${stage_args}")
  if(arg_TOOLCHAIN)
    _ocimake_add_toolchain_stage_edge("${name}")
  else()
    cmake_language(EVAL CODE "
      cmake_language(DEFER DIRECTORY [[${CMAKE_CURRENT_SOURCE_DIR}]]
        CALL _ocimake_add_stage_edge [[${name}]] [[${CMAKE_CURRENT_SOURCE_DIR}]])")
  endif()

  add_custom_target("${name}-run"
    COMMAND ${tool} run "${layout}:${arg_TAG}" ${cache_args}
      --sandbox "$<TARGET_FILE:ocimake::sandbox>"
    DEPENDS "${name}"
    USES_TERMINAL
    COMMENT "Running image ${name}"
    VERBATIM)
  set_target_properties("${name}-run" PROPERTIES OCIMAKE_IMAGE TRUE)
endfunction()

# Writes the image settings JSON read by `ocimake image` (only on change).
function(_ocimake_write_settings name file)
  set(json "{}")
  _ocimake_json_string(tag "${arg_TAG}")
  string(JSON json SET "${json}" tag "${tag}")
  foreach(list_key IN ITEMS ENTRYPOINT CMD ENV EXPOSE VOLUMES)
    if(DEFINED arg_${list_key})
      string(TOLOWER "${list_key}" key)
      _ocimake_json_array(value ${arg_${list_key}})
      string(JSON json SET "${json}" "${key}" "${value}")
    endif()
  endforeach()
  foreach(pair IN ITEMS "WORKDIR;workdir" "USER;user" "OS;os" "ARCH;architecture"
      "STOP_SIGNAL;stop_signal")
    list(GET pair 0 keyword)
    list(GET pair 1 key)
    if(DEFINED arg_${keyword})
      _ocimake_json_string(value "${arg_${keyword}}")
      string(JSON json SET "${json}" "${key}" "${value}")
    endif()
  endforeach()
  foreach(map_key IN ITEMS LABELS ANNOTATIONS)
    if(DEFINED arg_${map_key})
      string(TOLOWER "${map_key}" key)
      _ocimake_json_map(value add_container_image "${name}" ${map_key} ${arg_${map_key}})
      string(JSON json SET "${json}" "${key}" "${value}")
    endif()
  endforeach()
  _ocimake_write_if_changed("${file}" "${json}\n")
endfunction()

# Resolves BASE to what `ocimake image --base` takes, and the files whose
# change must rebuild the image. An archive is imported once into an OCI
# layout in the work directory.
function(_ocimake_resolve_base name base work out_base out_depends)
  set(depends "")
  _ocimake_is_registry_ref("${base}" is_ref)
  if(base STREQUAL "scratch")
    set(resolved scratch)
  elseif(TARGET "${base}")
    # Another image of this build.
    get_target_property(base_layout "${base}" OCIMAKE_LAYOUT)
    get_target_property(base_tag "${base}" OCIMAKE_TAG)
    get_target_property(base_digest "${base}" OCIMAKE_DIGEST_FILE)
    if(NOT base_layout)
      message(FATAL_ERROR "add_container_image(${name}): BASE ${base}: a target that is not "
        "a container image")
    endif()
    set(resolved "${base_layout}:${base_tag}")
    set(depends "${base_digest}")
  elseif(is_ref)
    # Pulled into the cache by the build's `ocimake` steps (no file to
    # depend on); pin a digest for offline, repeatable builds.
    set(resolved "${base}")
  else()
    # layout-dir[:tag], where the tag may itself hold a colon (name:1.0):
    # the directory is the shortest prefix before a colon that exists.
    set(path "${base}")
    set(tag "")
    cmake_path(ABSOLUTE_PATH path BASE_DIRECTORY "${CMAKE_CURRENT_SOURCE_DIR}" NORMALIZE)
    if(NOT EXISTS "${path}")
      string(LENGTH "${base}" length)
      string(FIND "${base}" ":" colon)
      while(colon GREATER 0)
        string(SUBSTRING "${base}" 0 ${colon} prefix)
        cmake_path(ABSOLUTE_PATH prefix BASE_DIRECTORY "${CMAKE_CURRENT_SOURCE_DIR}" NORMALIZE)
        if(IS_DIRECTORY "${prefix}")
          math(EXPR start "${colon} + 1")
          string(SUBSTRING "${base}" ${start} -1 tag)
          set(path "${prefix}")
          break()
        endif()
        math(EXPR start "${colon} + 1")
        string(SUBSTRING "${base}" ${start} -1 rest)
        string(FIND "${rest}" ":" next)
        if(next EQUAL -1)
          break()
        endif()
        math(EXPR colon "${start} + ${next}")
      endwhile()
    endif()
    if(IS_DIRECTORY "${path}")
      set(resolved "${path}")
      if(tag)
        string(APPEND resolved ":${tag}")
      endif()
      set(depends "${path}/index.json")
    elseif(EXISTS "${path}")
      set(resolved "${work}/base")
      add_custom_command(OUTPUT "${work}/base/index.json"
        COMMAND ocimake::ocimake copy "oci-archive:${path}" "oci:${work}/base"
        DEPENDS ocimake::ocimake "${path}"
        COMMENT "Importing the base image ${base}"
        VERBATIM)
      set(depends "${work}/base/index.json")
    else()
      message(FATAL_ERROR "add_container_image(${name}): BASE ${base}: no such file or "
        "directory (expected scratch, an OCI layout directory[:tag], an oci-archive, a "
        "docker-archive or a registry reference host/repository[:tag][@digest])")
    endif()
  endif()
  set("${out_base}" "${resolved}" PARENT_SCOPE)
  set("${out_depends}" "${depends}" PARENT_SCOPE)
endfunction()

# <out-var> is TRUE when <base> is not a path in the source directory and
# its first component names a registry host (a dot or a port, localhost,
# [IPv6]), as `ocimake` tells a registry reference from a path.
function(_ocimake_is_registry_ref base out)
  set(path "${base}")
  cmake_path(ABSOLUTE_PATH path BASE_DIRECTORY "${CMAKE_CURRENT_SOURCE_DIR}" NORMALIZE)
  if(NOT EXISTS "${path}" AND (base MATCHES "^[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+(:[0-9]+)?/[a-z0-9]"
      OR base MATCHES "^[A-Za-z0-9-]+:[0-9]+/[a-z0-9]" OR base MATCHES "^localhost/[a-z0-9]"
      OR base MATCHES "^\\[[0-9A-Fa-f:.]+\\](:[0-9]+)?/[a-z0-9]"))
    set("${out}" TRUE PARENT_SCOPE)
  else()
    set("${out}" FALSE PARENT_SCOPE)
  endif()
endfunction()

# Collects the build-system targets of a directory and its subdirectories.
function(_ocimake_directory_targets dir out)
  get_property(targets DIRECTORY "${dir}" PROPERTY BUILDSYSTEM_TARGETS)
  get_property(subdirs DIRECTORY "${dir}" PROPERTY SUBDIRECTORIES)
  foreach(sub IN LISTS subdirs)
    _ocimake_directory_targets("${sub}" sub_targets)
    list(APPEND targets ${sub_targets})
  endforeach()
  set("${out}" "${targets}" PARENT_SCOPE)
endfunction()

# The stage edge: `cmake --install` of the directory into a fresh tree,
# after every build-system target of the directory (and its subdirectories)
# is built. Its depfile then names the install scripts and every installed
# file, so later builds re-stage exactly when one of them changed.
function(_ocimake_add_stage_edge name dir)
  _ocimake_directory_targets("${dir}" targets)
  set(depends "")
  foreach(target IN LISTS targets)
    get_target_property(is_ours "${target}" OCIMAKE_IMAGE)
    get_target_property(type "${target}" TYPE)
    if(NOT is_ours AND NOT type STREQUAL "INTERFACE_LIBRARY")
      list(APPEND depends "${target}")
    endif()
  endforeach()
  get_target_property(work "${name}" OCIMAKE_WORK_DIR)
  get_target_property(stage_args "${name}" OCIMAKE_STAGE_ARGS)
  add_custom_command(OUTPUT "${work}/stage.stamp"
    COMMAND ocimake::ocimake stage ${stage_args} --build-dir "${CMAKE_CURRENT_BINARY_DIR}"
      --depfile "${work}/stage.d" --cmake "${CMAKE_COMMAND}"
    DEPENDS ocimake::ocimake ${depends}
    DEPFILE "${work}/stage.d"
    COMMENT "Staging the install tree of image ${name}"
    VERBATIM)
endfunction()

# The stage edge of an image with a TOOLCHAIN: the project is configured,
# built, tested (TEST_STAGE) and installed inside the toolchain's rootfs by
# `ocimake stage --rootfs-file`, in ocimake-sandbox. The inner build
# directory persists, so the inner Ninja is incremental; the edge runs on
# every build (an inner no-op is cheap) and its stamp is rewritten only when
# the installed files changed, so the layer edges after it run only then. It
# uses the terminal, so the inner build's progress streams as it runs.
function(_ocimake_add_toolchain_stage_edge name)
  get_target_property(work "${name}" OCIMAKE_WORK_DIR)
  get_target_property(stage_args "${name}" OCIMAKE_STAGE_ARGS)
  get_property(toolchain_file GLOBAL PROPERTY "OCIMAKE_TOOLCHAIN_${arg_TOOLCHAIN}")
  file(RELATIVE_PATH subdir "${PROJECT_SOURCE_DIR}" "${CMAKE_CURRENT_SOURCE_DIR}")
  if(subdir STREQUAL "")
    set(subdir .)
  endif()
  set(inner "${CMAKE_BINARY_DIR}/CMakeFiles/ocimake-inner/${arg_TOOLCHAIN}.${PROJECT_NAME}")
  list(APPEND stage_args --rootfs-file "${toolchain_file}"
    --source-dir "${PROJECT_SOURCE_DIR}" --inner-build-dir "${inner}" --subdir "${subdir}"
    --module-dir "${OCIMAKE_MODULE_DIR}" --sandbox "$<TARGET_FILE:ocimake::sandbox>")
  if(CMAKE_BUILD_TYPE)
    list(APPEND stage_args --build-type "${CMAKE_BUILD_TYPE}")
  endif()
  if(arg_TEST_STAGE)
    list(APPEND stage_args --test)
  endif()
  foreach(secret IN LISTS arg_SECRETS)
    list(APPEND stage_args --secret "${secret}")
  endforeach()
  foreach(define IN LISTS arg_CACHE_VARIABLES)
    list(APPEND stage_args --define "${define}")
  endforeach()
  # A symbolic (never written) input makes the edge run on every build; the
  # edge itself keeps Ninja's restat, so what follows runs only on change.
  add_custom_command(OUTPUT "${work}/stage.always-run"
    COMMAND "${CMAKE_COMMAND}" -E true
    VERBATIM)
  set_source_files_properties("${work}/stage.always-run" PROPERTIES SYMBOLIC TRUE)
  add_custom_command(OUTPUT "${work}/stage.stamp"
    COMMAND ocimake::ocimake stage ${stage_args}
    DEPENDS ocimake::ocimake ocimake::sandbox "${toolchain_file}" "${work}/stage.always-run"
    USES_TERMINAL
    COMMENT "Building ${PROJECT_NAME} in toolchain ${arg_TOOLCHAIN} for image ${name}"
    VERBATIM)
  add_dependencies("${name}" "ocimake-toolchain-${arg_TOOLCHAIN}")
endfunction()

# When ocimake is built in the same build (add_subdirectory, FetchContent),
# an image also needs the sandbox built, for its -run target and tests.
function(_ocimake_depend_on_tools name)
  get_target_property(imported ocimake::sandbox IMPORTED)
  if(NOT imported)
    get_target_property(real ocimake::sandbox ALIASED_TARGET)
    if(real)
      add_dependencies("${name}" "${real}")
    endif()
  endif()
endfunction()
