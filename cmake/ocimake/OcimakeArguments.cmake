# Argument checking shared by the ocimake commands: every command rejects an
# unknown keyword and a keyword without a value, naming it, at configure time.
include_guard(GLOBAL)

# _ocimake_check_arguments(<command> <name> <prefix>)
# Fails on <prefix>_UNPARSED_ARGUMENTS and <prefix>_KEYWORDS_MISSING_VALUES.
macro(_ocimake_check_arguments command name prefix)
  if(${prefix}_UNPARSED_ARGUMENTS)
    list(GET ${prefix}_UNPARSED_ARGUMENTS 0 _ocimake_bad)
    message(FATAL_ERROR "${command}(${name}): unknown argument ${_ocimake_bad}")
  endif()
  if(${prefix}_KEYWORDS_MISSING_VALUES)
    list(GET ${prefix}_KEYWORDS_MISSING_VALUES 0 _ocimake_bad)
    message(FATAL_ERROR "${command}(${name}): ${_ocimake_bad} needs a value")
  endif()
endmacro()

# _ocimake_check_name(<command> <name>): a target name usable in paths.
function(_ocimake_check_name command name)
  if(NOT name MATCHES "^[A-Za-z0-9][A-Za-z0-9._+-]*$")
    message(FATAL_ERROR "${command}(${name}): the name must be letters, digits and ._+- "
      "(it names a target and a directory)")
  endif()
  if(TARGET "${name}")
    message(FATAL_ERROR "${command}(${name}): a target named ${name} already exists")
  endif()
endfunction()

# _ocimake_check_choice(<command> <name> <keyword> <value> <choices>...)
function(_ocimake_check_choice command name keyword value)
  if(NOT value IN_LIST ARGN)
    string(REPLACE ";" ", " choices "${ARGN}")
    message(FATAL_ERROR "${command}(${name}): ${keyword} ${value}: expected one of ${choices}")
  endif()
endfunction()

# _ocimake_json_string(<out-var> <text>): <text> as a JSON string literal.
function(_ocimake_json_string out text)
  string(REPLACE "\\" "\\\\" text "${text}")
  string(REPLACE "\"" "\\\"" text "${text}")
  string(REPLACE "\n" "\\n" text "${text}")
  string(REPLACE "\t" "\\t" text "${text}")
  string(REPLACE "\r" "\\r" text "${text}")
  set("${out}" "\"${text}\"" PARENT_SCOPE)
endfunction()

# _ocimake_json_array(<out-var> <item>...): a JSON array of strings.
function(_ocimake_json_array out)
  set(items "")
  foreach(item IN LISTS ARGN)
    _ocimake_json_string(quoted "${item}")
    list(APPEND items "${quoted}")
  endforeach()
  list(JOIN items "," joined)
  set("${out}" "[${joined}]" PARENT_SCOPE)
endfunction()

# _ocimake_json_map(<out-var> <command> <name> <keyword> <key=value>...):
# a JSON object of strings; an item without '=' fails naming the keyword.
function(_ocimake_json_map out command name keyword)
  set(json "{}")
  foreach(item IN LISTS ARGN)
    if(NOT item MATCHES "^([^=]+)=(.*)$")
      message(FATAL_ERROR "${command}(${name}): ${keyword} ${item}: expected key=value")
    endif()
    _ocimake_json_string(value "${CMAKE_MATCH_2}")
    string(JSON json SET "${json}" "${CMAKE_MATCH_1}" "${value}")
  endforeach()
  set("${out}" "${json}" PARENT_SCOPE)
endfunction()

# _ocimake_write_if_changed(<file> <content>): leaves the file (and its
# timestamp) alone when it already holds <content>, so Ninja sees no change.
function(_ocimake_write_if_changed file content)
  if(EXISTS "${file}")
    file(READ "${file}" old)
    if(old STREQUAL content)
      return()
    endif()
  endif()
  file(WRITE "${file}" "${content}")
endfunction()

# _ocimake_cache_args(<out-var>): "--cache DIR" when OCIMAKE_CACHE_DIR is set.
function(_ocimake_cache_args out)
  if(OCIMAKE_CACHE_DIR)
    set("${out}" --cache "${OCIMAKE_CACHE_DIR}" PARENT_SCOPE)
  else()
    set("${out}" "" PARENT_SCOPE)
  endif()
endfunction()
