# Warnings are errors, for every target of ours (not for third-party headers, which are SYSTEM).
add_library(opskit_warnings INTERFACE)
target_compile_options(opskit_warnings INTERFACE -Wall -Wextra -Werror -Wshadow=local -Wnon-virtual-dtor)
