"""Rules engine: shipped data loads and self-checks; bad rules fail loudly, naming themselves."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsarchive.errors import RuleError
from newsarchive.rules import default_rules, guard_pattern, load_rules

GOOD_RULE = """
[[rule]]
id = "my-promo"
kind = "promo"
pattern = '(?i)buy our mug!?'
reason = "shop promo"
examples = ["Buy our mug!"]
keep = ["He did not buy our mug."]
"""


def write(tmp_path: Path, text: str, name: str = "user.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_rules_load_and_every_rule_has_examples() -> None:
    rules = default_rules()
    everything = [*rules.rules, *(r for p in rules.profiles for r in p.rules)]
    assert everything
    for rule in everything:
        assert rule.examples, rule.id
        assert rule.reason, rule.id
        for example in rule.examples:
            assert rule.matches_line(example) or rule.matches_selector(example), rule.id


def test_shipped_line_rules_never_match_the_seed_body() -> None:
    seed = Path(__file__).parents[1] / ".." / "shared" / "seeds" / "000_ca8e793619a57354.txt"
    if not seed.exists():
        pytest.skip(f"seed capture not found at {seed}")
    rules = default_rules()
    profile = rules.profile("dailybeast")
    body = [line for line in seed.read_text(encoding="utf-8").splitlines() if len(line) > 80]
    assert len(body) >= 11
    assert [rules.match_line(line, profile) for line in body] == [None] * len(body)


def test_seed_boilerplate_lines_match_the_expected_rules() -> None:
    rules = default_rules()
    profile = rules.profile("dailybeast")
    assert profile is not None
    expected = {
        "ADVERTISEMENT": ("ad-marker", "drop"),
        "Got a tip? Send it to The Daily Beast here.": ("dailybeast-tip-line", "drop"),
        "nokorea_zqflm9": ("image-id-token", "image-id"),
        "REUTERS/Alessandro Bianchi / Reuters": ("agency-photo-credit", "credit"),
    }
    for line, (rule_id, action) in expected.items():
        rule = rules.match_line(line, profile)
        assert rule is not None, line
        assert (rule.id, rule.action) == (rule_id, action)


def test_profile_rules_apply_before_generic_ones() -> None:
    rules = default_rules()
    profile = rules.profile("dailybeast")
    line = "Got a tip? Send it to The Daily Beast here."
    rule = rules.match_line(line, profile)
    assert rule is not None
    assert rule.id == "dailybeast-tip-line"
    generic = rules.match_line(line)
    assert generic is not None
    assert generic.id == "tip-solicitation"


def test_profile_detection_by_url_and_by_cue() -> None:
    rules = default_rules()
    by_url = rules.detect_profile([], "https://www.thedailybeast.com/some-story")
    assert by_url is not None
    assert by_url.id == "dailybeast"
    by_cue = rules.detect_profile(["Some text", "Got a tip? Send it to The Daily Beast here."])
    assert by_cue is not None
    assert by_cue.id == "dailybeast"
    assert rules.detect_profile(["Nothing to see here."]) is None


def test_user_rules_apply_first(tmp_path: Path) -> None:
    rules = load_rules([write(tmp_path, GOOD_RULE)])
    assert rules.rules[0].id == "my-promo"
    rule = rules.match_line("  Buy our mug  ")
    assert rule is not None
    assert rule.id == "my-promo"


@pytest.mark.parametrize(
    ("replace", "by", "message"),
    [
        ('examples = ["Buy our mug!"]', 'examples = ["Buy a cup"]', "does not match its example"),
        ('keep = ["He did not buy our mug."]', 'keep = ["buy our mug"]', "matches the keep line"),
        ("pattern = '(?i)buy our mug!?'", "pattern = '(unclosed'", "does not compile"),
        ("pattern = '(?i)buy our mug!?'", "pattern = '(x)?'", "matches the empty line"),
        ('reason = "shop promo"', 'reason = ""', "needs a 'reason'"),
        ('kind = "promo"', 'colour = "red"', "unknown keys"),
        ('kind = "promo"', 'action = "explode"', "action must be one of"),
    ],
)
def test_bad_rule_fails_at_load_naming_itself(
    tmp_path: Path, replace: str, by: str, message: str
) -> None:
    assert replace in GOOD_RULE
    path = write(tmp_path, GOOD_RULE.replace(replace, by))
    with pytest.raises(RuleError, match=rf"rule 'my-promo'.*{message}"):
        load_rules([path])


def test_duplicate_rule_id_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(RuleError, match="rule 'my-promo': id defined twice"):
        load_rules([write(tmp_path, GOOD_RULE + GOOD_RULE)])


def test_invalid_toml_names_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "[[rule]\nid=")
    with pytest.raises(RuleError, match=r"user\.toml: not valid TOML"):
        load_rules([path])


def test_missing_rules_file_is_a_rule_error(tmp_path: Path) -> None:
    with pytest.raises(RuleError, match="cannot read rules file"):
        load_rules([tmp_path / "absent.toml"])


def test_user_profile_replaces_the_shipped_one(tmp_path: Path) -> None:
    profile = """
[profile]
id = "dailybeast"
name = "Daily Beast (user)"
domains = ["thedailybeast.com"]
"""
    rules = load_rules([write(tmp_path, profile)])
    replaced = rules.profile("dailybeast")
    assert replaced is not None
    assert replaced.name == "Daily Beast (user)"
    assert replaced.rules == ()


def test_guard_screens_a_rule_and_is_checked_against_examples(tmp_path: Path) -> None:
    guarded = GOOD_RULE.replace('reason = "shop promo"', 'reason = "shop promo"\nguard = ["mug"]')
    rule = load_rules([write(tmp_path, guarded)], defaults=False).rules[0]
    assert rule.guard == ("mug",)
    assert rule.matches_line("Buy our mug!")
    wrong = GOOD_RULE.replace('reason = "shop promo"', 'reason = "shop promo"\nguard = ["cup"]')
    with pytest.raises(RuleError, match=r"rule 'my-promo'.*does not match its example"):
        load_rules([write(tmp_path, wrong, "wrong.toml")], defaults=False)


def test_guard_pattern_finds_the_longest_guard_word_at_a_word_start() -> None:
    pattern = guard_pattern(("sub", "subscri", "cookie", "(", "(c)"))
    assert pattern.findall("please subscribe (c) 2024") == ["subscri", "(c)"]
    assert pattern.findall("a subway") == ["sub"]
    assert pattern.findall("no guard words; biscookie") == []
