"""WARC (ISO 28500) and ARC files -> HTML captures, streamed one record at a time.

Every ``response`` record whose HTTP status is 200 and whose payload is HTML becomes a
:class:`Capture` carrying its provenance (target URI, WARC-Date, record id, payload
digest, byte offset). Everything else is accounted for, never silently lost:

* ``request``, ``metadata``, ``warcinfo``, ``resource`` and ``conversion`` records are
  ignored: they hold no page;
* a ``revisit`` record, a non-200 response, a non-HTML payload, a payload already seen in
  this file, and a page that is not an article (home, tag, search pages) become a
  :class:`Skipped` with the reason;
* a record that cannot be read becomes a :class:`Failed`; a truncated final record or a
  truncated gzip member ends the iteration with one :class:`Failed` item, because the
  stream cannot be resynchronised after it.

Memory stays flat: records are read one at a time and only the digests of payloads seen
so far are kept (32 bytes each).

Library choice: warcio, measured against FastWARC 2.0 with ``benchmarks/warc_ingest.py``
(2-core machine shared with other jobs, one process)::

                                        1,167 MB .warc, 15,334 pages   24 MB .warc.gz, 1,372
    iterate + read HTTP payload
        warcio                          4,358 pages/s   328 MB/s      1,144 pages/s   87 MB/s
        fastwarc                       25,329 pages/s  1905 MB/s      3,282 pages/s  251 MB/s
    full ingest (read_inputs + normalise)
        WARC                            38.8 pages/s, peak RSS 154 MB  (100 MB gz run: 154 MB)
        the same pages as .html files   39.2 pages/s, peak RSS 157 MB

so record iteration is about 1% (plain) to 3% (gzip) of ingest time with warcio.

Robustness, on the test suite's WARCs: both decode chunked transfer encoding and gzip
content encoding (fastwarc with ``auto_decode="all"``). On a file cut inside a record,
fastwarc returns the short payload (2,891 of 4,887 bytes; 0 of 43) without any error,
while warcio's reader keeps the declared length still missing, which :func:`iter_warc`
turns into a :class:`Failed` item; fastwarc also sniffed gzip only from the file name
when given a path, and its API documents no ARC reader (warcio converts ARC records with
``arc2warc``). Saving most of a 1-3% share is not worth a second dependency and
silent truncation, so warcio stays.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import ChunkedDataException
from warcio.exceptions import ArchiveLoadFailed
from warcio.statusandheaders import StatusAndHeadersParserException

from newsarchive.html import is_article_page
from newsarchive.models import HTML, Capture, WarcOrigin

LOGGER = logging.getLogger(__name__)

#: Largest payload read into memory; bigger responses are skipped, not loaded.
MAX_PAYLOAD_BYTES = 64 * 1024 * 1024
#: Length of the hex capture id (same rule as capture.py: first 80 bits of the SHA-256).
CAPTURE_ID_HEX = 20

TRUNCATED = "truncated record: the file ends inside it"

_HTML_TYPES = ("text/html", "application/xhtml+xml")
_IGNORED_TYPES = frozenset({"request", "metadata", "warcinfo", "resource", "conversion"})
#: What a truncated or corrupt stream raises inside warcio (and the zlib/gzip it uses).
_STREAM_ERRORS = (
    ArchiveLoadFailed,
    StatusAndHeadersParserException,
    ChunkedDataException,
    EOFError,
    zlib.error,
    OSError,
    ValueError,
)


@dataclass(frozen=True)
class Skipped:
    """A record that holds no article to normalise, and why (not a failure)."""

    source: str
    reason: str
    offset: int
    url: str | None = None


@dataclass(frozen=True)
class Failed:
    """A record (or the rest of the file) that could not be read."""

    source: str
    error: str
    offset: int


WarcItem = Capture | Skipped | Failed


def iter_warc(path: Path, file_sha256: str) -> Iterator[WarcItem]:
    """Stream the HTML article captures of a WARC (or ARC) file, with every skip explained.

    Args:
        path: a ``.warc``, ``.warc.gz``, ``.arc`` or ``.arc.gz`` file.
        file_sha256: SHA-256 of the whole file (the stored original); logged with failures
            so that a failure can be traced to the exact bytes kept in ``raw/``.

    Yields:
        A :class:`Capture` per HTML article response, a :class:`Skipped` per response
        that is not one, a :class:`Failed` per unreadable record. Never raises for
        malformed content: a truncated file ends with one :class:`Failed` item.
    """
    source = str(path)
    mode = _archive_format(path)
    if mode is None:
        yield Failed(f"{source}@0", "not a WARC or ARC file (no WARC/ARC header at byte 0)", 0)
        return
    seen: set[bytes] = set()
    offset = 0
    previous: Any = None
    try:
        with path.open("rb") as stream:
            records = ArchiveIterator(stream, arc2warc=mode == "arc")
            for record in records:
                if _truncated(previous):
                    break
                # records.offset is where this record starts (get_record_offset() would
                # read the record to its end first, leaving no payload to read).
                offset = records.offset
                previous = record
                try:
                    item = _item(record, path, offset, seen)
                except Exception as exc:  # warcio fails in assorted ways on corrupt headers
                    item = Failed(
                        f"{source}@{offset}", f"unreadable record: {_describe(exc)}", offset
                    )
                if isinstance(item, Capture) and mode == "arc":
                    item = _with_arc_record_id(item, file_sha256)
                if item is not None:
                    yield item
                if isinstance(item, Failed) and _truncated(record):
                    return
            truncated = _truncated(previous)
            if not truncated and records.offset < path.stat().st_size:
                truncated, offset = True, records.offset  # a record whose header is cut
    except Exception as exc:  # the stream cannot be resynchronised after a corrupt header
        LOGGER.warning(
            "%s (sha256 %s): unreadable from byte %d: %s", path, file_sha256, offset, exc
        )
        yield Failed(f"{source}@{offset}", f"unreadable record: {_describe(exc)}", offset)
        return
    if truncated:
        LOGGER.warning("%s (sha256 %s): truncated record at byte %d", path, file_sha256, offset)
        yield Failed(f"{source}@{offset}", TRUNCATED, offset)


def _archive_format(path: Path) -> str | None:
    """ "warc" or "arc" from the first bytes (gzip members are looked into), else ``None``."""
    try:
        with path.open("rb") as raw:
            head = raw.read(2)
            raw.seek(0)
            stream: Any = gzip.GzipFile(fileobj=raw) if head == b"\x1f\x8b" else raw
            start = stream.read(16)
    except _STREAM_ERRORS:
        return None
    if start.startswith(b"WARC/"):
        return "warc"
    if start.startswith(b"filedesc://"):
        return "arc"
    return None


def _truncated(record: Any) -> bool:
    """True when the file ended before ``record``'s declared Content-Length was read."""
    if record is None:
        return False
    return getattr(record.raw_stream, "limit", 0) > 0


def _item(record: Any, path: Path, offset: int, seen: set[bytes]) -> WarcItem | None:
    """The capture, skip or failure for one record; ``None`` for records that hold no page."""
    kind = record.rec_type
    if kind in _IGNORED_TYPES:
        return None
    source = f"{path}@{offset}"
    url = record.rec_headers.get_header("WARC-Target-URI")
    if kind == "revisit":
        refers = record.rec_headers.get_header("WARC-Refers-To-Target-URI") or url
        return Skipped(source, f"revisit of {refers}", offset, url)
    if kind != "response":
        return Skipped(source, f"unsupported WARC record type {kind!r}", offset, url)
    status, content_type = _http_status(record)
    if status != "200":
        return Skipped(source, f"HTTP status {status or 'missing'}", offset, url)
    length = record.rec_headers.get_header("Content-Length")
    if length and length.isdigit() and int(length) > MAX_PAYLOAD_BYTES:
        return Skipped(source, f"payload over {MAX_PAYLOAD_BYTES} bytes", offset, url)
    try:
        payload = record.content_stream().read(MAX_PAYLOAD_BYTES + 1)
    except _STREAM_ERRORS as exc:
        return Failed(source, f"cannot decode HTTP payload: {_describe(exc)}", offset)
    if _truncated(record):
        return Failed(source, TRUNCATED, offset)
    if not _is_html(content_type, payload):
        return Skipped(source, f"not HTML ({content_type or 'no content type'})", offset, url)
    digest = hashlib.sha256(payload)
    if digest.digest() in seen:
        return Skipped(source, "duplicate payload", offset, url)
    seen.add(digest.digest())
    is_article, reason = is_article_page(url, payload)
    if not is_article:
        return Skipped(source, reason or "not an article page", offset, url)
    return _capture(record, payload, digest.hexdigest(), source, url, offset, content_type)


def _http_status(record: Any) -> tuple[str | None, str | None]:
    headers = record.http_headers
    if headers is None:
        return None, None
    return headers.get_statuscode(), headers.get_header("Content-Type")


def _is_html(content_type: str | None, payload: bytes) -> bool:
    if content_type:
        return content_type.split(";", 1)[0].strip().lower() in _HTML_TYPES
    head = payload[:1024].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html"))


def _charset(content_type: str | None) -> str | None:
    """The ``charset`` parameter of an HTTP Content-Type header, if any."""
    if not content_type:
        return None
    for parameter in content_type.split(";")[1:]:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset" and value.strip(" \"'"):
            return value.strip(" \"'")
    return None


def _capture(
    record: Any,
    payload: bytes,
    sha256: str,
    source: str,
    url: str | None,
    offset: int,
    content_type: str | None,
) -> Capture:
    headers = record.rec_headers
    date = headers.get_header("WARC-Date")
    origin = WarcOrigin(
        record_id=headers.get_header("WARC-Record-ID") or "",
        target_uri=url or "",
        date=date,
        payload_digest=headers.get_header("WARC-Payload-Digest"),
        offset=offset,
    )
    return Capture(
        data=payload,
        media_type=HTML,
        source=source,
        sha256=sha256,
        capture_id=sha256[:CAPTURE_ID_HEX],
        url=url,
        captured_at=date,
        captured_basis="warc-date" if date else None,
        declared_charset=_charset(content_type),
        warc=origin,
    )


def _with_arc_record_id(capture: Capture, file_sha256: str) -> Capture:
    """ARC records have no record id (warcio makes up a random one): use a stable one built
    from the file's SHA-256 and the record's offset, so that re-ingest is idempotent."""
    if capture.warc is None:
        return capture
    origin = replace(capture.warc, record_id=f"<urn:arc:{file_sha256}@{capture.warc.offset}>")
    return replace(capture, warc=origin)


def _describe(exc: BaseException) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
