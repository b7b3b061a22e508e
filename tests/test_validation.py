"""The hand-coding workflow: blinded sheets out, coded sheets in, scores against the model and the keywords."""

import subprocess
import sys

import pandas as pd
import pytest

import toolkit
from toolkit import validation
from toolkit.config import Config
from toolkit.errors import ToolkitError

from .conftest import ROOT


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    out = tmp_path_factory.mktemp("validation") / "seeds"
    toolkit.run(Config.load(ROOT / "configs" / "seeds.toml", ["figures.ldavis=false", 'figures.formats=["png"]',
                                                              "trends.bootstrap=0"]), out)
    return out


def test_export_writes_blinded_sheets_and_separate_keys(run, tmp_path):
    out = validation.export(run, tmp_path / "tasks", n_units=40, n_topic_tasks=10)
    sheet = pd.read_csv(out / validation.UNIT_SHEET, keep_default_na=False)
    key = pd.read_csv(out / validation.UNIT_KEY, keep_default_na=False)
    assert list(sheet.columns) == ["item", "text", "theme", "note"]  # nothing of the model's on the sheet
    assert (sheet["theme"] == "").all() and len(sheet) >= 40 and sheet["item"].tolist() == key["item"].tolist()
    units = pd.read_csv(run / "units.csv").set_index("unit_id")
    assert (units.loc[key["unit_id"], "text"].to_numpy() == sheet["text"].to_numpy()).all()
    strata = key.groupby("stratum")
    sizes = units[units["in_model"]].groupby("dominant_theme").size()
    for stratum, members in strata:  # every theme the model uses is sampled, with its weight
        assert len(members) >= min(5, sizes[stratum])
        assert members["weight"].iloc[0] == pytest.approx(sizes[stratum] / len(members))
    words = pd.read_csv(out / validation.WORD_SHEET, keep_default_na=False)
    assert {"word_1", "word_6", "intruder"} <= set(words.columns) and (words["intruder"] == "").all()
    topics = pd.read_csv(out / validation.TOPIC_SHEET, keep_default_na=False)
    assert len(topics) == 10 and {"option_A", "option_D"} <= set(topics.columns)
    codebook = (out / validation.CODEBOOK).read_text(encoding="utf-8")
    assert "`ecology`: 生态环境 / Ecology" in codebook and "`other`" in codebook


def test_scores_of_a_coder_who_agrees_with_the_keyword_scorer(run, tmp_path):
    out = validation.export(run, tmp_path / "tasks", n_units=40, n_topic_tasks=10)
    key = pd.read_csv(out / validation.UNIT_KEY, keep_default_na=False)
    sheet = pd.read_csv(out / validation.UNIT_SHEET, keep_default_na=False)
    sheet["theme"] = key["keyword_theme"].replace("", "other")  # a coder who always sides with the keywords
    sheet.to_csv(out / validation.UNIT_SHEET, index=False)
    words = pd.read_csv(out / validation.WORD_SHEET, keep_default_na=False)
    words["intruder"] = pd.read_csv(out / validation.WORD_KEY)["intruder"]  # finds every intruder
    words.to_csv(out / validation.WORD_SHEET, index=False)
    tables = validation.score(out)
    overall = tables["units"].query("theme == '(all)'").set_index("source")
    assert overall.loc["keywords", "accuracy"] == pytest.approx(1.0)
    assert overall.loc["keywords", "kappa"] == pytest.approx(1.0)
    assert 0 <= overall.loc["model", "accuracy"] <= 1 and overall.loc["model", "kappa"] < 1
    assert (tables["word_intrusion"]["precision"] == 1).all()
    assert "topic_intrusion" not in tables  # not coded yet
    report = (out / "scores.md").read_text(encoding="utf-8")
    assert "keywords: accuracy 1.000, Cohen's kappa 1.000" in report
    # a coded folder is the coders' work now: exporting over it is refused
    with pytest.raises(ToolkitError, match="holds files the toolkit did not write"):
        validation.export(run, out, n_units=40)


def test_unknown_codes_and_empty_sheets_are_clear_errors(run, tmp_path):
    out = validation.export(run, tmp_path / "tasks", n_units=20, n_topic_tasks=5)
    with pytest.raises(ToolkitError, match="no coded answer"):
        validation.score(out)
    sheet = pd.read_csv(out / validation.UNIT_SHEET, keep_default_na=False)
    sheet.loc[0, "theme"] = "space_exploration"
    sheet.to_csv(out / validation.UNIT_SHEET, index=False)
    with pytest.raises(ToolkitError, match="coded theme 'space_exploration' is not in the codebook"):
        validation.score(out)


def test_the_cli_exports_and_scores(run, tmp_path):
    out = tmp_path / "cli-tasks"
    exported = subprocess.run([sys.executable, "-m", "toolkit", "validate", "export", str(run), "--out", str(out),
                               "--units", "20"], capture_output=True, text=True, timeout=120)
    assert exported.returncode == 0, exported.stderr
    assert "toolkit validate score" in exported.stdout
    empty = subprocess.run([sys.executable, "-m", "toolkit", "validate", "score", str(out)], capture_output=True,
                           text=True, timeout=120)
    assert empty.returncode == 2 and empty.stderr.startswith("toolkit: error: no coded answer")
