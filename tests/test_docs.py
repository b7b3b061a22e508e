"""The documentation agrees with the code: docs/configuration.md is what scripts/configuration_reference.py
writes from the declared options, README's figure list and docs/outputs.md's table of files are what
scripts/output_reference.py writes from toolkit/output/catalog.py, and every link between the README and docs/
reaches a file and a heading that exist."""

from __future__ import annotations

import importlib.util
import re

import pytest

from toolkit import config, models
from toolkit.output import catalog

from .conftest import ROOT

DOCS = ROOT / "docs"


def _script(name: str):
    """The module of ``scripts/<name>.py`` (the scripts are not a package)."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _reference():
    return _script("configuration_reference")


def test_configuration_reference_is_what_the_script_writes():
    written = (DOCS / "configuration.md").read_text(encoding="utf-8")
    assert written == _reference().render(), "run: python scripts/configuration_reference.py"


def test_check_flag_fails_on_a_stale_file(tmp_path, monkeypatch):
    reference = _reference()
    assert reference.main(["--check"]) == 0
    stale = tmp_path / "configuration.md"
    stale.write_text("# Configuration reference\n", encoding="utf-8")
    monkeypatch.setattr(reference, "TARGET", stale)
    assert reference.main(["--check"]) == 1
    monkeypatch.setattr(reference, "TARGET", tmp_path / "missing.md")
    assert reference.main(["--check"]) == 1


def _every_key() -> list[str]:
    keys = [f"{section}.{key}" for section in config.SECTIONS for key in config.section_options(section)]
    for kind in _reference().builtin_kinds():
        keys += [f"model.{kind}.{key}" for key in models.model_class(kind).OPTIONS]
    return keys


def test_every_option_of_every_section_is_documented():
    text = (DOCS / "configuration.md").read_text(encoding="utf-8")
    keys = _every_key()
    assert {"corpus.texts", "model.keyatm.absent_prior", "model.lda.passes", "model.nmf.init"} <= set(keys)
    missing = [key for key in keys if f"| `{key}` |" not in text]
    assert not missing, f"docs/configuration.md lacks {missing}"
    for section in config.SECTIONS:
        assert f"\n## {section}\n" in text


def _output_reference():
    return _script("output_reference")


def test_readme_figure_list_and_the_table_of_files_are_what_the_script_writes():
    for path, text in _output_reference().render().items():
        assert path.read_text(encoding="utf-8") == text, "run: python scripts/output_reference.py"


def test_output_reference_check_fails_on_a_stale_file(tmp_path, monkeypatch):
    reference = _output_reference()
    assert reference.main(["--check"]) == 0
    for name in ("README", "OUTPUTS"):
        stale = tmp_path / f"{name}.md"
        text = getattr(reference, name).read_text(encoding="utf-8")
        stale.write_text(text.replace("`theme_shares`", "`theme_share`").replace("`units.csv`", "`unit.csv`"), encoding="utf-8")
        with monkeypatch.context() as patch:
            patch.setattr(reference, name, stale)
            assert reference.main(["--check"]) == 1
            assert reference.main([]) == 0 and reference.main(["--check"]) == 0  # rewritten between the markers
            assert stale.read_text(encoding="utf-8") == text


def test_readme_figure_list_names_every_figure():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    names = [figure.name for figure in catalog.FIGURES]
    assert {"theme_shares", "theme_groups", "theme_periods", "term_counts", "lexicon_sensitivity"} <= set(names)
    figures = readme.split("## Figures", 1)[1].split("\n## ", 1)[0]
    missing = [name for name in names if f"`{name}`" not in figures]
    assert not missing, f"README's figure list lacks {missing}"
    shipped = {path.stem for path in (ROOT / "figures").glob("*/*.png")} - {"sweep"}
    assert shipped <= set(names)


def test_table_of_files_names_every_table():
    text = (DOCS / "outputs.md").read_text(encoding="utf-8")
    missing = [table.file for table in catalog.TABLES if f"| `{table.file}` |" not in text]
    assert not missing, f"docs/outputs.md lacks {missing}"


def test_readme_is_short():
    assert len((ROOT / "README.md").read_text(encoding="utf-8").splitlines()) < 200


def _slug(heading: str) -> str:
    """GitHub's anchor of a Markdown heading."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def _anchors(path) -> set[str]:
    text = re.sub(r"```.*?```", "", path.read_text(encoding="utf-8"), flags=re.S)
    return {_slug(m) for m in re.findall(r"^#{1,6} (.+)$", text, flags=re.M)}


@pytest.mark.parametrize("page", ["README.md", *sorted(f"docs/{p.name}" for p in DOCS.glob("*.md"))])
def test_links_reach_files_and_headings(page):
    path = ROOT / page
    text = re.sub(r"```.*?```", "", path.read_text(encoding="utf-8"), flags=re.S)
    for target in re.findall(r"\]\(([^)\s]+)\)", text):
        if re.match(r"[a-z]+:", target):
            continue
        file, _, anchor = target.partition("#")
        linked = (path.parent / file).resolve() if file else path
        assert linked.exists(), f"{page} links to {target}, which does not exist"
        if anchor and linked.suffix == ".md":
            assert anchor in _anchors(linked), f"{page} links to {target}: no such heading"


def test_the_notebooks_are_what_their_script_writes(tmp_path):
    """README: the six notebooks are written by scripts/make_notebooks.py (edited there, not in Jupyter): the
    committed notebooks are byte for byte what it writes now."""
    import subprocess
    import sys

    subprocess.run([sys.executable, str(ROOT / "scripts" / "make_notebooks.py"), str(tmp_path)], check=True, capture_output=True)
    written = sorted(p.name for p in tmp_path.glob("*.ipynb"))
    assert written == sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb")) and len(written) == 6
    stale = [name for name in written if (tmp_path / name).read_bytes() != (ROOT / "notebooks" / name).read_bytes()]
    assert not stale, f"run: python scripts/make_notebooks.py ({stale} differ)"


def test_every_row_of_the_configuration_tables_is_one_line():
    """A hostile pass of the CLI: the defaults of figures.formats and sweep.seeds were written over several lines,
    which ended their Markdown tables; the keys after them showed as plain text."""
    lines = _reference().render().splitlines()
    for before, after in zip(lines, lines[1:]):
        if before.startswith("|"):
            assert after.startswith("|") or not after.strip(), (before[:80], after[:80])
