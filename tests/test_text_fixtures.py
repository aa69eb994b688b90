"""Every fixture capture in tests/data/captures normalises to its expected structure.

Each ``<name>.txt`` has a ``<name>.expected.json`` written by hand: the structure fields,
the lines that must stay in the body and those that must be dropped. Structure fields are
scored together (the target is at least 95% exact over the whole corpus); must-keep and
must-drop lines are asserted per capture.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from newsarchive.models import TEXT, Article, Capture
from newsarchive.rules import default_rules
from newsarchive.text import normalise_text_capture

CAPTURES = Path(__file__).parent / "data" / "captures"
FIELDS = (
    "source",
    "section",
    "headline",
    "kicker",
    "dek",
    "bylines",
    "dateline",
    "published",
    "updated",
    "language",
    "images",
    "paragraph_count",
)
#: Share of structure fields that must match exactly over the whole fixture corpus.
TARGET = 0.95


#: Known gaps, each with its reason; strict, so a fix makes the test fail until removed here.
KNOWN_GAPS: dict[str, str] = {}


def fixture_names() -> list[str]:
    return sorted(p.name.removesuffix(".expected.json") for p in CAPTURES.glob("*.expected.json"))


def fixture_params() -> list[object]:
    return [
        pytest.param(name, marks=pytest.mark.xfail(reason=KNOWN_GAPS[name], strict=True))
        if name in KNOWN_GAPS
        else name
        for name in fixture_names()
    ]


def expected_of(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((CAPTURES / f"{name}.expected.json").read_text("utf-8"))
    return data


def normalised(name: str) -> Article:
    path = CAPTURES / f"{name}.txt"
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    capture = Capture(data, TEXT, str(path), digest, digest[:20])
    return normalise_text_capture(capture, default_rules())


def actual_field(article: Article, field: str) -> object:
    if field == "paragraph_count":
        return len(article.blocks)
    if field == "bylines":
        return list(article.bylines)
    if field == "images":
        return [{"id": i.id, "caption": i.caption, "credit": i.credit} for i in article.images]
    return getattr(article, field)


def field_mismatches(name: str) -> list[str]:
    expected = expected_of(name)
    article = normalised(name)
    return [
        f"{name}.{field}: expected {expected[field]!r}, got {actual_field(article, field)!r}"
        for field in FIELDS
        if field in expected and expected[field] != actual_field(article, field)
    ]


@pytest.fixture(scope="module")
def names() -> list[str]:
    found = fixture_names()
    if not found:
        pytest.skip(f"no fixture captures in {CAPTURES}")
    return found


def test_structure_fields_are_at_least_95_percent_exact(names: list[str]) -> None:
    mismatches = [m for name in names for m in field_mismatches(name)]
    total = sum(1 for name in names for field in FIELDS if field in expected_of(name))
    rate = 1 - len(mismatches) / total
    print(f"structure fields exact: {rate:.3f} ({total - len(mismatches)}/{total})")
    assert rate >= TARGET, "\n".join(mismatches)


@pytest.mark.parametrize("name", fixture_params())
def test_must_keep_and_must_drop(name: str) -> None:
    expected = expected_of(name)
    article = normalised(name)
    body = article.paragraphs
    removed = {r.text for r in article.removed}
    for line in expected.get("must_keep", ()):
        assert line in body, f"{name}: dropped a body line: {line!r}"
    for line in expected.get("must_drop", ()):
        assert line not in body, f"{name}: kept boilerplate: {line!r}"
        assert line in removed, f"{name}: {line!r} is not recorded as removed"
    for line in expected.get("structure_lines", ()):
        assert line not in body, f"{name}: structure line in the body: {line!r}"
    assert all(r.rule for r in article.removed)


@pytest.mark.parametrize("name", fixture_params())
def test_first_and_last_paragraph(name: str) -> None:
    expected = expected_of(name)
    article = normalised(name)
    if "first_paragraph" in expected:
        assert article.paragraphs[0] == expected["first_paragraph"]
    if "last_paragraph" in expected:
        assert article.paragraphs[-1] == expected["last_paragraph"]
    if "profile" in expected:
        assert article.profile == expected["profile"]
