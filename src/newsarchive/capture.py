"""Capture stage: paths (files, folders, WARC, JSON Lines, stdin) -> Capture items.

This stage only reads. It expands folders, recognises what each input is, hashes it and
yields one :class:`~newsarchive.models.Capture` per article-sized unit (a text or HTML
file, a WARC response record, a JSON Lines line). Inputs that cannot be read become
:class:`CaptureFailed` items so a batch goes on past them; deliberately passed-over
records (WARC revisits, non-article pages) become :class:`CaptureSkipped`.
"""

from __future__ import annotations

import gzip
import hashlib
import sys
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePath
from typing import IO

from newsarchive import models
from newsarchive.encoding import looks_binary
from newsarchive.models import Capture

#: Largest single text/HTML capture read into memory; larger files are refused, not truncated.
MAX_CAPTURE_BYTES = 64 * 1024 * 1024
#: Length of the hex capture id (80 bits of the SHA-256: collision-free at archive scale).
CAPTURE_ID_HEX = 20

_SUFFIX_TYPES = {
    ".txt": models.TEXT,
    ".text": models.TEXT,
    ".html": models.HTML,
    ".htm": models.HTML,
    ".xhtml": models.HTML,
    ".warc": models.WARC,
    ".arc": models.WARC,
    ".jsonl": models.JSONL,
    ".ndjson": models.JSONL,
}
STDIN = "-"


@dataclass(frozen=True)
class CaptureFailed:
    """An input (or a record inside one) that could not be read; the batch goes on."""

    source: str
    error: str


@dataclass(frozen=True)
class CaptureSkipped:
    """A record passed over on purpose (WARC revisit, non-article page), with the reason."""

    source: str
    reason: str


@dataclass(frozen=True)
class Container:
    """A multi-record input (WARC or JSON Lines file) whose bytes ``raw/`` keeps whole."""

    path: Path
    media_type: str
    sha256: str
    size: int


CaptureItem = Capture | CaptureFailed | CaptureSkipped | Container


def sha256_hex(data: bytes) -> str:
    """Hex SHA-256 of ``data``: the content address of every original."""
    return hashlib.sha256(data).hexdigest()


def file_sha256(path: Path) -> tuple[str, int]:
    """Hex SHA-256 and size of a file, streamed so that multi-GB WARCs stay flat in memory."""
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def capture_id_for(sha256: str) -> str:
    """The stable capture id derived from a payload's SHA-256."""
    return sha256[:CAPTURE_ID_HEX]


def media_type_for(name: str, head: bytes) -> str:
    """Recognise an input from its file name, falling back to its first bytes."""
    lowered = name.lower()
    if lowered.endswith(".gz"):
        lowered = lowered[:-3]
    suffix = PurePath(lowered).suffix
    if suffix in _SUFFIX_TYPES:
        return _SUFFIX_TYPES[suffix]
    return sniff_media_type(head)


def sniff_media_type(head: bytes) -> str:
    """Guess a media type from the start of the data (for stdin and unknown suffixes)."""
    if head[:2] == b"\x1f\x8b":
        try:
            head = zlib.decompressobj(wbits=31).decompress(head, 4096)
        except zlib.error:
            return models.TEXT
    start = head.lstrip()[:512].lower()
    if start.startswith(b"warc/"):
        return models.WARC
    if start.startswith((b"<!doctype html", b"<html")) or b"<html" in start[:256]:
        return models.HTML
    if start.startswith(b"{"):
        return models.JSONL
    return models.TEXT


def expand_inputs(inputs: Iterable[str], exclude: Iterable[Path] = ()) -> Iterator[str]:
    """Yield file paths (and ``-``) from ``inputs``: folders recursively, sorted, no dot-files.

    Paths inside any of ``exclude`` (the archive's own content-addressed store) are skipped,
    so ``ingest raw/`` never re-ingests the copies it made.
    """
    excluded = [p.resolve() for p in exclude]
    for item in inputs:
        if item == STDIN:
            yield STDIN
            continue
        path = Path(item)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                relative = child.relative_to(path).parts
                if any(part.startswith(".") for part in relative) or not child.is_file():
                    continue
                if any(child.resolve().is_relative_to(e) for e in excluded):
                    continue
                yield str(child)
        else:
            yield str(path)


#: ``--format`` names for forcing an input kind.
FORMAT_TYPES = {
    "text": models.TEXT,
    "html": models.HTML,
    "warc": models.WARC,
    "jsonl": models.JSONL,
}


def read_inputs(
    inputs: Iterable[str], exclude: Iterable[Path] = (), media_type: str | None = None
) -> Iterator[CaptureItem]:
    """Every capture in ``inputs``, in order, with failures as items rather than exceptions.

    Args:
        media_type: a ``FORMAT_TYPES`` name or media type forcing how inputs are read.
    """
    forced = FORMAT_TYPES.get(media_type, media_type) if media_type else None
    for name in expand_inputs(inputs, exclude):
        try:
            yield from _read_one(name, forced)
        except OSError as exc:
            yield CaptureFailed(name, f"cannot read: {exc.strerror or exc}")


def _read_one(name: str, forced: str | None) -> Iterator[CaptureItem]:
    if name == STDIN:
        data = sys.stdin.buffer.read(MAX_CAPTURE_BYTES + 1)
        kind = forced or media_type_for("", data[:4096])
        yield from _single_capture("<stdin>", data, kind, None)
        return
    path = Path(name)
    with path.open("rb") as handle:
        head = handle.read(4096)
    media_type = forced or media_type_for(path.name, head)
    if media_type in (models.WARC, models.JSONL):
        yield from _read_container(path, media_type)
        return
    size = path.stat().st_size
    if size > MAX_CAPTURE_BYTES:
        yield CaptureFailed(name, f"too large for a single capture ({size} bytes)")
        return
    data = path.read_bytes()
    mtime = datetime.fromtimestamp(path.stat().st_mtime, UTC).replace(microsecond=0)
    yield from _single_capture(name, data, media_type, mtime.isoformat().replace("+00:00", "Z"))


def _single_capture(
    source: str, data: bytes, media_type: str, mtime: str | None
) -> Iterator[CaptureItem]:
    if len(data) > MAX_CAPTURE_BYTES:
        yield CaptureFailed(source, f"too large (over {MAX_CAPTURE_BYTES} bytes)")
        return
    if not data.strip():
        yield CaptureFailed(source, "empty capture")
        return
    if looks_binary(data):
        yield CaptureFailed(source, "binary data, not a text or HTML capture")
        return
    digest = sha256_hex(data)
    yield Capture(
        data=data,
        media_type=media_type,
        source=source,
        sha256=digest,
        capture_id=capture_id_for(digest),
        captured_at=mtime,
        captured_basis="file-mtime" if mtime else None,
    )


def _read_container(path: Path, media_type: str) -> Iterator[CaptureItem]:
    digest, size = file_sha256(path)
    yield Container(path=path, media_type=media_type, sha256=digest, size=size)
    if media_type == models.JSONL:
        yield from _read_jsonl(path)
    else:
        yield from _read_warc(path, digest)


def _read_jsonl(path: Path) -> Iterator[CaptureItem]:
    """One capture per non-blank line; the line's bytes are the payload."""
    opener = gzip_open if path.name.lower().endswith(".gz") else Path.open
    with opener(path, "rb") as handle:
        for number, line in enumerate(handle, start=1):
            payload = line.strip()
            if not payload:
                continue
            digest = sha256_hex(payload)
            yield Capture(
                data=payload,
                media_type=models.JSONL,
                source=f"{path}:{number}",
                sha256=digest,
                capture_id=capture_id_for(digest),
                captured_basis="jsonl",
                line=number,
            )


def gzip_open(path: Path, mode: str) -> IO[bytes]:
    """Open a gzip file for binary reading (typed wrapper for :func:`gzip.open`)."""
    return gzip.open(path, mode)  # type: ignore[return-value]


def _read_warc(path: Path, file_sha256: str) -> Iterator[CaptureItem]:
    from newsarchive import warc

    try:
        for item in warc.iter_warc(path, file_sha256):
            if isinstance(item, Capture):
                yield item
            elif isinstance(item, warc.Skipped):
                yield CaptureSkipped(f"{path}@{item.offset}", item.reason)
            else:
                yield CaptureFailed(f"{path}@{item.offset}", item.error)
    except Exception as exc:  # a broken third-party parse must not end the batch
        yield CaptureFailed(str(path), f"unreadable WARC: {type(exc).__name__}: {exc}")
