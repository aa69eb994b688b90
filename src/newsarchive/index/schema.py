"""The index schema and the writing side: fields, the fused text field, the writers' codec.

See the package docstring for why each field looks as it does."""

from __future__ import annotations

import functools
import importlib
import itertools
import os
import re
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from newsarchive.search import (
    IndexDocument,
    day_of,
)

#: Languages with a Whoosh stemmer other than English (ISO 639-1).
STEMMED_LANGUAGES = frozenset(
    ("ar", "da", "nl", "fi", "fr", "de", "hu", "it", "no", "pt", "ro", "ru", "es", "sv")
)
#: Text fields that get one variant per stemmed language.
LANGUAGE_FIELDS = ("headline", "kicker", "dek", "body")
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
#: and cost 74 s of CPU against 48 s with 1,024 MB (peak RSS 776 against 1,385 MB). Since
#: values carry their word positions to the codec's writer, 1,024 MB filled again on x5:
#: 87.6 s against 66.2 s with 1,280 MB, for a peak RSS of 1,558 against 1,624 MB.
BULK_LIMITMB = 1536
#: ... but at most 1/BULK_MEMORY_SHARE of the machine's memory per writer process.
BULK_MEMORY_SHARE = 8
SMALL_LIMITMB = 128


def whoosh_module(module: str) -> Any:
    """Import ``whoosh.<module>`` on first use. Typed as Any on purpose: the fork's partial
    annotations change between releases, and only the stable 2.7 API is used here."""
    return importlib.import_module(f"whoosh.{module}")


def build_schema() -> Any:
    """The index schema (see the package docstring for why each field looks as it does)."""
    analysis, columns, fields = (
        whoosh_module("analysis"),
        whoosh_module("columns"),
        whoosh_module("fields"),
    )

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


def bulk_limitmb() -> int:
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
    analysis, languages = whoosh_module("analysis"), whoosh_module("lang")
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
    queries, phrases, highlights and indexes written before are unchanged. Each value
    also carries its word positions for the codec's writer, which stores them apart and
    strips them (:func:`newsarchive.index.codec.with_positions`). The analyser
    stays the stock chain for queries and highlights. Lists, extra arguments, other
    analysers and other formats go through ``TEXT.index`` as before.

    Pickled into the index's schema by reference to :func:`_restore_fused_text`, so the
    class can stay inside this function and importing the module still imports no whoosh.
    """
    fields, formats, system = (
        whoosh_module("fields"),
        whoosh_module("formats"),
        whoosh_module("system"),
    )
    from newsarchive.index.codec import with_positions  # the codec module imports this one

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
            if kind is characters or kind is positions:
                # Characters postings hold (position, start, end) per occurrence, positions
                # postings the position alone; both are grouped per term the same way.
                occurrences: Iterable[Any]
                if kind is characters:
                    terms, occurrences = plan.occurrences(value)
                else:
                    terms = plan.terms(value)
                    occurrences = range(len(terms))
                encode = self.format.encode
                grouped = _group_by_term(terms, occurrences)
                words = _first_items if kind is characters else list
                return [
                    (t.encode(), len(p), len(p) * boost, with_positions(encode(p), words(p)))
                    for t, p in grouped.items()
                ]
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


def _first_items(occurrences: Sequence[tuple[int, int, int]]) -> list[int]:
    return [occurrence[0] for occurrence in occurrences]


def _group_by_term(terms: Sequence[str], occurrences: Iterable[Any]) -> dict[str, list[Any]]:
    """Each term's occurrences in text order, terms in order of first occurrence (the order
    the stock chain's postings come in)."""
    grouped: dict[str, list[Any]] = {}
    for term, occurrence in zip(terms, occurrences, strict=True):
        if term in grouped:
            grouped[term].append(occurrence)
        else:
            grouped[term] = [occurrence]
    return grouped


def _restore_fused_text() -> Any:
    """An empty fused field for unpickling an index's schema (its state follows)."""
    cls = _fused_text_class()
    return cls.__new__(cls)


def _restore_codec() -> Any:
    """An empty codec for unpickling a segment written before positions were kept apart
    (its settings follow); see :mod:`newsarchive.index.codec`."""
    from newsarchive.index.codec import no_length_bounds_codec_class

    cls = no_length_bounds_codec_class()
    return cls.__new__(cls)


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
