#!/bin/sh
# The sample job (config/reports.json, its csv exporter) run into a temporary
# folder with the excel and the rfc4180 profile; datapackage_check.py reads
# each CSV folder against its datapackage.json, and the README's pandas lines
# against the excel one.
# Usage: csv_sample_job.sh BUILD_DIR SOURCE_DIR
set -eu
build=$1
src=$2
python=/usr/bin/python3
[ -x "$python" ] || python=python3
work=$(mktemp -d "${TMPDIR:-/tmp}/baogao-csv-sample-XXXXXX")
trap 'rm -rf "$work"' EXIT

# The sample job as it is, its sources made absolute, only its csv exporter
# (twice: excel and rfc4180), lock and state in the temporary folder.
"$python" - "$src/config/reports.json" "$work" <<'PY'
import json, os, sys
config_path, work = sys.argv[1], sys.argv[2]
job = json.load(open(config_path, encoding="utf-8"))
here = os.path.dirname(os.path.abspath(config_path))
for source in job["sources"]:
    source["path"] = os.path.normpath(os.path.join(here, source["path"]))
csv = [e for e in job["exporters"] if e["plugin"] == "csv"]
assert len(csv) == 1, "the sample job has one csv exporter"
excel = dict(csv[0], output="out/reports-csv", options=dict(csv[0].get("options", {}), profile="excel"))
plain = dict(csv[0], output="out/plain-csv", options={"profile": "rfc4180"})
job.update(exporters=[excel, plain], lock="out/.lock", state="out/.state.json")
json.dump(job, open(os.path.join(work, "job.json"), "w", encoding="utf-8"), ensure_ascii=False, indent=1)
PY
"$build/baogao" run -q --no-progress -c "$work/job.json"
# The built-in tables across reports (BG_TABLE_ACROSS in core/table.c): they
# name their regions themselves and never get the identity columns.
across=target_outcomes,escalation,escalation_summary,target_changes
"$python" "$src/tests/plugins/datapackage_check.py" "$work/out/reports-csv" --identity yes --across "$across" \
  --readme "$src/README.md"
"$python" "$src/tests/plugins/datapackage_check.py" "$work/out/plain-csv" --identity no --across "$across"
