"""The library API: an :class:`Archive` strings the stages together.

``Archive(root).ingest(["raw/"])`` runs capture -> normalise -> newsml -> store -> index
and yields one :class:`IngestResult` per capture; the CLI and the tests drive exactly this
code. Reading (``record``, ``article``), searching, ``reindex`` and ``export`` live here
too, so a script needs nothing but this module::

    from newsarchive.pipeline import Archive
    archive = Archive("my-archive")
    for result in archive.ingest(["captures/"]):
        print(result.status, result.source)
    print(archive.search(SearchOptions(query="asylum")).total)
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsarchive import __version__, store
from newsarchive.capture import (
    CaptureFailed,
    CaptureItem,
    CaptureSkipped,
    Container,
    read_inputs,
)
from newsarchive.errors import ArchiveError, CaptureError, StoreError
from newsarchive.models import Article, Capture, RawRef
from newsarchive.search import (
    SearchBackend,
    SearchOptions,
    SearchResults,
    document_from_article,
    open_backend,
)
from newsarchive.store import Catalog, CatalogEntry, Paths

if TYPE_CHECKING:
    from newsarchive.rules import RuleSet

# The stage modules that parse and build XML (newsml, normalise and the extractors behind
# it) and the rules loader are imported where they are used, so that `newsarchive search`
# starts without them.

LOGGER = logging.getLogger(__name__)

#: Captures handed to a worker process at a time when normalising in parallel.
_CHUNK = 32


@dataclass(frozen=True)
class IngestResult:
    """What happened to one capture; the shape of ``ingest --json`` lines."""

    source: str
    status: str
    id: str | None = None
    record: str | None = None
    error: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "status": self.status,
            "id": self.id,
            "record": self.record,
            "error": self.error,
        }


@dataclass
class IngestSummary:
    """Counts per status, updated as results stream by."""

    counts: dict[str, int] = field(
        default_factory=lambda: {"ingested": 0, "duplicate": 0, "skipped": 0, "failed": 0}
    )

    def add(self, result: IngestResult) -> None:
        self.counts[result.status] = self.counts.get(result.status, 0) + 1

    @property
    def failed(self) -> int:
        return self.counts["failed"]

    def line(self) -> str:
        return ", ".join(f"{n} {status}" for status, n in self.counts.items())


@dataclass(frozen=True)
class Prepared:
    """A capture normalised and rendered in a worker, ready to be stored."""

    article: Article
    xml: bytes


def now_utc() -> str:
    """The current UTC time, to the second, as ISO 8601 with ``Z``."""
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def prepare(capture: Capture, rules: RuleSet, raw: RawRef, at: str) -> Prepared:
    """Normalise one capture and render its validated NewsML-G2 record (pure; runs in workers).

    Raises:
        ArchiveError: the capture cannot be normalised or its record does not validate.
    """
    from newsarchive import newsml
    from newsarchive.normalise import normalise

    article = normalise(capture, rules)
    article = article.evolve(
        id=article.id or capture.capture_id,
        url=article.url or capture.url,
        raw=raw,
        normalised_at=at,
        generator_version=__version__,
    )
    xml = newsml.to_newsml(article)
    newsml.validate(xml)
    return Prepared(article, xml)


_WORKER_RULES: RuleSet | None = None


def _init_worker(rule_files: Sequence[str]) -> None:
    from newsarchive.rules import default_rules, load_rules

    global _WORKER_RULES  # one rule set per worker process, loaded once
    _WORKER_RULES = load_rules([Path(p) for p in rule_files]) if rule_files else default_rules()


def _prepare_in_worker(job: tuple[Capture, RawRef, str]) -> Prepared | str:
    capture, raw, at = job
    assert _WORKER_RULES is not None, "worker started without _init_worker"
    try:
        return prepare(capture, _WORKER_RULES, raw, at)
    except Exception as exc:  # reported per item; see _failure_message
        return _failure_message(capture, exc)


def _failure_message(capture: Capture, exc: Exception) -> str:
    """The per-capture error text. An unexpected exception (a bug, or a parser tripping on
    hostile input) is logged with its traceback and still fails only this capture."""
    if isinstance(exc, ArchiveError):
        return str(exc)
    LOGGER.error("unexpected error normalising %s", capture.source, exc_info=exc)
    return f"{capture.source}: unexpected {type(exc).__name__}: {exc}"


class Archive:
    """One archive root: raw/ originals, archive/ records, index/ and the catalog."""

    def __init__(
        self,
        root: str | Path = ".",
        *,
        rule_files: Sequence[Path] = (),
    ) -> None:
        self.paths = Paths(Path(root))
        self.rule_files = tuple(rule_files)
        self._rules: RuleSet | None = None

    @property
    def rules(self) -> RuleSet:
        """Boilerplate rules: shipped defaults plus any ``--rules`` files (loaded once)."""
        if self._rules is None:
            from newsarchive.rules import default_rules, load_rules

            self._rules = load_rules(self.rule_files) if self.rule_files else default_rules()
        return self._rules

    def backend(self, *, bulk: bool = False) -> SearchBackend:
        """The search backend over index/ (Whoosh today; see search.SearchBackend).

        ``bulk`` asks for the writer settings meant for large batches (more memory and
        processes, one segment per writer process).
        """
        return open_backend(self.paths.index, bulk=bulk)

    # -- ingest -------------------------------------------------------------------------

    def ingest(
        self,
        inputs: Iterable[str],
        *,
        index: bool = True,
        workers: int = 1,
        media_type: str | None = None,
    ) -> Iterator[IngestResult]:
        """Ingest files, folders (recursively), WARC and JSON Lines files, or ``-`` (stdin).

        Every original is stored byte-exact under its SHA-256 before it is normalised, so
        nothing is lost even when normalisation fails; a payload already in the catalog is
        reported as ``duplicate`` and nothing is rewritten. One bad capture never stops the
        batch: it yields a ``failed`` result and ingest goes on.
        """
        self.paths.ensure()
        self.rules  # noqa: B018 - fail on a bad rules file before touching any capture
        backend = self.backend(bulk=workers > 1) if index else None
        with Catalog(self.paths.catalog) as catalog:
            items = read_inputs(inputs, exclude=self.paths.written, media_type=media_type)
            try:
                yield from self._ingest_items(items, catalog, backend, workers)
            finally:
                if backend is not None:
                    try:
                        backend.commit()
                    finally:
                        backend.close()

    def _ingest_items(
        self,
        items: Iterable[CaptureItem],
        catalog: Catalog,
        backend: SearchBackend | None,
        workers: int,
    ) -> Iterator[IngestResult]:
        jobs = self._jobs(items, catalog)
        if workers > 1:
            yield from self._run_parallel(jobs, catalog, backend, workers)
            return
        for job in jobs:
            if isinstance(job, IngestResult):
                yield job
                continue
            capture, raw, at = job
            try:
                prepared = prepare(capture, self.rules, raw, at)
            except Exception as exc:  # one bad capture never stops the batch
                yield IngestResult(capture.source, "failed", error=_failure_message(capture, exc))
                continue
            yield self._commit(capture, prepared, catalog, backend)

    def _run_parallel(
        self,
        jobs: Iterable[tuple[Capture, RawRef, str] | IngestResult],
        catalog: Catalog,
        backend: SearchBackend | None,
        workers: int,
    ) -> Iterator[IngestResult]:
        """Normalise in worker processes; store and index in this one (one index writer)."""
        from concurrent.futures import ProcessPoolExecutor

        rule_files = [str(p) for p in self.rule_files]
        pending: list[tuple[Capture, RawRef, str]] = []
        with ProcessPoolExecutor(workers, initializer=_init_worker, initargs=(rule_files,)) as pool:

            def flush() -> Iterator[IngestResult]:
                outcomes = pool.map(_prepare_in_worker, pending, chunksize=_CHUNK)
                for (capture, _raw, _at), outcome in zip(pending, outcomes, strict=True):
                    if isinstance(outcome, str):
                        yield IngestResult(capture.source, "failed", error=outcome)
                    else:
                        yield self._commit(capture, outcome, catalog, backend)
                pending.clear()

            for job in jobs:
                if isinstance(job, IngestResult):
                    yield job
                    continue
                pending.append(job)
                if len(pending) >= _CHUNK * workers * 4:
                    yield from flush()
            yield from flush()

    def _jobs(
        self, items: Iterable[CaptureItem], catalog: Catalog
    ) -> Iterator[tuple[Capture, RawRef, str] | IngestResult]:
        """Store originals, filter duplicates, and pair each new capture with its RawRef."""
        container: Container | None = None
        container_raw = ""
        seen: dict[str, str] = {}
        for item in items:
            if isinstance(item, CaptureFailed):
                yield IngestResult(item.source, "failed", error=item.error)
            elif isinstance(item, CaptureSkipped):
                yield IngestResult(item.source, "skipped", error=item.reason)
            elif isinstance(item, Container):
                container = item
                try:
                    stored = store.store_original(
                        self.paths,
                        item.sha256,
                        store.raw_suffix(item.media_type, item.path.name),
                        item.path,
                    )
                except StoreError as exc:
                    yield IngestResult(str(item.path), "failed", error=str(exc))
                    container = None
                    continue
                container_raw = self.paths.relative(stored)
            else:
                duplicate = self._duplicate(item, catalog)
                if duplicate is None and item.sha256 in seen:
                    duplicate = IngestResult(item.source, "duplicate", id=seen[item.sha256])
                if duplicate is not None:
                    yield duplicate
                    continue
                seen[item.sha256] = item.capture_id
                try:
                    raw = self._raw_ref(item, container, container_raw)
                except StoreError as exc:
                    yield IngestResult(item.source, "failed", error=str(exc))
                    continue
                yield item, raw, now_utc()

    def _duplicate(self, capture: Capture, catalog: Catalog) -> IngestResult | None:
        entry = catalog.lookup(capture.sha256)
        if entry is None or not (self.paths.root / entry.record_path).exists():
            return None
        return IngestResult(
            capture.source, "duplicate", id=entry.record_id, record=entry.record_path
        )

    def _raw_ref(self, capture: Capture, container: Container | None, container_raw: str) -> RawRef:
        """Store a single-file original (containers are stored whole) and describe it."""
        from_container = container is not None and (capture.warc is not None or capture.line)
        if from_container and container is not None:
            return RawRef(
                sha256=container.sha256,
                path=container_raw,
                media_type=container.media_type,
                size=container.size,
                original_name=container.path.name,
                captured_at=capture.captured_at,
                captured_basis=capture.captured_basis,
                warc=capture.warc,
                line=capture.line,
            )
        name = Path(capture.source).name if not capture.source.startswith("<") else None
        stored = store.store_original(
            self.paths, capture.sha256, store.raw_suffix(capture.media_type), capture.data
        )
        return RawRef(
            sha256=capture.sha256,
            path=self.paths.relative(stored),
            media_type=capture.media_type,
            size=len(capture.data),
            original_name=name,
            captured_at=capture.captured_at,
            captured_basis=capture.captured_basis,
        )

    def _commit(
        self,
        capture: Capture,
        prepared: Prepared,
        catalog: Catalog,
        backend: SearchBackend | None,
    ) -> IngestResult:
        article = prepared.article
        assert article.id is not None  # set by prepare()
        try:
            path = store.write_record(self.paths, article.id, prepared.xml)
        except StoreError as exc:
            return IngestResult(capture.source, "failed", error=str(exc))
        record = self.paths.relative(path)
        at = article.normalised_at or now_utc()
        catalog.add(
            CatalogEntry(
                capture.sha256, article.id, record, article.raw.path if article.raw else "", at
            )
        )
        if backend is not None:
            backend.update([document_from_article(article, at)])
        return IngestResult(capture.source, "ingested", id=article.id, record=record)

    def preview(self, source: str) -> tuple[Article, bytes]:
        """Normalise one capture file (or ``-``) and render its record, storing nothing."""
        for item in read_inputs([source]):
            if isinstance(item, Capture):
                raw = RawRef(
                    sha256=item.sha256,
                    path=item.source,
                    media_type=item.media_type,
                    size=len(item.data),
                    original_name=Path(item.source).name,
                    captured_at=item.captured_at,
                    captured_basis=item.captured_basis,
                    warc=item.warc,
                    line=item.line,
                )
                prepared = prepare(item, self.rules, raw, now_utc())
                return prepared.article, prepared.xml
            if isinstance(item, CaptureFailed):
                raise CaptureError(f"{item.source}: {item.error}")
        raise CaptureError(f"{source}: holds no capture to normalise")

    # -- reading ------------------------------------------------------------------------

    def record_file(self, article_id: str) -> Path:
        """The path of the stored record of ``article_id`` (which may not exist)."""
        return store.record_path(self.paths, _id_of(article_id))

    def record(self, article_id: str) -> bytes:
        """The stored NewsML-G2 record of ``article_id``, byte for byte."""
        return store.read_record(self.paths, _id_of(article_id))

    def article(self, article_id: str) -> Article:
        """The stored record of ``article_id`` parsed back into an Article."""
        from newsarchive import newsml

        return newsml.from_newsml(self.record(article_id))

    def raw_path(self, article_id: str) -> Path:
        """The stored original an article was made from (the whole WARC for WARC records)."""
        article = self.article(article_id)
        if article.raw is None:
            raise StoreError(f"record {article_id!r} names no original")
        return self.paths.root / article.raw.path

    def raw_original(self, article_id: str) -> bytes:
        """The bytes of :meth:`raw_path`, exactly as captured."""
        return self.raw_path(article_id).read_bytes()

    def iter_articles(self) -> Iterator[tuple[Path, Article]]:
        """Every stored record with its parsed Article (for reindex and export)."""
        from newsarchive import newsml

        for path in store.iter_record_paths(self.paths):
            yield path, newsml.from_newsml(path.read_bytes())

    # -- search -------------------------------------------------------------------------

    def search(self, options: SearchOptions) -> SearchResults:
        """Run a search over index/ (see search.SearchOptions for the query language).

        The index is opened for this one search; keep :meth:`backend` open for many."""
        backend = open_backend(self.paths.index, oneshot=True)
        try:
            return backend.search(options)
        finally:
            backend.close()

    def reindex(self, progress: Callable[[int], None] | None = None) -> int:
        """Rebuild index/ from archive/ alone; returns the number of records indexed.

        The new index is built beside the old one and swapped in at the end, so a failed
        rebuild leaves the previous index usable.
        """
        building = self.paths.root / ".index-rebuild"
        backend = open_backend(building, recreate=True)
        count = 0
        try:
            batch = []
            for path, article in self.iter_articles():
                ingested = _ingested_at(article, path)
                batch.append(document_from_article(article, ingested))
                count += 1
                if progress is not None:
                    progress(1)
                if len(batch) >= 1000:
                    backend.add(batch)
                    batch = []
            backend.add(batch)
            backend.commit()
        finally:
            backend.close()
        old = self.paths.root / ".index-old"
        if self.paths.index.exists():
            self.paths.index.rename(old)
        building.rename(self.paths.index)
        if old.exists():
            readme = old / "README.md"
            if readme.exists():
                shutil.copy2(readme, self.paths.index / "README.md")
            shutil.rmtree(old)
        return count


def _id_of(article_id: str) -> str:
    """Accept a bare id or a full guid."""
    if ":" not in article_id:
        return article_id
    from newsarchive import newsml

    return newsml.id_from_guid(article_id)


def _ingested_at(article: Article, path: Path) -> str:
    return article.normalised_at or datetime.fromtimestamp(path.stat().st_mtime, UTC).isoformat()
