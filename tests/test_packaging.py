"""The files that install the project agree with each other."""

import re
import tomllib

from .conftest import ROOT


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~ ;\[]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _pyproject_requirements() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    requirements = project["dependencies"] + project["optional-dependencies"]["test"]
    return {_name(r): r.split("#", 1)[0].replace(" ", "").lower() for r in requirements}


def _environment_requirements() -> dict[str, str]:
    found = {}
    text = (ROOT / "environment.yml").read_text(encoding="utf-8")
    for line in text.split("\ndependencies:", 1)[1].splitlines():
        item = line.split("#", 1)[0].strip()
        if not item.startswith("- ") or item.endswith(":"):
            continue
        item = item[2:].strip()
        if item in ("pip", "-e .[test]") or item.startswith("python="):
            continue
        found[_name(item)] = item.replace(" ", "").lower()
    return found


def test_environment_yml_lists_the_same_dependencies_as_pyproject():
    assert _environment_requirements() == _pyproject_requirements()


def test_lock_pins_every_dependency():
    pinned = {_name(line) for line in (ROOT / "requirements.lock").read_text().splitlines() if line and not line.startswith("#")}
    assert set(_pyproject_requirements()) <= pinned
    assert all(
        "==" in line for line in (ROOT / "requirements.lock").read_text().splitlines() if line and not line.startswith("#")
    )


def test_every_imported_package_is_declared():
    """Each third-party module the package imports (at the top or inside a function) belongs to a declared
    dependency, so a fresh install never lacks one."""
    import ast
    import sys
    from importlib.metadata import packages_distributions

    declared = set(_pyproject_requirements())
    distributions = packages_distributions()
    missing = {}
    for path in sorted((ROOT / "toolkit").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top in sys.stdlib_module_names or top == "toolkit":
                    continue
                owners = {d.lower().replace("_", "-") for d in distributions.get(top, [top])}
                if not owners & declared and top not in ("dask", "distributed"):  # the optional [dask] extra
                    missing.setdefault(top, path.relative_to(ROOT).as_posix())
    assert not missing, f"imported but not declared in pyproject.toml: {missing}"


def test_citation_file_names_this_version():
    import yaml

    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    version = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    assert citation["cff-version"] == "1.2.0" and citation["version"] == version
    assert {r["doi"] for r in citation["references"]} >= {"10.1111/ajps.12779", "10.18637/jss.v091.i02"}


def test_the_set_up_leaves_only_the_packages_tests_pip_and_setuptools_without_bytecode(tmp_path):
    """The Makefile's set-up byte-compiles the environment except what no run or test imports; the pattern is anchored
    at the installation's folders, so that a checkout inside a folder named ``tests`` is compiled all the same."""
    import runpy

    never_imported = runpy.run_path(str(ROOT / "scripts" / "compile_kernels.py"))["never_imported"]
    site = str(tmp_path / "tests" / "venv" / "lib" / "python3.11" / "site-packages")
    pattern = re.compile(never_imported([site]))
    skipped = ["pandas/tests/frame/test_api.py", "gensim/test/utils.py", "pip/__init__.py", "setuptools/dist.py"]
    skipped += ["pyLDAvis/lib/python3.11/site-packages/pip/_internal/main.py"]  # an environment inside a wheel
    compiled = ["pandas/core/frame.py", "pandas/_testing/__init__.py", "pkg_resources/__init__.py", "_distutils_hack/__init__.py"]
    compiled += ["pipx/main.py", "pytest_timeout.py", "numpy/testing/__init__.py", "hypothesis/extra/pandas/impl.py"]
    assert [name for name in skipped + compiled if pattern.search(f"{site}/{name}")] == skipped
    assert not pattern.search(str(tmp_path / "tests" / "project" / "toolkit" / "cli.py"))
