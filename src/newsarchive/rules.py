"""Boilerplate rules and publisher profiles: loaded from TOML data, checked at load.

Editorial knowledge (ad markers, tip lines, image ids, credit lines, share bars, the
habits of one publisher) grows source by source, so it lives in data files an archivist
can edit: ``data/rules.toml`` (generic rules), ``data/profiles/*.toml`` (one publisher
each) and any file given with ``--rules``. How rules are applied stays in code.

A rule file holds ``[[rule]]`` tables; a profile file holds one ``[profile]`` table plus
its own ``[[rule]]`` tables. Besides ``id``, ``name``, ``domains``, ``detect`` and
``language``, the ``[profile]`` table may hold settings for how the publisher lays out a
page, each read (and documented) where it is used: ``kicker_above_headline`` and
``section_label`` (``textheader.assign_header``), ``bare_credit_above_caption``
(``textheader.lead_photo``). Every rule carries ``examples`` it must match and ``keep``
lines it must not match; both are checked when the file is loaded, so a bad rule fails
loudly with its id instead of silently damaging a corpus.

Rule keys:
    id        unique id, recorded in provenance for every removal it makes
    kind      category: advertisement, promo, newsletter, share, navigation, related,
              copyright, comments, cookie, subscription, image-id, credit, caption, ...
    reason    one line saying why the text is not article content
    pattern   regex, matched with ``fullmatch`` against a whole stripped line / block text
    selector  regex over an HTML element's ``class``/``id``/``role`` tokens (DOM rules)
    action    "drop" (default); "image-id", "credit" or "caption" lift the line into the
              image metadata instead of discarding it
    examples  lines (or for selectors, class/id strings) that must match
    keep      lines that must not match
    guard     optional lowercase words, one of which must start a word of the line (or,
              for a guard opening with punctuation such as ``(``, occur anywhere) for the
              pattern to be tried at all: a cheap screen in front of a costly pattern
              (a ``.{0,200}cookie.{0,300}`` kind), checked with the examples like the rest
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from newsarchive.errors import RuleError

ACTIONS = ("drop", "image-id", "credit", "caption")


@dataclass(frozen=True)
class Rule:
    """One boilerplate rule (see the module docstring for the keys)."""

    id: str
    kind: str
    reason: str
    pattern: re.Pattern[str] | None = None
    selector: re.Pattern[str] | None = None
    action: str = "drop"
    examples: tuple[str, ...] = ()
    keep: tuple[str, ...] = ()
    profile: str | None = None
    guard: tuple[str, ...] = ()

    def matches_line(self, line: str) -> bool:
        """True when the whole stripped ``line`` matches this rule's text pattern."""
        if self.pattern is None or not self.passes_guard(line.lower()):
            return False
        return self.pattern.fullmatch(line.strip()) is not None

    def passes_guard(self, lowered: str) -> bool:
        """True when the lowercased line holds one of the guard words (or there is no guard)."""
        return not self.guard or guard_pattern(self.guard).search(lowered) is not None

    def matches_selector(self, tokens: str) -> bool:
        """True when an element's class/id/role ``tokens`` match this rule's selector."""
        return self.selector is not None and self.selector.search(tokens) is not None


@dataclass(frozen=True)
class Profile:
    """What is known about one publisher's pages: identity, detection cues, own rules."""

    id: str
    name: str
    domains: tuple[str, ...] = ()
    detect: tuple[re.Pattern[str], ...] = ()
    language: str | None = None
    rules: tuple[Rule, ...] = ()
    settings: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def matches_url(self, url: str | None) -> bool:
        """True when ``url``'s host is one of the profile's domains (or a subdomain)."""
        if not url:
            return False
        host = re.sub(r"^[a-z]+://", "", url.lower()).split("/", 1)[0].split(":", 1)[0]
        return any(host == d or host.endswith("." + d) for d in self.domains)


@dataclass(frozen=True)
class RuleSet:
    """Generic rules plus publisher profiles, in application order."""

    rules: tuple[Rule, ...]
    profiles: tuple[Profile, ...] = ()

    def profile(self, profile_id: str) -> Profile | None:
        """The profile with id ``profile_id``, if loaded."""
        return next((p for p in self.profiles if p.id == profile_id), None)

    def detect_profile(self, lines: Iterable[str], url: str | None = None) -> Profile | None:
        """The publisher profile a capture belongs to: by URL first, then by cue lines."""
        for profile in self.profiles:
            if profile.matches_url(url):
                return profile
        stripped = [line.strip() for line in lines if line.strip()]
        for profile in self.profiles:
            if any(cue.search(line) for cue in profile.detect for line in stripped):
                return profile
        return None

    def line_rules(self, profile: Profile | None = None) -> tuple[Rule, ...]:
        """Text rules to apply, the profile's own first (they are more specific)."""
        own = profile.rules if profile is not None else ()
        return tuple(r for r in (*own, *self.rules) if r.pattern is not None)

    def selector_rules(self, profile: Profile | None = None) -> tuple[Rule, ...]:
        """DOM rules (with a ``selector``) to apply, the profile's own first."""
        own = profile.rules if profile is not None else ()
        return tuple(r for r in (*own, *self.rules) if r.selector is not None)

    def match_line(self, line: str, profile: Profile | None = None) -> Rule | None:
        """The first text rule whose pattern matches the whole stripped ``line``."""
        return next((r for r in self.line_rules(profile) if r.matches_line(line)), None)


@functools.lru_cache(maxsize=1024)
def guard_pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    """One regex finding any of ``words`` at a word start (punctuation guards: anywhere).

    The word boundary is tested once per position, before the alternatives, which keeps a
    screen of a hundred words fast on long lines.
    """
    wordy = [w for w in words if w[:1].isalnum()]
    other = [w for w in words if not w[:1].isalnum()]
    parts = [rf"\b{trie_pattern(wordy)}"] if wordy else []
    if other:
        parts.append(trie_pattern(other))
    return re.compile("|".join(parts))


def trie_pattern(words: Sequence[str]) -> str:
    """A regex matching any of ``words``, branching one character at a time.

    The regex engine tries alternatives one after another, so sharing prefixes
    (``c(?:ookie|ontribut)``) turns a hundred tries per position into a handful.
    """
    tree: dict[str, Any] = {}
    for word in words:
        node = tree
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}
    return _trie_node(tree)


def _trie_node(node: dict[str, Any]) -> str:
    branches = [re.escape(char) + _trie_node(child) for char, child in sorted(node.items()) if char]
    if not branches:
        return ""
    group = branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"
    if "" in node:  # a word ends here; a longer one may go on (greedy, so longest wins)
        return f"(?:{group})?"
    return group


def _compile(rule_id: str, key: str, pattern: str) -> re.Pattern[str]:
    try:
        compiled = re.compile(pattern)
    except re.error as exc:
        raise RuleError(f"rule '{rule_id}': {key} does not compile: {exc}") from exc
    if compiled.fullmatch("") is not None and key == "pattern":
        raise RuleError(f"rule '{rule_id}': pattern matches the empty line")
    return compiled


def _rule_from_table(table: dict[str, Any], origin: str, profile: str | None) -> Rule:
    rule_id = table.get("id")
    if not isinstance(rule_id, str) or not rule_id:
        raise RuleError(f"{origin}: a rule has no 'id'")
    unknown = set(table) - {
        "id",
        "kind",
        "reason",
        "pattern",
        "selector",
        "action",
        "examples",
        "keep",
        "guard",
    }
    if unknown:
        raise RuleError(f"rule '{rule_id}' ({origin}): unknown keys {sorted(unknown)}")
    if "pattern" not in table and "selector" not in table:
        raise RuleError(f"rule '{rule_id}' ({origin}): needs a 'pattern' or a 'selector'")
    action = table.get("action", "drop")
    if action not in ACTIONS:
        raise RuleError(f"rule '{rule_id}' ({origin}): action must be one of {ACTIONS}")
    if not table.get("reason"):
        raise RuleError(f"rule '{rule_id}' ({origin}): needs a 'reason'")
    examples = tuple(table.get("examples", ()))
    if not examples:
        raise RuleError(f"rule '{rule_id}' ({origin}): needs at least one example")
    rule = Rule(
        id=rule_id,
        kind=str(table.get("kind", "boilerplate")),
        reason=str(table["reason"]),
        pattern=_compile(rule_id, "pattern", table["pattern"]) if "pattern" in table else None,
        selector=(
            _compile(rule_id, "selector", table["selector"]) if "selector" in table else None
        ),
        action=action,
        examples=examples,
        keep=tuple(table.get("keep", ())),
        profile=profile,
        guard=tuple(str(word).lower() for word in table.get("guard", ())),
    )
    _check_examples(rule, origin)
    return rule


def _check_examples(rule: Rule, origin: str) -> None:
    """Every example must match and every keep line must not: the rule's own test."""
    test = rule.matches_line if rule.pattern is not None else rule.matches_selector
    for example in rule.examples:
        if not test(example):
            raise RuleError(f"rule '{rule.id}' ({origin}): does not match its example {example!r}")
    for line in rule.keep:
        if test(line):
            raise RuleError(f"rule '{rule.id}' ({origin}): matches the keep line {line!r}")


def _profile_from_table(table: dict[str, Any], rules: Sequence[Rule], origin: str) -> Profile:
    profile_id = table.get("id")
    name = table.get("name")
    if not isinstance(profile_id, str) or not isinstance(name, str):
        raise RuleError(f"{origin}: [profile] needs 'id' and 'name'")
    detect = tuple(_compile(profile_id, "detect", p) for p in table.get("detect", ()))
    known = {"id", "name", "domains", "detect", "language"}
    return Profile(
        id=profile_id,
        name=name,
        domains=tuple(d.lower() for d in table.get("domains", ())),
        detect=detect,
        language=table.get("language"),
        rules=tuple(rules),
        settings={k: v for k, v in table.items() if k not in known},
    )


def parse_rules_document(document: dict[str, Any], origin: str) -> tuple[list[Rule], list[Profile]]:
    """Rules and (at most one) profile from one parsed TOML document."""
    profile_table = document.get("profile")
    profile_id = profile_table.get("id") if isinstance(profile_table, dict) else None
    rules = [_rule_from_table(t, origin, profile_id) for t in document.get("rule", [])]
    if isinstance(profile_table, dict):
        return [], [_profile_from_table(profile_table, rules, origin)]
    return rules, []


def _read_toml(text: str, origin: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RuleError(f"{origin}: not valid TOML: {exc}") from exc


def _shipped_documents() -> list[tuple[str, str]]:
    """Every ``data/*.toml`` rules file, then every ``data/profiles/*.toml``, by name."""
    data = resources.files("newsarchive") / "data"
    documents: list[tuple[str, str]] = []
    for folder, prefix in ((data, ""), (data / "profiles", "profiles/")):
        for entry in sorted(folder.iterdir(), key=lambda e: e.name):
            if entry.name.endswith(".toml"):
                documents.append((prefix + entry.name, entry.read_text(encoding="utf-8")))
    return documents


def load_rules(extra: Sequence[Path] = (), *, defaults: bool = True) -> RuleSet:
    """Load the shipped rules and profiles, then each file in ``extra``.

    A user file's rules are applied before the shipped generic ones, and a user profile
    with the id of a shipped one replaces it, the way a user config overrides defaults.

    Raises:
        RuleError: a file is not valid TOML, or a rule is malformed or fails its examples.
    """
    documents = _shipped_documents() if defaults else []
    for path in extra:
        try:
            documents.append((str(path), Path(path).read_text(encoding="utf-8")))
        except OSError as exc:
            raise RuleError(f"{path}: cannot read rules file: {exc.strerror}") from exc
    rules: list[Rule] = []
    profiles: dict[str, Profile] = {}
    user_rules: list[Rule] = []
    for origin, text in documents:
        file_rules, file_profiles = parse_rules_document(_read_toml(text, origin), origin)
        is_user = origin in {str(p) for p in extra}
        (user_rules if is_user else rules).extend(file_rules)
        for profile in file_profiles:
            profiles[profile.id] = profile
    all_rules = [*user_rules, *rules]
    seen: set[str] = set()
    for rule in all_rules + [r for p in profiles.values() for r in p.rules]:
        if rule.id in seen:
            raise RuleError(f"rule '{rule.id}': id defined twice")
        seen.add(rule.id)
    return RuleSet(rules=tuple(all_rules), profiles=tuple(profiles.values()))


@functools.cache
def default_rules() -> RuleSet:
    """The shipped rules and profiles, loaded and checked once per process."""
    return load_rules()
