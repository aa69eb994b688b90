"""WARC ingest: WARCs written in the test with warcio's writer, in the shapes crawlers produce."""

from __future__ import annotations

import gzip
import hashlib
import io
import random
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newsarchive.models import HTML, Capture
from newsarchive.normalise import normalise
from newsarchive.warc import Failed, Skipped, WarcItem, iter_warc

HTML_DIR = Path(__file__).parent / "data" / "html"
ARTICLE = (HTML_DIR / "news-jsonld.html").read_bytes()
BLOG = (HTML_DIR / "blog-nojsonld.html").read_bytes()
LIVE = (HTML_DIR / "liveblog.html").read_bytes()
GERMAN = (HTML_DIR / "de-windows1252.html").read_bytes()
SITE = "https://www.northernledger.example"


def chunked(data: bytes, size: int = 700) -> bytes:
    """``data`` in HTTP/1.1 chunked transfer encoding."""
    parts = [
        b"%x\r\n%s\r\n" % (len(data[i : i + size]), data[i : i + size])
        for i in range(0, len(data), size)
    ]
    return b"".join(parts) + b"0\r\n\r\n"


class Crawl:
    """A WARC written record by record, the way a crawler writes one."""

    def __init__(self, path: Path, *, compress: bool) -> None:
        self.path = path
        self.handle = path.open("wb")
        self.writer = WARCWriter(self.handle, gzip=compress)
        self.writer.write_record(
            self.writer.create_warcinfo_record(path.name, {"software": "test-crawler/1.0"})
        )

    def response(
        self,
        url: str,
        body: bytes,
        *,
        status: str = "200 OK",
        headers: list[tuple[str, str]] | None = None,
        with_request: bool = True,
    ) -> None:
        if with_request:
            request = StatusAndHeaders(
                "GET / HTTP/1.1", [("Host", "www.northernledger.example")], is_http_request=True
            )
            self.writer.write_record(
                self.writer.create_warc_record(url, "request", http_headers=request)
            )
        http = StatusAndHeaders(
            status, headers or [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
        )
        self.writer.write_record(
            self.writer.create_warc_record(
                url, "response", payload=io.BytesIO(body), length=len(body), http_headers=http
            )
        )

    def revisit(self, url: str, refers_to: str) -> None:
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        record = self.writer.create_revisit_record(
            url,
            digest="sha1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            refers_to_uri=refers_to,
            refers_to_date="2024-03-14T08:00:00Z",
            http_headers=http,
        )
        self.writer.write_record(record)

    def metadata(self, url: str) -> None:
        record = self.writer.create_warc_record(
            url,
            "metadata",
            payload=io.BytesIO(b"outlinks: 3\n"),
            length=12,
            warc_content_type="application/warc-fields",
        )
        self.writer.write_record(record)

    def close(self) -> Path:
        self.handle.close()
        return self.path


def write_crawl(path: Path, *, compress: bool) -> Path:
    crawl = Crawl(path, compress=compress)
    crawl.response(f"{SITE}/news/2024/03/14/harbour-tidal-barrier-approved", ARTICLE)
    crawl.metadata(f"{SITE}/news/2024/03/14/harbour-tidal-barrier-approved")
    crawl.response(
        "https://crumbandcrust.example/2023/11/02/wood-fired-oven/",
        chunked(BLOG),
        headers=[("Content-Type", "text/html; charset=UTF-8"), ("Transfer-Encoding", "chunked")],
    )
    crawl.response(
        "https://metrowire.example/live/election-night",
        gzip.compress(LIVE),
        headers=[("Content-Type", "text/html"), ("Content-Encoding", "gzip")],
    )
    crawl.response(
        "https://alpenbote.example/region/bergbahn-kaelberhorn",
        GERMAN,
        headers=[("Content-Type", "text/html; charset=windows-1252")],
    )
    crawl.response(f"{SITE}/news/missing-page", b"<html>Not found</html>", status="404 Not Found")
    crawl.response(
        f"{SITE}/img/logo.png", b"\x89PNG\r\n\x1a\n", headers=[("Content-Type", "image/png")]
    )
    crawl.response(f"{SITE}/news/2024/03/14/harbour-barrier-amp-copy", ARTICLE, with_request=False)
    crawl.revisit(
        f"{SITE}/news/2024/03/15/harbour", f"{SITE}/news/2024/03/14/harbour-tidal-barrier-approved"
    )
    crawl.response(f"{SITE}/", b"<html><body><h1>Front page</h1></body></html>")
    crawl.response(f"{SITE}/tag/flooding/", b"<html><body><h1>Flooding</h1></body></html>")
    return crawl.close()


def items(path: Path) -> list[WarcItem]:
    return list(iter_warc(path, "f" * 64))


@pytest.mark.parametrize("compress", [False, True], ids=["warc", "warc.gz"])
def test_responses_become_captures_and_the_rest_is_accounted_for(
    tmp_path: Path, compress: bool
) -> None:
    path = write_crawl(
        tmp_path / ("crawl.warc.gz" if compress else "crawl.warc"), compress=compress
    )
    found = items(path)
    captures = [i for i in found if isinstance(i, Capture)]
    skipped = [i for i in found if isinstance(i, Skipped)]
    assert not [i for i in found if isinstance(i, Failed)]
    assert [c.url for c in captures] == [
        f"{SITE}/news/2024/03/14/harbour-tidal-barrier-approved",
        "https://crumbandcrust.example/2023/11/02/wood-fired-oven/",
        "https://metrowire.example/live/election-night",
        "https://alpenbote.example/region/bergbahn-kaelberhorn",
    ]
    assert [(s.url, s.reason) for s in skipped] == [
        (f"{SITE}/news/missing-page", "HTTP status 404"),
        (f"{SITE}/img/logo.png", "not HTML (image/png)"),
        (f"{SITE}/news/2024/03/14/harbour-barrier-amp-copy", "duplicate payload"),
        (
            f"{SITE}/news/2024/03/15/harbour",
            f"revisit of {SITE}/news/2024/03/14/harbour-tidal-barrier-approved",
        ),
        (f"{SITE}/", "home page"),
        (f"{SITE}/tag/flooding/", "tag listing page"),
    ]


def test_payloads_are_dechunked_and_decompressed(tmp_path: Path) -> None:
    path = write_crawl(tmp_path / "crawl.warc.gz", compress=True)
    payloads = [i.data for i in items(path) if isinstance(i, Capture)]
    assert payloads == [ARTICLE, BLOG, LIVE, GERMAN]


def test_capture_provenance(tmp_path: Path) -> None:
    path = write_crawl(tmp_path / "crawl.warc", compress=False)
    capture = next(i for i in items(path) if isinstance(i, Capture))
    digest = hashlib.sha256(ARTICLE).hexdigest()
    assert capture.media_type == HTML
    assert capture.sha256 == digest
    assert capture.capture_id == digest[:20]
    assert capture.captured_basis == "warc-date"
    assert capture.declared_charset == "utf-8"
    assert capture.warc is not None
    assert capture.warc.target_uri == capture.url
    assert capture.warc.date == capture.captured_at
    assert capture.captured_at is not None
    assert capture.captured_at.startswith("20")
    assert capture.warc.record_id.startswith("<urn:uuid:")
    assert capture.warc.payload_digest is not None
    assert capture.warc.payload_digest.startswith("sha1:")
    with path.open("rb") as handle:
        handle.seek(capture.warc.offset)
        assert handle.read(9) == b"WARC/1.0\r"
    assert capture.source == f"{path}@{capture.warc.offset}"


def test_captures_normalise_with_their_http_charset(tmp_path: Path) -> None:
    path = write_crawl(tmp_path / "crawl.warc", compress=False)
    german = [i for i in items(path) if isinstance(i, Capture)][3]
    article = normalise(german)
    assert article.url == "https://alpenbote.example/region/bergbahn-kaelberhorn"
    assert "„Wir sind überglücklich“" in article.paragraphs[1]


@pytest.mark.parametrize("compress", [False, True], ids=["warc", "warc.gz"])
def test_truncated_final_record_ends_with_one_failure(tmp_path: Path, compress: bool) -> None:
    path = write_crawl(tmp_path / "crawl.warc", compress=compress)
    data = path.read_bytes()
    last = [i for i in items(path)][-1]
    assert isinstance(last, Skipped)
    path.write_bytes(data[: last.offset + 200])
    found = items(path)
    assert isinstance(found[-1], Failed)
    assert found[-1].offset == last.offset
    assert "truncated record" in found[-1].error
    assert sum(isinstance(i, Capture) for i in found) == 4
    assert sum(isinstance(i, Failed) for i in found) == 1


@pytest.mark.parametrize("compress", [False, True], ids=["warc", "warc.gz"])
def test_payload_cut_mid_record_fails_that_record_only(tmp_path: Path, compress: bool) -> None:
    crawl = Crawl(tmp_path / "cut.warc", compress=compress)
    crawl.response("https://crumbandcrust.example/2023/11/02/wood-fired-oven/", BLOG)
    crawl.response(f"{SITE}/news/2024/03/14/harbour-tidal-barrier-approved", ARTICLE)
    path = crawl.close()
    data = path.read_bytes()
    path.write_bytes(data[: len(data) - 2000])
    found = items(path)
    assert [type(i).__name__ for i in found] == ["Capture", "Failed"]
    capture, failed = found
    assert isinstance(capture, Capture)
    assert isinstance(failed, Failed)
    assert capture.data == BLOG
    assert capture.warc is not None
    assert failed.offset > capture.warc.offset


def arc_record(url: str, mime: str, body: bytes) -> bytes:
    """One ARC v1 record: a header line, then ``body``."""
    return b"%s 192.0.2.7 20231102181244 %s %d\n%s\n" % (
        url.encode(),
        mime.encode(),
        len(body),
        body,
    )


def test_arc_files_are_read_with_stable_record_ids(tmp_path: Path) -> None:
    version = b"1 0 test-crawler\nURL IP-address Archive-date Content-type Archive-length\n"
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=UTF-8\r\n\r\n" + BLOG
    path = tmp_path / "old-crawl.arc"
    path.write_bytes(
        arc_record("filedesc://old-crawl.arc", "text/plain", version)
        + arc_record("https://crumbandcrust.example/2023/11/02/wood-fired-oven/", "text/html", http)
    )
    first, second = items(path), items(path)
    assert len(first) == 1
    capture = first[0]
    assert isinstance(capture, Capture)
    assert capture.data == BLOG
    assert capture.captured_at == "2023-11-02T18:12:44Z"
    assert capture.warc is not None
    assert capture.warc.record_id == f"<urn:arc:{'f' * 64}@{capture.warc.offset}>"
    assert first == second


@pytest.mark.parametrize("compress", [False, True], ids=["warc", "warc.gz"])
def test_corrupted_bytes_never_raise(tmp_path: Path, compress: bool) -> None:
    """Flipped bytes anywhere (headers, HTTP block, gzip stream) give items, not exceptions."""
    original = write_crawl(tmp_path / "crawl.warc", compress=compress).read_bytes()
    damaged = tmp_path / "damaged.warc"
    generator = random.Random(20240314)
    failures = 0
    for _ in range(60):
        data = bytearray(original)
        for _ in range(generator.randint(1, 12)):
            data[generator.randrange(len(data))] = generator.randrange(256)
        damaged.write_bytes(bytes(data[: generator.randint(len(data) // 2, len(data))]))
        found = items(damaged)
        assert all(isinstance(item, (Capture, Skipped, Failed)) for item in found)
        failures += isinstance(found[-1], Failed) if found else 0
    assert failures > 0


def test_file_that_is_not_a_warc_fails_cleanly(tmp_path: Path) -> None:
    path = tmp_path / "notes.warc"
    path.write_bytes(b"these are some notes, not an archive\n" * 10)
    found = items(path)
    assert len(found) == 1
    assert isinstance(found[0], Failed)
    assert found[0].offset == 0
