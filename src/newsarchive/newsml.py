"""NewsML-G2 stage: an Article becomes one ``newsItem`` record, and a record an Article again.

The record is standard NewsML-G2 2.35 (conformance "power") with an XHTML body, plus the
archive's provenance in its own namespace at the ``itemMeta`` extension point. Every record
is validated against the project's archive profile (``schemas/newsarchive-record.xsd`` and
the checks XSD 1.0 cannot express, see ``schemas/README.md``) before it is stored; tests also
validate against the official IPTC schema with :func:`validate_official`.

Mapping decisions worth knowing when reading a record:

* ``guid`` is ``tag:newsarchive.example.org,2026:<id>`` (RFC 4151; the id percent-encoded);
  re-normalising keeps the guid and bumps ``@version``.
* The raw original is linked with ``link rel="narel:rawCapture"``; its ``href`` is the
  original's path relative to the archive root (the folder holding ``raw/`` and ``archive/``),
  percent-encoded as a URI reference, exactly as ``RawRef.path`` says.
* Absent facts are absent elements; empty strings count as absent, so an optional field that
  is ``""`` reads back as ``None``. Of ``Article.extra``, the subject and place codes and
  the source id of a migrated record are stored (``keyword`` and ``altId``).

Output is deterministic: the same Article always gives the same bytes.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path
from urllib.parse import quote, unquote

from lxml import etree

from newsarchive import datelines
from newsarchive.errors import RecordError
from newsarchive.models import (
    BLOCK_KINDS,
    EXTRA_PLACES,
    EXTRA_SOURCE_ID,
    EXTRA_SUBJECTS,
    Article,
    Block,
    Image,
    RawRef,
    Removed,
    WarcOrigin,
)

NAR = "http://iptc.org/std/nar/2006-10-01/"
XHTML = "http://www.w3.org/1999/xhtml"
#: The project's provenance namespace (schemas/newsarchive-provenance.xsd).
PROVENANCE = "https://newsarchive.example.org/ns/provenance/1.0/"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

#: The domain the archive owns: it mints guids and names the project vocabularies.
ARCHIVE_AUTHORITY = "newsarchive.example.org"
ARCHIVE_URI = f"https://{ARCHIVE_AUTHORITY}/"
ARCHIVE_NAME = "newsarchive"
#: The tag: URI date is the day the authority was first held, so it never changes.
GUID_PREFIX = f"tag:{ARCHIVE_AUTHORITY},2026:"
GENERATOR = "newsarchive"

IPTC_CATALOG = "http://www.iptc.org/std/catalog/catalog.IPTC-G2-Standards_41.xml"
SHA256_URI = "http://www.w3.org/2001/04/xmlenc#sha256"
OFFICIAL_XSD = "NewsML-G2_2.35-spec-All-Power.xsd"
SCHEMA_DIR = Path(__file__).parent / "schemas"
RECORD_XSD = "newsarchive-record.xsd"

#: Project vocabularies, declared in each record's inline catalog (IPTC has none for these).
PROJECT_SCHEMES = {
    "nahl": f"{ARCHIVE_URI}cv/headlinerole/",
    "narel": f"{ARCHIVE_URI}cv/itemrelation/",
    "nagen": f"{ARCHIVE_URI}cv/generatorrole/",
    "nahop": f"{ARCHIVE_URI}cv/hopaction/",
    "naidt": f"{ARCHIVE_URI}cv/idtype/",
    "nakw": f"{ARCHIVE_URI}cv/keywordrole/",
}
#: Keyword roles for the subject and place codes a migrated record brings with it.
_KEYWORD_ROLES = {EXTRA_SUBJECTS: "nakw:subject", EXTRA_PLACES: "nakw:place"}
#: IPTC scheme aliases the records use; all are declared in IPTC catalog 41 (a test checks).
IPTC_ALIASES = frozenset(
    [
        "ninat",
        "stat",
        "hopaction",
        "hatarget",
        "drol",
        "irel",
        "cpnat",
        "cpprole",
        "geonames",
        "iso3166-1a2",
    ]
)
#: Attributes holding QCodes on the NAR elements the archive writes.
QCODE_ATTRIBUTES = ("qcode", "role", "type", "rel", "target")

_NS = {"n": NAR, "x": XHTML, "p": PROVENANCE}
_N = f"{{{NAR}}}"
_X = f"{{{XHTML}}}"
_P = f"{{{PROVENANCE}}}"

#: What may follow a dateline at the start of the first paragraph for it to count as the lead:
#: an optional ", date" and "(Agency)", then a dash or colon ("ROME—", "PARIS (AP) — ", "KYIV: ");
#: a lone hyphen only with spaces round it, so "ROME-based" is no dateline.
_DATELINE_SEPARATOR = re.compile(
    r"(?:,[^—–\-:\n]{1,40}?)?[ \u00a0]*(?:\([^()\n]{1,40}\)[ \u00a0]*)?"
    r"(?:[—–:]|--|(?<=[ \u00a0])-(?=[ \u00a0]))[ \u00a0]*"
)
#: xs:date or xs:dateTime, the values a hop timestamp accepts.
_DATE_OPT_TIME = re.compile(r"\d{4}-\d\d-\d\d(?:T\d\d:\d\d:\d\d(?:\.\d+)?)?(?:Z|[+\-]\d\d:\d\d)?")


# --------------------------------------------------------------------------- identifiers


def guid_for(article_id: str) -> str:
    """The record guid for an article id: stable across versions of the record."""
    return GUID_PREFIX + quote(article_id, safe="-._~")


def id_from_guid(guid: str) -> str:
    """The article id inside a guid minted by :func:`guid_for`.

    Raises:
        RecordError: the guid was not minted by this archive.
    """
    if not guid.startswith(GUID_PREFIX) or len(guid) == len(GUID_PREFIX):
        raise RecordError(f"guid {guid!r} is not a {ARCHIVE_AUTHORITY} guid")
    return unquote(guid[len(GUID_PREFIX) :])


def _slug(text: str) -> str:
    """A QCode-safe code for a label: ASCII words joined by '-', or a hash when none remain."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug or "h" + hashlib.sha256(text.encode()).hexdigest()[:12]


def _section_scheme(source: str | None) -> tuple[str, str]:
    """Alias and URI of the publisher-scoped section vocabulary (sections mean nothing across
    publishers)."""
    if source is None:
        return "nasec", f"{ARCHIVE_URI}cv/section/"
    publisher = _slug(source).replace("-", "")
    return f"nasec-{publisher}", f"{ARCHIVE_URI}cv/section/{publisher}/"


# --------------------------------------------------------------------------- writing


def _sub(
    parent: etree._Element, tag: str, text: str | None = None, /, **attrib: str
) -> etree._Element:
    element = etree.SubElement(parent, tag, attrib)
    if text is not None:
        element.text = text
    return element


def _named(parent: etree._Element, tag: str, name: str, /, **attrib: str) -> etree._Element:
    element = _sub(parent, tag, **attrib)
    _sub(element, _N + "name", name)
    return element


def _present(value: str | None) -> str | None:
    """Treat "" like None: an archive never writes an empty element for a missing fact."""
    return value if value else None


def to_newsml(article: Article) -> bytes:
    """Render an article as one NewsML-G2 ``newsItem`` (UTF-8 bytes, pretty-printed).

    The result is not validated here; callers storing it run :func:`validate` first.

    Raises:
        RecordError: the article has no id, has a block of unknown kind, or holds text that
            XML cannot carry (control characters).
    """
    if not article.id:
        raise RecordError("cannot write a record for an article without an id")
    try:
        root = _news_item(article)
    except ValueError as exc:  # lxml refuses control characters and the like
        raise RecordError(f"article {article.id}: {exc}") from exc
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _news_item(article: Article) -> etree._Element:
    assert article.id is not None
    root = etree.Element(_N + "newsItem", nsmap={None: NAR, "nap": PROVENANCE})
    root.set("guid", guid_for(article.id))
    root.set("version", str(article.version))
    root.set("standard", "NewsML-G2")
    root.set("standardversion", "2.35")
    root.set("conformance", "power")
    if _present(article.language):
        root.set(XML_LANG, str(article.language))
    _sub(root, _N + "catalogRef", href=IPTC_CATALOG)
    catalog = _sub(root, _N + "catalog")
    for alias, uri in _schemes(article):
        _sub(catalog, _N + "scheme", alias=alias, uri=uri)
    _hop_history(root, article)
    if _present(article.source):
        rights = _sub(root, _N + "rightsInfo")
        _named(rights, _N + "copyrightHolder", str(article.source))
    _item_meta(root, article)
    _content_meta(root, article)
    for number, image in enumerate(article.images, start=1):
        _part_meta(root, image, number)
    content_set = _sub(root, _N + "contentSet")
    words = sum(len(block.text.split()) for block in article.blocks)
    inline = _sub(
        content_set, _N + "inlineXML", contenttype="application/xhtml+xml", wordcount=str(words)
    )
    _xhtml(inline, article)
    return root


def _schemes(article: Article) -> Iterator[tuple[str, str]]:
    yield from PROJECT_SCHEMES.items()
    if _present(article.section):
        yield _section_scheme(_present(article.source))


def _hop_history(root: etree._Element, article: Article) -> None:
    """Publication by the publisher, capture, then normalisation by the archive."""
    history = _sub(root, _N + "hopHistory")
    published = _sub(history, _N + "hop", seq="1")
    if _is_date_opt_time(article.published):
        published.set("timestamp", str(article.published))
    if _present(article.source):
        _named(published, _N + "party", str(article.source))
    _sub(published, _N + "action", qcode="hopaction:created", target="hatarget:content")
    captured = _sub(history, _N + "hop", seq="2")
    captured_at = article.raw.captured_at if article.raw else None
    if _is_date_opt_time(captured_at):
        captured.set("timestamp", str(captured_at))
    _sub(captured, _N + "action", qcode="nahop:capture", target="hatarget:content")
    normalised = _sub(history, _N + "hop", seq="3")
    if _present(article.normalised_at):
        normalised.set("timestamp", str(article.normalised_at))
    _named(normalised, _N + "party", ARCHIVE_NAME, uri=ARCHIVE_URI)
    _sub(normalised, _N + "action", qcode="hopaction:transformed", target="hatarget:content")
    _sub(normalised, _N + "action", qcode="hopaction:created", target="hatarget:metadata")


def _is_date_opt_time(value: str | None) -> bool:
    """Whether a hop may carry ``value`` as its timestamp (a real xs:date or xs:dateTime);
    other stated times stay in contentMeta and the provenance, verbatim."""
    if not value or not _DATE_OPT_TIME.fullmatch(value):
        return False
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


def _item_meta(root: etree._Element, article: Article) -> None:
    meta = _sub(root, _N + "itemMeta")
    _sub(meta, _N + "itemClass", qcode="ninat:text")
    _named(meta, _N + "provider", ARCHIVE_NAME, uri=ARCHIVE_URI)
    if _present(article.normalised_at):
        _sub(meta, _N + "versionCreated", article.normalised_at)
        _sub(meta, _N + "firstCreated", article.normalised_at)
    _sub(meta, _N + "pubStatus", qcode="stat:usable")
    generator = _sub(meta, _N + "generator", GENERATOR, role="nagen:normaliser")
    if _present(article.generator_version):
        generator.set("versioninfo", str(article.generator_version))
    if _present(article.headline):
        _sub(meta, _N + "title", article.headline)
    if _present(article.url):
        _sub(meta, _N + "origRep", article.url)
    if article.raw is not None:
        _raw_link(meta, article.raw)
    if _present(article.url):
        _sub(meta, _N + "link", rel="irel:seeAlso", href=str(article.url), contenttype="text/html")
    _provenance(meta, article)


def _raw_link(meta: etree._Element, raw: RawRef) -> None:
    link = _sub(meta, _N + "link", rel="narel:rawCapture", href=quote(raw.path, safe="/"))
    if raw.warc is not None:
        link.set("residref", raw.warc.record_id)
    link.set("contenttype", raw.media_type)
    link.set("size", str(raw.size))
    _sub(link, _N + "hash", raw.sha256, hashtypeuri=SHA256_URI)


def _provenance(meta: etree._Element, article: Article) -> None:
    provenance = _sub(meta, _P + "provenance")
    raw = article.raw
    if raw is not None:
        capture = _sub(provenance, _P + "capture")
        _sub(capture, _P + "captureId", article.id)
        _sub(
            capture,
            _P + "sourceFile",
            raw.path,
            mediaType=raw.media_type,
            size=str(raw.size),
            sha256=raw.sha256,
        )
        if _present(raw.original_name):
            _sub(capture, _P + "originalName", raw.original_name)
        if _present(raw.captured_at) or _present(raw.captured_basis):
            at = _sub(capture, _P + "capturedAt", _present(raw.captured_at))
            if _present(raw.captured_basis):
                at.set("basis", str(raw.captured_basis))
        if _present(article.url):
            _sub(capture, _P + "originalUrl", article.url)
        if raw.warc is not None:
            _warc_record(capture, raw.warc)
        if raw.line is not None:
            _sub(capture, _P + "jsonlLine", str(raw.line))
    normalisation = _sub(provenance, _P + "normalisation", tool=GENERATOR)
    for name, value in (
        ("version", article.generator_version),
        ("at", article.normalised_at),
        ("profile", article.profile),
    ):
        if _present(value):
            normalisation.set(name, str(value))
    for removed in article.removed:
        element = _sub(normalisation, _P + "removed", removed.text, rule=removed.rule)
        if removed.line is not None:
            element.set("line", str(removed.line))


def _warc_record(capture: etree._Element, warc: WarcOrigin) -> None:
    record = _sub(capture, _P + "warcRecord", recordId=warc.record_id, offset=str(warc.offset))
    if _present(warc.date):
        record.set("date", str(warc.date))
    if _present(warc.payload_digest):
        record.set("payloadDigest", str(warc.payload_digest))
    _sub(record, _P + "targetUri", warc.target_uri)


def _content_meta(root: etree._Element, article: Article) -> None:
    """contentMeta: the administrative group (dates, place, source, creators) comes before the
    descriptive group (language, subject, headlines, dateline, by, description), as the
    schema requires; the main headline is the first headline, because consumers take it."""
    meta = _sub(root, _N + "contentMeta")
    if _present(article.published):
        _sub(meta, _N + "contentCreated", article.published)
    if _present(article.updated):
        _sub(meta, _N + "contentModified", article.updated)
    if _present(article.dateline):
        _located(meta, str(article.dateline))
    if _present(article.source):
        _named(meta, _N + "infoSource", str(article.source))
    bylines = [byline for byline in article.bylines if byline]
    for byline in bylines:
        _named(meta, _N + "creator", byline, role="cpprole:author")
    source_id = _present(article.extra.get(EXTRA_SOURCE_ID))
    if source_id:
        _sub(meta, _N + "altId", source_id, type="naidt:sourceId")
    if _present(article.language):
        _sub(meta, _N + "language", tag=str(article.language))
    for key, role in _KEYWORD_ROLES.items():
        for code in article.extra.get(key, "").split():
            _sub(meta, _N + "keyword", code, role=role)
    if _present(article.section):
        alias, _uri = _section_scheme(_present(article.source))
        section = str(article.section)
        _named(
            meta, _N + "subject", section, type="cpnat:abstract", qcode=f"{alias}:{_slug(section)}"
        )
    if _present(article.headline):
        _sub(meta, _N + "headline", article.headline, role="nahl:main")
    if _present(article.kicker):
        _sub(meta, _N + "headline", article.kicker, role="nahl:kicker")
    if _present(article.dateline):
        _sub(meta, _N + "dateline", article.dateline)
    for byline in bylines:
        _sub(meta, _N + "by", byline)
    if _present(article.dek):
        _sub(meta, _N + "description", article.dek, role="drol:summary")


def _located(meta: etree._Element, dateline: str) -> None:
    """Where the story was filed, from the dateline gazetteer; nothing for unknown places, so
    no code is ever guessed."""
    place = datelines.lookup_place(dateline)
    if place is None:
        return
    located = _named(meta, _N + "located", place.name)
    if place.geonames:
        located.set("qcode", f"geonames:{place.geonames}")
    if place.country and place.country_name:
        _named(
            located,
            _N + "broader",
            place.country_name,
            type="cpnat:geoArea",
            qcode=f"iso3166-1a2:{place.country}",
        )


def _figure_id(number: int) -> str:
    return f"image-{number}"


def _part_meta(root: etree._Element, image: Image, number: int) -> None:
    part = _sub(
        root, _N + "partMeta", partid=f"part-{_figure_id(number)}", contentrefs=_figure_id(number)
    )
    if _present(image.id):
        _sub(part, _N + "altId", image.id, type="naidt:publisherImageId")
    if _present(image.credit):
        _sub(part, _N + "creditline", image.credit)
    if _present(image.caption):
        _sub(part, _N + "description", image.caption, role="drol:caption")


def _xhtml(inline: etree._Element, article: Article) -> None:
    html = etree.SubElement(inline, _X + "html", nsmap={None: XHTML})
    if _present(article.language):
        html.set(XML_LANG, str(article.language))
    head = _sub(html, _X + "head")
    _sub(head, _X + "meta", charset="utf-8")
    _sub(head, _X + "title", _present(article.headline) or "")
    body = _sub(html, _X + "body")
    page = _sub(body, _X + "article")
    _xhtml_header(page, article)
    for number, image in enumerate(article.images, start=1):
        _figure(page, image, number)
    section = _sub(page, _X + "section", **{"class": "body"})
    _xhtml_blocks(section, article.blocks, _present(article.dateline))


def _xhtml_header(page: etree._Element, article: Article) -> None:
    header = _sub(page, _X + "header")
    for css, value in (("section", article.section), ("kicker", article.kicker)):
        if _present(value):
            _sub(header, _X + "p", value, **{"class": css})
    if _present(article.headline):
        _sub(header, _X + "h1", article.headline)
    if _present(article.dek):
        _sub(header, _X + "p", article.dek, **{"class": "standfirst"})
    for byline in article.bylines:
        if byline:
            _sub(header, _X + "p", byline, **{"class": "byline"})


def _figure(page: etree._Element, image: Image, number: int) -> None:
    figure = _sub(page, _X + "figure", id=_figure_id(number), **{"class": "image"})
    if _present(image.id):
        figure.set("data-image-id", str(image.id))
    if _present(image.src):
        _sub(figure, _X + "img", src=str(image.src), alt=_present(image.caption) or "")
    if _present(image.caption) or _present(image.credit):
        caption = _sub(figure, _X + "figcaption")
        for css, value in (("caption", image.caption), ("credit", image.credit)):
            if _present(value):
                _sub(caption, _X + "span", value, **{"class": css})


def _xhtml_blocks(section: etree._Element, blocks: Iterable[Block], dateline: str | None) -> None:
    """Body blocks in order; consecutive list items share one ``ul``."""
    current_list: etree._Element | None = None
    for index, block in enumerate(blocks):
        if block.kind not in BLOCK_KINDS:
            raise RecordError(f"unknown block kind {block.kind!r}")
        if block.kind == "li":
            if current_list is None:
                current_list = _sub(section, _X + "ul")
            _sub(current_list, _X + "li", block.text)
            continue
        current_list = None
        element = _sub(section, _X + block.kind, block.text)
        lead = dateline_lead(block.text, dateline) if index == 0 and block.kind == "p" else None
        if lead is not None:
            element.text = None
            span = _sub(element, _X + "span", lead, **{"class": "dateline"})
            span.tail = block.text[len(lead) :]


def dateline_lead(text: str, dateline: str | None) -> str | None:
    """The dateline lead opening a paragraph ("ROME—"), or None when the text has none.

    The lead is what :func:`datelines.find_dateline` finds for this dateline (it knows the
    agency styles, ``(ANSA) - ROMA, 15 MAR - ``), or else the dateline itself followed by a
    separator (dash or colon, optionally after a date and an agency in parentheses). It must
    be followed by more text.
    """
    if not dateline:
        return None
    found = datelines.find_dateline(text)
    if found is not None and found.place == dateline:
        return found.lead if len(found.lead) < len(text) else None
    if not text.startswith(dateline):
        return None
    separator = _DATELINE_SEPARATOR.match(text, len(dateline))
    if separator is None or separator.end() >= len(text):
        return None
    return text[: separator.end()]


# --------------------------------------------------------------------------- validation


def _offline_parser() -> etree.XMLParser:
    """A parser that never touches the network, never expands entities, never loads a DTD."""
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def _load_schema(path: Path) -> etree.XMLSchema:
    try:
        return etree.XMLSchema(etree.parse(str(path), _offline_parser()))
    except (OSError, etree.XMLSyntaxError, etree.XMLSchemaParseError) as exc:
        raise RecordError(f"cannot load schema {path}: {exc}") from exc


@functools.cache
def archive_schema() -> etree.XMLSchema:
    """The archive profile schema, loaded once per process from the package's schemas/."""
    return _load_schema(SCHEMA_DIR / RECORD_XSD)


@functools.cache
def _official_schema(xsd: Path) -> etree.XMLSchema:
    return _load_schema(xsd)


def _parse(data: bytes) -> etree._Element:
    """Parse untrusted record bytes safely; a document type declaration is refused outright."""
    try:
        tree = etree.ElementTree(etree.fromstring(data, _offline_parser()))
    except etree.XMLSyntaxError as exc:
        raise RecordError(f"not well-formed XML: {exc}") from exc
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise RecordError("a record must not carry a document type declaration")
    return tree.getroot()


def _root_of(data: bytes | etree._Element) -> etree._Element:
    return _parse(data) if isinstance(data, bytes) else data


def _schema_check(schema: etree.XMLSchema, root: etree._Element, label: str) -> None:
    if schema.validate(root):
        return
    errors = list(schema.error_log)
    first = errors[0]
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    raise RecordError(f"record invalid against {label}: line {first.line}: {first.message}{more}")


#: What every archive record promises, checked first so that a missing fact gets a plain
#: message rather than a schema error about whichever element comes next.
_PROMISES = (
    ("n:contentMeta/n:headline[@role='nahl:main']", "a main headline (nahl:main)"),
    ("n:itemMeta/n:versionCreated", "itemMeta/versionCreated (the normalisation time)"),
    ("n:itemMeta/n:generator[@versioninfo]", "the normaliser's version (generator/@versioninfo)"),
    ("n:itemMeta/n:link[@rel='narel:rawCapture']", "the link to its raw original"),
)


def validate(data: bytes | etree._Element) -> None:
    """Check a record against the archive profile: the project XSD plus the rules it cannot say.

    Raises:
        RecordError: the record is malformed or breaks the profile; the message gives the
            line and what was expected (lxml's first error) or names the broken rule.
    """
    root = _root_of(data)
    for path, promise in _PROMISES:
        if root.find(path, _NS) is None:
            raise RecordError(f"record lacks {promise}")
    _schema_check(archive_schema(), root, RECORD_XSD)
    declared = IPTC_ALIASES | _inline_aliases(root)
    problems = [*_profile_problems(root), *_qcode_problems(root, declared), *_idref_problems(root)]
    if problems:
        raise RecordError(f"record breaks the archive profile: {problems[0]}")


def validate_official(data: bytes | etree._Element, standards_dir: Path) -> None:
    """Check a record against the official IPTC NewsML-G2 2.35 All-Power schema, offline.

    Besides the XSD this applies the checks of ``validate_newsml.py --strict``: the root is a
    NAR item, every QCode alias is declared inline or in the IPTC catalog 41 copy found in
    ``standards_dir``, every ``contentrefs`` names an element id in the document.

    Raises:
        RecordError: the schema or catalog cannot be loaded, or the record breaks them.
    """
    root = _root_of(data)
    if root.tag != _N + "newsItem":
        raise RecordError(f"root element {etree.QName(root)} is not a NewsML-G2 newsItem")
    _schema_check(_official_schema(standards_dir / OFFICIAL_XSD), root, OFFICIAL_XSD)
    catalog = standards_dir / IPTC_CATALOG.rsplit("/", 1)[-1]
    declared = _catalog_aliases(catalog) | _inline_aliases(root)
    problems = [*_qcode_problems(root, declared), *_idref_problems(root)]
    if problems:
        raise RecordError(f"record breaks the NewsML-G2 rules: {problems[0]}")


@functools.cache
def _catalog_aliases(path: Path) -> frozenset[str]:
    try:
        catalog = etree.parse(str(path), _offline_parser())
    except (OSError, etree.XMLSyntaxError) as exc:
        raise RecordError(f"cannot read catalog {path}: {exc}") from exc
    return frozenset(str(s.get("alias")) for s in catalog.iter(_N + "scheme") if s.get("alias"))


def _inline_aliases(root: etree._Element) -> frozenset[str]:
    return frozenset(
        str(scheme.get("alias"))
        for scheme in root.iterfind("n:catalog/n:scheme", _NS)
        if scheme.get("alias")
    )


def _qcode_problems(root: etree._Element, declared: frozenset[str]) -> Iterator[str]:
    for element in root.iter(_N + "*"):
        for attribute in QCODE_ATTRIBUTES:
            value = element.get(attribute)
            if value is None:
                continue
            alias = value.split(":", 1)[0]
            if alias not in declared:
                local = etree.QName(element).localname
                yield (
                    f"line {element.sourceline}: {local}/@{attribute}={value!r} uses"
                    f" undeclared scheme alias {alias!r}"
                )


def _idref_problems(root: etree._Element) -> Iterator[str]:
    ids = {str(e.get("id")) for e in root.iter() if e.get("id") is not None}
    for part in root.iterfind("n:partMeta", _NS):
        for ref in (part.get("contentrefs") or "").split():
            if ref not in ids:
                yield f"line {part.sourceline}: partMeta contentrefs {ref!r} names no element"


def _profile_problems(root: etree._Element) -> Iterator[str]:
    """The archive's promises that XSD 1.0 cannot state (the schema has checked the shape)."""
    roles = [h.get("role") for h in root.iterfind("n:contentMeta/n:headline", _NS)]
    if roles[:1] != ["nahl:main"] or roles.count("nahl:main") != 1:
        yield f"headline roles {roles}: exactly one nahl:main headline, and it must come first"
    raw_links = root.xpath("n:itemMeta/n:link[@rel='narel:rawCapture']", namespaces=_NS)
    assert isinstance(raw_links, list)
    if len(raw_links) != 1:
        yield f"{len(raw_links)} narel:rawCapture links: the raw original must be linked once"
        return
    link = raw_links[0]
    assert isinstance(link, etree._Element)
    digest = link.findtext("n:hash", namespaces=_NS)
    source = root.find("n:itemMeta/p:provenance/p:capture/p:sourceFile", _NS)
    if digest is None:
        yield "the narel:rawCapture link carries no SHA-256 hash"
    elif source is None:
        yield "nap:provenance has no nap:capture/nap:sourceFile for the raw original"
    elif (digest, link.get("size")) != (source.get("sha256"), source.get("size")):
        yield "the raw-capture link and nap:sourceFile disagree on the original's hash or size"
    if len(root.xpath("n:itemMeta/n:link[@rel='irel:seeAlso']", namespaces=_NS)) > 1:
        yield "more than one irel:seeAlso link"


# --------------------------------------------------------------------------- reading


def _text(parent: etree._Element, path: str) -> str | None:
    """Text of the first match of ``path`` (None when absent or empty)."""
    return parent.findtext(path, namespaces=_NS) or None


def _int(value: str | None) -> int | None:
    return int(value) if value is not None else None


def from_newsml(data: bytes) -> Article:
    """Read a record written by :func:`to_newsml` back into the Article it came from.

    The bytes are parsed with a safe parser (no entities, no DTD, no network, no huge trees)
    and validated against the archive profile before anything is read, so hostile or
    foreign XML is refused rather than half-read.

    Raises:
        RecordError: the bytes are not well-formed XML or not a valid archive record.
    """
    root = _parse(data)
    validate(root)
    content = _child(root, "n:contentMeta")
    item = _child(root, "n:itemMeta")
    generator = _child(item, "n:generator")
    normalisation = _child(item, "p:provenance/p:normalisation")
    language = content.find("n:language", _NS)
    return Article(
        id=id_from_guid(str(root.get("guid"))),
        source=_text(content, "n:infoSource/n:name"),
        url=_text(item, "n:origRep"),
        section=_text(content, "n:subject/n:name"),
        headline=_text(content, "n:headline[@role='nahl:main']"),
        kicker=_text(content, "n:headline[@role='nahl:kicker']"),
        dek=_text(content, "n:description[@role='drol:summary']"),
        bylines=tuple(by.text or "" for by in content.iterfind("n:by", _NS)),
        dateline=_text(content, "n:dateline"),
        published=_text(content, "n:contentCreated"),
        updated=_text(content, "n:contentModified"),
        language=language.get("tag") if language is not None else None,
        images=tuple(_read_images(root)),
        blocks=tuple(_read_blocks(root)),
        removed=tuple(
            Removed(text=r.text or "", rule=str(r.get("rule")), line=_int(r.get("line")))
            for r in normalisation.iterfind("p:removed", _NS)
        ),
        raw=_read_raw(_child(item, "p:provenance/p:capture")),
        profile=normalisation.get("profile"),
        version=int(str(root.get("version"))),
        normalised_at=_text(item, "n:versionCreated"),
        generator_version=generator.get("versioninfo"),
        extra=_read_extra(content),
    )


def _read_extra(content: etree._Element) -> dict[str, str]:
    """The subject/place codes and source id a migrated record carried (see _content_meta)."""
    extra = {
        key: " ".join(k.text or "" for k in content.iterfind(f"n:keyword[@role='{role}']", _NS))
        for key, role in _KEYWORD_ROLES.items()
    }
    source_id = _text(content, "n:altId[@type='naidt:sourceId']")
    if source_id:
        extra[EXTRA_SOURCE_ID] = source_id
    return {key: value for key, value in extra.items() if value}


def _child(parent: etree._Element, path: str) -> etree._Element:
    found = parent.find(path, _NS)
    if found is None:
        raise RecordError(f"record has no {path}")
    return found


def _read_images(root: etree._Element) -> Iterator[Image]:
    figures = {f.get("id"): f for f in root.iterfind(".//x:figure", _NS)}
    for part in root.iterfind("n:partMeta", _NS):
        figure = figures.get(part.get("contentrefs"))
        img = figure.find("x:img", _NS) if figure is not None else None
        yield Image(
            id=_text(part, "n:altId"),
            caption=_text(part, "n:description[@role='drol:caption']"),
            credit=_text(part, "n:creditline"),
            src=img.get("src") if img is not None else None,
        )


def _read_blocks(root: etree._Element) -> Iterator[Block]:
    section = _child(root, "n:contentSet/n:inlineXML/x:html/x:body/x:article/x:section")
    for element in section:
        kind = etree.QName(element).localname
        if kind == "ul":
            for item in element.iterfind("x:li", _NS):
                yield Block("".join(item.itertext()), "li")
        else:
            yield Block("".join(element.itertext()), kind)


def _read_raw(capture: etree._Element) -> RawRef:
    source = _child(capture, "p:sourceFile")
    captured = capture.find("p:capturedAt", _NS)
    warc = capture.find("p:warcRecord", _NS)
    return RawRef(
        sha256=str(source.get("sha256")),
        path=source.text or "",
        media_type=str(source.get("mediaType")),
        size=int(str(source.get("size"))),
        original_name=_text(capture, "p:originalName"),
        captured_at=(captured.text or None) if captured is not None else None,
        captured_basis=captured.get("basis") if captured is not None else None,
        warc=(
            WarcOrigin(
                record_id=str(warc.get("recordId")),
                target_uri=warc.findtext("p:targetUri", namespaces=_NS) or "",
                date=warc.get("date"),
                payload_digest=warc.get("payloadDigest"),
                offset=int(str(warc.get("offset"))),
            )
            if warc is not None
            else None
        ),
        line=_int(capture.findtext("p:jsonlLine", namespaces=_NS)),
    )
