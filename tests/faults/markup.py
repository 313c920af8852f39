"""Markup from outside: a copy of the fixture inventory whose names, labels and texts carry
links, HTML and bare URLs (issue #16, defect 7), URL payloads (defect 6), and a scanner
that finds any of it left live in what a page shows (AppTest elements, plotly figures)."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from tests.faults.folders import FIXTURE_DIR

EVIL = "evil.example"
# Kept short enough, and with the HTML first, that a label cut to 28 characters still
# starts with an <a href>.
PAYLOAD = (
    f'<a href="https://{EVIL}">A</a> [B](https://{EVIL}/x) https://{EVIL}/y www.{EVIL} z@{EVIL}'
)
URL_PAYLOADS = {
    "topics": f"[Click to re-login](https://{EVIL}/login)",
    "users": ",".join(f"v{i}" for i in range(10_000)),
    "kinds": "x" * 100_000,
    "regions": f"<img src=x onerror=alert(1)>,https://{EVIL}/r",
    "step": f"[x](https://{EVIL}/step)",
}


def _sub(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new), encoding="utf-8")


def payload_copy(root: Path) -> Path:
    """The fixture inventory with PAYLOAD in every kind of free text a page may show."""
    d = root / "payload" / "data"
    shutil.copytree(FIXTURE_DIR, d)
    yaml_payload = PAYLOAD.replace('"', '\\"')
    for old in ("Alpha Portal", "Beta Database", "global", "Fixture."):
        _sub(d / "mappings.yaml", f": {old}", f': "{old} {yaml_payload}"')
    _sub(d / "mappings.yaml", "[Alpha Org]", f'["Alpha Org {yaml_payload}"]')
    for old in ("label: Cybercrime,", "label: Civil society,", "label: Project database,"):
        _sub(d / "taxonomies.yaml", old, old.replace(": ", ': "', 1)[:-1] + f' {yaml_payload}",')
    _sub(d / "taxonomies.yaml", "label: Data sharing,", f'label: "Data sharing {yaml_payload}",')
    csv_payload = '"' + PAYLOAD.replace('"', '""') + '"'
    _sub(d / "projects.csv", "Kenya Cybercrime Training", csv_payload)
    _sub(d / "projects.csv", ",Donor B,", f",{csv_payload},")
    _sub(d / "projects.csv", ",Implementer X,", f",{csv_payload},")
    _sub(d / "cooperation.csv", "Alpha and Beta exchange project records.", csv_payload)
    _sub(d / "groups.csv", ",Africa,", f",{csv_payload},")
    _sub(d / "crosswalk.csv", ",Legal,", f",{csv_payload},")
    return d


# Live markup: a link or image in Markdown, an HTML tag, a bare URL or e-mail address that
# GitHub-flavoured Markdown would link. Escaped text has a backslash before the first two
# and a word joiner (U+2060) inside the others.
_E = re.escape(EVIL)
_LIVE_MARKDOWN = [
    re.compile(r"(?<!\\)\]\(<?https?://" + _E),  # [text](url
    re.compile(r"(?<!\\)<(?:a|img|script|iframe)\b", re.IGNORECASE),
    re.compile(r"https?\\?:\\?//" + _E),  # Streamlit links these even after a backslash
    re.compile(r"www\\?\." + _E, re.IGNORECASE),
    re.compile(r"\\?@" + _E),
]
_LIVE_PLOTLY = re.compile(r"<(?:a|img|script|iframe)\b", re.IGNORECASE)


def live_markdown(text: str) -> list[str]:
    """The live pieces of markup in a Markdown text (empty when it is inert)."""
    return [m.group(0) for p in _LIVE_MARKDOWN for m in p.finditer(text)]


def shown_markdown(at) -> list[tuple[str, str]]:
    """(where, text) for every piece of a page that Streamlit renders as Markdown."""
    out: list[tuple[str, str]] = []
    for kind in ("markdown", "caption", "warning", "error", "info", "success", "title"):
        out += [(kind, e.value) for e in getattr(at, kind)]
    out += [("subheader", e.value) for e in at.subheader]
    out += [("metric", e.label) for e in at.metric]
    out += [("expander", e.label) for e in at.expander]
    out += [("download", e.proto.label) for e in at.get("download_button")]
    out += [("button", e.label) for e in at.button]
    for table in at.table:
        frame = table.value
        out += [("table", str(c)) for c in frame.columns]
        out += [("table", str(v)) for v in frame.astype(str).to_numpy().ravel()]
    for radio in at.radio:
        out += [("radio", str(o)) for o in radio.options]
    for group in at.button_group:
        out += [("segmented", str(o)) for o in group.options]
    return out


def live_in_page(at) -> list[tuple[str, str, list[str]]]:
    """Every place of a page where markup from outside is live: Markdown elements,
    plotly figures (their whole JSON) and HTML blocks."""
    found = []
    for where, text in shown_markdown(at):
        live = live_markdown(text)
        if live and EVIL in text:
            found.append((where, text[:120], live))
    for chart in at.get("plotly_chart"):
        spec = json.loads(chart.proto.spec)
        text = json.dumps(spec)
        live = _LIVE_PLOTLY.findall(text)
        if live:
            found.append(("plotly", text[text.index(live[0]) - 60 :][:160], live))
    for block in at.get("html"):
        if EVIL in block.proto.body and _LIVE_PLOTLY.search(block.proto.body):
            found.append(("html", block.proto.body[:160], ["<tag>"]))
    return found
