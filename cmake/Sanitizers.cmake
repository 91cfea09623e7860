# OPSKIT_SANITIZE=ON builds everything with ASan+UBSan (`make asan`: the unit tests, also in CI).
if(OPSKIT_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()
