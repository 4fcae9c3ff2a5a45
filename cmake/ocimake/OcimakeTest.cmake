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

# enable_testing() at the end of the calling directory (not in a build
# stage's inner configure, which runs no container test).
function(_ocimake_enable_testing_here)
  if(NOT OCIMAKE_IN_BUILD_STAGE)
    cmake_language(DEFER CALL enable_testing)
  endif()
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

# _ocimake_image_location(<command> <name> <image> <out-location> <out-fixture>):
# an image argument of a test: a container image target (its layout:tag,
# and the fixture that builds it) or any other location `ocimake` takes
# (a layout directory, an archive, a registry reference; no fixture).
function(_ocimake_image_location command name image out_location out_fixture)
  set(fixture "")
  if(TARGET "${image}")
    _ocimake_test_image_layout("${command}" "${name}" "${image}" location)
    _ocimake_image_build_fixture("${image}" fixture)
  elseif(image MATCHES "^[A-Za-z0-9][A-Za-z0-9._+-]*$" AND NOT EXISTS "${image}")
    message(FATAL_ERROR "${command}(${name}): ${image}: no such image "
      "(declare it first with add_container_image(), or give a path or a registry reference)")
  else()
    set(location "${image}")
  endif()
  set("${out_location}" "${location}" PARENT_SCOPE)
  set("${out_fixture}" "${fixture}" PARENT_SCOPE)
endfunction()

# READY's words as `ocimake service-test --ready` takes them:
# "LOG <regex>" becomes log:<regex>; tcp:... and http://... stay.
function(_ocimake_ready_probe name words out)
  list(LENGTH words count)
  list(GET words 0 first)
  if(first STREQUAL "LOG" AND count EQUAL 2)
    list(GET words 1 regex)
    set(probe "log:${regex}")
  elseif(count EQUAL 1 AND first MATCHES "^(tcp:|http://)")
    set(probe "${first}")
  else()
    message(FATAL_ERROR "add_container_service_test(${name}): READY ${words}: expected "
      "tcp:[<host>:]<port>, http://<host>[:<port>]/<path> or LOG <regex>")
  endif()
  set("${out}" "${probe}" PARENT_SCOPE)
endfunction()

# The sidecars' arguments: --sidecar NAME=LOCATION and --sidecar-ready
# NAME=PROBE; their fixtures appended to <fixtures-var>.
function(_ocimake_service_test_sidecars name out fixtures_var)
  set(args "")
  set(fixtures ${${fixtures_var}})
  foreach(item IN LISTS arg_SERVICES)
    if(NOT item MATCHES "^([A-Za-z0-9-]+)=(.+)$")
      message(FATAL_ERROR "add_container_service_test(${name}): SERVICES ${item}: expected "
        "<host-name>=<image>")
    endif()
    set(host "${CMAKE_MATCH_1}")
    _ocimake_image_location(add_container_service_test "${name}" "${CMAKE_MATCH_2}" location fixture)
    list(APPEND args --sidecar "${host}=${location}")
    list(APPEND fixtures ${fixture})
  endforeach()
  foreach(item IN LISTS arg_SERVICE_READY)
    if(NOT item MATCHES "^([A-Za-z0-9-]+)=(.+)$")
      message(FATAL_ERROR "add_container_service_test(${name}): SERVICE_READY ${item}: expected "
        "<host-name>=tcp:<port>|http://...|log:<regex>")
    endif()
    list(APPEND args --sidecar-ready "${item}")
  endforeach()
  set("${out}" "${args}" PARENT_SCOPE)
  set("${fixtures_var}" "${fixtures}" PARENT_SCOPE)
endfunction()

# The client after "--": COMMAND, its first word a target's file when it
# names an executable target (as add_test() does).
function(_ocimake_service_test_client out)
  # Quoted throughout: a word's escaped ';' ("a\\; b") stays one word.
  set(client "${arg_COMMAND}")
  if(NOT "${client}" STREQUAL "" AND NOT DEFINED arg_CLIENT_IMAGE)
    list(GET client 0 program)
    if(TARGET "${program}")
      list(REMOVE_AT client 0)
      list(PREPEND client "$<TARGET_FILE:${program}>")
    endif()
  endif()
  if(NOT "${client}" STREQUAL "")
    set("${out}" "--;${client}" PARENT_SCOPE)
  else()
    set("${out}" "" PARENT_SCOPE)
  endif()
endfunction()

# The `ocimake service-test` options that come straight from one keyword.
function(_ocimake_service_test_options name out)
  set(args "")
  foreach(pair READY_TIMEOUT:--ready-timeout STOP_SIGNAL:--stop-signal STOP_TIMEOUT:--stop-timeout)
    string(REPLACE ":" ";" pair "${pair}")
    list(GET pair 0 keyword)
    list(GET pair 1 option)
    if(DEFINED arg_${keyword})
      list(APPEND args ${option} "${arg_${keyword}}")
    endif()
  endforeach()
  if(DEFINED arg_EXPECT_CLEAN_SHUTDOWN)
    list(APPEND args --expect-clean-shutdown --stop-timeout "${arg_EXPECT_CLEAN_SHUTDOWN}")
  endif()
  if(DEFINED arg_READY)
    _ocimake_ready_probe("${name}" "${arg_READY}" probe)
    list(APPEND args --ready "${probe}")
  endif()
  foreach(value IN LISTS arg_ARGS)
    list(APPEND args "--arg=${value}")
  endforeach()
  foreach(kv IN LISTS arg_ENV)
    list(APPEND args --env "${kv}")
  endforeach()
  set("${out}" "${args}" PARENT_SCOPE)
endfunction()

function(_ocimake_add_service_test name)
  _ocimake_cache_args(cache_args)
  _ocimake_keywords(add_container_service_test options one_value multi_value)
  cmake_parse_arguments(PARSE_ARGV 1 arg "${options}" "${one_value}" "${multi_value}")
  _ocimake_check_arguments(add_container_service_test "${name}" arg)
  _ocimake_test_binds("${name}" "${arg_BIND}" bind_args)
  if(OCIMAKE_IN_BUILD_STAGE OR NOT OCIMAKE_CONTAINER_TESTS)
    return()
  endif()
  if(NOT DEFINED arg_IMAGE)
    message(FATAL_ERROR "add_container_service_test(${name}): IMAGE is required")
  endif()
  _ocimake_image_location(add_container_service_test "${name}" "${arg_IMAGE}" location fixtures)
  if(NOT DEFINED arg_NAME AND TARGET "${arg_IMAGE}")
    string(REGEX REPLACE "[^A-Za-z0-9-]" "-" arg_NAME "${arg_IMAGE}")
  elseif(NOT DEFINED arg_NAME)
    set(arg_NAME service)
  endif()
  _ocimake_service_test_options("${name}" options)
  _ocimake_service_test_sidecars("${name}" sidecars fixtures)
  set(client_image "")
  if(DEFINED arg_CLIENT_IMAGE)
    _ocimake_image_location(add_container_service_test "${name}" "${arg_CLIENT_IMAGE}" where fixture)
    set(client_image --client-image "${where}")
    list(APPEND fixtures ${fixture})
  endif()
  _ocimake_service_test_client(client)
  add_test(NAME "${name}" COMMAND ocimake::ocimake service-test "${location}" --name "${arg_NAME}"
    ${cache_args} --sandbox "$<TARGET_FILE:ocimake::sandbox>"
    --log-dir "${CMAKE_CURRENT_BINARY_DIR}/${name}.logs" ${options} ${bind_args} ${sidecars}
    ${client_image} ${client})
  list(REMOVE_DUPLICATES fixtures)
  _ocimake_set_test_properties("${name}" "${fixtures}" "${arg_LABELS}")
  if(DEFINED arg_PASS_REGULAR_EXPRESSION)  # CTest then ignores the exit status
    set_tests_properties("${name}" PROPERTIES FAIL_REGULAR_EXPRESSION
      "${arg_FAIL_REGULAR_EXPRESSION};ocimake service-test: ")
  endif()
endfunction()
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
