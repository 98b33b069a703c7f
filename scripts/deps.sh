#!/bin/sh
# Install the Debian packages carecard needs to build, test, fuzz and benchmark
# (python3-pil: openpyxl reads a workbook's images only with it; the report tests count them;
# libminizip-dev, libexpat1-dev, libfreexl-dev read .xlsx/.xls inputs; python3-xlsxwriter writes
# the spreadsheet test inputs and the benchmark's .xlsx).
# Does nothing when everything is present; runs `apt-get update` once otherwise.
set -eu
PKGS="build-essential pkg-config libxlsxwriter-dev libcairo2-dev libpango1.0-dev
fonts-noto-cjk poppler-utils libpng-dev zlib1g-dev libsqlite3-dev sqlite3 libiniparser-dev libjansson-dev nettle-dev
libminizip-dev libexpat1-dev libfreexl-dev libcmocka-dev python3 python3-xlsxwriter python3-openpyxl python3-pil python3-pytest clang libclang-rt-14-dev
valgrind time"
missing=""
for p in $PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
    || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "carecard: installing missing packages:$missing" >&2
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
