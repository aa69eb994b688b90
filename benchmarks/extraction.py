"""Body-extraction benchmark: newsarchive against baselines, same metric, same run.

Runs the project's extractor over a dataset in the format of
``../shared/corpora/extraction-dev`` (``ground-truth.json`` + ``text/`` and ``html/``),
scores it with the metric of ``../shared/tools/extraction_eval.py`` (word 4-gram
shingles, P and R averaged over documents, F1 of the two means) and prints P/R/F1 and
docs/s (by the wall clock, and by this process's CPU time, which other processes on a
shared machine disturb less) for newsarchive and for the baselines, timed in this one
process:

- ``--input text``: ``newsarchive.text:text_body`` against the whole text as-is and the
  drop-lines-under-40-characters baseline (the tool's own ``whole_text`` and
  ``drop_short_lines``);
- ``--input html``: ``newsarchive.html:html_body`` against trafilatura (default settings,
  which keep reader comments, and with ``include_comments=False``, since the gold drops
  comments) and readability-lxml, each when installed (``pip install -e '.[bench]'``).

Timing is fair to a long-running ingest and honest about caches: newsarchive's rule
screens and profile detectors are compiled before the timed loop (a process pays that
once; it is printed on its own line, never folded into docs/s), and every extractor is
warmed up on the repository's own samples (``raw/*.txt``, ``tests/data/html/*.html``),
never on the dataset, so no line of a timed document is in a cache before it is timed.

The metric is imported from ``../shared/tools/extraction_eval.py`` rather than copied, so
the figures are comparable with every other tool measured with it; when that file is
absent the benchmark says so and stops, since a re-implementation could drift.

What ``text_body`` returns: the lines a reader sees as the article's text (headline,
dek, byline and date lines, body paragraphs). The dev set's gold keeps headline and
byline/date lines, so this is the comparable output; image ids, credits, captions and
every removed line stay out of it.

Run from the repository root::

    .venv/bin/python benchmarks/extraction.py --input text
    .venv/bin/python benchmarks/extraction.py --input html --limit 100
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
EVAL_TOOL = SHARED / "tools" / "extraction_eval.py"
DEFAULT_DATASET = SHARED / "corpora" / "extraction-dev"

Extractor = Callable[[bytes], str]
#: The repository's own samples of each input kind, used for warm-up calls only.
WARM_UP = {"text": "raw/*.txt", "html": "tests/data/html/*.html"}


@dataclass(frozen=True)
class Result:
    """Scores and speed of one extractor on one dataset."""

    name: str
    precision: float
    recall: float
    f1: float
    docs_per_second: float
    #: Documents per second of this process's CPU time: steadier than the wall clock on a
    #: shared machine, where other processes take turns on the cores.
    cpu_docs_per_second: float
    errors: int


def load_metric() -> ModuleType:
    """The shared evaluation tool, imported from its file."""
    if not EVAL_TOOL.is_file():
        sys.exit(f"error: {EVAL_TOOL} not found; the benchmark uses its metric, not a copy")
    spec = importlib.util.spec_from_file_location("extraction_eval", EVAL_TOOL)
    if spec is None or spec.loader is None:
        sys.exit(f"error: cannot import {EVAL_TOOL}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def trafilatura_extractor(**options: Any) -> Extractor | None:
    """trafilatura with default settings (or ``options``), when installed."""
    try:
        trafilatura = importlib.import_module("trafilatura")
    except ImportError:
        return None

    def extract(data: bytes) -> str:
        return str(trafilatura.extract(data.decode("utf-8", "replace"), **options) or "")

    return extract


def readability_extractor() -> Extractor | None:
    """readability-lxml's summary, reduced to its text, when installed."""
    try:
        readability = importlib.import_module("readability")
        lxml_html = importlib.import_module("lxml.html")
    except ImportError:
        return None

    def extract(data: bytes) -> str:
        summary = readability.Document(data.decode("utf-8", "replace")).summary()
        return str(lxml_html.fromstring(summary).text_content())

    return extract


def extractors(kind: str, metric: ModuleType) -> list[tuple[str, Extractor]]:
    """newsarchive first, then the baselines available for this input kind."""
    if kind == "text":
        from newsarchive.text import text_body

        return [
            ("newsarchive text_body", text_body),
            ("whole text (baseline)", metric.whole_text),
            ("drop lines < 40 chars (baseline)", metric.drop_short_lines),
        ]
    from newsarchive.html import html_body

    found: list[tuple[str, Extractor]] = [("newsarchive html_body", html_body)]
    makers: tuple[tuple[str, Callable[[], Extractor | None]], ...] = (
        ("trafilatura default", trafilatura_extractor),
        (
            "trafilatura include_comments=False",
            lambda: trafilatura_extractor(include_comments=False),
        ),
        ("readability-lxml", readability_extractor),
    )
    for name, make in makers:
        extractor = make()
        if extractor is None:
            print(f"note: {name} is not installed; skipped", file=sys.stderr)
        else:
            found.append((name, extractor))
    return found


def load_documents(dataset: Path, kind: str, limit: int | None) -> list[tuple[str, bytes]]:
    """(gold body, input bytes) for every document with an input file of ``kind``."""
    truth: dict[str, dict[str, Any]] = json.loads(
        (dataset / "ground-truth.json").read_text("utf-8")
    )
    suffix = ".txt" if kind == "text" else ".html"
    documents = []
    for doc_id in sorted(truth)[:limit]:
        path = dataset / kind / f"{doc_id}{suffix}"
        if path.is_file():
            documents.append((truth[doc_id].get("articleBody") or "", path.read_bytes()))
    return documents


def prepare(kind: str) -> float | None:
    """Compile newsarchive's rules for ``kind`` before timing: the seconds it took, or
    ``None`` when that kind has nothing to compile up front."""
    if kind != "text":
        return None
    from newsarchive.text import prepare as prepare_text

    start = time.perf_counter()
    prepare_text()
    return time.perf_counter() - start


def run(
    name: str,
    extract: Extractor,
    documents: list[tuple[str, bytes]],
    metric: ModuleType,
    warm_up: list[bytes],
) -> Result:
    """Extract every document (timed, after untimed warm-up calls on ``warm_up``), then
    score."""
    for data in warm_up:
        try:
            extract(data)
        except Exception:  # a sample an extractor cannot read warms nothing; no matter
            continue
    predictions: list[str] = []
    errors = 0
    elapsed = 0.0
    cpu = 0.0
    for _, data in documents:
        start, cpu_start = time.perf_counter(), time.process_time()
        try:
            predictions.append(extract(data))
        except Exception:  # a crash counts as an empty answer, as in the shared tool
            predictions.append("")
            errors += 1
        elapsed += time.perf_counter() - start
        cpu += time.process_time() - cpu_start
    scores = metric.score([gold for gold, _ in documents], predictions, n_bootstrap=0)
    return Result(
        name=name,
        precision=scores["precision"],
        recall=scores["recall"],
        f1=scores["f1"],
        docs_per_second=len(documents) / elapsed if elapsed else float("inf"),
        cpu_docs_per_second=len(documents) / cpu if cpu else float("inf"),
        errors=errors,
    )


def report(results: list[Result]) -> None:
    """One line per extractor, then newsarchive's ratios to each peer measured in the run."""
    print(
        f"{'extractor':<36}{'P':>7}{'R':>7}{'F1':>7}{'docs/s':>10}{'cpu docs/s':>12}{'errors':>8}"
    )
    for r in results:
        print(
            f"{r.name:<36}{r.precision:>7.3f}{r.recall:>7.3f}{r.f1:>7.3f}"
            f"{r.docs_per_second:>10,.0f}{r.cpu_docs_per_second:>12,.0f}{r.errors:>8}"
        )
    ours, baselines = results[0], results[1:]
    for peer in baselines:
        print(
            f"newsarchive / {peer.name}: F1 x{ours.f1 / peer.f1:.3f},"
            f" speed x{ours.docs_per_second / peer.docs_per_second:.3f}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--input", choices=("text", "html"), default="text")
    parser.add_argument("--dataset", type=Path, default=DEFAULT_DATASET)
    parser.add_argument("--limit", type=int, help="only the first N documents (sorted ids)")
    args = parser.parse_args(argv)
    if not (args.dataset / "ground-truth.json").is_file():
        print(f"error: {args.dataset} has no ground-truth.json", file=sys.stderr)
        return 1
    metric = load_metric()
    documents = load_documents(args.dataset, args.input, args.limit)
    print(f"{args.dataset.name} [{args.input}]: {len(documents)} documents")
    compiled = prepare(args.input)
    if compiled is not None:
        print(f"rules compiled in {compiled * 1000:.0f} ms (once per process, not in docs/s)")
    warm_up = [path.read_bytes() for path in sorted(REPO.glob(WARM_UP[args.input]))]
    results = [
        run(name, fn, documents, metric, warm_up) for name, fn in extractors(args.input, metric)
    ]
    report(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
