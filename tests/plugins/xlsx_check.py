#!/usr/bin/env python3
"""xlsx_check.py — reads the XLSX exporter's workbooks back with openpyxl (a
reader other than our own XML greps) and checks what an analyst sees. Run by
test_xlsx.

Usage: xlsx_check.py sample|analyst|omit|across WORKBOOK [HEADERS.json]
  sample   the plugin harness's sample (two reports of 2022)
  analyst  test_xlsx's analyst workbook (six documents, 2022 and 2023)
  omit     the same with interpretations "omit" and panels off
  across   tests/plugins/across_sample.h's run: rows in outcomes and in the
           tables across reports; HEADERS.json holds each across table's
           column labels, from its schema
The charts are read from the zip (openpyxl drops them): each sheet's
drawing, the chart's XML, the ranges it reads.
Exits non-zero with a message on the first mismatch."""
import datetime
import json
import posixpath
import re
import sys
import zipfile
import xml.etree.ElementTree as ET

import openpyxl

IDENTITY = ("省份", "地区", "行政区划代码", "级别", "计划年份")


def close(a, b):
    return a is not None and abs(a - b) < 1e-12


def header(ws):
    return tuple(c.value for c in ws[1])


def data_header(ws):
    """The header of the table's columns: up to the blank column before a
    chart's own range."""
    names = []
    for c in ws[1]:
        if c.value is None:
            break
        names.append(c.value)
    return tuple(names)


NEW_SHEETS = ["outcomes", "target_outcomes", "escalation", "escalation_summary", "target_changes"]
ACROSS_SHEETS = NEW_SHEETS[1:]

NS = {
    "main": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "xdr": "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing",
    "c": "http://schemas.openxmlformats.org/drawingml/2006/chart",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
}


def rels(z, part):
    """Id -> target part of a part's relationships ({} when it has none)."""
    folder, name = posixpath.split(part)
    path = posixpath.join(folder, "_rels", name + ".rels")
    if path not in z.namelist():
        return {}
    out = {}
    for r in ET.fromstring(z.read(path)).findall("rel:Relationship", NS):
        out[r.get("Id")] = posixpath.normpath(posixpath.join(folder, r.get("Target")))
    return out


def sheet_charts(path):
    """Sheet name -> [(anchor column, chart XML root)] for every chart
    drawn on it."""
    z = zipfile.ZipFile(path)
    book = ET.fromstring(z.read("xl/workbook.xml"))
    book_rels = rels(z, "xl/workbook.xml")
    out = {}
    for s in book.find("main:sheets", NS):
        sheet_part = book_rels[s.get("{%s}id" % NS["r"])]
        charts = []
        for target in rels(z, sheet_part).values():
            if "/drawings/" not in target:
                continue
            drawing = ET.fromstring(z.read(target))
            drawing_rels = rels(z, target)
            for anchor in drawing:
                ref = anchor.find(".//c:chart", NS)
                if ref is None:
                    continue
                column = int(anchor.find("xdr:from/xdr:col", NS).text)
                charts.append((column, ET.fromstring(z.read(drawing_rels[ref.get("{%s}id" % NS["r"])]))))
        out[s.get("name")] = charts
    return out


def chart_title(chart):
    return "".join(t.text or "" for t in chart.find("c:chart/c:title", NS).iter("{%s}t" % NS["a"]))


def chart_kind(chart):
    plot = chart.find("c:chart/c:plotArea", NS)
    if plot.find("c:scatterChart", NS) is not None:
        return "scatter"
    bar = plot.find("c:barChart", NS)
    if bar is not None:
        return "bar-" + bar.find("c:barDir", NS).get("val")
    return "other"


def chart_series(chart):
    """Per series: (its x or category formula, its values formula)."""
    out = []
    for ser in chart.iter("{%s}ser" % NS["c"]):
        x = ser.find("c:xVal//c:f", NS)  # a scatter's; a column chart's categories
        if x is None:
            x = ser.find("c:cat//c:f", NS)
        y = ser.find("c:yVal//c:f", NS)
        if y is None:
            y = ser.find("c:val//c:f", NS)
        out.append((x.text if x is not None else None, y.text))
    return out


def range_values(wb, formula):
    """The values of a one-column range such as target_outcomes!$Z$2:$Z$3
    (or one cell, $Z$2)."""
    m = re.match(r"'?(.+?)'?!\$([A-Z]+)\$(\d+)(?::\$([A-Z]+)\$(\d+))?$", formula)
    assert m and m.group(2) == (m.group(4) or m.group(2)), formula
    ws = wb[m.group(1)]
    last = int(m.group(5) or m.group(3))
    return [ws["%s%d" % (m.group(2), r)].value for r in range(int(m.group(3)), last + 1)]


def check_print_setup(wb):
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape", (ws.title, ws.page_setup.orientation)
        assert ws.page_setup.paperSize in (9, "9"), (ws.title, ws.page_setup.paperSize)
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert ws.page_setup.fitToWidth in (None, 1, "1"), (ws.title, ws.page_setup.fitToWidth)
        assert ws.page_setup.fitToHeight in (0, "0"), (ws.title, ws.page_setup.fitToHeight)
        if ws.title != "About":
            assert ws.print_title_rows == "$1:$1", (ws.title, ws.print_title_rows)


def check_sample(wb, path):
    assert wb.sheetnames == ["About", "Targets matrix", "GDP 2022", "documents", "targets", "outcomes",
                             "commitments", "list_items", "sections", "keywords"] + ACROSS_SHEETS, wb.sheetnames
    # no rows in outcomes nor across reports: their sheets have no chart, and no identity block where across
    charts = sheet_charts(path)
    assert [n for n, c in charts.items() if c] == ["GDP 2022"], charts
    assert data_header(wb["outcomes"])[:6] == IDENTITY + ("文档编号",), data_header(wb["outcomes"])
    for name in ACROSS_SHEETS:
        assert "省份" not in data_header(wb[name])[:1] and data_header(wb[name])[:5] != IDENTITY, name
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


def check_across(wb, path, headers):
    assert wb.sheetnames == ["About", "Targets matrix", "GDP 2022", "documents", "targets", "outcomes",
                             "commitments", "list_items", "sections", "keywords"] + ACROSS_SHEETS, wb.sheetnames
    check_print_setup(wb)
    # outcomes: a table of documents' rows, led by the document's identity
    outcomes = wb["outcomes"]
    assert data_header(outcomes)[:6] == IDENTITY + ("文档编号",), data_header(outcomes)
    assert [c.value for c in outcomes[2]][:5] == ["湖南省", "株洲市芦淞区", "430203", "区", 2022]
    # the tables across reports: their own columns only, no identity block,
    # their own regions, codes as labels, percentages as Excel's
    for name in ACROSS_SHEETS:
        assert list(data_header(wb[name])) == headers[name], (name, data_header(wb[name]), headers[name])
        assert wb[name].freeze_panes == "A2", (name, wb[name].freeze_panes)
    escalation = wb["escalation"]
    cols = {v: i for i, v in enumerate(data_header(escalation))}
    row = [c.value for c in escalation[2]]
    assert row[cols["地区"]] == "株洲市芦淞区" and row[cols["行政级别"]] == "区", row
    assert close(row[cols["目标值"]], 0.085) and close(row[cols["上级目标值"]], 0.08), row
    assert close(row[cols["加码幅度"]], 0.005), row  # points of a rate: 0.5% is half a point
    assert escalation.cell(2, cols["上级目标值"] + 1).number_format == "0.0##%"
    assert [c.value for c in escalation[3]][cols["上级目标值"]] is None
    target_outcomes = wb["target_outcomes"]
    cols = {v: i for i, v in enumerate(data_header(target_outcomes))}
    rows = [[c.value for c in r] for r in target_outcomes.iter_rows(min_row=2, max_row=5)]
    assert [r[cols["是否完成"]] for r in rows] == ["完成", "完成", None, "无法判断"], rows
    assert rows[1][cols["目标值"]] == 500 and rows[1][cols["完成值"]] == 510, rows[1]  # 亿元: not percent

    # a chart on each new sheet, right of the data, reading its own range
    charts = sheet_charts(path)
    want = {
        "outcomes": ("bar-col", "上年地区生产总值增长 GDP growth achieved", ["株洲市芦淞区 2021", "澧县 2021"], [0.087, 0.079]),
        "target_outcomes": ("scatter", "目标与完成", [0.085, 0.03], [0.087, 0.011]),
        "escalation": ("scatter", "层层加码", [0.08, 0.10], [0.085, 0.12]),
        "escalation_summary": ("bar-col", "平均加码幅度 Mean escalation",
                               ["2022 地区生产总值 区", "2022 fixed_asset_investment 区"], [0.005, 0.02]),  # points, shown as %
        "target_changes": ("scatter", "目标调整", [0.09], [0.085]),
    }
    for name, (kind, title, xs, ys) in want.items():
        assert len(charts[name]) == 1, (name, charts[name])
        column, chart = charts[name][0]
        assert chart_kind(chart) == kind, (name, chart_kind(chart))
        assert chart_title(chart) == title, (name, chart_title(chart))
        assert column > len(data_header(wb[name])), (name, column)
        series = chart_series(chart)
        x, y = series[0]
        assert x.startswith(name + "!") and y.startswith(name + "!"), series
        got_x, got_y = range_values(wb, x), range_values(wb, y)
        if kind == "scatter":
            assert len(got_x) == len(xs) and all(close(a, b) for a, b in zip(got_x, xs)), (name, got_x)
            # the dashed line where both are equal: two points on y = x
            assert len(series) == 2 and range_values(wb, series[1][0]) == range_values(wb, series[1][1]), series
        else:
            assert got_x == xs, (name, got_x)
        assert len(got_y) == len(ys) and all(close(a, b) for a, b in zip(got_y, ys)), (name, got_y)
    assert charts["GDP 2022"], "the GDP chart is still there"
    about = [c for row in wb["About"].iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert any(v.startswith("Charts: sheets 'outcomes', 'target_outcomes'") for v in about), "About names the charts"


def main(mode, path, extra=None):
    wb = openpyxl.load_workbook(path)
    if mode == "sample":
        check_sample(wb, path)
    elif mode in ("analyst", "omit"):
        check_analyst(wb, mode == "omit")
    elif mode == "across":
        check_across(wb, path, json.load(open(extra, encoding="utf-8")))
    else:
        raise SystemExit("usage: xlsx_check.py sample|analyst|omit|across WORKBOOK [HEADERS.json]")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1], sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else None))
    except AssertionError as e:
        print("xlsx_check: %s" % e, file=sys.stderr)
        sys.exit(1)
