#!/bin/sh
# make demo: a fresh database from fixtures/demo/, then the weekly report of the
# demo's last full week and the quarterly report of its quarter, under reports/demo/.
set -eu
cd "$(dirname "$0")/.."
BUILD=${1:-build}
BIN="$BUILD/carecard"
OUT=reports/demo
DB="$OUT/carecard.db"
WEEK=2026-W40        # the last full week of fixtures/demo (see its README)
PREV=2026-W39        # the week before: its rectification ledgers come back filled in
QUARTER=2026-Q3      # the quarter it covers
mkdir -p "$OUT"
rm -f "$DB" "$DB-wal" "$DB-shm"

ok_or() {  # run a step; exit codes listed in $1 are fine
  allowed=$1; shift
  rc=0; "$@" || rc=$?
  for a in $allowed; do [ "$rc" -eq "$a" ] && return 0; done
  echo "carecard demo: '$*' failed with exit code $rc" >&2
  exit "$rc"
}

echo "== ingest fixtures/demo/ (6 rows are bad on purpose: see fixtures/demo/README.md)"
ok_or "0 3" "$BIN" ingest --db "$DB" --rejects "$OUT" fixtures/demo/
"$BIN" status --db "$DB"
echo
echo "== weekly report $PREV (writes the street offices' rectification ledgers, 整改台账)"
ok_or "0 4" "$BIN" report weekly --db "$DB" --config indicators.ini --period "$PREV" --out "$OUT" 2>/dev/null
ls "$OUT/$PREV/整改台账/" | sed 's/^/  /'
echo "== ingest the ledgers as the offices returned them (fixtures/demo/ledger/: some 已完成, one overdue,"
echo "   one 已完成 while the indicator stays red; a column a clerk added with a name is not read)"
ok_or "0 3" "$BIN" ingest --db "$DB" fixtures/demo/ledger/
echo "== weekly report $WEEK"
ok_or "0 4" "$BIN" report weekly --db "$DB" --config indicators.ini --period "$WEEK" --out "$OUT"
echo "== quarterly report $QUARTER"
ok_or "0 4" "$BIN" report quarterly --db "$DB" --config indicators.ini --period "$QUARTER" --out "$OUT"
echo
# the one-page briefs first: what a street office opens, prints and forwards
echo "Briefs (one A4 page as PDF for print, PNG for the phone):"
find "$OUT/$WEEK" "$OUT/$QUARTER" -maxdepth 1 -type f -name '*-简报.*' | sort | sed 's/^/  /'
echo "Workbooks and warnings:"
find "$OUT/$WEEK" "$OUT/$QUARTER" -maxdepth 1 -type f ! -name '*-简报.*' | sort | sed 's/^/  /'
echo "  charts: $OUT/$WEEK/charts/ and $OUT/$QUARTER/charts/"
echo "Rectification ledgers to send to the street offices (整改跟踪 in each workbook shows their states):"
find "$OUT/$WEEK/整改台账" "$OUT/$QUARTER/整改台账" -type f | sort | sed 's/^/  /'
