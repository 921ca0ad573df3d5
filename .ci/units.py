"""Reads a sweep folder's unit dataset (units/point=<i>/part-0.parquet, Hive-partitioned) with
polars, pyarrow, pandas and DuckDB, as docs/SCALING.md shows, and checks that each reads every
row once, with `point` as an integer column matching the folder's sweep_points table.
Usage: python3 .ci/units.py SWEEP_FOLDER"""
import sys
from pathlib import Path

import duckdb
import pandas as pd
import polars as pl
import pyarrow.dataset as ds

folder = Path(sys.argv[1])
units = folder / "units"
files = sorted(units.glob("point=*/part-0.parquet"))
assert files, f"no units in {units}"
expected_rows = sum(pl.read_parquet(f).height for f in files)
points = pl.read_parquet(folder / "sweep_points.parquet")["point"].unique().sort().to_list()

by_polars = pl.scan_parquet(str(units / "**/*.parquet"), hive_partitioning=True).collect()
by_arrow = ds.dataset(str(units), format="parquet", partitioning="hive").to_table()
by_pandas = pd.read_parquet(units)
by_duckdb = duckdb.sql(
    f"select * from read_parquet('{units}/*/*.parquet', hive_partitioning = true)"
).pl()
for name, rows, point in [
    ("polars", by_polars.height, by_polars["point"]),
    ("pyarrow", by_arrow.num_rows, pl.from_arrow(by_arrow.column("point"))),
    ("pandas", len(by_pandas), pl.Series(by_pandas["point"].astype("int64"))),
    ("duckdb", by_duckdb.height, by_duckdb["point"]),
]:
    assert rows == expected_rows, f"{name}: {rows} rows, expected {expected_rows}"
    assert point.dtype.is_integer(), f"{name}: point read as {point.dtype}"
    assert point.unique().sort().to_list() == points, f"{name}: other points than sweep_points"
    print(f"{name}: {rows} rows, {len(points)} points")
