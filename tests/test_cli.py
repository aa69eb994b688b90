"""The command line through click's runner, plus one run of the installed console script."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from newsarchive.cli import cli

ARTICLE_KEYS = {
    "id", "source", "url", "section", "headline", "kicker", "dek", "bylines", "dateline",
    "published", "updated", "language", "images", "paragraphs", "removed", "raw",
}  # fmt: skip


def _ingest_json(runner: CliRunner, root: Path, *args: str) -> list[dict[str, object]]:
    result = runner.invoke(cli, ["--root", str(root), "ingest", "--json", *args])
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_help_teaches_every_command(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["--help"])
    assert result.exit_code == 0
    for command in ("ingest", "search", "show", "export", "normalise", "reindex", "similar"):
        assert command in result.stdout
        sub = runner.invoke(cli, [command, "--help"])
        assert sub.exit_code == 0, command
        assert "Usage:" in sub.stdout


def test_ingest_json_lines_then_duplicates(runner: CliRunner, sample_root: Path) -> None:
    first = _ingest_json(runner, sample_root, str(sample_root / "raw"))
    assert first
    assert all(set(line) == {"source", "status", "id", "record", "error"} for line in first)
    assert {line["status"] for line in first} == {"ingested"}
    second = runner.invoke(cli, ["--root", str(sample_root), "ingest", str(sample_root / "raw")])
    assert second.exit_code == 0
    assert f"{len(first)} duplicate" in second.stderr


def test_failed_capture_exit_code_and_stderr(runner: CliRunner, root: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"")
    result = runner.invoke(cli, ["--root", str(root), "ingest", str(bad)])
    assert result.exit_code == 1
    assert "bad.txt: empty capture" in result.stderr
    assert "1 failed" in result.stderr


def test_usage_error_exits_2(runner: CliRunner) -> None:
    assert runner.invoke(cli, ["search"]).exit_code == 2
    assert runner.invoke(cli, ["show", "x", "--format", "pdf"]).exit_code == 2


def test_search_show_export_on_the_seed(
    runner: CliRunner, root: Path, seed_path: Path, tmp_path: Path
) -> None:
    (line,) = _ingest_json(runner, root, str(seed_path))
    article_id = str(line["id"])
    found = runner.invoke(cli, ["--root", str(root), "search", "asylum", "--json"])
    assert found.exit_code == 0, found.output
    payload = json.loads(found.stdout)
    (hit,) = payload["hits"]
    assert {"id", "headline", "score", "published", "section", "source", "snippet"} <= set(hit)
    assert hit["id"] == article_id
    assert "asylum" in hit["snippet"].lower()

    shown = runner.invoke(cli, ["--root", str(root), "show", article_id, "--format", "json"])
    article = json.loads(shown.stdout)
    assert set(article) >= ARTICLE_KEYS
    assert article["section"] == "Europe"
    assert len(article["paragraphs"]) == 11

    raw = runner.invoke(cli, ["--root", str(root), "show", article_id, "--format", "raw"])
    assert raw.stdout_bytes == seed_path.read_bytes()

    out = tmp_path / "out"
    exported = runner.invoke(cli, ["--root", str(root), "export", article_id, "--out", str(out)])
    assert exported.exit_code == 0, exported.output
    stored = (root / str(line["record"])).read_bytes()
    assert (out / f"{article_id}.xml").read_bytes() == stored


def test_search_with_no_hits_is_exit_0(runner: CliRunner, root: Path, seed_path: Path) -> None:
    _ingest_json(runner, root, str(seed_path))
    result = runner.invoke(cli, ["--root", str(root), "search", "zzzunheardof", "--json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["hits"] == []


def test_malformed_query_is_a_clear_error(runner: CliRunner, root: Path, seed_path: Path) -> None:
    _ingest_json(runner, root, str(seed_path))
    result = runner.invoke(cli, ["--root", str(root), "search", "published:[2019 TO"])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error:")
    assert "Traceback" not in result.output


def test_show_unknown_id_is_an_error(runner: CliRunner, root: Path) -> None:
    result = runner.invoke(cli, ["--root", str(root), "show", "feedface"])
    assert result.exit_code == 1
    assert "no record" in result.stderr


def test_normalise_preview_stores_nothing(runner: CliRunner, root: Path, seed_path: Path) -> None:
    result = runner.invoke(cli, ["--root", str(root), "normalise", str(seed_path)])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["headline"].startswith("North Korean Ambassador")
    assert not root.exists()
    xml = runner.invoke(cli, ["--root", str(root), "normalise", str(seed_path), "--format", "xml"])
    assert xml.stdout.startswith("<?xml")


def test_stdin_ingest(runner: CliRunner, root: Path, seed_path: Path) -> None:
    result = runner.invoke(
        cli, ["--root", str(root), "ingest", "--json", "-"], input=seed_path.read_bytes()
    )
    assert json.loads(result.stdout)["status"] == "ingested"


def test_root_from_environment(runner: CliRunner, root: Path, seed_path: Path) -> None:
    runner.invoke(cli, ["ingest", str(seed_path)], env={"NEWSARCHIVE_ROOT": str(root)})
    assert list((root / "archive").glob("*/*.xml"))


def test_installed_console_script(sample_root: Path) -> None:
    script = Path(sys.executable).parent / "newsarchive"
    if not script.exists():
        script = Path(shutil.which("newsarchive") or "newsarchive")
    ingest = subprocess.run(
        [str(script), "--root", str(sample_root), "ingest", "raw", "--silent"],
        cwd=sample_root,
        capture_output=True,
        text=True,
        check=False,
    )
    assert ingest.returncode == 0, ingest.stderr
    assert "ingested" in ingest.stderr
    found = subprocess.run(
        [
            sys.executable,
            "-m",
            "newsarchive",
            "--root",
            str(sample_root),
            "search",
            "ambassador OR asylum",
            "--json",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(found.stdout)["total"] >= 1


def test_export_by_query_and_all_in_every_format(
    runner: CliRunner, sample_root: Path, tmp_path: Path
) -> None:
    _ingest_json(runner, sample_root, str(sample_root / "raw"))
    base = ["--root", str(sample_root), "export"]
    by_query = runner.invoke(
        cli, [*base, "--query", "lang:fr", "--format", "jsonl", "--out", str(tmp_path / "q")]
    )
    assert by_query.exit_code == 0, by_query.output
    (line,) = (tmp_path / "q" / "articles.jsonl").read_text(encoding="utf-8").splitlines()
    assert json.loads(line)["language"] == "fr"
    every = runner.invoke(cli, [*base, "--all", "--format", "text", "--out", str(tmp_path / "t")])
    assert every.exit_code == 0
    assert len(list((tmp_path / "t").glob("*.txt"))) == len(
        list((sample_root / "raw").glob("*.txt"))
    )
    bag = runner.invoke(cli, [*base, "--all", "--format", "bag", "--out", str(tmp_path / "bag")])
    assert bag.exit_code == 0, bag.output
    assert (tmp_path / "bag" / "manifest-sha256.txt").is_file()
    assert runner.invoke(cli, [*base, "--out", str(tmp_path / "none")]).exit_code == 2
