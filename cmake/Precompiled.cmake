# Precompiled headers for the heavy third-party headers every file includes (nlohmann-json,
# CLI11, Catch2): on a 2-core CI machine they are most of the compile time, and the suite is
# built twice per run (plain and under sanitizers).
function(opskit_precompile target)
  target_precompile_headers(${target} PRIVATE ${ARGN})
endfunction()
