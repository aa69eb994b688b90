"""The ``newsarchive`` command line: a thin click layer over :mod:`newsarchive.pipeline`.

Results go to stdout, progress and messages to stderr. Library errors
(:class:`~newsarchive.errors.ArchiveError`) become ``Error: ...`` with exit code 1 in one
place (:class:`_Group`); click's usage errors exit with 2; a batch with any failed item
exits with 1 after finishing the batch.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from newsarchive import __version__
from newsarchive.capture import FORMAT_TYPES
from newsarchive.errors import ArchiveError
from newsarchive.export import FORMATS as EXPORT_FORMATS


class _Group(click.Group):
    """Turns library errors into ``Error: ...`` on stderr with exit code 1, everywhere."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ArchiveError as exc:
            raise click.ClickException(str(exc)) from exc


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="newsarchive")
@click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="NEWSARCHIVE_ROOT",
    default=".",
    show_default="current folder, or $NEWSARCHIVE_ROOT",
    help="Archive root holding raw/, archive/ and index/.",
)
@click.option(
    "--rules",
    "rule_files",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Extra boilerplate rules / publisher profile TOML file (repeatable).",
)
@click.pass_context
def cli(ctx: click.Context, root: Path, rule_files: tuple[Path, ...]) -> None:
    """Archive news captures as clean NewsML-G2 records and search them.

    Raw captures (page text copied from an article, saved HTML pages, WARC web archives,
    JSON Lines exports) are kept byte-exact in raw/, normalised into NewsML-G2 records in
    archive/, and indexed for fielded full-text search in index/.

    \b
    Typical session:
      newsarchive ingest raw/
      newsarchive search 'asylum AND ambassador'
      newsarchive show <id> --format text
      newsarchive export <id> --out out/
    """
    from newsarchive.pipeline import Archive

    ctx.obj = Archive(root, rule_files=rule_files)


def _archive(ctx: click.Context) -> Any:
    return ctx.find_object(object)


def _echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False))


@contextmanager
def _progress(length: int, label: str, enabled: bool) -> Iterator[Any]:
    """A progress bar on stderr for batches longer than a moment (hidden when not a TTY)."""
    if enabled and length > 1 and sys.stderr.isatty():
        with click.progressbar(length=length, label=label, file=sys.stderr) as bar:
            yield bar
    else:
        yield None


@cli.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per capture on stdout.")
@click.option(
    "--format",
    "input_format",
    type=click.Choice(["auto", *FORMAT_TYPES]),
    default="auto",
    show_default=True,
    help="What the inputs are; auto recognises them by suffix and content.",
)
@click.option("--no-index", is_flag=True, help="Store records without updating the index.")
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help="Worker processes for normalisation (use 2+ for big batches).",
)
@click.option("--silent", is_flag=True, help="No progress bar.")
@click.pass_context
def ingest(
    ctx: click.Context,
    inputs: tuple[str, ...],
    as_json: bool,
    input_format: str,
    no_index: bool,
    workers: int,
    silent: bool,
) -> None:
    """Ingest captures: files, folders (recursive), WARC, JSON Lines, or - for stdin.

    Each original is stored byte-exact in raw/by-sha256/, normalised, written as a
    validated NewsML-G2 record in archive/ and indexed. Re-ingesting the same bytes is a
    no-op reported as `duplicate`. A capture that fails is reported and the batch goes on;
    the exit code is 1 if any failed.

    \b
    Examples:
      newsarchive ingest raw/
      newsarchive ingest crawl.warc.gz --json
      newsarchive ingest --format jsonl migrated.jsonl --workers 2
      cat page.txt | newsarchive ingest -
    """
    from newsarchive.capture import expand_inputs
    from newsarchive.pipeline import IngestSummary

    archive = _archive(ctx)
    summary = IngestSummary()
    files = list(expand_inputs(inputs, exclude=archive.paths.written))
    forced = None if input_format == "auto" else input_format
    results = archive.ingest(files, index=not no_index, workers=workers, media_type=forced)
    last_file = None
    with _progress(len(files), "Ingesting", not silent and not as_json) as bar:
        for result in results:
            summary.add(result)
            if as_json:
                _echo_json(result.to_json())
            elif result.status == "failed":
                click.echo(f"{result.source}: {result.error}", err=True)
            file_of = result.source.split("@", 1)[0].rsplit(":", 1)[0]
            if bar is not None and file_of != last_file:
                bar.update(1)
                last_file = file_of
    click.echo(f"ingest: {summary.line()}", err=True)
    if summary.failed:
        ctx.exit(1)


@cli.command()
@click.argument("query")
@click.option("--limit", type=click.IntRange(1, 1000), default=10, show_default=True)
@click.option("--page", type=click.IntRange(1), default=1, show_default=True)
@click.option(
    "--sort",
    type=click.Choice(["relevance", "newest", "oldest"]),
    default="relevance",
    show_default=True,
)
@click.option("--from", "date_from", metavar="DATE", help="Published on or after (YYYY[-MM[-DD]]).")
@click.option("--to", "date_to", metavar="DATE", help="Published on or before (YYYY[-MM[-DD]]).")
@click.option("--section", help="Only this section.")
@click.option("--source", help="Only this publisher.")
@click.option("--language", help="Only this language (ISO 639-1, e.g. en).")
@click.option("--byline", help="Only articles by this author (e.g. 'Maria Okafor').")
@click.option(
    "--facet",
    "facets",
    multiple=True,
    type=click.Choice(["section", "source", "year", "language"]),
    help="Count hits per value (repeatable).",
)
@click.option("--json", "as_json", is_flag=True, help="Results as one JSON document.")
@click.pass_context
def search(
    ctx: click.Context,
    query: str,
    limit: int,
    page: int,
    sort: str,
    date_from: str | None,
    date_to: str | None,
    section: str | None,
    source: str | None,
    language: str | None,
    byline: str | None,
    facets: tuple[str, ...],
    as_json: bool,
) -> None:
    """Search the archive: ranked hits with highlighted snippets.

    \b
    Query language:
      asylum ambassador            both words (in headline, kicker, dek or body)
      "acting ambassador"          a phrase; "acting ambassador"~3 allows 3 words between
      asylum OR defection          booleans: AND, OR, NOT (or -word), ( ) grouping
      headline:korea  kicker:  dek:  body:  byline:smith  dateline:rome
      section:europe  source:"daily beast"  lang:it  id:1ab8e369c169fbb7d9ad
      published:2019  published:2019-03  published:[2019-01 TO 2019-03]  (date: works too)
      defect*  ambassad?r          wildcards
      ambasador~  ambasador~2      fuzzy terms (1 or 2 edits)
      *                            every article (with filters, facets or a sort)

    \b
    Examples:
      newsarchive search 'asylum AND ambassador'
      newsarchive search 'election' --from 2024-01 --sort newest --facet section --json
    """
    from newsarchive.search import SearchOptions

    options = SearchOptions(
        query=query,
        limit=limit,
        page=page,
        sort=sort,
        date_from=date_from,
        date_to=date_to,
        section=section,
        source=source,
        language=language,
        byline=byline,
        facets=facets,
    )
    results = _archive(ctx).search(options)
    if as_json:
        _echo_json(results.to_json())
        return
    from newsarchive.search import render_snippet

    style = sys.stdout.isatty()
    click.echo(f"{results.total} hit(s) for {query!r}" + _page_note(results), err=True)
    for rank, hit in enumerate(results.hits, start=(results.page - 1) * limit + 1):
        meta = " · ".join(x for x in (hit.source, hit.section, hit.published) if x)
        click.echo(f"{rank:>3}. {click.style(hit.headline or '(no headline)', bold=style)}")
        score = f"  score {hit.score:.2f}" if hit.score is not None else ""
        click.echo(f"     {hit.id}  {meta}{score}")
        if hit.snippet:
            click.echo("     " + render_snippet(hit.snippet, bold=style))
    for name, counts in results.facets.items():
        click.echo(f"\n{name}: " + ", ".join(f"{value} ({n})" for value, n in counts))
    if results.suggestion:
        click.echo(f"Did you mean: {results.suggestion}", err=True)


def _page_note(results: Any) -> str:
    return f" (page {results.page} of {results.pages})" if results.pages > 1 else ""


@cli.command()
@click.argument("article_id")
@click.option("--limit", type=click.IntRange(1, 100), default=5, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Results as JSON.")
@click.pass_context
def similar(ctx: click.Context, article_id: str, limit: int, as_json: bool) -> None:
    """Articles like ARTICLE_ID (more like this)."""
    archive = _archive(ctx)
    backend = archive.backend()
    try:
        hits = backend.similar(article_id, limit)
    finally:
        backend.close()
    if as_json:
        _echo_json([hit.to_json() for hit in hits])
        return
    for hit in hits:
        click.echo(f"{hit.id}  {hit.headline or '(no headline)'}")


@cli.command()
@click.argument("article_id")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "xml", "raw"]),
    default="text",
    show_default=True,
    help="text: readable article; json: article JSON; xml: the stored record; raw: the original.",
)
@click.pass_context
def show(ctx: click.Context, article_id: str, fmt: str) -> None:
    """Show one stored article by id (or full guid)."""
    from newsarchive.export import article_to_text
    from newsarchive.models import article_to_json

    archive = _archive(ctx)
    if fmt == "xml":
        sys.stdout.buffer.write(archive.record(article_id))
    elif fmt == "raw":
        sys.stdout.buffer.write(archive.raw_original(article_id))
    elif fmt == "json":
        _echo_json(article_to_json(archive.article(article_id)))
    else:
        click.echo(article_to_text(archive.article(article_id)), nl=False)


@cli.command()
@click.argument("article_ids", nargs=-1)
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(EXPORT_FORMATS),
    default="newsml",
    show_default=True,
    help="newsml: stored records as is; jsonl: one article per line; text; bag: BagIt package.",
)
@click.option("--query", help="Export every article matching this search query.")
@click.option("--all", "export_all", is_flag=True, help="Export every stored article.")
@click.pass_context
def export(
    ctx: click.Context,
    article_ids: tuple[str, ...],
    out: Path,
    fmt: str,
    query: str | None,
    export_all: bool,
) -> None:
    """Export articles (by id, --query or --all) into the folder --out.

    \b
    Examples:
      newsarchive export 1ab8e369c169fbb7d9ad --out out/
      newsarchive export --query 'section:europe' --format jsonl --out out/
      newsarchive export --all --format bag --out bags/2026-11
    """
    from newsarchive.export import article_to_jsonl, article_to_text, make_bag, write_files

    archive = _archive(ctx)
    ids = list(article_ids) + _ids_for(archive, query, export_all)
    if not ids:
        raise click.UsageError("name article ids, --query or --all")
    if fmt == "newsml":
        written = write_files(out, ((f"{i}.xml", archive.record(i)) for i in ids))
        click.echo(f"export: {len(written)} record(s) to {out}", err=True)
    elif fmt == "jsonl":
        out.mkdir(parents=True, exist_ok=True)
        target = out / "articles.jsonl"
        lines = (article_to_jsonl(archive.article(i)) + "\n" for i in ids)
        target.write_text("".join(lines), encoding="utf-8")
        click.echo(f"export: {len(ids)} article(s) to {target}", err=True)
    elif fmt == "text":
        data = ((f"{i}.txt", article_to_text(archive.article(i)).encode()) for i in ids)
        written = write_files(out, data)
        click.echo(f"export: {len(written)} text file(s) to {out}", err=True)
    else:
        triples = ((i, archive.record(i), archive.raw_path(i)) for i in ids)
        make_bag(out, triples)
        click.echo(f"export: BagIt package with {len(ids)} record(s) at {out}", err=True)


def _ids_for(archive: Any, query: str | None, export_all: bool) -> list[str]:
    if export_all:
        from newsarchive.store import iter_record_paths

        return [path.stem for path in iter_record_paths(archive.paths)]
    if query is None:
        return []
    from newsarchive.search import MAX_LIMIT, SearchOptions

    options = SearchOptions(query=query, limit=MAX_LIMIT, highlight=False)
    return [hit.id for hit in archive.search(options).hits]


@cli.command()
@click.argument("capture", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "xml", "text"]),
    default="json",
    show_default=True,
)
@click.pass_context
def normalise(ctx: click.Context, capture: str, fmt: str) -> None:
    """Preview how a capture normalises, without storing anything.

    \b
    json: the article JSON, including every removed line and the rule that removed it
    xml:  the NewsML-G2 record ingest would write (validated)
    text: the clean article text
    """
    from newsarchive.export import article_to_text
    from newsarchive.models import article_to_json

    archive = _archive(ctx)
    article, xml = archive.preview(capture)
    if fmt == "json":
        _echo_json(article_to_json(article))
    elif fmt == "xml":
        sys.stdout.buffer.write(xml)
    else:
        click.echo(article_to_text(article), nl=False)


@cli.command()
@click.option("--silent", is_flag=True, help="No progress bar.")
@click.pass_context
def reindex(ctx: click.Context, silent: bool) -> None:
    """Rebuild index/ from the records in archive/ alone."""
    from newsarchive.store import iter_record_paths

    archive = _archive(ctx)
    total = sum(1 for _ in iter_record_paths(archive.paths))
    with _progress(total, "Reindexing", not silent) as bar:
        count = archive.reindex(progress=bar.update if bar is not None else None)
    click.echo(f"reindex: {count} record(s) indexed", err=True)


@cli.command()
@click.pass_context
def optimize(ctx: click.Context) -> None:
    """Merge the index's segments into one (faster searches after many small ingests)."""
    archive = _archive(ctx)
    backend = archive.backend()
    try:
        backend.optimize()
    finally:
        backend.close()
    click.echo("optimize: index merged", err=True)


@cli.command()
@click.argument("article_ids", nargs=-1)
@click.option(
    "--official",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Also validate against the official IPTC schema folder (NewsML-G2 2.35).",
)
@click.pass_context
def validate(ctx: click.Context, article_ids: tuple[str, ...], official: Path | None) -> None:
    """Validate stored records (all by default) against the archive schema."""
    from newsarchive import newsml
    from newsarchive.store import iter_record_paths

    archive = _archive(ctx)
    paths = (
        [archive.record_file(i) for i in article_ids]
        if article_ids
        else list(iter_record_paths(archive.paths))
    )
    bad = 0
    for path in paths:
        try:
            data = path.read_bytes()
            newsml.validate(data)
            if official is not None:
                newsml.validate_official(data, official)
        except (ArchiveError, OSError) as exc:
            bad += 1
            click.echo(f"{path}: {exc}", err=True)
    click.echo(f"validate: {len(paths) - bad} valid, {bad} invalid", err=True)
    if bad:
        ctx.exit(1)


@cli.group()
def rules() -> None:
    """Inspect and check boilerplate rule files."""


@rules.command("check")
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
def rules_check(files: tuple[Path, ...]) -> None:
    """Load rule files with the shipped ones and run every rule's own examples."""
    from newsarchive.rules import load_rules

    ruleset = load_rules(files)
    own = sum(len(p.rules) for p in ruleset.profiles)
    click.echo(
        f"rules: {len(ruleset.rules)} generic rule(s), {len(ruleset.profiles)} profile(s) "
        f"with {own} rule(s): all examples pass"
    )


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="newsarchive", windows_expand_args=False)
