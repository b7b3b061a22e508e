"""A third kind of model, written here and registered from outside the package, runs through ``toolkit.run`` and
a sweep like the built-in ones, and from the command line when an installed package declares it as an entry point:
the registry is the one place that knows the models."""

import json
import os
import tomllib
from importlib import metadata
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import sparse

import toolkit
from toolkit.config import Config
from toolkit.models.base import TopicModel, check_counts, normalize_rows
from toolkit.options import POSITIVE, Option

from .conftest import ROOT, toolkit_process


class CentroidTopics(TopicModel):
    """Spherical k-means on TF-IDF rows: each topic is a centroid, a unit's shares a softmax of its cosine to
    each centroid."""

    OPTIONS = {"sharpness": Option(8.0, "How sharply a unit's shares favour its nearest centroid.", *POSITIVE, kind=(float, int))}
    display_name = "k-means"
    HELDOUT = {"mean_cosine": "higher"}

    def __init__(self, n_topics=5, *, sharpness=8.0, random_state=None):
        self.n_topics = n_topics
        self.sharpness = sharpness
        self.random_state = random_state

    @classmethod
    def from_config(cls, *, n_topics, random_state, options, n_jobs=1, keywords=None, n_words=0, n_tokens=0):
        return cls(n_topics, sharpness=options["sharpness"], random_state=random_state)

    def _rows(self, X):
        tfidf = self.tfidf_.transform(sparse.csr_matrix(X, dtype=np.float64))
        return np.asarray(tfidf.todense())

    def fit(self, X, y=None):
        from sklearn.cluster import KMeans
        from sklearn.feature_extraction.text import TfidfTransformer

        X = check_counts(X, self.n_topics)
        self.tfidf_ = TfidfTransformer().fit(X)
        rows = self._rows(X)
        self.kmeans_ = KMeans(self.n_topics, n_init=3, random_state=self.random_state).fit(rows)
        self.components_ = normalize_rows(np.clip(self.kmeans_.cluster_centers_, 0, None))
        self.anchors_ = self.free_anchors()
        return self

    def transform(self, X):
        cosine = (
            self._rows(X)
            @ (self.kmeans_.cluster_centers_ / np.linalg.norm(self.kmeans_.cluster_centers_, axis=1, keepdims=True)).T
        )
        weights = np.exp(self.sharpness * (cosine - cosine.max(axis=1, keepdims=True)))
        return normalize_rows(weights)

    def heldout_scores(self, X):
        rows = self._rows(X)
        centers = self.kmeans_.cluster_centers_[self.kmeans_.predict(rows)]
        norms = np.linalg.norm(centers, axis=1) * np.maximum(np.linalg.norm(rows, axis=1), 1e-12)
        return {"mean_cosine": float(np.mean(np.sum(rows * centers, axis=1) / norms))}


@pytest.fixture
def centroids():
    toolkit.register_model("centroids", CentroidTopics)
    yield "centroids"
    from toolkit.models import unregister_model

    unregister_model("centroids")


def test_a_registered_model_runs_end_to_end(centroids, tmp_path):
    config = Config.load(
        ROOT / "configs" / "seeds.toml",
        [
            "model.kind=centroids",
            "model.n_topics=6",
            "model.centroids.sharpness=12",
            "figures.ldavis=true",
            'figures.formats=["png"]',
            "figures.dpi=30",
            "trends.bootstrap=0",
        ],
    )
    assert config["model"]["centroids"] == {"sharpness": 12}
    result = toolkit.run(config, tmp_path / "out")
    assert isinstance(result.fitted.model, CentroidTopics) and result.fitted.model.sharpness == 12
    units = pd.read_csv(tmp_path / "out" / "units.csv")
    shares = units[[*result.prepared.lexicon.names, "other"]]
    assert np.allclose(shares.sum(axis=1), 1, atol=1e-5)
    assert len(result.topics) == 6 and set(result.topics["labelled_by"]) == {"top words"}
    assert "k-means: 6 topics" in (tmp_path / "out" / "ldavis.html").read_text(encoding="utf-8")
    saved = Config.load(tmp_path / "out" / "config.toml")  # the saved config names the kind and its settings
    assert saved["model"]["kind"] == "centroids" and saved["model"]["centroids"]["sharpness"] == 12
    # the manifest says which code fitted it (it recorded the kind's name alone: a hostile pass of reproducibility)
    from toolkit.sources import code_digest

    recorded = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))["model"]
    assert recorded == {
        "class": f"{__name__}.CentroidTopics",
        "from": "register_model",
        "code_sha256": code_digest(CentroidTopics),
    }


def test_a_registered_model_sweeps_in_worker_processes(centroids, tmp_path):
    config = Config.load(ROOT / "configs" / "seeds.toml", ["sweep.seeds=[1, 2]", "sweep.grid={}"])
    result = toolkit.sweep(config, tmp_path / "sw", grid={"model.kind": ["centroids", "nmf"], "model.n_topics": [4, 6]}, n_jobs=2)
    table = result.table
    assert len(table) == 8 and result.fitted == 8
    ours = table[table["kind"] == "centroids"]
    assert ours["mean_cosine"].between(0, 1).all() and ours["c_npmi"].notna().all()


def test_an_unknown_kind_names_the_registered_ones(centroids):
    from toolkit.errors import ToolkitError

    with pytest.raises(ToolkitError, match="unknown model kind 'kmeans'; choose one of centroids, keyatm, lda, nmf"):
        Config.from_dict({"model": {"kind": "kmeans"}})


PLUGIN_MODULE = '''"""A plug-in package's model: the k-means topics of tests/test_plugins.py, installed with an entry point."""

import numpy as np
from scipy import sparse

from toolkit.models.base import TopicModel, check_counts, normalize_rows
from toolkit.options import POSITIVE, Option


'''


@pytest.fixture
def installed_plugin(tmp_path):
    """A package installed in a folder of its own (a module and its ``.dist-info`` with an entry point of the group
    ``toolkit.models``), and the environment of a process that has it on its path. Its second entry point is
    broken (no such module)."""
    import inspect

    site = tmp_path / "site"
    site.mkdir()
    (site / "centroid_plugin.py").write_text(PLUGIN_MODULE + inspect.getsource(CentroidTopics), encoding="utf-8")
    info = site / "centroid_plugin-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: centroid-plugin\nVersion: 0.1\nRequires-Dist: scikit-learn>=1.3\n"
        'Requires-Dist: tomotopy; extra == "bench"\n',
        encoding="utf-8",
    )
    (info / "entry_points.txt").write_text(
        "[toolkit.models]\nkmeans = centroid_plugin:CentroidTopics\nbroken = no_such_module:Model\n", encoding="utf-8"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), str(ROOT)])}
    return env


def test_an_installed_plugin_runs_from_the_command_line(installed_plugin, tmp_path):
    from .conftest import NO_FIGURES

    # the entry point found from the command line; the figures and the page of a plug-in's model are drawn above
    out = tmp_path / "out"
    settings = [
        a
        for s in [*NO_FIGURES, "model.kind=kmeans", "model.n_topics=6", "model.kmeans.sharpness=12"]
        for a in ("--set", s)
        if not s.startswith("model.keyatm")
    ]
    result = toolkit_process("run", "configs/seeds.toml", "--out", str(out), *settings, env=installed_plugin, timeout=600)
    assert result.returncode == 0, result.stderr
    topics = pd.read_csv(out / "topics.csv")
    assert len(topics) == 6 and set(topics["labelled_by"]) == {"top words"}
    saved = tomllib.loads((out / "config.toml").read_text(encoding="utf-8"))  # (this process has no plug-in)
    assert saved["model"]["kind"] == "kmeans" and saved["model"]["kmeans"] == {"sharpness": 12}
    from toolkit.sources import code_digest

    recorded = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["model"]
    assert recorded == {
        "class": "centroid_plugin.CentroidTopics",
        "from": "entry point centroid_plugin:CentroidTopics of centroid-plugin 0.1",
        "requires": {"scikit-learn": metadata.version("scikit-learn")},  # what the plug-in computes with
        "code_sha256": code_digest(CentroidTopics),  # the same code as this module's, in another process and folder
    }
    listed = toolkit_process("run", "configs/seeds.toml", "--set", "model.kind=kmean", env=installed_plugin)
    assert listed.returncode == 2 and "choose one of broken, keyatm, kmeans, lda, nmf" in listed.stderr


def test_a_broken_plugin_is_one_line_of_error(installed_plugin, tmp_path):
    broken = ["--set", "model.kind=broken"]
    result = toolkit_process("run", "configs/seeds.toml", "--out", tmp_path / "out", *broken, env=installed_plugin)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith(
        "toolkit: error: model kind 'broken' cannot be loaded from its entry point broken = "
        "no_such_module:Model (group toolkit.models, package centroid-plugin): "
        "ModuleNotFoundError: No module named 'no_such_module'"
    )
    assert not (tmp_path / "out").exists()


def _model_module(folder: Path, name: str, code: str, monkeypatch):
    """A module ``name`` of ``code`` in ``folder``, imported: a user's own model in a file of theirs."""
    import importlib.util
    import sys

    path = folder.joinpath(*name.split(".")).with_suffix(".py")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(code, encoding="utf-8")
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, name, module)  # where a relative import and inspect find it
    spec.loader.exec_module(module)
    return module


MODEL_HEAD = """import numpy as np
from scipy import sparse
from toolkit.models.base import TopicModel, check_counts, normalize_rows
from toolkit.options import POSITIVE, Option

"""


def test_a_sweep_fits_again_a_run_whose_model_code_or_packages_changed(tmp_path, monkeypatch):
    """From a hostile pass of reproducibility and its review: a sweep resumed after a user edited their registered
    model (or after numpy, numba ... were upgraded) took the runs of the earlier code as done and reported their
    scores; its run ids hashed the toolkit's own code alone. Hashing the model's file missed a model defined in a
    notebook's cell (no file: "unknown"), a helper of the plug-in's package, and code edited on disk but not yet
    reloaded, and it refitted every run when a line of the script outside the model changed. The run ids hash the
    model's code as loaded, and the versions of the packages that compute (not of those that draw)."""
    import inspect
    import pickle

    from toolkit.models import unregister_model
    from toolkit.output import manifest
    from toolkit.sweeps import run_id

    code = MODEL_HEAD + inspect.getsource(CentroidTopics)

    def ids(module) -> str:
        toolkit.register_model("mine", module.CentroidTopics)
        return run_id(Config.load(ROOT / "configs" / "seeds.toml", ["model.kind=mine"]), "the inputs")

    try:
        module = _model_module(tmp_path, "mine", code, monkeypatch)
        first = ids(module)
        pickle.dumps(module.CentroidTopics(3))  # as a sweep's workers get it: copyreg caches __slotnames__ on the class
        assert ids(module) == first
        assert ids(_model_module(tmp_path / "elsewhere", "mine", code, monkeypatch)) == first  # another folder
        assert ids(_model_module(tmp_path, "mine", code + "\nGRID = [6, 8]\n", monkeypatch)) == first  # the script's other lines
        edited = _model_module(tmp_path, "mine", code.replace("n_init=3", "n_init=5"), monkeypatch)
        assert ids(edited) != first
        # a notebook's cell: a class with no file of its own
        cell = {"__name__": "__main__"}
        exec(compile(code, "<cell>", "exec"), cell)
        in_a_cell = ids(type("M", (), {"CentroidTopics": cell["CentroidTopics"]}))
        exec(compile(code.replace("n_init=3", "n_init=4"), "<cell>", "exec"), cell)
        assert ids(type("M", (), {"CentroidTopics": cell["CentroidTopics"]})) != in_a_cell
        # a plug-in package whose model reads a helper module of its own
        (tmp_path / "pk").mkdir()
        (tmp_path / "pk" / "__init__.py").write_text("", encoding="utf-8")
        package_code = (
            MODEL_HEAD
            + "from .helpers import N_INIT\n\n"
            + inspect.getsource(CentroidTopics).replace("n_init=3", "n_init=N_INIT")
        )
        _model_module(tmp_path, "pk.helpers", "N_INIT = 3\n", monkeypatch)
        with_helper = ids(_model_module(tmp_path, "pk.model", package_code, monkeypatch))
        _model_module(tmp_path, "pk.helpers", "N_INIT = 7\n", monkeypatch)
        assert ids(_model_module(tmp_path, "pk.model", package_code, monkeypatch)) != with_helper
    finally:
        unregister_model("mine")
    shipped = Config.load(ROOT / "configs" / "seeds.toml")
    before = run_id(shipped, "the inputs")
    versions = dict(manifest._versions())
    monkeypatch.setattr(manifest, "_versions", lambda: tuple({**versions, "fonttools": "0.0.1"}.items()))
    assert run_id(shipped, "the inputs") == before  # it draws, it computes no score
    monkeypatch.setattr(manifest, "_versions", lambda: tuple({**versions, "numba": "0.0.1"}.items()))
    assert run_id(shipped, "the inputs") != before


def test_a_dask_worker_with_other_code_of_a_users_model_refuses_the_work(tmp_path, monkeypatch):
    """From a review: a worker of a cluster imports a registered or plug-in model from its own copy of the files,
    which may be other code than the client's (an edited copy, a module not reloaded), while the run's ids and
    manifest record the client's. Each task sent under on_dask compares the two; here on a worker simulated in this
    process (its build the same), as the sweep's fits and the fold-in's blocks are sent."""
    import inspect

    from toolkit import processes
    from toolkit.errors import ToolkitError

    code = MODEL_HEAD + inspect.getsource(CentroidTopics)
    ours = _model_module(tmp_path, "mine", code, monkeypatch).CentroidTopics
    task = processes.on_this_build(lambda model: "fitted", models=[ours])
    monkeypatch.setattr(processes, "_dask_worker", lambda: "tcp://127.0.0.1:8786")
    assert task(ours(3)) == "fitted"
    theirs = _model_module(tmp_path, "mine", code.replace("n_init=3", "n_init=5"), monkeypatch).CentroidTopics
    with pytest.raises(ToolkitError, match=r"worker tcp://127.0.0.1:8786 has other code for the model mine.CentroidTopics"):
        task(theirs(3))
    assert processes.on_this_build(len, models=[type(toolkit.models.model_class("nmf")(3))]).models == {}  # in the build
