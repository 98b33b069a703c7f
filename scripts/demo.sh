#!/bin/sh
# make demo: a fresh database from fixtures/demo/, then the weekly report of the
# demo's last full week and the quarterly report of its quarter, under reports/demo/.
set -eu
cd "$(dirname "$0")/.."
BUILD=${1:-build}
BIN="$BUILD/carecard"
OUT=reports/demo
DB="$OUT/carecard.db"
mkdir -p "$OUT"
rm -f "$DB" "$DB-wal" "$DB-shm"
rc=0
"$BIN" ingest --db "$DB" --rejects "$OUT" fixtures/demo/ || rc=$?
# 3 = some rows rejected: the demo keeps a few deliberately bad rows.
[ "$rc" -eq 0 ] || [ "$rc" -eq 3 ] || exit "$rc"
"$BIN" status --db "$DB"
