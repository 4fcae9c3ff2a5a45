# add_container_test(): a CTest test that runs a command inside an image with
# `ocimake run`. A fixture test builds the image first, so plain `ctest`
# works on a fresh build tree.
include_guard(GLOBAL)

# BIND items "<host>:<path>[:ro|:rw]" as `ocimake run` arguments: read-only
# unless :rw (`--bind h:p:ro`; :rw is `--bind h:p`), a relative host path
# taken from the calling directory.
function(_ocimake_test_binds name items out_var)
  set(out "")
  foreach(item IN LISTS items)
    if(NOT item MATCHES "^([^:]+):(/[^:]*)(:(ro|rw))?$")
      message(FATAL_ERROR "add_container_test(${name}): BIND ${item}: expected "
        "<host>:<path>[:ro|:rw] with an absolute <path> inside the image")
    endif()
    set(host "${CMAKE_MATCH_1}")
    set(path "${CMAKE_MATCH_2}")
    set(mode "${CMAKE_MATCH_4}")
    cmake_path(ABSOLUTE_PATH host BASE_DIRECTORY "${CMAKE_CURRENT_SOURCE_DIR}")
    if(mode STREQUAL "rw")
      list(APPEND out --bind "${host}:${path}")
    else()
      list(APPEND out --bind "${host}:${path}:ro")
    endif()
  endforeach()
  set("${out_var}" "${out}" PARENT_SCOPE)
endfunction()

# _ocimake_image_build_fixture(<image> <out-var>): the fixture whose setup
# test, ocimake.<image>.build, builds the image before the tests that
# require it run (one per image); its name in <out-var>.
function(_ocimake_image_build_fixture image out)
  set(fixture "ocimake.${image}")
  if(NOT TEST "${fixture}.build")
    add_test(NAME "${fixture}.build"
      COMMAND "${CMAKE_COMMAND}" --build "${CMAKE_BINARY_DIR}" --target "${image}")
    set_tests_properties("${fixture}.build" PROPERTIES FIXTURES_SETUP "${fixture}" RUN_SERIAL TRUE)
  endif()
  set("${out}" "${fixture}" PARENT_SCOPE)
endfunction()

function(_ocimake_add_test name)
  _ocimake_cache_args(cache_args)
  _ocimake_keywords(add_container_test options one_value multi_value)
  cmake_parse_arguments(PARSE_ARGV 1 arg "${options}" "${one_value}" "${multi_value}")
  _ocimake_check_arguments(add_container_test "${name}" arg)
  _ocimake_test_binds("${name}" "${arg_BIND}" bind_args)
  if(OCIMAKE_IN_BUILD_STAGE OR NOT OCIMAKE_CONTAINER_TESTS)
    return()
  endif()
  _ocimake_test_image_layout(add_container_test "${name}" "${arg_IMAGE}" image)

  set(run run "${image}" ${cache_args} --sandbox "$<TARGET_FILE:ocimake::sandbox>")
  foreach(kv IN LISTS arg_ENV)
    list(APPEND run --env "${kv}")
  endforeach()
  list(APPEND run ${bind_args})
  if(DEFINED arg_STDIN)
    cmake_path(ABSOLUTE_PATH arg_STDIN BASE_DIRECTORY "${CMAKE_CURRENT_SOURCE_DIR}")
    list(APPEND run --stdin "${arg_STDIN}")
  endif()
  if(DEFINED arg_COMMAND)
    list(APPEND run --command -- ${arg_COMMAND} ${arg_ARGS})
  elseif(DEFINED arg_ARGS)
    list(APPEND run -- ${arg_ARGS})
  endif()
  _ocimake_image_build_fixture("${arg_IMAGE}" fixture)

  # A test per platform of a multi-platform image (<name>.linux-arm64,
  # labelled linux/arm64); a platform other than the host's runs under qemu.
  get_target_property(platforms "${arg_IMAGE}" OCIMAKE_PLATFORMS)
  list(LENGTH platforms platform_count)
  if(NOT platforms)
    set(platforms HOST)
  endif()
  foreach(platform IN LISTS platforms)
    set(test_name "${name}")
    set(platform_args "")
    set(labels ${arg_LABELS})
    if(NOT platform STREQUAL "HOST")
      set(platform_args --platform "${platform}")
      list(APPEND labels "${platform}")
    endif()
    if(platform_count GREATER 1)
      string(REPLACE "/" "-" suffix "${platform}")
      set(test_name "${name}.${suffix}")
    endif()
    # After "run <layout>:<tag>", before any -- or --command.
    set(command ${run})
    if(platform_args)
      list(INSERT command 2 ${platform_args})
    endif()
    add_test(NAME "${test_name}" COMMAND ocimake::ocimake ${command})
    _ocimake_set_test_properties("${test_name}" "${fixture}" "${labels}")
  endforeach()
endfunction()

# _ocimake_set_test_properties(<test> <fixture> <labels>): the calling
# add_container_test()'s properties (arg_*) on one of its tests.
macro(_ocimake_set_test_properties test fixture labels)
  set_tests_properties("${test}" PROPERTIES FIXTURES_REQUIRED "${fixture};${arg_FIXTURES_REQUIRED}")
  foreach(prop TIMEOUT WORKING_DIRECTORY PASS_REGULAR_EXPRESSION FAIL_REGULAR_EXPRESSION
      SKIP_REGULAR_EXPRESSION FIXTURES_SETUP FIXTURES_CLEANUP)
    if(DEFINED arg_${prop})
      set_tests_properties("${test}" PROPERTIES ${prop} "${arg_${prop}}")
    endif()
  endforeach()
  if(NOT "${labels}" STREQUAL "")
    set_tests_properties("${test}" PROPERTIES LABELS "${labels}")
  endif()
  if(arg_WILL_FAIL)
    set_tests_properties("${test}" PROPERTIES WILL_FAIL TRUE)
  endif()
endmacro()

# add_container_structure_test(): a CTest test that checks an image's config,
# files and size with `ocimake structure-test`, without running it (every
# platform of a multi-platform image in one test). The image-build fixture
# builds the image first.
function(_ocimake_add_structure_test name)
  _ocimake_keywords(add_container_structure_test options one_value multi_value)
  cmake_parse_arguments(PARSE_ARGV 1 arg "${options}" "${one_value}" "${multi_value}")
  _ocimake_check_arguments(add_container_structure_test "${name}" arg)
  if(OCIMAKE_IN_BUILD_STAGE OR NOT OCIMAKE_CONTAINER_TESTS)
    return()
  endif()
  _ocimake_test_image_layout(add_container_structure_test "${name}" "${arg_IMAGE}" image)
  _ocimake_structure_check_args(checks)
  if(NOT checks)
    message(FATAL_ERROR "add_container_structure_test(${name}): no checks given (USER, "
      "ENTRYPOINT, ENV, EXPOSES, IMAGE_LABELS, FILES_PRESENT, FILES_ABSENT, FILE_MODES, "
      "FILE_OWNERS, FILE_CONTENTS, MAX_SIZE or MAX_UNPACKED_SIZE)")
  endif()
  add_test(NAME "${name}" COMMAND ocimake::ocimake structure-test "${image}" ${checks})
  _ocimake_image_build_fixture("${arg_IMAGE}" fixture)
  set_tests_properties("${name}" PROPERTIES FIXTURES_REQUIRED "${fixture}")
  if(DEFINED arg_TIMEOUT)
    set_tests_properties("${name}" PROPERTIES TIMEOUT "${arg_TIMEOUT}")
  endif()
  if(DEFINED arg_LABELS)
    set_tests_properties("${name}" PROPERTIES LABELS "${arg_LABELS}")
  endif()
endfunction()

# _ocimake_test_image_layout(<command> <name> <image> <out-var>): the
# "<layout>:<tag>" of the image target <image>, which must be one.
function(_ocimake_test_image_layout command name image out)
  if(image STREQUAL "")
    message(FATAL_ERROR "${command}(${name}): IMAGE is required")
  endif()
  if(NOT TARGET "${image}")
    message(FATAL_ERROR "${command}(${name}): IMAGE ${image}: no such image "
      "(declare it first with add_container_image())")
  endif()
  get_target_property(layout "${image}" OCIMAKE_LAYOUT)
  get_target_property(tag "${image}" OCIMAKE_TAG)
  if(NOT layout)
    message(FATAL_ERROR "${command}(${name}): ${image} is not a container image")
  endif()
  set("${out}" "${layout}:${tag}" PARENT_SCOPE)
endfunction()

# _ocimake_structure_check_args(<out-var>): the calling
# add_container_structure_test()'s checks (arg_*) as `ocimake
# structure-test` options.
macro(_ocimake_structure_check_args out)
  set(${out} "")
  if(DEFINED arg_USER)
    list(APPEND ${out} --user "${arg_USER}")
  endif()
  if(DEFINED arg_ENTRYPOINT)
    _ocimake_json_array(_ocimake_entrypoint ${arg_ENTRYPOINT})
    list(APPEND ${out} --entrypoint "${_ocimake_entrypoint}")
  endif()
  foreach(_ocimake_pair IN ITEMS ENV:--env EXPOSES:--expose IMAGE_LABELS:--label
      FILES_PRESENT:--file-present FILES_ABSENT:--file-absent FILE_MODES:--file-mode
      FILE_OWNERS:--file-owner FILE_CONTENTS:--file-content
      MAX_SIZE:--max-size MAX_UNPACKED_SIZE:--max-unpacked-size)
    string(REPLACE ":" ";" _ocimake_pair "${_ocimake_pair}")
    list(GET _ocimake_pair 0 _ocimake_keyword)
    list(GET _ocimake_pair 1 _ocimake_flag)
    foreach(_ocimake_item IN LISTS arg_${_ocimake_keyword})
      list(APPEND ${out} "${_ocimake_flag}" "${_ocimake_item}")
    endforeach()
  endforeach()
endmacro()
