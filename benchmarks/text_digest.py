"""Same-output check for work on the text normaliser: a digest per document, to compare revisions.

Speed work on ``newsarchive.text`` must not change what it decides. This script
normalises text captures and records, per document, a digest of every line's role and
reason, the detected profile and the whole article. Run it on two revisions (for example
a ``git worktree`` of the old one, with ``PYTHONPATH=src``) and compare the files:

    git worktree add ../old REV
    .venv/bin/python benchmarks/text_digest.py --save /tmp/new.json
    cd ../old && PYTHONPATH=src ../main/.venv/bin/python \
        ../main/benchmarks/text_digest.py --save /tmp/old.json
    .venv/bin/python benchmarks/text_digest.py --compare /tmp/old.json /tmp/new.json

Datasets, read from ``../shared/corpora`` and skipped with a note where absent: the
whole-page captures of ``extraction-dev/text`` and the stories of Reuters-21578
(headline and body as a text capture). The Reuters run also fills the per-line caches
past their limits (50,000 lines), which the dev set alone never reaches.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path

from newsarchive import text
from newsarchive.encoding import decode_bytes

CORPORA = Path(__file__).resolve().parents[1].parent / "shared" / "corpora"
DEV_TEXT = CORPORA / "extraction-dev" / "text"
REUTERS = CORPORA / "news-reuters21578" / "reuters21578.jsonl.gz"


def dev_pages() -> Iterator[tuple[str, str]]:
    """(name, decoded text) of each extraction-dev page-text capture."""
    for path in sorted(DEV_TEXT.glob("*")):
        yield f"dev/{path.name}", decode_bytes(path.read_bytes())


def reuters_stories(limit: int | None) -> Iterator[tuple[str, str]]:
    """(id, headline and body as one text) of each Reuters-21578 story with text."""
    with gzip.open(REUTERS, "rt", encoding="utf-8") as stream:
        for n, line in enumerate(stream):
            if limit is not None and n >= limit:
                return
            story = json.loads(line)
            body = "\n\n".join(p for p in (story.get("headline"), story.get("body")) if p)
            if body.strip():
                yield f"reuters/{story['id']}", body


def digest(page: str) -> str:
    """What the normaliser decides for one page: line roles and reasons, profile, article."""
    seg = text.segment(text.clean_text(page))
    decided = (
        [(line.number, line.role, line.rule) for line in seg.lines],
        seg.profile.id if seg.profile is not None else None,
        text.article_from_segmentation(seg),
    )
    return hashlib.sha256(repr(decided).encode()).hexdigest()


def collect(reuters_limit: int | None) -> dict[str, str]:
    """Digests of every available document, by name."""
    found: dict[str, str] = {}
    if DEV_TEXT.is_dir():
        found.update((name, digest(page)) for name, page in dev_pages())
    else:
        print(f"skipped: {DEV_TEXT} is absent", file=sys.stderr)
    if REUTERS.is_file():
        found.update((name, digest(page)) for name, page in reuters_stories(reuters_limit))
    else:
        print(f"skipped: {REUTERS} is absent", file=sys.stderr)
    return found


def compare(old: dict[str, str], new: dict[str, str]) -> int:
    """Print the documents whose digests differ; 1 when any do (or either side lacks some)."""
    names = sorted(old.keys() | new.keys())
    differ = [name for name in names if old.get(name) != new.get(name)]
    for name in differ:
        print(f"differs: {name}")
    print(f"{len(names) - len(differ)} of {len(names)} documents the same")
    return 1 if differ else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--save", type=Path, help="write the digests to this JSON file")
    parser.add_argument("--reuters-limit", type=int, help="only the first N Reuters stories")
    parser.add_argument(
        "--compare", nargs=2, type=Path, metavar=("OLD", "NEW"), help="compare two saved files"
    )
    args = parser.parse_args(argv)
    if args.compare:
        old, new = (json.loads(path.read_text()) for path in args.compare)
        return compare(old, new)
    found = collect(args.reuters_limit)
    combined = hashlib.sha256(json.dumps(found, sort_keys=True).encode()).hexdigest()
    print(f"{len(found)} documents, combined digest {combined}")
    if args.save:
        args.save.write_text(json.dumps(found, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
