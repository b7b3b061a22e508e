"""Rules of the intervals and change tables, each by hand or as a property (mutation audit 12 of
toolkit.analysis.uncertainty and toolkit.analysis.trends: every test here failed on a mutation that passed the
other tests)."""

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm, t

from toolkit.analysis.trends import NOT_MEASURED, ShareModel, yearly_trends
from toolkit.analysis.uncertainty import Cells, Documents, Replicates, difference_sd, document_variance, replicate

THEMES = ["生态", "other"]


def _documents(paragraphs):
    """Documents of paragraphs (tokens, share of the first theme) listed per document, one member."""
    ids = np.concatenate([[d] * len(p) for d, p in enumerate(paragraphs)])
    tokens = np.array([w for p in paragraphs for w, _ in p], dtype=float)
    share = np.array([s for p in paragraphs for _, s in p])
    return Documents.of(ids, tokens, np.stack([share, 1 - share], axis=1)[None])


def _two(centre, spread=0.02, tokens=10.0):
    """Two paragraphs of ``tokens`` at ``centre`` +- ``spread``: unit noise 2 (tokens spread)^2 / (tokens * 2 tokens),
    0.0004 for the default."""
    return [(tokens, centre - spread), (tokens, centre + spread)]


def _frame(rows):
    """Units (year, doc_id, n_tokens, share of 生态) as yearly_trends takes them, and their member shares."""
    units = pd.DataFrame([{"year": y, "doc_id": d, "n_tokens": w} for y, d, w, _ in rows])
    share = np.array([s for *_, s in rows])
    return units.assign(in_model=True, 生态=share, other=1 - share), np.stack([share, 1 - share], axis=1)[None]


def test_a_share_and_a_document_share_are_the_mean_of_the_ensembles_members():
    """Three members that see 生态 differently in a document of a 10- and a 30-token paragraph: (0.1, 0.2, 0.6) and
    (0, 0.5, 0.7). The document's share per member is 0.025, 0.425 and 0.675; the table's share and the document
    share the document level is estimated from are their mean, 0.375 (the median, 0.425, passed the trends tests)."""
    units = pd.DataFrame({"year": [2020, 2020], "doc_id": ["国发〔2020〕1号"] * 2, "n_tokens": [10, 30]})
    ecology = np.array([[0.1, 0.0], [0.2, 0.5], [0.6, 0.7]])
    members = np.stack([ecology, 1 - ecology], axis=2)
    model = ShareModel(units, members, THEMES, n_boot=0)
    row = model.table(["year"])[0].set_index("theme").loc["生态"]
    assert row["share"] == pytest.approx(0.375)
    assert (row["seed_min"], row["seed_max"]) == (pytest.approx(0.025), pytest.approx(0.675))
    assert model.documents.document_shares()[0][0, 0] == pytest.approx(0.375)


def test_a_documents_unit_noise_blends_its_own_with_the_pool_by_their_degrees_of_freedom():
    """Documents.unit_variance by hand: A of two 10-token paragraphs (0.28, 0.32), B of three (0.1, 0.3, 0.5). Their
    own estimates are the sample variance of the paragraphs over their number, 0.0008 / 2 and 0.08 / 6, of 1 and 2
    degrees of freedom; the pool is s2 = 10 (0.0008 + 0.08) / 3 per token, worth min(10, 3) = 3, so A's blend is
    (1 x 0.0004 + 3 x s2 / 20) / 4 and B's (2 x 0.08 / 6 + 3 x s2 / 30) / 5. Counting n rather than n - 1 degrees of
    freedom per document passed every test (a mutation audit)."""
    documents = _documents([[(10.0, 0.28), (10.0, 0.32)], [(10.0, 0.1), (10.0, 0.3), (10.0, 0.5)]])
    s2 = 10 * (0.0008 + 0.08) / 3
    expected = [(1 * 0.0008 / 2 + 3 * s2 / 20) / 4, (2 * 0.08 / 6 + 3 * s2 / 30) / 5]
    np.testing.assert_allclose(documents.unit_variance()[:, 0], expected, rtol=1e-9)


def test_the_pooled_unit_noise_is_that_of_the_documents_of_the_pooled_cells():
    """A cell's pool subtracts the mean unit noise of the documents whose spread it pools (those in cells of two
    documents or more), not of every document: eleven years of two reports (0.1 apart, noise 0.0004 each) and four
    years of one report of two 40-token paragraphs 0.02 apart (noise 0.0001, the same spread per token, so no
    document's noise is shrunk). A year of two pools the other ten years, eleven degrees of freedom: 0.005 - 0.0004,
    as is its own estimate. Counting the one-report years' noise in the mean passed every test (a mutation audit)."""
    pairs = [_two(c) for k in range(11) for c in (0.2 + 0.01 * k, 0.3 + 0.01 * k)]
    singles = [_two(0.25 + 0.05 * k, spread=0.01, tokens=40.0) for k in range(4)]
    documents = _documents(pairs + singles)
    np.testing.assert_allclose(documents.unit_variance()[:, 0], [0.0004] * 22 + [0.0001] * 4, rtol=1e-9)
    cells = Cells(list(range(15)), [np.array([2 * k, 2 * k + 1]) for k in range(11)] + [np.array([22 + k]) for k in range(4)])
    variance, weight, df, basis = document_variance(documents, cells)
    assert df[0] == 11 and weight[0] == pytest.approx(1 / 11) and basis[0] == "within cells"
    np.testing.assert_allclose(variance[:11, 0], 0.005 - 0.0004, rtol=1e-9)


def test_the_order_a_cell_lists_its_documents_in_does_not_matter():
    """A cell is a set of documents: listed in another order, its document level is the same, its own documents
    still left out of its pool (keyed by its documents in any order; unsorted, the pool took the cell in)."""
    documents = _documents([_two(0.1), _two(0.3), _two(0.5), _two(0.2), _two(0.32), _two(0.25), _two(0.26)])
    sorted_cells = Cells([2001, 2002, 2003], [np.array([0, 1, 2]), np.array([3, 4]), np.array([5, 6])])
    listed = Cells([2001, 2002, 2003], [np.array([2, 0, 1]), np.array([4, 3]), np.array([6, 5])])
    for a, b in zip(document_variance(documents, sorted_cells), document_variance(documents, listed)):
        np.testing.assert_array_equal(a, b)


def test_a_moment_estimate_below_zero_counts_as_no_variance_in_the_pool():
    """Each estimate the pool weighs is a variance, at least zero, before the weighting: a negative one (documents
    differing less than their unit noise implies) does not cancel the other's.

    Consecutive documents: five years, 2003 of two documents (0.30, 0.34), the others one at 0.30, each document two
    10-token paragraphs 0.04 apart (noise 0.0004). Half the mean squared consecutive difference, 0.0032 / 5 / 2, is
    below the noise: 0. A year of one pools 2003's 0.0008 - 0.0004 (one degree of freedom) with three of consecutive
    differences: 0.0004 / 4. Within cells: a cell of three (0.1, 0.3, 0.5) among twelve pairs of equal documents
    (0 - 0.0004: 0), weight 2 / 12 on its own 0.0396. Either estimate left unfloored passed every test."""
    documents = _documents([_two(0.3), _two(0.3), _two(0.3), _two(0.34), _two(0.3), _two(0.3)])
    cells = Cells([2001, 2002, 2003, 2004, 2005], [np.array([0]), np.array([1]), np.array([2, 3]), np.array([4]), np.array([5])])
    variance, weight, df, basis = document_variance(documents, cells)
    assert basis[0] == "within cells and consecutive documents" and df[0] == 4 and weight[0] == 0
    np.testing.assert_allclose(variance[[0, 1, 3, 4], 0], 0.0004 / 4, rtol=1e-9)

    documents = _documents([_two(0.1), _two(0.3), _two(0.5)] + [_two(0.3)] * 24)
    cells = Cells(list(range(13)), [np.array([0, 1, 2]), *(np.array([3 + 2 * k, 4 + 2 * k]) for k in range(12))])
    variance, weight, df, _ = document_variance(documents, cells)
    assert weight[0] == pytest.approx(2 / 12) and df[0] == 12
    np.testing.assert_allclose(variance[0, 0], 2 / 12 * (0.04 - 0.0004), rtol=1e-9)


def test_a_report_of_two_paragraphs_is_a_document_of_several():
    """Among one-paragraph notices, a year of reports pools over reports only; a report of two paragraphs is one of
    them (its paragraphs resample). Twelve years of two two-paragraph reports (0.1 apart, noise 0.0004) and a year
    of two notices (0.1, 0.5): each report year's pool is the other eleven years, 0.005 - 0.0004, as is its own
    estimate. Two paragraphs read as one (``> 2``), the notices' spread entered every report year's pool."""
    reports = [_two(c) for k in range(12) for c in (0.2 + 0.01 * k, 0.3 + 0.01 * k)]
    documents = _documents(reports + [[(10.0, 0.1)], [(10.0, 0.5)]])
    cells = Cells(list(range(13)), [np.array([2 * k, 2 * k + 1]) for k in range(12)] + [np.array([24, 25])])
    variance, weight, df, _ = document_variance(documents, cells)
    assert (df[:12] == 11).all()
    np.testing.assert_allclose(variance[:12, 0], 0.005 - 0.0004, rtol=1e-9)


def test_a_change_sd_is_that_of_the_difference_of_two_cells_that_move_together():
    """difference_sd by hand: two cells whose replicates move together (0.2, 0.4, 0.3 and 0.3, 0.5, 0.4) differ by
    0.1 in each, no spread; their sum would have an sd of 0.2. And so a second member that sees 0.05 more 生态 in
    every paragraph widens each year's interval but not the change's: the same member is drawn in both years."""
    values = np.array([[0.2, 0.3], [0.4, 0.5], [0.3, 0.4]])[:, :, None]
    replicates = Replicates(values, ["none"] * 2, np.zeros(2), np.zeros(2), np.zeros((2, 1)))
    assert difference_sd(replicates, 0, 1)[0] == pytest.approx(0.0, abs=1e-12)

    rng = np.random.default_rng(3)
    rows = []
    for year, level in ((2014, 0.3), (2015, 0.4)):
        for d in range(4):
            document = level + rng.normal(0, 0.03)
            rows += [(year, f"{year}-{d}", 30, float(np.clip(rng.normal(document, 0.05), 0.1, 0.8))) for _ in range(10)]
    units, shares = _frame(rows)
    shifted = shares.copy()
    shifted[0, :, 0] += 0.05
    shifted[0, :, 1] -= 0.05
    change_sd, year_sd = [], []
    for members in (shares, np.concatenate([shares, shifted])):
        model = ShareModel(units, members, THEMES, n_boot=400)
        change_sd.append(model.change(["year"], (2014,), (2015,)).set_index("theme").loc["生态", "change_sd"])
        year_sd.append(model.table(["year"])[0].set_index(["year", "theme"]).loc[(2014, "生态"), "share_sd"])
    assert year_sd[1] > 1.3 * year_sd[0]  # the seed spread is in each year's interval ...
    assert change_sd[1] == pytest.approx(change_sd[0], rel=0.05)  # ... and cancels in the change


@pytest.mark.parametrize("level", [0.8, 0.99])
def test_the_replicates_are_widened_at_the_intervals_level(level):
    """The t widening of the replicates is that of the intervals' own level (t(df) / z at 0.5 + level / 2), not of
    95%: at 0.8 and 0.99 the replicates' variance is that of test_trends_uncertainty's hand computation widened by
    (t / z)^2 at that level (a widening fixed at 95% passed every test: a mutation audit)."""

    def paragraphs(n):  # deviations of sample variance 0.00025
        spread = np.linspace(-1, 1, n)
        return spread * np.sqrt(0.00025 / spread.var(ddof=1))

    centres = [(0.30, 2), (0.32, 6), (0.50, 2), (0.52, 6)]
    documents = _documents([[(20.0, c + s) for s in paragraphs(n)] for c, n in centres])
    v = np.array([0.00025 / n for _, n in centres])
    cells = Cells([2001, 2002], [np.array([0, 1]), np.array([2, 3])])
    replicates = replicate(documents, cells, 100_000, 3, level=level)
    q = 0.5 + level / 2
    widen = t.ppf(q, 2) / norm.ppf(q)
    moment = [np.var([centres[d][0] for d in docs], ddof=1) - v[docs].mean() for docs in cells.documents]
    for c, docs in enumerate(cells.documents):
        a = np.array([centres[d][1] for d in docs]) / sum(centres[d][1] for d in docs)
        expected = widen**2 * ((moment[c] + moment[1 - c]) / 2 * (a**2).sum() + (a**2 * v[docs]).sum())
        assert replicates.values[:, c, 0].var(ddof=1) == pytest.approx(expected, rel=0.02)


@pytest.mark.parametrize("level", [0.95, 0.8])
def test_a_shares_interval_is_the_share_plus_or_minus_z_standard_deviations(level):
    """Where not cut at 0 or 1, a share's interval is share -+ z sd at the table's level, symmetric (the upper end at
    share + sd passed every test: a mutation audit)."""
    rng = np.random.default_rng(4)
    rows = []
    for year, level_of_year in ((2014, 0.3), (2015, 0.35), (2016, 0.4)):
        for d in range(3):
            document = level_of_year + rng.normal(0, 0.03)
            rows += [(year, f"{year}-{d}", 25, float(rng.normal(document, 0.05))) for _ in range(8)]
    units, shares = _frame(rows)
    table = ShareModel(units, shares, THEMES, n_boot=200, level=level).table(["year"])[0]
    assert ((table["share_low"] > 0) & (table["share_high"] < 1)).all()
    z = norm.ppf(0.5 + level / 2)
    np.testing.assert_allclose(table["share_high"] - table["share"], z * table["share_sd"], rtol=1e-9)
    np.testing.assert_allclose(table["share"] - table["share_low"], z * table["share_sd"], rtol=1e-9)


def test_a_year_without_documents_says_nothing_of_how_its_interval_was_made():
    """A gap is a gap for every theme: a year without documents has no share and an empty interval_basis, a theme
    not measured in the corpus (外交: no share in any unit) too; the years with documents say it is not measured."""
    rows = [(y, f"{y}-{d}", 20, 0.2 + 0.1 * d) for y in (2014, 2016) for d in range(2)]
    units = pd.DataFrame([{"year": y, "doc_id": d, "n_tokens": w} for y, d, w, _ in rows])
    share = np.array([s for *_, s in rows])
    members = np.stack([share, np.zeros_like(share), 1 - share], axis=1)[None]
    table = ShareModel(units, members, ["生态", "外交", "other"], n_boot=50).table(["year"], [(2014,), (2015,), (2016,)])[0]
    gap = table[table["year"] == 2015]
    assert gap["share"].isna().all() and (gap["interval_basis"] == "").all()
    held = table[(table["year"] != 2015) & (table["theme"] == "外交")]
    assert (held["interval_basis"] == NOT_MEASURED).all()


def test_a_change_of_four_degrees_of_freedom_is_not_warned_of(caplog):
    """FEW_DEGREES is 4: below it a change table is warned of. Two years of three documents: each year's own two
    degrees of freedom and the other year's two, four, and no warning (``<=`` warned of it)."""
    rng = np.random.default_rng(2)
    rows = [
        (year, f"{year}-{d}", 30, float(rng.normal(level + 0.02 * d, 0.03)))
        for year, level in ((2014, 0.2), (2015, 0.3))
        for d in range(3)
        for _ in range(6)
    ]
    units, _ = _frame(rows)
    with caplog.at_level("WARNING", logger="toolkit"):
        trends = yearly_trends(units, np.zeros((len(units), 1)), THEMES, window=(2014, 2015), bootstrap=50)
    assert set(trends.change["df"]) == {4.0}
    assert "degrees of freedom" not in caplog.text


def test_a_document_level_wholly_from_its_own_documents_names_no_pool():
    """A year of two documents beside a year of one: the pair's pool (the other year, less one document: nothing)
    gives no degree of freedom, so its document level is its own alone, and its interval_basis says so without a
    "0% pooled over the table's cells"; the single year's comes from the pair."""
    units, shares = _frame([(2001, "a", 20, 0.2), (2001, "b", 20, 0.3), (2002, "c", 20, 0.4)])
    table = ShareModel(units, shares, THEMES, n_boot=50).table(["year"])[0].set_index(["year", "theme"])
    pair, single = table.loc[(2001, "生态"), "interval_basis"], table.loc[(2002, "生态"), "interval_basis"]
    assert "from its documents" in pair and "pooled" not in pair and "%" not in pair  # the rule, not the wording
    assert "pooled" in single


def test_a_period_of_one_year_is_a_period():
    """trends.periods takes [first year, last year], the first no later than the last: a period of one year (2021
    alone) is one; a span written backwards is refused."""
    from toolkit.config import Config
    from toolkit.errors import ToolkitError

    config = Config.from_dict({"trends": {"periods": {"十三五": [2016, 2020], "2021年": [2021, 2021]}}})
    assert config["trends"]["periods"]["2021年"] == [2021, 2021]
    with pytest.raises(ToolkitError, match="must be \\[first year, last year\\]"):
        Config.from_dict({"trends": {"periods": {"十四五": [2025, 2021]}}})


def test_the_default_change_spans_the_years_with_data_when_one_year_has_two_documents():
    """change_from and change_to default to the first and last years of two documents or more when two such years
    exist, else to the first and last years with data: with 2015 the only year of two, 2014 -> 2016 (the years of
    two alone gave 2015 -> 2015, and no change table)."""
    rows = [(2014, "a", 20, 0.2), (2015, "b", 20, 0.3), (2015, "c", 20, 0.35), (2016, "d", 20, 0.5)]
    units, _ = _frame(rows)
    trends = yearly_trends(units, np.zeros((len(units), 1)), THEMES, window=(2014, 2016), bootstrap=50)
    assert set(zip(trends.change["from"], trends.change["to"])) == {(2014, 2016)}


def test_a_resample_that_draws_only_tokenless_paragraphs_is_no_replicate():
    """A one-document year of a 30-token paragraph and an empty one (no tokens): a quarter of the replicates draw the
    empty one twice, a share of 0 / 0. Those replicates are left out (NaN, as the kernel writes them), not an error,
    and the year's share is its paragraph's."""
    units, shares = _frame([(2001, "a", 0, 0.9), (2001, "a", 30, 0.2), (2002, "b", 20, 0.3), (2002, "c", 20, 0.4)])
    table = ShareModel(units, shares, THEMES, n_boot=200).table(["year"])[0].set_index(["year", "theme"])
    assert table.loc[(2001, "生态"), "share"] == pytest.approx(0.2)
    assert np.isfinite(table.loc[(2001, "生态"), "share_sd"])


def test_a_group_of_one_document_borrows_nothing_where_no_document_level_is_estimated():
    """From a hostile pass (two groups of one document each): every group_change.csv note said the between-document
    variance was "borrowed from the other groups' documents" beside "the interval counts units only" (no other
    document to borrow from). Where the change rests on units only, that note alone; else the borrowing is said,
    and no change is called clear either way."""
    from toolkit.analysis.trends import NO_DOCUMENT_LEVEL, ONE_DOCUMENT_GROUP, _one_document_group

    change = pd.DataFrame(
        {
            "theme": ["生态", "创新"],
            "documents_from": [1, 1],
            "documents_to": [1, 3],
            "clear": [False, True],
            "note": [NO_DOCUMENT_LEVEL, ""],
        }
    )
    noted = _one_document_group(change)
    assert noted["note"].tolist() == [NO_DOCUMENT_LEVEL, ONE_DOCUMENT_GROUP]
    assert not noted["clear"].any()


def test_the_one_document_group_warning_is_given_only_where_another_documents_variance_is_borrowed(caplog):
    """Two places of one document each (one paragraph-rich report each): no document level is estimated at all, so
    the run warned that the variance was "borrowed from the other groups' documents" beside notes that said the
    interval counts units only (a hostile pass). With a third place of three documents there is one to borrow, and
    the warning names the single group."""
    rows = [(2020, place, 30, 0.2 + 0.1 * k) for place in ("武汉", "安庆") for k in range(4)]
    units, _ = _frame(rows)
    units["place"] = units["doc_id"]
    with caplog.at_level("WARNING", logger="toolkit"):
        trends = yearly_trends(units, np.zeros((len(units), 1)), THEMES, window=(2020, 2020), bootstrap=50, by="place")
    assert trends.group_change["note"].str.contains("counts units").all()
    assert "borrowed from the other groups" not in caplog.text and "borrowed from the other groups" not in " ".join(
        trends.group_change["note"]
    )
    caplog.clear()
    more = [(2020, f"合肥{d}", 30, 0.3 + 0.05 * d) for d in range(3) for _ in range(2)]
    units, _ = _frame(rows + more)
    units["place"] = units["doc_id"].str.replace(r"\d", "", regex=True)
    with caplog.at_level("WARNING", logger="toolkit"):
        yearly_trends(
            units, np.zeros((len(units), 1)), THEMES, window=(2020, 2020), bootstrap=50, by="place", compare=["武汉", "安庆"]
        )
    assert "and 武汉 and 安庆 each hold one document: its between-document variance is borrowed" in caplog.text


def _cross_section(names):
    """Eight provinces' reports of one year (2021), two 40-token paragraphs each at a centre +- 0.03, named ``names``."""
    provinces = ["北京", "上海", "广东", "江苏", "浙江", "四川", "湖北", "河南"]
    centres = [0.08, 0.31, 0.12, 0.27, 0.35, 0.06, 0.19, 0.22]
    rows = [(p, n, s) for p, n, c in zip(provinces, names, centres) for s in (c - 0.03, c + 0.03)]
    share = np.array([s for *_, s in rows])
    units = pd.DataFrame({"year": 2021, "doc_id": [n for _, n, _ in rows], "n_tokens": 40, "place": [p for p, *_ in rows]})
    units = units.assign(in_model=True, 生态=share, other=1 - share)
    return ShareModel(units, np.stack([share, 1 - share], axis=1)[None], THEMES, n_boot=0)


def test_the_document_level_of_a_cross_section_does_not_depend_on_the_names_of_its_files():
    """Documents of one date have no order: the document level drawn from consecutive documents is their spread,
    whatever their file names. Ordered by doc_id within the date, renaming the same eight reports moved every
    province's document variance from 0.0141 to 0.0089 (a hostile pass: one province's sd 0.023 against 0.037)."""
    named = _cross_section([f"{p}2021.txt" for p in ["北京", "上海", "广东", "江苏", "浙江", "四川", "湖北", "河南"]])
    numbered = _cross_section([f"{i:02d}.txt" for i in (5, 3, 7, 1, 8, 2, 6, 4)])
    variances = [document_variance(m.documents, m.cells(["place"]))[0][:, 0] for m in (named, numbered)]
    np.testing.assert_allclose(variances[0], variances[1], rtol=1e-12)
    doc_share = named.documents.document_shares()[0][:, 0]
    expected = doc_share.var(ddof=1) - named.documents.unit_variance()[:, 0].mean()  # every pair of one date alike
    np.testing.assert_allclose(variances[0], expected, rtol=1e-9)


def test_consecutive_documents_of_tied_dates_are_every_order_of_them_on_average():
    """_consecutive_msd against brute force: the plain half mean squared successive difference averaged over every
    order of the documents within each date (dates of one, two and three documents)."""
    import itertools

    from toolkit.analysis.uncertainty import _consecutive_msd

    rng = np.random.RandomState(7)
    dates = np.array([0, 1, 1, 2, 3, 3, 3])
    shares = rng.uniform(0, 1, (len(dates), 2))
    blocks = [np.flatnonzero(dates == d) for d in np.unique(dates)]
    orders = [np.concatenate(p) for p in itertools.product(*(itertools.permutations(b) for b in blocks))]
    brute = np.mean([(np.diff(shares[o], axis=0) ** 2).mean(axis=0) / 2 for o in orders], axis=0)
    np.testing.assert_allclose(_consecutive_msd(shares, dates), brute, rtol=1e-12)
    distinct = np.arange(len(dates))  # no ties: the plain mean, in the given order
    np.testing.assert_allclose(_consecutive_msd(shares, distinct), (np.diff(shares, axis=0) ** 2).mean(axis=0) / 2)


def test_a_date_of_a_month_or_a_year_has_no_order_against_the_days_within_it():
    """Dates of mixed precision (date_precision = month in the seeds' metadata): a month-dated document sorted first
    in its month, so moving a day-dated one from the 15th to the 31st halved the consecutive documents' variance (a
    review). A coarser date ties with the dates within it, and they with it; other days keep their order."""
    from toolkit.analysis.uncertainty import _consecutive_msd, _date_ranks

    assert _date_ranks(["2021-12-30", "2022-01", "2022-01-15", "2022-01-20", "2022-02-03", "2023"]).tolist() == [0, 1, 1, 1, 2, 3]
    assert _date_ranks(["2022-01-15", "2022-01-20", "2022-10"]).tolist() == [0, 1, 2]  # days of one month: ordered
    assert _date_ranks(["2022", "2022-03-01", "2022-11-30", "2023-01"]).tolist() == [0, 0, 0, 1]
    shares = np.array([[0.9], [0.1], [0.1], [0.9]])
    variance = []
    for day in ("15", "31"):
        dates = ["2022-01", f"2022-01-{day}", "2022-01-20", "2023"]
        documents = Documents.of(np.arange(4), np.full(4, 10.0), np.concatenate([shares, 1 - shares], axis=1)[None], dates=dates)
        assert documents.dates.tolist() == [0, 0, 0, 1]
        variance.append(_consecutive_msd(documents.document_shares()[0][documents.order], documents.dates)[0])
    assert variance[0] == pytest.approx(variance[1], rel=1e-12)
