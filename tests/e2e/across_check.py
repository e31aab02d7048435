#!/usr/bin/env python3
"""Checks the tables across reports that a run wrote as CSV (rfc4180 profile)
against the blind panel gold's "expected" rows (tests/gold/panel.json,
written by a second author from the rules in the README, before the code).

usage: across_check.py GOLD CSV_FOLDER [--report]
Each expected row is looked up by its key; every field it gives must equal
the CSV's (numbers to 1e-9, null = empty). Exits 1 on any difference, and
prints matched/expected per table."""
import csv
import json
import sys

KEYS = {
    "target_outcomes": ("region_code", "year", "indicator", "kind"),
    "escalation": ("region_code", "plan_year", "indicator", "kind"),
    "target_changes": ("region_code", "plan_year", "indicator", "kind"),
}


def same(want, got):
    if want is None:
        return got == ""
    if isinstance(want, bool):
        return got == ("1" if want else "0")
    if isinstance(want, (int, float)):
        try:
            return abs(float(got) - float(want)) <= 1e-9
        except ValueError:
            return False
    return str(want) == got


def main():
    gold, folder = sys.argv[1], sys.argv[2]
    expected = json.load(open(gold, encoding="utf-8"))["expected"]
    bad = 0
    for table, key in KEYS.items():
        with open(f"{folder}/{table}.csv", encoding="utf-8-sig", newline="") as f:
            rows = list(csv.DictReader(f))
        index = {}
        for r in rows:
            index.setdefault(tuple(r[k] for k in key), []).append(r)
        want = expected.get(table, [])
        matched = 0
        for w in want:
            k = tuple(str(w[c]) for c in key)
            cands = index.get(k, [])
            # rows of one key (several targets of a kind): the one whose value agrees
            value_col = "target_value" if table == "target_outcomes" else "value"
            pick = [r for r in cands if same(w.get(value_col), r.get(value_col, ""))] or cands
            if not pick:
                print(f"{table}: no row for {dict(zip(key, k))}")
                bad += 1
                continue
            r = pick[0]
            diffs = [f"{c}: want {w[c]!r}, got {r.get(c, '<no column>')!r}" for c in w
                     if c not in key and not same(w[c], r.get(c, ""))]
            if diffs:
                print(f"{table} {dict(zip(key, k))}: " + "; ".join(diffs))
                bad += 1
            else:
                matched += 1
        print(f"{table}: {matched}/{len(want)} expected rows match; the run wrote {len(rows)} rows")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
