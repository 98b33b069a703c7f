#!/bin/sh
# make check-long: what is too slow for make test.
#   1. the unit tests and the e2e suite under valgrind --leak-check=full
#   2. 100 kill -9 trials during ingest, 100 trials of the concurrent-ingest race
#   3. each fuzz target for FUZZ_SECONDS (default 600)
set -u
cd "$(dirname "$0")/.."
make --no-print-directory all >/dev/null || exit 1
make --no-print-directory unit >/dev/null 2>&1
fail=0
echo "== valgrind: unit tests"
for t in build/tests/*_test; do
  [ -x "$t" ] || continue
  if valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
       --suppressions=tests/valgrind.supp "$t" >/tmp/cc-vg.log 2>&1; then
    echo "ok   $(basename "$t")"
  else
    echo "FAIL $(basename "$t")"; tail -30 /tmp/cc-vg.log; fail=1
  fi
done
echo "== valgrind: e2e suite (every carecard run under valgrind)"
mkdir -p build/vg
cat > build/vg/carecard <<EOV
#!/bin/sh
exec valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
  --suppressions=$(pwd)/tests/valgrind.supp $(pwd)/build/carecard "\$@"
EOV
chmod +x build/vg/carecard
ln -sfn ../tests build/vg/tests        # tests find the unit-test writers beside the binary
CARECARD_BIN=$(pwd)/build/vg/carecard CC_VALGRIND=1 /usr/bin/python3 -m pytest -q -p no:cacheprovider \
  tests/e2e -k "not kill9 and not parallel and not two_runs and not sigint and not interrupted and not gen and not race" \
  || fail=1   # timing-based tests (kills, races) are not meaningful 20x slower
echo "== kill -9 trials"
CC_KILL_TRIALS=100 /usr/bin/python3 -m pytest -q -p no:cacheprovider tests/e2e/test_faults.py -k kill9 || fail=1
echo "== concurrent-ingest race trials"
CC_RACE_TRIALS=100 /usr/bin/python3 -m pytest -q -p no:cacheprovider tests/e2e/test_race.py || fail=1
echo "== fuzzing, ${FUZZ_SECONDS:-600} s per target"
scripts/fuzz.sh "${FUZZ_SECONDS:-600}" || fail=1
[ "$fail" -eq 0 ] && echo "check-long: all passed" || echo "check-long: FAILURES above"
exit "$fail"
