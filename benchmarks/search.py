"""Search benchmark (issue 5 §5): the project's index against naive Whoosh and SQLite FTS5.

    .venv/bin/python benchmarks/search.py                 # x1 and x5, 3 timed passes
    .venv/bin/python benchmarks/search.py --quick         # 3,000 stories, x1, 1 pass
    .venv/bin/python benchmarks/search.py --scale 1 --passes 2 --json out.json

Corpus: "Reuters-21578, Distribution 1.0" as converted in ../shared/corpora/news-reuters21578
(research use only; never shipped). Queries: its queries.jsonl (203, engine-neutral syntax).

What each engine does, in its own child process (so peak RSS is its own):

* **tuned** - the project's path: each JSONL line becomes a Capture, ``structured`` turns
  it into an Article, ``document_from_article`` into an IndexDocument, and
  ``WhooshBackend(bulk=True)`` indexes them; queries go through ``SearchOptions`` and
  ``WhooshBackend.search`` exactly as the CLI calls it (total count included, "did you
  mean" when at most 2 hits), on one backend kept open as a long-running process would
  (the CLI opens it ``oneshot`` for each call: see the whole-process CLI timing). NewsML-G2
  writing and validation are bypassed here; the ``pipeline`` row times the full ingest
  (capture -> NewsML -> store -> index) on a subset.
* **naive** - Whoosh as a first implementation would use it: the same fields and
  analysers, one ``ix.writer()`` with default settings, a ``DATETIME`` date, no character
  offsets, queries parsed by Whoosh's ``MultifieldParser`` (same field boosts), highlights
  with the default fragmenter.
* **fts5** - SQLite FTS5 (stdlib), ``porter unicode61``, bm25 with the same headline weight,
  date ranges in SQL, ``snippet()`` for highlights.

Indexing time runs from the first document handed to the engine until its commit returns
(documents already in memory). Each query runs once to warm up, then ``--passes`` times
per mode (plain top 10, with highlights, newest first); a query's latency is its median,
and p50/p95/p99 are over the queries. Then the parent opens every engine's index at once
and times them again taking turns query by query (``--no-interleaved`` skips this): the
same load for every engine, so the steadier ratio on a shared machine. Replicas for x5
follow search-notes §5: id ``<id>~k``, date moved k*364 days, the words of each body line
shuffled per story.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import random
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
CORPUS_DIR = REPO.parent / "shared" / "corpora" / "news-reuters21578"
ENGINES = ("tuned", "naive", "fts5")
MODES = ("plain", "highlight", "sorted")
TOP = 10


# --------------------------------------------------------------------------- corpus


def load_records(path: Path, limit: int | None) -> list[dict[str, Any]]:
    records = []
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            records.append(json.loads(line))
            if limit is not None and len(records) >= limit:
                break
    return records


def replica(record: dict[str, Any], k: int) -> dict[str, Any]:
    """Replica k of a story: fresh id, date k*364 days later, body words shuffled per line."""
    shuffler = random.Random(f"{record['id']}/{k}")
    lines = []
    for line in record["body"].split("\n"):
        words = line.split()
        shuffler.shuffle(words)
        lines.append(" ".join(words))
    copy = dict(record, id=f"{record['id']}~{k}", body="\n".join(lines))
    copy["date"] = (datetime.fromisoformat(record["date"]) + timedelta(days=364 * k)).isoformat()
    return copy


def scaled(records: list[dict[str, Any]], scale: int) -> Iterator[dict[str, Any]]:
    yield from records
    for k in range(1, scale):
        for record in records:
            yield replica(record, k)


def to_documents(records: Iterator[dict[str, Any]]) -> list[Any]:
    """JSONL line -> Capture -> Article -> IndexDocument, through the project's own API.

    Records the normaliser rejects (the corpus has a few with neither headline nor body)
    are left out, as ``ingest`` reports them failed."""
    from newsarchive.errors import NormaliseError
    from newsarchive.models import JSONL, Capture
    from newsarchive.search import document_from_article
    from newsarchive.structured import normalise_structured_capture

    documents = []
    for number, record in enumerate(records, start=1):
        data = json.dumps(record).encode("utf-8")
        digest = hashlib.sha256(data).hexdigest()
        capture = Capture(data, JSONL, "reuters.jsonl", digest, digest[:20], line=number)
        try:
            article = normalise_structured_capture(capture)
        except NormaliseError:
            continue  # an empty record (neither headline nor body) fails as in `ingest`
        documents.append(document_from_article(article, "2026-11-27T00:00:00+00:00"))
    return documents


def load_queries(path: Path) -> list[dict[str, str]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


# --------------------------------------------------------------------------- engines


class Engine:
    """Build an index from IndexDocuments, then answer parsed queries."""

    def build(self, docs: list[Any]) -> None:
        raise NotImplementedError

    def run(self, text: str, mode: str) -> list[tuple[str, float]]:
        """Top 10 (id, score) for one query in one mode, stored fields and total included."""
        raise NotImplementedError

    def reference(self, text: str) -> list[tuple[str, float]] | None:
        """An exhaustive top 10 (every match scored, then sorted), where the engine has one."""
        return None

    def close(self) -> None:
        pass


class TunedEngine(Engine):
    def __init__(self, index_dir: Path) -> None:
        self.index_dir = index_dir

    def build(self, docs: list[Any]) -> None:
        from newsarchive.index import WhooshBackend

        backend = WhooshBackend(self.index_dir, bulk=True)
        for start in range(0, len(docs), 5000):
            backend.add(docs[start : start + 5000])
        backend.commit()
        backend.close()

    def open(self) -> None:
        from newsarchive.index import WhooshBackend

        self.backend = WhooshBackend(self.index_dir)

    def run(self, text: str, mode: str) -> list[tuple[str, float]]:
        from newsarchive.search import SearchOptions

        options = SearchOptions(
            query=text,
            highlight=mode == "highlight",
            sort="newest" if mode == "sorted" else "relevance",
        )
        return [(hit.id, hit.score or 0.0) for hit in self.backend.search(options).hits]

    def close(self) -> None:
        self.backend.close()


class NaiveEngine(Engine):
    def __init__(self, index_dir: Path) -> None:
        self.index_dir = index_dir

    def schema(self) -> Any:
        from whoosh import analysis, fields

        english = analysis.StemmingAnalyzer(expression=r"\w+", stoplist=None, minsize=1)
        plain = analysis.StandardAnalyzer(expression=r"\w+", stoplist=None, minsize=1)
        return fields.Schema(
            id=fields.ID(stored=True, unique=True),
            headline=fields.TEXT(analyzer=english, stored=True),
            kicker=fields.TEXT(analyzer=english, stored=True),
            dek=fields.TEXT(analyzer=english, stored=True),
            body=fields.TEXT(analyzer=english, stored=True),
            byline=fields.TEXT(analyzer=plain, stored=True),
            dateline=fields.TEXT(analyzer=plain, stored=True),
            section=fields.TEXT(analyzer=plain, stored=True),
            source=fields.TEXT(analyzer=plain, stored=True),
            language=fields.ID(stored=True),
            subjects=fields.KEYWORD(lowercase=True),
            places=fields.KEYWORD(lowercase=True),
            published=fields.DATETIME(stored=True, sortable=True),
            ingested=fields.STORED(),
        )

    def build(self, docs: list[Any]) -> None:
        from whoosh import index

        ix = index.create_in(str(self.index_dir), self.schema())
        writer = ix.writer()
        for doc in docs:
            values = {
                "id": doc.id,
                "headline": doc.headline,
                "kicker": doc.kicker,
                "dek": doc.dek,
                "body": doc.body,
                "byline": "\n".join(doc.bylines),
                "dateline": doc.dateline or "",
                "section": doc.section or "",
                "source": doc.source or "",
                "language": doc.language or "",
                "subjects": " ".join(doc.subjects),
                "places": " ".join(doc.places),
                "published": datetime.fromisoformat(doc.published) if doc.published else None,
                "ingested": doc.ingested,
            }
            writer.add_document(**{k: v for k, v in values.items() if v not in (None, "")})
        writer.commit()
        ix.close()

    def open(self) -> None:
        from whoosh import index, qparser

        self.ix = index.open_dir(str(self.index_dir))
        self.searcher = self.ix.searcher()
        self.parser = qparser.MultifieldParser(
            ["headline", "dek", "body", "kicker"],
            self.ix.schema,
            fieldboosts={"headline": 2.0, "dek": 1.5},
        )

    def run(self, text: str, mode: str) -> list[tuple[str, float]]:
        from newsarchive.search import parse_query

        query = self.parser.parse(whoosh_syntax(parse_query(text)))
        if mode == "sorted":
            results = self.searcher.search(query, limit=TOP, sortedby="published", reverse=True)
        else:
            results = self.searcher.search(query, limit=TOP)
        len(results)  # the total, as a CLI shows it (WhooshBackend.search counts too)
        out = []
        for hit in results:
            fields = hit.fields()
            if mode == "highlight" and "body" in fields:
                hit.highlights("body", top=2)
            out.append((fields["id"], float(hit.score or 0.0)))
        return out

    def reference(self, text: str) -> list[tuple[str, float]] | None:
        from newsarchive.search import parse_query

        query = self.parser.parse(whoosh_syntax(parse_query(text)))
        results = self.searcher.search(query, limit=None)
        return [(hit["id"], float(hit.score)) for hit in results[:TOP]]

    def close(self) -> None:
        self.searcher.close()
        self.ix.close()


def whoosh_syntax(node: Any) -> str:
    """The neutral query tree as a Whoosh query-parser string (for the naive baseline)."""
    from newsarchive import search as s

    prefix = f"{node.field}:" if getattr(node, "field", None) else ""
    if isinstance(node, s.AndNode):
        return "(" + " AND ".join(whoosh_syntax(item) for item in node.items) + ")"
    if isinstance(node, s.OrNode):
        return "(" + " OR ".join(whoosh_syntax(item) for item in node.items) + ")"
    if isinstance(node, s.NotNode):
        return "NOT " + whoosh_syntax(node.item)
    if isinstance(node, s.TermNode):
        return prefix + node.text
    if isinstance(node, s.PhraseNode):
        return f'{prefix}"{node.text}"' + (f"~{node.slop + 1}" if node.slop else "")
    if isinstance(node, s.KeywordNode):
        return f'{prefix}"{node.value}"'
    if isinstance(node, s.DateRangeNode):
        return f"published:[{node.start}000000 TO {node.end}235959]"
    raise ValueError(f"no naive translation for {node!r}")


class Fts5Engine(Engine):
    def __init__(self, index_dir: Path) -> None:
        self.path = index_dir / "fts.sqlite"

    def build(self, docs: list[Any]) -> None:
        db = sqlite3.connect(self.path)
        db.executescript(
            """PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;
            CREATE TABLE meta(rowid INTEGER PRIMARY KEY, id TEXT, published TEXT, day INTEGER,
                              sortdate TEXT);
            CREATE INDEX meta_day ON meta(day); CREATE INDEX meta_sort ON meta(sortdate);
            CREATE VIRTUAL TABLE fts USING fts5(headline, dek, body, kicker, byline, dateline,
                section, source, subjects, places, tokenize='porter unicode61');"""
        )
        with db:
            for n, doc in enumerate(docs, start=1):
                db.execute(
                    "INSERT INTO meta VALUES (?, ?, ?, ?, ?)",
                    (
                        n,
                        doc.id,
                        doc.published,
                        int((doc.published or "0")[:10].replace("-", "")),
                        doc.published or "",
                    ),
                )
                db.execute(
                    "INSERT INTO fts(rowid, headline, dek, body, kicker, byline, dateline, section,"
                    " source, subjects, places) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                    (
                        n,
                        doc.headline,
                        doc.dek,
                        doc.body,
                        doc.kicker,
                        " ".join(doc.bylines),
                        doc.dateline or "",
                        doc.section or "",
                        doc.source or "",
                        " ".join(doc.subjects),
                        " ".join(doc.places),
                    ),
                )
        db.execute("INSERT INTO fts(fts) VALUES ('optimize')")
        db.commit()
        db.close()

    def open(self) -> None:
        self.db = sqlite3.connect(self.path)

    def run(self, text: str, mode: str) -> list[tuple[str, float]]:
        from newsarchive.search import parse_query

        match, days = fts_syntax(parse_query(text))
        where, args = [], []
        if match:
            where.append("fts MATCH ?")
            args.append(match)
        if days is not None:
            where.append("meta.day BETWEEN ? AND ?")
            args += [days.start or 0, days.end or 99999999]
        clause = " AND ".join(where) or "1"
        order = "meta.sortdate DESC" if mode == "sorted" else "score"
        snippet = ", snippet(fts, 2, '[[', ']]', ' … ', 16)" if mode == "highlight" else ""
        rank = "bm25(fts, 2.0, 1.5, 1.0, 1.0)" if match else "0"
        rows = self.db.execute(
            f"SELECT meta.id, {rank} AS score, fts.headline, fts.body{snippet} FROM fts "
            f"JOIN meta ON meta.rowid = fts.rowid WHERE {clause} ORDER BY {order} LIMIT {TOP}",
            args,
        ).fetchall()
        self.db.execute(
            f"SELECT count(*) FROM fts JOIN meta ON meta.rowid = fts.rowid WHERE {clause}", args
        ).fetchone()
        return [(row[0], -float(row[1])) for row in rows]

    def close(self) -> None:
        self.db.close()


ENGINE_TYPES: dict[str, Any] = {"tuned": TunedEngine, "naive": NaiveEngine, "fts5": Fts5Engine}


def fts_syntax(node: Any) -> tuple[str, Any]:
    """(FTS5 MATCH expression, date range) for a tree whose dates are top-level AND terms."""
    from newsarchive import search as s

    items = node.items if isinstance(node, s.AndNode) else (node,)
    dates = [item for item in items if isinstance(item, s.DateRangeNode)]
    rest = [item for item in items if not isinstance(item, s.DateRangeNode)]
    if len(dates) > 1:
        raise ValueError("several date ranges")
    return (_fts_and(rest) if rest else ""), (dates[0] if dates else None)


def _fts_and(items: list[Any]) -> str:
    from newsarchive import search as s

    positive = [_fts(i) for i in items if not isinstance(i, s.NotNode)]
    negative = [_fts(i.item) for i in items if isinstance(i, s.NotNode)]
    text = "(" + " AND ".join(positive) + ")"
    for neg in negative:
        text += f" NOT {neg}"
    return text


def _fts(node: Any) -> str:
    from newsarchive import search as s

    if isinstance(node, s.AndNode):
        return "(" + _fts_and(list(node.items)) + ")"
    if isinstance(node, s.OrNode):
        return "(" + " OR ".join(_fts(item) for item in node.items) + ")"
    if isinstance(node, s.TermNode | s.PhraseNode | s.KeywordNode):
        text = getattr(node, "text", None) or getattr(node, "value", "")
        column = node.field or "{headline dek body kicker}"
        return f'{column} : "{text.replace(chr(34), "")}"'
    raise ValueError(f"no FTS5 translation for {node!r}")


# --------------------------------------------------------------------------- measuring


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def dir_size_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1e6


def peak_rss_mb() -> tuple[float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


def time_queries(engine: Engine, queries: list[dict[str, str]], passes: int) -> dict[str, Any]:
    """Per mode: p50/p95/p99 ms; plus the plain top 10 of every query for the agreement check."""
    out: dict[str, Any] = {"errors": {}, "top": {}, "reference": {}}
    for mode in MODES:
        samples: dict[str, list[float]] = {q["id"]: [] for q in queries}
        for round_ in range(passes + 1):
            for q in queries:
                if q["id"] in out["errors"]:
                    continue
                started = time.perf_counter()
                try:
                    top = engine.run(q["q"], mode)
                except Exception as exc:  # a baseline that cannot run a query reports it
                    out["errors"][q["id"]] = f"{type(exc).__name__}: {exc}"
                    continue
                elapsed = (time.perf_counter() - started) * 1000
                if round_ > 0:
                    samples[q["id"]].append(elapsed)
                if mode == "plain":
                    out["top"][q["id"]] = top
        if mode == "plain":
            for q in queries:
                reference = None if q["id"] in out["errors"] else engine.reference(q["q"])
                if reference is not None:
                    out["reference"][q["id"]] = reference
        medians = [statistics.median(v) for v in samples.values() if v]
        out[mode] = {p: percentile(medians, p) for p in (50, 95, 99)} if medians else {}
    return out


def time_interleaved(
    index_dirs: dict[str, Path], queries: list[dict[str, str]], passes: int
) -> dict[str, dict[str, dict[int, float]]]:
    """Per engine and mode: p50/p95/p99 ms with every engine open in this one process and
    each query run by each engine in turn.

    The children time their engines one after the other, so a neighbour's benchmark that
    starts or stops between them moves the ratios (1.23x and 1.71x plain p95 in two runs
    of the same code); taking turns query by query exposes every engine to the same load.
    Queries that any engine cannot run are left out."""
    engines: dict[str, Any] = {name: ENGINE_TYPES[name](path) for name, path in index_dirs.items()}
    for engine in engines.values():
        engine.open()
    failed: set[str] = set()
    out: dict[str, dict[str, dict[int, float]]] = {name: {} for name in engines}
    for mode in MODES:
        samples = {name: {q["id"]: [] for q in queries} for name in engines}
        for round_ in range(passes + 1):
            for q in queries:
                for name, engine in engines.items():
                    if q["id"] in failed:
                        continue
                    started = time.perf_counter()
                    try:
                        engine.run(q["q"], mode)
                    except Exception:  # the per-engine rows report the error itself
                        failed.add(q["id"])
                        continue
                    if round_ > 0:
                        samples[name][q["id"]].append((time.perf_counter() - started) * 1000)
        for name in engines:
            medians = [statistics.median(v) for i, v in samples[name].items() if i not in failed]
            out[name][mode] = {p: percentile(medians, p) for p in (50, 95, 99)}
    for engine in engines.values():
        engine.close()
    return out


def child(args: argparse.Namespace) -> None:
    """Build one engine's index and time its queries; print one JSON line."""
    records = load_records(CORPUS_DIR / "reuters21578.jsonl.gz", args.limit)
    started = time.perf_counter()
    docs = to_documents(scaled(records, args.scale))
    normalise_s = time.perf_counter() - started
    count = len(docs)
    index_dir = Path(args.index_dir)
    engine: Any = ENGINE_TYPES[args.engine](index_dir)
    rss_before = peak_rss_mb()[0]
    started = time.perf_counter()
    engine.build(docs)
    index_s = time.perf_counter() - started
    build_rss = peak_rss_mb()
    del docs
    started = time.perf_counter()
    engine.open()
    open_ms = (time.perf_counter() - started) * 1000
    queries = load_queries(CORPUS_DIR / "queries.jsonl")
    timings = time_queries(engine, queries, args.passes)
    engine.close()
    rss = peak_rss_mb()
    print(
        json.dumps(
            {
                "engine": args.engine,
                "scale": args.scale,
                "docs": count,
                "rejected": len(records) * args.scale - count,
                "normalise_docs_per_s": count / normalise_s,
                "index_s": index_s,
                "docs_per_s": count / index_s,
                "size_mb": dir_size_mb(index_dir),
                "rss_corpus_mb": rss_before,
                "rss_peak_mb": rss[0],
                "rss_children_peak_mb": max(rss[1], build_rss[1]),
                "open_ms": open_ms,
                **timings,
            }
        )
    )


def run_child(engine: str, scale: int, args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    index_dir = workdir / f"{engine}-x{scale}"
    if index_dir.exists():
        shutil.rmtree(index_dir)
    index_dir.mkdir(parents=True)
    command = [
        sys.executable,
        __file__,
        "_child",
        "--engine",
        engine,
        "--scale",
        str(scale),
        "--passes",
        str(args.passes),
        "--index-dir",
        str(index_dir),
    ]
    if args.limit:
        command += ["--limit", str(args.limit)]
    print(f"... {engine} x{scale}", file=sys.stderr, flush=True)
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{engine} x{scale} failed:\n{done.stderr[-3000:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]), index_dir=str(index_dir))


# --------------------------------------------------------------------------- comparing


def agreement(tuned: dict[str, Any], naive: dict[str, Any]) -> tuple[int, list[str]]:
    """Queries whose top 10 ids agree; differences are explained where they can be: ties,
    or naive Whoosh's top-N pruning (checked against an exhaustive naive ranking)."""
    same, notes = 0, []
    for qid, top in tuned["top"].items():
        other = naive["top"].get(qid)
        if other is None:
            notes.append(f"{qid}: naive could not run it")
            continue
        if [i for i, _ in top] == [i for i, _ in other]:
            same += 1
            continue
        if {i for i, _ in top} == {i for i, _ in other}:
            same += 1
            scores_equal = all(abs(a[1] - b[1]) < 1e-4 for a, b in zip(top, other, strict=True))
            why = "among equal scores" if scores_equal else "(scores differ)"
            notes.append(f"{qid}: same ids, order differs {why}")
            continue
        exhaustive = naive["reference"].get(qid)
        if exhaustive is not None and (
            [i for i, _ in top] == [i for i, _ in exhaustive] or _tied(top, exhaustive)
        ):
            notes.append(
                f"{qid}: naive's top 10 is not its own exhaustive top 10 (Whoosh's top-N "
                "pruning), and the exhaustive one agrees with tuned (up to ties)"
            )
            continue
        notes.append(f"{qid}: {_explain(top, other)}")
    return same, notes


def _tied(top: list[tuple[str, float]], other: list[tuple[str, float]]) -> bool:
    """True when the two lists differ only in which of several equal-scored hits made it
    (each list against its own 10th score: naive Whoosh adds a constant for date ranges)."""
    ours = {i for i, _ in top} - {i for i, _ in other}
    theirs = {i for i, _ in other} - {i for i, _ in top}
    our_cut = min((s for _, s in top), default=0.0)
    their_cut = min((s for _, s in other), default=0.0)
    return all(abs(s - our_cut) < 1e-4 for i, s in top if i in ours) and all(
        abs(s - their_cut) < 1e-4 for i, s in other if i in theirs
    )


def _explain(top: list[tuple[str, float]], other: list[tuple[str, float]]) -> str:
    ours = {i for i, _ in top} - {i for i, _ in other}
    theirs = {i for i, _ in other} - {i for i, _ in top}
    cut = min((s for _, s in top), default=0.0)
    if _tied(top, other):
        return f"tie at the 10th score ({cut:.4f}): {sorted(ours)} vs {sorted(theirs)}"
    return f"differ: tuned-only {sorted(ours)}, naive-only {sorted(theirs)}"


def time_cli(
    index_dir: Path, queries: list[dict[str, str]], runs: int, *, cached_bytecode: bool
) -> dict[str, float] | str:
    """Whole-process ``newsarchive search`` over an archive root whose index/ is ``index_dir``,
    after one untimed run.

    With ``PYTHONDONTWRITEBYTECODE`` set (as in some sandboxes) an editable install
    compiles the package's modules from source in every process. ``cached_bytecode``
    times it as an installed package runs instead (pip compiles at install time): the
    children may write bytecode, into a private cache folder, during the warm-up run."""
    exe = Path(sys.executable).with_name("newsarchive")
    if not exe.exists():
        return "skipped: the newsarchive console script is not installed"
    root = Path(tempfile.mkdtemp(prefix="bench-cli-"))
    (root / "index").symlink_to(index_dir.resolve())
    env = dict(os.environ)
    if cached_bytecode:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(root / "pycache")
    chosen = queries[:: max(1, len(queries) // runs)][:runs]
    walls: list[float] = []
    for n, q in enumerate([chosen[0], *chosen]):
        started = time.perf_counter()
        done = subprocess.run(
            [str(exe), "--root", str(root), "search", q["q"]],
            capture_output=True,
            text=True,
            env=env,
        )
        if n:
            walls.append((time.perf_counter() - started) * 1000)
        if done.returncode not in (0,):
            shutil.rmtree(root)
            return f"skipped: `newsarchive search` failed ({done.stderr.strip()[-300:]})"
    shutil.rmtree(root)
    return {p: percentile(walls, p) for p in (50, 95, 99)} | {"runs": float(len(walls))}


def time_pipeline(count: int, workdir: Path) -> dict[str, Any] | str:
    """The full ingest path (capture -> structured -> NewsML -> validate -> store -> index)."""
    try:
        from newsarchive.pipeline import Archive
    except ImportError as exc:
        return f"skipped: {exc}"
    root = workdir / "pipeline-root"
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    source = root / "reuters-subset.jsonl"
    records = load_records(CORPUS_DIR / "reuters21578.jsonl.gz", count)
    source.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    started = time.perf_counter()
    results = list(Archive(root).ingest([str(source)], workers=2))
    elapsed = time.perf_counter() - started
    failures = [r.error for r in results if r.status == "failed"]
    summary: dict[str, Any] = {
        "docs": len(records),
        "docs_per_s": len(records) / elapsed,
        "failed": len(failures),
    }
    if failures:
        summary["first_error"] = failures[0]
    return summary


# --------------------------------------------------------------------------- report


def report(rows: list[dict[str, Any]]) -> None:
    print(
        "\n| engine | scale | docs | docs/s | index s | size MB | peak RSS MB (parent / "
        "writer children) | open ms | plain p50/p95/p99 ms | highlight p50/p95/p99 ms | "
        "newest-first p50/p95/p99 ms | query errors |"
    )
    print("|---" * 12 + "|")
    for r in rows:
        cols = [
            r["engine"],
            f"x{r['scale']}",
            str(r["docs"]),
            f"{r['docs_per_s']:.0f}",
            f"{r['index_s']:.1f}",
            f"{r['size_mb']:.1f}",
            f"{r['rss_peak_mb']:.0f} / {r['rss_children_peak_mb']:.0f}",
            f"{r['open_ms']:.0f}",
            *(" / ".join(f"{r[m][p]:.2f}" for p in ("50", "95", "99")) for m in MODES),
            str(len(r["errors"])),
        ]
        print("| " + " | ".join(cols) + " |")


def ratios(rows: list[dict[str, Any]]) -> None:
    for scale in sorted({r["scale"] for r in rows}):
        by = {r["engine"]: r for r in rows if r["scale"] == scale}
        if "tuned" not in by:
            continue
        t = by["tuned"]
        for other in ("naive", "fts5"):
            if other not in by:
                continue
            o = by[other]
            parts = [f"indexing {t['docs_per_s'] / o['docs_per_s']:.2f}x"]
            for mode in MODES:
                parts.append(f"{mode} p95 {o[mode]['95'] / t[mode]['95']:.2f}x")
            print(f"x{scale} tuned vs {other} (above 1 = tuned better): " + ", ".join(parts))


def report_interleaved(scale: int, turns: dict[str, dict[str, dict[int, float]]]) -> None:
    print(f"\nx{scale} taking turns in one process, p50 / p95 / p99 ms:")
    for name, modes in turns.items():
        cells = [" / ".join(f"{modes[m][p]:.2f}" for p in (50, 95, 99)) for m in MODES]
        print(f"  {name}: " + "; ".join(f"{m} {c}" for m, c in zip(MODES, cells, strict=True)))
    for other in (name for name in turns if name != "tuned"):
        parts = [f"{m} p95 {turns[other][m][95] / turns['tuned'][m][95]:.2f}x" for m in MODES]
        print(f"  tuned vs {other} (above 1 = tuned better): " + ", ".join(parts))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command")
    inner = sub.add_parser("_child")
    inner.add_argument("--engine", choices=ENGINES, required=True)
    inner.add_argument("--index-dir", required=True)
    for p in (parser, inner):
        p.add_argument("--scale", type=int, nargs="*" if p is parser else None, default=None)
        p.add_argument("--passes", type=int, default=3)
        p.add_argument("--limit", type=int, default=None, help="use the first N stories only")
    parser.add_argument("--quick", action="store_true", help="3,000 stories, x1, one pass")
    parser.add_argument("--engines", nargs="*", choices=ENGINES, default=list(ENGINES))
    parser.add_argument("--cli-runs", type=int, default=20)
    parser.add_argument("--pipeline-docs", type=int, default=2000)
    parser.add_argument("--json", type=Path, help="also write every figure here")
    parser.add_argument(
        "--interleaved",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also time the engines taking turns query by query in one process",
    )
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args(argv)
    if args.command == "_child":
        args.scale = args.scale or 1
        child(args)
        return
    if not (CORPUS_DIR / "queries.jsonl").is_file():
        raise SystemExit(f"corpus not found at {CORPUS_DIR}")
    if args.quick:
        args.limit, args.passes, args.scale = args.limit or 3000, 1, args.scale or [1]
        args.pipeline_docs = min(args.pipeline_docs, 300)
    scales = args.scale or [1, 5]
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="newsarchive-bench-"))
    rows: list[dict[str, Any]] = []
    for scale in scales:
        for engine in args.engines:
            rows.append(run_child(engine, scale, args, workdir))
    report(rows)
    print()
    ratios(rows)
    extras: dict[str, Any] = {}
    for scale in scales:
        by = {r["engine"]: r for r in rows if r["scale"] == scale}
        if "tuned" in by and "naive" in by:
            same, notes = agreement(by["tuned"], by["naive"])
            print(f"\nx{scale} top-10 agreement tuned vs naive: {same}/{len(by['tuned']['top'])}")
            for note in notes:
                print("  " + note)
            extras[f"agreement_x{scale}"] = {"same": same, "notes": notes}
        for r in by.values():
            if r["errors"]:
                print(f"x{scale} {r['engine']} could not run: {r['errors']}")
    if args.interleaved:
        queries = load_queries(CORPUS_DIR / "queries.jsonl")
        for scale in scales:
            dirs = {r["engine"]: Path(r["index_dir"]) for r in rows if r["scale"] == scale}
            if "tuned" not in dirs or len(dirs) < 2:
                continue
            turns = time_interleaved(dirs, queries, args.passes)
            extras[f"interleaved_x{scale}"] = turns
            report_interleaved(scale, turns)
    tuned_x1 = next((r for r in rows if r["engine"] == "tuned" and r["scale"] == 1), None)
    if tuned_x1 is not None and args.cli_runs:
        queries = load_queries(CORPUS_DIR / "queries.jsonl")
        for cached, key, how in ((False, "cli", ""), (True, "cli_cached", ", bytecode cached")):
            cli = time_cli(
                Path(tuned_x1["index_dir"]), queries, args.cli_runs, cached_bytecode=cached
            )
            extras[key] = cli
            print(f"\n`newsarchive search` whole process at x1{how}: {_fmt(cli)}")
    if args.pipeline_docs:
        pipeline = time_pipeline(args.pipeline_docs, workdir)
        extras["pipeline"] = pipeline
        print(f"full ingest pipeline (JSONL -> NewsML -> store -> index): {_fmt(pipeline)}")
    if args.json:
        args.json.write_text(json.dumps({"rows": rows, **extras}, indent=1), encoding="utf-8")
    if args.workdir is None:
        shutil.rmtree(workdir, ignore_errors=True)


def _fmt(value: dict[str, Any] | str) -> str:
    if isinstance(value, str):
        return value
    return ", ".join(
        f"{k} {v:.1f}" if isinstance(v, float) else f"{k} {v}" for k, v in value.items()
    )


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
