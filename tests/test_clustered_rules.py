"""Rules of the clustered errors (toolkit.analysis.clustered) that mutation audit 37 found no test held, each checked
against CR2 and its degrees of freedom computed by their definitions with the whole hat matrix (Bell and McCaffrey
2002; Pustejovsky and Tipton 2018), not against today's output: a cluster's rows need not be next to each other, and
a design of less than full rank is read through the Moore-Penrose inverse."""

import numpy as np

from .test_groups_effects import _dense_cr2  # CR2 and its degrees of freedom by their definitions


def test_a_clusters_rows_need_not_be_next_to_each_other():
    """``groups`` are integer codes in any order (units of a document after another's, as a table sorted by year
    lists them): each cluster is all of its rows. Taking runs of equal codes as clusters passed every other test, as
    they all gave each cluster's rows together."""
    from toolkit.analysis.clustered import cr2

    rng = np.random.default_rng(37)
    sizes = rng.integers(2, 6, 9)
    groups = np.repeat(np.arange(9), sizes)
    n = len(groups)
    X = np.column_stack([np.ones(n), rng.normal(size=n), np.repeat(rng.normal(size=9), sizes)])
    residuals = rng.normal(size=n)
    shuffled = rng.permutation(n)
    covariance, df = cr2(X[shuffled], residuals[shuffled], groups[shuffled])
    expected_covariance, expected_df = _dense_cr2(X, residuals, groups)
    np.testing.assert_allclose(covariance, expected_covariance, rtol=1e-8, atol=1e-12)
    np.testing.assert_allclose(df, expected_df, rtol=1e-8)


def test_a_design_of_less_than_full_rank_is_read_through_its_pseudo_inverse():
    """A column that is another's multiple (to the last bit but rounding) adds no direction: the covariance is the
    Moore-Penrose one, ``(X'X)+`` with the rounding-sized singular value left out, finite, and the same as that of
    the design without the repeated column, split between the two columns as their pseudo-inverse splits a
    coefficient. Keeping every nonzero singular value passed every other test (and gave covariances of 1e30)."""
    from toolkit.analysis.clustered import cr2

    rng = np.random.default_rng(7)
    groups = np.repeat(np.arange(8), 4)
    x = rng.normal(size=len(groups))
    X = np.column_stack([np.ones(len(groups)), x, x * 0.1])
    assert np.linalg.svd(X, compute_uv=False)[-1] > 0  # rounding, not an exact zero
    residuals = rng.normal(size=len(groups))
    covariance, df = cr2(X, residuals, groups)
    expected_covariance, expected_df = _dense_cr2(X, residuals, groups)
    assert np.all(np.isfinite(covariance)) and np.abs(covariance).max() < 1e3
    np.testing.assert_allclose(covariance, expected_covariance, rtol=1e-6, atol=1e-12)
    np.testing.assert_allclose(df, expected_df, rtol=1e-6)
    # the same model written with x alone: x's coefficient is split as 1 : 0.1 over x and 0.1 x (their pseudo-inverse)
    reduced, _ = cr2(X[:, :2], residuals, groups)
    split = np.array([[1.0, 0.0], [0.0, 1 / 1.01], [0.0, 0.1 / 1.01]])
    np.testing.assert_allclose(covariance, split @ reduced @ split.T, rtol=1e-6, atol=1e-12)
