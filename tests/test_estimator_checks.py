"""Every shipped kind of model passes scikit-learn's estimator checks (scikit-learn's own suite, small fast
settings); each check it is expected to fail is named here with the reason, and strictly: a check that starts
to pass fails the test until it leaves the list.

Skipped by scikit-learn itself: ``check_array_api_input`` (unless ``SCIPY_ARRAY_API=1`` is set; the models take
numpy and scipy.sparse input only, and their tags do not claim array API support)."""

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.utils import get_tags
from sklearn.utils.estimator_checks import parametrize_with_checks

from toolkit.models.keyatm import KeywordTopicModel
from toolkit.models.lda import LdaTopicModel
from toolkit.models.nmf import NmfTopicModel

from .test_models import planted_counts

FRACTIONS = (
    "its data are fractions (floats drawn at random), and this model reads whole counts of tokens: it "
    "refuses them with a ValueError (keyatm draws a topic per token; NMF's sublinear TF-IDF, 1 + log(count), "
    "turns a count below 1/e negative)"
)
FRACTION_CHECKS = [
    "check_dict_unchanged",
    "check_dont_overwrite_parameters",
    "check_dtype_object",
    "check_estimator_sparse_array",
    "check_estimator_sparse_matrix",
    "check_estimator_sparse_tag",
    "check_estimators_dtypes",
    "check_estimators_fit_returns_self",
    "check_estimators_nan_inf",
    "check_estimators_overwrite_params",
    "check_estimators_pickle",
    "check_f_contiguous_array_estimator",
    "check_fit2d_1feature",
    "check_fit2d_predict1d",
    "check_fit_check_is_fitted",
    "check_fit_idempotent",
    "check_fit_score_takes_y",
    "check_methods_sample_order_invariance",
    "check_methods_subset_invariance",
    "check_n_features_in",
    "check_n_features_in_after_fitting",
    "check_pipeline_consistency",
    "check_readonly_memmap_input",
    "check_transformer_data_not_an_array",
    "check_transformer_general",
    "check_transformer_preserve_dtypes",
]
ONE_UNIT = (
    "more topics than units (here 2 topics, 1 sample) is refused with the toolkit's ToolkitError, which the "
    "command line prints on one line, not with the ValueError the check expects"
)
UNIT_ORDER = (
    "transform draws each unit's random start from one stream seeded by random_state, unit after unit, so "
    "a unit's shares depend on the units before it (the same input always gives the same output)"
)

EXPECTED_FAILURES = {
    KeywordTopicModel: {**dict.fromkeys(FRACTION_CHECKS, FRACTIONS), "check_fit2d_1sample": ONE_UNIT},
    LdaTopicModel: {
        "check_fit2d_1sample": ONE_UNIT,
        "check_methods_sample_order_invariance": UNIT_ORDER,
        "check_methods_subset_invariance": UNIT_ORDER,
    },
    NmfTopicModel: {
        **dict.fromkeys(FRACTION_CHECKS, FRACTIONS),
        "check_transformer_n_iter": FRACTIONS,
        "check_fit2d_1sample": ONE_UNIT,
    },  # (keyatm has no max_iter: its n_iter check has nothing to do)
}

SMALL = [
    KeywordTopicModel(2, iterations=12, samples=2, thin=2, min_iterations=4, check_every=4),
    LdaTopicModel(2, passes=2, iterations=20),
    NmfTopicModel(2, max_iter=50),
]


@parametrize_with_checks(SMALL, expected_failed_checks=lambda model: EXPECTED_FAILURES[type(model)], xfail_strict=True)
def test_scikit_learn_estimator_checks(estimator, check):
    check(estimator)


@pytest.mark.parametrize("model", SMALL, ids=lambda model: type(model).__name__)
def test_tags_say_sparse_non_negative_counts(model):
    tags = get_tags(model)
    assert tags.input_tags.sparse and tags.input_tags.positive_only and not tags.target_tags.required
    assert tags.transformer_tags is not None and tags.requires_fit
    with pytest.raises(ValueError, match="Negative values in data passed to"):
        clone(model).fit(-planted_counts().toarray())


@pytest.mark.parametrize("model", SMALL, ids=lambda model: type(model).__name__)
def test_the_contract_on_counts(model):
    """What the checks above cannot test for models that read whole counts, on counts: a refitted clone and a
    pickled copy give the same shares, and a matrix of another width is refused with scikit-learn's message."""
    import pickle

    X = planted_counts(n_units=30)
    model = clone(model).set_params(random_state=0)
    assert model.fit(X) is model and model.n_features_in_ == X.shape[1]
    shares = model.transform(X)
    np.testing.assert_allclose(shares.sum(axis=1), 1.0)
    np.testing.assert_array_equal(clone(model).fit(X).transform(X), shares)
    np.testing.assert_array_equal(pickle.loads(pickle.dumps(model)).transform(X), shares)
    with pytest.raises(ValueError, match=f"X has 17 features, but {type(model).__name__} is expecting 18"):
        model.transform(X[:, :17])
    if not isinstance(model, LdaTopicModel):  # LDA (variational) takes fractional counts; the others refuse them
        with pytest.raises(ValueError, match="reads counts of tokens: X must hold whole numbers"):
            clone(model).fit(X * 0.5)
