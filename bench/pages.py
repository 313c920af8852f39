"""What the benchmark measures and where it writes: the app's pages, read from app.py, the two
floor scripts the pages are compared with, and the artifacts folder.

The benchmark runs from a source checkout: it starts app.py and the pages next to it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
APP = REPO / "app.py"
SERVER_FLOOR = REPO / "bench" / "floor_server.py"
BROWSER_FLOOR = REPO / "bench" / "floor_browser.py"
ARTIFACTS = REPO / "artifacts"
PROFILES = ARTIFACTS / "bench-profiles"  # cProfile listings, <dataset>/<page>.txt


@dataclass(frozen=True)
class Page:
    """A page of app.py: file stem, path and URL path ("" for the default page)."""

    name: str
    path: Path
    url_path: str


def app_pages(app: Path = APP) -> list[Page]:
    """The pages app.py registers with `st.Page("pages/<name>.py", ...)`, in its order."""
    pages = []
    for match in re.finditer(r'st\.Page\(\s*"pages/(\w+)\.py"([^)]*)\)', app.read_text()):
        name, rest = match.group(1), match.group(2)
        url = "" if "default=True" in rest else name
        pages.append(Page(name, app.parent / "pages" / f"{name}.py", url))
    return pages
