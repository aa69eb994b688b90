"""Queries answered from posting arrays (``index.arrays``) must match and score exactly as
Whoosh's own matchers do, on every query shape the compiler produces."""

from __future__ import annotations

import pickle
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsarchive.index import WhooshBackend, whoosh_fields
from newsarchive.index import backend as backend_module
from newsarchive.index.arrays import Values, WordPositions, _block_values, _in_order, answer
from newsarchive.index.codec import no_length_bounds_codec_class, pack_blob, pack_numbers
from newsarchive.search import (
    DEFAULT_FIELDS,
    MARK_START,
    IndexDocument,
    SearchOptions,
    parse_query,
)

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


@pytest.fixture(scope="module", params=["split", "stock"])
def backend(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[WhooshBackend]:
    """Three segments (two batches, one of them from the two-process writer), with
    deleted documents (stories replaced by a later version); written with the project's
    codec, or with the stock W3 block layout of indexes written before it."""
    path = tmp_path_factory.mktemp("arrays")
    with pytest.MonkeyPatch.context() as patch:
        if request.param == "stock":
            patch.setattr(backend_module, "codec_class", no_length_bounds_codec_class)
        with WhooshBackend(path, bulk=True) as writer:
            writer.add([_story(n) for n in range(400)])
        with WhooshBackend(path) as writer:
            writer.update([_story(n + 1000) for n in range(30)])
            replaced = range(0, 60, 7)
            writer.update(
                [IndexDocument(id=f"s{n}", headline="wage talks", body="over") for n in replaced]
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
    answered = answer(compiled, searcher)
    assert answered is not None, "every shape here is one the arrays evaluate"
    return scored(backend, compiled), scored(backend, answered.as_query())


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
        "harbour AND (rain AND (port AND published:[2024-02 TO 2024-06]))",
        "lang:fr AND harbour",
        "NOT harbour",
        "zeppelin",
        "harbour AND zeppelin",
    ],
)
def test_array_answers_are_whooshs(backend: WhooshBackend, text: str) -> None:
    expected, found = both_ways(backend, text)
    assert_same(expected, found)


@pytest.mark.parametrize("text", ["harb*", "harbour~1", "published:2024", "*", "rain AND port*"])
def test_shapes_it_does_not_evaluate_are_left_to_whoosh(backend: WhooshBackend, text: str) -> None:
    searcher = backend._open_searcher()
    compiled = backend._compile(parse_query(text), DEFAULT_FIELDS, searcher.reader())
    assert answer(compiled, searcher) is None


@pytest.mark.parametrize(
    "text",
    ["harbour", '"port of the"', "(strike OR talks) AND dockers", "wage AND NOT bank", "harb*"],
)
@pytest.mark.parametrize("sort", ["relevance", "newest"])
def test_highlights_from_decoded_postings_are_whooshs(
    backend: WhooshBackend, text: str, sort: str
) -> None:
    """A long-lived backend hands the highlighter the offsets it decoded; a one-shot one
    lets Whoosh look them up: the snippets must be the same."""
    options = SearchOptions(query=text, sort=sort, limit=20)
    oneshot = WhooshBackend(backend.index_dir, oneshot=True)
    try:
        expected = oneshot.search(options)
    finally:
        oneshot.close()
    found = backend.search(options)
    assert [hit.snippet for hit in found.hits] == [hit.snippet for hit in expected.hits]
    assert any(MARK_START in (hit.snippet or "") for hit in found.hits)


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


@given(st.lists(st.lists(st.binary(max_size=30), min_size=1, max_size=20), max_size=6))
def test_values_are_found_in_their_block(blocks: list[list[bytes]]) -> None:
    packed = [
        pack_blob(pickle.dumps(tuple(block), 2), 3) if n % 2 else tuple(block)
        for n, block in enumerate(blocks)
    ]
    values = _block_values(packed, [len(block) for block in blocks])
    flat = [value for block in blocks for value in block]
    assert [values[n] for n in range(len(values))] == flat
    picks = list(range(len(flat)))[::-2]
    assert [values.take(picks)[n] for n in range(len(picks))] == [flat[n] for n in picks]
    both = values + Values(lambda n: b"x", 2)
    assert [both[n] for n in range(len(both))] == [*flat, b"x", b"x"]


POSITION_BLOCKS = st.lists(
    st.lists(st.lists(st.integers(0, 5000), max_size=6).map(sorted), min_size=1, max_size=9),
    min_size=1,
    max_size=5,
)


@given(blocks=POSITION_BLOCKS, data=st.data())
def test_word_positions_are_gathered_for_any_postings(
    blocks: list[list[list[int]]], data: st.DataObject
) -> None:
    packed = [
        pack_blob(
            pack_numbers([len(p) for p in block], "I")
            + pack_numbers([n for p in block for n in p], "I"),
            3,
        )
        for block in blocks
    ]
    words = WordPositions(packed, [len(block) for block in blocks])
    every = [p for block in blocks for p in block]
    picks = data.draw(st.lists(st.integers(0, len(every) - 1), unique=True).map(sorted))
    counts, flat = words.take(np.array(picks, np.int64)).gather()
    assert counts.tolist() == [len(every[n]) for n in picks]
    assert flat.tolist() == [position for n in picks for position in every[n]]


def test_segments_say_which_layout_they_were_written_with(backend: WhooshBackend) -> None:
    reader = backend._open_searcher().reader()
    names = {type(leaf.codec()).__name__ for leaf, _ in reader.leaf_readers()}
    assert names in ({"SplitPositionsCodec"}, {"NoLengthBoundsCodec"})


def test_phrase_order_and_slop() -> None:
    assert _in_order([[3, 9], [4], [5]], 1)
    assert not _in_order([[3], [5], [6]], 1)
    assert _in_order([[3], [5], [6]], 2)  # one word between the first two
    assert not _in_order([[5], [3]], 3)  # the words are in the wrong order
    assert not _in_order([[3], [3]], 2)  # one position cannot hold both words


def test_an_empty_segment_hides_no_matches_of_the_next(tmp_path: Path) -> None:
    # The two-process writer leaves an empty segment when one process got no batch (the
    # other took them all, seen under load): it starts at the same document number as
    # the next segment, whose matches the arrays once gave to it, so searches found
    # nothing. The segment list is built here as that commit builds it.
    from whoosh.writing import SegmentWriter

    with WhooshBackend(tmp_path) as backend:
        index = backend._ix
        writer = index.writer()
        empty = SegmentWriter(index, _lk=False)._finalize_segment()
        for n in range(5):
            writer.add_document(**whoosh_fields(_story(n)))
        writer.commit(mergetype=lambda _writer, segments: [*segments, empty])
    with WhooshBackend(tmp_path) as backend:
        leaves = backend._open_searcher().reader().leaf_readers()
        assert [(leaf.doc_count_all(), offset) for leaf, offset in leaves] == [(0, 0), (5, 0)]
        expected, found = both_ways(backend, "harbour OR rain OR strike")
        assert expected
        assert_same(expected, found)
        assert backend.search(SearchOptions(query="harbour OR rain OR strike")).total == len(
            expected
        )
