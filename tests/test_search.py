"""Contract tests for the search seam: every SearchBackend must pass them.

The suite is parametrised over ``BACKENDS``; a new engine joins by adding its factory.
The articles are fictional, written for these tests.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from newsarchive.errors import QuerySyntaxError, SearchIndexError
from newsarchive.index import WhooshBackend
from newsarchive.models import Article, Block
from newsarchive.search import (
    MARK_END,
    MARK_START,
    IndexDocument,
    SearchBackend,
    SearchOptions,
    SearchResults,
    document_from_article,
    render_snippet,
)

BACKENDS: dict[str, Callable[[Path], SearchBackend]] = {
    "whoosh": lambda path: WhooshBackend(path),
}

INGESTED = "2024-05-01T12:00:00+00:00"


def _article(
    id: str, headline: str, paragraphs: list[str], **meta: str | tuple[str, ...] | None
) -> Article:
    return Article(id=id, headline=headline, blocks=tuple(Block(p) for p in paragraphs), **meta)  # type: ignore[arg-type]


ARTICLES = [
    _article(
        "ledger-dredging",
        "Harbour Authority Approves Night Dredging",
        [
            "PORTSMOUTH—The harbour authority voted on Thursday to allow night dredging "
            "of the main channel, a decision ferry operators had sought for two years.",
            "Residents of the waterfront warned that the dredgers would keep them awake.",
        ],
        section="Local",
        source="The Portsmouth Ledger",
        bylines=("Maria Okafor",),
        dateline="PORTSMOUTH",
        published="2019-03-14T09:30:00+00:00",
        language="en",
        dek="Ferry operators welcomed the decision; residents did not.",
    ),
    _article(
        "wire-rates",
        "Central Bank Holds Rates as Inflation Cools",
        [
            "LONDON—The central bank left interest rates unchanged on Tuesday, saying "
            "inflation had cooled faster than its economists expected.",
            "The governor said the bank would watch wage growth closely.",
        ],
        section="Business",
        source="Northern Wire",
        bylines=("James Whitfield", "Anna Berg"),
        dateline="LONDON",
        published="2019-01-22T14:00:00+00:00",
        language="en",
    ),
    _article(
        "ledger-ferries",
        "Ferry Operators Warn of Summer Delays",
        [
            "Ferry operators said the dredging of the harbour channel would delay "
            "summer crossings, but that deeper water would allow larger ferries by autumn.",
        ],
        section="Local",
        source="The Portsmouth Ledger",
        bylines=("Maria Okafor",),
        published="2019-06-02T07:15:00+00:00",
        language="en",
    ),
    _article(
        "courier-bronzes",
        "Museum Returns Bronze Statues",
        [
            "The city museum returned four bronze statues to the temple they were taken "
            "from a century ago, after a long campaign by the temple's trustees.",
        ],
        section="Culture",
        source="Daily Courier",
        published="2018-11-30",
        language="en",
        kicker="RESTITUTION",
    ),
    _article(
        "abendblatt-wahlrecht",
        "Bundesregierung plant neue Wahlrechtsreform",
        [
            "BERLIN—Die Bundesregierung will das Wahlrecht ändern. Die Regierungen der "
            "Länder wurden am Montag über die Pläne unterrichtet.",
        ],
        section="Politik",
        source="Berliner Abendblatt",
        dateline="BERLIN",
        published="2020-02-10T18:00:00+01:00",
        language="de",
    ),
    _article(
        "wire-storm",
        "Storm Closes Coastal Roads",
        [
            "A storm closed coastal roads across the north on Tuesday and cut power to "
            "thousands of homes; ferry crossings were cancelled.",
        ],
        section="Weather",
        source="Northern Wire",
        published="2021-10-05T06:00:00+00:00",
        language="en",
    ),
    _article(
        "courier-corrections",
        "Corrections and Clarifications",
        ["An earlier version of an article misspelt the name of the museum's director."],
        source="Daily Courier",
        language="en",
    ),
    _article(
        "courier-inflation",
        "Inflation Rises Again as Energy Bills Climb",
        ["Inflation rose for a third month as energy bills climbed, official figures showed."],
        section="Business",
        source="Daily Courier",
        published="2021-04-15T10:00:00+00:00",
        language="en",
    ),
]


@pytest.fixture(scope="module", params=sorted(BACKENDS))
def loaded(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SearchBackend]:
    """A backend holding ``ARTICLES``, shared by the read-only tests of one module."""
    backend = BACKENDS[request.param](tmp_path_factory.mktemp(request.param))
    backend.add([document_from_article(a, INGESTED) for a in ARTICLES])
    backend.commit()
    yield backend
    backend.close()


@pytest.fixture(params=sorted(BACKENDS))
def empty(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SearchBackend]:
    backend = BACKENDS[request.param](tmp_path / "index")
    yield backend
    backend.close()


def ids(results: SearchResults) -> set[str]:
    return {hit.id for hit in results.hits}


def find(backend: SearchBackend, query: str, **options: object) -> set[str]:
    return ids(backend.search(SearchOptions(query=query, limit=50, **options)))  # type: ignore[arg-type]


def test_count(loaded: SearchBackend) -> None:
    assert loaded.count() == len(ARTICLES)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("dredging", {"ledger-dredging", "ledger-ferries"}),
        ("dredge", {"ledger-dredging", "ledger-ferries"}),  # English stemming
        ("ferry harbour", {"ledger-dredging", "ledger-ferries"}),  # implicit AND
        ('"night dredging"', {"ledger-dredging"}),
        ('"dredging channel"', set()),
        ('"dredging channel"~2', set()),
        ('"dredging channel"~3', {"ledger-dredging", "ledger-ferries"}),
        ("museum AND NOT bronze", {"courier-corrections"}),
        ("museum -bronze", {"courier-corrections"}),
        ("(storm OR inflation) AND tuesday", {"wire-storm", "wire-rates"}),
        ("inflation OR storm", {"wire-rates", "wire-storm", "courier-inflation"}),
        ("headline:inflation", {"wire-rates", "courier-inflation"}),
        ("body:dredgers", {"ledger-dredging"}),
        ("kicker:restitution", {"courier-bronzes"}),
        ("dek:residents", {"ledger-dredging"}),
        ("byline:okafor", {"ledger-dredging", "ledger-ferries"}),
        ('byline:"anna berg"', {"wire-rates"}),
        ("dateline:london", {"wire-rates"}),
        ("section:local", {"ledger-dredging", "ledger-ferries"}),
        ('source:"northern wire"', {"wire-rates", "wire-storm"}),
        ("source:courier AND museum", {"courier-bronzes", "courier-corrections"}),
        ("lang:de", {"abendblatt-wahlrecht"}),
        ("id:wire-storm", {"wire-storm"}),
        ("infla*", {"wire-rates", "courier-inflation"}),
        ("st?rm", {"wire-storm"}),  # wildcards match indexed (stemmed) words
        ("museun~", {"courier-bronzes", "courier-corrections"}),
        ("fery~2 AND storm", {"wire-storm"}),
        ("published:2019", {"ledger-dredging", "wire-rates", "ledger-ferries"}),
        ("published:2019-03", {"ledger-dredging"}),
        ("published:2019-03-14", {"ledger-dredging"}),
        ("date:[2019-01 TO 2019-03]", {"ledger-dredging", "wire-rates"}),
        ("published:[2021 TO *] AND inflation", {"courier-inflation"}),
        ("published:[* TO 2018] OR storm", {"courier-bronzes", "wire-storm"}),
        ("regierungen", {"abendblatt-wahlrecht"}),  # German text is searchable
        ("quantum", set()),
    ],
)
def test_query_language(loaded: SearchBackend, query: str, expected: set[str]) -> None:
    assert find(loaded, query) == expected


def test_match_all_with_filters(loaded: SearchBackend) -> None:
    assert find(loaded, "*") == {a.id for a in ARTICLES}
    assert find(loaded, "*", section="Business") == {"wire-rates", "courier-inflation"}
    assert find(loaded, "*", source="daily courier", date_from="2021") == {"courier-inflation"}
    assert find(loaded, "*", language="de") == {"abendblatt-wahlrecht"}
    assert find(loaded, "*", byline="Maria Okafor") == {"ledger-dredging", "ledger-ferries"}


def test_date_options_are_inclusive(loaded: SearchBackend) -> None:
    found = find(loaded, "*", date_from="2019-01-22", date_to="2019-03-14")
    assert found == {"wire-rates", "ledger-dredging"}
    assert find(loaded, "*", date_to="2018") == {"courier-bronzes"}


def test_headline_outranks_body(loaded: SearchBackend) -> None:
    results = loaded.search(SearchOptions(query="ferry"))
    assert results.hits[0].id == "ledger-ferries"


def test_sort_by_date(loaded: SearchBackend) -> None:
    newest = loaded.search(SearchOptions(query="*", sort="newest", limit=3))
    assert [h.id for h in newest.hits] == [
        "wire-storm",
        "courier-inflation",
        "abendblatt-wahlrecht",
    ]
    oldest = loaded.search(SearchOptions(query="ferry OR ferries", sort="oldest"))
    assert [h.id for h in oldest.hits] == ["ledger-dredging", "ledger-ferries", "wire-storm"]
    assert all(hit.score is None for hit in oldest.hits)


def test_undated_articles_sort_last_when_newest_first(loaded: SearchBackend) -> None:
    results = loaded.search(SearchOptions(query="museum", sort="newest"))
    assert [h.id for h in results.hits] == ["courier-bronzes", "courier-corrections"]


def test_paging(loaded: SearchBackend) -> None:
    pages = [
        loaded.search(SearchOptions(query="*", sort="oldest", limit=3, page=n)) for n in (1, 2, 3)
    ]
    assert [p.total for p in pages] == [8, 8, 8]
    assert [p.pages for p in pages] == [3, 3, 3]
    assert [len(p.hits) for p in pages] == [3, 3, 2]
    seen = [hit.id for page in pages for hit in page.hits]
    assert sorted(seen) == sorted(a.id for a in ARTICLES)
    assert loaded.search(SearchOptions(query="*", limit=3, page=9)).hits == ()


def test_facets(loaded: SearchBackend) -> None:
    results = loaded.search(
        SearchOptions(query="*", facets=("section", "source", "year", "language"))
    )
    assert results.facets["section"][:2] == [("Business", 2), ("Local", 2)]
    assert ("Culture", 1) in results.facets["section"]
    assert results.facets["source"][0] == ("Daily Courier", 3)
    assert results.facets["year"] == [("2021", 2), ("2020", 1), ("2019", 3), ("2018", 1)]
    assert dict(results.facets["language"]) == {"en": 7, "de": 1}


def test_facets_count_all_matches_not_just_the_page(loaded: SearchBackend) -> None:
    results = loaded.search(SearchOptions(query="ferry OR ferries", facets=("section",), limit=1))
    assert len(results.hits) == 1
    assert dict(results.facets["section"]) == {"Local": 2, "Weather": 1}


def test_highlighted_snippet(loaded: SearchBackend) -> None:
    hit = loaded.search(SearchOptions(query='"night dredging"')).hits[0]
    assert hit.snippet is not None
    assert f"{MARK_START}night{MARK_END} {MARK_START}dredging{MARK_END}" in hit.snippet
    plain = loaded.search(SearchOptions(query='"night dredging"', highlight=False)).hits[0]
    assert plain.snippet is None


def test_snippet_of_headline_only_match_is_body_opening(loaded: SearchBackend) -> None:
    hit = loaded.search(SearchOptions(query="headline:clarifications")).hits[0]
    assert hit.snippet is not None
    assert hit.snippet.startswith("An earlier version")
    assert MARK_START not in hit.snippet


def test_hit_fields(loaded: SearchBackend) -> None:
    hit = loaded.search(SearchOptions(query="id:wire-rates")).hits[0]
    assert hit.headline == "Central Bank Holds Rates as Inflation Cools"
    assert hit.published == "2019-01-22T14:00:00+00:00"
    assert (hit.section, hit.source, hit.language, hit.dateline) == (
        "Business",
        "Northern Wire",
        "en",
        "LONDON",
    )
    assert hit.bylines == ("James Whitfield", "Anna Berg")
    assert hit.score is not None
    assert hit.score > 0


def test_suggestion_when_nothing_matches(loaded: SearchBackend) -> None:
    results = loaded.search(SearchOptions(query="centrl bank"))
    assert results.total == 0
    assert results.suggestion == "central bank"
    assert loaded.suggest("museum statues") is None


def test_no_suggestion_when_the_query_finds_plenty(loaded: SearchBackend) -> None:
    assert loaded.search(SearchOptions(query="*")).suggestion is None


def test_similar(loaded: SearchBackend) -> None:
    similar = loaded.similar("ledger-dredging", limit=3)
    assert similar[0].id == "ledger-ferries"
    assert "ledger-dredging" not in {hit.id for hit in similar}
    with pytest.raises(SearchIndexError, match="no article"):
        loaded.similar("no-such-id")


def test_update_by_id_is_idempotent(empty: SearchBackend) -> None:
    doc = document_from_article(ARTICLES[0], INGESTED)
    for _ in range(2):
        empty.update([doc])
        empty.commit()
    assert empty.count() == 1
    changed = IndexDocument(id=doc.id, headline="Dredging Postponed", body="The vote was delayed.")
    empty.update([changed, changed])
    empty.commit()
    assert empty.count() == 1
    assert find(empty, "postponed") == {doc.id}
    assert find(empty, "residents") == set()


def test_delete(empty: SearchBackend) -> None:
    empty.add([document_from_article(a, INGESTED) for a in ARTICLES[:3]])
    empty.commit()
    empty.delete(["wire-rates", "never-indexed"])
    empty.commit()
    assert empty.count() == 2
    assert find(empty, "inflation") == set()


def test_cancel_drops_buffered_writes(empty: SearchBackend) -> None:
    empty.add([document_from_article(ARTICLES[0], INGESTED)])
    empty.cancel()
    assert empty.count() == 0


def test_search_of_empty_index(empty: SearchBackend) -> None:
    results = empty.search(SearchOptions(query="anything", facets=("section",)))
    assert (results.total, results.hits, results.pages) == (0, (), 1)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ('"unclosed phrase', "unclosed quote"),
        ("(harbour AND ferry", "missing ')'"),
        ("harbour)", "unexpected ')'"),
        ("harbour AND", "ends too early"),
        ("OR harbour", "needs a term on each side"),
        ("colour:red", "unknown field 'colour'"),
        ("published:[2019 TO]", "bad date range"),
        ("published:2019-13", "invalid month"),
        ("published:[2020 TO 2019]", "is empty"),
        ("published:{2019 TO 2020}", "bad date range"),
        ("published:soon", "invalid date"),
        ("harbour~5", "fuzzy distance"),
        ("**", "needs at least one letter"),
        ("[2019 TO 2020]", "needs published:"),
        ('""', "empty phrase"),
        ("headline:(a OR b)", "repeat the field"),
    ],
)
def test_malformed_queries_raise_clear_errors(
    loaded: SearchBackend, query: str, message: str
) -> None:
    with pytest.raises(QuerySyntaxError, match=message.replace("(", r"\(").replace(")", r"\)")):
        loaded.search(SearchOptions(query=query))


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"sort": "random"}, "unknown sort"),
        ({"page": 0}, "page must be"),
        ({"limit": 0}, "limit must be"),
        ({"facets": ("colour",)}, "unknown facet"),
        ({"date_from": "2020", "date_to": "2019"}, "is after"),
        ({"date_from": "last week"}, "invalid date"),
    ],
)
def test_bad_options_raise_clear_errors(
    loaded: SearchBackend, options: dict[str, object], message: str
) -> None:
    with pytest.raises(QuerySyntaxError, match=message):
        loaded.search(SearchOptions(query="harbour", **options))  # type: ignore[arg-type]


def test_render_snippet_and_json() -> None:
    snippet = f"the {MARK_START}harbour{MARK_END} channel"
    assert render_snippet(snippet) == "the harbour channel"
    assert render_snippet(snippet, "<b>", "</b>") == "the <b>harbour</b> channel"
    assert render_snippet(snippet, bold=True) == "the \x1b[1mharbour\x1b[22m channel"


def test_results_json_shape(loaded: SearchBackend) -> None:
    data = loaded.search(SearchOptions(query='"night dredging"', facets=("year",))).to_json()
    assert set(data) == {"query", "total", "page", "pages", "hits", "facets", "suggestion"}
    hit = data["hits"][0]
    assert {"id", "headline", "score", "published", "section", "source", "snippet"} <= set(hit)
    assert "<mark>night</mark> <mark>dredging</mark>" in hit["snippet"]
    assert data["facets"] == {"year": [["2019", 1]]}


def test_document_needs_an_id() -> None:
    with pytest.raises(SearchIndexError, match="without an id"):
        document_from_article(Article(headline="No id"), INGESTED)
