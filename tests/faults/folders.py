"""Broken data folders, made from a copy of the fixture inventory: each case is a function
that breaks the copy in one way (issue #16: unparsable YAML, entries of the wrong type,
missing files, an empty folder, truncated GeoJSON, and more of each kind)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

FIXTURE_DIR = Path(__file__).resolve().parents[1] / "fixtures" / "inventory"


def _write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    _write(path, text.replace(old, new))


def unclosed_taxonomies(d: Path) -> None:
    _write(d / "taxonomies.yaml", "topics: [unclosed\n")


def taxonomy_entries_of_wrong_type(d: Path) -> None:
    _write(d / "taxonomies.yaml", "topics: cybercrime\ntarget_users: [1, 2, [3]]\nlink_kinds: {}\n")


def mappings_as_strings(d: Path) -> None:
    _write(d / "mappings.yaml", "mappings:\n  - just a string\n  - another\n")


def mappings_top_level_list(d: Path) -> None:
    _write(d / "mappings.yaml", "- id: alpha\n  name: Alpha\n")


def mapping_fields_of_wrong_type(d: Path) -> None:
    _edit(d / "mappings.yaml", "    name: Alpha Portal", "    name: [Alpha, Portal]")
    _edit(d / "mappings.yaml", "    launched: 2019", "    launched: {year: 2019}")
    _edit(d / "mappings.yaml", "    topics: [cybercrime, policy_strategy]", "    topics: 7")
    _edit(d / "mappings.yaml", "    scope_groups: [au]", "    scope_groups: [[au], {x: 1}]")


def unclosed_mappings(d: Path) -> None:
    _edit(d / "mappings.yaml", "    name: Beta Database", "    name: [Beta Database")


def projects_missing(d: Path) -> None:
    (d / "projects.csv").unlink()


def listings_missing(d: Path) -> None:
    (d / "listings.csv").unlink()


def groups_missing(d: Path) -> None:
    (d / "groups.csv").unlink()
    (d / "country_groups.csv").unlink()


def projects_garbage(d: Path) -> None:
    (d / "projects.csv").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))


def projects_wrong_types(d: Path) -> None:
    path = d / "projects.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace("2018", "two thousand")
    _write(path, "\n".join(lines) + "\nonly_an_id\n")


def projects_duplicated_column(d: Path) -> None:
    _edit(d / "projects.csv", "project_id,title,", "project_id,title,title,")


def controls_in_names(d: Path) -> None:
    _edit(d / "mappings.yaml", "    name: Alpha Portal", '    name: "Alpha \\u202eltroP"')
    _edit(d / "projects.csv", "Nigeria Cyber Law", "Nigeria\x00Cyber Law")


def empty_folder(d: Path) -> None:
    shutil.rmtree(d)
    d.mkdir()


def no_folder(d: Path) -> None:
    shutil.rmtree(d)


def truncated_geojson(d: Path) -> None:
    path = d / "geo" / "countries.geojson"
    text = path.read_text(encoding="utf-8")
    _write(path, text[: len(text) // 2])


def geo_missing(d: Path) -> None:
    shutil.rmtree(d / "geo")


def empty_files(d: Path) -> None:
    for path in d.iterdir():
        if path.is_file() and not path.name.endswith(".meta.yaml"):
            _write(path, "")


CASES: dict[str, Callable[[Path], None]] = {
    f.__name__: f
    for f in (
        unclosed_taxonomies,
        taxonomy_entries_of_wrong_type,
        mappings_as_strings,
        mappings_top_level_list,
        mapping_fields_of_wrong_type,
        unclosed_mappings,
        projects_missing,
        listings_missing,
        groups_missing,
        projects_garbage,
        projects_wrong_types,
        projects_duplicated_column,
        controls_in_names,
        empty_folder,
        no_folder,
        truncated_geojson,
        geo_missing,
        empty_files,
    )
}


def broken_copy(case: str, root: Path) -> Path:
    """A copy of the fixture inventory under `root`, broken as `case` says."""
    target = root / case / "data"
    shutil.copytree(FIXTURE_DIR, target)
    CASES[case](target)
    return target
