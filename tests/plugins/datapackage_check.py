#!/usr/bin/env python3
"""datapackage_check.py — reads a csv exporter's folder the way a Frictionless
reader would, with Python's standard library only: datapackage.json, then
every CSV file against its resource (dialect, BOM, header = field names in
order, each cell of its type, enum constraints, unique primary keys), and
optionally the README's pandas lines, run against a stand-in for pandas that
takes the same arguments. Run by test_csv (harness output) and the CMake test
csv_sample_job (the sample job's folder).

Usage: datapackage_check.py FOLDER [--expect RESOURCE.FIELD=VALUE]...
           [--identity yes|no] [--across NAME[,NAME...]] [--readme README.md]
  --expect   some row of RESOURCE has exactly VALUE in FIELD (as written:
             0042… stays 0042…), and the README's loader, when checked,
             reads it back as that same text.
  --identity yes: every resource but documents and the tables across
             reports begins with the identity fields; no: none has them.
  --across   these resources are tables across reports: they name their
             regions in fields of their own (region_code first, say) and
             never get the identity fields, whatever --identity says.
Exits 0, or 1 with one line per problem."""
import datetime
import io
import json
import os
import re
import sys
import types

IDENTITY = ["province", "region", "region_code", "region_level", "plan_year"]
CODE_FIELDS = {"doc_id", "region_code", "content_hash", "region_code_now", "doc_region_code"}
TYPES = {"string", "integer", "number", "date"}
INTEGER = re.compile(r"[+-]?[0-9]+\Z")
NUMBER = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?\Z")
DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
BOM = "\ufeff"

problems = []


def problem(message):
    problems.append(message)


def parse_csv(text, delimiter, quote):
    """Strict RFC 4180: returns [(fields, terminator)], terminator "" for a
    last record without one. Raises ValueError on a stray quote."""
    records, fields, field = [], [], []
    i, n = 0, len(text)
    quoted = False
    while i < n:
        c = text[i]
        if quoted:
            if c == quote:
                if i + 1 < n and text[i + 1] == quote:
                    field.append(quote)
                    i += 2
                    continue
                quoted = False
                i += 1
                if i < n and text[i] not in (delimiter, "\r", "\n"):
                    raise ValueError("character %r after a closing quote at %d" % (text[i], i))
                continue
            field.append(c)
            i += 1
            continue
        if c == quote:
            if field:
                raise ValueError("quote inside an unquoted field at %d" % i)
            quoted = True
            i += 1
        elif c == delimiter:
            fields.append("".join(field))
            field = []
            i += 1
        elif c in "\r\n":
            terminator = "\r\n" if text.startswith("\r\n", i) else c
            fields.append("".join(field))
            records.append((fields, terminator))
            fields, field = [], []
            i += len(terminator)
        else:
            field.append(c)
            i += 1
    if quoted:
        raise ValueError("quote never closed")
    if field or fields:
        fields.append("".join(field))
        records.append((fields, ""))
    return records


def cell_ok(value, field):
    kind = field["type"]
    if kind == "string":
        return True
    if kind == "integer":
        return bool(INTEGER.match(value))
    if kind == "number":
        return bool(NUMBER.match(value))
    if kind == "date":
        if not DATE.match(value):
            return False
        try:
            datetime.date.fromisoformat(value)
        except ValueError:
            return False
        return True
    return False


def check_field(where, field):
    if not isinstance(field.get("name"), str) or field.get("type") not in TYPES:
        problem("%s: field %r needs a name and a type in %s" % (where, field, sorted(TYPES)))
        return
    name = field["name"]
    if name in CODE_FIELDS and field["type"] != "string":
        problem("%s: %s is a code and must be a string, not %s" % (where, name, field["type"]))
    if "title" in field and not (isinstance(field["title"], str) and field["title"]):
        problem("%s: %s has an empty title" % (where, name))
    enum = field.get("constraints", {}).get("enum")
    categories = field.get("categories")
    if (enum is None) != (categories is None):
        problem("%s: %s has enum and categories only together" % (where, name))
    elif enum is not None:
        if [c.get("value") for c in categories] != enum:
            problem("%s: %s categories %r differ from enum %r" % (where, name, categories, enum))
        if not all(c.get("label") for c in categories):
            problem("%s: %s has a category without a label" % (where, name))


def check_resource(folder, resource, expects, identity, across):
    name = resource.get("name", "?")
    where = "datapackage.json: resource " + name
    for key, want in (("profile", "tabular-data-resource"), ("format", "csv"), ("mediatype", "text/csv"),
                      ("encoding", "utf-8"), ("path", name + ".csv")):
        if resource.get(key) != want:
            problem("%s: %s is %r, expected %r" % (where, key, resource.get(key), want))
    dialect = resource.get("dialect", {})
    terminator = dialect.get("lineTerminator")
    if dialect.get("delimiter") != "," or terminator not in ("\r\n", "\n") or dialect.get("header") is not True:
        problem("%s: dialect %r" % (where, dialect))
        return None
    if not isinstance(resource.get("bom"), bool):
        problem("%s: bom must say true or false" % where)
    schema = resource.get("schema", {})
    fields = schema.get("fields", [])
    for field in fields:
        check_field(where, field)
    names = [f.get("name") for f in fields]
    if len(set(names)) != len(names):
        problem("%s: field names repeat: %r" % (where, names))
    if name in across:
        added = [n for n in names if n in ["doc_" + i for i in IDENTITY]]
        if added:
            problem("%s: a table across reports with identity fields %r" % (where, added))
    elif identity is not None and name != "documents":
        order = IDENTITY + ["doc_" + i for i in IDENTITY]
        lead = []
        for n in names:
            if n not in order:
                break
            lead.append(n)
        if identity:
            positions = [order.index(n) % len(IDENTITY) for n in lead]
            if not lead or positions != sorted(set(positions)):
                problem("%s: the fields do not begin with the identity fields: %r" % (where, names[:6]))
            absent = [i for i in IDENTITY if i not in names and "doc_" + i not in names]
            if absent:
                problem("%s: identity fields missing: %r" % (where, absent))
        elif lead:
            problem("%s: identity fields %r with identity_columns off" % (where, lead))

    path = os.path.join(folder, resource.get("path", ""))
    try:
        raw = open(path, "rb").read()
        text = raw.decode("utf-8")
    except (OSError, UnicodeDecodeError) as e:
        problem("%s: %s" % (path, e))
        return None
    if text.startswith(BOM) != bool(resource.get("bom")):
        problem("%s: BOM %s, datapackage.json says bom %s" % (path, text.startswith(BOM), resource.get("bom")))
    if text.startswith(BOM):
        text = text[1:]
    try:
        records = parse_csv(text, ",", dialect.get("quoteChar", '"'))
    except ValueError as e:
        problem("%s: not RFC 4180: %s" % (path, e))
        return None
    if not records:
        problem("%s: no header" % path)
        return None
    for number, (cells, end) in enumerate(records):
        if end != terminator:
            problem("%s: record %d ends with %r, the dialect says %r" % (path, number, end, terminator))
            break
    header = records[0][0]
    if header != names:
        problem("%s: header %r is not the fields in order %r" % (path, header, names))
        return None
    missing = set(schema.get("missingValues", [""]))
    key = schema.get("primaryKey", [])
    if isinstance(key, str):
        key = [key]
    if any(k not in names for k in key):
        problem("%s: primaryKey %r names unknown fields" % (where, key))
        key = []
    seen = set()
    rows = []
    for number, (cells, _) in enumerate(records[1:], start=2):
        if len(cells) != len(fields):
            problem("%s: record %d has %d cells for %d fields" % (path, number, len(cells), len(fields)))
            continue
        row = dict(zip(names, cells))
        rows.append(row)
        for field, value in zip(fields, cells):
            if value in missing:
                continue
            if not cell_ok(value, field):
                problem("%s: record %d: %s %r is not a %s" % (path, number, field["name"], value, field["type"]))
            enum = field.get("constraints", {}).get("enum")
            if enum is not None and value not in enum:
                problem("%s: record %d: %s %r is not one of %r" % (path, number, field["name"], value, enum))
        if key:
            values = tuple(row[k] for k in key)
            if any(v in missing for v in values):
                problem("%s: record %d: primary key %r has an empty part" % (path, number, values))
            elif values in seen:
                problem("%s: record %d: primary key %r repeats" % (path, number, values))
            seen.add(values)
    for table, field, value in expects:
        if table == name:
            if field not in names:
                problem("%s: no field %s" % (path, field))
            elif not any(r[field] == value for r in rows):
                problem("%s: no row has %s = %r as written" % (path, field, value))
    return rows


# The README's pandas lines, against a stand-in ------------------------------

class StandIn:
    """What pd.read_csv returns here: columns of values typed as pandas would
    type them with the arguments given (str, int, float, datetime.date, None)."""

    def __init__(self, columns):
        self.columns = columns


def stand_in_read_csv(path, encoding=None, dtype=None, parse_dates=None, keep_default_na=True, na_values=None,
                      **unknown):
    if unknown:
        raise TypeError("the stand-in for pandas does not know %s: teach it, or keep the README simple"
                        % sorted(unknown))
    if encoding != "utf-8-sig":
        raise ValueError("encoding %r: the excel profile writes a BOM, read with utf-8-sig" % encoding)
    if keep_default_na:
        raise ValueError("keep_default_na=True turns a region or text 'NA' or 'null' into a missing value")
    dtype = dtype or {}
    dates = set(parse_dates or [])
    na = set(na_values or [])
    with open(path, encoding=encoding, newline="") as f:
        records = parse_csv(f.read(), ",", '"')
    header = records[0][0]
    convert = {"string": str, "Int64": int, "float64": float}
    columns = {}
    for c, name in enumerate(header):
        if name in dates:
            to = datetime.date.fromisoformat
        elif dtype.get(name) in convert:
            to = convert[dtype[name]]
        else:
            raise ValueError("%s: column %s left to pandas' inference (dtype %r): 0042… would become 42"
                             % (path, name, dtype.get(name)))
        columns[name] = [None if cells[c] in na else to(cells[c]) for cells, _ in records[1:]]
    return StandIn(columns)


def readme_block(readme, language, must_hold):
    """The first fenced block of language in the README's csv section that
    contains must_hold."""
    text = open(readme, encoding="utf-8").read()
    start = text.find("\n**csv** (")
    if start < 0:
        return None
    end = text.find("\n**", start + 1)
    section = text[start:end if end > 0 else len(text)]
    for block in re.findall(r"```" + language + r"\n(.*?)```", section, re.S):
        if must_hold in block:
            return block
    return None


def check_readme(readme, folder, package, tables, expects):
    code = readme_block(readme, "python", "read_csv")
    if code is None:
        problem("%s: no python block with read_csv in the csv section" % readme)
        return
    if not re.search(r'^folder = "out/reports-csv"$', code, re.M):
        problem("%s: the pandas block should start from folder = \"out/reports-csv\"" % readme)
        return
    code = re.sub(r'^folder = .*$', "folder = %r" % folder, code, flags=re.M)
    pandas = types.ModuleType("pandas")
    pandas.read_csv = stand_in_read_csv
    saved = sys.modules.get("pandas")
    sys.modules["pandas"] = pandas
    scope = {}
    try:
        exec(compile(code, readme + " (pandas block)", "exec"), scope)
        load = scope.get("load")
        if not callable(load):
            problem("%s: the pandas block defines no load(name)" % readme)
            return
        for resource in package["resources"]:
            frame = load(resource["name"])
            names = [f["name"] for f in resource["schema"]["fields"]]
            if list(frame.columns) != names:
                problem("README load(%s): columns %r" % (resource["name"], list(frame.columns)))
                continue
            for f in resource["schema"]["fields"]:
                want = {"string": str, "integer": int, "number": float, "date": datetime.date}[f["type"]]
                bad = [v for v in frame.columns[f["name"]] if v is not None and type(v) is not want]
                if bad:
                    problem("README load(%s): %s read as %s" % (resource["name"], f["name"], type(bad[0]).__name__))
            raw = tables.get(resource["name"], [])
            for table, field, value in expects:
                if table == resource["name"] and value not in frame.columns.get(field, []):
                    problem("README load(%s): %s %r did not come back as written" % (table, field, value))
            for f in resource["schema"]["fields"]:
                if f["type"] == "string" and [r[f["name"]] or None for r in raw] != frame.columns[f["name"]]:
                    problem("README load(%s): %s does not read back as written" % (resource["name"], f["name"]))
    except Exception as e:  # a README line that fails is the finding
        problem("%s: the pandas block fails: %s: %s" % (readme, type(e).__name__, e))
    finally:
        if saved is None:
            del sys.modules["pandas"]
        else:
            sys.modules["pandas"] = saved

    r_code = readme_block(readme, "r", "col_types")
    if r_code is None:
        problem("%s: no r block with col_types in the csv section" % readme)
        return
    mapping = re.search(r"types <- c\(([^)]*)\)", r_code)
    known = set(re.findall(r"(\w+) = \"", mapping.group(1))) if mapping else set()
    used = {f["type"] for r in package["resources"] for f in r["schema"]["fields"]}
    if used - known:
        problem("%s: the R col_types map lacks %s" % (readme, sorted(used - known)))


def main(argv):
    args = argv[1:]
    if not args:
        print(__doc__, file=sys.stderr)
        return 2
    folder = args.pop(0)
    expects, identity, readme, across = [], None, None, set()
    while args:
        option = args.pop(0)
        value = args.pop(0) if args else ""
        if option == "--expect":
            target, _, cell = value.partition("=")
            table, _, field = target.partition(".")
            expects.append((table, field, cell))
        elif option == "--identity":
            identity = value == "yes"
        elif option == "--readme":
            readme = value
        elif option == "--across":
            across.update(n for n in value.split(",") if n)
        else:
            print("unknown option %s" % option, file=sys.stderr)
            return 2
    try:
        package = json.load(open(os.path.join(folder, "datapackage.json"), encoding="utf-8"))
    except (OSError, ValueError) as e:
        print("datapackage.json: %s" % e)
        return 1
    if package.get("profile") != "tabular-data-package" or not re.match(r"[a-z0-9._-]+\Z", package.get("name", "")):
        problem("datapackage.json: profile %r, name %r" % (package.get("profile"), package.get("name")))
    resources = package.get("resources", [])
    described = {r.get("path") for r in resources}
    on_disk = {f for f in os.listdir(folder) if f.endswith(".csv")}
    if described != on_disk:
        problem("datapackage.json describes %s, the folder holds %s" % (sorted(described), sorted(on_disk)))
    tables = {}
    for resource in resources:
        rows = check_resource(folder, resource, expects, identity, across)
        if rows is not None:
            tables[resource["name"]] = rows
    if readme and not problems:
        check_readme(readme, folder, package, tables, expects)
    for p in problems:
        print(p)
    if not problems:
        print("%s: %d resources, %d rows, all as datapackage.json says" %
              (folder, len(resources), sum(len(r) for r in tables.values())))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
