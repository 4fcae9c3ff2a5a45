# Build settings of the ocimake repository itself (never installed).
set(CMAKE_CXX_STANDARD 17)
set(CMAKE_CXX_STANDARD_REQUIRED ON)
set(CMAKE_CXX_EXTENSIONS OFF)
if(PROJECT_IS_TOP_LEVEL AND NOT CMAKE_BUILD_TYPE AND NOT CMAKE_CONFIGURATION_TYPES)
  set(CMAKE_BUILD_TYPE RelWithDebInfo CACHE STRING "Build type" FORCE)
endif()

option(OCIMAKE_DEVELOPER_MODE "Warnings as errors, sanitizers off" OFF)
option(OCIMAKE_BUILD_EXAMPLES
  "Configure the examples with the project (built on demand: --target image; never installed)" ON)

add_compile_options(-Wall -Wextra)
if(OCIMAKE_DEVELOPER_MODE)
  add_compile_options(-Werror)
endif()
