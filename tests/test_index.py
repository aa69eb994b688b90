"""Whoosh-specific behaviour of the index: persistence, languages, locks, bulk writes.

What every backend must do is in test_search.py; this file checks how the Whoosh
backend does it (files on disk, writer settings, errors from a damaged index).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from newsarchive.errors import SearchIndexError
from newsarchive.index import WhooshBackend, backend, language_suffix, query, whoosh_fields
from newsarchive.search import IndexDocument, SearchOptions, open_backend


def doc(id: str, body: str, **meta: str | None) -> IndexDocument:
    return IndexDocument(id=id, headline=meta.pop("headline", None) or id, body=body, **meta)  # type: ignore[arg-type]


def hits(backend: WhooshBackend, query: str) -> list[str]:
    return [h.id for h in backend.search(SearchOptions(query=query, limit=50)).hits]


def test_index_persists_and_reopens(tmp_path: Path) -> None:
    with WhooshBackend(tmp_path) as backend:
        backend.add([doc("a", "the lighthouse keeper retired"), doc("b", "a new keeper")])
    reopened = open_backend(tmp_path)
    try:
        assert reopened.count() == 2
        assert [h.id for h in reopened.search(SearchOptions(query="lighthouse")).hits] == ["a"]
    finally:
        reopened.close()


def test_recreate_starts_empty(tmp_path: Path) -> None:
    with WhooshBackend(tmp_path) as backend:
        backend.add([doc("a", "text")])
    with WhooshBackend(tmp_path, recreate=True) as backend:
        assert backend.count() == 0


def _failing_ingest(index_dir: Path) -> None:
    with WhooshBackend(index_dir) as backend:
        backend.add([doc("a", "text")])
        raise RuntimeError("ingest failed")


def test_context_manager_cancels_on_error(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="ingest failed"):
        _failing_ingest(tmp_path)
    with WhooshBackend(tmp_path) as backend:
        assert backend.count() == 0


# Whoosh leaves the damaged TOC file open when it fails to read it; that is its leak.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_damaged_index_raises_search_index_error(tmp_path: Path) -> None:
    with WhooshBackend(tmp_path) as backend:
        backend.add([doc("a", "text")])
    for toc in tmp_path.glob("*.toc"):
        toc.write_bytes(b"not a table of contents")
    with pytest.raises(SearchIndexError, match="cannot open the search index"):
        WhooshBackend(tmp_path)


def test_second_writer_gets_a_clear_lock_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(backend, "LOCK_TIMEOUT", 0.2)
    first = WhooshBackend(tmp_path)
    second = WhooshBackend(tmp_path)
    try:
        first.add([doc("a", "text")])
        with pytest.raises(SearchIndexError, match="locked by another writer"):
            second.add([doc("b", "text")])
        first.commit()
        second.add([doc("b", "text")])
        second.commit()
        assert second.count() == 2
    finally:
        first.close()
        second.close()


def test_bulk_writer_uses_two_processes_and_leaves_segments(tmp_path: Path) -> None:
    docs = [doc(f"d{n}", f"story number {n} about harbour dredging") for n in range(400)]
    with WhooshBackend(tmp_path, bulk=True) as backend:
        backend.add(docs)
    with WhooshBackend(tmp_path, bulk=True) as backend:
        backend.update([doc("d7", "replaced story about lighthouses")])
    with WhooshBackend(tmp_path) as backend:
        assert backend.count() == 400
        assert hits(backend, "lighthouses") == ["d7"]
        assert backend.search(SearchOptions(query="harbour")).total == 399
        backend.optimize()
        assert len(backend._ix.reader().leaf_readers()) == 1
        assert backend.count() == 400


def test_a_failed_writer_process_is_an_error_not_a_silent_loss(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whoosh's multiprocess writer commits without the segment of a process that died;
    the backend must say so instead of reporting success."""
    multiproc = pytest.importorskip("whoosh.multiproc")

    def crash(*args: object) -> None:
        raise RuntimeError("simulated crash in a writer process")

    # The writer processes are forked, so they inherit the patched method.
    monkeypatch.setattr(multiproc.SubWriterTask, "_process_file", crash)
    backend = WhooshBackend(tmp_path, bulk=True)
    try:
        backend.add([doc(f"d{n}", f"story number {n}") for n in range(400)])
        with pytest.raises(SearchIndexError, match="reindex"):
            backend.commit()
    finally:
        backend.close()


def test_languages_get_their_own_stemmer(tmp_path: Path) -> None:
    with WhooshBackend(tmp_path) as backend:
        backend.add(
            [
                doc("de", "Die Regierungen der Länder beraten.", language="de"),
                doc("fr", "Les élections régionales approchent.", language="fr-FR"),
                doc("en", "The governments of the states confer.", language="en"),
                doc("pl", "Wybory odbędą się w niedzielę.", language="pl"),
                doc("xx", "Untagged governments text."),
            ]
        )
    with WhooshBackend(tmp_path) as backend:
        assert hits(backend, "regierung") == ["de"]  # German Snowball: Regierungen -> regier
        assert hits(backend, "élection") == ["fr"]
        assert sorted(hits(backend, "government")) == ["en", "xx"]  # English Porter
        assert hits(backend, "niedzielę") == ["pl"]  # no stemmer: indexed, not stemmed
        snippet = backend.search(SearchOptions(query="regierungen")).hits[0].snippet
        assert snippet is not None
        assert "[[Regierungen]]" in snippet


def test_language_suffixes() -> None:
    assert language_suffix("de-AT") == "__de"
    assert language_suffix("en") == language_suffix(None) == language_suffix("pl") == ""


def test_document_fields_leave_out_empty_values() -> None:
    fields = whoosh_fields(IndexDocument(id="a", headline="Title", published="2019-03-14"))
    assert fields["day"] == 20190314
    assert fields["f_year"] == b"2019"
    assert "body" not in fields
    assert "section" not in fields


def test_importing_index_does_not_import_whoosh() -> None:
    code = "import sys, newsarchive.index; print('whoosh' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize("lookup", [False, True])
def test_date_windows_agree_whichever_way_they_are_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lookup: bool
) -> None:
    # False forces the day-range intersection, True the per-match column lookup.
    monkeypatch.setattr(query, "_window_by_lookup", lambda matches, window: lookup)
    dates = ["2019-01-31", "2019-02-01T23:59:00", "2019-02-28", "2019-03-01", None]
    with WhooshBackend(tmp_path) as backend:
        backend.add([doc(f"d{n}", "harbour news", published=d) for n, d in enumerate(dates)])
    with WhooshBackend(tmp_path) as backend:
        assert sorted(hits(backend, "harbour AND published:2019-02")) == ["d1", "d2"]
        assert sorted(hits(backend, "harbour published:[* TO 2019-02-01]")) == ["d0", "d1"]
        window = SearchOptions(query="news", date_from="2019-02-28", limit=50)
        assert sorted(h.id for h in backend.search(window).hits) == ["d2", "d3"]
        everything = SearchOptions(query="*", date_to="2019-01", limit=50)
        assert [h.id for h in backend.search(everything).hits] == ["d0"]


def test_a_long_lived_backend_sees_other_writers_commits(tmp_path: Path) -> None:
    reader = WhooshBackend(tmp_path)
    try:
        assert hits(reader, "lighthouse") == []
        with WhooshBackend(tmp_path) as writer:
            writer.add([doc("a", "the lighthouse keeper")])
        assert hits(reader, "lighthouse") == ["a"]
    finally:
        reader.close()


def test_suggestion_corrects_a_typo_the_archive_itself_contains(tmp_path: Path) -> None:
    with WhooshBackend(tmp_path) as backend:
        backend.add(
            [
                doc("a", "The harbour reopened.", headline="Harbour Reopens"),
                doc("b", "Ferries left the harbour.", headline="Harbour Busy Again"),
                doc("c", "A storm hit the harbuor overnight.", headline="Storm Damage"),
            ]
        )
    with WhooshBackend(tmp_path) as backend:
        results = backend.search(SearchOptions(query="harbuor damage"))
        assert results.total == 1
        assert results.suggestion == "harbour damage"
        assert backend.suggest("harbour") is None
