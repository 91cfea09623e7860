# Warnings are errors, for every target of ours (not for third-party headers, which are SYSTEM).
add_library(opskit_warnings INTERFACE)
target_compile_options(opskit_warnings INTERFACE -Wall -Wextra -Werror -Wnon-virtual-dtor)
# -Wshadow=local is GCC's spelling; clang (the fuzz build) has no such option.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  target_compile_options(opskit_warnings INTERFACE -Wshadow=local)
endif()
