"""A hostile pass of the Python API as a notebook uses it (twenty-ninth session): inputs of the wrong shape gave
numbers, prepared objects edited in memory were fitted, and a model of the user's was described as the shipped one."""

import dataclasses
import logging

import numpy as np
import pandas as pd
import pytest

import toolkit
from toolkit import Config
from toolkit.errors import ToolkitError

from .conftest import ROOT, SEEDS, SEEDS_CONFIG

FAST = ["model.ensemble=1", "model.keyatm.iterations=20"]


# ----- word lists, not arrays or strings ------------------------------------------------------------------------


def test_a_unit_given_as_a_string_is_refused_not_read_as_its_characters():
    units = ["创新 科技", "创新 发展", "科技 发展"] * 4
    for call in (toolkit.build_vocabulary, toolkit.unit_counts):
        with pytest.raises(ToolkitError, match=r"unit 0 must be a list of words, not str \(split .* with \.split\(\)\)"):
            call(units, max_df=0.9)
    with pytest.raises(ToolkitError, match="tokens must be a list of units"):
        toolkit.build_vocabulary("创新 科技", max_df=0.9)
    # the same units as word lists (or tuples) give the words
    assert sorted(toolkit.build_vocabulary([u.split() for u in units], max_df=0.9)) == ["创新", "发展", "科技"]
    assert sorted(toolkit.build_vocabulary([tuple(u.split()) for u in units], max_df=0.9)) == ["创新", "发展", "科技"]
    matrix = toolkit.document_term_matrix([u.split() for u in units], ["创新", "科技"])
    assert matrix.toarray()[:3].tolist() == [[1, 1], [1, 0], [0, 1]]


def test_topic_metrics_refuse_a_models_weights_and_score_its_top_words():
    """diversity(components_) gave 1.0 and stability of two seeds' arrays 0.0, of one array twice 1.0."""
    rng = np.random.default_rng(0)
    components = rng.random((3, 5))
    weights = r"must be a list of words \(strings\), not numbers \(a model's weights\?\); pass each topic's top words"
    with pytest.raises(ToolkitError, match=r"diversity: topic 0 " + weights):
        toolkit.diversity(components)
    with pytest.raises(ToolkitError, match=r"stability: runs must be a list of runs"):
        toolkit.stability(None)
    with pytest.raises(ToolkitError, match=r"stability: topic 0 " + weights):
        toolkit.stability([components, components])
    with pytest.raises(ToolkitError, match=r"diversity: topic 0 must be a list of words"):
        toolkit.diversity(["创新 科技", "生态 环境"])
    # what the hint says to pass works: each topic's top words
    vocabulary = ["创新", "科技", "生态", "环境", "发展"]
    topics = toolkit.top_words(components, vocabulary, 5)
    from toolkit.models.nmf import NmfTopicModel

    for wrong in (NmfTopicModel(3), "创新", None):  # an unfitted model: numpy's "iteration over a 0-d array" (a review)
        with pytest.raises(ToolkitError, match=r"top_words: components must be a fitted model or its components_"):
            toolkit.top_words(wrong, vocabulary, 5)
    assert toolkit.diversity(topics, n=5) == len({w for t in topics for w in t}) / 15
    assert toolkit.stability([topics, [list(t) for t in topics]]) == 1.0
    assert toolkit.stability([[["创新", "科技"]], [["生态", "环境"]]]) == 0.0
    # words in an array or a Series are words (a review: refused as "a model's weights")
    assert toolkit.diversity(np.array(topics), n=5) == toolkit.diversity(topics, n=5)
    assert toolkit.diversity([pd.Series(t) for t in topics], n=5) == toolkit.diversity(topics, n=5)


def test_term_functions_refuse_texts_that_are_no_document_text_pairs():
    for texts, what in ((["推进科技创新"], "str items"), ("推进科技创新", "not str;"), (None, "not NoneType")):
        for call in (toolkit.kwic, toolkit.term_counts):
            with pytest.raises(ToolkitError, match=r"texts must be \(document, text\) pairs such as .*" + what):
                call(texts, ["创新"])
    pairs = [({"doc_id": "a", "title": "t", "date": "2020", "year": 2020}, "推进科技创新,创新驱动")]
    assert len(toolkit.kwic(pairs, ["创新"])) == 2
    assert toolkit.term_counts(pairs, ["创新"])["count"].tolist() == [2]
    assert len(toolkit.kwic(iter(pairs), ["创新"])) == 2  # a generator, as the corpus readers give
    # a pair as a list (as JSON gives it back), a document as a pandas Series: pairs too (a review)
    assert len(toolkit.kwic([[pairs[0][0], pairs[0][1]]], ["创新"])) == 2
    assert toolkit.term_counts([(pd.Series(pairs[0][0]), pairs[0][1])], ["创新"])["count"].tolist() == [2]
    # the error's example is a pair the functions take
    example = ({"doc_id": "a", "title": "", "date": "2020", "year": 2020}, "全文")
    assert toolkit.term_counts([example], ["全文"])["count"].tolist() == [1]


def test_build_model_fills_a_partial_section_and_checks_it():
    model = toolkit.build_model({"kind": "lda", "n_topics": 5})
    assert model.n_topics == 5
    with pytest.raises(ToolkitError, match="model.n_topics must be greater than 0"):
        toolkit.build_model({"kind": "lda", "n_topics": 0})
    with pytest.raises(ToolkitError, match="build_model: section must be a \\[model\\] table"):
        toolkit.build_model("lda")
    # every top key but no sub-table of the kind: filled too (a review: KeyError 'seeded', 'max_iter')
    for kind in ("lda", "nmf", "keyatm"):
        assert toolkit.build_model({"kind": kind, "n_topics": 5, "random_state": 1, "n_jobs": 1}).n_topics == 5


def test_load_corpus_refuses_a_window_that_ends_before_it_starts():
    with pytest.raises(ToolkitError, match=r"load_corpus: year_min \(2022\) is after year_max \(2015\)"):
        toolkit.load_corpus(SEEDS, SEEDS / "metadata.csv", year_min=2022, year_max=2015)
    with pytest.raises(ToolkitError, match="load_corpus: year_min must be a year, or 0 for no bound, not '2015'"):
        toolkit.load_corpus(SEEDS, SEEDS / "metadata.csv", year_min="2015")
    kept = toolkit.load_corpus(SEEDS, SEEDS / "metadata.csv", year_min=np.int64(2019), year_max=2022).documents
    assert set(kept.loc[kept["status"] == "used", "year"]) <= set(range(2019, 2023))


# ----- a config or a prepared corpus changed in memory --------------------------------------------------------


def test_a_key_added_in_memory_is_not_blamed_on_the_config_file():
    config = Config.load(SEEDS_CONFIG)
    config["model"]["nosuch"] = 1
    with pytest.raises(ToolkitError, match=r"seeds.toml as changed in memory since it was read: unknown config key model.nosuch"):
        toolkit.run(config, "/nonexistent/never-written")
    again = Config.load(SEEDS_CONFIG).with_values(**{"model.n_topics": 19})
    assert again.source == Config.load(SEEDS_CONFIG).source  # the manifest's config_source is still the file


@pytest.fixture(scope="module")
def prepared():
    config = Config.load(SEEDS_CONFIG, FAST)
    return config, toolkit.prepare(config)


def test_a_lexicon_given_a_word_after_prepare_is_refused_at_fit(prepared):
    """The new keyword had been fitted as absent (count 0) from texts that hold it 3 times: the segmenter, which cuts
    each keyword whole, was made with the lexicon as it was."""
    config, ready = prepared
    lexicon = ready.lexicon
    first = lexicon.themes[0]
    grown = dataclasses.replace(first, words=(*first.words, "热带雨林式"))
    edited = dataclasses.replace(ready, lexicon=dataclasses.replace(lexicon, themes=(grown, *lexicon.themes[1:])))
    with pytest.raises(ToolkitError, match=r"holds 1 word\(s\) or pattern\(s\) the corpus was not segmented with \(热带雨林式\)"):
        toolkit.fit(edited, config)
    patterned = dataclasses.replace(first, patterns=(*first.patterns, "^数字.+$"))
    edited = dataclasses.replace(ready, lexicon=dataclasses.replace(lexicon, themes=(patterned, *lexicon.themes[1:])))
    with pytest.raises(ToolkitError, match=r"not segmented with \(\^数字\.\+\$\)"):
        toolkit.fit(edited, config)
    # a theme left out (fewer words than segmented with) is a lexicon the corpus was cut for: fitted
    fewer = dataclasses.replace(ready, lexicon=dataclasses.replace(lexicon, themes=lexicon.themes[1:]))
    from toolkit.pipeline import check_prepared_with

    check_prepared_with(fewer, config)


def test_counts_of_other_units_are_refused_at_fit_and_a_vocabulary_of_ones_own_is_fitted(prepared):
    config, ready = prepared
    vocabulary, counts, in_model = toolkit.count_units(ready, config)
    # a vocabulary pruned by hand, with its counts: the caller's to choose (a review: refused, and counted again)
    keep = np.array([not word.isdigit() and word != "发展" for word in vocabulary])
    pruned = [w for w, k in zip(vocabulary, keep) if k]
    fitted = toolkit.fit(ready, config, (pruned, counts[:, np.flatnonzero(keep)], in_model))
    assert fitted.vocabulary == pruned and "发展" not in fitted.vocabulary
    shorter = (vocabulary, counts[:-1], np.append(in_model[:-2], [True]))
    with pytest.raises(ToolkitError, match=r"counted is of \d+ units, the prepared corpus has \d+"):
        toolkit.fit(ready, config, shorter)
    with pytest.raises(ToolkitError, match="counted must be what toolkit.count_units"):
        toolkit.fit(ready, config, "counts")
    fitted = toolkit.fit(ready, config, (vocabulary, counts, in_model))
    assert fitted.vocabulary == vocabulary


# ----- a model of the user's under a shipped kind's name --------------------------------------------------------


def test_a_class_registered_under_a_shipped_kind_is_not_described_as_the_shipped_model():
    from toolkit import models
    from toolkit.output.report import methods_paragraph
    from toolkit.pipeline import figure_title

    config = Config.load(SEEDS_CONFIG)
    counts = {"documents_used": 5, "documents_skipped": 0, "units": 144, "tokens": 9000, "vocabulary": 800}
    manifest = {"counts": counts, "versions": {}, "warnings": []}

    class Mine(models.model_class("lda")):
        display_name = "MyLDA"

    shipped = methods_paragraph(config, {**manifest, "model": models.model_provenance("keyatm")})
    assert "keyword-assisted topic model in the manner of keyATM" in shipped
    assert figure_title(config, models.model_class("keyatm")) == config["corpus"]["name"]
    models.register_model("keyatm", Mine)
    try:
        said = methods_paragraph(config, {**manifest, "model": models.model_provenance("keyatm")})
        assert figure_title(config, Mine).endswith("MyLDA")
    finally:
        models.unregister_model("keyatm")
    assert "keyATM" not in said and "Gibbs" not in said and "own vocabulary" not in said
    assert (
        f"a topic model of the user's, model.kind = 'keyatm' ({Mine.__module__}.{Mine.__qualname__}, from register_model)" in said
    )


# ----- a sweep of exploratory kinds only; what a notebook shows -------------------------------------------------


def test_a_sweep_of_lda_and_nmf_names_each_kinds_best_point_not_one_over_both():
    from toolkit.sweeps import SweepResult, recommend

    rows = [
        {"kind": kind, "n_topics": k, "run_id": f"{kind}{k}-{s}", "c_npmi": 0.05 + k / 100 + s / 1e3 + 0.2 * (kind == "nmf"),
         "c_v": 0.5, "stability": 0.4, "diversity": 0.8, "heldout_units": 100, "heldout_tokens": 10000, "perplexity": 900.0,
         "reconstruction_error": None, "fit_note": ""}
        for kind in ("lda", "nmf") for k in (10, 40) for s in range(5)
    ]  # fmt: skip
    text = recommend(pd.DataFrame(rows))
    headline = text.splitlines()[2]
    assert headline.startswith("Per kind (LDA, NMF: coherence compares the points of one kind only): ")
    assert "**LDA with 40 topics** has the highest" in headline and "**NMF with 40 topics** has the highest" in headline
    assert "(only LDA was fitted)" not in headline
    one = recommend(pd.DataFrame(rows).query("n_topics == 10")).splitlines()[2]
    assert "it is the only LDA point: there is no other of its kind" in one and "the only point fitted" not in one
    lda = recommend(pd.DataFrame(rows).query("kind == 'lda'")).splitlines()[2]
    assert lda.startswith("**LDA with 40 topics**") and "(only LDA was fitted)" in lda  # one kind: as before
    shown = repr(SweepResult(ROOT / "runs" / "x", pd.DataFrame(rows), text, 3, pd.DataFrame()))
    where = str(ROOT / "runs" / "x")
    said = f"SweepResult(out_dir={where!r}: 20 runs of 4 grid points, 3 fitted by this call; .table, .recommendation, .timings)"
    assert shown == said


def test_jiebas_dictionary_notices_are_not_printed(capfd):
    """segment.backend = "jieba" printed "Building prefix dict ..." to stderr, twice under a notebook's logging."""
    from toolkit.text.segment import Segmenter

    jieba_logger = logging.getLogger("jieba")
    before = jieba_logger.level
    try:
        jieba_logger.setLevel(logging.DEBUG)  # as jieba sets it on import
        assert Segmenter(backend="jieba").cut("推进科技创新") == ["推进", "科技创新"]
        assert "Prefix dict" not in capfd.readouterr().err
        assert jieba_logger.level == logging.WARNING  # its handler writes to the stderr it found on import
        jieba_logger.setLevel(logging.INFO)  # a level the user set is theirs
        Segmenter(backend="jieba", hmm=True).cut("推进科技创新")
        assert jieba_logger.level == logging.INFO
    finally:
        jieba_logger.setLevel(before)


def test_files_outside_the_window_are_counted_as_one_reason_in_the_error(tmp_path):
    """Each year outside the window was a reason of its own, so "no date" (two files) was named the most common
    reason of a corpus whose three other files lay outside it (a hostile pass of the API)."""
    import shutil

    from toolkit.errors import NoData

    texts = tmp_path / "texts"
    texts.mkdir()
    for path in sorted(SEEDS.glob("*.txt")):
        shutil.copy(path, texts / path.name)
    # without their metadata, two seeds have no date in their text, and three a date before 2030
    with pytest.raises(NoData) as raised:
        toolkit.load_corpus(texts, None, year_min=2030)
    assert "(most common reason: year " in str(raised.value) and "outside the window 2030-any" in str(raised.value)
