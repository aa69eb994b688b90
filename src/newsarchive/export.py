"""Export stage: stored records out as NewsML-G2, JSON Lines, plain text or a BagIt package.

NewsML-G2 export copies the stored record byte for byte: the archive's record *is* the
export. The other formats are renderings of the parsed Article. An archival package is a
BagIt bag (RFC 8493, via the Library of Congress ``bagit`` library) holding the records
and the byte-exact originals they were derived from, with SHA-256 manifests.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path

from newsarchive import __version__
from newsarchive.errors import StoreError
from newsarchive.models import Article, article_to_json

FORMATS = ("newsml", "jsonl", "text", "bag")


def article_to_text(article: Article) -> str:
    """A plain-text rendering: headline block, then the body paragraphs, blank-line separated."""
    head = [
        article.kicker,
        article.headline,
        article.dek,
        ("By " + ", ".join(article.bylines)) if article.bylines else None,
        " | ".join(x for x in (article.source, article.published) if x) or None,
    ]
    lines = [line for line in head if line]
    for image in article.images:
        parts = [p for p in (image.caption, image.credit) if p]
        if parts:
            lines.append("[Image: " + " — ".join(parts) + "]")
    return "\n\n".join([*lines, *article.paragraphs]) + "\n"


def article_to_jsonl(article: Article) -> str:
    """One JSON object on one line (the documented article shape)."""
    return json.dumps(article_to_json(article), ensure_ascii=False, sort_keys=False)


def write_files(out: Path, items: Iterable[tuple[str, bytes]]) -> list[Path]:
    """Write ``(file name, bytes)`` pairs into ``out``; returns the written paths."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, data in items:
        target = out / name
        target.write_bytes(data)
        written.append(target)
    return written


def make_bag(
    out: Path,
    records: Iterable[tuple[str, bytes, Path | None]],
    *,
    organisation: str = "newsarchive",
) -> Path:
    """Build a BagIt package at ``out`` from ``(id, record bytes, original path)`` triples.

    Layout: ``data/newsml/<id>.xml`` and ``data/raw/<original file name>`` (each original
    once), SHA-256 manifests, and bag-info naming the software. The bag is assembled in a
    temporary folder beside ``out`` and moved into place, since ``bagit`` converts a
    folder in place.

    Raises:
        StoreError: ``out`` exists and is not empty.
    """
    import bagit

    if out.exists() and any(out.iterdir()):
        raise StoreError(f"{out}: already exists and is not empty")
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".bag-", dir=out.parent))
    count = 0
    try:
        (staging / "newsml").mkdir()
        (staging / "raw").mkdir()
        for article_id, xml, original in records:
            (staging / "newsml" / f"{article_id}.xml").write_bytes(xml)
            if original is not None and not (staging / "raw" / original.name).exists():
                shutil.copyfile(original, staging / "raw" / original.name)
            count += 1
        bagit.make_bag(
            str(staging),
            {
                "Source-Organization": organisation,
                "External-Description": f"{count} NewsML-G2 records with their raw originals",
                "Bag-Software-Agent": f"newsarchive {__version__}",
            },
            checksums=["sha256"],
        )
        if out.exists():
            out.rmdir()
        staging.rename(out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return out


def verify_bag(path: Path) -> None:
    """Check a bag's manifests and payload (raises StoreError naming what is wrong)."""
    import bagit

    try:
        bagit.Bag(str(path)).validate()
    except bagit.BagError as exc:
        raise StoreError(f"{path}: invalid bag: {exc}") from exc
