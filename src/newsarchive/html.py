"""HTML pages -> Article: decoding, metadata, main-content detection, explainable pruning.

The extractor is our own so that every dropped block can be explained. It works in five
passes over one lxml tree:

1. **Decode** with the BOM, then the charset the HTTP header declared (WARC), then the
   page's ``<meta charset>``/``http-equiv``, then detection (``encoding.decode_bytes``).
   A single-byte label on bytes that are valid, non-ASCII UTF-8 is ignored: such pages are
   nearly always UTF-8 served under a stale server default, and cp1252 would garble them.
2. **Metadata** before anything is removed (:mod:`newsarchive.htmlmeta`): JSON-LD,
   microdata, OpenGraph and ``<meta>``, ``<time>``, visible bylines and dates.
3. **Pruning**: elements that are never body text (scripts, form controls), hidden
   elements, page furniture by tag (``nav``, ``aside``, ``footer``, ``header``, ``form``,
   AMP ads) and by the DOM rules of the rule set (``selector`` rules: share bars,
   newsletters, comments, related links...). An element that wraps the headline or the
   declared article body, or whose class names the article itself ("entry",
   "post-content"), is never pruned by a rule: a wrapper with an unlucky class name is not
   boilerplate.
4. **Figures** are lifted out as :class:`Image` metadata (id, caption, credit, src).
5. **Main content**: the page is linearised into text blocks. A container the template
   declares as the body (``itemprop="articleBody"``, ``entry-content``, ``story-body``...)
   is taken when it holds prose; otherwise each block's non-link text scores its container
   (and half that for the container's parent), weighted by class names, and the best
   container plus its similar-scoring siblings are the article. Blocks inside are kept
   unless link-dense (a linked sentence still counts as prose) or matched by a text rule.

Every removal that had visible text becomes a :class:`Removed` with the rule id, or
``html:<reason>`` for structural decisions made here (``html:nav-element``,
``html:hidden-element``, ``html:outside-main-content``, ``html:link-dense``...).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from lxml import etree

from newsarchive import datelines, language
from newsarchive.encoding import bom_encoding, decode_bytes
from newsarchive.errors import CaptureError, NormaliseError
from newsarchive.htmlmeta import (
    BYLINE_CLASS,
    DATE_CLASS,
    INVISIBLE,
    META_MAX_CHARS,
    Element,
    PageMetadata,
    byline_names,
    canonical_url,
    class_tokens,
    declared_language,
    drop_element,
    element_text,
    has_class,
    is_detached,
    iso_date,
    lift_figures,
    marked_elements,
    published_date,
    read_metadata,
    spaced_text,
    title_headline,
)
from newsarchive.htmlrules import RuleIndex, rule_index
from newsarchive.models import HTML, Article, Block, Capture, Image, Removed
from newsarchive.rules import Profile, RuleSet, default_rules

#: Parser settings: never touch the network, never lift libxml2's size limits.
_PARSER = etree.HTMLParser(
    remove_comments=True,
    remove_pis=True,
    no_network=True,
    huge_tree=False,
    default_doctype=False,
    recover=True,
)

_META_CHARSET = re.compile(
    rb"""<meta[^>]{0,300}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{1,40})""", re.I
)
_SINGLE_BYTE = re.compile(
    r"(?i)(iso[-_]?8859[-_]\d+|latin[-_]?\d|(windows|cp)[-_]?125\d|(us-)?ascii)"
)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*>")

#: Elements whose content is never article text; removed without a record.
_SILENT_TAGS = (
    "script",
    "style",
    "noscript",
    "template",
    "svg",
    "canvas",
    "iframe",
    "object",
    "embed",
    "button",
    "input",
    "select",
    "textarea",
    "head",
    "map",
    "audio",
    "video",
    "link",
    "meta",
    "amp-analytics",
    "amp-pixel",
)
#: Page furniture by tag name -> reason recorded in provenance.
_STRUCTURAL = {
    "nav": "html:nav-element",
    "aside": "html:aside-element",
    "footer": "html:footer-element",
    "header": "html:header-element",
    "form": "html:form-element",
    "menu": "html:nav-element",
    "dialog": "html:dialog-element",
    "amp-ad": "html:ad-element",
    "amp-embed": "html:ad-element",
    "amp-sticky-ad": "html:ad-element",
    "amp-consent": "html:cookie-element",
}
_STRING_XPATH = etree.XPath("normalize-space()", smart_strings=False)
_HIDDEN_STYLE = re.compile(r"(?i)display\s*:\s*none|visibility\s*:\s*hidden")
#: A class/id token naming the article itself ("entry", "post-body", "story-content"): an
#: element carrying one is a content wrapper even if another token matches a DOM rule.
_CONTENT_TOKEN = re.compile(
    r"(?:^|\s)(?:(?:article|entry|post|story|blog|news)[-_]?)?"
    r"(?:article|entry|post|story|content|body|text|main|blog)(?:\s|$)"
    r"|(?:article|entry|post|story)[-_]?(?:content|body|text)(?:\s|$)"
)
#: Share of the page's text above which an element is a wrapper, not furniture. Comment
#: sections are the exception: on a busy thread they outweigh the article.
_WRAPPER_SHARE = 0.4

#: Tags that start a new text block when linearising.
_BLOCK_TAGS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "body",
        "center",
        "dd",
        "details",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "html",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
        "caption",
    ]
)
#: Blocks whose container is their parent (a paragraph scores the element that holds it).
_PARAGRAPH_TAGS = frozenset(
    ["p", "li", "dd", "dt", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "td", "th"]
)
_HEADING_KIND = {"h2": "h2", "h3": "h3", "h4": "h3", "h5": "h3", "h6": "h3"}

_MIN_SCORED_CHARS = 25
#: Body blocks read at each end of the article to recognise a profile by its cue lines.
_CUE_BLOCKS = 5
_MAX_LINK_SHARE = 0.5
#: Length from which a block that ends like a sentence counts as prose even if linked.
_PROSE_CHARS = 60
_POSITIVE_CLASS = re.compile(
    r"(?:^|[\s_-])(?:article|body|content|entry|main|post|story|text|blog|hentry|prose)(?:[\s_-]|$)"
)
_NEGATIVE_CLASS = re.compile(
    r"(?:^|[\s_-])(?:comment|meta|footer|footnote|sidebar|related|promo|share|widget|"
    r"sponsor|shoutbox|masthead|menu|nav|teaser|card|links)(?:[\s_-]|$)"
)
#: Class/id tokens that CMS templates put on the article body container.
_DECLARED_BODY = re.compile(
    r"(?:^|\s)(?:post|entry|article|story|news|blog[-_]?post|content|text|body|single[-_]?post)"
    r"[-_]?(?:body|content|entry|text)\d*(?:\s|$)|(?:^|\s)(?:storytext|postbody|entrybody)(?:\s|$)"
    r"|(?:^|\s)field[-_]name[-_]body(?:\s|$)"
)
#: Non-link characters a declared body must hold to be considered, and to be trusted
#: outright; a shorter one still wins unless the best-scoring container holds this many
#: times its prose (a small "story-body" promo box beside the real article).
_MIN_DECLARED_CHARS = 30
_TRUSTED_DECLARED_CHARS = 150
_SHORT_DECLARED_RATIO = 3
_SENTENCE_END = re.compile(r"[.!?…\"”»]\s*$")


#: URL path segments that introduce listing pages (tag, topic, author, search pages).
_LISTING_SEGMENTS = frozenset(
    [
        "tag",
        "tags",
        "topic",
        "topics",
        "category",
        "categories",
        "author",
        "authors",
        "search",
        "archive",
        "archives",
        "label",
        "labels",
        "keyword",
        "keywords",
        "schlagwort",
        "thema",
        "themen",
        "sujet",
        "sujets",
        "argomenti",
        "tema",
    ]
)
_SEARCH_PARAMS = frozenset({"s", "q", "query", "search", "keywords"})
_HOME_PATH = re.compile(r"(?i)^/?(?:(?:index|default|home|start)(?:\.\w{2,5})?)?/?$")
#: One or two plain words: /world, /sport/football/ (articles carry ids, dates or slugs).
_SECTION_PATH = re.compile(r"(?i)/[a-z]+(?:/[a-z]+)?/?")
_PAGER_PATH = re.compile(r"(?i)/page/\d+/?$")
_OG_TYPE = re.compile(
    rb"""<meta[^>]{0,200}?property\s*=\s*["']og:type["'][^>]{0,200}?content\s*=\s*["']([^"']{1,40})"""
    rb"""|<meta[^>]{0,200}?content\s*=\s*["']([^"']{1,40})["'][^>]{0,200}?property\s*=\s*["']og:type""",
    re.I,
)
_ARTICLE_MARKERS = re.compile(
    rb"article:published_time|\"@type\"\s*:\s*\[?\s*\"(?:News|Blog|Reportage|Analysis|Opinion)?"
    rb"(?:Article|Posting)\"|itemtype=[\"'][^\"']*(?:Article|BlogPosting)",
    re.I,
)
_SNIFF_BYTES = 65536


@dataclass
class _TextBlock:
    """A run of text between block boundaries, with the element that holds it."""

    text: str
    owner: Element
    link_chars: int
    total_chars: int
    in_quote: bool

    @property
    def link_share(self) -> float:
        return self.link_chars / self.total_chars if self.total_chars else 0.0


@dataclass
class _Extraction:
    blocks: list[Block]
    removed: list[Removed]
    images: list[Image]
    headline: str | None
    profile: Profile | None


def normalise_html_capture(capture: Capture, rules: RuleSet) -> Article:
    """Turn an HTML capture into an article with metadata, body blocks and provenance.

    Args:
        capture: the HTML payload plus what is known about it (URL, HTTP charset).
        rules: the rule set; its DOM (``selector``) and text rules and the publisher
            profile matching the page drive the pruning.

    Raises:
        NormaliseError: the payload is empty, not HTML, or holds no article text.
        CaptureError: the payload is binary.
    """
    text = decode_html(capture.data, capture.declared_charset, source=capture.source)
    root = parse_html(text, source=capture.source)
    marked = marked_elements(root)
    meta = read_metadata(root, marked)
    url = capture.url or canonical_url(root) or meta.get("url")
    extraction = _extract(root, marked, rules, _profile_by_identity(rules, url, meta))
    profile = extraction.profile
    if not extraction.blocks and meta.declared_body:
        extraction.blocks.extend(_declared_blocks(meta.declared_body))
    if not extraction.blocks:
        raise NormaliseError(f"{capture.source}: no article text found in the HTML page")
    source = meta.get("source") or meta.get("organisation") or (profile.name if profile else None)
    body_sample = " ".join(block.text for block in extraction.blocks[:20])
    found = datelines.find_dateline(extraction.blocks[0].text)
    return Article(
        id=capture.capture_id,
        source=source,
        url=url,
        section=meta.get("section"),
        headline=meta.get("headline") or extraction.headline or title_headline(meta),
        kicker=meta.get("kicker"),
        dek=meta.get("dek"),
        bylines=tuple(byline_names(meta)),
        dateline=found.place if found is not None else None,
        published=published_date(meta),
        updated=iso_date(meta.get("updated")),
        language=declared_language(meta, profile) or language.detect_language(body_sample),
        images=tuple(extraction.images),
        blocks=tuple(extraction.blocks),
        removed=tuple(extraction.removed),
        profile=profile.id if profile else None,
    )


def _declared_blocks(body: str) -> list[Block]:
    """Paragraphs of a JSON-LD ``articleBody``, used when the page shows no article text
    (script-rendered pages ship the text only there)."""
    lines = (" ".join(line.split()) for line in INVISIBLE.sub("", body).splitlines())
    return [Block(line) for line in lines if line]


def html_body(data: bytes) -> str:
    """The body text of an HTML page, blocks joined by blank lines (benchmark interface).

    A page without recoverable article text gives ``""`` rather than an error, the way
    the extraction benchmark expects an extractor to answer.
    """
    capture = Capture(
        data=data, media_type=HTML, source="<html>", sha256="", capture_id="benchmark"
    )
    try:
        article = normalise_html_capture(capture, default_rules())
    except (NormaliseError, CaptureError):
        return ""
    return "\n\n".join(article.paragraphs)


def is_article_page(url: str | None, data: bytes) -> tuple[bool, str | None]:
    """Cheap check, before normalising, that a crawled page is an article.

    Looks only at the URL and the first 64 KiB of markup, so WARC ingest can skip home,
    tag, author, search and section pages without parsing them. Without a URL every page
    passes: the markup alone is not evidence enough.

    Returns:
        ``(True, None)`` for a probable article, else ``(False, reason)``.
    """
    try:
        parts = urlsplit(url) if url else None
    except ValueError:  # a malformed URL ("http://[::1") says nothing about the page
        parts = None
    if parts is not None:
        if _HOME_PATH.fullmatch(parts.path) and not parts.query:
            return False, "home page"
        if _SEARCH_PARAMS & set(parse_qs(parts.query)):
            return False, "search page"
        segments = [s for s in parts.path.lower().split("/") if s]
        for position, segment in enumerate(segments):
            if segment in _LISTING_SEGMENTS and len(segments) - position <= 2:
                return False, f"{segment} listing page"
        if _PAGER_PATH.search(parts.path):
            return False, "paginated listing page"
        if _SECTION_PATH.fullmatch(parts.path) and _declares_website(data[:_SNIFF_BYTES]):
            return False, "section page (og:type website, no article metadata)"
    return True, None


def _declares_website(head: bytes) -> bool:
    """og:type "website" and no article markup: how CMSs label front and section pages.

    Blogs label posts "website" or "blog" too, so this is only trusted together with a
    short wordy URL path (``/world``, ``/sport/football``), never on its own.
    """
    og_type = _OG_TYPE.search(head)
    if og_type is None:
        return False
    kind = (og_type.group(1) or og_type.group(2) or b"").decode("ascii", "replace").lower()
    return kind == "website" and not _ARTICLE_MARKERS.search(head)


def decode_html(data: bytes, declared: str | None, *, source: str) -> str:
    """Decode an HTML payload: BOM, declared (HTTP) charset, ``<meta>`` charset, detection.

    Raises:
        NormaliseError: the payload is empty.
        CaptureError: the payload is binary.
    """
    if not data.strip():
        raise NormaliseError(f"{source}: empty HTML capture")
    if bom_encoding(data):
        return decode_bytes(data, source=source)
    label = declared or _meta_charset(data)
    if label and _SINGLE_BYTE.fullmatch(label.strip()) and _is_non_ascii_utf8(data):
        label = "utf-8"
    return decode_bytes(data, label, source=source)


def parse_html(text: str, *, source: str) -> Element:
    """Parse decoded HTML into an lxml tree (no network, default size limits).

    Raises:
        NormaliseError: nothing parseable as HTML.
    """
    text = _XML_DECLARATION.sub("", text, count=1)
    if "<" not in text:
        raise NormaliseError(f"{source}: not an HTML document (no markup)")
    try:
        root = etree.fromstring(text, _PARSER)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as exc:
        raise NormaliseError(f"{source}: cannot parse HTML: {exc}") from exc
    if root is None:
        raise NormaliseError(f"{source}: cannot parse HTML: empty document")
    return root


def _meta_charset(data: bytes) -> str | None:
    match = _META_CHARSET.search(data[:4096])
    return match.group(1).decode("ascii") if match else None


def _is_non_ascii_utf8(data: bytes) -> bool:
    if data.isascii():
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _profile_by_identity(rules: RuleSet, url: str | None, meta: PageMetadata) -> Profile | None:
    """The publisher profile named by the page's URL (or declared URL) or publisher name."""
    for candidate in (url, meta.get("url")):
        profile = rules.detect_profile((), candidate) if candidate else None
        if profile is not None:
            return profile
    source = (meta.get("source") or "").casefold()
    return next((p for p in rules.profiles if source and p.name.casefold() == source), None)


# --- pruning ---------------------------------------------------------------------------


def _protected(root: Element, marked: list[Element]) -> set[Element]:
    """Elements never pruned by a rule: the headline's and the declared body's wrappers."""
    keep: set[Element] = {root}
    anchors = [*root.iter("h1", "body"), *(e for e in marked if e.get("itemprop") == "articleBody")]
    for anchor in anchors:
        keep.add(anchor)
        keep.update(anchor.iterancestors())
    return keep


def _prune(root: Element, marked: list[Element], index: RuleIndex, removed: list[Removed]) -> None:
    """Remove hidden elements, page furniture by tag, and elements a DOM rule names.

    ``marked`` was collected before the never-text elements were stripped, so an element
    may already be out of the tree; the detachment check before each removal covers it.
    """
    etree.strip_elements(root, *_SILENT_TAGS, with_tail=False)
    protected = _protected(root, marked)
    page_chars = max(1, len(_STRING_XPATH(root)))
    for element in marked:
        if not _is_hidden(element) or is_detached(element, root):
            continue
        text = spaced_text(element)
        if element not in protected or len(text) < _WRAPPER_SHARE * page_chars:
            _record(removed, text, "html:hidden-element")
            drop_element(element)
    for element in list(root.iter(*_STRUCTURAL)):
        if is_detached(element, root):
            continue
        text = spaced_text(element)
        if _is_wrapper(element, protected, len(text) / page_chars):
            continue
        _record(removed, text, _STRUCTURAL[str(element.tag)])
        drop_element(element)
    for element in marked:
        if element in protected:
            continue
        tokens = class_tokens(element)
        rule = index.selector_rule(tokens) if tokens else None
        if rule is None or has_class(_CONTENT_TOKEN, tokens) or is_detached(element, root):
            continue
        _record(removed, spaced_text(element), rule.id)
        drop_element(element)


def _is_hidden(element: Element) -> bool:
    """Hidden by attribute, inline style or a class literally called "hidden".

    A "hidden" class next to a responsive override ("hidden md:block", utility-CSS style)
    is shown on wide screens, so it does not count.
    """
    if element.get("hidden") is not None or element.get("aria-hidden") == "true":
        return True
    classes = (element.get("class") or "").split()
    if "hidden" in classes and not any(":" in name for name in classes):
        return True
    return _HIDDEN_STYLE.search(element.get("style") or "") is not None


def _is_wrapper(element: Element, protected: set[Element], share: float) -> bool:
    """True when a structural element (``header``, ``form``...) wraps the article itself.

    A ``header`` normally holds the headline, so only a large share of the page's text
    makes it a wrapper; a ``form`` wrapping the whole page is an old ASP.NET habit.
    """
    if element.tag == "header":
        return share > _WRAPPER_SHARE and element in protected
    if element.tag == "form":
        return share > _WRAPPER_SHARE or element in protected
    return element in protected


def _record(removed: list[Removed], text: str, rule: str) -> None:
    if text:
        removed.append(Removed(text, rule))


# --- main content ----------------------------------------------------------------------


class _Lineariser:
    """Turns a tree into text blocks: a block ends wherever a block-level element starts
    or ends, or at two consecutive ``<br>``; link text is counted per block."""

    def __init__(self) -> None:
        self.blocks: list[_TextBlock] = []
        self._parts: list[str] = []
        self._link_chars = 0
        self._owners: list[Element] = []
        self._links = 0
        self._quotes = 0
        self._after_br = False

    def run(self, root: Element) -> list[_TextBlock]:
        for event, element in etree.iterwalk(root, events=("start", "end")):
            tag = element.tag
            if not isinstance(tag, str):
                continue
            if event == "start":
                self._start(element, tag)
            else:
                self._end(element, tag)
        self._flush()
        return self.blocks

    def _start(self, element: Element, tag: str) -> None:
        if tag in _BLOCK_TAGS:
            self._flush()
            self._owners.append(element)
            if tag == "blockquote":
                self._quotes += 1
        elif tag == "br":
            if self._after_br:
                self._flush()
            else:
                self._parts.append("\n")
            self._after_br = True
        elif tag == "a":
            self._links += 1
        if element.text:
            self._add(element.text)

    def _end(self, element: Element, tag: str) -> None:
        if tag in _BLOCK_TAGS:
            self._flush()
            self._owners.pop()
            if tag == "blockquote":
                self._quotes -= 1
        elif tag == "a":
            self._links -= 1
        if element.tail:
            self._add(element.tail)

    def _add(self, text: str) -> None:
        self._parts.append(text)
        if self._links:
            self._link_chars += len(text.strip())
        if self._after_br and not text.isspace():
            self._after_br = False

    def _flush(self) -> None:
        if self._parts and self._owners:
            raw = "".join(self._parts)
            text = " ".join(INVISIBLE.sub("", raw).split())
            if text:
                self.blocks.append(
                    _TextBlock(
                        text=text,
                        owner=self._owners[-1],
                        link_chars=min(self._link_chars, len(text)),
                        total_chars=len(text),
                        in_quote=self._quotes > 0,
                    )
                )
        self._parts = []
        self._link_chars = 0
        self._after_br = False


def _extract(
    root: Element, marked: list[Element], rules: RuleSet, profile: Profile | None
) -> _Extraction:
    removed: list[Removed] = []
    _prune(root, marked, rule_index(rules, profile), removed)
    figures = lift_figures(root)
    blocks = _Lineariser().run(root)
    chosen = _select_content(blocks)
    selected = {element for top in chosen for element in top.iter()}
    content: list[tuple[_TextBlock, str]] = []
    headline: str | None = None
    for block in blocks:
        tag = str(block.owner.tag)
        if tag == "h1":
            headline = headline or (block.text if block.owner in selected else None)
        elif block.owner not in selected:
            _record(removed, block.text, "html:outside-main-content")
        else:
            content.append((block, _block_kind(block, tag)))
    if profile is None:
        # Agency copy announces itself in its first and last lines ("(AFP) -", "© AFP").
        edges = [block.text for block, _ in content[:_CUE_BLOCKS] + content[-_CUE_BLOCKS:]]
        profile = rules.detect_profile(edges)
    index = rule_index(rules, profile)
    body: list[Block] = []
    for block, kind in content:
        reason = _block_rejection(block, kind, index)
        if reason:
            _record(removed, block.text, reason)
        else:
            body.append(Block(block.text, kind))
    scope = {element for top in _article_scope(chosen) for element in top.iter()}
    images = [image for parent, image in figures if parent in scope]
    return _Extraction(body, removed, images, headline, profile)


def _article_scope(chosen: list[Element]) -> list[Element]:
    """Where the article's figures may sit: the chosen body, widened to its ``<article>``.

    A lead image usually sits between the headline and the body container, outside the
    text the scoring picked but inside the same ``<article>`` element.
    """
    scope: list[Element] = []
    for element in chosen:
        article = next(element.iterancestors("article"), None)
        scope.append(article if article is not None else element)
    return scope


def _block_kind(block: _TextBlock, tag: str) -> str:
    if tag in _HEADING_KIND:
        return _HEADING_KIND[tag]
    if block.in_quote:
        return "blockquote"
    return "li" if tag == "li" else "p"


def _block_rejection(block: _TextBlock, kind: str, index: RuleIndex) -> str | None:
    """Why a block inside the main content is still not body text (``None`` keeps it)."""
    if kind not in ("h2", "h3") and block.link_share > _MAX_LINK_SHARE and not _is_prose(block):
        return "html:link-dense"
    rule = index.line_rule(block.text)
    if rule is not None:
        return rule.id
    if len(block.text) <= META_MAX_CHARS:
        tokens = class_tokens(block.owner)
        if tokens and (has_class(BYLINE_CLASS, tokens) or has_class(DATE_CLASS, tokens)):
            return "html:article-meta"
    return None


def _is_prose(block: _TextBlock) -> bool:
    """A linked sentence is still a sentence: long enough and ending like one."""
    return block.total_chars >= _PROSE_CHARS and _SENTENCE_END.search(block.text) is not None


def _container(block: _TextBlock) -> Element | None:
    owner = block.owner
    return owner.getparent() if owner.tag in _PARAGRAPH_TAGS or owner.tag == "p" else owner


def _select_content(blocks: list[_TextBlock]) -> list[Element]:
    """The elements holding the article: the declared body, or the best-scoring container
    and its peers."""
    scores: dict[Element, float] = {}
    chars: dict[Element, int] = {}
    links: dict[Element, int] = {}
    for block in blocks:
        container = _container(block)
        if container is None:
            continue
        for element in (block.owner, *block.owner.iterancestors()):
            chars[element] = chars.get(element, 0) + block.total_chars
            links[element] = links.get(element, 0) + block.link_chars
        if block.total_chars < _MIN_SCORED_CHARS or block.owner.tag == "h1":
            continue
        score = float(block.total_chars - block.link_chars)
        scores[container] = scores.get(container, 0.0) + score
        grandparent = container.getparent()
        if grandparent is not None:
            scores[grandparent] = scores.get(grandparent, 0.0) + score / 2

    def final(element: Element) -> float:
        share = links.get(element, 0) / max(1, chars.get(element, 0))
        return scores.get(element, 0.0) * (1 - share) * _class_weight(element)

    def prose(element: Element) -> int:
        return chars.get(element, 0) - links.get(element, 0)

    declared = _declared_body(chars, links)
    top = max(scores, key=final) if scores else None
    if declared is not None and (
        top is None
        or prose(declared) >= _TRUSTED_DECLARED_CHARS
        or prose(top) < _SHORT_DECLARED_RATIO * prose(declared)
    ):
        return [declared]
    return _with_peers(top, final, chars, links) if top is not None else []


def _declared_body(chars: dict[Element, int], links: dict[Element, int]) -> Element | None:
    """The container the page itself names as the article body, if it holds prose.

    CMS templates mark the body (``itemprop="articleBody"``, ``entry-content``,
    ``post-body``, ``story-body``...); that declaration beats any scoring, which a long
    sidebar or author profile can win on a short article. The largest declared container
    with enough non-link text is taken (it contains any nested declared ones).
    """
    best: Element | None = None
    best_chars = _MIN_DECLARED_CHARS - 1
    for element, total in chars.items():
        prose = total - links.get(element, 0)
        if prose <= best_chars or not isinstance(element.tag, str):
            continue
        if element.get("itemprop") == "articleBody" or has_class(
            _DECLARED_BODY, class_tokens(element)
        ):
            best, best_chars = element, prose
    return best


def _class_weight(element: Element) -> float:
    """A multiplier from the element's class/id: article-like names up, furniture down.

    Multiplicative, not additive, so that a short article is not outvoted by any empty
    element that happens to be called "content".
    """
    tokens = class_tokens(element)
    if not tokens:
        return 1.0
    weight = 1.0
    if has_class(_POSITIVE_CLASS, tokens):
        weight *= 1.5
    if has_class(_NEGATIVE_CLASS, tokens):
        weight *= 0.5
    return weight


def _with_peers(
    top: Element,
    final: Callable[[Element], float],
    chars: dict[Element, int],
    links: dict[Element, int],
) -> list[Element]:
    """``top`` plus siblings that look like more of the same article."""
    parent = top.getparent()
    if parent is None:
        return [top]
    top_score = final(top)
    threshold = max(10.0, top_score * 0.2)
    top_class = top.get("class")
    chosen: list[Element] = []
    for sibling in parent:
        if sibling is top:
            chosen.append(sibling)
            continue
        if not isinstance(sibling.tag, str) or sibling not in chars:
            continue
        bonus = top_score * 0.2 if top_class and sibling.get("class") == top_class else 0.0
        if final(sibling) + bonus >= threshold or _prose_paragraph(sibling, chars, links):
            chosen.append(sibling)
    return chosen


def _prose_paragraph(
    element: Element, chars: dict[Element, int], links: dict[Element, int]
) -> bool:
    if element.tag != "p":
        return False
    length = chars.get(element, 0)
    share = links.get(element, 0) / max(1, length)
    if length > 80:
        return share < 0.25
    return share == 0 and _SENTENCE_END.search(element_text(element)) is not None
