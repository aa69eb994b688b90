"""What an HTML page says about its article besides the body: metadata and figures.

Read before anything is pruned, by precedence: JSON-LD (``NewsArticle`` and kin, ``@graph``,
arrays, ``mainEntity``), microdata, OpenGraph and ``<meta>``, ``<time datetime>``, then the
visible page (byline and date elements, the first ``h1``). Structured sources win because
they are what the publisher declared; visible text is the fallback. Figures (an image with
its caption and credit) are lifted out of the tree as :class:`Image` metadata so that
captions never become body text.

The small DOM helpers (``class_tokens``, ``element_text``, ``drop_element``...) are shared
with :mod:`newsarchive.html`.
"""

from __future__ import annotations

import functools
import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from lxml import etree

from newsarchive import dates, people
from newsarchive.models import Image
from newsarchive.rules import Profile

LOGGER = logging.getLogger(__name__)

Element = etree._Element

_MARKED_XPATH = etree.XPath(
    "//*[@class or @id or @role or @itemprop or @hidden or @aria-hidden or @style]"
)
#: Elements whose class may name a visible byline, date, kicker or dek line.
_VISIBLE_META_TAGS = frozenset({"span", "div", "p", "address", "a", "h2"})
#: Visible metadata elements inside the article: lifted as metadata, not kept as body text.
BYLINE_CLASS = re.compile(
    r"(?:^|[\s_-])(?:byline|by-line|author|authors|writer|contributor)(?:[\s_-]|$)"
)
DATE_CLASS = re.compile(
    r"(?:^|[\s_-])(?:dateline|timestamp|date|pubdate|published|posted-on|posted|updated|time)"
    r"(?:[\s_-]|$)"
)
#: Display lines around the headline, by class: (metadata key, class pattern, max length).
_DISPLAY_LINES = (
    ("kicker", re.compile(r"(?:^|[\s_-])(?:kicker|eyebrow|overline|supertitle)(?:[\s_-]|$)"), 80),
    (
        "dek",
        re.compile(
            r"(?:^|[\s_-])(?:dek|deck|standfirst|subheadline|sub-headline|subtitle)(?:\s|$)"
        ),
        400,
    ),
)
_META_CLASS = re.compile(
    "|".join((BYLINE_CLASS.pattern, DATE_CLASS.pattern, *(p.pattern for _, p, _ in _DISPLAY_LINES)))
)
META_MAX_CHARS = 200
_CAPTION_CLASS = re.compile(
    r"(?:^|[\s_-])(?:caption|captions|wp-caption-text|figcaption)(?:[\s_-]|$)"
)
_CREDIT_CLASS = re.compile(
    r"(?:^|[\s_-])(?:credit|credits|copyright|photographer|image-source|photo-credit)(?:[\s_-]|$)"
)
_CREDIT_TEXT = re.compile(
    r"\s*[(\[]?\s*(?:(?:photo(?:graph)?|image|picture|foto|bild|crédit|credit|photo credit)s?"
    r"\s*(?:by)?\s*[:©]|©)\s*(?P<credit>[^()\[\]]{2,120}?)\s*[)\]]?\s*$",
    re.I,
)
#: Text a figure may hold besides its caption (credit, "enlarge" link) before it is prose.
_FIGURE_EXTRA_CHARS = 120
_MAX_CAPTION_CHARS = 400
_CREDIT_LABEL = re.compile(
    r"(?i)^(?:photo(?:graph)?|image|picture|foto|bild|crédit|credit)s?\s*[:©]\s*"
)
_IMAGE_ID_ATTRS = ("data-id", "data-image-id", "data-asset-id", "data-media-id", "data-photo-id")
_IMAGE_SRC_ATTRS = ("src", "data-src", "data-lazy-src", "data-original")
#: JSON-LD / microdata types that describe an article.
_ARTICLE_TYPES = frozenset(
    {
        "Article",
        "NewsArticle",
        "ReportageNewsArticle",
        "AnalysisNewsArticle",
        "OpinionNewsArticle",
        "BackgroundNewsArticle",
        "ReviewNewsArticle",
        "AskPublicNewsArticle",
        "SatiricalArticle",
        "BlogPosting",
        "LiveBlogPosting",
        "Report",
        "TechArticle",
        "ScholarlyArticle",
        "SocialMediaPosting",
    }
)
_ORGANISATION_TYPES = frozenset({"Organization", "NewsMediaOrganization"})
_JSONLD_MAX_DEPTH = 6
_META_KEYS: dict[str, tuple[str, ...]] = {
    "headline": ("og:title", "twitter:title", "dc.title"),
    "source": ("og:site_name", "application-name", "dc.publisher"),
    "url": ("og:url",),
    "published": (
        "article:published_time",
        "article:published",
        "datepublished",
        "pubdate",
        "publishdate",
        "publish-date",
        "date",
        "dc.date",
        "dc.date.issued",
        "dcterms.created",
        "dcterms.issued",
        "sailthru.date",
        "parsely-pub-date",
        "article.published",
        "original-publish-date",
    ),
    "updated": (
        "article:modified_time",
        "og:updated_time",
        "datemodified",
        "dcterms.modified",
        "last-modified",
        "article.updated",
    ),
    "section": ("article:section", "section", "parsely-section", "category"),
    "author": ("author", "article:author", "dc.creator", "sailthru.author", "parsely-author"),
    "language": ("content-language", "dc.language", "language", "og:locale"),
    "og_type": ("og:type",),
}
_ITEMPROPS = {
    "headline": "headline",
    "datePublished": "published",
    "dateModified": "updated",
    "articleSection": "section",
    "inLanguage": "language",
}
_ISO_DATE = re.compile(
    r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
)
_LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*")
_BY_PREFIX = re.compile(r"(?i)^\s*(?:by|par|von|di|por|door)\s*:?\s+")
_TITLE_SEPARATORS = re.compile(r"\s+[|–—:»·-]\s+")
#: Zero-width characters and soft hyphens (literal or written as entities); every text taken
#: from the tree passes through this and ``str.split``, which also folds NBSPs and CR/LF.
INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad\u200e\u200f]")
ATTRIBUTED_XPATH = etree.XPath("//*[@class or @id or @role]")


@dataclass
class PageMetadata:
    """Metadata candidates; the first value set for a key wins (sources run by precedence)."""

    values: dict[str, str] = field(default_factory=dict)
    bylines: list[str] = field(default_factory=list)
    #: JSON-LD ``articleBody`` as declared (line breaks kept): the body of pages whose
    #: visible text is rendered by script.
    declared_body: str | None = None

    def put(self, key: str, value: object) -> None:
        if key in self.values or not isinstance(value, str):
            return
        text = " ".join(INVISIBLE.sub("", value).split())
        if text:
            self.values[key] = text

    def get(self, key: str) -> str | None:
        return self.values.get(key)


# --- DOM helpers -----------------------------------------------------------------------


@functools.lru_cache(maxsize=1 << 16)
def has_class(pattern: re.Pattern[str], tokens: str) -> bool:
    """Whether ``pattern`` occurs in class/id ``tokens``; memoised, because pages (and sites)
    repeat the same class strings hundreds of times."""
    return pattern.search(tokens) is not None


def class_tokens(element: Element) -> str:
    """The class, id and role tokens of an element, lower-cased, space-joined."""
    attributes = element.attrib
    name = attributes.get("class", "")
    for extra in (attributes.get("id"), attributes.get("role")):
        if extra:
            name = f"{name} {extra}" if name else extra
    return name.lower()


def element_text(element: Element) -> str:
    return " ".join(INVISIBLE.sub("", "".join(element.itertext())).split())


def drop_element(element: Element) -> None:
    """Remove ``element`` but keep its tail text in the document."""
    parent = element.getparent()
    if parent is None:
        return
    tail = element.tail
    if tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(element)


def is_detached(element: Element, root: Element) -> bool:
    """True when an ancestor of ``element`` has already been removed from ``root``."""
    if element is root:
        return False
    return root not in element.iterancestors()


def spaced_text(element: Element) -> str:
    """Text of a removed element with its pieces spaced, so menu items stay readable."""
    return " ".join(INVISIBLE.sub("", " ".join(element.itertext())).split())


# --- metadata ---------------------------------------------------------------------------


def marked_elements(root: Element) -> list[Element]:
    """Every element with an attribute that can mark it as metadata, furniture, hidden or
    the article body, in document order: one tree walk shared by every later question."""
    return list(_MARKED_XPATH(root))


def read_metadata(root: Element, marked: list[Element]) -> PageMetadata:
    """Collect metadata by precedence: JSON-LD, microdata, OpenGraph/meta, visible page.

    Args:
        root: the parsed page, before anything is removed.
        marked: ``marked_elements(root)``.
    """
    meta = PageMetadata()
    for node in _jsonld_nodes(root):
        _read_jsonld_node(node, meta)
    _read_microdata(marked, meta)
    _read_meta_tags(root, meta)
    _read_visible(root, marked, meta)
    return meta


def _jsonld_nodes(root: Element) -> Iterator[dict[str, Any]]:
    for script in root.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        raw = (script.text or "").strip()
        raw = raw.removeprefix("<!--").removesuffix("-->").strip()
        raw = raw.removeprefix("//<![CDATA[").removesuffix("//]]>").strip()
        try:
            document = json.loads(raw)
        except ValueError:
            LOGGER.debug("skipping unparseable JSON-LD block")
            continue
        yield from _walk_jsonld(document, 0)


def _walk_jsonld(node: object, depth: int) -> Iterator[dict[str, Any]]:
    if depth > _JSONLD_MAX_DEPTH:
        return
    if isinstance(node, list):
        for item in node:
            yield from _walk_jsonld(item, depth + 1)
    elif isinstance(node, dict):
        yield node
        for key in ("@graph", "mainEntity"):
            if key in node:
                yield from _walk_jsonld(node[key], depth + 1)


def _types(node: dict[str, Any]) -> set[str]:
    value = node.get("@type")
    values = value if isinstance(value, list) else [value]
    return {v.rsplit("/", 1)[-1] for v in values if isinstance(v, str)}


def _read_jsonld_node(node: dict[str, Any], meta: PageMetadata) -> None:
    types = _types(node)
    if types & _ARTICLE_TYPES:
        meta.put("headline", _first_text(node.get("headline")) or _first_text(node.get("name")))
        meta.put("published", _first_text(node.get("datePublished")))
        meta.put("updated", _first_text(node.get("dateModified")))
        meta.put("section", _first_text(node.get("articleSection")))
        meta.put("language", _first_text(node.get("inLanguage")))
        meta.put("source", _first_text(node.get("publisher")))
        meta.put("url", _first_text(node.get("url")) or _first_text(node.get("mainEntityOfPage")))
        meta.put("dek", _first_text(node.get("alternativeHeadline")))
        if not meta.bylines:
            meta.bylines.extend(_names(node.get("author")))
        body = node.get("articleBody")
        if meta.declared_body is None and isinstance(body, str) and body.strip():
            meta.declared_body = body
    elif types & _ORGANISATION_TYPES:
        meta.put("organisation", _first_text(node.get("name")))


def _first_text(value: object) -> str | None:
    """A plain string from a JSON-LD value: str, first list item, or an object's name/@id."""
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, list):
        return next((t for t in map(_first_text, value) if t), None)
    if isinstance(value, dict):
        for key in ("name", "@value", "@id", "url"):
            text = _first_text(value.get(key))
            if text:
                return text
    return None


def _names(value: object) -> list[str]:
    if isinstance(value, list):
        return [name for item in value for name in _names(item)]
    name = _first_text(value.get("name") if isinstance(value, dict) else value)
    return [name] if name and not name.startswith("http") else []


def _read_microdata(marked: list[Element], meta: PageMetadata) -> None:
    for element in marked:
        prop = (element.get("itemprop") or "").strip()
        if not prop:
            continue
        if prop == "author" and not meta.bylines:
            name = element.find(".//*[@itemprop='name']")
            value = _itemprop_value(name if name is not None else element)
            meta.bylines.extend(_names(value))
            continue
        key = _ITEMPROPS.get(prop)
        if key:
            meta.put(key, _itemprop_value(element))


def _itemprop_value(element: Element) -> str:
    for attribute in ("content", "datetime"):
        value = element.get(attribute)
        if value:
            return value
    return "".join(element.itertext())


def _read_meta_tags(root: Element, meta: PageMetadata) -> None:
    found: dict[str, str] = {}
    for element in root.iter("meta"):
        key = (
            element.get("property") or element.get("name") or element.get("http-equiv") or ""
        ).lower()
        content = element.get("content")
        if key and content and key not in found:
            found[key] = content
    for target, keys in _META_KEYS.items():
        for key in keys:
            if key in found:
                if target == "author":
                    if not meta.bylines:
                        meta.bylines.extend(_names(found[key]))
                else:
                    meta.put(target, found[key])
                break
    html = root if root.tag == "html" else root.find(".//html")
    if html is not None:
        meta.put(
            "html_lang", html.get("lang") or html.get("{http://www.w3.org/XML/1998/namespace}lang")
        )
    title = root.find(".//title")
    if title is not None:
        meta.put("title", "".join(title.itertext()))


def _read_visible(root: Element, marked: list[Element], meta: PageMetadata) -> None:
    """Visible facts a page shows but may not declare: first h1, ``<time>``, byline and
    date elements, kicker and dek (standfirst) lines."""
    h1 = next(root.iter("h1"), None)
    if h1 is not None:
        meta.put("h1", "".join(h1.itertext()))
    stamps = [(time, time.get("datetime")) for time in root.iter("time") if time.get("datetime")]
    for time, stamp in stamps:
        if time.get("pubdate") is not None or "publish" in (time.get("class") or "").lower():
            meta.put("published", stamp)
    for time, stamp in stamps:
        if next(time.iterancestors("article"), None) is not None:
            meta.put("published", stamp)
            break
    for element in marked:
        if element.tag not in _VISIBLE_META_TAGS:
            continue
        tokens = class_tokens(element)
        if not has_class(_META_CLASS, tokens):
            continue
        if not meta.bylines and has_class(BYLINE_CLASS, tokens):
            text = element_text(element)
            if 0 < len(text) <= META_MAX_CHARS:
                meta.bylines.extend(_visible_byline(text))
        if "published_text" not in meta.values and has_class(DATE_CLASS, tokens):
            text = element_text(element)
            if 0 < len(text) <= META_MAX_CHARS:
                meta.put("published_text", text)
        for key, pattern, limit in _DISPLAY_LINES:
            if key not in meta.values and has_class(pattern, tokens):
                text = element_text(element)
                if 0 < len(text) <= limit:
                    meta.put(key, text)
    if not meta.bylines:
        for element in root.iterfind(".//a[@rel='author']"):
            meta.bylines.extend(_names(element_text(element)))


def _visible_byline(text: str) -> tuple[str, ...]:
    """Names in an element marked as a byline; a bare name there is read as "By <name>"."""
    names = people.parse_byline(text)
    if not names and not _BY_PREFIX.match(text):
        names = people.parse_byline(f"By {text}")
    return names


def byline_names(meta: PageMetadata) -> list[str]:
    seen: list[str] = []
    for name in meta.bylines:
        clean = " ".join(_BY_PREFIX.sub("", name).split())
        if clean and clean not in seen:
            seen.append(clean)
    return seen


def canonical_url(root: Element) -> str | None:
    for link in root.iter("link"):
        if (link.get("rel") or "").lower() == "canonical" and link.get("href"):
            return link.get("href")
    return None


def title_headline(meta: PageMetadata) -> str | None:
    h1 = meta.get("h1")
    if h1:
        return h1
    title = meta.get("title")
    if not title:
        return None
    parts = _TITLE_SEPARATORS.split(title)
    return max(parts, key=len) if parts else None


def iso_date(value: str | None) -> str | None:
    """A declared date, kept only when it is ISO 8601 (the archive never guesses)."""
    if not value:
        return None
    match = _ISO_DATE.match(value.strip())
    return match.group(0).replace(" ", "T", 1) if match else None


def published_date(meta: PageMetadata) -> str | None:
    """The declared publication date, else one printed in a visible date element."""
    declared = iso_date(meta.get("published"))
    if declared:
        return declared
    printed = meta.get("published_text")
    mention = dates.find_date(printed) if printed else None
    return mention.iso if mention is not None else None


def declared_language(meta: PageMetadata, profile: Profile | None) -> str | None:
    for key in ("language", "html_lang"):
        value = meta.get(key)
        if value and _LANGUAGE_TAG.fullmatch(value):
            return value.split("-")[0].split("_")[0].lower()
    return profile.language if profile else None


# --- figures ---------------------------------------------------------------------------


def lift_figures(root: Element) -> list[tuple[Element, Image]]:
    """Take figures (image plus caption/credit) out of the tree, keeping where they were."""
    figures: list[Element] = list(root.iter("figure"))
    for element in ATTRIBUTED_XPATH(root):
        if element.tag == "figure":
            continue
        if has_class(_CAPTION_CLASS, class_tokens(element)):
            container = _image_container(element)
            if container is not None and container not in figures:
                figures.append(container)
    lifted: list[tuple[Element, Image]] = []
    for figure in figures:
        parent = figure.getparent()
        if parent is None or is_detached(figure, root):
            continue
        image = _image_from_figure(figure)
        if image is not None:
            lifted.append((parent, image))
            drop_element(figure)
    return lifted


def _image_container(caption: Element) -> Element | None:
    """The nearest small ancestor of a caption that holds an image (the figure it labels).

    An ancestor with much more text than the caption is the article itself, not a figure;
    and a "caption" of several hundred characters is prose laid out beside pictures (photo
    blogs do this), which stays in the body.
    """
    caption_chars = len(element_text(caption))
    if caption_chars > _MAX_CAPTION_CHARS:
        return None
    limit = caption_chars + _FIGURE_EXTRA_CHARS
    for level, ancestor in enumerate(caption.iterancestors()):
        if level >= 3 or ancestor.tag in ("body", "article", "main"):
            return None
        if ancestor.find(".//img") is not None or ancestor.find(".//amp-img") is not None:
            return ancestor if len(element_text(ancestor)) <= limit else None
    return None


def _image_from_figure(figure: Element) -> Image | None:
    img = next(figure.iter("img", "amp-img"), None)
    src = _image_src(img) if img is not None else None
    credit_element = next(
        (
            e
            for e in figure.iter()
            if isinstance(e.tag, str) and has_class(_CREDIT_CLASS, class_tokens(e))
        ),
        None,
    )
    credit = (
        _CREDIT_LABEL.sub("", element_text(credit_element)) if credit_element is not None else None
    )
    if credit_element is not None:
        drop_element(credit_element)
    caption_element = next(figure.iter("figcaption"), None)
    if caption_element is None:
        caption_element = next(
            (
                e
                for e in figure.iter()
                if isinstance(e.tag, str) and has_class(_CAPTION_CLASS, class_tokens(e))
            ),
            None,
        )
    caption = element_text(caption_element) if caption_element is not None else None
    if caption and not credit:
        match = _CREDIT_TEXT.search(caption)
        if match:
            credit = match.group("credit").strip()
            caption = caption[: match.start()].strip()
    if src is None and not caption:
        return None
    image_id = _image_id(figure, img, src)
    return Image(id=image_id, caption=caption or None, credit=credit or None, src=src)


def _image_src(img: Element) -> str | None:
    for attribute in _IMAGE_SRC_ATTRS:
        value = img.get(attribute)
        if value and not value.startswith("data:"):
            return value.strip()
    srcset = img.get("srcset") or img.get("data-srcset")
    return srcset.split(",")[0].split()[0] if srcset and srcset.strip() else None


def _image_id(figure: Element, img: Element | None, src: str | None) -> str | None:
    for element in (figure, img):
        if element is None:
            continue
        for attribute in _IMAGE_ID_ATTRS:
            value = element.get(attribute)
            if value:
                return value.strip()
    if src:
        path = src.split("?", 1)[0].split("#", 1)[0]
        return PurePosixPath(path).stem or None
    return None
