"""Structured records (one JSON object per JSONL line) -> Article.

An archive migrating from another system already knows its stories' headline, body,
date, section and byline; nothing needs extracting, only mapping. Keys vary from one
export to the next, so each article field accepts the handful of names exports use
(``date`` or ``published``, ``byline`` or ``bylines``, ``dateline`` or
``dateline_place`` ...). Unknown keys are ignored. Values are taken as given: a date that
is missing stays missing and a naive timestamp keeps no invented time zone.

Subject and place codes (the Reuters ``topics`` and ``places``, for instance) have no
home in :class:`Article`; they travel in ``Article.extra`` under :data:`EXTRA_SUBJECTS`
and :data:`EXTRA_PLACES`, space-separated, where the index picks them up.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from newsarchive.encoding import clean_text, decode_bytes
from newsarchive.errors import NormaliseError
from newsarchive.models import (
    EXTRA_PLACES,
    EXTRA_SOURCE_ID,
    EXTRA_SUBJECTS,
    Article,
    Block,
    Capture,
    Image,
)

#: Profile name recorded in provenance for every structured record.
PROFILE = "structured-jsonl"

_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
#: Wire copy marks a new paragraph with an indented line rather than a blank one.
_INDENTED_LINE = re.compile(r"\n(?=[ \t]{2,}\S)")
_BYLINE_SPLIT = re.compile(r"\s*(?:;|\band\b|&)\s*")


def normalise_structured_capture(capture: Capture) -> Article:
    """Map one JSON object (``capture.data``, one JSONL line) onto an Article.

    Raises:
        NormaliseError: the line is not a JSON object, or has neither headline nor body.
        CaptureError: the bytes cannot be decoded as text.
    """
    where = f"{capture.source}:{capture.line}" if capture.line is not None else capture.source
    record = _load_object(decode_bytes(capture.data, source=where), where)
    headline = _text(record, "headline", "title")
    blocks = tuple(Block(text) for text in _paragraphs(record.get("body", record.get("text"))))
    if not headline and not blocks:
        raise NormaliseError(f"{where}: record has neither a headline nor a body")
    extra = {
        key: value
        for key, value in (
            (EXTRA_SOURCE_ID, _text(record, "id", "guid")),
            (EXTRA_SUBJECTS, " ".join(_codes(record, "subjects", "topics"))),
            (EXTRA_PLACES, " ".join(_codes(record, "places"))),
        )
        if value
    }
    return Article(
        id=_text(record, "id", "guid"),
        source=_text(record, "source", "publisher"),
        url=_text(record, "url", "link") or capture.url,
        section=_text(record, "section", "category"),
        headline=headline,
        kicker=_text(record, "kicker", "overline"),
        dek=_text(record, "dek", "standfirst", "summary", "description"),
        bylines=_bylines(record),
        dateline=_text(record, "dateline", "dateline_place"),
        published=_timestamp(record, where, "published", "date", "datePublished"),
        updated=_timestamp(record, where, "updated", "modified", "dateModified"),
        language=_text(record, "language", "lang"),
        images=tuple(_images(record.get("images"))),
        blocks=blocks,
        profile=PROFILE,
        extra=extra,
    )


def _load_object(text: str, where: str) -> dict[str, Any]:
    try:
        record = json.loads(text)
    except json.JSONDecodeError as exc:
        raise NormaliseError(f"{where}: not valid JSON ({exc.msg} at column {exc.colno})") from exc
    if not isinstance(record, dict):
        raise NormaliseError(f"{where}: expected a JSON object, found {type(record).__name__}")
    return record


def _text(record: dict[str, Any], *keys: str) -> str | None:
    """The first non-empty string (or number) under any of ``keys``, cleaned; else None."""
    for key in keys:
        value = record.get(key)
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = str(value)
        if isinstance(value, str):
            cleaned = clean_text(value).strip()
            if cleaned:
                return cleaned
    return None


def _paragraphs(body: Any) -> list[str]:
    """Body paragraphs from a list of strings, or from one string split at blank lines
    (or, failing that, at indented lines, the wire-copy convention); line breaks inside
    a paragraph become spaces."""
    if isinstance(body, list):
        chunks = [item for item in body if isinstance(item, str)]
    elif isinstance(body, str):
        text = clean_text(body)
        splitter = _PARAGRAPH_BREAK if _PARAGRAPH_BREAK.search(text) else _INDENTED_LINE
        chunks = splitter.split(text)
    else:
        return []
    paragraphs = (" ".join(clean_text(chunk).split()) for chunk in chunks)
    return [paragraph for paragraph in paragraphs if paragraph]


def _codes(record: dict[str, Any], *keys: str) -> list[str]:
    for key in keys:
        value = record.get(key)
        if isinstance(value, str):
            value = value.split()
        if isinstance(value, list):
            return [str(code).strip() for code in value if str(code).strip()]
    return []


def _bylines(record: dict[str, Any]) -> tuple[str, ...]:
    value = record.get("bylines", record.get("byline", record.get("author")))
    names: Iterable[Any]
    if isinstance(value, str):
        names = _BYLINE_SPLIT.split(value)
    elif isinstance(value, list):
        names = value
    else:
        return ()
    cleaned = (re.sub(r"^(?i:by)\s+", "", clean_text(str(name)).strip()) for name in names)
    return tuple(name for name in cleaned if name)


def _timestamp(record: dict[str, Any], where: str, *keys: str) -> str | None:
    """An ISO 8601 date or timestamp as given (validated, never completed or shifted)."""
    raw = _text(record, *keys)
    if raw is None:
        return None
    try:
        parsed: date = datetime.fromisoformat(raw) if len(raw) > 10 else date.fromisoformat(raw)
    except ValueError as exc:
        raise NormaliseError(f"{where}: {keys[0]} {raw!r} is not an ISO 8601 date") from exc
    return parsed.isoformat()


def _images(value: Any) -> list[Image]:
    if not isinstance(value, list):
        return []
    images = []
    for item in value:
        if isinstance(item, str):
            images.append(Image(src=item))
        elif isinstance(item, dict):
            images.append(
                Image(
                    id=_text(item, "id"),
                    caption=_text(item, "caption"),
                    credit=_text(item, "credit"),
                    src=_text(item, "src", "url"),
                )
            )
    return images
