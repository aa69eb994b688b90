"""Store stage: originals in raw/, NewsML-G2 records in archive/, and the catalog.

Layout under an archive root::

    raw/                      the user's own captures (never modified by newsarchive)
    raw/by-sha256/ab/<sha256><suffix>   byte-exact, content-addressed copies of every original
    archive/ab/<id>.xml       one NewsML-G2 record per article, path derived from its id
    archive/catalog.sqlite    sha256 -> record id -> record path, with ingest times
    index/                    the search index (derived; rebuilt by ``reindex``)

Originals and records are written atomically (temporary file in the same folder, then
``os.replace``) and originals are made read-only, so an interrupted run never leaves a
half-written file and nothing later alters an original. The catalog is a convenience
lookup: everything in it can be recovered from the records and raw/.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import stat
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from newsarchive.errors import StoreError

RAW_STORE = "by-sha256"
_SUFFIXES = {
    "text/plain": ".txt",
    "text/html": ".html",
    "application/warc": ".warc",
    "application/x-ndjson": ".jsonl",
}


@dataclass(frozen=True)
class Paths:
    """The folders and files of one archive root."""

    root: Path

    @property
    def raw(self) -> Path:
        return self.root / "raw"

    @property
    def raw_store(self) -> Path:
        return self.raw / RAW_STORE

    @property
    def archive(self) -> Path:
        return self.root / "archive"

    @property
    def index(self) -> Path:
        return self.root / "index"

    @property
    def catalog(self) -> Path:
        return self.archive / "catalog.sqlite"

    @property
    def written(self) -> tuple[Path, ...]:
        """Folders newsarchive writes into, which an ingest must never read back as input."""
        return (self.raw_store, self.archive, self.index)

    def relative(self, path: Path) -> str:
        """``path`` relative to the root, with forward slashes (as recorded in records)."""
        return path.resolve().relative_to(self.root.resolve()).as_posix()

    def ensure(self) -> None:
        """Create the folders an ingest writes into."""
        for folder in (self.raw_store, self.archive, self.index):
            folder.mkdir(parents=True, exist_ok=True)


def raw_suffix(media_type: str, name: str | None = None) -> str:
    """The file suffix a stored original gets (keeps ``.gz`` of compressed containers)."""
    suffix = _SUFFIXES.get(media_type, ".bin")
    if name and name.lower().endswith(".gz"):
        suffix += ".gz"
    return suffix


def raw_path(paths: Paths, sha256: str, suffix: str) -> Path:
    """Where the original with this SHA-256 lives in the content-addressed store."""
    return paths.raw_store / sha256[:2] / f"{sha256}{suffix}"


def _atomic_write(target: Path, content: bytes | Path, *, read_only: bool = False) -> None:
    """Write via a temporary file in ``target``'s folder, then rename into place."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=target.suffix)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            if isinstance(content, bytes):
                handle.write(content)
            else:
                with content.open("rb") as source:
                    shutil.copyfileobj(source, handle, 1 << 20)
            handle.flush()
            os.fsync(handle.fileno())
        if read_only:
            tmp.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
        tmp.replace(target)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def store_original(paths: Paths, sha256: str, suffix: str, source: bytes | Path) -> Path:
    """Keep an original byte-exact under its SHA-256; a second copy of the same bytes is a no-op.

    Args:
        source: the bytes themselves, or the path of a (possibly multi-GB) file to copy.

    Raises:
        StoreError: the file cannot be written.
    """
    target = raw_path(paths, sha256, suffix)
    if target.exists():
        return target
    try:
        _atomic_write(target, source, read_only=True)
    except OSError as exc:
        raise StoreError(f"{target}: cannot store original: {exc.strerror or exc}") from exc
    return target


def record_path(paths: Paths, article_id: str) -> Path:
    """The record file of an article id: ``archive/<first two chars>/<id>.xml``."""
    if not article_id or "/" in article_id or article_id.startswith("."):
        raise StoreError(f"not a valid record id: {article_id!r}")
    return paths.archive / article_id[:2] / f"{article_id}.xml"


def write_record(paths: Paths, article_id: str, xml: bytes) -> Path:
    """Write one record atomically and return its path."""
    target = record_path(paths, article_id)
    try:
        _atomic_write(target, xml)
    except OSError as exc:
        raise StoreError(f"{target}: cannot write record: {exc.strerror or exc}") from exc
    return target


def read_record(paths: Paths, article_id: str) -> bytes:
    """The stored record bytes of ``article_id``.

    Raises:
        StoreError: no such record.
    """
    target = record_path(paths, article_id)
    try:
        return target.read_bytes()
    except FileNotFoundError:
        raise StoreError(f"no record with id {article_id!r}") from None


def iter_record_paths(paths: Paths) -> Iterator[Path]:
    """Every record file in archive/, in a stable order."""
    if not paths.archive.is_dir():
        return
    yield from sorted(p for p in paths.archive.glob("*/*.xml") if not p.name.startswith("."))


@dataclass(frozen=True)
class CatalogEntry:
    """One catalog row: a captured payload and the record made from it."""

    sha256: str
    record_id: str
    record_path: str
    raw_path: str
    ingested_at: str


class Catalog:
    """sha256 -> record id -> record path, with ingest times (stdlib sqlite3)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._db = sqlite3.connect(path, isolation_level=None, timeout=30)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS captures ("
                " sha256 TEXT PRIMARY KEY, record_id TEXT NOT NULL, record_path TEXT NOT NULL,"
                " raw_path TEXT NOT NULL, ingested_at TEXT NOT NULL)"
            )
            self._db.execute("CREATE INDEX IF NOT EXISTS captures_record ON captures(record_id)")
        except sqlite3.Error as exc:
            raise StoreError(f"{path}: cannot open catalog: {exc}") from exc

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Catalog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def lookup(self, sha256: str) -> CatalogEntry | None:
        """The entry for a payload already ingested, if any."""
        row = self._db.execute(
            "SELECT sha256, record_id, record_path, raw_path, ingested_at"
            " FROM captures WHERE sha256 = ?",
            (sha256,),
        ).fetchone()
        return CatalogEntry(*row) if row else None

    def add(self, entry: CatalogEntry) -> None:
        """Record (or replace) the entry for a payload."""
        self._db.execute(
            "INSERT OR REPLACE INTO captures VALUES (?, ?, ?, ?, ?)",
            (entry.sha256, entry.record_id, entry.record_path, entry.raw_path, entry.ingested_at),
        )

    def count(self) -> int:
        """Number of payloads ingested."""
        return int(self._db.execute("SELECT count(*) FROM captures").fetchone()[0])
