"""Measure language identifiers on the project's own sample texts: accuracy and calls/s.

Compares the stop-word ratio method alone, py3langid alone and the combination that
``newsarchive.language.detect_language`` uses. Run: ``.venv/bin/python benchmarks/language.py``.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from language_samples import HEADLINES, SENTENCES, paragraphs

from newsarchive import language

KNOWN = ("en", "fr", "de", "it", "es")


def stopword_only(text: str) -> str | None:
    """The stop-word ratio method with no fallback."""
    tokens = language._TOKEN.findall(text[: language._MAX_CHARS].casefold().replace("’", "'"))
    return language._by_stopwords(tokens) if len(tokens) >= language._MIN_WORDS else None


def langid_only(text: str) -> str | None:
    """py3langid over its full language set."""
    return language._by_langid(text)


METHODS: dict[str, Callable[[str], str | None]] = {
    "stop-words": stopword_only,
    "py3langid": langid_only,
    "combined": language.detect_language,
}


def cases() -> dict[str, list[tuple[str, str]]]:
    """Labelled texts grouped by kind."""
    return {
        "sentences": [(code, s) for code in KNOWN for s in SENTENCES[code]],
        "headlines": [(code, s) for code in KNOWN for s in HEADLINES[code]],
        "paragraphs": [(code, p) for code in KNOWN for p in paragraphs(code)],
        "pt/nl controls": [(code, s) for code in ("pt", "nl") for s in SENTENCES[code]],
    }


def best_rate(method: Callable[[str], str | None], texts: list[str], rounds: int) -> float:
    """Calls per second, best of three runs (the machine is shared, so take the quietest)."""
    best = 0.0
    for _ in range(3):
        start = time.perf_counter()
        for _ in range(rounds):
            for text in texts:
                method(text)
        best = max(best, rounds * len(texts) / (time.perf_counter() - start))
    return best


def main() -> None:
    start = time.perf_counter()
    language._by_langid("warm up the model")
    print(f"py3langid first call (import + model load): {time.perf_counter() - start:.2f} s")
    groups = cases()
    print(f"{'method':<12}" + "".join(f"{name:>18}" for name in groups) + f"{'calls/s':>12}")
    every = [text for group in groups.values() for _, text in group]
    for name, method in METHODS.items():
        row = f"{name:<12}"
        for group in groups.values():
            right = 0
            for code, text in group:
                guess = method(text)
                # On out-of-set languages the stop-word method is right to abstain.
                right += guess == code or (
                    name == "stop-words" and code not in KNOWN and guess is None
                )
            row += f"{right:>10}/{len(group):<3} {right / len(group):4.0%}"
        print(row + f"{best_rate(method, every, rounds=20):>12,.0f}")
    long_texts = [" ".join(SENTENCES[code]) for code in KNOWN]
    print(f"\nwhole-article texts ({min(map(len, long_texts))}-{max(map(len, long_texts))} chars):")
    for name, method in METHODS.items():
        right = sum(method(text) == code for code, text in zip(KNOWN, long_texts, strict=True))
        rate = best_rate(method, long_texts, rounds=100)
        print(f"{name:<12} {right}/{len(long_texts)} right, {rate:,.0f} calls/s")
    for name, method in METHODS.items():
        misses = [
            (code, method(text), text[:60])
            for group in groups.values()
            for code, text in group
            if method(text) != code and not (name == "stop-words" and method(text) is None)
        ]
        print(f"\n{name} wrong answers ({len(misses)}):")
        for miss in misses[:12]:
            print("  ", miss)


if __name__ == "__main__":
    main()
