"""End to end on the real seed documents: outputs, labels, determinism, caching, atomic output."""

import json
import shutil
import tomllib

import numpy as np
import pandas as pd
import pytest

import toolkit
from toolkit.config import Config
from toolkit.errors import ToolkitError
from toolkit.output import catalog

from .conftest import FAST, NO_FIGURES, ROOT, SEEDS, SEEDS_CONFIG

# seeds_run (conftest.py): the seed config with its defaults, run once per session


def test_outputs_are_written(seeds_run):
    out = seeds_run.out_dir
    for name in [
        "manifest.json",
        "documents.csv",
        "units.csv",
        "topics.csv",
        "theme_by_year.csv",
        "quality.csv",
        "coverage.csv",
        "candidate_terms.csv",
        "candidate_keywords.csv",
        "lexicon_sensitivity.csv",
        "keyword_by_year.csv",
        "model_vs_keywords.csv",
        "change.csv",
        "metrics.json",
        "config.toml",
        "ldavis.html",
        "report.html",
    ]:
        assert (out / name).is_file(), name
    for figure in [
        "theme_shares",
        "theme_area",
        "theme_heatmap",
        "top_words",
        "document_themes",
        "model_vs_keywords",
        "theme_change",
    ]:
        assert (out / "figures" / f"{figure}.png").is_file(), figure
    # exactly the tables toolkit/output/catalog.py declares for the config (trends.by and terms.track: two groups)
    assert sorted(p.stem for p in out.glob("*.csv")) == sorted(catalog.tables_of(Config.load(SEEDS_CONFIG)))
    assert {p.stem for p in (out / "figures").iterdir()} <= set(catalog.FIGURE)
    assert not list((out / "figures").glob("*.svg"))  # SVG only when figures.formats asks for it
    assert [p.name for p in out.parent.glob(".seeds.*")] == [".seeds.lock"]  # no temporary folder left beside it


def test_report_is_one_self_contained_file(seeds_run):
    import re

    html = (seeds_run.out_dir / "report.html").read_text(encoding="utf-8")
    assert html.count("<img") == len(list((seeds_run.out_dir / "figures").glob("*.png")))
    assert not re.search(r"""src=["'](?!data:)""", html)  # every image is embedded
    for text in ("Evaluation", "c_npmi", "Topics", "Theme share by year", "Change between two years", "Provenance"):
        assert text in html
    assert len(re.findall(r"[\u4e00-\u9fff]{2,}", html)) > 50  # the topic words, in Chinese


def test_documents_table_accounts_for_every_file(seeds_run):
    docs = pd.read_csv(seeds_run.out_dir / "documents.csv")
    assert sorted(docs["path"]) == sorted(p.name for p in SEEDS.glob("*.txt"))
    assert set(docs["status"]) == {"used"}
    for column in ["doc_id", "path", "title", "date", "year", "place", "encoding", "chars", "status", "reason"]:
        assert column in docs.columns
    assert docs["n_units"].sum() == len(seeds_run.units)


def test_only_a_used_document_without_a_modelled_unit_is_noted_unmodelled():
    """documents.csv notes a used document none of whose units the model saw; a skipped file has no units at all
    and already says why in its reason: it is not noted as unmodelled (a mutation audit: dropping the "used"
    condition noted every skipped file, and no test saw it)."""
    from toolkit.output.tables import UNMODELLED, documents_table

    documents = pd.DataFrame(
        {
            "doc_id": ["a", "b", "c"],
            "status": ["used", "used", "skipped"],
            "reason": ["", "", "empty file"],
            "note": ["", "", ""],
        }
    )
    units = pd.DataFrame(
        {"doc_id": ["a", "a", "b"], "unit_id": ["a#0", "a#1", "b#0"], "n_tokens": [10, 5, 3], "in_model": [True, False, False]}
    )
    table = documents_table(documents, units).set_index("doc_id")
    assert table.loc["a", "note"] == "" and table.loc["c", "note"] == ""
    assert table.loc["b", "note"] == UNMODELLED
    assert table["n_units"].tolist()[:2] == [2, 1] and table["n_tokens"].tolist()[:2] == [15, 3]
    assert pd.isna(table.loc["c", "n_units"])


def _seeds_topics() -> int:
    """The number of topics configs/seeds.toml asks for, read from the file itself."""
    return tomllib.loads(SEEDS_CONFIG.read_text(encoding="utf-8"))["model"]["n_topics"]


def test_manifest_records_provenance(seeds_run):
    manifest = json.loads((seeds_run.out_dir / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["config"]["model"]["n_topics"] == _seeds_topics()
    assert manifest["config"]["model"]["keyatm"]["iterations"] > 0  # the kind's own settings, written out too
    assert len(manifest["ensemble_seeds"]) == 3 and manifest["ensemble_seeds"][0] == 42
    stop = manifest["convergence"]  # when and why the sampler stopped
    assert stop["stop"] == "converged" and stop["reason"] in ("converged", "ceiling") and stop["chains"] == 3
    assert stop["burn_in"] < stop["sweeps"] <= stop["ceiling"] == manifest["config"]["model"]["keyatm"]["iterations"]
    assert stop["checks"] and stop["checks"][-1] == [stop["burn_in"], stop["rhat"]]
    assert stop["partitions"] == manifest["config"]["model"]["keyatm"]["partitions"] == 1  # the exact sampler
    assert manifest["config"]["segment"]["min_chars"] == 2  # defaults are written out too
    assert manifest["random_state"] == 42
    # every kept token and the vocabulary's tokens that the models see (which model.sample_above counts)
    counts, units = manifest["counts"], pd.read_csv(seeds_run.out_dir / "units.csv")
    assert counts["tokens"] == units["n_tokens"].sum() > counts["tokens_modelled"] > 0
    assert counts["tokens_modelled"] == seeds_run.fitted.counts.sum()
    # the units the model saw and those it could not (no word of the vocabulary) add up to every unit; a mutation
    # audit counted the modelled units twice and no test saw it
    assert counts["units_modelled"] == int(units["in_model"].sum())
    assert counts["units_modelled"] + counts["units_without_vocabulary"] == counts["units"] == len(units)
    assert {"python", "gensim", "jieba", "scikit-learn", "opencc", "matplotlib"} <= set(manifest["versions"])
    assert len(manifest["toolkit_source_sha256"]) == 64
    # which code fitted, and the config file's whole path (as typed, relative to a working folder no field records:
    # a hostile pass of reproducibility)
    assert manifest["model"] == {"class": "toolkit.models._keyatm.KeywordTopicModel", "from": "toolkit"}
    assert manifest["config_source"] == str(SEEDS_CONFIG.resolve())
    assert {"pyLDAvis", "fonttools", "tomli-w"} <= set(manifest["versions"])  # they write bytes of the outputs
    assert len([k for k in manifest["inputs_sha256"] if k.startswith("texts/")]) == 5
    assert {"themes.lexicon", "corpus.metadata", "the config"} <= set(manifest["inputs_sha256"])
    assert set(manifest["outputs_sha256"]) >= {"units.csv", "figures/theme_shares.png"}
    timings = manifest["timings_seconds"]
    assert {"load", "read cache", "vocabulary", "model", "figures", "total"} <= set(timings)
    assert ("normalize and segment" in timings) == (manifest["cache"]["prepared"] != "hit")


def test_units_and_topics_tables(seeds_run):
    units = pd.read_csv(seeds_run.out_dir / "units.csv")
    themes = [*seeds_run.prepared.lexicon.names, "other"]
    assert {"unit_id", "doc_id", "year", "text", "n_tokens", "dominant_theme", *themes} <= set(units.columns)
    assert ((units[themes].sum(axis=1) - 1).abs() < 1e-5).all()  # written with 6 decimals
    topics = pd.read_csv(seeds_run.out_dir / "topics.csv")
    assert topics["topic"].tolist() == list(range(1, _seeds_topics() + 1))  # numbered from 1, as in pyLDAvis
    # one keyword topic per theme, in lexicon order, then the free topics
    anchored = topics[topics["labelled_by"] == "keywords"]
    assert anchored["theme"].tolist() == [t for t in seeds_run.prepared.lexicon.names if t != "diplomacy_unification"]
    assert (topics.loc[topics["labelled_by"] == "free", "theme"] == "other").all()
    # at most 20 words, those each topic drew (security_risk's few tokens had run on with 中心, 战略 at its floor)
    lengths = topics["top_words"].fillna("").str.split().map(len)
    assert lengths.max() == 20 and (lengths < 20).any()
    assert set(topics["theme"]) <= set(themes)


def test_seed_run_labels_ecology_and_digital_economy_paragraphs(seeds_run):
    units = seeds_run.units
    press = units[units["doc_id"] == "003_627586bead8599d4"]
    # The ecology bureau chief's answer (阎忠宁) and the green-development section of the press conference.
    ecology = press[
        press["text"].str.contains(
            "生态环境持续改善|污染防治攻坚战|环境污染治理水平|绿色低碳发展|打造世界滨水生态名城。打造长江大保护"
        )
    ]
    assert len(ecology) >= 4
    assert (ecology["dominant_theme"] == "ecology").all(), ecology[["unit_id", "dominant_theme"]]
    digital = units[units["text"].str.startswith("大力发展数字经济。")]
    assert len(digital) == 1 and digital["doc_id"].item() == "002_2c7342bd1836c4df"
    assert digital["dominant_theme"].item() == "digital_economy"


def test_no_theme_in_a_unit_without_its_keywords_and_the_checks_of_each_theme(seeds_run):
    """docs/methods.md's promise on the real seed run (keyatm, absent_prior = 0): a theme's share is exactly 0 in every
    modelled unit that holds none of its keywords; themes.csv says for each theme whether the split-half check
    passed and ends with the row of `other`; report.html's methods paragraph names the validated themes."""
    from toolkit.analysis.lexicon import keyword_counts

    prepared, lexicon = seeds_run.prepared, seeds_run.prepared.lexicon
    counts = keyword_counts(prepared.tokens, lexicon)
    units = seeds_run.units
    modelled = units["in_model"].to_numpy()
    for i, theme in enumerate(lexicon.names):
        without = modelled & (counts[:, i] == 0)
        shares = units.loc[without, theme]
        # a theme measured nowhere (no keyword of it in the corpus) is empty, not zero, in every unit
        assert (shares == 0).all() or (counts[:, i].sum() == 0 and units.loc[modelled, theme].isna().all()), theme
    themes = seeds_run.themes
    assert themes["theme"].tolist() == [*lexicon.names, "other"]
    assert {"r_split", "r_split_low", "largest_shift", "shift_word", "top_keyword"} <= set(themes.columns)
    validated = themes.loc[themes["validated"] & (themes["theme"] != "other"), "theme"].tolist()
    report = (seeds_run.out_dir / "report.html").read_text(encoding="utf-8")
    assert ("Validated: " + ", ".join(validated)) in report if validated else "No theme passed every check" in report


def test_yearly_table_has_gaps_not_zeros(seeds_run):
    table = seeds_run.theme_by_year
    assert table["year"].min() == 2015 and table["year"].max() == 2022
    assert table[table["year"] == 2017]["share"].isna().all()
    assert (table[table["year"] == 2017]["n_units"] == 0).all()
    shares_2021 = table[table["year"] == 2021].set_index("theme")["share"]
    assert shares_2021.sum() == pytest.approx(1.0)
    assert shares_2021["ecology"] > 0.1  # the 2021 press conference spends much of its time on ecology


def test_the_yearly_tables_span_the_years_of_the_data_within_a_wider_window(tmp_path):
    """corpus.year_min = 1 and year_max = 9999 wrote every year of the window: 180,000 rows of theme_by_year.csv
    for one year of data (a hostile pass). The tables span the data's years within the window, their gaps kept."""
    wide = toolkit.run(Config.load(SEEDS_CONFIG, [*NO_FIGURES, "corpus.year_min=1", "corpus.year_max=9999"]), tmp_path / "w")
    for table in (wide.theme_by_year, pd.read_csv(wide.out_dir / "keyword_by_year.csv")):
        assert (table["year"].min(), table["year"].max()) == (2015, 2022)
        assert table["year"].nunique() == 8  # 2016-2018 kept, as gaps
    assert wide.theme_by_year.loc[wide.theme_by_year["year"] == 2017, "share"].isna().all()


def test_same_config_and_seed_give_identical_bytes(seeds_run, tmp_path):
    """Also with the figures and the pyLDAvis page drawn in this process rather than in worker processes."""
    again = toolkit.run(Config.load(SEEDS_CONFIG, ["figures.workers=1"]), tmp_path / "again")
    first = json.loads((seeds_run.out_dir / "manifest.json").read_text())["outputs_sha256"]
    second = json.loads((again.out_dir / "manifest.json").read_text())["outputs_sha256"]
    assert first.pop("config.toml") != second.pop("config.toml")  # it records figures.workers
    assert first == second
    drawn = {f"figures/{p.name}" for p in (again.out_dir / "figures").iterdir()}
    assert len(drawn) >= 12 and drawn | {"ldavis.html"} <= set(first)  # every figure and the page compared
    assert again.manifest["cache"] == {"prepared": "hit"}  # read back whole, nothing normalised or segmented


def test_committed_figures_are_what_this_code_draws(seeds_run):
    """A staleness check (run `make figures` after changing anything that draws), not a correctness check; the
    determinism check is test_same_config_and_seed_give_identical_bytes."""
    figures = sorted((seeds_run.out_dir / "figures").iterdir())
    committed = {p.name for p in (ROOT / "figures" / "seeds").iterdir() if p.suffix in (".png", ".svg")}
    assert {p.name for p in figures} == committed - {"sweep.png"}, "figures/seeds is stale: run `make figures`"
    for figure in figures:
        committed = ROOT / "figures" / "seeds" / figure.name
        assert committed.read_bytes() == figure.read_bytes(), f"{committed} is stale: run `make figures`"


def test_a_theme_not_measured_is_empty_in_units_and_themes_csv(seeds_run):
    """From a reviewer's read of a run: diplomacy_unification (no keyword of it in the seeds' vocabulary) was
    empty in theme_by_year.csv but 0 in all 148 rows of units.csv and 0.000 in themes.csv, read as a measured
    zero; units.csv read back by theme_by_year still gives every measured theme's yearly share."""
    from toolkit.analysis.trends import theme_by_year

    units = pd.read_csv(seeds_run.out_dir / "units.csv")
    modelled = units[units["in_model"]]
    assert modelled["diplomacy_unification"].isna().all()
    # and the run's result as a notebook reads it (an adversarial review: zeros there, empty in the file)
    assert seeds_run.units.loc[seeds_run.units["in_model"], "diplomacy_unification"].isna().all()
    assert modelled["ecology"].notna().all() and modelled["other"].notna().all()
    themes = pd.read_csv(seeds_run.out_dir / "themes.csv").set_index("theme")
    assert np.isnan(themes.loc["diplomacy_unification", "share"]) and themes.loc["ecology", "share"] > 0
    names = [*seeds_run.prepared.lexicon.names, "other"]
    again = theme_by_year(units, names).set_index(["year", "theme"])["share"]
    run = seeds_run.theme_by_year.set_index(["year", "theme"])["share"]
    assert again.xs("diplomacy_unification", level="theme").isna().all()
    measured = again.drop("diplomacy_unification", level="theme")
    assert np.allclose(measured, run.drop("diplomacy_unification", level="theme"), atol=1e-5, equal_nan=True)


def test_uncertainty_keyword_baseline_and_change(seeds_run):
    yearly = seeds_run.theme_by_year
    absent = yearly["interval_basis"].astype(str).str.startswith("not measured in this corpus")
    with_data = yearly[(yearly["n_units"] > 0) & ~absent]
    assert (with_data["share_low"] <= with_data["share"] + 1e-12).all()
    assert (with_data["share"] <= with_data["share_high"] + 1e-12).all()
    assert yearly[yearly["n_units"] == 0][["share", "share_low", "share_high"]].isna().all().all()
    # a theme not measured in this corpus (diplomacy: no keyword of it in the seeds' vocabulary) has empty cells,
    # not a measured zero with an interval of 0-0 (hostile pass of the outputs)
    assert set(yearly.loc[absent, "theme"]) == {"diplomacy_unification"}
    assert yearly.loc[absent, ["share", "share_low", "share_high", "share_sd"]].isna().all().all()
    keywords = pd.read_csv(seeds_run.out_dir / "keyword_by_year.csv")
    assert keywords.set_index(["year", "theme"]).loc[(2021, "ecology"), "per_10k"] > 100
    agreement = pd.read_csv(seeds_run.out_dir / "model_vs_keywords.csv").set_index("theme")
    assert agreement.loc["ecology", "pearson_r"] > 0.5  # model and keywords agree on ecology
    change = pd.read_csv(seeds_run.out_dir / "change.csv").set_index("theme")
    assert (change["from"] == 2015).all() and (change["to"] == 2022).all()
    assert change.loc["ecology", "change"] > 0
    change = change[~change["note"].fillna("").str.startswith("not measured")]
    assert (change["change_low"] <= change["change"]).all() and (change["change"] <= change["change_high"]).all()
    named = change.index != "other"
    assert change["clear"].tolist() == (named & ((change["simultaneous_low"] > 0) | (change["simultaneous_high"] < 0))).tolist()


def test_failed_run_keeps_the_previous_output(seeds_run, tmp_path):
    out = tmp_path / "kept"
    shutil.copytree(seeds_run.out_dir, out)
    before = {p.name: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    config = Config.load(SEEDS_CONFIG, ["model.n_topics=999"])
    with pytest.raises(ToolkitError, match="cannot fit 999 topics to 144 units"):
        toolkit.run(config, out)
    assert {p.name: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [".kept.lock", "kept"]


def test_input_folder_is_never_written_and_a_document_left_without_text_is_listed_as_skipped(small_corpus, tmp_path):
    """One run of a read-only corpus folder that holds two documents more: one scraped without line breaks,
    one of comments only (all boilerplate). No figure files (the run writes its tables, report and manifest;
    nothing it writes goes anywhere but its output folder, figures included: test_safety, test_atomic)."""
    import os
    import stat

    from .conftest import add_document, write_config

    raw = (SEEDS / "003_627586bead8599d4.txt").read_text(encoding="utf-8")
    add_document(small_corpus, "one_line.txt", "".join(raw.splitlines()), title="一行", date="2021-07-27")  # scraped, no breaks
    add_document(small_corpus, "comments.txt", "\n".join(raw.splitlines()[-6:]), title="评论区", date="2021-07-26")
    config = write_config(
        tmp_path / "c.toml",
        small_corpus,
        small_corpus / "metadata.csv",
        model={"kind": "nmf", "n_topics": 5},
        figures={"ldavis": False, "dpi": 30, "formats": []},
        trends={"bootstrap": 0},
    )
    paths = [small_corpus, *small_corpus.rglob("*")]
    for path in paths:  # read-only, as a shared data folder would be
        path.chmod(path.stat().st_mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
    snapshot = {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in small_corpus.rglob("*")}
    listing = sorted(os.listdir(small_corpus))
    try:
        toolkit.run(config, tmp_path / "out")
        # root ignores permissions, so compare too: nothing in the folder was added or touched
        assert sorted(os.listdir(small_corpus)) == listing
        assert {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in small_corpus.rglob("*")} == snapshot
    finally:
        for path in paths:
            path.chmod(path.stat().st_mode | stat.S_IWUSR)
    docs = pd.read_csv(tmp_path / "out" / "documents.csv", dtype=str, keep_default_na=False).set_index("doc_id")
    assert docs.loc["one_line", "status"] == "used" and int(docs.loc["one_line", "n_units"]) >= 15
    assert docs.loc["comments", "status"] == "skipped" and docs.loc["comments", "n_units"] == ""
    assert docs.loc["comments", "reason"].startswith("no text left after normalisation: ")
    assert docs.loc["comments", "reason"].endswith(" characters removed as boilerplate")


def test_seeded_lda_runs_and_reports_seed_words(tmp_path):
    config = Config.load(
        SEEDS_CONFIG, ["model.kind=lda", "model.lda.seeded=true", "model.n_topics=18", "model.lda.passes=5", *NO_FIGURES]
    )
    result = toolkit.run(config, tmp_path / "seeded")
    coverage = pd.read_csv(tmp_path / "seeded" / "coverage.csv")
    assert {"theme", "word", "in_vocabulary", "count", "n_units"} <= set(coverage.columns)
    assert coverage.set_index("word").loc["数字经济", "count"] >= 5
    assert len(result.topics) == 18
    assert result.topics.loc[1, "theme"] == "digital_economy" and result.topics.loc[1, "labelled_by"] == "keywords"
    # its themes are measured, but the split-half check cannot be run without folding text in: none is validated,
    # and the reason says so (it said "fewer than two of its keywords occur" of ecology's 33; a docs review)
    measured = result.themes[(result.themes["theme"] != "other") & (result.themes["topic"] > 0)]
    assert len(measured) > 10 and not measured["validated"].any()
    assert measured["why"].str.contains("split-half check, which a keyword count cannot pass, needs the keyword").all()
    assert not measured["why"].str.contains("fewer than two of its keywords occur").any()
    # a theme without a keyword in the vocabulary seeds nothing: no topic of its own, no share (diplomacy had topic
    # 15, share 0.077 and a rising trend; a review of the exploratory models)
    diplomacy = result.themes.set_index("theme").loc["diplomacy_unification"]
    assert diplomacy["keywords_in_vocabulary"] == 0 and diplomacy["topic"] == 0 and not diplomacy["share"] > 0
    assert "diplomacy_unification" not in set(result.topics["theme"])
    # report.html says what was fitted and what was not checked: the seeding, no split-half check
    report = (tmp_path / "seeded" / "report.html").read_text(encoding="utf-8")
    assert "seeded through its prior with the theme&#x27;s keywords" in report
    assert "a split-half check that a keyword count does not pass" not in report
    assert "needs the keyword-assisted model (keyatm) and was not run for this model: no theme is validated" in report
    assert "the sum of its topic proportions" in report and "the share of its tokens assigned" not in report
    # its validity figure says the split-half check is not this model's, not that the years or documents were few
    figure = toolkit.plot_theme_validity(result.themes, result.prepared.lexicon, language="en", title="seeds")
    texts = " ".join(t.get_text() for t in figure.findobj(lambda a: hasattr(a, "get_text")))
    assert "split half" not in texts
    bars = [t.get_text() for t in figure.legends[0].get_texts()] if figure.legends else []
    assert bars and not any("split half" in bar for bar in bars), bars
    # and the figure's caption in report.html does not describe the check either (a review of the diff)
    from toolkit.analysis.diagnostics import split_half_run
    from toolkit.output.report import caption

    assert not split_half_run(result.themes)
    assert "no split-half check" in caption("theme_validity", split_half=False) and "half of its keywords" not in caption(
        "theme_validity", split_half=False
    )
    assert "half of its keywords" in caption("theme_validity")
    # and every figure of the run names the model
    assert toolkit.pipeline.figure_title(config, result.fitted.model) == "seeds · LDA(种子词)"
    english = config.with_values(**{"figures.language": "en"})
    assert toolkit.pipeline.figure_title(english, result.fitted.model) == "seeds · LDA (seeded)"
    assert toolkit.pipeline.figure_title(Config.load(SEEDS_CONFIG), result.fitted.model) == "seeds"  # keyatm: the corpus


def test_an_nmf_runs_report_says_what_its_shares_and_its_other_are(tmp_path):
    """An NMF run's methods paragraph called a paragraph's theme share "the share of its tokens assigned to" the
    theme's topics (it is NMF's weight on them, normalised), described a split-half check it never ran, and its
    'other' warning sent the reader to "free topics" NMF does not have (a review of the exploratory models)."""
    config = Config.load(SEEDS_CONFIG, ["model.kind=nmf", "figures.formats=[]", "figures.ldavis=false", "trends.bootstrap=0"])
    result = toolkit.run(config, tmp_path / "nmf")
    report = (tmp_path / "nmf" / "report.html").read_text(encoding="utf-8")
    assert "normalised to sum to one over the topics: a share of weight, not of tokens" in report
    assert "the share of its tokens assigned" not in report and "a split-half check that a keyword count" not in report
    other = [w for w in result.manifest["warnings"] if w.startswith("'other'")]  # as the run's shares fall
    assert all("read its topics that no theme's words label" in w and "free topics" not in w for w in other)
    # the warning's words for an exploratory model whatever the shares: tests/test_lexicon_evidence.py


def test_damaged_cache_is_reported_and_rebuilt(fast_seeds_run, tmp_path, monkeypatch, caplog):
    cache = tmp_path / "cache"
    shutil.copytree(fast_seeds_run.out_dir.parent / "cache", cache)  # the cache that run filled from nothing
    monkeypatch.setenv("TOOLKIT_CACHE_DIR", str(cache))
    config = Config.load(SEEDS_CONFIG, NO_FIGURES)  # as that run's: no figures, drawn from the tables compared
    first = fast_seeds_run
    assert first.manifest["cache"] == {"prepared": "miss", "hits": 0, "misses": 5, "damaged": 0}
    # a damaged prepared corpus: noticed by its checksums, prepared again from the per-document token cache
    ids = next((cache / "prepared").glob("*/tokens/ids.npy"))
    ids.write_bytes(ids.read_bytes()[:-40])  # cut short, as a full disk or a crash would
    with caplog.at_level("WARNING", logger="toolkit"):
        second = toolkit.run(config, tmp_path / "b")
    assert second.manifest["cache"] == {"prepared": "damaged", "hits": 5, "misses": 0, "damaged": 0}
    assert "rebuilt a damaged prepared corpus" in caplog.text and "ids.npy does not match its checksum" in caplog.text
    assert second.manifest["outputs_sha256"] == first.manifest["outputs_sha256"]
    # a damaged per-document entry (with the prepared corpus gone): that document is segmented again
    shutil.rmtree(cache / "prepared")
    entry = sorted((cache / "tokens").rglob("*.txt"))[0]
    entry.write_bytes(entry.read_bytes()[:-40])
    with caplog.at_level("WARNING", logger="toolkit"):
        third = toolkit.run(config, tmp_path / "c")
    assert third.manifest["cache"] == {"prepared": "miss", "hits": 4, "misses": 1, "damaged": 1}
    assert "rebuilt 1 damaged cache entries" in caplog.text
    assert third.manifest["outputs_sha256"] == first.manifest["outputs_sha256"]
    # the rebuilt prepared corpus is read back whole (manifest["cache"] is what prepare reports)
    assert toolkit.prepare(config).cache_stats == {"prepared": "hit"}


def test_changed_dictionary_never_reuses_the_cache(tmp_path, monkeypatch):
    """The cache is read and written by prepare (a run's manifest["cache"] is its cache_stats): no model or
    figures needed to ask it."""
    monkeypatch.setenv("TOOLKIT_CACHE_DIR", str(tmp_path / "cache"))
    assert toolkit.prepare(Config.load(SEEDS_CONFIG, FAST)).cache_stats["prepared"] == "miss"
    assert toolkit.prepare(Config.load(SEEDS_CONFIG, FAST)).cache_stats == {"prepared": "hit"}  # stored
    words = tmp_path / "words.txt"
    words.write_text("热带雨林式\n", encoding="utf-8")
    config = Config.load(SEEDS_CONFIG, [*FAST, f'segment.extra_dictionaries=["{words}"]'])
    prepared = toolkit.prepare(config)
    assert prepared.cache_stats["prepared"] == "miss" and prepared.cache_stats["misses"] == 5
    assert any("热带雨林式" in tokens for tokens in prepared.tokens)


def test_preprocessing_options_work_end_to_end(tmp_path):
    config = Config.load(
        SEEDS_CONFIG,
        [
            'segment.pos=["n", "v"]',
            "vocab.phrases=true",
            "vocab.phrase_min_count=3",
            "vocab.phrase_threshold=5",
            'segment.backend="jieba"',
            "model.n_topics=8",
            "model.kind=nmf",
            *NO_FIGURES,
        ],
    )
    result = toolkit.run(config, tmp_path / "options")
    tokens = {t for unit in result.prepared.tokens for t in unit}
    assert any("_" in t for t in tokens)  # phrases were joined
    assert not {"我们", "的", "推进"} & tokens
    quality = pd.read_csv(tmp_path / "options" / "quality.csv")
    assert {"repaired_mojibake", "removed_pinyin", "non_cjk_share", "flag"} <= set(quality.columns)
    assert quality.set_index("doc_id").loc["004_1467077b33d2f3ae", "removed_pinyin"] > 2500
    candidates = pd.read_csv(tmp_path / "options" / "candidate_terms.csv")
    assert {"term", "parts", "count", "pmi"} <= set(candidates.columns)


def test_unusable_cache_folder_costs_time_not_the_run(fast_seeds_run, tmp_path, caplog):
    working = fast_seeds_run  # the same config, with a working cache
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be", encoding="utf-8")
    config = Config.load(SEEDS_CONFIG, [*NO_FIGURES, f'cache.dir="{blocker / "cache"}"'])
    with caplog.at_level("WARNING", logger="toolkit"):
        result = toolkit.run(config, tmp_path / "out")
    assert "cannot write the token cache" in caplog.text and "cannot store the prepared corpus" in caplog.text
    assert result.manifest["cache"]["prepared"] == "miss" and result.manifest["cache"]["misses"] == 5
    ours = {k: v for k, v in result.manifest["outputs_sha256"].items() if k != "config.toml"}
    reference = {k: v for k, v in working.manifest["outputs_sha256"].items() if k != "config.toml"}
    assert ours == reference  # the same results as a run with a working cache


def test_excel_bom_starts_every_csv_with_a_byte_order_mark_and_changes_nothing_else(fast_seeds_run, tmp_path):
    """output.excel_bom (docs/outputs.md): every CSV of the run starts with UTF-8's byte-order mark, so that Excel
    reads it as UTF-8; after the mark, each is the file a run without it writes."""
    import codecs

    config = Config.load(SEEDS_CONFIG, [*NO_FIGURES, "output.excel_bom=true"])
    out = toolkit.run(config, tmp_path / "out").out_dir
    plain = fast_seeds_run.out_dir
    written = sorted(p.name for p in out.glob("*.csv"))
    assert written == sorted(p.name for p in plain.glob("*.csv")) and "units.csv" in written
    for name in written:
        data = (out / name).read_bytes()
        assert data.startswith(codecs.BOM_UTF8) and data[len(codecs.BOM_UTF8) :] == (plain / name).read_bytes(), name


def test_a_theme_without_a_keyword_in_the_vocabulary_is_said_unmeasured_and_left_out_of_the_comparisons(seeds_run):
    """No seed document holds a diplomacy keyword: its topic is free and the theme has no share anywhere. The methods
    paragraph said "17 of them seeded" and the simultaneous intervals of change.csv counted it among the themes
    compared (Bonferroni over 17 named themes); it is now named as not measured, and the family is the 16 measured."""
    from statistics import NormalDist

    from scipy.stats import t as student

    out = seeds_run.out_dir
    themes = pd.read_csv(out / "themes.csv")
    named = themes[themes["theme"] != "other"]
    unmeasured = named.loc[named["share"].isna(), "theme"].tolist()  # empty, not a measured zero
    assert unmeasured == ["diplomacy_unification"]
    assert named.set_index("theme").loc["diplomacy_unification", "keywords_in_vocabulary"] == 0
    measured = len(named) - len(unmeasured)
    change = pd.read_csv(out / "change.csv")
    assert change.set_index("theme").loc["diplomacy_unification", "note"].startswith("not measured in this corpus")
    change = change[(change["theme"] != "other") & (change["change_high"] > change["change"])]
    ratio = (change["simultaneous_high"] - change["change"]) / (change["change_high"] - change["change"])
    level = seeds_run.manifest["config"]["trends"]["level"]
    (df,) = set(change["df"])  # the t of the comparison's degrees of freedom, at each level (0: a normal)
    quantile = (lambda q: student.ppf(q, df)) if df > 0 else NormalDist().inv_cdf
    expected = quantile(1 - (1 - level) / (2 * measured)) / quantile(1 - (1 - level) / 2)
    assert np.allclose(ratio, expected, rtol=1e-4)  # the CSV holds rounded numbers
    methods = (out / "report.html").read_text(encoding="utf-8")
    assert f"{measured} of them seeded with the keywords of a theme" in methods
    assert "The theme diplomacy_unification has no share in any of the paragraphs" in methods
    assert f"simultaneous 95% interval over the {measured} named themes" in methods
    # the caveat of few documents goes with a theme that passed; with none, that none passed (the seeds' four words
    # of the dictionary moved every theme below a check: the run's numbers, not this test, decide which)
    if seeds_run.themes["validated"].astype(bool).any():
        assert "These checks rest on 5 documents: with fewer than 10, passing them is weak evidence" in methods
    else:
        assert f"No theme passed every check ({len(named)} themes): no share is a validated measurement" in methods


def test_report_embeds_svg_figures_when_the_run_wrote_no_png(seeds_run, tmp_path):
    """figures.formats = ["svg"]: report.html held no figure at all and did not say so."""
    from toolkit.output import plots
    from toolkit.output.report import write_report

    folder = tmp_path / "run"
    shutil.copytree(seeds_run.out_dir, folder)
    for png in (folder / "figures").glob("*.png"):
        png.unlink()
    fig = plots.plot_theme_shares(seeds_run.theme_by_year, seeds_run.prepared.lexicon)
    plots.save_figure(fig, folder / "figures" / "theme_shares.svg")
    config = Config.from_dict(seeds_run.manifest["config"]).with_overrides(['figures.formats=["svg"]'])
    write_report(folder, config, seeds_run.manifest)
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert html.count("<img") == 1 and 'src="data:image/svg+xml;base64,' in html


def test_report_shares_by_year_have_a_row_per_year_with_data_and_other_last(seeds_run, tmp_path):
    """The table had an empty first column headed "theme", the themes in alphabetical order with other among them,
    and a row for every year without data (65 empty rows for a century's corpus)."""
    import re
    import shutil

    from toolkit.output.report import write_report

    folder = tmp_path / "run"
    shutil.copytree(seeds_run.out_dir, folder)
    write_report(folder, Config.from_dict(seeds_run.manifest["config"]), seeds_run.manifest)
    html = (folder / "report.html").read_text(encoding="utf-8")
    table = html.split("<h2>Theme share by year</h2>", 1)[1].split("</table>", 1)[0]
    header = re.findall(r"<th>([^<]*)</th>", table.split("</thead>")[0])
    assert header[:2] == ["year", "innovation"] and header[-1] == "other" and "theme" not in header
    years = re.findall(r"<tr>\s*<td>(\d{4})</td>", table)
    assert years == ["2015", "2019", "2020", "2021", "2022"]  # the seed documents' years, not 2016-2018


def test_themes_csv_writes_its_counts_as_whole_numbers(seeds_run):
    """The `other` row has no keywords or split-half checks: its empty cells turned the themes' counts into floats,
    written as 45.000000 (hostile pass). They are whole numbers, `other`'s cells empty."""
    import csv

    with open(seeds_run.out_dir / "themes.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for column in ("keywords_listed", "keywords_in_vocabulary", "n_documents", "n_years", "keywords_split", "split_checks"):
        values = [row[column] for row in rows if row["theme"] != "other"]
        assert values and all(value.isdigit() for value in values), (column, values[:3])
    other = next(row for row in rows if row["theme"] == "other")
    assert other["keywords_listed"] == "" and other["n_years"].isdigit()
    assert seeds_run.themes["keywords_listed"].iloc[0] == int(rows[0]["keywords_listed"])


def test_a_run_needs_no_network_and_its_saved_config_repeats_it_from_any_folder(tmp_path, monkeypatch, fast_seeds_run):
    """README: "nothing is downloaded at run time" and "a run's saved config repeats it, from any folder". A run
    (with its pyLDAvis page and report.html, which carry their JavaScript and font) with every network connection
    refused in this process, then the run of its saved config.toml from another working folder: every output the
    same bytes (but config.toml, whose paths are written relative to its folder). Without the page
    (`figures.ldavis = false`) no ldavis.html is written."""
    import socket

    from .conftest import NO_FIGURES, SEEDS_CONFIG

    def refused(*args, **kwargs):
        raise OSError("the test refuses every network connection")

    monkeypatch.setenv("TOOLKIT_CACHE_DIR", str(tmp_path / "cache"))
    for name in ("connect", "connect_ex"):
        monkeypatch.setattr(socket.socket, name, refused)
    monkeypatch.setattr(socket, "create_connection", refused)
    monkeypatch.setattr(socket, "getaddrinfo", refused)
    first = toolkit.run(Config.load(SEEDS_CONFIG, [*NO_FIGURES, "figures.ldavis=true"]), tmp_path / "first")
    assert (tmp_path / "first" / "ldavis.html").is_file() and (tmp_path / "first" / "report.html").is_file()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    again = toolkit.run(tmp_path / "first" / "config.toml", tmp_path / "again")
    hashes = [{k: v for k, v in r.manifest["outputs_sha256"].items() if k != "config.toml"} for r in (first, again)]
    assert hashes[0] == hashes[1] and "ldavis.html" in hashes[0] and "units.csv" in hashes[0]
    no_page = fast_seeds_run.out_dir  # figures.ldavis = false
    assert not (no_page / "ldavis.html").exists() and (no_page / "report.html").is_file()
