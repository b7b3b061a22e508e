"""The model registry (toolkit/models/__init__.py), the base every model shares (toolkit/models/base.py) and the
options and convergence message of the kind ``keyatm`` (toolkit/models/keyatm.py), checked against what their
docstrings and docs/ promise: which kinds exist and where each comes from, which classes may be registered and
under what name, what a model is built with, how an ensemble is fitted, and the input checks every model runs.
Small in-memory matrices of real Chinese words; no pipeline run."""

from __future__ import annotations

import logging
import subprocess
import sys
import warnings
from types import SimpleNamespace

import numpy as np
import pytest
from scipy import sparse

from toolkit import models
from toolkit.config import Config
from toolkit.errors import ToolkitError
from toolkit.models.base import TopicModel, check_counts, normalize_rows
from toolkit.options import POSITIVE, Option

from .conftest import ROOT

VOCAB = ["创新", "科技", "研发", "生态", "绿色", "低碳", "数字经济", "大数据"]


def counts(n_units: int = 6, seed: int = 0) -> sparse.csr_matrix:
    """A small document-term matrix of whole counts over ``VOCAB``, every unit with some tokens."""
    rng = np.random.RandomState(seed)
    return sparse.csr_matrix(rng.randint(1, 5, size=(n_units, len(VOCAB))))


class Smoothed(TopicModel):
    """A model of this file: its topics are the smoothed rows of the first units; it records what it was built
    with, so that the registry's ``build_model`` and ``fit_ensemble`` can be checked."""

    OPTIONS = {"smooth": Option(1.0, "Added to every count of a topic's words.", *POSITIVE, kind=(float, int))}
    display_name = "smoothed"
    built: list[dict] = []

    def __init__(self, n_topics=2, *, smooth=1.0, random_state=None, n_jobs=1):
        self.n_topics = n_topics
        self.smooth = smooth
        self.random_state = random_state
        self.n_jobs = n_jobs

    @classmethod
    def from_config(cls, *, n_topics, random_state, options, n_jobs=1, keywords=None, n_words=0, n_tokens=0):
        cls.built.append(
            {
                "n_topics": n_topics,
                "random_state": random_state,
                "options": dict(options),
                "n_jobs": n_jobs,
                "keywords": keywords,
                "n_words": n_words,
                "n_tokens": n_tokens,
            }
        )
        return cls(n_topics, smooth=options.get("smooth", 1.0), random_state=random_state, n_jobs=n_jobs)

    def fit(self, X, y=None):
        X = check_counts(X, self.n_topics, model=self)
        self.components_ = normalize_rows(X[: self.n_topics].toarray() + self.smooth)
        self.anchors_ = self.free_anchors()
        return self

    def transform(self, X):
        X = check_counts(X, self.n_topics, model=self, reset=False)
        return normalize_rows(np.asarray(X @ self.components_.T))


class Warns(Smoothed):
    """Warns as a library does at the end of each fit; its own check says it instead (``replaced_warnings``)."""

    @classmethod
    def replaced_warnings(cls):
        return (RuntimeWarning,)

    def fit(self, X, y=None):
        warnings.warn("a library's own warning", RuntimeWarning, stacklevel=1)
        return super().fit(X)

    def fit_problem_after(self) -> str:
        return "stopped at its limit of sweeps: raise model.warns.limit"


@pytest.fixture
def registered():
    """Register kinds for one test, and forget them after it."""
    names = []

    def register(kind, cls):
        models.register_model(kind, cls)
        names.append(kind)

    Smoothed.built.clear()
    yield register
    for kind in names:
        models.unregister_model(kind)
    Smoothed.built.clear()


@pytest.fixture
def installed(monkeypatch):
    """Entry points of the group ``toolkit.models`` as installed packages declare them (the list the test fills)."""
    import importlib.metadata

    points: list = []
    monkeypatch.setattr(
        importlib.metadata, "entry_points", lambda group=None: [p for p in points if group == models.ENTRY_POINTS]
    )
    models._entry_points.cache_clear()
    yield points
    models._entry_points.cache_clear()


def entry_point(name, value, load, dist=None):
    def loader():
        if isinstance(load, Exception):
            raise load
        return load

    return SimpleNamespace(name=name, value=value, dist=dist, load=loader)


# ----- registering a kind -------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["kind", "n_topics", "ensemble", "random_state"])
def test_a_kind_cannot_take_the_name_of_a_shared_model_key(registered, kind):
    # [model.<kind>] is a sub-table of [model]: a kind named as one of its shared keys would be read as that key
    with pytest.raises(ValueError, match="plain identifier other than"):
        registered(kind, Smoothed)
    assert kind not in models.kinds()


@pytest.mark.parametrize("kind", ["k-means", "2topics", "my model", ""])
def test_a_kind_must_be_a_plain_identifier(registered, kind):
    with pytest.raises(ValueError, match="plain identifier"):
        registered(kind, Smoothed)
    assert kind not in models.kinds()


@pytest.mark.parametrize("kind", ["alpha", "max_iter"])
def test_a_kind_named_as_a_moved_key_is_refused(registered, kind):
    """register_model accepted a kind named as an old key of [model] (models.MOVED: alpha, passes, iterations, seeded,
    seed_strength, max_iter), whose [model.<kind>] sub-table the config then read as that key of lda or nmf, and
    refused: the kind could be given no settings of its own (mutation audit 27). Refused when registered, as a shared
    key of [model] is."""
    with pytest.raises(ValueError, match=f"plain identifier other than .*, not '{kind}'"):
        registered(kind, Smoothed)
    assert kind not in models.kinds()


@pytest.mark.parametrize("lacking", ["from_config", "fit", "transform", "OPTIONS"])
def test_a_class_that_is_no_model_is_refused_with_a_type_error_naming_what_it_lacks(registered, lacking):
    attributes = {
        "from_config": classmethod(lambda cls, **kw: cls()),
        "fit": lambda self, X, y=None: self,
        "transform": lambda self, X: X,
        "OPTIONS": {},
    }
    del attributes[lacking]
    half = type("HalfModel", (), attributes)
    with pytest.raises(TypeError, match=f"HalfModel lacks {lacking}; derive it from toolkit.models.base.TopicModel"):
        registered("half", half)
    assert "half" not in models.kinds()


def test_registering_again_replaces_and_unregistering_an_unknown_kind_is_no_error(registered):
    registered("smoothed", Smoothed)
    registered("smoothed", Warns)
    assert models.model_class("smoothed") is Warns
    models.unregister_model("smoothed")
    models.unregister_model("smoothed")  # forgetting twice, or a kind never registered: nothing to do
    models.unregister_model("never_registered")
    assert "smoothed" not in models.kinds()


def test_a_registered_kind_takes_precedence_over_the_shipped_one_of_its_name(registered):
    registered("nmf", Smoothed)
    assert models.model_class("nmf") is Smoothed
    assert models.sub_options("nmf") is Smoothed.OPTIONS
    provenance = models.model_provenance("nmf")
    assert provenance["from"] == "register_model" and provenance["class"].endswith(".Smoothed")
    assert "code_sha256" in provenance
    assert Config.from_dict({"model": {"kind": "nmf", "n_topics": 3}})["model"]["nmf"] == {"smooth": 1.0}
    models.unregister_model("nmf")
    assert models.model_class("nmf").__name__ == "NmfTopicModel"


# ----- which kinds there are ------------------------------------------------------------------------------------


def test_the_shipped_kinds_are_the_public_modules_but_base(registered):
    shipped = models.kinds()
    assert {"keyatm", "lda", "nmf"} <= set(shipped)
    assert "base" not in shipped and not [kind for kind in shipped if kind.startswith("_")]
    assert models.sub_options("base") is None and models.sub_options("_keyatm") is None
    with pytest.raises(ToolkitError, match="unknown model kind 'base'"):
        models.model_class("base")


def test_kinds_are_sorted_and_name_the_registered_and_installed_ones(registered, installed):
    installed.append(entry_point("aaa_plugin", "plugin:Model", Smoothed))
    registered("zz_mine", Smoothed)
    found = models.kinds()
    assert found == sorted(found)
    assert "aaa_plugin" in found and "zz_mine" in found and "keyatm" in found


def test_an_unknown_kind_and_an_unknown_sub_table(registered):
    with pytest.raises(ToolkitError, match="unknown model kind 'kmeans'; choose one of keyatm, lda, nmf"):
        models.model_class("kmeans")
    assert models.sub_options("kmeans") is None  # None: no such kind (not an empty table)
    with pytest.raises(ToolkitError, match="unknown model kind 'kmeans'"):
        Config.from_dict({"model": {"kind": "kmeans"}})


def test_reading_a_config_imports_no_estimator_nor_scikit_learn():
    code = (
        "import sys\n"
        "from toolkit.config import Config\n"
        "from toolkit import models\n"
        "for kind in ('keyatm', 'lda', 'nmf'):\n"
        "    Config.from_dict({'model': {'kind': kind, 'n_topics': 4}})\n"
        "    assert models.sub_options(kind)\n"
        "loaded = sorted(m for m in sys.modules if m.startswith('sklearn') or m in ("
        "'toolkit.models.base', 'toolkit.models._keyatm', 'toolkit.models._lda', 'toolkit.models._nmf'))\n"
        "print(loaded)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


# ----- entry points -----------------------------------------------------------------------------------------------


def test_the_first_entry_point_of_a_name_wins(installed):
    installed.append(entry_point("smoothed", "first_package:Smoothed", Smoothed))
    installed.append(entry_point("smoothed", "second_package:Warns", Warns))
    assert models.model_class("smoothed") is Smoothed
    assert models.sub_options("smoothed") is Smoothed.OPTIONS


def test_a_broken_entry_point_is_one_line_naming_it_and_its_package(installed):
    dist = SimpleNamespace(name="policy-models", version="1.2", requires=None)
    installed.append(entry_point("broken", "policy_models:Model", SyntaxError("invalid syntax\n  line 2\n    ^"), dist))
    installed.append(entry_point("nodist", "loose:Model", ImportError("no module\nnamed loose")))
    with pytest.raises(ToolkitError) as caught:
        models.model_class("broken")
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(
        "model kind 'broken' cannot be loaded from its entry point broken = policy_models:Model "
        "(group toolkit.models, package policy-models): SyntaxError: invalid syntax line 2 ^"
    )
    with pytest.raises(ToolkitError, match=r"entry point nodist = loose:Model \(group toolkit.models\): ImportError"):
        models.model_class("nodist")


def test_an_entry_point_that_is_no_model_is_a_toolkit_error(installed):
    installed.append(entry_point("notamodel", "helpers:VOCAB", dict))
    with pytest.raises(ToolkitError, match="model kind 'notamodel' from its entry point .* is no model: dict lacks"):
        models.model_class("notamodel")
    with pytest.raises(ToolkitError, match="is no model"):
        Config.from_dict({"model": {"kind": "notamodel"}})  # checked when the config is read, before any work


def test_the_provenance_of_an_installed_kind_names_its_package_and_what_it_requires(installed):
    from importlib import metadata

    requires = ["scipy>=1.10", "numpy", 'tomotopy; extra == "bench"', "no-such-package-of-policy-texts>=1"]
    dist = SimpleNamespace(name="policy-models", version="1.2", requires=requires)
    installed.append(entry_point("smoothed", "policy_models:Smoothed", Smoothed, dist))
    installed.append(
        entry_point("bare", "policy_models:Bare", Smoothed, SimpleNamespace(name="bare", version="0.1", requires=None))
    )
    provenance = models.model_provenance("smoothed")
    assert provenance["from"] == "entry point policy_models:Smoothed of policy-models 1.2"
    assert list(provenance["requires"].items()) == [
        ("no-such-package-of-policy-texts", "not installed"),
        ("numpy", metadata.version("numpy")),
        ("scipy", metadata.version("scipy")),
    ]  # sorted by name; an extra's requirement is left out
    assert provenance["code_sha256"]
    bare = models.model_provenance("bare")  # a package that requires nothing
    assert bare["from"] == "entry point policy_models:Bare of bare 0.1" and "requires" not in bare


def test_a_shipped_kind_s_provenance_is_the_toolkit():
    assert models.model_provenance("nmf") == {"class": "toolkit.models._nmf.NmfTopicModel", "from": "toolkit"}


# ----- building a model and fitting an ensemble -------------------------------------------------------------------


SECTION = {
    "kind": "smoothed",
    "n_topics": 2,
    "random_state": 42,
    "ensemble": 3,
    "n_jobs": 0,
    "sample_above": 2_000_000,
    "sample_tokens": 1_000_000,
    "smoothed": {"smooth": 2.5},
}


def test_build_model_passes_the_section_and_what_overrides_it(registered, monkeypatch):
    registered("smoothed", Smoothed)
    monkeypatch.setattr(models.os, "cpu_count", lambda: 6)
    keywords = [np.array([0, 1]), np.array([3])]
    model = models.build_model(SECTION, keywords=keywords, n_words=len(VOCAB), n_tokens=120)
    assert isinstance(model, Smoothed) and model.smooth == 2.5 and model.random_state == 42
    built = Smoothed.built[-1]
    assert built["options"] == {"smooth": 2.5} and built["n_topics"] == 2
    assert built["keywords"] is keywords and built["n_words"] == len(VOCAB) and built["n_tokens"] == 120
    assert built["n_jobs"] == 6  # n_jobs = 0: one thread per core
    assert models.build_model({**SECTION, "n_jobs": 4}).n_jobs == 4
    # the arguments override the section: any seed, 0 too, and any number of threads
    assert models.build_model(SECTION, random_state=0, n_jobs=3).random_state == 0
    assert models.build_model(SECTION, random_state=7, n_jobs=3).n_jobs == 3


def test_an_ensemble_has_its_members_seeds_sizes_and_share_of_threads(registered):
    from toolkit.random_streams import member_seeds

    registered("smoothed", Smoothed)
    X = counts(6)  # six units of eight words
    fitted, shares = models.fit_ensemble({**SECTION, "n_jobs": 2}, X)
    assert [m.random_state for m in fitted] == member_seeds(42, 3) and fitted[0].random_state == 42
    assert len(shares) == 3 and all(np.allclose(s.sum(axis=1), 1) and s.shape == (6, 2) for s in shares)
    assert {b["n_words"] for b in Smoothed.built} == {len(VOCAB)} and {b["n_tokens"] for b in Smoothed.built} == {int(X.sum())}
    assert [m.n_jobs for m in fitted] == [1, 1, 1]  # three at once on two cores: one thread each
    Smoothed.built.clear()
    fitted, _ = models.fit_ensemble({**SECTION, "ensemble": 2, "n_jobs": 4}, X, n_tokens=1000)
    assert [m.n_jobs for m in fitted] == [2, 2]  # two at once on four cores: two threads each
    assert {b["n_tokens"] for b in Smoothed.built} == {1000}  # the corpus's tokens when the counts are a sample


def test_an_ensemble_ignores_the_warnings_its_model_replaces_and_says_its_own_once(registered, caplog):
    registered("warns", Warns)
    before = list(warnings.filters)
    with warnings.catch_warnings(record=True) as seen, caplog.at_level(logging.WARNING, logger="toolkit"):
        warnings.simplefilter("always")
        models.fit_ensemble({**SECTION, "kind": "warns", "n_jobs": 1, "warns": {"smooth": 1.0}}, counts())
    assert not [w for w in seen if issubclass(w.category, RuntimeWarning)]
    assert warnings.filters == before
    said = [r.getMessage() for r in caplog.records if "raise model.warns.limit" in r.getMessage()]
    assert said == ["stopped at its limit of sweeps: raise model.warns.limit (3 of 3 fits)"]


# ----- the base every model shares --------------------------------------------------------------------------------


def test_check_counts_refuses_negative_counts_with_a_value_error():
    X = np.array([[1.0, 2.0], [0.0, -0.5]])
    with pytest.raises(ValueError, match="Negative values in data passed to a topic model"):
        check_counts(X, 1)
    with pytest.raises(ValueError, match="Negative values in data passed to Smoothed"):
        check_counts(X, 1, model=Smoothed())
    with pytest.raises(ValueError):
        check_counts(X, 1)
    try:
        check_counts(X, 1)
    except ToolkitError:  # scikit-learn's ValueError, not the toolkit's error of a config
        pytest.fail("a negative count is scikit-learn's ValueError")
    except ValueError:
        pass


def test_fractions_are_refused_only_by_a_model_that_reads_whole_counts():
    tfidf = np.array([[0.5, 1.25], [2.0, 0.0]])
    assert check_counts(tfidf, 2).dtype == np.float64  # a model that reads weights takes them
    with pytest.raises(ValueError, match="must hold whole numbers"):
        check_counts(tfidf, 2, whole=True)
    whole = check_counts(np.array([[1.0, 3.0], [2.0, 0.0]]), 2, whole=True)
    assert whole.toarray().tolist() == [[1.0, 3.0], [2.0, 0.0]]


@pytest.mark.parametrize("n_topics", [0, -1, 2.0, "2", None])
def test_n_topics_must_be_a_positive_integer(n_topics):
    with pytest.raises(ValueError, match="n_topics must be a positive integer") as caught:
        check_counts(counts(), n_topics)
    assert not isinstance(caught.value, ToolkitError)


def test_more_topics_than_units_is_a_toolkit_error_when_fitting_only():
    X = counts(3)
    assert check_counts(X, 3).shape == (3, len(VOCAB))  # as many topics as units
    assert check_counts(X, np.int64(3)).shape == (3, len(VOCAB))
    with pytest.raises(ToolkitError, match="cannot fit 4 topics to 3 units: ask for at most 3 topics"):
        check_counts(X, 4)
    model = Smoothed(3).fit(counts(6))
    one_unit = model.transform(counts(1, seed=3))  # folding in one unit is no fit
    assert one_unit.shape == (1, 3) and np.isclose(one_unit.sum(), 1)


def test_check_counts_keeps_integers_when_asked_and_checks_the_columns_after_fitting():
    X = sparse.csr_matrix(np.array([[1, 2, 0], [0, 4, 7]], dtype=np.int64))
    assert check_counts(X, 2, keep_integers=True).dtype == np.int64
    assert check_counts(X, 2).dtype == np.float64
    model = Smoothed(2).fit(counts(4))
    with pytest.raises(ValueError, match="features"):
        model.transform(X)  # three words where the model was fitted on eight


def test_an_unfitted_model_raises_scikit_learns_not_fitted_error():
    from sklearn.exceptions import NotFittedError

    from toolkit.models.base import check_fitted

    with pytest.raises(NotFittedError, match="this Smoothed is not fitted yet"):
        check_fitted(Smoothed(), "components_")
    check_fitted(Smoothed(2).fit(counts()), "components_")


def test_normalize_rows_makes_an_empty_row_uniform_and_copies_by_default():
    matrix = np.array([[1.0, 3.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0]])
    shares = normalize_rows(matrix)
    assert shares.tolist() == [[0.25, 0.75, 0.0, 0.0], [0.25, 0.25, 0.25, 0.25]]
    assert matrix.tolist() == [[1.0, 3.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0]]


def test_the_base_defaults_claim_nothing_a_model_does_not_say():
    from sklearn.utils import get_tags

    model = Smoothed(3)
    tags = get_tags(model)
    assert tags.input_tags.sparse and tags.input_tags.positive_only
    anchors = model.free_anchors()
    assert anchors.dtype == np.int64 and anchors.tolist() == [-1, -1, -1]
    assert model.heldout_scores(counts()) == {} and model.fit_problem_after() == ""
    assert TopicModel.replaced_warnings() == ()  # a plug-in's warnings are not silenced unless it says so
    assert TopicModel.EXACT_MEMBERSHIP is False and Smoothed.EXACT_MEMBERSHIP is False
    assert model.fit_problem(3, 10) == "" and model.fit_problem(2, 10) == "cannot fit 3 topics to 2 units"


class Fixed:
    """Two topics over three words, and shares that do not depend on the shown half (recorded)."""

    components_ = np.array([[0.5, 0.25, 0.25], [0.1, 0.1, 0.8]])

    def __init__(self):
        self.shown = []

    def transform(self, X):
        self.shown.append(sparse.csr_matrix(X).toarray())
        return np.tile([0.5, 0.5], (X.shape[0], 1))


def test_completion_perplexity_scores_the_second_half_of_each_unit_s_tokens():
    from toolkit.models.base import completion_perplexity

    # unit 0: tokens 创新 创新 生态 (words 0, 0, 2): shown 创新 and 生态, scored 创新
    # unit 1: one token (科技): left out; unit 2: 科技 生态 生态 生态: shown 科技 生态, scored 生态 生态
    X = sparse.csr_matrix(np.array([[2, 0, 1], [0, 1, 0], [0, 1, 3]]))
    model = Fixed()
    p = {0: 0.5 * 0.5 + 0.5 * 0.1, 2: 0.5 * 0.25 + 0.5 * 0.8}
    expected = np.exp(-(np.log(p[0]) + 2 * np.log(p[2])) / 3)
    assert completion_perplexity(model, X) == pytest.approx(expected)
    assert [row.tolist() for row in model.shown[0]] == [[1, 0, 1], [0, 1, 1]]  # units 0 and 2 only
    assert np.isnan(completion_perplexity(Fixed(), sparse.csr_matrix(np.array([[1, 0, 0], [0, 0, 1]]))))
    # the same counts as floats a little off whole, or as duplicate entries, are the same units
    off = X.astype(np.float64)
    off.data = off.data - 1e-9
    assert completion_perplexity(Fixed(), off) == pytest.approx(expected)
    duplicated = sparse.csr_matrix((np.array([1, 1, 1]), np.array([0, 2, 0]), np.array([0, 3])), shape=(1, 3))
    summed = sparse.csr_matrix(np.array([[2, 0, 1]]))
    assert completion_perplexity(Fixed(), duplicated) == completion_perplexity(Fixed(), summed)
    assert completion_perplexity(Fixed(), X, block=1) == pytest.approx(expected)


def test_completion_perplexity_stays_finite_when_a_scored_word_has_no_probability():
    from toolkit.models.base import completion_perplexity

    model = Fixed()
    model.components_ = np.array([[1.0, 0.0, 0.0], [1.0, 0.0, 0.0]])
    assert np.isfinite(completion_perplexity(model, sparse.csr_matrix(np.array([[1, 1, 1, 1][:3]]))))


# ----- the kind keyatm ----------------------------------------------------------------------------------------------


def test_an_r_hat_at_the_threshold_is_not_converged():
    from toolkit.models.keyatm import convergence_problem

    stop = {"reason": "ceiling", "stop": "converged", "rhat": 1.05, "rhat_threshold": 1.05, "burn_in": 400}
    said = convergence_problem(stop)  # converged: "below `rhat`" (OPTIONS)
    assert "split-R-hat of the topic shares 1.05, threshold 1.05" in said and "400 sweeps" in said
    assert convergence_problem({**stop, "rhat": 1.0499}) == ""
