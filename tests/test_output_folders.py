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
import sys
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
    assert atomic.written_by_toolkit(final)
    (final / "figures" / "mine").mkdir()
    assert not atomic.written_by_toolkit(final)
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
    assert atomic.written_by_toolkit(new)  # a complete output, which a later run may replace
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


# ----- a second mutation audit of atomic.py: each test fails on one mutant that passed every test -----------------


@pytest.mark.parametrize("files", [["units.csv"], None, "units.csv"], ids=["a list", "null", "a string"])
def test_an_output_whose_markers_file_list_is_damaged_is_the_users(tmp_path, files):
    """A marker whose "files" is no table of names and SHA-256 (edited by hand, written by another tool) makes the
    folder the user's: refused in one line, nothing touched (a mutation that took any "files" crashed with a
    TypeError)."""
    final = tmp_path / "结果"
    _run(final, {"units.csv": "主题,比例\n生态,0.5\n".encode()})
    marker = json.loads((final / atomic.MARKER).read_text(encoding="utf-8"))
    (final / atomic.MARKER).write_text(json.dumps({**marker, "files": files}), encoding="utf-8")
    before = snapshot(final)
    assert not atomic.written_by_toolkit(final) and not atomic.is_output_folder(final)
    with pytest.raises(ToolkitError, match="holds files the toolkit did not write"):
        _run(final, {"units.csv": b"2"})
    assert snapshot(final) == before


def test_a_users_folder_holding_only_a_table_the_toolkit_wrote_into_it_is_not_replaced(tmp_path):
    """`toolkit terms --out 分析/词频.csv` lists the table in a marker of files alone beside it: 分析 stays the user's
    folder, and a run given --out 分析 is refused, not written over it (a mutation that read a marker without
    folders as one of an output whose folders hold its files replaced it)."""
    import pandas as pd

    folder = tmp_path / "分析"
    folder.mkdir()
    csv_files.write_csv_file(folder / "词频.csv", pd.DataFrame({"词": ["创新", "改革"], "次数": [12, 7]}))
    assert sorted(json.loads((folder / atomic.MARKER).read_text(encoding="utf-8"))) == ["files", "format"]
    before = snapshot(folder)
    with pytest.raises(ToolkitError, match="分析 holds files the toolkit did not write"):
        _run(folder, {"units.csv": b"1"})
    assert snapshot(folder) == before


def test_a_symbolic_link_in_place_of_a_file_the_toolkit_wrote_is_not_replaced(tmp_path):
    """The user put a link to their own copy (the very same bytes) where the toolkit wrote 词频.csv: the link is
    theirs, and check_own_file refuses to write over it (a mutation that followed the link took it for the
    toolkit's file)."""
    import pandas as pd

    folder = tmp_path / "分析"
    folder.mkdir()
    table = folder / "词频.csv"
    csv_files.write_csv_file(table, pd.DataFrame({"词": ["创新"], "次数": [12]}))
    mine = tmp_path / "论文" / "词频.csv"
    mine.parent.mkdir()
    mine.write_bytes(table.read_bytes())
    table.unlink()
    table.symlink_to(mine)
    with pytest.raises(ToolkitError, match="词频.csv exists and the toolkit did not write it"):
        atomic.check_own_file(table)
    with pytest.raises(ToolkitError, match="词频.csv exists and is not a table this toolkit wrote there"):
        csv_files.write_csv_file(table, pd.DataFrame({"词": ["改革"], "次数": [7]}))
    assert table.is_symlink() and mine.read_bytes().decode("utf-8").count("创新") == 1


def test_an_output_that_holds_the_current_folder_is_not_replaced(tmp_path, monkeypatch):
    """A user in 结果/figures of a finished run gives --out .. (that very run): refused, the run's folder is not
    swapped away under the shell that stands in it (a mutation that refused only the current folder itself
    replaced it)."""
    final = tmp_path / "结果"
    _run(final, {"units.csv": b"1", "figures/a.png": b"png"})
    monkeypatch.chdir(final / "figures")
    before = snapshot(final)
    with pytest.raises(ToolkitError, match=r"--out .*结果 is the current folder or contains it"):
        with atomic.output_folder(Path("..")) as work:
            _write(work, {"units.csv": b"2"})
    assert snapshot(final) == before and Path.cwd() == final / "figures"


def test_a_copy_of_a_killed_runs_folder_is_the_users(tmp_path):
    """The user kept a killed run's unfinished folder by copying it (cp -a .run.partial-x .run.partial-x.bak): the
    copy carries the toolkit's leftover marker, but that names the folder it was written in, so the copy is the
    user's, kept whole (a mutation that did not compare the name removed the copy's files)."""
    leftover = _killed(tmp_path, "run", {"units.csv": "主题,比例\n生态,0.5\n".encode(), "figures/a.png": b"png"})
    copy = tmp_path / (leftover.name + ".bak")
    shutil.copytree(leftover, copy, symlinks=True)
    before = snapshot(copy)
    _run(tmp_path / "run", {"units.csv": b"1"})
    assert not leftover.exists()  # the toolkit's own leftover is gone
    assert snapshot(copy) == before


def test_a_users_file_named_almost_like_a_temporary_file_in_a_killed_runs_folder_is_kept(tmp_path):
    """The toolkit's temporary files are .<name>.XXXXXXXX.tmp: an editor's .units.csv~autosave.tmp beside the
    unfinished units.csv is the user's (a mutation that did not check the dot before the eight characters took it
    for the toolkit's and deleted it)."""
    leftover = _killed(tmp_path, "run", {"units.csv": b"half"})
    (leftover / "run" / ".units.csv~autosave.tmp").write_text("主题,比例\n生态,0.5\n", encoding="utf-8")
    (leftover / "run" / ".units.csv.abcd1234.tmp").write_bytes(b"the toolkit's")
    _run(tmp_path / "other", {"a.csv": b"1"})
    assert _tree(leftover) == [atomic.JOURNAL, atomic.LEFTOVER, "run", "run/.units.csv~autosave.tmp"]


def test_an_empty_folder_the_user_made_in_a_killed_runs_folder_is_kept(tmp_path, caplog):
    """Only the folders that held files the killed run wrote are removed; an empty folder of the user's (草稿, or
    figures/旧图 beside the run's figures) is kept and named (a mutation that removed every folder left empty
    deleted them)."""
    leftover = _killed(tmp_path, "run", {"units.csv": b"half", "figures/a.png": b"png"})
    (leftover / "run" / "草稿").mkdir()
    (leftover / "run" / "figures" / "旧图").mkdir()
    with caplog.at_level(logging.WARNING, logger="toolkit"):
        _run(tmp_path / "other", {"a.csv": b"1"})
    assert _tree(leftover) == [atomic.JOURNAL, atomic.LEFTOVER, "run", "run/figures", "run/figures/旧图", "run/草稿"]
    assert "which the toolkit did not write" in caplog.text


def test_a_real_folder_swapped_in_for_a_folder_during_removal_is_not_pruned(tmp_path, monkeypatch):
    """Between listing a killed run's folder and opening its sub-folder, a real folder of the user's (with a file of
    the very name the journal lists) takes its place: it is not the folder that was listed, so nothing in it is
    deleted (a mutation that dropped the check that the folder opened is the one listed deleted 论文/a.csv)."""
    mine = tmp_path / "论文"
    mine.mkdir()
    (mine / "a.csv").write_text("论文数据", encoding="utf-8")
    leftover = _killed(tmp_path, "run", {"sub/a.csv": b"half"})
    inner = leftover / "run"
    # a real folder now, not a link: O_NOFOLLOW does not stop it
    _remove_leftover_swapping(monkeypatch, leftover, "sub", [(inner / "sub", leftover / "moved"), (mine, inner / "sub")])
    assert (inner / "sub" / "a.csv").read_text(encoding="utf-8") == "论文数据"


def _remove_leftover_swapping(monkeypatch, leftover: Path, opened: str, moves: list[tuple[Path, Path]]) -> None:
    """``atomic._remove_leftover(leftover, "run")`` with ``moves`` (os.replace's pairs) made once, as it opens the
    folder named ``opened`` by its parent's handle: a user's folder taking the listed one's place in between."""
    real_open = os.open
    swapped = []

    def open_(path, flags, mode=0o777, *, dir_fd=None):
        if not swapped and path == opened and dir_fd is not None:
            for source, target in moves:
                os.replace(source, target)
            swapped.append(True)
        return real_open(path, flags, mode, dir_fd=dir_fd)

    monkeypatch.setattr(os, "open", open_)
    atomic._remove_leftover(leftover, "run")
    monkeypatch.undo()
    assert swapped


def test_a_killed_runs_finished_folder_never_becomes_the_output(tmp_path):
    """A first run into 结果 killed after its marker was written but before the swap: its folder is a complete output,
    but the run was stopped, so 结果 does not appear (only a previous output that a swap cut in the middle is put
    back); a mutation that put back any leftover's output made the killed run's the output."""
    leftover = _killed(tmp_path, "结果", {"units.csv": "主题,比例\n生态,0.5\n".encode(), "figures/a.png": b"png"})
    work = leftover / "结果"
    files, folders, _ = atomic._walk(work)
    marker = {
        "format": "toolkit output v3",
        "kind": "run",
        "files": {f: atomic._sha256(work / f) for f in files},
        "folders": folders,
    }
    atomic.write_text(work / atomic.MARKER, json.dumps(marker))
    _run(tmp_path / "其他", {"a.csv": b"1"})
    assert not (tmp_path / "结果").exists() and not leftover.exists()


def test_a_table_of_the_previous_output_edited_during_a_run_is_not_replaced(tmp_path):
    """A user codes units.csv of the previous output by hand while the next run goes on: the edit is theirs, the
    previous output is not replaced and the new one is left beside it (a mutation that only looked for new files
    replaced the edited table)."""
    final = tmp_path / "结果"
    _run(final, {"units.csv": "单元,主题\n1,生态\n".encode(), "figures/a.png": b"png"})
    with pytest.raises(
        ToolkitError, match=r"结果 changed during the run \(it now holds .*units.csv, which the toolkit did not write\)"
    ):
        with atomic.output_folder(final) as work:
            atomic.write_text(work / "units.csv", "单元,主题\n1,改革\n")
            (final / "units.csv").write_text("单元,主题,编码员\n1,生态,张\n", encoding="utf-8")
    assert (final / "units.csv").read_text(encoding="utf-8") == "单元,主题,编码员\n1,生态,张\n"
    (new,) = tmp_path.glob("结果.new-*")
    assert (new / "units.csv").read_text(encoding="utf-8") == "单元,主题\n1,改革\n"


def test_a_disk_quota_exceeded_is_one_error_like_a_full_disk(tmp_path):
    """On a cluster the disk rarely fills; the user's quota does (EDQUOT): one line, the previous output untouched,
    nothing left behind (a mutation that knew only ENOSPC let the OSError through)."""
    final = tmp_path / "结果"
    _run(final, {"units.csv": b"previous"})
    before = snapshot(final)
    with pytest.raises(
        ToolkitError, match="no space left on the disk of .*结果 while writing the outputs; the previous output is untouched"
    ):
        with atomic.output_folder(final) as work:
            atomic.write_text(work / "units.csv", "主题,比例\n")
            raise OSError(errno.EDQUOT, os.strerror(errno.EDQUOT))
    assert snapshot(final) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [".结果.lock", "结果"]


def test_a_previous_output_that_could_not_be_put_back_is_kept_for_the_next_run(tmp_path, monkeypatch):
    """Without an atomic exchange, the previous output is moved aside first; when moving the new one in fails and so
    does putting the previous one back, the previous one stays in its leftover, and the next run puts it back (a
    mutation that removed that leftover whenever a swap had begun deleted the previous output)."""
    final = tmp_path / "结果"
    _run(final, {"units.csv": "主题,比例\n生态,0.5\n".encode()})
    real_replace = os.replace

    def replace(src, dst):
        if Path(dst) == final:  # the new output moved in, or the previous one moved back: both fail
            raise PermissionError(errno.EACCES, "Permission denied")
        real_replace(src, dst)

    monkeypatch.setattr(atomic, "_exchange", lambda a, b: False)
    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(OSError):
        _run(final, {"units.csv": b"new"})
    monkeypatch.undo()
    assert not final.exists()
    (kept,) = [p for p in tmp_path.iterdir() if p.name.startswith(".结果.old-")]
    assert (kept / "结果" / "units.csv").read_text(encoding="utf-8") == "主题,比例\n生态,0.5\n"
    with atomic.locked(final):
        atomic._tidy_parent(tmp_path, "结果")  # what the next run does first
    assert (final / "units.csv").read_text(encoding="utf-8") == "主题,比例\n生态,0.5\n" and not kept.exists()


def test_the_error_for_a_table_edited_during_a_run_names_that_table_alone(tmp_path):
    """A mutation audit: with one table of the previous output edited during a run, the error named every file the
    toolkit had written as files it did not write."""
    final = tmp_path / "结果"
    _run(final, {"units.csv": "单元,主题\n1,生态\n".encode(), "figures/a.png": b"png"})
    with pytest.raises(ToolkitError) as info:
        with atomic.output_folder(final) as work:
            atomic.write_text(work / "units.csv", "单元,主题\n1,改革\n")
            (final / "units.csv").write_text("单元,主题,编码员\n1,生态,张\n", encoding="utf-8")
    assert "(it now holds units.csv, which" in str(info.value), str(info.value)  # not figures/a.png, untouched


def test_a_group_writable_umask_gives_group_writable_outputs(tmp_path):
    """A research group's shared project folder with umask 002: what the toolkit writes is group-writable, as a file
    written with open() would be (a mutation that started from 0o644 rather than 0o666 made it read-only for the
    group, a difference umask 022 or 027 does not show)."""
    previous = os.umask(0o002)
    try:
        _run(tmp_path / "结果", {"units.csv": "主题,比例\n生态,0.5\n".encode()})
        atomic.write_text(tmp_path / "笔记.txt", "共享")
    finally:
        os.umask(previous)
    import stat

    for path in (tmp_path / "结果" / "units.csv", tmp_path / "结果" / atomic.MARKER, tmp_path / "笔记.txt"):
        assert stat.S_IMODE(path.stat().st_mode) == 0o664, path
    assert stat.S_IMODE((tmp_path / "结果").stat().st_mode) == 0o775


def test_the_refusal_names_the_first_of_the_users_entries_in_order(tmp_path):
    final = tmp_path / "结果"
    _run(final, {"units.csv": b"1"})
    (final / "笔记.md").write_text("我的", encoding="utf-8")
    (final / "a_草稿.txt").write_text("我的", encoding="utf-8")
    with pytest.raises(ToolkitError, match=r"a sheet coded by hand; a_草稿.txt first\)"):
        _run(final, {"units.csv": b"2"})


def test_a_link_the_user_puts_where_the_output_goes_during_a_run_is_not_replaced(tmp_path):
    """The output did not exist when the run began; during it the user made 结果 a link to an empty folder of theirs:
    the link is theirs and stays, the new output is left beside it (a mutation that followed the link saw an
    empty folder and moved the link away into a hidden folder)."""
    mine = tmp_path / "我的文件夹"
    mine.mkdir()
    final = tmp_path / "结果"
    with pytest.raises(ToolkitError, match=r"结果 changed during the run \(it now holds 结果, which the toolkit did not write\)"):
        with atomic.output_folder(final) as work:
            atomic.write_text(work / "units.csv", "主题,比例\n生态,0.5\n")
            final.symlink_to(mine, target_is_directory=True)
    assert final.is_symlink() and os.readlink(final) == str(mine) and not any(mine.iterdir())
    (new,) = tmp_path.glob("结果.new-*")
    assert (new / "units.csv").read_text(encoding="utf-8") == "主题,比例\n生态,0.5\n"


def test_a_sweep_that_stops_before_its_first_run_keeps_the_marker_it_found(tmp_path):
    """A sweep folder that held only its marker (its runs deleted by hand) stays a sweep's folder when the next
    sweep stops before its first run: only a marker the stopped sweep wrote itself is taken back (a mutation that
    took back any marker left a plain empty folder)."""
    final = tmp_path / "扫描"
    final.mkdir()
    (final / atomic.SWEEP_MARKER).write_text(json.dumps({"format": "toolkit sweep v1"}) + "\n", encoding="utf-8")
    with pytest.raises(RuntimeError, match="没有可拟合的模型"):
        with atomic.sweep_folder(final):
            raise RuntimeError("没有可拟合的模型")
    assert atomic.is_sweep_folder(final)
    fresh = tmp_path / "新扫描"
    with pytest.raises(RuntimeError):
        with atomic.sweep_folder(fresh):
            raise RuntimeError("没有可拟合的模型")
    assert not fresh.exists()  # the folder it made and the marker it wrote are taken back


# ----- what a mutation audit of atomic.py found untested (mutants that every test above let pass) -----


def test_a_killed_runs_files_two_folders_deep_go_with_both_folders(tmp_path, caplog):
    """A killed run's unfinished folder whose journal lists figures/png/趋势.png: the next run beside it removes the
    file and both folders that held it, so no leftover stays behind with a warning."""
    dead = _killed(tmp_path, "结果", {"figures/png/趋势.png": b"\x89PNG", "主题.csv": "年份,主题\n2020,生态\n".encode()})
    with caplog.at_level(logging.WARNING, logger="toolkit"):
        _run(tmp_path / "其他", {"units.csv": b"1"})
    assert not dead.exists() and "kept" not in caplog.text


def test_a_dangling_link_where_the_toolkit_writes_its_own_file_is_not_replaced(tmp_path):
    """A link of the user's named scores.md whose target does not exist (yet) is theirs: refused, left as it is."""
    folder = tmp_path / "核对"
    folder.mkdir()
    (folder / "scores.md").symlink_to(tmp_path / "论文" / "附录.md")
    with pytest.raises(ToolkitError, match="scores.md exists and the toolkit did not write it"):
        atomic.write_own_file(folder / "scores.md", "# 验证结果\n")
    assert os.readlink(folder / "scores.md") == str(tmp_path / "论文" / "附录.md")
    assert not (folder / atomic.MARKER).exists()


def test_a_marker_of_another_version_lists_no_file_the_toolkit_may_overwrite(tmp_path):
    """A marker this version cannot read (a later version's) does not license overwriting the files it names."""
    folder = tmp_path / "核对"
    folder.mkdir()
    (folder / "scores.md").write_text("# 我的笔记\n", encoding="utf-8")
    listed = {"scores.md": atomic._sha256(folder / "scores.md")}
    (folder / atomic.MARKER).write_text(json.dumps({"format": "toolkit output v9", "files": listed}), encoding="utf-8")
    with pytest.raises(ToolkitError, match="scores.md exists and the toolkit did not write it"):
        atomic.write_own_file(folder / "scores.md", "# 验证结果\n")
    assert (folder / "scores.md").read_text(encoding="utf-8") == "# 我的笔记\n"


def test_a_folder_name_as_long_as_a_file_system_allows_is_usable(tmp_path):
    """85 Chinese characters are 255 bytes of UTF-8, the most a file name may have: a folder of that name in the
    output path is no reason to refuse it."""
    longest = "政" * 85
    assert len(longest.encode()) == atomic.NAME_MAX
    (tmp_path / longest).mkdir()
    _run(tmp_path / longest / "结果", {"units.csv": b"1"})
    assert (tmp_path / longest / "结果" / "units.csv").read_bytes() == b"1"


@pytest.mark.parametrize("name", ["结果.lock", "报告.old-2023", "模型.partial-1"])
def test_visible_names_that_only_look_like_the_toolkits_are_the_users_to_choose(tmp_path, monkeypatch, name):
    """The toolkit keeps hidden names alone (.结果.lock, .结果.old-*): a visible folder called 报告.old-2023 is a
    name a user may give --out."""
    monkeypatch.chdir(tmp_path)
    _run(tmp_path / name, {"units.csv": b"1"})
    assert (tmp_path / name / "units.csv").read_bytes() == b"1"


def test_an_output_anywhere_inside_an_input_folder_is_refused(tmp_path):
    """Not only a folder right inside the text folder: 政策文本/分析/2024 is inside it too (a run there makes its
    tables part of the corpus the next run reads)."""
    texts = tmp_path / "政策文本"
    texts.mkdir()
    (texts / "2024年政府工作报告.txt").write_text("坚持稳中求进工作总基调。", encoding="utf-8")
    for inner in (texts / "分析", texts / "分析" / "2024", texts / "分析" / "2024" / "结果"):
        with pytest.raises(ToolkitError, match=f"lies inside corpus.texts {re.escape(str(texts))}"):
            atomic.check_output_location(inner, {"corpus.texts": texts})
    assert sorted(p.name for p in texts.iterdir()) == ["2024年政府工作报告.txt"]


def test_only_a_sweeps_own_summary_may_lie_inside_it(tmp_path):
    """The sweep's summary folder is its own (sweep/summary); a summary deeper in it (sweep/runs/summary) is an
    output inside another, refused as any other."""
    sweep = tmp_path / "敏感性"
    with atomic.sweep_folder(sweep):
        pass
    (sweep / "runs").mkdir()
    assert atomic.check_output_location(sweep / "summary", kind="summary") == sweep / "summary"
    with pytest.raises(ToolkitError, match=f"lies inside {re.escape(str(sweep))}, a sweep's output folder"):
        atomic.check_output_location(sweep / "runs" / "summary", kind="summary")


@pytest.mark.parametrize("final", ["..", "."])
def test_a_folder_whose_leftover_marker_names_no_output_the_toolkit_could_write_is_kept(tmp_path, final):
    """No output is ever named '..' or '.': a hidden folder whose leftover marker says so (copied, hand-made) was not
    made by the toolkit, and the next run beside it neither removes it nor locks a name for it."""
    folder = tmp_path / f".{final}.partial-abcd1234"
    folder.mkdir()
    marker = {"format": "toolkit leftover v1", "kind": "partial", "final": final, "folder": folder.name}
    (folder / atomic.LEFTOVER).write_text(json.dumps(marker), encoding="utf-8")
    (folder / atomic.JOURNAL).write_text(json.dumps("论文.docx") + "\n", encoding="utf-8")
    (tmp_path / "论文.docx").write_bytes(b"years of work")
    before = snapshot(folder)
    _run(tmp_path / "结果", {"units.csv": b"1"})
    assert snapshot(folder) == before and (tmp_path / "论文.docx").read_bytes() == b"years of work"
    assert sorted(p.name for p in tmp_path.iterdir()) == [folder.name, ".结果.lock", "结果", "论文.docx"]


def test_a_real_folder_swapped_in_for_a_killed_runs_own_folder_during_removal_is_not_pruned(tmp_path, monkeypatch):
    """As for a sub-folder, so for the unfinished output folder itself: a real folder of the user's that takes its
    place between the listing and the opening (holding a file of the very name the journal lists) loses nothing."""
    mine = tmp_path / "论文"
    mine.mkdir()
    (mine / "主题.csv").write_text("论文数据", encoding="utf-8")
    leftover = _killed(tmp_path, "run", {"主题.csv": b"half"})
    _remove_leftover_swapping(monkeypatch, leftover, "run", [(leftover / "run", tmp_path / "moved"), (mine, leftover / "run")])
    assert (leftover / "run" / "主题.csv").read_text(encoding="utf-8") == "论文数据"


def test_a_link_of_the_users_where_a_killed_run_wrote_a_file_is_kept(tmp_path, caplog):
    """In a killed run's unfinished folder, a symbolic link where the journal lists a file (the user's: the toolkit
    makes no links) is kept with a warning, as anything else the toolkit did not write there."""
    (tmp_path / "论文.docx").write_bytes(b"years of work")
    leftover = _killed(tmp_path, "结果", {"主题.csv": "年份,主题\n2020,生态\n".encode()})
    (leftover / "结果" / "主题.csv").unlink()
    (leftover / "结果" / "主题.csv").symlink_to(tmp_path / "论文.docx")
    with caplog.at_level(logging.WARNING, logger="toolkit"):
        _run(tmp_path / "其他", {"units.csv": b"1"})
    assert (leftover / "结果" / "主题.csv").is_symlink() and "kept" in caplog.text
    assert (tmp_path / "论文.docx").read_bytes() == b"years of work"


def test_a_file_the_user_put_beside_a_killed_runs_folder_is_named_and_the_leftover_stays_marked(tmp_path, caplog):
    """All the toolkit wrote in a killed run's leftover is gone, but a note of the user's lies beside it: the warning
    names that note, and the leftover keeps its marker so that the next run removes it once the note is moved."""
    leftover = _killed(tmp_path, "结果", {"主题.csv": "年份,主题\n2020,生态\n".encode()})
    (leftover / "笔记.md").write_text("手工核对的记录", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="toolkit"):
        _run(tmp_path / "其他", {"units.csv": b"1"})
    assert str(leftover / "笔记.md") in caplog.text
    assert _tree(leftover) == [atomic.JOURNAL, atomic.LEFTOVER, "笔记.md"]
    (leftover / "笔记.md").unlink()  # moved out
    _run(tmp_path / "其他", {"units.csv": b"2"})
    assert not leftover.exists()


def test_a_swap_cut_after_the_new_output_was_in_place_keeps_the_new_output(tmp_path):
    """Killed after the new output took its place but before the previous one (in an `old` leftover) was removed:
    the next run keeps the output in place, removes the leftover, and runs."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    _run(elsewhere / "结果", {"主题.csv": "previous".encode()})
    final = tmp_path / "结果"
    _run(final, {"主题.csv": "new".encode()})  # the new output, in place
    old = atomic._new_leftover(tmp_path, "结果", "old")
    os.replace(elsewhere / "结果", old / "结果")  # the previous output, moved aside and not yet removed
    shutil.rmtree(elsewhere)
    with atomic.output_folder(final) as work:
        assert (final / "主题.csv").read_text(encoding="utf-8") == "new"
        (work / "主题.csv").write_text("newer", encoding="utf-8")
    assert (final / "主题.csv").read_text(encoding="utf-8") == "newer"
    assert sorted(p.name for p in tmp_path.iterdir()) == [".结果.lock", "结果"]


def test_a_sweep_that_stops_before_its_first_run_keeps_the_empty_folder_the_user_made(tmp_path):
    """The user made 敏感性分析/ for the sweep; the sweep stops before its first run: the marker it wrote is taken
    back, the folder (not the toolkit's to remove) stays."""
    final = tmp_path / "敏感性分析"
    final.mkdir()
    with pytest.raises(RuntimeError, match="没有可拟合的模型"):
        with atomic.sweep_folder(final):
            raise RuntimeError("没有可拟合的模型")
    assert final.is_dir() and not any(final.iterdir())


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the atomic exchange is Linux's renameat2")
def test_replacing_an_output_never_leaves_its_place_empty(tmp_path, monkeypatch):
    """On Linux the new output takes the previous one's place in one atomic exchange: a reader (a browser showing
    report.html, another program reading 主题.csv) never finds the folder missing, at any step of the swap."""
    final = tmp_path / "结果"
    _run(final, {"主题.csv": "previous".encode()})
    import ctypes

    if getattr(ctypes.CDLL(None), "renameat2", None) is None:
        pytest.skip("no renameat2 in this C library")
    real_replace, real_rename, seen = os.replace, os.rename, []

    def watched(function):
        def call(*args, **kwargs):
            result = function(*args, **kwargs)
            seen.append(os.path.isfile(final / "主题.csv"))
            return result

        return call

    monkeypatch.setattr(os, "replace", watched(real_replace))
    monkeypatch.setattr(os, "rename", watched(real_rename))
    _run(final, {"主题.csv": "new".encode()})
    monkeypatch.undo()
    assert (final / "主题.csv").read_text(encoding="utf-8") == "new"
    assert all(seen)


def test_a_link_the_user_adds_to_a_previous_output_during_a_run_keeps_it_in_place(tmp_path):
    """A symbolic link the user puts into the output while a run goes on (to their thesis folder) is theirs as a
    file would be: the output is not replaced, the link stays where they put it, the new output goes beside it."""
    thesis = tmp_path / "论文"
    thesis.mkdir()
    final = tmp_path / "结果"
    _run(final, {"主题.csv": "previous".encode()})
    with pytest.raises(ToolkitError, match="结果 changed during the run \\(it now holds 论文链接"):
        with atomic.output_folder(final) as work:
            atomic.write_text(work / "主题.csv", "new")
            (final / "论文链接").symlink_to(thesis, target_is_directory=True)
    assert (final / "论文链接").is_symlink() and (final / "主题.csv").read_text(encoding="utf-8") == "previous"
    (new,) = tmp_path.glob("结果.new-*")
    assert (new / "主题.csv").read_text(encoding="utf-8") == "new"


def test_make_clean_removes_only_the_toolkits_unchanged_outputs(fast_seeds_run, tmp_path):
    """From a hostile pass of data safety: `make clean` ran `rm -rf runs`, where validation exports (and the coders'
    sheets in them) and a study of one's own live. scripts/clean.py removes a run or a sweep folder only when all of
    it is the toolkit's, as written."""
    import runpy

    from toolkit.output import atomic

    from .conftest import ROOT

    removable = runpy.run_path(str(ROOT / "scripts" / "clean.py"))["removable"]
    run = tmp_path / "seeds"
    shutil.copytree(fast_seeds_run.out_dir, run, symlinks=True)
    assert removable(run)
    sweep = tmp_path / "seeds-sweep"
    (sweep / "runs").mkdir(parents=True)
    (sweep / atomic.SWEEP_MARKER).write_text(json.dumps({"format": "toolkit sweep v1"}) + "\n", encoding="utf-8")
    shutil.copytree(run, sweep / "runs" / "0019032e29c2", symlinks=True)
    shutil.copytree(run, sweep / "summary", symlinks=True)
    assert atomic.is_sweep_folder(sweep) and removable(sweep)
    (sweep / "runs" / "0019032e29c2" / "notes.md").write_text("我的笔记", encoding="utf-8")  # the user's, inside a run
    assert not removable(sweep)
    with (run / "themes.csv").open("a", encoding="utf-8") as edited:  # an output the user edited
        edited.write("\n")
    assert not removable(run)
    export = tmp_path / "seeds-validation"  # coders' sheets: never an output it removes
    export.mkdir()
    (export / "coding_sheet.csv").write_text("item,theme\n1,ecology\n", encoding="utf-8")
    assert not removable(export)


def test_a_file_whose_listing_fails_is_taken_back_so_the_next_write_replaces_nothing_of_the_users(tmp_path, monkeypatch):
    """From a hostile pass of data safety (a full disk): the table or the sweep's file was written and its listing
    in the folder's marker failed, which left the toolkit's own file unlisted: the next run refused it as the user's
    ("exists and the toolkit did not write it") and a sweep never resumed."""
    import pandas as pd

    from toolkit.errors import ToolkitError
    from toolkit.output import atomic
    from toolkit.output.csv_files import write_csv_file

    table = pd.DataFrame({"term": ["创新", "生态"], "count": [12, 3]})
    real = atomic.list_own_file

    def full(path):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(atomic, "list_own_file", full)
    for write, path in (
        (lambda p: write_csv_file(p, table), tmp_path / "terms.csv"),
        (lambda p: atomic.write_own_file(p, "{}\n"), tmp_path / "config.json"),
    ):
        with pytest.raises(ToolkitError, match="No space left on device"):
            write(path)
        assert not path.exists()
        monkeypatch.setattr(atomic, "list_own_file", real)
        write(path)  # with room again: written and listed
        write(path)  # and replaced, being the toolkit's
        assert path.exists()
        monkeypatch.setattr(atomic, "list_own_file", full)
