#!/usr/bin/env python3
"""Checks that the common readers read every table of a careshape output folder.

Usage: python3 .ci/interop.py OUTPUT_FOLDER

For each *.parquet: pandas, pyarrow (pyarrow.compute.filter on a string column and
Table.sort_by on it), polars and DuckDB (a filter and an ORDER BY on that column). For each
*.csv: pandas, pyarrow.csv, polars and DuckDB. Exits 1 with one line per failure, naming the
file and the reader; 0 when every reader reads every table.
"""

import pathlib
import sys
import traceback

import duckdb
import pandas
import polars
import pyarrow
import pyarrow.compute as pc
import pyarrow.csv
import pyarrow.parquet


def string_column(table):
    """The first string column of a pyarrow table (the scenario or policy name)."""
    for field in table.schema:
        if str(field.type) in ("string", "large_string", "string_view"):
            return field.name
    raise AssertionError(f"no string column among {[(f.name, str(f.type)) for f in table.schema]}")


def check_pyarrow(table, path):
    col = string_column(table)
    first = table.column(col)[0].as_py()
    kept = table.filter(pc.equal(table.column(col), first))
    assert kept.num_rows >= 1, f"filter on {col} kept no rows"
    ordered = table.sort_by([(col, "ascending")])
    assert ordered.num_rows == table.num_rows, "sort_by changed the row count"
    return table.num_rows


def check_duckdb(path, reader):
    con = duckdb.connect()
    rel = con.sql(f"SELECT * FROM {reader}('{path}')")
    names, types = rel.columns, rel.types
    col = next((n for n, t in zip(names, types) if str(t) == "VARCHAR"), None)
    assert col is not None, f"no VARCHAR column: {list(zip(names, map(str, types)))}"
    n = con.execute(f"SELECT count(*) FROM {reader}('{path}')").fetchone()[0]
    first = con.execute(f'SELECT "{col}" FROM {reader}(\'{path}\') LIMIT 1').fetchone()[0]
    kept = con.execute(f'SELECT count(*) FROM {reader}(\'{path}\') WHERE "{col}" = ?', [first]).fetchone()[0]
    assert kept >= 1, f"filter on {col} kept no rows"
    con.execute(f'SELECT * FROM {reader}(\'{path}\') ORDER BY "{col}"').fetchall()
    return n


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    folder = pathlib.Path(sys.argv[1])
    parquet = sorted(folder.glob("*.parquet"))
    csv = sorted(folder.glob("*.csv"))
    if not parquet:
        sys.exit(f"interop: no *.parquet in {folder}")
    checks = []
    for p in parquet:
        checks += [
            (p, "pandas", lambda p=p: len(pandas.read_parquet(p))),
            (p, "pyarrow filter+sort_by", lambda p=p: check_pyarrow(pyarrow.parquet.read_table(p), p)),
            (p, "polars", lambda p=p: polars.read_parquet(p).height),
            (p, "duckdb", lambda p=p: check_duckdb(p, "read_parquet")),
        ]
    for p in csv:
        checks += [
            (p, "pandas", lambda p=p: len(pandas.read_csv(p))),
            (p, "pyarrow filter+sort_by", lambda p=p: check_pyarrow(pyarrow.csv.read_csv(p), p)),
            (p, "polars", lambda p=p: polars.read_csv(p, infer_schema_length=None).height),
            (p, "duckdb", lambda p=p: check_duckdb(p, "read_csv_auto")),
        ]
    failures = []
    rows = {}
    for path, reader, check in checks:
        try:
            n = check()
            rows.setdefault(path.name, set()).add(n)
        except Exception as e:  # noqa: BLE001 - every reader failure is reported
            failures.append(f"{path}: {reader} failed: {type(e).__name__}: {e}")
            traceback.print_exc(file=sys.stderr)
    for name, counts in rows.items():
        if len(counts) != 1:
            failures.append(f"{name}: readers disagree on the row count: {sorted(counts)}")
    if failures:
        print("interop: FAILED", file=sys.stderr)
        for f in failures:
            print("  " + f, file=sys.stderr)
        sys.exit(1)
    print(
        f"interop: {len(parquet)} Parquet and {len(csv)} CSV table(s) in {folder} read by pandas, "
        f"pyarrow (filter, sort_by), polars and duckdb "
        f"({pandas.__version__}, {pyarrow.__version__}, {polars.__version__}, {duckdb.__version__})"
    )


if __name__ == "__main__":
    main()
