"""Nothing is deleted outside an output folder, and nothing of the user's inside one (issue 27): leftovers of
the toolkit are found by exact names and its own marker, never by a glob of the user's name, and an output is
replaced only when everything in it is what the toolkit wrote."""

import contextlib
import errno
import json
import logging
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from filelock import FileLock
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from toolkit.errors import ToolkitError
from toolkit.output import atomic, csv_files

from .conftest import examples, snapshot


def _write(folder, files):
    """Files written as the toolkit writes every file (so an unfinished folder's journal lists them)."""
    for name, data in files.items():
        atomic.write_bytes(folder / name, data)


def _run(final, files):
    with atomic.output_folder(final) as work:
        _write(work, files)


def _user_files(folder):
    (folder / "sub").mkdir(parents=True)
    (folder / "thesis.docx").write_bytes(b"years of work")
    (folder / "sub" / "notes.md").write_bytes(b"my notes")


def _killed(parent, name, files):
    """What a run into ``parent / name`` killed while writing leaves (its lock is free: the process is gone)."""
    leftover = atomic._new_leftover(parent, name, "partial")
    (leftover / name).mkdir()
    _write(leftover / name, files)
    return leftover


def _tree(folder):
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))


@pytest.mark.parametrize("name", ["*", "[t]*"])
def test_a_glob_character_in_the_output_name_deletes_nothing_beside_it(tmp_path, name):
    parent = tmp_path / "g"
    _user_files(parent / ".thesis.old-2023")
    _user_files(parent / ".other.partial-abc")
    _user_files(parent / ".thesis.partial-x")
    final = parent / name
    _run(final, {"a.csv": b"1"})
    _run(final, {"a.csv": b"2"})  # replaces its earlier output and tidies up beside it
    assert (final / "a.csv").read_bytes() == b"2"
    for user in (".thesis.old-2023", ".other.partial-abc", ".thesis.partial-x"):
        assert _tree(parent / user) == ["sub", "sub/notes.md", "thesis.docx"], user
        assert (parent / user / "sub" / "notes.md").read_bytes() == b"my notes"


@pytest.mark.parametrize("user", [".prev.old-backup", ".prev.partial-y", ".prev.old-", ".prev.partial-12345678"])
def test_a_users_folder_named_like_a_leftover_is_not_the_toolkits(tmp_path, user):
    final = tmp_path / "out" / "prev"
    _user_files(tmp_path / "out" / user)
    (tmp_path / "out" / user / "prev").mkdir()  # even holding a folder named like the output
    _run(final, {"a.csv": b"1"})
    _run(final, {"a.csv": b"2"})
    assert _tree(tmp_path / "out" / user) == ["prev", "sub", "sub/notes.md", "thesis.docx"]


def test_what_the_user_put_in_a_leftover_is_kept_with_a_warning(tmp_path, caplog):
    final = tmp_path / "run"
    mine = tmp_path / "mine"
    _user_files(mine)
    leftover = _killed(tmp_path, "run", {"units.csv": b"half", "figures/a.png": b"png"})
    (leftover / "run" / "figures" / "linked").symlink_to(mine, target_is_directory=True)
    (leftover / "notes.md").write_bytes(b"kept here by hand")
    # beside the unfinished files: the temporary file of one the journal lists is the toolkit's, but a name shaped
    # like a temporary file of a file it never wrote, or a file of the user's, is not (a mutation that took every
    # name for a temporary file passed the tests)
    (leftover / "run" / ".units.csv.abcd1234.tmp").write_bytes(b"the toolkit's, half written")
    (leftover / "run" / ".draft.csv.abcd1234.tmp").write_bytes(b"the user's")
    (leftover / "run" / "mine.txt").write_bytes(b"the user's")
    with caplog.at_level(logging.WARNING, logger="toolkit"):
        _run(final, {"a.csv": b"1"})
    assert "which the toolkit did not write" in caplog.text
    assert _tree(leftover) == [
        atomic.JOURNAL,
        atomic.LEFTOVER,
        "notes.md",
        "run",
        "run/.draft.csv.abcd1234.tmp",
        "run/figures",
        "run/figures/linked",
        "run/mine.txt",
    ]
    assert (leftover / "notes.md").read_bytes() == b"kept here by hand"
    assert _tree(mine) == ["sub", "sub/notes.md", "thesis.docx"]  # the link was not followed


@pytest.mark.parametrize(
    "make, first",
    [
        (lambda out, mine: (out / "empty").mkdir(), "empty"),
        (lambda out, mine: (out / "figures" / "drafts").mkdir(), "figures/drafts"),
        (lambda out, mine: (out / "linked").symlink_to(mine, target_is_directory=True), "linked"),
        (lambda out, mine: (out / "mynote.txt").write_text("mine"), "mynote.txt"),
        (lambda out, mine: (out / "units.csv").write_bytes(b"1 coded"), "units.csv"),
    ],
    ids=["empty folder", "nested empty folder", "link to a folder", "a note of the user's", "an edited table"],
)
def test_an_output_holding_anything_the_toolkit_did_not_write_is_not_replaced(tmp_path, make, first):
    """... and the refusal names the first such entry (a hostile pass of the docs: it named none)."""
    mine = tmp_path / "mine"
    _user_files(mine)
    final = tmp_path / "run"
    _run(final, {"units.csv": b"1", "figures/a.png": b"png"})
    make(final, mine)
    before = _tree(final)
    with pytest.raises(ToolkitError, match=f"holds files the toolkit did not write.*; {first} first\\)"):
        _run(final, {"units.csv": b"2"})
    assert _tree(final) == before
    assert _tree(mine) == ["sub", "sub/notes.md", "thesis.docx"]


def test_folders_the_toolkit_wrote_are_recorded_and_earlier_markers_still_recognised(tmp_path):
    final = tmp_path / "run"
    _run(final, {"units.csv": b"1"})
    with atomic.output_folder(final) as work:
        (work / "figures").mkdir()  # a run may leave a folder of its own empty
        (work / "units.csv").write_bytes(b"2")
    _run(final, {"units.csv": b"3"})  # replaced: the empty folder was the toolkit's
    assert _tree(final) == [atomic.MARKER, "units.csv"]
    # an output marked by the previous version (files only)
    marker = json.loads((final / atomic.MARKER).read_text())
    (final / "figures").mkdir()
    (final / "figures" / "a.png").write_bytes(b"png")
    files = {**marker["files"], "figures/a.png": atomic._sha256(final / "figures" / "a.png")}
    (final / atomic.MARKER).write_text(json.dumps({"format": "toolkit output v2", "files": files}))
    assert atomic._written_by_toolkit(final)
    (final / "figures" / "mine").mkdir()
    assert not atomic._written_by_toolkit(final)
    (final / "figures" / "mine").rmdir()
    _run(final, {"units.csv": b"4"})
    assert (final / "units.csv").read_bytes() == b"4"


def test_leftovers_of_killed_runs_are_removed_by_the_next_run_into_any_folder_beside_them(tmp_path):
    _run(tmp_path / "d", {"units.csv": b"previous of d"})
    old = atomic._new_leftover(tmp_path, "d", "old")
    os.replace(tmp_path / "d", old / "d")  # killed in the middle of a swap without exchange
    dead = _killed(tmp_path, "a", {"units.csv": b"half"})
    live = _killed(tmp_path, "c", {"units.csv": b"being written"})
    holder = FileLock(tmp_path / ".c.lock")
    holder.acquire(timeout=0)  # a live run writing c
    try:
        _run(tmp_path / "b", {"units.csv": b"1"})
    finally:
        holder.release()
    assert not dead.exists() and not old.exists()
    assert (tmp_path / "d" / "units.csv").read_bytes() == b"previous of d"  # put back, not deleted
    assert (live / "c" / "units.csv").read_bytes() == b"being written"
    _run(tmp_path / "b", {"units.csv": b"2"})  # c's run is gone now
    assert sorted(p.name for p in tmp_path.iterdir()) == [".a.lock", ".b.lock", ".c.lock", ".d.lock", "b", "d"]


def test_a_symbolic_link_as_output_is_named_as_such(tmp_path):
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "real", target_is_directory=True)
    with pytest.raises(ToolkitError, match=r"link is a symbolic link; give a real folder"):
        atomic.check_output_location(tmp_path / "link")


def test_a_name_too_long_is_one_clear_error(tmp_path):
    with pytest.raises(ToolkitError, match="the folder name is 300 bytes long; give one of at most 237 bytes"):
        _run(tmp_path / ("a" * 300), {"x": b"1"})
    with pytest.raises(ToolkitError, match="a folder name in it is 300 bytes long"):
        _run(tmp_path / ("a" * 300) / "run", {"x": b"1"})
    _run(tmp_path / ("a" * 237), {"x": b"1"})  # the longest name that leaves room for its leftovers
    assert sorted(p.name for p in tmp_path.iterdir()) == [f".{'a' * 237}.lock", "a" * 237]


@pytest.fixture
def read_only_folder(tmp_path):
    """A folder nobody may write into (a read-only file system where root ignores permissions)."""
    folder = tmp_path / "ro"
    folder.mkdir()
    if os.geteuid() != 0:
        folder.chmod(0o555)
        yield folder
        folder.chmod(0o755)
        return
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", str(folder)], capture_output=True, text=True)
    if result.returncode != 0:
        pytest.skip(f"cannot mount a read-only tmpfs here ({result.stderr.strip()})")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=False)


def test_an_unwritable_parent_is_not_reported_as_busy(read_only_folder):
    with pytest.raises(ToolkitError, match=f"cannot write into {read_only_folder}: (Permission denied|Read-only)"):
        _run(read_only_folder / "out", {"x": b"1"})


def test_an_unwritable_output_is_reported_before_any_work(read_only_folder):
    with pytest.raises(ToolkitError, match=f"cannot write into {read_only_folder}: it is read-only"):
        with atomic.output_folder(read_only_folder):
            raise AssertionError("the block ran")
    assert sorted(p.name for p in read_only_folder.parent.iterdir()) == [".ro.lock", "ro"]


def test_a_swap_that_fails_puts_the_previous_output_back(tmp_path, monkeypatch):
    final = tmp_path / "run"
    _run(final, {"units.csv": b"previous"})
    real_replace = os.replace

    def replace(src, dst):
        if Path(src).name == "run" and Path(src).parent.name.startswith(".run.partial-"):  # the new output
            raise PermissionError(errno.EACCES, "Permission denied")
        real_replace(src, dst)

    monkeypatch.setattr(atomic, "_exchange", lambda a, b: False)  # as where no atomic exchange exists
    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(ToolkitError, match="cannot replace .*run: Permission denied; the previous output is untouched"):
        _run(final, {"units.csv": b"new"})
    assert (final / "units.csv").read_bytes() == b"previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == [".run.lock", "run"]


# ----- the invariant under any interleaving --------------------------------------------------------------

NAMES = ["a", "*", "b[1]"]
USER_BESIDE = [".{}.old-x", ".{}.partial-y", ".{}.old-2023", "g{}"]


class OutputFolders(RuleBasedStateMachine):
    """Runs, failed runs, killed runs and a user's edits in one folder, in any order. No byte of a path the user
    made ever changes or disappears; an output is the previous complete one or the new complete one; a refused
    run raises ToolkitError; after a run that was not refused, no leftover of a dead run remains."""

    def __init__(self):
        super().__init__()
        self.root = Path(tempfile.mkdtemp(prefix="toolkit-folders-"))
        (self.root / "mine").mkdir()
        (self.root / "mine" / "keep.txt").write_bytes(b"mine")
        self.user = {"mine": "dir", "mine/keep.txt": b"mine"}  # path -> bytes, "dir" or ("link", target)
        self.outputs = {}  # name -> {file: bytes} the toolkit wrote last
        self.owned = set()  # outputs holding something of the user's: refused from now on
        self.displaced = set()  # outputs a swap cut in the middle left in a leftover
        self.counter = 0

    def teardown(self):
        shutil.rmtree(self.root)

    def _user_file(self, rel, data):
        (self.root / rel).parent.mkdir(parents=True, exist_ok=True)
        (self.root / rel).write_bytes(data)
        self.user[rel] = data

    @rule(
        name=st.sampled_from(NAMES),
        fail=st.booleans(),
        files=st.dictionaries(
            st.sampled_from(["units.csv", "figures/a.png", "figures/b.png", "report.html"]), st.binary(max_size=8), min_size=1
        ),
    )
    def run(self, name, fail, files):
        refused = name in self.owned and (self.root / name).exists()
        try:
            with atomic.output_folder(self.root / name) as work:
                _write(work, files)
                if fail:
                    raise RuntimeError("the model failed")
        except ToolkitError:
            assert refused
            return
        except RuntimeError:
            assert fail and not refused
        else:
            assert not fail and not refused
            self.outputs[name] = dict(files)
            self.owned.discard(name)
        self.displaced.clear()
        leftovers = [p.name for p in self.root.iterdir() if ".partial-" in p.name or ".old-" in p.name]
        assert all(any(u == n or u.startswith(n + "/") for u in self.user) for n in leftovers), leftovers

    @rule(
        name=st.sampled_from(NAMES), files=st.dictionaries(st.sampled_from(["units.csv", "figures/a.png"]), st.binary(max_size=8))
    )
    def killed_while_writing(self, name, files):
        _killed(self.root, name, files)

    @precondition(lambda self: any(n not in self.owned and n not in self.displaced for n in self.outputs))
    @rule(data=st.data())
    def killed_in_the_middle_of_a_swap(self, data):
        name = data.draw(st.sampled_from(sorted(n for n in self.outputs if n not in self.owned | self.displaced)))
        old = atomic._new_leftover(self.root, name, "old")
        os.replace(self.root / name, old / name)
        self.displaced.add(name)

    @precondition(lambda self: any(n not in self.displaced for n in self.outputs))
    @rule(data=st.data(), what=st.sampled_from(["file", "edit", "empty folder", "link"]))
    def user_edits_an_output(self, data, what):
        name = data.draw(st.sampled_from(sorted(n for n in self.outputs if n not in self.displaced)))
        self.counter += 1
        if what == "file":
            self._user_file(f"{name}/figures/notes{self.counter}.md", b"my notes")
        elif what == "edit":
            if not self.outputs[name]:  # every file of it edited already
                return
            rel = data.draw(st.sampled_from(sorted(self.outputs[name])))
            self._user_file(f"{name}/{rel}", b"edited by hand")
            del self.outputs[name][rel]
        elif what == "empty folder":
            (self.root / name / f"empty{self.counter}").mkdir()
            self.user[f"{name}/empty{self.counter}"] = "dir"
        else:
            (self.root / name / f"link{self.counter}").symlink_to(self.root / "mine", target_is_directory=True)
            self.user[f"{name}/link{self.counter}"] = ("link", str(self.root / "mine"))
        self.owned.add(name)

    @rule(pattern=st.sampled_from(USER_BESIDE), name=st.sampled_from([*NAMES, "thesis"]))
    def user_makes_a_folder_beside(self, pattern, name):
        folder = pattern.format(name)
        if (self.root / folder).exists():
            return
        self._user_file(f"{folder}/notes.md", b"my notes")
        (self.root / folder / "empty").mkdir()
        self.user[f"{folder}/empty"] = "dir"

    @invariant()
    def users_paths_are_untouched(self):
        for rel, expected in self.user.items():
            path = self.root / rel
            if expected == "dir":
                assert path.is_dir() and not path.is_symlink(), rel
            elif isinstance(expected, tuple):
                assert path.is_symlink() and os.readlink(path) == expected[1], rel
            else:
                assert not path.is_symlink() and path.read_bytes() == expected, rel

    @invariant()
    def outputs_are_complete(self):
        for name, files in self.outputs.items():
            if name in self.displaced:
                continue
            folder = self.root / name
            for rel, data in files.items():
                assert (folder / rel).read_bytes() == data, (name, rel)
            for path in folder.rglob("*"):
                rel = path.relative_to(folder).as_posix()
                assert (
                    rel in files
                    or rel == atomic.MARKER
                    or f"{name}/{rel}" in self.user
                    or path.is_dir()
                    or any(u.startswith(f"{name}/{rel}/") for u in self.user)
                ), (name, rel)


OutputFolders.TestCase.settings = settings(examples(3 / 20), stateful_step_count=15)  # each example: up to 15 runs
test_output_folders_under_any_interleaving = OutputFolders.TestCase


# ----- review of issue 27: the user's files added while a run goes on ------------------------------------


def test_files_the_user_adds_to_the_output_during_a_run_are_never_deleted(tmp_path):
    final = tmp_path / "results"
    final.mkdir()
    with pytest.raises(
        ToolkitError,
        match=r"--out .*results changed during the run \(it now holds 我的笔记.txt, "
        r"草稿, 草稿/第一章.docx, which the toolkit did not write\), so it was not replaced and "
        r"nothing in it was touched; the new output is in .*results\.new-",
    ):
        with atomic.output_folder(final) as work:
            atomic.write_text(work / "table.csv", "主题,比例\n生态,0.5\n")
            (final / "我的笔记.txt").write_text("研究笔记", encoding="utf-8")
            (final / "草稿").mkdir()
            (final / "草稿" / "第一章.docx").write_text("x")
    assert _tree(final) == ["我的笔记.txt", "草稿", "草稿/第一章.docx"]
    assert (final / "我的笔记.txt").read_text(encoding="utf-8") == "研究笔记"
    (new,) = tmp_path.glob("results.new-*")
    assert (new / "table.csv").read_text(encoding="utf-8") == "主题,比例\n生态,0.5\n"
    assert atomic._written_by_toolkit(new)  # a complete output, which a later run may replace
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([".results.lock", new.name, "results"])


def test_a_file_the_user_adds_to_a_previous_output_during_a_run_is_kept_too(tmp_path):
    final = tmp_path / "summary"
    _run(final, {"units.csv": b"1"})
    with pytest.raises(ToolkitError, match="summary changed during the run .*notes.md"):
        with atomic.output_folder(final) as work:
            atomic.write_text(work / "units.csv", "2")
            (final / "figures").mkdir()
            (final / "figures" / "notes.md").write_text("笔记", encoding="utf-8")
    assert (final / "units.csv").read_bytes() == b"1"
    assert (final / "figures" / "notes.md").read_text(encoding="utf-8") == "笔记"


def test_a_swapped_out_previous_output_loses_only_the_files_its_marker_lists(tmp_path, caplog):
    final = tmp_path / "run"
    _run(final, {"units.csv": b"1", "figures/a.png": b"png"})
    old = atomic._new_leftover(tmp_path, "run", "old")
    os.replace(final, old / "run")
    (old / "run" / "figures" / "笔记.md").write_text("我的", encoding="utf-8")  # added during the swap
    (old / "run" / "units.csv").write_text("edited")
    with caplog.at_level(logging.WARNING, logger="toolkit"):
        atomic._remove_leftover(old, "run")
    assert _tree(old) == [atomic.LEFTOVER, "run", "run/figures", "run/figures/笔记.md", "run/units.csv"]
    assert "笔记.md" in caplog.text and "which the toolkit did not write" in caplog.text


def test_what_the_user_puts_in_a_killed_runs_unfinished_folder_is_kept(tmp_path, caplog):
    leftover = _killed(tmp_path, "run", {"units.csv": b"half", "figures/a.png": b"png"})
    (leftover / "run" / "我的笔记.md").write_text("研究笔记", encoding="utf-8")
    (leftover / "run" / "figures" / ".a.png.abcd1234.tmp").write_bytes(b"p")  # its temporary file: the toolkit's
    with caplog.at_level(logging.WARNING, logger="toolkit"):
        _run(tmp_path / "other_run", {"a.csv": b"1"})
    assert _tree(leftover) == [atomic.JOURNAL, atomic.LEFTOVER, "run", "run/我的笔记.md"]
    assert (leftover / "run" / "我的笔记.md").read_text(encoding="utf-8") == "研究笔记"
    assert "我的笔记.md" in caplog.text
    (leftover / "run" / "我的笔记.md").unlink()
    _run(tmp_path / "other_run", {"a.csv": b"2"})
    assert not leftover.exists()


def test_a_link_swapped_in_for_a_folder_during_removal_is_not_followed(tmp_path, monkeypatch):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "a.csv").write_text("论文数据")
    leftover = _killed(tmp_path, "run", {"sub/a.csv": b"half"})
    inner = leftover / "run"
    real = os.scandir
    swapped = []

    def scandir(target="."):
        with real(target) as scan:
            entries = list(scan)
        if not swapped and "sub" in {e.name for e in entries} and (inner / "sub").is_dir():
            os.replace(inner / "sub", leftover / "moved")  # the attacker's swap, right after the listing
            (inner / "sub").symlink_to(outside, target_is_directory=True)
            swapped.append(True)
        return contextlib.nullcontext(entries)

    monkeypatch.setattr(os, "scandir", scandir)
    atomic._remove_leftover(leftover, "run")
    monkeypatch.undo()
    assert swapped
    assert (outside / "a.csv").read_text() == "论文数据"
    assert (inner / "sub").is_symlink()


@pytest.mark.parametrize(
    "name",
    [
        atomic.MARKER,
        atomic.LEFTOVER,
        atomic.SWEEP_MARKER,
        atomic.JOURNAL,
        ".结果.lock",
        ".结果.partial-abcd1234",
        ".结果.old-abcd1234",
    ],
)
def test_names_the_toolkit_uses_for_its_own_files_are_refused_as_out(tmp_path, monkeypatch, name):
    import pandas as pd

    monkeypatch.chdir(tmp_path)
    if name == ".结果.lock":
        _run(tmp_path / "结果", {"units.csv": b"1"})
    message = f"--out {tmp_path / name}: {name} is a name the toolkit uses for its own files"
    with pytest.raises(ToolkitError) as info:
        _run(Path(name), {"units.csv": b"1"})
    assert str(info.value).startswith(message) and "\n" not in str(info.value)
    with pytest.raises(ToolkitError, match="is a name the toolkit uses for its own files"):
        csv_files.write_csv_file(tmp_path / name, pd.DataFrame({"词": ["创新"]}))


def test_a_runs_folder_given_to_a_sweep_and_a_sweeps_to_a_run_are_named_as_such(tmp_path):
    """Both were refused as holding "files the toolkit did not write", which it had written."""
    from toolkit.output.atomic import SWEEP_MARKER, check_output_location

    run = tmp_path / "run"
    _run(run, {"units.csv": b"1"})
    with pytest.raises(ToolkitError, match="is a run's output folder, not a sweep's"):
        check_output_location(run, flag="--out", sweep=True)
    swept = tmp_path / "swept"
    swept.mkdir()
    (swept / SWEEP_MARKER).write_text(json.dumps({"format": "toolkit sweep v1"}), encoding="utf-8")
    check_output_location(swept, sweep=True)  # a sweep's folder is a sweep's
    with pytest.raises(ToolkitError, match="is a sweep's output folder, not a run's"):
        check_output_location(swept, flag="--out")
    export = tmp_path / "export"  # a hand-coding export given to a sweep was called a run's folder
    with atomic.output_folder(export, kind="export") as work:
        _write(work, {"coding_sheet.csv": b"item\n1\n"})
    with pytest.raises(ToolkitError, match="is a hand-coding export's output folder, not a sweep's"):
        check_output_location(export, flag="--out", sweep=True)


def test_an_output_of_one_kind_never_replaces_one_of_another(tmp_path):
    """A hostile pass: `validate export --out` given a run's folder replaced the run's tables with coding sheets
    (hours of fitting lost to a typo), and a run given an export's folder replaced the export. Each output records
    its kind in its marker; another kind is refused, the same kind replaces it as before."""
    run, export = tmp_path / "run", tmp_path / "export"
    _run(run, {"units.csv": b"1"})
    with atomic.output_folder(export, kind="export") as work:
        _write(work, {"coding_sheet.csv": b"item\n1\n"})
    before = {folder: snapshot(folder) for folder in (run, export)}
    with pytest.raises(ToolkitError, match=r"is a run's output folder, not a hand-coding export's; choose an empty"):
        with atomic.output_folder(run, kind="export"):
            pass
    with pytest.raises(ToolkitError, match=r"is a hand-coding export's output folder, not a run's"):
        atomic.check_output_location(export, kind="run")
    with pytest.raises(ToolkitError, match=r"is a run's output folder, not a sweep summary's"):
        atomic.check_output_location(run, kind="summary")
    assert {folder: snapshot(folder) for folder in (run, export)} == before
    _run(run, {"units.csv": b"2"})  # a run replaces a run
    assert (run / "units.csv").read_bytes() == b"2"


def test_an_output_inside_another_output_is_refused(fast_seeds_run, tmp_path):
    """From a hostile pass of the sweeps: `sweep --out a_run/sw` and `sweep --out a_sweep/summary/sw` were accepted,
    and then the run (or sweep) could not be run again: "holds files the toolkit did not write" of the files it
    wrote. An output of any kind inside another is refused before any work, naming the outer folder."""
    from toolkit.errors import ToolkitError
    from toolkit.output import atomic

    run = tmp_path / "run"
    shutil.copytree(fast_seeds_run.out_dir, run)
    sweep = tmp_path / "sweep"
    with atomic.sweep_folder(sweep):
        pass
    (sweep / "runs").mkdir()
    for outer, inner, kind, is_sweep in (
        (run, run / "sw", "", True),
        (run, run / "figures" / "again", "run", False),
        (run, run / "validation", "export", False),
        (sweep, sweep / "runs" / "inner", "run", False),
        (sweep, sweep / "other", "", True),
    ):
        with pytest.raises(ToolkitError, match=f"lies inside {re.escape(str(outer))}, a (run's|sweep's) output folder"):
            atomic.check_output_location(inner, kind=kind, sweep=is_sweep)
    assert atomic.check_output_location(sweep / "summary", kind="summary") == sweep / "summary"  # the sweep's own
    assert atomic.check_output_location(tmp_path / "beside", kind="run") == tmp_path / "beside"
