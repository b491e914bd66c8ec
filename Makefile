# The two entry points of the README, `make demo` and `make test`, the
# README's screenshots, and `make deb`, which packages the build as
# $(BUILD_DIR)/cpprof_<version>_<arch>.deb (README, Install).
BUILD_DIR ?= build
JOBS ?= $(shell nproc)

.PHONY: all build demo test bench screenshots deb clean

all: build

build:
	@scripts/install-deps.sh build
	@cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Release -DCPPROF_WERROR=ON >/dev/null
	@cmake --build $(BUILD_DIR) -j $(JOBS)

demo: build
	@scripts/demo.sh $(BUILD_DIR)/bin/cpprof

test:
	@scripts/install-deps.sh test
	@cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Release -DCPPROF_WERROR=ON >/dev/null
	@cmake --build $(BUILD_DIR) -j $(JOBS)
	@cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

bench: build
	@bench/run.sh $(BUILD_DIR)/bin/cpprof
	@scripts/install-deps.sh test
	@bench/runtime_overhead.sh $(BUILD_DIR)
	@bench/exit_symbolize.sh $(BUILD_DIR)
	@bench/heap_overhead.sh $(BUILD_DIR)
	@bench/perf.sh $(BUILD_DIR)

# The README's pictures of the web UI, in docs/.
screenshots: build
	@scripts/install-deps.sh test
	@cd tests/web && npm ci --no-audit --no-fund --silent >/dev/null
	@node tests/web/screenshots.mjs $(BUILD_DIR)/bin/cpprof examples/profiles docs

# CPack's DEB generator (cmake/install.cmake) on the build directory; its
# dpkg-shlibdeps comes with build-essential's dpkg-dev.
deb: build
	@cd $(BUILD_DIR) && cpack -G DEB

clean:
	rm -rf $(BUILD_DIR)
