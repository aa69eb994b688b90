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
