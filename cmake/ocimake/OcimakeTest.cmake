# add_container_test(): a CTest test that runs a command inside an image with
# `ocimake run`. A fixture test builds the image first, so plain `ctest`
# works on a fresh build tree.
include_guard(GLOBAL)

function(_ocimake_add_test name)
  _ocimake_cache_args(cache_args)
  set(options WILL_FAIL)
  set(one_value IMAGE TIMEOUT WORKING_DIRECTORY)
  set(multi_value COMMAND ARGS ENV PASS_REGULAR_EXPRESSION FAIL_REGULAR_EXPRESSION
    SKIP_REGULAR_EXPRESSION LABELS FIXTURES_SETUP FIXTURES_CLEANUP FIXTURES_REQUIRED)
  cmake_parse_arguments(PARSE_ARGV 1 arg "${options}" "${one_value}" "${multi_value}")
  _ocimake_check_arguments(add_container_test "${name}" arg)
  if(OCIMAKE_IN_BUILD_STAGE OR NOT OCIMAKE_CONTAINER_TESTS)
    return()
  endif()
  if(NOT DEFINED arg_IMAGE)
    message(FATAL_ERROR "add_container_test(${name}): IMAGE is required")
  endif()
  if(NOT TARGET "${arg_IMAGE}")
    message(FATAL_ERROR "add_container_test(${name}): IMAGE ${arg_IMAGE}: no such image "
      "(declare it first with add_container_image())")
  endif()
  get_target_property(layout "${arg_IMAGE}" OCIMAKE_LAYOUT)
  get_target_property(tag "${arg_IMAGE}" OCIMAKE_TAG)
  if(NOT layout)
    message(FATAL_ERROR "add_container_test(${name}): ${arg_IMAGE} is not a container image")
  endif()

  set(run run "${layout}:${tag}" ${cache_args} --sandbox "$<TARGET_FILE:ocimake::sandbox>")
  foreach(kv IN LISTS arg_ENV)
    list(APPEND run --env "${kv}")
  endforeach()
  if(DEFINED arg_COMMAND)
    list(APPEND run --command -- ${arg_COMMAND} ${arg_ARGS})
  elseif(DEFINED arg_ARGS)
    list(APPEND run -- ${arg_ARGS})
  endif()
  add_test(NAME "${name}" COMMAND ocimake::ocimake ${run})

  # One fixture per image builds it before its tests run.
  set(fixture "ocimake.${arg_IMAGE}")
  if(NOT TEST "${fixture}.build")
    add_test(NAME "${fixture}.build"
      COMMAND "${CMAKE_COMMAND}" --build "${CMAKE_BINARY_DIR}" --target "${arg_IMAGE}")
    set_tests_properties("${fixture}.build" PROPERTIES FIXTURES_SETUP "${fixture}" RUN_SERIAL TRUE)
  endif()
  set_tests_properties("${name}" PROPERTIES FIXTURES_REQUIRED "${fixture};${arg_FIXTURES_REQUIRED}")
  foreach(prop TIMEOUT WORKING_DIRECTORY PASS_REGULAR_EXPRESSION FAIL_REGULAR_EXPRESSION
      SKIP_REGULAR_EXPRESSION LABELS FIXTURES_SETUP FIXTURES_CLEANUP)
    if(DEFINED arg_${prop})
      set_tests_properties("${name}" PROPERTIES ${prop} "${arg_${prop}}")
    endif()
  endforeach()
  if(arg_WILL_FAIL)
    set_tests_properties("${name}" PROPERTIES WILL_FAIL TRUE)
  endif()
endfunction()
