# The stage edge of an image: what its install rules install, in a staging
# tree, with a stamp that changes only when the staged files change.
#
#   host       `ocimake stage --build-dir`: cmake --install of the image's
#              directory, after the targets its install rules need
#              (OcimakeInstallRules.cmake) are built
#   toolchain  `ocimake stage --rootfs-file`: the project configured, built,
#              tested (TEST_STAGE) and installed inside the toolchain rootfs
include_guard(GLOBAL)

# _ocimake_add_stage_edge(<name> <work> <depends> <stage-args>)
# Called at the end of the image's directory, when its install rules are
# all known. Its depfile (or input manifest, below) names the install
# scripts and every installed file, so later builds re-stage exactly when
# one of them changed.
function(_ocimake_add_stage_edge name work depends stage_args)
  _ocimake_installed_targets_of("${CMAKE_CURRENT_SOURCE_DIR}" targets)
  _ocimake_stage_layer_outputs("${work}" outputs ${stage_args})
  _ocimake_add_input_check_edge("${name}" "${work}/stage.inputs" inputs_args)
  add_custom_command(OUTPUT "${work}/stage.stamp" "${work}/stage.closure" "${work}/stage.excluded"
    ${outputs}
    COMMAND ocimake::ocimake stage ${stage_args} --build-dir "${CMAKE_CURRENT_BINARY_DIR}"
      --depfile "${work}/stage.d" ${inputs_args} --cmake "${CMAKE_COMMAND}"
    DEPENDS ocimake::ocimake ${targets} ${depends} "${work}/stage.inputs.stamp"
    DEPFILE "${work}/stage.d"
    COMMENT "Staging the install tree of image ${name}"
    VERBATIM)
endfunction()

# _ocimake_add_input_check_edge(<name> <manifest> <out-stage-args>)
# The edge before a stage edge that decides whether its inputs changed when
# they are too many for its depfile: Ninja 1.11's depfile parser is
# quadratic in the length (100,000 inputs cost seconds on every build). Up
# to 2000 inputs the stage's depfile lists them, and this edge, once run,
# stays clean (its <manifest>.probe exists): a no-op build runs nothing.
# With more (a large install tree), the stage records them in <manifest>
# and removes the probe, so this edge runs on every build, one lstat() per
# input, touching <manifest>.stamp, which the stage edge depends on, only
# when one changed. <out-stage-args> gets the stage's arguments for it.
function(_ocimake_add_input_check_edge name manifest out_args)
  add_custom_command(OUTPUT "${manifest}.stamp" "${manifest}.probe"
    COMMAND ocimake::ocimake check-inputs --manifest "${manifest}" --stamp "${manifest}.stamp"
      --probe "${manifest}.probe"
    DEPENDS ocimake::ocimake
    COMMENT "Checking the staging inputs of image ${name}"
    VERBATIM)
  set("${out_args}" --inputs-manifest "${manifest}" --inputs-probe "${manifest}.probe"
    PARENT_SCOPE)
endfunction()

# _ocimake_add_toolchain_stage_edge(<name> <work> <toolchain> <toolchain-file>
#     <test-stage> <secrets> <cache-variables> <depends> <platform> <stage-arg>...)
# The inner build directory persists, so the inner Ninja is incremental;
# each platform other than the host's has its own, cross-compiled.
# The edge's depfile (or input manifest, see above), written by `ocimake
# stage` from the inner build's own dependency information (its deps log and
# the CMake files its build.ninja re-runs on), names every source file the
# inner build read, so a no-op build runs nothing; its stamp is rewritten only when the installed files
# changed, so the layer edges after it run only then. It uses the terminal,
# so the inner build's progress streams as it runs.
function(_ocimake_add_toolchain_stage_edge name work toolchain toolchain_file test_stage
    secrets cache_variables depends platform)
  file(RELATIVE_PATH subdir "${PROJECT_SOURCE_DIR}" "${CMAKE_CURRENT_SOURCE_DIR}")
  if(subdir STREQUAL "")
    set(subdir .)
  endif()
  set(inner "${CMAKE_BINARY_DIR}/CMakeFiles/ocimake-inner/${toolchain}.${PROJECT_NAME}")
  set(platform_args "")
  set(for "")
  _ocimake_host_platform(host)
  if(platform AND NOT platform STREQUAL host)
    _ocimake_platform_debian("${platform}" debian)
    string(APPEND inner ".${debian}")
    set(platform_args --platform "${platform}")
    set(for " (${platform}, cross-compiled)")
  endif()
  set(stage_args ${ARGN} ${platform_args} --rootfs-file "${toolchain_file}"
    --source-dir "${PROJECT_SOURCE_DIR}" --inner-build-dir "${inner}" --subdir "${subdir}"
    --module-dir "${OCIMAKE_MODULE_DIR}" --sandbox "$<TARGET_FILE:ocimake::sandbox>"
    --defines-file "${work}/stage.defines" --depfile "${work}/stage.d")
  if(CMAKE_BUILD_TYPE)
    list(APPEND stage_args --build-type "${CMAKE_BUILD_TYPE}")
  endif()
  if(test_stage)
    list(APPEND stage_args --test)
  endif()
  set(secret_files "")
  foreach(secret IN LISTS secrets)
    list(APPEND stage_args --secret "${secret}")
    if(secret MATCHES ",src=(.+)$")
      set(src "${CMAKE_MATCH_1}")
      cmake_path(ABSOLUTE_PATH src BASE_DIRECTORY "${CMAKE_CURRENT_SOURCE_DIR}" NORMALIZE)
      list(APPEND secret_files "${src}")
    endif()
  endforeach()
  foreach(target IN LISTS depends)
    list(APPEND stage_args --build-target "${target}")
  endforeach()
  # The project's options cross into the stage; written at the end of the
  # top-level directory, when every option() and set(CACHE) has been read.
  _ocimake_bracket(cache_list "${cache_variables}")
  cmake_language(EVAL CODE "
    cmake_language(DEFER DIRECTORY [[${CMAKE_SOURCE_DIR}]]
      CALL _ocimake_write_stage_defines [[${work}/stage.defines]] ${cache_list})")
  _ocimake_stage_layer_outputs("${work}" outputs ${stage_args})
  _ocimake_add_input_check_edge("${name}" "${work}/stage.inputs" inputs_args)
  add_custom_command(OUTPUT "${work}/stage.stamp" "${work}/stage.closure" "${work}/stage.excluded"
    ${outputs}
    COMMAND ocimake::ocimake stage ${stage_args} ${inputs_args}
    DEPENDS ocimake::ocimake ocimake::sandbox "${toolchain_file}" "${work}/stage.defines"
      ${secret_files} "${work}/stage.inputs.stamp"
    DEPFILE "${work}/stage.d"
    USES_TERMINAL
    COMMENT "Building ${PROJECT_NAME} in toolchain ${toolchain} for image ${name}${for}"
    VERBATIM)
  add_dependencies("${name}" "ocimake-toolchain-${toolchain}")
endfunction()

# _ocimake_keep_compiler_cache_remote()
# OCIMAKE_COMPILER_CACHE_REMOTE given as a cache variable: ccache's remote
# storage URL, a secret when it holds a password. It goes on no command
# line (build.ninja, `ps`): it is written to a 0600 file in a 0700
# directory of the build tree (to a temp file there, then renamed), which
# the stage edges of COMPILER_CACHE images name (--compiler-cache-remote-
# file). A URL with a password is then replaced in the cache by its
# redacted form (redis://user:***@host), which means "the URL in the file",
# so CMakeCache.txt keeps no password; set the variable empty to forget it.
# Run once per configure, whether an image uses it or not. Empty, `ocimake
# stage` reads the environment variable of that name when it runs.
function(_ocimake_keep_compiler_cache_remote)
  _ocimake_compiler_cache_remote_file(dir file)
  set(value "$CACHE{OCIMAKE_COMPILER_CACHE_REMOTE}")
  if(value STREQUAL "")
    file(REMOVE "${file}")
  elseif(value MATCHES "://[^|]*\\*\\*\\*@")
    if(NOT EXISTS "${file}")
      message(FATAL_ERROR "OCIMAKE_COMPILER_CACHE_REMOTE ${value}: the redacted form of a URL "
        "whose file ${file} is gone; give the URL again")
    endif()
  else()
    _ocimake_write_private_file("${dir}" "${file}" "${value}\n")
    string(REGEX REPLACE "^([A-Za-z+]+://)([^:@|]*:)?[^|]*@" "\\1\\2***@" redacted "${value}")
    if(NOT redacted STREQUAL value)
      set(OCIMAKE_COMPILER_CACHE_REMOTE "${redacted}" CACHE STRING
        "ccache's remote storage URL for the build stage (the password kept in ${file})" FORCE)
    endif()
  endif()
endfunction()

function(_ocimake_compiler_cache_remote_file out_dir out_file)
  set(dir "${CMAKE_BINARY_DIR}/CMakeFiles/ocimake-secrets")
  set("${out_dir}" "${dir}" PARENT_SCOPE)
  set("${out_file}" "${dir}/compiler-cache-remote" PARENT_SCOPE)
endfunction()

# _ocimake_compiler_cache_remote_args(<stage-args-var>)
# --compiler-cache-remote-file for a COMPILER_CACHE image's stage, when the
# cache variable is set (see _ocimake_keep_compiler_cache_remote).
function(_ocimake_compiler_cache_remote_args out)
  _ocimake_compiler_cache_remote_file(dir file)
  if(EXISTS "${file}")
    set("${out}" ${${out}} --compiler-cache-remote-file "${file}" PARENT_SCOPE)
  endif()
endfunction()

# _ocimake_write_private_file(<dir> <file> <text>)
# <file> in <dir> (made 0700) holds <text>, mode 0600, rewritten only when
# it changes, through a temp file made private before it is written.
function(_ocimake_write_private_file dir file text)
  if(EXISTS "${file}")
    file(READ "${file}" old)
    if(old STREQUAL text)
      return()
    endif()
  endif()
  file(MAKE_DIRECTORY "${dir}")
  file(CHMOD "${dir}" PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE)
  file(TOUCH "${file}.tmp")
  file(CHMOD "${file}.tmp" PERMISSIONS OWNER_READ OWNER_WRITE)
  file(WRITE "${file}.tmp" "${text}")
  file(RENAME "${file}.tmp" "${file}")
endfunction()

# _ocimake_write_stage_defines(<file> <cache-variables>)
# Writes one -DNAME:TYPE=value line per cache entry that crosses from the
# host configure into the toolchain configure, then CACHE_VARIABLES (which
# come later and so win). What crosses: BUILD_SHARED_LIBS, and every BOOL,
# STRING or untyped (-D on the command line) entry that is not marked
# advanced (CMake's modules mark theirs), except CMake's own and its
# modules' (CMAKE_*, CPACK_*, CTEST_*, DART_*, MEMORYCHECK_*, COVERAGE_*,
# SITE, BUILDNAME), ocimake's (OCIMAKE_*), FetchContent's (FETCHCONTENT_*),
# package locations (*_DIR, *_ROOT) and any value that is an absolute path:
# nothing of the host's file system reaches the toolchain.
function(_ocimake_write_stage_defines file cache_variables)
  get_cmake_property(entries CACHE_VARIABLES)
  list(SORT entries)
  set(text "")
  foreach(entry IN LISTS entries)
    _ocimake_crosses_into_stage("${entry}" crosses type)
    if(crosses)
      get_property(value CACHE "${entry}" PROPERTY VALUE)
      string(APPEND text "-D${entry}:${type}=${value}\n")
    endif()
  endforeach()
  foreach(define IN LISTS cache_variables)
    string(APPEND text "-D${define}\n")
  endforeach()
  _ocimake_write_if_changed("${file}" "${text}")
endfunction()

# _ocimake_crosses_into_stage(<entry> <out-crosses> <out-type>)
function(_ocimake_crosses_into_stage entry out_crosses out_type)
  get_property(type CACHE "${entry}" PROPERTY TYPE)
  get_property(value CACHE "${entry}" PROPERTY VALUE)
  get_property(advanced CACHE "${entry}" PROPERTY ADVANCED)
  set(crosses FALSE)
  if(type STREQUAL "UNINITIALIZED")
    set(type STRING)
    if(value MATCHES "^(ON|OFF|TRUE|FALSE|YES|NO)$")
      set(type BOOL)
    endif()
  endif()
  if(entry STREQUAL "BUILD_SHARED_LIBS")
    set(crosses TRUE)
  elseif(type MATCHES "^(BOOL|STRING)$" AND NOT advanced
      AND NOT entry MATCHES "^(CMAKE|CPACK|CTEST|DART|MEMORYCHECK|COVERAGE|OCIMAKE|FETCHCONTENT)_"
      AND NOT entry MATCHES "^(SITE|BUILDNAME)$"
      AND NOT entry MATCHES "_(DIR|ROOT)$"
      AND NOT value MATCHES "^/")
    set(crosses TRUE)
  endif()
  if(entry MATCHES "^[A-Za-z_][A-Za-z0-9_.+-]*$" AND NOT value MATCHES "\n")
    set("${out_crosses}" "${crosses}" PARENT_SCOPE)
  else()
    set("${out_crosses}" FALSE PARENT_SCOPE)
  endif()
  set("${out_type}" "${type}" PARENT_SCOPE)
endfunction()

# _ocimake_stage_layer_outputs(<work> <out-var> <stage-arg>...)
# What the stage edge writes for LAYERS, from its --layer-component
# arguments: each component's entries file and stamp, the project's shared
# libraries' and the rest's entries file (app.txt), in <work>/layers.
function(_ocimake_stage_layer_outputs work out)
  set(outputs "")
  set(next FALSE)
  foreach(arg IN LISTS ARGN)
    if(next)
      list(APPEND outputs "${work}/layers/component-${arg}.txt"
        "${work}/layers/component-${arg}.stamp")
      set(next FALSE)
    elseif(arg STREQUAL "--layer-component")
      set(next TRUE)
    endif()
  endforeach()
  if(outputs)
    list(APPEND outputs "${work}/layers/app.txt" "${work}/layers/libraries.txt"
      "${work}/layers/libraries.stamp")
  endif()
  set("${out}" "${outputs}" PARENT_SCOPE)
endfunction()
