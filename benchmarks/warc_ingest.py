"""WARC ingest benchmark: the same pages read from a WARC and from HTML files.

Generates a WARC of about ``--size-mb`` megabytes from HTML pages (the shared
``extraction-dev`` pages by default, else the repository's own fixtures), each page a
``request`` + ``response`` record pair the way a crawler writes them, and writes the same
payloads as ``.html`` files. Then, each in its own child process so that peak memory is
measured separately:

- ``warc``: ``capture.read_inputs([crawl.warc])`` -> ``normalise`` for every capture;
- ``html``: ``capture.read_inputs([pages/])`` -> ``normalise`` for every capture;
- ``iterate-warcio`` / ``iterate-fastwarc``: record iteration alone (HTTP payload read,
  dechunked/decoded where the library does it), the evidence behind warc.py's choice.

It prints pages/s, MB/s and peak RSS for each, and the WARC/HTML throughput ratio.
Every payload is made unique (a trailing comment with its number) so that the WARC's
duplicate-payload check does not skip repeats of the same source page.

Run from the repository root::

    .venv/bin/python benchmarks/warc_ingest.py --size-mb 100
    .venv/bin/python benchmarks/warc_ingest.py --size-mb 1100 --plain   # >= 1 GB file
"""

from __future__ import annotations

import argparse
import importlib.util
import io
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
DEV_PAGES = REPO.parent / "shared" / "corpora" / "extraction-dev" / "html"
FIXTURE_PAGES = REPO / "tests" / "data" / "html"


def source_pages() -> list[bytes]:
    """HTML pages to fill the WARC with (the dev set when present, else the fixtures)."""
    folder = DEV_PAGES if DEV_PAGES.is_dir() else FIXTURE_PAGES
    return [path.read_bytes() for path in sorted(folder.glob("*.html"))]


def unique_pages(pages: list[bytes], target_bytes: int) -> Iterator[tuple[int, bytes]]:
    """Numbered copies of ``pages``, cycling, until ``target_bytes`` of payload."""
    written = number = 0
    while written < target_bytes:
        page = pages[number % len(pages)] + b"\n<!-- benchmark copy %d -->\n" % number
        yield number, page
        written += len(page)
        number += 1


def generate(folder: Path, size_mb: int, compress: bool) -> tuple[Path, Path, int]:
    """Write ``crawl.warc[.gz]`` and ``pages/*.html`` with the same payloads."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    warc_path = folder / ("crawl.warc.gz" if compress else "crawl.warc")
    pages_dir = folder / "pages"
    # A kept --workdir is written afresh on each run, so a re-run measures the same files.
    shutil.rmtree(pages_dir, ignore_errors=True)
    pages_dir.mkdir()
    count = 0
    with warc_path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=compress)
        for number, page in unique_pages(source_pages(), size_mb * 1024 * 1024):
            url = f"https://news.example/{2012 + number % 10}/story-{number}.html"
            request = StatusAndHeaders(
                f"GET /story-{number}.html HTTP/1.1",
                [("Host", "news.example"), ("User-Agent", "bench-crawler/1.0")],
                is_http_request=True,
            )
            writer.write_record(writer.create_warc_record(url, "request", http_headers=request))
            http = StatusAndHeaders(
                "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
            )
            record = writer.create_warc_record(
                url, "response", payload=io.BytesIO(page), length=len(page), http_headers=http
            )
            writer.write_record(record)
            (pages_dir / f"story-{number}.html").write_bytes(page)
            count += 1
    return warc_path, pages_dir, count


def peak_rss_mb() -> float:
    """Peak resident set size of this process (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def phase_ingest(target: Path) -> dict[str, Any]:
    """Read every capture under ``target`` and normalise it; count outcomes."""
    from newsarchive.capture import read_inputs
    from newsarchive.errors import ArchiveError
    from newsarchive.models import Capture
    from newsarchive.normalise import normalise

    start = time.perf_counter()
    pages = failed = other = 0
    payload = 0
    for item in read_inputs([str(target)]):
        if isinstance(item, Capture):
            payload += len(item.data)
            try:
                normalise(item)
                pages += 1
            except ArchiveError:
                failed += 1
        else:
            other += 1
    elapsed = time.perf_counter() - start
    return {
        "pages": pages,
        "failed": failed,
        "other_items": other,
        "seconds": elapsed,
        "payload_mb": payload / 1e6,
        "peak_rss_mb": peak_rss_mb(),
    }


def iteration_result(records: int, payload: int, start: float) -> dict[str, Any]:
    """What an iteration phase reports: responses read, time since ``start``, payload, memory."""
    return {
        "pages": records,
        "seconds": time.perf_counter() - start,
        "payload_mb": payload / 1e6,
        "peak_rss_mb": peak_rss_mb(),
    }


def phase_iterate_warcio(target: Path) -> dict[str, Any]:
    from warcio.archiveiterator import ArchiveIterator

    start = time.perf_counter()
    records = payload = 0
    with target.open("rb") as stream:
        for record in ArchiveIterator(stream):
            if record.rec_type == "response":
                payload += len(record.content_stream().read())
                records += 1
    return iteration_result(records, payload, start)


def phase_iterate_fastwarc(target: Path) -> dict[str, Any]:
    from fastwarc.warc import ArchiveIterator, WarcRecordType

    start = time.perf_counter()
    records = payload = 0
    for record in ArchiveIterator(
        str(target),
        record_types=WarcRecordType.response,
        parse_http=True,
        auto_decode="all",
        fsspec_args=False,
    ):
        payload += len(record.reader.read())
        records += 1
    return iteration_result(records, payload, start)


PHASES = {
    "ingest": phase_ingest,
    "iterate-warcio": phase_iterate_warcio,
    "iterate-fastwarc": phase_iterate_fastwarc,
}


def run_child(phase: str, target: Path) -> dict[str, Any]:
    """Run one phase in a fresh interpreter so that its peak RSS is its own."""
    done = subprocess.run(
        [sys.executable, __file__, "--phase", phase, "--target", str(target)],
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def report(name: str, result: dict[str, Any]) -> None:
    seconds = result["seconds"]
    print(
        f"{name:<22}{result['pages']:>8}{result['pages'] / seconds:>10.1f}"
        f"{result['payload_mb'] / seconds:>9.2f}{result['peak_rss_mb']:>11.0f}{seconds:>9.1f}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--size-mb", type=int, default=50, help="payload megabytes to write")
    parser.add_argument("--plain", action="store_true", help="uncompressed .warc (default gz)")
    parser.add_argument("--workdir", type=Path, help="keep the generated files here")
    parser.add_argument("--skip-iterate", action="store_true", help="no warcio/fastwarc runs")
    parser.add_argument("--phase", choices=sorted(PHASES), help=argparse.SUPPRESS)
    parser.add_argument("--target", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.phase:
        print(json.dumps(PHASES[args.phase](args.target)))
        return 0
    folder = args.workdir or Path(tempfile.mkdtemp(prefix="warc-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        started = time.perf_counter()
        warc_path, pages_dir, count = generate(folder, args.size_mb, compress=not args.plain)
        size = warc_path.stat().st_size
        print(
            f"generated {count} pages: {warc_path.name} {size / 1e6:.0f} MB"
            f" in {time.perf_counter() - started:.0f} s"
        )
        print(f"{'run':<22}{'pages':>8}{'pages/s':>10}{'MB/s':>9}{'peak RSS':>11}{'s':>9}")
        warc = run_child("ingest", warc_path)
        report("WARC ingest", warc)
        html = run_child("ingest", pages_dir)
        report("HTML-file ingest", html)
        if not args.skip_iterate:
            report("iterate (warcio)", run_child("iterate-warcio", warc_path))
            if importlib.util.find_spec("fastwarc") is None:
                print("iterate (fastwarc): skipped, not installed (pip install fastwarc)")
            else:
                report("iterate (fastwarc)", run_child("iterate-fastwarc", warc_path))
        ratio = (warc["pages"] / warc["seconds"]) / (html["pages"] / html["seconds"])
        print(f"WARC / HTML-file throughput: x{ratio:.3f}")
    finally:
        if args.workdir is None:
            shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
