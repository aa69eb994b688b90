"""The Whoosh search backend: the only module that imports whoosh.

:class:`WhooshBackend` implements :class:`newsarchive.search.SearchBackend`. The choices
below follow what ``../shared/design/search-notes.md`` measured on this project's kind of
machine and what ``benchmarks/search.py`` re-measures:

* **Analysis.** Words are ``\\w+`` runs, lower-cased and stemmed, with no stop list (so a
  phrase keeps its small words). English, and text whose language is unknown, goes into
  ``headline``/``kicker``/``dek``/``body`` with the Porter stemmer. A story in another
  language Whoosh can stem (:data:`STEMMED_LANGUAGES`) goes into the same fields with a
  ``__<lang>`` suffix, analysed by that language's Snowball stemmer; a query is compiled
  against every language present in the index, so an English-only archive pays nothing.
* **Dates.** ``day`` holds the published day as a ``yyyymmdd`` number: date ranges over it
  were 3-7x faster than over a second-resolution ``DATETIME``. ``sortdate`` is a column
  only (seconds since the epoch) for newest/oldest sorting.
* **Facets** read columns (``f_section`` ...) that keep each value as published, so one
  CLI process counts them without building a cache from the terms first.
* **Highlights** use the character offsets stored with ``body`` (``chars=True``) and a
  ``PinpointFragmenter``, which never re-tokenises the stored text.
* **Writing.** Text fields are indexed by a fused field (:func:`_fused_text_class`) that
  produces exactly the stock analyser chain's postings in one pass, and writers use a
  codec without per-block length bounds (:func:`_codec_class`). On Reuters (21,577
  stories, one process, one core) they cut the CPU time to index from 30-37 s to
  22-24 s. The analysers themselves are the stock ones, so queries and highlights
  tokenise as before, and indexes written before still open and grow.
* **Bulk writes** (``bulk=True``: ``reindex``, large migrations) use two processes, one
  segment each, and a large pool per process (:data:`BULK_LIMITMB`): 2.5x the default
  throughput. Small writes use one process so an ingest of a few files does not pay for
  a fork.

whoosh is imported inside functions, so importing this module costs nothing until an
index is opened (``newsarchive --help`` never pays for it).
"""

from __future__ import annotations

import functools
import heapq
import importlib
import itertools
import logging
import math
import os
import re
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from newsarchive.errors import SearchIndexError
from newsarchive.search import (
    DEFAULT_FIELDS,
    MARK_END,
    MARK_START,
    MAX_SNIPPETS,
    AndNode,
    DateRangeNode,
    FuzzyNode,
    Hit,
    IndexDocument,
    KeywordNode,
    MatchAllNode,
    NotNode,
    OrNode,
    PhraseNode,
    QueryNode,
    SearchOptions,
    SearchResults,
    TermNode,
    WildcardNode,
    day_of,
    default_field_terms,
    parse_query,
)

LOGGER = logging.getLogger(__name__)

#: Languages with a Whoosh stemmer other than English (ISO 639-1).
STEMMED_LANGUAGES = frozenset(
    ("ar", "da", "nl", "fi", "fr", "de", "hu", "it", "no", "pt", "ro", "ru", "es", "sv")
)
#: Text fields that get one variant per stemmed language.
LANGUAGE_FIELDS = ("headline", "kicker", "dek", "body")
#: BM25F field weights applied at query time: a word in the headline counts double.
FIELD_BOOSTS = {"headline": 2.0, "dek": 1.5}
#: Keyword fields matched as a phrase of their words (so ``source:"daily beast"`` works).
NAME_FIELDS = ("section", "source")
#: Facet name -> column field holding the value as published.
FACET_COLUMNS = {
    "section": "f_section",
    "source": "f_source",
    "language": "f_language",
    "year": "f_year",
}
WORD_PATTERN = r"\w+"
BULK_PROCS = 2
#: Pool per bulk writer process, in Whoosh's estimate (a process's RSS grows to about 1.4x
#: this). A pool that fills is written to disk one pickled posting at a time and merged
#: back at commit: on half of Reuters x5 (54,000 stories, one process) 512 MB filled once
#: and cost 74 s of CPU against 48 s with 1,024 MB (peak RSS 776 against 1,385 MB).
BULK_LIMITMB = 1024
#: ... but at most 1/BULK_MEMORY_SHARE of the machine's memory per writer process.
BULK_MEMORY_SHARE = 8
SMALL_LIMITMB = 128
#: Seconds a writer waits for another process's lock before giving up.
LOCK_TIMEOUT = 10.0
#: A date window never checks each match's day in a column when the rest of the query
#: is estimated to match more than this many documents (see _window_by_lookup).
WINDOW_LOOKUP_MAX = 4000
SNIPPET_CHARS = 240
SNIPPET_SURROUND = 60
SNIPPET_FRAGMENTS = 2
SIMILAR_TERMS = 20
SUGGEST_MAX_EDITS = 2
#: Suggestions keep the first two letters: 10x faster than one (measured: 7 vs 68 ms
#: for an unknown word on Reuters) and typos rarely hit the opening letters.
SUGGEST_PREFIX = 2
#: A word found in at most this many documents may be a typo worth correcting.
SUGGEST_RARE_MAX = 2


def _whoosh(module: str) -> Any:
    """Import ``whoosh.<module>`` on first use. Typed as Any on purpose: the fork's partial
    annotations change between releases, and only the stable 2.7 API is used here."""
    return importlib.import_module(f"whoosh.{module}")


def build_schema() -> Any:
    """The index schema (see the module docstring for why each field looks as it does)."""
    analysis, columns, fields = _whoosh("analysis"), _whoosh("columns"), _whoosh("fields")

    english = analysis.StemmingAnalyzer(expression=WORD_PATTERN, stoplist=None, minsize=1)
    plain = analysis.StandardAnalyzer(expression=WORD_PATTERN, stoplist=None, minsize=1)
    text = _fused_text_class()
    schema = fields.Schema(
        id=fields.ID(stored=True, unique=True),
        headline=text(analyzer=english, stored=True),
        kicker=text(analyzer=english, stored=True),
        dek=text(analyzer=english, stored=True),
        body=text(analyzer=english, stored=True, chars=True),
        byline=text(analyzer=plain),
        dateline=text(analyzer=plain, stored=True),
        section=text(analyzer=plain, stored=True),
        source=text(analyzer=plain, stored=True),
        language=fields.ID(stored=True),
        subjects=fields.KEYWORD(lowercase=True),
        places=fields.KEYWORD(lowercase=True),
        spell=text(analyzer=plain, phrase=False),
        day=fields.NUMERIC(int, bits=32, signed=False),
        sortdate=fields.COLUMN(columns.NumericColumn("q", default=0)),
        f_day=fields.COLUMN(columns.NumericColumn("I", default=0)),
        published=fields.STORED(),
        ingested=fields.STORED(),
        bylines=fields.STORED(),
        **{name: fields.COLUMN(columns.VarBytesColumn()) for name in FACET_COLUMNS.values()},
    )
    for lang in sorted(STEMMED_LANGUAGES):
        stemmer = (
            analysis.RegexTokenizer(WORD_PATTERN)
            | analysis.LowercaseFilter()
            | analysis.StemFilter(lang=lang)
        )
        schema.add(f"*__{lang}", text(analyzer=stemmer, stored=True, chars=True), glob=True)
    return schema


def _bulk_limitmb() -> int:
    """The bulk pool size: :data:`BULK_LIMITMB`, less on a machine with little memory."""
    try:
        memory_mb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2**20
    except (AttributeError, ValueError, OSError):  # no sysconf, or no such name here
        return SMALL_LIMITMB
    return max(SMALL_LIMITMB, min(BULK_LIMITMB, memory_mb // BULK_MEMORY_SHARE))


def language_suffix(language: str | None) -> str:
    """The field-name suffix for text in ``language`` ("" for English or unknown)."""
    code = (language or "").split("-")[0].split("_")[0].lower()
    return f"__{code}" if code in STEMMED_LANGUAGES else ""


def whoosh_fields(doc: IndexDocument) -> dict[str, Any]:
    """The keyword arguments for ``add_document``; empty values are left out."""
    suffix = language_suffix(doc.language)
    day = day_of(doc.published)
    values: dict[str, Any] = {
        "id": doc.id,
        f"headline{suffix}": doc.headline,
        f"kicker{suffix}": doc.kicker,
        f"dek{suffix}": doc.dek,
        f"body{suffix}": doc.body,
        "byline": "\n".join(doc.bylines),
        "dateline": doc.dateline,
        "section": doc.section,
        "source": doc.source,
        "language": (doc.language or "").lower() or None,
        "subjects": " ".join(doc.subjects),
        "places": " ".join(doc.places),
        "spell": " ".join(part for part in (doc.headline, doc.kicker, doc.dek) if part),
        "day": day,
        "sortdate": _epoch_seconds(doc.published),
        "f_day": day,
        "published": doc.published,
        "ingested": doc.ingested,
        "bylines": tuple(doc.bylines) or None,
        "f_section": _column(doc.section),
        "f_source": _column(doc.source),
        "f_language": _column(doc.language.lower() if doc.language else None),
        "f_year": _column(str(day // 10000) if day else None),
    }
    return {name: value for name, value in values.items() if value not in (None, "")}


#: The fused indexing path forgets its stems when it has cached this many words.
STEM_CACHE_MAX = 200_000


class _WordPlan:
    """What the fused text field does instead of an analyser chain: one regex scan, one
    ``lower()`` of the whole text when it is ASCII (there lower-casing cannot move a
    character or change what is a word character; other text is lower-cased word by
    word, as LowercaseFilter does), and a dict of stems in front of the stemmer."""

    def __init__(self, pattern: Any, stem: Callable[[str], str] | None) -> None:
        self.pattern = pattern
        self.splitter = re.compile(f"({pattern.pattern})", pattern.flags)
        self.stem = stem
        self.cache: dict[str, str] = {}

    def terms(self, text: str) -> list[str]:
        """The indexed term of each word, in order."""
        if text.isascii():
            words = self.pattern.findall(text.lower())
        else:
            words = [word.lower() for word in self.pattern.findall(text)]
        return self._stems(words)

    def occurrences(self, text: str) -> tuple[list[str], Iterable[tuple[int, int, int]]]:
        """The terms, and each word's (position, start, end) with offsets into ``text``
        itself. Splitting on the captured pattern yields gaps and words alternately, so
        the running sum of the pieces' lengths gives every offset without a Match object
        per word."""
        pieces = self.splitter.split(text.lower() if text.isascii() else text)
        words = pieces[1::2] if text.isascii() else [word.lower() for word in pieces[1::2]]
        offsets = list(itertools.accumulate(map(len, pieces)))
        positions = range(len(words))
        return self._stems(words), zip(positions, offsets[:-1:2], offsets[1::2], strict=True)

    def _stems(self, words: list[str]) -> list[str]:
        stem = self.stem
        if stem is None:
            return words
        cache = self.cache
        if len(cache) > STEM_CACHE_MAX:
            cache.clear()
        for word in set(words).difference(cache):
            cache[word] = stem(word)
        return [cache[word] for word in words]


def _word_plan(analyzer: Any) -> _WordPlan | None:
    """The plan for ``analyzer`` when it is exactly the chain the fused path reproduces:
    a ``\\w+`` RegexTokenizer, a LowercaseFilter, then at most one StemFilter with
    nothing to ignore. Any other chain gives None and is indexed through Whoosh's own
    token stream."""
    analysis, languages = _whoosh("analysis"), _whoosh("lang")
    items = list(getattr(analyzer, "items", ()))
    if len(items) not in (2, 3):
        return None
    tokenizer, lower, *stems = items
    if not (
        type(tokenizer) is analysis.RegexTokenizer
        and not tokenizer.gaps
        and tokenizer.expression.pattern == WORD_PATTERN
        and type(lower) is analysis.LowercaseFilter
    ):
        return None
    if not stems:
        return _WordPlan(tokenizer.expression, None)
    stemmer = stems[0]
    if type(stemmer) is not analysis.StemFilter or stemmer.ignore:
        return None
    stem = languages.stemmer_for_language(stemmer.lang) if stemmer.lang else stemmer.stemfn
    return _WordPlan(tokenizer.expression, stem)


@functools.cache
def _fused_text_class() -> Any:
    """A TEXT field that turns a string into its postings in one pass.

    Whoosh indexes a text by pulling one shared Token through a generator per filter,
    then through the format's per-token ``word_values``; on Reuters that was about a
    third of all indexing time. This field finds the terms with a :class:`_WordPlan`,
    groups their positions (and character offsets) in one dict, and encodes them with
    the stock format's own ``encode``: the terms, frequencies, weights and posting bytes
    are the stock ones (``tests/test_index_writing.py`` checks this on arbitrary text), so
    queries, phrases, highlights and indexes written before are unchanged. The analyser
    stays the stock chain for queries and highlights. Lists, extra arguments, other
    analysers and other formats go through ``TEXT.index`` as before.

    Pickled into the index's schema by reference to :func:`_restore_fused_text`, so the
    class can stay inside this function and importing the module still imports no whoosh.
    """
    fields, formats, system = _whoosh("fields"), _whoosh("formats"), _whoosh("system")
    base: Any = fields.TEXT
    characters, positions, frequency = formats.Characters, formats.Positions, formats.Frequency
    pack_uint = system.pack_uint

    class FusedText(base):  # type: ignore[misc]  # subclassing an untyped base
        def __reduce__(self) -> tuple[Any, ...]:
            state = {k: v for k, v in self.__dict__.items() if k != "_fused_plan"}
            return _restore_fused_text, (), state

        def index(self, value: Any, **kwargs: Any) -> Any:
            plan = self._plan()
            kind = type(self.format)
            if plan is None or kwargs or type(value) is not str:
                return super().index(value, **kwargs)
            boost = self.format.field_boost
            if kind is characters:
                encode = self.format.encode
                terms, occurrences = plan.occurrences(value)
                seen: dict[str, list[tuple[int, int, int]]] = {}
                for term, occurrence in zip(terms, occurrences, strict=True):
                    if term in seen:
                        seen[term].append(occurrence)
                    else:
                        seen[term] = [occurrence]
                return [(t.encode(), len(p), len(p) * boost, encode(p)) for t, p in seen.items()]
            if kind is positions:
                encode = self.format.encode
                poses: dict[str, list[int]] = {}
                for pos, term in enumerate(plan.terms(value)):
                    if term in poses:
                        poses[term].append(pos)
                    else:
                        poses[term] = [pos]
                return [(t.encode(), len(p), len(p) * boost, encode(p)) for t, p in poses.items()]
            if kind is frequency:
                counts: dict[str, int] = {}
                for term in plan.terms(value):
                    counts[term] = counts.get(term, 0) + 1
                return [(t.encode(), n, n * boost, pack_uint(n)) for t, n in counts.items()]
            return super().index(value, **kwargs)

        def _plan(self) -> _WordPlan | None:
            if "_fused_plan" not in self.__dict__:
                self.__dict__["_fused_plan"] = _word_plan(self.analyzer)
            plan: _WordPlan | None = self.__dict__["_fused_plan"]
            return plan

    return FusedText


def _restore_fused_text() -> Any:
    """An empty fused field for unpickling an index's schema (its state follows)."""
    cls = _fused_text_class()
    return cls.__new__(cls)


@functools.cache
def _codec_class() -> Any:
    """Whoosh's W3 codec without the shortest/longest document of each postings block.

    To record those bounds a commit reads every posting's field length back from the
    segment's length column: a fifth of commit time on Reuters. They only serve a
    collector that skips blocks which cannot reach the top N; without them a block's
    BM25 bound is computed for the shortest possible document, which is still an upper
    bound, so results are the same and only that skipping is less eager (``search``
    does not skip blocks: its collectors use ``replace=0``). Scores read each document's
    own length, which is still stored. Merges by ``optimize`` use the stock codec.

    Pickled into each segment by reference to :func:`_restore_codec`.
    """
    base: Any = _whoosh("codec.whoosh3").W3Codec

    class NoLengthBoundsCodec(base):  # type: ignore[misc]  # subclassing an untyped base
        length_stats = False

        def __reduce__(self) -> tuple[Any, ...]:
            return _restore_codec, (), dict(self.__dict__)

    return NoLengthBoundsCodec


def _restore_codec() -> Any:
    """An empty codec for unpickling a segment (its settings follow)."""
    cls = _codec_class()
    return cls.__new__(cls)


class WhooshBackend:
    """A :class:`~newsarchive.search.SearchBackend` over a Whoosh index in ``index_dir``.

    A missing index is created; an unreadable one raises :class:`SearchIndexError`.
    ``bulk=True`` selects the two-process writer for large batches; ``recreate=True``
    starts from an empty index. ``oneshot=True`` suits a backend opened for one search
    (the CLI): by default Whoosh maps each segment file and copies it into memory when
    the index opens, which pays off over many searches; one-shot, the files are read
    on demand instead (Reuters: index and searcher open in 24 instead of 60 ms and 23
    instead of 132 MB; each search is about 15% slower).
    """

    def __init__(
        self,
        index_dir: Path,
        *,
        bulk: bool = False,
        recreate: bool = False,
        oneshot: bool = False,
    ) -> None:
        self.index_dir = Path(index_dir)
        self.bulk = bulk
        self._ix = _open_index(self.index_dir, recreate=recreate, mapped=not oneshot)
        # FileIndex.schema re-reads the table of contents from disk on every access.
        self._schema = self._ix.schema
        self._writer: Any = None
        self._searcher: Any = None
        self._suffixes: tuple[str, ...] | None = None

    def __enter__(self) -> WhooshBackend:
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is None:
            self.commit()
        else:
            self.cancel()
        self.close()

    # -- writing --------------------------------------------------------------------------

    def add(self, documents: Sequence[IndexDocument]) -> None:
        writer = self._open_writer()
        for doc in documents:
            writer.add_document(**whoosh_fields(doc))

    def update(self, documents: Sequence[IndexDocument]) -> None:
        # A writer only sees committed documents when it deletes by id, so a batch
        # naming one id twice must be reduced to its last version first.
        latest = {doc.id: doc for doc in documents}
        writer = self._open_writer()
        for doc in latest.values():
            writer.update_document(**whoosh_fields(doc))

    def delete(self, ids: Iterable[str]) -> None:
        writer = self._open_writer()
        for doc_id in ids:
            writer.delete_by_term("id", doc_id)

    def commit(self) -> None:
        if self._writer is None:
            return
        writer, self._writer = self._writer, None
        try:
            writer.commit()
        except Exception as exc:  # whoosh raises assorted types when a commit fails
            raise SearchIndexError(f"{self.index_dir}: cannot commit to the index ({exc})") from exc
        self._reset_searcher()

    def cancel(self) -> None:
        if self._writer is not None:
            writer, self._writer = self._writer, None
            writer.cancel()

    def optimize(self) -> None:
        self.commit()
        writer = self._lock_writer(procs=1, limitmb=_bulk_limitmb())
        writer.commit(optimize=True)
        self._reset_searcher()

    def close(self) -> None:
        self.cancel()
        self._reset_searcher()
        self._ix.close()

    # -- reading --------------------------------------------------------------------------

    def count(self) -> int:
        return int(self._ix.doc_count())

    def search(self, options: SearchOptions) -> SearchResults:
        options.validate()
        node = parse_query(options.query)
        days = options.day_range()
        if days is not None:
            node = AndNode((*node.items, days) if isinstance(node, AndNode) else (node, days))
        searcher = self._open_searcher()
        query = self._compile(node, options.fields, searcher.reader())
        collector = self._collector(options, searcher.reader())
        searcher.search_with_collector(query, collector)
        results = collector.results()
        total = len(results)
        offset = (options.page - 1) * options.limit
        if options.highlight:
            _prepare_highlights(results)
        hits = tuple(
            self._hit(
                results[n], options, highlight=options.highlight and n - offset < MAX_SNIPPETS
            )
            for n in range(offset, min(offset + options.limit, results.scored_length()))
        )
        facets = {name: _facet_counts(results, name) for name in options.facets}
        suggestion = None
        if total <= options.suggest_below:
            suggestion = self._suggest_for(node, options.query)
        return SearchResults(
            hits=hits,
            total=total,
            page=options.page,
            pages=max(1, math.ceil(total / options.limit)),
            query=options.query,
            facets=facets,
            suggestion=suggestion,
        )

    def suggest(self, query: str) -> str | None:
        return self._suggest_for(parse_query(query), query)

    def similar(self, id: str, limit: int = 10) -> list[Hit]:
        searcher = self._open_searcher()
        docnum = searcher.document_number(id=id)
        if docnum is None:
            raise SearchIndexError(f"no article with id {id!r} in the index")
        query = _whoosh("query")
        body = "body" + language_suffix(searcher.stored_fields(docnum).get("language"))
        # The index keeps stop words (phrases need them), so drop them from the key terms
        # here or "the" and "of" would decide what is similar.
        stop = _stopped_stems(self._schema[body].analyzer, body.partition("__")[2] or "en")
        candidates = searcher.key_terms([docnum], body, numterms=SIMILAR_TERMS * 3)
        terms = [(word, weight) for word, weight in candidates if word not in stop]
        if not terms:
            return []
        likeness = query.Or(
            [query.Term(body, word, boost=weight) for word, weight in terms[:SIMILAR_TERMS]]
        )
        results = searcher.search(likeness, limit=limit, mask={docnum})
        return [_hit_from_stored(hit.fields(), float(hit.score), None) for hit in results]

    # -- internals ------------------------------------------------------------------------

    def _open_writer(self) -> Any:
        if self._writer is None:
            codec = _codec_class()()
            if self.bulk:
                self._writer = self._lock_writer(
                    procs=BULK_PROCS, multisegment=True, limitmb=_bulk_limitmb(), codec=codec
                )
            else:
                self._writer = self._lock_writer(procs=1, limitmb=SMALL_LIMITMB, codec=codec)
        return self._writer

    def _lock_writer(self, **settings: Any) -> Any:
        try:
            return self._ix.writer(timeout=LOCK_TIMEOUT, delay=0.25, **settings)
        except _whoosh("index").LockError as exc:
            raise SearchIndexError(
                f"{self.index_dir}: the index is locked by another writer (waited "
                f"{LOCK_TIMEOUT:.0f} s); try again when the other ingest has finished"
            ) from exc

    def _open_searcher(self) -> Any:
        """The searcher, reopened when another writer has committed since (a searcher
        keeps the snapshot it opened on)."""
        if self._searcher is not None and not self._searcher.up_to_date():
            # Reopen rather than Searcher.refresh(), which fails on a once-empty index.
            self._reset_searcher()
        if self._searcher is None:
            self._searcher = self._ix.searcher()
        if self._suffixes is None:
            names = self._searcher.reader().indexed_field_names()
            self._suffixes = ("", *sorted({n[n.index("__") :] for n in names if "__" in n}))
        return self._searcher

    def _reset_searcher(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
        self._searcher = None
        self._suffixes = None

    def _compile(self, node: QueryNode, default_fields: Sequence[str], reader: Any) -> Any:
        compiler = _Compiler(self._schema, self._suffixes or ("",), default_fields, reader)
        # Flatten nested ORs and drop empty clauses as Whoosh's own parser does; unflattened
        # trees both run slower and (seen on Reuters) rank a little differently.
        return compiler.compile(node).normalize()

    def _collector(self, options: SearchOptions, reader: Any) -> Any:
        """The collector for one search, built here rather than by ``Searcher.search``.

        Whoosh's scored collectors periodically "replace" the matcher with one that drops
        clauses whose best possible score cannot reach the current top N. Its estimates
        run low for boosted and keyword fields, so top documents were lost (Reuters:
        "section:energy AND prices" missed its best hit; naive Whoosh missed others).
        ``replace=0`` turns that off, and without block skipping the collector also
        counts every match in its one pass, which is cheaper than Whoosh's second pass to
        count. Facets then ride on the same top-N collector instead of a full sort.
        """
        collectors, sorting = _whoosh("collectors"), _whoosh("sorting")
        limit = options.page * options.limit
        if options.sort == "relevance":
            collector = collectors.TopCollector(limit, usequality=False, replace=0)
        else:
            collector = _date_order_collector_class()(limit, newest=options.sort == "newest")
        # A column no document has a value for is absent from the index, and Whoosh would
        # then read the facet from the field's terms, which a column-only field has not.
        facets = {
            name: sorting.FieldFacet(FACET_COLUMNS[name], maptype=sorting.Count)
            for name in options.facets
            if reader.has_column(FACET_COLUMNS[name])
        }
        if facets:
            collector = collectors.FacetCollector(collector, facets, maptype=sorting.Count)
        if options.highlight:
            collector = collectors.TermsCollector(collector)
        filter_query = self._filter(options)
        if filter_query is not None:
            collector = collectors.FilterCollector(collector, filter_query, None)
        return collector

    def _filter(self, options: SearchOptions) -> Any:
        compiler = _Compiler(self._schema, ("",), DEFAULT_FIELDS)
        parts: list[Any] = []
        for name in ("section", "source", "language"):
            value = getattr(options, name)
            if value:
                parts.append(compiler.compile(KeywordNode(name, value)))
        if options.byline:
            parts.append(compiler.compile(PhraseNode("byline", options.byline)))
        if not parts:
            return None
        query = _whoosh("query")

        return parts[0] if len(parts) == 1 else query.And(parts)

    def _hit(self, hit: Any, options: SearchOptions, *, highlight: bool) -> Hit:
        stored = hit.fields()
        score = float(hit.score) if options.sort == "relevance" else None
        snippet = _snippet(hit, stored) if highlight else None
        return _hit_from_stored(stored, score, snippet)

    def _suggest_for(self, node: QueryNode, text: str) -> str | None:
        """Replace each rare default-field word by a close, more common one (at most two
        edits, same first two letters). Rare rather than absent: archives hold typos too,
        so "bundesbnak" occurs once in Reuters beside 68 headlines with "bundesbank"."""
        words = default_field_terms(node)
        if not words:
            return None
        reader = self._open_searcher().reader()
        corrector = reader.corrector("spell")
        stemmer = self._schema["body"].analyzer
        changes: list[tuple[tuple[int, int], str]] = []
        for term in words:
            word = term.text.lower()
            seen = reader.doc_frequency("spell", word) + max(
                (reader.doc_frequency("body", token.text) for token in stemmer(word)), default=0
            )
            if seen > SUGGEST_RARE_MAX:
                continue
            candidates = corrector.suggest(
                word, limit=3, maxdist=SUGGEST_MAX_EDITS, prefix=SUGGEST_PREFIX
            )
            better = [
                c for c in candidates if c != word and reader.doc_frequency("spell", c) > seen
            ]
            if better:
                changes.append((term.span, better[0]))
        if not changes:
            return None
        for (start, end), replacement in sorted(changes, reverse=True):
            text = text[:start] + replacement + text[end:]
        return text


class _Compiler:
    """Turns the neutral query tree into Whoosh query objects for one index."""

    def __init__(
        self,
        schema: Any,
        suffixes: Sequence[str],
        default_fields: Sequence[str],
        reader: Any = None,
    ):
        query = _whoosh("query")

        self.q = query
        self.schema = schema
        self.suffixes = suffixes
        self.default_fields = tuple(default_fields)
        #: The index's reader, when given, lets :meth:`_text` leave out clauses that
        #: cannot match.
        self.reader = reader

    def compile(self, node: QueryNode) -> Any:
        q = self.q
        if isinstance(node, AndNode):
            return self._and(node)
        if isinstance(node, OrNode):
            return q.Or([self.compile(item) for item in node.items])
        if isinstance(node, NotNode):
            return q.Not(self.compile(node.item))
        if isinstance(node, MatchAllNode):
            return q.Every()
        if isinstance(node, DateRangeNode):
            return q.NumericRange("day", node.start, node.end)
        if isinstance(node, KeywordNode):
            return self._keyword(node)
        return self._text(node)

    def _and(self, node: AndNode) -> Any:
        # And([a, Not(b)]) rather than AndNot(a, b): Whoosh's AndNot matcher drops
        # documents from a top-k collection over several segments (seen on Reuters).
        days = [item for item in node.items if isinstance(item, DateRangeNode)]
        rest = [self.compile(item) for item in node.items if not isinstance(item, DateRangeNode)]
        if not days or not rest:
            return self.q.And(rest + [self.compile(day) for day in days])
        start = max((d.start for d in days if d.start is not None), default=None)
        end = min((d.end for d in days if d.end is not None), default=None)
        return _day_window_class()(self.q.And(rest) if len(rest) > 1 else rest[0], start, end)

    def _keyword(self, node: KeywordNode) -> Any:
        q = self.q
        if node.field in NAME_FIELDS:
            return self._words(node.field, node.value, phrase=True, slop=1, boost=1.0)
        if node.field == "language":
            return q.Term("language", node.value.lower().split("-")[0])
        if node.field == "id":
            return q.Term("id", node.value)
        return q.Term(node.field, node.value.lower())

    def _text(self, node: TermNode | PhraseNode | WildcardNode | FuzzyNode) -> Any:
        q = self.q
        clauses = []
        for name in self._fields(node.field):
            # Weights rank headline against body matches of a default-field word; a word
            # aimed at one field has nothing to be weighed against.
            boost = FIELD_BOOSTS.get(name.split("__")[0], 1.0) if node.field is None else 1.0
            if isinstance(node, TermNode):
                clause = self._words(name, node.text, phrase=False, slop=1, boost=boost)
            elif isinstance(node, PhraseNode):
                # Whoosh's slop is the largest position gap; ours counts the words in between.
                clause = self._words(name, node.text, phrase=True, slop=node.slop + 1, boost=boost)
            elif isinstance(node, FuzzyNode):
                clause = q.FuzzyTerm(name, node.text, boost=boost, maxdist=node.distance)
            elif node.pattern.endswith("*") and not any(c in node.pattern[:-1] for c in "*?"):
                clause = q.Prefix(name, node.pattern[:-1], boost=boost)
            else:
                clause = q.Wildcard(name, node.pattern, boost=boost)
            if clause is not None:
                clauses.append(clause)
        if not clauses:
            return q.NullQuery
        # One clause must stay even when none can match: an empty clause would be
        # dropped from an enclosing AND (Whoosh's normalize()) instead of emptying it.
        clauses = [c for c in clauses if self._can_match(c)] or clauses[:1]
        return clauses[0] if len(clauses) == 1 else q.Or(clauses)

    def _can_match(self, clause: Any) -> bool:
        """False when a word that a term, phrase or all-words clause needs is in no
        document. Such a clause matches nothing, but Whoosh still keeps its empty matcher
        in the union of fields and visits it at every step: a word searched in four
        fields and two of them empty (no kicker or dek) cost a union three deep."""
        q = self.q
        if self.reader is None or not isinstance(clause, q.Term | q.Phrase | q.And):
            return True
        return all(term in self.reader for term in clause.iter_all_terms(phrases=True))

    def _fields(self, field: str | None) -> list[str]:
        names = self.default_fields if field is None else (field,)
        return [
            name + suffix
            for name in names
            for suffix in (self.suffixes if name in LANGUAGE_FIELDS else ("",))
        ]

    def _words(self, name: str, text: str, *, phrase: bool, slop: int, boost: float) -> Any:
        """Analyse ``text`` as the field does; several words become a phrase or an AND."""
        q = self.q
        words = [token.text for token in self.schema[name].analyzer(text, mode="query")]
        if not words:
            return None
        if len(words) == 1:
            return q.Term(name, words[0], boost=boost)
        if phrase:
            return q.Phrase(name, words, slop=slop, boost=boost)
        return q.And([q.Term(name, word, boost=boost) for word in words])


class _DaysBetween:
    """Set-like view of the documents of one segment published within a window of days."""

    def __init__(self, days: Any, start: int | None, end: int | None) -> None:
        self.days = days
        self.start = start or 1  # 0 is "no date", never inside a window
        self.end = end or 99991231

    def __contains__(self, docnum: int) -> bool:
        return bool(self.start <= self.days[docnum] <= self.end)


@functools.cache
def _day_window_class() -> Any:
    """A query that keeps the child's matches published inside a window of days.

    A range over the ``day`` field has to read the postings of every story in the window
    (a month of Reuters is 11,000) before the AND can intersect them. When the rest of
    the query matches few documents it is far cheaper to look up each match's day in
    the ``f_day`` column; when it matches many, or more than the window holds, the
    range is intersected as usual (:func:`_window_by_lookup` decides).
    """
    query, wrappers = _whoosh("query"), _whoosh("matching.wrappers")
    binary = _whoosh("matching.binary")
    base: Any = query.WrappingQuery

    class DayWindow(base):  # type: ignore[misc]  # subclassing an untyped base
        def __init__(self, child: Any, start: int | None, end: int | None) -> None:
            super().__init__(child)
            self.start, self.end = start, end

        def __repr__(self) -> str:
            return f"DayWindow({self.child!r}, {self.start}, {self.end})"

        def __eq__(self, other: object) -> bool:
            return bool(super().__eq__(other)) and (self.start, self.end) == (
                getattr(other, "start", None),
                getattr(other, "end", None),
            )

        def __hash__(self) -> int:
            return hash((self.child, self.start, self.end))

        def _rewrap(self, child: Any) -> Any:
            return self.__class__(child, self.start, self.end)

        def matcher(self, searcher: Any, context: Any = None) -> Any:
            child = self.child.matcher(searcher, context)
            if not child.is_active():
                return child
            reader = searcher.reader()
            days = query.NumericRange("day", self.start, self.end)
            if _window_by_lookup(
                self.child.estimate_size(reader), lambda: days.estimate_size(reader)
            ):
                column = reader.column_reader("f_day")
                return wrappers.FilterMatcher(child, _DaysBetween(column, self.start, self.end))
            # Boost 0: the range scores 1 per story, but a window filters and must add
            # nothing, whichever way it is checked (it used to add 1 here).
            window = wrappers.WrappingMatcher(days.matcher(searcher, context), boost=0.0)
            return binary.IntersectionMatcher(child, window)

    return DayWindow


def _window_by_lookup(matches: int, window: Callable[[], int]) -> bool:
    """True when a date window should look up the day of each of the ``matches`` the
    rest of the query is estimated to have; False when it should intersect the day
    range, whose size ``window()`` estimates (asked only when needed: it lists terms).

    A lookup costs one step of the rest of the query per match, an intersection reads
    the window's postings, so the smaller side decides. Reuters: ``"stock market"``
    (3,624 estimated) in a 6-day window of 1,592 stories took 85 ms by lookup and 14 ms
    by intersection; ``opec`` (201) in March (11,544) took 4 ms by lookup and 97 ms by
    intersection.
    """
    return matches <= WINDOW_LOOKUP_MAX and matches <= window()


@functools.cache
def _date_order_collector_class() -> Any:
    """A collector keeping the newest (or oldest) N matches by the ``sortdate`` column.

    Whoosh's ``SortingCollector`` asks the matcher for ``all_ids()``, and an AND's
    ``all_ids()`` reads every posting of each side into a set before intersecting:
    "bank loan losses" read 6,900 postings for 168 matches. Stepping the matcher lets
    the AND leap over whole blocks of its commoner words, as relevance ranking does.
    Keys and ties are those of ``SortingCollector`` (the column value, then the
    document number, both reversed for newest first), so the order is the same.
    """
    collectors = _whoosh("collectors")
    base: Any = collectors.Collector

    class DateOrderCollector(base):  # type: ignore[misc]  # subclassing an untyped base
        def __init__(self, limit: int, *, newest: bool) -> None:
            super().__init__()
            self.limit = limit
            self.newest = newest

        def prepare(self, top_searcher: Any, q: Any, context: Any) -> None:
            super().prepare(top_searcher, q, context.set(needs_current=True))
            self.items: list[tuple[int, int]] = []

        def set_subsearcher(self, subsearcher: Any, offset: int) -> None:
            super().set_subsearcher(subsearcher, offset)
            self.column = subsearcher.reader().column_reader("sortdate", translate=False)

        def sort_key(self, sub_docnum: int) -> int:
            return int(self.column.sort_key(sub_docnum))

        def collect(self, sub_docnum: int) -> int:
            key = self.sort_key(sub_docnum)
            self.items.append((key, self.offset + sub_docnum))
            return key

        def matches(self) -> Iterable[int]:
            return _stepped_matches(self)

        def count(self) -> int:
            return len(self.items)

        def all_ids(self) -> Iterable[int]:
            return sorted(docnum for _, docnum in self.items)

        def results(self) -> Any:
            pick = heapq.nlargest if self.newest else heapq.nsmallest
            return self._results(pick(self.limit, self.items))

    return DateOrderCollector


#: Steps between two prunings of a matcher's exhausted branches.
PRUNE_EVERY = 10


def _stepped_matches(collector: Any) -> Iterable[int]:
    """The collector's matches, stepping its matcher so that it is current at each one.

    Every :data:`PRUNE_EVERY` steps the matcher is replaced by ``replace()`` with no
    minimum score, as Whoosh's own ``all_ids()`` does: that only cuts away branches that
    have run out (an OR of four fields whose headline postings are done), never one
    that can still match, and each removed branch is one fewer to visit per step.
    """
    matcher = collector.matcher
    steps = 0
    while matcher.is_active():
        yield matcher.id()
        matcher.next()
        steps += 1
        if steps == PRUNE_EVERY:
            matcher = collector.matcher = matcher.replace()
            steps = 0


def _open_index(index_dir: Path, *, recreate: bool, mapped: bool = True) -> Any:
    index, filestore = _whoosh("index"), _whoosh("filedb.filestore")

    try:
        index_dir.mkdir(parents=True, exist_ok=True)
        if recreate or not index.exists_in(str(index_dir)):
            return index.create_in(str(index_dir), build_schema())
        return filestore.FileStorage(str(index_dir), supports_mmap=mapped).open_index()
    except Exception as exc:  # a damaged index surfaces as many different exception types
        raise SearchIndexError(
            f"{index_dir}: cannot open the search index ({type(exc).__name__}: {exc}); "
            "rebuild it with `newsarchive reindex`"
        ) from exc


def _prepare_highlights(results: Any) -> None:
    highlight = _whoosh("highlight")

    results.fragmenter = highlight.PinpointFragmenter(
        maxchars=SNIPPET_CHARS, surround=SNIPPET_SURROUND, autotrim=True
    )
    results.formatter = _mark_formatter_class()()


def _snippet(hit: Any, stored: dict[str, Any]) -> str | None:
    """Fragments of the body around the matches; the body's opening when only the
    headline or another field matched."""
    body_field = "body" + language_suffix(stored.get("language"))
    snippet = hit.highlights(body_field, top=SNIPPET_FRAGMENTS) if body_field in stored else ""
    if snippet:
        return " ".join(str(snippet).split())
    body = " ".join(str(stored.get(body_field) or "").split())
    if len(body) <= SNIPPET_CHARS:
        return body or None
    return body[:SNIPPET_CHARS].rsplit(" ", 1)[0] + " …"


@functools.cache
def _mark_formatter_class() -> Any:
    """A Whoosh formatter wrapping each match in the neutral markers (built on first use,
    so importing this module does not import whoosh)."""
    highlight = _whoosh("highlight")
    base: Any = highlight.Formatter

    class MarkFormatter(base):  # type: ignore[misc]  # subclassing an untyped base
        between = " … "

        def _text(self, text: str) -> str:
            return str(text.replace(MARK_START, "[ [").replace(MARK_END, "] ]"))

        def format_token(self, text: str, token: Any, replace: bool = False) -> str:
            return MARK_START + self._text(highlight.get_text(text, token, replace)) + MARK_END

    return MarkFormatter


@functools.cache
def _stopped_stems_for(lang: str) -> frozenset[str]:
    languages = _whoosh("lang")
    try:
        return frozenset(languages.stopwords_for_language(lang))
    except languages.NoStopWords:
        return frozenset()


def _stopped_stems(analyzer: Any, lang: str) -> frozenset[str]:
    """The language's stop words as the field's analyser indexes them."""
    words = _stopped_stems_for(lang)
    return frozenset(token.text for word in words for token in analyzer(word)) | words


def _hit_from_stored(stored: dict[str, Any], score: float | None, snippet: str | None) -> Hit:
    suffix = language_suffix(stored.get("language"))
    return Hit(
        id=stored["id"],
        headline=stored.get("headline" + suffix, ""),
        score=score,
        published=stored.get("published"),
        section=stored.get("section"),
        source=stored.get("source"),
        language=stored.get("language"),
        dateline=stored.get("dateline"),
        bylines=tuple(stored.get("bylines") or ()),
        snippet=snippet,
    )


def _facet_counts(results: Any, name: str) -> list[tuple[str, int]]:
    counts: dict[str, int] = {}
    if name not in results.facet_names():
        return []  # no document has a value for it (see WhooshBackend._collector)
    for key, n in results.groups(name).items():
        value = key.decode("utf-8") if isinstance(key, bytes) else str(key or "")
        if value:
            counts[value] = counts.get(value, 0) + int(n)
    if name == "year":
        return sorted(counts.items(), reverse=True)
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def _column(value: str | None) -> bytes | None:
    return value.encode("utf-8") if value else None


def _epoch_seconds(published: str | None) -> int | None:
    """Seconds since 1970 for sorting; a naive or date-only timestamp is read as UTC."""
    if not published:
        return None
    try:
        moment = datetime.fromisoformat(published)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp())
