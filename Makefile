# The two commands of the README, wrapping CMake as neovim does. Each one installs what is
# missing (scripts/install-deps), configures and builds into build/, then runs.
BUILD ?= build
GENERATOR ?= Ninja
CMAKE_FLAGS ?=

.PHONY: all deps build test demo asan clean install

all: build

deps:
	@scripts/install-deps

$(BUILD)/CMakeCache.txt: | deps
	cmake -S . -B $(BUILD) -G $(GENERATOR) $(CMAKE_FLAGS)

build: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD)

test: build
	cd $(BUILD) && ctest --output-on-failure

demo: build
	scripts/demo $(BUILD)

# The same suite under AddressSanitizer + UndefinedBehaviorSanitizer, in its own tree.
asan:
	$(MAKE) test BUILD=build-asan CMAKE_FLAGS="-DOPSKIT_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug"

install: build
	cmake --install $(BUILD)

clean:
	rm -rf $(BUILD) build-asan
