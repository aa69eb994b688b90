"""The Whoosh implementation of :class:`newsarchive.search.SearchBackend`: writing,
searching, suggestions and similar stories over one index folder."""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsarchive.errors import SearchIndexError
from newsarchive.index.codec import codec_class
from newsarchive.index.query import (
    Compiler,
    date_order_collector_class,
    facet_counts,
    hit_from_stored,
    hit_snippet,
    prepare_highlights,
    stopped_stems,
)
from newsarchive.index.schema import (
    BULK_PROCS,
    FACET_COLUMNS,
    SMALL_LIMITMB,
    build_schema,
    bulk_limitmb,
    language_suffix,
    whoosh_fields,
    whoosh_module,
)
from newsarchive.search import (
    DEFAULT_FIELDS,
    MAX_SNIPPETS,
    AndNode,
    Hit,
    IndexDocument,
    KeywordNode,
    PhraseNode,
    QueryNode,
    SearchOptions,
    SearchResults,
    default_field_terms,
    parse_query,
)

if TYPE_CHECKING:
    from newsarchive.index.arrays import Answer

LOGGER = logging.getLogger(__name__)

#: Seconds a writer waits for another process's lock before giving up.
LOCK_TIMEOUT = 10.0
SIMILAR_TERMS = 20
SUGGEST_MAX_EDITS = 2
#: Suggestions keep the first two letters: 10x faster than one (measured: 7 vs 68 ms
#: for an unknown word on Reuters) and typos rarely hit the opening letters.
SUGGEST_PREFIX = 2
#: A word found in at most this many documents may be a typo worth correcting.
SUGGEST_RARE_MAX = 2


class WhooshBackend:
    """A :class:`~newsarchive.search.SearchBackend` over a Whoosh index in ``index_dir``.

    A missing index is created; an unreadable one raises :class:`SearchIndexError`.
    ``bulk=True`` selects the two-process writer for large batches; ``recreate=True``
    starts from an empty index. ``oneshot=True`` suits a backend opened for one search
    (the CLI): by default Whoosh maps each segment file and copies it into memory when
    the index opens, which pays off over many searches; one-shot, the files are read
    on demand instead (Reuters: index and searcher open in 24 instead of 60 ms and 23
    instead of 132 MB; each search is about 15% slower). A long-lived backend answers
    queries from posting arrays (:mod:`newsarchive.index.arrays`); a one-shot one uses
    Whoosh's own matchers, since importing numpy (about 100 ms) costs more than it saves
    on a single query.
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
        self.oneshot = oneshot
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
        self._check_writer_processes(writer)

    def _check_writer_processes(self, writer: Any) -> None:
        """Raise when a bulk writer's process failed: Whoosh commits without its documents.

        Whoosh's multiprocess writer collects each process's segment after the process has
        ended and silently skips one that sent none (an exception or a kill in the child),
        so the commit succeeds with the documents that process held missing from the index.
        The records in archive/ are unharmed and the index can be rebuilt from them.
        """
        codes = [task.exitcode for task in getattr(writer, "tasks", ()) if task.exitcode]
        if codes:
            raise SearchIndexError(
                f"{self.index_dir}: {len(codes)} of the index writer's processes failed (exit "
                f"codes {', '.join(map(str, codes))}), so the documents they held are missing "
                "from the index; rebuild it with `newsarchive reindex`"
            )

    def cancel(self) -> None:
        if self._writer is not None:
            writer, self._writer = self._writer, None
            writer.cancel()

    def optimize(self) -> None:
        self.commit()
        writer = self._lock_writer(procs=1, limitmb=bulk_limitmb(), codec=codec_class()())
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
        answered = self._answer(query, searcher)
        collector = self._collector(options, searcher.reader(), whoosh_terms=answered is None)
        searcher.search_with_collector(
            query if answered is None else answered.as_query(), collector
        )
        results = collector.results()
        total = len(results)
        offset = (options.page - 1) * options.limit
        if options.highlight:
            prepare_highlights(results)
            if answered is not None:
                answered.record_matched_terms(results)
        hits = tuple(
            self._hit(
                results[n], options, highlight=options.highlight and n - offset < MAX_SNIPPETS
            )
            for n in range(offset, min(offset + options.limit, results.scored_length()))
        )
        facets = {name: facet_counts(results, name) for name in options.facets}
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
        query = whoosh_module("query")
        body = "body" + language_suffix(searcher.stored_fields(docnum).get("language"))
        # The index keeps stop words (phrases need them), so drop them from the key terms
        # here or "the" and "of" would decide what is similar.
        stop = stopped_stems(self._schema[body].analyzer, body.partition("__")[2] or "en")
        candidates = searcher.key_terms([docnum], body, numterms=SIMILAR_TERMS * 3)
        terms = [(word, weight) for word, weight in candidates if word not in stop]
        if not terms:
            return []
        likeness = query.Or(
            [query.Term(body, word, boost=weight) for word, weight in terms[:SIMILAR_TERMS]]
        )
        results = searcher.search(likeness, limit=limit, mask={docnum})
        return [hit_from_stored(hit.fields(), float(hit.score), None) for hit in results]

    # -- internals ------------------------------------------------------------------------

    def _open_writer(self) -> Any:
        if self._writer is None:
            codec = codec_class()()
            if self.bulk:
                self._writer = self._lock_writer(
                    procs=BULK_PROCS, multisegment=True, limitmb=bulk_limitmb(), codec=codec
                )
            else:
                self._writer = self._lock_writer(procs=1, limitmb=SMALL_LIMITMB, codec=codec)
        return self._writer

    def _lock_writer(self, **settings: Any) -> Any:
        try:
            return self._ix.writer(timeout=LOCK_TIMEOUT, delay=0.25, **settings)
        except whoosh_module("index").LockError as exc:
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
        compiler = Compiler(self._schema, self._suffixes or ("",), default_fields, reader)
        # Flatten nested ORs and drop empty clauses as Whoosh's own parser does; unflattened
        # trees both run slower and (seen on Reuters) rank a little differently.
        return compiler.compile(node).normalize()

    def _answer(self, query: Any, searcher: Any) -> Answer | None:
        """The query evaluated on posting arrays, or None when Whoosh's matchers should run
        it: one-shot (see the class), or a clause the arrays do not evaluate."""
        if self.oneshot:
            return None
        from newsarchive.index.arrays import answer  # imports numpy

        return answer(query, searcher)

    def _collector(self, options: SearchOptions, reader: Any, *, whoosh_terms: bool) -> Any:
        """The collector for one search, built here rather than by ``Searcher.search``.

        Whoosh's scored collectors periodically "replace" the matcher with one that drops
        clauses whose best possible score cannot reach the current top N. Its estimates
        run low for boosted and keyword fields, so top documents were lost (Reuters:
        "section:energy AND prices" missed its best hit; naive Whoosh missed others).
        ``replace=0`` turns that off, and without block skipping the collector also
        counts every match in its one pass, which is cheaper than Whoosh's second pass to
        count. Facets then ride on the same top-N collector instead of a full sort.
        ``whoosh_terms`` records each match's terms for the highlighter as Whoosh does;
        a query answered from posting arrays records them for the top hits afterwards.
        """
        collectors, sorting = whoosh_module("collectors"), whoosh_module("sorting")
        limit = options.page * options.limit
        if options.sort == "relevance":
            collector = collectors.TopCollector(limit, usequality=False, replace=0)
        else:
            collector = date_order_collector_class()(limit, newest=options.sort == "newest")
        # A column no document has a value for is absent from the index, and Whoosh would
        # then read the facet from the field's terms, which a column-only field has not.
        facets = {
            name: sorting.FieldFacet(FACET_COLUMNS[name], maptype=sorting.Count)
            for name in options.facets
            if reader.has_column(FACET_COLUMNS[name])
        }
        if facets:
            collector = collectors.FacetCollector(collector, facets, maptype=sorting.Count)
        if options.highlight and whoosh_terms:
            collector = collectors.TermsCollector(collector)
        filter_query = self._filter(options)
        if filter_query is not None:
            collector = collectors.FilterCollector(collector, filter_query, None)
        return collector

    def _filter(self, options: SearchOptions) -> Any:
        compiler = Compiler(self._schema, ("",), DEFAULT_FIELDS)
        parts: list[Any] = []
        for name in ("section", "source", "language"):
            value = getattr(options, name)
            if value:
                parts.append(compiler.compile(KeywordNode(name, value)))
        if options.byline:
            parts.append(compiler.compile(PhraseNode("byline", options.byline)))
        if not parts:
            return None
        query = whoosh_module("query")

        return parts[0] if len(parts) == 1 else query.And(parts)

    def _hit(self, hit: Any, options: SearchOptions, *, highlight: bool) -> Hit:
        stored = hit.fields()
        score = float(hit.score) if options.sort == "relevance" else None
        snippet = hit_snippet(hit, stored) if highlight else None
        return hit_from_stored(stored, score, snippet)

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


def _open_index(index_dir: Path, *, recreate: bool, mapped: bool = True) -> Any:
    index, filestore = whoosh_module("index"), whoosh_module("filedb.filestore")

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
