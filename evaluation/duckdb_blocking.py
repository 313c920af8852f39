"""The duplicate check's blocking on DuckDB over Parquet: a small local run showing how the
same comparisons leave one machine. DuckDB is not a dependency of cbdash: run this where it
is installed (e.g. the Splink environment of evaluation/splink_compare.py):

    PYTHONPATH=src:. /tmp/splink-venv/bin/python -m evaluation.duckdb_blocking [N]

Python reads the names once (cbdash.dedupe.normalise) and writes each record's blocking keys
to Parquet, (record, key); SQL then finds the candidate pairs with the rules of
cbdash.dedupe.candidates (a key at most RARE_BLOCK records hold proposes a pair alone, a key
of up to MAX_BLOCK needs a second shared key, prefixes count only when rare). The pairs are
checked against candidate_pairs (its acronym-run pairs, a join of acronyms on word-run
initials, are left out of both here). Comparing and scoring the pairs is a map over
partitions of them (features.compare and score.Model.probability, plain Python functions), as
a Spark pandas UDF or DuckDB's Python UDF would run it; clustering needs the accepted pairs
only, few enough for one machine.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from cbdash.data.synth import project_list
from cbdash.dedupe import candidates
from cbdash.dedupe.cluster import records_of

SQL = """
WITH sizes AS (SELECT key, count(*) AS n FROM read_parquet('{keys}') GROUP BY key),
kept AS (
    SELECT k.record, k.key, s.n FROM read_parquet('{keys}') k JOIN sizes s USING (key)
    WHERE s.n BETWEEN 2 AND CASE WHEN k.key LIKE 'p:%' THEN {rare} ELSE {max_block} END
),
pairs AS (
    SELECT a.record AS i, b.record AS j, a.n FROM kept a JOIN kept b
    ON a.key = b.key AND a.record < b.record
)
SELECT i, j FROM pairs GROUP BY i, j HAVING min(n) <= {rare} OR count(*) >= 2 ORDER BY i, j
"""


def main(n: int) -> int:
    records = records_of(project_list(n, seed=3).drop(columns=["duplicate_of"]))
    rows = [(i, key) for i, rec in enumerate(records) for key in candidates.block_keys(rec)]
    with tempfile.TemporaryDirectory() as folder:
        keys = Path(folder) / "keys.parquet"
        duckdb.from_df(pd.DataFrame(rows, columns=["record", "key"])).write_parquet(str(keys))
        start = time.perf_counter()
        query = SQL.format(keys=keys, rare=candidates.RARE_BLOCK, max_block=candidates.MAX_BLOCK)
        found = duckdb.sql(query).fetchnumpy()
        seconds = time.perf_counter() - start
    sql_pairs = set(zip(found["i"].tolist(), found["j"].tolist(), strict=True))
    original = candidates._acronym_runs
    candidates._acronym_runs = lambda records, max_block=0: set()  # key pairs only
    try:
        ours = set(map(tuple, np.asarray(candidates.candidate_pairs(records)).tolist()))
    finally:
        candidates._acronym_runs = original
    print(
        f"{n} SYNTHETIC records, {len(rows)} keys: DuckDB found {len(sql_pairs)} pairs in "
        f"{seconds:.1f} s; cbdash.dedupe.candidates {len(ours)}; the same: {sql_pairs == ours}"
    )
    return 0 if sql_pairs == ours else 1


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 5000))
