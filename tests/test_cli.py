"""The command line, run as a user would: a subprocess, exit codes and one-line errors (the commands whose work,
not their process, is asked run toolkit.cli.main in this process)."""

import argparse
import os

import pytest

from toolkit.cli import build_parser, main
from toolkit.explore import normalize_file, tokenize_file

from .conftest import FAST, NO_FIGURES, ROOT, SEEDS, add_document, cli, python_process, toolkit_process, write_config

SEED_004 = SEEDS / "004_1467077b33d2f3ae.txt"


def test_normalize_and_tokens_print_what_run_uses():
    normalized = cli("normalize", SEED_004)
    assert normalized.returncode == 0
    assert normalized.stdout == normalize_file(SEED_004) + "\n"
    assert normalized.stdout.startswith("创新发展协调发展")
    tokens = cli("tokens", SEED_004)
    assert tokens.returncode == 0
    lines = tokens.stdout.splitlines()
    assert lines == [" ".join(unit) for unit in tokenize_file(SEED_004)]
    assert lines[0].split()[:3] == ["创新", "协调发展", "大观区"]


def test_normalize_and_tokens_with_a_config_give_what_its_run_gives_the_model(tmp_path, monkeypatch):
    """README: `normalize` and `tokens` "use exactly the pipeline that `run` uses" and "pass `--config` to use a
    config's settings". The run's own units of the document (prepare, as `run` calls it) with a config whose
    text and tokens differ from the defaults' (the traditional script kept, single characters kept, shorter units)
    against both commands given that config on the command line: the same tokens unit for unit, and each unit's
    text in the normalised text."""
    from toolkit.config import Config
    from toolkit.pipeline import prepare

    monkeypatch.setenv("TOOLKIT_CACHE_DIR", str(tmp_path / "cache"))
    sections = {"normalize": {"to_simplified": False}, "segment": {"min_chars": 1}, "units": {"max_chars": 120}}
    config = write_config(tmp_path / "c.toml", SEEDS, SEEDS / "metadata.csv", **sections)
    prepared = prepare(Config.load(config))
    mine = (prepared.units["doc_id"] == SEED_004.stem).to_numpy()
    assert mine.sum() > 5
    run_tokens = [list(tokens) for tokens, is_mine in zip(prepared.tokens, mine) if is_mine]
    assert run_tokens != tokenize_file(SEED_004) and "結束" in normalize_file(SEED_004, config)  # the settings matter
    printed = cli("tokens", SEED_004, "--config", config)
    assert printed.returncode == 0 and printed.stdout.splitlines() == [" ".join(unit) for unit in run_tokens]
    normalized = cli("normalize", SEED_004, "--config", config)
    assert normalized.returncode == 0
    at = 0
    for text in prepared.units.loc[mine, "text"]:
        at = normalized.stdout.index(str(text), at) + len(str(text))  # ValueError when a unit's text is not there


def test_run_writes_the_output_folder(tmp_path):
    # toolkit.cli.main in this process (the exit codes of a real process are asked below)
    result = cli(
        "-q",
        "run",
        "configs/seeds.toml",
        "--out",
        str(tmp_path / "out"),
        "--set",
        "model.n_topics=10",
        "--set",
        "model.kind=nmf",
        *(arg for setting in FAST for arg in ("--set", setting)),
        "--set",
        'figures.only=["top_words", "theme_shares", "theme_periods"]',  # a paper's figures: nothing else drawn
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    assert "5 documents used, 0 skipped, 144 units, 10 topics" in result.stdout
    assert sorted(p.name for p in (tmp_path / "out" / "figures").iterdir()) == ["theme_shares.png", "top_words.png"]
    assert "figures.only names theme_periods, which this run does not draw: Only with `trends.periods`" in result.stderr
    report = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert report.count("<img ") == 2 and "<h2>theme_shares</h2>" in report and "<h2>top_words</h2>" in report
    assert (tmp_path / "out" / "theme_by_group.csv").is_file()  # the tables are all written (theme_groups's too)


def test_every_warning_on_stderr_says_it_is_one(small_corpus, tmp_path):
    """Some warnings were printed as bare sentences (a near-duplicate pair, a skipped future date), others after
    ``warning: ``; the CLI now says it for every warning, and the manifest keeps the sentences alone."""
    import json

    text = SEED_004.read_text(encoding="utf-8")
    add_document(small_corpus, "copy.txt", text + "\n另外补充一句话。", "副本", "2016-05-01")  # a near-duplicate
    add_document(small_corpus, "future.txt", text[: len(text) // 2], "未来", "2099-01-01")  # warned about: after next year
    config = write_config(tmp_path / "c.toml", small_corpus, small_corpus / "metadata.csv")
    result = cli("-q", "run", config, "--out", tmp_path / "out", *(arg for setting in NO_FIGURES for arg in ("--set", setting)))
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    said = [line for line in lines if "pair(s) of near-duplicate documents" in line or "document(s) dated after" in line]
    assert len(said) == 2 and all(line.startswith("warning: ") for line in said), lines
    warnings = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))["warnings"]
    assert any("pair(s) of near-duplicate documents" in w for w in warnings)
    assert not any(w.startswith("warning") for w in warnings), warnings


def test_a_run_names_the_files_its_spreadsheet_kept_out_by_mistake_and_those_it_does_not_list(small_corpus, tmp_path):
    """From a hostile pass of the own-corpus workflow: files skipped for a malformed date or a missing file were
    said only in documents.csv (terms and kwic warned, a run did not), and a file left out of the spreadsheet was
    analysed without a word. The skips a config asks for (the year window) are not warned about."""
    import json

    text = SEED_004.read_text(encoding="utf-8")
    add_document(small_corpus, "typo.txt", text[: len(text) // 2], "日期错误", "2018-13-01")  # a malformed date
    add_document(small_corpus, "gone.txt", "", "不在文件夹", "2019-01-01")
    (small_corpus / "gone.txt").unlink()  # listed, not in the folder
    (small_corpus / "extra.txt").write_text("发布时间:2021-03-05\n" + text[len(text) // 2 :], encoding="utf-8")
    # a page saved from a browser, not listed either (its note says more than "not listed"), and a hidden file
    page = "<html><body><p>发布时间:2022-01-05</p><p>" + text[: len(text) // 3] + "</p></body></html>"
    (small_corpus / "page.txt").write_text(page, encoding="utf-8")
    (small_corpus / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    config = write_config(tmp_path / "c.toml", small_corpus, small_corpus / "metadata.csv", corpus={"year_min": 2016})
    result = cli("run", config, "--out", tmp_path / "out", *(arg for setting in NO_FIGURES for arg in ("--set", setting)))
    assert result.returncode == 0, result.stderr
    said = [line for line in result.stderr.splitlines() if line.startswith("warning: ")]
    skipped = [line for line in said if "files skipped, not analysed" in line]
    assert len(skipped) == 1 and "typo.txt (metadata: impossible date '2018-13-01'" in skipped[0], said
    assert "2015" not in skipped[0] and "000_4635cf3c1d3ea286.txt" not in skipped[0]  # outside corpus.year_min: asked for
    assert any("1 metadata row(s) name a file that is not in the folder: gone.txt" in line for line in said), said
    assert any("2 file(s) the metadata does not list are analysed all the same: extra.txt, page.txt" in line for line in said)
    assert ".DS_Store" not in result.stderr  # a hidden file is no problem to fix
    warnings = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))["warnings"]
    assert any("typo.txt" in w for w in warnings) and any("extra.txt" in w for w in warnings)


@pytest.mark.parametrize(
    "args, message",
    [
        (("run", "configs/seeds.toml", "--set", "model.n_topcs=5"), "unknown config key model.n_topcs; did you mean 'n_topics'?"),
        (("run", "configs/seeds.toml", "--set", "model.n_topics=400"), "cannot fit 400 topics to 144 units"),
        (("run", "configs/seeds.toml", "--set", "vocab.min_df=60"), "vocab.min_df (60 units) is above vocab.max_df"),
        (("run", "configs/missing.toml"), "config file not found: configs/missing.toml"),
        (
            ("run", "configs/seeds.toml", "--set", "corpus.texts=nowhere"),
            f"text folder not found: {ROOT / 'configs' / 'nowhere'} (corpus.texts 'nowhere' is read from the config's "
            f"folder, {ROOT / 'configs'})",
        ),
        (
            ("run", "configs/seeds.toml", "--set", 'figures.only=["theme_shares", "theme_share"]'),
            "figures.only names no figure 'theme_share': the figures are theme_shares, ",
        ),
        (("normalize", "nowhere.txt"), "file not found: nowhere.txt"),
        (("tokens", "README.md", "--set", "units.kind=chapter"), "units.kind must be one of 'paragraph', 'document'"),
    ],
)
def test_errors_are_one_line_with_exit_code_2(tmp_path, args, message):
    out = tmp_path / "out"
    result = cli(*args, *(("--out", str(out)) if args[0] == "run" else ()), cwd=ROOT)
    assert result.returncode == 2
    errors = [line for line in result.stderr.splitlines() if line.startswith("toolkit: error:")]
    assert len(errors) == 1 and message in errors[0], result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists() and not list(tmp_path.glob(".out.partial-*"))


@pytest.mark.parametrize(
    "args, message",
    [
        (("run",), "toolkit: error: the following arguments are required: config (see toolkit run -h)"),
        (("validate", "export"), "the following arguments are required: run (see toolkit validate export -h)"),
        (("bogus",), "argument COMMAND: invalid choice: 'bogus'"),
        (("kwic", "x.txt", "创新", "--limit", "many"), "argument --limit: invalid int value: 'many'"),
        (("run", "configs/seeds.toml", "--bogus"), "unrecognized arguments: --bogus (see toolkit run -h)"),
        (("validate", "score", "x", "--zz"), "unrecognized arguments: --zz (see toolkit validate score -h)"),
        (("--bogus", "run", "configs/seeds.toml"), "unrecognized arguments: --bogus (see toolkit -h)"),
    ],
)
def test_a_usage_error_is_one_line_too(capsys, args, message):
    """argparse printed its usage over several lines before the error; every other error is one line."""
    with pytest.raises(SystemExit) as info:
        main(list(args))
    error = capsys.readouterr().err
    assert info.value.code == 2 and error.count("\n") == 1 and error.startswith("toolkit: error: ") and message in error


def test_quiet_may_follow_the_command(tmp_path):
    """-q was refused after the command ('unrecognized arguments: -q'), the place most people type it."""
    command = ["terms", str(SEED_004), "创新"]
    assert build_parser().parse_args(["-q", *command]).quiet and build_parser().parse_args([*command, "-q"]).quiet
    assert not build_parser().parse_args(command).quiet
    assert build_parser().parse_args(["validate", "agree", "folder", "a.csv", "b.csv", "-q"]).quiet  # as score's
    result = cli("run", "configs/seeds.toml", "--out", tmp_path / "out", "-q", "--set", "model.n_topics=400", cwd=ROOT)
    assert result.returncode == 2 and "cannot fit 400 topics" in result.stderr and "load ..." not in result.stderr


def test_an_error_is_the_exit_code_of_the_process():
    """The errors above are asked of ``main`` in this process; here a fresh one exits with its code."""
    result = toolkit_process("run", "configs/missing.toml")
    assert result.returncode == 2 and result.stderr.startswith("toolkit: error: config file not found: configs/missing.toml")
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "lexicon, message",
    [
        ("[ecology\nwords = ['生态']\n", "is not valid TOML"),
        ("[ecology]\nwords = []\n", "theme [ecology] has no words; list one at least (patterns add to words, not replace"),
    ],
)
def test_broken_lexicon_stops_the_run_with_one_line(tmp_path, lexicon, message):
    path = tmp_path / "lexicon.toml"
    path.write_text(lexicon, encoding="utf-8")
    no_figures = ("--set", "figures.formats=[]")  # refused before any work: no drawing workers to start
    result = cli(
        "run", "configs/seeds.toml", "--set", f'themes.lexicon="{path}"', *no_figures, "--out", tmp_path / "out", cwd=ROOT
    )
    assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


def test_binary_file_is_refused_clearly(tmp_path):
    fake = tmp_path / "report.txt"
    fake.write_bytes(b"%PDF-1.7\n\x00\x01binary")
    result = cli("normalize", fake)
    assert result.returncode == 2
    assert "binary file: a PDF document; extract its text first" in result.stderr


def test_sweep_command(tmp_path):
    result = cli(
        "sweep",
        "configs/seeds.toml",
        "--out",
        str(tmp_path / "sw"),
        "--grid",
        "model.n_topics=4..5",
        "--grid",
        "model.kind=nmf",
        "--set",
        "sweep.seeds=[1]",
        "--jobs",
        "1",
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    assert "2 runs (2 fitted now)" in result.stdout and "NMF with" in result.stdout
    assert (tmp_path / "sw" / "summary" / "sweep.csv").is_file()
    bad = toolkit_process("sweep", "configs/seeds.toml", "--out", str(tmp_path / "sw2"), "--grid", "model.n_topix=4")
    assert bad.returncode == 2 and "did you mean 'n_topics'" in bad.stderr and "Traceback" not in bad.stderr


@pytest.mark.parametrize(
    "args, message",
    [
        (["--jobs", "-3"], "--jobs must be from 0 (one per core) to 1,024, not -3"),
        (["--jobs", "99999999"], "--jobs must be from 0 (one per core) to 1,024, not 99999999"),
        (
            ["--grid", "model.n_topics=1..100000000"],
            "--grid model.n_topics=1..100000000 has 100,000,000 values, above the limit of 10,000 runs of a sweep",
        ),
    ],
)
def test_sweep_refuses_absurd_numbers_before_any_work(tmp_path, capsys, args, message):

    out = tmp_path / "sw"
    small = ["--grid", "model.kind=nmf", "--grid", "model.n_topics=4", "--set", "sweep.seeds=[1]"]
    assert main(["sweep", str(ROOT / "configs" / "seeds.toml"), "--out", str(out), *small, *args]) == 2
    error = capsys.readouterr().err
    assert error.startswith(f"toolkit: error: {message}") and error.count("\n") == 1
    assert not out.exists()


def test_help_lists_the_commands():
    result = toolkit_process("--help")
    assert result.returncode == 0
    for command in ("run", "sweep", "normalize", "tokens", "config"):
        assert command in result.stdout


def test_every_command_says_what_it_does_in_its_help():
    """`toolkit config --help`, `normalize --help` and `tokens --help` showed their usage alone: what the command
    prints, and which of a config's sections it reads, was said nowhere but the one line of `toolkit --help`."""

    def commands(parser) -> dict:
        found = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
        return found[0].choices if found else {}

    named = commands(build_parser())
    every = {**named, **{f"validate {step}": p for step, p in commands(named["validate"]).items()}}
    assert len(every) == 11  # eight commands, validate's three steps
    for name, parser in every.items():
        assert parser.description and len(parser.description) > 60, name
    commands = named
    assert "[normalize] and [units]" in commands["normalize"].description
    assert "[segment] and [vocab]" in commands["tokens"].description


HEAVY_LIBRARIES = ("pandas", "scipy", "sklearn", "matplotlib", "numba", "jieba", "gensim", "pyarrow")


@pytest.mark.parametrize("args", [["--help"], ["config", "configs/seeds.toml"]])
def test_help_and_config_import_no_heavy_library(args):
    """Start-up stays fast because these commands import none of the libraries the analysis needs."""
    script = (
        "import sys\nfrom toolkit.cli import main\ntry:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
        f"print(sorted(m for m in {HEAVY_LIBRARIES!r} if m in sys.modules), file=sys.stderr)"
    )
    result = python_process(script, *args, cwd=ROOT, timeout=120)
    assert result.stdout  # the command did its job
    assert result.stderr.strip().splitlines()[-1] == "[]"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs POSIX FIFOs")
@pytest.mark.parametrize("command", ["normalize", "tokens"])
def test_a_fifo_is_named_not_read(tmp_path, command):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)  # nothing ever writes to it: reading would block until the timeout
    result = toolkit_process(command, str(fifo))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert f"toolkit: error: file {fifo} is a FIFO (named pipe), not a regular file" in result.stderr


def test_an_error_quoting_a_file_name_with_a_line_break_is_still_one_line(tmp_path):
    # found by the random-folder property (test_real_corpora): no usable text, the most common reason naming a
    # duplicate called "new\nline.txt"; here the folder's own name holds the line break
    texts = tmp_path / "new\ntexts"
    texts.mkdir()
    (texts / "empty.txt").write_bytes(b"")
    config = write_config(tmp_path / "c.toml", texts)
    result = cli("-q", "run", config, "--out", tmp_path / "out")
    assert result.returncode == 2 and result.stderr.startswith("toolkit: error: no usable text"), result.stderr
    assert result.stderr.count("\n") == 1 and "new\\ntexts" in result.stderr, result.stderr


def test_paths_the_system_cannot_follow_are_one_line_errors(tmp_path):
    """A name longer than the file system allows and a loop of symbolic links were tracebacks (OSError 36,
    RuntimeError "Symlink loop") from run, kwic and validate."""
    long = "长" * 100  # 300 bytes in UTF-8: past the 255 of a name
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    seeds = ROOT / "configs" / "seeds.toml"
    for args, said in [
        (["run", tmp_path / f"{long}.toml"], "File name too long"),
        (["kwic", seeds, "创新", "--out", tmp_path / f"{long}.csv"], "File name too long"),
        (["validate", "export", tmp_path / "a"], "a loop of symbolic links"),
        (["run", tmp_path / "a"], "Too many levels of symbolic links"),  # was "config file not found"
        # named by the metadata check since load_corpus reads the path with realpath (Path.resolve raised first)
        (["run", seeds, "--set", f'corpus.metadata="{tmp_path / "a"}"', "--out", tmp_path / "out"], "is a symbolic link loop"),
    ]:
        result = cli("-q", *args)
        assert result.returncode == 2 and result.stderr.startswith("toolkit: error: "), (args, result.stderr)
        assert said in result.stderr and result.stderr.count("\n") == 1, (args, result.stderr)


def test_escape_sequences_from_the_data_never_reach_the_terminal(tmp_path):
    """A metadata title or a file name holding a terminal escape sequence (retitle the window, clear the screen: a
    clear could wipe the very warning that lists skipped inputs) was printed as is by kwic and in the warnings."""
    import shutil

    texts = tmp_path / "texts"
    texts.mkdir()
    shutil.copy(SEEDS / "002_2c7342bd1836c4df.txt", texts / "a.txt")
    (texts / "b\x1b[2J.txt").write_text("没有日期的文件。", encoding="utf-8")  # unlisted, undated: skipped and named
    # a line break in a name printed a line of its own, as a warning of the toolkit's would be (a hostile pass)
    (texts / "c\nwarning: every input was used.txt").write_text("没有日期的文件。", encoding="utf-8")
    title = "武汉市人民政府工作报告" * 30 + "\x1b]0;PWNED\x07"  # a few control characters among many: read
    (tmp_path / "metadata.csv").write_text(f"file,date,title\na.txt,2022,{title}\n", encoding="utf-8")
    config = write_config(tmp_path / "c.toml", texts, tmp_path / "metadata.csv")
    shown = cli("kwic", config, "创新", "--limit", "3")
    assert shown.returncode == 0, shown.stderr
    # the title's control characters are taken out as the metadata is read (said); a file name's are shown escaped
    assert "报告]0;PWNED" in shown.stdout and "\x1b" not in shown.stdout + shown.stderr and "\x07" not in shown.stdout
    assert "b\\x1b[2J.txt" in shown.stderr and "control or invisible characters" in shown.stderr
    assert "c\\nwarning: every input was used.txt" in shown.stderr
    assert not [line for line in shown.stderr.splitlines() if line.startswith("warning: every input")]
    counted = cli("-q", "terms", config, "创新", "--by", "title")  # the table terms prints (CSV on stdout)
    assert counted.returncode == 0 and "\x1b" not in counted.stdout and "PWNED" in counted.stdout


def test_a_command_that_ends_the_process_leaves_its_objects_to_the_system():
    """``main()`` of the process's own arguments (the ``toolkit`` command) has Python's garbage collector frozen as
    the interpreter ends: the collections at exit would traverse every object of the command (0.3-0.6 s of each).
    Not before: a notebook's kernel that ran ``%run -m toolkit`` goes on, and froze every object it held (a review
    of the change); ``main`` given a list leaves the collector as it was, and so does any ``main`` until the end."""
    script = (
        "import atexit, gc, sys\n"
        "from toolkit import cli\n"
        "atexit.register(lambda: print('at exit frozen', gc.get_freeze_count() > 0, file=sys.stderr))  # runs last\n"
        "cli.main(['config', sys.argv[1]])\n"
        "sys.argv = ['toolkit', 'config', sys.argv[1]]\n"
        "cli.main()\n"
        "print('frozen', gc.get_freeze_count() > 0, gc.isenabled(), file=sys.stderr)\n"
    )
    config = ROOT / "configs" / "seeds.toml"
    result = python_process(script, config, cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr
    said = [line for line in result.stderr.splitlines() if "frozen" in line]
    assert said == ["frozen False True", "at exit frozen True"], result.stderr[-500:]


def test_a_commands_own_log_leaves_out_dask_lines():
    """A cluster lost during a run made Dask log "Failed to reconnect to scheduler after 10.00 seconds, closing
    client" above the command's one line of error: the handler of a command's own process drops Dask's records."""
    import logging

    from toolkit.cli import command_line_handler

    handler = command_line_handler()

    def record(name: str) -> logging.LogRecord:
        return logging.LogRecord(name, logging.ERROR, __file__, 1, "a line", None, None)

    assert not handler.filter(record("distributed.client")) and not handler.filter(record("dask"))
    assert handler.filter(record("toolkit")) and handler.filter(record("distributedish"))


def test_normalize_prints_the_text_terms_counts_in_with_broken_lines_joined(tmp_path):
    """From a hostile pass: a PDF copy (lines of 20 characters, words cut at their ends) gave 6 数字经济 in the text
    `normalize` printed and 9 in `terms` (which counts after units.join_lines joins lines broken inside a sentence),
    and kwic's `position` pointed into a text no command showed."""
    import io

    import pandas as pd

    text = SEED_004.read_text(encoding="utf-8")
    pdf = tmp_path / "pdf.txt"
    pdf.write_text(
        "\n".join(line[i : i + 20] for line in text.split("\n") for i in range(0, max(len(line), 1), 20)), encoding="utf-8"
    )
    shown = cli("normalize", pdf).stdout
    counted = pd.read_csv(io.StringIO(cli("terms", pdf, "数字经济").stdout))["count"].iloc[0]
    assert shown.count("数字经济") == counted == cli("normalize", SEED_004).stdout.count("数字经济") > 0
    from toolkit.explore import concordance

    lines = concordance(pdf, ["数字经济"])
    assert len(lines) == counted and all(shown[p : p + 4] == "数字经济" for p in lines["position"])
    kept = cli("normalize", pdf, "--set", "units.join_lines=false").stdout
    assert kept.count("\n") > shown.count("\n")  # the lines as the file breaks them, when the run keeps them


def test_tokens_with_a_config_warns_of_lexicon_words_that_match_nothing(tmp_path):
    """`tokens --config` is how a new lexicon is checked, yet it said nothing of words that can match nothing (創新
    traditional, ＧＤＰ full-width, 科技　创新 with a space) while run and terms warned of them."""
    lexicon = tmp_path / "lexicon.toml"
    lexicon.write_text('[innovation]\nwords = ["創新", "ＧＤＰ", "科技　创新", "研发"]\n', encoding="utf-8")
    config = write_config(tmp_path / "c.toml", SEEDS, SEEDS / "metadata.csv", themes={"lexicon": str(lexicon)})
    result = cli("tokens", SEED_004, "--config", config)
    assert result.returncode == 0
    assert "are written in forms the normalised texts never hold" in result.stderr and "創新 -> 创新" in result.stderr
    assert "hold a space, a mark or a character the segmenter cuts at" in result.stderr


def test_tokens_joins_a_files_broken_lines_once_as_a_run_does(tmp_path, monkeypatch):
    """An adversarial review: with normalize printing the joined text, tokens joined the lines again, and a second
    pass found another page width in the longer lines: 8 paragraphs (each a line of 30 characters and one of 14
    ending in ，) were 1 unit for `tokens` and 8 for the run."""
    from toolkit.config import Config
    from toolkit.pipeline import prepare

    chars = [c for c in SEED_004.read_text(encoding="utf-8") if "\u4e00" <= c <= "\u9fff"]
    lines = []
    for p in range(8):
        base = "".join(chars[p * 60 : p * 60 + 44])
        lines += [base[:30], base[30:43] + "，"]
    texts = tmp_path / "texts"
    texts.mkdir()
    (texts / "wrapped.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (texts / "metadata.csv").write_text("file,date\nwrapped.txt,2020-01-01\n", encoding="utf-8")
    monkeypatch.setenv("TOOLKIT_CACHE_DIR", str(tmp_path / "cache"))
    config = write_config(tmp_path / "c.toml", texts, texts / "metadata.csv")
    run_units = prepare(Config.load(config)).units
    assert len(run_units) == 8
    assert [" ".join(unit) for unit in tokenize_file(texts / "wrapped.txt", config)] == cli(
        "tokens", texts / "wrapped.txt", "--config", config
    ).stdout.splitlines()
    assert len(tokenize_file(texts / "wrapped.txt", config)) == len(run_units)


def test_a_damaged_cache_of_the_compiled_kernels_is_one_line_naming_its_folder(tmp_path, monkeypatch):
    """A numba cache file cut short (a disk filled while it was written, a copy interrupted, an edit by hand) stopped
    every run with a traceback from numba's loader until `make install`. Said in one line with the folder and what
    to do. (A kernel of its own here, compiled in another process: the checkout's kernels are the other tests'.)"""
    import sys

    (tmp_path / "kernel_mod.py").write_text("from numba import njit\n\n\n@njit(cache=True)\ndef twice(x):\n    return 2 * x\n")
    compiled = python_process("import sys; sys.path.insert(0, sys.argv[1]); import kernel_mod; kernel_mod.twice(1)", tmp_path)
    assert compiled.returncode == 0, compiled.stderr
    (index,) = (tmp_path / "__pycache__").glob("kernel_mod.twice-*.nbi")
    index.write_bytes(index.read_bytes()[:10])
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "kernel_mod", raising=False)
    import kernel_mod

    monkeypatch.setattr("toolkit.cli._dispatch", lambda args: kernel_mod.twice(1))
    result = cli("config", ROOT / "configs" / "seeds.toml")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.startswith(f"toolkit: error: numba's cache of the compiled kernels in {tmp_path / '__pycache__'}")
    assert "delete the *.nbi and *.nbc files there" in result.stderr and len(result.stderr.splitlines()) == 1


@pytest.mark.parametrize(
    "args, option",
    [
        (["validate", "score", "runs/x", "--units", "甲.csv", "--units", "乙.csv"], "--units"),
        (["terms", "configs/seeds.toml", "创新", "--by", "year", "--by", "place"], "--by"),
        (["run", "configs/seeds.toml", "--out", "runs/a", "--out", "runs/b"], "--out"),
        (["kwic", "configs/seeds.toml", "创新", "--context", "10", "--context", "10"], "--context"),  # even the same
    ],
)
def test_an_option_of_one_value_given_twice_is_refused_before_any_work(args, option, tmp_path, capsys, monkeypatch):
    """From a hostile pass: the second value replaced the first in silence (a PI who gave two coders' sheets had
    one scored, and `terms --by year --by place` counted by place). Refused in one line, naming the option and
    both values, before anything is read or written; an option that may repeat (--set, --grid) still does."""
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as info:
        main(args)
    error = capsys.readouterr().err
    assert info.value.code == 2 and error.count("\n") == 1
    assert error.startswith(f"toolkit: error: argument {option}: given twice (")
    assert list(tmp_path.iterdir()) == []
    parsed = build_parser().parse_args(["run", "configs/seeds.toml", "--set", "model.n_topics=8", "--set", "vocab.min_df=3"])
    assert parsed.overrides == ["model.n_topics=8", "vocab.min_df=3"] and not hasattr(parsed, "_given")


def test_version_names_the_build_as_the_manifest_does(fast_seeds_run, capsys):
    """From a hostile pass of a new user's corpus: ``toolkit --version`` did not exist (a methods section names the
    build). It prints the version and the SHA-256 of the code and data as installed, the one a run's manifest.json
    records, and exits 0 without a command."""
    import json

    from toolkit import __version__

    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    manifest = json.loads((fast_seeds_run.out_dir / "manifest.json").read_text(encoding="utf-8"))
    assert capsys.readouterr().out == f"toolkit {__version__} (source sha256 {manifest['toolkit_source_sha256']})\n"
