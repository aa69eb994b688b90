"""Queries answered from whole posting lists held as arrays, one segment at a time.

Whoosh matches a query by stepping a tree of matchers one posting at a time, in Python:
on Reuters two thirds of a search went to ``is_active``/``id``/``skip_to`` calls, for
"net income quarter" 3,700 skips to find 150 stories. Here the same query tree is
evaluated a segment at a time instead: each term's postings are decoded block by block
(only the blocks that can hold a document still in play), intersections, unions and
exclusions are array operations, and BM25F is computed for all of a term's documents at
once from Whoosh's own scorer settings and the segment's field lengths. A phrase is
checked for all its candidates at once from the word positions the project's codec
keeps per block (:mod:`newsarchive.index.codec`); in segments written before it, one
candidate at a time. The result is a matcher over the finished (document, score)
arrays, so the collectors (top N, date order, facets) run unchanged; the terms each top
hit matched, and where, are recorded for the highlighter afterwards.

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
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pickle import loads
from typing import Any

import numpy as np
import numpy.typing as npt

from newsarchive.index.codec import matcher_class, unpack_values, unpack_word_positions
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


@dataclass(frozen=True)
class Values:
    """Each posting's encoded positions (and character offsets), looked up lazily: a
    block's positions are decoded the first time one of them is asked for, since only a
    phrase's candidates and the top hits' snippets need any."""

    get: Callable[[int], Any]
    size: int

    def __len__(self) -> int:
        return self.size

    def __getitem__(self, n: int) -> Any:
        return self.get(n)

    def take(self, picks: Sequence[int]) -> Values:
        """The values at ``picks``, in that order."""
        chosen = list(picks)
        return Values(lambda n: self.get(chosen[n]), len(chosen))

    def __add__(self, other: Values) -> Values:
        size = self.size
        return Values(lambda n: self.get(n) if n < size else other.get(n - size), size + other.size)


def _block_values(blocks: Sequence[Any], sizes: Sequence[int]) -> Values:
    """Values held block by block, each block either already decoded (a tuple, the stock
    W3 layout) or still packed (bytes, :mod:`newsarchive.index.codec`)."""
    starts = list(itertools.accumulate(sizes, initial=0))
    decoded: dict[int, Any] = {}

    def get(n: int) -> Any:
        block = bisect_right(starts, n) - 1
        if block not in decoded:
            packed = blocks[block]
            found = unpack_values(packed) if isinstance(packed, bytes) else packed
            # Formats without positions keep fixed-size values (or none) per block.
            decoded[block] = found if type(found) is tuple else (b"",) * sizes[block]
        return decoded[block][n - starts[block]]

    return Values(get, starts[-1])


class WordPositions:
    """The word positions of a term's postings, from the position arrays the project's
    codec keeps per block (decoded a block at a time, when first gathered)."""

    def __init__(
        self,
        blobs: Sequence[bytes],
        sizes: Sequence[int],
        picks: IdArray | None = None,
        decoded: dict[int, tuple[IdArray, IdArray]] | None = None,
    ) -> None:
        self.blobs, self.sizes = blobs, sizes
        self.starts = np.fromiter(itertools.accumulate(sizes, initial=0), np.int64)
        self.picks = picks
        self.decoded = {} if decoded is None else decoded

    def take(self, picks: IdArray) -> WordPositions:
        """The positions of the postings at ``picks``, in that order."""
        chosen = picks if self.picks is None else self.picks[picks]
        return WordPositions(self.blobs, self.sizes, chosen, self.decoded)

    def gather(self) -> tuple[IdArray, IdArray]:
        """How many positions each posting has, and all of them, posting after posting."""
        picks = np.arange(self.starts[-1]) if self.picks is None else self.picks
        blocks = np.searchsorted(self.starts, picks, "right") - 1
        needed = np.unique(blocks).tolist()
        counts_parts, flat_parts, first = [], [], np.zeros(len(self.sizes), np.int64)
        seen = 0
        for block in needed:
            counts, flat = self._block(block)
            first[block] = seen
            seen += len(counts)
            counts_parts.append(counts)
            flat_parts.append(flat)
        if not needed:
            return np.empty(0, np.int64), np.empty(0, np.int64)
        counts_all = np.concatenate(counts_parts)
        begins_all = np.cumsum(counts_all) - counts_all
        local = picks - self.starts[blocks] + first[blocks]
        counts, begins = counts_all[local], begins_all[local]
        ends = np.cumsum(counts)
        runs = np.arange(ends[-1] if len(ends) else 0) - np.repeat(ends - counts, counts)
        return counts, np.concatenate(flat_parts)[runs + np.repeat(begins, counts)]

    def _block(self, block: int) -> tuple[IdArray, IdArray]:
        if block not in self.decoded:
            counts, flat = unpack_word_positions(self.blobs[block], self.sizes[block])
            self.decoded[block] = (
                np.asarray(counts, np.int64),
                np.asarray(flat, np.int64),
            )
        return self.decoded[block]


@dataclass
class Postings:
    """One term's postings in a segment, deleted documents left out. ``words`` is None
    when the blocks hold no position arrays (segments written by the stock codec)."""

    ids: IdArray
    weights: ScoreArray
    values: Values
    words: WordPositions | None = None

    def at(self, ids: IdArray) -> Postings:
        """The postings of ``ids``, each of which must be among these."""
        where = np.searchsorted(self.ids, ids)
        return self._picked(ids, where)

    def kept(self, keep: npt.NDArray[np.bool_]) -> Postings:
        return self._picked(self.ids[keep], np.flatnonzero(keep))

    def _picked(self, ids: IdArray, where: IdArray) -> Postings:
        words = None if self.words is None else self.words.take(where)
        return Postings(ids, self.weights[where], self.values.take(where.tolist()), words)

    def union(self, other: Postings) -> Postings:
        """These postings and those of ``other``, for a term matched in two clauses."""
        ids, first = np.unique(np.concatenate((self.ids, other.ids)), return_index=True)
        weights = np.concatenate((self.weights, other.weights))[first]
        return Postings(ids, weights, (self.values + other.values).take(first.tolist()))


Term = tuple[str, bytes]


@dataclass
class Matches:
    """Documents of one segment (sorted, unique) with their scores, and for each term the
    postings of the documents it matched (the highlighter's matched terms and offsets)."""

    ids: IdArray
    scores: ScoreArray
    terms: dict[Term, Postings] = field(default_factory=dict)

    def restricted(self, keep: npt.NDArray[np.bool_]) -> Matches:
        return Matches(self.ids[keep], self.scores[keep], self.terms)


def _empty() -> Matches:
    return Matches(np.empty(0, np.int64), np.empty(0, np.float64))


def _merged_terms(parts: Sequence[Matches]) -> dict[Term, Postings]:
    terms: dict[Term, Postings] = {}
    for part in parts:
        for term, postings in part.terms.items():
            terms[term] = terms[term].union(postings) if term in terms else postings
    return terms


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
        postings = self.postings(fieldname, btext, within)
        scores = self._score(fieldname, btext, postings)
        if boost != 1.0:
            scores = scores * boost
        return Matches(postings.ids, scores, {(fieldname, btext): postings})

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
            found[n] = self.postings(fieldname, words[n], within)
            within = found[n].ids  # already only those of the words before
            if not len(within):
                return _empty()
        assert within is not None
        each = [found[n] for n in range(len(words))]
        if query.slop == 1 and all(p.words is not None for p in each):
            keep = _side_by_side([(n, each[n].at(within)) for n in order], len(within))
        else:
            decode = _position_decoder(fieldobj.format)
            # Where each candidate is in each word's postings, found once for all of them.
            rows = [(p.values.get, np.searchsorted(p.ids, within).tolist()) for p in each]
            if query.slop == 1:
                # Rarest word first: a candidate is usually rejected before the common
                # words ("of", "the"), whose positions cost the most to decode.
                check = _exact_phrase_check([(n, *rows[n]) for n in order], decode)
            else:
                check = _near_check(rows, decode, query.slop)
            keep = np.fromiter(map(check, range(len(within))), np.bool_, count=len(within))
        ids = within[keep]
        matched = [p.at(ids) for p in each]
        scores = np.zeros(len(ids))
        for word, postings in zip(words, matched, strict=True):  # a repeated word counts twice
            scores += self._score(fieldname, word, postings)
        terms = {(fieldname, word): p for word, p in zip(words, matched, strict=True)}
        if query.boost != 1.0:
            scores = scores * query.boost
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
        for part in parts:
            scores += part.scores[np.searchsorted(part.ids, within)]
        result = Matches(within, scores, _merged_terms(parts))
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
        terms = _merged_terms(parts)
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

    def postings(self, fieldname: str, btext: bytes, within: IdArray | None) -> Postings:
        """The term's postings; with ``within``, only blocks that can hold one of those
        documents are decoded, and only those documents are kept."""
        matcher = self.reader.postings(fieldname, btext)
        matcher = getattr(matcher, "child", matcher)  # the deleted-documents filter
        if _is_w3_leaf(matcher):
            postings = _read_blocks(matcher, within)
        else:
            postings = _read_stepping(matcher)
        keep = None
        if within is not None:
            keep = np.isin(postings.ids, within, assume_unique=True)
        if self.deleted is not None:
            alive = ~np.isin(postings.ids, self.deleted, assume_unique=True)
            keep = alive if keep is None else keep & alive
        if keep is None or keep.all():
            return postings
        return postings.kept(keep)

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
        """The segment's length code per document, read where the W3 codec keeps it; a
        field without a length column has length 1 everywhere, as the scorer reads it."""
        doccount = self.reader.doc_count_all()
        codec, numeric = whoosh_module("codec.whoosh3"), whoosh_module("util.numeric")
        column = self.reader._perdoc._cached_reader(f"_{fieldname}_len", codec.LENGTHS_COLUMN)
        if column is None:
            return np.full(doccount, numeric.length_to_byte(1), np.uint8)
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
    w3 = whoosh_module("codec.whoosh3").W3LeafMatcher
    return isinstance(matcher, w3) and not matcher._byteids


def _read_blocks(matcher: Any, within: IdArray | None) -> Postings:
    """A W3 posting list read block by block; with ``within``, blocks whose id range
    holds none of those documents are passed over on their header alone. Blocks written
    by :mod:`newsarchive.index.codec` give their ids and weights as plain arrays and
    keep their positions packed; stock blocks are one pickle of all three."""
    split = type(matcher) is matcher_class()
    ids: list[IdArray] = []
    weights: list[ScoreArray] = []
    values: list[Any] = []
    words: list[bytes | None] = []
    sizes: list[int] = []
    lower = -1  # the last id of the block before
    while not matcher._atend:
        upper = matcher._maxid
        wanted = within is None or (
            np.searchsorted(within, lower, "right") < np.searchsorted(within, upper, "right")
        )
        if wanted:
            matcher._read_data()
            block_ids, block_weights, block_values = matcher._data
            if split:
                ids.append(np.frombuffer(block_ids, "<u4"))
            else:
                ids.append(np.cumsum(np.array(block_ids, np.int64)))
            count = len(ids[-1])
            sizes.append(count)
            weights.append(_block_weights(block_weights, count))
            if split:  # (encoded values, word positions), each still packed
                values.append(block_values[0])
                words.append(block_values[1])
            else:
                values.append(block_values)
                words.append(None)
        lower = upper
        matcher._next_block()
    if not ids:
        return Postings(np.empty(0, np.int64), np.empty(0), _block_values([], []))
    positions = None
    if all(blob is not None for blob in words):
        positions = WordPositions([blob for blob in words if blob is not None], sizes)
    return Postings(
        np.concatenate(ids).astype(np.int64),
        np.concatenate(weights),
        _block_values(values, sizes),
        positions,
    )


def _block_weights(weights: Any, count: int) -> ScoreArray:
    """A block's weights: None when all are 1, one float when all are equal, otherwise
    a little-endian float32 array (split blocks) or a tuple (stock blocks)."""
    if weights is None:
        return np.ones(count)
    if isinstance(weights, float):
        return np.full(count, weights)
    if isinstance(weights, bytes):
        return np.frombuffer(weights, "<f4").astype(np.float64)
    return np.array(weights, np.float64)


def _read_stepping(matcher: Any) -> Postings:
    """Any other posting list (an inlined one-document term), read posting by posting."""
    ids: list[int] = []
    weights: list[float] = []
    values: list[bytes] = []
    while matcher.is_active():
        ids.append(matcher.id())
        weights.append(matcher.weight())
        values.append(matcher.value())
        matcher.next()
    return Postings(
        np.array(ids, np.int64),
        np.array(weights, np.float64),
        _block_values([tuple(values)], [len(ids)]),
    )


def _position_decoder(fmt: Any) -> Callable[[bytes], list[int]]:
    """The format's ``decode_positions``, done without its per-position Python loop for
    the two formats this schema uses: a value is a count, then a pickled list of
    position gaps (Positions) or of (gap, start, length) triples (Characters)."""
    formats = whoosh_module("formats")
    kind = type(fmt)
    if kind is formats.Positions:
        return lambda value: list(itertools.accumulate(loads(_pickled(value))))
    if kind is formats.Characters:
        return lambda value: list(itertools.accumulate(c[0] for c in loads(_pickled(value))))
    decode: Callable[[bytes], list[int]] = fmt.decode_positions
    return decode


def _pickled(value: bytes) -> bytes:
    """The pickle inside an encoded posting value (after its 4-byte count); the stop code
    is added when the value was stored without it, as Whoosh's decoders do."""
    return value[4:] if value.endswith(b".") else value[4:] + b"."


#: Room for a word's place in a phrase key: (candidate << 32) + position - place.
PHRASE_STRIDE = 1 << 32


def _side_by_side(words: Sequence[tuple[int, Postings]], candidates: int) -> npt.NDArray[np.bool_]:
    """Which candidates hold the words side by side, for all candidates at once. Each
    entry is (the word's place in the phrase, its postings of the candidates in order).
    A word at position p in candidate k stands for a phrase starting at p - place; the
    phrase is there where every word gives the same (k, start). Rarest words first, so
    the set of possible starts is small from the outset."""
    common: IdArray | None = None
    for place, postings in words:
        assert postings.words is not None
        counts, flat = postings.words.gather()
        keys = np.repeat(np.arange(candidates), counts) * PHRASE_STRIDE + flat - place
        common = np.unique(keys) if common is None else np.intersect1d(common, keys)
        if not len(common):
            break
    keep = np.zeros(candidates, np.bool_)
    if common is not None:
        keep[np.unique(common // PHRASE_STRIDE)] = True
    return keep


def _exact_phrase_check(
    rows: Sequence[tuple[int, Callable[[int], bytes], list[int]]],
    decode: Callable[[bytes], list[int]],
) -> Callable[[int], bool]:
    """For candidate ``k``: do the words stand side by side somewhere? Each row is (the
    word's place in the phrase, its values, where each candidate is in them); the
    possible phrase starts are narrowed word by word and the first empty set stops."""

    def check(k: int) -> bool:
        starts: set[int] | None = None
        for place, get, at in rows:
            shifted = {position - place for position in decode(get(at[k]))}
            starts = shifted if starts is None else starts & shifted
            if not starts:
                return False
        return True

    return check


def _near_check(
    rows: Sequence[tuple[Callable[[int], bytes], list[int]]],
    decode: Callable[[bytes], list[int]],
    slop: int,
) -> Callable[[int], bool]:
    """For candidate ``k``: do the words occur in order within ``slop`` of each other?"""
    return lambda k: _in_order([decode(get(at[k])) for get, at in rows], slop)


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


@dataclass
class Answer:
    """A query evaluated on every segment of a searcher: (first document number, matches)
    per segment, in the searcher's order."""

    query: Any
    segments: list[tuple[int, Matches]]

    def as_query(self) -> Any:
        """A Whoosh query whose matcher for each segment steps through its matches, so
        Whoosh's collectors run on them unchanged."""
        return _answered_query_class()(self)

    def record_matched_terms(self, results: Any) -> None:
        """Tell the results which terms each top hit matched, and where (what Whoosh's
        ``TermsCollector`` and highlighter would look up posting by posting).

        The TermsCollector asks every term of the query, for every match, whether it is
        on that document: 1.3 million calls for "oil prices" at Reuters x5, for 10
        snippets. Here only the top hits are looked at. The highlighter's offsets, which
        it would read again from the postings, come from the values this query decoded:
        it keeps them in ``results._char_cache`` and only looks up a field missing there.
        """
        top = sorted(docnum for _, docnum in results.top_n)
        schema = results.searcher.schema
        termdocs: dict[Term, list[int]] = {}
        docterms: dict[int, list[Term]] = {docnum: [] for docnum in top}
        chars: dict[str, dict[int, dict[str, Any]]] = {}
        for offset, found in self.segments:
            local = np.asarray(top, np.int64) - offset
            for term, postings in found.terms.items():
                if not len(postings.ids) or not len(local):
                    continue
                where = np.minimum(np.searchsorted(postings.ids, local), len(postings.ids) - 1)
                hits = np.flatnonzero(postings.ids[where] == local).tolist()
                if not hits:
                    continue
                docs = termdocs.setdefault(term, [])
                fieldname, btext = term
                fmt = schema[fieldname].format
                cache = (
                    chars.setdefault(fieldname, {docnum: {} for docnum in top})
                    if fmt.supports("characters")
                    else None
                )
                for n in hits:
                    docnum = top[n]
                    docs.append(docnum)
                    docterms[docnum].append(term)
                    if cache is not None:
                        word = schema[fieldname].from_bytes(btext)
                        value = postings.values[int(where[n])]
                        cache[docnum][word] = fmt.decode_as("characters", value)
        results.termdocs = termdocs
        results.docterms = docterms
        results._char_cache.update(chars)


def answer(query: Any, searcher: Any) -> Answer | None:
    """``query`` evaluated on each segment of ``searcher``, or None when it holds a clause
    this module does not evaluate (then Whoosh's own matchers should run it)."""
    if type(searcher.weighting) is not whoosh_module("scoring").BM25F:
        return None
    try:
        # A segment without documents shares its first number with the next segment, so
        # it is left out (its matcher matches nothing, see AnsweredQuery.matcher).
        segments = [
            (int(offset), SegmentArrays(leaf, searcher.weighting).evaluate(query))
            for leaf, offset in searcher.leaf_searchers()
            if leaf.doc_count_all()
        ]
    except Unsupported:
        return None
    return Answer(query, segments)


@functools.cache
def _answered_query_class() -> Any:
    query = whoosh_module("query")
    base: Any = query.WrappingQuery

    class AnsweredQuery(base):  # type: ignore[misc]  # subclassing an untyped base
        def __init__(self, answered: Answer) -> None:
            super().__init__(answered.query)
            self.answered = answered

        def __repr__(self) -> str:
            return f"AnsweredQuery({self.child!r})"

        def _rewrap(self, child: Any) -> Any:
            return self.__class__(Answer(child, self.answered.segments))

        def matcher(self, searcher: Any, context: Any = None) -> Any:
            if not searcher.doc_count_all():
                # A bulk commit whose second writer process got no documents leaves an
                # empty segment, at the same first number as the next one: its matches
                # are not that segment's.
                return whoosh_module("matching").NullMatcher()
            offset = _offset_of(searcher)
            for first, found in self.answered.segments:
                if first == offset:
                    return array_matcher_class()(found)
            return self.child.matcher(searcher, context)

    return AnsweredQuery


def _offset_of(searcher: Any) -> int:
    """The first document number of a segment's searcher within its parent."""
    for leaf, offset in searcher.get_parent().leaf_searchers():
        if leaf is searcher:
            return int(offset)
    return 0


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

    return ArrayMatcher
