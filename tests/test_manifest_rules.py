"""Rules of a run's provenance (toolkit.output.manifest, and the manifest as toolkit.output.tables writes it) that
mutation audit 37 found no test held: the Python version beside the packages a build is compared by, checksums of
files larger than one read block, a repository of SHA-256 object ids, a detached HEAD (a commit, no branch), a run's
counts of files and documents and its ensemble's seeds (a named file's checksum as the run read it: in
tests/test_inputs_as_read.py); and the streams a chain's partitions draw from (toolkit.random_streams: what the
manifest's seeds stand for)."""

import hashlib
import platform
import subprocess

import numpy as np
import pytest

from .conftest import NO_FIGURES, SEEDS_CONFIG, add_document, git


def test_the_versions_of_some_packages_name_python_too():
    """A Dask worker's build and a sweep's run ids are the versions of the packages that compute (COMPUTING) and
    Python's: a worker on another Python, or a sweep resumed after Python was upgraded, is another build. Keeping
    only the packages named passed every other test."""
    from toolkit.output.manifest import COMPUTING, package_versions

    versions = package_versions(("numpy", "no-such-distribution-zz"))
    assert set(versions) == {"python", "numpy"}
    assert versions["python"] == platform.python_version()
    assert set(package_versions(tuple(COMPUTING))) == {"python", *COMPUTING}


def test_a_file_larger_than_one_read_block_is_hashed_whole(tmp_path):
    """Files are hashed block by block (1 MiB): a units table of a few MiB differs from another only past its first
    MiB, and its checksum must say so. Hashing the first block only passed every other test."""
    from toolkit.output.manifest import output_hashes, sha256_file

    head = "推进数字经济发展，加快建设创新型国家。\n".encode() * 60_000  # about 3.4 MiB
    (tmp_path / "units.csv").write_bytes(head + "甲".encode())
    (tmp_path / "other.csv").write_bytes(head + "乙".encode())
    assert len(head) > 3 << 20
    expected = hashlib.sha256(head + "甲".encode()).hexdigest()
    assert sha256_file(tmp_path / "units.csv") == expected
    hashes = output_hashes(tmp_path)
    assert hashes["units.csv"] == expected != hashes["other.csv"]


@pytest.fixture
def repository(tmp_path):
    def make(*init_options):
        project = tmp_path / "project"
        (project / "texts").mkdir(parents=True)
        (project / "texts" / "报告.txt").write_text("推进数字经济发展，加快建设创新型国家。", encoding="utf-8")
        git(project, "init", "-q", "-b", "主线", *init_options)
        git(project, "add", ".")
        git(project, "commit", "-q", "-m", "政府工作报告")
        return project, git(project, "rev-parse", "HEAD")

    return make


def test_a_repository_of_sha256_object_ids_records_its_commit(repository):
    """git's SHA-256 repositories (``git init --object-format=sha256``) have 64-digit object ids: the manifest
    records the commit as for a SHA-1 one. Accepting 40 digits only passed every other test."""
    from toolkit.output.manifest import git_revision

    try:
        project, commit = repository("--object-format=sha256")
    except subprocess.CalledProcessError:
        pytest.skip("this git makes no SHA-256 repository")
    assert len(commit) == 64
    assert git_revision(project / "texts") == {"commit": commit, "branch": "主线"}


def test_a_detached_head_is_its_commit_and_no_branch(repository):
    """A checked-out commit that is no branch's (a detached HEAD: a tag, a bisection) is recorded as the commit
    alone, with no branch key (not an empty branch name), also after the branch moved on."""
    from toolkit.output.manifest import git_revision

    project, first = repository()
    git(project, "checkout", "-q", "--detach", first)
    (project / "texts" / "新.txt").write_text("推进生态文明建设", encoding="utf-8")
    git(project, "add", ".")
    git(project, "commit", "-q", "-m", "生态")
    second = git(project, "rev-parse", "HEAD")
    assert git_revision(project) == {"commit": second}
    git(project, "checkout", "-q", "--detach", first)
    assert git_revision(project) == {"commit": first}


def test_a_runs_manifest_counts_files_skipped_and_unmodelled_documents_and_each_members_seed(small_corpus, tmp_path):
    """Seven files: the five seeds, an empty one (skipped, with its reason in documents.csv) and one whose only
    word is in no other document (used, but no word of it is in the vocabulary, which min_df = 2 keeps to words of
    two documents): 7 files, 6 used, 1 skipped, 5 modelled. An ensemble of two records both members' seeds, which
    differ. Counting every file as used, every used document as modelled, no file as skipped, or the first member's
    seed for each passed every other test (the seeds' run has no skipped file and models every document)."""
    import toolkit
    from toolkit import Config

    add_document(small_corpus, "005_空.txt", "", "空白", "2020-01-01")
    add_document(small_corpus, "006_鹦鹉螺.txt", "鹦鹉螺" * 20 + "。", "鹦鹉螺", "2021-01-01")
    config = Config.load(
        SEEDS_CONFIG,
        [
            *NO_FIGURES,
            "model.ensemble=2",
            f'corpus.texts="{small_corpus.as_posix()}"',
            f'corpus.metadata="{(small_corpus / "metadata.csv").as_posix()}"',
        ],
    )
    manifest = toolkit.run(config, tmp_path / "out").manifest
    counts = manifest["counts"]
    assert (counts["files"], counts["documents_used"], counts["documents_skipped"]) == (7, 6, 1)
    assert counts["documents_modelled"] == 5 and counts["units_without_vocabulary"] == 1
    seeds = manifest["ensemble_seeds"]
    assert len(seeds) == 2 and seeds[0] == config["model"]["random_state"] != seeds[1]


def test_the_partitions_of_a_chain_draw_from_streams_of_their_own_the_same_each_time():
    """``model.keyatm.partitions`` sweeps a chain's units in blocks, each block from a stream split off the
    chain's: the streams differ from each other and from the chain's (blocks drawing the same numbers would move
    together), and the same chain state always gives the same streams. Giving every block one stream passed every
    other test."""
    from toolkit.random_streams import split, stream, uniform

    state = stream(42)
    streams = split(state, 4)
    assert streams.shape == (4, 1) and len({int(s[0]) for s in streams}) == 4
    assert int(state[0]) not in {int(s[0]) for s in streams} and int(state[0]) != int(stream(42)[0])  # it advanced
    np.testing.assert_array_equal(split(stream(42), 4), streams)
    draws = [[uniform(row) for _ in range(3)] for row in streams.copy()]
    assert len({tuple(d) for d in draws}) == 4
