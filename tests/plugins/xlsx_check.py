#!/usr/bin/env python3
"""xlsx_check.py — reads the XLSX exporter's workbooks back with openpyxl (a
reader other than our own XML greps) and checks what an analyst sees. Run by
test_xlsx.

Usage: xlsx_check.py sample|analyst|omit WORKBOOK
  sample   the plugin harness's sample (two reports of 2022)
  analyst  test_xlsx's analyst workbook (six documents, 2022 and 2023)
  omit     the same with interpretations "omit" and panels off
Exits non-zero with a message on the first mismatch."""
import datetime
import sys

import openpyxl

IDENTITY = ("省份", "地区", "行政区划代码", "级别", "计划年份")


def close(a, b):
    return a is not None and abs(a - b) < 1e-12


def header(ws):
    return tuple(c.value for c in ws[1])


def check_print_setup(wb):
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape", (ws.title, ws.page_setup.orientation)
        assert ws.page_setup.paperSize in (9, "9"), (ws.title, ws.page_setup.paperSize)
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert ws.page_setup.fitToWidth in (None, 1, "1"), (ws.title, ws.page_setup.fitToWidth)
        assert ws.page_setup.fitToHeight in (0, "0"), (ws.title, ws.page_setup.fitToHeight)
        if ws.title != "About":
            assert ws.print_title_rows == "$1:$1", (ws.title, ws.print_title_rows)


def check_sample(wb):
    assert wb.sheetnames == ["About", "Targets matrix", "GDP 2022", "documents", "targets", "commitments",
                             "list_items", "sections", "keywords"], wb.sheetnames
    check_print_setup(wb)
    docs = wb["documents"]
    assert docs["A1"].value == "文档编号", docs["A1"].value
    assert docs["A1"].font.b, "header is bold"
    assert docs["A1"].comment is not None and docs["A1"].comment.text.startswith("doc_id"), docs["A1"].comment
    assert docs["E2"].value == "430203" and docs["E2"].data_type == "s", repr(docs["E2"].value)
    assert docs["H2"].value == "区" and docs["H3"].value == "县", (docs["H2"].value, docs["H3"].value)
    assert docs["K2"].value == datetime.datetime(2021, 12, 29), repr(docs["K2"].value)
    assert docs["K2"].number_format == "yyyy-mm-dd", docs["K2"].number_format
    assert docs["K3"].value is None
    assert docs["C3"].value == "=cmd|' /C calc'!A0" and docs["C3"].data_type == "s", docs["C3"].data_type
    assert docs["I2"].value == 2022
    assert docs.freeze_panes == "A2", docs.freeze_panes
    assert docs.auto_filter.ref == "A1:U3", docs.auto_filter.ref

    targets = wb["targets"]
    assert header(targets)[:6] == IDENTITY + ("文档编号",), header(targets)
    assert targets["A2"].value == "湖南省" and targets["B2"].value == "株洲市芦淞区", targets["B2"].value
    assert targets["C2"].value == "430203" and targets["C2"].data_type == "s"
    assert targets["D2"].value == "区" and targets["E2"].value == 2022
    # Excel percentages: 8.5% is 0.085 with a percent format; a filter "> 8%" compares with 0.08
    assert close(targets["K2"].value, 0.085) and targets["K2"].number_format == "0.0##%", targets["K2"].number_format
    assert close(targets["K4"].value, -0.042)
    assert targets["L3"].value is None
    assert targets["J2"].value == "增长" and targets["J3"].value == "关系", (targets["J2"].value, targets["J3"].value)
    assert targets["N2"].value == "以上" and targets["N3"].value == "同步", (targets["N2"].value, targets["N3"].value)
    assert targets.freeze_panes == "C2", targets.freeze_panes
    assert targets.print_title_cols == "$A:$B", targets.print_title_cols
    commitments = wb["commitments"]
    assert header(commitments)[:5] == IDENTITY, header(commitments)
    assert commitments["L2"].value == 110 and commitments["L2"].number_format == "General"
    assert commitments["H2"].value == "计划", commitments["H2"].value  # part plan, labelled

    matrix = wb["Targets matrix"]
    rows = list(matrix.iter_rows(values_only=True))
    assert rows[0] == IDENTITY + ("地区生产总值", "居民收入", "文档类型", "文档编号"), rows[0]
    assert rows[1][:5] == ("湖南省", "株洲市芦淞区", "430203", "区", 2022), rows[1]
    assert rows[2][:5] == ("湖南省", "澧县", "430723", "县", 2022), rows[2]
    assert close(rows[1][5], 0.085) and matrix["F2"].number_format == '"≥"0.0%', matrix["F2"].number_format
    assert close(rows[2][5], -0.042), rows[2]
    assert matrix["F3"].number_format == '"≥"0.0%;"下降"0.0%"以上"', matrix["F3"].number_format
    assert rows[1][6] == "与经济增长同步", rows[1]
    assert rows[1][8] == "00000000000000a1", rows[1]
    assert matrix.freeze_panes == "F2", matrix.freeze_panes
    assert matrix.print_title_cols == "$A:$E", matrix.print_title_cols

    gdp = wb["GDP 2022"]
    assert [r[1] for r in gdp.iter_rows(min_row=2, values_only=True)] == ["株洲市芦淞区", "澧县"]

    about = wb["About"]
    values = [c for row in about.iter_rows(values_only=True) for c in row if c is not None]
    assert "testjob" in values
    assert "region as the report names it (city + district when both)" in values
    glossary = [v for v in values if isinstance(v, str) and v.startswith("growth = 增长")]
    assert glossary, "the glossary lists the codes of kind"
    assert any(isinstance(v, str) and "national = 全国" in v for v in values), "the glossary lists the levels"
    assert wb.properties.creator == "baogao", wb.properties.creator


def matrix_rows(wb):
    return list(wb["Targets matrix"].iter_rows(values_only=True))


def check_analyst(wb, omit):
    panels = [] if omit else ["面板 地区生产总值"]
    assert wb.sheetnames == ["About", "Targets matrix", "GDP 2023"] + panels + ["documents", "targets", "ports"], \
        wb.sheetnames
    check_print_setup(wb)
    matrix = wb["Targets matrix"]
    rows = matrix_rows(wb)
    want = IDENTITY + ("地区生产总值", "居民人均可支配收入", "居民消费价格", "城镇调查失业率", "单位地区生产总值能耗",
                       "文档类型", "文档编号")
    assert rows[0] == want, rows[0]
    # one row per report, sorted by region code; the interpretation after them (or left out)
    ids = [r[11] for r in rows[1:]]
    expect = ["00000000000000d6", "00000000000000d1", "00000000000000d3", "00000000000000d2", "00000000000000d4"]
    assert ids == (expect if omit else expect + ["00000000000000d5"]), ids
    assert rows[1][:5] == (None, "全国", "100000", "全国", 2023), rows[1]
    assert close(rows[1][5], 0.05) and matrix["F2"].number_format == '"≈"0%', matrix["F2"].number_format
    # 芦淞区 2022: growth, a relation in words, two rate levels
    assert close(rows[2][5], 0.085) and matrix["F3"].number_format == '"≥"0.0%'
    assert rows[2][6] == "与经济增长同步", rows[2][6]
    assert close(rows[2][7], 0.03) and matrix["H3"].number_format == '"≈"0%', matrix["H3"].number_format
    assert close(rows[2][8], 0.055) and matrix["I3"].number_format == '"≤"0.0%', matrix["I3"].number_format
    # 澧县 2022: a range shows as written over its lower bound; a decline as the report writes it
    assert close(rows[4][5], 0.07), rows[4]
    assert matrix["F5"].number_format == '"7–7.5%"', matrix["F5"].number_format
    assert matrix["F5"].comment is not None and "下限" in matrix["F5"].comment.text
    assert close(rows[4][9], -0.03), rows[4]
    assert matrix["J5"].number_format == '"≤"0%;"下降"0%"以上"', matrix["J5"].number_format
    # 澧县 2023 sets no GDP figure: said so, never a zero
    assert rows[5][5] == "未设定", rows[5]
    if not omit:
        assert rows[6][10] == "解读" and rows[6][1] == "株洲市", rows[6]
    assert "解读" not in [r[10] for r in rows[1:]] or not omit

    gdp = wb["GDP 2023"]
    data = list(gdp.iter_rows(values_only=True))
    assert data[0][:5] == ("省份", "地区", "行政区划代码", "级别", "地区生产总值增长目标"), data[0]
    assert [(r[1], r[2]) for r in data[1:]] == [("全国", "100000"), ("株洲市芦淞区", "430203")], data
    assert close(data[1][4], 0.05) and close(data[2][4], 0.06), data

    if not omit:
        panel = wb["面板 地区生产总值"]
        data = list(panel.iter_rows(values_only=True))
        assert data[0] == ("省份", "地区", "行政区划代码", "级别", "2022", "2023"), data[0]
        assert [r[2] for r in data[1:]] == ["100000", "430203", "430723"], data
        assert data[1][4] is None and close(data[1][5], 0.05), data[1]
        assert close(data[2][4], 0.085) and close(data[2][5], 0.06), data[2]
        assert close(data[3][4], 0.07) and data[3][5] == "未设定", data[3]
        assert panel.freeze_panes == "E2", panel.freeze_panes

    targets = wb["targets"]
    assert header(targets)[:5] == IDENTITY, header(targets)
    ports = wb["ports"]
    assert header(ports) == IDENTITY + ("文档编号", "序号", "吞吐量（万吨）"), header(ports)
    first = next(ports.iter_rows(min_row=2, values_only=True))
    assert first[:5] == ("湖南省", "株洲市芦淞区", "430203", "区", 2022), first


def main(mode, path):
    wb = openpyxl.load_workbook(path)
    if mode == "sample":
        check_sample(wb)
    elif mode in ("analyst", "omit"):
        check_analyst(wb, mode == "omit")
    else:
        raise SystemExit("usage: xlsx_check.py sample|analyst|omit WORKBOOK")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1], sys.argv[2]))
    except AssertionError as e:
        print("xlsx_check: %s" % e, file=sys.stderr)
        sys.exit(1)
