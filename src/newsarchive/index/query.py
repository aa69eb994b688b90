"""The reading side: the neutral query tree compiled to Whoosh queries, date windows,
the date-order collector, highlights, facets and hits."""

from __future__ import annotations

import functools
import heapq
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from newsarchive.index.schema import LANGUAGE_FIELDS, language_suffix, whoosh_module
from newsarchive.search import (
    MARK_END,
    MARK_START,
    AndNode,
    DateRangeNode,
    FuzzyNode,
    Hit,
    KeywordNode,
    MatchAllNode,
    NotNode,
    OrNode,
    PhraseNode,
    QueryNode,
    TermNode,
    WildcardNode,
)

#: BM25F field weights applied at query time: a word in the headline counts double.
FIELD_BOOSTS = {"headline": 2.0, "dek": 1.5}
#: Keyword fields matched as a phrase of their words (so ``source:"daily beast"`` works).
NAME_FIELDS = ("section", "source")
#: A date window never checks each match's day in a column when the rest of the query
#: is estimated to match more than this many documents (see _window_by_lookup).
WINDOW_LOOKUP_MAX = 4000
SNIPPET_CHARS = 240
SNIPPET_SURROUND = 60
SNIPPET_FRAGMENTS = 2


class Compiler:
    """Turns the neutral query tree into Whoosh query objects for one index."""

    def __init__(
        self,
        schema: Any,
        suffixes: Sequence[str],
        default_fields: Sequence[str],
        reader: Any = None,
    ):
        query = whoosh_module("query")

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
        return day_window_class()(self.q.And(rest) if len(rest) > 1 else rest[0], start, end)

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
def day_window_class() -> Any:
    """A query that keeps the child's matches published inside a window of days.

    A range over the ``day`` field has to read the postings of every story in the window
    (a month of Reuters is 11,000) before the AND can intersect them. When the rest of
    the query matches few documents it is far cheaper to look up each match's day in
    the ``f_day`` column; when it matches many, or more than the window holds, the
    range is intersected as usual (:func:`_window_by_lookup` decides).
    """
    query, wrappers = whoosh_module("query"), whoosh_module("matching.wrappers")
    binary = whoosh_module("matching.binary")
    base: Any = query.WrappingQuery

    class DayWindow(base):  # type: ignore[misc]  # subclassing an untyped base
        #: Whoosh's normalize() reads and copies the boost of each clause of an AND it
        #: flattens into its parent; a window filters and is never boosted.
        boost = 1.0

        def __init__(self, child: Any, start: int | None, end: int | None) -> None:
            super().__init__(child)
            self.start, self.end = start, end

        def __repr__(self) -> str:
            return f"DayWindow({self.child!r}, {self.start}, {self.end})"

        def __eq__(self, other: object) -> bool:
            if type(other) is not type(self):
                return False
            mine = (self.child, self.start, self.end)
            return bool(mine == (other.child, other.start, other.end))

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
def date_order_collector_class() -> Any:
    """A collector keeping the newest (or oldest) N matches by the ``sortdate`` column.

    Whoosh's ``SortingCollector`` asks the matcher for ``all_ids()``, and an AND's
    ``all_ids()`` reads every posting of each side into a set before intersecting:
    "bank loan losses" read 6,900 postings for 168 matches. Stepping the matcher lets
    the AND leap over whole blocks of its commoner words, as relevance ranking does.
    Keys and ties are those of ``SortingCollector`` (the column value, then the
    document number, both reversed for newest first), so the order is the same.
    """
    collectors = whoosh_module("collectors")
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


def prepare_highlights(results: Any) -> None:
    highlight = whoosh_module("highlight")

    results.fragmenter = highlight.PinpointFragmenter(
        maxchars=SNIPPET_CHARS, surround=SNIPPET_SURROUND, autotrim=True
    )
    results.formatter = _mark_formatter_class()()


def hit_snippet(hit: Any, stored: dict[str, Any]) -> str | None:
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
    highlight = whoosh_module("highlight")
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
    languages = whoosh_module("lang")
    try:
        return frozenset(languages.stopwords_for_language(lang))
    except languages.NoStopWords:
        return frozenset()


def stopped_stems(analyzer: Any, lang: str) -> frozenset[str]:
    """The language's stop words as the field's analyser indexes them."""
    words = _stopped_stems_for(lang)
    return frozenset(token.text for word in words for token in analyzer(word)) | words


def hit_from_stored(stored: dict[str, Any], score: float | None, snippet: str | None) -> Hit:
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


def facet_counts(results: Any, name: str) -> list[tuple[str, int]]:
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
