#!/usr/bin/env bash
# The README's test command: installs dependencies, builds with gcc and with
# clang (warnings as errors), runs the whole suite, then runs it once more
# under AddressSanitizer + UndefinedBehaviorSanitizer (clang), and finally
# builds, installs, exercises and removes the .deb packages
# (scripts/package-test.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh

jobs=$(nproc 2>/dev/null || echo 2)

run_suite() {
  local dir=$1; shift
  cmake -S . -B "$dir" -DHVSNAP_WERROR=ON "$@" >/dev/null
  cmake --build "$dir" -j "$jobs"
  ctest --test-dir "$dir" --output-on-failure -j "$jobs"
}

echo "== gcc build and suite"
run_suite build/ci-gcc -DCMAKE_C_COMPILER=gcc -DCMAKE_BUILD_TYPE=RelWithDebInfo

echo "== clang + AddressSanitizer + UndefinedBehaviorSanitizer build and suite"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
run_suite build/ci-asan -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Debug -DHVSNAP_SANITIZE=ON

echo "== .deb packages: build, install with apt, use as a user and a programmer, remove"
scripts/package-test.sh
