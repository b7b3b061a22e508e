"""The hand-coding workflow: blinded sheets out, coded sheets in, scores against the model and the keywords."""

import csv
import json
import os
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import toolkit
from toolkit.analysis import validation
from toolkit.cli import main
from toolkit.config import Config
from toolkit.errors import ToolkitError

from .conftest import ROOT, python_process


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    out = tmp_path_factory.mktemp("validation") / "seeds"
    fast = ["model.n_topics=17", "model.ensemble=1", "model.keyatm.iterations=20"]  # keyatm: one topic per theme
    toolkit.run(
        Config.load(
            ROOT / "configs" / "seeds.toml",
            [*fast, "figures.ldavis=false", "figures.formats=[]", "trends.bootstrap=0"],  # the tables only
        ),
        out,
    )
    return out


def test_export_writes_blinded_sheets_and_separate_keys(run, tmp_path):
    out = validation.export(run, tmp_path / "tasks", n_units=40, n_topic_tasks=10)
    sheet = pd.read_csv(out / validation.UNIT_SHEET, keep_default_na=False)
    key = pd.read_csv(out / validation.UNIT_KEY, keep_default_na=False)
    assert list(sheet.columns) == ["item", "text", "theme", "note"]  # nothing of the model's on the sheet
    assert (sheet["theme"] == "").all() and len(sheet) == 40 and sheet["item"].tolist() == key["item"].tolist()
    units = pd.read_csv(run / "units.csv").set_index("unit_id")
    assert (units.loc[key["unit_id"], "text"].to_numpy() == sheet["text"].to_numpy()).all()
    strata = key.groupby("stratum")
    sizes = units[units["in_model"]].groupby("dominant_theme").size()
    assert set(strata.groups) == set(sizes.index)
    for stratum, members in strata:  # every theme the model uses is sampled, with its weight
        assert len(members) >= min(40 // len(sizes), sizes[stratum])
        assert members["weight"].iloc[0] == pytest.approx(sizes[stratum] / len(members))
    words = pd.read_csv(out / validation.WORD_SHEET, keep_default_na=False)
    assert {"word_1", "word_6", "intruder"} <= set(words.columns) and (words["intruder"] == "").all()
    topics = pd.read_csv(out / validation.TOPIC_SHEET, keep_default_na=False)
    assert len(topics) == 10 and {"option_A", "option_D"} <= set(topics.columns)
    codebook = (out / validation.CODEBOOK).read_text(encoding="utf-8")
    assert "`ecology`: 生态环境 / Ecology" in codebook and codebook.count("- `other`") == 1  # once, as the option
    assert "These are the model's own keywords: code by what the paragraph is about" in codebook  # not anchored on them
    # the sheet's texts are the normalised ones (a corpus in traditional script is coded in simplified: a hostile
    # pass of hand coding found the codebook silent on it)
    assert "The paragraphs are shown as the run read them: normalised (traditional script in simplified" in codebook


def test_scores_of_a_coder_who_agrees_with_the_keyword_scorer(run, tmp_path):
    out = validation.export(run, tmp_path / "tasks", n_units=40, n_topic_tasks=10)
    key = pd.read_csv(out / validation.UNIT_KEY, keep_default_na=False)
    sheet = pd.read_csv(out / validation.UNIT_SHEET, keep_default_na=False)
    sheet["theme"] = key["keyword_theme"].replace("", "other")  # a coder who always sides with the keywords
    sheet.to_csv(out / validation.UNIT_SHEET, index=False)
    words = pd.read_csv(out / validation.WORD_SHEET, keep_default_na=False)
    word_key = pd.read_csv(out / validation.WORD_KEY)
    words["intruder"] = word_key["intruder"]  # finds every intruder
    words.to_csv(out / validation.WORD_SHEET, index=False)
    missed = words.assign(intruder=words["word_1"].where(words["word_1"] != word_key["intruder"], words["word_2"]))
    missed.to_csv(out / "missed.csv", index=False)
    # per topic, and with an interval: scores.md said only "found in 72.2% of 18 tasks" (hostile pass of the workflow)
    from statsmodels.stats.proportion import proportion_confint

    n = len(words)
    report = validation.format_scores(validation.score(out, words_file=out / "missed.csv"))
    low, high = proportion_confint(0, n, method="wilson")
    assert f"Word intrusion: the intruder was found in 0 of {n} tasks, 0.0% (95% interval {low:.1%} to {high:.1%}" in report
    assert f"not found for topics {', '.join(map(str, word_key['topic']))}" in report
    tables = validation.score(out)
    overall = tables["agreement"].query("weighting == 'weighted'").set_index(["source", "measure"])["estimate"]
    assert overall["keywords", "accuracy"] == pytest.approx(1.0)
    assert overall["keywords", "kappa"] == pytest.approx(1.0)
    assert 0 <= overall["model", "accuracy"] <= 1 and overall["model", "kappa"] < 1
    assert (tables["word_intrusion"]["precision"] == 1).all()
    assert "topic_intrusion" not in tables  # not coded yet
    report = (out / "scores.md").read_text(encoding="utf-8")
    # every coded unit agrees: the interval is still an interval (a bootstrap of the units said [1.000, 1.000]):
    # Wilson's for the accuracy (raw: over the 40 units), none for kappa, whose resamples all give 1, and why
    low, _ = proportion_confint(40, 40, method="wilson")
    assert f"keywords, raw: accuracy 1.000 [{low:.3f}, 1.000], Cohen's kappa 1.000 [no interval]" in report
    weighted = tables["agreement"].query("source == 'keywords' and weighting == 'weighted' and measure == 'accuracy'")
    assert 0.8 < weighted["low"].iloc[0] < 1 and weighted["high"].iloc[0] == pytest.approx(1.0)
    assert "[no interval]: every resample of the coded units gives the same kappa" in report
    # a coded folder is the coders' work now: exporting over it is refused
    with pytest.raises(ToolkitError, match="holds files the toolkit did not write"):
        validation.export(run, out, n_units=40)


def test_unknown_codes_and_empty_sheets_are_clear_errors(run, tmp_path):
    out = validation.export(run, tmp_path / "tasks", n_units=20, n_topic_tasks=5)
    with pytest.raises(ToolkitError, match="no coded answer"):
        validation.score(out)
    sheet = pd.read_csv(out / validation.UNIT_SHEET, keep_default_na=False)
    sheet.loc[0, "theme"] = "space_exploration"
    sheet.loc[1, "theme"] = " Ecology "  # a capital and spaces: still the theme
    sheet.loc[2, "theme"] = "moon"
    sheet.to_csv(out / validation.UNIT_SHEET, index=False)
    with pytest.raises(ToolkitError) as error:
        validation.score(out)
    items = sheet.loc[[0, 2], "item"].tolist()
    # the sheet's path and each item's row (its file name alone told two coders' coding_sheet.csv apart by nothing,
    # and a sorted sheet's item is not its row: a hostile pass of hand coding)
    assert f"2 coded theme(s) of {out / validation.UNIT_SHEET} not in the codebook" in str(error.value)
    said = str(error.value)
    assert f"item {items[0]} (row 2): 'space_exploration'" in said and f"item {items[1]} (row 4): 'moon'" in said
    sheet.iloc[::-1].to_csv(tmp_path / "sorted.csv", index=False)  # the rows reversed: item 1 on the last row
    with pytest.raises(ToolkitError, match=rf"item {items[0]} \(row {len(sheet) + 1}\): 'space_exploration'"):
        validation.agree(out, tmp_path / "sorted.csv", out / validation.UNIT_SHEET)
    sheet.loc[[0, 2], "theme"] = "OTHER"
    sheet.to_csv(out / validation.UNIT_SHEET, index=False)
    assert validation.score(out)["agreement"]["coded_units"].iloc[0] == 3


def test_the_cli_exports_and_scores(run, tmp_path):
    out = tmp_path / "cli-tasks"
    from .conftest import cli

    exported = cli("validate", "export", run, "--out", out, "--units", "20")  # toolkit.cli.main in this process
    assert exported.returncode == 0, exported.stderr
    assert "toolkit validate score" in exported.stdout
    empty = cli("validate", "score", out)
    assert empty.returncode == 2 and empty.stderr.startswith("toolkit: error: no coded answer")
    said = "give coding_sheet.csv, word_intrusion.csv, topic_intrusion.csv and codebook.md to the coders"
    assert said in exported.stdout
    # no topic task: its empty sheet is not handed out (a hostile pass: the command said to give it all the same)
    none = cli("validate", "export", run, "--out", tmp_path / "no-topics", "--units", "20", "--topic-tasks", "0")
    assert "give coding_sheet.csv, word_intrusion.csv and codebook.md to the coders" in none.stdout, none.stdout


def _coded_folder(run, folder):
    """An exported folder whose unit sheet a coder has filled in (every unit coded as the keywords say)."""
    out = validation.export(run, folder, n_units=20, n_topic_tasks=5)
    key = pd.read_csv(out / validation.UNIT_KEY, keep_default_na=False)
    sheet = pd.read_csv(out / validation.UNIT_SHEET, keep_default_na=False, dtype=str)
    sheet["theme"] = key["keyword_theme"].replace("", "other")
    sheet.to_csv(out / validation.UNIT_SHEET, index=False, encoding="utf-8-sig")
    return out


@pytest.fixture(scope="module")
def coded(run, tmp_path_factory):
    return _coded_folder(run, tmp_path_factory.mktemp("coded") / "tasks")


def _rewrite_sheet(folder, change):
    path = folder / validation.UNIT_SHEET
    sheet = pd.read_csv(path, keep_default_na=False, dtype=str)
    change(sheet, path)


@pytest.mark.parametrize(
    "damage, message",
    [
        (lambda f, run: run, "is a run folder; export the coding sheets first"),
        (
            lambda f, run: _rewrite_sheet(f, lambda t, p: t.rename(columns={"theme": "主题"}).to_csv(p, index=False)),
            "coding_sheet.csv has no 'theme' column (its columns: item, text, 主题, note)",
        ),
        (
            lambda f, run: _rewrite_sheet(f, lambda t, p: t.drop(columns="item").to_csv(p, index=False)),
            "coding_sheet.csv has no 'item' column",
        ),
        (lambda f, run: (f / validation.UNIT_SHEET).write_bytes(b""), "coding_sheet.csv: empty file"),
        (
            lambda f, run: (f / validation.UNIT_SHEET).write_bytes(b"PK\x03\x04\x14\x00\x06\x00" + "主题".encode() * 50),
            "coding_sheet.csv: binary file: a ZIP archive or Office document",
        ),  # saved as .xlsx under the old name
        (  # ... or as Excel 97-2003's .xls (a hostile pass: called a .doc)
            lambda f, run: (f / validation.UNIT_SHEET).write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500)),
            "coding_sheet.csv: binary file: an old Office document (.doc/.xls)",
        ),
        (lambda f, run: (f / validation.UNIT_KEY).unlink(), "key_units.csv not found; the key files"),
        (
            lambda f, run: _rewrite_sheet(
                f, lambda t, p: t.assign(item=t["item"].where(t.index != 3, "第四条")).to_csv(p, index=False)
            ),
            "item '第四条' (row 5) is not an item number",
        ),
        (  # a number past any item (a hostile pass: "item -9223372036854775808 is not in key_units.csv")
            lambda f, run: _rewrite_sheet(
                f, lambda t, p: t.assign(item=t["item"].where(t.index != 1, "99999999999999999999999")).to_csv(p, index=False)
            ),
            "item '99999999999999999999999' (row 3) is not an item number",
        ),
        (
            lambda f, run: _rewrite_sheet(
                f, lambda t, p: t.assign(item=t["item"].where(t.index != 0, "999")).to_csv(p, index=False)
            ),
            "item 999 is not in key_units.csv",
        ),
        (  # a row not coded is checked too (a hostile pass): Excel's "delete cell, shift left" on a row's text moved
            # its answer into the text column, and the row was scored as "not coded"
            lambda f, run: _rewrite_sheet(
                f,
                lambda t, p: t.assign(
                    text=t["text"].where(t.index != 4, t["theme"]), theme=t["theme"].where(t.index != 4, "")
                ).to_csv(p, index=False),
            ),
            "the text of item \\d+ is not the text exported as item \\d+",
        ),
        (  # ... and a row not coded whose item is no number: a line break without quotes carried an answer into it
            lambda f, run: _rewrite_sheet(
                f,
                lambda t, p: t.assign(
                    item=t["item"].where(t.index != 2, "建设美丽武汉"), theme=t["theme"].where(t.index != 2, "")
                ).to_csv(p, index=False),
            ),
            "item '建设美丽武汉' (row 4) is not an item number",
        ),
    ],
)
def test_score_refuses_unusable_input_with_one_line(run, coded, tmp_path, capsys, damage, message):
    folder = tmp_path / "tasks"
    shutil.copytree(coded, folder)
    target = damage(folder, run)
    target = target if isinstance(target, type(folder)) else folder  # a run folder, or the damaged copy
    with pytest.raises(ToolkitError, match=message.replace("(", r"\(").replace(")", r"\)")):
        validation.score(target)
    assert main(["validate", "score", str(target)]) == 2
    error = capsys.readouterr().err
    assert error.startswith("toolkit: error: ") and error.count("\n") == 1


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8-sig", "utf-8"])
def test_sheets_saved_by_excel_are_scored_blank_rows_and_all(coded, tmp_path, encoding):
    """Excel on Chinese Windows saves a CSV as GBK, and a sheet with empty rows keeps them as lines of commas."""
    expected = validation.score(coded)["units"]
    folder = tmp_path / "tasks"
    shutil.copytree(coded, folder)
    sheet = pd.read_csv(folder / validation.UNIT_SHEET, keep_default_na=False, dtype=str)
    blank = pd.DataFrame([{c: "" for c in sheet.columns}] * 2)
    sheet = pd.concat([sheet.iloc[:5], blank, sheet.iloc[5:], blank], ignore_index=True)
    sheet.to_csv(folder / validation.UNIT_SHEET, index=False, encoding=encoding)
    if encoding.startswith("gb"):  # really not UTF-8
        with pytest.raises(UnicodeDecodeError):
            (folder / validation.UNIT_SHEET).read_text(encoding="utf-8")
    pd.testing.assert_frame_equal(validation.score(folder)["units"], expected)


def test_a_sheet_sorted_in_a_spreadsheet_gives_the_same_scores_and_intervals(coded, tmp_path):
    """The bootstrap drew the coded rows by their place in the sheet: a coder who sorted it by theme changed the
    intervals (found by an adversarial pass)."""
    expected = validation.score(coded)
    folder = _copy(coded, tmp_path)
    sheet = pd.read_csv(folder / validation.UNIT_SHEET, keep_default_na=False, dtype=str)
    sorted_sheet = sheet.sort_values(["theme", "text"], ascending=False)
    assert not sorted_sheet["item"].equals(sheet["item"])
    sorted_sheet.to_csv(folder / validation.UNIT_SHEET, index=False)
    scores = validation.score(folder)
    for table in ("agreement", "units"):
        pd.testing.assert_frame_equal(scores[table], expected[table])


def test_score_never_overwrites_a_scores_md_the_toolkit_did_not_write(coded, tmp_path):
    folder = tmp_path / "tasks"
    shutil.copytree(coded, folder)
    mine = folder / "scores.md"
    mine.write_text("# 我的评分笔记\n", encoding="utf-8")
    with pytest.raises(ToolkitError, match="scores.md exists and the toolkit did not write it"):
        validation.score(folder)
    assert mine.read_text(encoding="utf-8") == "# 我的评分笔记\n"
    mine.unlink()
    validation.score(folder)
    validation.score(folder)  # its own scores.md: replaced
    assert mine.read_text(encoding="utf-8").startswith("# Validation scores")
    mine.write_text(mine.read_text(encoding="utf-8") + "审阅意见:一致。\n", encoding="utf-8")  # the user's now
    with pytest.raises(ToolkitError, match="scores.md exists"):
        validation.score(folder)
    assert mine.read_text(encoding="utf-8").endswith("审阅意见:一致。\n")


def test_a_partial_sheet_is_weighted_by_each_strata_coded_units_and_says_which_strata_it_lacks(coded, tmp_path):
    """On a partial sheet each coded unit kept the weight of the units drawn (a stratum with half its units coded
    counted for half its size in the corpus estimate), and a stratum with no coded unit vanished without a word
    (hostile pass of the hand-coding workflow). Weights are now each stratum's size over its coded units."""
    folder = _copy(coded, tmp_path)
    key = pd.read_csv(folder / validation.UNIT_KEY, keep_default_na=False)
    sheet = pd.read_csv(folder / validation.UNIT_SHEET, keep_default_na=False, dtype=str)
    strata = key.groupby("stratum")["weight"].sum()  # each stratum's units in the corpus
    lost = strata.index[0]
    coded = (key["stratum"] != lost) & (key.index % 2 == 0)  # half of the rest, none of the first stratum
    sheet["theme"] = key["model_theme"].where(key.index % 3 != 0, "other").where(coded, "")
    sheet.to_csv(folder / validation.UNIT_SHEET, index=False)
    tables = validation.score(folder)
    rows = key[coded]
    truth = sheet.loc[coded, "theme"].replace("", "other").to_numpy()
    model = rows["model_theme"].replace("", "other").to_numpy()
    weights = (rows["stratum"].map(strata) / rows["stratum"].map(rows["stratum"].value_counts())).to_numpy()
    agreement = tables["agreement"].set_index(["source", "weighting", "measure"])
    expected = (weights * (truth == model)).sum() / weights.sum()
    assert agreement.loc[("model", "weighted", "accuracy"), "estimate"] == pytest.approx(expected)
    missing = [stratum for stratum in strata.index if stratum not in set(rows["stratum"])]  # the first among them
    share = strata[missing].sum() / strata.sum()
    said = f"no coded unit of the stratum {', '.join(missing)} ({share:.1%} of the corpus)"
    assert lost in missing and said in " ".join(tables["notes"]["note"])


def test_a_second_coders_sheet_is_scored_beside_the_first_and_each_says_what_it_scored(coded, tmp_path):
    """`validate score --units coder_b.csv` wrote scores.md over the first coder's scores, and neither file said
    which sheet it held (hostile pass of the hand-coding workflow)."""
    folder = _copy(coded, tmp_path)
    first = validation.score(folder)
    sheet = pd.read_csv(folder / validation.UNIT_SHEET, keep_default_na=False, dtype=str)
    sheet.loc[sheet["theme"] != "", "theme"] = "other"  # a second coder who saw no theme anywhere
    sheet.to_csv(folder / "coder_b.csv", index=False)
    second = validation.score(folder, units_file=folder / "coder_b.csv")
    written = validation.scores_file(folder, folder / "coder_b.csv")
    assert written.name == f"scores-coder_b-{validation.sheet_tag(folder / 'coder_b.csv')[-8:]}.md"
    own, other = (folder / "scores.md").read_text(encoding="utf-8"), written.read_text(encoding="utf-8")
    sheets = ", ".join(f"`{folder / name}`" for name in ("coding_sheet.csv", "word_intrusion.csv", "topic_intrusion.csv"))
    assert f"Sheets scored: {sheets}" in own
    assert f"Sheets scored: `{folder / 'coder_b.csv'}`" in other and own != other
    assert own == validation.format_scores(first) and other == validation.format_scores(second)


def test_coders_sheets_of_the_same_name_keep_their_own_scores(coded, tmp_path):
    """Coders return the sheet under the name they were given (coder_a/coding_sheet.csv, coder_b/coding_sheet.csv):
    the second's scores replaced the first's, and the agreement of A and C replaced that of A and B (hostile pass
    of the hand-coding tools). Each file is named by its sheets' names and paths and names them in full."""
    folder = _copy(coded, tmp_path)
    sheet = pd.read_csv(folder / validation.UNIT_SHEET, keep_default_na=False, dtype=str)
    coders = {}
    for coder, change in (("a", lambda t: t), ("b", lambda t: t.assign(theme=t["theme"].where(t["theme"] == "", "other")))):
        (tmp_path / coder).mkdir()
        coders[coder] = tmp_path / coder / validation.UNIT_SHEET
        change(sheet).to_csv(coders[coder], index=False)
        validation.score(folder, units_file=coders[coder])
    a, b = (validation.scores_file(folder, coders[c]) for c in "ab")
    assert a != b and a.name.startswith("scores-coding_sheet-")
    assert f"Sheets scored: `{coders['a']}`" in a.read_text(encoding="utf-8")
    assert f"Sheets scored: `{coders['b']}`" in b.read_text(encoding="utf-8")
    # the agreement of two pairs of such sheets: two files; the same sheet twice (a path or a link): refused
    (tmp_path / "c").mkdir()
    shutil.copy(coders["b"], tmp_path / "c" / validation.UNIT_SHEET)
    validation.agree(folder, coders["a"], coders["b"])
    validation.agree(folder, coders["a"], tmp_path / "c" / validation.UNIT_SHEET)
    assert len(list(folder.glob("agreement-*.md"))) == 2
    (tmp_path / "link.csv").symlink_to(coders["a"])
    os.link(coders["a"], tmp_path / "hard.csv")
    for same in (tmp_path / "link.csv", tmp_path / "hard.csv"):
        with pytest.raises(ToolkitError, match="are the same sheet; pass two coders' sheets"):
            validation.agree(folder, coders["a"], same)
    # one coder who gave every unit the same theme: kappa 0 in every resample, and the note says why
    said = validation.format_agreement(validation.agree(folder, coders["a"], coders["b"]))
    assert "Cohen's kappa 0.000 [no interval]" in said and "one side gave every unit the same theme" in said
    # a name that is no UTF-8 (written on another system): scored, its bytes shown as �
    odd = tmp_path / os.fsdecode(b"coder\xff.csv")
    shutil.copy(coders["b"], odd)
    validation.score(folder, units_file=odd)
    assert "Sheets scored: `" + str(tmp_path) + "/coder\ufffd.csv`" in validation.scores_file(folder, odd).read_text(
        encoding="utf-8"
    )
    # long Chinese names (a file name has at most 255 bytes): cut, and still told apart by their paths
    long = tmp_path / ("政策文本编码表第二轮复核" * 4 + ".csv")
    shutil.copy(coders["b"], long)
    validation.agree(folder, long, coders["a"])
    assert len(list(folder.glob("agreement-*.md"))) == 3


def test_an_answer_key_is_not_scored_as_a_coded_sheet(coded, tmp_path):
    """The export's keys passed as the coders' sheets scored 100% on both intrusion tasks (hostile pass): they show
    no options to choose from, and hold the answers. Refused, by name and (a copy under another name) by content."""
    folder = _copy(coded, tmp_path)
    for option, key in (("words_file", validation.WORD_KEY), ("topics_file", validation.TOPIC_KEY)):
        with pytest.raises(ToolkitError, match="is a key of the export"):
            validation.score(folder, **{option: folder / key})
        shutil.copy(folder / key, tmp_path / "answers.csv")
        with pytest.raises(ToolkitError, match="shows no options"):
            validation.score(folder, **{option: tmp_path / "answers.csv"})
    # the topic key's copy with its option cells blanked, written as floats or as "topic 19", or without the units'
    # ids (a review found the first three scored 100%)
    key = pd.read_csv(folder / validation.TOPIC_KEY, keep_default_na=False, dtype=str)
    options = [f"option_{x}" for x in "ABCD"]
    for changed in (
        key.assign(**dict.fromkeys(options, "")),
        key.assign(**{c: key[c] + ".0" for c in options}),
        key.assign(**{c: "topic " + key[c] for c in options}),
        key.drop(columns="unit_id"),
    ):
        changed.to_csv(tmp_path / "answers.csv", index=False)
        with pytest.raises(ToolkitError, match="shows no options"):
            validation.score(folder, topics_file=tmp_path / "answers.csv")
    # a coded sheet whose words of one row were cut away
    sheet = pd.read_csv(folder / validation.TOPIC_SHEET, keep_default_na=False, dtype=str)
    sheet["intruder"] = key["intruder"]
    sheet.loc[2, options] = ""
    sheet.to_csv(tmp_path / "cut.csv", index=False)
    with pytest.raises(ToolkitError, match=f"item {sheet.loc[2, 'item']} shows no options to choose from"):
        validation.score(folder, topics_file=tmp_path / "cut.csv")
    with pytest.raises(ToolkitError, match="is a key of the export"):
        validation.score(folder, units_file=folder / validation.UNIT_KEY)


def test_a_mark_is_not_an_answer(coded, tmp_path):
    """A coder's '-' (or '_', '--') for a row they skipped counted as a coded `other`: its hyphens were stripped as a
    theme's are (digital-economy), which left nothing, and nothing was `other`. Refused, naming the item."""
    folder = _copy(coded, tmp_path)
    sheet = pd.read_csv(folder / validation.UNIT_SHEET, keep_default_na=False, dtype=str)
    sheet.loc[0, "theme"] = "-"
    sheet.to_csv(folder / "marked.csv", index=False)
    with pytest.raises(ToolkitError, match=r"not in the codebook \(item 1 \(row 2\): '-'"):
        validation.score(folder, units_file=folder / "marked.csv")


def test_two_coders_agreement_is_measured_on_the_items_both_coded(coded, tmp_path):
    """Inter-coder reliability, which a reviewer asks for beside the model's agreement with each coder, was not
    computed (hostile pass of the hand-coding workflow): `validate agree` gives the two sheets' agreement and
    Cohen's kappa on the items both coded, raw and weighted, with bootstrap intervals."""
    from sklearn.metrics import cohen_kappa_score

    from .conftest import cli

    folder = _copy(coded, tmp_path)
    first = pd.read_csv(folder / validation.UNIT_SHEET, keep_default_na=False, dtype=str)
    second = first.copy()
    second.loc[second.index % 4 == 0, "theme"] = "其他"  # the second coder sees no theme in a quarter of them
    second.loc[second.index % 7 == 1, "theme"] = ""  # and left some rows uncoded
    first.to_csv(folder / "coder_a.csv", index=False)
    second.to_csv(folder / "coder_b.csv", index=False)
    done = cli("validate", "agree", folder, folder / "coder_a.csv", folder / "coder_b.csv")
    assert done.returncode == 0, done.stderr
    both = (first["theme"] != "") & (second["theme"] != "")
    a = first.loc[both, "theme"].replace({"none": "other"}).to_numpy()
    b = second.loc[both, "theme"].replace({"其他": "other", "none": "other"}).to_numpy()
    table = validation.agree(folder, folder / "coder_a.csv", folder / "coder_b.csv").set_index(["weighting", "measure"])
    assert table.loc[("raw", "accuracy"), "estimate"] == pytest.approx((a == b).mean()) and (a != b).any()
    assert table.loc[("raw", "kappa"), "estimate"] == pytest.approx(cohen_kappa_score(a, b))
    assert (table["coded_units"] == both.sum()).all()
    tags = [validation.sheet_tag(folder / name) for name in ("coder_a.csv", "coder_b.csv")]
    said = (folder / f"agreement-{tags[0]}-{tags[1]}.md").read_text(encoding="utf-8")
    assert said == done.stdout
    assert f"`{folder / 'coder_a.csv'}` and `{folder / 'coder_b.csv'}` on the {both.sum()} items both coded" in said


def _resave_units(folder, change=lambda t: t, encoding="utf-8", name="units.csv"):
    path = folder / name
    change(pd.read_csv(path, keep_default_na=False, dtype=str)).to_csv(path, index=False, encoding=encoding)


def test_export_reads_a_units_csv_saved_again_by_excel(run, tmp_path):
    expected = pd.read_csv(validation.export(run, tmp_path / "a", n_units=20) / validation.UNIT_SHEET)
    copy = tmp_path / "run"
    shutil.copytree(run, copy)
    _resave_units(copy, lambda t: t.assign(in_model=t["in_model"].str.upper()), encoding="gbk")  # TRUE, GBK
    again = pd.read_csv(validation.export(copy, tmp_path / "b", n_units=20) / validation.UNIT_SHEET)
    pd.testing.assert_frame_equal(again, expected)


@pytest.mark.parametrize(
    "name, change, message",
    [
        ("units.csv", lambda t: t.assign(in_model="False"), "the run has no unit the model was fitted to"),
        ("units.csv", lambda t: t.drop(columns="dominant_theme"), "units.csv has no 'dominant_theme' column"),
        ("units.csv", lambda t: t.iloc[:0], "the run has no unit the model was fitted to"),
        (
            "unit_topics.csv",
            lambda t: t.assign(topic_3=t["topic_3"].where(t.index != 7, "约0.2")),
            r"unit_topics.csv: topic_3 of unit .* is '约0.2', not a number",
        ),
    ],
)
def test_export_from_an_edited_run_is_one_line(run, tmp_path, name, change, message):
    copy = tmp_path / "run"
    shutil.copytree(run, copy)
    _resave_units(copy, change, name=name)
    with pytest.raises(ToolkitError, match=message):
        validation.export(copy, tmp_path / "tasks")
    assert not (tmp_path / "tasks").exists()


@pytest.mark.skipif(os.fsencode("\udce9") != b"\xe9", reason="needs a file system of bytes (POSIX)")
def test_export_of_a_run_in_a_folder_whose_name_is_not_utf8_is_one_line(run, tmp_path):
    """validation.json names the run: a run copied under a folder named in Latin-1 (or reached through a link to
    one) was a UnicodeEncodeError traceback at its writing (an adversarial review)."""
    copy = tmp_path / os.fsdecode(b"d\xe9p") / "run"
    shutil.copytree(run, copy)
    (tmp_path / "link").symlink_to(copy.parent)
    for given in (copy, tmp_path / "link" / "run"):
        with pytest.raises(ToolkitError, match=r"the run .*d\\xe9p/run is not UTF-8"):
            validation.export(given, tmp_path / "tasks")
        assert not (tmp_path / "tasks").exists()


def test_export_dot_inside_the_run_folder(run, tmp_path, monkeypatch):
    copy = tmp_path / "政策" / "seeds"
    shutil.copytree(run, copy)
    monkeypatch.chdir(copy)
    out = validation.export(".", n_units=20)
    assert out == tmp_path / "政策" / "seeds-validation" and (out / validation.UNIT_SHEET).is_file()


@pytest.mark.parametrize(
    "flags, message",
    [
        (["--units", "-5"], "--units must be from 1 to 10,000, not -5"),
        (["--units", "100000000"], "--units must be from 1 to 10,000, not 100000000"),
        (["--topic-tasks", "-3"], "--topic-tasks must be from 0 to 10,000, not -3"),
        (["--seed", "-1"], "--seed must be from 0 to 4,294,967,295, not -1"),
    ],
)
def test_export_refuses_numbers_out_of_range(run, tmp_path, capsys, flags, message):
    assert main(["validate", "export", str(run), "--out", str(tmp_path / "tasks"), *flags]) == 2
    assert capsys.readouterr().err == f"toolkit: error: {message}\n"
    assert not (tmp_path / "tasks").exists()


@pytest.mark.parametrize(
    "sizes, n, expected, note",
    [
        ([50, 30, 10, 5, 3, 2] + [1] * 12, 20, None, ""),  # 18 strata: 20 units, at least one each
        ([100, 50, 25], 20, [10, 5, 5], ""),  # five each when 20 allows, the rest in proportion
        ([100, 50, 25], 90, [52, 26, 12], ""),
        ([4, 3], 20, [4, 3], "20 units asked, 7 written: the model was fitted to 7 units, all taken"),
        ([9] * 18, 10, [1] * 18, "10 units asked, 18 written: 18 strata (the model's dominant themes) need at least 1"),
    ],
)
def test_allocation_totals_the_units_asked_or_says_why(sizes, n, expected, note):
    """Issue 29: --units 20 wrote 90 rows without saying why (at least 5 per stratum, 18 strata)."""
    allocation, why = validation.allocate(np.array(sizes), n)
    assert (allocation >= np.minimum(sizes, 1)).all() and (allocation <= sizes).all()
    if expected is not None:
        assert allocation.tolist() == expected
    assert allocation.sum() == (n if not note else min(sum(sizes), max(n, len(sizes))))
    assert why.startswith(note) and bool(why) == bool(note)


def test_export_of_fewer_units_than_strata_says_why_on_stderr_and_in_the_codebook(run, tmp_path):
    units = pd.read_csv(run / "units.csv", keep_default_na=False)
    strata = units[units["in_model"].astype(str) == "True"]["dominant_theme"].nunique()
    from .conftest import cli

    done = cli("validate", "export", run, "--out", tmp_path / "few", "--units", "3")  # in this process
    assert done.returncode == 0, done.stderr
    message = f"3 units asked, {strata} written: {strata} strata (the model's dominant themes) need at least 1 each"
    assert message in done.stderr
    assert message in (tmp_path / "few" / validation.CODEBOOK).read_text(encoding="utf-8")
    assert len(pd.read_csv(tmp_path / "few" / validation.UNIT_SHEET)) == strata
    exact = cli("validate", "export", run, "--out", tmp_path / "exact", "--units", "20")
    assert exact.returncode == 0 and "units asked" not in exact.stderr
    assert len(pd.read_csv(tmp_path / "exact" / validation.UNIT_SHEET)) == 20
    # the topic-intrusion tasks show units off the coding sheet (they show the model's topics), those with three
    # clear topics: more asked than there are is said, not cut in silence
    topic_key = pd.read_csv(tmp_path / "exact" / validation.TOPIC_KEY)
    sheet_key = pd.read_csv(tmp_path / "exact" / validation.UNIT_KEY)
    assert len(topic_key) == validation.TOPIC_TASKS and not set(topic_key["unit_id"]) & set(sheet_key["unit_id"])
    asked = cli("validate", "export", run, "--out", tmp_path / "asked", "--units", "20", "--topic-tasks", "5000")
    written = len(pd.read_csv(tmp_path / "asked" / validation.TOPIC_SHEET))
    assert 0 < written < len(units) - 20
    assert (
        f"5000 topic-intrusion tasks asked, {written} written: only {written} modelled units off the coding sheet" in asked.stderr
    )


def test_score_reports_raw_and_weighted_agreement_with_intervals_and_counts(coded, tmp_path):
    """Issue 29: only weighted figures were reported, without intervals or counts."""
    from sklearn.metrics import cohen_kappa_score

    folder = tmp_path / "tasks"
    shutil.copytree(coded, folder)
    key = pd.read_csv(folder / validation.UNIT_KEY, keep_default_na=False)
    sheet = pd.read_csv(folder / validation.UNIT_SHEET, keep_default_na=False, dtype=str)
    sheet["theme"] = key["model_theme"].where(key.index % 3 != 0, "none")  # `none`: a unit about no theme
    sheet.to_csv(folder / validation.UNIT_SHEET, index=False)
    tables = validation.score(folder)
    agreement = tables["agreement"].set_index(["source", "weighting", "measure"])
    truth = sheet["theme"].replace("none", "other").to_numpy()
    model = key["model_theme"].replace("", "other").to_numpy()
    assert agreement.loc[("model", "raw", "accuracy"), "estimate"] == pytest.approx((truth == model).mean())
    assert agreement.loc[("model", "raw", "kappa"), "estimate"] == pytest.approx(cohen_kappa_score(truth, model))
    assert agreement.loc[("model", "weighted", "kappa"), "estimate"] == pytest.approx(
        cohen_kappa_score(truth, model, sample_weight=key["weight"])
    )
    assert (agreement["low"] <= agreement["estimate"] + 1e-12).all()
    assert (agreement["estimate"] <= agreement["high"] + 1e-12).all()
    assert (agreement["coded_units"] == len(sheet)).all()
    pd.testing.assert_frame_equal(validation.score(folder)["agreement"], tables["agreement"])  # seeded
    units = tables["units"].set_index(["source", "theme"])
    assert "other" in units.loc["model"].index
    assert units.loc[("model", "other"), "support"] == (truth == "other").sum()
    assert units.loc[("model", "other"), "predicted"] == (model == "other").sum()
    assert units.loc["model", "support"].sum() == len(sheet)
    assert {"precision", "recall", "f1", "weighted_precision", "weighted_recall", "weighted_f1"} <= set(units)
    # the weighted columns weigh each unit by its sampling weight, worked out by hand for every theme the model
    # gave (a mutation audit wrote the raw scores into them, and no test saw it)
    weight = key["weight"].to_numpy(dtype=float)
    assert len(set(weight)) > 1  # the strata weigh differently: weighted and raw scores differ
    for theme in set(model):
        hit, given, coded_as = (truth == theme) & (model == theme), weight[model == theme], weight[truth == theme]
        scored = units.loc[("model", theme)]
        assert scored["weighted_precision"] == pytest.approx(weight[hit].sum() / given.sum())
        if len(coded_as):
            assert scored["weighted_recall"] == pytest.approx(weight[hit].sum() / coded_as.sum())
            assert scored["weighted_support"] == pytest.approx(coded_as.sum())
    report = (folder / "scores.md").read_text(encoding="utf-8")
    assert "- model, raw: accuracy" in report and "- model, weighted: accuracy" in report
    assert "| other |" in report and "support" in report


def test_a_partial_sheet_is_scored_on_its_coded_rows_and_says_so(run, tmp_path, caplog):
    out = validation.export(run, tmp_path / "tasks", n_units=30, n_topic_tasks=5)
    key = pd.read_csv(out / validation.UNIT_KEY, keep_default_na=False)
    sheet = pd.read_csv(out / validation.UNIT_SHEET, keep_default_na=False, dtype=str)
    sheet.loc[:9, "theme"] = key["keyword_theme"].iloc[:10].replace("", "other")
    sheet.to_csv(out / validation.UNIT_SHEET, index=False)
    with caplog.at_level("WARNING", logger="toolkit"):
        tables = validation.score(out)
    assert (tables["agreement"]["coded_units"] == 10).all()
    assert tables["units"].query("source == 'model'")["support"].sum() == 10
    report = (out / "scores.md").read_text(encoding="utf-8")
    words = len(pd.read_csv(out / validation.WORD_SHEET))
    for message in (
        "coding_sheet.csv: 20 of 30 rows not coded; the theme scores rest on the 10 coded rows only",
        f"word_intrusion.csv: not coded (none of {words} rows)",
        "topic_intrusion.csv: not coded (none of 5 rows)",
    ):
        assert message in report and message in caplog.text


def _error_in_a_child(call: str) -> str:
    """The ToolkitError that ``call`` (of ``validation``) raises in a child process, as printed: a FIFO it would
    wait on for ever makes the child time out (after 60 s) and the test fail, not hang."""
    child = (
        "from pathlib import Path; from toolkit.analysis import validation\n"
        "from toolkit.errors import ToolkitError\n"
        f"try:\n    {call}\n"
        "except ToolkitError as exc:\n    print(exc)\n"
    )
    result = python_process(child)
    assert not result.stderr.strip(), result.stderr
    return result.stdout


def test_a_fifo_given_as_a_sheet_is_named_never_waited_on(tmp_path):
    import os

    fifo = tmp_path / "编码表.csv"
    os.mkfifo(fifo)
    said = _error_in_a_child(f"validation.read_table(Path({str(fifo)!r}), ('item',), 'give the saved sheet')")
    assert said == f"{fifo} is a FIFO (named pipe), not a regular file; give the saved sheet\n"


def test_a_fifo_in_place_of_a_runs_table_is_named_not_called_missing(tmp_path):
    """`validate export` of a run whose units.csv is a FIFO: it said "units.csv missing", though it is there; now
    it names what it is, and waits on nothing."""
    import os

    run = tmp_path / "run"
    run.mkdir()
    for name in ("topics.csv", "themes.csv", "unit_topics.csv"):
        (run / name).write_text("x\n1\n", encoding="utf-8")
    os.mkfifo(run / "units.csv")
    said = _error_in_a_child(f"validation._read_run(Path({str(run)!r}))")
    assert said.startswith(f"{run / 'units.csv'} is a FIFO (named pipe), not a regular file;"), said
    (run / "units.csv").unlink()
    said = _error_in_a_child(f"validation._read_run(Path({str(run)!r}))")
    assert said.startswith(f"{run} is not the output of a toolkit run (units.csv missing)"), said


def test_a_fifo_in_place_of_an_exports_or_a_sweeps_json_is_never_waited_on(tmp_path):
    """A hostile pass: a FIFO named validation.json (an export) or metrics.json (a sweep's run) kept `validate
    score` and a resumed sweep waiting for ever; they read it as a file that is not there (a seed of 0, a run to fit
    again)."""
    import os

    (tmp_path / "run").mkdir()
    os.mkfifo(tmp_path / "validation.json")
    os.mkfifo(tmp_path / "run" / "metrics.json")
    child = (
        "from pathlib import Path; from toolkit.analysis import validation; from toolkit import sweeps\n"
        f"folder = Path({str(tmp_path)!r})\n"
        "print(validation._export_seed(folder), sweeps._finished(folder / 'run'))\n"
    )
    result = python_process(child)  # a test still waiting on the FIFO after 60 s fails
    assert result.stdout == "0 False\n", result.stderr


def _copy(coded, tmp_path):
    folder = tmp_path / "tasks"
    shutil.copytree(coded, folder)
    return folder


def test_an_item_coded_twice_or_a_sheet_of_another_export_is_refused(run, coded, tmp_path):
    """A row copied (the item counted twice) and a sheet from another export of the same run (its items name
    other paragraphs) were scored without a word (found by an adversarial pass)."""
    folder = _copy(coded, tmp_path)
    sheet = pd.read_csv(folder / validation.UNIT_SHEET, keep_default_na=False, dtype=str)
    pd.concat([sheet, sheet.iloc[[2]]]).to_csv(folder / validation.UNIT_SHEET, index=False)
    with pytest.raises(ToolkitError, match=r"item 3 is coded more than once \(rows 4, 22\); keep one row per item"):
        validation.score(folder)
    other = validation.export(run, tmp_path / "other", n_units=20, n_topic_tasks=5, random_state=7)
    foreign = pd.read_csv(other / validation.UNIT_SHEET, keep_default_na=False, dtype=str)
    foreign["theme"] = "other"
    foreign.to_csv(folder / validation.UNIT_SHEET, index=False)
    with pytest.raises(ToolkitError, match="the text of item 1 is not the text exported as item 1"):
        validation.score(folder)
    # the same texts saved again by a spreadsheet (line ends, spaces at the ends) are the same items
    sheet.assign(text=" " + sheet["text"].str.replace("\n", "\r\n") + " ").to_csv(folder / validation.UNIT_SHEET, index=False)
    assert len(validation.score(folder)["agreement"])


def test_deleted_rows_are_said_and_a_theme_may_be_written_by_its_label(run, coded, tmp_path, caplog):
    folder = _copy(coded, tmp_path)
    sheet = pd.read_csv(folder / validation.UNIT_SHEET, keep_default_na=False, dtype=str)
    expected = validation.score(coded)["agreement"]
    themes = pd.read_csv(run / "themes.csv", keep_default_na=False).set_index("theme")
    labelled = sheet["theme"].map(lambda t: themes.loc[t, "label_zh"] if t in themes.index and t != "other" else t)
    assert (labelled != sheet["theme"]).any() and labelled.str.contains(r"[\u4e00-\u9fff]").any()
    sheet.assign(theme=labelled).to_csv(folder / validation.UNIT_SHEET, index=False)
    pd.testing.assert_frame_equal(validation.score(folder)["agreement"], expected)  # 生态环境 is ecology
    # as coders type them: full-width letters, spaces or hyphens inside a name or label, 其他 for other (all refused
    # as "not in the codebook" before; hostile pass of the hand-coding workflow)
    import unicodedata

    def typed(theme: str, i: int) -> str:
        if theme == "other":
            return ["其他", "无", "Other"][i % 3]
        return [
            "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in theme),  # ｅｃｏｌｏｇｙ
            " ".join(str(themes.loc[theme, "label_zh"])),  # 生 态 环 境
            theme.replace("_", "-").title(),  # Digital-Economy
        ][i % 3]

    typed_themes = [typed(t, i) if t else t for i, t in enumerate(sheet["theme"])]
    assert any(unicodedata.normalize("NFKC", t) != t for t in typed_themes)
    sheet.assign(theme=typed_themes).to_csv(folder / validation.UNIT_SHEET, index=False)
    pd.testing.assert_frame_equal(validation.score(folder)["agreement"], expected)
    # a coder in Hong Kong or Taiwan writes the labels in traditional script (生態環境), and a header retyped in a
    # spreadsheet has capitals (Item, Theme): both were refused (a hostile pass of the hand-coding tools)
    from opencc import OpenCC

    traditional = labelled.map(OpenCC("s2t").convert)
    assert (traditional != labelled).sum() >= 5, traditional.tolist()
    retyped = sheet.assign(theme=traditional).rename(columns={"item": "Item", "theme": "Theme", "text": "TEXT"})
    retyped.to_csv(folder / validation.UNIT_SHEET, index=False)
    pd.testing.assert_frame_equal(validation.score(folder)["agreement"], expected)
    sheet.assign(Theme=sheet["theme"]).to_csv(folder / validation.UNIT_SHEET, index=False)
    with pytest.raises(ToolkitError, match="has two columns named 'theme' \\(in capitals or not\\)"):
        validation.score(folder)
    sheet.assign(theme=["生态环境；数字经济", *sheet["theme"][1:]]).to_csv(folder / validation.UNIT_SHEET, index=False)
    with pytest.raises(ToolkitError, match="one theme per row"):
        validation.score(folder)
    sheet.drop(index=[4, 9]).to_csv(folder / validation.UNIT_SHEET, index=False)
    with caplog.at_level("WARNING", logger="toolkit"):
        tables = validation.score(folder)
    message = "coding_sheet.csv: 2 of 20 exported items are not in the sheet (items 5, 10): deleted rows are not scored"
    assert message in caplog.text and message in (folder / "scores.md").read_text(encoding="utf-8")
    assert (tables["agreement"]["coded_units"] == 18).all()


@pytest.mark.parametrize(
    "sheet_name, answer, message",
    [
        (validation.TOPIC_SHEET, "E", r"the answer 'E' of item \d+ is none of its options \(A, B, C, D\)"),
        (validation.WORD_SHEET, "不存在的词", r"the answer '不存在的词' of item \d+ is none of its options"),
    ],
)
def test_an_intruder_answer_outside_the_options_is_refused(coded, tmp_path, sheet_name, answer, message):
    folder = _copy(coded, tmp_path)
    sheet = pd.read_csv(folder / sheet_name, keep_default_na=False, dtype=str)
    sheet.loc[0, "intruder"] = answer
    sheet.to_csv(folder / sheet_name, index=False)
    with pytest.raises(ToolkitError, match=message):
        validation.score(folder)
    sheet.loc[0, "intruder"] = sheet.loc[0, "word_2"] if sheet_name == validation.WORD_SHEET else "b"  # an option
    sheet.to_csv(folder / sheet_name, index=False)
    assert len(validation.score(folder)["word_intrusion" if sheet_name == validation.WORD_SHEET else "topic_intrusion"]) == 1


@pytest.mark.parametrize("n_topics", [3, 4, 5, 6])
def test_topic_intrusion_never_shows_a_top_topic_as_the_intruder(n_topics):
    """With five topics or fewer the intruder was drawn from ranks that included the three largest: a task whose
    'intruder' was one of the unit's own topics, or shown twice (found by an adversarial pass)."""
    rng = np.random.default_rng(0)
    units = pd.DataFrame({"unit_id": [f"u{i}" for i in range(40)], "item": range(1, 41), "text": "发展数字经济"})
    shares = rng.dirichlet(np.ones(n_topics), size=40)
    unit_topics = pd.DataFrame({"unit_id": units["unit_id"], **{f"topic_{k}": shares[:, k] for k in range(n_topics)}})
    words = [" ".join(f"{c}{k}:0.1" for c in "词字句段篇") for k in range(n_topics)]  # five: an intruder is shown by five
    topics = pd.DataFrame({"topic": range(n_topics), "top_words": words})
    sheet, key, note = validation._topic_intrusion(units, topics, unit_topics, 40, rng, asked=True)
    if n_topics < 4:
        assert sheet.empty and note == "no topic-intrusion task: the model has 3 topics, and a task needs 4"
        return
    # a unit takes a task only with three clear topics (each at least TOPIC_SHARE) and an intruder below that: with a
    # third topic of share 0 the task had no right answer (the review of the hand-coding workflow found 6 of 50)
    ordered = np.sort(shares, axis=1)
    clear = (ordered[:, -3] >= validation.TOPIC_SHARE) & (ordered[:, 0] < validation.TOPIC_SHARE)
    assert len(sheet) == clear.sum() < 40 and note.startswith(f"40 topic-intrusion tasks asked, {clear.sum()} written")
    assert key["item"].tolist() == list(range(1, len(key) + 1))
    for row in key.itertuples():
        values = shares[int(row.unit_id[1:])]
        shown = [getattr(row, f"option_{x}") for x in "ABCD"]
        intruder = getattr(row, f"option_{row.intruder}")
        assert len(set(shown)) == 4 and intruder not in np.argsort(-values, kind="stable")[:3]
        assert values[intruder] < validation.TOPIC_SHARE <= min(values[t] for t in shown if t != intruder)


def test_a_gbk_sheet_whose_text_lost_characters_to_question_marks_is_still_its_exports(coded, tmp_path):
    """Excel's GBK cannot hold • or 𠮷 and writes '?': the text check refused such a sheet as another export's."""
    folder = _copy(coded, tmp_path)
    key = pd.read_csv(folder / validation.UNIT_KEY, keep_default_na=False, dtype=str)
    sheet = pd.read_csv(folder / validation.UNIT_SHEET, keep_default_na=False, dtype=str)
    key.loc[0, "text"] = sheet.loc[0, "text"] = "• 𠮷" + sheet.loc[0, "text"]
    key.to_csv(folder / validation.UNIT_KEY, index=False)
    # an export of a run whose paragraph held them (not kept: the score reads the run's themes only when it is there)
    record = json.loads((folder / "validation.json").read_text(encoding="utf-8"))
    (folder / "validation.json").write_text(json.dumps({**record, "run": str(tmp_path / "gone")}), encoding="utf-8")
    (folder / validation.UNIT_SHEET).write_bytes(sheet.to_csv(index=False).encode("gbk", errors="replace"))
    assert "? ?" in (folder / validation.UNIT_SHEET).read_bytes().decode("gbk")
    pd.testing.assert_frame_equal(validation.score(folder)["agreement"], validation.score(coded)["agreement"])
    sheet.loc[0, "text"] = sheet.loc[0, "text"].replace("• 𠮷", "? ?")[:-1]  # a character short: another text
    sheet.to_csv(folder / validation.UNIT_SHEET, index=False)
    with pytest.raises(ToolkitError, match="the text of item 1 is not the text exported as item 1"):
        validation.score(folder)
    # Excel writes one '?' per UTF-16 unit: 𠮷 (outside the BMP) becomes '??'
    assert validation._same_text("推进??发展", "推进𠮷发展") and validation._same_text("推进?发展", "推进𠮷发展")
    assert not validation._same_text("推进???发展", "推进𠮷发展")


def test_a_sheet_that_lost_its_chinese_to_question_marks_is_scored_with_a_note_and_never_hangs(coded, tmp_path, caplog):
    """Saved as ASCII or Latin-1, every Chinese character is '?': the text can no longer be checked (said), and the
    check, a regex of '.{1,2}' per '?', backtracked for minutes on such a text (a second review)."""
    folder = _copy(coded, tmp_path)
    sheet = pd.read_csv(folder / validation.UNIT_SHEET, keep_default_na=False, dtype=str)
    (folder / validation.UNIT_SHEET).write_bytes(sheet.to_csv(index=False).encode("ascii", errors="replace"))
    with caplog.at_level("WARNING", logger="toolkit"):
        scores = validation.score(folder)
    pd.testing.assert_frame_equal(scores["agreement"], validation.score(coded)["agreement"])
    assert "the texts of 20 rows lost most of their characters to '?'" in caplog.text
    from .conftest import python_process

    check = "from toolkit.analysis.validation import _same_text; print(_same_text('?' * 40 + 'a', '政' * 60 + 'b'))"
    assert python_process(check, timeout=30).stdout == "False\n"


def test_a_label_is_never_taken_for_another_themes_name_or_for_other(coded, tmp_path):
    """A user's lexicon may label a theme 'Industry' or 'Other': the coders' `industry` and `none` were then
    scored as that theme."""
    import json

    folder = _copy(coded, tmp_path)
    settings = json.loads((folder / "validation.json").read_text(encoding="utf-8"))
    themes = {t["theme"]: t for t in settings["themes"]}
    themes["livelihood"]["label_en"] = "Industry"
    themes["ecology"]["label_en"] = "Other"
    themes["innovation"]["label_zh"] = themes["industry"]["label_zh"]  # a label two themes share means neither
    (folder / "validation.json").write_text(json.dumps(settings, ensure_ascii=False), encoding="utf-8")
    names = validation._theme_names(folder)
    assert names["industry"] == "industry" and "other" not in names and names["livelihood"] == "livelihood"
    assert themes["industry"]["label_zh"].lower() not in names
    pd.testing.assert_frame_equal(validation.score(folder)["units"], validation.score(coded)["units"])


def test_a_word_sheet_of_another_export_is_refused(run, coded, tmp_path):
    folder = _copy(coded, tmp_path)
    other = validation.export(run, tmp_path / "other", n_units=20, n_topic_tasks=5, random_state=7)
    foreign = pd.read_csv(other / validation.WORD_SHEET, keep_default_na=False, dtype=str)
    key = pd.read_csv(other / validation.WORD_KEY, keep_default_na=False, dtype=str)
    foreign["intruder"] = key["intruder"]  # coded perfectly, for the other export
    foreign.to_csv(folder / validation.WORD_SHEET, index=False)
    with pytest.raises(ToolkitError, match=r"the words of item \d+ are not the words exported as item \d+"):
        validation.score(folder)


def test_intruders_written_in_full_width_letters_are_read(coded, tmp_path):
    """The theme column folds full-width forms (ｅｃｏｌｏｇｙ); the intrusion sheets refused `Ａ` as none of A-D
    (hostile pass). A Chinese input method writes them so: the same answer."""
    folder = _copy(coded, tmp_path)
    key = pd.read_csv(folder / validation.TOPIC_KEY, keep_default_na=False, dtype=str)
    sheet = pd.read_csv(folder / validation.TOPIC_SHEET, keep_default_na=False, dtype=str)
    full_width = {letter: chr(ord(letter) - ord("A") + ord("Ａ")) for letter in "ABCD"}
    sheet["intruder"] = key["intruder"].map(full_width)
    sheet.to_csv(folder / "topics.csv", index=False)
    found = validation.score(folder, topics_file=folder / "topics.csv")["topic_intrusion"]
    assert len(found) == len(key) and (found["precision"] == 1).all()


@pytest.mark.parametrize("separator, encoding", [("\t", "utf-16"), (";", "utf-8-sig")], ids=["unicode-text", "semicolons"])
def test_a_sheet_saved_with_tabs_or_semicolons_is_read(coded, tmp_path, separator, encoding):
    """Excel saves UTF-16 only as "Unicode Text", tab-separated; a European locale's CSV uses semicolons. Both were
    refused as "not a readable CSV table" (hostile pass); they are the same sheet."""
    folder = _copy(coded, tmp_path)
    sheet = pd.read_csv(folder / validation.UNIT_SHEET, keep_default_na=False, dtype=str)
    sheet.to_csv(folder / "saved.txt", index=False, sep=separator, encoding=encoding)
    expected = validation.score(folder)["agreement"]
    again = validation.score(folder, units_file=folder / "saved.txt")["agreement"]
    pd.testing.assert_frame_equal(again, expected)
    # a coder's own column whose name holds a comma: the cells are still separated by the sheet's separator
    sheet.assign(**{"note, doubts": ""}).to_csv(folder / "noted.txt", index=False, sep=separator, encoding=encoding)
    pd.testing.assert_frame_equal(validation.score(folder, units_file=folder / "noted.txt")["agreement"], expected)


def test_a_key_without_a_positive_weight_is_a_clear_error(coded, tmp_path):
    """A key whose weights were all edited to 0 was a traceback (ZeroDivisionError in the weights) from score."""
    folder = _copy(coded, tmp_path)
    key = pd.read_csv(folder / validation.UNIT_KEY, keep_default_na=False, dtype=str)
    key.assign(weight="0").to_csv(folder / validation.UNIT_KEY, index=False)
    with pytest.raises(ToolkitError, match="has no positive weight"):
        validation.score(folder)
    # one weight edited to what the export never writes: inf was a traceback, 1e300 a population of -9e18 units in
    # scores.md, nan or -3 a smaller population unsaid (an adversarial review)
    for weight in ("inf", "1e300", "nan", "-3", "0.5"):
        key.assign(weight=[weight, *key["weight"].iloc[1:]]).to_csv(folder / validation.UNIT_KEY, index=False)
        with pytest.raises(ToolkitError, match=rf"{validation.UNIT_KEY}: item {key['item'].iloc[0]} has the weight "):
            validation.score(folder)


def test_a_refusal_names_the_spreadsheet_row_below_blank_lines(coded, tmp_path):
    """Blank lines, which pandas skips, are rows of a spreadsheet: a theme not in the codebook three blank lines
    below the header was named at row 7 of a sheet whose row 10 it was (an adversarial review): here item 5, rows 2-4
    blank, is on row 9."""
    folder = _copy(coded, tmp_path)
    sheet = pd.read_csv(folder / validation.UNIT_SHEET, keep_default_na=False, dtype=str)
    sheet.loc[4, "theme"] = "月球"
    lines = sheet.to_csv(index=False).split("\n", 1)
    (tmp_path / "blank.csv").write_text(lines[0] + "\n\n\n  \n" + lines[1], encoding="utf-8")
    with pytest.raises(ToolkitError, match=rf"item {sheet.loc[4, 'item']} \(row 9\): '月球'"):  # row 6 before
        validation.score(folder, units_file=tmp_path / "blank.csv")


def test_a_paragraph_that_reads_as_a_formula_is_guarded_once_on_the_sheet_and_scored_as_excel_saves_it(run, tmp_path):
    """units.csv guards a text that starts like a formula (=, +, -, @) with one apostrophe; export read it with the
    apostrophe and wrote the sheet and key with a second one (''=HYPERLINK...), so coders read altered paragraphs,
    and a sheet saved by a spreadsheet (which drops the apostrophe) was refused as edited (found by a review)."""
    from toolkit.output.csv_files import write_csv

    copy = tmp_path / "run"
    shutil.copytree(run, copy)
    units = pd.read_csv(copy / "units.csv", keep_default_na=False, dtype=str)
    units["text"] = ["=HYPERLINK(1)" + text if i % 2 else "-1+2 " + text for i, text in enumerate(units["text"])]
    write_csv(copy / "units.csv", units)  # as the run writes it: each such text guarded once
    out = validation.export(copy, tmp_path / "tasks", n_units=20, n_topic_tasks=0)
    raw = pd.read_csv(out / validation.UNIT_SHEET, keep_default_na=False)  # the cells as a spreadsheet shows them
    assert raw["text"].str.match(r"'(=HYPERLINK\(1\)|-1\+2 )").all() and not raw["text"].str.startswith("''").any()
    key = pd.read_csv(out / validation.UNIT_KEY, keep_default_na=False)
    assert (key["text"] == raw["text"]).all()
    # coded and saved by a spreadsheet, which writes the cells without the apostrophe: the sheet is still its export's
    raw.assign(text=raw["text"].str[1:], theme=key["keyword_theme"].replace("", "other")).to_csv(
        out / validation.UNIT_SHEET, index=False
    )
    agreement = validation.score(out)["agreement"].query("source == 'keywords' and weighting == 'raw'")
    assert agreement.set_index("measure").loc["accuracy", "estimate"] == pytest.approx(1.0)


def test_the_codebook_of_an_exploratory_model_gives_each_theme_example_words(tmp_path):
    """An LDA run keeps no keywords for any theme (no topic is anchored to one): the codebook said "Example words:
    (none in this corpus)" for innovation, whose word 创新 the seeds use 199 times (found by a review)."""
    from .conftest import NO_FIGURES

    out = tmp_path / "lda"
    toolkit.run(Config.load(ROOT / "configs" / "seeds.toml", [*NO_FIGURES, "model.kind='lda'", "model.n_topics=8"]), out)
    codebook = (validation.export(out, tmp_path / "tasks", n_units=20) / validation.CODEBOOK).read_text(encoding="utf-8")
    innovation = next(line for line in codebook.splitlines() if line.startswith("- `innovation`"))
    assert "创新" in innovation.split("Example words: ")[1]
    diplomacy = next(line for line in codebook.splitlines() if line.startswith("- `diplomacy_unification`"))
    assert diplomacy.endswith("Example words: (none in this corpus)")  # no word of it in the seeds' vocabulary
    # and only words of the texts: the lexicon's words the seeds never use were examples too (核酸检测 in a corpus
    # without it: a hostile pass), and so were those inside longer words only (收入 in 低收入: a review)
    coverage = pd.read_csv(out / "coverage.csv", keep_default_na=False)
    used = set(coverage.loc[coverage["count"] > 0, "word"])
    texts = "\n".join(pd.read_csv(out / "units.csv", keep_default_na=False)["text"])
    assert "收入" not in used and "收入" in texts  # the case of the review
    examples = [line.split("Example words: ")[1] for line in codebook.splitlines() if "Example words: " in line]
    shown = [word for line in examples if not line.startswith("(none") for word in line.split()]
    assert len(shown) > 20 and [word for word in shown if word not in used] == []


def test_export_refuses_its_out_folder_before_it_samples(run):
    """An --out inside the run was refused only after the export had sampled and printed its warnings (three units
    for 17 strata), so the one-line error came after lines about a sample never written (found by a review)."""
    from .conftest import cli

    result = cli("validate", "export", run, "--units", "3", "--out", run / "val")
    assert result.returncode == 2 and not (run / "val").exists()
    assert result.stderr.startswith("toolkit: error: --out") and result.stderr.count("\n") == 1, result.stderr


def test_export_refuses_a_count_below_its_least_in_one_line(run, tmp_path):
    """export(n_units=-5) was accepted and said "-5 units asked, 14 written"; the command line refused it
    (found by a review of the API)."""
    for arguments, message in [
        ({"n_units": -5}, "export: n_units must be a whole number of 1 or more, not -5"),
        ({"n_units": "30"}, "export: n_units must be a whole number of 1 or more, not '30'"),
        ({"n_topic_tasks": -1}, "export: n_topic_tasks must be a whole number of 0 or more, not -1"),
    ]:
        with pytest.raises(ToolkitError, match=f"^{message}$"):
            validation.export(run, tmp_path / "tasks", **arguments)
    assert not (tmp_path / "tasks").exists()


def test_a_sheet_saved_as_excels_western_csv_is_scored_with_its_lost_texts_said(coded, tmp_path, caplog):
    """Excel's "CSV (Comma delimited)" on a Western Windows writes Windows-1252: the Chinese becomes '?', and a
    coder's curly quotes and dashes in `note` stay single bytes that no encoding the toolkit tried reads, so the
    sheet was refused (with advice to re-save it as UTF-8, which cannot bring the Chinese back) though every answer
    in it was intact (an adversarial pass of the hand-coding tools)."""
    folder = _copy(coded, tmp_path)
    sheet = pd.read_csv(folder / validation.UNIT_SHEET, keep_default_na=False, dtype=str)
    sheet.loc[0, "note"] = "“unsure” – reread"
    (folder / validation.UNIT_SHEET).write_bytes(sheet.to_csv(index=False).encode("cp1252", errors="replace"))
    with caplog.at_level("WARNING", logger="toolkit"):
        scores = validation.score(folder)
    pd.testing.assert_frame_equal(scores["agreement"], validation.score(coded)["agreement"])
    assert "the texts of 20 rows lost most of their characters to '?'" in caplog.text
    # another export's sheet (other units under the same items) saved so is refused, not scored with a note (a
    # hostile pass: its model accuracy 0.200 was reported, "whether they belong to this export was not checked")
    other = sheet.assign(text=sheet["text"].iloc[::-1].to_numpy())
    (folder / validation.UNIT_SHEET).write_bytes(other.to_csv(index=False).encode("cp1252", errors="replace"))
    with pytest.raises(ToolkitError, match="the text of item 1 is not the text exported as item 1"):
        validation.score(folder)
    # Excel for Mac's "CSV (Macintosh)": lines that end with \r alone (a hostile pass: the header of a sheet in a
    # Western code page was read up to the first \n, the whole sheet, and csv raised a traceback)
    mac = sheet.to_csv(index=False, lineterminator="\r", quoting=csv.QUOTE_ALL).encode("cp1252", errors="replace")
    (folder / validation.UNIT_SHEET).write_bytes(mac)
    pd.testing.assert_frame_equal(validation.score(folder)["agreement"], validation.score(coded)["agreement"])
    # Excel on a Central European or Cyrillic Windows writes its own code page (a note's Ź or Џ is no Windows-1252 byte)
    for code_page, note in (("cp1250", "Źle"), ("cp1251", "Џ ђ ќ")):
        sheet.loc[0, "note"] = note
        (folder / validation.UNIT_SHEET).write_bytes(sheet.to_csv(index=False).encode(code_page, errors="replace"))
        pd.testing.assert_frame_equal(validation.score(folder)["agreement"], validation.score(coded)["agreement"])
    # the word sheet's answers are Chinese words: lost to '?', they cannot be scored, and the error says why
    words = pd.read_csv(folder / validation.WORD_SHEET, keep_default_na=False, dtype=str)
    words["intruder"] = words["word_1"]
    (folder / validation.WORD_SHEET).write_bytes(words.to_csv(index=False).encode("cp1252", errors="replace"))
    with pytest.raises(ToolkitError, match="the words of item 1 were lost to '\\?' \\(the sheet was saved in an encoding"):
        validation.score(folder)
    (folder / validation.WORD_SHEET).unlink()
    # the theme sheet coded with the themes' Chinese labels: lost to '?', said as for the words (a hostile pass:
    # "2 coded theme(s) not in the codebook (item 1: '????')" did not say why)
    labelled = sheet.assign(theme=sheet["theme"].where(sheet.index > 1, "生态环境"), note="")
    (folder / validation.UNIT_SHEET).write_bytes(labelled.to_csv(index=False).encode("cp1252", errors="replace"))
    with pytest.raises(ToolkitError, match="the coded themes of items 1 and 2 were lost to '\\?' \\(the sheet was saved in"):
        validation.score(folder)
    # one coder's '??' in one cell of a sheet saved as UTF-8 is an answer that is no theme, not an encoding
    unsure = sheet.assign(theme=sheet["theme"].where(sheet.index > 0, "??"))
    (folder / validation.UNIT_SHEET).write_text(unsure.to_csv(index=False), encoding="utf-8")
    with pytest.raises(ToolkitError, match="not in the codebook \\(item 1 \\(row 2\\): '\\?\\?'\\)"):
        validation.score(folder)
    # bytes that are no table at all are still refused with the encodings tried
    (folder / validation.UNIT_SHEET).write_bytes(bytes(range(1, 256)) * 4)
    with pytest.raises(ToolkitError, match="not readable as UTF-8"):
        validation.score(folder)


def test_agree_refuses_an_item_the_export_lacks_and_says_what_was_not_coded(coded, tmp_path, caplog):
    """`validate agree` dropped a coded row whose item the export does not have (score refuses it) and said nothing
    of a half-coded sheet (score warns); both as score does now (an adversarial pass of the hand-coding tools)."""
    folder = _copy(coded, tmp_path)
    first = pd.read_csv(folder / validation.UNIT_SHEET, keep_default_na=False, dtype=str)
    half = first.copy()
    half.loc[half.index % 2 == 0, "theme"] = ""
    half.to_csv(folder / "half.csv", index=False)
    first.to_csv(folder / "first.csv", index=False)
    with caplog.at_level("WARNING", logger="toolkit"):
        validation.agree(folder, folder / "first.csv", folder / "half.csv")
    assert "half.csv: 10 of 20 rows not coded" in caplog.text
    renumbered = first.copy()
    renumbered.loc[2, "item"] = "99"
    renumbered.to_csv(folder / "renumbered.csv", index=False)
    with pytest.raises(ToolkitError, match="renumbered.csv: item 99 is not in key_units.csv"):
        validation.agree(folder, folder / "first.csv", folder / "renumbered.csv")


def test_a_sheet_of_its_header_alone_is_named_when_nothing_is_coded(coded, tmp_path):
    """A sheet passed with --units that kept its header only was refused as "no coded answer in <folder>: fill the
    theme column of coding_sheet.csv": the default sheet, not the one passed, and not that it lacks every item."""
    folder = _copy(coded, tmp_path)
    (tmp_path / "coder: v2.csv").write_text("item,text,theme,note\n", encoding="utf-8")  # ': ' in its name too
    for name in (validation.WORD_SHEET, validation.TOPIC_SHEET):  # no intruder answered either
        sheet = pd.read_csv(folder / name, keep_default_na=False, dtype=str)
        sheet.to_csv(folder / name, index=False)
        sheet.assign(intruder="").to_csv(folder / name, index=False)
    with pytest.raises(ToolkitError) as error:
        validation.score(folder, units_file=tmp_path / "coder: v2.csv")
    assert str(error.value).startswith(f"no coded answer in {tmp_path / 'coder: v2.csv'} (20 of 20 exported items are not")


def test_the_codebook_gives_no_task_without_items(run, tmp_path):
    """An export without topic-intrusion tasks (--topic-tasks 0, or a corpus too small for them) handed coders a
    task "topic_intrusion.csv (0 paragraphs): each paragraph comes with four word lists ..."."""
    codebook = (validation.export(run, tmp_path / "tasks", n_units=20, n_topic_tasks=0) / validation.CODEBOOK).read_text(
        encoding="utf-8"
    )
    assert "2 tasks." in codebook and "2. `word_intrusion.csv`" in codebook and "(0 paragraphs)" not in codebook
    assert "(`topic_intrusion.csv`: no item, nothing to code there.)" in codebook
    full = (validation.export(run, tmp_path / "all", n_units=20, n_topic_tasks=3) / validation.CODEBOOK).read_text(
        encoding="utf-8"
    )
    assert "3 tasks." in full and "3. `topic_intrusion.csv` (3 paragraphs)" in full and "nothing to code" not in full


def test_agreements_intervals_are_at_their_level_and_count_the_weights_effective_units():
    """The weighted accuracy's Wilson interval is over Kish's effective number of units (not the units coded), and
    kappa's interval is the 2.5th to 97.5th percentile of its resamples at level 0.95: a mutation to either (the
    units coded; a 90% interval labelled 95%) passed every test (a mutation audit)."""
    from statsmodels.stats.proportion import proportion_confint

    rng = np.random.default_rng(7)
    labels = ["ecology", "innovation", "other"]
    truth = rng.choice(labels, size=40)
    predicted = np.where(rng.random(40) < 0.7, truth, rng.choice(labels, size=40))
    weights = np.where(np.arange(40) < 10, 9.0, 1.0)  # one stratum weighs nine times the others
    rows = {(r["measure"], r["weighting"]): r for r in validation.agreement(truth, predicted, weights, labels, random_state=3)}
    accuracy = float(np.average(truth == predicted, weights=weights))
    effective = weights.sum() ** 2 / np.square(weights).sum()
    assert effective < 30  # far fewer than the 40 units coded
    low, high = proportion_confint(accuracy * effective, effective, alpha=0.05, method="wilson")
    assert (rows[("accuracy", "weighted")]["low"], rows[("accuracy", "weighted")]["high"]) == pytest.approx((low, high))
    index = {label: i for i, label in enumerate(labels)}
    t, p = np.array([index[x] for x in truth]), np.array([index[x] for x in predicted])
    draws = np.random.default_rng(3).integers(0, 40, size=(validation.BOOTSTRAP, 40))
    replicates = validation.kappa(t[draws], p[draws], len(labels), np.ones(40)[draws])
    expected = np.percentile(replicates[np.isfinite(replicates)], [2.5, 97.5])
    assert (rows[("kappa", "raw")]["low"], rows[("kappa", "raw")]["high"]) == pytest.approx(tuple(expected))


def test_sheets_with_mac_line_ends_or_a_stray_comma_are_read_or_refused_not_misread(coded, tmp_path):
    """From a hostile pass of the hand-coding tools: a sheet saved with \\r line ends (a Mac's "CSV") was a csv
    traceback; a first row with a cell more than the header (a note typed as `不确定, 可能是生态` without quotes) made
    pandas take the first column as the index, every column shifted: a traceback, or, with the header cut to
    item,text,theme, exit 0 with no theme scored at all. Now the \\r sheet scores as the original, and a row with
    more cells than the header is refused naming its line."""
    expected = validation.score(coded)["agreement"]
    folder = _copy(coded, tmp_path)
    sheet = pd.read_csv(folder / validation.UNIT_SHEET, keep_default_na=False, dtype=str)
    text = sheet.to_csv(index=False, lineterminator="\r", quoting=csv.QUOTE_ALL)  # a cell's own line breaks quoted
    (folder / validation.UNIT_SHEET).write_text(text, encoding="utf-8")
    pd.testing.assert_frame_equal(validation.score(folder)["agreement"], expected)
    rows = sheet.to_numpy().tolist()
    rows[0] += ["不确定", " 可能是生态"]  # the note's cell and a stray one: two cells more than the header

    def write(header, rows):
        with open(folder / validation.UNIT_SHEET, "w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows([header, *rows])

    write(list(sheet.columns), rows)
    with pytest.raises(ToolkitError, match="coding_sheet.csv line 2 has 6 cells, the header 4: a cell holds the separator"):
        validation.score(folder)
    write(["item", "text", "theme"], rows)  # the note's column deleted, its cells kept
    with pytest.raises(ToolkitError, match="line 2 has 6 cells, the header 3"):
        validation.score(folder)
    # a spreadsheet's empty trailing cells are no extra cells
    write(list(sheet.columns), [row + ["", ""] for row in sheet.to_numpy().tolist()])
    pd.testing.assert_frame_equal(validation.score(folder)["agreement"], expected)


def test_a_study_that_coded_themes_only_is_scored_without_the_intrusion_sheets(coded, tmp_path, caplog):
    """From a hostile pass: with word_intrusion.csv deleted (a study coding themes only), `validate score` refused
    to score at all ("word_intrusion.csv not found"). A missing intrusion sheet of the folder is said, not fatal; one
    named with --words must exist."""
    expected = validation.score(coded)["agreement"]
    folder = _copy(coded, tmp_path)
    (folder / validation.WORD_SHEET).unlink()
    (folder / validation.TOPIC_SHEET).unlink()
    with caplog.at_level("WARNING", logger="toolkit"):
        tables = validation.score(folder)
    pd.testing.assert_frame_equal(tables["agreement"], expected)
    report = (folder / "scores.md").read_text(encoding="utf-8")
    for sheet, what in ((validation.WORD_SHEET, "word intrusion"), (validation.TOPIC_SHEET, "topic intrusion")):
        assert f"{sheet}: not in {folder} (not returned): no {what} scores" in report
        assert f"`{folder / sheet}`" not in report  # not among the sheets scored
    with pytest.raises(ToolkitError, match="elsewhere.csv not found"):
        validation.score(folder, words_file=tmp_path / "elsewhere.csv")


def test_agree_names_each_coders_sheet_by_its_path_when_their_names_are_the_same(coded, tmp_path, caplog):
    """`validate agree` said "coding_sheet.csv: 10 of 20 rows not coded" of coder_a/coding_sheet.csv against
    coder_b/coding_sheet.csv: which coder?"""
    folder = _copy(coded, tmp_path)
    sheet = pd.read_csv(folder / validation.UNIT_SHEET, keep_default_na=False, dtype=str)
    for coder in ("coder_a", "coder_b"):
        (tmp_path / coder).mkdir()
    sheet.to_csv(tmp_path / "coder_a" / validation.UNIT_SHEET, index=False)
    half = sheet.assign(theme=sheet["theme"].where(sheet.index % 2 == 1, ""))
    half.to_csv(tmp_path / "coder_b" / validation.UNIT_SHEET, index=False)
    with caplog.at_level("WARNING", logger="toolkit"):
        validation.agree(folder, tmp_path / "coder_a" / validation.UNIT_SHEET, tmp_path / "coder_b" / validation.UNIT_SHEET)
    assert f"{tmp_path / 'coder_b' / validation.UNIT_SHEET}: 10 of 20 rows not coded" in caplog.text


def test_agree_says_when_two_coders_sheets_are_a_copy_of_one(coded, tmp_path, caplog):
    """Two copies of one coded sheet in two coders' folders: agreement 1.000 and kappa 1.000 without a word (a
    hostile pass of hand coding: the wrong file sent on). Said now (not refused: two coders who agree on every item
    and write no note fill in the same cells); sheets that differ are not."""
    folder = _copy(coded, tmp_path)
    for coder in ("coder_a", "coder_b"):
        (tmp_path / coder).mkdir()
        (tmp_path / coder / validation.UNIT_SHEET).write_bytes((folder / validation.UNIT_SHEET).read_bytes())
    first, second = tmp_path / "coder_a" / validation.UNIT_SHEET, tmp_path / "coder_b" / validation.UNIT_SHEET
    with caplog.at_level("WARNING", logger="toolkit"):
        table = validation.agree(folder, first, second)
    assert "hold the same cells: a copy of one coder's sheet?" in caplog.text
    assert table.loc[table["measure"] == "kappa", "estimate"].iloc[0] == 1.0
    caplog.clear()
    # the copy saved again by Excel: a byte-order mark, Windows line ends, the rows sorted by theme (a review: only
    # byte-identical sheets were said)
    resaved = pd.read_csv(first, keep_default_na=False, dtype=str).sort_values("theme", kind="stable")
    second.write_bytes(b"\xef\xbb\xbf" + resaved.to_csv(index=False, lineterminator="\r\n").encode("utf-8"))
    assert second.read_bytes() != first.read_bytes()
    with caplog.at_level("WARNING", logger="toolkit"):
        validation.agree(folder, first, second)
    assert "hold the same cells: a copy of one coder's sheet?" in caplog.text
    caplog.clear()
    # the copy with its themes typed again in capitals, as scored the same themes (a hostile pass: unsaid)
    resaved.assign(theme=resaved["theme"].str.upper()).to_csv(second, index=False)
    with caplog.at_level("WARNING", logger="toolkit"):
        validation.agree(folder, first, second)
    assert "hold the same cells: a copy of one coder's sheet?" in caplog.text
    caplog.clear()
    # the copy with a column added (the coder's name, as one fills in a sheet before sending it on): the columns
    # both sheets have are compared (a hostile pass: agreement 1.000 unsaid)
    resaved.assign(coder="王").to_csv(second, index=False)
    with caplog.at_level("WARNING", logger="toolkit"):
        validation.agree(folder, first, second)
    assert "hold the same cells (of the columns both have: item, note, text, theme): a copy" in caplog.text
    caplog.clear()
    sheet = pd.read_csv(second, keep_default_na=False, dtype=str)
    sheet.loc[0, "note"] = "不确定"
    sheet.to_csv(second, index=False)
    with caplog.at_level("WARNING", logger="toolkit"):
        validation.agree(folder, first, second)
    assert "same cells" not in caplog.text


def test_sheets_whose_headers_were_typed_again_in_capitals_are_read_whole(coded, tmp_path):
    """Item,Text,Theme,Note: the sheet was scored, but the check that its texts are the export's was skipped, with
    the false note that it had no text column; Word_1 ... and Option_A ... made the intrusion sheets "not coded
    sheets" (a hostile pass: the docs read the columns' names in any case). A sheet with another unit's text under
    Text is refused, as under text."""
    folder = _copy(coded, tmp_path)
    sheet = pd.read_csv(folder / validation.UNIT_SHEET, keep_default_na=False, dtype=str)
    sheet.rename(columns=str.title).to_csv(folder / validation.UNIT_SHEET, index=False)
    scores = validation.score(folder)
    assert not any("has no `text` column" in note for note in scores["notes"]["note"])
    for name, key_name in ((validation.WORD_SHEET, validation.WORD_KEY), (validation.TOPIC_SHEET, validation.TOPIC_KEY)):
        answers = pd.read_csv(folder / name, keep_default_na=False, dtype=str)
        answers["intruder"] = pd.read_csv(folder / key_name, keep_default_na=False, dtype=str)["intruder"]
        answers.rename(columns=lambda c: c.upper() if c.startswith(("word_", "option_")) else c).to_csv(
            folder / name, index=False
        )
    assert validation.score(folder)["units"].equals(validation.score(coded)["units"])
    sheet = sheet.rename(columns=str.title)
    sheet.loc[0, "Text"], sheet.loc[1, "Text"] = sheet.loc[1, "Text"], sheet.loc[0, "Text"]
    sheet.to_csv(folder / validation.UNIT_SHEET, index=False)
    with pytest.raises(ToolkitError, match="its texts were edited|not the text exported"):
        validation.score(folder)


@pytest.mark.parametrize(
    "damage, message",
    [
        (lambda key: key.drop(columns="stratum"), "key_units.csv has no 'stratum' column"),
        (lambda key: key.drop(columns="model_theme"), "key_units.csv has no 'model_theme' column"),
        (lambda key: key.assign(item=key["item"].astype(str).where(key.index != 3, "x")), "item 'x' is no whole number"),
        (lambda key: pd.concat([key, key.iloc[[2]]]), "is listed twice"),
        # a review: scoring reads weight and text too (KeyError tracebacks), and an item inf or 1e20 was no whole number
        (lambda key: key.drop(columns="weight"), "key_units.csv has no 'weight' column"),
        (lambda key: key.drop(columns="text"), "key_units.csv has no 'text' column"),
        (lambda key: key.assign(item=key["item"].astype(str).where(key.index != 1, "inf")), "item 'inf' is no whole number"),
        (lambda key: key.assign(item=key["item"].astype(str).where(key.index != 1, "1e20")), "item '1e\\+20' is no whole number"),
    ],
)
def test_a_key_saved_again_without_its_columns_or_with_an_item_twice_is_one_line_of_error(coded, tmp_path, damage, message):
    """The keys are files a person may open and save again: one without stratum or model_theme was a KeyError's
    traceback, an item x a ValueError's, and an item listed twice counted twice in silence (accuracy 0.825 became
    0.805: a hostile pass of hand coding)."""
    folder = _copy(coded, tmp_path)
    key = pd.read_csv(folder / validation.UNIT_KEY, keep_default_na=False, dtype=str)
    damage(key).to_csv(folder / validation.UNIT_KEY, index=False)
    with pytest.raises(ToolkitError, match=message) as info:
        validation.score(folder)
    assert "\n" not in str(info.value) and "export again if they are lost" in str(info.value)


def test_a_second_coders_intrusion_sheet_keeps_the_first_coders_scores(coded, tmp_path):
    """`validate score tasks --words coder_b/word_intrusion.csv` rewrote the scores.md of the folder's own sheets:
    the first coder's intrusion result was gone (a hostile pass of hand coding). Each other sheet is a file of its
    own, as a second theme sheet was."""
    folder = _copy(coded, tmp_path)
    words = pd.read_csv(folder / validation.WORD_SHEET, keep_default_na=False, dtype=str)
    words["intruder"] = pd.read_csv(folder / validation.WORD_KEY, keep_default_na=False, dtype=str)["intruder"]
    words.to_csv(folder / validation.WORD_SHEET, index=False)
    validation.score(folder)
    first = (folder / validation.SCORES).read_text(encoding="utf-8")
    (tmp_path / "coder_b").mkdir()
    other = tmp_path / "coder_b" / validation.WORD_SHEET
    words.assign(intruder=lambda t: t["intruder"].where(t.index > 0, "")).to_csv(other, index=False)  # one left out
    validation.score(folder, words_file=other)
    assert (folder / validation.SCORES).read_text(encoding="utf-8") == first
    written = validation.scores_file(folder, None, other)
    assert written.name.startswith("scores-word_intrusion-") and f"`{other}`" in written.read_text(encoding="utf-8")
    assert validation.scores_file(folder, None, folder / validation.WORD_SHEET) == folder / validation.SCORES


def test_a_study_that_coded_the_intrusion_tasks_only_is_scored_without_the_theme_sheet(coded, tmp_path):
    """The docs let a study delete the intrusion sheets it does not code; one that coded only word intrusion and
    deleted coding_sheet.csv was refused ("coding_sheet.csv not found", a hostile pass). Its intrusion is scored, the
    theme sheet said not returned; with no sheet at all it is still refused."""
    folder = _copy(coded, tmp_path)
    words = pd.read_csv(folder / validation.WORD_SHEET, keep_default_na=False, dtype=str)
    words["intruder"] = pd.read_csv(folder / validation.WORD_KEY, keep_default_na=False, dtype=str)["intruder"]
    words.to_csv(folder / validation.WORD_SHEET, index=False)
    (folder / validation.UNIT_SHEET).unlink()
    scores = validation.score(folder)
    assert "units" not in scores and len(scores["word_intrusion"])
    assert any(note.startswith("coding_sheet.csv: not in ") for note in scores["notes"]["note"])
    # nothing coded in the intruder sheets yet: said of them (a review: "fill the `theme` column" of the sheet the
    # study deleted, "40 of 40 exported items are not in the sheet")
    words.assign(intruder="").to_csv(folder / validation.WORD_SHEET, index=False)
    with pytest.raises(ToolkitError) as info:
        validation.score(folder)
    assert "no coded answer in the intruder sheets of" in str(info.value) and "theme" not in str(info.value)
    for name in (validation.WORD_SHEET, validation.TOPIC_SHEET):
        (folder / name).unlink()
    with pytest.raises(ToolkitError, match="coding_sheet.csv"):
        validation.score(folder)


@pytest.mark.parametrize("extra", ["Note", "NOTE", "Ｔｅｘｔ"])
def test_a_sheet_with_a_column_twice_in_two_cases_is_one_line_of_error(coded, tmp_path, extra):
    """note and Note in one sheet (a column added in a spreadsheet): read by their names in any case, both became
    note, and the sheet was a traceback (AttributeError) where it had been scored (a review)."""
    folder = _copy(coded, tmp_path)
    sheet = pd.read_csv(folder / validation.UNIT_SHEET, keep_default_na=False, dtype=str)
    sheet.assign(**{extra: ""}).to_csv(folder / validation.UNIT_SHEET, index=False)
    with pytest.raises(ToolkitError, match="has two columns named '(note|text)' \\(in capitals or not\\); keep one"):
        validation.score(folder)


def test_a_study_of_intrusion_only_may_give_its_sheet_from_another_folder(coded, tmp_path):
    """With every sheet of the folder deleted and the coder's word sheet given with --words, the score was refused as
    "coding_sheet.csv not found" (a review of the intrusion-only fix, which looked at the folder's sheets alone)."""
    folder = _copy(coded, tmp_path)
    words = pd.read_csv(folder / validation.WORD_SHEET, keep_default_na=False, dtype=str)
    words["intruder"] = pd.read_csv(folder / validation.WORD_KEY, keep_default_na=False, dtype=str)["intruder"]
    (tmp_path / "coder_b").mkdir()
    words.to_csv(tmp_path / "coder_b" / validation.WORD_SHEET, index=False)
    for name in (validation.UNIT_SHEET, validation.WORD_SHEET, validation.TOPIC_SHEET):
        (folder / name).unlink()
    scores = validation.score(folder, words_file=tmp_path / "coder_b" / validation.WORD_SHEET)
    assert len(scores["word_intrusion"]) and "units" not in scores


def test_scores_are_of_the_run_as_it_is_now_and_say_so(run, tmp_path, caplog):
    """From a hostile pass of the notebooks: notebook 06 exports a sample once and asks to edit the lexicon and run
    again into the same folder; the key kept the export's model themes, so the scores were the old model's without a
    word (accuracy 0.72 printed, 0.56 for the model in the folder). The score reads the run's themes as they are now
    and says when they changed; a run whose units are no longer the sample's is refused; a run that is gone is said,
    and the export's themes scored."""
    import logging
    import shutil

    mine = tmp_path / "seeds"
    shutil.copytree(run, mine)
    folder = _coded_folder(mine, tmp_path / "tasks")
    # the word-intrusion sheet coded too (each intruder found): its scores are of the model the sheet shows
    words = pd.read_csv(folder / validation.WORD_SHEET, keep_default_na=False, dtype=str)
    words["intruder"] = pd.read_csv(folder / validation.WORD_KEY, keep_default_na=False, dtype=str)["intruder"]
    words.to_csv(folder / validation.WORD_SHEET, index=False, encoding="utf-8-sig")
    with caplog.at_level(logging.WARNING, logger="toolkit"):
        before = validation.score(folder)["agreement"].set_index(["source", "measure", "weighting"])
    assert "has other topics than at the export" not in caplog.text
    settings = ["figures.ldavis=false", "figures.formats=[]", "trends.bootstrap=0", "model.ensemble=1"]
    # the same paragraphs, another model (NMF): other dominant themes for some of the sampled units
    toolkit.run(Config.load(ROOT / "configs" / "seeds.toml", [*settings, 'model.kind="nmf"', "model.n_topics=18"]), mine)
    units = pd.read_csv(mine / "units.csv", keep_default_na=False).set_index("unit_id")
    key = pd.read_csv(folder / validation.UNIT_KEY, keep_default_na=False)
    sheet = pd.read_csv(folder / validation.UNIT_SHEET, keep_default_na=False)
    now = units.loc[key["unit_id"], "dominant_theme"].replace("", "other").to_numpy()
    changed = int((now != key["model_theme"].replace("", "other").to_numpy()).sum())
    assert changed > 0
    with caplog.at_level(logging.WARNING, logger="toolkit"):
        after = validation.score(folder)["agreement"].set_index(["source", "measure", "weighting"])
    assert f"was run again since the export: scored its themes as they are now ({changed} of 20 items" in caplog.text
    coded = sheet.sort_values("item")["theme"].to_numpy()
    model_now = pd.Series(now, index=key["item"]).sort_index().to_numpy()
    assert after.loc[("model", "accuracy", "raw"), "estimate"] == pytest.approx((coded == model_now).mean())
    assert after.loc[("model", "accuracy", "raw"), "estimate"] != before.loc[("model", "accuracy", "raw"), "estimate"]
    assert "was run again since the export" in (folder / "scores.md").read_text(encoding="utf-8")
    # from a hostile pass of the hand-coding tools: the intrusion scores stayed the export's model's without a word
    said = "has other topics than at the export (run again): the word- and topic-intrusion scores are of the model"
    assert said in caplog.text and said in (folder / "scores.md").read_text(encoding="utf-8")
    # other paragraphs (a unit of at least 200 characters): not this sample's units
    toolkit.run(Config.load(ROOT / "configs" / "seeds.toml", [*settings, "units.min_chars=200"]), mine)
    with pytest.raises(ToolkitError, match="no longer holds the units of this sample .* export a new sample from it"):
        validation.score(folder)
    shutil.rmtree(mine)
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="toolkit"):
        gone = validation.score(folder)["agreement"].set_index(["source", "measure", "weighting"])
    assert "that the sample was exported from is not there any more" in caplog.text
    pd.testing.assert_frame_equal(gone, before)


def test_a_run_whose_corpus_changed_since_the_export_is_not_scored_as_the_samples_population(tmp_path):
    """From an adversarial review: a sample exported from a run of four documents, the fifth added and the run made
    again into the same folder: the score checked only the sampled units (all still there) and gave weighted
    accuracy "an estimate for the whole corpus" whose new units could never have been drawn. The population's
    units are recorded at the export now; a run with other units is refused, saying why."""
    import shutil

    corpus = tmp_path / "corpus"
    shutil.copytree(ROOT / "seeds", corpus)
    meta = pd.read_csv(corpus / "metadata.csv", dtype=str, keep_default_na=False)
    meta.assign(include=["yes", "yes", "yes", "yes", "no"]).to_csv(corpus / "metadata.csv", index=False)
    settings = [
        "figures.ldavis=false", "figures.formats=[]", "trends.bootstrap=0", "model.ensemble=1",
        "model.keyatm.iterations=20", f"corpus.texts='{corpus}'", f"corpus.metadata='{corpus / 'metadata.csv'}'",
    ]  # fmt: skip
    run = tmp_path / "run"
    toolkit.run(Config.load(ROOT / "configs" / "seeds.toml", settings), run)
    folder = _coded_folder(run, tmp_path / "tasks")
    validation.score(folder)  # the run as exported: scored
    meta.assign(include="yes").to_csv(corpus / "metadata.csv", index=False)
    toolkit.run(Config.load(ROOT / "configs" / "seeds.toml", settings), run)
    with pytest.raises(ToolkitError, match=r"holds other units than when the sample was exported \(\d+ now, \d+ then"):
        validation.score(folder)


def test_a_sheet_with_two_headers_that_differ_by_spaces_only_is_refused_in_one_line(tmp_path):
    """From a hostile pass of the hand-coding tools: a coder's sheet with a column 'theme ' beside 'theme' (a copy
    of the column, its header typed with a space) ended `validate score` in a traceback: the headers are read without
    their spaces, and two columns of one name reached code that expects one."""
    from toolkit.analysis.validation import read_table
    from toolkit.errors import ToolkitError

    sheet = tmp_path / "coding_sheet.csv"
    sheet.write_text("item,text,theme,theme \n1,坚持创新驱动发展,innovation,innovation\n", encoding="utf-8")
    with pytest.raises(ToolkitError, match="has two columns named 'theme'; keep one of them; give the sheet"):
        read_table(sheet, ("item", "theme"), "give the sheet")
    sheet.write_text("item,text,theme,theme\n1,坚持创新驱动发展,,innovation\n", encoding="utf-8")  # the same name twice
    with pytest.raises(ToolkitError, match="has two columns named 'theme'"):
        read_table(sheet, ("item", "theme"), "give the sheet")
    sheet.write_text("\r\n  \nitem,text,theme,theme\n1,坚持创新驱动发展,,innovation\n", encoding="utf-8")  # blank lines first
    with pytest.raises(ToolkitError, match="has two columns named 'theme'"):
        read_table(sheet, ("item", "theme"), "give the sheet")
    sheet.write_text("item,text,theme\n1,坚持创新驱动发展,innovation\n", encoding="utf-8")
    assert read_table(sheet, ("item", "theme"), "give the sheet")["theme"].tolist() == ["innovation"]


# ----- what a mutation audit of the hand-coding workflow found untested (mutants that every test above let pass) -----


def test_as_many_units_as_strata_is_one_of_each_and_no_shortfall_is_said():
    """--units equal to the number of strata is what was asked: one unit each, and no note (a note would go to
    stderr and the codebook as if the sample fell short)."""
    allocation, why = validation.allocate(np.array([50, 30, 10, 5, 3, 2]), 6)
    assert allocation.tolist() == [1] * 6 and why == ""


def test_export_reads_in_model_written_as_ones_and_zeros(run, tmp_path):
    """A units.csv whose `in_model` a statistics package saved as 1 and 0 samples the same units as True/False."""
    expected = pd.read_csv(validation.export(run, tmp_path / "a", n_units=20) / validation.UNIT_SHEET)
    copy = tmp_path / "run"
    shutil.copytree(run, copy)
    _resave_units(copy, lambda t: t.assign(in_model=t["in_model"].map({"True": "1", "False": "0"})))
    again = pd.read_csv(validation.export(copy, tmp_path / "b", n_units=20) / validation.UNIT_SHEET)
    pd.testing.assert_frame_equal(again, expected)


def test_a_word_intrusion_intruder_is_never_one_of_its_topics_own_top_words(run):
    """The intruder is a word high in another topic and absent from this topic's top words (all of those
    topics.csv lists): a word the topic holds at rank 6 to 20 belongs to it, and a coder who does not pick it is right."""
    topics = pd.read_csv(run / "topics.csv", keep_default_na=False)
    own = {row.topic: set(validation._words(row.top_words)) for row in topics.itertuples()}
    for seed in range(10):
        sheet, key = validation._word_intrusion(topics, np.random.default_rng(seed))
        assert len(key) == len(sheet) > 0
        for row in key.itertuples():
            assert row.intruder not in own[row.topic], (seed, row.topic, row.intruder)


def test_a_topic_with_fewer_words_than_a_task_shows_gets_no_word_intrusion_task():
    """Every word-intrusion task shows six different words: a topic with fewer top words than five is left out, not
    shown with blank cells."""
    topics = pd.DataFrame(
        {
            "topic": [1, 2, 3],
            "top_words": [
                "创新:0.2 科技:0.1 人才:0.1 研发:0.05 企业:0.05 成果:0.04",
                "生态:0.2 环境:0.1 绿色:0.1 污染:0.05 治理:0.05 低碳:0.04",
                "改革:0.3 开放:0.2",
            ],
        }
    )
    sheet, key = validation._word_intrusion(topics, np.random.default_rng(0))
    assert key["topic"].tolist() == [1, 2]
    for row in sheet[[f"word_{i}" for i in range(1, 7)]].itertuples(index=False):
        assert all(isinstance(w, str) and w for w in row) and len(set(row)) == 6


def test_a_topic_intrusion_intruder_comes_from_the_smallest_half_of_the_units_topics():
    """With ten topics, the intruder is one of the unit's five smallest (and below TOPIC_SHARE), never its fourth or
    fifth largest: a topic just below the three that describe it may describe it too."""
    rng = np.random.default_rng(1)
    n_units, n_topics = 40, 10
    units = pd.DataFrame({"unit_id": [f"u{i}" for i in range(n_units)], "text": "推进生态文明建设，加快发展方式绿色转型"})
    shares = np.empty((n_units, n_topics))
    for i in range(n_units):
        small = rng.uniform(0.001, 0.04, n_topics - 3)
        large = (1 - small.sum()) * rng.dirichlet([8, 8, 8])
        shares[i] = rng.permutation(np.concatenate([large, small]))
    unit_topics = pd.DataFrame({"unit_id": units["unit_id"], **{f"topic_{k}": shares[:, k] for k in range(n_topics)}})
    # topics 8 and 9 drew two words each: shown by them, an intruder would be found by its length alone (a review)
    words = [" ".join(f"{c}{k}:0.1" for c in ("词", "字", "句", "段", "篇")[: 2 if k >= 8 else 5]) for k in range(n_topics)]
    topics = pd.DataFrame({"topic": range(n_topics), "top_words": words})
    sheet, key, _ = validation._topic_intrusion(units, topics, unit_topics, n_units, rng, asked=True)
    assert len(key) > 20
    for row in key.itertuples():
        values = shares[int(row.unit_id[1:])]
        intruder = getattr(row, f"option_{row.intruder}")
        rank = list(np.argsort(-values, kind="stable")).index(intruder)
        assert rank >= n_topics // 2 and intruder < 8, (row.unit_id, rank, intruder)


def test_an_export_where_no_unit_can_take_a_topic_intrusion_task_says_so():
    """Not asked for a number, an export whose units all spread evenly over their topics (none has an intruder below
    TOPIC_SHARE) writes an empty topic sheet and says why, rather than leaving the coders an empty sheet unexplained."""
    units = pd.DataFrame({"unit_id": [f"u{i}" for i in range(10)], "text": "坚持稳中求进工作总基调"})
    unit_topics = pd.DataFrame({"unit_id": units["unit_id"], **{f"topic_{k}": 0.25 for k in range(4)}})
    topics = pd.DataFrame({"topic": range(4), "top_words": [" ".join(f"{w}{c}:0.1" for c in "一二三四五") for w in "改开创民"]})
    sheet, key, note = validation._topic_intrusion(
        units, topics, unit_topics, validation.TOPIC_TASKS, np.random.default_rng(0), asked=False
    )
    assert sheet.empty and key.empty
    assert f"{validation.TOPIC_TASKS} topic-intrusion tasks asked, 0 written" in note


def test_a_row_whose_item_is_no_whole_number_does_not_stand_for_a_deleted_item(coded, tmp_path, caplog):
    """A stray uncoded row numbered 12.5 is no item: it does not stand for item 12, deleted from the sheet. It is
    refused, naming its row, as a coded one is (a row of no item number, coded or not, had lost an answer to a
    line break: a hostile pass); without it, item 12 is said to be missing."""
    folder = _copy(coded, tmp_path)
    sheet = pd.read_csv(folder / validation.UNIT_SHEET, keep_default_na=False, dtype=str)
    stray = sheet[sheet["item"] == "12"].assign(item="12.5", theme="")
    pd.concat([sheet[sheet["item"] != "12"], stray]).to_csv(folder / validation.UNIT_SHEET, index=False)
    with pytest.raises(ToolkitError, match=r"item '12.5' \(row 21\) is not an item number"):
        validation.score(folder)
    sheet[sheet["item"] != "12"].to_csv(folder / validation.UNIT_SHEET, index=False)
    with caplog.at_level("WARNING", logger="toolkit"):
        validation.score(folder)
    assert "1 of 20 exported items are not in the sheet (items 12)" in caplog.text


def test_a_sheet_text_half_lost_to_question_marks_is_still_checked_against_the_export(coded, tmp_path, caplog):
    """A text exactly half of whose characters a spreadsheet turned into '?' can still be checked (only more than
    half lost cannot): its own item's text passes without a note, another item's text is refused."""
    folder = _copy(coded, tmp_path)
    sheet = pd.read_csv(folder / validation.UNIT_SHEET, keep_default_na=False, dtype=str)
    key = pd.read_csv(folder / validation.UNIT_KEY, keep_default_na=False, dtype=str)
    texts = ["".join(text.split()) for text in key["text"]]

    def half_lost(text):  # every second character lost: exactly half of an even number
        return "".join("?" if i % 2 else c for i, c in enumerate(text[: len(text) // 2 * 2]))

    row = next(i for i, text in enumerate(texts) if len(text) % 2 == 0)
    item = key.loc[row, "item"]
    mine = half_lost(texts[row])
    assert mine.count("?") * 2 == len(mine) == len(texts[row])
    sheet.loc[row, "text"] = mine
    sheet.to_csv(folder / validation.UNIT_SHEET, index=False)
    with caplog.at_level("WARNING", logger="toolkit"):
        validation.score(folder)
    assert "lost most of their characters" not in caplog.text
    other = half_lost(texts[row + 1])
    assert other.count("?") * 2 == len(other) and not validation._same_text(other, texts[row])
    sheet.loc[row, "text"] = other
    sheet.to_csv(folder / validation.UNIT_SHEET, index=False)
    with pytest.raises(ToolkitError, match=f"the text of item {item} is not the text exported as item {item}"):
        validation.score(folder)


def test_a_question_mark_in_the_exported_text_is_a_character_not_a_wildcard():
    """'?' on the sheet stands for a character its encoding lost; a '?' the export itself holds is one character
    like any other, matched only by '?'."""
    assert not validation._same_text("推进?发展", "推进改?展")
    assert validation._same_text("推进?发展", "推进改发展") and validation._same_text("怎么办?", "怎么办?")


def test_a_theme_that_a_source_never_gave_has_no_precision_not_zero(coded, tmp_path):
    """Precision of a theme the model (or the keywords) gave no coded unit is undefined (shown as -), raw as
    weighted: 0.00 would read as 'always wrong'."""
    folder = _copy(coded, tmp_path)
    tables = validation.score(folder)
    units = tables["units"]
    never = units[units["predicted"] == 0]
    assert len(never) and never["precision"].isna().all() and never["weighted_precision"].isna().all()
    given = units[units["predicted"] > 0]
    assert given["precision"].notna().all()


def test_the_weighted_kappas_interval_resamples_each_units_weight_with_it():
    """The bootstrap of the weighted kappa draws units with their own weights: when the heavy units agree and the
    light ones do not, the weighted kappa is high and its 95% interval holds it (weights left in place of the drawn
    units gave an interval about the raw kappa, far below)."""
    labels = ["ecology", "innovation", "livelihood"]
    truth = np.array(labels * 20)
    agreeing = np.arange(60) < 30
    predicted = np.where(agreeing, truth, np.roll(truth, 1))
    weights = np.where(agreeing, 20.0, 1.0)
    rows = {(r["measure"], r["weighting"]): r for r in validation.agreement(truth, predicted, weights, labels, random_state=0)}
    weighted, raw = rows[("kappa", "weighted")], rows[("kappa", "raw")]
    assert weighted["estimate"] > 0.85 > 0.5 > raw["estimate"]
    assert weighted["low"] <= weighted["estimate"] <= weighted["high"]
    assert raw["low"] <= raw["estimate"] <= raw["high"]


def test_an_older_export_is_refused_when_the_runs_units_of_its_sample_changed(run, coded, tmp_path):
    """An export made before the population's digest was recorded is still checked unit by unit: one sampled
    paragraph whose text the run now holds otherwise is refused, not scored against it."""
    folder = _copy(coded, tmp_path)
    copy = tmp_path / "run"
    shutil.copytree(run, copy)
    record = json.loads((folder / "validation.json").read_text(encoding="utf-8"))
    record.pop("run_units_sha256")
    (folder / "validation.json").write_text(json.dumps({**record, "run": str(copy)}, ensure_ascii=False), encoding="utf-8")
    validation.score(folder)  # the same units: scored
    key = pd.read_csv(folder / validation.UNIT_KEY, keep_default_na=False, dtype=str)
    _resave_units(copy, lambda t: t.assign(text=t["text"].where(t["unit_id"] != key.loc[0, "unit_id"], "全面深化改革开放。")))
    with pytest.raises(ToolkitError, match=r"no longer holds the units of this sample \(1 of 20"):
        validation.score(folder)


def test_a_theme_written_by_its_name_is_never_taken_for_another_themes_label_spelt_alike(coded, tmp_path):
    """A lexicon may label a theme by its name (digital_economy: 'Digital_Economy') and, by a slip, a later theme
    'Digital Economy': a coder who writes the name, in whatever case or spacing, means the theme of that name."""
    folder = _copy(coded, tmp_path)
    settings = json.loads((folder / "validation.json").read_text(encoding="utf-8"))
    order = [theme["theme"] for theme in settings["themes"]]
    assert order.index("digital_economy") < order.index("ecology")
    labels = {"digital_economy": "Digital_Economy", "ecology": "Digital Economy"}
    for theme in settings["themes"]:
        theme["label_en"] = labels.get(theme["theme"], theme["label_en"])
    (folder / "validation.json").write_text(json.dumps(settings, ensure_ascii=False), encoding="utf-8")
    names = validation._theme_names(folder)
    coded_themes = pd.DataFrame({"item": [1, 2, 3], "theme": ["digital_economy", "Digital Economy", "生态环境"]})
    themes = validation._themes_coded(coded_themes, names, folder, folder / validation.UNIT_SHEET)
    assert themes == ["digital_economy", "digital_economy", "ecology"]


def test_the_folders_own_sheet_given_by_a_relative_path_is_scored_into_scores_md(coded, tmp_path, monkeypatch):
    """`toolkit validate score tasks --units tasks/coding_sheet.csv` scores the folder's own sheet: into scores.md,
    as without --units, not into a second file beside it."""
    folder = _copy(coded, tmp_path)
    monkeypatch.chdir(tmp_path)
    validation.score(folder, units_file=Path("tasks") / validation.UNIT_SHEET)
    assert (folder / validation.SCORES).is_file()
    assert not list(folder.glob("scores-*.md"))


@pytest.mark.parametrize("name", ["n_units", "n_topic_tasks", "random_state"])
def test_export_refuses_true_or_false_for_a_number(run, tmp_path, name):
    """export(run, n_units=True) from a notebook is a slip, not one unit."""
    with pytest.raises(ToolkitError, match=f"export: {name} must be a whole number of [01] or more, not True"):
        validation.export(run, tmp_path / "tasks", **{name: True})
    assert not (tmp_path / "tasks").exists()


def test_a_coded_sheet_damaged_with_nul_bytes_is_refused_as_binary_not_read_as_a_western_excel_sheet(coded, tmp_path):
    """A sheet whose end a crash filled with NUL bytes is named a binary file, also one that Excel saved in a
    Western code page (which decodes any byte, NUL too): it is not scored as if the NULs were cells."""
    folder = _copy(coded, tmp_path)
    path = folder / validation.UNIT_SHEET
    sheet = pd.read_csv(path, keep_default_na=False, dtype=str)
    sheet.loc[0, "note"] = "“unsure” – reread"
    for data in (path.read_bytes(), sheet.to_csv(index=False).encode("cp1252", errors="replace")):
        path.write_bytes(data + b"\x00" * 4096)
        with pytest.raises(ToolkitError, match="coding_sheet.csv: binary file"):
            validation.score(folder)


def test_an_undefined_kappa_is_explained_without_a_note_on_missing_intervals():
    """Two coders who gave every unit the same theme: kappa is undefined (shown as -, and said why); the note on
    '[no interval]' is for a kappa shown with no interval, which this report does not hold."""
    truth = np.array(["ecology"] * 12)
    rows = validation.agreement(truth, truth.copy(), np.ones(12), ["ecology"], random_state=0)
    table = pd.DataFrame(rows).assign(first="coder_a.csv", second="coder_b.csv", coded_units=12)
    report = validation.format_agreement(table)
    assert "Cohen's kappa -" in report and "is not defined: one theme throughout" in report
    assert "[no interval]" not in report


def test_two_coders_sheets_sorted_in_a_spreadsheet_give_the_same_agreement_and_intervals(coded, tmp_path):
    """A coder who sorted a sheet by theme before returning it: the agreement and its bootstrap intervals are those
    of the sheets in item order (they were the order's, as the scores' once were)."""
    folder = _copy(coded, tmp_path)
    first = pd.read_csv(folder / validation.UNIT_SHEET, keep_default_na=False, dtype=str)
    second = first.copy()
    second.loc[second.index % 3 == 0, "theme"] = "其他"
    first.to_csv(folder / "coder_a.csv", index=False)
    second.to_csv(folder / "coder_b.csv", index=False)
    in_order = validation.agree(folder, folder / "coder_a.csv", folder / "coder_b.csv")
    assert in_order["low"].notna().all()
    first.sort_values(["theme", "item"], ascending=False).to_csv(folder / "coder_a.csv", index=False)
    second.sort_values("text").to_csv(folder / "coder_b.csv", index=False)
    pd.testing.assert_frame_equal(validation.agree(folder, folder / "coder_a.csv", folder / "coder_b.csv"), in_order)


def test_a_second_export_of_another_sample_is_refused_while_the_first_is_out_for_coding(run, tmp_path):
    """From a hostile pass of the hand-coding tools: a coder's sheet kept in a folder of their own (as the docs
    advise for two coders), then the run exported again into the same folder with another --units: the keys were
    replaced in silence and the coder's finished sheet no longer scored (nor could the old sample be exported again
    once the run changed). A different sample is refused, the earlier export left as it was; the same one replaces
    it."""
    from .conftest import snapshot

    out = validation.export(run, tmp_path / "tasks", n_units=20, n_topic_tasks=5)
    coder = tmp_path / "b" / validation.UNIT_SHEET
    coder.parent.mkdir()
    sheet = pd.read_csv(out / validation.UNIT_SHEET, keep_default_na=False, dtype=str)
    key = pd.read_csv(out / validation.UNIT_KEY, keep_default_na=False)
    sheet.assign(theme=key["keyword_theme"].replace("", "other")).to_csv(coder, index=False, encoding="utf-8-sig")
    scored = validation.score(out, units_file=coder)["agreement"]
    before = snapshot(out)
    for arguments in ({"n_units": 30, "n_topic_tasks": 5}, {"n_units": 20, "n_topic_tasks": 5, "random_state": 1}):
        with pytest.raises(ToolkitError, match=r"holds an earlier export of another sample \(key_units.csv"):
            validation.export(run, out, **arguments)
        assert snapshot(out) == before
    pd.testing.assert_frame_equal(validation.score(out, units_file=coder)["agreement"], scored)
    second = tmp_path / "c" / validation.UNIT_SHEET
    second.parent.mkdir()
    shutil.copy(coder, second)
    validation.agree(out, coder, second)
    reports = {p.name: p.read_bytes() for p in out.iterdir() if p.name.startswith(("scores", "agreement-"))}
    assert len(reports) == 2, sorted(reports)
    validation.export(run, out, n_units=20, n_topic_tasks=5)  # the same sample again
    # what score and agree wrote of its sheets holds for the same keys: kept (a hostile pass: removed in silence)
    assert {name: (out / name).read_bytes() for name in reports} == reports
    pd.testing.assert_frame_equal(validation.score(out, units_file=coder)["agreement"], scored)
    # its keys are the export, validation.json or not (a review: with it deleted, another sample replaced them)
    (out / "validation.json").unlink()
    before = snapshot(out)
    with pytest.raises(ToolkitError, match=r"holds an earlier export of another sample \(key_units.csv"):
        validation.export(run, out, n_units=30, n_topic_tasks=5)
    assert snapshot(out) == before


def test_an_export_is_not_written_into_the_runs_text_folder(run, tmp_path):
    """From a hostile pass of the hand-coding tools: `validate export RUN --out <corpus.texts>/val` wrote into the
    text folder, which a run refuses ("The text folder is only ever read"). The run's saved config names it."""
    import tomllib

    import tomli_w

    from .conftest import snapshot

    texts = tmp_path / "texts"
    shutil.copytree(ROOT / "seeds", texts)
    copied = tmp_path / "run"
    shutil.copytree(run, copied)
    config = tomllib.loads((copied / "config.toml").read_text(encoding="utf-8"))
    config["corpus"].update(texts=str(texts), metadata=str(texts / "metadata.csv"))
    (copied / "config.toml").write_text(tomli_w.dumps(config), encoding="utf-8")
    before = snapshot(texts)
    with pytest.raises(ToolkitError, match=r"--out .*val lies inside corpus.texts "):
        validation.export(copied, texts / "val", n_units=20, n_topic_tasks=5)
    assert snapshot(texts) == before
    # a config this release no longer loads (a retired key set) still names the texts (a review: export went in)
    config["sweep"]["scheduler"] = "tcp://10.0.0.5:8786"
    (copied / "config.toml").write_text(tomli_w.dumps(config), encoding="utf-8")
    with pytest.raises(ToolkitError, match=r"--out .*val lies inside corpus.texts "):
        validation.export(copied, texts / "val", n_units=20, n_topic_tasks=5)
    assert snapshot(texts) == before


def test_the_inputs_of_a_config_this_release_cannot_load_include_the_cache_folder(tmp_path, monkeypatch):
    """A loadable config protects the cache folder; the same config with a retired key set protected only its paths
    as written, so an export went into $TOOLKIT_CACHE_DIR (a review of 6940956)."""
    monkeypatch.setenv("TOOLKIT_CACHE_DIR", str(tmp_path / "cache"))
    (tmp_path / "config.toml").write_text('[corpus]\ntexts = "texts"\n', encoding="utf-8")
    assert "the cache folder" in validation._run_inputs(tmp_path)
    (tmp_path / "config.toml").write_text(
        '[corpus]\ntexts = "texts"\n[sweep]\nscheduler = "tcp://10.0.0.5:8786"\n', encoding="utf-8"
    )
    assert "the cache folder" in validation._run_inputs(tmp_path)


@pytest.mark.parametrize("case", ["nul", "loop"])
def test_the_paths_as_written_of_a_config_never_crash_validate_export(tmp_path, case):
    """Config resolves its paths with os.path.realpath (a link loop stays); _paths_as_written used Path.resolve:
    a NUL in a path was a ValueError traceback, a link loop a RuntimeError on Python 3.11 (a review of 6940956)."""
    (tmp_path / "loop").symlink_to("loop")
    texts = "a\\u0000b" if case == "nul" else "loop"
    (tmp_path / "config.toml").write_text(f'[corpus]\ntexts = "{texts}"\n[sweep]\nscheduler = "x"\n', encoding="utf-8")
    try:
        validation._run_inputs(tmp_path)
    except ToolkitError:
        pass


def test_an_export_says_which_topics_drew_too_few_words_for_an_intrusion_task(run, tmp_path, caplog):
    """A topic lists the words it drew (a review of the change): one of two words has no word-intrusion task, and
    the export says so, in its log and its codebook, rather than leaving a topic out in silence."""
    copied = tmp_path / "run"
    shutil.copytree(run, copied)
    topics = pd.read_csv(copied / "topics.csv", keep_default_na=False, dtype=str)
    topics.loc[0, "top_words"] = "创新:0.50000 科技:0.30000"
    topics.to_csv(copied / "topics.csv", index=False)
    with caplog.at_level("WARNING", logger="toolkit"):
        out = validation.export(copied, tmp_path / "tasks", n_units=20, n_topic_tasks=5)
    said = f"no word-intrusion task for topic(s) {topics.loc[0, 'topic']}: each drew fewer than 5 words"
    assert said in caplog.text and said in (out / validation.CODEBOOK).read_text(encoding="utf-8")
    key = pd.read_csv(out / validation.WORD_KEY)
    assert int(topics.loc[0, "topic"]) not in set(key["topic"]) and len(key) == len(topics) - 1


def test_a_sheets_name_with_an_escape_sequence_never_reaches_the_terminal_nor_a_file_name(coded, tmp_path):
    """From a hostile pass of data safety: `validate score --units "coder<ESC>]0;PWNED<BEL>.csv"` printed the name's
    escape sequence raw (retitling the window, clearing the screen) and wrote it into the scores' file name; so did
    agree. terms and kwic showed such characters escaped."""
    from .conftest import cli

    folder = _copy(coded, tmp_path)
    sheet = tmp_path / "coder\x1b]0;PWNED\x07\x1b[2Jx.csv"
    shutil.copy(folder / validation.UNIT_SHEET, sheet)
    scored = cli("validate", "score", folder, "--units", sheet)
    assert scored.returncode == 0, scored.stderr
    assert "\x1b" not in scored.stdout + scored.stderr and "\x07" not in scored.stdout
    assert "coder\\x1b]0;PWNED\\x07\\x1b[2Jx.csv" in scored.stdout
    written = [p.name for p in folder.iterdir() if p.name.startswith("scores-")]
    assert written and not any("\x1b" in name or "\x07" in name for name in written), written
    agreed = cli("validate", "agree", folder, folder / validation.UNIT_SHEET, sheet)
    assert agreed.returncode == 0 and "\x1b" not in agreed.stdout + agreed.stderr, agreed.stderr


def test_a_score_that_rounds_to_zero_is_written_without_a_sign():
    """A weighted kappa of -0.0001 was printed "-0.000" (a hostile pass of the hand-coding tools)."""
    from toolkit.analysis.validation import _number

    assert [_number(v, 3) for v in (-0.0001, 0.0, -0.0, 0.0004)] == ["0.000"] * 4
    assert [_number(v, 3) for v in (-0.0005001, -0.5, -10.0004, None, float("nan"))] == ["-0.001", "-0.500", "-10.000", "-", "-"]


def test_coders_who_contradict_a_validated_theme_are_said_beside_its_verdict(run, tmp_path, caplog):
    """Hand coding did not touch `validated`: a theme that themes.csv validated and that the coders read as another
    subject throughout was scored in silence (left from the twenty-eighth session). The note names such a theme,
    with what contradicts it, when its precision or recall is below one half beyond the sampling error."""
    copy = tmp_path / "run"
    shutil.copytree(run, copy)
    out = validation.export(copy, tmp_path / "tasks", n_units=40, n_topic_tasks=5)
    key = pd.read_csv(out / validation.UNIT_KEY, keep_default_na=False)
    model = key["model_theme"].replace("", "other")
    given = model.value_counts()
    largest, second = [t for t in given.index if t != "other"][:2]
    assert given[largest] >= 5  # enough units for the interval of none of them to lie below one half
    sheet = pd.read_csv(out / validation.UNIT_SHEET, keep_default_na=False, dtype=str)
    # the coders agree with the model everywhere but on `largest`, whose units they code as `second`
    sheet["theme"] = model.where(model != largest, second)
    sheet.to_csv(out / validation.UNIT_SHEET, index=False)
    themes = pd.read_csv(copy / "themes.csv", keep_default_na=False, dtype=str)

    def score_with(validated):
        themes.assign(validated=themes["theme"].isin(validated).map({True: "True", False: "False"})).to_csv(
            copy / "themes.csv", index=False
        )
        caplog.clear()
        with caplog.at_level("WARNING", logger="toolkit"):
            validation.score(out)
        return (out / "scores.md").read_text(encoding="utf-8"), caplog.text

    report, printed = score_with([largest, second])
    n = int(given[largest])
    said = f"{largest}: of the {n} coded units the model gave it, 0 are coded as it (precision 0.00, 95% interval"
    assert said in report and said in printed
    assert "the coders contradict theme(s) the run validates" in report
    # `second` took `largest`'s units: the model gave it only its own of those coded as it, its recall below one half
    # when the interval of that share says so (Wilson's, at 95%)
    from statsmodels.stats.proportion import proportion_confint

    coded_as, hits = int(given[largest] + given[second]), int(given[second])
    recall = f"{second}: of the {coded_as} units coded as it, the model gave it {hits} (recall"
    assert (recall in report) == (proportion_confint(hits, coded_as, method="wilson")[1] < 0.5)
    assert f"{second}: of the {int(given[second])} coded units the model gave it" not in report  # precision 1
    # a theme the run does not validate is scored as before, without the note: there is no verdict to contradict
    report, printed = score_with([])
    assert "the coders contradict" not in report and "the coders contradict" not in printed
    # coders who agree with the model on every unit contradict no validated theme
    sheet["theme"] = model
    sheet.to_csv(out / validation.UNIT_SHEET, index=False)
    report, printed = score_with([largest, second])
    assert "the coders contradict" not in report and "the coders contradict" not in printed


def test_the_agreement_file_holds_the_notes_that_qualify_its_figures(coded, tmp_path):
    """`validate agree` warned on stderr that a coder left rows, and a whole stratum, uncoded, but the
    agreement-*.md that gets cited held neither, and called its weighted figure an estimate for the whole corpus
    (a hostile pass of hand coding)."""
    folder = _copy(coded, tmp_path)
    first = pd.read_csv(folder / validation.UNIT_SHEET, keep_default_na=False, dtype=str)
    key = pd.read_csv(folder / validation.UNIT_KEY, keep_default_na=False)
    stratum = key["stratum"].value_counts().index[-1]  # a stratum the second coder skipped whole
    skipped = key.loc[key["stratum"] == stratum, "item"].astype(str)
    second = first.assign(theme=first["theme"].where(~first["item"].isin(skipped), ""))
    first.to_csv(tmp_path / "a.csv", index=False)
    second.to_csv(tmp_path / "b.csv", index=False)
    table = validation.agree(folder, tmp_path / "a.csv", tmp_path / "b.csv")
    written = next(folder.glob("agreement-a-*-b-*.md")).read_text(encoding="utf-8")
    assert written == validation.format_agreement(table)
    notes = written.split("Notes:", 1)[1].split("\n\n`", 1)[0]
    items = ", ".join(sorted(skipped, key=int))
    assert f"b.csv: {len(skipped)} of {len(first)} rows not coded; the agreement rests on the " in notes
    assert f"not coded: item{'s' if len(skipped) > 1 else ''} {items}" in notes
    assert f"no coded unit of the stratum {stratum} (" in notes and "the weighted agreement and kappa stand for" in notes
    assert "an estimate for the whole corpus (but for what the notes above say)." in written


def test_scores_md_states_the_samples_design_the_confusion_and_each_shares_interval(coded, tmp_path):
    """What a paper reports of a validation sample was left in validation.json and key_units.csv (a reviewer's
    reading of scores.md in a hostile pass): the population and its strata, units drawn, coded and their weights,
    the seed, Kish's effective number behind the weighted intervals, the bootstrap's replicates; and per theme,
    precision and recall on one to four units read as findings without their intervals, with no confusion matrix."""
    from statsmodels.stats.proportion import proportion_confint

    folder = _copy(coded, tmp_path)
    sheet = pd.read_csv(folder / validation.UNIT_SHEET, keep_default_na=False, dtype=str)
    key = pd.read_csv(folder / validation.UNIT_KEY, keep_default_na=False)
    skipped = sheet["item"].iloc[:3]
    sheet.assign(theme=sheet["theme"].where(~sheet["item"].isin(skipped), "")).to_csv(folder / validation.UNIT_SHEET, index=False)
    tables = validation.score(folder)
    report = (folder / "scores.md").read_text(encoding="utf-8")
    record = json.loads((folder / "validation.json").read_text(encoding="utf-8"))
    size = key.groupby("stratum")["weight"].sum().round().astype(int)
    coded_keys = key[~key["item"].astype(str).isin(skipped)]
    assert (
        f"Sample: {len(key)} units drawn from the {size.sum()} units of the run `{record['run']}` that the model was "
        f"fitted to, stratified by the model's dominant theme (seed {record['random_state']}); {len(coded_keys)} coded."
    ) in report
    weights = coded_keys["stratum"].map(size / coded_keys.groupby("stratum").size()).to_numpy()
    assert f"Kish's effective number of coded units: {weights.sum() ** 2 / (weights**2).sum():.1f}" in report
    assert "percentiles of 1,000 bootstrap resamples of the coded units" in report
    for stratum, units in size.items():
        drawn, done = (key["stratum"] == stratum).sum(), (coded_keys["stratum"] == stratum).sum()
        weight = f"{units / done:.2f}" if done else "-"
        assert f"| {stratum} | {units} | {drawn} | {done} | {weight} |" in report
    # the confusion matrix: the coders' theme by row, the model's by column, counts of coded units
    confusion = tables["confusion"]
    merged = coded_keys.merge(sheet[["item", "theme"]].astype({"item": int}), on="item")
    truth = merged["theme"].replace({"none": "other"})
    model = merged["model_theme"].replace("", "other")
    assert confusion.to_numpy().sum() == len(merged)
    assert np.trace(confusion.to_numpy()) == (truth.to_numpy() == model.to_numpy()).sum()
    header = "| coded / model | " + " | ".join(confusion.columns) + " |"
    assert header in report
    # a raw precision with its Wilson interval over the units the model gave the theme
    row = tables["units"].query("source == 'model' and predicted > 0").iloc[0]
    k, n = int(round(row["precision"] * row["predicted"])), int(row["predicted"])
    low, high = proportion_confint(k, n, alpha=0.05, method="wilson")
    assert f"| {row['theme']} | {int(row['support'])} | {n} | {row['precision']:.2f} [{low:.2f}, {high:.2f}] |" in report


def test_a_theme_sheet_nobody_coded_is_said_as_the_intrusion_sheets_are(coded, tmp_path):
    """A study that coded the word-intrusion sheet only: the theme sheet's note listed "20 of 20 rows not coded; not
    coded: items 1, ..., 10 ..." where the intrusion sheets say "not coded (none of N rows)" (a review)."""
    folder = _copy(coded, tmp_path)
    sheet = pd.read_csv(folder / validation.UNIT_SHEET, keep_default_na=False, dtype=str)
    sheet.assign(theme="").to_csv(folder / validation.UNIT_SHEET, index=False)
    words = pd.read_csv(folder / validation.WORD_SHEET, keep_default_na=False, dtype=str)
    key = pd.read_csv(folder / validation.WORD_KEY, keep_default_na=False, dtype=str)
    words.assign(intruder=key["intruder"]).to_csv(folder / validation.WORD_SHEET, index=False)
    notes = validation.score(folder)["notes"]["note"].tolist()
    assert f"{validation.UNIT_SHEET}: not coded (none of {len(sheet)} rows)" in notes
    assert not any("rows not coded" in note for note in notes)


def test_three_coders_get_each_pairs_agreement_and_fleiss_kappa_over_the_items_all_coded(coded, tmp_path):
    """Agreement of more than two coders was not measured (a reviewer's question of every study with three): `validate
    agree` takes three sheets or more, gives each pair's agreement as for two, and Fleiss' kappa (statsmodels) over
    the items every coder coded, with a bootstrap interval over those items."""
    from statsmodels.stats.inter_rater import aggregate_raters, fleiss_kappa

    from .conftest import cli

    folder = _copy(coded, tmp_path)
    first = pd.read_csv(folder / validation.UNIT_SHEET, keep_default_na=False, dtype=str)
    second = first.assign(theme=first["theme"].where(first.index % 4 != 0, "其他"))
    third = first.assign(theme=first["theme"].where(first.index % 3 != 1, "other"))
    third.loc[third.index % 7 == 2, "theme"] = ""  # rows the third coder left: out of Fleiss' items
    for name, sheet in (("a.csv", first), ("b.csv", second), ("c.csv", third)):
        sheet.to_csv(tmp_path / name, index=False)
    done = cli("validate", "agree", folder, tmp_path / "a.csv", tmp_path / "b.csv", tmp_path / "c.csv")
    assert done.returncode == 0, done.stderr
    table = validation.agree(folder, tmp_path / "a.csv", tmp_path / "b.csv", tmp_path / "c.csv")
    every = third["theme"] != ""
    answers = np.column_stack(
        [s.loc[every, "theme"].replace({"其他": "other", "none": "other"}).to_numpy() for s in (first, second, third)]
    )
    expected = fleiss_kappa(aggregate_raters(answers)[0], method="fleiss")
    row = table[table["measure"] == "fleiss_kappa"].iloc[0]
    assert row["estimate"] == pytest.approx(expected) and row["coded_units"] == every.sum()
    assert row["low"] < row["estimate"] < row["high"]
    pair = validation.agree(folder, tmp_path / "b.csv", tmp_path / "c.csv").drop(columns=["first", "second"])
    of_pair = table[(table["first"] == str(tmp_path / "b.csv")) & (table["second"] == str(tmp_path / "c.csv"))]
    pd.testing.assert_frame_equal(of_pair.drop(columns=["first", "second"]).reset_index(drop=True), pair)
    written = next(folder.glob("agreement-a-*-b-*-c-*.md")).read_text(encoding="utf-8")
    assert written == done.stdout
    assert f"Fleiss' kappa over the {every.sum()} items every coder coded, {expected:.3f} [" in written
    assert written.count("- raw: agreement") == 3  # each of the three pairs
    with pytest.raises(ToolkitError, match="are the same sheet; pass each coder's sheet once"):
        validation.agree(folder, tmp_path / "a.csv", tmp_path / "b.csv", tmp_path / "a.csv")
