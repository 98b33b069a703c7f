#!/bin/sh
# make fuzz FUZZ_SECONDS=N — build every tests/fuzz/fuzz_<name>.c as a libFuzzer
# target (clang, ASan+UBSan) and run each for N seconds on a copy of its seed
# corpus tests/fuzz/corpus/<name>/.  Prints one line per target and, last,
# "N passed, N failed".  A crash leaves its input under build-fuzz/crashes/<name>/.
set -u
cd "$(dirname "$0")/.."
SECS=${1:-10}
OUT=build-fuzz
CLANG=${CLANG:-clang}
command -v "$CLANG" >/dev/null || { echo "carecard: fuzz: clang not found (make deps)"; exit 1; }
mkdir -p "$OUT/obj" "$OUT/gen/store"
PKGS="xlsxwriter cairo pangocairo sqlite3 jansson nettle libpng zlib minizip expat freexl"
CF="-std=c11 -D_GNU_SOURCE -DCARECARD_VERSION=\"fuzz\" -g -O1 -Ilib -I$OUT/gen $(pkg-config --cflags $PKGS) -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined"
LIBS="$(pkg-config --libs $PKGS) -liniparser -lm -lpthread"
{ echo 'static const char cc_schema_sql[] ='; sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/    "/' -e 's/$/\\n"/' lib/store/schema.sql; echo ';'; } > "$OUT/gen/store/schema.inc"
objs=""
for c in lib/*/*.c; do
  o="$OUT/obj/$(echo "$c" | tr / _).o"
  # rebuilt when its source, the schema or any header of lib/ is newer (a
  # struct that grew in a header would otherwise meet stale objects)
  if [ ! -f "$o" ] || [ "$c" -nt "$o" ] || [ lib/store/schema.sql -nt "$o" ] \
     || [ -n "$(find lib -name '*.h' -newer "$o" | head -1)" ]; then
    $CLANG $CF -c "$c" -o "$o" || { echo "carecard: fuzz: cannot compile $c"; exit 1; }
  fi
  objs="$objs $o"
done
passed=0; failed=0
for src in tests/fuzz/fuzz_*.c; do
  [ -f "$src" ] || continue
  name=$(basename "$src" .c); name=${name#fuzz_}
  bin="$OUT/fuzz_$name"
  if ! $CLANG $CF -fsanitize=fuzzer "$src" $objs $LIBS -o "$bin" 2>"$OUT/$name.build.log"; then
    echo "FAIL fuzz $name: does not build"; cat "$OUT/$name.build.log"; failed=$((failed+1)); continue
  fi
  work="$OUT/corpus/$name"; mkdir -p "$work" "$OUT/crashes/$name"
  [ -d "tests/fuzz/corpus/$name" ] && cp -r "tests/fuzz/corpus/$name/." "$work/" 2>/dev/null
  dict=""; [ -f "tests/fuzz/$name.dict" ] && dict="-dict=tests/fuzz/$name.dict"
  # a private TMPDIR, which must be empty afterwards; and nothing in /tmp
  # named after the fuzzer's pid (a target must not leave files behind)
  tmpd="$(pwd)/$OUT/tmp/$name"; rm -rf "$tmpd"; mkdir -p "$tmpd"
  TMPDIR="$tmpd" ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS="suppressions=$(pwd)/tests/lsan.supp" \
     "$bin" $dict -max_total_time="$SECS" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
     -artifact_prefix="$OUT/crashes/$name/" -print_final_stats=1 "$work" >"$OUT/$name.log" 2>&1 &
  pid=$!
  wait "$pid"; rc=$?
  left=$( (ls -A "$tmpd"; ls /tmp | grep -E "(^|[^0-9])$pid([^0-9]|$)") 2>/dev/null | head -3)
  rm -rf "$tmpd"
  if [ -n "$left" ]; then
    echo "FAIL fuzz $name: left files behind: $left"; failed=$((failed+1))
  elif [ "$rc" -eq 0 ]; then
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$OUT/$name.log" | grep -o '[0-9]*$')
    echo "ok   fuzz $name: ${execs:-?} runs in ${SECS}s, no crash"; passed=$((passed+1))
  else
    echo "FAIL fuzz $name:"; grep -E 'ERROR|SUMMARY|Test unit written' "$OUT/$name.log" | head -5; failed=$((failed+1))
  fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
