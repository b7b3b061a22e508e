"""Run configuration: a TOML file checked against the options each stage declares, every default written out.

Each section belongs to one stage module, which declares its keys (``OPTIONS``, see :mod:`toolkit.options`)
and the checks between them (``check_options``); this module only assembles them. Paths in a config are
relative to the folder of the config file. ``--set section.key=value`` overrides any key (sub-tables too:
``--set model.lda.passes=5``); the value is read as TOML (``5``, ``true``, ``"lda"``, ``[1, 2]``) and otherwise as
a plain string. A saved config (:meth:`Config.to_toml`) loads back and gives the same run from any folder.
"""

from __future__ import annotations

import copy
import dataclasses
import difflib
import functools
import hashlib
import importlib
import json
import logging
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ToolkitError
from .options import Option, plain_name_from

log = logging.getLogger("toolkit")

# Section -> the stage module that declares it, in the order of the pipeline.
SECTIONS = {
    "corpus": "text.corpus",
    "normalize": "text.normalize",
    "units": "text.units",
    "segment": "text.segment",
    "vocab": "text.vectorize",
    "model": "models",
    "themes": "analysis.themes",
    "trends": "analysis.trends",
    "effects": "analysis.effects",
    "evidence": "analysis.evidence",
    "wording": "analysis.wording",
    "terms": "analysis.terms",
    "figures": "output.plots",
    "output": "output.tables",
    "sweep": "sweeps",
    "cache": "text.cache",
}


def _module(section: str):
    return importlib.import_module(f"toolkit.{SECTIONS[section]}")


@functools.lru_cache(maxsize=None)
def section_options(section: str) -> dict[str, Option]:
    """The keys of ``section`` as its stage module declares them."""
    return _module(section).OPTIONS


def is_path_option(section: str, key: str) -> bool:
    """Whether ``section.key`` names a file or folder (a key of a sub-table, or unknown, does not)."""
    option = section_options(section).get(key)
    return option is not None and bool(option.path)


def schema() -> dict[str, dict[str, Option]]:
    """Every section's options (sub-tables such as ``[model.lda]`` aside)."""
    return {section: section_options(section) for section in SECTIONS}


def table_options(section: str, name: str) -> dict[str, Option] | None:
    """The options of the sub-table ``[section.name]`` (``[model.lda]``), None where the section has no such table."""
    lookup = getattr(_module(section), "sub_options", None)
    return lookup(name) if lookup else None


def _closest(word: str, options, kind: str = "keys") -> str:
    match = difflib.get_close_matches(word, list(options), n=1, cutoff=0.5)
    return f"; did you mean '{match[0]}'?" if match else f"; valid {kind}: {', '.join(options)}"


def _override_list(overrides) -> list[str]:
    """``overrides`` as a list of strings (None: none); a single string (``"model.n_topics=18"``, a list's brackets
    forgotten) is refused, not read one character at a time."""
    if overrides is None:
        return []
    if isinstance(overrides, str) or not isinstance(overrides, (list, tuple)) or not all(isinstance(t, str) for t in overrides):
        raise ToolkitError(
            f"overrides must be a list of section.key=value strings, such as ['model.n_topics=18'], not {overrides!r}"
        )
    return list(overrides)


def as_config(config, function: str, overrides: list[str] | tuple[str, ...] = ()) -> Config:
    """What a function of the API was given as its ``config``, with ``overrides`` applied: a Config (checked
    again: a notebook may have changed a value in place since, ``config["model"]["kind"] = "lda"``, which reached
    the model unchecked as a KeyError), the path of a TOML config (read), or None (every default); anything else
    is a ToolkitError naming ``function``, not a TypeError from deep inside it."""
    if isinstance(config, Config):
        return config.with_overrides(overrides)
    if config is None or isinstance(config, (str, os.PathLike)):
        return Config.load(config, overrides)
    raise ToolkitError(
        f"{function}: config must be a Config or the path of a TOML config (toolkit.Config.load(path); "
        f"toolkit.Config.from_dict(table) for a table), not {type(config).__name__}"
    )


def _apply_overrides(data: dict, overrides: list[str], source) -> None:
    """Set each ``section.key=value`` of ``overrides`` in ``data`` (a config's tables, from ``source``)."""
    for text in overrides:
        section, key, value = parse_override(text)
        path = _key_path(text.split("=", 1)[0])
        path = path if len(path) > 1 and path[0] == section else [section, *key.split(".")]
        # its key said as the --set's, not the config file's (an unknown key was blamed on the file)
        if section not in SECTIONS:
            known = _closest(section, SECTIONS, "sections")
            raise ToolkitError(f"--set {text}: unknown config section [{_bare(section)}]{known}")
        moved = getattr(_module(section), "MOVED", {})
        if key in moved and key not in section_options(section):  # model.passes: set where it now lives (_set_keys)
            log.warning("config key %s.%s is deprecated: write it as %s.%s.%s", section, key, section, moved[key], key)
            key, path = f"{moved[key]}.{key}", [section, moved[key], key]
        single: dict = {}
        _set_path(single, path[1:], value, f"--set {text}")
        _checked_section(section, single, f"--set {text}")
        table = data.setdefault(section, {})
        if not isinstance(table, dict):
            raise ToolkitError(f"--set {text}: [{section}] in {source} is not a table")
        if any("." in name for name in path):  # a key of the user's own that holds a dot: a grid's model.n_topics
            _set_path(data, path, value, f"--set {text}")
        else:  # a sub-table given whole keeps the keys it omits
            _set_keys(data, f"{section}.{key}", value, f"--set {text}")


def _key_path(dotted: str) -> list[str]:
    """The names of a --set's dotted key (``dotted``: the text before its ``=``) read as TOML reads one: a quoted
    name is one name, dots and all, without its quotes (``trends.periods."十四五"`` had been set as a period named
    with its quotes, and ``sweep.grid."model.n_topics"`` split at its dot). A grid key written unquoted after
    ``sweep.grid.`` is one key, as every grid key is a setting's section.key (``sweep.grid.model.n_topics`` had been
    a table ``model`` of the grid, refused as unquoted TOML the command line gave no chance to quote). A key that
    is no TOML (an unquoted Chinese name: 十四五) is split at its dots."""
    try:
        table = tomllib.loads(f"{dotted.strip()} = 0")
    except (tomllib.TOMLDecodeError, RecursionError):
        return dotted.strip().split(".")
    path = []
    while isinstance(table, dict) and len(table) == 1:
        name, table = next(iter(table.items()))
        path.append(name)
    if path[:2] == ["sweep", "grid"] and len(path) > 3:
        path = ["sweep", "grid", ".".join(path[2:])]
    return path


def _bare(name: str) -> str:
    """``name`` as a TOML key: bare where TOML allows it, else quoted (an empty key read as ``model.``)."""
    return name if re.fullmatch(r"[A-Za-z0-9_-]+", name) else json.dumps(name, ensure_ascii=False)


def parse_override(text: str) -> tuple[str, str, Any]:
    """Split ``section.key=value`` into its parts; the value is read as TOML, else as a string."""
    if "=" not in text or "." not in text.split("=", 1)[0]:
        raise ToolkitError(f"--set expects section.key=value (for example model.n_topics=20), not {text!r}")
    dotted, raw = text.split("=", 1)
    section, key = dotted.strip().split(".", 1)
    if not section or not key.strip("."):
        raise ToolkitError(f"--set expects section.key=value (for example model.n_topics=20), not {text!r}")
    path = _key_path(dotted)
    if len(path) > 1:  # a quoted name without its quotes (an empty one too: trends.periods."")
        section, key = path[0], ".".join(path[1:])
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a folder unzipped from a Windows archive keeps its GBK bytes in its name
        raise ToolkitError(
            f"--set {text!r} is not UTF-8 (a name saved in GBK or another encoding?): a config holds UTF-8 text "
            "only; rename the folder or file"
        ) from None
    if "\n" in raw or "\r" in raw:  # TOML would read the next line as a key of its own, and it was dropped
        raise ToolkitError(f"--set {text!r}: a value is one line; give each key a --set of its own")
    try:
        value = tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        value = raw
    except RecursionError:
        raise ToolkitError(f"--set {dotted.strip()}: the value is nested too deeply to be a setting") from None
    return section, key, value


def plain(value: Any) -> Any:
    """numpy's numbers and arrays as the Python values they hold, in lists and tables too: a notebook's loop over
    np.arange gave model.n_topics an np.int64, which the checks let through and TOML could not write (a traceback
    after the fit: a hostile pass of the API). numpy is not imported for it. A pathlib path as its text, as every
    function of the API takes paths (``corpus.texts = Path("seeds")`` was refused as no string)."""
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    if type(value).__module__ == "numpy" and hasattr(value, "dtype"):
        if getattr(value, "ndim", 0):
            return [plain(v) for v in value]
        # a float32 as the decimal it prints as (0.3, not 0.30000001192092896 in config.toml: a review)
        return float(str(value)) if value.dtype.kind == "f" else value.item()
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


def _is_table(name: str) -> bool:
    """Whether ``name`` is a section (``units``) or a sub-table of one (``model.keyatm``), not a key whose value is a
    table of the user's (``trends.periods``, ``effects.reference``, ``sweep.grid``)."""
    section, _, key = name.partition(".")
    if section not in SECTIONS or "." in key:
        return False
    return not key or (key not in section_options(section) and table_options(section, key) is not None)


def _set_keys(data: dict, name: str, value: Any, where: str = "") -> None:
    """``data``'s key ``name`` set to ``value``; a section or sub-table given as a table changes the keys it names
    and keeps the others (a hostile pass of the API: units={"min_chars": 10} reset units.max_chars to its default,
    and model={"keyatm": {"iterations": 60}} the config's model.keyatm.samples; so did --set, a later pass).
    ``where``: what an error names (default: ``name``). A deprecated key is set where it now lives (model.passes as
    model.lda.passes: a grid over it labelled its runs with values a file's [model.lda] overrode, a hostile pass)."""
    if name.startswith("sweep.grid.") and "." in name[len("sweep.grid.") :]:  # a grid key is a setting's section.key
        _set_path(data, ["sweep", "grid", name[len("sweep.grid.") :]], value, where or name)
        return
    name = where_it_lives(name)
    if isinstance(value, dict) and _is_table(name):
        for key, item in value.items():
            _set_keys(data, f"{name}.{key}", item, where)
    else:
        _set_path(data, name.split("."), value, where or name)


def _set_path(table: dict, path: list[str], value: Any, where: str) -> None:
    """``table[a][b] = value`` for ``path`` [a, b] (sub-tables created as needed)."""
    *parents, last = path
    for name in parents:
        table = table.setdefault(name, {})
        if not isinstance(table, dict):
            raise ToolkitError(f"{where}: {name} is a value, not a table")
    table[last] = value


def _resolved(path: Path) -> Path:
    """``path`` made absolute with symbolic links resolved; a symbolic link loop stays as it is (Path.resolve
    raises RuntimeError on one before Python 3.13), so the stage that reads it reports it."""
    return Path(os.path.realpath(path))


@dataclass
class Config:
    """A checked config: ``values[section][key]`` holds every key, defaults included; sub-tables of a section
    (``values["model"]["lda"]``) hold theirs."""

    values: dict[str, dict[str, Any]]
    base_dir: Path = field(default_factory=Path.cwd)
    source: str = "<dict>"
    source_sha256: str = ""  # the config file's bytes as Config.load read them ("" for a config of no file)

    @classmethod
    def from_dict(cls, data: dict, base_dir: str | Path = ".", source: str = "<dict>") -> "Config":
        """Check ``data`` against the options of every section and fill in every default."""
        if not isinstance(data, dict):
            raise ToolkitError(f"{source}: a config is a table of sections, not {type(data).__name__}")
        data = plain(data)
        values = {s: {k: copy.deepcopy(o.default) for k, o in section_options(s).items()} for s in SECTIONS}
        for section, table in data.items():
            if section not in SECTIONS:
                known = _closest(section, SECTIONS, "sections")
                raise ToolkitError(f"{source}: unknown config section [{_bare(section)}]{known}")
            if not isinstance(table, dict):
                raise ToolkitError(f"{source}: [{section}] must be a table of keys, not {table!r}")
            values[section].update(_checked_section(section, table, source))
        for section in SECTIONS:
            _fill_sub_tables(section, values[section])
            check = getattr(_module(section), "check_options", None)
            if check:
                check(values[section])
        config = cls(values=values, base_dir=Path(base_dir).resolve(), source=source)
        from .resources import utf8_path

        for name, path in config.input_paths().items():  # a --set of a path, a key of the file, through links too
            utf8_path(path, f"{name}:")
        return config

    @classmethod
    def load(cls, path: str | os.PathLike | None, overrides: list[str] | tuple[str, ...] = ()) -> "Config":
        """Read a TOML config file (None: every default) and apply ``section.key=value`` overrides."""
        overrides = _override_list(overrides)
        if path is None:
            data = {}
        else:
            from .resources import user_path, utf8_path

            path = user_path(path, "Config.load: path")
            utf8_path(path, "the config's path")
            if path.is_dir():
                raise ToolkitError(f"{path} is a folder; pass the path of a .toml config file such as configs/seeds.toml")
            if not path.exists() and not path.is_symlink():  # a loop of links is said when it is read
                raise ToolkitError(f"config file not found: {path}; pass the path of a .toml file such as configs/seeds.toml")
            try:
                from .resources import read_regular

                raw = read_regular(path)
                data = tomllib.loads(raw.decode("utf-8-sig"))
            except UnicodeDecodeError as exc:  # an editor on a Chinese Windows saves GBK
                raise ToolkitError(
                    f"{path} is not UTF-8 text (byte {exc.start + 1} is not UTF-8: GBK or another encoding?); save it as UTF-8"
                ) from None
            except tomllib.TOMLDecodeError as exc:
                raise ToolkitError(f"{path} is not valid TOML: {exc}") from None
            except RecursionError:
                raise ToolkitError(f"{path}: a value is nested too deeply to be a setting") from None
            except OSError as exc:
                raise ToolkitError(f"cannot read {path}: {exc.strerror}") from None
        _apply_overrides(data, overrides, path)
        if path is None:
            return cls.from_dict(data, source="defaults")
        config = cls.from_dict(data, base_dir=path.parent, source=str(path))
        # the file as read, for the manifest: hashed again later, an edit since was recorded as the config the run
        # never used (a review)
        config.source_sha256 = hashlib.sha256(raw).hexdigest()
        if not config.values["corpus"]["name"]:  # a plain name whatever the file's (.hidden.toml, 武汉　报告.toml)
            config.values["corpus"]["name"] = plain_name_from(path.stem)
        return config

    def __getitem__(self, section: str) -> dict[str, Any]:
        return self.values[section]

    def with_overrides(self, overrides: list[str] | tuple[str, ...]) -> "Config":
        """A copy with ``section.key=value`` overrides applied, as :meth:`load` applies them to a file's values."""
        data = copy.deepcopy(self.values)
        _apply_overrides(data, _override_list(overrides), self.source)
        return self._checked_again(data)

    def _checked_again(self, data: dict) -> "Config":
        """``data`` (this config's values, changed) checked as a config of this one's source: a key found wrong there
        was changed in memory since the file was read (``config["model"]["nosuch"] = 1`` was blamed on the file,
        which has no such key: a hostile pass of the API)."""
        edited = self.source if self.source.startswith("<") else f"{self.source} as changed in memory since it was read"
        checked = Config.from_dict(data, base_dir=self.base_dir, source=edited)
        return dataclasses.replace(checked, source=self.source, source_sha256=self.source_sha256)

    def with_values(self, **dotted: Any) -> "Config":
        """A copy with some keys changed: ``config.with_values(**{"model.n_topics": 5})`` (also
        ``"model.lda.passes"``; a section or sub-table given as a table, ``units={"min_chars": 10}``, changes the keys
        it names and keeps the others, so ``trends={}`` changes nothing)."""
        data = copy.deepcopy(self.values)
        for name, value in dotted.items():
            value = plain(value)
            _set_keys(data, name, value)
        return self._checked_again(data)

    def path(self, section: str, key: str) -> Path | None:
        """A path-valued key resolved against the config's folder (``~`` is the user's home folder, as in a shell:
        ``cache.dir = "~/toolkit-cache"`` made a folder named ``~`` beside the config; ``~name`` is that user's, and
        stays as written for a user who does not exist, as a shell leaves it); None when empty."""
        value = self.values[section][key]
        return _resolved(self.base_dir / os.path.expanduser(value)) if value else None

    def paths(self, section: str, key: str) -> list[Path]:
        return [_resolved(self.base_dir / os.path.expanduser(v)) for v in self.values[section][key]]

    def input_paths(self) -> dict[str, Path]:
        """Every file and folder the config names (its own file included), by what it is."""
        named = {}
        if self.source_sha256:  # read from a file, in base_dir: ``source`` as given may be relative to another folder
            named["the config"] = (self.base_dir / Path(self.source).name).resolve()
        for section in SECTIONS:
            for key, option in section_options(section).items():
                if option.path:
                    values = self.paths(section, key) if isinstance(option.default, list) else [self.path(section, key)]
                    for i, path in enumerate(p for p in values if p is not None):
                        named[f"{section}.{key}" + (f"[{i}]" if isinstance(option.default, list) else "")] = path
        return named

    def to_dict(self) -> dict[str, dict[str, Any]]:
        """Every key with its value, defaults included (what the manifest records)."""
        return copy.deepcopy(self.values)

    def to_toml(self, relative_to: str | Path | None = None) -> str:
        """The resolved config as TOML that loads back to the same config.

        Paths are written absolute, or relative to ``relative_to`` (the folder the text will be saved in), so
        the saved file works from any current folder.
        """
        import os

        import tomli_w

        values = copy.deepcopy(self.values)
        for section in SECTIONS:
            for key, option in section_options(section).items():
                if not option.path:
                    continue
                paths = self.paths(section, key) if isinstance(option.default, list) else [self.path(section, key)]
                if relative_to is not None:
                    base = Path(relative_to).resolve()
                    paths = [Path(os.path.relpath(p, base)) if p is not None else None for p in paths]
                written = [p.as_posix() if p is not None else "" for p in paths]
                values[section][key] = written if isinstance(option.default, list) else written[0]
        header = "# Every setting of this run, defaults included; paths are relative to this file's folder.\n"
        return (header if relative_to is not None else "") + tomli_w.dumps(values)


def where_it_lives(name: str) -> str:
    """``section.key`` as the config holds it now: a moved key in its sub-table (``model.passes`` is
    ``model.lda.passes``), any other name as it is."""
    section, _, key = name.partition(".")
    moved = getattr(_module(section), "MOVED", {}) if section in SECTIONS else {}
    return f"{section}.{moved[key]}.{key}" if key in moved and key not in section_options(section) else name


def _checked_section(section: str, table: dict, source: str) -> dict:
    """The keys of ``table`` checked against ``section``'s options; sub-tables checked against theirs."""
    options = section_options(section)
    moved = getattr(_module(section), "MOVED", {})
    retired = getattr(_module(section), "RETIRED", {})
    checked: dict[str, Any] = {}
    for key, value in table.items():
        if key in retired:
            if value in ("", [], {}):  # as a run's saved config.toml of an earlier release holds it, at its default
                continue  # (every run's config named scheduler = "", and loaded no more: a review)
            raise ToolkitError(f"{source}: config key {section}.{key} is no longer used: {retired[key]}")
        if key in moved and key not in options:
            sub = moved[key]
            log.warning("config key %s.%s is deprecated: write it as %s in [%s.%s]", section, key, key, section, sub)
            checked.setdefault(sub, {})
            if isinstance(table.get(sub), dict) and key in table[sub]:  # the sub-table's own value wins, said
                if table[sub][key] != value:
                    log.warning(
                        "%s: config key %s.%s = %r is not used: [%s.%s] sets %s = %r", source, section, key, value,
                        section, sub, key, table[sub][key],
                    )  # fmt: skip
                continue
            sub_table = table_options(section, sub)
            assert sub_table is not None  # MOVED names shipped kinds
            sub_table[key].validate(f"{section}.{sub}.{key}", value)
            checked[sub][key] = copy.deepcopy(value)
            continue
        if key in options:
            options[key].validate(f"{section}.{key}", value)
            checked[key] = copy.deepcopy(value)
            continue
        sub_options = table_options(section, key)
        if sub_options is not None and not isinstance(value, dict):  # lda = 5: a kind's table given a value
            raise ToolkitError(
                f"{source}: config key {section}.{key} is the table of the {key} kind's settings "
                f"({', '.join(sub_options)}), not {value!r}; set one of them, e.g. {section}.{key}.{next(iter(sub_options))}"
            )
        if sub_options is None:
            raise ToolkitError(f"{source}: unknown config key {section}.{_bare(key)}{_closest(key, options)}")
        for sub_key, sub_value in value.items():
            if sub_key not in sub_options:
                raise ToolkitError(
                    f"{source}: unknown config key {section}.{key}.{_bare(sub_key)}{_closest(sub_key, sub_options)}"
                )
            sub_options[sub_key].validate(f"{section}.{key}.{sub_key}", sub_value)
            checked.setdefault(key, {})[sub_key] = copy.deepcopy(sub_value)
    return checked


def _fill_sub_tables(section: str, values: dict) -> None:
    """Defaults of every sub-table given, and of the one the section selects (``model.kind``)."""
    selected = values.get("kind")
    names = [k for k, v in values.items() if isinstance(v, dict) and k not in section_options(section)]
    if isinstance(selected, str) and selected not in names and table_options(section, selected) is not None:
        names.append(selected)
    for name in names:
        options = table_options(section, name)
        assert options is not None  # every sub-table was checked against its options when the config was read
        given = values.get(name, {})
        values[name] = {k: copy.deepcopy(given.get(k, o.default)) for k, o in options.items()}
