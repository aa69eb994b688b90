"""Capture stage: recognising inputs, hashing, and turning bad input into per-item failures."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from newsarchive import models
from newsarchive.capture import (
    Capture,
    CaptureFailed,
    Container,
    capture_id_for,
    expand_inputs,
    media_type_for,
    read_inputs,
    sha256_hex,
)


@pytest.mark.parametrize(
    ("name", "head", "expected"),
    [
        ("a.txt", b"Headline", models.TEXT),
        ("a.HTML", b"", models.HTML),
        ("crawl.warc.gz", b"", models.WARC),
        ("export.jsonl", b"", models.JSONL),
        ("unknown", b"  <!DOCTYPE html><html>", models.HTML),
        ("unknown", b"WARC/1.1\r\n", models.WARC),
        ("unknown", gzip.compress(b"WARC/1.0\r\nWARC-Type: warcinfo"), models.WARC),
        ("unknown", b'{"headline": "x"}', models.JSONL),
        ("unknown", b"Just some text", models.TEXT),
    ],
)
def test_media_type_from_suffix_then_content(name: str, head: bytes, expected: str) -> None:
    assert media_type_for(name, head) == expected


def test_folder_expansion_is_recursive_sorted_and_skips_store(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "2.txt").write_text("x")
    (tmp_path / "1.txt").write_text("x")
    (tmp_path / ".hidden.txt").write_text("x")
    store = tmp_path / "by-sha256"
    store.mkdir()
    (store / "copy.txt").write_text("x")
    found = list(expand_inputs([str(tmp_path)], exclude=[store]))
    assert found == [str(tmp_path / "1.txt"), str(tmp_path / "b" / "2.txt")]


def test_text_file_becomes_one_capture_with_content_address(tmp_path: Path) -> None:
    data = b"Headline\n\nBody paragraph one.\n"
    path = tmp_path / "a.txt"
    path.write_bytes(data)
    (item,) = read_inputs([str(path)])
    assert isinstance(item, Capture)
    assert item.data == data
    assert item.sha256 == sha256_hex(data)
    assert item.capture_id == capture_id_for(item.sha256) == item.sha256[:20]
    assert item.captured_basis == "file-mtime"
    assert item.captured_at is not None
    assert item.captured_at.endswith("Z")


@pytest.mark.parametrize(
    ("data", "message"),
    [(b"", "empty"), (b"  \n\t\n", "empty"), (b"\x00\x01\x02binary\x00" * 20, "binary")],
)
def test_bad_files_are_failures_not_exceptions(tmp_path: Path, data: bytes, message: str) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(data)
    good = tmp_path / "good.txt"
    good.write_text("Headline\n\nA body paragraph that is long enough.")
    items = list(read_inputs([str(bad), str(good)]))
    assert isinstance(items[0], CaptureFailed)
    assert message in items[0].error
    assert isinstance(items[1], Capture)


def test_missing_file_is_a_failure(tmp_path: Path) -> None:
    (item,) = read_inputs([str(tmp_path / "nope.txt")])
    assert isinstance(item, CaptureFailed)
    assert "cannot read" in item.error


def test_jsonl_file_yields_container_then_one_capture_per_line(tmp_path: Path) -> None:
    path = tmp_path / "export.jsonl"
    path.write_text('{"headline": "A"}\n\n{"headline": "B"}\n')
    items = list(read_inputs([str(path)]))
    assert isinstance(items[0], Container)
    assert items[0].sha256 == sha256_hex(path.read_bytes())
    lines = [i for i in items if isinstance(i, Capture)]
    assert [c.line for c in lines] == [1, 3]
    assert all(c.media_type == models.JSONL for c in lines)
    assert lines[0].source.endswith("export.jsonl:1")


def test_forced_format_overrides_suffix(tmp_path: Path) -> None:
    path = tmp_path / "page.txt"
    path.write_text("<p>Hello</p>")
    (item,) = read_inputs([str(path)], media_type="html")
    assert isinstance(item, Capture)
    assert item.media_type == models.HTML
