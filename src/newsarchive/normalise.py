"""Normalise stage: Capture -> Article, dispatching on the capture's media type.

This module is the one entry point the pipeline calls; the extractors behind it
(``text`` for page-text captures, ``html`` for HTML pages, ``structured`` for records
that arrive already structured) each turn decoded input into an :class:`Article` and
record every removal with the id of the rule that made it.
"""

from __future__ import annotations

from newsarchive import models
from newsarchive.errors import NormaliseError
from newsarchive.models import Article, Capture
from newsarchive.rules import RuleSet, default_rules


def normalise(capture: Capture, rules: RuleSet | None = None) -> Article:
    """Turn one capture into an article.

    Args:
        capture: the raw capture (bytes plus what is known about where it came from).
        rules: boilerplate rules and publisher profiles; the shipped defaults when omitted.

    Raises:
        NormaliseError: the capture holds no recoverable article (empty, binary, ...).
        CaptureError: the bytes cannot be decoded as text.
    """
    ruleset = rules if rules is not None else default_rules()
    if capture.media_type == models.TEXT:
        from newsarchive.text import normalise_text_capture

        return normalise_text_capture(capture, ruleset)
    if capture.media_type == models.HTML:
        from newsarchive.html import normalise_html_capture

        return normalise_html_capture(capture, ruleset)
    if capture.media_type == models.JSONL:
        from newsarchive.structured import normalise_structured_capture

        return normalise_structured_capture(capture)
    raise NormaliseError(f"{capture.source}: cannot normalise media type {capture.media_type}")
