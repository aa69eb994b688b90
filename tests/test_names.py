"""The shipped agency and outlet names, their loader, and the readers built from them."""

from __future__ import annotations

import re
from dataclasses import fields
from importlib import resources
from pathlib import Path

import pytest

from newsarchive import datelines, people, text
from newsarchive.errors import RuleError
from newsarchive.names import NameLists, alternation, load_names, parse_names, shipped_names


def _shipped_text() -> str:
    path = resources.files("newsarchive") / "data" / "names" / "agencies.toml"
    return path.read_text(encoding="utf-8")


def _copy_with(tmp_path: Path, list_name: str, name: str) -> Path:
    """A copy of the shipped file with one more name at the start of one list."""
    original = _shipped_text()
    opening = f"{list_name} = ["
    assert opening in original
    copy = tmp_path / "agencies.toml"
    copy.write_text(original.replace(opening, f'{opening}"{name}", ', 1), encoding="utf-8")
    return copy


def test_every_shipped_list_is_non_empty() -> None:
    names = shipped_names()
    for field in fields(NameLists):
        assert getattr(names, field.name), field.name


def test_alternation_tries_longer_names_first_and_escapes() -> None:
    pattern = re.compile(rf"(?:{alternation(['CNN', 'CNN Business', 'A.P.'])})")
    found = pattern.match("CNN Business")
    assert found is not None
    assert found.group() == "CNN Business"
    assert pattern.fullmatch("A.P.") is not None
    assert pattern.fullmatch("AxPx") is None


@pytest.mark.parametrize("name", shipped_names().byline_agencies())
def test_byline_credit_vouches_for_names(name: str) -> None:
    assert people.parse_byline(f"Maria Lindqvist, {name}") == ("Maria Lindqvist",)


@pytest.mark.parametrize("name", shipped_names().trusted_dateline_agencies())
def test_dateline_credit_is_trusted(name: str) -> None:
    assert datelines._is_known_agency(name.title())


@pytest.mark.parametrize("name", shipped_names().bare_dateline_agencies)
def test_bare_dateline_credit_is_read(name: str) -> None:
    found = datelines._BARE_AGENCY.match(f"Nairobi, Kenya {name} — The talks resumed.")
    assert found is not None
    assert found.group("agency") == name


@pytest.mark.parametrize(
    "name", shipped_names().photo_agencies + shipped_names().photo_credit_words
)
def test_photo_credit_word_is_recognised(name: str) -> None:
    assert text._CREDIT_WORDS.search(f"Jane Doe {name}") is not None


@pytest.mark.parametrize("name", shipped_names().slash_credit_agencies)
def test_slash_credit_is_split_from_caption(name: str) -> None:
    caption, credit = text.split_caption(f"Boats wait in the harbour. {name}/Jane Doe")
    assert caption == "Boats wait in the harbour."
    assert credit is not None
    assert credit.startswith(name)


def test_added_name_changes_what_is_recognised(tmp_path: Path) -> None:
    before = shipped_names()
    after = load_names(_copy_with(tmp_path, "news_agencies", "Baltic News Wire"))
    assert "baltic news wire" not in before.byline_agencies()
    assert people.parse_byline("Maria Lindqvist, Baltic News Wire") == ()
    assert "baltic news wire" in after.byline_agencies()
    assert "baltic news wire" in after.trusted_dateline_agencies()


def test_added_photo_agency_joins_the_alternation(tmp_path: Path) -> None:
    after = load_names(_copy_with(tmp_path, "slash_credit_agencies", "ZZNEWS"))
    before_re = re.compile(rf"(?:{alternation(shipped_names().slash_credit_agencies)})/")
    after_re = re.compile(rf"(?:{alternation(after.slash_credit_agencies)})/")
    assert before_re.match("ZZNEWS/Jane Doe") is None
    assert after_re.match("ZZNEWS/Jane Doe") is not None


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ("news_agencies = [", "not valid TOML"),
        ("news_agencies = []", "non-empty list"),
        ("news_agencies = [1]", "non-string"),
    ],
)
def test_malformed_file_names_the_problem(document: str, message: str) -> None:
    with pytest.raises(RuleError, match=message):
        parse_names(document, "agencies.toml")


def test_misspelt_list_name_is_reported() -> None:
    document = _shipped_text() + '\nnews_agency = ["Baltic News Wire"]\n'
    with pytest.raises(RuleError, match="unknown list"):
        parse_names(document, "agencies.toml")
