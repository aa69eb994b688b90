"""Rules applied to HTML: which DOM rule names an element, which text rule a block.

A page has hundreds of class strings and text blocks, and asking every rule in turn costs
more than the rest of the extraction, so :func:`rule_index` wraps a rule set (and the
page's publisher profile) in a :class:`RuleIndex` with fast paths that keep the semantics
of :mod:`newsarchive.rules`: rule order, ``fullmatch`` for text, ``search`` for selectors.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from newsarchive.rules import Profile, Rule, RuleSet, guard_pattern

_GLOBAL_FLAGS = re.compile(r"^\(\?([aiLmsux]+)\)")


@functools.lru_cache(maxsize=64)
def _union(patterns: tuple[str, ...]) -> re.Pattern[str] | None:
    """One regex matching wherever any of ``patterns`` matches, or ``None`` if they cannot
    be combined (a leading ``(?i)`` becomes a scoped ``(?i:...)`` group). Cached: a big
    union takes a tenth of a second to compile."""
    if not patterns:
        return None
    parts = []
    for pattern in patterns:
        flags = _GLOBAL_FLAGS.match(pattern)
        body = pattern[flags.end() :] if flags else pattern
        parts.append(f"(?{flags.group(1)}:{body})" if flags else f"(?:{body})")
    try:
        return re.compile("|".join(parts))
    except re.error:
        return None


@dataclass(frozen=True)
class RuleIndex:
    """The rules that apply to one page, with fast paths that keep the rules' semantics.

    A page has hundreds of class strings and text blocks, and asking every rule in turn
    costs more than the rest of the extraction. Two shortcuts answer first:

    * when every selector is *token-local* (it can only match inside one class/id token,
      as all shipped DOM rules do), a class string's rule is the first rule matching any
      of its tokens, and single tokens ("clearfix", "col-md-8") are memoised across pages;
    * otherwise, and for text rules, one union regex says whether any rule can match, and
      only a hit goes back to the rule set for the exact rule.

    Rule order and matching stay those of :mod:`newsarchive.rules`.
    """

    rules: RuleSet
    profile: Profile | None
    selectors: tuple[Rule, ...]
    #: the profile's own text rules, tried one by one before the generic union
    own_lines: tuple[Rule, ...]
    any_selector: re.Pattern[str] | None
    #: union of the generic text rules without guard words, and a search for the guard
    #: words of the others (a guarded rule can only match a line holding one)
    has_plain: bool
    any_line: re.Pattern[str] | None
    any_guard: re.Pattern[str] | None
    token_local: bool
    #: class strings, and single tokens, already looked up (sites repeat them)
    memo: dict[str, Rule | None] = field(default_factory=dict, compare=False)
    token_memo: dict[str, int] = field(default_factory=dict, compare=False)

    def selector_rule(self, tokens: str) -> Rule | None:
        """The first DOM rule whose selector matches class/id/role ``tokens``, if any."""
        if tokens in self.memo:
            return self.memo[tokens]
        if len(self.memo) > _MEMO_LIMIT:
            self.memo.clear()
            self.token_memo.clear()
        if self.token_local:
            first = min((self._first_rule(token) for token in tokens.split()), default=-1)
            rule = self.selectors[first] if 0 <= first < len(self.selectors) else None
        elif self.any_selector is None or self.any_selector.search(tokens) is not None:
            rule = next((r for r in self.selectors if r.matches_selector(tokens)), None)
        else:
            rule = None
        self.memo[tokens] = rule
        return rule

    def _first_rule(self, token: str) -> int:
        """Index of the first selector matching ``token`` alone (len(selectors) if none)."""
        found = self.token_memo.get(token)
        if found is None:
            found = len(self.selectors)
            if self.any_selector is None or self.any_selector.search(token) is not None:
                matches = (i for i, r in enumerate(self.selectors) if r.matches_selector(token))
                found = next(matches, found)
            self.token_memo[token] = found
        return found

    def line_rule(self, text: str) -> Rule | None:
        """The first text rule (the profile's own first) matching the whole ``text``."""
        own = next((r for r in self.own_lines if r.matches_line(text)), None)
        if own is not None:
            return own
        plain_may = self.has_plain and (
            self.any_line is None or self.any_line.fullmatch(text.strip()) is not None
        )
        guarded_may = self.any_guard is not None and self.any_guard.search(text.lower())
        if not plain_may and not guarded_may:
            return None
        return self.rules.match_line(text, self.profile)


#: Boundary idioms a token-local selector may use; anything else that can match
#: whitespace (``\s``, ``.``, ``\W``, a negated class, a space) could span two tokens.
_TOKEN_BOUNDARIES = re.compile(r"\(\?:\^\|\\s\)|\(\?:\\s\|\$\)")
_CROSSES_TOKENS = re.compile(r"\\s|\\W|\\D|(?<!\\)\.|\[\^| ")


def _token_local(rules: tuple[Rule, ...]) -> bool:
    """True when no selector can match across two whitespace-separated tokens."""
    for rule in rules:
        if rule.selector is None:
            continue
        rest = _TOKEN_BOUNDARIES.sub("", rule.selector.pattern)
        if _CROSSES_TOKENS.search(rest):
            return False
    return True


_MEMO_LIMIT = 100_000
_INDEXES: dict[tuple[int, str | None], tuple[RuleSet, RuleIndex]] = {}


def _guard_search(rules: tuple[Rule, ...]) -> re.Pattern[str] | None:
    """One search for every guard word of ``rules`` (``None`` when none is guarded)."""
    words = sorted({word for rule in rules for word in rule.guard}, key=len, reverse=True)
    return guard_pattern(tuple(words)) if words else None


def rule_index(rules: RuleSet, profile: Profile | None) -> RuleIndex:
    """The rule index of ``rules`` for a page of ``profile`` (built once, then cached; the
    rule set is kept alive with it so that its id cannot be reused)."""
    key = (id(rules), profile.id if profile else None)
    cached = _INDEXES.get(key)
    if cached is not None and cached[0] is rules:
        return cached[1]
    selectors = rules.selector_rules(profile)
    own_lines = rules.line_rules(profile)[
        : len(rules.line_rules(profile)) - len(rules.line_rules())
    ]
    generic_lines = rules.line_rules()
    index = RuleIndex(
        rules=rules,
        profile=profile,
        selectors=selectors,
        own_lines=own_lines,
        any_selector=_union(tuple(r.selector.pattern for r in selectors if r.selector)),
        has_plain=any(not r.guard for r in generic_lines),
        any_line=_union(
            tuple(r.pattern.pattern for r in generic_lines if r.pattern and not r.guard)
        ),
        any_guard=_guard_search(generic_lines),
        token_local=_token_local(selectors),
    )
    _INDEXES[key] = (rules, index)
    return index
