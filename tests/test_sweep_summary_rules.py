"""The sweep's summary on small constructed tables (no fit): which point the recommendation names best, which it
calls indistinguishable or tied, and the notes on what its scores rest on, as docs/methods.md (the sweep) says.
Each test was written against a mutant of toolkit/sweeps.py that every other fast test let pass (mutation audit 35).
"""

import json

import pandas as pd

from toolkit.sweeps import _collect, _in_grid_order, recommend


def _runs(kind, k, npmis, stability=0.5, **extra):
    """The runs of one grid point, one per seed, as sweep.csv's rows: ``extra`` holds other columns (settings,
    held-out counts, empty_topics)."""
    tag = "".join(f"-{v}" for k_, v in extra.items() if "." in k_)
    return [
        {"kind": kind, "n_topics": k, "run_id": f"{kind}{k}{tag}-{s}", "c_npmi": npmi, "c_v": 0.5,
         "stability": stability, "diversity": 0.8, **extra}
        for s, npmi in enumerate(npmis)
    ]  # fmt: skip


def _line(text, start):
    return next(line for line in text.splitlines() if line.startswith(start))


def test_the_edge_of_the_grid_is_read_among_the_points_of_the_bests_own_model_setting():
    """A model setting (model.lda.passes) is no preprocessing: its points are ranked together, and whether the best
    K is the grid's smallest is read among the Ks of the best's own setting (K = 7 is the smallest with passes = 8,
    whatever passes = 4 tried)."""
    table = pd.DataFrame(
        _runs("lda", 5, [0.01, 0.02, 0.015], **{"model.lda.passes": 4})
        + _runs("lda", 6, [0.01, 0.02, 0.015], **{"model.lda.passes": 4})
        + _runs("lda", 7, [0.10, 0.11, 0.105], **{"model.lda.passes": 8})
        + _runs("lda", 8, [0.05, 0.06, 0.055], **{"model.lda.passes": 8})
    )
    text = recommend(table)
    assert "varies the preprocessing" not in text
    line = _line(text, "- LDA")
    assert line.startswith("- LDA: K = 7 (model.lda.passes=8) has the highest mean NPMI")
    assert "K = 7 is the smallest number of topics the grid tried: a better one may lie below it" in line


def test_a_preprocessing_setting_of_one_value_is_no_varied_preprocessing():
    """A grid that sets vocab.min_df to one value compares its points as any grid: a best point is named."""
    table = pd.DataFrame(
        _runs("lda", 5, [0.05, 0.06, 0.07], **{"vocab.min_df": 2}) + _runs("lda", 6, [0.01, 0.02, 0.015], **{"vocab.min_df": 2})
    )
    headline = recommend(table).splitlines()[2]
    assert headline.startswith("**LDA with 5 topics (vocab.min_df=2)** has the highest mean coherence"), headline


def test_a_kinds_seeds_that_gave_one_run_are_said_so_beside_another_kinds_held_out_score():
    """A sweep of LDA and NMF: LDA has perplexity, NMF reconstruction error, each empty for the other kind. NMF's
    three seeds of the same topics and scores are still one run (a kind's missing score is no difference between
    its seeds); seeds that differ in reconstruction error alone are not."""
    rows = _runs("lda", 5, [0.05, 0.06, 0.07], perplexity=500.0, reconstruction_error=float("nan"))
    rows += _runs("lda", 6, [0.04, 0.05, 0.06], perplexity=520.0, reconstruction_error=float("nan"))
    nmf = _runs("nmf", 5, [0.2, 0.2, 0.2], stability=1.0, perplexity=float("nan"), reconstruction_error=0.9)
    nmf += _runs("nmf", 6, [0.1, 0.1, 0.1], stability=1.0, perplexity=float("nan"), reconstruction_error=0.8)
    text = recommend(pd.DataFrame(rows + nmf), heldout=["perplexity", "reconstruction_error"])
    assert "Its 3 seeds gave the same topics and scores" in _line(text, "- NMF")
    assert "gave the same" not in _line(text, "- LDA")
    apart = [{**row, "reconstruction_error": 0.8 + i / 100} for i, row in enumerate(nmf)]
    text = recommend(pd.DataFrame(rows + apart), heldout=["perplexity", "reconstruction_error"])
    assert "gave the same topics and scores" not in text


def test_a_point_without_coherence_is_neither_ranked_nor_the_reason_to_rank_nothing():
    """One point's NPMI undefined, another's defined over one of its two seeds: the scored point is named best, its
    range over the one seed that has a score, and the other point is not ranked; with every scored point holding
    empty topics, the unscored point (whose topics all drew words) is still not named best."""
    rows = _runs("lda", 5, [0.06, float("nan")]) + _runs("lda", 6, [float("nan"), float("nan")])
    text = recommend(pd.DataFrame(rows))
    headline = text.splitlines()[2]
    assert headline.startswith("**LDA with 5 topics** has the highest mean coherence (NPMI 0.0600, range over 1 seed ")
    assert "the only point fitted" not in headline and "No point's coherence" not in text
    assert "- LDA: K = 6: no coherence could be computed" in text and "nan" not in text
    empty = pd.DataFrame(
        _runs("lda", 5, [0.06, 0.07], empty_topics=1) + _runs("lda", 6, [float("nan"), float("nan")], empty_topics=0)
    )
    assert recommend(empty).splitlines()[2].startswith("**LDA with 5 topics** has the highest mean coherence")


def test_seeds_that_gave_one_run_are_compared_by_no_range():
    """The best point's seeds gave one run: the headline says so, and says nothing of other ranges reaching it or
    not (one run has no range)."""
    table = pd.DataFrame(_runs("nmf", 5, [0.2, 0.2, 0.2], stability=1.0) + _runs("nmf", 6, [0.1, 0.12, 0.15]))
    headline = recommend(table).splitlines()[2]
    assert "Its 3 seeds gave the same topics and scores: they are one run" in headline
    assert "reaches it" not in headline and "indistinguishable" not in headline


def test_a_point_fitted_with_few_seeds_makes_any_range_no_evidence():
    """Ranges tell points apart only when every point has enough seeds: a best of five seeds above a point of two
    is no evidence."""
    five = [0.10, 0.101, 0.102, 0.103, 0.104]
    table = pd.DataFrame(_runs("lda", 5, five) + _runs("lda", 6, [0.01, 0.02]))
    headline = recommend(table).splitlines()[2]
    assert "no other point's range reaches it, but over 2 seeds that is no evidence" in headline


def test_the_chance_that_ranges_fall_apart_is_the_combinatorial_one():
    """All of n seeds above all of another point's n by chance: 1 in C(2n, n), 6 for two seeds, 70 for four."""
    for seeds, chance in ((2, "one in six"), (4, "one in seventy")):
        a = [0.10 + i / 1000 for i in range(seeds)]
        b = [0.01 + i / 1000 for i in range(seeds)]
        text = recommend(pd.DataFrame(_runs("lda", 5, a) + _runs("lda", 6, b)))
        assert f"happens by chance {chance}" in text.splitlines()[2], seeds


def test_points_of_higher_npmi_holding_empty_topics_are_named_by_higher_npmi_only():
    """Only points of higher mean NPMI than the best are said to be "of higher mean NPMI"; a point whose
    empty_topics is not recorded (a run fitted before the column) is no point holding empty topics."""
    rows = _runs("lda", 10, [0.05, 0.06, 0.07], empty_topics=0) + _runs("lda", 40, [0.05, 0.06, 0.07], empty_topics=2)
    text = recommend(pd.DataFrame(rows))
    assert text.splitlines()[2].startswith("**LDA with 10 topics**")
    assert "Of higher mean NPMI" not in text
    older = _runs("lda", 10, [0.01, 0.02, 0.03], empty_topics=0) + _runs("lda", 40, [0.08, 0.09, 0.10])
    older = pd.DataFrame(older)  # K = 40's runs lack the column: NaN
    assert recommend(older).splitlines()[2].startswith("**LDA with 40 topics**")


def test_empty_topics_are_counted_per_kind():
    rows = _runs("lda", 10, [0.05, 0.06, 0.07], empty_topics=0) + _runs("lda", 40, [0.08, 0.09, 0.10], empty_topics=1)
    nmf = _runs("nmf", 10, [0.2, 0.21, 0.22], empty_topics=0) + _runs("nmf", 40, [0.1, 0.11, 0.12], empty_topics=0)
    rows += [{**row, "empty_topics": 3 if row["run_id"] == "nmf40-2" else 0} for row in nmf]
    text = recommend(pd.DataFrame(rows))
    assert "- 3 of 6 LDA runs hold topics that drew fewer than two words (up to 1 of 40;" in text
    assert "- 1 of 6 NMF runs hold topics that drew fewer than two words (up to 3 of 40;" in text


def test_the_held_out_share_is_said_only_when_the_fits_have_less_than_half_and_names_the_smallest_fit():
    rows = _runs("lda", 5, [0.05, 0.06, 0.07]) + _runs("lda", 6, [0.04, 0.05, 0.06])
    half = pd.DataFrame(rows).assign(holdout=0.5, heldout_units=15, fitted_units=15, heldout_tokens=5000, perplexity=500.0)
    assert "fits the sweep's models" not in recommend(half, heldout=["perplexity"])
    uneven = pd.DataFrame(rows).assign(
        holdout=0.9, heldout_units=[27, 27, 27, 18, 18, 18], fitted_units=[3, 3, 3, 2, 2, 2], heldout_tokens=5000
    )
    assert "- sweep.holdout = 0.9 fits the sweep's models on 2 of 20 units" in recommend(uneven.assign(perplexity=500.0))


def test_a_run_read_back_names_its_id_then_the_grid_in_the_grids_order_then_its_scores():
    """metrics.json of a run an earlier sweep fitted is rewritten as this sweep writes it: run id, this grid's keys
    in this grid's order (not the order the file had), then the scores."""
    metrics = {"run_id": "r1", "c_npmi": 0.05, "model.n_topics": 5, "kind": "lda", "model.kind": "lda", "stability": 0.5}
    combo = {"model.kind": "lda", "model.n_topics": 5}
    assert list(_in_grid_order(metrics, combo)) == ["run_id", "model.kind", "model.n_topics", "c_npmi", "kind", "stability"]


def test_a_grid_setting_of_whole_and_fractional_values_is_read_back_as_written(tmp_path):
    """vocab.max_df = 1 and 0.5 (a whole number beside a fraction): the table keeps both, not a failed cast to
    whole numbers; a table of settings is one cell whatever its key order."""
    runs = []
    for value in (1, 0.5):
        for seed in (1, 2):
            combo = {"model.kind": "lda", "model.n_topics": 4, "vocab.max_df": value, "model.random_state": seed,
                     "model.lda": {"passes": 2, "iterations": 50} if seed == 1 else {"iterations": 50, "passes": 2}}  # fmt: skip
            rid = f"r{value}{seed}"
            folder = tmp_path / "runs" / rid
            folder.mkdir(parents=True)
            metrics = {"run_id": rid, "kind": "lda", "n_topics": 4, "random_state": seed, "c_npmi": 0.05 * seed,
                       "c_v": 0.5, "diversity": 0.8}  # fmt: skip
            (folder / "metrics.json").write_text(json.dumps(metrics), encoding="utf-8")
            (folder / "topics.json").write_text(json.dumps({"top_words": [["a", "b"]], "themes": ["x"]}), encoding="utf-8")
            runs.append((combo, None, rid, "key"))
    table, _ = _collect(tmp_path, runs)
    assert table["vocab.max_df"].tolist() == [1, 1, 0.5, 0.5]
    assert table["model.lda"].nunique() == 1


def test_ranges_and_runs_at_their_limits_in_each_kinds_line():
    """Seeds 0.0005 apart are two runs, not one; five seeds above every other point's range is said without "no
    evidence"; a lone point of two different seeds is not one run; a best point whose seeds gave one run is not
    said to overlap the others' ranges (it has none)."""
    apart = recommend(pd.DataFrame(_runs("lda", 5, [0.0500, 0.0505], stability=1.0) + _runs("lda", 6, [0.01, 0.02])))
    assert "gave the same topics and scores" not in apart
    five = _runs("lda", 5, [0.10, 0.101, 0.102, 0.103, 0.104]) + _runs("lda", 6, [0.01, 0.011, 0.012, 0.013, 0.014])
    line = _line(recommend(pd.DataFrame(five)), "- LDA")
    assert "Its seed range lies above every other point's" in line and "no evidence" not in line
    alone = _line(recommend(pd.DataFrame(_runs("lda", 5, [0.05, 0.06]))), "- LDA")
    assert "gave the same" not in alone and "one seed" not in alone
    one_run = _runs("nmf", 5, [0.06, 0.06, 0.06], stability=1.0)
    one_run += _runs("nmf", 6, [0.05, 0.06, 0.055]) + _runs("nmf", 7, [0.055, 0.06, 0.058])
    line = _line(recommend(pd.DataFrame(one_run)), "- NMF")
    assert "Its 3 seeds gave the same topics and scores" in line and "does not single out" not in line


def test_a_point_skipped_for_its_preprocessing_does_not_silence_the_advice_to_extend_the_grid():
    """A point below the best K skipped because its settings leave no text to read says nothing of the Ks the kind
    can fit: the advice to go below the grid's smallest K stands."""
    from toolkit.sweeps import UNREAD

    table = pd.DataFrame(_runs("lda", 5, [0.06, 0.07, 0.065]) + _runs("lda", 6, [0.03, 0.04, 0.035]))
    skipped = [({"model.kind": "lda", "model.n_topics": 3, "model.random_state": 1}, f"{UNREAD}: corpus.year_min")]
    text = recommend(table, skipped)
    assert "K = 5 is the smallest number of topics the grid tried: a better one may lie below it" in text
