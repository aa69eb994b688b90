"""Profile detection visiting only the cues of the keys found: the profile the plain way finds.

The plain reading (kept here) searches every cue of every profile over the lines at the
page's ends and counts, per profile, the cues found at a line start where anchored; the
profile with most wins, ties going to the first loaded. :func:`detect_profile` must name
the same profile on generated pages (cue texts, their openings, lines spanning cues) and
on every fixture capture and seed page.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from newsarchive.rules import Profile, RuleSet, default_rules
from newsarchive.textrules import _Cue, _detection, detect_profile

ROOT = Path(__file__).resolve().parents[1]


def plain_found(cue: _Cue, page: str) -> bool:
    """A cue is found when a search over the page finds it (at a line start if anchored)."""
    return any(
        not cue.anchored or m.start() == 0 or page[m.start() - 1] == "\n"
        for m in cue.pattern.finditer(page)
    )


def plain_profile(rules: RuleSet, lines: Sequence[str]) -> Profile | None:
    """The profile with most cues found in the first and last 100 lines, the first on a tie."""
    ends = lines if len(lines) <= 200 else (*lines[:100], *lines[-100:])
    page = "\n".join(ends)
    best: Profile | None = None
    best_hits = 0
    for cues, profile in _detection(rules)[0]:
        hits = sum(plain_found(cue, page) for cue in cues)
        if hits > best_hits:
            best, best_hits = profile, hits
    return best


def _cue_texts() -> list[str]:
    """Literal texts of the cues: what each must contain, and the openings of anchored ones."""
    cues = [cue for cues, _ in _detection(default_rules())[0] for cue in cues]
    texts = {cue.needed for cue in cues} | {pair for cue in cues for pair in cue.openers}
    return sorted(texts | {"Got a tip? Send it to The Daily Beast", "© 2024 ", "Copyright 2024 "})


def _pages() -> list[list[str]]:
    """The non-blank stripped lines of each fixture capture and seed page."""
    paths = sorted((ROOT / "tests" / "data" / "captures").glob("*.txt"))
    paths += sorted((ROOT / "raw").glob("*.txt"))
    pages = (p.read_text("utf-8", "replace").split("\n") for p in paths)
    return [[s for line in page if (s := line.strip())] for page in pages]


def test_fixture_pages_get_the_profile_the_plain_way_gives() -> None:
    rules = default_rules()
    pages = _pages()
    assert len(pages) > 20
    found = [detect_profile(rules, lines, None) for lines in pages]
    assert found == [plain_profile(rules, lines) for lines in pages]
    assert any(profile is not None for profile in found)


_PIECES = st.one_of(
    st.sampled_from(_cue_texts()),
    st.sampled_from(_cue_texts()).map(lambda text: text[: len(text) // 2]),
    st.sampled_from(["\n", " ", "x", "2024", ".", "GOT A TIP? SEND IT TO THE DAILY BEAST"]),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(_PIECES, max_size=6).map("".join), max_size=12))
def test_generated_pages_get_the_profile_the_plain_way_gives(lines: list[str]) -> None:
    lines = [s for line in "\n".join(lines).split("\n") if (s := line.strip())]
    rules = default_rules()
    assert detect_profile(rules, lines, None) == plain_profile(rules, lines)


def test_a_cue_spanning_lines_is_found_as_the_search_finds_it() -> None:
    """A match the search finds earlier can run over a line start where the anchored cue
    also matches: the search then passes that line start, and so does the cue."""
    rules = RuleSet(rules=(), profiles=(Profile("x", "X", detect=(re.compile(r"^ab\s*ab"),)),))
    cue = _detection(rules)[0][0][0][0]
    for page in ("ab\nab", "xab\nab", "ab\nxab", "x\nab", "xab\nabab", "y ab\nab ab"):
        assert cue.found_in(page) == plain_found(cue, page), page
    assert cue.pairs == {"ab"}
    assert not cue.found_in("xab\nabab")
