"""Store stage: content-addressed originals, atomic records, catalog."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from newsarchive import store
from newsarchive.errors import StoreError
from newsarchive.store import Catalog, CatalogEntry, Paths


def test_original_is_stored_byte_exact_read_only_and_once(tmp_path: Path) -> None:
    paths = Paths(tmp_path)
    data = b"caf\xe9 \r\n r\xe9sum\xe9"  # cp1252 bytes with CRLF stay exactly as they are
    sha = "ab" + "0" * 62
    first = store.store_original(paths, sha, ".txt", data)
    assert first == tmp_path / "raw" / "by-sha256" / "ab" / f"{sha}.txt"
    assert first.read_bytes() == data
    assert not first.stat().st_mode & stat.S_IWUSR
    again = store.store_original(paths, sha, ".txt", b"different bytes")
    assert again == first
    assert first.read_bytes() == data


def test_original_copied_from_a_file(tmp_path: Path) -> None:
    source = tmp_path / "big.warc"
    source.write_bytes(b"WARC/1.1\r\n" * 1000)
    target = store.store_original(Paths(tmp_path), "cd" + "1" * 62, ".warc", source)
    assert target.read_bytes() == source.read_bytes()


def test_record_write_read_and_layout(tmp_path: Path) -> None:
    paths = Paths(tmp_path)
    path = store.write_record(paths, "1ab8e369c169fbb7d9ad", b"<newsItem/>")
    assert path == tmp_path / "archive" / "1a" / "1ab8e369c169fbb7d9ad.xml"
    assert store.read_record(paths, "1ab8e369c169fbb7d9ad") == b"<newsItem/>"
    assert list(store.iter_record_paths(paths)) == [path]
    assert not list(path.parent.glob(".tmp-*"))


@pytest.mark.parametrize("bad", ["", "../etc/passwd", ".hidden"])
def test_record_ids_cannot_escape_the_archive(tmp_path: Path, bad: str) -> None:
    with pytest.raises(StoreError):
        store.record_path(Paths(tmp_path), bad)


def test_missing_record_is_a_store_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no record"):
        store.read_record(Paths(tmp_path), "deadbeef")


def test_catalog_maps_sha_to_record(tmp_path: Path) -> None:
    with Catalog(tmp_path / "catalog.sqlite") as catalog:
        assert catalog.lookup("x") is None
        entry = CatalogEntry("x", "id1", "archive/id/id1.xml", "raw/by-sha256/x.txt", "2026Z")
        catalog.add(entry)
        assert catalog.lookup("x") == entry
        assert catalog.count() == 1
    with Catalog(tmp_path / "catalog.sqlite") as reopened:
        assert reopened.lookup("x") == entry
