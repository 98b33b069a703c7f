#!/usr/bin/python3
"""csv2xlsx.py IN.csv OUT.xlsx [--sheet NAME] [--title TEXT] [--1904] [--constant-memory]

An .xlsx of a CSV file written by XlsxWriter (Debian's python3-xlsxwriter), as a
clerk's workbook has it: a column whose header says 日期/date holds date cells,
时间/time time cells, numbers are numbers, the rest text (what does not parse
stays text).  Used by the spreadsheet tests (tests/e2e/test_sheets.py) and by
scripts/bench.sh for the year of activities as one workbook (--constant-memory:
XlsxWriter's streaming mode, inline strings, memory bounded)."""
import csv
import datetime
import itertools
import re

DATE_RE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")
TIME_RE = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")
NUM_RE = re.compile(r"^-?\d+(\.\d+)?$")


def iter_csv(path):
    """The rows of a UTF-8 (BOM or not) CSV or TSV file, one at a time."""
    f = open(path, encoding="utf-8-sig", newline="")
    return csv.reader(f, delimiter="\t" if str(path).endswith(".tsv") else ",")


def read_csv(path):
    return list(iter_csv(path))


def typed(header, v):
    """(kind, value): 'date', 'time', 'num' or 'str'."""
    h = header.lower()
    m = DATE_RE.match(v)
    if m and ("日期" in header or "date" in h or "as_of" in h or "received" in h or "responded" in h
              or "joined" in h or "left" in h):
        try:
            return "date", datetime.datetime(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            return "str", v
    m = TIME_RE.match(v)
    if m and ("时间" in header or "time" in h):
        hh, mm, ss = int(m[1]), int(m[2]), int(m[3] or 0)
        if hh < 24 and mm < 60 and ss < 60:
            return "time", datetime.time(hh, mm, ss)
    if NUM_RE.match(v) and not re.match(r"^-?0\d", v):   # (0013 is an ID, not 13)
        return "num", float(v)
    return "str", v


def write_sheet(wb, ws, rows, first_row=0, date_fmt="yyyy/m/d", time_fmt="h:mm", typed_cells=True):
    """Write rows (header first; any iterable) into an XlsxWriter worksheet from first_row."""
    df = wb.add_format({"num_format": date_fmt})
    tf = wb.add_format({"num_format": time_fmt})
    header = None
    for r, row in enumerate(rows):
        if header is None:
            header = row
        for c, v in enumerate(row):
            if v == "":
                continue
            kind, val = ("str", v) if r == 0 or not typed_cells else typed(header[c] if c < len(header) else "", v)
            if kind == "date":
                ws.write_datetime(first_row + r, c, val, df)
            elif kind == "time":
                ws.write_datetime(first_row + r, c, val, tf)
            elif kind == "num":
                ws.write_number(first_row + r, c, val)
            else:
                ws.write_string(first_row + r, c, v)


def csv_to_xlsx(csv_path, out, sheet="Sheet1", title=None, date1904=False, constant_memory=False,
                typed_cells=True):
    """One sheet from a CSV file with XlsxWriter; title: a merged title row above the header."""
    import xlsxwriter
    rows = iter_csv(str(csv_path))
    header = next(rows)
    wb = xlsxwriter.Workbook(str(out), {"date_1904": date1904, "constant_memory": constant_memory,
                                        "strings_to_numbers": False})
    ws = wb.add_worksheet(sheet)
    first = 0
    if title:
        if constant_memory:
            ws.write_string(0, 0, title)
        else:
            ws.merge_range(0, 0, 0, max(1, len(header) - 1), title)
        first = 2               # the title, an empty row, then the header
    write_sheet(wb, ws, itertools.chain([header], rows), first, typed_cells=typed_cells)
    wb.close()
    return out


if __name__ == "__main__":
    import argparse
    ap = argparse.ArgumentParser()
    ap.add_argument("csv")
    ap.add_argument("xlsx")
    ap.add_argument("--sheet", default="Sheet1")
    ap.add_argument("--title")
    ap.add_argument("--1904", dest="d1904", action="store_true")
    ap.add_argument("--constant-memory", action="store_true")
    a = ap.parse_args()
    csv_to_xlsx(a.csv, a.xlsx, sheet=a.sheet, title=a.title, date1904=a.d1904, constant_memory=a.constant_memory)
