import pytest

from toolkit.cache import TokenCache, entry_key
from toolkit.config import Config
from toolkit.errors import ToolkitError

from .conftest import write_config


def test_round_trip_and_keys(tmp_path):
    cache = TokenCache(tmp_path)
    units = [["数字经济", "发展"], [], ["碳达峰"]]
    key = entry_key(["数字经济发展", "", "碳达峰"], "fp1")
    assert cache.get(key) is None
    cache.put(key, units)
    assert cache.get(key) == units
    assert (cache.hits, cache.misses) == (1, 1)
    assert entry_key(["数字经济发展", "", "碳达峰"], "fp2") != key  # other segmenter settings
    assert entry_key(["数字经济发展", "", "碳达峰。"], "fp1") != key  # other text


def test_damaged_entry_is_detected_and_dropped(tmp_path):
    cache = TokenCache(tmp_path)
    key = entry_key(["创新驱动"], "fp")
    cache.put(key, [["创新驱动"]])
    path = next(tmp_path.rglob("*.txt"))
    path.write_bytes(path.read_bytes().replace("创新".encode(), "生态".encode()))
    assert cache.get(key) is None
    assert cache.damaged == [str(path)] and not path.exists()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\xff\xfe garbage")
    assert cache.get(key) is None and len(cache.damaged) == 2


FAST = {"model": {"n_topics": 5, "ensemble": 1}, "figures": {"ldavis": False}, "trends": {"bootstrap": 0}}


@pytest.mark.parametrize("inside", [False, True])
def test_a_cache_in_the_text_folder_is_refused_before_any_work(small_corpus, tmp_path, monkeypatch, inside):
    from toolkit.pipeline import run

    cache = small_corpus / "cache" if inside else small_corpus
    monkeypatch.setenv("TOOLKIT_CACHE_DIR", str(cache))
    config = write_config(tmp_path / "c.toml", small_corpus, small_corpus / "metadata.csv",
                          corpus={"pattern": "**/*.txt"}, **FAST)
    what = "lies inside" if inside else "is"
    with pytest.raises(ToolkitError, match=f"the cache folder {cache} \\(\\$TOOLKIT_CACHE_DIR\\) {what} the text folder"):
        run(config, tmp_path / "out")
    assert not (tmp_path / "out").exists() and not (small_corpus / "tokens").exists() and not cache.joinpath("prepared").exists()
    with pytest.raises(ToolkitError, match="\\(cache.dir\\) lies inside the text folder"):
        run(Config.load(config, ["cache.dir='" + str(small_corpus / "sub" / "cache") + "'"]), tmp_path / "out")


@pytest.mark.parametrize("where", ["cache", "cache/run", "."])
def test_an_output_in_the_cache_or_around_it_is_refused(small_corpus, tmp_path, monkeypatch, where):
    from toolkit.pipeline import run

    cache = tmp_path / "cache"  # not made yet
    monkeypatch.setenv("TOOLKIT_CACHE_DIR", str(cache))
    config = write_config(tmp_path / "c.toml", small_corpus, small_corpus / "metadata.csv", **FAST)
    out = tmp_path / "outer" if where == "." else tmp_path / where
    if where == ".":  # the cache inside the output folder
        monkeypatch.setenv("TOOLKIT_CACHE_DIR", str(out / "cache"))
    what = {"cache": "is", "cache/run": "lies inside", ".": "contains"}[where]
    with pytest.raises(ToolkitError, match=f"--out {out} {what} the cache folder"):
        run(config, out)
    assert not out.exists()
