#!/usr/bin/env python3
"""make_divisions.py — derives divisions.csv from the areacodes dataset
(../shared/data/areacodes/result.csv, CC0): every province, prefecture and
county-level division code used since 1981, with the years it was in use and
the codes that took its area over, so that a report is resolved against the
divisions of its own year and its region followed to today's codes.

Usage: python3 make_divisions.py [RESULT_CSV] > divisions.csv

Columns: code,name,level,province,city,from,to,successors
  level       national | province | city (地级) | district | county
              (a county-level name ending in 区 is a district, but not 林区 or
              特区; 县, 旗, county-level 市 … are counties)
  city        the prefecture a district or county belongs to; the province
              itself for municipalities' districts and for county-level units
              directly under a province; empty for a province
  from, to    the record is valid from year `from` up to, not including,
              year `to` (empty: in use)
  successors  the codes that took its area over, ';'-separated, a code with
              [YYYY] took part of it in that year
A first row stands for the country itself (全国, 100000), the region of the
national government's report."""
import csv
import os
import sys

src = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "../../../shared/data/areacodes/result.csv")

levels = {"省级": "province", "地级": "city"}
with open(src, newline="", encoding="utf-8-sig") as f:
    rows = list(csv.DictReader(f))

out = csv.writer(sys.stdout, lineterminator="\n")
out.writerow(["code", "name", "level", "province", "city", "from", "to", "successors"])
out.writerow(["100000", "全国", "national", "", "", "1949", "", ""])
for r in sorted(rows, key=lambda r: (r["代码"], r["启用时间"])):
    name, kind = r["名称"], r["级别"]
    level = levels.get(kind)
    if level is None:
        level = "district" if name.endswith("区") and not name.endswith(("林区", "特区")) else "county"
    province = r["一级行政区"]
    if level == "province":
        city = ""
    elif level == "city":
        city = name
    else:
        city = province if r["二级行政区"] in ("", "直辖") else r["二级行政区"]
    out.writerow([r["代码"], name, level, province, city, r["启用时间"], r["变更/弃用时间"], r["新代码"]])
