# What an image's install rules need built: the targets that install(TARGETS)
# installs (and, through Ninja, what they link), the targets named by
# $<TARGET_FILE:...>-style generator expressions in any install() call, the
# custom targets in ALL of a directory whose install(FILES|PROGRAMS|DIRECTORY)
# copies something from the build tree (the file one of them makes), and
# nothing else: not CTest's dashboard targets, not a test program, not a
# benchmark, not a custom target that no install rule uses.
#
# Mechanism: when this module is loaded, install() is wrapped by a function
# that records those target names on the calling directory (the directory
# property OCIMAKE_INSTALLED_TARGETS) and then calls CMake's own install()
# with its arguments passed through exactly (each one as a bracket argument,
# so semicolons, quotes and generator expressions reach it unchanged).
#
# Targets created before the module was loaded (find_package(ocimake) below
# an add_executable()) cannot be known to be installed or not; for those the
# image falls back to what `ninja install` builds: every such target that is
# part of ALL. The wrapper is not installed when another module has already
# wrapped install() (a second wrapper would make CMake's `_install` recurse);
# then every target in ALL is built. Both cases say so in one status line.
include_guard(GLOBAL)

# The keywords of install(TARGETS) that end the list of target names.
set(_OCIMAKE_INSTALL_TARGETS_KEYWORDS EXPORT RUNTIME_DEPENDENCIES RUNTIME_DEPENDENCY_SET
  ARCHIVE LIBRARY RUNTIME OBJECTS FRAMEWORK BUNDLE PRIVATE_HEADER PUBLIC_HEADER RESOURCE
  FILE_SET CXX_MODULES_BMI DESTINATION PERMISSIONS CONFIGURATIONS COMPONENT NAMELINK_ONLY
  NAMELINK_SKIP NAMELINK_COMPONENT OPTIONAL EXCLUDE_FROM_ALL INCLUDES)

# _ocimake_targets_so_far(<out-var>): every build-system target of the
# directories CMake has read so far.
function(_ocimake_targets_so_far out)
  _ocimake_directory_targets("${CMAKE_SOURCE_DIR}" targets)
  set("${out}" "${targets}" PARENT_SCOPE)
endfunction()

# _ocimake_directory_targets(<dir> <out-var>): the build-system targets of a
# directory and of its subdirectories.
function(_ocimake_directory_targets dir out)
  get_property(targets DIRECTORY "${dir}" PROPERTY BUILDSYSTEM_TARGETS)
  get_property(subdirs DIRECTORY "${dir}" PROPERTY SUBDIRECTORIES)
  foreach(sub IN LISTS subdirs)
    _ocimake_directory_targets("${sub}" sub_targets)
    list(APPEND targets ${sub_targets})
  endforeach()
  set("${out}" "${targets}" PARENT_SCOPE)
endfunction()

# _ocimake_installed_targets_of(<dir> <out-var>): the targets the install
# rules of <dir> and its subdirectories need built (see the top of the file).
function(_ocimake_installed_targets_of dir out)
  get_property(targets DIRECTORY "${dir}" PROPERTY OCIMAKE_INSTALLED_TARGETS)
  get_property(generated DIRECTORY "${dir}" PROPERTY OCIMAKE_INSTALLS_GENERATED)
  if(generated)
    # install(FILES/PROGRAMS/DIRECTORY) of something in the build tree: made
    # by a custom target of this directory that is in ALL (as zstd's
    # zstdcat link), which `ninja install` would have built.
    get_property(here DIRECTORY "${dir}" PROPERTY BUILDSYSTEM_TARGETS)
    foreach(target IN LISTS here)
      get_target_property(type "${target}" TYPE)
      get_target_property(excluded "${target}" EXCLUDE_FROM_ALL)
      get_target_property(ours "${target}" OCIMAKE_IMAGE)
      if(type STREQUAL "UTILITY" AND NOT excluded AND NOT ours)
        list(APPEND targets "${target}")
      endif()
    endforeach()
  endif()
  get_property(subdirs DIRECTORY "${dir}" PROPERTY SUBDIRECTORIES)
  foreach(sub IN LISTS subdirs)
    _ocimake_installed_targets_of("${sub}" sub_targets)
    list(APPEND targets ${sub_targets})
  endforeach()
  get_property(unknown GLOBAL PROPERTY _OCIMAKE_TARGETS_BEFORE_MODULE)
  get_property(fallback GLOBAL PROPERTY _OCIMAKE_INSTALL_FALLBACK)
  _ocimake_directory_targets("${dir}" in_dir)
  set(guessed 0)
  foreach(target IN LISTS in_dir)
    if(target IN_LIST unknown OR fallback STREQUAL "ALL")
      _ocimake_is_in_all("${target}" in_all)
      if(in_all)
        list(APPEND targets "${target}")
        math(EXPR guessed "${guessed} + 1")
      endif()
    endif()
  endforeach()
  if(guessed GREATER 0)
    _ocimake_install_fallback_note(${guessed})
  endif()
  set(buildable "")
  foreach(target IN LISTS targets)
    if(TARGET "${target}")
      get_target_property(type "${target}" TYPE)
      get_target_property(imported "${target}" IMPORTED)
      if(NOT imported AND NOT type STREQUAL "INTERFACE_LIBRARY")
        list(APPEND buildable "${target}")
      endif()
    endif()
  endforeach()
  list(REMOVE_DUPLICATES buildable)
  set("${out}" "${buildable}" PARENT_SCOPE)
endfunction()

# _ocimake_is_in_all(<target> <out-var>): TRUE for a target `all` builds.
function(_ocimake_is_in_all target out)
  get_target_property(type "${target}" TYPE)
  get_target_property(excluded "${target}" EXCLUDE_FROM_ALL)
  get_target_property(ours "${target}" OCIMAKE_IMAGE)
  if(type MATCHES "^(EXECUTABLE|STATIC_LIBRARY|SHARED_LIBRARY|MODULE_LIBRARY|OBJECT_LIBRARY)$"
      AND NOT excluded AND NOT ours)
    set("${out}" TRUE PARENT_SCOPE)
  else()
    set("${out}" FALSE PARENT_SCOPE)
  endif()
endfunction()

# _ocimake_record_install(<arg>...): records on the current directory the
# targets an install() call needs built.
function(_ocimake_record_install mode)
  set(names "")
  if(mode STREQUAL "TARGETS")
    foreach(arg IN LISTS ARGN)
      if(arg IN_LIST _OCIMAKE_INSTALL_TARGETS_KEYWORDS)
        break()
      endif()
      list(APPEND names "${arg}")
    endforeach()
  endif()
  if(mode MATCHES "^(FILES|PROGRAMS|DIRECTORY)$")
    foreach(arg IN LISTS ARGN)
      string(FIND "${arg}/" "${CMAKE_BINARY_DIR}/" at)
      if(at EQUAL 0)
        set_property(DIRECTORY PROPERTY OCIMAKE_INSTALLS_GENERATED TRUE)
        break()
      endif()
    endforeach()
  endif()
  # $<TARGET_FILE:x>, $<TARGET_LINKER_FILE_DIR:x>, ... in any mode.
  string(REGEX MATCHALL "\\$<TARGET_[A-Z_]+:[^>,]+>" genexes "${ARGN}")
  foreach(genex IN LISTS genexes)
    if(genex MATCHES "^\\$<TARGET_[A-Z_]+:([^>,]+)>$" AND NOT genex MATCHES "^\\$<TARGET_(EXISTS|NAME|PROPERTY|POLICY|OBJECTS|GENEX_EVAL):")
      list(APPEND names "${CMAKE_MATCH_1}")
    endif()
  endforeach()
  if(names)
    set_property(DIRECTORY APPEND PROPERTY OCIMAKE_INSTALLED_TARGETS ${names})
  endif()
endfunction()

# _ocimake_bracket(<out-var> <text>): <text> as a CMake bracket argument.
function(_ocimake_bracket out text)
  set(eq "=")
  while(text MATCHES "\\]${eq}\\]" OR text MATCHES "\\]${eq}$")
    string(APPEND eq "=")
  endwhile()
  set("${out}" "[${eq}[${text}]${eq}]" PARENT_SCOPE)
endfunction()

get_property(_ocimake_install_state GLOBAL PROPERTY _OCIMAKE_INSTALL_WRAPPED SET)
if(NOT _ocimake_install_state)
  _ocimake_targets_so_far(_ocimake_before)
  set_property(GLOBAL PROPERTY _OCIMAKE_TARGETS_BEFORE_MODULE "${_ocimake_before}")
  if(COMMAND _install)
    # Someone else wraps install(): do not stack a second wrapper.
    set_property(GLOBAL PROPERTY _OCIMAKE_INSTALL_WRAPPED FALSE)
    set_property(GLOBAL PROPERTY _OCIMAKE_INSTALL_FALLBACK ALL)
  else()
    set_property(GLOBAL PROPERTY _OCIMAKE_INSTALL_WRAPPED TRUE)
    function(install)
      if(ARGC GREATER 0)
        _ocimake_record_install(${ARGV})
      endif()
      set(call "_install(")
      if(ARGC GREATER 0)
        math(EXPR last "${ARGC} - 1")
        foreach(i RANGE 0 ${last})
          _ocimake_bracket(arg "${ARGV${i}}")
          string(APPEND call " ${arg}")
        endforeach()
      endif()
      cmake_language(EVAL CODE "${call})")
    endfunction()
  endif()
  unset(_ocimake_before)
endif()
unset(_ocimake_install_state)

# _ocimake_install_fallback_note(<count>): one status line, once, when an
# image cannot know what its install rules install (see the top).
function(_ocimake_install_fallback_note count)
  get_property(noted GLOBAL PROPERTY _OCIMAKE_INSTALL_NOTED)
  get_property(fallback GLOBAL PROPERTY _OCIMAKE_INSTALL_FALLBACK)
  if(noted)
    return()
  endif()
  set_property(GLOBAL PROPERTY _OCIMAKE_INSTALL_NOTED TRUE)
  if(fallback STREQUAL "ALL")
    message(STATUS "ocimake: install() is already wrapped by another module: images build "
      "every target in ALL")
  else()
    message(STATUS "ocimake: ${count} targets were declared before find_package(ocimake); "
      "images build those of them that are in ALL (load ocimake first to build only what "
      "is installed)")
  endif()
endfunction()

# _ocimake_write_inner_targets(<file>): inside a toolchain build stage, one
# "<directory>\t<target>" line per target the install rules of an image's
# directory need (the directory relative to the top, "." for the top), read
# by `ocimake stage` to build just those.
function(_ocimake_write_inner_targets file)
  get_property(dirs GLOBAL PROPERTY _OCIMAKE_IMAGE_DIRS)
  list(REMOVE_DUPLICATES dirs)
  set(text "")
  foreach(dir IN LISTS dirs)
    file(RELATIVE_PATH rel "${CMAKE_SOURCE_DIR}" "${dir}")
    if(rel STREQUAL "")
      set(rel .)
    endif()
    _ocimake_installed_targets_of("${dir}" targets)
    foreach(target IN LISTS targets)
      string(APPEND text "${rel}\t${target}\n")
    endforeach()
  endforeach()
  _ocimake_write_if_changed("${file}" "${text}")
endfunction()
