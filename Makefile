# Homeward: the two quick-start commands (swift run homeward demo, swift test) with LMDB installed first, plus the benchmark.
#   make demo   append a sample log to ./homeward.store, replay it and print what it holds
#   make test   run the test suite
#   make bench  raw LMDB beside the store, 1,000,000 events (release build)
# Each first installs Debian's liblmdb-dev when pkg-config cannot find LMDB.

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: lmdb demo test bench

lmdb:
	@pkg-config --exists lmdb || { $(SUDO) apt-get update && $(SUDO) apt-get install -y liblmdb-dev pkg-config; }

demo: lmdb
	swift run homeward demo

test: lmdb
	swift test

bench: lmdb
	swift run -c release homeward-bench --events 1000000 --out benchmark.json
