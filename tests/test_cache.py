from toolkit.cache import TokenCache, entry_key


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
