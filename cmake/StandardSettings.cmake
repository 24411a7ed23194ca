# Warnings and sanitizers as INTERFACE targets, linked only by our own targets.
add_library(chirp_warnings INTERFACE)
target_compile_options(chirp_warnings INTERFACE -Wall -Wextra -Wpedantic -Werror
  # Designated initializers that rely on default member values are idiomatic here.
  -Wno-missing-field-initializers)

option(CHIRP_SANITIZE "Build with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)
add_library(chirp_sanitizers INTERFACE)
if(CHIRP_SANITIZE)
  target_compile_options(chirp_sanitizers INTERFACE
    -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  target_link_options(chirp_sanitizers INTERFACE -fsanitize=address,undefined)
endif()
