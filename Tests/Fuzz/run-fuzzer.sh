#!/usr/bin/env bash
# Builds the libFuzzer targets of Tests/Fuzz with AddressSanitizer and runs one for a set time.
#
#   Tests/Fuzz/run-fuzzer.sh jsonl|payload [SECONDS]     (default 60 seconds)
#
# The library targets are built by SwiftPM into .build-fuzz with coverage instrumentation
# (-sanitize=fuzzer,address); the target file is compiled and linked with swiftc directly, since
# SwiftPM cannot link an executable whose main is libFuzzer's. The seed corpus is every line of
# the fixture files (jsonl), or the payloads of the fixture campaign, plain and sealed (payload). Crashes are written
# to .build-fuzz/artifacts; the script exits non-zero when the fuzzer finds one.
set -euo pipefail
cd "$(dirname "$0")/../.."
target="${1:?usage: Tests/Fuzz/run-fuzzer.sh jsonl|payload [SECONDS]}"
seconds="${2:-60}"
case "$target" in
  jsonl) source_file=Tests/Fuzz/JSONLinesFuzzTarget.swift ;;
  payload) source_file=Tests/Fuzz/PayloadFuzzTarget.swift ;;
  *) echo "unknown target $target (jsonl or payload)" >&2; exit 2 ;;
esac
build=.build-fuzz
flags=(-Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library)
swift build --build-path "$build" --target Homeward "${flags[@]}"
debug="$build/debug"
objects=$(find "$debug/" -path '*.build/*.o' \
  ! -path '*HomewardCLI.build*' ! -path '*HomewardBenchmarks.build*' ! -path '*HomewardStoreProbe.build*' \
  ! -path '*Tests.build*' ! -path '*HomewardTesting.build*' ! -path '*ArgumentParser*' ! -path '*GenerateManual*' ! -path '*GenerateDoccReference*')
module_maps=()
for map in $(find .build-fuzz/checkouts Sources -name module.modulemap); do
  module_maps+=(-Xcc "-fmodule-map-file=$map" -Xcc -I -Xcc "$(dirname "$map")")
done
binary="$build/fuzz-$target"
swiftc -sanitize=fuzzer,address -parse-as-library -swift-version 6 -g \
  -I "$debug/Modules" "${module_maps[@]}" \
  "$source_file" $objects $(pkg-config --libs lmdb) -o "$binary"
corpus="$build/corpus-$target"
mkdir -p "$corpus" "$build/artifacts"
if [ "$target" = jsonl ]; then
  n=0
  for file in Fixtures/campaigns/*.jsonl Fixtures/invalid/*.jsonl; do
    while IFS= read -r line; do
      n=$((n + 1)); printf '%s\n' "$line" > "$corpus/seed-$n"
      [ $n -ge 400 ] && break 2
    done < "$file"
  done
else
  # The fuzz target writes the payloads of the fixture campaign, plain and sealed, as seeds.
  export HOMEWARD_FUZZ_SEEDS=Fixtures/campaigns/small-winter.jsonl HOMEWARD_FUZZ_CORPUS="$corpus"
fi
SWIFT_BACKTRACE=enable=no "$binary" "$corpus" -max_total_time="$seconds" -max_len=65536 \
  -artifact_prefix="$build/artifacts/" -print_final_stats=1
