"""From mutation audit 30 of analysis/validation.py: each test here failed on a change of the code that every other
test let through. Pinned, on small hand-made tables and export folders of Chinese paragraphs: `in_model` saved
with spaces still marks a modelled unit, and a unit without a dominant theme is sampled in the `other` stratum;
a row numbered 0 is no item, and a theme cell of spaces only is not coded; score's bootstrap is seeded by the
export's seed; the note on deleted rows names five of them at most; scores.md's per-theme tables (raw and weighted,
support and units given, counted by hand) and its agreement lines; the intruders found with Wilson's interval,
the chance of a guess, and the topics or items missed."""

import json

import numpy as np
import pandas as pd
import pytest

from toolkit.analysis import validation
from toolkit.errors import ToolkitError

TEXTS = [
    "加强生态环境保护，推进长江大保护，打好蓝天碧水净土保卫战。",
    "实施创新驱动发展战略，建设具有全国影响力的科技创新中心。",
    "完善城乡居民基本养老保险制度，提高城乡低保标准。",
    "推进农业供给侧结构性改革，发展都市现代农业。",
    "深化国资国企改革，优化营商环境，激发市场主体活力。",
    "扩大对外开放，办好中国国际进口博览会配套活动。",
    "治理城市黑臭水体，完成燃煤锅炉清洁能源改造。",
    "支持企业建设研发中心，培育高新技术企业五百家。",
]


def folder(tmp_path, rows, *, themes=("ecology", "innovation", "livelihood")):
    """A hand-made export: ``rows`` of (stratum, weight, model_theme, keyword_theme, coded theme), items 1..n with
    the texts above, a codebook naming ``themes``; validation.json without a run (no run to compare with)."""
    out = tmp_path / "tasks"
    out.mkdir()
    items = range(1, len(rows) + 1)
    texts = [TEXTS[i % len(TEXTS)] + f"（第{i}段）" for i in items]
    pd.DataFrame(
        {
            "item": items,
            "unit_id": [f"u{i}" for i in items],
            "doc_id": [f"d{i}" for i in items],
            "year": 2020,
            "stratum": [r[0] for r in rows],
            "weight": [r[1] for r in rows],
            "model_theme": [r[2] for r in rows],
            "keyword_theme": [r[3] for r in rows],
            "text": texts,
        }
    ).to_csv(out / validation.UNIT_KEY, index=False)
    pd.DataFrame({"item": items, "text": texts, "theme": [r[4] for r in rows], "note": ""}).to_csv(
        out / validation.UNIT_SHEET, index=False
    )
    (out / validation.CODEBOOK).write_text(
        "# Codebook\n\n" + "".join(f"- `{t}`: 标签 / label. Example words: 词\n" for t in themes) + "- `other`: none.\n",
        encoding="utf-8",
    )
    (out / "validation.json").write_text(
        json.dumps(
            {
                "run": str(tmp_path / "gone"),
                "random_state": 0,
                "themes": [{"theme": t, "label_zh": f"主题{i}", "label_en": f"Theme {i}"} for i, t in enumerate(themes)],
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    return out


def units_table(in_model, dominant):
    n = len(in_model)
    return pd.DataFrame(
        {
            "unit_id": [f"u{i}" for i in range(n)],
            "text": [TEXTS[i % len(TEXTS)] for i in range(n)],
            "in_model": in_model,
            "dominant_theme": dominant,
        }
    )


def test_in_model_saved_with_spaces_by_a_spreadsheet_still_marks_a_modelled_unit():
    """`in_model` "as a spreadsheet may have saved it": ' True ' and ' 1' are modelled, 'False' is not."""
    units = units_table([" True ", " 1", "TRUE ", "False"], ["ecology"] * 4)
    sample, note = validation.sample_units(units, 10, np.random.default_rng(0))
    assert sorted(sample["unit_id"]) == ["u0", "u1", "u2"]
    assert note.startswith("10 units asked, 3 written")


def test_a_unit_without_a_dominant_theme_is_sampled_in_the_other_stratum():
    """A blank dominant theme is the `other` stratum (the category a coder writes for no theme), not a stratum of
    its own named ''."""
    units = units_table(["True"] * 4, ["ecology", "", None, "other"])
    sample, _ = validation.sample_units(units, 4, np.random.default_rng(0))
    assert sorted(sample["stratum"]) == ["ecology", "other", "other", "other"]
    assert sample.set_index("stratum")["weight"].to_dict() == {"ecology": 1.0, "other": 1.0}


def test_a_row_numbered_0_is_no_item_even_when_not_coded(tmp_path):
    """Items are numbered from 1: a row whose item is 0, coded or not, is no item number and is refused naming it
    (not counted as an exported row left uncoded)."""
    out = folder(tmp_path, [("ecology", 1.0, "ecology", "ecology", "ecology")] * 2)
    sheet = pd.read_csv(out / validation.UNIT_SHEET, dtype=str, keep_default_na=False)
    extra = pd.DataFrame({"item": ["0"], "text": [TEXTS[3]], "theme": [""], "note": [""]})
    pd.concat([sheet, extra]).to_csv(out / validation.UNIT_SHEET, index=False)
    with pytest.raises(ToolkitError, match=r"item '0' \(row 4\) is not an item number"):
        validation.score(out)


def test_a_theme_cell_of_spaces_only_is_not_coded(tmp_path):
    """A cell that holds spaces only looks empty in a spreadsheet: the row is not coded (and said so), not an answer
    of `other`."""
    rows = [("ecology", 1.0, "ecology", "ecology", "ecology"), ("innovation", 1.0, "innovation", "innovation", "   ")]
    out = folder(tmp_path, rows)
    tables = validation.score(out)
    assert tables["agreement"]["coded_units"].iloc[0] == 1
    assert "coding_sheet.csv: 1 of 2 rows not coded" in " ".join(tables["notes"]["note"])
    assert "other" not in set(tables["units"]["theme"])


# twelve coded paragraphs: the model right on eight, the keywords on eleven (stratum = the model's theme)
CODED = [
    ("ecology", 1.0, "ecology", "ecology", "ecology"),
    ("ecology", 1.0, "ecology", "ecology", "ecology"),
    ("ecology", 1.0, "ecology", "innovation", "innovation"),
    ("ecology", 1.0, "ecology", "livelihood", "livelihood"),
    ("innovation", 1.0, "innovation", "innovation", "innovation"),
    ("innovation", 1.0, "innovation", "innovation", "innovation"),
    ("innovation", 1.0, "innovation", "ecology", "ecology"),
    ("innovation", 1.0, "innovation", "innovation", "innovation"),
    ("livelihood", 1.0, "livelihood", "livelihood", "livelihood"),
    ("livelihood", 1.0, "livelihood", "livelihood", "livelihood"),
    ("livelihood", 1.0, "livelihood", "innovation", "ecology"),
    ("livelihood", 1.0, "livelihood", "livelihood", "livelihood"),
]


def test_the_scores_bootstrap_is_seeded_by_the_exports_seed(tmp_path):
    """score's kappa intervals come from a bootstrap seeded by the export's seed (validation.json's random_state):
    they are agreement()'s with that seed, and another seed gives other intervals."""
    out = folder(tmp_path, CODED)
    record = json.loads((out / "validation.json").read_text(encoding="utf-8"))
    (out / "validation.json").write_text(json.dumps({**record, "random_state": 11}), encoding="utf-8")
    tables = validation.score(out)
    truth = np.array([r[4] for r in CODED])
    model = np.array([r[2] for r in CODED])
    labels = ["ecology", "innovation", "livelihood"]
    scored = tables["agreement"].query("source == 'model' and measure == 'kappa' and weighting == 'raw'").iloc[0]
    rows = {seed: validation.agreement(truth, model, np.ones(12), labels, random_state=seed)[1] for seed in (0, 11)}
    assert rows[11]["measure"] == "kappa" and scored["estimate"] == pytest.approx(rows[11]["estimate"])
    assert (scored["low"], scored["high"]) == pytest.approx((rows[11]["low"], rows[11]["high"]))
    assert (rows[0]["low"], rows[0]["high"]) != pytest.approx((rows[11]["low"], rows[11]["high"]))


@pytest.mark.parametrize("deleted, shown", [(7, "items 2, 3, 4, 5, 6 ...): deleted rows"), (5, "items 2, 3, 4, 5, 6): deleted")])
def test_deleted_rows_are_named_five_at_most(tmp_path, deleted, shown):
    """The note on rows deleted from a sheet names the first five of them, and '...' only when there are more."""
    out = folder(tmp_path, CODED[:8])
    sheet = pd.read_csv(out / validation.UNIT_SHEET, dtype=str, keep_default_na=False)
    keep = [0, *range(deleted + 1, 8)]
    sheet.iloc[keep].to_csv(out / validation.UNIT_SHEET, index=False)
    notes = " ".join(validation.score(out)["notes"]["note"])
    assert f"coding_sheet.csv: {deleted} of 8 exported items are not in the sheet ({shown}" in notes


def test_the_intruders_missed_are_named_with_the_count_and_the_chance_of_each_task():
    """scores.md gives the intruders found of n tasks with Wilson's interval and the chance of a guess (1 in 6 words,
    1 in 4 topics), and names the topics or items missed: 'topic 3' for one, 'items 2, 4' for two."""
    from statsmodels.stats.proportion import proportion_confint

    text = validation.format_scores(
        {
            "word_intrusion": pd.DataFrame({"topic": [1, 2, 3], "precision": [1.0, 1.0, 0.0]}),
            "topic_intrusion": pd.DataFrame({"item": [1, 2, 3, 4], "precision": [1.0, 0.0, 1.0, 0.0]}),
        }
    )
    low, high = proportion_confint(2, 3, alpha=0.05, method="wilson")
    assert f"- Word intrusion: the intruder was found in 2 of 3 tasks, 66.7% (95% interval {low:.1%} to {high:.1%}" in text
    assert "Wilson; chance: 1 in 6)\n  not found for topic 3\n" in text
    assert "- Topic intrusion: the intruder was found in 2 of 4 tasks, 50.0%" in text
    assert "chance: 1 in 4)\n  not found for items 2, 4\n" in text


def test_scores_md_gives_raw_and_weighted_per_theme_scores_as_counted_by_hand(tmp_path):
    """Twelve coded paragraphs, the ecology stratum weighing three times the others: per theme, scores.md's raw
    table counts the coded units (support: coded as it; given: the units the source gave it) and the weighted table
    weighs each by its stratum; the agreement is given raw and weighted for both sources."""
    rows = [(s, 3.0 if s == "ecology" else 1.0, *rest) for s, _, *rest in CODED]
    out = folder(tmp_path, rows)
    tables = validation.score(out)
    report = (out / "scores.md").read_text(encoding="utf-8")
    raw, weighted = report.split("Per theme, weighted by the sampling weights")
    # ecology: the model gave it 4 (2 coded so), 4 coded as it; the keywords gave it 3, all coded so; the raw
    # precision and recall with their Wilson intervals (2 of 4: [0.15, 0.85]; 3 of 3: [0.44, 1.00]; 3 of 4: [0.30, 0.95])
    assert (
        "| ecology | 4 | 4 | 0.50 [0.15, 0.85] | 0.50 [0.15, 0.85] | 0.50 | 3 | 1.00 [0.44, 1.00] | 0.75 [0.30, 0.95] | 0.86 |"
        in raw
    )
    # weighted: the model's 4 weigh 12, 6 of it coded so; coded as it weigh 3 + 3 + 1 + 1, the keywords found 7
    assert "| ecology | 4 | 4 | 0.50 | 0.75 | 0.60 | 3 | 1.00 | 0.88 | 0.93 |" in weighted
    units = tables["units"].set_index(["source", "theme"])
    assert units.loc[("model", "ecology"), ["support", "predicted", "weighted_support"]].tolist() == [4, 4, 8.0]
    assert units.loc[("keywords", "ecology"), ["support", "predicted", "weighted_support"]].tolist() == [4, 3, 8.0]
    assert "- model, raw: accuracy 0.667 [" in report and "- model, weighted: accuracy 0.600 [" in report
    assert "- keywords, raw: accuracy 0.917 [" in report and "- keywords, weighted: accuracy 0.950 [" in report
