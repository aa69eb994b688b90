"""Golden test of the seed's NewsML-G2 record, end to end through the pipeline.

The seed is a real article and must not be copied into the repository, so the golden file
masks every text longer than 80 characters with its SHA-256 (the body paragraphs); the
structure, every element and attribute, and all short fields stay readable in the diff.
Regenerate with ``NEWSARCHIVE_UPDATE_GOLDEN=1 pytest tests/test_golden_seed.py``.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from lxml import etree

from newsarchive.capture import read_inputs
from newsarchive.models import Capture, RawRef
from newsarchive.pipeline import prepare
from newsarchive.rules import default_rules

GOLDEN = Path(__file__).parent / "data" / "golden" / "seed-record.masked.xml"
FIXED_AT = "2026-11-27T12:00:00Z"
LONG = 80


def _mask(text: str | None) -> str | None:
    if text is None or len(text) <= LONG:
        return text
    return f"[{len(text)} chars sha256:{hashlib.sha256(text.encode()).hexdigest()[:16]}]"


def masked_record(xml: bytes) -> bytes:
    root = etree.fromstring(xml)
    for element in root.iter():
        if isinstance(element.tag, str):
            element.text = _mask(element.text)
        element.tail = _mask(element.tail)
    return etree.tostring(root, encoding="UTF-8", xml_declaration=True)


def test_seed_record_matches_golden(seed_path: Path) -> None:
    (capture,) = read_inputs([str(seed_path)])
    assert isinstance(capture, Capture)
    raw = RawRef(
        sha256=capture.sha256,
        path=f"raw/by-sha256/{capture.sha256[:2]}/{capture.sha256}.txt",
        media_type=capture.media_type,
        size=len(capture.data),
        original_name=seed_path.name,
        captured_at="2026-11-27T11:00:00Z",
        captured_basis="file-mtime",
    )
    prepared = prepare(capture, default_rules(), raw, FIXED_AT)
    actual = masked_record(prepared.xml)
    if os.environ.get("NEWSARCHIVE_UPDATE_GOLDEN"):
        GOLDEN.write_bytes(actual)
    assert actual.decode() == GOLDEN.read_text(encoding="utf-8")
