# The two commands of the README, wrapping CMake as neovim does. Each one installs what is
# missing (scripts/install-deps), configures and builds into build/, then runs.
BUILD ?= build
GENERATOR ?= Ninja
CMAKE_FLAGS ?=

.PHONY: all deps build test demo asan fuzz clean install

all: build

deps:
	@scripts/install-deps

$(BUILD)/CMakeCache.txt: | deps
	cmake -S . -B $(BUILD) -G $(GENERATOR) $(CMAKE_FLAGS)

build: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD)

# ctest shows a test's output only when it fails: list what was skipped here, and why, after.
test: build
	@cd $(BUILD) && { ctest --output-on-failure; rc=$$?; \
	  grep -hoE '# skip .*|skipped: .*' Testing/Temporary/LastTest.log | sort | uniq -c | \
	    sed -E 's/^ *([0-9]+) (# skip |skipped: )/skipped here (\1): /'; exit $$rc; }

demo: build
	scripts/demo $(BUILD)

# The library's unit tests under AddressSanitizer + UndefinedBehaviorSanitizer, in their own
# tree (UB aborts the test). Leak detection is off: libvirt and yaml-cpp keep process-lifetime
# allocations that LeakSanitizer reports as leaks.
asan: deps
	cmake -S . -B build-asan -G $(GENERATOR) -DOPSKIT_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG=-g1
	cmake --build build-asan --target unit_tests
	cd build-asan && ASAN_OPTIONS=detect_leaks=0 ctest --output-on-failure -E '^cli\.'

# Every libFuzzer target, built with clang in build-fuzz/, each run FUZZ_SECONDS (default 60)
# on its seeds; prints executions and crashes per target. Not part of `make test`.
fuzz: deps
	scripts/fuzz

install: build
	cmake --install $(BUILD)

clean:
	rm -rf $(BUILD) build-asan build-fuzz
