"""The browser the benchmark and the browser tests run: Debian's Chromium, headless, no GPU.

`CBDASH_CHROMIUM` overrides the path. This module imports nothing heavy, so that
tests/e2e/conftest.py can share the path and the flags.
"""

import os
from pathlib import Path

CHROMIUM = Path(os.environ.get("CBDASH_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
