"""Archive-scale runs: streaming, parallel, incremental and crash-safe; local or Dask engine.

Articles flow from the readers (:mod:`qpdp_nlp.ingest.sources`) in chunks to the workers (processes
that load the pipeline once each, or Dask workers), and back in input order to the driver, which
marks near-duplicates (:mod:`qpdp_nlp.ingest.dedup`) and commits one *part* every ``batch_size``
articles. Nothing holds the whole input: memory is the chunks in flight plus one part.

With an output folder (``--out DIR``) a part is ``OUT/<table>/<part>.parquet`` for every table
of :mod:`qpdp_nlp.dataset`, and the manifest (:mod:`qpdp_nlp.ingest.manifest`) remembers which article
is in which part. The commit protocol makes a run killed at any moment harmless:

1. write each file of the part under a temporary name and rename it into place;
2. record the part, its articles and its errors in one SQLite transaction.

A new run first deletes every file that no committed part owns, then skips the articles the
manifest has (same ``article_id`` and pipeline version) unless ``force``. A re-extracted
article's old part is rewritten without it at the end of the run ("compaction", same two steps;
a killed run's pending compaction is done by the next one), so an article is in
exactly one part once the run ends. Without an output folder the records go out as JSON Lines,
in input order.

>>> import io, tempfile
>>> from pathlib import Path
>>> folder = Path(tempfile.mkdtemp())
>>> text = "Huyện Ba Bể giao quân\\n\\nSáng 12/2, 152 thanh niên lên đường nhập ngũ."
>>> _ = (folder / "a.txt").write_text(text, encoding="utf-8")
>>> sink = io.StringIO()
>>> run([str(folder)], RunOptions(workers=1, quiet=True), output=sink).exit_code
0
>>> '"title": "Huyện Ba Bể giao quân"' in sink.getvalue()
True
"""

from __future__ import annotations

import dataclasses
import fcntl
import itertools
import json
import multiprocessing
import os
import re
import signal
import sqlite3
import sys
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import IO, TYPE_CHECKING, Any, NoReturn, Protocol, Union

from ..atomic import atomic_path, write_lines
from ..errors import InputError, QpdpError
from .names import shown, stored
from .sources import Article, ReadOptions, SourceItem, expand_paths, read_file, read_stdin

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

    import numpy as np

    from ..records import ArticleRecord

    # What extract_chunk gives for each article: (record, MinHash signature or None, None), or
    # (None, None, the error).
    Outcome = tuple[ArticleRecord | None, np.ndarray | None, "ErrorRow" | None]
    # Where chunks are extracted: in the driver, in a process pool or on a Dask cluster.
    Executor = Union["_Inline", "_Dask", ProcessPoolExecutor]  # noqa: UP007 (forward references)


class _Future(Protocol):
    """What every executor's ``submit`` gives back (a Future, a dask Future, :class:`_Done`)."""

    def result(self) -> Any: ...

LOCK_NAME = ".qpdp.lock"  # OUT/.qpdp.lock: flock-ed by the run that owns the folder

# Exit codes of a run (the CLI's, documented in docs/batch.md)
EXIT_OK = 0
EXIT_INPUT_ERRORS = 1  # some inputs failed: each has an errors row and a line
EXIT_USAGE = 2  # click's own
EXIT_CANNOT_WRITE = 3  # the output could not be written (disk full, read-only, not a folder)
EXIT_LOCKED = 4  # another run holds the output folder
EXIT_SIGINT = 130  # 128 + SIGINT: interrupted (Ctrl-C); what was committed stays
EXIT_SIGTERM = 143  # 128 + SIGTERM: stopped by a scheduler or `kill`; what was committed stays


class OutputError(QpdpError):
    """The run could not write its output; nothing half-written is left committed."""

    exit_code = EXIT_CANNOT_WRITE


class OutputLocked(OutputError):
    """Another run holds the output folder's lock."""

    exit_code = EXIT_LOCKED


class ArticleTimeout(Exception):
    """An article's extraction went over ``--timeout-per-article``."""


class _Signalled(BaseException):
    """SIGTERM arrived (raised by the run's handler, like KeyboardInterrupt for SIGINT)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


class RunInterrupted(QpdpError):
    """The run was stopped by SIGINT or SIGTERM. The parts committed before stay (``committed``
    articles); the part in progress is dropped and redone by the next run. ``exit_code`` is
    128 + the signal's number (130, 143), as a shell reports a process killed by it."""

    def __init__(self, signum: int, committed: int) -> None:
        self.signum, self.committed = signum, committed
        self.exit_code = 128 + signum
        super().__init__(f"interrupted by {signal.Signals(signum).name}: {committed:,} articles committed; "
                         "rerun to continue")
RECORDS_DIR = "records"  # OUT/records/<part>.jsonl: full records, written for --format jsonl
OUT_FORMATS = ("parquet", "csv", "duckdb", "jsonl")
ENGINES = ("local", "dask")
SMALL_RUN = 32  # articles: up to this many, the local engine extracts in the driver itself


@dataclass
class RunOptions:
    """What :func:`run` does. ``out`` None: JSON Lines to the ``output`` stream."""

    out: Path | None = None
    fmt: str = "parquet"
    workers: int | None = None  # None: the number of cores
    batch_size: int = 1000  # articles per committed part
    chunk_size: int = 16  # articles per task sent to a worker
    engine: str = "local"
    scheduler: str | None = None  # Dask scheduler address; None: a LocalCluster
    dask_client: Any = None  # an existing dask.distributed Client (tests, notebooks)
    force: bool = False
    quiet: bool = False
    log_json: bool = False
    read: ReadOptions = field(default_factory=ReadOptions)
    only_defense: bool = False
    min_defense_probability: float | None = None
    with_text: bool = True  # JSON Lines output only
    dedup: bool = True
    pipeline_version: str | None = None  # None: the package's
    wait_lock: float = 0.0  # seconds to wait for another run's lock on ``out`` (0: fail at once)
    timeout_per_article: float | None = None  # seconds of extraction per article (None: no limit)
    limit: int | None = None  # read only the first N articles (a dry run on a sample)
    max_errors: int | None = None  # stop reading after more than N errors (acknowledged ones aside)
    acknowledged: tuple[str, ...] = ()  # known bad inputs: patterns of read_acknowledged()
    # progress display: None shows it on a terminal (rich) or in a notebook (tqdm.auto) unless
    # ``quiet``/``log_json``; True always (tqdm.auto where there is no terminal); False never
    progress: bool | None = None


@dataclass
class RunSummary:
    articles: int = 0  # extracted in this run (committed)
    skipped: int = 0  # already in the manifest (or an exact copy of an article of this run)
    errors: int = 0  # inputs that failed in this run (acknowledged ones included)
    duplicates: int = 0  # near-duplicates marked in this run
    seconds: float = 0.0
    read: int = 0  # articles read from the inputs
    acknowledged: int = 0  # errors on inputs listed as known bad: reported, not failing the run
    stopped: str | None = None  # why reading stopped early ("--max-errors 5", "--limit 100")

    @property
    def exit_code(self) -> int:
        return EXIT_INPUT_ERRORS if self.errors > self.acknowledged else EXIT_OK

    def to_dict(self) -> dict[str, Any]:
        rate = self.articles / self.seconds if self.seconds else 0.0
        data: dict[str, Any] = {"read": self.read, "articles": self.articles, "skipped": self.skipped, "errors": self.errors,
                "acknowledged": self.acknowledged, "duplicates": self.duplicates,
                "seconds": round(self.seconds, 3), "articles_per_second": round(rate, 2)}
        if self.stopped:
            data["stopped"] = self.stopped
        return data

    def line(self, target: str | None = None) -> str:
        """The closing line: ``2,000 read, 1,588 new, 412 already done, 3 errors → out/``.

        >>> RunSummary(read=2000, articles=1588, skipped=412, errors=3).line("out/")
        '2,000 read, 1,588 new, 412 already done, 3 errors → out/'
        """
        parts = [f"{self.read:,} read", f"{self.articles:,} new", f"{self.skipped:,} already done"]
        errors = f"{self.errors:,} error{'s' if self.errors != 1 else ''}"
        if self.acknowledged:
            errors += f" ({self.acknowledged:,} acknowledged)"
        parts.append(errors)
        if self.duplicates:
            parts.append(f"{self.duplicates:,} near-duplicates marked")
        text = ", ".join(parts)
        if target:
            text += f" → {target}"
        if self.stopped:
            text += f"; stopped early ({self.stopped})"
        return text


def read_acknowledged(path: str | Path) -> tuple[str, ...]:
    """The patterns of an acknowledged-errors file: one per line, a source as the error lines
    and the ``errors`` table name it (``dumps/2019.jsonl:1234``), shell wildcards allowed
    (``dumps/2019.jsonl:*``), optionally followed by whitespace and an error code (``E008``) to
    acknowledge only that error; a line starting with ``#`` is a comment (a ``#`` inside a line
    is part of the source: ``dump.jsonl#A17`` names a record by its id). An error that matches is still reported
    and still gets its ``errors`` row, marked acknowledged, but no longer fails the run (exit 0)
    nor counts towards ``--max-errors``."""
    patterns = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            line = line.strip()
            if line and not line.startswith("#"):
                patterns.append(line)
    return tuple(patterns)


def is_acknowledged(row: ErrorRow, patterns: Iterable[str]) -> bool:
    """Whether an error matches one of the acknowledged patterns (:func:`read_acknowledged`).

    >>> is_acknowledged(ErrorRow("dumps/a.jsonl:7", "E008", "bad"), ["dumps/a.jsonl:*  E008"])
    True
    """
    from fnmatch import fnmatchcase

    source = stored(row.source)
    for pattern in patterns:
        match = re.fullmatch(r"(.*?)\s+(E\d{3})", pattern)
        where, code = (match.group(1), match.group(2)) if match else (pattern, None)
        if code and code != row.code:
            continue
        if fnmatchcase(source, where) or fnmatchcase(shown(row.source), where):
            return True
    return False


@dataclass(frozen=True)
class ErrorRow:
    """An ``errors`` row (picklable, unlike the exception it comes from)."""

    source: str
    code: str
    reason: str

    @classmethod
    def of(cls, err: InputError) -> ErrorRow:
        return cls(err.source, err.code, err.reason)


@dataclass
class _Chunk:
    articles: list[Article] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)
    errors: list[ErrorRow] = field(default_factory=list)


# --- worker side -----------------------------------------------------------------------------

def _init_worker() -> None:
    """Load the pipeline (underthesea's model, lexicons, classifiers) once per worker process.

    Ctrl-C reaches the whole process group: workers ignore it, and the driver, which owns the
    manifest, stops the run cleanly (and the workers with it)."""
    from ..pipeline import shared_pipeline

    if threading.current_thread() is threading.main_thread():  # a Dask worker runs this in a thread
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    shared_pipeline()("Huyện Ba Bể tổ chức lễ giao nhận quân.")


@contextmanager
def time_budget(seconds: float | None) -> Iterator[bool]:
    """Raise :class:`ArticleTimeout` in the block after ``seconds``; yields whether it can.

    The budget is a ``SIGALRM`` timer (``setitimer``) in the process that extracts: a local worker
    process, or the driver with one worker. The signal interrupts Python code between bytecodes,
    and the ``re`` engine too, so a runaway regex is stopped. Signals only reach a process's main
    thread: in a Dask worker thread the block runs to its end and the caller checks the time after.
    """
    usable = (seconds is not None and seconds > 0 and hasattr(signal, "setitimer")
              and threading.current_thread() is threading.main_thread())
    if seconds is None or not usable:
        yield False
        return

    def on_alarm(signum: int, frame: FrameType | None) -> NoReturn:
        raise ArticleTimeout

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield True
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def extract_chunk(articles: list[Article], with_signatures: bool = True,
                  timeout: float | None = None) -> list[Outcome]:
    """Extract each article: ``(record, signature, None)`` or ``(None, None, ErrorRow)``; an
    article over ``timeout`` seconds gives an E010 error."""
    from ..pipeline import shared_pipeline
    from .dedup import signature

    pipe = shared_pipeline()
    out: list[Outcome] = []
    for art in articles:
        started = time.monotonic()
        try:
            with time_budget(timeout) as enforced:
                rec = pipe(art.text, source=art.source, title=art.title, url=art.url,
                           published=art.published, meta=art.meta)
                _stamp(rec, art)
            if timeout and not enforced and time.monotonic() - started > timeout:
                raise ArticleTimeout
        except ArticleTimeout:
            err = InputError(art.source, "E010", detail=f"over --timeout-per-article ({timeout:g} s)")
            out.append((None, None, ErrorRow.of(err)))
            continue
        except Exception as exc:  # one bad article must not stop the batch
            err = InputError(art.source, "E010", detail=f"{type(exc).__name__}: {exc}")
            out.append((None, None, ErrorRow.of(err)))
            continue
        out.append((rec, signature(rec.text) if with_signatures else None, None))
    return out


def _stamp(record: ArticleRecord, article: Article) -> None:
    """What the source said and the pipeline does not read: the date as written, the outlet."""
    for name in ("published_raw", "site"):
        if hasattr(record, name) and article.meta.get(name):
            setattr(record, name, article.meta[name])


# --- executors: the same submit/result for in-process, processes and Dask ----------------------

class _Done:
    def __init__(self, value: Any) -> None:
        self.value = value

    def result(self) -> Any:
        return self.value


class _Inline:
    """One worker: extract in the driver itself (no process to feed)."""

    def submit(self, fn: Callable[..., Any], *args: Any) -> _Done:
        return _Done(fn(*args))

    def shutdown(self) -> None:
        pass


class _Dask:
    def __init__(self, options: RunOptions) -> None:
        from dask.distributed import Client, LocalCluster

        self.own = options.dask_client is None
        if options.dask_client is not None:
            self.client = options.dask_client
        # dask.distributed's Client and LocalCluster are not annotated
        elif options.scheduler:
            self.client = Client(options.scheduler)  # type: ignore[no-untyped-call]
        else:
            self.cluster = LocalCluster(  # type: ignore[no-untyped-call]
                n_workers=options.workers or os.cpu_count() or 1,
                threads_per_worker=1, processes=True, dashboard_address=None)
            self.client = Client(self.cluster)  # type: ignore[no-untyped-call]
        self.client.run(_init_worker)
        # keep every worker thread of the cluster busy, not the driver's core count
        self.slots = max(1, sum(self.client.nthreads().values()))

    def submit(self, fn: Callable[..., Any], *args: Any) -> Any:  # a dask Future
        return self.client.submit(fn, *args, pure=False)

    def shutdown(self) -> None:
        if self.own:
            self.client.close()
            cluster = getattr(self, "cluster", None)
            if cluster is not None:
                cluster.close()


# Imported once in the fork server, so each worker only loads the model files.
_PRELOAD = ["underthesea", "qpdp_nlp.pipeline", "qpdp_nlp.classify.relevance", "qpdp_nlp.ingest.dedup",
            "datasketch", *(f"qpdp_nlp.extractors.{kind}" for kind in ("places", "units", "persons", "counts",
                                                                         "documents", "scope"))]


def _executor(options: RunOptions) -> Executor:
    if options.engine == "dask":
        return _Dask(options)
    workers = options.workers or os.cpu_count() or 1
    if workers <= 1:
        return _Inline()  # the pipeline loads on the first chunk, not for a run with nothing new
    from concurrent.futures import ProcessPoolExecutor

    # forkserver: the driver has threads (progress display, SQLite); forking it would copy
    # their locks. The server preloads the package, so workers start fast.
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(_PRELOAD)
    return ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_init_worker)


# --- reporting -------------------------------------------------------------------------------

def in_notebook() -> bool:
    """Whether this runs in a Jupyter kernel (IPython's ZMQ shell), without importing IPython."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None and hasattr(ipython, "get_ipython") else None
    return shell is not None and type(shell).__name__ == "ZMQInteractiveShell"


class Progress:
    """What a progress display shows, updated per chunk of articles (16) or every 0.2 s of
    reading, whichever comes first: articles read, new, already done (skipped), errors, the
    rate of new articles and the time left. The total is the input's bytes when the inputs are
    files (the ETA is estimated from the share read), the ``--limit`` when there is one, and
    unknown for a pipe (counts only)."""

    def __init__(self, *, total_bytes: int = 0, limit: int | None = None) -> None:
        self.total_bytes, self.limit = total_bytes, limit
        self.started = time.monotonic()
        self.read = self.new = self.skipped = self.errors = self.acknowledged = 0
        self.bytes = 0

    @property
    def total(self) -> int | None:
        return self.limit or self.total_bytes or None

    @property
    def position(self) -> int:
        return self.read if self.limit else self.bytes if self.total_bytes else self.read

    def rate(self) -> float:
        return self.new / max(time.monotonic() - self.started, 1e-9)

    def text(self) -> str:
        errors = f"{self.errors:,} errors" + (f" ({self.acknowledged:,} acknowledged)" if self.acknowledged else "")
        return (f"{self.read:,} read · {self.new:,} new · {self.skipped:,} already done · {errors} · "
                f"{self.rate():.1f} articles/s")


class _TqdmDisplay:
    """``tqdm.auto``: a widget in a notebook, a text bar elsewhere."""

    def __init__(self, progress: Progress, stream: IO[str]) -> None:
        from tqdm.auto import tqdm

        by_bytes = progress.total_bytes and not progress.limit
        self.bar = tqdm(total=progress.total, unit="B" if by_bytes else " articles", unit_scale=bool(by_bytes),
                        desc=progress.text(), file=stream, mininterval=0.2, dynamic_ncols=True,
                        bar_format="{desc} {percentage:3.0f}%|{bar}| [{elapsed}<{remaining}]"
                        if progress.total else "{desc} [{elapsed}]")

    def show(self, progress: Progress) -> None:
        self.bar.n = progress.position
        self.bar.set_description_str(progress.text(), refresh=False)
        self.bar.refresh()

    def write(self, line: str) -> None:
        self.bar.write(line, file=self.bar.fp)

    def close(self) -> None:
        self.bar.close()


class _RichDisplay:
    """rich on a terminal: one live line above which error lines scroll."""

    def __init__(self, progress: Progress, stream: IO[str]) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, TextColumn, TimeRemainingColumn
        from rich.progress import Progress as RichProgress

        self.live = RichProgress(TextColumn("{task.fields[text]}"), BarColumn(), TimeRemainingColumn(),
                                 console=Console(file=stream), transient=False)
        self.task = self.live.add_task("extract", total=progress.total, text=progress.text())
        self.live.start()

    def show(self, progress: Progress) -> None:
        self.live.update(self.task, completed=progress.position, text=progress.text())

    def write(self, line: str) -> None:
        self.live.console.print(line, markup=False, highlight=False)

    def close(self) -> None:
        self.live.stop()


class Reporter:
    """Error lines (``qpdp: <source>: <reason>``), a progress display (rich on a terminal,
    ``tqdm.auto`` in a notebook or when asked), the closing summary line, or one JSON object per
    event with ``log_json`` (for scheduled jobs)."""

    def __init__(self, options: RunOptions, stream: IO[str] | None = None, total_bytes: int = 0) -> None:
        self.stream = stream or sys.stderr
        self.log_json = options.log_json
        self.quiet = options.quiet
        self.started = time.monotonic()
        self.progress = Progress(total_bytes=total_bytes, limit=options.limit)
        self.display = None
        self._shown = 0.0
        isatty = getattr(self.stream, "isatty", lambda: False)()
        wanted = options.progress
        if wanted is None:
            wanted = not options.quiet and not options.log_json and (isatty or in_notebook())
        if wanted and not options.log_json:
            self.display = (_RichDisplay if isatty and not in_notebook() else _TqdmDisplay)(self.progress, self.stream)

    def event(self, name: str, **data: Any) -> None:
        if self.log_json:
            obj = {"event": name, "time": round(time.time(), 3), **data}
            self.stream.write(json.dumps(obj, ensure_ascii=False) + "\n")
            self.stream.flush()

    def line(self, text: str) -> None:
        """One line on stderr, above the progress display."""
        if self.display is not None:
            self.display.write(text)
        else:
            self.stream.write(text + "\n")
            self.stream.flush()

    def error(self, row: ErrorRow, acknowledged: bool = False) -> None:
        if self.log_json:
            extra = {"acknowledged": True} if acknowledged else {}
            self.event("error", source=stored(row.source), code=row.code, reason=stored(row.reason), **extra)
            return
        # one line, whatever the name holds
        self.line(f"qpdp: {shown(row.source)}: {shown(row.reason)}" + (" (acknowledged)" if acknowledged else ""))

    def tick(self, force: bool = False) -> None:
        """Redraw the display (at most every 0.2 s unless ``force``)."""
        if self.display is None:
            return
        now = time.monotonic()
        if force or now - self._shown >= 0.2:
            self._shown = now
            self.display.show(self.progress)

    def update(self, summary: RunSummary, bytes_read: int) -> None:
        self.progress.bytes = bytes_read
        self.tick(force=True)

    def summary_line(self, summary: RunSummary, target: str | None) -> None:
        """The closing line (not with ``quiet``; with ``log_json`` the ``end`` event says it)."""
        if not self.quiet and not self.log_json:
            self.line(f"qpdp: {summary.line(target)}")

    def close(self) -> None:
        if self.display is not None:
            self.tick(force=True)
            self.display.close()
            self.display = None


# --- sinks: where committed records go ---------------------------------------------------------

def _keep_facts(record: ArticleRecord, options: RunOptions) -> bool:
    """Whether the record's facts are written: ``None`` (no classifier) always keeps them."""
    if options.only_defense and record.is_defense is False:
        return False
    p = options.min_defense_probability
    if p is not None and record.defense_probability is not None and record.defense_probability < p:
        return False
    return True


def _strip_facts(record: ArticleRecord) -> None:
    from ..records import FACT_TYPES

    for kind in FACT_TYPES:
        setattr(record, kind, [])


class _Sink:
    """Commits parts: dedup, manifest, files. The JSON Lines sink keeps its manifest in a
    temporary folder (for duplicates within the run) and writes lines instead of parts."""

    def __init__(self, options: RunOptions, version: str, reporter: Reporter, summary: RunSummary,
                 output: IO[str] | None = None) -> None:
        from .dedup import DuplicateIndex
        from .manifest import MANIFEST_FILE, Manifest

        self.options = options
        self.version = version
        self.reporter = reporter
        self.summary = summary
        self.output = output
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self._lock: OutputLock | None = None
        self.out: Path | None  # the dataset folder; None: records go to ``output`` as JSON Lines
        if options.out is not None:
            self.out = Path(options.out)
            self.out.mkdir(parents=True, exist_ok=True)
            self._lock = OutputLock(self.out, options.wait_lock)  # before the manifest and recovery
            self.manifest = Manifest(self.out / MANIFEST_FILE)
        else:
            self.out = None
            self._tmp = tempfile.TemporaryDirectory(prefix="qpdp-run-")
            self.manifest = Manifest(Path(self._tmp.name) / MANIFEST_FILE)
        self.index = DuplicateIndex(self.manifest.db)
        if self.out is not None:
            self.recover()

    @property
    def folder(self) -> Path:
        """The dataset folder: what only a run with ``--out`` asks for."""
        if self.out is None:
            raise RuntimeError("this run writes JSON Lines to a stream, not a dataset folder")
        return self.out

    # the dataset folder's file layout
    def _files_of(self, part: str) -> list[Path]:
        from ..dataset import TABLE_NAMES

        files = [self.folder / name / f"{part}.parquet" for name in TABLE_NAMES]
        return files + [self.folder / RECORDS_DIR / f"{part}.jsonl"]

    def recover(self) -> None:
        """Delete what a killed run left unrecorded, then finish any pending compaction."""
        from ..dataset import TABLE_NAMES

        for path in self.manifest.unrecorded_files(self.folder, TABLE_NAMES, (".parquet",)):
            path.unlink(missing_ok=True)
        for path in self.manifest.unrecorded_files(self.folder, (RECORDS_DIR,), (".jsonl",)):
            path.unlink(missing_ok=True)
        for path in self.folder.glob(".*.tmp*"):  # a DuckDB/CSV/JSONL export cut short
            path.unlink(missing_ok=True)
        self.compact()

    def is_done(self, article_id: str) -> bool:
        return self.manifest.is_done(article_id, self.version, force=self.options.force)

    def commit(self, outcomes: list[tuple[str, Outcome]], errors: list[ErrorRow]) -> None:  # noqa: C901 (one of today's listed exceptions: to shrink)
        """Commit one part: ``outcomes`` are (article_id, (record, signature, error)) in input order."""
        m = self.manifest
        m.begin()
        try:
            records, error_rows = [], []
            seen_counter = m.next_seen()
            part_errors: set[tuple[str, str]] = set()

            def add_error(row: ErrorRow) -> None:
                self.summary.errors += 1
                acknowledged = bool(self.options.acknowledged) and is_acknowledged(row, self.options.acknowledged)
                self.summary.acknowledged += acknowledged
                self.reporter.error(row, acknowledged)
                key = (row.source, row.code)
                if key not in part_errors and m.error_is_new(*key):
                    part_errors.add(key)
                    error_rows.append(row)

            for row in errors:
                add_error(row)
            seq = m.next_part_seq()
            name = f"part-{seq:06d}"
            for _article_id, (record, sig, error) in outcomes:
                if error is not None:
                    add_error(error)
                    continue
                if record is None:  # extract_chunk gives a record or an error, never neither
                    raise RuntimeError(f"no record and no error for article {_article_id}")
                entry = m.entry(record.article_id)
                same_version = not self.options.force and entry is not None and entry[0] == self.version
                if entry is not None and (entry[2] == m.run_id or same_version):
                    self.summary.skipped += 1  # the same text twice in this run: the first copy stands
                    continue
                if entry is not None:
                    seen = entry[3]
                else:
                    seen, seen_counter = seen_counter, seen_counter + 1
                if sig is not None:
                    record.duplicate_of = self.index.find(sig, seen)
                    if record.duplicate_of:
                        self.summary.duplicates += 1
                        self.index.remove(seen)
                    else:
                        self.index.add(record.article_id, sig, seen)
                if not _keep_facts(record, self.options):
                    _strip_facts(record)
                m.record_article(record.article_id, self.version, name, seen, record.source,
                                 record.duplicate_of)
                if record.source:
                    m.forget_errors(record.source)
                    record.source = stored(record.source)  # lossless in the manifest, UTF-8 from here
                records.append(record)
            if self.out is None:
                if self.output is None:  # run() gives sys.stdout when there is no --out
                    raise RuntimeError("a run without --out needs an output stream")
                for record in records:
                    self.output.write(json.dumps(record.to_dict(with_text=self.options.with_text),
                                                 ensure_ascii=False) + "\n")
                m.commit()
                self.summary.articles += len(records)
                return
            if records or error_rows:
                rows = self._write_part(name, records, error_rows)
                m.record_part(name, seq, len(records), len(error_rows), rows)
                for row in error_rows:
                    m.record_error(row.source, row.code, name)
            m.commit()
            # counted once committed: an interrupted part is rolled back, and the closing line
            # ("N articles committed") must not count it
            self.summary.articles += len(records)
        except BaseException:
            m.rollback()
            raise

    def _write_part(self, name: str, records: list[ArticleRecord], error_rows: list[ErrorRow]) -> dict[str, int]:
        """Write the part's files; returns the number of rows of each table (for the manifest)."""
        from ..dataset import to_arrow, write_part

        error_rows = [ErrorRow(stored(r.source), r.code, stored(r.reason)) for r in error_rows]
        tables = to_arrow(records, error_rows)
        write_part(tables, self.folder, name)
        if self.options.fmt == "jsonl":
            write_lines(self.folder / RECORDS_DIR / f"{name}.jsonl",
                                (json.dumps(r.to_dict(), ensure_ascii=False) for r in records))
        return {table: data.num_rows for table, data in tables.items()}

    def compact(self) -> None:
        """Rewrite every dirty part without the articles that a later part holds now.

        A part's file may be missing (a table added after the part was written, a file deleted by
        hand): :meth:`_forget_lost` first settles what it held, so a missing file reads as empty."""
        import pyarrow.compute as pc
        import pyarrow.parquet as pq

        from ..dataset import SCHEMAS, TABLE_NAMES, write_part

        m = self.manifest
        self._forget_lost()
        for old in m.dirty_parts():
            keep = m.articles_in(old)
            keep_errors = m.errors_in(old)
            tables = {}
            for table in TABLE_NAMES:
                path = self.folder / table / f"{old}.parquet"
                if not path.exists():  # held no rows, or its articles are forgotten (_forget_lost)
                    tables[table] = SCHEMAS[table].empty_table()
                    continue
                data = pq.read_table(path)
                if table == "errors":
                    pairs = zip(data["source"].to_pylist(), data["code"].to_pylist())
                    mask = [(s, c) in keep_errors for s, c in pairs]
                    data = data.filter(mask) if len(data) else data
                elif len(data):
                    data = data.filter(pc.is_in(data["article_id"], value_set=_string_array(keep)))
                tables[table] = data
            m.begin()
            try:
                seq = m.next_part_seq()
                new = f"part-{seq:06d}" if keep or keep_errors else None
                if new is not None:
                    write_part(tables, self.folder, new)
                    old_records = self.folder / RECORDS_DIR / f"{old}.jsonl"
                    if old_records.exists():
                        write_lines(self.folder / RECORDS_DIR / f"{new}.jsonl",
                                            (line.rstrip("\n") for line in open(old_records, encoding="utf-8")
                                             if json.loads(line)["article_id"] in keep))
                m.replace_part(old, new, seq, len(keep), len(keep_errors),
                               {table: data.num_rows for table, data in tables.items()})
                m.commit()
            except BaseException:
                m.rollback()
                raise
            for path in self._files_of(old):
                path.unlink(missing_ok=True)

    def _forget_lost(self) -> None:
        """Settle the committed parts' missing files. A table that held no rows in the part needs
        no file. One that held rows (or may have: a part recorded before the manifest counted
        rows) lost them: the part's articles are forgotten (an ``errors`` file: its error rows),
        so that a rerun extracts them again (and writes the errors again), with one line saying
        so. Their other rows stay until then. The part's count of that table becomes 0, so it is
        said once."""
        from ..dataset import TABLE_NAMES

        m = self.manifest
        missing = m.missing_files(self.folder, TABLE_NAMES)
        if not missing:
            return
        lost: list[str] = []
        articles = errors = 0
        m.begin()
        try:
            for part, table in missing:
                rows = m.rows_of(part)
                if rows.get(table) == 0:
                    continue
                if table == "errors":
                    forgotten = m.forget_part_errors(part)
                    errors += forgotten
                else:
                    forgotten = m.forget_articles(part)
                    articles += forgotten
                if forgotten:
                    lost.append(f"{table}/{part}.parquet")
                m.set_rows(part, table, 0)
            m.commit()
        except BaseException:
            m.rollback()
            raise
        if not lost:
            return
        if self.reporter.log_json:
            self.reporter.event("lost", out=str(self.folder), files=lost, articles=articles, errors=errors)
            return
        files = ", ".join(lost[:3]) + (f" and {len(lost) - 3} more" if len(lost) > 3 else "")
        what = " and ".join(f"{n} {noun}" for n, noun in ((articles, "articles"), (errors, "error rows")) if n)
        self.reporter.line(shown(f"qpdp: {self.folder}: missing {files}: {what} forgotten; "
                                 "a rerun with their inputs extracts them again"))

    def finish(self) -> None:
        """Rewrite the parts that re-extracted articles left stale (once each, at the end: a
        forced rerun in another order would otherwise rewrite a part many times), then build what
        the format asks for from all the parts (not only this run's)."""
        if self.out is not None:
            from .. import publish

            self.compact()

            if self.options.fmt == "duckdb":
                publish.build_duckdb(self.out)
            elif self.options.fmt == "csv":
                _export_csv(self.out)
            elif self.options.fmt == "jsonl":
                self._export_jsonl()
        self.close()

    def _export_jsonl(self) -> None:
        from .. import dataset

        parts = self.manifest.parts()
        missing = [p for p in parts if not (self.folder / RECORDS_DIR / f"{p}.jsonl").exists()]
        if missing:
            self.reporter.error(ErrorRow(str(self.folder), "E004",
                                         f"cannot read: {len(missing)} parts were written without "
                                         "--format jsonl; rerun with --force to include them"))

        def lines() -> Iterator[str]:
            for part in parts:
                path = self.folder / RECORDS_DIR / f"{part}.jsonl"
                if path.exists():
                    with open(path, encoding="utf-8") as fh:
                        for line in fh:
                            yield line.rstrip("\n")

        write_lines(self.folder / dataset.JSONL_FILE, lines())
        errors = dataset.read(self.folder, tables=["errors"], fmt="parquet")["errors"]
        write_lines(self.folder / dataset.ERRORS_JSONL_FILE,
                            (json.dumps(row, ensure_ascii=False) for row in
                             errors.astype(object).where(errors.notna(), None).to_dict("records")))

    def close(self) -> None:
        self.manifest.close()
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None
        if self._lock is not None:
            self._lock.release()
            self._lock = None


class OutputLock:
    """An exclusive ``flock`` on ``OUT/.qpdp.lock`` for the whole run, so that two runs never
    write one folder at once: the second waits up to ``wait`` seconds, then raises
    :class:`OutputLocked`. The lock file holds the owner's pid (for the message). The kernel drops
    the lock when its process dies, however it dies, so a killed run never blocks the next one; and
    the next run's recovery, which deletes what no part owns, only runs under the lock, so it
    only ever deletes the files of dead runs.
    """

    def __init__(self, out: Path, wait: float = 0.0) -> None:
        self.path = out / LOCK_NAME
        self.fh = open(self.path, "a+", encoding="ascii")
        deadline = time.monotonic() + max(wait, 0.0)
        while True:
            try:
                fcntl.flock(self.fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = self._holder()
                    self.fh.close()
                    raise OutputLocked(f"{out}: the output folder is locked by another run{holder}; "
                                       "try again when it ends, or give --wait-lock SECONDS") from None
                time.sleep(min(0.1, max(deadline - time.monotonic(), 0.01)))
        self.fh.seek(0)
        self.fh.truncate()
        self.fh.write(f"{os.getpid()}\n")
        self.fh.flush()

    def _holder(self) -> str:
        try:
            self.fh.seek(0)
            pid = self.fh.read(32).strip()
        except OSError:
            return ""
        return f" (pid {pid})" if pid.isdigit() else ""

    def release(self) -> None:
        if not self.fh.closed:
            fcntl.flock(self.fh.fileno(), fcntl.LOCK_UN)
            self.fh.close()


def _string_array(values: Iterable[str]) -> Any:  # a pyarrow StringArray (pyarrow is not annotated)
    import pyarrow as pa

    return pa.array(sorted(values), type=pa.string())


def _export_csv(out: Path) -> None:
    """``OUT/<table>.csv`` from the parts, batch by batch (the dataset's quoting: every valid
    value quoted, nulls bare)."""
    import pyarrow as pa
    import pyarrow.csv as pcsv
    import pyarrow.dataset as ds

    from ..dataset import SCHEMAS, TABLE_NAMES, _csv_ready

    for name in TABLE_NAMES:
        target = out / f"{name}.csv"
        with atomic_path(target) as tmp:
            plain = _csv_ready(SCHEMAS[name].empty_table()).schema
            quoting = pcsv.WriteOptions(quoting_style="all_valid")
            with pcsv.CSVWriter(tmp, plain, write_options=quoting) as writer:
                folder = out / name
                if folder.is_dir() and any(folder.glob("*.parquet")):
                    for batch in ds.dataset(str(folder), format="parquet", schema=SCHEMAS[name]).to_batches():
                        writer.write_table(_csv_ready(pa.Table.from_batches([batch])))


# --- the run ---------------------------------------------------------------------------------

def _items(paths: Iterable[str], options: RunOptions, stdin: IO[bytes] | None,
           progress: list[int]) -> Iterator[Article | InputError]:
    """Every article or error, in input order; ``progress[0]`` counts the bytes of files read."""
    read = dataclasses.replace(options.read, progress=progress)
    for item in expand_paths(paths):
        if isinstance(item, InputError):
            yield item
        elif isinstance(item, str):  # "-": expand_paths gives no other string
            yield from read_stdin(stdin, read)
        else:
            before = progress[0]
            yield from read_file(item, read)
            try:
                progress[0] = before + item.stat().st_size
            except OSError:
                pass


def _total_bytes(paths: Iterable[str]) -> int:
    total = 0
    for item in expand_paths(paths):
        if isinstance(item, Path):
            try:
                total += item.stat().st_size
            except OSError:
                pass
    return total


@contextmanager
def _signals_raise() -> Iterator[None]:
    """SIGTERM raises :class:`_Signalled` in the run (SIGINT raises KeyboardInterrupt already), so
    that the run stops where Python is, rolls back the part in progress and reports. Only in the
    main thread (signals cannot be handled elsewhere); the previous handler comes back after."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def on_term(signum: int, frame: FrameType | None) -> NoReturn:
        raise _Signalled(signum)

    previous = signal.signal(signal.SIGTERM, on_term)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def run(paths: Iterable[str], options: RunOptions | None = None, *, output: IO[str] | None = None,
        stdin: IO[bytes] | None = None, stderr: IO[str] | None = None) -> RunSummary:
    """Extract every article under ``paths`` (files, folders, globs, ``-``) as ``options`` says.

    Returns the summary; its ``exit_code`` is 1 when some input failed (and was not acknowledged).
    Bad inputs never stop the run: each becomes an ``errors`` row and one line on ``stderr``
    (``max_errors`` stops the reading early instead). Raises :class:`OutputLocked` when another
    run holds ``options.out``, :class:`OutputError` when the output cannot be written (disk full,
    read-only), :class:`~qpdp_nlp.errors.FieldMappingError` when the field options fit no record
    of a source, and :class:`RunInterrupted` on SIGINT/SIGTERM: in every case the parts
    committed before stay, and the rest is redone next time.
    """
    options = options or RunOptions()
    try:
        with _signals_raise():
            return _run(paths, options, output=output, stdin=stdin, stderr=stderr)
    except OutputError:
        raise
    except (OSError, sqlite3.Error) as exc:
        where = options.out if options.out is not None else "output"
        if isinstance(exc, OSError) and exc.strerror:
            detail = exc.strerror + (f": {exc.filename}" if exc.filename else "")
        else:
            detail = str(exc)
        raise OutputError(f"{where}: cannot write: {detail}") from exc


def _run(paths: Iterable[str], options: RunOptions, *, output: IO[str] | None,  # noqa: C901 (one of today's listed exceptions: to shrink)
         stdin: IO[bytes] | None, stderr: IO[str] | None) -> RunSummary:
    from ..pipeline import PIPELINE_VERSION, article_id
    from ..text import normalize

    paths = list(paths)
    if options.engine not in ENGINES:
        raise ValueError(f"unknown engine {options.engine!r}; use one of {', '.join(ENGINES)}")
    if options.out is not None and options.fmt not in OUT_FORMATS:
        raise ValueError(f"unknown format {options.fmt!r}; use one of {', '.join(OUT_FORMATS)}")
    if options.out is None and output is None:
        output = sys.stdout
    version = options.pipeline_version or PIPELINE_VERSION
    summary = RunSummary()
    started = time.monotonic()
    err_stream = stderr or sys.stderr
    wants_total = options.progress or (options.progress is None and not options.quiet and not options.log_json
                                       and (getattr(err_stream, "isatty", lambda: False)() or in_notebook()))
    reporter = Reporter(options, stderr, total_bytes=_total_bytes(p for p in paths if p != "-")
                        if wants_total else 0)
    progress = reporter.progress
    reporter.event("start", paths=paths, out=str(options.out) if options.out else None, version=version,
                   engine=options.engine, workers=options.workers or os.cpu_count())
    try:
        sink = _Sink(options, version, reporter, summary, output)
    except BaseException:
        reporter.close()
        raise
    executor = None
    bytes_read = [0]
    interrupted: int | None = None
    try:
        # Look ahead a little: worker processes are not worth starting for a few articles.
        items = _items(paths, options, stdin, bytes_read)
        if options.limit is not None:
            items = _limited(items, options.limit, summary)
        head: list[Article | InputError] = []
        n_head = 0
        for item in items:
            head.append(item)
            n_head += isinstance(item, Article)
            if n_head > SMALL_RUN or len(head) > 1000:
                break
        if n_head <= SMALL_RUN and len(head) <= 1000 and options.engine == "local":
            options = dataclasses.replace(options, workers=1)
        executor = _executor(options)
        workers = getattr(executor, "slots", None) or options.workers or os.cpu_count() or 1
        max_in_flight = 2 * workers + 1
        chunk_size = max(1, min(options.chunk_size, options.batch_size))
        in_flight: dict[str, int] = {}  # ids dispatched and not yet committed
        pending: deque[tuple[_Chunk, _Future | None]] = deque()
        part_outcomes: list[tuple[str, Outcome]] = []
        part_errors: list[ErrorRow] = []

        def count_error(row: ErrorRow) -> None:
            progress.errors += 1
            if options.acknowledged and is_acknowledged(row, options.acknowledged):
                progress.acknowledged += 1

        def collect(block: bool) -> None:
            while pending and (block or len(pending) >= max_in_flight):
                chunk, future = pending.popleft()
                results = future.result() if future is not None else []
                part_errors.extend(chunk.errors)
                part_outcomes.extend(zip(chunk.ids, results))
                for _, (_record, _sig, error) in zip(chunk.ids, results):
                    if error is not None:
                        count_error(error)
                    else:
                        progress.new += 1
                progress.bytes = bytes_read[0]
                reporter.tick(force=True)
                while len(part_outcomes) >= options.batch_size:
                    flush(options.batch_size)
                if len(part_errors) >= options.batch_size:  # an input of nothing but errors
                    flush()

        def flush(size: int | None = None) -> None:
            size = len(part_outcomes) if size is None else size
            outcomes = part_outcomes[:size]
            sink.commit(outcomes, list(part_errors))
            for aid, _ in outcomes:
                left = in_flight.pop(aid, 1) - 1
                if left > 0:
                    in_flight[aid] = left
            del part_outcomes[:size]
            part_errors.clear()
            summary.seconds = time.monotonic() - started
            reporter.update(summary, bytes_read[0])
            reporter.event("part", **summary.to_dict())

        def dispatch(chunk: _Chunk) -> None:
            future = (executor.submit(extract_chunk, chunk.articles, options.dedup, options.timeout_per_article)
                      if chunk.articles else None)
            pending.append((chunk, future))
            collect(block=False)

        def too_many_errors() -> bool:
            return options.max_errors is not None and progress.errors - progress.acknowledged > options.max_errors

        chunk = _Chunk()
        for item in itertools.chain(head, items):
            if isinstance(item, InputError):
                row = ErrorRow.of(item)
                chunk.errors.append(row)
                count_error(row)
            else:
                summary.read += 1
                progress.read += 1
                text = normalize(item.text)
                if not text:
                    row = ErrorRow.of(InputError(item.source, "E001"))
                    chunk.errors.append(row)
                    count_error(row)
                else:
                    aid = article_id(text)
                    if aid in in_flight or sink.is_done(aid):
                        summary.skipped += 1
                        progress.skipped += 1
                    else:
                        in_flight[aid] = in_flight.get(aid, 0) + 1
                        chunk.articles.append(item)
                        chunk.ids.append(aid)
            if len(chunk.articles) >= chunk_size or len(chunk.errors) >= chunk_size:
                dispatch(chunk)
                chunk = _Chunk()
            else:
                progress.bytes = bytes_read[0]
                reporter.tick()
            if too_many_errors():
                summary.stopped = f"--max-errors {options.max_errors}"
                break
        if chunk.articles or chunk.errors:
            dispatch(chunk)
        collect(block=True)
        if too_many_errors() and not summary.stopped:
            summary.stopped = f"--max-errors {options.max_errors}"
        if part_outcomes or part_errors:
            flush()
        sink.finish()
    except KeyboardInterrupt:
        interrupted = signal.SIGINT
    except _Signalled as exc:
        interrupted = exc.signum
    finally:
        if executor is not None:
            if interrupted is not None:
                _abandon(executor)
            else:
                executor.shutdown()
        sink.close()
        reporter.update(summary, bytes_read[0])
        reporter.close()
    summary.seconds = time.monotonic() - started
    target = (str(options.out) + os.sep) if options.out is not None else None
    if interrupted is not None:
        stop = RunInterrupted(interrupted, summary.articles)
        reporter.event("interrupted", signal=signal.Signals(interrupted).name, **summary.to_dict(),
                       exit_code=stop.exit_code)
        if not reporter.log_json:
            reporter.line(f"qpdp: {stop}")
        raise stop
    if summary.stopped and not reporter.log_json:
        reporter.line(f"qpdp: stopped reading after {progress.errors - progress.acknowledged:,} errors "
                      f"({summary.stopped}); what was read before is committed")
    reporter.summary_line(summary, target)
    reporter.event("end", **summary.to_dict(), exit_code=summary.exit_code)
    return summary


def _abandon(executor: Executor) -> None:
    """Stop an executor at once after a signal: the chunks in flight are dropped (their articles
    were not committed, so the next run does them)."""
    from concurrent.futures import ProcessPoolExecutor

    if isinstance(executor, ProcessPoolExecutor):
        processes = list((getattr(executor, "_processes", None) or {}).values())
        executor.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            process.terminate()
    else:
        executor.shutdown()


def _limited(items: Iterator[SourceItem], limit: int, summary: RunSummary) -> Iterator[SourceItem]:
    """The items until ``limit`` articles have been read (errors on the way pass through)."""
    n = 0
    for item in items:
        if n >= limit:
            summary.stopped = f"--limit {limit}"
            return
        yield item
        n += isinstance(item, Article)
