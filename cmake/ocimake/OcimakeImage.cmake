# add_container_image(): the Ninja edges of one image.
#
#   stage    cmake --install of the calling directory into a staging tree
#   closure  the shared libraries the staged ELF files need
#   libs     layer of the closure          (restat: skipped when unchanged)
#   packages layer of RUNTIME_PACKAGES' files (when given)
#   app      layer of the staging tree     (restat: skipped when unchanged)
#   image    config + manifest + index.json in the image's OCI layout
#   sbom     <name>.spdx.json, the image's SPDX 2.3 SBOM (unless SBOM OFF)
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
  _ocimake_keywords(add_container_image options one_value multi_value)
  cmake_parse_arguments(PARSE_ARGV 1 arg "${options}" "${one_value}" "${multi_value}")
  if(OCIMAKE_IN_BUILD_STAGE)
    # Inside a toolchain build the outer build makes the image (and checked
    # the arguments, with the host's variables; a variable holding a path
    # does not cross, so an argument may be empty here); this build lists
    # what the image's install rules (and DEPENDS) need built.
    if(arg_DEPENDS)
      set_property(DIRECTORY APPEND PROPERTY OCIMAKE_INSTALLED_TARGETS ${arg_DEPENDS})
    endif()
    set_property(GLOBAL APPEND PROPERTY _OCIMAKE_IMAGE_DIRS "${CMAKE_CURRENT_SOURCE_DIR}")
    return()
  endif()
  _ocimake_check_arguments(add_container_image "${name}" arg)
  _ocimake_check_image_arguments("${name}" "${arg_TOOLCHAIN}" "${arg_TEST_STAGE}"
    "${arg_SECRETS}" "${arg_CACHE_VARIABLES}")
  _ocimake_check_cache_mounts("${name}" "${arg_TOOLCHAIN}" "${arg_CACHE_MOUNTS}"
    "${arg_COMPILER_CACHE}")
  foreach(pair IN ITEMS "BASE;scratch" "TAG;${name}:latest" "PREFIX;/usr/local"
      "COMPRESSION;gzip" "ABI_CHECK;ON" "SBOM;ON" "LAYER_SPLIT_SIZE;64MiB")
    list(GET pair 0 keyword)
    list(GET pair 1 default)
    if(NOT DEFINED arg_${keyword})
      set(arg_${keyword} "${default}")
    endif()
  endforeach()
  _ocimake_check_choice(add_container_image "${name}" COMPRESSION "${arg_COMPRESSION}"
    gzip zstd none)
  # Read by _ocimake_add_install_layer_edges (a function this one calls).
  _ocimake_split_bytes("${name}" "${arg_LAYER_SPLIT_SIZE}" _ocimake_layer_split_bytes)
  if(NOT arg_PREFIX MATCHES "^/")
    message(FATAL_ERROR "add_container_image(${name}): PREFIX ${arg_PREFIX}: expected an "
      "absolute path inside the image")
  endif()
  foreach(component IN LISTS arg_LAYERS)
    if(NOT component MATCHES "^[A-Za-z0-9_][A-Za-z0-9_.+-]*$")
      message(FATAL_ERROR "add_container_image(${name}): LAYERS ${component}: expected an "
        "install component name (letters, digits and _.+-)")
    endif()
    if(arg_COMPONENTS AND NOT component IN_LIST arg_COMPONENTS)
      message(FATAL_ERROR "add_container_image(${name}): LAYERS ${component}: not one of "
        "the COMPONENTS the image installs (add it to COMPONENTS)")
    endif()
  endforeach()
  foreach(dir IN LISTS arg_WRITABLE)
    if(NOT dir MATCHES "^/." OR dir MATCHES "(^|/)\\.\\.(/|$)")
      message(FATAL_ERROR "add_container_image(${name}): WRITABLE ${dir}: expected an "
        "absolute directory inside the image")
    endif()
  endforeach()
  foreach(package IN LISTS arg_RUNTIME_PACKAGES)
    if(NOT package MATCHES "^[a-z0-9][a-z0-9+.-]+$")
      message(FATAL_ERROR "add_container_image(${name}): RUNTIME_PACKAGES ${package}: "
        "expected a Debian package name")
    endif()
  endforeach()
  _ocimake_warn_command_keywords("${name}" ENTRYPOINT ${arg_ENTRYPOINT})
  _ocimake_warn_command_keywords("${name}" CMD ${arg_CMD})

  set(layout "${CMAKE_CURRENT_BINARY_DIR}/${name}")
  set(work "${CMAKE_CURRENT_BINARY_DIR}/CMakeFiles/${name}.ocimake")
  file(MAKE_DIRECTORY "${work}")
  set(settings "")
  foreach(keyword IN ITEMS TAG WORKDIR USER OS ARCH STOP_SIGNAL ENTRYPOINT CMD ENV EXPOSE
      VOLUMES LABELS ANNOTATIONS)
    if(DEFINED arg_${keyword})
      list(APPEND settings ${keyword} ${arg_${keyword}})
    endif()
  endforeach()
  _ocimake_resolve_base("${name}" "${arg_BASE}" "${arg_BASE_REFRESH}" "${work}" base
    base_depends)
  if(DEFINED arg_SOURCE_ROOT)
    _ocimake_check_source_root("${name}" "${arg_SOURCE_ROOT}" "${arg_TOOLCHAIN}" source_root)
  endif()
  set(root_file "")
  if(arg_TOOLCHAIN)
    get_property(root_file GLOBAL PROPERTY "OCIMAKE_TOOLCHAIN_${arg_TOOLCHAIN}")
  endif()
  _ocimake_image_platforms("${name}" "${arg_TOOLCHAIN}" "${arg_PLATFORMS}" "${arg_OS}"
    "${arg_ARCH}" platforms)
  _ocimake_sbom_files("${name}" "${arg_SBOM}" "${platforms}" sboms)
  _ocimake_add_image_targets("${name}" "${work}" "${layout}" "${arg_TAG}" "${arg_PUSH_TO}"
    "${arg_ALL}" "${platforms}" ${sboms})
  list(LENGTH platforms platform_count)
  set(digests "")
  set(loop "${platforms}")
  if(NOT platforms)
    set(loop HOST)
  endif()
  foreach(platform IN LISTS loop)
    # One platform: today's paths and a plain manifest. Several: a work
    # directory, a stage, a closure, layers and a manifest per platform.
    if(platform STREQUAL "HOST")
      set(platform "")
    endif()
    set(platform_work "${work}")
    set(image_layout "${layout}")
    if(platform_count GREATER 1)
      # Each platform's manifest goes into a layout of the work directory;
      # the index edge brings them into the image's layout, which so appears
      # only when every platform built.
      _ocimake_platform_debian("${platform}" debian)
      set(platform_work "${work}/${debian}")
      set(image_layout "${work}/platforms")
      list(APPEND digests "${platform_work}/image.digest")
    endif()
    _ocimake_write_settings("${name}" "${platform_work}/settings.json" ${settings})
    _ocimake_add_layer_edges("${name}" "${platform_work}" "${image_layout}" "${base}"
      "${base_depends}" "${root_file}" "${arg_COMPRESSION}" "${arg_WRITABLE}" "${arg_LAYERS}"
      "${platform}" ${platform_count} "${arg_ABI_CHECK}" "${arg_RUNTIME_PACKAGES}")
    _ocimake_add_platform_stage_edge("${name}" "${platform_work}" "${platform}")
    if(sboms)
      list(POP_FRONT sboms sbom)
      _ocimake_add_sbom_edge("${name}" "${work}" "${platform_work}" "${layout}:${arg_TAG}"
        "${base}" "${base_depends}" "${root_file}" "${platform}" "${sbom}")
    endif()
  endforeach()
  if(platform_count GREATER 1)
    _ocimake_add_index_edge("${name}" "${work}" "${layout}" "${arg_TAG}" "${digests}")
  endif()
  _ocimake_add_reproducible_test("${name}" "${arg_CHECK_REPRODUCIBLE}" "${layout}" "${arg_TAG}")
  if(NOT DEFINED arg_SBOM OR arg_SBOM)
    _ocimake_add_provenance_edge("${name}" "${work}" "${layout}" "${platforms}")
  endif()
endfunction()

# _ocimake_add_provenance_edge(<name> <work> <layout> <platforms>)
# <binary dir>/<name>.provenance.json, from the calling add_container_image()'s
# arg_* variables: an in-toto statement with a SLSA v1 predicate, rewritten
# when the image's digest changes, or the git checkout's HEAD, reflog or
# index (a commit, a checkout, a git add). Its cache variables are those
# that cross into the build stage (stage.defines); a host image writes the
# same selection into provenance.defines. SECRETS are never passed.
function(_ocimake_add_provenance_edge name work layout platforms)
  set(out "${CMAKE_CURRENT_BINARY_DIR}/${name}.provenance.json")
  set(settings_dir "${work}")
  list(LENGTH platforms count)
  if(count GREATER 1)
    list(GET platforms 0 first)
    _ocimake_platform_debian("${first}" debian)
    set(settings_dir "${work}/${debian}")
  endif()
  set(defines "${settings_dir}/stage.defines")
  set(args --base "${arg_BASE}" --source-dir "${PROJECT_SOURCE_DIR}")
  if(arg_TOOLCHAIN)
    list(APPEND args --toolchain "${arg_TOOLCHAIN}" --toolchain-root-file "${root_file}")
  else()
    set(defines "${work}/provenance.defines")
    cmake_language(EVAL CODE "
      cmake_language(DEFER DIRECTORY [[${CMAKE_SOURCE_DIR}]]
        CALL _ocimake_write_stage_defines [[${defines}]] [[]])")
  endif()
  foreach(platform IN LISTS platforms)
    list(APPEND args --platform "${platform}")
  endforeach()
  set(git_files "")
  foreach(file IN ITEMS HEAD index logs/HEAD)
    if(EXISTS "${CMAKE_SOURCE_DIR}/.git/${file}")
      list(APPEND git_files "${CMAKE_SOURCE_DIR}/.git/${file}")
    endif()
  endforeach()
  add_custom_command(OUTPUT "${out}"
    COMMAND ocimake::ocimake provenance-write "${layout}:${arg_TAG}" ${args} --attach
      --settings "${settings_dir}/settings.json" --defines "${defines}" -o "${out}"
    DEPENDS ocimake::ocimake "${work}/image.digest" "${defines}" ${root_file} ${git_files}
    COMMENT "Writing the build provenance of image ${name}"
    VERBATIM)
  add_custom_target("${name}-provenance" DEPENDS "${out}")
  set_target_properties("${name}-provenance" PROPERTIES OCIMAKE_IMAGE TRUE)
  add_dependencies("${name}" "${name}-provenance")
endfunction()

# _ocimake_add_platform_stage_edge(<name> <work> <platform>)
# The stage edge of one platform, from the calling add_container_image()'s
# arg_* variables: `cmake --install` on the host after the installed targets
# are built (added at the end of this directory, when its install rules are
# all known), or the whole build stage in the toolchain.
macro(_ocimake_add_platform_stage_edge name work platform)
  set(stage_args --out "${work}/stage" --stamp "${work}/stage.stamp"
    --closure-stamp "${work}/stage.closure" --prefix "${arg_PREFIX}"
    --excluded "${work}/stage.excluded")
  foreach(component IN LISTS arg_COMPONENTS)
    list(APPEND stage_args --component "${component}")
  endforeach()
  if(arg_KEEP_DEVELOPMENT_FILES)
    list(APPEND stage_args --keep-development-files)
  endif()
  foreach(glob IN LISTS arg_EXCLUDE)
    list(APPEND stage_args --exclude "${glob}")
  endforeach()
  foreach(component IN LISTS arg_LAYERS)
    list(APPEND stage_args --layer-component "${component}")
  endforeach()
  if(arg_LAYERS)
    list(APPEND stage_args --layers-dir "${work}/layers")
  endif()
  if(DEFINED arg_SOURCE_ROOT)
    list(APPEND stage_args --source-root "${source_root}")
  endif()
  if(arg_TOOLCHAIN)
    _ocimake_cache_mount_args(stage_args "${arg_TOOLCHAIN}" "${arg_CACHE_MOUNTS}"
      "${arg_COMPILER_CACHE}")
    if(arg_COMPILER_CACHE)
      _ocimake_compiler_cache_remote_args(stage_args)
    endif()
    _ocimake_add_toolchain_stage_edge("${name}" "${work}" "${arg_TOOLCHAIN}" "${root_file}"
      "${arg_TEST_STAGE}" "${arg_SECRETS}" "${arg_CACHE_VARIABLES}" "${arg_DEPENDS}"
      "${platform}" ${stage_args})
  else()
    _ocimake_bracket(stage_list "${stage_args}")
    _ocimake_bracket(depends_list "${arg_DEPENDS}")
    cmake_language(EVAL CODE "
      cmake_language(DEFER DIRECTORY [[${CMAKE_CURRENT_SOURCE_DIR}]]
        CALL _ocimake_add_stage_edge [[${name}]] [[${work}]] ${depends_list} ${stage_list})")
  endif()
endmacro()

# _ocimake_check_source_root(<name> <source-root> <toolchain> <out>)
# SOURCE_ROOT as an absolute, normal path that holds the project's source
# directory (the build stage binds it at /src).
function(_ocimake_check_source_root name source_root toolchain out)
  if(NOT toolchain)
    message(FATAL_ERROR "add_container_image(${name}): SOURCE_ROOT needs a TOOLCHAIN (it is "
      "what the build stage sees at /src)")
  endif()
  cmake_path(ABSOLUTE_PATH source_root BASE_DIRECTORY "${CMAKE_CURRENT_SOURCE_DIR}" NORMALIZE)
  string(REGEX REPLACE "(.)/$" "\\1" source_root "${source_root}")
  cmake_path(IS_PREFIX source_root "${PROJECT_SOURCE_DIR}" NORMALIZE holds)
  if(NOT IS_DIRECTORY "${source_root}" OR NOT holds)
    message(FATAL_ERROR "add_container_image(${name}): SOURCE_ROOT ${source_root}: expected "
      "an existing directory that holds the project's source directory ${PROJECT_SOURCE_DIR}")
  endif()
  set("${out}" "${source_root}" PARENT_SCOPE)
endfunction()

# _ocimake_image_platforms(<name> <toolchain> <platforms> <os> <arch> <out>)
# The platforms the image is built for: PLATFORMS checked, or "" (the
# host's, as an image without PLATFORMS always was). A platform other than
# the host's is cross-built, so it needs a TOOLCHAIN declared with it.
function(_ocimake_image_platforms name toolchain platforms os arch out)
  if(platforms AND (os OR arch))
    message(FATAL_ERROR "add_container_image(${name}): OS and ARCH go without PLATFORMS "
      "(PLATFORMS sets each image's os and architecture)")
  endif()
  _ocimake_check_platforms(add_container_image "${name}" "" ${platforms})
  _ocimake_host_platform(host)
  set(available "${host}")
  if(toolchain)
    get_property(available GLOBAL PROPERTY "OCIMAKE_TOOLCHAIN_PLATFORMS_${toolchain}")
  endif()
  set(seen "")
  foreach(platform IN LISTS platforms)
    _ocimake_normal_platform("${platform}" platform)
    if(platform IN_LIST seen)
      message(FATAL_ERROR "add_container_image(${name}): PLATFORMS ${platform}: given twice")
    endif()
    list(APPEND seen "${platform}")
    if(NOT platform IN_LIST available)
      if(toolchain)
        message(FATAL_ERROR "add_container_image(${name}): PLATFORMS ${platform}: TOOLCHAIN "
          "${toolchain} was not declared with it (add PLATFORMS ${platform} to "
          "add_container_toolchain(${toolchain}))")
      endif()
      message(FATAL_ERROR "add_container_image(${name}): PLATFORMS ${platform}: building for "
        "another platform than the host's (${host}) needs a TOOLCHAIN declared with "
        "PLATFORMS ${platform}")
    endif()
  endforeach()
  if(NOT seen)
    set(seen "")
  endif()
  set("${out}" "${seen}" PARENT_SCOPE)
endfunction()

# _ocimake_sbom_files(<name> <sbom> <platforms> <out>): the SBOM files of an
# image: none with SBOM OFF, <name>.spdx.json, or one per platform
# (<name>.linux-arm64.spdx.json) for a multi-platform image.
function(_ocimake_sbom_files name sbom platforms out)
  set(files "")
  list(LENGTH platforms platform_count)
  if(sbom AND platform_count GREATER 1)
    foreach(platform IN LISTS platforms)
      string(REPLACE "/" "-" suffix "${platform}")
      list(APPEND files "${CMAKE_CURRENT_BINARY_DIR}/${name}.${suffix}.spdx.json")
    endforeach()
  elseif(sbom)
    set(files "${CMAKE_CURRENT_BINARY_DIR}/${name}.spdx.json")
  endif()
  set("${out}" "${files}" PARENT_SCOPE)
endfunction()

# _ocimake_add_sbom_edge(<name> <work> <platform-work> <layout:tag> <base>
#     <base-depends> <toolchain-root-file> <platform> <output>)
# The SBOM of one platform of the image, from the calling
# add_container_image()'s arg_* variables: `ocimake sbom-write` after the
# image (its digest file) changed, reading the closure's and the runtime
# packages' entries and the root's dpkg database.
function(_ocimake_add_sbom_edge name work platform_work image base base_depends root_file
    platform output)
  _ocimake_cache_args(cache_args)
  set(args --base "${base}" --base-name "${arg_BASE}" --libs "${platform_work}/libs.txt"
    --project "${PROJECT_NAME}"
    --epoch "${OCIMAKE_SOURCE_DATE_EPOCH}" ${cache_args})
  set(depends "${work}/image.digest" "${platform_work}/libs.txt" ${base_depends} ${root_file})
  if(root_file)
    list(APPEND args --root-file "${root_file}" --toolchain "${arg_TOOLCHAIN}")
  else()
    # The host's compiler, when the project enables a language: a project
    # that compiles nothing (LANGUAGES NONE) names no build tool.
    list(APPEND args --root /)
    if(CMAKE_CXX_COMPILER_ID)
      list(APPEND args --toolchain host --toolchain-version
        "${CMAKE_CXX_COMPILER_ID}-${CMAKE_CXX_COMPILER_VERSION}")
    elseif(CMAKE_C_COMPILER_ID)
      list(APPEND args --toolchain host --toolchain-version
        "${CMAKE_C_COMPILER_ID}-${CMAKE_C_COMPILER_VERSION}")
    endif()
  endif()
  if(PROJECT_VERSION)
    list(APPEND args --project-version "${PROJECT_VERSION}")
  endif()
  if(platform)
    list(APPEND args --platform "${platform}")
  endif()
  if(arg_RUNTIME_PACKAGES)
    list(APPEND args --package-entries "${platform_work}/packages.txt")
    foreach(package IN LISTS arg_RUNTIME_PACKAGES)
      list(APPEND args --runtime-package "${package}")
    endforeach()
    list(APPEND depends "${platform_work}/packages.txt")
  endif()
  cmake_path(GET output FILENAME file)
  add_custom_command(OUTPUT "${output}"
    COMMAND ocimake::ocimake sbom-write "${image}" ${args} --attach -o "${output}"
    DEPENDS ocimake::ocimake ${depends}
    COMMENT "Writing the SBOM of image ${name} (${file})"
    VERBATIM)
endfunction()

# _ocimake_add_index_edge(<name> <work> <layout> <tag> <digest-files>)
# The image index of a multi-platform image: the platforms' manifests, in
# PLATFORMS order, tagged in the layout (which it prunes).
function(_ocimake_add_index_edge name work layout tag digests)
  set(manifests "")
  foreach(digest IN LISTS digests)
    list(APPEND manifests --manifest "${digest}")
  endforeach()
  add_custom_command(OUTPUT "${work}/image.digest" "${layout}/index.json"
    COMMAND ocimake::ocimake index --layout "${layout}" --from "${work}/platforms" ${manifests}
      --tag "${tag}" --prune
      --digest-file "${work}/image.digest"
    DEPENDS ocimake::ocimake ${digests}
    COMMENT "Writing the multi-platform index of image ${name}"
    VERBATIM)
endfunction()

# _ocimake_check_image_arguments(<name> <toolchain> <test-stage> <secrets>
#                                <cache-variables>)
# The checks that need no defaults: name, SECRETS, what needs a TOOLCHAIN,
# the generator.
function(_ocimake_check_image_arguments name toolchain test_stage secrets cache_variables)
  _ocimake_check_name(add_container_image "${name}")
  foreach(secret IN LISTS secrets)
    if(NOT secret MATCHES "^id=[A-Za-z0-9_.-]+,src=.+$")
      message(FATAL_ERROR "add_container_image(${name}): SECRETS ${secret}: expected "
        "id=ID,src=PATH")
    endif()
  endforeach()
  if((test_stage OR secrets OR cache_variables) AND NOT toolchain)
    message(FATAL_ERROR "add_container_image(${name}): TEST_STAGE, SECRETS and "
      "CACHE_VARIABLES need a TOOLCHAIN (a build stage)")
  endif()
  if(toolchain)
    get_property(toolchain_file GLOBAL PROPERTY "OCIMAKE_TOOLCHAIN_${toolchain}")
    if(NOT toolchain_file)
      message(FATAL_ERROR "add_container_image(${name}): TOOLCHAIN ${toolchain}: no such "
        "toolchain (declare it first with add_container_toolchain())")
    endif()
  endif()
  if(NOT CMAKE_GENERATOR MATCHES "Ninja")
    message(FATAL_ERROR "add_container_image(${name}): ocimake needs the Ninja generator "
      "(its incremental image edges rely on Ninja's restat and depfiles); "
      "configure with: cmake -G Ninja")
  endif()
endfunction()

# _ocimake_check_cache_mounts(<name> <toolchain> <cache-mounts> <compiler-cache>)
# CACHE_MOUNTS ID[=PATH] and COMPILER_CACHE, checked at configure time
# (`ocimake stage` checks them again: stage/cache_mounts.h): a build stage
# is needed, the id is a file name, the path absolute, normal and none the
# stage uses itself.
function(_ocimake_check_cache_mounts name toolchain mounts compiler_cache)
  if(compiler_cache AND NOT toolchain)
    message(FATAL_ERROR "add_container_image(${name}): COMPILER_CACHE needs a TOOLCHAIN (a "
      "build on the host is your own build: set CMAKE_<LANG>_COMPILER_LAUNCHER there)")
  endif()
  if(mounts AND NOT toolchain)
    message(FATAL_ERROR "add_container_image(${name}): CACHE_MOUNTS needs a TOOLCHAIN (a "
      "build stage)")
  endif()
  if(compiler_cache)
    _ocimake_check_compiler_cache("${name}" "${toolchain}" "${compiler_cache}")
  endif()
  foreach(mount IN LISTS mounts)
    string(REGEX MATCH "^([A-Za-z0-9_.-]+)(=(.*))?$" matched "${mount}")
    set(has_path "${CMAKE_MATCH_2}")
    set(path "${CMAKE_MATCH_3}")
    if(NOT matched OR mount MATCHES "^\\.\\.?(=|$)")
      message(FATAL_ERROR "add_container_image(${name}): CACHE_MOUNTS ${mount}: the id must "
        "be letters, digits and _.- (ID[=PATH])")
    endif()
    if(NOT has_path)
      continue()
    endif()
    if(NOT path MATCHES "^/[^/]" OR path MATCHES "(/|^)\\.\\.?(/|$)" OR path MATCHES "//"
        OR path MATCHES "/$")
      message(FATAL_ERROR "add_container_image(${name}): CACHE_MOUNTS ${mount}: the path must "
        "be absolute and normal (like /root/.cache/x)")
    endif()
    foreach(reserved IN ITEMS /src /build /ocimake/stage /ocimake/cmake /ocimake/config
        /run/secrets /run/ocimake /tmp /proc /dev /sys)
      string(FIND "${reserved}/" "${path}/" above)
      string(FIND "${path}/" "${reserved}/" below)
      if(above EQUAL 0 OR below EQUAL 0)
        message(FATAL_ERROR "add_container_image(${name}): CACHE_MOUNTS ${mount}: ${reserved} "
          "is used by the build stage itself; give another path")
      endif()
    endforeach()
  endforeach()
endfunction()

# _ocimake_check_compiler_cache(<name> <toolchain> <compiler-cache>)
# COMPILER_CACHE ccache or sccache, which a DEBIAN toolchain must have in
# its PACKAGES (its packages are known at configure time; another kind's
# rootfs is checked when the stage runs). A remote (the cache variable or
# environment variable OCIMAKE_COMPILER_CACHE_REMOTE) is ccache's only:
# Debian bookworm's sccache 0.4 is built without remote storage.
function(_ocimake_check_compiler_cache name toolchain compiler_cache)
  _ocimake_check_choice(add_container_image "${name}" COMPILER_CACHE "${compiler_cache}"
    ccache sccache)
  get_property(packages GLOBAL PROPERTY "OCIMAKE_TOOLCHAIN_PACKAGES_${toolchain}" SET)
  if(packages)
    get_property(packages GLOBAL PROPERTY "OCIMAKE_TOOLCHAIN_PACKAGES_${toolchain}")
    if(NOT compiler_cache IN_LIST packages)
      message(FATAL_ERROR "add_container_image(${name}): COMPILER_CACHE ${compiler_cache}: "
        "toolchain ${toolchain} has no ${compiler_cache} (add ${compiler_cache} to its PACKAGES)")
    endif()
  endif()
  if(compiler_cache STREQUAL "sccache" AND
      (NOT "$CACHE{OCIMAKE_COMPILER_CACHE_REMOTE}" STREQUAL "" OR
       NOT "$ENV{OCIMAKE_COMPILER_CACHE_REMOTE}" STREQUAL ""))
    message(FATAL_ERROR "add_container_image(${name}): COMPILER_CACHE sccache: "
      "OCIMAKE_COMPILER_CACHE_REMOTE works with COMPILER_CACHE ccache only (sccache 0.4, "
      "Debian bookworm's, is built without remote storage); unset it or use COMPILER_CACHE ccache")
  endif()
endfunction()

# _ocimake_cache_mount_args(<stage-args-var> <toolchain> <cache-mounts> <compiler-cache>)
# Appends the stage's --cache-mount, --compiler-cache, --cache and
# --toolchain (for its messages) arguments, only when there are cache
# mounts, so other stage commands stay as they were.
function(_ocimake_cache_mount_args out toolchain mounts compiler_cache)
  set(args ${${out}})
  foreach(mount IN LISTS mounts)
    list(APPEND args --cache-mount "${mount}")
  endforeach()
  if(compiler_cache)
    list(APPEND args --compiler-cache "${compiler_cache}")
  endif()
  if(mounts OR compiler_cache)
    _ocimake_cache_args(cache_args)
    list(APPEND args ${cache_args} --toolchain "${toolchain}")
  endif()
  set("${out}" "${args}" PARENT_SCOPE)
endfunction()

# _ocimake_add_layer_edges(<name> <work> <layout> <base> <base-depends>
#     <toolchain-root-file> <compression> <writable> <layers> <platform>
#     <platform-count> <abi-check> <runtime-packages>)
# The closure, the layers and the image assembly, each one Ninja edge. The
# layers, bottom up: the closure's libraries, the RUNTIME_PACKAGES' files
# (when given), each of the <layers> install components, the rest of the
# install tree, the runtime user's files (on top, so its ownership of
# WRITABLE directories wins).
# The closure is resolved where the program was built: the toolchain's
# rootfs (whose path <toolchain-root-file> holds), or the host. With a
# <platform> ("": the host's), every staged ELF file must be that platform's
# and the base gives that platform's manifest; with several platforms the
# image is written untagged, for the index edge to tag. With <abi-check>
# false the closure does not check the symbol versions the image's files
# need from the base's libraries.
function(_ocimake_add_layer_edges name work layout base base_depends root_file compression
    writable layers platform platform_count abi_check packages)
  _ocimake_cache_args(cache_args)
  set(store "${work}/store")
  set(tool ocimake::ocimake)
  set(epoch --epoch "${OCIMAKE_SOURCE_DATE_EPOCH}")
  set(root --root /)
  if(root_file)
    set(root --root-file "${root_file}")
  endif()
  set(platform_args "")
  set(for "")
  if(platform)
    set(platform_args --platform "${platform}")
    set(for " for ${platform}")
  endif()
  set(abi_args "")
  if(NOT abi_check)
    set(abi_args --no-abi-check)
  endif()
  set(settings "${work}/settings.json")
  set(image_outputs "${work}/image.digest" "${layout}/index.json")
  set(tagging --prune)
  if(platform_count GREATER 1)
    set(image_outputs "${work}/image.digest")
    set(tagging --untagged)
  endif()
  set(packages_entries "")
  set(packages_txt "")
  set(packages_json "")
  if(packages)
    _ocimake_add_packages_layer_edges("${name}" "${work}" "${root}" "${root_file}"
      "${platform}" "${compression}" "${packages}")
    set(packages_entries --entries "${work}/packages.txt")
    set(packages_txt "${work}/packages.txt")
    set(packages_json "${work}/packages.layer.json")
  endif()
  _ocimake_add_install_layer_edges("${name}" "${work}" "${compression}" "${for}" "${layers}"
    install_layers)
  set(closure_outputs "${work}/libs.txt")
  set(own_args "")
  if(layers)
    list(APPEND closure_outputs "${work}/own-libs.txt")
    set(own_args --own-output "${work}/own-libs.txt")
  endif()
  add_custom_command(OUTPUT ${closure_outputs}
    COMMAND ${tool} closure --stage "${work}/stage" ${root} --base "${base}" ${cache_args}
      ${platform_args} ${abi_args} ${packages_entries} ${own_args} --output "${work}/libs.txt"
      --depfile "${work}/libs.d"
    DEPENDS ${tool} "${work}/stage.closure" ${base_depends} ${root_file} ${packages_txt}
    DEPFILE "${work}/libs.d"
    COMMENT "Resolving the shared libraries of image ${name}${for}"
    VERBATIM)
  _ocimake_add_entries_layer_edge("${name}" "${work}" libs "${compression}" "${for}"
    "ocimake: runtime libraries" "runtime-libraries")
  _ocimake_add_user_layer_edges("${name}" "${work}" "${base}" "${base_depends}"
    "${compression}" "${writable}" "${platform}")
  set(layers_json "${work}/libs.layer.json" ${packages_json} ${install_layers}
    "${work}/user.layer.json")
  set(check_args "")
  foreach(entries IN ITEMS "${work}/libs.txt" ${packages_txt})
    list(APPEND check_args --check-libs "${entries}")
  endforeach()
  if(layers)
    list(APPEND check_args --check-libs "${work}/own-libs.txt")
  endif()
  set(layer_args "")
  foreach(layer IN LISTS layers_json)
    list(APPEND layer_args --layer "${layer}")
  endforeach()
  add_custom_command(OUTPUT ${image_outputs}
    COMMAND ${tool} image --layout "${layout}" --base "${base}" --layer-store "${store}"
      ${layer_args}
      --settings "${settings}" ${epoch} ${tagging} ${cache_args} ${platform_args}
      --check-stage "${work}/stage" ${check_args}
      --digest-file "${work}/image.digest"
    DEPENDS ${tool} ${layers_json} "${settings}" ${base_depends}
    COMMENT "Assembling image ${name}${for}"
    VERBATIM)
endfunction()

# _ocimake_add_packages_layer_edges(<name> <work> <root-args> <toolchain-root-file>
#                                   <platform> <compression> <packages>)
# RUNTIME_PACKAGES: the packages' files read from the dpkg database of the
# root (<root-args>: --root / or --root-file FILE) into packages.txt, and its
# layer. The platform's Debian architecture picks a Multi-Arch: same list.
function(_ocimake_add_packages_layer_edges name work root root_file platform compression
    packages)
  set(args "")
  foreach(package IN LISTS packages)
    list(APPEND args --package "${package}")
  endforeach()
  set(for "")
  if(platform)
    list(APPEND args --platform "${platform}")
    set(for " for ${platform}")
  endif()
  string(REPLACE ";" " " names "${packages}")
  add_custom_command(OUTPUT "${work}/packages.txt"
    COMMAND ocimake::ocimake packages ${root} ${args} --output "${work}/packages.txt"
      --depfile "${work}/packages.d"
    DEPENDS ocimake::ocimake ${root_file}
    DEPFILE "${work}/packages.d"
    COMMENT "Listing the runtime packages of image ${name}${for}"
    VERBATIM)
  _ocimake_add_entries_layer_edge("${name}" "${work}" packages "${compression}" "${for}"
    "ocimake: runtime packages ${names}" "runtime-packages")
endfunction()

# _ocimake_add_entries_layer_edge(<name> <work> <stem> <compression> <for>
#                                 <created-by> <what>)
# The layer <work>/<stem>.layer.json of the entries file <work>/<stem>.txt
# that another edge writes; re-packed when the file or one of the files it
# names changes (a depfile).
function(_ocimake_add_entries_layer_edge name work stem compression for created_by what)
  add_custom_command(OUTPUT "${work}/${stem}.layer.json"
    COMMAND ocimake::ocimake layer --entries "${work}/${stem}.txt" --layout "${work}/store"
      --output "${work}/${stem}.layer.json" --depfile "${work}/${stem}.layer.d"
      --created-by "${created_by}"
      --epoch "${OCIMAKE_SOURCE_DATE_EPOCH}" --compression "${compression}"
    DEPENDS ocimake::ocimake "${work}/${stem}.txt"
    DEPFILE "${work}/${stem}.layer.d"
    COMMENT "Packing the ${what} layer of image ${name}${for}"
    VERBATIM)
endfunction()

# _ocimake_add_install_layer_edges(<name> <work> <compression> <for> <layers>
#                                  <out-layers>)
# The layers of the install tree. With LAYERS: the project's shared
# libraries (its own and the closure's that no Debian package owns), then
# one per LAYERS component (in that order), each packed from the entries
# file the stage wrote for it and re-packed only when its own stamp changes;
# then the application layer, the rest.
# Without LAYERS the application layer is split by size (LAYER_SPLIT_SIZE,
# in bytes in _ocimake_layer_split_bytes, which _ocimake_add_image sets).
# <out-layers> gets their descriptors, bottom up.
function(_ocimake_add_install_layer_edges name work compression for layers out_layers)
  set(common --layout "${work}/store" --epoch "${OCIMAKE_SOURCE_DATE_EPOCH}"
    --compression "${compression}")
  set(descriptors "")
  if(layers)
    # The project's own shared libraries: those it installs, and those of
    # the closure no Debian package owns (built or vendored into the root).
    # Both lists change with the files' content (a stamp, a digest line).
    set(libraries "${work}/layers/libraries")
    add_custom_command(OUTPUT "${work}/project-libs.layer.json"
      COMMAND ocimake::ocimake layer --entries "${libraries}.txt" --entries "${work}/own-libs.txt"
        ${common} --output "${work}/project-libs.layer.json"
        --created-by "ocimake: the project's shared libraries of ${name}"
      DEPENDS ocimake::ocimake "${libraries}.txt" "${libraries}.stamp" "${work}/own-libs.txt"
      COMMENT "Packing the project-libraries layer of image ${name}${for}"
      VERBATIM)
    list(APPEND descriptors "${work}/project-libs.layer.json")
  endif()
  foreach(component IN LISTS layers)
    set(base "${work}/layers/component-${component}")
    add_custom_command(OUTPUT "${work}/${component}.component.json"
      COMMAND ocimake::ocimake layer --entries "${base}.txt" ${common}
        --output "${work}/${component}.component.json"
        --created-by "ocimake: install component ${component} of ${name}"
      DEPENDS ocimake::ocimake "${base}.txt" "${base}.stamp"
      COMMENT "Packing the layer of install component ${component} of image ${name}${for}"
      VERBATIM)
    list(APPEND descriptors "${work}/${component}.component.json")
  endforeach()
  set(app --tree "${work}/stage" --split-size "${_ocimake_layer_split_bytes}")
  if(layers)
    set(app --entries "${work}/layers/app.txt")
  endif()
  add_custom_command(OUTPUT "${work}/app.layer.json"
    COMMAND ocimake::ocimake layer ${app} ${common}
      --output "${work}/app.layer.json" --comment-file "${work}/stage.excluded"
      --created-by "ocimake: install tree of ${name}"
    DEPENDS ocimake::ocimake "${work}/stage.stamp"
    COMMENT "Packing the application layer of image ${name}${for}"
    VERBATIM)
  list(APPEND descriptors "${work}/app.layer.json")
  set("${out_layers}" "${descriptors}" PARENT_SCOPE)
endfunction()

# _ocimake_add_user_layer_edges(<name> <work> <base> <base-depends> <compression>
#                               <writable> <platform>)
# The runtime user's files (`ocimake user`: accounts merged with the base's,
# the home, /tmp, the WRITABLE directories owned by the user) and their layer.
function(_ocimake_add_user_layer_edges name work base base_depends compression writable
    platform)
  _ocimake_cache_args(cache_args)
  set(args "")
  foreach(dir IN LISTS writable)
    list(APPEND args --writable "${dir}")
  endforeach()
  set(for "")
  if(platform)
    list(APPEND args --platform "${platform}")
    set(for " for ${platform}")
  endif()
  add_custom_command(OUTPUT "${work}/user.txt"
    COMMAND ocimake::ocimake user --base "${base}" --settings "${work}/settings.json" ${args}
      --tree "${work}/user" --output "${work}/user.txt" ${cache_args}
    DEPENDS ocimake::ocimake "${work}/settings.json" ${base_depends}
    COMMENT "Writing the runtime user's files of image ${name}${for}"
    VERBATIM)
  _ocimake_add_entries_layer_edge("${name}" "${work}" user "${compression}" "${for}"
    "ocimake: runtime user, /tmp and WRITABLE directories" "runtime-user")
endfunction()

# _ocimake_add_image_targets(<name> <work> <layout> <tag> <push-to> <all>
#                            <platforms> [<sbom-files>...])
# The image target and its -archive, -push and -run companions. With
# several platforms, -archive writes a docker-archive per platform
# (<name>-linux-arm64.tar: docker load takes one image) and -run runs the
# host's platform (else the first, under qemu).
function(_ocimake_add_image_targets name work layout tag push_to all platforms)
  _ocimake_cache_args(cache_args)
  set(tool ocimake::ocimake)
  set(all_flag "")
  if(all)
    set(all_flag ALL)
  endif()
  add_custom_target("${name}" ${all_flag} DEPENDS "${work}/image.digest" ${ARGN})
  set_target_properties("${name}" PROPERTIES
    OCIMAKE_IMAGE TRUE
    OCIMAKE_LAYOUT "${layout}"
    OCIMAKE_TAG "${tag}"
    OCIMAKE_WORK_DIR "${work}"
    OCIMAKE_DIGEST_FILE "${work}/image.digest"
    OCIMAKE_PLATFORMS "${platforms}")

  list(LENGTH platforms platform_count)
  set(archives "")
  foreach(platform IN LISTS platforms)
    if(platform_count GREATER 1)
      string(REPLACE "/" "-" suffix "${platform}")
      set(archive "${CMAKE_CURRENT_BINARY_DIR}/${name}-${suffix}.tar")
      add_custom_command(OUTPUT "${archive}"
        COMMAND ${tool} export "${layout}" --platform "${platform}" --output "${archive}"
        DEPENDS ${tool} "${work}/image.digest"
        COMMENT "Writing ${name}-${suffix}.tar (docker load / podman load)"
        VERBATIM)
      list(APPEND archives "${archive}")
    endif()
  endforeach()
  if(NOT archives)
    set(archive "${CMAKE_CURRENT_BINARY_DIR}/${name}.tar")
    add_custom_command(OUTPUT "${archive}"
      COMMAND ${tool} export "${layout}" --output "${archive}"
      DEPENDS ${tool} "${work}/image.digest"
      COMMENT "Writing ${name}.tar (docker load / podman load)"
      VERBATIM)
    set(archives "${archive}")
  endif()
  add_custom_target("${name}-archive" DEPENDS ${archives})

  # <name>-push: `ocimake push` of the built image to PUSH_TO (default: TAG).
  if(NOT push_to)
    set(push_to "${tag}")
  endif()
  add_custom_target("${name}-push"
    COMMAND ${tool} push "${layout}:${tag}" "${push_to}" ${cache_args}
    COMMENT "Pushing image ${name} to ${push_to}"
    VERBATIM)
  add_dependencies("${name}-push" "${name}")

  _ocimake_host_platform(host)
  set(run_platform "")
  if(platforms AND NOT host IN_LIST platforms)
    list(GET platforms 0 first)
    set(run_platform --platform "${first}")
  endif()
  add_custom_target("${name}-run"
    COMMAND ${tool} run "${layout}:${tag}" ${cache_args} ${run_platform}
      --sandbox "$<TARGET_FILE:ocimake::sandbox>"
    DEPENDS "${name}"
    USES_TERMINAL
    COMMENT "Running image ${name}"
    VERBATIM)
  set_target_properties("${name}-archive" "${name}-push" "${name}-run" PROPERTIES
    OCIMAKE_IMAGE TRUE)

  if(NOT TARGET "${OCIMAKE_IMAGE_TARGET}")
    add_custom_target("${OCIMAKE_IMAGE_TARGET}")
    set_target_properties("${OCIMAKE_IMAGE_TARGET}" PROPERTIES OCIMAKE_IMAGE TRUE)
  endif()
  add_dependencies("${OCIMAKE_IMAGE_TARGET}" "${name}")
  _ocimake_depend_on_tools("${name}")
endfunction()

# _ocimake_write_settings(<name> <file> [TAG <t>] [ENTRYPOINT <arg>...] ...)
# Writes the image settings JSON read by `ocimake image` (only on change)
# from the config keywords of add_container_image given to it.
function(_ocimake_write_settings name file)
  set(one TAG WORKDIR USER OS ARCH STOP_SIGNAL)
  set(lists ENTRYPOINT CMD ENV EXPOSE VOLUMES)
  set(maps LABELS ANNOTATIONS)
  cmake_parse_arguments(PARSE_ARGV 2 s "" "${one}" "${lists};${maps}")
  set(json "{}")
  foreach(pair IN ITEMS "TAG;tag" "WORKDIR;workdir" "USER;user" "OS;os" "ARCH;architecture"
      "STOP_SIGNAL;stop_signal")
    list(GET pair 0 keyword)
    list(GET pair 1 key)
    if(DEFINED s_${keyword})
      _ocimake_json_string(value "${s_${keyword}}")
      string(JSON json SET "${json}" "${key}" "${value}")
    endif()
  endforeach()
  foreach(keyword IN LISTS lists maps)
    if(DEFINED s_${keyword})
      string(TOLOWER "${keyword}" key)
      if(keyword IN_LIST maps)
        _ocimake_json_map(value add_container_image "${name}" ${keyword} ${s_${keyword}})
      else()
        _ocimake_json_array(value ${s_${keyword}})
      endif()
      string(JSON json SET "${json}" "${key}" "${value}")
    endif()
  endforeach()
  _ocimake_write_if_changed("${file}" "${json}\n")
endfunction()

# Resolves BASE to what `ocimake image --base` takes, and the files whose
# change must rebuild the image. An archive is imported once into an OCI
# layout in the work directory; a registry reference by tag is pinned to
# its digest by an edge that checks the tag (_ocimake_add_base_pin_edge).
function(_ocimake_resolve_base name base refresh work out_base out_depends)
  set(depends "")
  _ocimake_is_registry_ref("${base}" is_ref)
  if(NOT refresh STREQUAL "" AND NOT refresh MATCHES "^(always|never|[0-9]+)$")
    message(FATAL_ERROR "add_container_image(${name}): BASE_REFRESH ${refresh}: expected "
      "always, never or a number of minutes")
  endif()
  if(NOT refresh STREQUAL "" AND (NOT is_ref OR base MATCHES "@"))
    message(WARNING "add_container_image(${name}): BASE_REFRESH ${refresh} is ignored: BASE "
      "${base} is not a registry reference by tag")
  endif()
  if(is_ref AND NOT base MATCHES "@")
    if(refresh STREQUAL "")
      set(refresh always)
    endif()
    _ocimake_add_base_pin_edge("${base}" "${refresh}" pin)
    set(resolved "@${pin}")
    set(depends "${pin}")
  elseif(base STREQUAL "scratch")
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
    # Pinned by digest: pulled into the cache by the build's `ocimake` steps
    # once, served from it after (offline too); nothing can move.
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

# _ocimake_add_base_pin_edge(<ref> <refresh> <out-var>): the edge that pins
# a registry base given by tag (`ocimake base-digest`), one per reference
# and refresh in the whole build (so the tag is checked at most once per
# build, whichever images use it), and <out-var> its pin file. The edge also
# names an output it never writes, so it runs on every build; the pin file
# is rewritten only when the tag moved, and restat skips what depends on it
# otherwise: a no-op build costs this one HEAD request.
function(_ocimake_add_base_pin_edge ref refresh out)
  string(SHA256 key "${ref};${refresh}")
  string(SUBSTRING "${key}" 0 16 key)
  set(pin "${CMAKE_BINARY_DIR}/ocimake-base-pins/${key}.ref")
  set("${out}" "${pin}" PARENT_SCOPE)
  get_property(done GLOBAL PROPERTY "_OCIMAKE_BASE_PIN_${key}")
  if(done)
    return()
  endif()
  set_property(GLOBAL PROPERTY "_OCIMAKE_BASE_PIN_${key}" TRUE)
  add_custom_command(OUTPUT "${pin}" "${pin}.always-run"
    COMMAND ocimake::ocimake base-digest "${ref}" --output "${pin}" --refresh "${refresh}"
    DEPENDS ocimake::ocimake
    COMMENT "Checking the base image tag ${ref}"
    VERBATIM)
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

# _ocimake_split_bytes(<name> <size> <out-var>)
# LAYER_SPLIT_SIZE as bytes: "<n>", "<n>KiB", "<n>MiB" or "<n>GiB"; 0 or
# OFF: never split.
function(_ocimake_split_bytes name size out_var)
  if(size MATCHES "^(0|OFF|off)$")
    set("${out_var}" 0 PARENT_SCOPE)
    return()
  endif()
  if(NOT size MATCHES "^([1-9][0-9]*)(KiB|MiB|GiB)?$")
    message(FATAL_ERROR "add_container_image(${name}): LAYER_SPLIT_SIZE ${size}: expected "
      "a size such as 64MiB (a number of bytes, KiB, MiB or GiB), or OFF")
  endif()
  set(bytes "${CMAKE_MATCH_1}")
  set(unit "${CMAKE_MATCH_2}")
  if(unit STREQUAL "KiB")
    math(EXPR bytes "${bytes} * 1024")
  elseif(unit STREQUAL "MiB")
    math(EXPR bytes "${bytes} * 1048576")
  elseif(unit STREQUAL "GiB")
    math(EXPR bytes "${bytes} * 1073741824")
  endif()
  if(bytes LESS 4096)
    message(FATAL_ERROR "add_container_image(${name}): LAYER_SPLIT_SIZE ${size}: expected at "
      "least 4096 bytes (4KiB)")
  endif()
  set("${out_var}" "${bytes}" PARENT_SCOPE)
endfunction()
