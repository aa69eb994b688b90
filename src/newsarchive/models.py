"""The data that flows through the pipeline: Capture -> Article -> stored record.

These dataclasses are the contract between the stages. Every stage takes and returns
them, so a stage can be replaced without the others noticing. They hold plain Python
values only (str, int, tuples), which keeps them picklable for worker processes and
trivially convertible to the stable JSON shape documented in the README.

Absent facts are ``None`` (or an empty tuple), never a guess: an archive must be able to
tell "the capture did not say" apart from any real value.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

#: Media types the capture stage recognises.
TEXT = "text/plain"
HTML = "text/html"
WARC = "application/warc"
JSONL = "application/x-ndjson"

#: ``Article.extra`` keys that records keep: space-separated subject codes, place codes, and
#: the id the article had in the system it was migrated from (JSON Lines ingest).
EXTRA_SUBJECTS = "subjects"
EXTRA_PLACES = "places"
EXTRA_SOURCE_ID = "source_id"

#: Kinds of body block kept in the XHTML; ``p`` is an ordinary paragraph.
BLOCK_KINDS = ("p", "h2", "h3", "blockquote", "li")


@dataclass(frozen=True)
class WarcOrigin:
    """Where inside a WARC file a capture came from (ISO 28500 record headers)."""

    record_id: str
    target_uri: str
    date: str | None = None
    payload_digest: str | None = None
    offset: int = 0


@dataclass(frozen=True)
class Capture:
    """One raw capture as read from disk, stdin, a WARC record or a JSONL line.

    ``data`` is the exact payload to normalise. For a plain file it is the whole file; for a
    WARC record it is the HTTP payload (the WARC file itself is what ``raw/`` keeps).
    """

    data: bytes
    media_type: str
    source: str
    sha256: str
    #: Stable capture id (hex): for files the first 20 hex digits of the payload's SHA-256.
    capture_id: str
    url: str | None = None
    captured_at: str | None = None
    #: How ``captured_at`` was obtained: "warc-date", "file-mtime", "jsonl", ...
    captured_basis: str | None = None
    #: HTTP charset or similar declared outside the payload.
    declared_charset: str | None = None
    warc: WarcOrigin | None = None
    #: For structured (JSONL) input: the source file's line number.
    line: int | None = None


@dataclass(frozen=True)
class Image:
    """An image that belonged to the article: kept as metadata, never as body text."""

    id: str | None = None
    caption: str | None = None
    credit: str | None = None
    src: str | None = None


@dataclass(frozen=True)
class Removed:
    """A line or block dropped as boilerplate, with the id of the rule that dropped it."""

    text: str
    rule: str
    line: int | None = None


@dataclass(frozen=True)
class Block:
    """One body block: its text exactly as published and its kind (see ``BLOCK_KINDS``)."""

    text: str
    kind: str = "p"


@dataclass(frozen=True)
class RawRef:
    """Fixity and location of the original a record was derived from."""

    sha256: str
    path: str
    media_type: str
    size: int
    original_name: str | None = None
    captured_at: str | None = None
    captured_basis: str | None = None
    warc: WarcOrigin | None = None
    line: int | None = None


@dataclass(frozen=True)
class Article:
    """A normalised article: structure recovered, boilerplate removed, nothing invented."""

    id: str | None = None
    source: str | None = None
    url: str | None = None
    section: str | None = None
    headline: str | None = None
    kicker: str | None = None
    dek: str | None = None
    bylines: tuple[str, ...] = ()
    dateline: str | None = None
    published: str | None = None
    updated: str | None = None
    language: str | None = None
    images: tuple[Image, ...] = ()
    blocks: tuple[Block, ...] = ()
    removed: tuple[Removed, ...] = ()
    raw: RawRef | None = None
    #: Free-form normaliser notes kept in provenance (e.g. which publisher profile applied).
    profile: str | None = None
    #: Version counter of the stored record (NewsML-G2 ``@version``).
    version: int = 1
    #: When this record was produced (UTC ISO 8601); set by the pipeline, not the normaliser.
    normalised_at: str | None = None
    #: Tool version that produced the record (round-tripped through ``generator``).
    generator_version: str | None = None
    extra: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    @property
    def paragraphs(self) -> tuple[str, ...]:
        """The body text blocks, in order (the JSON ``paragraphs`` key)."""
        return tuple(block.text for block in self.blocks)

    def evolve(self, **changes: Any) -> Article:
        """Return a copy with ``changes`` applied (frozen dataclass helper)."""
        return replace(self, **changes)


def article_to_json(article: Article) -> dict[str, Any]:
    """The documented, stable JSON shape of an article (``show``/``normalise --format json``)."""
    raw = article.raw
    return {
        "id": article.id,
        "source": article.source,
        "url": article.url,
        "section": article.section,
        "headline": article.headline,
        "kicker": article.kicker,
        "dek": article.dek,
        "bylines": list(article.bylines),
        "dateline": article.dateline,
        "published": article.published,
        "updated": article.updated,
        "language": article.language,
        "images": [
            {"id": im.id, "caption": im.caption, "credit": im.credit} for im in article.images
        ],
        "paragraphs": list(article.paragraphs),
        "paragraph_kinds": [block.kind for block in article.blocks],
        "removed": [{"text": r.text, "rule": r.rule} for r in article.removed],
        "raw": (
            {"sha256": raw.sha256, "path": raw.path, "media_type": raw.media_type}
            if raw is not None
            else None
        ),
    }
