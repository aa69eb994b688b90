"""Queries answered from posting arrays (``index.arrays``) must match and score exactly as
Whoosh's own matchers do, on every query shape the compiler produces."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsarchive.index import WhooshBackend
from newsarchive.index.arrays import _ids_from_deltas, _in_order, array_query_class
from newsarchive.search import DEFAULT_FIELDS, IndexDocument, parse_query

WORDS = ["harbour", "strike", "the", "port", "of", "rain", "dockers", "wage", "talks", "bank"]


def _story(n: int) -> IndexDocument:
    """A story of words drawn in a fixed pseudo-random order, so words repeat, phrases
    recur and every story is different."""
    rng = np.random.default_rng(n)
    body = " ".join(rng.choice(WORDS, size=int(rng.integers(3, 60))))
    month = 1 + n % 12
    return IndexDocument(
        id=f"s{n}",
        headline=" ".join(rng.choice(WORDS, size=int(rng.integers(1, 6)))),
        dek=" ".join(rng.choice(WORDS, size=3)) if n % 4 == 0 else None,
        body=body,
        section="Business" if n % 3 else "World",
        published=f"2024-{month:02d}-{1 + n % 27:02d}T08:00:00+00:00" if n % 11 else None,
        language="fr" if n % 13 == 0 else "en",
    )


@pytest.fixture(scope="module")
def backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WhooshBackend]:
    """Three segments (two batches, one of them from the two-process writer), with
    deleted documents (stories replaced by a later version)."""
    path = tmp_path_factory.mktemp("arrays")
    with WhooshBackend(path, bulk=True) as writer:
        writer.add([_story(n) for n in range(400)])
    with WhooshBackend(path) as writer:
        writer.update([_story(n + 1000) for n in range(30)])
        writer.update(
            [
                IndexDocument(id=f"s{n}", headline="wage talks", body="strike over")
                for n in range(0, 60, 7)
            ]
        )
    opened = WhooshBackend(path)
    yield opened
    opened.close()


def scored(backend: WhooshBackend, query: Any) -> dict[int, float]:
    searcher = backend._open_searcher()
    results = searcher.search(query, limit=None)
    return {hit.docnum: hit.score for hit in results}


def both_ways(backend: WhooshBackend, text: str) -> tuple[dict[int, float], dict[int, float]]:
    searcher = backend._open_searcher()
    compiled = backend._compile(parse_query(text), DEFAULT_FIELDS, searcher.reader())
    return scored(backend, compiled), scored(backend, array_query_class()(compiled))


def assert_same(expected: dict[int, float], found: dict[int, float]) -> None:
    assert sorted(found) == sorted(expected)
    for docnum, score in expected.items():
        assert found[docnum] == pytest.approx(score, rel=1e-9)


def test_the_index_has_several_segments_and_deletions(backend: WhooshBackend) -> None:
    reader = backend._open_searcher().reader()
    assert len(reader.leaf_readers()) >= 2
    assert reader.has_deletions()


@pytest.mark.parametrize(
    "text",
    [
        "harbour",
        "harbour strike",
        "harbour OR rain",
        '"port of the"',
        '"the strike"~2',
        "headline:wage",
        '"wage talks" AND NOT strike',
        "bank AND NOT (rain OR port)",
        "(strike OR talks) AND dockers AND NOT headline:bank",
        "section:business AND rain",
        "published:[2024-03 TO 2024-05] AND harbour",
        'published:2024-06 AND "the port"',
        "lang:fr AND harbour",
        "NOT harbour",
        "zeppelin",
        "harbour AND zeppelin",
    ],
)
def test_array_answers_are_whooshs(backend: WhooshBackend, text: str) -> None:
    expected, found = both_ways(backend, text)
    assert_same(expected, found)


def test_shapes_it_does_not_evaluate_go_to_whoosh(backend: WhooshBackend) -> None:
    for text in ("harb*", "harbour~1", "published:2024", "*"):
        expected, found = both_ways(backend, text)
        assert_same(expected, found)


TERMS = st.sampled_from([*WORDS, "zeppelin"])
PHRASES = st.builds(
    lambda words, slop: f'"{" ".join(words)}"' + (f"~{slop}" if slop else ""),
    st.lists(TERMS, min_size=2, max_size=3),
    st.integers(0, 2),
)
FIELDED = st.builds(lambda f, w: f"{f}:{w}", st.sampled_from(["headline", "body", "dek"]), TERMS)
WINDOWS = st.sampled_from(["published:[2024-02 TO 2024-04]", "published:2024-07"])
ATOMS = TERMS | PHRASES | FIELDED


def _compound(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return (
        st.builds(lambda a, b: f"({a} AND {b})", children, children)
        | st.builds(lambda a, b: f"({a} OR {b})", children, children)
        | st.builds(lambda a, b: f"({a} AND NOT {b})", children, children)
        | st.builds(lambda a, w: f"({a} AND {w})", children, WINDOWS)
    )


QUERIES = st.recursive(ATOMS, _compound, max_leaves=6)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=QUERIES)
def test_generated_queries_match_whoosh(backend: WhooshBackend, text: str) -> None:
    expected, found = both_ways(backend, text)
    assert_same(expected, found)


@given(st.lists(st.lists(st.integers(0, 500), min_size=1, max_size=20), max_size=8))
def test_ids_from_deltas_restart_at_each_block(blocks: list[list[int]]) -> None:
    expected = [total for block in blocks for total in np.cumsum(block).tolist()]
    assert _ids_from_deltas([tuple(block) for block in blocks]).tolist() == expected


def test_phrase_order_and_slop() -> None:
    assert _in_order([[3, 9], [4], [5]], 1)
    assert not _in_order([[3], [5], [6]], 1)
    assert _in_order([[3], [5], [6]], 2)  # one word between the first two
    assert not _in_order([[5], [3]], 3)  # the words are in the wrong order
    assert not _in_order([[3], [3]], 2)  # one position cannot hold both words
