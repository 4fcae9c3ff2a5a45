# Platforms: the table in platforms.txt (which the `ocimake` tool compiles
# in too), the host's platform, and the configure-time checks of PLATFORMS.
include_guard(GLOBAL)

# _ocimake_platform_rows(<out>): the table's rows, each a ,-list of its
# columns (platform debian multiarch triplet processor elf qemu, then the
# suites, one item each). Read once per configure.
function(_ocimake_platform_rows out)
  get_property(rows GLOBAL PROPERTY _OCIMAKE_PLATFORM_ROWS)
  get_property(read GLOBAL PROPERTY _OCIMAKE_PLATFORM_ROWS SET)
  if(NOT read)
    file(STRINGS "${CMAKE_CURRENT_FUNCTION_LIST_DIR}/platforms.txt" lines REGEX "^linux/")
    set(rows "")
    foreach(line IN LISTS lines)
      string(REGEX REPLACE "[ \t]+" "," row "${line}")
      list(APPEND rows "${row}")
    endforeach()
    set_property(GLOBAL PROPERTY _OCIMAKE_PLATFORM_ROWS "${rows}")
  endif()
  set("${out}" "${rows}" PARENT_SCOPE)
endfunction()

# _ocimake_platform_find(<column> <value> <out>): the columns (a ;-list) of
# the row whose <column> (0 platform, 4 processor, ...) is <value>, or "".
function(_ocimake_platform_find column value out)
  _ocimake_platform_rows(rows)
  set(found "")
  foreach(row IN LISTS rows)
    string(REPLACE "," ";" fields "${row}")
    list(GET fields ${column} cell)
    if(cell STREQUAL value)
      set(found "${fields}")
    endif()
  endforeach()
  set("${out}" "${found}" PARENT_SCOPE)
endfunction()

# _ocimake_normal_platform(<platform> <out>): the table's name of <platform>
# (linux/arm64/v8 is linux/arm64, as OCI's platform rules say).
function(_ocimake_normal_platform platform out)
  string(REGEX REPLACE "^linux/arm64/v8$" "linux/arm64" platform "${platform}")
  set("${out}" "${platform}" PARENT_SCOPE)
endfunction()

# _ocimake_platform_row(<platform> <out>): the columns of <platform>'s row,
# or "" when the table has none.
function(_ocimake_platform_row platform out)
  _ocimake_normal_platform("${platform}" platform)
  _ocimake_platform_find(0 "${platform}" fields)
  set("${out}" "${fields}" PARENT_SCOPE)
endfunction()

# _ocimake_platform_debian(<platform> <out>): Debian's architecture of an OCI
# platform, or "" when the table has no such platform.
function(_ocimake_platform_debian platform out)
  _ocimake_platform_row("${platform}" fields)
  set(debian "")
  if(fields)
    list(GET fields 1 debian)
  endif()
  set("${out}" "${debian}" PARENT_SCOPE)
endfunction()

# _ocimake_host_platform(<out>): the build machine's platform (linux/amd64).
function(_ocimake_host_platform out)
  set(machine "${CMAKE_HOST_SYSTEM_PROCESSOR}")
  if(machine MATCHES "^i[3-6]86$")
    set(machine i686)
  elseif(machine STREQUAL "arm64")
    set(machine aarch64)
  endif()
  _ocimake_platform_find(4 "${machine}" fields)
  set(host "linux/${machine}")
  if(fields)
    list(GET fields 0 host)
  endif()
  set("${out}" "${host}" PARENT_SCOPE)
endfunction()

# _ocimake_platforms_of_suite(<suite> <out>): the platforms the Debian <suite>
# ships, or every platform for a suite no row names (sid, a derivative).
function(_ocimake_platforms_of_suite suite out)
  _ocimake_platform_rows(rows)
  set(all "")
  set(shipped "")
  foreach(row IN LISTS rows)
    string(REPLACE "," ";" fields "${row}")
    list(GET fields 0 name)
    list(SUBLIST fields 7 -1 suites)
    list(APPEND all "${name}")
    if(suite IN_LIST suites)
      list(APPEND shipped "${name}")
    endif()
  endforeach()
  if(NOT shipped)
    set(shipped "${all}")
  endif()
  set("${out}" "${shipped}" PARENT_SCOPE)
endfunction()

# _ocimake_check_platforms(<command> <name> <suite> <platform>...)
# Fails naming the accepted platforms when one is not in the table, or not
# shipped by the Debian <suite> ("": any suite).
function(_ocimake_check_platforms command name suite)
  _ocimake_platforms_of_suite("" known)
  _ocimake_platforms_of_suite("${suite}" shipped)
  list(JOIN known ", " accepted)
  list(JOIN shipped ", " shipped_text)
  foreach(platform IN LISTS ARGN)
    _ocimake_normal_platform("${platform}" plain)
    if(NOT plain IN_LIST known)
      message(FATAL_ERROR "${command}(${name}): PLATFORMS ${platform}: not a platform ocimake "
        "builds for (expected one of ${accepted})")
    elseif(NOT plain IN_LIST shipped)
      message(FATAL_ERROR "${command}(${name}): PLATFORMS ${platform}: Debian ${suite} does "
        "not ship it (it ships ${shipped_text})")
    endif()
  endforeach()
endfunction()
