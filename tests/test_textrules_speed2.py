"""The second round of rule-matching screens answers as the plain readings do.

- Plain screens run over a batch of lines at C level: the lines they let through are the
  ones :meth:`PlainScreen.may_match` lets through.
"""

from __future__ import annotations

from newsarchive.textscreen import PlainScreen

LINES = ["Share", "share on x", "Print this", "y7z", "", "É", "Menu", "x" * 300, "(a)"]


def test_plain_screens_pass_the_lines_they_may_match() -> None:
    screens = [
        PlainScreen([f"(x|y{n})z" for n in range(50)] + ["(?i)(share|print)( this)?"]),
        PlainScreen(["(?i)share.*", "menu"]),  # few alternatives: one regex
        PlainScreen([]),  # nothing to screen for
        PlainScreen(["(?P<x>a)", "(?P<x>b)"]),  # cannot be joined: every line passes
    ]
    for screen in screens:
        expected = [n for n, line in enumerate(LINES) if screen.may_match(line)]
        assert list(screen.passing(LINES)) == expected
    assert list(screens[-1].passing(LINES)) == list(range(len(LINES)))
