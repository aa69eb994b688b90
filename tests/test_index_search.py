"""How the Whoosh backend reads: the query shapes and collectors it uses for speed must
give exactly the results of the plain Whoosh way (test_search.py has the contract)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from newsarchive.index import WhooshBackend
from newsarchive.search import DEFAULT_FIELDS, IndexDocument, SearchOptions, parse_query


@pytest.fixture
def backend(tmp_path: Path) -> Iterator[WhooshBackend]:
    docs = [
        IndexDocument(id="a", headline="Harbour strike", body="The dockers walked out."),
        IndexDocument(id="b", headline="Dockers return", body="The harbour strike is over."),
        IndexDocument(id="c", headline="Weather", body="Rain over the harbour all week."),
    ]
    with WhooshBackend(tmp_path) as writer:
        writer.add(docs)
    opened = WhooshBackend(tmp_path)
    yield opened
    opened.close()


def ids(backend: WhooshBackend, query: str) -> list[str]:
    return sorted(hit.id for hit in backend.search(SearchOptions(query=query)).hits)


def test_fields_without_the_word_are_left_out_of_the_query(backend: WhooshBackend) -> None:
    reader = backend._open_searcher().reader()
    query = backend._compile(parse_query("dockers"), DEFAULT_FIELDS, reader)
    # No story has a kicker or dek, so only headline and body are searched.
    assert sorted(term[0] for term in query.iter_all_terms()) == ["body", "headline"]
    assert ids(backend, "dockers") == ["a", "b"]
    assert ids(backend, '"harbour strike"') == ["a", "b"]


def test_a_word_in_no_field_still_empties_an_and(backend: WhooshBackend) -> None:
    assert ids(backend, "harbour zeppelin") == []
    assert ids(backend, '"harbour zeppelin" harbour') == []
    assert ids(backend, "zeppelin OR rain") == ["c"]


@pytest.fixture
def dated(tmp_path: Path) -> Iterator[WhooshBackend]:
    words = ["harbour", "strike", "rain", "dockers", "port"]
    docs = [
        IndexDocument(
            id=f"d{n}",
            headline=words[n % 5],
            body=" ".join(words[(n * k) % 5] for k in range(1, 4)),
            published=f"2024-0{1 + n % 9}-1{n % 3}T08:00:00+00:00" if n % 7 else None,
        )
        for n in range(60)
    ]
    with WhooshBackend(tmp_path, bulk=True) as writer:  # two segments
        writer.add(docs)
    opened = WhooshBackend(tmp_path)
    yield opened
    opened.close()


@pytest.mark.parametrize("query", ["harbour", "harbour AND NOT rain", "(strike OR rain) port", "*"])
@pytest.mark.parametrize("sort", ["newest", "oldest"])
def test_date_order_is_whooshs_sorting_collector_order(
    dated: WhooshBackend, query: str, sort: str
) -> None:
    searcher = dated._open_searcher()
    compiled = dated._compile(parse_query(query), DEFAULT_FIELDS, searcher.reader())
    expected = searcher.search(compiled, sortedby="sortdate", reverse=sort == "newest", limit=25)
    results = dated.search(SearchOptions(query=query, sort=sort, limit=25, highlight=False))
    assert [hit.id for hit in results.hits] == [hit["id"] for hit in expected]
    assert results.total == len(expected)


def test_sorting_and_facets_work_when_no_story_has_the_value(backend: WhooshBackend) -> None:
    # No story in `backend` has a date, section, source or language: those columns are
    # absent from the index altogether.
    newest = backend.search(SearchOptions(query="harbour", sort="newest"))
    assert newest.total == 3
    faceted = backend.search(SearchOptions(query="harbour", facets=("section", "year")))
    assert faceted.facets == {"section": [], "year": []}


def test_a_oneshot_backend_reads_files_on_demand_with_the_same_results(tmp_path: Path) -> None:
    docs = [
        IndexDocument(id=f"s{n}", headline=f"story {n}", body="harbour strike") for n in range(5)
    ]
    with WhooshBackend(tmp_path) as writer:
        writer.add(docs)
    options = SearchOptions(query="harbour", facets=("section",))
    mapped, oneshot = WhooshBackend(tmp_path), WhooshBackend(tmp_path, oneshot=True)
    try:
        assert oneshot._ix.storage.supports_mmap is False
        assert oneshot.search(options) == mapped.search(options)
    finally:
        mapped.close()
        oneshot.close()


def test_a_date_window_takes_the_smaller_side() -> None:
    from newsarchive.index.query import WINDOW_LOOKUP_MAX, _window_by_lookup

    assert _window_by_lookup(200, lambda: 11_000)  # few matches: look up their days
    assert not _window_by_lookup(3_600, lambda: 1_600)  # a short window: intersect it
    assert not _window_by_lookup(WINDOW_LOOKUP_MAX + 1, lambda: 10**9)


@pytest.mark.parametrize("lookup", [False, True])
def test_a_date_window_adds_nothing_to_scores_whichever_way_it_is_checked(
    dated: WhooshBackend, monkeypatch: pytest.MonkeyPatch, lookup: bool
) -> None:
    from newsarchive.index import query as index

    def ranked(query: str) -> list[tuple[str, float | None]]:
        hits = dated.search(SearchOptions(query=query, limit=50, highlight=False)).hits
        return [(hit.id, hit.score) for hit in hits]

    monkeypatch.setattr(index, "_window_by_lookup", lambda matches, window: lookup)
    unwindowed = dict(ranked("harbour"))
    windowed = ranked("harbour published:[2024-02 TO 2024-05]")
    assert 0 < len(windowed) < len(unwindowed)
    assert all(score == unwindowed[id] for id, score in windowed)
