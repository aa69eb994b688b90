"""Queries answered from whole posting lists held as arrays, one segment at a time.

Whoosh matches a query by stepping a tree of matchers one posting at a time, in Python:
on Reuters two thirds of a search went to ``is_active``/``id``/``skip_to`` calls, for
"net income quarter" 3,700 skips to find 150 stories. Here the same query tree is
evaluated a segment at a time instead: each term's postings are decoded block by block
(only the blocks that can hold a document still in play), intersections, unions and
exclusions are array operations, and BM25F is computed for all of a term's documents at
once from Whoosh's own scorer settings and the segment's field lengths. The result is a
matcher over the finished (document, score) arrays, so the collectors (top N, date
order, facets, matched terms for highlights) run unchanged.

Scores are Whoosh's: the same BM25F formula and statistics, the same sums for AND, OR
and phrases, the same constant 1 for each NOT and 0 for a date window; only the order
in which an OR adds its clauses differs, which can move the last bit of a score
(``tests/test_index_arrays.py`` compares both paths on generated queries). A query with
any other kind of clause (wildcards, fuzzy terms, bare ranges) is handed to Whoosh's
own matchers whole.

The postings and length columns are read through attributes private to the W3 codec
(whoosh3 is pinned); a reader that does not have them falls back to the public,
posting-by-posting interface.
"""

from __future__ import annotations

import functools
import itertools
from bisect import bisect_left
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from newsarchive.index.query import day_window_class
from newsarchive.index.schema import whoosh_module

IdArray = npt.NDArray[np.int64]
ScoreArray = npt.NDArray[np.float64]
#: The score Whoosh gives each document for a NOT clause inside an AND.
NOT_WEIGHT = 1.0
#: A date window's day bounds when one side is open (0 is "no date", never inside).
FIRST_DAY, LAST_DAY = 1, 99991231


class Unsupported(Exception):
    """A clause this module does not evaluate: the whole query goes to Whoosh."""


@dataclass
class Matches:
    """Documents of one segment (sorted, unique) with their scores, and for each term
    the documents it matched (for the highlighter's matched terms)."""

    ids: IdArray
    scores: ScoreArray
    terms: dict[tuple[str, bytes], IdArray] = field(default_factory=dict)

    def restricted(self, keep: npt.NDArray[np.bool_]) -> Matches:
        return Matches(self.ids[keep], self.scores[keep], self.terms)


def _empty() -> Matches:
    return Matches(np.empty(0, np.int64), np.empty(0, np.float64))


@dataclass
class Postings:
    """One term's postings in a segment, deleted documents left out."""

    ids: IdArray
    weights: ScoreArray
    values: list[bytes] | None  # per posting, when positions were asked for


class SegmentArrays:
    """Evaluates Whoosh query trees against one segment of a searcher."""

    def __init__(self, searcher: Any, weighting: Any) -> None:
        self.searcher = searcher
        self.reader = searcher.reader()
        self.schema = searcher.schema
        self.weighting = weighting
        self.q = whoosh_module("query")
        deleted = getattr(self.reader, "deleted_docs_set", None)  # none on an empty index
        self.deleted = np.fromiter(sorted(deleted), np.int64) if deleted else None

    # -- the tree -------------------------------------------------------------------------

    def evaluate(self, query: Any, within: IdArray | None = None) -> Matches:
        """The documents matching ``query`` (only those in ``within``, when given)."""
        q = self.q
        kind = type(query)
        if query is q.NullQuery:
            return _empty()
        if kind is q.Term:
            return self._term(query.fieldname, query.text, query.boost, within)
        if kind is q.Phrase:
            return self._phrase(query, within)
        if kind is q.And:
            return self._and(query, within)
        if kind is q.Or and not query.minmatch and not query.scale:
            return self._or(query, within)
        if kind is day_window_class():
            return self._window(query, within)
        if kind is q.Not:
            return self._not_only(query, within)
        raise Unsupported(kind.__name__)

    def _term(self, fieldname: str, text: Any, boost: float, within: IdArray | None) -> Matches:
        btext = self._bytes(fieldname, text)
        if btext is None:
            return _empty()
        postings = self.postings(fieldname, btext, within, positions=False)
        scores = self._score(fieldname, btext, postings)
        if boost != 1.0:
            scores = scores * boost
        return Matches(postings.ids, scores, {(fieldname, btext): postings.ids})

    def _phrase(self, query: Any, within: IdArray | None) -> Matches:
        fieldname = query.fieldname
        if fieldname not in self.schema:
            return _empty()
        fieldobj = self.schema[fieldname]
        if not fieldobj.format or not fieldobj.format.supports("positions"):
            raise Unsupported("phrase without positions")
        found_words = [self._bytes(fieldname, word) for word in query.words]
        words = [word for word in found_words if word is not None]
        if len(words) < len(found_words):
            return _empty()
        order = sorted(range(len(words)), key=lambda n: self._doc_frequency(fieldname, words[n]))
        found: dict[int, Postings] = {}
        for n in order:
            found[n] = self.postings(fieldname, words[n], within, positions=True)
            within = found[n].ids  # already only those of the words before
            if not len(within):
                return _empty()
        assert within is not None
        each = [found[n] for n in range(len(words))]
        decode = fieldobj.format.decode_positions
        keep = np.fromiter(
            (_in_order(_positions_at(each, doc, decode), query.slop) for doc in within.tolist()),
            np.bool_,
            count=len(within),
        )
        ids = within[keep]
        scores = np.zeros(len(ids))
        for word, postings in zip(words, each, strict=True):
            at = np.searchsorted(postings.ids, ids)
            scores += self._score(fieldname, word, postings)[at]
        if query.boost != 1.0:
            scores = scores * query.boost
        terms = {(fieldname, word): ids for word in words}
        return Matches(ids, scores, terms)

    def _and(self, query: Any, within: IdArray | None) -> Matches:
        q = self.q
        subs = list(query.subqueries)
        negatives = [sub.query for sub in subs if type(sub) is q.Not]
        positives = [sub for sub in subs if type(sub) is not q.Not]
        if not positives:
            raise Unsupported("AND of NOTs only")
        reader = self.reader
        positives.sort(key=lambda sub: sub.estimate_size(reader))
        parts: list[Matches] = []
        for sub in positives:
            part = self.evaluate(sub, within)
            parts.append(part)
            within = part.ids
            if not len(within):
                return _empty()
        assert within is not None
        scores = np.zeros(len(within))
        terms: dict[tuple[str, bytes], IdArray] = {}
        for part in parts:
            scores += part.scores[np.searchsorted(part.ids, within)]
            terms.update(part.terms)
        result = Matches(within, scores, terms)
        for negative in negatives:
            excluded = self.evaluate(negative, result.ids).ids
            result = result.restricted(~np.isin(result.ids, excluded, assume_unique=True))
            result.scores = result.scores + NOT_WEIGHT
        if query.boost != 1.0:
            result.scores = result.scores * query.boost
        return result

    def _or(self, query: Any, within: IdArray | None) -> Matches:
        parts = [self.evaluate(sub, within) for sub in query.subqueries]
        parts = [part for part in parts if len(part.ids)]
        if not parts:
            return _empty()
        terms: dict[tuple[str, bytes], IdArray] = {}
        for part in parts:
            terms.update(part.terms)
        if len(parts) == 1:
            ids, scores = parts[0].ids, parts[0].scores
        else:
            every = np.concatenate([part.ids for part in parts])
            ids, slot = np.unique(every, return_inverse=True)
            scores = np.bincount(slot, np.concatenate([part.scores for part in parts])).astype(
                np.float64
            )
        if query.boost != 1.0:
            scores = scores * query.boost
        return Matches(ids, scores, terms)

    def _window(self, query: Any, within: IdArray | None) -> Matches:
        """The child's matches inside a window of days. The window is read from the day
        column first, so a phrase in a week decodes positions for that week alone."""
        days = self.column("f_day", "I")
        start, end = query.start or FIRST_DAY, query.end or LAST_DAY
        inside = np.flatnonzero((days >= start) & (days <= end)).astype(np.int64)
        if within is not None:
            inside = np.intersect1d(inside, within, assume_unique=True)
        return self.evaluate(query.child, inside)

    def _not_only(self, query: Any, within: IdArray | None) -> Matches:
        """A NOT at the top: every live document the child does not match, scoring 1."""
        live = np.arange(self.reader.doc_count_all(), dtype=np.int64)
        if self.deleted is not None:
            live = np.setdiff1d(live, self.deleted, assume_unique=True)
        if within is not None:
            live = np.intersect1d(live, within, assume_unique=True)
        excluded = self.evaluate(query.query, live).ids
        ids = np.setdiff1d(live, excluded, assume_unique=True)
        return Matches(ids, np.full(len(ids), NOT_WEIGHT))

    # -- postings, scores and columns -----------------------------------------------------

    def postings(
        self, fieldname: str, btext: bytes, within: IdArray | None, *, positions: bool
    ) -> Postings:
        """The term's postings; with ``within``, only blocks that can hold one of those
        documents are decoded, and only those documents are kept."""
        matcher = self.reader.postings(fieldname, btext)
        matcher = getattr(matcher, "child", matcher)  # the deleted-documents filter
        if _is_w3_leaf(matcher):
            postings = _read_blocks(matcher, within, positions=positions)
        else:
            postings = _read_stepping(matcher, positions=positions)
        keep = None
        if within is not None:
            keep = np.isin(postings.ids, within, assume_unique=True)
        if self.deleted is not None:
            alive = ~np.isin(postings.ids, self.deleted, assume_unique=True)
            keep = alive if keep is None else keep & alive
        if keep is None or keep.all():
            return postings
        values = postings.values
        if values is not None:
            values = [value for value, kept in zip(values, keep.tolist(), strict=True) if kept]
        return Postings(postings.ids[keep], postings.weights[keep], values)

    def _score(self, fieldname: str, btext: bytes, postings: Postings) -> ScoreArray:
        scoring = whoosh_module("scoring")
        scorer = self.weighting.scorer(self.searcher, fieldname, btext)
        if type(scorer) is scoring.WeightScorer:
            return postings.weights
        if type(scorer) is not scoring.BM25FScorer:
            raise Unsupported(type(scorer).__name__)
        lengths = self.lengths(fieldname)[postings.ids]
        tf, k1, b = postings.weights, scorer.K1, scorer.B
        # bm25() of whoosh.scoring, term for term in the same order, on whole arrays.
        scores: ScoreArray = scorer.idf * (
            (tf * (k1 + 1)) / (tf + k1 * ((1 - b) + b * lengths / scorer.avgfl))
        )
        return scores

    def lengths(self, fieldname: str) -> ScoreArray:
        """Each document's length in the field, as the scorer reads it."""
        cache = _segment_cache(self.reader)
        key = ("lengths", fieldname)
        if key not in cache:
            codes = self._length_codes(fieldname)
            cache[key] = _byte_lengths()[codes]
        lengths: ScoreArray = cache[key]
        return lengths

    def column(self, name: str, typecode: str) -> IdArray:
        """A numeric column of the segment as an array (one value per document)."""
        cache = _segment_cache(self.reader)
        key = ("column", name)
        if key not in cache:
            doccount = self.reader.doc_count_all()
            if not self.reader.has_column(name):
                cache[key] = np.zeros(doccount, np.int64)
            else:
                column = self.reader.column_reader(name, translate=False)
                cache[key] = _column_array(column, typecode, doccount)
        values: IdArray = cache[key]
        return values

    def _length_codes(self, fieldname: str) -> npt.NDArray[np.uint8]:
        doccount = self.reader.doc_count_all()
        perdoc = getattr(self.reader, "_perdoc", None)
        codec = whoosh_module("codec.whoosh3")
        column = None
        if perdoc is not None and hasattr(perdoc, "_cached_reader"):
            column = perdoc._cached_reader(f"_{fieldname}_len", codec.LENGTHS_COLUMN)
        if column is None:
            length_to_byte = whoosh_module("util.numeric").length_to_byte
            return np.fromiter(
                (
                    length_to_byte(self.reader.doc_field_length(doc, fieldname, 1))
                    for doc in range(doccount)
                ),
                np.uint8,
                count=doccount,
            )
        return _column_array(column, "B", doccount).astype(np.uint8)

    def _bytes(self, fieldname: str, text: Any) -> bytes | None:
        """The term as indexed, or None when it cannot be in this segment."""
        if fieldname not in self.schema:
            return None
        try:
            btext: bytes = self.schema[fieldname].to_bytes(text)
        except ValueError:
            return None
        return btext if (fieldname, btext) in self.reader else None

    def _doc_frequency(self, fieldname: str, btext: bytes) -> int:
        return int(self.reader.doc_frequency(fieldname, btext))


def _is_w3_leaf(matcher: Any) -> bool:
    return type(matcher) is whoosh_module("codec.whoosh3").W3LeafMatcher and not matcher._byteids


def _read_blocks(matcher: Any, within: IdArray | None, *, positions: bool) -> Postings:
    """A W3 posting list decoded block by block; with ``within``, blocks whose id range
    holds none of those documents are passed over on their header alone."""
    deltas: list[tuple[int, ...]] = []
    weights: list[Any] = []
    values: list[bytes] = []
    lower = -1  # the last id of the block before
    while not matcher._atend:
        upper = matcher._maxid
        wanted = within is None or (
            np.searchsorted(within, lower, "right") < np.searchsorted(within, upper, "right")
        )
        if wanted:
            matcher._read_data()
            block_ids, block_weights, block_values = matcher._data
            deltas.append(block_ids)
            count = len(block_ids)
            if block_weights is None:
                weights.append(itertools.repeat(1.0, count))
            elif isinstance(block_weights, float):
                weights.append(itertools.repeat(block_weights, count))
            else:
                weights.append(block_weights)
            if positions:
                values.extend(block_values)
        lower = upper
        matcher._next_block()
    return Postings(
        _ids_from_deltas(deltas),
        np.fromiter(itertools.chain.from_iterable(weights), np.float64),
        values if positions else None,
    )


def _ids_from_deltas(deltas: Sequence[tuple[int, ...]]) -> IdArray:
    """Ids from blocks of deltas, each block counting from zero (as the W3 codec writes
    them): one running sum over all, less the sum reached before each block."""
    total = sum(map(len, deltas))
    if not total:
        return np.empty(0, np.int64)
    running = np.cumsum(np.fromiter(itertools.chain.from_iterable(deltas), np.int64, total))
    sizes = np.fromiter(map(len, deltas), np.int64, len(deltas))
    ends = np.cumsum(sizes)
    before = np.concatenate(([0], running[ends[:-1] - 1]))
    ids: IdArray = running - np.repeat(before, sizes)
    return ids


def _read_stepping(matcher: Any, *, positions: bool) -> Postings:
    """Any other posting list (an inlined one-document term), read posting by posting."""
    ids: list[int] = []
    weights: list[float] = []
    values: list[bytes] = []
    while matcher.is_active():
        ids.append(matcher.id())
        weights.append(matcher.weight())
        if positions:
            values.append(matcher.value())
        matcher.next()
    return Postings(
        np.array(ids, np.int64), np.array(weights, np.float64), values if positions else None
    )


def _positions_at(each: Sequence[Postings], doc: int, decode: Any) -> list[list[int]]:
    """Each phrase word's positions in one document that has them all."""
    found = []
    for postings in each:
        at = int(np.searchsorted(postings.ids, doc))
        assert postings.values is not None
        found.append(decode(postings.values[at]))
    return found


def _in_order(positions: list[list[int]], slop: int) -> bool:
    """True when the words occur in order, each within ``slop`` positions of the span of
    the words before it (Whoosh's ``SpanNear2`` with ``ordered=True, mindist=1``)."""
    if slop == 1:  # an exact phrase: consecutive positions
        later = [set(p) for p in positions[1:]]
        return any(
            all(start + n in seen for n, seen in enumerate(later, 1)) for start in positions[0]
        )
    spans = [(p, p) for p in positions[0]]
    for nexts in positions[1:]:
        joined = set()
        for start, end in spans:
            first = bisect_left(nexts, end + 1)
            for position in nexts[first:]:
                if position - end > slop:
                    break
                joined.add((start, position))
        spans = sorted(joined)
        if not spans:
            return False
    return True


def _column_array(column: Any, typecode: str, doccount: int) -> IdArray:
    """A numeric column reader's values; from its bytes at once when it has them."""
    raw = getattr(column, "_dbfile", None)
    if raw is not None and getattr(column, "_typecode", None) == typecode:
        width = column._fixedlen
        data = raw.get(column._basepos, column._count * width)
        values = np.frombuffer(data, np.dtype(">" + typecode)).astype(np.int64)
        if len(values) < doccount:
            values = np.concatenate((values, np.full(doccount - len(values), column._default)))
        return values
    return np.fromiter((column[doc] for doc in range(doccount)), np.int64, count=doccount)


@functools.cache
def _byte_lengths() -> ScoreArray:
    """Field length for each of the 256 length codes the W3 codec stores."""
    byte_to_length = whoosh_module("util.numeric").byte_to_length
    return np.array([float(byte_to_length(code)) for code in range(256)])


def _segment_cache(reader: Any) -> dict[Any, Any]:
    """Arrays read from one open segment, kept as long as its reader."""
    cache: dict[Any, Any] = reader.__dict__.setdefault("_newsarchive_arrays", {})
    return cache


@functools.cache
def array_query_class() -> Any:
    """A query wrapper answering its child through :class:`SegmentArrays` per segment,
    and through Whoosh's own matchers when the child holds an unsupported clause."""
    query, scoring = whoosh_module("query"), whoosh_module("scoring")
    base: Any = query.WrappingQuery

    class ArrayQuery(base):  # type: ignore[misc]  # subclassing an untyped base
        def __repr__(self) -> str:
            return f"ArrayQuery({self.child!r})"

        def _rewrap(self, child: Any) -> Any:
            return self.__class__(child)

        def matcher(self, searcher: Any, context: Any = None) -> Any:
            weighting = context.weighting if context is not None else searcher.weighting
            if type(weighting) is not scoring.BM25F:
                return self.child.matcher(searcher, context)
            try:
                found = SegmentArrays(searcher, weighting).evaluate(self.child)
            except Unsupported:
                return self.child.matcher(searcher, context)
            return array_matcher_class()(found)

    return ArrayQuery


@functools.cache
def array_matcher_class() -> Any:
    """A Whoosh matcher over finished :class:`Matches`."""
    matching = whoosh_module("matching")
    base: Any = matching.Matcher

    class ArrayMatcher(base):  # type: ignore[misc]  # subclassing an untyped base
        def __init__(self, found: Matches, position: int = 0) -> None:
            self.found = found
            self._ids: list[int] = found.ids.tolist()
            self._scores: list[float] = found.scores.tolist()
            self._i = position

        def is_active(self) -> bool:
            return self._i < len(self._ids)

        def id(self) -> int:
            return self._ids[self._i]

        def next(self) -> None:
            self._i += 1

        def skip_to(self, id: int) -> None:
            self._i = max(self._i, bisect_left(self._ids, id))

        def score(self) -> float:
            return self._scores[self._i]

        def weight(self) -> float:
            return self._scores[self._i]

        def reset(self) -> None:
            self._i = 0

        def copy(self) -> Any:
            return self.__class__(self.found, self._i)

        def replace(self, minquality: float = 0) -> Any:
            return self

        def supports_block_quality(self) -> bool:
            return False

        def all_ids(self) -> Iterator[int]:
            return iter(self._ids[self._i :])

        def term_matchers(self) -> Iterator[Any]:
            for term, ids in self.found.terms.items():
                yield _TermView(self, term, ids)

    return ArrayMatcher


class _TermView:
    """What the highlighter's TermsCollector asks of a term's matcher: is it on the
    current document, and which term is it."""

    def __init__(self, parent: Any, term: tuple[str, bytes], ids: IdArray) -> None:
        self.parent = parent
        self._term = term
        self._ids = frozenset(ids.tolist())

    def is_active(self) -> bool:
        return bool(self.parent.is_active())

    def id(self) -> int:
        current: int = self.parent.id()
        return current if current in self._ids else -1

    def term(self) -> tuple[str, bytes]:
        return self._term
