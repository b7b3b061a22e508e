"""From mutation audit 28 of analysis/uncertainty.py and analysis/wording.py: each test here failed on a change of
the code that every other test let through. The intervals: documents listed out of date order, the unit noise and
one-unit noise by hand, a paragraph of no tokens, the consecutive documents' fill by hand and up to ten degrees of
freedom, the pool over the table's grouping and over the other reports only, the members' mean. Theme wording:
periods whose names do not sort in time order, and no division by zero for a word or a class of none."""

import warnings

import numpy as np
import pytest
from scipy import sparse

from toolkit.analysis.uncertainty import Cells, Documents, document_variance, replicate
from toolkit.analysis.wording import theme_words


def _documents(shares, tokens=10.0, dates=None):
    """Documents of one unit each (``tokens`` tokens, share of the first theme), one member."""
    share = np.asarray(shares, dtype=float)
    return Documents.of(
        np.arange(len(share)), np.full(len(share), tokens), np.stack([share, 1 - share], axis=1)[None], dates=dates
    )


# ----- uncertainty --------------------------------------------------------------------------------------------------


def test_documents_listed_out_of_date_order_are_ranked_by_their_dates():
    """``order`` lists the documents by date and ``dates`` holds the ranks of that order: documents given as 2023,
    2022-01, 2022-01-15 are ordered 2022-01, 2022-01-15, 2023, and the month ties with the day within it (rank 0, 0,
    then 1). Ranked in the order they were given, the day and the month looked like the tie and 2023 came first."""
    documents = _documents([0.1, 0.2, 0.3], dates=["2023", "2022-01", "2022-01-15"])
    assert documents.order.tolist() == [1, 2, 0]
    assert documents.dates.tolist() == [0, 0, 1]


def _paragraphs(documents, dates=None):
    """Documents of paragraphs (tokens, share of the first theme) listed per document, one member."""
    ids = np.concatenate([[d] * len(p) for d, p in enumerate(documents)])
    tokens = np.array([w for p in documents for w, _ in p], dtype=float)
    share = np.array([s for p in documents for _, s in p])
    return Documents.of(ids, tokens, np.stack([share, 1 - share], axis=1)[None], dates=dates)


# a notice of one 10-token paragraph at 0.2, and two reports of two paragraphs each: 10 tokens at 0.1 and 0.3 (share
# 0.2), 20 tokens at 0.4 and 0.6 (share 0.5)
NOTICE_AND_REPORTS = [[(10, 0.2)], [(10, 0.1), (10, 0.3)], [(20, 0.4), (20, 0.6)]]


def test_unit_noise_by_hand_and_one_unit_noise_only_for_a_document_of_one_unit():
    """Documents.unit_variance's blend, by hand. Squared deviations sum (10 x 0.1)^2 x 2 = 2 and (20 x 0.1)^2 x 2 = 8
    against exposures 20 - 200 / 20 = 10 and 40 - 800 / 40 = 20: the pool's s2 is 10 / 30 = 1/3 per token, of two
    degrees of freedom (m = 2). Each report's own estimate is 2 / 10 / 20 = 8 / 20 / 40 = 0.01, blended
    (1 x 0.01 + 2 x (1/3) / T) / 3 with its tokens T. The notice keeps its own (none) and is the only document with a
    one-unit noise, (1/3) / 10 x 2 / 10 = 1/150; a report of two paragraphs has none."""
    documents = _paragraphs(NOTICE_AND_REPORTS)
    expected = [0.0, (0.01 + 2 / 3 / 20) / 3, (0.01 + 2 / 3 / 40) / 3]
    np.testing.assert_allclose(documents.unit_variance()[:, 0], expected, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(documents.unit_variance()[:, 1], expected, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(documents.one_unit_noise()[:, 0], [1 / 150, 0.0, 0.0], rtol=1e-12, atol=1e-15)


def test_a_paragraph_of_no_tokens_gives_a_document_no_degree_of_freedom():
    """A unit of no tokens has no share to vary: a one-paragraph notice with an empty paragraph beside it adds no
    degree of freedom to the pool of unit spread, so every document's unit noise is the one without that paragraph
    (counted, the pool's two degrees of freedom became three and the reports' blend moved)."""
    with_empty = _paragraphs([[(10, 0.2), (0, 0.9)], *NOTICE_AND_REPORTS[1:]])
    np.testing.assert_allclose(with_empty.unit_variance(), _paragraphs(NOTICE_AND_REPORTS).unit_variance(), rtol=1e-12)


def _one_a_year(shares):
    """One one-paragraph document a year (10 tokens), each year a cell."""
    documents = _documents(shares, dates=[str(2001 + d) for d in range(len(shares))])
    return documents, Cells(list(range(len(shares))), [np.array([d]) for d in range(len(shares))])


def test_one_document_a_year_takes_the_document_level_of_consecutive_documents_by_hand():
    """Four years of one notice each (no unit noise), shares 0.1, 0.3, 0.2, 0.6: consecutive differences 0.2, -0.1,
    0.4, half their mean square (0.04 + 0.01 + 0.16) / 3 / 2 = 0.035 is every year's document level, of as many
    degrees of freedom as the other three documents give less one (2), none from a year's own one document."""
    documents, cells = _one_a_year([0.1, 0.3, 0.2, 0.6])
    variance, weight, df, basis = document_variance(documents, cells)
    np.testing.assert_allclose(variance, 0.035, rtol=1e-12)
    assert df.tolist() == [2, 2, 2, 2] and weight.tolist() == [0, 0, 0, 0]
    assert basis == ["consecutive documents"] * 4


def test_consecutive_documents_fill_the_pool_up_to_ten_degrees_of_freedom():
    """docs/methods.md and the module: the pool of few degrees of freedom is filled up to ten (PRIOR_DF) with the
    consecutive documents, and never beyond: with twelve years of one document each, every year's document level has
    ten degrees of freedom (eleven documents outside it less one, capped at ten); with six, five less one."""
    rng = np.random.RandomState(3)
    for years, expected in ((12, 10), (6, 4)):
        documents, cells = _one_a_year(rng.uniform(0.1, 0.9, years))
        assert document_variance(documents, cells)[2].tolist() == [expected] * years


def test_a_table_of_a_few_cells_borrows_from_every_cell_of_its_grouping():
    """``pooled`` (the table's grouping) gives the pooled part: a table of two of the years gives each of them the
    document level it has in the table of every year, whatever the other cells of the table."""
    rng = np.random.RandomState(5)
    per_year = [3, 1, 2, 4, 1, 2]
    ids = np.repeat(np.arange(sum(per_year)), 2)  # two paragraphs a document
    share = np.repeat(rng.uniform(0.1, 0.9, sum(per_year)), 2) + np.tile([-0.02, 0.02], sum(per_year))
    documents = Documents.of(ids, rng.uniform(10, 40, len(ids)), np.stack([share, 1 - share], axis=1)[None])
    bounds = np.r_[0, np.cumsum(per_year)]
    years = Cells(list(range(len(per_year))), [np.arange(a, b) for a, b in zip(bounds[:-1], bounds[1:])])
    every = document_variance(documents, years)
    few = document_variance(documents, Cells([0, 3], [years.documents[0], years.documents[3]]), pooled=years)
    assert (every[0] > 0).all()  # documents far apart against their paragraphs: a document level to borrow
    np.testing.assert_allclose(few[0], every[0][[0, 3]], rtol=1e-12)
    assert few[2].tolist() == every[2][[0, 3]].tolist() and few[3] == [every[3][0], every[3][3]]


def test_a_year_of_reports_beside_notices_pools_over_the_other_reports_only():
    """A year of reports in a corpus with notices pools over the reports of the other years, its own left out, as
    every cell's pool does. Paragraphs of one report alike (no unit noise); year A's reports at 0.1 and 0.3 (variance
    0.02), year B's at 0.5 and 0.9 (0.08), two notices in a third year. A's pool is B's 0.08 of one degree of
    freedom (four reports, two outside A, less one: no consecutive documents to fill it), blended half and half with
    its own: 0.05, of two degrees of freedom; B's likewise. With A in its own pool, A's was 0.04."""
    documents = _paragraphs([[(10, 0.1)] * 2, [(10, 0.3)] * 2, [(10, 0.5)] * 2, [(10, 0.9)] * 2, [(10, 0.2)], [(10, 0.6)]])
    cells = Cells(["A", "B", "C"], [np.array([0, 1]), np.array([2, 3]), np.array([4, 5])])
    variance, weight, df, basis = document_variance(documents, cells)
    np.testing.assert_allclose(variance[:2, 0], [0.05, 0.05], rtol=1e-12)
    assert weight[:2].tolist() == [0.5, 0.5] and df[:2].tolist() == [2, 2] and basis[:2] == ["within cells"] * 2


def test_replicates_without_the_members_take_their_mean_and_with_them_draw_each():
    """One document of one paragraph, seen by two members at 0.2 and 0.6: no unit resampling, no document level (one
    document), so a replicate is the drawn member's share. ``with_members=False`` leaves the seeds out: every
    replicate is their mean, 0.4, not one member's share; with them, each member is drawn."""
    shares = np.array([[[0.2, 0.8]], [[0.6, 0.4]]])
    documents = Documents.of(np.array([0]), np.array([10.0]), shares)
    cells = Cells(["2021"], [np.array([0])])
    without = replicate(documents, cells, 50, 1, with_members=False).values[:, 0, 0]
    np.testing.assert_allclose(without, 0.4, rtol=1e-12)
    drawn = replicate(documents, cells, 50, 1).values[:, 0, 0]
    assert set(np.round(drawn, 12)) == {0.2, 0.6}


@pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning")  # its share: 0 / 0
def test_a_document_of_no_tokens_has_no_paragraph_noise():
    """A one-paragraph document of no tokens has no share, so no paragraph noise of its tokens (zero, not the pool's
    spread over no tokens, an infinite variance); the others' are as without it."""
    documents = _paragraphs([*NOTICE_AND_REPORTS, [(0, 0.0)]])
    noise = documents.one_unit_noise()
    assert np.isfinite(noise).all() and (noise[3] == 0).all()
    np.testing.assert_allclose(noise[:3], _paragraphs(NOTICE_AND_REPORTS).one_unit_noise(), rtol=1e-12)


def test_reports_among_notices_take_consecutive_reports_less_the_reports_unit_noise():
    """Four reports, one a year (2001-2004), of two 10-token paragraphs at a centre +- 0.02: each one's unit noise is
    (2 x (10 x 0.02)^2) / (20 - 200 / 20) / 20 = 0.0004, its own and the pool's alike; two notices in 2005 have none.
    A report's year pools over the other reports: consecutive reports at 0.1, 0.3, 0.2, 0.6 give half the mean square
    of 0.2, -0.1, 0.4, 0.035, less the reports' mean unit noise (the notices' none does not count): 0.0346, of two
    degrees of freedom (three reports outside the year, less one)."""
    reports = [[(10, c - 0.02), (10, c + 0.02)] for c in (0.1, 0.3, 0.2, 0.6)]
    documents = _paragraphs([*reports, [(10, 0.4)], [(10, 0.5)]], dates=["2001", "2002", "2003", "2004", "2005", "2005"])
    np.testing.assert_allclose(documents.unit_variance()[:4, 0], 0.0004, rtol=1e-9)
    cells = Cells([2001, 2002, 2003, 2004, 2005], [np.array([0]), np.array([1]), np.array([2]), np.array([3]), np.array([4, 5])])
    variance, weight, df, basis = document_variance(documents, cells)
    np.testing.assert_allclose(variance[:4, 0], 0.035 - 0.0004, rtol=1e-9)
    assert df[:4].tolist() == [2] * 4 and basis[:4] == ["consecutive documents"] * 4


# ----- wording ------------------------------------------------------------------------------------------------------


def test_periods_follow_the_order_given_not_the_sorting_of_their_names():
    """``order`` lists the periods in time order; 十五 (2001-2005) comes before 十一五 (2006-2010) though its name
    sorts after it. 科技 is listed in 十五 and again in 十一五: not new there; 算力, first seen in 十一五, is. Judged
    in the order of the names, 十五 would follow 十一五 and 人才 would be new in it."""
    counts = sparse.csr_matrix(np.array([[6, 5, 0], [6, 0, 4]]))
    table = theme_words(
        counts,
        ["科技", "人才", "算力"],
        np.ones((2, 1)),
        ["innovation"],
        np.array(["十五", "十一五"], dtype=object),
        ["十五", "十一五"],
        min_count=1,
    )
    assert table["period"].drop_duplicates().tolist() == ["十五", "十一五"]
    new = table.set_index(["period", "word"])["new"]
    assert not new.loc["十五"].any()
    assert not new["十一五", "科技"] and new["十一五", "算力"]


def test_a_word_no_unit_uses_and_a_theme_absent_from_a_period_raise_no_warning():
    """A vocabulary word that no unit holds (f = 0) and a theme with no share in a period (a class of size 0) are
    left out without a division by zero: no RuntimeWarning in a run's log, and the table is the one without them."""
    counts = sparse.csr_matrix(np.array([[6, 5, 0], [6, 0, 0]]))
    shares = np.array([[1.0, 0.0], [1.0, 0.0]])
    args = (["科技", "人才", "算力"], shares, ["innovation", "ecology"], np.array(["2015", "2021"], dtype=object))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        table = theme_words(counts, *args, ["2015", "2021"], min_count=1)
    assert set(table["theme"]) == {"innovation"} and "算力" not in set(table["word"])


def test_a_document_left_out_of_a_pool_unties_no_dates_within_it():
    """Mutation audit 28: a one-paragraph notice dated by its month (2022-01) tied the reports of 2022-01-15 and
    2022-01-20 in the pool of reports, which leaves the notice out; their consecutive difference was then averaged
    over both orders (0.0674 against 0.0764 without the notice)."""
    reports = [("2022-01-15", [0.10, 0.12]), ("2022-01-20", [0.50, 0.52]), ("2022-02-10", [0.12, 0.14]),
               ("2022-03-10", [0.55, 0.57]), ("2022-04-10", [0.2, 0.22])]  # fmt: skip

    def report_variance(documents_of):
        ids = np.concatenate([[d] * len(s) for d, (_, s) in enumerate(documents_of)])
        share = np.concatenate([s for _, s in documents_of])
        documents = Documents.of(
            ids, np.full(len(ids), 20.0), np.stack([share, 1 - share], 1)[None], dates=[k for k, _ in documents_of]
        )
        cells = Cells(list(range(len(documents_of))), [np.array([d]) for d in range(len(documents_of))])
        return document_variance(documents, cells)[0][0, 0]

    alone = report_variance(reports)
    # by hand: the reports' shares in date order, half the mean squared consecutive difference less the unit noise
    shares = np.array([0.11, 0.51, 0.13, 0.56, 0.21])
    noise = np.var([0.10, 0.12], ddof=1) / 2  # each report's two paragraphs 0.02 apart, equal weights
    assert alone == pytest.approx(np.mean(np.diff(shares) ** 2) / 2 - noise)
    assert report_variance([*reports, ("2022-01", [0.3])]) == pytest.approx(alone)
