"""The State Council work reports, end to end with the shipped config (slow: about half a minute)."""

import numpy as np
import pandas as pd
import pytest

from .conftest import ROOT


@pytest.fixture(scope="module")
def gwr(gwr_run):
    return gwr_run  # the session's run with the shipped config (conftest.py): these tests only read it


@pytest.mark.slow
def test_state_council_run_covers_2000_to_2022(gwr):
    docs = pd.read_csv(gwr.out_dir / "documents.csv")
    assert len(docs) == 53
    assert sorted(docs.loc[docs["status"] == "used", "year"]) == list(range(2000, 2023))
    table = gwr.theme_by_year
    for year in range(2000, 2023):
        shares = table[table["year"] == year].set_index("theme")["share"]
        assert shares.sum() == pytest.approx(1.0), year


@pytest.mark.slow
def test_every_theme_owns_its_keyword_topic(gwr):
    topics = gwr.topics.set_index("topic")
    lexicon = gwr.prepared.lexicon
    anchored = topics[topics["labelled_by"] == "keywords"]
    assert anchored["theme"].tolist() == lexicon.names  # one topic per theme, in lexicon order, never relabelled
    words = dict(zip(anchored["theme"], anchored["top_words"]))
    for theme in lexicon.themes:  # each topic's leading words include its own keywords
        assert set(words[theme.name][:10]) & set(theme.words), theme.name


@pytest.mark.slow
def test_shares_follow_the_keywords_of_their_theme(gwr):
    """Properties of a valid measurement, not today's numbers: a theme's yearly share goes with its own keyword
    rate, and with no other theme's as closely (discriminant validity)."""
    yearly = gwr.theme_by_year.pivot(index="year", columns="theme", values="share")
    rates = gwr.trends.keywords.pivot(index="year", columns="theme", values="per_10k")
    for theme in ("innovation", "digital_economy", "ecology", "agriculture_rural", "livelihood"):
        own = np.corrcoef(yearly[theme], rates[theme])[0, 1]
        assert own > 0.5, (theme, own)
        others = [np.corrcoef(yearly[theme], rates[t])[0, 1] for t in rates.columns if t != theme]
        assert own > max(others) - 0.1, theme


@pytest.mark.slow
def test_the_ensemble_agrees_with_itself_and_the_change_table_is_consistent(gwr):
    spread = gwr.theme_by_year.dropna(subset=["share"])
    assert (spread["seed_min"] <= spread["share"] + 1e-9).all() and (spread["share"] <= spread["seed_max"] + 1e-9).all()
    measured = gwr.themes[gwr.themes["theme"] != "other"]  # the last row, on `other`, is no measured theme
    assert len(measured) == len(gwr.prepared.lexicon.themes) and (measured["member_r"] > 0.8).all()  # three seeds
    change = gwr.trends.change
    assert (change["from"] == 2014).all() and (change["to"] == 2021).all()
    named = change["theme"] != "other"
    assert change["clear"].tolist() == (named & ((change["simultaneous_low"] > 0) | (change["simultaneous_high"] < 0))).tolist()
    assert (change["note"].str.startswith("rests on single documents")).all()  # one report a year


@pytest.mark.slow
def test_committed_figures_are_what_this_code_draws(gwr):
    """A staleness check (run `make figures` after changing anything that draws), not a correctness check."""
    drawn = sorted((gwr.out_dir / "figures").iterdir())  # PNG and SVG
    committed = {p.name for p in (ROOT / "figures" / "gwr_national").iterdir()} - {"sweep.png", "recommendation.md"}
    assert {p.name for p in drawn} == committed, "figures/gwr_national is stale: run `make figures`"
    for figure in drawn:
        assert (ROOT / "figures" / "gwr_national" / figure.name).read_bytes() == figure.read_bytes(), figure.name


@pytest.mark.slow
def test_a_theme_of_two_subjects_is_said_to_be_a_composite(gwr):
    """diplomacy_unification joins foreign policy (外交, 多边) and the cross-strait and Hong Kong-Macau subjects (两岸,
    香港), which the reports treat in separate paragraphs: a composite by design, which the split-half check passes
    (each of its halves holds both); themes.csv now says so, and a warning names it."""
    themes = gwr.themes[gwr.themes["theme"] != "other"].set_index("theme")
    composite = themes["composite"].astype(bool)
    assert (composite == ((themes["subjects_rho_high"] < 0.5) & (themes["subjects_shared_documents"] >= 0.5))).all()
    row = themes.loc["diplomacy_unification"]
    assert row["composite"] and {"外交", "两岸"} <= set(f"{row['subject_a']} {row['subject_b']}".split())
    assert "两岸" not in row["subject_a"].split() or "外交" not in row["subject_a"].split()  # in different groups
    (said,) = [w for w in gwr.manifest["warnings"] if w.startswith(f"{composite.sum()} theme(s) have keywords in two groups")]
    # every composite named, the clearest first (the warning named five, then "...": the two clearest were cut)
    assert all(theme in said for theme in themes.index[composite])
    clearest = themes[composite]["subjects_rho_high"].idxmin()
    assert said.index(clearest) < min(said.index(t) for t in themes.index[composite] if t != clearest)
    assert "<th>composite</th>" in (gwr.out_dir / "report.html").read_text(encoding="utf-8")  # in report.html's table


@pytest.mark.slow
def test_nmf_gives_the_same_topics_on_one_blas_thread_and_on_two(gwr):
    """The same config and seed give the same bytes for any number of threads: NMF iterates on BLAS sums, which a
    BLAS of two threads splits in another order than one, and its topics on the State Council reports differed in
    their last bits with the thread count (tied rows of lexicon_sensitivity.csv swapped with them)."""
    from threadpoolctl import threadpool_limits

    from toolkit import Config
    from toolkit.models import fit_ensemble
    from toolkit.pipeline import count_units

    config = Config.load(ROOT / "configs" / "gwr_national.toml", ['model.kind="nmf"', "model.n_topics=12", "model.ensemble=1"])
    _, counts, _ = count_units(gwr.prepared, config)
    fitted = []
    for threads in (2, 1):
        with threadpool_limits(threads):
            models, shares = fit_ensemble(config["model"], counts)
        fitted.append((models[0].components_, shares[0]))
    assert np.array_equal(fitted[0][0], fitted[1][0]) and np.array_equal(fitted[0][1], fitted[1][1])
