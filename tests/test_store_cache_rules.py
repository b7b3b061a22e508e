"""Rules of the prepared-corpus store (text/store.py), the token cache (text/cache.py) and the run's provenance
(output/manifest.py) that the other tests left open (a mutation audit): what the docstrings promise, on real
Chinese text and real git repositories."""

import hashlib
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from toolkit.text.cache import TokenCache, default_cache_dir, entry_key
from toolkit.text.store import PreparedStore, StoredCorpus
from toolkit.text.tokens import UnitTokens

from .conftest import git

KEY = "a" * 64
OTHER = "b" * 64


def _corpus(n_units=2):
    words = ["推进", "数字经济", "发展", "加快", "建设", "创新型", "国家"]
    tokens = UnitTokens.from_lists([["推进", "数字经济", "发展"], ["加快", "建设", "创新型", "国家"]])
    return StoredCorpus(
        quality=pd.DataFrame({"doc_id": ["政府工作报告"], "removed_share": [0.02]}),
        units=pd.DataFrame(
            {
                "unit_id": [f"政府工作报告#{i + 1}" for i in range(n_units)],
                "text": ["推进数字经济发展", "加快建设创新型国家", "推进生态文明建设"][:n_units],
            }
        ),
        tokens=tokens,
        unigrams=pd.DataFrame({"word": words, "count": [1] * len(words)}),
        pairs=pd.DataFrame({"left": ["数字经济", "创新型"], "right": ["发展", "国家"], "count": [1, 1]}),
    )


# ----- PreparedStore -----------------------------------------------------------------------------------------


def test_every_table_reads_back_in_its_own_place(tmp_path):
    store = PreparedStore(tmp_path)
    corpus = _corpus()
    store.put(KEY, corpus)
    back = store.get(KEY)
    assert back is not None and store.damaged == [] and store.unwritable == ""
    for name in ("quality", "units", "unigrams", "pairs"):
        pd.testing.assert_frame_equal(getattr(back, name), getattr(corpus, name))
    assert back.tokens == corpus.tokens


def test_an_absent_entry_is_a_miss_not_damage(tmp_path):
    store = PreparedStore(tmp_path)
    assert store.get(KEY) is None  # no cache folder yet
    store.put(OTHER, _corpus())
    assert store.get(KEY) is None and store.damaged == [] and store.unwritable == ""


def test_an_entry_copied_under_another_key_is_not_reused(tmp_path):
    """An entry answers only for its own key (its meta.json names it): one copied or renamed to another key's folder
    is no prepared corpus of that key."""
    store = PreparedStore(tmp_path)
    store.put(KEY, _corpus())
    shutil.copytree(tmp_path / "prepared" / KEY, tmp_path / "prepared" / OTHER)
    assert store.get(OTHER) is None and store.damaged and not (tmp_path / "prepared" / OTHER).exists()
    assert store.get(KEY) is not None


def test_an_entry_of_another_format_is_damage(tmp_path):
    store = PreparedStore(tmp_path)
    store.put(KEY, _corpus())
    meta_path = tmp_path / "prepared" / KEY / "meta.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta_path.write_text(json.dumps({**meta, "format": "toolkit-prepared-store v0"}), encoding="utf-8")
    assert store.get(KEY) is None and "wrong format" in store.damaged[0]


@pytest.mark.parametrize("text", ["[]", '{"format": "toolkit-prepared-store v1", "files": ["units.parquet"]}', "{}"])
def test_a_meta_json_that_is_no_table_of_files_is_damage_not_a_traceback(tmp_path, text):
    store = PreparedStore(tmp_path)
    store.put(KEY, _corpus())
    (tmp_path / "prepared" / KEY / "meta.json").write_text(text, encoding="utf-8")
    assert store.get(KEY) is None and len(store.damaged) == 1
    assert not (tmp_path / "prepared" / KEY).exists()


@pytest.mark.parametrize("name", ["tokens/words.txt", "units.parquet", "pairs.parquet"])
def test_a_changed_file_anywhere_in_the_entry_is_damage_and_the_entry_is_removed(tmp_path, name):
    """Every file, those of tokens/ too, is checked against its SHA-256: a word list with one more word still loads
    (no id points past it), and only its checksum tells."""
    store = PreparedStore(tmp_path)
    store.put(KEY, _corpus())
    path = tmp_path / "prepared" / KEY / name
    if name.endswith(".txt"):
        path.write_text(path.read_text(encoding="utf-8") + "生态\n", encoding="utf-8")
        assert len(UnitTokens.load(path.parent).words) == 8  # still a valid token folder
    else:
        table = getattr(_corpus(), name.split(".")[0])
        with open(path, "wb") as handle:  # a valid table, its rows in another order
            table.iloc[::-1].to_parquet(handle, index=False)
    assert store.get(KEY) is None
    assert f"{name} does not match its checksum" in store.damaged[0]
    assert not (tmp_path / "prepared" / KEY).exists()  # removed, so that the corpus is stored again


def test_units_and_tokens_of_different_numbers_are_damage(tmp_path):
    store = PreparedStore(tmp_path)
    store.put(KEY, _corpus(n_units=3))  # three units, the tokens of two
    assert store.get(KEY) is None and "tokens and units differ in number" in store.damaged[0]


def test_storing_a_key_another_run_stored_first_is_no_failure_and_leaves_nothing_aside(tmp_path):
    """Two runs of one corpus store one key: the second finds the first's entry whole, says nothing is unwritable,
    and its own copy, written aside, is removed."""
    store = PreparedStore(tmp_path)
    store.put(KEY, _corpus())
    again = PreparedStore(tmp_path)
    again.put(KEY, _corpus())
    assert again.unwritable == "" and store.unwritable == ""
    assert [p.name for p in (tmp_path / "prepared").iterdir()] == [KEY]
    assert again.get(KEY) is not None


def test_a_cache_folder_not_there_yet_is_made_with_its_parents(tmp_path):
    store = PreparedStore(tmp_path / "缓存" / "工具")
    store.put(KEY, _corpus())
    assert store.unwritable == "" and store.get(KEY) is not None


def test_a_cache_folder_that_cannot_be_made_is_said_not_raised(tmp_path):
    (tmp_path / "文件").write_text("不是文件夹", encoding="utf-8")
    store = PreparedStore(tmp_path / "文件")
    store.put(KEY, _corpus())
    assert str(tmp_path / "文件" / "prepared") in store.unwritable
    assert store.get(KEY) is None


# ----- TokenCache and its keys -----------------------------------------------------------------------------


def test_the_cache_folder_is_toolkit_cache_dir_then_xdg_then_home(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path / "家"))
    monkeypatch.setenv("TOOLKIT_CACHE_DIR", str(tmp_path / "缓存"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_cache_dir() == tmp_path / "缓存"
    monkeypatch.setenv("TOOLKIT_CACHE_DIR", "~/缓存")
    assert default_cache_dir() == tmp_path / "家" / "缓存"  # as a shell expands it
    monkeypatch.delenv("TOOLKIT_CACHE_DIR")
    assert default_cache_dir() == tmp_path / "xdg" / "toolkit"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert default_cache_dir() == tmp_path / "家" / ".cache" / "toolkit"


def test_no_two_lists_of_units_share_a_key_whatever_line_breaks_they_hold():
    assert entry_key(["推进\n数字经济", "发展"], "fp") != entry_key(["推进", "数字经济\n发展"], "fp")
    assert entry_key(["推进数字经济发展"], "fp") != entry_key(["推进数字经济", "发展"], "fp")


def test_an_entry_under_another_keys_name_is_a_miss(tmp_path):
    """The header names the key: an entry copied to another key's file is not given to that document."""
    cache = TokenCache(tmp_path)
    mine, theirs = entry_key(["推进数字经济发展"], "fp"), entry_key(["加快建设创新型国家"], "fp")
    cache.put(mine, [["推进", "数字经济", "发展"]])
    cache._path(theirs).parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(cache._path(mine), cache._path(theirs))
    assert cache.get(theirs) is None and cache.damaged == [str(cache._path(theirs))]
    assert (cache.hits, cache.misses) == (0, 1)
    assert cache.get(mine) == [["推进", "数字经济", "发展"]]


@pytest.mark.parametrize("n_units", [0, 1, 3])
def test_a_header_whose_number_of_units_the_body_does_not_hold_is_damage(tmp_path, n_units):
    """The body's checksum does not cover the header's number of units: a body of two units under a header of 0, 1
    or 3 is damage, not a document of no units (its tokens lost) or of another number."""
    cache = TokenCache(tmp_path)
    key = entry_key(["推进数字经济发展", "加快建设创新型国家"], "fp")
    cache.put(key, [["推进", "数字经济", "发展"], ["加快", "建设", "创新型", "国家"]])
    path = cache._path(key)
    header, body = path.read_text(encoding="utf-8").split("\n", 1)
    magic_key, _, digest = header.rsplit(" ", 2)
    assert digest == hashlib.sha256(body.encode()).hexdigest()
    path.write_text(f"{magic_key} {n_units} {digest}\n{body}", encoding="utf-8")
    assert cache.get(key) is None and cache.damaged == [str(path)] and not path.exists()
    assert (cache.hits, cache.misses) == (0, 1)


def test_a_token_cache_that_cannot_be_written_is_said_not_raised(tmp_path):
    (tmp_path / "文件").write_text("不是文件夹", encoding="utf-8")
    cache = TokenCache(tmp_path / "文件")
    cache.put(entry_key(["推进数字经济发展"], "fp"), [["推进", "数字经济", "发展"]])
    assert str(tmp_path / "文件") in cache.unwritable


# ----- manifest: the build's hash, versions, output hashes, git ----------------------------------------------


@pytest.fixture
def package_copy(tmp_path, monkeypatch):
    import toolkit
    from toolkit.output import manifest

    copy = tmp_path / "toolkit"
    shutil.copytree(Path(toolkit.__file__).parent, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(manifest, "__file__", str(copy / "output" / "manifest.py"))
    manifest.source_sha256.cache_clear()
    yield copy, manifest
    manifest.source_sha256.cache_clear()


def test_a_renamed_module_is_another_build(package_copy):
    copy, manifest = package_copy
    before = manifest.source_sha256()
    (copy / "analysis" / "effects.py").rename(copy / "analysis" / "effects_old.py")
    manifest.source_sha256.cache_clear()
    assert manifest.source_sha256() != before


def test_an_editors_or_systems_file_is_no_part_of_the_build(package_copy):
    copy, manifest = package_copy
    before = manifest.source_sha256()
    for name in ("effects.py.bak", "effects.py.tmp", "effects.py.swo", "effects.py.swx", "4913", "desktop.ini", "Thumbs.db"):
        (copy / "analysis" / name).write_text("x = 1\n", encoding="utf-8")
    manifest.source_sha256.cache_clear()
    assert manifest.source_sha256() == before


def test_package_versions_name_python_and_every_package_installed_or_not(monkeypatch):
    import platform

    from toolkit.output import manifest

    monkeypatch.setattr(manifest, "PACKAGES", [*manifest.PACKAGES, "no-such-distribution-zz"])
    manifest._versions.cache_clear()  # read once per process: an earlier test of this worker may have read them
    try:
        versions = manifest.package_versions()
    finally:
        manifest._versions.cache_clear()
    assert versions["python"] == platform.python_version()
    assert versions["no-such-distribution-zz"] == "not installed"
    assert set(versions) == {"python", *manifest.PACKAGES}
    assert manifest.platform_summary()["machine"] == platform.machine()


def test_output_hashes_are_by_relative_path_and_leave_the_manifest_out(tmp_path):
    from toolkit.output.manifest import output_hashes

    (tmp_path / "figures").mkdir()
    (tmp_path / "units.csv").write_text("unit_id,text\n报告#1,推进数字经济发展\n", encoding="utf-8")
    (tmp_path / "figures" / "units.csv").write_text("另一个文件", encoding="utf-8")
    (tmp_path / "manifest.json").write_text("{}", encoding="utf-8")
    hashes = output_hashes(tmp_path)
    assert hashes == {
        "figures/units.csv": hashlib.sha256("另一个文件".encode()).hexdigest(),
        "units.csv": hashlib.sha256((tmp_path / "units.csv").read_bytes()).hexdigest(),
    }


@pytest.fixture
def project(tmp_path):
    project = tmp_path / "project"
    (project / "texts").mkdir(parents=True)
    (project / "texts" / "报告.txt").write_text("推进数字经济发展，加快建设创新型国家。", encoding="utf-8")
    git(project, "init", "-q", "-b", "主线")
    git(project, "add", ".")
    git(project, "commit", "-q", "-m", "政府工作报告")
    return project, git(project, "rev-parse", "HEAD")


def test_a_linked_work_tree_has_its_own_head_and_the_main_repositorys_branches(project, tmp_path):
    from toolkit.output.manifest import git_revision

    project, first = project
    worktree = tmp_path / "工作树"
    git(project, "worktree", "add", "-q", "-b", "支线", str(worktree))
    (worktree / "texts" / "新.txt").write_text("推进生态文明建设", encoding="utf-8")
    git(worktree, "add", ".")
    git(worktree, "commit", "-q", "-m", "生态")
    second = git(worktree, "rev-parse", "HEAD")
    assert second != first
    assert git_revision(worktree / "texts") == {"commit": second, "branch": "支线"}
    assert git_revision(project) == {"commit": first, "branch": "主线"}


def test_a_branch_that_is_a_symbolic_ref_is_followed_to_its_commit(project):
    from toolkit.output.manifest import git_revision

    project, commit = project
    git(project, "symbolic-ref", "refs/heads/别名", "refs/heads/主线")
    git(project, "symbolic-ref", "HEAD", "refs/heads/别名")
    assert git_revision(project) == {"commit": commit, "branch": "主线"}


def test_a_relative_folder_is_looked_up_from_the_working_directory_upwards(project, monkeypatch):
    from toolkit.output.manifest import git_revision

    project, commit = project
    monkeypatch.chdir(project / "texts")
    assert git_revision(".") == {"commit": commit, "branch": "主线"}
    assert git_revision("报告.txt") == {"commit": commit, "branch": "主线"}


def test_a_dot_git_folder_without_head_is_no_repository_and_one_above_is_found(project):
    from toolkit.output.manifest import git_revision

    project, commit = project
    (project / "texts" / ".git").mkdir()  # an empty .git folder (a tool's leftover): git looks further up too
    assert git_revision(project / "texts") == {"commit": commit, "branch": "主线"}


def test_a_dot_git_file_that_names_no_git_directory_is_no_git_info(project):
    from toolkit.output.manifest import git_revision

    project, _ = project
    (project / "texts" / ".git").write_text("不是 gitdir\n", encoding="utf-8")
    assert git_revision(project / "texts") == {}


@pytest.mark.parametrize(
    "head", ["ref: ORIG_HEAD", "ref: refs/../../outside", "ref: refs/heads/../../../outside", "{commit}0", "{commit} junk"]
)
def test_a_head_that_is_no_branch_under_refs_or_no_object_id_is_no_git_info(project, head):
    """HEAD naming a file outside refs/ (a path out of the repository too), or holding more than an object id, is
    read as no git info, not as a commit."""
    from toolkit.output.manifest import git_revision

    project, commit = project
    git_dir = project / ".git"
    (git_dir / "ORIG_HEAD").write_text(commit + "\n", encoding="utf-8")
    (project / "outside").write_text(commit + "\n", encoding="utf-8")  # what refs/../../outside names
    (git_dir / "HEAD").write_text(head.format(commit=commit) + "\n", encoding="utf-8")
    assert git_revision(project) == {}


@pytest.mark.parametrize("unlisted", ["units.parquet", "tokens/words.txt"])
def test_a_file_read_from_an_entry_but_not_listed_in_its_meta_json_is_damage(tmp_path, unlisted):
    """The module promises the SHA-256 of every file, checked on reading: a file that meta.json does not list has no
    checksum to be checked against, so the entry cannot be trusted (here the table, or the word list, was replaced).
    From mutation audit 23: such a file was read unchecked."""
    store = PreparedStore(tmp_path)
    store.put(KEY, _corpus())
    entry = tmp_path / "prepared" / KEY
    meta = json.loads((entry / "meta.json").read_text(encoding="utf-8"))
    del meta["files"][unlisted]
    (entry / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    if unlisted == "units.parquet":
        with open(entry / unlisted, "wb") as handle:
            pd.DataFrame(
                {"unit_id": ["别的报告#1", "别的报告#2"], "text": ["推进生态文明建设", "加快建设创新型国家"]}
            ).to_parquet(handle, index=False)
    else:
        (entry / unlisted).write_text((entry / unlisted).read_text(encoding="utf-8") + "生态\n", encoding="utf-8")
    assert store.get(KEY) is None and store.damaged and "has no checksum in meta.json" in store.damaged[0]
