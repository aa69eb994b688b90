"""The library API end to end: ingest -> records -> index -> search, reindex, export."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from newsarchive import newsml
from newsarchive.export import make_bag, verify_bag
from newsarchive.pipeline import Archive
from newsarchive.search import SearchOptions


def _snapshot(root: Path) -> dict[str, bytes]:
    """Every file under raw/ and archive/ (records and originals), by relative path."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for folder in (root / "raw", root / "archive")
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.suffix != ".sqlite" and "sqlite" not in p.name
    }


def test_samples_ingest_validate_and_reingest_is_a_noop(sample_root: Path) -> None:
    archive = Archive(sample_root)
    originals = {p.name: p.read_bytes() for p in (sample_root / "raw").iterdir()}
    first = list(archive.ingest([str(sample_root / "raw")]))
    assert len(first) == len(originals) >= 6
    assert {r.status for r in first} == {"ingested"}, [r.error for r in first]
    for result in first:
        assert result.record is not None
        record = (sample_root / result.record).read_bytes()
        newsml.validate(record)
    before = _snapshot(sample_root)
    second = list(archive.ingest([str(sample_root / "raw")]))
    assert [r.status for r in second] == ["duplicate"] * len(first)
    assert [r.id for r in second] == [r.id for r in first]
    assert _snapshot(sample_root) == before
    # the user's own files are never touched
    assert {p.name: p.read_bytes() for p in (sample_root / "raw").glob("*.*")} == originals


def test_original_is_stored_and_linked_with_its_hash(sample_root: Path) -> None:
    archive = Archive(sample_root)
    (result, *_) = archive.ingest([str(sorted((sample_root / "raw").glob("*.txt"))[0])])
    article = archive.article(result.id)
    assert article.raw is not None
    stored = sample_root / article.raw.path
    assert stored.is_relative_to(sample_root / "raw" / "by-sha256")
    assert archive.raw_original(result.id) == stored.read_bytes()
    import hashlib

    assert hashlib.sha256(stored.read_bytes()).hexdigest() == article.raw.sha256


def test_seed_is_found_by_search_with_highlight(root: Path, seed_path: Path) -> None:
    archive = Archive(root)
    (result,) = archive.ingest([str(seed_path)])
    assert result.status == "ingested"
    results = archive.search(SearchOptions(query="asylum"))
    assert results.total == 1
    (hit,) = results.hits
    assert hit.id == result.id
    assert hit.headline == "North Korean Ambassador to Italy Defects in Bid for La Dolce Vita"
    assert hit.snippet is not None
    assert "asylum" in hit.snippet.lower()
    assert hit.to_json()["snippet"] != hit.snippet.replace("asylum", "")


def test_failed_capture_does_not_stop_the_batch(root: Path, tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "a-empty.txt").write_bytes(b"")
    (inputs / "b-binary.txt").write_bytes(b"\x00\xff" * 100)
    (inputs / "c-good.txt").write_text(
        "World\n\nParliament Approves Budget After Marathon Session\n\n"
        "LONDON — Lawmakers approved the spending plan on Tuesday after a debate that lasted "
        "through the night, ending weeks of uncertainty over public finances.\n\n"
        "The vote was 312 to 290, with several members abstaining in protest at late changes.\n",
        encoding="utf-8",
    )
    results = list(Archive(root).ingest([str(inputs)]))
    assert [r.status for r in results] == ["failed", "failed", "ingested"]
    assert "empty" in (results[0].error or "")
    assert "binary" in (results[1].error or "")


def test_reindex_rebuilds_the_same_results_from_records_alone(sample_root: Path) -> None:
    archive = Archive(sample_root)
    list(archive.ingest([str(sample_root / "raw")]))
    queries = ["ambassador OR asylum", "the", "section:europe", "lang:fr"]
    before = {
        q: [h.id for h in archive.search(SearchOptions(query=q, limit=50)).hits] for q in queries
    }
    shutil.rmtree(sample_root / "index")
    assert archive.reindex() == len(list((sample_root / "archive").glob("*/*.xml")))
    after = {
        q: [h.id for h in archive.search(SearchOptions(query=q, limit=50)).hits] for q in queries
    }
    assert after == before
    assert before["the"]


def test_parallel_ingest_matches_serial(sample_root: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    shutil.copytree(sample_root / "raw", other / "raw")
    serial = list(Archive(sample_root).ingest([str(sample_root / "raw")]))
    parallel = list(Archive(other).ingest([str(other / "raw")], workers=2))
    assert sorted((r.status, r.id) for r in serial) == sorted((r.status, r.id) for r in parallel)


def test_bag_export_holds_records_and_originals(sample_root: Path, tmp_path: Path) -> None:
    archive = Archive(sample_root)
    results = list(archive.ingest([str(sample_root / "raw")]))
    bag = tmp_path / "bag"
    make_bag(bag, ((r.id, archive.record(r.id), archive.raw_path(r.id)) for r in results))
    verify_bag(bag)
    assert len(list((bag / "data" / "newsml").iterdir())) == len(results)
    manifest = (bag / "manifest-sha256.txt").read_text()
    for r in results:
        assert archive.article(r.id).raw.sha256 in manifest  # type: ignore[union-attr]
    (bag / "data" / "newsml" / f"{results[0].id}.xml").write_bytes(b"tampered")
    with pytest.raises(Exception, match="invalid bag"):
        verify_bag(bag)


def test_ingesting_the_root_itself_skips_what_newsarchive_wrote(sample_root: Path) -> None:
    archive = Archive(sample_root)
    first = list(archive.ingest([str(sample_root / "raw")]))
    again = list(archive.ingest([str(sample_root)]))
    assert len(again) == len(first)
    assert {r.status for r in again} == {"duplicate"}
