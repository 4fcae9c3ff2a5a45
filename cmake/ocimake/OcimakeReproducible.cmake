# add_container_image(... CHECK_REPRODUCIBLE ON): a CTest test,
# <image>.reproducible, that builds the image again from a copy of the
# project in a fresh directory and compares it with this build's image
# (cmake/ocimake/reproducible-check.cmake does the work when it runs).
include_guard(GLOBAL)

set(_OCIMAKE_REPRODUCIBLE_SCRIPT "${CMAKE_CURRENT_LIST_DIR}/reproducible-check.cmake")

# _ocimake_add_reproducible_test(<name> <enabled> <layout> <tag>)
# Does nothing unless <enabled>, and, as add_container_test, when
# OCIMAKE_CONTAINER_TESTS is OFF. Labelled "reproducible".
function(_ocimake_add_reproducible_test name enabled layout tag)
  if(NOT enabled OR NOT OCIMAKE_CONTAINER_TESTS)
    return()
  endif()
  # enable_testing() sets a variable of the scope it runs in: deferred, it
  # runs in this directory's scope and the top one's, so that `ctest` (in
  # either) finds the test even if the project did not enable testing.
  cmake_language(DEFER CALL enable_testing)
  cmake_language(DEFER DIRECTORY "${CMAKE_SOURCE_DIR}" CALL enable_testing)
  set(file "${CMAKE_CURRENT_BINARY_DIR}/CMakeFiles/${name}.ocimake/reproducible.cmake")
  _ocimake_write_reproducible_settings("${name}" "${layout}" "${tag}" "${file}")

  _ocimake_image_build_fixture("${name}" fixture)
  add_test(NAME "${name}.reproducible"
    COMMAND "${CMAKE_COMMAND}" "-DSETTINGS=${file}" "-DOCIMAKE=$<TARGET_FILE:ocimake::ocimake>"
      -P "${_OCIMAKE_REPRODUCIBLE_SCRIPT}")
  set_tests_properties("${name}.reproducible" PROPERTIES FIXTURES_REQUIRED "${fixture}"
    LABELS reproducible)
endfunction()

# _ocimake_write_reproducible_settings(<name> <layout> <tag> <file>): what
# reproducible-check.cmake reads: where the project and the image are, and
# the variables of this configure the fresh one gets.
function(_ocimake_write_reproducible_settings name layout tag file)
  file(RELATIVE_PATH layout_rel "${PROJECT_BINARY_DIR}" "${layout}")
  set(settings "# Written by ocimake for the test ${name}.reproducible.\n")
  foreach(pair IN ITEMS "SOURCE_DIR;${PROJECT_SOURCE_DIR}" "USER_BUILD;${CMAKE_BINARY_DIR}"
      "TARGET;${name}" "LAYOUT;${layout}" "LAYOUT_REL;${layout_rel}" "TAG;${tag}"
      "GENERATOR;${CMAKE_GENERATOR}")
    list(GET pair 0 key)
    list(GET pair 1 value)
    string(APPEND settings "set(${key} [==[${value}]==])\n")
  endforeach()
  # The variables the fresh configure gets as this one saw them (a list
  # value such as CMAKE_PREFIX_PATH stays whole: one bracket argument).
  set(names "")
  foreach(var IN ITEMS ocimake_DIR OCIMAKE_CACHE_DIR OCIMAKE_SOURCE_DATE_EPOCH
      OCIMAKE_IMAGE_TARGET CMAKE_BUILD_TYPE CMAKE_C_COMPILER CMAKE_CXX_COMPILER
      CMAKE_C_FLAGS CMAKE_CXX_FLAGS CMAKE_EXE_LINKER_FLAGS CMAKE_SHARED_LINKER_FLAGS
      CMAKE_TOOLCHAIN_FILE CMAKE_PREFIX_PATH CMAKE_MAKE_PROGRAM)
    if(DEFINED ${var} AND NOT "${${var}}" STREQUAL "")
      list(APPEND names ${var})
      string(APPEND settings "set(VALUE_${var} [==[${${var}}]==])\n")
    endif()
  endforeach()
  string(APPEND settings "set(DEFINE_NAMES ${names})\n")
  _ocimake_write_if_changed("${file}" "${settings}")
endfunction()
