"""A zygote for kill -9 tests: a fresh interpreter that imports the CLI once, then forks
one child per try (so a try costs milliseconds, not an interpreter start). Each child runs
`python -m cbdash` with the arguments given on the command line; its writes announce
themselves ("writing") and go out in small slow chunks, so that the parent can kill it in
the middle of writing a file.

Protocol on stdin, one line per try: "go". Answers on stdout: "pid N", then "writing"
from the child when it starts writing, then "exit S" (its wait status).
"""

from __future__ import annotations

import os
import sys
import time

from cbdash import cli

CHUNK = 4096


class SlowFile:
    """A file object that writes in small chunks with a pause after each."""

    def __init__(self, raw) -> None:
        self._raw = raw

    def write(self, data: bytes) -> int:
        print("writing", flush=True)
        for start in range(0, len(data), CHUNK):
            self._raw.write(data[start : start + CHUNK])
            self._raw.flush()
            time.sleep(0.002)
        return len(data)

    def __getattr__(self, name: str):
        return getattr(self._raw, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self._raw.close()


def _child(argv: list[str]) -> None:
    fdopen = os.fdopen
    os.fdopen = lambda *a, **k: SlowFile(fdopen(*a, **k))  # type: ignore[assignment]
    code = cli.main(argv)
    sys.stdout.flush()
    os._exit(code)


def main() -> None:
    argv = sys.argv[1:]
    for line in sys.stdin:
        if line.strip() != "go":
            continue
        pid = os.fork()
        if pid == 0:
            _child(argv)
        print(f"pid {pid}", flush=True)
        _, status = os.waitpid(pid, 0)
        print(f"exit {status}", flush=True)


if __name__ == "__main__":
    main()
