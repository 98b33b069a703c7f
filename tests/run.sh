#!/bin/sh
# The whole test suite: every unit-test binary (cmocka), then the end-to-end
# tests (pytest, tests/e2e/).  Ends with the line "N passed, N failed, N skipped".
#   BUILD=dir     build directory (default build)
#   ONLY=unit|e2e run one half
#   SANITIZE=1    the binaries were built with ASan/UBSan
#   PYTEST_ARGS   extra pytest arguments (e.g. -k ingest)
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
ONLY=${ONLY:-}
passed=0
failed=0
skipped=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:exitcode=86${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export LSAN_OPTIONS="suppressions=$(pwd)/tests/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export CARECARD_BIN="$(pwd)/$BUILD/carecard"
export CARECARD_GEN="$(pwd)/$BUILD/carecard-gen"
export CARECARD_ROOT="$(pwd)"

if [ "$ONLY" != e2e ]; then
  for t in "$BUILD"/tests/*_test; do
    [ -x "$t" ] || continue
    CMOCKA_MESSAGE_OUTPUT=stdout "$t" >"$log" 2>&1
    rc=$?
    p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -1)
    f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -1)
    s=$(sed -n 's/^\[  SKIPPED \] \([0-9]*\) test.*/\1/p' "$log" | tail -1)
    p=${p:-0}; f=${f:-0}; s=${s:-0}
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi   # crashed or sanitizer error
    passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
    if [ "$f" -ne 0 ]; then
      echo "FAIL unit $(basename "$t") (exit $rc)"; cat "$log"
    else
      echo "ok   unit $(basename "$t"): $p"
    fi
  done
fi

if [ "$ONLY" != unit ] && ls tests/e2e/test_*.py >/dev/null 2>&1; then
  # Debian's python3 has python3-openpyxl and python3-pytest.
  PY=/usr/bin/python3
  $PY -m pytest -q -p no:cacheprovider tests/e2e ${PYTEST_ARGS:-} >"$log" 2>&1
  rc=$?
  summary=$(grep -E '^=*.* (passed|failed|error|skipped)' "$log" | tail -1)
  p=$(echo "$summary" | grep -o '[0-9]* passed' | grep -o '[0-9]*'); p=${p:-0}
  f=$(echo "$summary" | grep -o '[0-9]* failed' | grep -o '[0-9]*'); f=${f:-0}
  e=$(echo "$summary" | grep -o '[0-9]* error' | grep -o '[0-9]*'); e=${e:-0}
  s=$(echo "$summary" | grep -o '[0-9]* skipped' | grep -o '[0-9]*'); s=${s:-0}
  f=$((f + e)); skipped=$((skipped + s))
  if [ "$rc" -ne 0 ] && [ "$rc" -ne 5 ] && [ "$f" -eq 0 ]; then f=1; fi
  passed=$((passed + p)); failed=$((failed + f))
  if [ "$f" -ne 0 ]; then cat "$log"; else tail -1 "$log"; fi
fi

# Brief fuzzing of the parsers (make fuzz FUZZ_SECONDS=600 for a long run).
if [ "$ONLY" = "" ] && [ "${SANITIZE:-}" != 1 ] && ls tests/fuzz/fuzz_*.c >/dev/null 2>&1 \
   && command -v clang >/dev/null; then
  scripts/fuzz.sh "${FUZZ_SECONDS:-5}" >"$log" 2>&1
  grep -E '^(ok|FAIL)' "$log"
  p=$(tail -1 "$log" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1/p'); p=${p:-0}
  f=$(tail -1 "$log" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\2/p'); f=${f:-1}
  [ "$f" -ne 0 ] && cat "$log"
  passed=$((passed + p)); failed=$((failed + f))
fi

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
