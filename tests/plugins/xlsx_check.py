#!/usr/bin/env python3
"""xlsx_check.py — loads the harness sample workbook with openpyxl (a reader
other than our own XML greps) and checks a few cells. Run by test_xlsx.
Usage: xlsx_check.py WORKBOOK; exits non-zero with a message on a mismatch."""
import datetime
import sys

import openpyxl


def main(path):
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames[0] == "About", wb.sheetnames
    assert wb.sheetnames[1:] == ["documents", "targets", "commitments", "list_items",
                                 "sections", "keywords", "Targets matrix"], wb.sheetnames

    docs = wb["documents"]
    assert docs["A1"].value == "文档编号", docs["A1"].value
    assert docs["A1"].font.b, "header is bold"
    assert docs["A1"].comment is not None and docs["A1"].comment.text.startswith("doc_id"), docs["A1"].comment
    assert docs["E2"].value == "430203" and docs["E2"].data_type == "s", repr(docs["E2"].value)
    assert docs["K2"].value == datetime.datetime(2021, 12, 29), repr(docs["K2"].value)
    assert docs["K2"].number_format == "yyyy-mm-dd", docs["K2"].number_format
    assert docs["K3"].value is None
    assert docs["C3"].value == "=cmd|' /C calc'!A0" and docs["C3"].data_type == "s", docs["C3"].data_type
    assert docs["I2"].value == 2022
    assert docs.freeze_panes == "A2", docs.freeze_panes
    assert docs.auto_filter.ref == "A1:U3", docs.auto_filter.ref

    targets = wb["targets"]
    assert targets["G2"].value == 8.5 and targets["G2"].number_format == '0.0##"%"', targets["G2"].number_format
    assert targets["G4"].value == -4.2
    assert targets["H3"].value is None

    matrix = wb["Targets matrix"]
    rows = list(matrix.iter_rows(values_only=True))
    assert rows[0][:6] == ("文档编号", "地区", "行政级别", "计划年份", "地区生产总值", "地区生产总值 目标原文"), rows[0]
    assert rows[1][:6] == ("00000000000000a1", "株洲市芦淞区", "district", 2022, 8.5, "≥"), rows[1]
    assert rows[2][:6] == ("00000000000000b2", "澧县", "county", 2022, -4.2, "≥"), rows[2]
    assert len(matrix._charts) == 1, "one chart beside the matrix"

    about = wb["About"]
    values = [c for row in about.iter_rows(values_only=True) for c in row if c is not None]
    assert "testjob" in values
    assert "region as the report names it (city + district when both)" in values
    assert wb.properties.creator == "baogao", wb.properties.creator
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1]))
    except AssertionError as e:
        print("xlsx_check: %s" % e, file=sys.stderr)
        sys.exit(1)
