"""Contracts of what keys a result to its code (the toolkit's module closure and its digest, a user's class's code
digest), of the counting kernels over token ids, and of one preparation chunk with its token cache, on the seeds."""

import os
import subprocess
import sys
import textwrap
import types
from collections import Counter

import numpy as np
import pytest

from toolkit import sources
from toolkit.text.counting import unit_word_counts, units_with_word

# --- the toolkit's own modules -------------------------------------------------------------------------------------


def test_the_closure_is_sorted_transitive_and_of_files_only():
    modules = sources.imported_closure(["text/chunks.py"])
    assert modules == sorted(set(modules))
    assert all((sources.ROOT / m).is_file() and m.endswith(".py") for m in modules)
    assert "text/units.py" in modules and "analysis/terms.py" in modules  # from .units, from ..analysis.terms
    # what units.py imports is in too, at any depth
    assert set(sources.imported_closure(["text/units.py"])) <= set(modules)
    assert sources.imported_closure(["text/counting.py"]) == ["text/counting.py"]  # numpy and numba only


def test_the_closure_follows_a_package_import_and_a_name_imported_from_a_package():
    # text/preparation.py: `from .. import sources` (the toolkit package) and `from . import NOT_SHAPING`
    modules = sources.imported_closure(["text/preparation.py"])
    assert "sources.py" in modules and "text/__init__.py" in modules
    # output/report.py: `from . import atomic, catalog`
    assert {"output/atomic.py", "output/catalog.py"} <= set(sources.imported_closure(["output/report.py"]))


def test_a_relative_import_above_the_package_is_ignored_and_an_absolute_one_followed():
    names = sources._imported_names("text/x.py", "from ...elsewhere import y\nfrom toolkit.text.units import split_units\n")
    assert ("text", "units") in names and not any("elsewhere" in parts for parts in names)
    assert ("text", "units", "split_units") in names
    assert sources._imported_names("x.py", "import toolkit.text.units\nfrom numpy import array\n") == ()


def _framed_digest(modules, contents):
    return sources.source_digest(modules, read=lambda path: contents[path.relative_to(sources.ROOT).as_posix()])


def test_the_source_digest_is_a_sha256_of_each_files_name_and_bytes_framed():
    text = (sources.ROOT / "text" / "counting.py").read_bytes()
    one = _framed_digest(["text/counting.py"], {"text/counting.py": text})
    assert len(one) == 64 and int(one, 16) >= 0
    # the same bytes under another name are another code
    assert _framed_digest(["text/units.py"], {"text/units.py": text}) != one
    # the last module counts as much as the first
    both = {"text/counting.py": text, "text/units.py": b"x = 1\n"}
    changed = {**both, "text/units.py": b"x = 2\n"}
    assert _framed_digest(sorted(both), both) != _framed_digest(sorted(both), changed)
    # one file's bytes cannot stand for two files
    a, b = "text/counting.py", "text/units.py"
    forged = {a: text + b.encode() + b"\x1fx = 1\n"}
    assert _framed_digest([a, b], both) != _framed_digest([a], forged)
    # the default reader reads the files as they are
    assert sources.source_digest([a]) == one


# --- a user's model class ------------------------------------------------------------------------------------------


def _module(source: str, name: str = "auditpkg.models", **names) -> types.ModuleType:
    """A module of the package ``auditpkg`` made from ``source``, as a plugin's would be imported."""
    module = types.ModuleType(name)
    module.__dict__.update(names)
    exec(compile(textwrap.dedent(source), f"/somewhere/{name}.py", "exec"), module.__dict__)
    return module


MODEL = """
import statistics

import numpy as np

SCALE = 3
summarize = statistics.mean


def helper(x):
    return x * SCALE + 1


class Base:
    def prior(self):
        return 0.5


class Model(Base):
    \"\"\"A user's model.\"\"\"

    n_init = 4

    def __init__(self, k=5):
        self.k = k

    def fit(self, x):
        \"\"\"Fits.\"\"\"
        return helper(np.mean(x)) + self.k

    def predict(self, x, *, top=3):
        return summarize(x[:top])
"""


def _digest(source: str = MODEL, **names) -> str:
    return sources.code_digest(_module(source, **names).Model)


def test_a_class_digest_ignores_docstrings_line_numbers_and_module_names():
    base = _digest()
    assert len(base) == 64 and base == _digest()
    assert _digest(MODEL.replace('"""Fits."""', '"""Fits the data, better said."""')) == base
    assert _digest(MODEL.replace('"""A user\'s model."""', '"""Another text."""')) == base
    assert _digest("\n\n\n" + MODEL.replace("class Base:", "\n\nclass Base:")) == base
    assert sources.code_digest(_module(MODEL, name="auditpkg.other.place").Model) == base


@pytest.mark.parametrize(
    "old, new",
    [
        ("return helper(np.mean(x)) + self.k", "return helper(np.mean(x)) - self.k"),  # an operator
        ("np.mean(x)", "np.median(x)"),  # a name it calls
        ("return x * SCALE + 1", "return x * SCALE + 2"),  # a helper of its package
        ("SCALE = 3", "SCALE = 4"),  # a value of its package
        ("n_init = 4", "n_init = 5"),  # a class attribute
        ("return 0.5", "return 0.25"),  # a base of its package
        ("def __init__(self, k=5):", "def __init__(self, k=6):"),  # a default
        ("self.k = k", "self.k = k + 1"),  # a dunder method
        ("top=3", "top=4"),  # a keyword-only default
        (
            "def predict(self, x, *, top=3):\n        return summarize(x[:top])",
            "def predict(self, y, *, top=3):\n        return summarize(y[:top])",
        ),  # a parameter's name
        ("summarize = statistics.mean", "summarize = statistics.median"),  # a value of another package, by name
    ],
)
def test_a_class_digest_changes_with_the_code_it_runs(old, new):
    assert MODEL.count(old) == 1
    assert _digest(MODEL.replace(old, new)) != _digest()


EXTRAS = """
import dataclasses

import numpy as np


@dataclasses.dataclass
class Options:
    alpha: float = 0.1


@dataclasses.dataclass(slots=True)
class Limits:
    low: int = 0


class Plain:
    def __init__(self, level):
        self.level = level
        self.me = self  # an object that refers to itself


def make_scorer(power):
    def score(x):
        return x**power

    return score


def recurse(n):
    return 1 if n <= 0 else n * recurse(n - 1)


class Model:
    options = Options(0.1)
    limits = Limits(0)
    backend = np
    plain = Plain(1)
    weights = np.array([1.0, 2.0])
    nested = ((1, 2), ((3, 4), (5, (6, 7))))
    table = {"a": 1, "b": 2}
    reducer = np.mean
    scorer = make_scorer(2)
    kind = kind_value

    @staticmethod
    def static(x):
        return x + 1

    @classmethod
    def build(cls):
        return cls()

    @property
    def size(self):
        return 10

    @size.setter
    def size(self, value):
        self._size = value

    def fit(self, x):
        transform = lambda v: v * 2  # noqa: E731
        return transform(x) + helpers.N_INIT + recurse(3)

    def later(self, x):
        return [helpers.twice(v) for v in x] + [(lambda: scale_fn(x))()]
"""

HELPERS = """
N_INIT = 10


def twice(v):
    return 2 * v
"""


def _extras(old: str = "", new: str = "", helpers_source: str = HELPERS, kind="a") -> str:
    helpers = _module(helpers_source, name="auditpkg.helpers")
    source = EXTRAS.replace(old, new) if old else EXTRAS
    scale = _module("def scale_fn(x):\n    return x\n", name="auditpkg.scales").scale_fn
    return sources.code_digest(_module(source, name="auditpkg.extras", helpers=helpers, kind_value=kind, scale_fn=scale).Model)


@pytest.mark.parametrize(
    "old, new",
    [
        ("options = Options(0.1)", "options = Options(0.2)"),  # a dataclass by value
        ("plain = Plain(1)", "plain = Plain(2)"),  # an object by its attributes
        ("limits = Limits(0)", "limits = Limits(1)"),  # a dataclass without a __dict__
        ("backend = np", "backend = dataclasses"),  # a module, by its name
        ("np.array([1.0, 2.0])", "np.array([1.0, 3.0])"),  # an array by its bytes
        ("(5, (6, 7))", "(5, (6, 8))"),  # nested values, deep
        ("nested = ((1, 2),", "nested = ((12,),"),  # where the values are
        ('"b": 2', '"b": 3'),
        ("reducer = np.mean", "reducer = np.median"),  # a function of another package, by its name
        ("make_scorer(2)", "make_scorer(3)"),  # a closure's value
        ("return x + 1", "return x + 2"),  # a staticmethod
        ("return cls()", "return cls().fit(0)"),  # a classmethod
        ("return 10", "return 11"),  # a property's getter
        ("self._size = value", "self._size = value + 1"),  # its setter
        ("v * 2  # noqa", "v * 3  # noqa"),  # a function nested in a method
        ("n * recurse(n - 1)", "n * recurse(n - 2)"),  # a recursive helper
    ],
)
def test_a_class_digest_follows_values_functions_and_nested_code(old, new):
    assert EXTRAS.count(old) == 1
    assert _extras(old, new) != _extras()


def test_a_class_digest_follows_a_module_of_its_package_and_names_used_in_nested_code():
    assert _extras(helpers_source=HELPERS.replace("N_INIT = 10", "N_INIT = 11")) != _extras()
    assert _extras(helpers_source=HELPERS.replace("2 * v", "3 * v")) != _extras()
    assert _extras(kind="b") != _extras()


def test_a_class_digest_is_by_value_not_by_the_order_things_were_written():
    assert _extras('table = {"a": 1, "b": 2}', 'table = {"b": 2, "a": 1}') == _extras()
    swapped = MODEL.replace("    n_init = 4\n", "").replace("    def fit(self, x):", "    n_init = 4\n\n    def fit(self, x):")
    assert swapped != MODEL and _digest(swapped) == _digest()
    assert _digest(MODEL.replace("n_init = 4", "n_init = (1, 2)")) != _digest(MODEL.replace("n_init = 4", "n_init = [1, 2]"))
    assert _digest(MODEL.replace("n_init = 4", "n_init = '4'")) != _digest()  # repr: a text is not a number
    assert _digest(MODEL.replace("n_init = 4", "n_init = '\\ud800'")) != _digest()  # a lone surrogate is a text too


def test_a_base_or_helper_of_main_counts_and_one_of_the_toolkit_does_not():
    def main_base(value: str) -> type:
        return _module(f"class MainBase:\n    def prior(self):\n        return {value}\n", name="__main__").MainBase

    def digest_with(base: type) -> str:
        return sources.code_digest(_module("class Model(MainBase):\n    pass\n", MainBase=base).Model)

    assert digest_with(main_base("0.5")) != digest_with(main_base("0.25"))

    def toolkit_helper(value: str):
        return _module(f"def shared(x):\n    return x + {value}\n", name="toolkit.fake").shared

    def digest_using(helper) -> str:
        return sources.code_digest(
            _module("class Model:\n    def fit(self, x):\n        return shared(x)\n", shared=helper).Model
        )

    assert digest_using(toolkit_helper("1")) == digest_using(toolkit_helper("2"))  # the toolkit counts by its own hash

    def toolkit_class(value: str) -> type:
        source = f"def shared(x):\n    return x + {value}\n\n\nclass Model:\n    def fit(self, x):\n        return shared(x)\n"
        return _module(source, name="toolkit.fake").Model

    assert sources.code_digest(toolkit_class("1")) == sources.code_digest(toolkit_class("2"))


def test_a_method_from_another_package_set_on_the_class_counts_by_its_code():
    def digest_with(value: str) -> str:
        model = _module("class Model:\n    pass\n").Model
        model.score = _module(f"def score(self, x):\n    return x + {value}\n", name="otherpkg.scores").score
        return sources.code_digest(model)

    assert digest_with("1") != digest_with("2")


def test_a_class_digest_is_the_same_in_processes_with_other_string_hashes(tmp_path):
    """Sets of texts are digested in sorted order, not in the process's hash order."""
    package = tmp_path / "hashpkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    words = ", ".join(repr(w) for w in ["创新", "改革", "开放", "发展", "协调", "绿色", "共享", "安全"])
    (package / "model.py").write_text(
        f"class Model:\n    words = frozenset([{words}])\n    table = {{{words.split(', ')[0]}: {{{words}}}}}\n"
    )
    code = "from toolkit.sources import code_digest; from hashpkg.model import Model; print(code_digest(Model))"
    digests = set()
    for seed in ("1", "2", "3"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": os.pathsep.join([str(tmp_path), str(sources.ROOT.parent)])}
        digests.add(subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout)
    assert len(digests) == 1


# --- the counting kernels ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_units(seed_texts, segmenter) -> list[list[str]]:
    """The seeds' sentences as the segmenter cuts them, with an empty unit among them and at the end."""
    texts = [s for text in list(seed_texts.values())[:3] for s in text.replace("\n", "").split("。") if s.strip()][:60]
    units = [segmenter.cut(t, keep_spaces=False) for t in texts]
    return units[:10] + [[]] + units[10:] + [[]]


def _arrays(units):
    words = sorted({w for unit in units for w in unit})
    index = {w: i for i, w in enumerate(words)}
    ids = np.array([index[w] for unit in units for w in unit], dtype=np.int32)
    offsets = np.concatenate([[0], np.cumsum([len(u) for u in units])]).astype(np.int64)
    return words, ids, offsets


def test_unit_word_counts_are_the_counts_of_each_unit_in_sorted_unique_columns(seed_units):
    words, ids, offsets = _arrays(seed_units)
    rng = np.random.default_rng(0)
    columns = rng.permutation(len(words)).astype(np.int64)
    columns[rng.random(len(words)) < 0.3] = -1  # words not counted
    columns[columns >= 0] = rng.permutation(int((columns >= 0).sum()))  # column 0 is used
    n_columns = int(columns.max()) + 1
    indptr, indices, data = unit_word_counts(ids, offsets, columns, n_columns)
    assert len(indptr) == len(seed_units) + 1 and indptr[0] == 0 and data.dtype == np.int64
    for d, unit in enumerate(seed_units):
        expected = Counter(int(columns[words.index(w)]) for w in unit if columns[words.index(w)] >= 0)
        row = indices[indptr[d] : indptr[d + 1]].tolist()
        assert row == sorted(expected), d
        assert dict(zip(row, data[indptr[d] : indptr[d + 1]].tolist())) == expected, d
    assert data.sum() == sum(1 for unit in seed_units for w in unit if columns[words.index(w)] >= 0)


def test_units_with_word_counts_units_not_tokens(seed_units):
    words, ids, offsets = _arrays(seed_units)
    expected = Counter(w for unit in seed_units for w in set(unit))
    assert units_with_word(ids, offsets, len(words)).tolist() == [expected[w] for w in words]
    assert max(expected.values()) > 1 and any(Counter(u).most_common(1)[0][1] > 1 for u in seed_units if u)


# --- one chunk of the preparation, with its token cache ------------------------------------------------------------


@pytest.fixture(scope="module")
def chunk_documents(seed_texts) -> list[tuple[str, str]]:
    return [(name, text) for name, text in sorted(seed_texts.items())[:3]]


def _prepare(documents, normalizer, segmenter, cache_dir, fingerprint="f1", **units):
    from toolkit.text.chunks import prepare_chunk

    settings = {"kind": "paragraph", "max_chars": 400, "min_chars": 40, "join_lines": True, **units}
    return prepare_chunk(documents, normalizer, settings, segmenter, fingerprint, cache_dir)


def test_a_chunk_is_the_same_read_from_the_cache_as_segmented_and_the_cache_keys_on_the_settings(
    chunk_documents, normalizer, segmenter, tmp_path
):
    plain = _prepare(chunk_documents, normalizer, segmenter, None)
    first = _prepare(chunk_documents, normalizer, segmenter, tmp_path)
    again = _prepare(chunk_documents, normalizer, segmenter, tmp_path)
    other = _prepare(chunk_documents, normalizer, segmenter, tmp_path, fingerprint="f2")
    n = len(chunk_documents)
    assert (first.hits, first.misses) == (0, n) and (again.hits, again.misses) == (n, 0)
    assert (other.hits, other.misses) == (0, n)  # other settings never read this one's tokens
    for chunk in (first, again, other):
        assert list(chunk.tokens) == list(plain.tokens) and chunk.quality == plain.quality
        assert chunk.pair_counts.pairs == plain.pair_counts.pairs
        assert chunk.pair_counts.unigrams == plain.pair_counts.unigrams
    assert not any(w.isspace() for unit in plain.tokens for w in unit)


def test_a_chunk_keeps_every_unit_and_only_the_segmenters_kept_words(chunk_documents, normalizer, segmenter):
    chunk = _prepare(chunk_documents, normalizer, segmenter, None)
    texts = [t for array in chunk.unit_texts for t in array.to_pylist()]
    assert len(chunk.tokens) == len(texts) > len(chunk_documents)
    for text, tokens in zip(texts, chunk.tokens):
        assert tokens == segmenter.filter(segmenter.cut(text, keep_spaces=False))
        assert all(w in text for w in tokens)
    stop = [w for unit in chunk.tokens for w in unit if w in segmenter.stopwords]
    assert not stop
    assert not any(a in segmenter.stopwords or b in segmenter.stopwords for a, b in chunk.pair_counts.pairs)


def test_a_chunk_joins_broken_lines_only_when_asked(chunk_documents, normalizer, segmenter):
    """A seed document as a PDF copy has it: its paragraphs broken every 30 characters."""
    text = "".join(normalizer.normalize(chunk_documents[0][1]).text.split("\n"))[:900]
    wrapped = "\n".join(text[i : i + 30] for i in range(0, len(text), 30))
    joined = _prepare([("a", wrapped)], normalizer, segmenter, None)
    kept = _prepare([("a", wrapped)], normalizer, segmenter, None, join_lines=False)
    assert joined.quality[0]["joined_lines"] > 0 and kept.quality[0]["joined_lines"] == 0
    assert len(joined.unit_texts[0]) < len(kept.unit_texts[0])


def test_a_cache_entry_that_does_not_hold_the_documents_units_is_not_used(chunk_documents, normalizer, segmenter, tmp_path):
    """An entry under a document's key with a unit too few (a hand-copied or older cache) is set aside, and the
    document segmented again."""
    from toolkit.text.cache import TokenCache, entry_key

    documents = chunk_documents[:1]
    plain = _prepare(documents, normalizer, segmenter, None)
    texts = plain.unit_texts[0].to_pylist()
    words = [segmenter.cut(text, keep_spaces=False) for text in texts]
    TokenCache(tmp_path).put(entry_key(texts, "f1"), words[:-1])
    chunk = _prepare(documents, normalizer, segmenter, tmp_path)
    assert list(chunk.tokens) == list(plain.tokens) and len(chunk.damaged) == 1
    assert (chunk.hits, chunk.misses) == (0, 1)


def test_a_class_digest_keeps_its_parts_apart():
    """Constants 1000 and 2345 are not 10002 and 345, though their texts run on into the same digits."""
    one = MODEL.replace("return x * SCALE + 1", "return x * SCALE + 1000 + 2345")
    other = MODEL.replace("return x * SCALE + 1", "return x * SCALE + 10002 + 345")
    assert one != other and _digest(one) != _digest(other)
