"""The datasets the benchmark runs on: the shipped `data/`, and a SYNTHETIC inventory made by
`cbdash.data.synth`, cached in `artifacts/bench-data/` under a name made of its parameters
and a digest of the generator and the reference files it copies.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import time
from pathlib import Path

from bench.pages import ARTIFACTS, REPO

DATA_ENV = "CBDASH_DATA_DIR"  # the app reads its data folder from this variable
SHIPPED = REPO / "data"
BENCH_DATA = ARTIFACTS / "bench-data"
SYNTH_INPUTS = (
    "src/cbdash/data/synth.py",
    "data/taxonomies.yaml",
    "data/groups.csv",
    "data/country_groups.csv",
    "data/region_aliases.csv",
    "data/crosswalk.csv",
    "data/geo/countries.geojson",
    "data/geo/points.csv",
)


def synth_digest(repo: Path = REPO) -> str:
    """Digest of the generator and the reference files it copies (the cache key's tail)."""
    h = hashlib.sha256()
    for rel in SYNTH_INPUTS:
        path = repo / rel
        h.update(rel.encode())
        h.update(path.read_bytes() if path.exists() else b"-")
    return h.hexdigest()[:10]


def synthetic_data(
    mappings: int, projects: int, seed: int = 42, root: Path = BENCH_DATA
) -> tuple[Path, float]:
    """The cached SYNTHETIC inventory for these parameters (made if missing) and the seconds
    spent making it (0.0 when it came from the cache)."""
    from cbdash.data.synth import synthesise

    stem = f"synth-m{mappings}-p{projects}-s{seed}"
    target = root / f"{stem}-{synth_digest()}"
    if (target / "projects.csv").exists():
        return target, 0.0
    root.mkdir(parents=True, exist_ok=True)
    for stale in root.glob(f"{stem}-*"):
        shutil.rmtree(stale, ignore_errors=True)
    start = time.perf_counter()
    tmp = Path(tempfile.mkdtemp(prefix=f".{stem}-", dir=root))
    try:
        synthesise(tmp, mappings, projects, seed)
        os.replace(tmp, target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return target, time.perf_counter() - start


def topic_ids(data_dir: Path, n: int) -> list[str]:
    """The first `n` topic ids of a data directory's taxonomy (values to switch the filter to)."""
    import yaml

    text = (data_dir / "taxonomies.yaml").read_text(encoding="utf-8")
    return [t["id"] for t in (yaml.safe_load(text) or {}).get("topics", [])][:n]
