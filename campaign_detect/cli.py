"""The `campaign-detect` command line: click commands over the library, no logic here."""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar
from zoneinfo import ZoneInfo

import click
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from campaign_detect._version import __version__
from campaign_detect.config import ScanConfig
from campaign_detect.errors import CampaignDetectError, InputError
from campaign_detect.load import (
    EXPORT_FORMATS,
    SUPPORTED_FORMATS,
    LoadedPosts,
    load_posts,
    remote_path,
)
from campaign_detect.progress import ProgressCallback
from campaign_detect.report.output import Output, check_output, emit
from campaign_detect.report.render import (
    EXPLAIN_FORMATS,
    INSPECT_FORMATS,
    SCAN_FORMATS,
    SIGNAL_FORMATS,
    display_zone,
    in_zone,
    render_bursts,
    render_explain,
    render_inspect,
    render_scan,
    render_templates,
)
from campaign_detect.report.saved import read_saved_run, saved_network, saved_run_or_none
from campaign_detect.signals import ENGINES
from campaign_detect.synth import MIXES

if TYPE_CHECKING:
    import polars as pl

    from campaign_detect.pipeline import ScanResult

F = TypeVar("F", bound=Callable[..., Any])

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class BadInput(click.ClickException):
    """Bad input or options found by the library: exit code 2, like a usage error."""

    exit_code = 2


class _Terminated(Exception):
    """SIGTERM arrived: unwinds like Ctrl-C, so that no partial output file is left."""


def _on_sigterm(_signum: int, _frame: Any) -> None:
    raise _Terminated


class _Group(click.Group):
    """Maps library errors to exit codes in one place: input 2, runtime 1, Ctrl-C 130,
    SIGTERM 143."""

    def invoke(self, ctx: click.Context) -> Any:
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, _on_sigterm)
        try:
            return super().invoke(ctx)
        except InputError as exc:
            raise BadInput(str(exc)) from exc
        except CampaignDetectError as exc:
            raise click.ClickException(str(exc)) from exc
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except KeyboardInterrupt:
            _stderr().print("interrupted; no output was written", markup=False)
            raise click.exceptions.Exit(130) from None
        except _Terminated:
            _stderr().print("terminated; no output was written", markup=False)
            raise click.exceptions.Exit(143) from None
        except BrokenPipeError:
            sys.stderr.close()  # the reader went away (| head); nothing left to say
            raise click.exceptions.Exit(1) from None
        except Exception as exc:
            if ctx.obj and ctx.obj.get("debug"):
                raise
            raise click.ClickException(
                f"unexpected error: {type(exc).__name__}: {exc} "
                "(rerun with --debug for the traceback)"
            ) from exc


def _stderr() -> Console:
    """stderr for notices: one unwrapped line each (log files and pipes keep them whole)."""
    return Console(stderr=True, highlight=False, soft_wrap=True)


@contextmanager
def _progress(quiet: bool) -> Iterator[ProgressCallback | None]:
    """A rich progress display on stderr, only for a person at a terminal."""
    console = _stderr()
    if quiet or not console.is_terminal:
        yield None
        return
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as bar:
        tasks: dict[str, Any] = {}

        def callback(stage: str, done: int, total: int | None) -> None:
            if "scan" not in tasks:
                tasks["scan"] = bar.add_task(stage, total=total)
            bar.update(tasks["scan"], description=stage, completed=done, total=total)

        yield callback


def _columns(account: str | None, time: str | None, text: str | None, id_: str | None) -> dict:
    chosen = {"account": account, "ts": time, "text": text, "post_id": id_}
    return {k: v for k, v in chosen.items() if v}


def input_options(func: F) -> F:
    """Options every command that reads posts shares."""
    for option in reversed(
        [
            click.argument("inputs", nargs=-1, required=True, metavar="INPUT..."),
            click.option(
                "--input-format",
                type=click.Choice([*SUPPORTED_FORMATS, *EXPORT_FORMATS], case_sensitive=False),
                help="Read every input as this file format instead of guessing from the "
                "extension (needed for stdin, '-'), or as this platform export instead of "
                "recognising it by its shape (see docs/input.md).",
            ),
            click.option(
                "--delimiter",
                metavar="CHAR",
                help="CSV field separator (e.g. ';'). Default: sniffed from the header line.",
            ),
            click.option(
                "--encoding",
                metavar="NAME",
                help="Text encoding of the files, e.g. cp1252 or latin-1. Default: UTF-8 "
                "(UTF-16 is recognised by its byte-order mark).",
            ),
            click.option(
                "--time-format",
                metavar="STRFTIME",
                help="Read every time with this format, e.g. '%d/%m/%Y %H:%M' "
                "(%Z reads WIB, EDT, ...).",
            ),
            click.option(
                "--dayfirst/--monthfirst",
                default=None,
                help="Read 05/09/2023 as 5 September (--dayfirst) or May 9 (--monthfirst). "
                "Default: from the dates in the column; an error when they leave it open.",
            ),
            click.option(
                "--merge-platforms",
                is_flag=True,
                help="Treat the same handle on two platforms as one account (default: "
                "tiktok:budi and twitter:budi are two).",
            ),
            click.option(
                "--tz",
                metavar="ZONE",
                help="Time zone of times written without one (e.g. Asia/Jakarta). "
                "Default: UTC, with a notice.",
            ),
            click.option(
                "--strict",
                is_flag=True,
                help="Stop with an error on any unreadable row instead of skipping and "
                "counting it.",
            ),
            click.option("--account-col", metavar="COL", help="Column holding the account."),
            click.option("--time-col", metavar="COL", help="Column holding the post time."),
            click.option("--text-col", metavar="COL", help="Column holding the post text."),
            click.option("--id-col", metavar="COL", help="Column holding the post id."),
            click.option("-q", "--quiet", is_flag=True, help="No progress or notices on stderr."),
        ]
    ):
        func = option(func)
    return func


def _load(
    options: dict[str, Any], keep_columns: tuple[str, ...] = (), spark: Any = None
) -> LoadedPosts:
    """Load the inputs (those on a cluster's file systems fetched through the Spark session
    `spark`), then tell stderr what was read, rejected and deduplicated."""
    with _progress(options["quiet"]) as progress:
        load = partial(
            load_posts,
            input_format=options["input_format"],
            columns=_columns(
                options["account_col"], options["time_col"], options["text_col"], options["id_col"]
            ),
            tz=options["tz"],
            strict=options["strict"],
            keep_columns=keep_columns,
            progress=progress,
            delimiter=options["delimiter"],
            encoding=options["encoding"],
            time_format=options["time_format"],
            dayfirst=options["dayfirst"],
            merge_platforms=options["merge_platforms"],
        )
        if spark is None:
            loaded = load(list(options["inputs"]))
        else:
            from campaign_detect.signals.spark import load_through_spark

            loaded = load_through_spark(spark, list(options["inputs"]), load)
    if not options["quiet"]:
        err = _stderr()
        s = loaded.stats
        err.print(
            f"read {s.rows_read} rows: kept {s.rows_kept}, rejected {s.rows_rejected}, "
            f"duplicates dropped {s.rows_deduplicated}",
            markup=False,
        )
        for notice in s.notices:
            err.print(f"notice: {notice}", markup=False)
    return loaded


def output_option(func: F) -> F:
    """``-o/--output FILE``: checked before any work, written atomically."""
    return click.option(
        "-o",
        "--output",
        type=click.Path(dir_okay=False),
        help="Write to this file instead of stdout (never one of the inputs).",
    )(func)


def format_option(formats: tuple[str, ...], help_text: str) -> Callable[[F], F]:
    """``--format`` with these choices, ``table`` first and the default."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(formats),
        default=formats[0],
        show_default=True,
        help=help_text,
    )


def _checked(options: dict[str, Any], output: str | None) -> str | None:
    """The output path, checked against the inputs before anything is read."""
    if output is not None:
        check_output(output, options["inputs"])
    return output


@click.group(cls=_Group, context_settings=CONTEXT_SETTINGS)
@click.version_option(__version__, "-V", "--version", prog_name="campaign-detect")
@click.option("--debug", is_flag=True, help="Show the full traceback of unexpected errors.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Find coordinated hashtag campaigns in social-media posts, with the evidence.

    Start with `inspect` on an unknown file, then `scan` it.

    \b
    Examples:
      campaign-detect inspect fixtures/kami_umkm_sample.csv
      campaign-detect scan fixtures/kami_umkm_sample.csv
      campaign-detect scan fixtures/kami_umkm_sample.csv --format json
    """
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug


@cli.command()
@input_options
@format_option(
    INSPECT_FORMATS,
    "table for reading; json (the input block of scan's JSON plus top lists) for scripts.",
)
@output_option
@click.option(
    "--top",
    type=click.IntRange(1),
    default=10,
    show_default=True,
    help="How many hashtags, mentions and accounts to list.",
)
def inspect(fmt: str, output: str | None, top: int, **options: Any) -> None:
    """Show how a file was read: format, column mapping, row accounting, time span and the
    most frequent hashtags, mentions and accounts. The first thing to run on an unknown file.

    \b
    Examples:
      campaign-detect inspect fixtures/kami_umkm_sample.csv
      campaign-detect inspect 'exports/*.jsonl.gz' --account-col author.username
      campaign-detect inspect posts.csv --tz Asia/Jakarta --format json -o input.json
    """
    from campaign_detect.describe import describe_posts

    output = _checked(options, output)
    emit(render_inspect(describe_posts(_load(options), top=top), fmt), output)


class Moment(click.ParamType):
    """A time for ``--since``/``--until``: ISO 8601 with or without an offset (``Z``,
    ``+07:00``; none means UTC), or a plain date, which means the whole day: its first
    moment for ``--since``, its last for ``--until`` (so ``--since D --until D`` is day D)."""

    name = "time"

    def __init__(self, *, end_of_day: bool) -> None:
        self.end_of_day = end_of_day

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None):
        if isinstance(value, datetime):
            return value
        text = str(value).strip()
        try:
            if len(text) == 10:  # a plain date
                day = date.fromisoformat(text)
                moment = datetime.combine(day, time.max if self.end_of_day else time.min)
            else:
                moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            self.fail(
                f"{text!r} is not a time; use 2023-09-21, 2023-09-21T08:00 or "
                "2023-09-21T08:00+07:00",
                param,
                ctx,
            )
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def setting_help(name: str, extra: str = "") -> str:
    """The help of a `ScanConfig` setting with its default, read from the config itself."""
    spec = ScanConfig.__dataclass_fields__[name]
    default = spec.default
    shown = " ".join(default) if isinstance(default, tuple) else default
    suffix = f" [default: {shown}]" if default not in (None, ()) else ""
    return spec.metadata["help"] + extra + suffix


def setting_option(flag: str, name: str, **kwargs: Any) -> Callable[[F], F]:
    """An option for the `ScanConfig` setting `name`: help and default from the config
    (the option itself defaults to None: not given, so a TOML file's value stands)."""
    return click.option(flag, name, help=setting_help(name, kwargs.pop("extra", "")), **kwargs)


window_option = setting_option("--window", "window", metavar="DURATION")
object_option = setting_option(
    "--object", "extra_objects", multiple=True, metavar="COL", extra=" Repeatable."
)


def scan_options(func: F) -> F:
    """Settings of the detection: each a `ScanConfig` field of the same name."""
    for option in reversed(
        [
            click.option(
                "--config",
                "config_file",
                type=click.Path(exists=True, dir_okay=False),
                help="TOML file of settings (the names of docs/settings.md); options given "
                "here override it.",
            ),
            window_option,
            setting_option(
                "--wide-window",
                "wide_window",
                metavar="DURATION|off",
            ),
            object_option,
            setting_option("--min-repeats", "min_repeats", type=click.IntRange(1)),
            setting_option("--min-accounts", "min_accounts", type=click.IntRange(2)),
            setting_option("--min-score", "min_score", type=float),
            setting_option("--top", "top", type=click.IntRange(1)),
            setting_option("--max-p", "max_p_value", type=click.FloatRange(0, 1)),
            setting_option("--min-beyond-chance", "min_beyond_chance", type=click.FloatRange(0, 1)),
            setting_option("--min-amplification", "min_amplification", type=click.FloatRange(0)),
            setting_option("--min-repetition", "min_repetition", type=click.FloatRange(0, 1)),
            setting_option("--audience-test/--no-audience-test", "audience_test", default=None),
            setting_option("--merge-parts/--no-merge-parts", "merge_parts", default=None),
            setting_option("--all/--reported-only", "report_all", default=None),
            setting_option("--since", "since", type=Moment(end_of_day=False), metavar="TIME"),
            setting_option("--until", "until", type=Moment(end_of_day=True), metavar="TIME"),
            setting_option("--hashtag", "hashtag"),
            setting_option("--null-rounds", "null_rounds", type=click.IntRange(0)),
            setting_option("--seed", "seed", type=int),
            setting_option("--engine", "engine", type=click.Choice(ENGINES)),
            click.option(
                "--spark-master",
                "spark_master",
                metavar="URL",
                help="With --engine spark: local[N], spark://HOST:PORT, yarn, or a Spark "
                "Connect server sc://HOST[:PORT]. [default: local[*]]",
            ),
        ]
    ):
        func = option(func)
    return func


def _config(options: dict[str, Any]) -> ScanConfig:
    base = ScanConfig.from_toml(options.pop("config_file")) if options.get("config_file") else None
    options.pop("config_file", None)
    extra = tuple(options.pop("extra_objects", ()) or ())
    settings = {k: options.pop(k) for k in list(options) if k in ScanConfig.__dataclass_fields__}
    return (base or ScanConfig()).with_options(extra_objects=extra or None, **settings)


def _scan(options: dict[str, Any]) -> ScanResult:
    from campaign_detect.pipeline import scan

    master = options.pop("spark_master", None)
    config = _config(options)
    if master is not None and config.engine != "spark":
        raise BadInput("--spark-master is for --engine spark: add --engine spark")
    session = None
    if config.engine == "spark" and any(remote_path(p) for p in options["inputs"]):
        from campaign_detect.signals.spark import spark_session

        session = spark_session(master)  # made first: it fetches the remote inputs
    try:
        loaded = _load(options, keep_columns=config.extra_objects, spark=session)
        with _progress(options["quiet"]) as progress:
            result = scan(
                loaded, config, progress=progress, spark=session if session is not None else master
            )
    finally:
        if session is not None:
            session.stop()
    if not options["quiet"]:
        for notice in result.notices:
            _stderr().print(f"notice: {notice}", markup=False)
    return result


@cli.command("scan")
@input_options
@scan_options
@format_option(
    SCAN_FORMATS, "table for reading; json (one object, the documented contract) for scripts."
)
@output_option
@click.option(
    "--display-tz",
    metavar="ZONE",
    help="Show the table's times in this zone (e.g. Asia/Jakarta); JSON stays UTC.",
)
@click.option(
    "--save",
    "save_file",
    type=click.Path(dir_okay=False),
    help="Also save the run (the JSON report plus every post of every cluster) to this "
    ".json file, for explain and posts to read without scanning again.",
)
@click.option(
    "--html",
    "html_file",
    type=click.Path(dir_okay=False),
    help="Also write the self-contained HTML report (as `report` does) to this file.",
)
def scan_command(
    fmt: str,
    output: str | None,
    display_tz: str | None,
    save_file: str | None,
    html_file: str | None,
    **options: Any,
) -> None:
    """Rank clusters of accounts that posted in coordination, each with its evidence.

    \b
    Examples:
      campaign-detect scan fixtures/kami_umkm_sample.csv
      campaign-detect scan fixtures/kami_umkm_sample.csv --format json | jq '.clusters[0]'
      campaign-detect scan posts.parquet --window 10m --top 20 --format csv -o clusters.csv
      campaign-detect scan fixtures/kami_umkm_sample.csv --html report.html
      campaign-detect scan fixtures/kami_umkm_sample.csv --save run.json
    """
    output = _checked(options, output)
    html_file = _checked(options, html_file)
    if save_file is not None:
        check_output(save_file, options["inputs"], suffixes=(".json",), kind="saved run")
    zone = display_zone(display_tz)
    result = _scan(options)
    if html_file:
        _html_write(result, html_file, options)
    if save_file:
        emit(result.to_saved(), save_file)
    emit(render_scan(result, fmt, zone), output)


@cli.command()
@input_options
@scan_options
@click.option("--cluster", "rank", type=click.IntRange(1), required=True, help="Rank to explain.")
@format_option(
    EXPLAIN_FORMATS, "table for reading; json prints the cluster's record as in scan's JSON."
)
@output_option
@click.option(
    "--plot",
    is_flag=True,
    help="Also draw the cluster's posts per hour against its hashtag's traffic and baseline "
    "(a bar chart in the terminal; table format only).",
)
@click.option(
    "--display-tz",
    metavar="ZONE",
    help="Show times in this zone (e.g. Asia/Jakarta); JSON stays UTC.",
)
def explain(
    rank: int, fmt: str, output: str | None, plot: bool, display_tz: str | None, **options: Any
) -> None:
    """Print one cluster's whole evidence: script, window, sub-scores, significance, first
    movers, sample posts with their input rows, and the co-action events behind its links.

    \b
    Examples:
      campaign-detect explain fixtures/kami_umkm_sample.csv --cluster 1
      campaign-detect explain fixtures/kami_umkm_sample.csv --cluster 2 --format json
      campaign-detect explain fixtures/kami_umkm_sample.csv --cluster 1 --plot
      campaign-detect explain run.json --cluster 2   # a run saved with scan --save
    """
    if plot and fmt != "table":
        raise click.UsageError("--plot draws in the terminal: use it with --format table")
    output = _checked(options, output)
    zone = display_zone(display_tz)
    saved = saved_run_or_none(options["inputs"])
    if saved is not None and plot:
        raise BadInput("--plot needs the posts: explain the input files, not a saved run")
    result = None if saved is not None else _scan(options)
    records = result.records() if result is not None else saved["clusters"]  # type: ignore[index]
    chosen = [r for r in records if r["rank"] == rank]
    if not chosen:
        raise BadInput(
            f"--cluster {rank}: no such cluster; this scan reported ranks "
            f"{[r['rank'] for r in records] or 'none'}"
        )
    shown = (
        _with_plot(chosen[0], result, zone)
        if plot and result is not None
        else render_explain(chosen[0], fmt, zone)
    )
    emit(shown, output)


@cli.command()
@click.argument("outdir", type=click.Path(file_okay=False))
@click.option(
    "--posts",
    "n_posts",
    type=click.IntRange(1),
    default=100_000,
    show_default=True,
    help="Number of posts to generate.",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Same seed, same bytes.")
@click.option(
    "--days", type=click.IntRange(1), default=14, show_default=True, help="Length of the period."
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "parquet", "jsonl"]),
    default="csv",
    show_default=True,
    help="File format of the posts (truth.csv and groups.json are always written).",
)
@click.option(
    "--mix",
    type=click.Choice(sorted(MIXES)),
    default="default",
    show_default=True,
    help="Which planted kinds: the default mix, or 'moments' (organic crowds a shared moment "
    "explains and campaigns hidden in busy traffic, issue 11) on top of it.",
)
@click.option("-q", "--quiet", is_flag=True, help="Do not list the files written on stdout.")
def synth(outdir: str, n_posts: int, seed: int, days: int, fmt: str, mix: str, quiet: bool) -> None:
    """Write synthetic posts with planted campaigns and hard negatives, plus the ground truth
    (truth.csv, groups.json), for demos, tests and benchmarks.

    \b
    Examples:
      campaign-detect synth out/ --posts 100000 --seed 1
      campaign-detect synth out/ --posts 1000000 --format parquet
      campaign-detect synth out/ --posts 100000 --mix moments -q
    """
    from campaign_detect.synth import generate, write

    paths = write(generate(n_posts, seed=seed, days=days, mix=mix), outdir, fmt=fmt)
    if not quiet:
        for name, path in sorted(paths.items()):
            click.echo(f"{name}\t{path}")


def _signal_format(func: F) -> F:
    """``--format``, ``-o``, ``--top`` and ``--hashtag`` of the single-signal commands."""
    func = click.option("--top", type=click.IntRange(1), help="List at most N, strongest first.")(
        func
    )
    func = click.option(
        "--hashtag", help="Only those whose posts carry this hashtag (with or without #)."
    )(func)
    func = output_option(func)
    return format_option(
        SIGNAL_FORMATS, "table for reading; json (one object) or csv (formula-safe) for scripts."
    )(func)


def _narrowed(records: list[dict[str, Any]], options: dict[str, Any], posts: Any) -> list:
    """The records of posts carrying ``--hashtag``, at most ``--top`` of them."""
    tag = options.pop("hashtag")
    top = options.pop("top")
    if tag is not None:
        from campaign_detect.entities import carries_hashtag

        tagged = set(posts.filter(carries_hashtag(tag))["post_id"].to_list())
        records = [r for r in records if tagged.intersection(r["post_ids"])]
    return records[:top] if top is not None else records


@cli.command()
@input_options
@click.option(
    "--scale",
    "scales",
    multiple=True,
    metavar="DURATION",
    help="Bin width to look for bursts at (repeatable) [default: 15m 1h 6h 1d].",
)
@_signal_format
def bursts(fmt: str, output: str | None, scales: tuple[str, ...], **options: Any) -> None:
    """List hashtags and mention targets whose activity rose far above their own baseline
    (which knows each object's daily rhythm), strongest first.

    \b
    Examples:
      campaign-detect bursts fixtures/kami_umkm_sample.csv
      campaign-detect bursts fixtures/kami_umkm_sample.csv --format json | jq '.bursts[0]'
    """
    from campaign_detect.report.signals import burst_records
    from campaign_detect.signals.bursts import detect_bursts

    output = _checked(options, output)
    narrow = {k: options.pop(k) for k in ("top", "hashtag")}
    posts = _load(options).posts
    found = detect_bursts(posts, scales=scales or ScanConfig().burst_scales)
    emit(render_bursts(_narrowed(burst_records(found, posts), narrow, posts), fmt), output)


@cli.command()
@input_options
@click.option(
    "--threshold",
    type=click.FloatRange(0, 1, min_open=True),
    default=ScanConfig().template_threshold,
    show_default=True,
    help="Similarity to the script a post needs to join it; lower finds looser paraphrases "
    "and more false matches.",
)
@click.option(
    "--min-accounts",
    type=click.IntRange(2),
    default=3,
    show_default=True,
    help="Accounts a template needs.",
)
@_signal_format
def templates(
    fmt: str, output: str | None, threshold: float, min_accounts: int, **options: Any
) -> None:
    """List scripts: groups of near-duplicate post texts (hashtags, mentions, URLs and emoji
    stripped) posted by several accounts, largest first.

    \b
    Examples:
      campaign-detect templates fixtures/kami_umkm_sample.csv
      campaign-detect templates fixtures/kami_umkm_sample.csv --format csv -o scripts.csv
    """
    from campaign_detect.report.signals import template_records
    from campaign_detect.signals.templates import template_groups

    output = _checked(options, output)
    narrow = {k: options.pop(k) for k in ("top", "hashtag")}
    posts = _load(options).posts
    found = template_groups(posts, threshold=threshold, min_accounts=min_accounts)
    records = template_records(found.groups, posts)
    emit(render_templates(_narrowed(records, narrow, posts), fmt), output)


@cli.command()
@input_options
@window_option
@object_option
@click.option(
    "--min-repeats",
    type=click.IntRange(1),
    default=1,
    show_default=True,
    help="Keep only account pairs with at least this many co-action events.",
)
@click.option(
    "--coortweet",
    is_flag=True,
    help="CooRTweet's network instead of ours: every pair of posts counts, its account "
    "filter and weight quantile apply (docs/signals-coaction.md). With --object, only "
    "those columns are objects, like CooRTweet's one object_id.",
)
@click.option(
    "--min-participation",
    type=click.IntRange(0),
    default=2,
    show_default=True,
    help="With --coortweet: CooRTweet's account filter (0 turns it off).",
)
@click.option(
    "--edge-weight",
    type=click.FloatRange(0, 1),
    default=0.5,
    show_default=True,
    help="With --coortweet: edges above this quantile of the weights are marked "
    "weight_threshold = 1.",
)
@click.option(
    "--coordinated",
    is_flag=True,
    help="With --coortweet: keep only the marked edges (CooRTweet's subgraph = 1).",
)
@click.option(
    "--clusters",
    "reported",
    is_flag=True,
    help="Write only the reported clusters (of the scan, or of a run saved with scan --save "
    "given as INPUT): members with their cluster (rank), score and lead flag, links with "
    "their events and window.",
)
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False),
    required=True,
    help="File to write; the suffix picks the format: .graphml, .gexf (Gephi), "
    ".csv or .parquet (edge lists).",
)
def graph(out: str, **options: Any) -> None:
    """Write the co-action network of accounts (who posted the same hashtag, mention, URL,
    share target or text within Δt of whom) as a graph file, and summarise it on stderr.
    The scan runs too: members of reported clusters carry their cluster (rank), score and
    lead flag, and links inside one cluster that cluster's rank.

    \b
    Examples:
      campaign-detect graph fixtures/kami_umkm_sample.csv --out coaction.gexf
      campaign-detect graph run.json --clusters --out clusters.gexf   # a saved run
      campaign-detect graph fixtures/kami_umkm_sample.csv --window 10m --out edges.csv
      campaign-detect graph fixtures/kami_umkm_sample.csv --clusters --out clusters.gexf
      campaign-detect graph fixtures/coortweet/russian_coord_tweets.csv.gz --coortweet \\
        --object object_id --window 60s --account-col account_id \\
        --time-col timestamp_share --id-col content_id --coordinated --out vignette.csv
    """

    from campaign_detect.evidence import cluster_network
    from campaign_detect.pipeline import scan
    from campaign_detect.report.graphs import (
        GRAPH_FORMATS,
        account_nodes,
        coaction_graph,
    )
    from campaign_detect.signals.coortweet import coortweet_network
    from campaign_detect.values import Duration, format_duration

    check_output(out, options["inputs"], suffixes=GRAPH_FORMATS, kind="graph")
    saved = saved_run_or_none(options["inputs"])
    if saved is not None:
        if not options["reported"]:
            raise BadInput(
                "a saved run holds only its clusters: add --clusters, or graph the input "
                "files for the whole co-action network"
            )
        _write_cluster_graph(saved_network(saved), out, options)
        return
    extra = options.pop("extra_objects")
    config = ScanConfig(window=options.pop("window"), extra_objects=extra)
    coortweet = {k: options.pop(k) for k in ("min_participation", "edge_weight", "coordinated")}
    min_repeats = options.pop("min_repeats")
    use_coortweet = options.pop("coortweet")
    reported = options.pop("reported")
    loaded = _load(options, keep_columns=extra)
    if reported:
        result = scan(loaded, config)
        _write_cluster_graph(
            cluster_network(result.clusters, result.members, result.events), out, options
        )
        return
    if use_coortweet:
        if config.window is None:
            raise BadInput("--coortweet needs --window (CooRTweet's time_window), e.g. 60s")
        window = Duration.parse(config.window, name="window")
        network = coortweet_network(
            loaded.posts,
            window=window.delta,
            objects=() if extra else config.objects,
            extra_objects=extra,
            **coortweet,
        )
        edges, summary = network.edges, f"CooRTweet weight threshold {network.threshold:g}"
        nodes = account_nodes(loaded.posts, edges)
        shown = window.text
    else:
        with _progress(options["quiet"]) as progress:
            result = scan(loaded, config, progress=progress)
        nodes, edges = coaction_graph(result, min_repeats=min_repeats)
        shown = format_duration(result.coaction.window)
        how = "estimated" if result.coaction.window_estimated else "given"
        summary = (
            f"{how}; {result.coaction.bounded.height} busy object windows bounded; "
            f"{nodes['cluster'].drop_nulls().n_unique()} reported clusters marked"
        )
    _write_graph(
        (nodes, edges),
        out,
        options,
        f"{nodes.height} accounts and {edges.height} edges",
        f" (window {shown}, {summary})",
    )


def _write_cluster_graph(
    graph: tuple[pl.DataFrame, pl.DataFrame], out: str, options: dict[str, Any]
) -> None:
    """Write the reported clusters' graph and say what it holds on stderr."""
    nodes, edges = graph
    what = f"{nodes['cluster'].n_unique()} reported clusters"
    _write_graph(graph, out, options, f"{nodes.height} accounts of {what} and {edges.height} links")


def _write_graph(
    graph: tuple[pl.DataFrame, pl.DataFrame],
    out: str,
    options: dict[str, Any],
    holds: str,
    how: str = "",
) -> None:
    """Write `graph` (nodes, edges) to `out` and say on stderr what it `holds` and `how`."""
    from campaign_detect.report.graphs import write_graph

    write_graph(*graph, out)
    if not options["quiet"]:
        _stderr().print(f"wrote {holds} to {out}{how}", markup=False)


# --- the HTML report (issue 16) -----------------------------------------------------------
def _html_write(result: ScanResult, path: str, options: dict[str, Any]) -> None:
    """Write the HTML report of `result` (checked before the scan) and say so on stderr."""
    from campaign_detect.report.html import render_html

    text = render_html(result)
    emit(text, path)
    if not options["quiet"]:
        _stderr().print(
            f"wrote {path}: {len(text.encode('utf-8')) / 1024:,.0f} KiB, "
            f"{result.clusters.height} clusters",
            markup=False,
        )


def _with_plot(record: dict[str, Any], result: ScanResult, zone: ZoneInfo | None) -> Output:
    """The explain table of `record`, then its cluster's timeline as a terminal bar chart."""
    import polars as pl

    from campaign_detect.report.table import print_explain
    from campaign_detect.report.timeline import cluster_timeline, print_timeline

    row = result.clusters.filter(pl.col("rank") == record["rank"]).row(0, named=True)

    def draw(console: Console) -> None:
        print_explain(in_zone(record, zone) if zone else record, console)
        print_timeline(cluster_timeline(result, row), console)

    return draw


@cli.command("report")
@input_options
@scan_options
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    required=True,
    help="The HTML file to write (atomically; never one of the inputs).",
)
def report_command(output: str, **options: Any) -> None:
    """Write one self-contained HTML page of the scan: input accounting, settings, the ranked
    clusters and, for each, its timeline, network, script variants, significance and the
    posts behind its links. No network requests; readable offline and without JavaScript.

    \b
    Examples:
      campaign-detect report fixtures/kami_umkm_sample.csv -o report.html
      campaign-detect report 'exports/*.jsonl.gz' --top 20 -o nightly.html
      campaign-detect scan posts.csv --save run.json --html report.html   # one scan, both
    """
    check_output(output, options["inputs"])
    if saved_run_or_none(options["inputs"]) is not None:
        raise BadInput(
            f"{options['inputs'][0]} is a saved run; the report needs the posts (timelines, "
            "scripts): give the input files, or write both from one scan with "
            "'scan INPUT --save run.json --html report.html'"
        )
    _html_write(_scan(options), output, options)


@cli.command("posts")
@click.argument("run", metavar="RUN.json", type=click.Path(dir_okay=False))
@click.option("--cluster", "rank", type=click.IntRange(1), help="Only this cluster (rank).")
@format_option(("csv", "jsonl"), "csv (formula-safe) or jsonl (one post a line).")
@output_option
def posts_command(run: str, rank: int | None, fmt: str, output: str | None) -> None:
    """Export every post of a saved run's clusters (its members' posts inside its window)
    with the input file and row it came from and its URL: the material to read and quote.

    \b
    Examples:
      campaign-detect scan fixtures/kami_umkm_sample.csv --save run.json -q
      campaign-detect posts run.json --cluster 1 -o cluster1.csv
    """
    from campaign_detect.report.tabular import write_csv
    from campaign_detect.values import dumps_lines

    if output is not None:
        check_output(output, [run])
    document = read_saved_run(run)
    chosen = [p for p in document["posts"] if rank is None or p["rank"] == rank]
    if rank is not None and not chosen:
        ranks = sorted({p["rank"] for p in document["posts"]})
        raise BadInput(f"--cluster {rank}: no such cluster in {run}; it holds ranks {ranks}")
    if fmt == "jsonl":
        emit(dumps_lines(chosen), output)
        return
    header = list(chosen[0]) if chosen else ["rank", "post_id", "account", "ts", "text"]
    emit(write_csv(header, ([p.get(k) for k in header] for p in chosen)), output)
