"""Command line: a thin layer over the functions in toolkit.pipeline.

Every user error is one line on stderr and exit code 2; no traceback.
"""

from __future__ import annotations

import argparse
import atexit
import errno
import gc
import logging
import os
import signal
import sys
import threading
from pathlib import Path

from .errors import INTERRUPTED, Terminated, ToolkitError
from .options import MAX_SEED

EXIT_USAGE = 2
log = logging.getLogger("toolkit")
# Control characters that a terminal would act on (a title or a file name may hold an escape sequence that clears
# the screen or retitles the window), shown escaped on stderr and in what kwic and terms print, never sent; a tab and a line
# break stay, but not in a one-line error (ONE_LINE: a file name may hold a line break).
SHOWN = str.maketrans({c: f"\\x{c:02x}" for c in [*range(0x20), 0x7F, *range(0x80, 0xA0)] if c not in (0x09, 0x0A)})
ONE_LINE = str.maketrans({**SHOWN, ord("\n"): "\\n", ord("\r"): "\\r"})
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as a shell reports a process ended by Ctrl-C
EXIT_TERMINATED = 143  # 128 + SIGTERM
MAX_CODED_UNITS = 10_000  # a person codes a few hundred; more is a typo


def _check_range(flag: str, value: int | None, low: int, high: int, meaning: str = "") -> None:
    """Refuse a number flag outside [low, high] with a message naming the range (None: not given)."""
    if value is not None and not low <= value <= high:
        raise ToolkitError(f"{flag} must be from {low}{meaning} to {high:,}, not {value}")


def _add_config_arguments(parser: argparse.ArgumentParser, *, required: bool) -> None:
    if required:
        parser.add_argument("config", help="TOML config file, e.g. configs/seeds.toml")
    else:
        parser.add_argument(
            "--config",
            help="TOML config whose settings to use, as a run of it would: [normalize], units.join_lines and the "
            "file's encoding (its metadata row's, or corpus.encoding); for tokens also [units], [segment], [vocab] "
            "and the lexicon",
        )
    _add_overrides(parser)


def _add_overrides(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="SECTION.KEY=VALUE",
        help="override a config key, e.g. --set model.n_topics=20 (repeatable)",
    )


class _Once(argparse._StoreAction):
    """argparse's store of an option's value, refusing the option given twice: the second replaced the first in
    silence (`validate score --units a.csv --units b.csv` scored b.csv alone, `terms --by year --by place` counted
    by place: a hostile pass). The options given are kept in the namespace's ``_given`` until parsing ends."""

    def __call__(self, parser, namespace, values, option_string=None):
        given = namespace.__dict__.setdefault("_given", {})
        if option_string is not None and self.dest in given:
            parser.error(
                f"argument {'/'.join(self.option_strings)}: given twice ({given[self.dest]!r}, then {values!r}); "
                "give it once (run the command again for another value)"
            )
        given[self.dest] = values
        super().__call__(parser, namespace, values, option_string)


class _Parser(argparse.ArgumentParser):
    """argparse's parser whose usage errors are one line, as every other error of the toolkit (argparse prints
    the usage first), and whose options of one value refuse a second (:class:`_Once`); the subcommands' parsers
    are of this class too."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.register("action", None, _Once)
        self.register("action", "store", _Once)

    def error(self, message: str):  # type: ignore[override]
        self.exit(2, f"toolkit: error: {message} (see {self.prog} -h)\n")

    def parse_args(self, args=None, namespace=None):  # type: ignore[override]
        """As argparse's, but an argument no parser knows points to the help of the command it followed."""
        parsed, extras = self.parse_known_args(args, namespace)
        if extras:
            words = list(sys.argv[1:] if args is None else args)
            command = [str(c) for c in (getattr(parsed, "command", None), getattr(parsed, "step", None)) if c]
            before = bool(command) and {extras[0], command[0]} <= set(words) and words.index(extras[0]) < words.index(command[0])
            where = " ".join([self.prog, *([] if before else command)])  # a flag before the command is toolkit's
            self.exit(2, f"toolkit: error: unrecognized arguments: {' '.join(extras)} (see {where} -h)\n")
        vars(parsed).pop("_given", None)
        return parsed


class _Version(argparse.Action):
    """``--version``: the toolkit's version and the SHA-256 of its code and data as installed (manifest.json's
    ``toolkit_source_sha256``: two builds of one version number that compute differently differ there), for a paper's
    methods section; computed when asked, not for every command."""

    def __init__(self, option_strings, dest=argparse.SUPPRESS, default=argparse.SUPPRESS, help=None):
        super().__init__(option_strings, dest=dest, default=default, nargs=0, help=help)

    def __call__(self, parser, namespace, values, option_string=None):
        from . import __version__
        from .output.manifest import source_sha256

        print(f"toolkit {__version__} (source sha256 {source_sha256()})")
        parser.exit()


def _add_quiet(parser: argparse.ArgumentParser, default) -> None:
    parser.add_argument("-q", "--quiet", action="store_true", default=default, help="print only warnings and errors")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="toolkit", description="Themes in Chinese policy texts and how they shift over time.")
    _add_quiet(parser, False)
    parser.add_argument("--version", action=_Version, help="print the version and the SHA-256 of the installed code, and exit")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = commands.add_parser(
        "run",
        help="run one analysis from a config and write its tables and figures",
        description="Run one analysis: load, normalise, segment, fit, label themes, "
        "aggregate by year, write tables, figures and manifest.json.",
    )
    _add_config_arguments(run, required=True)
    run.add_argument("--out", help="output folder (default: runs/<corpus name>); replaced only on success")
    run.add_argument(
        "--scheduler",
        help="Dask scheduler address (e.g. tcp://10.0.0.5:8786): prepare the texts and "
        "fold in the units of a sampled fit on that cluster",
    )

    norm = commands.add_parser(
        "normalize",
        help="print the normalised simplified text of one file, as run, terms and kwic read it (lines broken inside "
        "a sentence joined)",
        description="Print one text file as the toolkit reads it: decoded, in simplified script (OpenCC), full-width "
        "letters and digits made half-width, punctuation unified, pinyin, mojibake and boilerplate removed, and lines "
        "broken inside a sentence joined. kwic's positions count the characters of this text. With --config, that "
        "config's [normalize] and [units] settings; without, the defaults.",
    )
    norm.add_argument("path", help="a text file")
    _add_config_arguments(norm, required=False)

    tokens = commands.add_parser(
        "tokens",
        help="print the tokens of one file, one unit per line",
        description="Print the tokens of one text file as a run segments them: normalised (`toolkit normalize`), cut "
        "into units (paragraphs), segmented by jieba with the domain dictionary and the lexicon's words, stopwords "
        "removed (and word pairs joined with vocab.phrases); one unit per line, tokens separated by spaces. The "
        "model sees the part of them the run's vocabulary keeps (vocab.min_df, max_df: set over the whole corpus). "
        "With --config, that config's [normalize], [units], [segment] and [vocab] settings and its lexicon; without, "
        "the defaults.",
    )
    tokens.add_argument("path", help="a text file")
    _add_config_arguments(tokens, required=False)

    sweep = commands.add_parser(
        "sweep",
        help="fit a grid of models, evaluate them and recommend a number of topics",
        description="Fit every combination of the grid (the config's [sweep.grid], each --grid key replacing that "
        "key's values or adding a key; the seeds are sweep.seeds unless the grid names model.random_state), evaluate "
        "coherence, diversity, "
        "stability and held-out fit, and write sweep.csv, sweep.png and recommendation.md under "
        "OUT/summary. Finished runs (OUT/runs/<hash>) are skipped when the sweep is started again.",
    )
    _add_config_arguments(sweep, required=True)
    sweep.add_argument("--out", help="sweep folder (default: runs/<corpus name>-sweep)")
    sweep.add_argument(
        "--grid",
        action="append",
        default=[],
        metavar="SECTION.KEY=V1,V2",
        help="grid values, e.g. --grid model.n_topics=5..15 --grid model.kind=lda,nmf (repeatable, once per key; "
        "replaces the config's values of that key, keeps its other keys); a value may be a TOML table or list, "
        "whose commas split nothing: --grid 'model.lda={passes=3, iterations=50},{passes=5}'",
    )
    sweep.add_argument(
        "--jobs",
        type=int,
        help="runs in parallel, 0 to 1,024 (default: sweep.n_jobs; 0 = one per core, or per thread of the --scheduler's cluster)",
    )
    sweep.add_argument("--scheduler", help="Dask scheduler address to run on, e.g. tcp://10.0.0.5:8786")

    validate = commands.add_parser(
        "validate",
        help="hand-coding tasks for a finished run, and their scores against the model",
        description="export: blinded coding sheets (theme coding of a stratified sample of units, word intrusion, "
        "topic intrusion) with a codebook; score: accuracy and Cohen's kappa (raw and weighted, with 95% "
        "intervals: Wilson's, and a bootstrap over the units for kappa), per-theme precision, recall and F1 with "
        "their support, of the model and of the keyword baseline against the coders, and intrusion accuracy; "
        "agree: the same measures between coders' sheets (and Fleiss' kappa of three or more).",
    )
    steps = validate.add_subparsers(dest="step", required=True, metavar="STEP")
    export = steps.add_parser(
        "export",
        help="write the coding sheets, keys and codebook for a run folder",
        description="Write blinded coding sheets for a finished run: coding_sheet.csv (a sample of units stratified by "
        "the model's dominant theme, the rare themes raised to a minimum, with weights that undo it), "
        "word_intrusion.csv and topic_intrusion.csv, a codebook (codebook.md), and the answers in key files beside "
        "them (key_*.csv, never shown to the coders). The sample is the seed's: the same run and seed give the same "
        "sheets.",
    )
    export.add_argument("run", help="a run's output folder, e.g. runs/seeds")
    export.add_argument("--out", help="where to write them (default: <run>-validation)")
    export.add_argument(
        "--units",
        type=int,
        default=200,
        help="units to code (default 200, at most 10,000; at least one "
        "per theme the model uses: fewer are raised to that, and the codebook says so)",
    )
    export.add_argument(
        "--topic-tasks", type=int, help="topic-intrusion tasks, one per unit at most (default 50, or one per unit when fewer)"
    )
    export.add_argument("--seed", type=int, default=0, help="seed of the sample (default 0)")
    grade = steps.add_parser(
        "score",
        help="score the coded sheets against the model and the keyword baseline",
        description="Score the coded sheets of an export: accuracy and Cohen's kappa of the model's dominant theme and "
        "of the keyword baseline against the coder (raw and weighted by the sampling weights, with 95% intervals), "
        "each theme's precision, recall and F1 with their support, and the intrusion tasks' accuracy. Printed and "
        "written to scores.md in the folder (another coder's sheet given with --units: to scores-<sheet>-<digest>.md).",
    )
    grade.add_argument("folder", help="the folder `validate export` wrote, with the coded sheets")
    grade.add_argument("--units", help="the coded theme sheet if not the folder's coding_sheet.csv")
    grade.add_argument("--words", help="the coded word-intrusion sheet if not the folder's")
    grade.add_argument("--topics", help="the coded topic-intrusion sheet if not the folder's")
    agree = steps.add_parser(
        "agree",
        help="agreement between coders' theme sheets (inter-coder reliability)",
        description="Agreement between coders' theme sheets of one export: of each pair, on the items both coded, "
        "accuracy and Cohen's kappa, raw and weighted by the sampling weights, with 95% intervals (Wilson's for "
        "accuracy, a bootstrap over the units for kappa); of three sheets or more, also Fleiss' kappa over the items "
        "every coder coded. Printed and written to agreement-<first>-<second>[-...].md (each sheet's name and a "
        "digest of its path) in the folder.",
    )
    agree.add_argument("folder", help="the folder `validate export` wrote")
    agree.add_argument("first", help="one coder's theme sheet (a copy of coding_sheet.csv, coded)")
    agree.add_argument("second", help="the other coder's")
    agree.add_argument("others", nargs="*", metavar="SHEET", help="more coders' sheets: each pair, and Fleiss' kappa of all")

    terms = commands.add_parser(
        "terms",
        help="count terms by year in a corpus (or one file): CSV on stdout",
        description="Count each TERM in the normalised texts of a config's corpus (or of one text file), per year: "
        "count (occurrences as a substring), token_count (occurrences as a whole word as the segmenter "
        "cuts the text), characters, per_10k (count per 10,000 characters), documents, documents_with, "
        "first_seen and last_seen (in the corpus, or in each group of --by's other columns). Traditional "
        "characters in a TERM are folded like the texts.",
    )
    terms.add_argument("source", help="a TOML config (its corpus) or one text file")
    terms.add_argument("terms", nargs="+", metavar="TERM")
    terms.add_argument("--by", help="comma-separated document columns to count by (default: year, for a config; e.g. place,year)")
    terms.add_argument(
        "--out",
        help="write the CSV to this file instead of stdout (it replaces only a table it wrote there, unchanged since: "
        "its SHA-256 is kept in .toolkit-output.json beside it; never inside a run's or a sweep's folder)",
    )
    _add_overrides(terms)

    kwic = commands.add_parser(
        "kwic",
        help="keywords in context: every occurrence of a term with the text around it",
        description="Print one concordance line per occurrence of each TERM in a config's corpus (or one text "
        "file): left context, the term, right context, year and title, in the text as normalised (simplified "
        "script, half-width punctuation: `toolkit normalize FILE` shows it; quote the file itself). --out writes them "
        "as CSV (with doc_id, date and the term's character position in that normalised text) instead.",
    )
    kwic.add_argument("source", help="a TOML config (its corpus) or one text file")
    kwic.add_argument("terms", nargs="+", metavar="TERM")
    kwic.add_argument("--context", type=int, help="characters on each side, 1 to 10,000 (default: terms.context, 20)")
    kwic.add_argument("--regex", action="store_true", help="read each TERM as a regular expression, e.g. 数字(经济|化)")
    kwic.add_argument("--limit", type=int, default=0, help="print at most this many lines (0, the default: every line)")
    kwic.add_argument(
        "--out",
        help="write every line as CSV to this file instead of printing (replacing only a table it wrote there, "
        "unchanged since; never inside a run's or a sweep's folder)",
    )
    _add_overrides(kwic)

    show = commands.add_parser(
        "config",
        help="print a config with every default filled in",
        description="Print a config as a run reads it: the file, then each --set, then every key it leaves out at its "
        "default, as TOML (paths made absolute). A key the toolkit does not know is an error here as in a run; "
        "docs/configuration.md describes every key.",
    )
    _add_config_arguments(show, required=True)
    for command in (run, norm, tokens, sweep, validate, export, grade, agree, terms, kwic, show):  # -q after it too
        _add_quiet(command, argparse.SUPPRESS)  # not given there: the value before the command stands
    return parser


def _config(args):
    from .config import Config

    return Config.load(getattr(args, "config", None), args.overrides)


def _utf8_streams() -> None:
    """Print UTF-8 whatever the locale says (LC_ALL=C would otherwise turn every Chinese character into an
    error)."""
    for stream in (sys.stdout, sys.stderr):
        if (getattr(stream, "encoding", "") or "").lower().replace("-", "") != "utf8" and hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8", errors="backslashreplace")


def _quiet_libraries() -> None:
    """Settings of the libraries the commands use, made once for this process: jieba logs at DEBUG when
    imported; pyarrow's own Ctrl-C handling can swallow an interrupt (the run then finishes as if nothing
    happened), so interrupts are left to Python."""
    import jieba
    import pyarrow

    jieba.setLogLevel(logging.WARNING)
    pyarrow.enable_signal_handlers(False)


def _stopping_handler():
    """The handler of SIGINT and SIGTERM for one command: the first signal raises where Python code next runs
    (``KeyboardInterrupt``, ``Terminated`` for SIGTERM) and the command stops, cleaning up; a later one is ignored,
    so that it does not cut the clean-up short. Unless C code swallowed the first (``progress.kept_interrupts``
    keeps it for the run's next stage or progress report, which a long fit reaches only at its end): then the
    next signal raises in its place, and a second Ctrl-C stops the run at once (a third is ignored again)."""
    from .progress import take_waiting_interrupt

    raised: list[int] = []

    def stop(signum, frame):
        if raised and not take_waiting_interrupt():
            return
        raised.append(signum)
        raise Terminated if signum == signal.SIGTERM else KeyboardInterrupt

    return stop


def _interrupt_in(exc: BaseException) -> KeyboardInterrupt | None:
    """The interrupt behind ``exc``: itself, or one that C code turned into another exception on its way out.
    The signal handlers raise where Python code next runs, which can be inside a C call: numba's compiled
    functions call back into Python, and the interrupt comes out as ``SystemError: CPUDispatcher(...) returned
    a result with an exception set``, caused by it."""
    seen = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, KeyboardInterrupt):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None


_PATH_ERRNOS = {errno.ENAMETOOLONG, errno.ELOOP, errno.EACCES, errno.EPERM}
# the arguments that name a file or folder: ``~`` is the user's home folder in them, as where a shell expands it
# (``--out=~/res`` reaches the toolkit as it is, and made a folder named ``~``)
_PATH_ARGUMENTS = ("config", "out", "path", "run", "folder", "words", "topics", "source")


def _given_scheduler(args: argparse.Namespace) -> None:
    """ToolkitError for ``--scheduler ""``: an empty shell variable made a local run the user took for the
    cluster's, without a word."""
    if getattr(args, "scheduler", None) is not None and not args.scheduler.strip():
        raise ToolkitError("--scheduler is empty: give the Dask scheduler's address (tcp://HOST:8786), or leave it out")


def _home_expanded(args: argparse.Namespace) -> argparse.Namespace:
    """``args`` with ``~`` at the start of each argument that names a file or folder read as the home folder."""
    for name in (*_PATH_ARGUMENTS, *(("units",) if getattr(args, "step", "") == "score" else ())):
        if isinstance(value := getattr(args, name, None), str) and value.startswith("~"):
            setattr(args, name, os.path.expanduser(value))
    return args


def _damaged_kernel_cache(exc: BaseException) -> str:
    """The folder of numba's cache whose file ``exc`` came from reading (an index cut short or edited by hand:
    numba's loader raised UnpicklingError or EOFError through the run, a traceback), else ''."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        tb, caching = exc.__traceback__, False
        while tb is not None:
            if tb.tb_frame.f_code.co_filename.replace("\\", "/").endswith("numba/core/caching.py"):
                caching = True
                index = getattr(tb.tb_frame.f_locals.get("self"), "_index_path", None)  # the loader of one file
                if isinstance(index, str):
                    return os.path.dirname(index)
            tb = tb.tb_next
        if caching:
            return "the toolkit's __pycache__ folders"
        exc = exc.__cause__ or exc.__context__  # type: ignore[assignment]
    return ""


def main(argv: list[str] | None = None) -> int:
    """The ``toolkit`` command line. ``argv`` None: this process's own arguments, and the process ends when this
    returns; after an interrupt, SIGINT and SIGTERM then stay ignored while it ends (its worker pools shut down
    as Python exits: a second Ctrl-C there would end it by the signal, after the clean-up, with another exit code).
    A list: a command run inside a process that goes on (a notebook, a test), whose handlers are given back."""
    handler = threading.current_thread() is threading.main_thread()  # signal handlers live in the main thread
    previous = {}
    if handler:
        stop = _stopping_handler()
        previous[signal.SIGTERM] = signal.signal(signal.SIGTERM, stop)
        if signal.getsignal(signal.SIGINT) is signal.default_int_handler:  # not one its starter ignored, or its own
            previous[signal.SIGINT] = signal.signal(signal.SIGINT, stop)
    interrupted = False
    try:
        _utf8_streams()
        args = _home_expanded(build_parser().parse_args(argv))
        _given_scheduler(args)
        root = logging.getLogger()
        if not root.handlers:  # as logging.basicConfig: not over a host's own (a notebook's, a test's)
            root.addHandler(command_line_handler())
        logging.getLogger("toolkit").setLevel(logging.WARNING if args.quiet else logging.INFO)
        from .pandas_options import pandas_defaults
        from .progress import kept_interrupts

        # every command's: a swallowed interrupt stops it at its next progress report; pandas options a host set
        with kept_interrupts(), pandas_defaults():  # (a notebook calling main()) do not reach its computing
            return _dispatch(args)
    except ToolkitError as exc:
        # one line even when the message quotes a file name with a line break in it
        print(f"toolkit: error: {str(exc).translate(ONE_LINE)}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        return 0
    except OSError as exc:
        if exc.errno not in _PATH_ERRNOS:
            raise
        # a path the user gave that the system cannot follow (a name too long, a loop of symbolic links)
        print(f"toolkit: error: {exc.filename}: {exc.strerror}".translate(ONE_LINE), file=sys.stderr)
        return EXIT_USAGE
    except RuntimeError as exc:
        if not str(exc).startswith("Symlink loop"):  # pathlib's resolve() meeting a loop of symbolic links
            raise
        print(f"toolkit: error: {exc}: a loop of symbolic links".translate(ONE_LINE), file=sys.stderr)
        return EXIT_USAGE
    except BaseException as exc:
        interrupt = _interrupt_in(exc)
        if interrupt is None and (folder := _damaged_kernel_cache(exc)):
            print(
                f"toolkit: error: numba's cache of the compiled kernels in {folder} cannot be read ({type(exc).__name__}: "
                f"{exc}); delete the *.nbi and *.nbc files there (they are compiled again) or run make install".translate(
                    ONE_LINE
                ),
                file=sys.stderr,
            )
            return EXIT_USAGE
        if interrupt is None:
            raise
        interrupted = True
        print(INTERRUPTED, file=sys.stderr)
        return EXIT_TERMINATED if isinstance(interrupt, Terminated) else EXIT_INTERRUPTED
    finally:
        ending = interrupted and argv is None
        for signum, before in previous.items():
            signal.signal(signum, signal.SIG_IGN if ending else signal.SIG_DFL if before is None else before)
        if argv is None:
            # When the interpreter ends (a command's process, after this returns; never earlier: `%run -m toolkit`
            # in a notebook's kernel goes on), its objects are left to the operating system: Python's collections
            # at exit traversed every one of them (pandas, scikit-learn, numba), 0.3-0.6 s of each command. Exit
            # handlers still run, and objects freed by their reference counts still are.
            atexit.register(gc.freeze)


def _run(args) -> int:
    """``toolkit run``: the drawing workers are started first, from the config alone, so that they import what
    drawing needs while this process imports the pipeline (half a second before the run itself could start
    them, on a core the imports leave idle)."""
    from .output.atomic import check_output_location
    from .output.tables import drawing_workers
    from .processes import check_scheduler

    config = _config(args)
    # the errors a user meets most, said before any worker starts (the run checks these and the rest again)
    if args.scheduler:
        check_scheduler(args.scheduler)
    if args.out is not None:
        check_output_location(Path(args.out), config.input_paths(), kind="run")
    with drawing_workers(config["figures"]) as drawing:
        _quiet_libraries()
        from . import pipeline

        result = pipeline.run(config, args.out, scheduler=args.scheduler, drawing=drawing)
    counts = result.manifest["counts"]
    seeded = int((result.topics["labelled_by"] == "keywords").sum()) if "labelled_by" in result.topics else 0
    # how many topics the themes take and how many are free: a theme added or removed changes it, and every share
    # with it (a hostile pass of the lexicon: n_topics stayed, and nothing said so)
    split = f" ({seeded} seeded by themes, {len(result.topics) - seeded} free)" if seeded else ""
    print(
        f"{str(result.out_dir).translate(ONE_LINE)}: {counts['documents_used']} "
        f"document{'s' if counts['documents_used'] != 1 else ''} used, "
        f"{counts['documents_skipped']} skipped, "
        f"{counts['units']} units, {len(result.topics)} topics{split}"
    )
    return 0


def _dispatch(args) -> int:
    if args.command == "config":  # before the pipeline's imports: printing a config needs no pandas
        print(_config(args).to_toml(), end="")
        return 0
    if args.command == "run":
        return _run(args)
    _quiet_libraries()
    from . import explore

    if args.command == "sweep":
        from .config import Config
        from .sweeps import MAX_JOBS, headline, parse_grid_options, sweep

        _check_range("--jobs", args.jobs, 0, MAX_JOBS, " (one per core)")
        base, grid = Config.load(args.config), parse_grid_options(args.grid)  # the config file's errors first, as before
        # the --set values given to sweep(), which warns of one the grid overrides once the grid's keys are checked
        result = sweep(base, args.out, grid=grid, n_jobs=args.jobs, scheduler=args.scheduler, overrides=args.overrides)
        print(
            f"{result.out_dir}: {len(result.table)} runs ({result.fitted} fitted now); "
            f"{result.out_dir / 'summary'} holds sweep.csv, sweep.png, recommendation.md".translate(ONE_LINE)
        )
        print("\n".join(headline(result.recommendation)))
        return 0
    if args.command == "validate":
        from .analysis import validation

        if args.step == "export":
            _check_range("--units", args.units, 1, MAX_CODED_UNITS)
            _check_range("--topic-tasks", args.topic_tasks, 0, MAX_CODED_UNITS)
            _check_range("--seed", args.seed, 0, MAX_SEED)
            out = validation.export(
                args.run, args.out, n_units=args.units, n_topic_tasks=args.topic_tasks, random_state=args.seed
            )
            print(
                f"{out}: give {', '.join(validation.sheets_to_code(out))} and {validation.CODEBOOK} to the coders (not "
                f"the key_*.csv files), then run: toolkit validate score {out}".translate(ONE_LINE)
            )
        elif args.step == "agree":  # the sheets' names as the terminal shows them (an escape sequence in one ran)
            sys.stdout.write(
                validation.format_agreement(validation.agree(args.folder, args.first, args.second, *args.others)).translate(SHOWN)
            )
        else:
            tables = validation.score(args.folder, units_file=args.units, words_file=args.words, topics_file=args.topics)
            sys.stdout.write(validation.format_scores(tables).translate(SHOWN))
        return 0
    if args.command == "terms":
        by = None if args.by is None else tuple(c.strip() for c in args.by.split(",") if c.strip())
        inputs = _inputs_beside(args)
        table = explore.count_terms(args.source, args.terms, by=by, overrides=args.overrides)
        _write_table(table, args.out, inputs, args)
        for term, rows in table.groupby("term", sort=False):
            first, last = rows["first_seen"][rows["first_seen"] != ""], rows["last_seen"][rows["last_seen"] != ""]
            span = f"; first {first.min()}, last {last.max()}" if len(first) else ""  # ISO dates: text order is time's
            log.info(  # a summary on stderr, left out with -q
                "%s: %d occurrences in %d of %d documents%s",
                term,
                int(rows["count"].sum()),
                int(rows["documents_with"].sum()),
                int(rows["documents"].sum()),
                span,
            )
        return 0
    if args.command == "kwic":
        from .analysis.terms import MAX_CONTEXT

        _check_range("--context", args.context, 1, MAX_CONTEXT, " character")
        if args.limit < 0:
            raise ToolkitError(f"--limit must be 0 (every line) or more, not {args.limit}")
        from .analysis.terms import format_kwic

        inputs = _inputs_beside(args)
        table = explore.concordance(args.source, args.terms, context=args.context, regex=args.regex, overrides=args.overrides)
        if args.out:
            _write_table(table, args.out, inputs, args)
        else:
            shown = table.head(args.limit) if args.limit > 0 else table
            width = args.context or int(table["left"].str.len().max()) if len(table) else 0
            sys.stdout.write(format_kwic(shown, width).translate(SHOWN))
        shown_part = f" ({args.limit} shown)" if 0 < args.limit < len(table) and not args.out else ""
        log.info("%d lines%s", len(table), shown_part)  # not with -q; --out writes every line whatever --limit says
        return 0
    config = _config(args)
    if args.command == "normalize":
        sys.stdout.write(explore.normalize_file(args.path, config) + "\n")
    elif args.command == "tokens":
        for unit_tokens in explore.tokenize_file(args.path, config):
            sys.stdout.write(" ".join(unit_tokens) + "\n")
    return 0


def command_line_handler() -> logging.Handler:
    """The handler of a command's own process: its log lines on stderr (:class:`LogFormat`), without Dask's. A
    cluster lost during a run made Dask log "Failed to reconnect to scheduler ..." before the command's one line
    of error, which says that and what to do."""
    stream = logging.StreamHandler(sys.stderr)
    stream.setFormatter(LogFormat())
    stream.addFilter(lambda record: record.name.split(".")[0] not in ("distributed", "dask"))
    return stream


class LogFormat(logging.Formatter):
    """The log on stderr: each message alone, a warning's after ``warning: `` (said here, for every warning, not
    by each message)."""

    def format(self, record: logging.LogRecord) -> str:
        if isinstance(record.args, tuple) and record.args:  # a value's line breaks shown, not broken: a file name
            record = logging.makeLogRecord(record.__dict__)  # with one printed a line of its own, "warning: ..." too
            record.args = tuple(a.translate(ONE_LINE) if isinstance(a, str) else a for a in record.args)
        message = super().format(record).translate(SHOWN)
        return f"warning: {message}" if record.levelno == logging.WARNING else message


def _inputs_beside(args):
    """The inputs of a terms or kwic command with ``--out``, after refusing an ``--out`` among them (before any
    work: a table written into the text folder would replace or become an input); None without ``--out``."""
    if not args.out:
        return None
    from . import explore
    from .output.atomic import check_outside_inputs

    inputs = explore.source_inputs(args.source, args.overrides)
    check_outside_inputs(Path(args.out), inputs, example="a file in another folder")
    return inputs


def _write_table(table, out: str | None, inputs=None, args=None) -> None:
    """A table as CSV: to ``out`` (written whole or not at all, never among ``inputs``; with a byte-order mark when
    the config of ``args``, the command's arguments, sets ``output.excel_bom``) or to stdout, as the toolkit writes
    every CSV (a cell a spreadsheet would run as a formula neutralised: stdout is redirected to a file and opened
    too)."""
    if out:
        from .explore import source_config
        from .output.csv_files import write_csv_file

        bom = args is not None and source_config(args.source, args.overrides)["output"]["excel_bom"]
        write_csv_file(out, table, inputs=inputs, bom=bom)
    else:
        import io

        from .output.csv_files import write_csv_to

        text = io.StringIO()
        write_csv_to(text, table)
        sys.stdout.write(text.getvalue().translate(SHOWN))  # on a terminal too: no escape sequence of the data sent


if __name__ == "__main__":
    sys.exit(main())
