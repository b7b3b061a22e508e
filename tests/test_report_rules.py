"""The rules of report.html that a reader takes its statements by, each pinned on small Chinese tables (from a
mutation audit of toolkit/output/report.py: each rule below could be changed with every quick test passing)."""

import html

import numpy as np
import pandas as pd

from toolkit.config import Config
from toolkit.output.csv_files import write_csv
from toolkit.output.report import (
    _estimate,
    _measured,
    _one_per_year,
    _p_values,
    _passages_html,
    _read,
    _table,
    _validation_sentence,
    consecutive_sentence,
    corpus_shape,
    methods_paragraph,
    wide_effects_sentence,
    wide_intervals_sentence,
    write_report,
)

from .conftest import ROOT


def _passage(name, label, text, share, **more):
    return {"kind": "theme", "scope": "all", "name": name, "label": label, "text": text, "keywords": "",
            "title": "政府工作报告", "date": "2020-05-22", "share": share, **more}  # fmt: skip


def _documents(years):
    return pd.DataFrame({"doc_id": [f"d{i}" for i in range(len(years))], "year": years, "status": "used"})


def _manifest(used=3, warnings=()):
    counts = {"documents_used": used, "documents_skipped": 0, "units": 90, "tokens": 5000, "vocabulary": 300}
    return {"counts": counts, "versions": {}, "warnings": list(warnings), "config": {}, "random_state": 42}


# ----- the passages ---------------------------------------------------------------------------------------------


def test_the_passages_shown_are_the_themes_not_the_topics():
    """passages.csv lists each topic's passages beside each theme's: "Passages behind each theme" shows the themes'."""
    rows = [
        _passage("ecology", "生态环境", "加强生态环境保护。", 0.8),
        {**_passage("topic_3", "3: 生态环境 (生态 环境 保护)", "推进污染防治攻坚。", 0.9), "kind": "topic"},
    ]
    page = _passages_html(pd.DataFrame(rows), ["ecology", "other"])
    assert "加强生态环境保护" in page and "推进污染防治攻坚" not in page and "topic_3" not in page


def test_the_themes_passages_follow_the_lexicon_not_the_alphabet_nor_the_table():
    rows = [
        _passage("ecology", "生态环境", "加强生态环境保护。", 0.8),
        _passage("industry", "产业发展", "推动产业转型升级。", 0.7),
    ]
    page = _passages_html(pd.DataFrame(rows), ["industry", "ecology", "other"])
    assert page.index("<h3>产业发展</h3>") < page.index("<h3>生态环境</h3>")


def test_a_passages_title_and_place_are_escaped():
    rows = [_passage("ecology", "生态环境", "加强生态保护。", 0.8, title="关于<十四五>规划&纲要", place="A&B市")]
    page = _passages_html(pd.DataFrame(rows), ["ecology"])
    assert "<footer>关于&lt;十四五&gt;规划&amp;纲要 · 2020-05-22 · A&amp;B市 — share 0.80</footer>" in page


def test_keywords_are_marked_longest_first_escaped_and_taken_literally():
    """A keyword that begins another (产业, 产业链) marks the longer where it stands; a keyword is marked in the text as
    it is, escaped inside its mark (R&D), and its characters are no pattern (互联网+ is not 互联网 followed by 网s)."""
    chain = _passage("industry", "产业发展", "延伸产业链，壮大产业集群。", 0.8, keywords="产业 产业链")
    assert "延伸<mark>产业链</mark>，壮大<mark>产业</mark>集群。" in _passages_html(pd.DataFrame([chain]), ["industry"])
    rd = _passage("innovation", "科技创新", "加大R&D投入，推进互联网+政务服务，发展互联网经济。", 0.8, keywords="R&D 互联网+")
    page = _passages_html(pd.DataFrame([rd]), ["innovation"])
    assert "加大<mark>R&amp;D</mark>投入，推进<mark>互联网+</mark>政务服务，发展互联网经济。" in page


# ----- the corpus's shape and the methods paragraph ---------------------------------------------------------------


def test_documents_outside_every_period_are_counted_as_documents_their_years_listed_once():
    """The count "N in no named period" counts documents (two in 2006 are two), and the list of their years ends in an ellipsis
    only when there are more than six years to list, not more than six documents."""
    years = [2001, 2002, 2006, 2006, 2007, 2008, 2009, 2010, 2011]
    said = corpus_shape(_documents(years), periods={"十五": [2001, 2005]})
    assert said.endswith("7 in no named period (2006, 2007, 2008, 2009, 2010, 2011).")


def test_other_is_no_theme_measured_or_not():
    themes = pd.DataFrame({"theme": ["ecology", "industry", "other"], "share": [0.3, 0.0, 0.7]})
    assert _measured(themes) == (["ecology"], ["industry"])
    assert _measured(themes.drop(columns="share")) == (["ecology", "industry"], [])


def test_a_year_without_documents_is_no_year_to_pool_with():
    """theme_by_year.csv holds a row for a year without documents (n_documents 0): a corpus whose documents are all of
    one year has no other year to pool with."""
    config = Config.load(ROOT / "configs" / "seeds.toml")
    themes = pd.DataFrame({"theme": ["ecology", "other"], "validated": [True, False]})
    basis = "40 documents: units resampled, document level from its documents"
    by_year = pd.DataFrame(
        {"year": [2021, 2022], "theme": "ecology", "share": [0.1, None], "n_documents": [40, 0], "interval_basis": [basis, None]}
    )
    said = methods_paragraph(config, _manifest(40), themes=themes, by_year=by_year)
    assert "there is no other year to pool with" in said and "pooled over the other years" not in said


def test_consecutive_documents_in_every_year_that_has_documents():
    """A year without documents (no interval_basis) draws no document level: the years that do all took their pooled
    estimate from consecutive documents, which is every year."""
    from toolkit.analysis.trends import _basis

    alone = _basis(1, "consecutive documents", 0.0)
    table = pd.DataFrame({"theme": ["eco"] * 3, "year": [2019, 2020, 2021], "interval_basis": [alone, None, alone]})
    assert "so for every year the pooled estimate is instead" in consecutive_sentence(table)


def test_wide_intervals_are_said_from_a_tenth_of_the_measured_cells():
    """At least a tenth of the intervals, as the rule says: one wide interval of ten is said; a year without
    documents (no share, no interval) is no interval of the table."""
    themes = [f"t{i}" for i in range(9)] + ["other"]
    table = pd.DataFrame(
        {"year": 2021, "theme": themes, "share": 0.1, "n_documents": 2, "share_low": 0.0, "share_high": [0.9] + [0.2] * 9}
    )
    assert wide_intervals_sentence(table).startswith("Here 1 of the 10 intervals of theme_by_year.csv span")
    gap = table.assign(year=2020, share=None, share_low=None, share_high=None)
    assert wide_intervals_sentence(pd.concat([gap, table])).startswith("Here 1 of the 10 intervals")


def test_wide_intervals_of_the_effects_are_said_in_the_methods_paragraph():
    """From a hostile pass (25 provinces of two documents each): 343 of 880 intervals of effects_expected.csv were
    wider than half a share's range, [0.0002, 0.9998] the widest, and the paragraph called the intervals wide only
    under 50 documents in all. From a tenth of the supported intervals on, the widest is named; an unsupported
    value's interval (no documents behind it) is none of them."""
    provinces = ["湖北省", "安徽省", "江西省", "湖南省", "河南省"]
    expected = pd.DataFrame(
        {
            "theme": "ecology",
            "province": provinces * 2,
            "group": "",
            "expected": 0.3,
            "low": [0.0002, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.0],
            "high": [0.9998, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4, 1.0],
            "supported": [True] * 9 + [False],
        }
    )
    said = wide_effects_sentence(expected, "province")
    assert said.startswith("Here 1 of the 9 intervals of effects_expected.csv span more than half the range")
    assert "(the widest: ecology at province = 湖北省, [0.00, 1.00])" in said
    assert wide_effects_sentence(expected.assign(low=0.2, high=0.4), "province") == ""
    # along a number: its value as a reader writes it, and no categories to pool (a review)
    along = expected.drop(columns="province").assign(gdp=np.linspace(0.1, 0.9, 10) / 1.2)
    said_along = wide_effects_sentence(along, "gdp")
    assert "(the widest: ecology at gdp = 0.08333, [0.00, 1.00])" in said_along and "pool" not in said_along
    assert wide_effects_sentence(None, "province") == ""
    config = Config.load(ROOT / "configs" / "seeds.toml", ['effects.formula="province + year"', 'effects.x="province"'])
    themes = pd.DataFrame({"theme": ["ecology", "other"], "validated": [True, False]})
    paragraph = methods_paragraph(config, _manifest(52), themes=themes, expected=expected)
    assert said in paragraph


def test_one_document_a_year_means_every_year():
    """The two checks across documents and across years are one only when every year holds one document."""
    assert _one_per_year(_documents([2016, 2017, 2018, 2019, 2020, 2021]))
    assert not _one_per_year(_documents([2016, 2017, 2018, 2019, 2020, 2021, 2021]))


def test_the_validation_sentence_without_themes_describes_the_check_within_documents():
    """Without themes.csv nothing says the check within documents was left out: the paragraph describes it."""
    assert "and within documents across paragraphs" in _validation_sentence(None)


def test_stability_across_seeds_is_checked_when_any_named_theme_has_a_member_correlation():
    """A theme without a correlation between ensemble members (not measured) beside one with it: the ensemble's
    stability was checked, and the paragraph does not say otherwise."""
    themes = pd.DataFrame(
        {
            "theme": ["ecology", "digital_economy", "other"],
            "validated": [True, False, False],
            "n_documents": [20, 20, 20],
            "member_r": [0.95, None, None],
            "why": ["", "no keyword of the theme is in the vocabulary", ""],
        }
    )
    said = _validation_sentence(themes)
    assert "Validated: ecology." in said and "was not checked" not in said and "not checked here" not in said


# ----- the tables --------------------------------------------------------------------------------------------------


def test_adjusted_p_values_print_as_a_paper_prints_them():
    table = _p_values(pd.DataFrame({"theme": ["生态"], "p_value": [0.0002], "p_adjusted": [0.0004]}))
    assert table[["p_value", "p_adjusted"]].values.tolist() == [["<0.001", "<0.001"]]


def test_an_estimate_of_half_a_thousandth_shows_three_decimals_and_counts_with_fractions_stay_fractions():
    assert _estimate(0.0005, "{:.3f}") == "0.001" and _estimate(-0.0004, "{:.3f}") == "-0.0004"
    welch = _table(pd.DataFrame({"theme": ["生态", "产业"], "df": [14.5, 14.0]}))
    assert "<td>14.500</td>" in welch and "<td>14.000</td>" in welch


def test_a_table_read_back_shows_cells_as_the_run_had_them(tmp_path):
    """A passage that starts like a formula (-, +) is written with an apostrophe that keeps a spreadsheet from running
    it; report.html shows it as it was."""
    write_csv(tmp_path / "passages.csv", pd.DataFrame({"text": ["-推进新型工业化。", "+加快数字化转型。"], "share": [0.5, 0.4]}))
    assert (tmp_path / "passages.csv").read_text(encoding="utf-8").count("'") == 2
    assert _read(tmp_path, "passages.csv")["text"].tolist() == ["-推进新型工业化。", "+加快数字化转型。"]


# ----- the page ----------------------------------------------------------------------------------------------------


def _folder(path, *, years=(2021, 2022), passages=None, model_vs_keywords=None):
    """The tables write_report reads, for a small corpus of two themes."""
    themes = pd.DataFrame(
        {
            "theme": ["industry", "ecology", "digital_economy", "other"],
            "label_zh": ["产业发展", "生态环境", "数字经济", "其他"],
            "label_en": ["Industry", "Ecology", "Digital economy", "Other"],
            "validated": [True, True, False, False],
            "share": [0.3, 0.2, 0.2, 0.3],
        }
    )
    themes.to_csv(path / "themes.csv", index=False)
    _documents(list(years)).assign(title="政府工作报告").to_csv(path / "documents.csv", index=False)
    pd.DataFrame(
        {"topic": [1, 2], "theme": ["industry", "ecology"], "score": [0.5, 0.4], "top_words": ["产业:0.1", "生态:0.1"]}
    ).to_csv(path / "topics.csv", index=False)
    by_year = pd.DataFrame({"year": [2020, 2021, 2022], "theme": "industry", "share": [None, 0.3, 0.35]})
    by_year.to_csv(path / "theme_by_year.csv", index=False)
    if passages is not None:
        pd.DataFrame(passages).to_csv(path / "passages.csv", index=False)
    if model_vs_keywords is not None:
        model_vs_keywords.to_csv(path / "model_vs_keywords.csv", index=False)
    return path


def test_the_page_escapes_the_corpus_name_and_the_warnings_and_has_no_warnings_section_without_warnings(tmp_path):
    config = Config.load(ROOT / "configs" / "seeds.toml", ['corpus.name="<省级>政策&文件"'])
    warned = _manifest(warnings=["document <b>甲</b>.txt was skipped: empty"])
    page = write_report(_folder(tmp_path), config, warned).read_text(encoding="utf-8")
    assert "<h1>&lt;省级&gt;政策&amp;文件</h1>" in page and "<title>&lt;省级&gt;政策&amp;文件</title>" in page
    assert "<li>document &lt;b&gt;甲&lt;/b&gt;.txt was skipped: empty</li>" in page
    quiet = write_report(tmp_path, config, _manifest()).read_text(encoding="utf-8")
    assert "<h2>Warnings</h2>" not in quiet and "The run warned" not in quiet


def test_the_page_names_the_periods_and_shows_only_years_with_data(tmp_path):
    config = Config.load(ROOT / "configs" / "seeds.toml")
    periods = config.with_values(**{"trends.periods": {"十三五": [2016, 2020], "十四五": [2021, 2025]}})
    page = write_report(_folder(tmp_path), periods, _manifest()).read_text(encoding="utf-8")
    assert "Named periods: 十三五, 十四五." in page
    by_year = page.split("<h2>Theme share by year</h2>")[1].split("<h2>")[0]
    assert "<td>2021</td>" in by_year and "<td>2020</td>" not in by_year  # 2020: no document, no share


def test_the_page_names_the_measured_themes_without_passages_not_the_unmeasured(tmp_path):
    """industry has passages; ecology is measured and has none (named); digital_economy is not measured in the
    corpus (no share anywhere: themes.csv's share is zero), so having no passages is no finding about it."""
    passages = [_passage("industry", "产业发展", "推动产业转型升级。", 0.7)]
    folder = _folder(tmp_path, passages=passages)
    themes = pd.read_csv(folder / "themes.csv")
    themes.loc[themes["theme"] == "digital_economy", "share"] = 0.0
    themes.to_csv(folder / "themes.csv", index=False)
    page = write_report(folder, Config.load(ROOT / "configs" / "seeds.toml"), _manifest()).read_text(encoding="utf-8")
    said = page.split("No paragraph carries a share of", 1)[1].split("</p>", 1)[0]
    assert "生态环境" in said and "数字经济" not in said and "产业发展" not in said


def test_the_page_in_english_labels_its_themes_in_english(tmp_path):
    passages = [_passage("industry", "产业发展", "推动产业转型升级。", 0.7)]
    english = Config.load(ROOT / "configs" / "seeds.toml", ["figures.language=en"])
    page = write_report(_folder(tmp_path, passages=passages), english, _manifest()).read_text(encoding="utf-8")
    themes = page.split("<h2>Themes: what to read before trusting a share</h2>")[1].split("<h2>")[0]
    assert "<th>label_en</th>" in themes and "<td>Industry</td>" in themes and "label_zh" not in themes
    assert "(evidence.min_share) of: Ecology, Digital economy;" in page  # measured, without passages: English labels


def test_correlations_of_three_years_that_could_not_be_computed_are_not_blamed_on_the_years(tmp_path):
    table = pd.DataFrame({"theme": ["industry"], "pearson_r": [None], "n_years": [3]})
    folder = _folder(tmp_path, years=(2020, 2021, 2022), model_vs_keywords=table)
    page = write_report(folder, Config.load(ROOT / "configs" / "seeds.toml"), _manifest()).read_text(encoding="utf-8")
    assert "No theme's correlation could be computed: no theme's share and keyword rate both vary across the years" in page
    assert html.escape("this corpus has 3") not in page


def test_themes_with_passages_in_their_periods_only_are_not_said_to_have_none():
    """evidence.passages = 0 (no list over the whole corpus) with evidence.per_period = 2: the seed run's report named
    all 16 measured themes as carried by no paragraph of share 0.2 or more, while passages.csv listed 14 of them in
    their periods (innovation in five)."""
    rows = [
        _passage("industry", "产业发展", "推动产业转型升级。", 0.7, scope="十三五"),
        _passage("industry", "产业发展", "壮大战略性新兴产业。", 0.6, scope="十四五"),
    ]
    page = _passages_html(pd.DataFrame(rows), ["industry", "other"], {"industry": "产业发展"}, 0.2)
    assert "No paragraph carries" not in page
    assert "No list over the whole corpus was made (evidence.passages = 0)" in page
    assert "over the whole corpus (top" not in page  # nor promised first (a review)
    page = _passages_html(pd.DataFrame(rows), ["industry", "ecology"], {"industry": "产业发展", "ecology": "生态"}, 0.2)
    assert "of: 生态; passages.csv lists none" in page  # a theme with no passage anywhere is still named
