"""The ``qpdp`` command: a thin door to the library.

Exit codes (``qpdp_nlp.ingest.batch.EXIT_*``, docs/batch.md):

0    all went well (acknowledged errors aside)
1    some inputs failed (each has an errors row and one line on stderr)
2    usage error: a bad option, an input path that does not exist, field options that fit no
     record of a source
3    the output could not be written: disk full, read-only or missing folder, ``--out`` not a folder
4    ``--out`` is locked by another run (after ``--wait-lock`` seconds)
130  interrupted by SIGINT (Ctrl-C); 143: by SIGTERM. The parts committed before stay; rerun to continue

Error lines are ``qpdp: <source>: <reason>``, always one line: newlines, control characters and
terminal escapes in names are shown escaped (``\\n``, ``\\x1b``), as are bytes of a file name that
are not UTF-8 (``\\xff``).
"""

from __future__ import annotations

import glob
import json
import os
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import click

from .atomic import atomic_open

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def _warn(message: str) -> None:
    click.echo(f"qpdp: {message}", err=True)


@contextmanager
def atomic_output(path: str | None, mode: str = "w") -> Iterator[IO[Any]]:
    """Yield a file to write; with a path, write a temporary file beside it and rename at the end,
    so a reader never sees half a file. ``None`` or ``-`` is stdout."""
    if path in (None, "-"):
        yield sys.stdout
        sys.stdout.flush()
        return
    with atomic_open(path, mode) as fh:
        yield fh


class QpdpGroup(click.Group):
    """The command group: Ctrl-C anywhere ends with exit 130 and one line, not click's
    "Aborted!" and exit 1 (the code of "some inputs failed")."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            _warn("interrupted by SIGINT")
            sys.exit(128 + signal.SIGINT)


def _version_message() -> str:
    from . import info

    facts = info()
    return (f"qpdp {facts['qpdp_nlp']} (pipeline {facts['pipeline_version']}, underthesea "
            f"{facts['underthesea']}, gazetteer {facts['gazetteer']}); 'qpdp info' says more")


def _print_version(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        click.echo(_version_message())
        ctx.exit()


@click.group(cls=QpdpGroup, context_settings=CONTEXT_SETTINGS)
@click.option("-V", "--version", is_flag=True, expose_value=False, is_eager=True, callback=_print_version,
              help="Show the version of the package, the pipeline, underthesea and the gazetteer, and exit.")
def cli() -> None:
    """Structured facts from Vietnamese local-defence news.

    \b
    Example:
      qpdp extract corpora/samples -o facts.jsonl
      zcat dump.jsonl.gz | qpdp extract - --text-field body --out dataset
      qpdp eval ../shared/corpus/dev ../shared/corpus/seed
      qpdp info
    """


@cli.command("info")
@click.option("--json", "as_json", is_flag=True, help="Print the facts as one JSON object.")
def info_cmd(as_json: bool) -> None:
    """Print what this installation extracts with: the package, pipeline, data and model
    versions, the gazetteer edition and the underthesea and spaCy versions (say them in a bug
    report; a dataset's pipeline_version column names the same pipeline).

    \b
    Example:
      qpdp info
      qpdp info --json
    """
    from . import info

    facts = info()
    if as_json:
        click.echo(json.dumps(facts, ensure_ascii=False, indent=2))
        return
    width = max(len(k) for k in facts)
    for key, value in facts.items():
        if isinstance(value, dict):
            value = ", ".join(f"{k} {v}" for k, v in value.items())
        click.echo(f"{key.ljust(width)}  {value}")


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("-o", "--output", "output", default=None, metavar="FILE",
              help="Write JSON Lines here instead of stdout (written whole or not at all).")
@click.option("--no-text", is_flag=True, help="Leave the article text out of each JSON object.")
@click.option("--out", "out_dir", default=None, metavar="DIR", type=click.Path(file_okay=False),
              help="Write the dataset here (Parquet parts + manifest); reruns add only new articles.")
@click.option("--format", "fmt", type=click.Choice(["parquet", "csv", "duckdb", "jsonl"]), default=None,
              help="With --out: also build this layout at the end (default parquet).")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Worker processes (default: the number of cores).")
@click.option("--batch-size", type=click.IntRange(min=1), default=1000, show_default=True,
              help="Articles per committed part.")
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True)
@click.option("--scheduler", default=None, metavar="ADDRESS",
              help="Dask scheduler address (tcp://host:8786); default: a local cluster.")
@click.option("--force", is_flag=True, help="Re-extract articles the manifest already has.")
@click.option("--quiet", is_flag=True, help="No progress display.")
@click.option("--log-json", is_flag=True, help="One JSON object per event on stderr (for scheduled jobs).")
@click.option("--max-chars", type=click.IntRange(min=1), default=2_000_000, show_default=True,
              help="Longer inputs are refused (an errors row).")
@click.option("--text-field", default="text", show_default=True, help="JSON/CSV/Parquet field with the text.")
@click.option("--id-field", default="id", show_default=True, help="Field naming the record in its source.")
@click.option("--title-field", default="title", show_default=True)
@click.option("--date-field", default="date", show_default=True, help="Publication date (else 'published').")
@click.option("--url-field", default="url", show_default=True, help="Page URL (else 'link').")
@click.option("--only-defense", is_flag=True,
              help="Write facts only for articles the classifier finds about defence (others keep their row).")
@click.option("--min-defense-probability", type=click.FloatRange(0, 1), default=None, metavar="P",
              help="Write facts only for articles with defence probability >= P.")
@click.option("--no-dedup", is_flag=True, help="Do not look for near-duplicate articles.")
@click.option("--wait-lock", type=click.FloatRange(min=0), default=0, show_default=True, metavar="SECONDS",
              help="With --out: wait this long for another run's lock on DIR, then exit 4.")
@click.option("--timeout-per-article", type=click.FloatRange(min=0, min_open=True), default=None,
              metavar="SECONDS", help="Give up an article's extraction after this long (an errors row).")
@click.option("--format-in", "format_in", type=click.Choice(["auto", "jsonl", "csv", "warc", "html", "text"]),
              default="auto", show_default=True,
              help="What stdin holds when its first bytes cannot tell (CSV); gzip/zstd is always detected.")
@click.option("--csv-delimiter", default=None, metavar="CHAR",
              help="CSV field delimiter (default: sniffed from the first lines: , ; tab |).")
@click.option("--limit", type=click.IntRange(min=1), default=None, metavar="N",
              help="Read only the first N articles (a dry run on a sample).")
@click.option("--max-errors", type=click.IntRange(min=0), default=None, metavar="N",
              help="Stop reading after more than N errors (acknowledged ones aside); exit 1.")
@click.option("--acknowledged-errors", "ack_file", default=None, metavar="FILE",
              type=click.Path(exists=True, dir_okay=False),
              help="Known bad inputs, one source pattern a line (optionally a code): still listed, "
                   "no longer exit 1.")
@click.option("--progress/--no-progress", "progress", default=None,
              help="Force the progress display on or off (default: on a terminal, unless --quiet).")
def extract(paths: tuple[str, ...], output: str | None, no_text: bool, out_dir: str | None, fmt: str | None,
            workers: int | None, batch_size: int, engine: str, scheduler: str | None, force: bool,
            quiet: bool, log_json: bool, max_chars: int, text_field: str, id_field: str, title_field: str,
            date_field: str, url_field: str, only_defense: bool, min_defense_probability: float | None,
            no_dedup: bool, wait_lock: float, timeout_per_article: float | None, format_in: str,
            csv_delimiter: str | None, limit: int | None, max_errors: int | None, ack_file: str | None,
            progress: bool | None) -> None:
    """Extract facts from articles: .txt/.md, .html, .warc(.gz), .jsonl(.gz)/.json, .csv,
    .parquet files, folders (recursive), globs, or - for stdin.

    Without --out: one JSON object per article (JSON Lines) on stdout or in -o FILE. With --out
    DIR: the dataset as Parquet parts (and CSV, DuckDB or JSON Lines with --format), with a
    manifest so that a rerun extracts only new articles and a killed run loses nothing. stdin
    is streamed record by record, gzip or zstd decompressed. A bad input gives an errors row
    and one line on stderr; the others are still extracted, and the exit code is 1. Exit 2: a
    usage error (an input path that does not exist, field options that fit no record: the keys
    found are listed). Exit 3: the output could not be written (disk full, read-only); exit 4:
    another run holds --out (a lock; --wait-lock waits for it); 130/143: interrupted by
    SIGINT/SIGTERM, the parts committed stay (rerun to continue). See docs/batch.md.

    \b
    Example:
      qpdp extract corpora/samples -o facts.jsonl
      cat article.txt | qpdp extract -
      zcat dump.jsonl.gz | qpdp extract - --text-field body --date-field pub_date --out dataset
      qpdp extract export.csv --csv-delimiter ';' --limit 20 -o sample.jsonl
      qpdp extract archive/ --out dataset --format duckdb --workers 2 --max-errors 100
      qpdp extract dump.jsonl.gz --text-field body --out dataset --engine dask --scheduler tcp://sched:8786
    """
    from .errors import FieldMappingError
    from .ingest.batch import (
        EXIT_CANNOT_WRITE,
        EXIT_USAGE,
        OutputError,
        RunInterrupted,
        RunOptions,
        read_acknowledged,
        run,
    )
    from .ingest.names import shown
    from .ingest.sources import Fields, ReadOptions

    missing = [p for p in paths if p != "-" and not os.path.lexists(p) and not glob.has_magic(p)]
    if missing:
        raise click.BadParameter(f"no such file or folder: {', '.join(shown(p) for p in missing)}",
                                 param_hint="PATHS")
    if paths.count("-") > 1:
        raise click.BadParameter("'-' (stdin) given more than once", param_hint="PATHS")
    if csv_delimiter in ("\\t", "tab", "TAB"):
        csv_delimiter = "\t"
    if csv_delimiter is not None and len(csv_delimiter) != 1:
        raise click.BadParameter("give one character, e.g. ';' or '\\t'", param_hint="--csv-delimiter")
    if out_dir is None and fmt not in (None, "jsonl"):
        raise click.UsageError("--format needs --out DIR (without it the output is JSON Lines)")
    if out_dir is not None and output is not None:
        raise click.UsageError("give either -o FILE (JSON Lines) or --out DIR (a dataset), not both")
    if scheduler and engine != "dask":
        raise click.UsageError("--scheduler needs --engine dask")
    options = RunOptions(
        out=Path(out_dir) if out_dir else None, fmt=fmt or "parquet", workers=workers, batch_size=batch_size,
        engine=engine, scheduler=scheduler, force=force, quiet=quiet, log_json=log_json,
        read=ReadOptions(fields=Fields(text=text_field, id=id_field or None, title=title_field or None,
                                       date=date_field or None, url=url_field or None), max_chars=max_chars,
                         stdin_format=format_in, csv_delimiter=csv_delimiter),
        only_defense=only_defense, min_defense_probability=min_defense_probability, with_text=not no_text,
        dedup=not no_dedup, wait_lock=wait_lock, timeout_per_article=timeout_per_article, limit=limit,
        max_errors=max_errors, acknowledged=read_acknowledged(ack_file) if ack_file else (), progress=progress)
    try:
        if out_dir is None:
            with atomic_output(output) as out:
                summary = run(paths, options, output=out)
        else:
            summary = run(paths, options)
    except FieldMappingError as exc:
        if log_json:  # the event stream still ends with an event
            click.echo(json.dumps({"event": "usage_error", "code": exc.code, "reason": str(exc),
                                   "exit_code": EXIT_USAGE}, ensure_ascii=False), err=True)
        else:
            _warn(shown(str(exc)))
        sys.exit(EXIT_USAGE)
    except RunInterrupted as exc:
        sys.exit(exc.exit_code)  # the run has said what it committed
    except OutputError as exc:
        _warn(shown(str(exc)))
        sys.exit(exc.exit_code)
    except OSError as exc:  # -o FILE could not be written
        _warn(shown(f"{output or 'stdout'}: cannot write: {exc.strerror or exc}"))
        sys.exit(EXIT_CANNOT_WRITE)
    if summary.exit_code:
        sys.exit(summary.exit_code)


@cli.command("eval")
@click.argument("gold_paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
@click.option("--misses", "misses_field", default=None, metavar="FIELD",
              help="Also print every miss of FIELD (e.g. persons_ranked, counts, units, cells, "
                   "context_indicator), or 'all'.")
@click.option("--era", type=click.Choice(["2025", "legacy"]), default=None,
              help="Only items published on/after 1 July 2025 (2025) or before it (legacy); "
                   "items with no published date are left out of both.")
def eval_cmd(gold_paths: tuple[str, ...], as_json: bool, misses_field: str | None, era: str | None) -> None:
    """Score the pipeline against gold: folders of ID.txt + ID.json pairs, .jsonl scope labels
    (or a folder of them) and .jsonl count contexts, each told apart by its fields.

    Precision/recall/F1 per fact field and of the comparison cells (with the loss at each step
    and what-if rates), accuracy of scope, year, topic and the fields of matched facts (also on
    the post-reform items alone), and the indicator of each count context; the matching rules
    are in qpdp_nlp.evaluate's documentation. Label pages have no fact gold: they count only in
    the scope, year, topic and relevance fields.

    \b
    Example:
      qpdp eval ../shared/corpus/dev ../shared/corpus/seed
      qpdp eval ../shared/corpus/dev2 --era 2025 --misses cells
      qpdp eval ../shared/corpus/scope
      qpdp eval ../shared/corpus/indicators/contexts.jsonl --misses context_indicator
    """
    from .errors import QpdpError
    from .evaluate import evaluate, miss_line

    try:
        report, _ = evaluate(gold_paths, era=era)
    except QpdpError as exc:
        raise click.ClickException(str(exc)) from None
    misses = [m for m in report.all_misses() if misses_field in ("all", m["field"])] if misses_field else []
    if as_json:
        data = report.to_dict()
        if misses_field:
            data["misses"] = misses
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    click.echo(report.table())
    if misses:
        click.echo("")
    for m in misses:
        click.echo(miss_line(m))


@cli.command()
@click.option("--model-dir", type=click.Path(file_okay=False), default=None,
              help="Where to write the models (default: the package's own models/ folder).")
@click.option("--shared", type=click.Path(exists=True, file_okay=False), default=None,
              help="The shared/ folder with the gold and leads corpora (default: ../shared beside the checkout).")
@click.option("--only", multiple=True, help="Train only this model (repeatable).")
def train(model_dir: str | None, shared: str | None, only: tuple[str, ...]) -> None:
    """Rebuild the shipped models deterministically from the repo's data (and shared/, if there).

    \b
    Example:
      qpdp train
      qpdp train --only indicator --model-dir /tmp/models
    """
    from .classify.training import MODEL_DIR, default_shared, train_all

    results = train_all(Path(model_dir) if model_dir else MODEL_DIR,
                        shared=Path(shared) if shared else default_shared(), only=list(only) or None)
    click.echo(json.dumps(results, ensure_ascii=False, indent=2))


@cli.command()
@click.argument("dataset", type=click.Path(exists=True))
@click.option("--indicator", "indicators", multiple=True, metavar="KEY",
              help="Only this indicator (repeatable), e.g. enlisted, qpan_training, enlistment_target_pct.")
@click.option("--year", "years", multiple=True, type=int, help="Only this year (repeatable).")
@click.option("--province", "provinces", multiple=True,
              help="Only this province (repeatable), e.g. 'Bắc Kạn' or 'bac kan' (diacritics and case ignored).")
@click.option("--district", "districts", multiple=True,
              help="Only this district, or the defence zone that continues it (repeatable; diacritics ignored).")
@click.option("--by", type=click.Choice(["district", "province", "zone", "commune"]), default="district",
              show_default=True,
              help="Compare districts (defence zones beside them), provinces, defence zones or communes.")
@click.option("--era", type=click.Choice(["legacy", "2025"]), default=None,
              help="Regroup on one map: 'legacy' (before 1 July 2025) or '2025' (34 provinces, defence "
                   "zones). Default: each article on the map of its date.")
@click.option("--min-confidence", type=click.FloatRange(0, 1), default=None, metavar="P",
              help="Mark cells whose confidence is below P ('?'; kept, never dropped).")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "markdown", "html"]), default="table",
              show_default=True, help="How to print the comparison.")
@click.option("-o", "--output", default=None, metavar="FILE", help="Write the comparison here instead of stdout.")
@click.option("--limit", type=click.IntRange(min=1), default=None, metavar="N",
              help="Show at most N rows (and their provenance) in table, markdown and html.")
@click.option("--no-provenance", is_flag=True, help="Leave the provenance lines out of the table.")
@click.option("--plot", "plot_path", default=None, metavar="FILE.png",
              help="Also draw one indicator: bars per place for one year, lines across years.")
@click.option("--map", "map_path", default=None, metavar="FILE.png",
              help="Also draw a choropleth of the provinces (tile map, both maps) for one indicator, "
                   "districts and communes as symbols.")
@click.option("--geojson", "geojson_path", default=None, metavar="FILE.geojson",
              help="Also write the comparison as GeoJSON points.")
def compare(dataset: str, indicators: tuple[str, ...], years: tuple[int, ...], provinces: tuple[str, ...],
            districts: tuple[str, ...], by: str, era: str | None, min_confidence: float | None, fmt: str,
            output: str | None, limit: int | None, no_provenance: bool, plot_path: str | None,
            map_path: str | None, geojson_path: str | None) -> None:
    """Compare an indicator across places and years, with the article spans behind each value.

    DATASET is a folder written by 'qpdp extract --out' (Parquet, CSV or DuckDB), a .duckdb file
    or a JSON Lines file of records.

    \b
    De-duplication rule:
      1. copies (duplicate_of set) and articles not about defence are skipped; so are
         counts without a value, indicator or counted noun, and indicator 'other'
         unless asked for;
      2. a cell is place x year x indicator x measure; year = the count's own year,
         else report_year, else year published; --by district uses articles about a
         district (not a single commune; defence zones beside them, labelled), --by zone
         defence zones (Ban Chỉ huy Phòng thủ khu vực), --by commune communes and wards,
         --by province only province-level articles; the measure is what is counted
         (người, lớp, xã, đồng ...; "%" for percentages): unlike never add up;
      3. within one article, counts of an additive indicator are summed, except a value
         repeated and the parts of a total ("trong đó có 21 đảng viên", or parts that
         add up to another count);
         a percentage is never summed: the first one is taken, and different ones are
         listed as a conflict;
      4. across articles, one value reported by several articles counts once; different
         values are a conflict: listed with their spans, never summed, value left empty.
      A rounded mention ("hơn 300") and an exact value within 10% ("312") agree.

    \b
    Two maps (the reform of 1 July 2025):
      --era 2025: a legacy district continues as the defence zone that bears its
         name (approximate, its own row beside the zone's); with --by province,
         legacy provinces and districts regroup into their 2025 province: a legacy
         province's own figure, else all its districts; an additive indicator is
         summed only when every part has a value that year, otherwise the cell is
         incomplete and its parts listed (never a partial sum); percentages of
         several parts are never summed; a province's total never meets a district's;
      --era legacy: the old map; a zone continues the district it is named after;
         what has no legacy place (a merged province's report) is listed, not placed.
    Confidence: a cell's is the highest of its counts' (unknown if none has one);
    --min-confidence P marks weaker cells with '?' in the text and charts.

    \b
    Example:
      qpdp compare out --indicator enlisted --year 2023
      qpdp compare out --by province --era 2025 --indicator enlisted --plot thai-nguyen.png
      qpdp compare out --by zone --era 2025 --min-confidence 0.6
      qpdp compare out --province "bac kan" --format markdown -o bac-kan.md
      qpdp compare out --indicator enlisted --plot enlisted.png --map enlisted-map.png
      qpdp compare out --limit 40 --no-provenance
      qpdp compare out --format csv -o comparison.csv --geojson comparison.geojson
    """
    from .compare import compare as run_compare
    from .records import INDICATORS

    unknown = [k for k in indicators if k not in INDICATORS]
    if unknown:
        raise click.BadParameter(f"unknown {', '.join(unknown)}; use one of {', '.join(INDICATORS)}",
                                 param_hint="--indicator")
    try:
        result = run_compare(dataset, indicators=indicators or None, years=years or None,
                             provinces=provinces or None, districts=districts or None, by=by, era=era,
                             min_confidence=min_confidence)
    except ValueError as exc:  # NoMatch names the closest places
        raise click.ClickException(str(exc)) from None
    with atomic_output(output) as out:
        out.write(result.render(fmt, limit=limit, provenance=not no_provenance).rstrip("\n") + "\n")
    if geojson_path:
        from .publish import write_geojson

        click.echo(f"geojson: {write_geojson(result.table(), geojson_path)}", err=True)
    if not (plot_path or map_path):
        return
    from .plots import PlotError, plot_comparison, plot_map  # matplotlib only when a chart is asked for

    indicator = indicators[0] if len(indicators) == 1 else None
    year = years[0] if len(years) == 1 else None
    try:
        if plot_path:
            if indicator is None and len(result.indicators()) > 1:
                _warn(f"--plot draws one indicator: '{result.indicators()[0]}' (choose with --indicator)")
            click.echo(f"chart: {plot_comparison(result, plot_path, indicator=indicator, year=year)}", err=True)
        if map_path:
            click.echo(f"map: {plot_map(result, map_path, indicator=indicator, year=year)}", err=True)
    except PlotError as exc:
        raise click.ClickException(str(exc)) from None


@cli.command("export")
@click.argument("dataset", type=click.Path(exists=True))
@click.argument("out_dir", type=click.Path(file_okay=False))
@click.option("--format", "fmt", type=click.Choice(["sqlite", "csv", "duckdb", "parquet"]), default="sqlite",
              show_default=True, help="The layout to write.")
def export_cmd(dataset: str, out_dir: str, fmt: str) -> None:
    """Rewrite a dataset in another layout, with its comparison table: sqlite (keys, full-text
    search, views, datasette metadata.json), csv (with a Frictionless datapackage.json), duckdb
    or parquet.

    \b
    Example:
      qpdp export out/demo out/share --format sqlite
      datasette out/share/qpdp.sqlite -m out/share/metadata.json
      qpdp export out/demo out/csv --format csv
    """
    from .publish import export

    try:
        written = export(dataset, out_dir, fmt)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    for path in written:
        click.echo(str(path))


@cli.command("report")
@click.argument("dataset", type=click.Path(exists=True))
@click.option("-o", "--output", default="report.html", show_default=True, metavar="FILE.html",
              help="The report: one self-contained HTML file (no network needed to view it).")
@click.option("--indicator", "indicators", multiple=True, metavar="KEY", help="Only this indicator (repeatable).")
@click.option("--province", "provinces", multiple=True, help="Only this province (repeatable; diacritics ignored).")
@click.option("--by", type=click.Choice(["district", "province", "zone", "commune"]), default="district",
              show_default=True, help="The places compared in the table and charts.")
@click.option("--era", type=click.Choice(["legacy", "2025"]), default=None, help="Regroup on one map.")
@click.option("--min-confidence", type=click.FloatRange(0, 1), default=None, metavar="P",
              help="Mark cells whose confidence is below P.")
@click.option("--title", default=None, help="The report's title.")
def report_cmd(dataset: str, output: str, indicators: tuple[str, ...], provinces: tuple[str, ...], by: str,
               era: str | None, min_confidence: float | None, title: str | None) -> None:
    """Write an HTML report an analyst can send: the comparison table (sortable), the charts and
    the map, and for each cell its evidence — the sentence of each article with the figure
    highlighted, its URL, the values that conflict and why a figure was not added.

    Every string from the articles is escaped; the charts are embedded as images, so the file
    opens anywhere without a network.

    \b
    Example:
      qpdp report out/demo -o out/demo/report.html
      qpdp report out --indicator enlisted --by province --era 2025 -o enlisted.html
    """
    from .report import write_report

    try:
        path = write_report(dataset, output, indicators=indicators or None, provinces=provinces or None,
                            by=by, era=era, min_confidence=min_confidence, title=title)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"report: {path}", err=True)


def main() -> None:
    cli(prog_name="qpdp")


if __name__ == "__main__":
    main()
