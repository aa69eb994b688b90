"""Bad input end to end: each bad capture fails alone, the batch goes on, no original is lost."""

from __future__ import annotations

import gzip
import hashlib
from pathlib import Path

import pytest

from newsarchive import capture
from newsarchive.pipeline import Archive

GOOD = (
    "Politics\n\nCouncil Votes to Reopen the Old Harbour Ferry\n\n"
    "By Mara Lindqvist\n\n"
    "The city council voted on Monday to restore the ferry link across the old harbour, "
    "closed since a storm damaged its landing stage two winters ago.\n\n"
    "“People have waited long enough,” said the council leader, who promised the first "
    "crossings before the summer season begins.\n"
)


def _write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


@pytest.fixture
def inputs(tmp_path: Path) -> Path:
    folder = tmp_path / "inputs"
    folder.mkdir()
    return folder


def test_mixed_bad_batch(root: Path, inputs: Path) -> None:
    files = {
        "01-empty.txt": b"",
        "02-binary.txt": bytes(range(256)) * 8,
        "03-good.txt": GOOD.encode("utf-8"),
        "04-cp1252.txt": GOOD.replace("Harbour", "Harbour café").encode("cp1252"),
        "05-utf16.txt": GOOD.replace("Council", "Counsel").encode("utf-16"),
        "06-truncated.warc.gz": gzip.compress(b"WARC/1.1\r\nWARC-Type: response\r\n" * 50)[:120],
        "07-hostile.html": (
            b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">'
            b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><html><body>'
            + b"<div>" * 5000
            + b"<p>&b;</p>"
            + b"</div>" * 5000
            + b"</body></html>"
        ),
        "08-nul-in-text.txt": b"Headline\x00\x00\x00 with NULs\x00",
    }
    for name, data in files.items():
        _write(inputs, name, data)
    results = {Path(r.source.split("@")[0]).name: r for r in Archive(root).ingest([str(inputs)])}
    assert results["01-empty.txt"].status == "failed"
    assert results["02-binary.txt"].status == "failed"
    assert results["03-good.txt"].status == "ingested"
    assert results["04-cp1252.txt"].status == "ingested"
    assert results["05-utf16.txt"].status == "ingested"
    assert results["06-truncated.warc.gz"].status == "failed"
    assert results["07-hostile.html"].status in {"failed", "ingested"}
    assert results["08-nul-in-text.txt"].status == "failed"
    for result in results.values():
        if result.status == "failed":
            assert result.error
    # inputs are untouched
    for name, data in files.items():
        assert (inputs / name).read_bytes() == data
    # decoding never alters the stored original, and the text is read correctly
    archive = Archive(root)
    cp1252 = results["04-cp1252.txt"]
    assert archive.raw_original(str(cp1252.id)) == files["04-cp1252.txt"]
    assert "café" in (archive.article(str(cp1252.id)).headline or "")


def test_original_is_kept_even_when_normalisation_fails(root: Path, inputs: Path) -> None:
    data = b"\n\n---\n\n***\n"
    _write(inputs, "only-rules.txt", data)
    (result,) = Archive(root).ingest([str(inputs)])
    assert result.status == "failed"
    digest = hashlib.sha256(data).hexdigest()
    stored = root / "raw" / "by-sha256" / digest[:2] / f"{digest}.txt"
    assert stored.read_bytes() == data


def test_oversized_capture_is_refused_not_truncated(
    root: Path, inputs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(capture, "MAX_CAPTURE_BYTES", 1000)
    _write(inputs, "huge.txt", GOOD.encode() * 10)
    _write(inputs, "small.txt", GOOD.encode())
    results = list(Archive(root).ingest([str(inputs)]))
    assert [r.status for r in results] == ["failed", "ingested"]
    assert "too large" in (results[0].error or "")
