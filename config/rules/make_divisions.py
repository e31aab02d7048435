#!/usr/bin/env python3
"""make_divisions.py — derives divisions.csv (code,name,level,province,city)
from the china-division 2.7.0 CSVs (../shared/data/china-division/).

Usage: python3 make_divisions.py [SOURCE_DIR] > divisions.csv
Municipalities' pseudo-prefectures (市辖区, 县) are dropped: their districts
and counties get the municipality itself as city. Level of a county-level
division is read from its name: …区 is a district, anything else (县, 旗,
county-level 市, 林区, 特区) a county."""
import csv
import os
import sys

src = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "../../../shared/data/china-division")


def rows(name):
    with open(os.path.join(src, name), newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


provinces = {r["code"]: r["name"] for r in rows("provinces.csv")}
cities = {r["code"]: r for r in rows("cities.csv")}
pseudo = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}

out = csv.writer(sys.stdout, lineterminator="\n")
out.writerow(["code", "name", "level", "province", "city"])
for code, name in sorted(provinces.items()):
    out.writerow([code + "0000", name, "province", name, ""])
for code, r in sorted(cities.items()):
    if r["name"] in pseudo:
        continue
    out.writerow([code + "00", r["name"], "city", provinces[r["provinceCode"]], r["name"]])
for r in sorted(rows("areas.csv"), key=lambda r: r["code"]):
    name = r["name"]
    if name == "市辖区":
        continue
    province = provinces[r["provinceCode"]]
    city = cities.get(r["cityCode"])
    city_name = province if city is None or city["name"] in pseudo else city["name"]
    level = "district" if name.endswith("区") and not name.endswith("林区") else "county"
    out.writerow([r["code"], name, level, province, city_name])
