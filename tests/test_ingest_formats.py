"""WARC and JSON Lines containers through the whole pipeline: one record per article, the
container kept whole and byte-exact, provenance naming the record inside it."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from pathlib import Path

from click.testing import CliRunner
from test_warc import write_crawl

from newsarchive.cli import cli
from newsarchive.pipeline import Archive
from newsarchive.search import SearchOptions


def test_warc_ingest_end_to_end(root: Path, tmp_path: Path) -> None:
    warc = write_crawl(tmp_path / "crawl.warc.gz", compress=True)
    archive = Archive(root)
    results = list(archive.ingest([str(warc)]))
    statuses = Counter(r.status for r in results)
    assert statuses["ingested"] == 4, [(r.source, r.status, r.error) for r in results]
    assert statuses["skipped"] >= 4  # 404, image, revisit, duplicate payload, front and tag pages
    assert statuses["failed"] == 0

    digest = hashlib.sha256(warc.read_bytes()).hexdigest()
    stored = list((root / "raw" / "by-sha256").rglob("*.warc.gz"))
    assert [p.name for p in stored] == [f"{digest}.warc.gz"]
    assert stored[0].read_bytes() == warc.read_bytes()

    ingested = [r for r in results if r.status == "ingested"]
    article = archive.article(str(ingested[0].id))
    assert article.raw is not None
    assert article.raw.sha256 == digest
    assert article.raw.media_type == "application/warc"
    assert article.raw.warc is not None
    assert article.raw.warc.record_id.startswith("<urn:uuid:")
    assert article.url == article.raw.warc.target_uri
    assert article.raw.captured_basis == "warc-date"
    assert archive.search(SearchOptions(query="*", limit=50)).total == 4

    again = list(archive.ingest([str(warc)]))
    assert Counter(r.status for r in again)["ingested"] == 0
    assert Counter(r.status for r in again)["duplicate"] == 4


def test_jsonl_ingest_names_file_and_line(root: Path, tmp_path: Path) -> None:
    lines = [
        {
            "id": "wire-1",
            "headline": "Port Authority Approves Night Shipping Trial",
            "body": "The port authority approved a six-month trial of night shipping on Monday."
            "\n\nDock workers' unions said they would monitor noise levels closely.",
            "date": "1987-03-02T10:15:00",
            "section": "markets",
            "byline": "Anna Berg",
            "dateline_place": "Rotterdam",
            "source": "Example Wire",
        },
        {"headline": ""},
        {
            "headline": "Grain Exports Rise for Third Month",
            "body": "Grain exports rose for a third consecutive month, traders said.",
            "date": "1987-04-10",
            "source": "Example Wire",
        },
    ]
    export = tmp_path / "migrated.txt"  # a suffix that says nothing: --format decides
    export.write_text("\n".join(json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(
        cli, ["--root", str(root), "ingest", "--format", "jsonl", "--json", str(export)]
    )
    assert result.exit_code == 1  # the bad line fails, the rest goes in
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["status"] for o in out] == ["ingested", "failed", "ingested"]
    assert out[1]["source"].endswith("migrated.txt:2")
    archive = Archive(root)
    article = archive.article(out[2]["id"])
    assert article.raw is not None
    assert article.raw.line == 3
    assert article.raw.media_type == "application/x-ndjson"
    assert (root / article.raw.path).read_bytes() == export.read_bytes()
    assert article.published is not None
    assert article.published.startswith("1987-04-10")
    found = archive.search(SearchOptions(query="shipping", date_from="1987-03", date_to="1987-03"))
    assert [h.id for h in found.hits] == [out[0]["id"]]


def test_migrated_codes_survive_reindex(root: Path, tmp_path: Path) -> None:
    export = tmp_path / "wire.jsonl"
    record = {
        "id": "wire-7",
        "headline": "OPEC Ministers Meet on Output",
        "body": "Oil ministers met to discuss output ceilings.",
        "date": "1987-06-25",
        "topics": ["crude"],
        "places": ["saudi-arabia"],
    }
    brief = {"id": "wire-8", "headline": "OPEC MEETING ENDS", "date": "1987-06-26"}
    export.write_text(json.dumps(record) + "\n" + json.dumps(brief) + "\n", encoding="utf-8")
    archive = Archive(root)
    results = list(archive.ingest([str(export)]))
    assert [r.status for r in results] == ["ingested", "ingested"]  # a brief is a record too
    query = SearchOptions(query="topics:crude AND places:saudi-arabia")
    before = [h.id for h in archive.search(query).hits]
    assert before == [results[0].id]
    archive.reindex()
    assert [h.id for h in archive.search(query).hits] == before
    assert archive.article(str(results[1].id)).blocks == ()
