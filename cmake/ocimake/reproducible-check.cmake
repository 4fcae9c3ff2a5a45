# The test <image>.reproducible (add_container_image CHECK_REPRODUCIBLE ON),
# run as cmake -DSETTINGS=<file> -DOCIMAKE=<ocimake> -P <this file>:
#  1. copies the project's source tree (without .git and without the build
#     directory when it lies inside) to a fresh temp directory, every file
#     dated 2001-02-03;
#  2. configures and builds the image's target there under umask 077, with
#     SOURCE_DATE_EPOCH unset in the environment (so a compiler does not
#     hide __DATE__/__TIME__), with the generator and settings of the user's
#     build (_ocimake_reproducible_init_cache below says which);
#  3. runs `ocimake diff` on the two images: the same digest passes; else
#     the first difference is printed and the test fails.
# The user's source and build trees are only read. The temp directory is
# removed when the check passes and kept (its path printed) when it fails.
cmake_minimum_required(VERSION 3.25)
include("${SETTINGS}")

# Runs a step under umask 077 without SOURCE_DATE_EPOCH; its output goes to
# <tmp>/<log>, shown (the last lines) when it fails.
function(_ocimake_reproducible_run tmp log)
  execute_process(
    COMMAND sh -c "umask 077 && exec \"$@\"" sh
      "${CMAKE_COMMAND}" -E env --unset=SOURCE_DATE_EPOCH ${ARGN}
    OUTPUT_FILE "${tmp}/${log}" ERROR_FILE "${tmp}/${log}" RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    file(STRINGS "${tmp}/${log}" lines)
    list(LENGTH lines count)
    set(first 0)
    if(count GREATER 30)
      math(EXPR first "${count} - 30")
    endif()
    list(SUBLIST lines ${first} -1 tail)
    list(JOIN tail "\n" tail)
    message(FATAL_ERROR "${tail}\n${TARGET}.reproducible: the fresh ${log} failed (the whole "
      "log: ${tmp}/${log}; the temp directory is kept)")
  endif()
endfunction()

# The copy of SOURCE_DIR in <dest>, every entry dated 2001-02-03.
function(_ocimake_reproducible_copy dest)
  set(excludes --exclude=./.git)
  cmake_path(IS_PREFIX SOURCE_DIR "${USER_BUILD}" NORMALIZE inside)
  if(inside)
    file(RELATIVE_PATH rel "${SOURCE_DIR}" "${USER_BUILD}")
    if(rel STREQUAL "")
      # An in-source build: the copy would hold the user's build tree.
      message(FATAL_ERROR "CHECK_REPRODUCIBLE: the build directory is the source directory "
        "${SOURCE_DIR}; configure the project in a build directory of its own")
    endif()
    list(APPEND excludes "--exclude=./${rel}")
  endif()
  file(MAKE_DIRECTORY "${dest}")
  execute_process(COMMAND tar -C "${SOURCE_DIR}" ${excludes} -cf - .
    COMMAND tar -C "${dest}" -xf - RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${TARGET}.reproducible: copying ${SOURCE_DIR} to ${dest} failed")
  endif()
  execute_process(COMMAND find "${dest}" -exec touch -h -d "2001-02-03 04:05:06" {} +
    RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${TARGET}.reproducible: dating the copy in ${dest} failed")
  endif()
endfunction()

# The cache entries of the user's build the fresh configure gets, as
# set(... CACHE ...) lines: the project's own settings (non-advanced
# BOOL/STRING/PATH/FILEPATH/untyped entries) and package locations (*_DIR,
# *_ROOT), but not CMake's, its modules' or ocimake's own (CMAKE_*, CPACK_*,
# CTEST_*, DART_*, MEMORYCHECK_*, COVERAGE_*, FETCHCONTENT_* but
# FETCHCONTENT_SOURCE_DIR_*, OCIMAKE_*, SITE, BUILDNAME), nor a *-NOTFOUND
# or a path inside the user's build directory (the fresh configure finds
# those anew). A path inside the source tree is moved to the copy's.
function(_ocimake_reproducible_cache_entries copy out)
  file(READ "${USER_BUILD}/CMakeCache.txt" text)
  string(REPLACE ";" "<ocimake-semicolon>" text "${text}")
  string(REPLACE "\n" ";" lines "${text}")
  set(advanced "")
  foreach(line IN LISTS lines)
    if(line MATCHES "^([^#/:][^:]*)-ADVANCED:INTERNAL=1$")
      list(APPEND advanced "${CMAKE_MATCH_1}")
    endif()
  endforeach()
  set(skip "^(CMAKE|CPACK|CTEST|DART|MEMORYCHECK|COVERAGE|OCIMAKE|FETCHCONTENT)_|^(SITE|BUILDNAME)$")
  set(result "")
  foreach(line IN LISTS lines)
    if(NOT line MATCHES "^([^#/:][^:]*):(BOOL|STRING|PATH|FILEPATH|UNINITIALIZED)=(.*)$")
      continue()
    endif()
    set(name "${CMAKE_MATCH_1}")
    set(type "${CMAKE_MATCH_2}")
    string(REPLACE "<ocimake-semicolon>" ";" value "${CMAKE_MATCH_3}")
    if(name MATCHES "${skip}" AND NOT name MATCHES "^FETCHCONTENT_SOURCE_DIR_")
      continue()
    endif()
    string(FIND "${value}/" "${USER_BUILD}/" in_build)
    if((name IN_LIST advanced AND NOT name MATCHES "_(DIR|ROOT)$") OR name IN_LIST DEFINE_NAMES
        OR value MATCHES "-NOTFOUND$" OR in_build EQUAL 0)
      continue()
    endif()
    if(type STREQUAL "UNINITIALIZED")
      set(type STRING)
    endif()
    # The source directory itself or a path below it, never a sibling that
    # shares its prefix (/src/app2 for /src/app).
    if(value STREQUAL SOURCE_DIR)
      set(value "${copy}")
    else()
      string(REPLACE "${SOURCE_DIR}/" "${copy}/" value "${value}")
    endif()
    string(APPEND result "set(${name} [==[${value}]==] CACHE ${type} \"\" FORCE)\n")
  endforeach()
  set("${out}" "${result}" PARENT_SCOPE)
endfunction()

# Writes <file>, the initial cache (cmake -C) of the fresh configure: the
# variables the user's configure recorded for this check (ocimake_DIR, the
# compilers and flags, CMAKE_BUILD_TYPE, OCIMAKE_CACHE_DIR, ...), the
# entries _ocimake_reproducible_cache_entries picks, and, for every
# dependency FetchContent fetched into the user's build, its source there
# (FETCHCONTENT_SOURCE_DIR_<NAME>: read, never downloaded again).
function(_ocimake_reproducible_init_cache file copy)
  set(init "set(OCIMAKE_CONTAINER_TESTS OFF CACHE BOOL \"\" FORCE)\n")
  foreach(name IN LISTS DEFINE_NAMES)
    string(APPEND init "set(${name} [==[${VALUE_${name}}]==] CACHE STRING \"\" FORCE)\n")
  endforeach()
  _ocimake_reproducible_cache_entries("${copy}" entries)
  string(APPEND init "${entries}")
  file(STRINGS "${USER_BUILD}/CMakeCache.txt" base REGEX "^FETCHCONTENT_BASE_DIR:")
  string(REGEX REPLACE "^[^=]*=" "" base "${base}")
  if(base STREQUAL "")
    set(base "${USER_BUILD}/_deps")
  endif()
  file(GLOB sources LIST_DIRECTORIES true "${base}/*-src")
  foreach(dir IN LISTS sources)
    get_filename_component(dep "${dir}" NAME)
    string(REGEX REPLACE "-src$" "" dep "${dep}")
    string(TOUPPER "${dep}" dep)
    if(NOT init MATCHES "FETCHCONTENT_SOURCE_DIR_${dep} ")
      string(APPEND init "set(FETCHCONTENT_SOURCE_DIR_${dep} [==[${dir}]==] CACHE PATH \"\")\n")
    endif()
  endforeach()
  file(WRITE "${file}" "${init}")
endfunction()

function(_ocimake_reproducible_check)
  set(tmp_root "$ENV{TMPDIR}")
  if(tmp_root STREQUAL "")
    set(tmp_root /tmp)
  endif()
  string(RANDOM LENGTH 8 ALPHABET abcdefghijklmnopqrstuvwxyz0123456789 suffix)
  set(tmp "${tmp_root}/ocimake-reproducible-${TARGET}-${suffix}")
  set(copy "${tmp}/source-copy")
  set(build "${tmp}/build")
  file(MAKE_DIRECTORY "${build}")
  _ocimake_reproducible_copy("${copy}")
  _ocimake_reproducible_init_cache("${tmp}/init-cache.cmake" "${copy}")
  message(STATUS "${TARGET}.reproducible: building ${TARGET} again in ${build}")
  _ocimake_reproducible_run("${tmp}" configure.log "${CMAKE_COMMAND}" --no-warn-unused-cli
    -C "${tmp}/init-cache.cmake" -G "${GENERATOR}" -S "${copy}" -B "${build}")
  # A COMPILER_CACHE build stage compiles every file again (and refreshes
  # the cache): hits would only repeat the first build's objects.
  set(ENV{OCIMAKE_COMPILER_CACHE_RECACHE} 1)
  _ocimake_reproducible_run("${tmp}" build.log "${CMAKE_COMMAND}" --build "${build}"
    --target "${TARGET}")
  execute_process(COMMAND "${OCIMAKE}" diff "${LAYOUT}:${TAG}" "${build}/${LAYOUT_REL}:${TAG}"
    OUTPUT_VARIABLE diff ERROR_VARIABLE diff RESULT_VARIABLE rc)
  string(STRIP "${diff}" diff)
  if(rc EQUAL 0)
    file(REMOVE_RECURSE "${tmp}")
    message(STATUS "${TARGET} is reproducible: ${diff}")
  elseif(rc EQUAL 1)
    message(FATAL_ERROR "${TARGET} is not reproducible: built again from a copy of "
      "${SOURCE_DIR}, it differs first in\n  ${diff}\n(the rebuild is kept in ${tmp})")
  else()
    message(FATAL_ERROR "${TARGET}.reproducible: ocimake diff failed: ${diff} "
      "(the rebuild is kept in ${tmp})")
  endif()
endfunction()

_ocimake_reproducible_check()
