"""Command line: validate data files, import external tables, find duplicate projects.

    python -m cbdash validate PATH...
    python -m cbdash import FILE --kind mappings|projects [--out PATH] [--force]
    python -m cbdash dedupe PROJECTS_CSV --out OUT_CSV [--candidates K] [--known CSV | --names-only]
    python -m cbdash synth --mappings N --projects M --out DIR   (SYNTHETIC, for benchmarks)

Exit codes: 0 success, 1 data errors found, 2 usage or input problems.

`validate` reports exactly the problems the app shows (the same loading, geometry
included). Every file written goes through `cbdash.data.writes` (temporary file, fsync,
rename): an interrupted run leaves the old file whole. `dedupe --out` writes a
spreadsheet-safe CSV like the app's downloads.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml

from cbdash.analysis.model import folder_report
from cbdash.data.files import default_data_dir, read_table, usable
from cbdash.data.importer import import_file, records_for_yaml
from cbdash.data.inventory import load_inventory, vocabulary_indexes
from cbdash.data.validation import Report
from cbdash.data.writes import write_atomic, write_csv


def cmd_validate(paths: list[str]) -> int:
    """Validate data directories or single data files; print the report."""
    report = Report()
    for raw in paths:
        path = Path(raw)
        if path.is_file():
            folder = path.parent.parent if path.parent.name == "geo" else path.parent
            issues = folder_report(folder).issues
            names = {path.name, path.name.split(".")[0] + ".meta.yaml"}
            report.extend(i for i in issues if i.file in names)
        else:  # a folder, or nothing there (reported as the app reports it)
            report.extend(folder_report(path).issues)
    print(report.text())
    return 0 if report.ok else 1


def cmd_import(file: str, kind: str, out: str | None, force: bool, data_dir: str) -> int:
    """Normalise an external CSV/XLSX into the data format; write it; report what failed."""
    src = Path(file)
    suffix = ".yaml" if kind == "mappings" else ".csv"
    target = Path(out) if out else src.with_name(f"{src.stem}.normalised{suffix}")
    if target.exists() and not force:
        print(f"{target} exists; not overwritten (use --force to replace it).", file=sys.stderr)
        return 2
    report = Report()
    inventory = load_inventory(data_dir)
    table = import_file(src, kind, vocabulary_indexes(inventory), report)
    if table.empty:
        print(report.text())
        print("Nothing imported.", file=sys.stderr)
        return 2
    if kind == "projects":
        table = _mark_existing(table, inventory.projects)
    if kind == "mappings":
        text = yaml.safe_dump(
            {"mappings": records_for_yaml(table)}, allow_unicode=True, sort_keys=False
        )
        write_atomic(target, text.encode("utf-8"))
    else:  # a data file: formula starts were left out on import (see cbdash.data.writes)
        write_csv(table, target, safe=False, lineterminator="\n")
    print(report.text())
    print(f"Wrote {len(table)} {kind} to {target}.")
    return 0


def _mark_existing(table, existing):
    """Add matches_existing/match_score: the existing project each imported row matches."""
    from cbdash.analysis.projects import match_existing

    return match_existing(table, existing)


def cmd_dedupe(
    projects_csv: str | None,
    out: str | None,
    data_dir: str,
    known: str | None = None,
    candidates: int = 0,
    reviewed: str | None = None,
) -> int:
    """Cluster duplicate projects, or write each row's top candidates (the review queue).
    Precision and recall, and training the model: `python -m evaluation.dedupe`."""
    from cbdash import dedupe
    from cbdash.dedupe import score

    if not projects_csv or not out:
        print("dedupe needs PROJECTS_CSV and --out OUT_CSV", file=sys.stderr)
        return 2
    known_path = None if known == "" else Path(known or Path(data_dir) / "projects.csv")
    reviewed_path = Path(reviewed or Path(data_dir) / score.REVIEWED_FILE)
    source = Path(projects_csv)
    listed = read_list(source, required=("project_id", "title"))
    if isinstance(listed, list):
        print("\n".join(listed), file=sys.stderr)
        return 2
    try:
        df, warnings = dedupe.parse_projects(listed, str(source))
        known_df = dedupe.read_projects(known_path)[0] if known_path is not None else None
        decisions = dedupe.load_reviewed(reviewed_path)
        if candidates:
            from cbdash.analysis.projects import review_queue

            result = review_queue(df, candidates, known_df, decisions)
        else:
            result = dedupe.cluster(df, decisions, known_df)
    except dedupe.DedupeInputError as exc:
        for message in exc.messages:
            text = (
                message
                if message.startswith(("ERROR", "WARNING"))
                else f"ERROR: {projects_csv}: {message}"
            )
            print(text, file=sys.stderr)
        return exc.exit_code
    for message in warnings:
        print(message, file=sys.stderr)
    write_csv(result.round({"score": 3}), out, lineterminator="\n")  # spreadsheet-safe, atomic
    if candidates:
        print(f"{len(df)} rows -> {len(result)} candidates (top {candidates} per row); wrote {out}")
        return 0
    sizes = result.groupby("cluster_id").size()
    merged = sizes[sizes > 1]
    print(
        f"{len(result)} rows -> {len(sizes)} clusters; {int(merged.sum())} rows in "
        f"{len(merged)} clusters of two or more"
        + (f"; known projects from {known_path}" if known_path is not None else "")
    )
    for cid in list(merged.index)[:20]:
        print(f"  {cid}: " + ", ".join(result.loc[result["cluster_id"] == cid, "project_id"]))
    print(f"wrote {out}")
    return 0


def read_list(path: Path, required: tuple[str, ...] = ()) -> bytes | list[str]:
    """Another mapping's project list (CSV, TSV or XLSX) read by the one reader, as UTF-8
    CSV bytes; or the messages why not (the reader refused it, or a `required` column is
    missing). The reader's warnings are printed."""
    from cbdash.data.lists import LIST_COLUMNS

    report = Report()
    frame = read_table(path, report, LIST_COLUMNS)
    if frame is None or not usable(report):
        return [str(i) for i in report.issues] or [f"ERROR: {path}: no table"]
    found = ", ".join(frame.columns)
    missing = [
        f"ERROR: {path}: missing required column '{c}' (columns found: {found})"
        for c in required
        if c not in frame.columns
    ]
    if missing:
        return missing
    for issue in report.warnings:
        print(issue, file=sys.stderr)
    return frame.to_csv(index=False).encode("utf-8")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with one sub-command per task."""
    parser = argparse.ArgumentParser(prog="python -m cbdash", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    v = sub.add_parser("validate", help="validate data files or directories")
    v.add_argument("paths", nargs="+")
    i = sub.add_parser("import", help="normalise an external CSV/XLSX into the data format")
    i.add_argument("file")
    i.add_argument("--kind", choices=["mappings", "projects"], required=True)
    i.add_argument("--out")
    i.add_argument("--force", action="store_true", help="overwrite an existing output file")
    i.add_argument("--data", default=str(default_data_dir()), help="data dir with the taxonomies")
    d = sub.add_parser("dedupe", help="group project rows that are the same project")
    d.add_argument("projects_csv", nargs="?")
    d.add_argument("--out")
    d.add_argument("--data", default=str(default_data_dir()))
    d.add_argument(
        "--candidates",
        type=int,
        default=0,
        metavar="K",
        help="write each row's K best candidates with score and evidence (the review queue)",
    )
    d.add_argument(
        "--known", help="projects CSV whose names count as knowledge (default: DATA/projects.csv)"
    )
    d.add_argument(
        "--names-only",
        dest="known",
        action="store_const",
        const="",
        help="use no known projects, only the input's own fields",
    )
    d.add_argument("--reviewed", help="reviewed pairs (default: DATA/dedupe_reviewed.csv)")
    s = sub.add_parser("synth", help="write a SYNTHETIC inventory for benchmarks and tests")
    s.add_argument("--mappings", type=int, default=100)
    s.add_argument("--projects", type=int, default=10_000)
    s.add_argument("--seed", type=int, default=42)
    s.add_argument("--out", required=True)
    return parser


def cmd_synth(mappings: int, projects: int, seed: int, out: str) -> int:
    """Write a synthetic inventory (labelled as such) to `out`."""
    from cbdash.data.synth import synthesise

    target = Path(out)
    if (target / "mappings.yaml").exists() and "synth" not in target.name.lower():
        print(f"{target} already holds data; choose an empty folder.", file=sys.stderr)
        return 2
    synthesise(target, mappings, projects, seed)
    print(f"Wrote a SYNTHETIC inventory ({mappings} mappings, {projects} projects) to {target}.")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit code."""
    args = build_parser().parse_args(argv)
    if args.command == "validate":
        return cmd_validate(args.paths)
    if args.command == "import":
        return cmd_import(args.file, args.kind, args.out, args.force, args.data)
    if args.command == "synth":
        return cmd_synth(args.mappings, args.projects, args.seed, args.out)
    return cmd_dedupe(
        args.projects_csv, args.out, args.data, args.known, args.candidates, args.reviewed
    )
