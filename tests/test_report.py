"""report.html: the methods paragraph states the corpus's shape and the configured interval level; p-values
print as a paper prints them."""

import html
import re

import numpy as np
import pandas as pd

from toolkit.config import Config
from toolkit.output.report import corpus_shape, write_report

from .conftest import ROOT


def _documents(years, **columns):
    return pd.DataFrame({"doc_id": [f"d{i}" for i in range(len(years))], "year": years, "status": "used", **columns})


def test_corpus_shape_names_years_single_documents_periods_and_groups():
    one_year = _documents([2024] * 140, level=["省级"] * 100 + ["市级"] * 30 + ["县级"] * 10)
    assert corpus_shape(one_year, "level") == (
        "The corpus holds 140 documents in one year (2024); in 3 groups of level (省级 100, 市级 30, 县级 10)."
    )
    sparse = _documents([1921, 1935, 1949, 1978, 1978, 1992, 2002, 2012, 2017, 2022, 2022, 2022, 1956, 1969, 1982])
    assert corpus_shape(sparse) == (
        "The corpus holds 15 documents over 1921-2022 in 12 years (at most 3 a year), 10 years with one document."
    )
    reports = _documents(list(range(2001, 2023)))
    assert corpus_shape(reports, periods={"十五": [2001, 2005], "十四五": [2021, 2025]}) == (
        "The corpus holds 22 documents over 2001-2022, one in each of 22 years; documents per period: 十五 5, "
        "十四五 2 (2 of its 5 years); 15 in no named period (2006, 2007, 2008, 2009, 2010, 2011, …)."
    )
    # a period the corpus misses has no documents and no years of them: "九五 0", not "(0 of its 5 years)" (a
    # mutation audit)
    missed = corpus_shape(reports, periods={"九五": [1996, 2000], "十五": [2001, 2005]})
    assert "documents per period: 九五 0, 十五 5; 17 in no named period" in missed
    skipped = pd.concat([reports, _documents([1990]).assign(status="skipped")])
    assert corpus_shape(skipped).startswith("The corpus holds 22 documents over 2001-2022")
    # documents without a group are the tables' group (missing): "6 documents ... (武汉市 4, 安庆市 1)" left it out
    places = _documents([2015, 2016, 2017, 2018, 2019, 2020], place=["武汉市"] * 4 + ["安庆市", None])
    assert corpus_shape(places, "place").endswith("in 3 groups of place (武汉市 4, 安庆市 1, (missing) 1).")
    # six groups are all named; of seven, six and an ellipsis (a mutation audit dropped it at seven)
    six = _documents([2020] * 6, place=list("ABCDEF"))
    assert corpus_shape(six, "place").endswith("in 6 groups of place (A 1, B 1, C 1, D 1, E 1, F 1).")
    seven = _documents([2020] * 8, place=list("AABCDEFG"))
    assert corpus_shape(seven, "place").endswith("in 7 groups of place (A 2, B 1, C 1, D 1, E 1, F 1, …).")


def test_report_of_a_one_year_corpus_states_its_shape_and_the_configured_level(tmp_path):
    """Issue 29: a one-year corpus read "Periods: 2024" (the spans of theme_words.csv), and captions said 95%
    whatever trends.level was; effects.csv's bound p-values printed as exact numbers."""
    config = Config.load(ROOT / "configs" / "seeds.toml", ["trends.level=0.9", "trends.by=level"])
    _documents([2024] * 140, level=["省级"] * 100 + ["市级"] * 30 + ["县级"] * 10).assign(title="t").to_csv(
        tmp_path / "documents.csv", index=False
    )
    pd.DataFrame({"theme": ["ecology", "ecology"], "period": ["2024", "2024"], "rank": [1, 2], "word": ["生态", "环境"]}).to_csv(
        tmp_path / "theme_words.csv", index=False
    )
    pd.DataFrame({"topic": [1], "theme": ["ecology"], "score": [0.5], "top_words": ["生态:0.1 环境:0.05"]}).to_csv(
        tmp_path / "topics.csv", index=False
    )
    pd.DataFrame({"year": [2024, 2024], "theme": ["ecology", "other"], "share": [0.4, 0.6]}).to_csv(
        tmp_path / "theme_by_year.csv", index=False
    )
    pd.DataFrame(
        {
            "theme": ["ecology", "ecology"],
            "term": ["Intercept", "level[T.省级]"],
            "estimate": [-1.0, 0.8],
            "p_value": [0.00017, 0.0412],
        }
    ).to_csv(tmp_path / "effects.csv", index=False)
    (tmp_path / "figures").mkdir()
    (tmp_path / "figures" / "theme_shares.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    manifest = {
        "counts": {"documents_used": 140, "documents_skipped": 0, "units": 900, "tokens": 50000, "vocabulary": 3000},
        "config": {},
        "random_state": 42,
        "versions": {},
        "timings_seconds": {},
        "cache": {},
        "warnings": ["one warning"],
    }
    page = write_report(tmp_path, config, manifest).read_text(encoding="utf-8")
    assert "The corpus holds 140 documents in one year (2024); in 3 groups of level" in page
    assert "Periods: 2024" not in page and "Named periods" not in page
    assert "Intervals (90%)" in page and "simultaneous 90% interval" in page and "with 90% intervals" in page
    assert "95%" not in page
    assert "<td>&lt;0.001</td>" in page and "<td>0.041</td>" in page
    assert "<h2>Warnings</h2>" in page
    # no replicates drawn (trends.bootstrap = 0): the caption said "with 90% intervals that count documents ..." of a
    # figure without any (hostile pass of the outputs)
    bare = Config.load(ROOT / "configs" / "seeds.toml", ["trends.level=0.9", "trends.by=level", "trends.bootstrap=0"])
    page = write_report(tmp_path, bare, manifest).read_text(encoding="utf-8")
    assert "one panel per theme (each with its own y scale), without intervals (trends.bootstrap = 0); hollow" in page
    assert "intervals that count" not in page
    # groups of numbers (city tiers 01, 02, blank) named as theme_by_group.csv names them: the page said "in 3
    # groups of tier (1.0 100, 2.0 30, (missing) 10)" (documents.csv read with numbers guessed; a hostile pass)
    tiers = Config.load(ROOT / "configs" / "seeds.toml", ["trends.by=tier"])
    _documents([2024] * 140, tier=["01"] * 100 + ["02"] * 30 + [""] * 10).assign(title="t").to_csv(
        tmp_path / "documents.csv", index=False
    )
    pd.DataFrame({"theme": ["ecology"], "from": ["01"], "to": ["02"], "change": [0.01], "p_value": [0.2]}).to_csv(
        tmp_path / "group_change.csv", index=False
    )
    page = write_report(tmp_path, tiers, manifest).read_text(encoding="utf-8")
    assert "in 3 groups of tier (01 100, 02 30, (missing) 10)" in page
    assert "01 against 02 (tier: the two groups with the most tokens" in page  # was "1 against 2" (a review)
    # and which way a change goes: "A against B" reads as A - B, and change is to - from (a hostile pass)
    assert "each change is 02's share less 01's (a positive change: larger in 02)" in page
    assert "<td>01</td>" in page
    one = {**manifest, "counts": {**manifest["counts"], "documents_used": 1}}
    assert "<p>1 document used, 0 skipped" in write_report(tmp_path, tiers, one).read_text(encoding="utf-8")  # a pass
    # the groups' and the named periods' shares as tables (a period figure beside the year table alone), in their
    # tables' order, a period without documents left out; empty correlations of one year said, not a table of blanks
    pd.DataFrame(
        {
            "tier": ["02", "02", "01", "01"],
            "theme": ["ecology", "other"] * 2,
            "share": [0.3, 0.7, 0.1, 0.9],
            "n_documents": [1, 1, 30, 30],
        }
    ).to_csv(  # fmt: skip
        tmp_path / "theme_by_group.csv", index=False
    )
    pd.DataFrame(
        {"period": ["十三五", "十三五", "十四五", "十四五"], "theme": ["ecology", "other"] * 2, "share": [None, None, 0.2, 0.8]}
    ).to_csv(tmp_path / "theme_by_period.csv", index=False)
    pd.DataFrame({"theme": ["ecology"], "pearson_r": [None], "n_years": [1]}).to_csv(
        tmp_path / "model_vs_keywords.csv", index=False
    )
    periods = tiers.with_values(**{"trends.periods": {"十三五": [2016, 2020], "十四五": [2021, 2025]}})
    page = write_report(tmp_path, periods, manifest).read_text(encoding="utf-8")
    by_group = page.split("<h2>Theme share by group</h2>")[1].split("<h2>")[0]
    assert by_group.index("<td>02</td>") < by_group.index("<td>01</td>") and "<td>0.300</td>" in by_group
    assert "<th>documents</th>" in by_group and re.search(r"<td>02</td>\s*<td>1</td>", by_group)  # each group's
    by_period = page.split("<h2>Theme share by period</h2>")[1].split("<h2>")[0]
    assert "十四五" in by_period and "十三五" not in by_period and "<td>0.200</td>" in by_period
    assert "No theme's correlation could be computed: it needs three years with documents or more, and this corpus has 1" in page
    # the folder the paths are relative to (the page's provenance gave texts "texts", config.toml "../texts": a pass)
    sourced = {**manifest, "config_source": "study/config.toml"}
    said = "The config's paths are as study/config.toml writes them, relative to its folder; config.toml beside this"
    assert said in write_report(tmp_path, periods, sourced).read_text(encoding="utf-8")


def test_the_methods_say_what_validated_means_and_when_the_two_correlations_are_one_check():
    from toolkit.output.report import methods_paragraph

    config = Config.load(ROOT / "configs" / "seeds.toml")
    manifest = {
        "counts": {"documents_used": 22, "documents_skipped": 0, "units": 900, "tokens": 50000, "vocabulary": 3000},
        "versions": {},
        "warnings": [],
    }
    themes = pd.DataFrame({"theme": ["ecology", "industry", "other"], "validated": [True, False, False]})
    reports = methods_paragraph(config, manifest, themes=themes, documents=_documents(list(range(2001, 2023))))
    assert "with one document a year the two are the same check" in reports
    # the lexicon's words are kept whatever the stopword lists and the frequency bounds say (a hostile pass of the
    # lexicon tools: the paragraph said stopwords were removed while 的, listed in a lexicon, stayed)
    assert "stopwords removed (a lexicon word is kept even when it is one)" in reports
    assert "of them and the lexicon's words, whatever their frequency (" in reports  # one parenthesis, not two in a row
    bare = methods_paragraph(config.with_values(**{"vocab.keep_lexicon": False}), manifest, themes=themes)
    assert "whatever their frequency" not in bare
    assert "Validated means passing these automatic checks" in reports and "toolkit validate export" in reports
    # what a share is not (a planted-truth review: a paragraph wholly about ecology reads about half ecology)
    assert "A share is the weight of the theme's own vocabulary, not the share of the text about the theme" in reports
    assert "read at about half the share of the paragraphs about a theme" in reports
    # measured for the keyword model with free topics only: not said of NMF, nor of a fit without a free topic
    nmf = methods_paragraph(config.with_values(**{"model.kind": "nmf"}), manifest, themes=themes)
    assert "own vocabulary" not in nmf
    no_free = methods_paragraph(config, manifest, themes=themes.assign(share=[0.6, 0.4, 0.0]))
    assert "own vocabulary" not in no_free
    assert "own vocabulary" in methods_paragraph(config, manifest, themes=themes.assign(share=[0.5, 0.3, 0.2]))
    # every rule of validation_reasons, the keyword-counting one too (a methods review: the paragraph listed three)
    assert "almost only its own keywords (90% or more of its top-20 word weight) is keyword counting" in reports
    assert "Validated: ecology. Not validated (reasons in themes.csv): industry." in reports
    several = methods_paragraph(config, manifest, themes=themes, documents=_documents([2001, 2001, 2002, 2002, 2003]))
    assert "the same check" not in several and "Validated means" in several
    one_year = methods_paragraph(config, manifest, themes=themes, documents=_documents([2024]))
    assert "the same check" not in one_year
    few_years = methods_paragraph(config, manifest, themes=themes, documents=_documents([2020, 2021, 2022]))
    assert "the same check" not in few_years  # no check across years below five years: nothing to be the same as


def _stopped(**changes) -> dict:
    return {
        "stop": "converged",
        "reason": "ceiling",
        "burn_in": 400,
        "sweeps": 500,
        "ceiling": 500,
        "rhat": 1.8119,
        "rhat_threshold": 1.05,
        "chains": 3,
        "partitions": 1,
        "checks": [[200, 2.7], [400, 1.8119]],
        **changes,
    }


def test_the_methods_say_how_long_the_sampler_ran_and_whether_its_convergence_check_was_met():
    from toolkit.output.report import sampler_sentence

    at_ceiling = sampler_sentence(_stopped())
    assert "ran to its ceiling of 400 sweeps, as the convergence check was not met" in at_ceiling
    assert "across the 3 fits was 1.81, above 1.05" in at_ceiling and "then 100 sweeps were sampled" in at_ceiling
    converged = sampler_sentence(_stopped(reason="converged", burn_in=250, sweeps=350, rhat=1.04))
    assert "ended after 250 sweeps" in converged and "1.04 (below 1.05)" in converged and "not met" not in converged
    fixed = sampler_sentence(_stopped(stop="ceiling"))
    assert 'fixed 400 sweeps of burn-in (model.keyatm.stop = "ceiling")' in fixed and "not met" not in fixed
    assert "between the two halves of the chain" in sampler_sentence(_stopped(chains=1))
    assert "no check was possible" in sampler_sentence(_stopped(rhat=None, checks=[]))
    # two fits (model.ensemble = 2) are compared with each other, not each chain's halves (a mutation audit)
    assert "across the 2 fits was 1.81" in sampler_sentence(_stopped(chains=2))
    assert sampler_sentence(None) == ""  # LDA and NMF record no stopping rule
    # a chain swept in partitions is an approximation, said (a hostile pass of the large-corpus path: the methods
    # said "fitted by collapsed Gibbs sampling" alone)
    split = sampler_sentence(_stopped(partitions=2))
    assert "in 2 partitions side by side (model.keyatm.partitions: approximate distributed Gibbs sampling" in split
    assert "partitions" not in sampler_sentence(_stopped())


def test_a_runs_report_says_how_its_sampler_stopped(seeds_run):
    from toolkit.output.report import sampler_sentence

    stopped = seeds_run.manifest["convergence"]
    page = (seeds_run.out_dir / "report.html").read_text(encoding="utf-8")
    assert sampler_sentence(stopped) and html.escape(sampler_sentence(stopped)) in page
    assert ("the convergence check was not met" in page) == (stopped["reason"] == "ceiling" and stopped["stop"] == "converged")


def test_a_fit_whose_chains_did_not_converge_is_warned(caplog):
    from toolkit.pipeline import warn_unconverged

    def warned(stop) -> list[str]:
        caplog.clear()
        with caplog.at_level("WARNING", logger="toolkit"):
            warn_unconverged(stop)
        return [r.getMessage() for r in caplog.records]

    (message,) = warned(_stopped())
    assert "did not meet the convergence check by the burn-in's ceiling of 400 sweeps" in message
    assert "split-R-hat of the topic shares 1.81, threshold 1.05" in message and "model.keyatm.iterations" in message
    assert warned(_stopped(reason="converged", burn_in=250, sweeps=350, rhat=1.04)) == []
    # a fixed count asked for: chains as far apart are warned of all the same (an R-hat of 2.0 was said nowhere but
    # in the methods: a hostile pass); one that met the threshold is not
    (message,) = warned(_stopped(stop="ceiling"))
    assert "split-R-hat of the topic shares 1.81, threshold 1.05" in message
    assert warned(_stopped(stop="ceiling", rhat=1.01)) == []
    assert warned(None) == []
    # a burn-in too short for any check (iterations 100, 20 samples 5 apart: none) said nothing, while a longer one
    # that failed the check was warned about (hostile pass of the outputs)
    (message,) = warned(_stopped(rhat=None, checks=[], burn_in=0))
    assert "not checked for convergence: a burn-in of 0 sweeps" in message and "model.keyatm.iterations" in message


def test_a_runs_warnings_say_when_its_chains_did_not_converge(seeds_run):
    stopped = seeds_run.manifest["convergence"]
    unmet = stopped["reason"] == "ceiling" and stopped["rhat"] >= stopped["rhat_threshold"]
    warned = [w for w in seeds_run.manifest["warnings"] if "did not meet the convergence check" in w]
    assert len(warned) == unmet and (not unmet or f"{stopped['rhat']:.2f}" in warned[0])
    page = (seeds_run.out_dir / "report.html").read_text(encoding="utf-8")
    assert ("did not meet the convergence check" in page) == unmet


def test_the_methods_say_when_the_models_were_fitted_on_a_sample(tmp_path, monkeypatch):
    """Above model.sample_above tokens each fit sees a sample of the units and folds the rest in: the methods
    paragraph says so, with the manifest's numbers; a run on every unit does not."""
    import toolkit
    from toolkit.output.report import sample_sentence

    from .conftest import NO_FIGURES, SEEDS_CONFIG

    monkeypatch.setenv("TOOLKIT_CACHE_DIR", str(tmp_path / "cache"))
    config = Config.load(SEEDS_CONFIG, [*NO_FIGURES, "model.sample_above=1000", "model.sample_tokens=2000"])
    result = toolkit.run(config, tmp_path / "out")
    sample = result.manifest["sample"]
    assert sample and sample["units"] < sample["of_units"] == result.manifest["counts"]["units"]
    sentence = sample_sentence(sample, config["model"]["sample_above"])
    assert f"each fit saw a sample of {sample['units']} of its {sample['of_units']} paragraphs" in sentence
    assert "folded in" in sentence and f"of the {sample['documents']} documents" in sentence
    assert html.escape(sentence) in (result.out_dir / "report.html").read_text(encoding="utf-8")
    assert sample_sentence(None, config["model"]["sample_above"]) == ""


def test_the_sample_sentence_names_the_threshold_and_the_samples_own_numbers():
    """The sentence states model.sample_above as the threshold the corpus passed and the sample's units and tokens
    out of the corpus's; a mutation audit wrote the corpus's own tokens as the threshold ("more than 180000 tokens"
    for a threshold of 100000) and no test saw it."""
    from toolkit.output.report import sample_sentence

    sample = {"units": 400, "of_units": 900, "tokens": 80000, "of_tokens": 180000, "documents": 12}
    sentence = sample_sentence(sample, 100000, "paragraphs")
    assert sentence.startswith("As the corpus has more than 100000 tokens, each fit saw a sample of 400 of its 900 paragraphs")
    assert "(80000 of 180000 tokens" in sentence and "each of the 12 documents' tokens" in sentence
    assert "the other paragraphs' shares were estimated" in sentence
    # what a sample shifts, said (a hostile pass of the large-corpus path: other 0.238 against 0.143 in silence)
    assert "A fit on fewer tokens gives 'other' a somewhat larger share" in sentence


def test_the_methods_end_with_what_the_run_warned_about():
    """A paper's methods adapted from the paragraph must not lose the run's caveats: the paragraph ends with each
    warning of the manifest as a sentence of its own, and says nothing of warnings when there were none (a mutation
    audit dropped the sentence and no test saw it)."""
    from toolkit.output.report import methods_paragraph

    config = Config.load(ROOT / "configs" / "seeds.toml")
    counts = {"documents_used": 22, "documents_skipped": 0, "units": 900, "tokens": 50000, "vocabulary": 3000}
    warned = {"counts": counts, "versions": {}, "warnings": ["2 files were skipped", "theme x has no keyword."]}
    text = methods_paragraph(config, warned)
    assert text.endswith(" The run warned: 2 files were skipped. theme x has no keyword.")
    assert "warned" not in methods_paragraph(config, {**warned, "warnings": []})


def test_the_methods_of_a_single_document_claim_no_between_document_variation_nor_changes():
    from toolkit.output.report import methods_paragraph

    config = Config.load(ROOT / "configs" / "seeds.toml")
    manifest = {
        "counts": {"documents_used": 1, "documents_skipped": 0, "units": 30, "tokens": 5000, "vocabulary": 800},
        "versions": {},
        "warnings": [],
    }
    one = methods_paragraph(config, manifest, documents=_documents([2022]))
    assert "no between-document variation to estimate" in one and "no change" in one
    assert "between-document and model (seed) variation" not in one and "reported as clear only when" not in one
    manifest["counts"]["documents_used"] = 2
    two = methods_paragraph(config, manifest, documents=_documents([2021, 2022]))
    assert "between-document and model (seed) variation" in two and "reported as clear only when" in two


def test_the_methods_of_one_or_two_documents_say_no_theme_could_be_checked():
    from toolkit.output.report import _validation_sentence

    themes = pd.DataFrame({"theme": ["ecology", "other"], "validated": [False, False], "n_documents": [1, 1]})
    one = _validation_sentence(themes)
    assert one.startswith("No theme could be checked") and "1 document gives no correlation" in one
    assert "across documents (" not in one and "within documents" not in one
    # the check within documents, made on paragraphs, is said where themes.csv has it (a hostile pass of the report:
    # "no theme could be checked" beside that column and the figure's bars)
    within = _validation_sentence(themes.assign(r_split_paragraphs=[0.4, None]))
    assert "the split-half check within documents, across paragraphs, was made" in within
    assert within.endswith("no share is a validated measurement.")
    several = _validation_sentence(themes.assign(n_documents=5))
    assert several.startswith("Each theme was checked") and "No theme passed every check" in several


def test_the_validation_sentence_decides_at_the_limits_its_rules_state():
    """From a mutation audit, each limit at its value: a correlation needs three documents (two give none, three
    do); the checks are weak evidence below 10 documents (9), not at 10; with one document in each of five years,
    the minimum for the check across years, the two checks are one (the paragraph must say so at five, not only at
    six). Each moved limit passed every test."""
    from toolkit.output.report import _validation_sentence, methods_paragraph

    themes = pd.DataFrame({"theme": ["ecology", "industry", "other"], "validated": [True, False, False]})
    two = _validation_sentence(themes.assign(n_documents=2))
    assert two.startswith("No theme could be checked") and "2 documents give no correlation" in two
    assert _validation_sentence(themes.assign(n_documents=3)).startswith("Each theme was checked")
    assert "weak evidence" in _validation_sentence(themes.assign(n_documents=9))
    assert "These checks rest on 9 documents: with fewer than 10" in _validation_sentence(themes.assign(n_documents=9))
    assert "weak evidence" not in _validation_sentence(themes.assign(n_documents=10))
    # one fitted model: its themes' stability across seeds was never checked, said (a review of the docs: one model
    # validated two seed themes that an ensemble of three did not)
    alone = _validation_sentence(themes.assign(n_documents=10, member_r=np.nan))
    assert "The stability of the shares across seeds was not checked (one fitted model" in alone
    assert "across seeds was not checked" not in _validation_sentence(themes.assign(n_documents=10, member_r=0.97))
    config = Config.load(ROOT / "configs" / "seeds.toml")
    counts = {"documents_used": 5, "documents_skipped": 0, "units": 900, "tokens": 50000, "vocabulary": 3000}
    manifest = {"counts": counts, "versions": {}, "warnings": []}
    five = methods_paragraph(config, manifest, themes=themes, documents=_documents([2018, 2019, 2020, 2021, 2022]))
    assert "with one document a year the two are the same check" in five
    four = methods_paragraph(config, manifest, themes=themes, documents=_documents([2019, 2020, 2021, 2022]))
    assert "the same check" not in four


def test_the_methods_say_when_stability_across_seeds_was_not_checked_and_when_the_model_is_exploratory():
    """From a hostile pass of the outputs: with one fit (model.ensemble = 1) the methods paragraph said each theme's
    stability across seeds was checked, and themes.csv's member_r was empty; an LDA run's paragraph listed the checks
    and concluded "No theme passed every check", as if that were a finding about the corpus."""
    from toolkit.output.report import _validation_sentence

    themes = pd.DataFrame(
        {
            "theme": ["ecology", "innovation", "other"],
            "validated": [True, False, False],
            "n_documents": [20, 20, 20],
            "member_r": [0.95, 0.9, None],
            "why": ["", "its share does not follow its keywords", ""],
        }
    )
    three = _validation_sentence(themes)
    assert "its stability across seeds, and" in three and "not checked here" not in three
    one = _validation_sentence(themes.assign(member_r=None))
    assert "stability across seeds (not checked here: the model was fitted once, model.ensemble = 1)" in one
    assert "Validated: ecology." in one
    exploratory = "exploratory model: its themes are labels read off top words, not measurements"
    lda = _validation_sentence(themes.assign(validated=False, member_r=None, why=exploratory))
    assert "no theme can be validated by construction" in lda and "No theme passed every check" not in lda


def test_passages_mark_each_keyword_once_and_a_measured_theme_without_passages_is_named():
    """From a hostile pass of the outputs: keywords that hold one another were marked inside each other
    (<mark>战略性新兴<mark>产业</mark></mark>), and a validated theme with no paragraph above evidence.min_share had no
    passages and no word about it."""
    from toolkit.output.report import _passages_html

    passages = pd.DataFrame(
        {
            "kind": ["theme"],
            "scope": ["all"],
            "name": ["industry"],
            "label": ["产业发展"],
            "text": ["培育战略性新兴产业,推动产业升级。"],
            "keywords": ["产业 战略性新兴产业"],
            "title": ["报告"],
            "date": ["2020-01-01"],
            "share": [0.6],
        }
    )
    page = _passages_html(passages, ["industry", "other"], {"industry": "产业发展", "agriculture_rural": "农业农村"}, 0.2)
    assert "培育<mark>战略性新兴产业</mark>,推动<mark>产业</mark>升级" in page and "<mark><mark>" not in page
    assert page.count("<mark>") == 2 and "产业</mark></mark>" not in page
    assert "No paragraph carries a share of 0.2 or more (evidence.min_share) of: 农业农村" in page
    assert "No paragraph carries" not in _passages_html(passages, ["industry", "other"])
    # from a hostile pass of the outputs: marked in the escaped text, a keyword `quot` broke an entity
    # (&<mark>quot</mark>; showed as literal text), and a passage without a keyword was shown without a word
    quoted = passages.assign(text=['他说"quot"与<b>数字</b>产业'], keywords=["quot 产业"], holds_keyword=[True])
    page = _passages_html(quoted, ["industry"])
    assert "他说&quot;<mark>quot</mark>&quot;与&lt;b&gt;数字&lt;/b&gt;<mark>产业</mark>" in page
    assert "holds none of the theme's keywords" not in page
    bare = passages.assign(text=["培育新动能。"], keywords=[""], holds_keyword=[False])
    assert "holds none of the theme's keywords" in _passages_html(bare, ["industry"])


def test_the_report_names_the_measured_themes_without_passages(seeds_run):
    from toolkit.analysis.trends import unmeasured

    out = seeds_run.out_dir
    themes = pd.read_csv(out / "themes.csv", keep_default_na=False, na_values=[""])
    passages = pd.read_csv(out / "passages.csv", keep_default_na=False, na_values=[""])
    listed = set(passages.loc[(passages["kind"] == "theme") & (passages["scope"] == "all"), "name"])
    named = themes[themes["theme"] != "other"]
    without = [label for theme, label in zip(named["theme"], named["label_zh"]) if theme not in listed | unmeasured(themes)]
    page = (out / "report.html").read_text(encoding="utf-8")
    assert ("No paragraph carries a share of" in page) == bool(without)
    assert all(html.escape(label) in page.split("No paragraph carries", 1)[-1].split("</p>", 1)[0] for label in without)


def test_the_methods_of_a_run_on_whole_documents_speak_of_documents_not_paragraphs():
    """From a hostile pass of the outputs: with units.kind = "document" the methods paragraph said the texts were
    "split into 5 documents (long paragraphs split at sentence ends, short ones merged)", that "a paragraph's theme
    share" was measured, and that the bootstrap "resamples the paragraphs within each document"."""
    from toolkit.output.report import methods_paragraph

    manifest = {
        "counts": {"documents_used": 5, "documents_skipped": 0, "units": 5, "tokens": 5000, "vocabulary": 800},
        "versions": {},
        "warnings": [],
    }
    whole = methods_paragraph(Config.load(ROOT / "configs" / "seeds.toml", ['units.kind="document"']), manifest)
    assert "each document was analysed whole, as one unit (5 units)" in whole and "split into" not in whole
    assert "A document's theme share" in whole and "The documents that carry each theme most" in whole
    assert "resamples the paragraphs" not in whole and "(each document is one unit)" in whole
    manifest["counts"]["units"] = 145
    parts = methods_paragraph(Config.load(ROOT / "configs" / "seeds.toml"), manifest)
    assert "split into 145 paragraphs (long paragraphs split at sentence ends" in parts
    assert "A paragraph's theme share" in parts and "resamples the paragraphs within each document" in parts


def test_the_methods_say_when_the_document_level_came_from_consecutive_documents(seeds_run):
    """The seed documents, one a year: no year's documents give a variance to pool, so every year's document
    level is half the mean squared difference of consecutive documents (theme_by_year.csv says so), while the
    methods paragraph described only the pooling over the other years' documents."""
    from toolkit.analysis.trends import _basis
    from toolkit.output.report import consecutive_sentence

    said = consecutive_sentence(seeds_run.theme_by_year)
    assert said.startswith("In this corpus the years hold too few documents to pool their variances")
    assert "for every year the pooled estimate is instead half the mean squared difference of consecutive" in said
    assert html.escape(said) in (seeds_run.out_dir / "report.html").read_text(encoding="utf-8")
    bases = [_basis(3, "within cells", 0.4), _basis(1, "within cells", 0.0)]
    pooled = pd.DataFrame({"theme": ["eco", "eco"], "interval_basis": bases})
    assert consecutive_sentence(pooled) == "" and consecutive_sentence(None) == ""
    mixed = pd.concat([pooled, pd.DataFrame({"theme": ["eco"], "interval_basis": [_basis(1, "consecutive documents", 0.0)]})])
    assert "for the years whose table says so" in consecutive_sentence(mixed)


def test_the_methods_name_the_themes_whose_document_level_was_zero_in_every_year():
    """zero_variance_sentence names the themes whose between-document variance was estimated as zero in every year
    that drew one, and says "every theme" only when that is all of them (a mutation audit said "every theme" as soon
    as one was, and no test saw it); a year of too few documents to draw a document level does not count."""
    from toolkit.analysis.trends import _basis
    from toolkit.output.report import zero_variance_sentence

    def table(rows):
        return pd.DataFrame(rows, columns=["theme", "interval_basis"])

    zero, drawn = _basis(3, "within cells", 0.5, zero=True), _basis(3, "within cells", 0.5)
    too_few = _basis(1, "", 0.0)
    assert "units only" in too_few
    one_of_two = zero_variance_sentence(table([("eco", zero), ("eco", zero), ("ind", zero), ("ind", drawn)]))
    assert one_of_two.startswith("For 1 of the 2 themes (eco) the between-document variance was estimated as zero")
    every = zero_variance_sentence(table([("eco", zero), ("eco", zero), ("ind", zero), ("ind", too_few)]))
    assert every.startswith("For every theme the between-document variance")
    assert "count the units' resampling and the seeds only" in every
    # one fitted model: no seeds to count (an adversarial review)
    alone = zero_variance_sentence(table([("eco", zero), ("eco", zero), ("ind", zero), ("ind", too_few)]), seeds=False)
    assert "count the units' resampling only" in alone and "seeds" not in alone
    assert zero_variance_sentence(table([("eco", drawn), ("ind", zero), ("ind", drawn)])) == ""
    # the table's order (the lexicon's), not the alphabet's; and one year is not "every year" (a hostile pass)
    rows = [(theme, year, zero) for year in (2015, 2016) for theme in ("zeta", "alpha", "mid")] + [("mid", 2017, drawn)]
    years = pd.DataFrame(rows, columns=["theme", "year", "interval_basis"])
    assert "(zeta, alpha) the between-document variance was estimated as zero in every year" in zero_variance_sentence(years)
    one = years[years["year"] == 2016].assign(interval_basis=[zero, zero, drawn])
    assert "(zeta, alpha) the between-document variance was estimated as zero in its one year" in zero_variance_sentence(one)
    later = pd.concat([one, years[years["year"] == 2015].assign(interval_basis=too_few)])  # 2015 drew no document level
    assert "zero in the one year with the documents to estimate it (2016)" in zero_variance_sentence(later)


def test_the_methods_count_the_tokens_the_model_saw_and_other_apart_from_the_themes():
    """From a reviewer's read of report.html: the vocabulary's sentence gave every segmented token (81,409) as if
    the model saw them (72,595 were in the vocabulary); "For 9 of the 18 themes" counted `other` beside "17
    named themes"; a df read back as 14.000."""
    from toolkit.analysis.trends import _basis
    from toolkit.output.report import _table, methods_paragraph, zero_variance_sentence

    config = Config.load(ROOT / "configs" / "seeds.toml")
    counts = {
        "documents_used": 17,
        "documents_skipped": 0,
        "units": 900,
        "tokens": 81409,
        "tokens_modelled": 72595,
        "vocabulary": 4549,
    }
    text = methods_paragraph(config, {"counts": counts, "versions": {}, "warnings": []})
    assert "(4549 words, 72595 tokens of the 81409 segmented)" in text
    zero, drawn = _basis(3, "within cells", 0.5, zero=True), _basis(3, "within cells", 0.5)
    rows = [("eco", zero), ("ind", drawn), ("dig", drawn), ("other", zero)]
    said = zero_variance_sentence(pd.DataFrame(rows, columns=["theme", "interval_basis"]))
    assert said.startswith("For 2 of the 3 themes and other (eco, other) the between-document variance")
    table = _table(pd.DataFrame({"theme": ["eco", "ind"], "df": [14.0, float("nan")], "share": [0.25, 1.0]}))
    assert "<td>14</td>" in table and "14.000" not in table and "<td>1.000</td>" in table


def test_a_theme_without_passages_is_not_said_to_be_spread_thin():
    """A theme in 6 of 520 paragraphs has no passage because it is rare, not because its share is spread thin
    over many paragraphs, as the report said of every such theme."""
    from toolkit.output.report import _passages_html

    passages = pd.DataFrame(columns=["kind", "scope", "name", "label", "text", "keywords", "title", "date", "share"])
    said = _passages_html(passages, ["digital_economy"], {"digital_economy": "数字经济"}, 0.2)
    assert "数字经济" in said and "spread thin over many paragraphs, and" not in said
    assert "a theme rare in the corpus, or spread thin" in said


def test_p_values_print_below_a_thousandth_only_below_it():
    """format_p writes ``<0.001`` below 0.001, as its docstring and a paper say: 0.001 itself is 0.001, and a p-value
    that could not be computed is an empty cell, not "nan" (a mutation audit moved the bound to <= and dropped the
    missing case, and no test saw either)."""
    from toolkit.output.report import format_p

    assert format_p(0.001) == "0.001"
    assert format_p(0.00099) == "<0.001"
    assert format_p(0.0415) == "0.042"
    assert format_p(float("nan")) == "" and format_p(None) == "" and format_p(pd.NA) == ""


def test_tables_keep_fractional_counts_names_of_periods_and_empty_cells():
    """_table writes a count column as whole numbers only when every value is one (a df of 14.5 stays 14.500: cast
    to an integer it raised), leaves text in a count-named column alone (change.csv's from and to are period
    names: 十五 % 1 raised), and writes a missing number as an empty cell, not NaN (a mutation audit)."""
    from toolkit.output.report import _table

    fractional = _table(pd.DataFrame({"theme": ["eco", "ind"], "df": [14.5, float("nan")]}))
    assert "<td>14.500</td>" in fractional
    periods = _table(pd.DataFrame({"theme": ["eco"], "from": ["十五"], "to": ["十四五"], "change": [0.1234]}))
    assert "<td>十五</td>" in periods and "<td>十四五</td>" in periods and "<td>0.123</td>" in periods
    empty = _table(pd.DataFrame({"theme": ["eco", "ind"], "share": [0.25, float("nan")]}))
    assert "<td></td>" in empty and "NaN" not in empty and "nan" not in empty


def test_corpus_shape_counts_in_the_singular_and_says_nothing_of_single_years_when_there_are_none():
    """From a mutation audit: "1 documents", "1 years with one document", "0 years with one document", "1 groups",
    and an ellipsis after the sixth year outside every period when there are exactly six passed every test."""
    from toolkit.output.report import corpus_shape

    assert corpus_shape(_documents([2022])) == "The corpus holds 1 document in one year (2022)."
    assert corpus_shape(_documents([2001, 2001, 2002, 2002])) == (
        "The corpus holds 4 documents over 2001-2002 in 2 years (at most 2 a year)."
    )
    assert corpus_shape(_documents([2001, 2001, 2002])) == (
        "The corpus holds 3 documents over 2001-2002 in 2 years (at most 2 a year), 1 year with one document."
    )
    six_outside = corpus_shape(_documents(list(range(2011, 2023))), periods={"十二五": [2011, 2016]})
    assert six_outside.endswith("; 6 in no named period (2017, 2018, 2019, 2020, 2021, 2022).")
    one_group = corpus_shape(_documents([2020, 2021], level=["省级", "省级"]), "level")
    assert one_group.endswith("; in 1 group of level (省级 2).")


def test_a_year_without_documents_does_not_hide_a_theme_whose_document_level_was_zero():
    """A cell without documents has an empty interval_basis and no document level: it is not a year that drew one,
    so it cannot tell against a theme whose every drawn year was zero (a mutation audit counted it, and the
    sentence then named no theme, and no test saw it)."""
    from toolkit.analysis.trends import _basis
    from toolkit.output.report import zero_variance_sentence

    zero, drawn = _basis(3, "within cells", 0.5, zero=True), _basis(3, "within cells", 0.5)
    assert _basis(0, "within cells", 0.5) == ""
    rows = [("eco", zero), ("eco", ""), ("ind", drawn), ("ind", "")]
    said = zero_variance_sentence(pd.DataFrame(rows, columns=["theme", "interval_basis"]))
    assert said.startswith("For 1 of the 2 themes (eco) the between-document variance was estimated as zero")


def test_the_sampler_sentence_of_an_infinite_r_hat_and_of_a_fixed_burn_in_without_a_check():
    """An infinite split-R-hat is not "above" the threshold as a number is; a fixed burn-in ("ceiling") with no
    R-hat ends its sentence with the sampled sweeps, not "at the burn-in's end ." (a mutation audit)."""
    from toolkit.output.report import sampler_sentence

    infinite = sampler_sentence(_stopped(rhat=None, rhat_infinite=True))
    assert infinite == (
        "Each fit's burn-in ran to its ceiling of 400 sweeps, as the convergence check was not met (the split-R-hat "
        "of a topic's share across the 3 fits was infinite (constant within each chain, not between)); then 100 "
        "sweeps were sampled."
    )
    fixed = sampler_sentence(_stopped(stop="ceiling", rhat=None, checks=[]))
    assert fixed == 'Each fit ran a fixed 400 sweeps of burn-in (model.keyatm.stop = "ceiling"), then 100 sweeps were sampled.'
    measured = sampler_sentence(_stopped(stop="ceiling"))
    assert measured.endswith(
        "then 100 sweeps were sampled; at the burn-in's end the largest rank-normalised split-R-hat of the topic "
        "shares across the 3 fits was 1.81."
    )


def _passage(name, label, text, share, scope="all", **more):
    return {"kind": "theme", "scope": scope, "name": name, "label": label, "text": text, "keywords": "",
            "title": "报告", "date": "2020-01-01", "share": share, **more}  # fmt: skip


def test_passages_show_the_top_three_of_the_whole_corpus_in_the_lexicons_order_escaped():
    """From a mutation audit: the passages of a period (scope) shown beside the whole corpus's, a fourth passage,
    the themes in the table's order rather than the lexicon's, a theme's name for its label, text and labels not
    escaped, "nan" for a missing place and the share to three decimals all passed every test."""
    from toolkit.output.report import _passages_html

    rows = [
        _passage("industry", "产业发展", "十五产业", 0.95, scope="十五"),  # passages.csv lists a period's passages too
        _passage("industry", "产业发展", "产业一", 0.9),
        _passage("industry", "产业发展", "产业二", 0.8),
        _passage("industry", "产业发展", "产业三", 0.7),
        _passage("industry", "产业发展", "产业四", 0.6),
        _passage("ecology", "生态<环境>", "a<b>&c", 0.456, place=float("nan")),
    ]
    page = _passages_html(pd.DataFrame(rows), ["ecology", "industry", "other"], {"innovation": "创新&发展"})
    assert "<h3>生态&lt;环境&gt;</h3>" in page and "<h3>产业发展</h3>" in page
    assert page.index("<h3>生态&lt;环境&gt;</h3>") < page.index("<h3>产业发展</h3>")  # the lexicon's order
    assert "产业一" in page and "产业三" in page and "产业四" not in page and "十五产业" not in page
    assert page.count("<blockquote>") == 4
    assert "<blockquote>a&lt;b&gt;&amp;c<footer>报告 · 2020-01-01 — share 0.46</footer></blockquote>" in page
    assert "nan" not in page
    assert "(evidence.min_share) of: 创新&amp;发展;" in page


def _manifest(used=22, skipped=3):
    counts = {"documents_used": used, "documents_skipped": skipped, "units": 900, "tokens": 50000, "vocabulary": 3000}
    return {"counts": counts, "versions": {"jieba": "0.42.1", "toolkit": "1.0"}, "warnings": []}


def test_the_methods_state_the_settings_the_run_used():
    """From a mutation audit, each dropped or turned without a test seeing it: a model fitted once said "fitted 1
    times with different seeds"; the years the corpus was restricted to; which segmenter; the named periods; the
    number of named themes the Bonferroni adjustment is over; max_df as a percentage; one document in the
    singular."""
    from toolkit.config import Config
    from toolkit.output.report import methods_paragraph

    from .conftest import ROOT

    config = Config.load(ROOT / "configs" / "seeds.toml")  # ensemble 3, seed 42, max_df 0.3, jieba_fast_dat
    text = methods_paragraph(config, _manifest(), ["十五", "十一五"], 17)
    assert "We analysed 22 documents (3 further files were skipped, each with its reason in documents.csv). " in text
    assert "The model was fitted 3 times with different seeds (first seed 42); theme shares are the mean" in text
    once = methods_paragraph(config.with_values(**{"model.ensemble": 1}), _manifest())
    assert "The model was fitted once (seed 42)." in once and "different seeds" not in once
    assert "segmented with jieba's algorithm (jieba_fast_dat, the same tokens as jieba 0.42.1) using" in text
    jieba = methods_paragraph(config.with_values(**{"segment.backend": "jieba"}), _manifest())
    assert "segmented with jieba 0.42.1 using" in jieba and "jieba_fast_dat" not in jieba
    assert "at least 2 paragraphs and at most 30% of them" in text
    assert "simultaneous 95% interval over the 17 named themes (not other)" in text
    assert text.endswith(" Named periods: 十五, 十一五.")
    assert "documents.csv). " in text and "restricted to" not in text
    window = methods_paragraph(config.with_values(**{"corpus.year_min": 2010}), _manifest())
    assert "each with its reason in documents.csv), restricted to 2010–…. " in window
    both = methods_paragraph(config.with_values(**{"corpus.year_min": 2010, "corpus.year_max": 2020}), _manifest())
    assert "restricted to 2010–2020. " in both
    one = methods_paragraph(config, _manifest(used=1, skipped=0))
    assert one.startswith("We analysed 1 document (0 further files were skipped")
    assert methods_paragraph(config, _manifest(used=1, skipped=1)).startswith(
        "We analysed 1 document (1 further file was skipped"
    )
    # the keyword model with no keyword in the vocabulary seeds no topic
    none = methods_paragraph(config, _manifest(), n_themes=0)
    assert "with 19 topics, none of them seeded, as no keyword of the lexicon is in the vocabulary, fitted by" in none
    assert "17 of them seeded" in text


def test_the_methods_without_intervals_say_so_for_one_document_too():
    """trends.bootstrap = 0: no interval was computed, also for a corpus of one document (a mutation audit described
    the one-document bootstrap "with 0 replicates" there, and dropped the sentence, and no test saw it)."""
    from toolkit.config import Config
    from toolkit.output.report import methods_paragraph

    from .conftest import ROOT

    bare = Config.load(ROOT / "configs" / "seeds.toml", ["trends.bootstrap=0"])
    for used in (1, 22):
        text = methods_paragraph(bare, _manifest(used=used))
        assert "No intervals were computed (trends.bootstrap = 0)." in text
        assert "Intervals (95%)" not in text and "replicates" not in text


def test_the_methods_paragraph_holds_the_sentences_of_its_tables():
    """The sentences built from theme_by_year.csv (a document level estimated as zero, one from consecutive
    documents), effects.csv and themes.csv (themes not measured) are part of the methods paragraph: a mutation
    audit dropped each from it and no test saw it."""
    from toolkit.analysis.trends import _basis
    from toolkit.config import Config
    from toolkit.output.report import (
        _unmeasured_sentence,
        consecutive_sentence,
        effects_sentence,
        methods_paragraph,
        zero_variance_sentence,
    )

    from .conftest import ROOT

    config = Config.load(ROOT / "configs" / "seeds.toml", ["effects.formula='year'"])
    zero = _basis(1, "consecutive documents", 0.0, zero=True)
    by_year = pd.DataFrame({"theme": ["eco", "eco", "ind", "ind"], "interval_basis": [zero, zero, zero, zero]})
    effects = pd.DataFrame({"theme": ["eco"], "term": ["year"], "estimate": [0.1], "n_documents": [22], "note": [""]})
    themes = pd.DataFrame({"theme": ["eco", "ind", "other"], "validated": [True, False, False], "share": [0.3, 0.0, 0.7]})
    text = methods_paragraph(config, _manifest(), themes=themes, by_year=by_year, effects=effects)
    for sentence in (
        zero_variance_sentence(by_year),
        consecutive_sentence(by_year),
        effects_sentence("year", effects),
        _unmeasured_sentence(themes, "paragraphs"),
    ):
        assert sentence and sentence in text


def test_the_sentence_of_themes_not_measured():
    """Singular and plural, the exploratory model's reading, and nothing when every theme is measured (a mutation
    audit)."""
    from toolkit.output.report import _unmeasured_sentence

    one = pd.DataFrame({"theme": ["eco", "ind", "other"], "share": [0.3, 0.0, 0.7]})
    assert _unmeasured_sentence(one, "paragraphs") == (
        "The theme ind has no share in any of the paragraphs (none of its keywords is in the vocabulary, or no "
        "topic counts for it): not measured in this corpus, and left out of the comparisons below."
    )
    two = pd.DataFrame({"theme": ["eco", "ind", "dig", "other"], "share": [0.3, 0.0, 0.0, 0.7]})
    assert _unmeasured_sentence(two, "documents").startswith(
        "The themes ind, dig have no share in any of the documents (none of their keywords"
    )
    exploratory = one.assign(why="exploratory model: its themes are labels read off top words, not measurements")
    said = _unmeasured_sentence(exploratory, "paragraphs")
    assert said.startswith("The theme ind has no share in any of the paragraphs: no topic's top words were labelled")
    assert "none of its keywords" not in said
    assert _unmeasured_sentence(one.assign(share=[0.3, 0.1, 0.6]), "paragraphs") == ""


def test_the_effects_sentence_names_references_unestimated_terms_separation_and_few_documents():
    """From a mutation audit: the reference categories, "was" for one term not estimated, the themes with
    separation and the limit of few documents (below effects.FEW_DOCUMENTS, 50, not at it) each passed every test
    when changed."""
    from toolkit.analysis.effects import NO_OWN_VARIANCE, SEPARATION
    from toolkit.output.report import effects_sentence

    effects = pd.DataFrame(
        {
            "theme": ["eco", "eco", "ind"],
            "term": ["C(place)[T.安庆]", "C(level)[T.省]", "C(place)[T.安庆]"],
            "reference": ["place: 武汉", "place: 武汉; level: 市", None],
            "note": [f"not estimated: {NO_OWN_VARIANCE}", "", f"not finite {SEPARATION}"],
            "n_documents": [50, 50, 50],
        }
    )
    text = effects_sentence("C(place) + C(level)", effects)
    assert " A category's term is its difference from the reference category (level: 市, place: 武汉)." in text
    assert " The term C(place)[T.安庆] was not estimated: a category of fewer than two documents" in text
    assert " For 1 theme(s) the covariates alone tell the units holding the theme from those without it (separation" in text
    assert "the intervals are wide" not in text
    few = effects_sentence("C(place) + C(level)", effects.assign(n_documents=49))
    assert few.endswith(
        "With 49 documents the errors are small-sample ones (CR2, each coefficient with its Bell-McCaffrey degrees "
        "of freedom, which are few where a term rests on few documents): the intervals are wide."
    )
    two = effects_sentence("x", effects.assign(note=f"not estimated: {NO_OWN_VARIANCE}", term=["a", "b", "a"]))
    assert " The terms a, b were not estimated" in two
    # from a hostile pass of the effects: documents without a value of a covariate were left out in silence
    dropped = effects_sentence("C(place) + C(level)", effects.assign(n_documents=18), modelled=22)
    assert " The effects rest on 18 of the 22 documents: the other 4 have no value of a covariate" in dropped
    assert "rest on" not in effects_sentence("C(place) + C(level)", effects, modelled=50)


def test_consecutive_documents_in_part_and_in_some_years():
    """consecutive_sentence says "instead" only when no year's pooled estimate came from the table's cells, and
    "every year" only when every drawn year's did (a mutation audit)."""
    from toolkit.analysis.trends import _basis
    from toolkit.output.report import consecutive_sentence

    alone = _basis(1, "consecutive documents", 0.0)
    part = _basis(3, "within cells and consecutive documents", 0.5)
    cells = _basis(3, "within cells", 0.5)
    every = consecutive_sentence(pd.DataFrame({"theme": ["eco", "eco"], "interval_basis": [alone, alone]}))
    assert "so for every year the pooled estimate is instead half the mean squared difference" in every
    mixed = consecutive_sentence(pd.DataFrame({"theme": ["eco", "eco"], "interval_basis": [part, cells]}))
    assert "for the years whose table says so (theme_by_year.csv's interval_basis) the pooled estimate is in part, " in mixed
    assert "instead" not in mixed


def test_the_validation_sentence_of_checks_not_within_documents_and_of_an_lda_seeded_model():
    """Runs on whole documents make no split-half check within documents, and the sentence says so; LDA seeded with
    the lexicon runs no split-half check at all (a mutation audit dropped each branch and no test saw it)."""
    from toolkit.analysis.diagnostics import SPLIT_NOT_RUN
    from toolkit.output.report import _validation_sentence

    themes = pd.DataFrame(
        {"theme": ["eco", "other"], "validated": [True, False], "split_checks": [2, 0], "split_paragraphs_checks": [0, 0]}
    )
    whole = _validation_sentence(themes)
    assert "across documents or years (not within documents: a document is one unit here" in whole
    within = _validation_sentence(themes.assign(split_paragraphs_checks=[1, 0]))
    assert "across documents or years and within documents across paragraphs," in within
    seeded = _validation_sentence(themes.assign(validated=False, why=f"the split-half check ...: {SPLIT_NOT_RUN}"))
    assert seeded.endswith(
        ". The split-half check, which a keyword count cannot pass, needs the keyword-assisted model (keyatm) and was "
        "not run for this model: no theme is validated, and no share is a validated measurement."
    )


def test_captions_of_the_effects_and_of_the_validity_figure():
    """The effects' intervals are their own draws, said with their level when the trends drew no replicates; the
    validity figure says the split-half check only when the model ran it (a mutation audit)."""
    from toolkit.output import catalog
    from toolkit.output.report import caption

    effects = caption("theme_effects", 0.9, intervals=False)
    assert effects == caption("theme_effects", 0.9) and "90%" in effects
    assert caption("theme_validity", split_half=False) == catalog.VALIDITY_WITHOUT_SPLIT_HALF.format(level="95%")
    assert caption("theme_validity") != caption("theme_validity", split_half=False)


def test_no_share_caveat_when_other_holds_no_share():
    """The caveat on what a share is was measured for the keyword model with free topics: a themes.csv whose
    `other` holds no share, zero or empty, gets none (a mutation audit read an empty share as holding one)."""
    from toolkit.output.report import _share_caveat

    themes = pd.DataFrame({"theme": ["eco", "other"], "share": [0.6, 0.4]})
    assert _share_caveat("keyatm", themes).startswith("A share is the weight of the theme's own vocabulary")
    assert _share_caveat("keyatm", themes.assign(share=[1.0, 0.0])) == ""
    assert _share_caveat("keyatm", themes.assign(share=[1.0, float("nan")])) == ""
    assert _share_caveat("", themes) == ""  # a model of the user's, registered under keyatm's name: not measured


def test_a_passage_without_keywords_marks_nothing():
    """From a mutation audit: a passage of `other` has no keywords, an empty cell that passages.csv reads back as NaN,
    and its str "nan" was marked inside Latin text: green fi<mark>nan</mark>ce, Hai<mark>nan</mark>."""
    from toolkit.output.report import _passages_html

    passages = pd.DataFrame(
        {
            "kind": ["theme"],
            "scope": ["all"],
            "name": ["other"],
            "label": ["其他"],
            "text": ["支持green finance与Hainan自贸港建设。"],
            "keywords": [float("nan")],
            "title": ["报告"],
            "date": ["2022-03-05"],
            "share": [0.5],
        }
    )
    said = _passages_html(passages, ["other"], {}, 0.2)
    assert "<mark>" not in said and "green finance与Hainan" in said


def _by_year(years: list[int], documents: list[int], basis: list[str]) -> pd.DataFrame:
    return pd.DataFrame({"year": years, "theme": "ecology", "share": 0.1, "n_documents": documents, "interval_basis": basis})


def test_the_methods_say_what_the_intervals_count_on_corpora_of_one_model_two_documents_or_one_year():
    """From a hostile pass on corpora of other shapes: with model.ensemble = 1 the paragraph said "fitted once" and then
    that the intervals include seed variation; on two documents (2016, 2020) that they include between-document
    variation, which too few documents could not estimate (theme_by_year.csv: units only); on a corpus of one year
    that each year's variance is blended with the estimate pooled over the other years, of which there were none."""
    from toolkit.analysis.trends import UNITS_ONLY
    from toolkit.output.report import methods_paragraph

    config = Config.load(ROOT / "configs" / "seeds.toml")
    manifest = {
        "counts": {"documents_used": 2, "documents_skipped": 0, "units": 90, "tokens": 5000, "vocabulary": 300},
        "versions": {},
        "warnings": [],
    }
    themes = pd.DataFrame({"theme": ["ecology", "other"], "validated": [True, False]})
    units_only = [f"one document: {UNITS_ONLY}"] * 2
    two = methods_paragraph(config, manifest, themes=themes, by_year=_by_year([2016, 2020], [1, 1], units_only))
    assert "between-document variation" in two and "not between-document variation" in two
    assert "include paragraph, between-document" not in two and "pooled over the other years" not in two
    assert "the paragraphs' resampling and the seeds only" in two

    single = config.with_values(**{"model.ensemble": 1})
    lone = methods_paragraph(single, manifest, themes=themes, by_year=_by_year([2016, 2020], [1, 1], units_only))
    assert "fitted once" in lone and "the intervals leave out how fits with other seeds differ" in lone
    assert "resampling and the seeds only" not in lone and "(seed) variation" not in lone
    # an adversarial review: "blended the same way" where the blend it pointed to was left out, and a t widening
    # for n - 1 + m degrees of freedom where nothing was estimated for the documents
    assert "the same way" not in two and "n - 1 + m" not in two and "widened by the square of the t" not in two
    manifest["counts"]["documents_used"] = 40
    basis = ["40 documents: units resampled, document level from its documents"]
    one_year = methods_paragraph(config, manifest, themes=themes, by_year=_by_year([2021], [40], basis))
    assert "pooled over the other years" not in one_year and "there is no other year to pool with" in one_year
    assert "n - 1 + m" not in one_year and "for n - 1 degrees of freedom" in one_year  # no m where nothing is pooled
    years = _by_year([2020, 2021], [20, 20], ["20 documents: units resampled, document level 70% from its documents"] * 2)
    usual = methods_paragraph(config, manifest, themes=themes, by_year=years)
    assert "pooled over the other years" in usual and "include paragraph, between-document and model (seed)" in usual
    one_model = methods_paragraph(single, manifest, themes=themes, by_year=years)
    assert "include paragraph and between-document variation" in one_model and "model (seed)" not in one_model


def test_the_caption_of_the_trend_figures_says_what_the_runs_intervals_count():
    """From a hostile pass of the outputs: report.html's theme_shares caption said the intervals count "documents,
    paragraphs and model seeds" whatever the run, while its figure said paragraphs only (two documents) and had no
    seeds (model.ensemble = 1)."""
    from toolkit.analysis.trends import UNITS_ONLY
    from toolkit.output.report import caption, counted_in

    config = Config.load(ROOT / "configs" / "seeds.toml")
    years = _by_year([2020, 2021], [20, 20], ["20 documents: units resampled, document level 70% from its documents"] * 2)
    two = _by_year([2016, 2020], [1, 1], [f"one document: {UNITS_ONLY}"] * 2)
    single = config.with_values(**{"model.ensemble": 1})
    said = {
        name: caption("theme_shares", 0.9, config["figures"], counted=counted_in(c, table))
        for name, c, table in (("usual", config, years), ("one model", single, years), ("two", single, two))
    }
    assert "90% intervals that count documents, paragraphs and model seeds" in said["usual"]
    assert "that count documents and paragraphs (bands" in said["one model"]
    assert "that count paragraphs only (bands" in said["two"]
    documents = config.with_values(**{"units.kind": "document"})
    assert "that count documents and model seeds (bands" in caption(
        "theme_shares", 0.9, config["figures"], counted=counted_in(documents, years)
    )
    lines = config.with_values(**{"figures.trend_style": "lines"})
    assert "that count paragraphs only" in caption("theme_shares", 0.9, lines["figures"], counted=counted_in(single, two))


def test_intervals_that_bound_nothing_are_said_to():
    """From a hostile pass of the report: two documents in one year gave innovation 0.17 in [0.00, 1.00] under a
    caption of intervals that count documents, and the paragraph said only how they are widened. Said when a tenth
    of the intervals or more are wider than half the range of a share (a review: 5 of 17 were, the small themes'
    narrow intervals kept the median at 0.30, and a median rule said nothing); not otherwise."""
    from toolkit.output.report import wide_intervals_sentence

    themes = [f"t{i}" for i in range(16)] + ["other"]
    wide = pd.DataFrame(
        {"year": 2021, "theme": themes, "share": [0.17] + [0.01] * 15 + [0.6], "n_documents": 2,
         "share_low": [0.0] + [0.0] * 15 + [0.1], "share_high": [1.0, 0.9, 0.8, 0.7] + [0.05] * 12 + [1.0]}
    )  # fmt: skip
    said = wide_intervals_sentence(wide)
    assert said.startswith("Here 5 of the 17 intervals of theme_by_year.csv span more than half the range of a share")
    assert "(the widest: t0 in 2021, [0.00, 1.00])" in said and "(2 a year)" in said
    # two wide intervals of 17 are more than a tenth, one is not; half the range is not more than half
    assert wide_intervals_sentence(wide.assign(share_high=[0.6, 0.6] + [0.05] * 15)).startswith("Here 2 of the 17")
    assert wide_intervals_sentence(wide.assign(share_high=[0.6] + [0.05] * 16)) == ""
    assert wide_intervals_sentence(wide.assign(share_high=[0.5, 0.5] + [0.05] * 15)) == ""
    many = pd.concat(
        [wide.assign(year=y, share_high=0.05) for y in range(2000, 2020)] + [wide.assign(share_high=[0.6] + [0.05] * 16)]
    )
    assert wide_intervals_sentence(many) == ""  # 1 of 357: no rule of the table
    assert wide_intervals_sentence(wide.assign(share_low=float("nan"), share_high=float("nan"))) == ""
    # a year that mixes one-paragraph notices with a long report: the mix is the cause, not few documents (a hostile
    # pass of other genres: intervals seven times the reports' own at 13 degrees of freedom, blamed on the t quantile)
    documents = pd.DataFrame(
        {"year": [2021, 2021, 2021, 2021, 2020], "status": ["used"] * 4 + ["skipped"], "n_units": [40, 1, 2, 1, 1]}
    )
    mixed = wide_intervals_sentence(wide, documents)
    assert mixed.startswith("Here 5 of the 17 intervals of theme_by_year.csv span more than half the range of a share")
    assert "their years mix short documents with long ones (3 of their 4 documents are of at most 2 paragraphs, 1 of 10" in mixed
    assert "too few to estimate" not in mixed and "compare documents of like length and kind" in mixed
    for other in (documents.assign(n_units=[40, 3, 9, 12, 1]), documents.assign(year=[2021, 2019, 2019, 2019, 2021])):
        assert "(2 a year) are too few to estimate how documents vary" in wide_intervals_sentence(wide, other)
    # the mix named for the years that hold it alone, the others' cause beside it (a review: one notice in one of six
    # years put every wide interval down to the mix)
    two = wide_intervals_sentence(pd.concat([wide, wide.assign(year=2020)]), documents)
    assert two.startswith("Here 10 of the 34 intervals") and ": 5 of them are of years that mix short documents" in two
    assert "a corpus of their own (2021); for the others, their years' documents (2 a year) are too few" in two
    from toolkit.output.report import methods_paragraph

    manifest = {
        "counts": {"documents_used": 2, "documents_skipped": 0, "units": 90, "tokens": 5000, "vocabulary": 300},
        "versions": {},
        "warnings": [],
    }
    config = Config.load(ROOT / "configs" / "seeds.toml")
    themes = pd.DataFrame({"theme": ["innovation", "ecology", "other"], "validated": [False, False, False]})
    paragraph = methods_paragraph(config, manifest, themes=themes, by_year=wide.assign(interval_basis="document level"))
    assert "Here 5 of the 17 intervals of theme_by_year.csv span" in paragraph


def test_the_methods_say_no_change_between_years_is_computed_in_a_one_year_corpus():
    """A one-year corpus of notices: change.csv is empty, and the methods paragraph said "A change between two years
    (or periods, or groups) is reported as clear only when ..." (a hostile pass of the measurement on other shapes).
    With trends.by, changes between groups are computed and said so."""
    from toolkit.output.report import methods_paragraph

    counts = {"documents_used": 20, "documents_skipped": 0, "units": 20, "tokens": 900, "vocabulary": 300}
    manifest = {"counts": counts, "random_state": 42, "versions": {}, "warnings": []}
    one_year = pd.DataFrame({"year": [2021, 2021], "theme": ["ecology", "other"], "share": [0.3, 0.7], "n_documents": 20})
    two_years = pd.concat([one_year, one_year.assign(year=2022)])
    config = Config.load(ROOT / "configs" / "seeds.toml", ["trends.by="])
    alone = methods_paragraph(config, manifest, by_year=one_year)
    assert "With one year, no change between years or periods is computed" in alone
    assert "A change between two years" not in alone
    groups = methods_paragraph(config.with_values(**{"trends.by": "level"}), manifest, by_year=one_year)
    assert "With one year, no change between years is computed; a change between two groups is reported as clear" in groups
    assert "A change between two years (or periods, or groups) is reported as clear" in methods_paragraph(
        config, manifest, by_year=two_years
    )
    # a window's empty year beside the one with documents is still one year (a review: corpus.year_max past it)
    empty = one_year.assign(year=2022, share=np.nan, n_documents=0)
    assert "With one year, no change between years or periods" in methods_paragraph(
        config, manifest, by_year=pd.concat([one_year, empty])
    )
