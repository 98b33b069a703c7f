#!/usr/bin/env python3
"""Band shares of a catalog on a database: for each week given, the share of
community cells with a value that are met / blue / yellow / red, and of those
marked 专项整治; then the mean over the weeks.  Used to tune indicators.ini
(docs/indicators.md, "The default catalog reviewed").

  scripts/band-shares.py BIN DB CONFIG WEEK...
"""
import json
import subprocess
import sys


def shares(bin_, db, config, week):
    r = subprocess.run([bin_, "scorecard", "--db", db, "--config", config, "--period", week,
                        "--format", "json"], capture_output=True, text=True)
    if r.returncode not in (0, 4):
        sys.exit(r.stderr)
    n = {"met": 0, "blue": 0, "yellow": 0, "red": 0}
    rect = 0
    per_ind = {}
    for u in json.loads(r.stdout)["units"]:
        if u["level"] != "community":
            continue
        for i in u["indicators"]:
            if i["status"] in n:
                n[i["status"]] += 1
                rect += bool(i["rectify"])
                per_ind.setdefault(i["id"], {"met": 0, "blue": 0, "yellow": 0, "red": 0})[i["status"]] += 1
    tot = sum(n.values()) or 1
    return {k: v / tot for k, v in n.items()}, rect / tot, tot, per_ind


def main():
    bin_, db, config, weeks = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    acc = {"met": 0, "blue": 0, "yellow": 0, "red": 0, "rect": 0}
    inds = {}
    for w in weeks:
        s, rect, tot, per = shares(bin_, db, config, w)
        print("%s  cells %4d  met %5.1f%%  blue %5.1f%%  yellow %5.1f%%  red %5.1f%%  专项整治 %5.1f%%"
              % (w, tot, 100 * s["met"], 100 * s["blue"], 100 * s["yellow"], 100 * s["red"], 100 * rect))
        for k in s:
            acc[k] += s[k] / len(weeks)
        acc["rect"] += rect / len(weeks)
        for i, c in per.items():
            d = inds.setdefault(i, {"met": 0, "blue": 0, "yellow": 0, "red": 0})
            for k in c:
                d[k] += c[k]
    print("mean  met %5.1f%%  blue %5.1f%%  yellow %5.1f%%  red %5.1f%%  专项整治 %5.1f%%"
          % (100 * acc["met"], 100 * acc["blue"], 100 * acc["yellow"], 100 * acc["red"], 100 * acc["rect"]))
    for i, d in inds.items():
        t = sum(d.values()) or 1
        print("  %-3s met %3.0f%% blue %3.0f%% yellow %3.0f%% red %3.0f%%"
              % (i, 100 * d["met"] / t, 100 * d["blue"] / t, 100 * d["yellow"] / t, 100 * d["red"] / t))


if __name__ == "__main__":
    main()
