"""The search seam: options, results, the query language and the backend protocol.

Nothing in this module knows which engine answers a query. The CLI, the pipeline and the
tests talk to a :class:`SearchBackend` in terms of :class:`IndexDocument`,
:class:`SearchOptions`, :class:`Hit` and :class:`SearchResults`; an engine (Whoosh today,
see the ``index`` package) compiles the parsed query tree into its own query objects. Parsing the
query language here, once, is what keeps every future backend answering the same
language with the same error messages.

Query language (``parse_query``)::

    oil prices                    every word must match (implicit AND) in the default fields
    "crude oil"   "oil prices"~3  a phrase; ``~N`` allows up to N other words in between
    a AND b, a OR b, NOT a, -a    boolean operators (upper case); ( ... ) groups
    headline:x body:x kicker:x dek:x byline:x dateline:x      text fields (stemmed)
    section:x source:x lang:x topics:x places:x id:x          exact keyword fields
    opec*  st?rm                  wildcards (``*`` any run of characters, ``?`` one),
                                  matched against indexed words, which are stemmed
    bundesbnak~  bundesbnak~2     fuzzy term within 1 (default) or 2 edits
    published:2019  published:2019-03  published:2019-03-14   one year, month or day
    published:[2019-01 TO 2019-03]  published:[* TO 2019]     inclusive ranges of whole days
    *                             every document (useful with filters or a date sort)

``date:`` is accepted for ``published:``, ``lang:``/``language:`` name the language and
``topics:``/``places:`` the subject and place codes a migrated archive may carry, so the
engine-neutral syntax of the benchmark's ``queries.jsonl`` parses unchanged.

Snippets mark each match as ``[[term]]`` (:data:`MARK_START`, :data:`MARK_END`); a literal
``[[`` or ``]]`` in the text is broken up with a space so the marking stays unambiguous.
:func:`render_snippet` turns the markers into terminal bold, ``<mark>`` or anything else.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from newsarchive.errors import QuerySyntaxError, SearchIndexError
from newsarchive.models import EXTRA_PLACES, EXTRA_SUBJECTS, Article

#: Marker opening a highlighted match in :attr:`Hit.snippet`.
MARK_START = "[["
#: Marker closing a highlighted match in :attr:`Hit.snippet`.
MARK_END = "]]"

#: Analysed (stemmed) text fields a query may name.
TEXT_FIELDS = ("headline", "kicker", "dek", "body", "byline", "dateline")
#: Exact-match keyword fields a query may name (matched case-insensitively).
KEYWORD_FIELDS = ("id", "section", "source", "language", "subjects", "places")
#: The date field; ranges and single dates resolve to whole days.
DATE_FIELD = "published"
#: Fields searched by words that name no field.
DEFAULT_FIELDS = ("headline", "dek", "body", "kicker")
#: Facets a search can count.
FACETS = ("section", "source", "year", "language")
SORTS = ("relevance", "newest", "oldest")
#: Upper bound on ``SearchOptions.limit`` (export asks for every hit in one page).
MAX_LIMIT = 100_000
#: Snippets are made for at most this many hits of a page: highlighting costs per hit.
MAX_SNIPPETS = 100
#: ANSI bold on and off, for terminal output.
_BOLD = ("\x1b[1m", "\x1b[22m")
#: HTML-style marking used in JSON output.
JSON_MARKS = ("<mark>", "</mark>")

#: Names accepted before ``:`` in a query, mapped to the field they mean.
FIELD_ALIASES: dict[str, str] = {
    **{name: name for name in TEXT_FIELDS + KEYWORD_FIELDS},
    "title": "headline",
    "text": "body",
    "bylines": "byline",
    "author": "byline",
    "lang": "language",
    "topics": "subjects",
    "topic": "subjects",
    "subject": "subjects",
    "place": "places",
    "published": DATE_FIELD,
    "date": DATE_FIELD,
}


# --------------------------------------------------------------------------- documents


@dataclass(frozen=True)
class IndexDocument:
    """What a backend indexes for one article: plain values, no engine types.

    ``published`` and ``ingested`` are ISO 8601 strings; ``published`` may be a bare date
    or absent. ``subjects`` and ``places`` are codes a migrated archive may carry (the
    Reuters topic and place codes, for instance); native captures leave them empty.
    """

    id: str
    headline: str = ""
    kicker: str = ""
    dek: str = ""
    body: str = ""
    section: str | None = None
    source: str | None = None
    bylines: tuple[str, ...] = ()
    dateline: str | None = None
    language: str | None = None
    published: str | None = None
    ingested: str | None = None
    subjects: tuple[str, ...] = ()
    places: tuple[str, ...] = ()


def document_from_article(article: Article, ingested_at: str) -> IndexDocument:
    """Build the index document for an article; paragraphs are joined by blank lines.

    Raises:
        SearchIndexError: the article has no id, so it could never be updated or deleted.
    """
    if not article.id:
        raise SearchIndexError(f"cannot index an article without an id: {article.headline!r}")
    return IndexDocument(
        id=article.id,
        headline=article.headline or "",
        kicker=article.kicker or "",
        dek=article.dek or "",
        body="\n\n".join(article.paragraphs),
        section=article.section,
        source=article.source,
        bylines=article.bylines,
        dateline=article.dateline,
        language=article.language,
        published=article.published,
        ingested=ingested_at,
        subjects=tuple(article.extra.get(EXTRA_SUBJECTS, "").split()),
        places=tuple(article.extra.get(EXTRA_PLACES, "").split()),
    )


# --------------------------------------------------------------------------- options, results


@dataclass
class SearchOptions:
    """One search request. Dates are ISO strings (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``),
    inclusive, and filter rather than score; ``page`` counts from 1."""

    query: str
    fields: tuple[str, ...] = DEFAULT_FIELDS
    date_from: str | None = None
    date_to: str | None = None
    section: str | None = None
    source: str | None = None
    language: str | None = None
    byline: str | None = None
    sort: str = "relevance"
    page: int = 1
    limit: int = 10
    highlight: bool = True
    facets: tuple[str, ...] = ()
    #: Offer a "did you mean" when the query finds at most this many documents.
    suggest_below: int = 2

    def validate(self) -> None:
        """Check every option, naming the bad one.

        Raises:
            QuerySyntaxError: an option has a value no backend could honour.
        """
        if self.sort not in SORTS:
            raise QuerySyntaxError(f"unknown sort {self.sort!r}; use one of {', '.join(SORTS)}")
        if self.page < 1:
            raise QuerySyntaxError(f"page must be 1 or more, not {self.page}")
        if not 1 <= self.limit <= MAX_LIMIT:
            raise QuerySyntaxError(f"limit must be between 1 and {MAX_LIMIT}, not {self.limit}")
        for facet in self.facets:
            if facet not in FACETS:
                raise QuerySyntaxError(f"unknown facet {facet!r}; use {', '.join(FACETS)}")
        for name in self.fields:
            if name not in TEXT_FIELDS:
                raise QuerySyntaxError(f"cannot search field {name!r} by default")
        self.day_range()

    def day_range(self) -> DateRangeNode | None:
        """The ``date_from``/``date_to`` window as whole days, or None when unbounded."""
        if self.date_from is None and self.date_to is None:
            return None
        start = parse_day(self.date_from, end=False) if self.date_from else None
        end = parse_day(self.date_to, end=True) if self.date_to else None
        if start is not None and end is not None and start > end:
            raise QuerySyntaxError(f"date range is empty: {self.date_from} is after {self.date_to}")
        return DateRangeNode(start, end)


@dataclass(frozen=True)
class Hit:
    """One search result. ``score`` is None when results are sorted by date.

    ``snippet`` (when highlighting was asked for) holds the body passages around the
    matches, marked with :data:`MARK_START`/:data:`MARK_END`; when only another field
    matched it is the opening of the body, unmarked. None when not asked for or empty.
    """

    id: str
    headline: str
    score: float | None
    published: str | None
    section: str | None
    source: str | None
    language: str | None
    dateline: str | None
    bylines: tuple[str, ...]
    snippet: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The stable JSON shape of a hit; snippet matches are wrapped in ``<mark>``."""
        return {
            "id": self.id,
            "headline": self.headline,
            "score": None if self.score is None else round(self.score, 4),
            "published": self.published,
            "section": self.section,
            "source": self.source,
            "language": self.language,
            "dateline": self.dateline,
            "bylines": list(self.bylines),
            "snippet": None if self.snippet is None else render_snippet(self.snippet, *JSON_MARKS),
        }


@dataclass(frozen=True)
class SearchResults:
    """A page of hits plus what the whole result set looks like."""

    hits: tuple[Hit, ...]
    total: int
    page: int
    pages: int
    query: str
    #: facet name -> [(value, count), ...], most frequent first (years: newest first).
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    #: A corrected query string when the query found few documents and one exists.
    suggestion: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The stable JSON shape of a result page (``search --json``)."""
        return {
            "query": self.query,
            "total": self.total,
            "page": self.page,
            "pages": self.pages,
            "hits": [hit.to_json() for hit in self.hits],
            "facets": {
                name: [[value, n] for value, n in counts] for name, counts in self.facets.items()
            },
            "suggestion": self.suggestion,
        }


class SearchBackend(Protocol):
    """What every search engine behind the archive provides.

    Writes are buffered until :meth:`commit`; :meth:`cancel` drops them. Searches see the
    index as of the last commit made by any process.
    """

    def add(self, documents: Sequence[IndexDocument]) -> None:
        """Index documents known to be new (a fresh index or a rebuild): the fast path."""

    def update(self, documents: Sequence[IndexDocument]) -> None:
        """Index documents, replacing any already indexed under the same id."""

    def delete(self, ids: Iterable[str]) -> None:
        """Remove the documents with these ids (unknown ids are ignored)."""

    def commit(self) -> None:
        """Make buffered writes durable and visible to searches."""

    def cancel(self) -> None:
        """Drop buffered writes."""

    def count(self) -> int:
        """Number of documents in the index."""

    def search(self, options: SearchOptions) -> SearchResults:
        """Run one search (see :class:`SearchOptions` and the query language above)."""

    def suggest(self, query: str) -> str | None:
        """A corrected query with misspelt words replaced, or None when nothing better."""

    def similar(self, id: str, limit: int = 10) -> list[Hit]:
        """Documents most like the one with ``id`` (not including it)."""

    def optimize(self) -> None:
        """Merge the index into as few parts as possible (slow; run now and then)."""

    def close(self) -> None:
        """Release files and locks."""


def open_backend(
    index_dir: Path, *, recreate: bool = False, bulk: bool = False, oneshot: bool = False
) -> SearchBackend:
    """Open (or create) the archive's search index in ``index_dir``.

    The one place that names the engine, so callers above the seam never import it.
    ``recreate`` empties the index first (``reindex``); ``bulk`` tunes writing for large
    batches (``reindex``, a big ``ingest --format jsonl``) at the cost of a slower start,
    so leave it off for a handful of documents. ``oneshot`` opens for a single search
    and close (a CLI call): a quicker, smaller start at the cost of slower searches.
    """
    from newsarchive.index import WhooshBackend

    return WhooshBackend(index_dir, recreate=recreate, bulk=bulk, oneshot=oneshot)


def render_snippet(snippet: str, start: str = "", end: str = "", *, bold: bool = False) -> str:
    """Replace the neutral match markers with ``start``/``end`` (``<mark>``, ``*``...);
    ``bold`` uses ANSI bold for a terminal. With neither, the markers are just removed."""
    if bold:
        start, end = _BOLD
    return snippet.replace(MARK_START, start).replace(MARK_END, end)


# --------------------------------------------------------------------------- query tree


@dataclass(frozen=True)
class TermNode:
    """A word; ``field`` None means the default fields. ``span`` locates it in the query."""

    field: str | None
    text: str
    span: tuple[int, int] = (0, 0)


@dataclass(frozen=True)
class PhraseNode:
    field: str | None
    text: str
    slop: int = 0


@dataclass(frozen=True)
class WildcardNode:
    field: str | None
    pattern: str


@dataclass(frozen=True)
class FuzzyNode:
    field: str | None
    text: str
    distance: int = 1


@dataclass(frozen=True)
class KeywordNode:
    """A value of a keyword field such as ``section``, as typed (the backend decides how
    to match it: names case-insensitively, ids exactly)."""

    field: str
    value: str


@dataclass(frozen=True)
class DateRangeNode:
    """Inclusive range of days as ``yyyymmdd`` integers; None is an open end."""

    start: int | None
    end: int | None


@dataclass(frozen=True)
class AndNode:
    items: tuple[QueryNode, ...]


@dataclass(frozen=True)
class OrNode:
    items: tuple[QueryNode, ...]


@dataclass(frozen=True)
class NotNode:
    item: QueryNode


@dataclass(frozen=True)
class MatchAllNode:
    pass


QueryNode = (
    TermNode
    | PhraseNode
    | WildcardNode
    | FuzzyNode
    | KeywordNode
    | DateRangeNode
    | AndNode
    | OrNode
    | NotNode
    | MatchAllNode
)

_TOKEN = re.compile(
    r"""\s*(?:
      (?P<lp>\() | (?P<rp>\))
    | (?P<field>[A-Za-z_]+):(?=[^\s)])
    | (?P<phrase>"[^"]*")(?:~(?P<slop>\d+))?
    | (?P<range>[\[{][^\]}]*[\]}])
    | (?P<word>[^\s()"]+)
    )""",
    re.VERBOSE,
)
_FUZZY = re.compile(r"(?P<text>.+?)~(?P<dist>\d*)")
_DAY = re.compile(r"(\d{4})(?:-?(\d{2})(?:-?(\d{2}))?)?")
_RANGE = re.compile(r"\[\s*(\S+)\s+(?:TO|to)\s+(\S+)\s*\]")
_OPERATORS = ("AND", "OR", "NOT")


@dataclass(frozen=True)
class _Token:
    kind: str
    value: str
    start: int
    end: int
    slop: int = 0


def parse_query(text: str) -> QueryNode:
    """Parse the query language into a tree of ``*Node`` objects (see the module doc).

    Raises:
        QuerySyntaxError: the query is malformed; the message says what and where.
    """
    tokens = _tokenize(text)
    if not tokens:
        return MatchAllNode()
    parser = _Parser(text, tokens)
    node = parser.or_expr()
    if parser.pos < len(tokens):
        token = tokens[parser.pos]
        raise QuerySyntaxError(f"unexpected {token.value!r} at position {token.start + 1}")
    return node


def parse_day(text: str, *, end: bool) -> int:
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` (time ignored) as a ``yyyymmdd`` integer: the
    first day it covers, or the last when ``end`` is set.

    Raises:
        QuerySyntaxError: not such a date.
    """
    match = _DAY.fullmatch(text.strip()[:10])
    if match is None:
        raise QuerySyntaxError(f"invalid date {text!r}; use YYYY, YYYY-MM or YYYY-MM-DD")
    year = int(match[1])
    month = int(match[2]) if match[2] else (12 if end else 1)
    if not 1 <= month <= 12:
        raise QuerySyntaxError(f"invalid month in date {text!r}")
    last = calendar.monthrange(year, month)[1]
    day = int(match[3]) if match[3] else (last if end else 1)
    if not 1 <= day <= last:
        raise QuerySyntaxError(f"invalid day in date {text!r}")
    return year * 10000 + month * 100 + day


def day_of(published: str | None) -> int | None:
    """The calendar day an ISO timestamp names, as ``yyyymmdd`` (the local date as published)."""
    if not published:
        return None
    try:
        return parse_day(published[:10], end=False) if len(published) >= 10 else None
    except QuerySyntaxError:
        return None


def default_field_terms(node: QueryNode) -> list[TermNode]:
    """The plain words of a query searched in the default fields (for spelling suggestions)."""
    if isinstance(node, TermNode):
        return [node] if node.field is None else []
    if isinstance(node, AndNode | OrNode):
        return [term for item in node.items for term in default_field_terms(item)]
    return []


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    pos = 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        match = _TOKEN.match(text, pos)
        if match is None or match.lastgroup is None:
            where = len(text) - len(text[pos:].lstrip()) + 1
            if text[pos:].lstrip().startswith('"'):
                raise QuerySyntaxError(f"unclosed quote at position {where}")
            raise QuerySyntaxError(f"cannot read the query at position {where}")
        kind = "phrase" if match["phrase"] is not None else match.lastgroup
        slop = int(match["slop"]) if match["slop"] else 0
        tokens.append(_Token(kind, match[kind], match.start(kind), match.end(), slop))
        pos = match.end()
    return tokens


class _Parser:
    """Recursive descent: OR binds loosest, then AND (explicit or implied), then NOT."""

    def __init__(self, text: str, tokens: list[_Token]) -> None:
        self.text = text
        self.tokens = tokens
        self.pos = 0

    def peek(self) -> _Token | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> _Token:
        token = self.peek()
        if token is None:
            raise QuerySyntaxError("the query ends too early (a term is missing at the end)")
        self.pos += 1
        return token

    def _is_operator(self, token: _Token | None, name: str) -> bool:
        return token is not None and token.kind == "word" and token.value == name

    def or_expr(self) -> QueryNode:
        items = [self.and_expr()]
        while self._is_operator(self.peek(), "OR"):
            self.take()
            items.append(self.and_expr())
        return items[0] if len(items) == 1 else OrNode(tuple(items))

    def and_expr(self) -> QueryNode:
        items = [self.unary()]
        while True:
            token = self.peek()
            if token is None or token.kind == "rp" or self._is_operator(token, "OR"):
                break
            if self._is_operator(token, "AND"):
                self.take()
            items.append(self.unary())
        return items[0] if len(items) == 1 else AndNode(tuple(items))

    def unary(self) -> QueryNode:
        token = self.peek()
        if self._is_operator(token, "NOT"):
            self.take()
            return NotNode(self.unary())
        if token is not None and token.kind == "word" and token.value.startswith("-"):
            if len(token.value) == 1:
                raise QuerySyntaxError(f"'-' must precede a term (position {token.start + 1})")
            self.tokens[self.pos] = _Token("word", token.value[1:], token.start + 1, token.end)
            return NotNode(self.primary())
        return self.primary()

    def primary(self) -> QueryNode:
        token = self.take()
        if token.kind == "lp":
            node = self.or_expr()
            closing = self.peek()
            if closing is None or closing.kind != "rp":
                raise QuerySyntaxError(f"missing ')' for '(' at position {token.start + 1}")
            self.take()
            return node
        if token.kind == "rp":
            raise QuerySyntaxError(f"unexpected ')' at position {token.start + 1}")
        if token.kind == "word" and token.value in _OPERATORS:
            raise QuerySyntaxError(
                f"{token.value} at position {token.start + 1} needs a term on each side"
            )
        if token.kind == "field":
            return self.fielded(token)
        return self.value(None, token)

    def fielded(self, prefix: _Token) -> QueryNode:
        name = FIELD_ALIASES.get(prefix.value.lower())
        if name is None:
            known = ", ".join(sorted(set(FIELD_ALIASES) - {"title", "text", "author"}))
            raise QuerySyntaxError(f"unknown field {prefix.value!r}; known fields: {known}")
        token = self.take()
        if token.kind == "lp":
            raise QuerySyntaxError(
                f"{prefix.value}:( ... ) is not supported; repeat the field for each term"
            )
        return self.value(name, token)

    def value(self, name: str | None, token: _Token) -> QueryNode:
        if name == DATE_FIELD:
            return _date_node(token)
        if token.kind == "range":
            raise QuerySyntaxError(f"a range {token.value} needs published: in front of it")
        if token.kind == "phrase":
            return self.phrase(name, token)
        if token.kind != "word":
            raise QuerySyntaxError(f"unexpected {token.value!r} at position {token.start + 1}")
        return _word_node(name, token)

    def phrase(self, name: str | None, token: _Token) -> QueryNode:
        inner = token.value[1:-1].strip()
        if not inner:
            raise QuerySyntaxError(f"empty phrase at position {token.start + 1}")
        if name in KEYWORD_FIELDS:
            return KeywordNode(name, inner)
        return PhraseNode(name, inner, token.slop)


def _word_node(name: str | None, token: _Token) -> QueryNode:
    word = token.value
    if word == "*" and name is None:
        return MatchAllNode()
    fuzzy = _FUZZY.fullmatch(word)
    if fuzzy is not None:
        distance = int(fuzzy["dist"]) if fuzzy["dist"] else 1
        if not 1 <= distance <= 2:
            raise QuerySyntaxError(f"fuzzy distance must be 1 or 2 in {word!r}")
        return FuzzyNode(name, fuzzy["text"].lower(), distance)
    if "*" in word or "?" in word:
        if word.strip("*?") == "":
            raise QuerySyntaxError(f"wildcard {word!r} needs at least one letter")
        return WildcardNode(name, word.lower())
    if name in KEYWORD_FIELDS:
        return KeywordNode(name, word)
    return TermNode(name, word, (token.start, token.start + len(word)))


def _date_node(token: _Token) -> DateRangeNode:
    if token.kind == "word":
        return DateRangeNode(parse_day(token.value, end=False), parse_day(token.value, end=True))
    if token.kind == "range":
        match = _RANGE.fullmatch(token.value)
        if token.value.startswith("{") or match is None:
            raise QuerySyntaxError(f"bad date range {token.value}; use [YYYY-MM-DD TO YYYY-MM-DD]")
        low, high = match[1], match[2]
        start = None if low == "*" else parse_day(low, end=False)
        end = None if high == "*" else parse_day(high, end=True)
        if start is not None and end is not None and start > end:
            raise QuerySyntaxError(f"date range {token.value} is empty: its start is after its end")
        return DateRangeNode(start, end)
    raise QuerySyntaxError(f"published: needs a date or a [from TO to] range, not {token.value!r}")
