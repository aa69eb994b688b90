"""How the Whoosh backend writes: the fused text field and the writers' codec.

The fused text field (``index.schema._fused_text_class``) must index exactly what Whoosh's own
analyser chain indexes, so these tests compare its postings (terms, frequencies, weights,
encoded positions and character offsets) with those of a stock ``TEXT`` field holding
the same analyser and format, and check that an index written with stock fields and the
stock codec before still works.
"""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh import analysis, fields, index

from newsarchive.index import WhooshBackend, build_schema, whoosh_fields
from newsarchive.index import schema as index_module
from newsarchive.index.codec import pack_numbers, split_value
from newsarchive.search import IndexDocument, SearchOptions

#: One field per analyser and format the schema uses: stemmed English with positions
#: (headline) and with character offsets (body), plain words (byline), frequencies only
#: (spell), and Snowball stemmers with offsets.
FIELDS = ("headline", "body", "byline", "spell", "body__fr", "body__de", "body__ru")

#: Text mixing ASCII, accents, case changes that alter length (İ, ß, ﬁ), a final sigma
#: whose form depends on what follows, digits, underscores and punctuation.
PIECES = st.sampled_from([*"aZz09_ .,'-\n\tÉéİıßẞﬁΣσςΟΔ日本ǅ\u0301", "Straße", "ΟΔΟΣ", "Rising"])
TEXTS = st.lists(PIECES, max_size=40).map("".join) | st.text(max_size=40)


def stock_twin(field: Any) -> Any:
    """A plain ``fields.TEXT`` with the field's analyser and format, as built before."""
    kind = type(field.format).__name__
    return fields.TEXT(
        analyzer=field.analyzer,
        phrase=kind != "Frequency",
        chars=kind == "Characters",
        stored=field.stored,
    )


def postings(field: Any, text: str) -> list[tuple[bytes, int, float, bytes]]:
    """The field's postings as stored: a value's word positions, which the fused field
    carries for the codec's writer, are checked against the value and taken off."""
    found = []
    for term, frequency, weight, value in field.index(text):
        stored, positions = split_value(value, field.format)
        if positions is not None:
            assert positions == pack_numbers(field.format.decode_positions(stored), "I")
        found.append((term, frequency, weight, stored))
    return sorted(found)


@pytest.mark.parametrize("name", FIELDS)
def test_fused_field_matches_the_stock_chain_on_news_text(name: str) -> None:
    field = build_schema()[name]
    text = (
        "WASHINGTON, March 3 - The U.S. Treasury's 3.5 pct notes rose; traders said the "
        'rises were "orderly". Straße, İstanbul, café and ΟΔΟΣ\'Α also appear. Rising...'
    )
    assert type(field).__name__ == "FusedText"
    assert postings(field, text) == postings(stock_twin(field), text)


@settings(max_examples=300, deadline=None)
@given(text=TEXTS, name=st.sampled_from(FIELDS))
def test_fused_field_matches_the_stock_chain_on_any_text(text: str, name: str) -> None:
    field = build_schema()[name]
    assert postings(field, text) == postings(stock_twin(field), text)


def test_other_analysers_and_values_take_whooshs_own_path() -> None:
    text = "The rivers are rising fast"
    fused = type(build_schema()["body"])
    stopping = fused(analyzer=analysis.StemmingAnalyzer(), chars=True)
    assert postings(stopping, text) == postings(
        fields.TEXT(analyzer=analysis.StemmingAnalyzer(), chars=True), text
    )
    listed = fused(analyzer=analysis.StandardAnalyzer(stoplist=None))
    words = ["Alpha", "beta"]
    assert sorted(listed.index(words)) == sorted(fields.TEXT().index(words))


def test_schema_pickles_and_compares_equal() -> None:
    schema = build_schema()
    restored = pickle.loads(pickle.dumps(schema))
    assert restored["body"] == schema["body"]
    assert type(restored["body"]) is type(schema["body"])
    assert postings(restored["body"], "Rivers rising") == postings(schema["body"], "Rivers rising")


def stock_schema() -> Any:
    """The schema as written before the fused field: same fields, stock TEXT."""
    schema = build_schema()
    old = fields.Schema()
    for name, field in schema.items():
        old.add(name, stock_twin(field) if type(field).__name__ == "FusedText" else field)
    for pattern, (_, field) in schema._dyn_fields.items():
        old.add(pattern, stock_twin(field), glob=True)
    return old


def test_an_index_written_with_stock_fields_still_opens_answers_and_grows(tmp_path: Path) -> None:
    old = index.create_in(str(tmp_path), stock_schema())
    writer = old.writer()
    for doc in (
        IndexDocument(id="a", headline="Lighthouse keepers", body="The lighthouse keeper retired."),
        IndexDocument(id="b", headline="Harbour", body="Ferries left the harbour.", language="fr"),
    ):
        writer.add_document(**whoosh_fields(doc))
    writer.commit()
    old.close()
    with WhooshBackend(tmp_path) as backend:
        assert type(backend._schema["body"]).__name__ == "TEXT"
        found = backend.search(SearchOptions(query='"lighthouse keeper"', highlight=True))
        assert [hit.id for hit in found.hits] == ["a"]
        assert found.hits[0].snippet is not None
        assert "[[lighthouse]]" in found.hits[0].snippet
        backend.add([IndexDocument(id="c", headline="Keepers", body="Another lighthouse.")])
    with WhooshBackend(tmp_path) as backend:
        assert sorted(h.id for h in backend.search(SearchOptions(query="lighthouse")).hits) == [
            "a",
            "c",
        ]


def test_fused_and_stock_indexes_answer_alike(tmp_path: Path) -> None:
    docs = [
        IndexDocument(id=f"d{n}", headline=f"Story {n}", body=body)
        for n, body in enumerate(
            ["Oil prices rose sharply.", "Prices of crude oil fell.", "The oil price rises."]
        )
    ]
    answers = []
    for name, schema in (("fused", build_schema()), ("stock", stock_schema())):
        (tmp_path / name).mkdir()
        ix = index.create_in(str(tmp_path / name), schema)
        writer = ix.writer()
        for doc in docs:
            writer.add_document(**whoosh_fields(doc))
        writer.commit()
        ix.close()
        with WhooshBackend(tmp_path / name) as backend:
            results = backend.search(SearchOptions(query="oil price", highlight=True))
            answers.append([(h.id, h.score, h.snippet) for h in results.hits])
    assert answers[0] == answers[1]


def test_segments_written_without_length_bounds_answer_like_stock_ones(tmp_path: Path) -> None:
    docs = [
        IndexDocument(id=f"d{n}", headline=f"Oil report {n}", body="oil " * (n + 1) + "prices")
        for n in range(30)
    ]
    with WhooshBackend(tmp_path / "ours") as ours:
        ours.add(docs)
    (tmp_path / "stock").mkdir()
    stock = index.create_in(str(tmp_path / "stock"), build_schema())
    writer = stock.writer()
    for doc in docs:
        writer.add_document(**whoosh_fields(doc))
    writer.commit()
    stock.close()
    answers = []
    for name in ("ours", "stock"):
        with WhooshBackend(tmp_path / name) as backend:
            (segment,) = backend._ix._segments()
            assert segment.codec().length_stats is (name == "stock")
            found = backend.search(SearchOptions(query="oil prices", limit=10))
            answers.append(([(h.id, h.score) for h in found.hits], backend.similar("d3", 5)))
    assert answers[0] == answers[1]
    with WhooshBackend(tmp_path / "stock") as backend:
        backend.optimize()  # rewrites the stock segment with the project's codec
        (segment,) = backend._ix._segments()
        assert type(segment.codec()).__name__ == "SplitPositionsCodec"
        assert backend.count() == 30
        found = backend.search(SearchOptions(query="oil prices", limit=10))
        # Whoosh's merge re-adds field lengths from their one-byte approximations (with
        # any codec), so the average length and the scores move a little.
        assert [h.id for h in found.hits] == [hit_id for hit_id, _ in answers[0][0]]
        assert [h.score for h in found.hits] == pytest.approx([s for _, s in answers[0][0]], 0.01)


@pytest.mark.parametrize(("memory_gb", "limitmb"), [(1, 128), (4, 512), (64, 1536)])
def test_bulk_pool_is_at_most_an_eighth_of_the_memory(
    monkeypatch: pytest.MonkeyPatch, memory_gb: int, limitmb: int
) -> None:
    sizes = {"SC_PAGE_SIZE": 4096, "SC_PHYS_PAGES": memory_gb * 2**30 // 4096}
    monkeypatch.setattr(index_module.os, "sysconf", sizes.__getitem__)
    assert index_module.bulk_limitmb() == limitmb
