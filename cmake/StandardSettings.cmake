# Warnings and sanitizers as INTERFACE targets, linked only by our own targets.
add_library(chirp_warnings INTERFACE)
target_compile_options(chirp_warnings INTERFACE -Wall -Wextra -Wpedantic
  # Designated initializers that rely on default member values are idiomatic here.
  -Wno-missing-field-initializers)

# GCC 12 at -O3 (Release) warns that libstdc++'s own string operator+ may overlap
# (-Wrestrict on `"literal" + std::to_string(n)`): a known false positive, fixed in GCC
# 13 (GCC bugs 105329, 105651). It says nothing about our code there, so it is off in
# that one configuration.
target_compile_options(chirp_warnings INTERFACE
  $<$<AND:$<CXX_COMPILER_ID:GNU>,$<VERSION_LESS:$<CXX_COMPILER_VERSION>,13>,$<CONFIG:Release>>:-Wno-restrict>)

# Warnings are errors in scripts/test and CI, not for users and packagers, whose
# compilers may raise warnings this project never saw.
option(CHIRP_WERROR "Treat compiler warnings as errors" OFF)
if(CHIRP_WERROR)
  target_compile_options(chirp_warnings INTERFACE -Werror)
endif()

option(CHIRP_SANITIZE "Build with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)
add_library(chirp_sanitizers INTERFACE)
if(CHIRP_SANITIZE)
  target_compile_options(chirp_sanitizers INTERFACE
    -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  target_link_options(chirp_sanitizers INTERFACE -fsanitize=address,undefined)
endif()

# libFuzzer (fuzz/, scripts/fuzz): clang's coverage instrumentation with ASan and UBSan
# on everything the fuzz targets link; the fuzz_* binaries add libFuzzer's main.
option(CHIRP_FUZZ "Build the libFuzzer targets in fuzz/ (clang only)" OFF)
if(CHIRP_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "CHIRP_FUZZ needs clang (libFuzzer); this is ${CMAKE_CXX_COMPILER_ID}: "
                        "configure with -DCMAKE_CXX_COMPILER=clang++-19 (scripts/fuzz does)")
  endif()
  target_compile_options(chirp_sanitizers INTERFACE
    -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  target_link_options(chirp_sanitizers INTERFACE -fsanitize=address,undefined)
endif()

# Unity builds: header-only libraries (CLI11, nlohmann-json, doctest, cpp-httplib's
# inline parts) cost most of a file's compile time in code generation for the inline
# functions it uses, once per file. Compiling a target's files in a few batches does
# that work once per batch: a clean build takes less than half as long.
# Targets that hold the hot read paths (core, frontend) pass HOT: they are not batched
# in Release builds, which are for speed, because GCC inlines less in a large file
# (a home timeline read cost 2.4% more instructions with core batched, 0.5% without).
option(CHIRP_UNITY "Compile each target's files in a few batches" ON)
function(chirp_unity target batch_size)
  cmake_parse_arguments(PARSE_ARGV 2 arg "HOT" "" "")
  if(CHIRP_UNITY AND NOT (arg_HOT AND CMAKE_BUILD_TYPE STREQUAL "Release"))
    set_target_properties(${target} PROPERTIES UNITY_BUILD ON UNITY_BUILD_BATCH_SIZE ${batch_size})
  endif()
endfunction()
