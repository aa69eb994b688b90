"""Throughput of the structure helpers on whole-page text: lines/s for each function.

Runs find_date, is_date_line, parse_byline and find_dateline over every non-empty line of
the text renderings in ``../shared/corpora/extraction-dev`` (or a folder given as the first
argument), the way the extractor calls them, and prints lines/s, documents/s and hit counts.
Run: ``.venv/bin/python benchmarks/helpers.py [TEXT_DIR]``.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from newsarchive.datelines import find_dateline
from newsarchive.dates import find_date, is_date_line
from newsarchive.people import parse_byline

DEFAULT = Path(__file__).parents[1] / ".." / "shared" / "corpora" / "extraction-dev" / "text"
HELPERS: dict[str, Callable[[str], Any]] = {
    "find_date": find_date,
    "is_date_line": is_date_line,
    "parse_byline": parse_byline,
    "find_dateline": find_dateline,
}


def main() -> None:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    files = sorted(folder.glob("*.txt"))
    if not files:
        sys.exit(f"no .txt files in {folder}")
    lines = [s for f in files for line in f.read_text("utf-8").splitlines() if (s := line.strip())]
    print(f"{len(files)} documents, {len(lines)} non-empty lines")
    for name, helper in HELPERS.items():
        best = 0.0
        for _ in range(3):  # best of three: the machine is shared
            start = time.perf_counter()
            hits = sum(1 for line in lines if helper(line))
            best = max(best, len(lines) / (time.perf_counter() - start))
        print(
            f"{name:<14}{best:>12,.0f} lines/s{best * len(files) / len(lines):>10,.0f} docs/s"
            f"{hits:>8} hits"
        )


if __name__ == "__main__":
    main()
