#!/usr/bin/python3
"""The Python reference's extraction alone, for tests/bench/bench.sh.

usage: pyref_extract.py PYREF CORPUS JOBS

Imports PYREF (../shared/bench/pyref.py) as a module and runs its extract()
(decode, clean, extract; no output written) on every file under CORPUS, the way
its main() does: multiprocessing.Pool(JOBS).map(extract, files, chunksize=16).
Prints the number of files and of rows per table. Run it with /usr/bin/python3
(pyref imports Debian's python3-xlsxwriter)."""
import importlib.util
import os
import sys
from multiprocessing import Pool


def main():
    path, corpus, jobs = sys.argv[1], sys.argv[2], int(sys.argv[3])
    spec = importlib.util.spec_from_file_location('pyref', path)
    pyref = importlib.util.module_from_spec(spec)
    sys.modules['pyref'] = pyref  # so that the workers find pyref.extract by name
    spec.loader.exec_module(pyref)
    files = sorted(os.path.join(d, f) for d, _, fs in os.walk(corpus) for f in fs)
    with Pool(jobs) as pool:
        results = pool.map(pyref.extract, files, chunksize=16)
    rows = {}
    for r in results:
        for table, items in r.items():
            rows[table] = rows.get(table, 0) + len(items)
    print('%d files, ' % len(files) + ', '.join('%s %d' % kv for kv in rows.items()))


if __name__ == '__main__':
    main()
