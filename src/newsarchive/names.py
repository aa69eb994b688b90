"""Agency and outlet names the text readers recognise, read from ``data/names/agencies.toml``.

Which agencies vouch for a byline, which credits a dateline may carry and which names mark
a photo credit are publisher knowledge, so they live in a data file an archivist can edit
(the file's header says which module reads each list). This module reads that file once per
process and hands each reader the form it needs: a case-folded set for word lookups or an
escaped regex alternation, longest names first so ``CNN Business`` wins over ``CNN``.
``load_names`` reads any other copy of the file, which is how tests check that an added
name changes what is recognised.
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, fields
from pathlib import Path

from newsarchive.errors import RuleError

__all__ = ["NameLists", "alternation", "load_names", "parse_names", "shipped_names"]


@dataclass(frozen=True)
class NameLists:
    """The lists of ``agencies.toml``, each a tuple of names as written in the file."""

    news_agencies: tuple[str, ...]
    outlets: tuple[str, ...]
    byline_credit_words: tuple[str, ...]
    byline_outlet_words: tuple[str, ...]
    dateline_agencies: tuple[str, ...]
    bare_dateline_agencies: tuple[str, ...]
    photo_agencies: tuple[str, ...]
    photo_credit_words: tuple[str, ...]
    slash_credit_agencies: tuple[str, ...]

    def byline_agencies(self) -> frozenset[str]:
        """Credits that vouch for a byline, case-folded as ``people`` compares them."""
        names = (*self.news_agencies, *self.outlets, *self.byline_credit_words)
        return frozenset(name.casefold() for name in names)

    def trusted_dateline_agencies(self) -> frozenset[str]:
        """Credits a title-case dateline may carry, lower-cased as ``datelines`` compares them."""
        return frozenset(name.lower() for name in (*self.news_agencies, *self.dateline_agencies))


def alternation(names: Iterable[str]) -> str:
    """A regex alternation of the names, escaped, longest first (so no name is cut short by
    a shorter one that prefixes it), ties in a fixed order so the pattern is reproducible."""
    ordered = sorted(set(names), key=lambda name: (-len(name), name))
    return "|".join(re.escape(name) for name in ordered)


def parse_names(text: str, origin: str) -> NameLists:
    """Read the lists from TOML text; ``origin`` names the file in error messages.

    Raises:
        RuleError: the text is not TOML, or a list is missing, empty or holds a non-string.
    """
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RuleError(f"{origin}: not valid TOML: {exc}") from exc
    lists: dict[str, tuple[str, ...]] = {}
    for field in fields(NameLists):
        values = document.get(field.name)
        if not isinstance(values, list) or not values:
            raise RuleError(f"{origin}: {field.name} must be a non-empty list of names")
        if not all(isinstance(value, str) and value.strip() for value in values):
            raise RuleError(f"{origin}: {field.name} holds an empty or non-string name")
        lists[field.name] = tuple(values)
    unknown = sorted(set(document) - set(lists))
    if unknown:
        raise RuleError(f"{origin}: unknown list(s) {', '.join(unknown)}")
    return NameLists(**lists)


def load_names(path: Path) -> NameLists:
    """Read a copy of the names file from disk (see :func:`parse_names`)."""
    return parse_names(path.read_text(encoding="utf-8"), str(path))


@functools.cache
def shipped_names() -> NameLists:
    """The names shipped with the package, read once per process (on import of the readers,
    so found beside this module rather than through ``importlib.resources``, whose first
    use imports ``zipfile`` and would add milliseconds to every import)."""
    data = Path(__file__).parent / "data" / "names" / "agencies.toml"
    return parse_names(data.read_text(encoding="utf-8"), "data/names/agencies.toml")
