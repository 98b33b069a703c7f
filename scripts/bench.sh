#!/bin/sh
# scripts/bench.sh city|small|province — the performance benchmark (make bench, make bench-small, make bench-province).
#
# Generates (or reuses) synthetic data under fixtures/bench/<profile>/, then runs each
# step as a whole process under /usr/bin/time (wall s, CPU s, peak RSS):
#   ingest of each file into a fresh database (rows/s), the activities file loaded by
#   the sqlite3 shell's .import into an unindexed table (reference), the weekly report
#   for all streets, the quarterly report, the indicators of one week for every
#   community (scorecard csv), an ad-hoc scorecard for one street (json), the weekly
#   report on a database holding five years of history, and a run with half the
#   communities (linearity).  Prints a table and writes it to reports/bench/<profile>-<date>.csv.
# A command that fails (or does not exist yet) is shown as "n/a (command failed)"; the
# script goes on.  Environment:
#   BUILD=dir      build directory (default build); CARECARD_BIN, CARECARD_GEN override the binaries
#   FIVE_YEAR=0    skip the five-year database (it is big for the city profile)
#   LINEAR=0       skip the half-size run
#   KEEP_DB=1      reuse a five-year database built by the same carecard binary
#   BENCH_TIMEOUT=s  stop a step after s seconds (default 6 for small, 1800 for city);
#                  a step that needs more than 6 s for 40 communities misses the targets anyway
#                  (30 s for 3,000 communities is 0.4 s for 40); it is shown as ">6" and MISSED.
#                  Ingest steps get ten times as long.
set -u
cd "$(dirname "$0")/.."
PROFILE=${1:-small}
BUILD=${BUILD:-build}
BIN=${CARECARD_BIN:-$BUILD/carecard}
GEN=${CARECARD_GEN:-$BUILD/carecard-gen}
FIVE_YEAR=${FIVE_YEAR:-1}
LINEAR=${LINEAR:-1}
KEEP_DB=${KEEP_DB:-1}

case $PROFILE in
  small) STREETS=4;   START=2026-05-25; WEEKS=26; TLIMIT=${BENCH_TIMEOUT:-6} ;;
  city)  STREETS=150; START=2025-11-24; WEEKS=52; TLIMIT=${BENCH_TIMEOUT:-1800} ;;
  province) STREETS=1500; START=2026-06-29; WEEKS=13; TLIMIT=${BENCH_TIMEOUT:-3600}
         FIVE_YEAR=0; LINEAR=0 ;;
  *) echo "usage: scripts/bench.sh city|small|province" >&2; exit 2 ;;
esac
INBOX=${INBOX:-1}
for f in "$BIN" "$GEN" /usr/bin/time; do
  [ -x "$f" ] || { echo "bench: $f is missing (run make first)" >&2; exit 1; }
done
command -v sqlite3 >/dev/null || { echo "bench: the sqlite3 shell is missing" >&2; exit 1; }

# The data's last full week and last full quarter (both profiles end on a Sunday).
END=$(date -u -d "$START + $((WEEKS * 7 - 1)) days" +%F)
WEEK=$(date -u -d "$END" +%G-W%V)
ey=$(date -u -d "$END" +%Y); em=$(date -u -d "$END" +%-m)
eq=$(( (em - 1) / 3 ))            # quarters completed in the end's year
if [ "$eq" -eq 0 ]; then QUARTER="$((ey - 1))-Q4"; else QUARTER="$ey-Q$eq"; fi
# the province holds one quarter, up to its last full week: that quarter
[ "$PROFILE" = province ] && QUARTER="$(date -u -d "$START + 3 days" +%Y)-Q$(( ($(date -u -d "$START + 3 days" +%-m) - 1) / 3 + 1 ))"
START5=$(date -u -d "$START - $(( (260 - WEEKS) * 7 )) days" +%F)
# the quarter's first and last ISO weeks (those whose Thursday lies in it)
qy=${QUARTER%-Q*}; qn=${QUARTER#*-Q}
qs=$(printf '%04d-%02d-01' "$qy" $(( 3 * qn - 2 )))
qe=$(date -u -d "$qs + 3 months - 1 day" +%F)
QFIRSTWEEK=$(date -u -d "$qs + $(( (4 - $(date -u -d "$qs" +%u) + 7) % 7 )) days" +%G-W%V)
QLASTWEEK=$(date -u -d "$qe - $(( ($(date -u -d "$qe" +%u) - 4 + 7) % 7 )) days" +%G-W%V)

ROOTDIR=fixtures/bench/$PROFILE
WORK=$ROOTDIR/run
RESULTS=reports/bench
STAMP=$(date -u +%F)
CSV=$RESULTS/$PROFILE-$STAMP.csv
mkdir -p "$ROOTDIR" "$RESULTS"
rm -rf "$WORK"
mkdir -p "$WORK/logs"
TIMEF=$WORK/time.out
echo "step,rows,wall_s,cpu_s,peak_rss_mb,rows_per_s,note" >"$CSV"

srchash=$(cat fixtures/gen/*.c | sha256sum | cut -c1-10)

row() {   # step rows wall cpu rss rps note (the note is quoted in the CSV; a step
          # name has no comma: the checks below split the CSV on commas)
  printf '%s,%s,%s,%s,%s,%s,"%s"\n' "$1" "$2" "$3" "$4" "$5" "$6" "$(printf '%s' "$7" | sed 's/"/""/g')" >>"$CSV"
  printf '  %-34s %10s %9s %9s %8s %11s  %s\n' "$@"
}

# measure STEP ROWS OKCODES CMD...: run CMD under /usr/bin/time, append a row.
# OKCODES: exit codes that count as success, e.g. "0 3" for ingest.
# REPEAT=3 measure ...: run it three times (a command that only reads: the
# reports and scorecards whose times are compared with each other), report
# the run of median wall time, the highest peak memory and all three times.
LAST_WALL=
measure() {
  step=$1; rows=$2; okc=$3; shift 3
  reps=${REPEAT:-1}
  REPEAT=
  if [ "$reps" -le 1 ]; then
    measure1 "$step" "$rows" "$okc" "$@"
    return
  fi
  note0=${NOTE:-}
  runs=
  while [ "$reps" -gt 0 ]; do
    NOTE=$note0
    # (its line of the table to a file, shown if it failed)
    measure1 "$step" "$rows" "$okc" "$@" >"$WORK/run.out" || { cat "$WORK/run.out"; return 1; }
    runs="$runs$LAST_WALL $(tail -n 1 "$TIMEF")
"
    sed -i '$d' "$CSV"          # (measure1's row for this run)
    reps=$((reps - 1))
  done
  # per run: wall (shell clock), wall (time), user, sys, peak RSS in KB
  med=$(printf '%s' "$runs" | sort -n -k1,1 | awk 'NR == 2')
  all=$(printf '%s' "$runs" | awk '{ printf "%s%s", (NR > 1 ? ", " : ""), $1 }')
  maxk=$(printf '%s' "$runs" | awk '$5 > m { m = $5 } END { print m }')
  set -- $med
  LAST_WALL=$1
  cpu=$(awk -v u="$3" -v s="$4" 'BEGIN { printf "%.2f", u + s }')
  rss=$(awk -v k="$maxk" 'BEGIN { printf "%.1f", k / 1024 }')
  row "$step" "${rows:--}" "$1" "$cpu" "$rss" "-" "${LAST_NOTE:+$LAST_NOTE; }median of 3 runs ($all s)"
}

measure1() {
  step=$1; rows=$2; okc=$3; shift 3
  note=${NOTE:-}
  NOTE=
  log=$WORK/logs/$(printf '%s' "$step" | tr -c 'A-Za-z0-9_.-' '_' | tr -s '_').log
  t0=$(date +%s.%N)
  tl=${TL:-$TLIMIT}
  /usr/bin/time -f '%e %U %S %M' -o "$TIMEF" timeout "$tl" "$@" >"$log" 2>&1
  rc=$?
  t1=$(date +%s.%N)
  ok=0
  for c in $okc; do [ "$rc" -eq "$c" ] && ok=1; done
  if [ "$rc" -eq 124 ]; then
    LAST_WALL=">$tl"
    row "$step" "$rows" ">$tl" "n/a" "n/a" "n/a" "timed out after $tl s (see $log)"
    return 1
  fi
  if [ "$ok" -eq 0 ]; then
    LAST_WALL=
    row "$step" "$rows" "n/a" "n/a" "n/a" "n/a" "n/a (command failed, exit $rc; see $log)"
    return 1
  fi
  set -- $(tail -n 1 "$TIMEF")
  # wall time from the shell's clock (ms resolution; time(1) rounds to 10 ms)
  wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
  LAST_WALL=$wall
  cpu=$(awk -v u="$2" -v s="$3" 'BEGIN { printf "%.2f", u + s }')
  rss=$(awk -v k="$4" 'BEGIN { printf "%.1f", k / 1024 }')
  rps=
  if [ -n "$rows" ] && [ "$rows" != "-" ]; then
    rps=$(awk -v n="$rows" -v w="$wall" 'BEGIN { if (w > 0) printf "%.0f", n / w; else print "" }')
  fi
  [ "$rc" -eq 3 ] && note="${note:+$note; }some rows rejected (exit 3)"
  [ "$rc" -eq 4 ] && note="${note:+$note; }data incomplete (exit 4)"
  LAST_NOTE=$note
  row "$step" "${rows:--}" "$wall" "$cpu" "$rss" "${rps:--}" "$note"
  return 0
}
NOTE=

# gendata DIR ARGS...: generate unless DIR holds a complete set made with the same
# arguments by the same generator source.
gendata() {
  dir=$1; shift
  key="$* src=$srchash"
  if [ -f "$dir/.complete" ] && [ "$(cat "$dir/.complete")" = "$key" ]; then
    row "generate $(basename "$dir")" "-" "reused" "-" "-" "-" "$dir"
    return 0
  fi
  rm -rf "$dir"
  mkdir -p "$dir"
  NOTE="$dir"
  measure "generate $(basename "$dir")" "-" "0" "$GEN" --out "$dir" "$@" || return 1
  echo "$key" >"$dir/.complete"
}

nrows() { echo $(( $(wc -l <"$1") - 1 )); }
KINDS="communities providers activities attendance surveys assessments trainings timebank feedback"

# ingest_all DIR DB LABEL: one process per file, in dependency order, into a fresh DB.
ingest_all() {
  dir=$1; db=$2; label=$3
  rm -f "$db" "$db-wal" "$db-shm" "$db-journal"
  total=0
  for k in $KINDS; do
    f=$dir/$k.csv
    # read once untimed: reused data may have left the page cache (the
    # five-year database is 15 GB), and .import reads a cached file
    cat "$f" >/dev/null
    TL=$((TLIMIT * 10)) measure "ingest $k$label" "$(nrows "$f")" "0 3" \
      "$BIN" ingest -q --db "$db" --rejects "$WORK" "$f" || { total=; continue; }
    [ -n "$total" ] && total=$(awk -v a="$total" -v b="$LAST_WALL" 'BEGIN { print a + b }')
  done
  INGEST_TOTAL=$total
}

echo "carecard benchmark: profile $PROFILE, week $WEEK, quarter $QUARTER, $(nproc) CPUs, $(date -u '+%F %T') UTC"
printf '  %-34s %10s %9s %9s %8s %11s  %s\n' step rows wall_s cpu_s rss_mb rows/s note

# import_script OUT FILE...: sqlite3 dot-commands loading FILEs (in the inbox
# directory) into unindexed all-TEXT tables named by kind, the first file of a
# kind creating its table from the header, the others appended without it.
import_script() {
  out=$1; shift
  : >"$out"
  for f in "$@"; do
    k=${f%%_*}; k=${k%.csv}
    if grep -qx "$k" "$out.kinds" 2>/dev/null; then
      echo ".import --csv --skip 1 $IDIR/$f $k" >>"$out"
    else
      echo ".import --csv $IDIR/$f $k" >>"$out"
      echo "$k" >>"$out.kinds"
    fi
  done
}

# inbox_steps: the cron's view of the same data (carecard-gen --layout inbox):
# the whole inbox in one ingest command, the same files one command per week,
# the weekly cycle (the newest week's files into the database holding the rest,
# then report weekly), each beside sqlite3 .import of the same files.
inbox_steps() {
  IDIR=$ROOTDIR/inbox
  gendata "$IDIR" --profile "$PROFILE" --layout inbox -q || return 1
  files=$(awk '{ print $2 }' "$IDIR/inbox.txt")
  nfiles=$(echo "$files" | wc -l)
  last=$(awk 'END { print $1 }' "$IDIR/inbox.txt")
  IWEEK=$last
  lastfiles=$(awk -v w="$last" '$1 == w { print $2 }' "$IDIR/inbox.txt")
  rest=$(awk -v w="$last" '$1 != w { print $2 }' "$IDIR/inbox.txt")
  irows=$(for f in $files; do tail -n +2 "$IDIR/$f"; done | wc -l)
  ibytes=$(cd "$IDIR" && cat $files | wc -c)
  (cd "$IDIR" && cat $files >/dev/null)     # into the page cache, as for .import
  echo "    (inbox: $nfiles files, $irows rows, $((ibytes / 1000000)) MB; newest week $last)"

  rm -f "$WORK/import.sql.kinds"
  import_script "$WORK/import.sql" $files
  IREF=$WORK/import-inbox.db
  rm -f "$IREF"
  NOTE="$nfiles files into unindexed tables"
  measure "sqlite3 .import inbox (all)" "$irows" "0" sqlite3 -bail "$IREF" ".read $WORK/import.sql"
  IMP_INBOX=$LAST_WALL

  DBI=$WORK/inbox-cold.db
  rm -f "$DBI" "$DBI-wal" "$DBI-shm"
  NOTE="$nfiles files, one command"
  TL=$((TLIMIT * 10)) measure "ingest inbox (one command)" "$irows" "0 3" \
    sh -c 'd=$1; shift; cd "$d" && exec "$@"' sh "$IDIR" "$(realpath "$BIN")" ingest -q --db "$(realpath "$WORK")/inbox-cold.db" --rejects "$(realpath "$WORK")" $files
  ING_INBOX=$LAST_WALL

  # one command per week: every week but the newest as one measured loop
  # (its peak RSS is the largest of its commands'), then the newest week
  DBW=$WORK/inbox-weekly.db
  rm -f "$DBW" "$DBW-wal" "$DBW-shm"
  awk -v w="$last" -v bin="$(realpath "$BIN")" -v db="$(realpath "$WORK")/inbox-weekly.db" -v rj="$(realpath "$WORK")" '
    $1 != w { if ($1 != cur) { if (cur != "") printf "\n"; cur = $1
                               printf "%s ingest -q --db %s --rejects %s", bin, db, rj }
              printf " %s", $2 }
    END { printf "\n" }' "$IDIR/inbox.txt" | sed 's/$/ || [ $? -eq 3 ] || exit 1/' >"$WORK/perweek.sh"
  nweeks=$(awk '{ print $1 }' "$IDIR/inbox.txt" | sort -u | wc -l)
  NOTE="$((nweeks - 1)) commands (every week but the newest)"
  TL=$((TLIMIT * 10)) measure "ingest inbox (one command per week)" "-" "0" sh -c 'cd "$1" && . "$2"' sh "$IDIR" "$(realpath "$WORK")/perweek.sh"
  PW1=$LAST_WALL; PW1_RSS=$(tail -n 1 "$CSV" | cut -d, -f5)
  # last Monday's cron job, untimed: the report of the week before, which
  # keeps the past weeks' statuses in the database as every report does
  prev=$(awk '{ print $1 }' "$IDIR/inbox.txt" | sort -u | tail -n 2 | head -n 1)
  "$BIN" report weekly --db "$DBW" --period "$prev" --out "$WORK/reports-inbox-prev" >/dev/null 2>&1 || true
  rm -rf "$WORK/reports-inbox-prev"
  NOTE="weekly cycle: $(echo "$lastfiles" | wc -l) files of $last into the database holding the rest"
  measure "ingest newest week $last" "$(for f in $lastfiles; do tail -n +2 "$IDIR/$f"; done | wc -l)" "0 3" \
    sh -c 'd=$1; shift; cd "$d" && exec "$@"' sh "$IDIR" "$(realpath "$BIN")" ingest -q --db "$(realpath "$WORK")/inbox-weekly.db" --rejects "$(realpath "$WORK")" $lastfiles
  ING_NEWEST=$LAST_WALL
  PERWEEK=$(awk -v a="$PW1" -v b="$ING_NEWEST" 'BEGIN { if (a ~ /^[0-9.]+$/ && b ~ /^[0-9.]+$/) printf "%.3f", a + b }')
  [ -n "$PERWEEK" ] && echo "    (one command per week, all weeks: $PERWEEK s)"

  # .import of the same files the same way: the newest week's into the tables
  # holding the rest
  rm -f "$WORK/import.sql.kinds"
  import_script "$WORK/import-rest.sql" $rest
  import_script "$WORK/import-last.sql" $lastfiles
  rm -f "$IREF"
  sqlite3 -bail "$IREF" ".read $WORK/import-rest.sql" || true
  measure "sqlite3 .import newest week" "-" "0" sqlite3 -bail "$IREF" ".read $WORK/import-last.sql"
  IMP_NEWEST=$LAST_WALL
  IMP_REST=
  rm -f "$IREF"

  NOTE="weekly cycle: the report of the newest week, once, as cron runs it (after $prev's report)"
  measure "report weekly $last (inbox db)" "-" "0 4" "$BIN" report weekly --db "$DBW" --period "$last" --out "$WORK/reports-inbox"
  REP_CYCLE=$LAST_WALL
  CYCLE=$(awk -v a="$ING_NEWEST" -v b="$REP_CYCLE" 'BEGIN { if (a ~ /^[0-9.]+$/ && b ~ /^[0-9.]+$/) printf "%.3f", a + b }')
  [ -n "$CYCLE" ] && echo "    (weekly cycle, ingest + report: $CYCLE s)"
  rm -f "$DBW" "$DBW-wal" "$DBW-shm"
}

ING_ACT=; ING_ATT=; IMP_ACT=; INGEST_TOTAL_1Y=; BYTES_ACT=; BYTES_ATT=
if [ "$PROFILE" != province ]; then
DATA=$ROOTDIR/data-1y
gendata "$DATA" --profile "$PROFILE" -q || exit 1
DB=$WORK/carecard.db
ingest_all "$DATA" "$DB" ""
INGEST_TOTAL_1Y=$INGEST_TOTAL
ING_ACT=$(awk -F, '$1 == "ingest activities" { print $3 }' "$CSV")
ING_ATT=$(awk -F, '$1 == "ingest attendance" { print $3 }' "$CSV")
BYTES_ACT=$(wc -c <"$DATA/activities.csv")
BYTES_ATT=$(wc -c <"$DATA/attendance.csv")

# Reference: the sqlite3 shell loading the same activities file into an unindexed table.
REF=$WORK/import-ref.db
rm -f "$REF"
measure "sqlite3 .import activities" "$(nrows "$DATA/activities.csv")" "0" \
  sqlite3 "$REF" ".import --csv $DATA/activities.csv activities"
IMP_ACT=$LAST_WALL
rm -f "$REF"
fi

IMP_INBOX=; ING_INBOX=; PERWEEK=; ING_NEWEST=; IMP_NEWEST=; CYCLE=
if [ "$INBOX" = 1 ]; then
  inbox_steps
  # the province has only the inbox data: the reports below read its database
  [ "$PROFILE" = province ] && DB=$WORK/inbox-cold.db
else
  [ "$PROFILE" = province ] && { echo "bench: the province profile needs INBOX=1" >&2; exit 2; }
fi

# The year of activities as one .xlsx (written once by XlsxWriter in its streaming
# mode: inline strings, typed date and time cells; kept beside the data while
# they are the same), ingested into a database holding the registers, beside
# the same data as CSV into the same state (the ratio compares the two runs).
ING_XLSX=; ING_XCSV=
if [ "$PROFILE" != province ]; then
XLSX=$DATA/activities.xlsx
if [ ! -f "$XLSX.ok" ] || [ "$(cat "$XLSX.ok")" != "$(cat "$DATA/.complete")" ]; then
  rm -f "$XLSX" "$XLSX.ok"
  NOTE="scripts/csv2xlsx.py --constant-memory"
  measure "generate activities.xlsx" "-" "0" "${PYTHON:-/usr/bin/python3}" scripts/csv2xlsx.py --constant-memory --sheet 活动台账 \
    "$DATA/activities.csv" "$XLSX" && cat "$DATA/.complete" >"$XLSX.ok"
fi
ING_XLSX=; ING_XCSV=
if [ -f "$XLSX.ok" ]; then
  XDB=$WORK/xlsx.db
  for f in activities.csv activities.xlsx; do
    rm -f "$XDB" "$XDB-wal" "$XDB-shm" "$XDB-journal"
    "$BIN" ingest -q --db "$XDB" --rejects "$WORK" "$DATA/communities.csv" "$DATA/providers.csv" >/dev/null 2>&1
    cat "$DATA/$f" >/dev/null
    NOTE="into the registers, beside each other"
    TL=$((TLIMIT * 10)) measure "ingest $f (same state)" "$(nrows "$DATA/activities.csv")" "0 3" \
      "$BIN" ingest -q --db "$XDB" --rejects "$WORK" "$DATA/$f"
    case $f in *.csv) ING_XCSV=$LAST_WALL ;; *) ING_XLSX=$LAST_WALL ;; esac
  done
  rm -f "$XDB" "$XDB-wal" "$XDB-shm" "$XDB-journal"
fi
fi

NOTE="all streets"
REPEAT=3 measure "report weekly $WEEK" "-" "0 4" "$BIN" report weekly --db "$DB" --period "$WEEK" --out "$WORK/reports"
REP1=$LAST_WALL
[ -d "$WORK/reports/$WEEK" ] && echo "    ($(find "$WORK/reports/$WEEK" -name '*.xlsx' | wc -l) workbooks, $(find "$WORK/reports/$WEEK" -name '*.png' | wc -l) charts)"
# As the quarterly report meets it in the month after the quarter: the
# quarter's Monday reports kept their weeks (a weekly scorecard of the
# quarter's first and last weeks keeps the same ones) and the previous
# quarter's report kept the quarters before (docs/benchmark.md); untimed.
QPREV=$(awk -v q="$QUARTER" 'BEGIN { y = substr(q, 1, 4) + 0; n = substr(q, 7, 1) + 0
  if (n == 1) { y--; n = 4 } else n--; printf "%d-Q%d", y, n }')
for per in "$QFIRSTWEEK" "$QLASTWEEK" "$QPREV"; do
  "$BIN" scorecard --db "$DB" --period "$per" --format csv --out "$WORK/prep.csv" >/dev/null 2>&1 || true
done
rm -f "$WORK/prep.csv"
NOTE="after the quarter's weekly runs and the previous quarter's"
measure "report quarterly $QUARTER" "-" "0 4" "$BIN" report quarterly --db "$DB" --period "$QUARTER" --out "$WORK/reports"
NOTE="every community, one week"
REPEAT=3 measure "scorecard all $WEEK (csv)" "-" "0 4" "$BIN" scorecard --db "$DB" --period "$WEEK" --format csv --out "$WORK/scorecard-all.csv"
SC_ALL=$LAST_WALL
measure "scorecard S001 $WEEK (json)" "-" "0 4" "$BIN" scorecard --db "$DB" --street S001 --period "$WEEK" --format json --out "$WORK/scorecard-S001.json"

# Five years of history, the same density, ending on the same week.
REP5=
if [ "$FIVE_YEAR" = 1 ]; then
  DATA5=$ROOTDIR/data-5y
  gendata "$DATA5" --profile "$PROFILE" --weeks 260 --start "$START5" -q
  DB5=$ROOTDIR/carecard-5y.db
  # Reused while the data are the same (a hundred million rows take a while to
  # ingest); a database made by an older binary is brought to this binary's
  # schema by opening it for writing: ingesting an already-stored file is a
  # no-op (same SHA-256) that runs the migrations, timed as its own step.  A
  # page size other than a new database's (set when a database is created)
  # would not compare like with like, and a migration that copies a table
  # (schema 4 -> 5 copies attendance: 15 GB here, and as much free disk) is
  # slower than building again: such a database is built again.
  pgsz() { sqlite3 "$1" 'PRAGMA page_size' 2>/dev/null; }
  schema() { sqlite3 "$1" 'PRAGMA user_version' 2>/dev/null; }
  if [ "$KEEP_DB" = 1 ] && [ -f "$DB5.ok" ] && [ "$(cat "$DB5.ok")" = "$(cat "$DATA5/.complete")" ] &&
     [ "$(pgsz "$DB5")" = "$(pgsz "$DB")" ] && { [ "$(schema "$DB5")" -ge 5 ] 2>/dev/null; }; then
    row "ingest 5-year history" "-" "reused" "-" "-" "-" "$DB5"
    NOTE="schema migrations, if any"
    measure "upgrade 5-year db" "-" "0 3" "$BIN" ingest -q --db "$DB5" --rejects "$WORK" "$DATA5/communities.csv"
  else
    rm -f "$DB5.ok"
    ingest_all "$DATA5" "$DB5" " (5y)"
    [ -n "$INGEST_TOTAL" ] && cat "$DATA5/.complete" >"$DB5.ok"
  fi
  # The one-year database was just written, so its pages are in the page
  # cache; the kept five-year one is usually not.  A first scorecard on it
  # (shown: the cold-cache cost) brings the pages the week's windows read into
  # the cache, so the report below compares like with like.
  NOTE="first read of the 5-year db (cold page cache)"
  measure "scorecard all $WEEK (5y db; cold)" "-" "0 4" "$BIN" scorecard --db "$DB5" --period "$WEEK" --format csv --out "$WORK/scorecard-5y.csv"
  NOTE="5 years in the database"
  REPEAT=3 measure "report weekly $WEEK (5y db)" "-" "0 4" "$BIN" report weekly --db "$DB5" --period "$WEEK" --out "$WORK/reports-5y"
  REP5=$LAST_WALL
fi

# Half the communities: is the time linear in communities?
REPH=
if [ "$LINEAR" = 1 ]; then
  HALF=$((STREETS / 2))
  DATAH=$ROOTDIR/data-half
  gendata "$DATAH" --profile "$PROFILE" --streets "$HALF" -q
  DBH=$WORK/carecard-half.db
  ingest_all "$DATAH" "$DBH" " (half)"
  INGH=$INGEST_TOTAL
  # each half-size run beside a run of the full city (the first ones were
  # minutes ago, before the five-year steps filled the page cache): the
  # ratios compare runs made in the same state of the machine
  NOTE="$HALF streets"
  REPEAT=3 measure "report weekly $WEEK (half)" "-" "0 4" "$BIN" report weekly --db "$DBH" --period "$WEEK" --out "$WORK/reports-half"
  REPH=$LAST_WALL
  NOTE="all streets, beside the half-size run"
  REPEAT=3 measure "report weekly $WEEK (full again)" "-" "0 4" "$BIN" report weekly --db "$DB" --period "$WEEK" --out "$WORK/reports-again"
  REPF=$LAST_WALL
  NOTE="$HALF streets"
  REPEAT=3 measure "scorecard all $WEEK (half)" "-" "0 4" "$BIN" scorecard --db "$DBH" --period "$WEEK" --format csv --out "$WORK/scorecard-half.csv"
  SCH=$LAST_WALL
  NOTE="every community, beside the half-size run"
  REPEAT=3 measure "scorecard all $WEEK (full again)" "-" "0 4" "$BIN" scorecard --db "$DB" --period "$WEEK" --format csv --out "$WORK/scorecard-again.csv"
  SCF=$LAST_WALL
fi

# Against the targets of the performance issue.
echo
if [ "$PROFILE" = small ]; then
  echo "targets (set for the city profile; the small profile is 1/75 of it, so the absolute"
  echo "times below should be far under them):"
else
  echo "targets:"
fi
check() {   # label value verdict-expression(awk, v)
  if [ -z "$2" ]; then printf '  %-58s n/a\n' "$1"; return; fi
  case $2 in ">"*) printf '  %-58s %s  MISSED (timed out)\n' "$1" "$2"; return ;; esac
  awk -v v="$2" -v label="$1" "BEGIN { ok = ($3); printf \"  %-58s %s  %s\\n\", label, v, ok ? \"ok\" : \"MISSED\" }"
}
ratio() {   # a/b, empty unless both are numbers
  awk -v a="$1" -v b="$2" 'BEGIN { if (a ~ /^[0-9.]+$/ && b ~ /^[0-9.]+$/ && b > 0) printf "%.2f", a / b }'
}
check "ingest activities / sqlite3 .import (<= 1.2)" "$(ratio "$ING_ACT" "$IMP_ACT")" "v <= 1.2"
check "inbox cold ingest, one command / .import (<= 1.2)" "$(ratio "$ING_INBOX" "$IMP_INBOX")" "v <= 1.2"
check "inbox, one command per week / .import (<= 1.5)" "$(ratio "$PERWEEK" "$IMP_INBOX")" "v <= 1.5"
check "newest week's ingest / its .import (info)" "$(ratio "$ING_NEWEST" "$IMP_NEWEST")" "1"
if [ "$PROFILE" = city ]; then
  check "weekly cycle (ingest newest week + report), s (<= 10)" "$CYCLE" "v <= 10"
else
  check "weekly cycle (ingest newest week + report), s (city: <= 10)" "$CYCLE" "1"
fi
# attendance at the same rate per byte: its ingest time per byte against the
# reference's (.import of activities) time per byte
check "ingest attendance per byte / sqlite3 .import per byte (<= 1.2)" \
  "$(awk -v a="${ING_ATT:-}" -v b="$BYTES_ATT" -v c="${IMP_ACT:-}" -v d="$BYTES_ACT" \
     'BEGIN { if (a ~ /^[0-9.]+$/ && c ~ /^[0-9.]+$/ && c > 0) printf "%.2f", (a / b) / (c / d) }')" "v <= 1.2"
maxrss=$(awk -F, 'NR > 1 && $5 ~ /^[0-9.]+$/ && $1 !~ /^(generate|sqlite3)/ { if ($5 > m) m = $5 } END { if (m != "") print m }' "$CSV")
check "peak RSS of any carecard command, MB (<= 256)" "$maxrss" "v <= 256"
check "ingest activities.xlsx / the same as CSV (<= 2)" "$(ratio "$ING_XLSX" "$ING_XCSV")" "v <= 2"
if [ "$PROFILE" = province ]; then
  # against the latest city run's figures (reports/bench/city-*.csv)
  cityf=$(ls "$RESULTS"/city-*.csv 2>/dev/null | tail -n 1)
  cval() { [ -n "$cityf" ] && awk -F, -v s="$1" '$1 ~ s { print $3; exit }' "$cityf"; }
  CSC=$(cval "^scorecard all .* \\(csv\\)$"); CREP=$(cval "^report weekly [0-9]+-W[0-9]+$")
  echo "  (city figures from ${cityf:-nowhere: run make bench first})"
  check "all-units scorecard, province / city (<= 10)" "$(ratio "$SC_ALL" "$CSC")" "v <= 10"
  check "weekly report, province / city (<= 10)" "$(ratio "$REP1" "$CREP")" "v <= 10"
  qr=$(awk -F, '$1 ~ /^report quarterly/ { print $3 }' "$CSV")
  check "quarterly report finishes, s" "$qr" "1"
else
check "indicators of one week, all communities, s (<= 5)" "$SC_ALL" "v <= 5"
check "weekly report, all streets, s (<= 30)" "$REP1" "v <= 30"
qr=$(awk -F, '$1 ~ /^report quarterly/ { print $3 }' "$CSV")
qm=$(awk -F, '$1 ~ /^report quarterly/ { print $5 }' "$CSV")
check "quarterly report, s (city: <= 15)" "$qr" "$( [ "$PROFILE" = city ] && echo 'v <= 15' || echo 1)"
check "quarterly report peak RSS, MB (city: <= 200)" "$qm" "$( [ "$PROFILE" = city ] && echo 'v <= 200' || echo 1)"
fi
check "weekly report 5-year / 1-year db (<= 1.2)" "$(ratio "$REP5" "$REP1")" "v <= 1.2"
check "scorecard all full / half communities (~2, <= 2.2)" "$(ratio "${SCF:-}" "${SCH:-}")" "v <= 2.2"
check "weekly report full / half communities (~2, <= 2.2)" "$(ratio "${REPF:-}" "${REPH:-}")" "v <= 2.2"
check "ingest all files full / half communities (~2, <= 2.2)" "$(ratio "${INGEST_TOTAL_1Y:-}" "${INGH:-}")" "v <= 2.2"
echo "table written to $CSV (logs in $WORK/logs)"
