# Every dependency, from Debian 12 packages (scripts/install-deps.sh installs
# them): found with their CMake configs where Debian ships one, else with
# pkg-config.
find_package(PkgConfig REQUIRED)
find_package(fmt REQUIRED)
find_package(nlohmann_json 3.10 REQUIRED)
find_package(CLI11 CONFIG REQUIRED)
find_package(OpenSSL REQUIRED)
find_package(ZLIB REQUIRED)
find_package(Threads REQUIRED)
find_package(LibArchive 3.6 REQUIRED)
find_package(CURL REQUIRED)  # the registry client (libcurl4-openssl-dev)
pkg_check_modules(LIBELF REQUIRED IMPORTED_TARGET libelf)
pkg_check_modules(LIBZSTD REQUIRED IMPORTED_TARGET libzstd)
if(OCIMAKE_TESTING)
  find_package(GTest REQUIRED)
endif()
