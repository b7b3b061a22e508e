"""Run configuration: a TOML file checked against one schema, with every default written out.

Paths in a config are relative to the folder of the config file. ``--set section.key=value`` overrides any
key; the value is read as TOML (``5``, ``true``, ``"lda"``, ``[1, 2]``) and otherwise as a plain string.
"""

from __future__ import annotations

import copy
import difflib
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from .errors import ToolkitError


@dataclass(frozen=True)
class Option:
    default: Any
    help: str
    check: Callable[[Any], bool] | None = None
    rule: str = ""  # what ``check`` demands, for the error message
    kind: type | tuple[type, ...] | None = None  # defaults to type(default)
    item: type = str  # type of the items of a list


def _choice(*values: str) -> tuple[Callable[[Any], bool], str]:
    return (lambda v: v in values), "one of " + ", ".join(repr(v) for v in values)


_POSITIVE = (lambda v: v > 0), "greater than 0"
_NON_NEGATIVE = (lambda v: v >= 0), "0 or more"
_FRACTION = (lambda v: 0 < v <= 1), "a fraction in (0, 1]"
_OPEN_FRACTION = (lambda v: 0 <= v < 1), "a fraction in [0, 1)"

SCHEMA: dict[str, dict[str, Option]] = {
    "corpus": {
        "name": Option("", "Name of the corpus in tables and figure titles; defaults to the config's file name."),
        "texts": Option("", "Folder of text files (required)."),
        "metadata": Option("", "CSV with a `file` column and optionally title, date, place, encoding; '' for none."),
        "pattern": Option("*.txt", "Glob of the text files inside `texts`."),
        "year_min": Option(0, "First year to analyse; 0 for no bound.", *_NON_NEGATIVE),
        "year_max": Option(0, "Last year to analyse; 0 for no bound.", *_NON_NEGATIVE),
        "encoding": Option("auto", "Encoding of every file, or 'auto' to detect per file."),
    },
    "normalize": {
        "to_simplified": Option(True, "Convert traditional to simplified script with OpenCC (t2s)."),
        "repair_mojibake": Option(True, "Repair text decoded with the wrong codec where ftfy can (UTF-8 read as Latin-1)."),
        "strip_pinyin": Option(True, "Remove pinyin readings in parentheses after a character: 創(chuàng) -> 创."),
        "drop_boilerplate": Option(True, "Drop web boilerplate lines (comment boxes, credits, pagination)."),
        "remove_mojibake": Option(True, "Remove runs of mojibake (stray Latin/Greek letters and ? marks in Chinese)."),
        "extra_boilerplate": Option([], "Files of extra boilerplate-line patterns (one regex per line).", kind=list),
    },
    "units": {
        "kind": Option("paragraph", "Analysis unit.", *_choice("paragraph", "document")),
        "max_chars": Option(400, "Paragraphs longer than this split at sentence ends.", *_POSITIVE),
        "min_chars": Option(40, "Paragraphs shorter than this merge with a neighbour.", *_NON_NEGATIVE),
    },
    "segment": {
        "backend": Option("jieba_fast_dat", "Segmenter: jieba's algorithm in C++ (8x faster, same tokens) or jieba.",
                          *_choice("jieba_fast_dat", "jieba")),
        "hmm": Option(False, "Let jieba's HMM guess words missing from the dictionary (with the HMM on, use "
                             "backend = 'jieba' for jieba's exact tokens: the C++ HMM splits numbers differently)."),
        "pos": Option([], "Keep only words whose jieba POS tag starts with one of these, e.g. [\"n\", \"v\"]; "
                          "[] keeps all (POS tagging uses jieba's posseg, several times slower).", kind=list),
        "extra_dictionaries": Option([], "Files of extra dictionary words (jieba user-dictionary format).", kind=list),
        "extra_stopwords": Option([], "Files of extra stopwords, one or more per line.", kind=list),
        "n_jobs": Option(0, "Worker processes for segmenting large corpora; 0 for one per core.", *_NON_NEGATIVE),
        "use_policy_stopwords": Option(True, "Also drop the shipped policy-boilerplate words (推进, 加快 ...)."),
        "min_chars": Option(2, "Drop tokens shorter than this many characters.", *_POSITIVE),
        "drop_numbers": Option(True, "Drop numbers, percentages and Latin-only tokens other than lexicon words."),
    },
    "vocab": {
        "min_df": Option(2, "Drop words in fewer units than this.", *_POSITIVE),
        "max_df": Option(0.5, "Drop words in more than this share of units.", *_FRACTION, kind=(float, int)),
        "max_terms": Option(0, "Keep at most this many words (most frequent); 0 for all.", *_NON_NEGATIVE),
        "phrases": Option(False, "Join word pairs that recur together into one token (gensim Phrases, a_b)."),
        "phrase_min_count": Option(5, "Phrases: least count of a pair.", *_POSITIVE),
        "phrase_threshold": Option(10.0, "Phrases: score a pair needs (higher: fewer phrases).", *_POSITIVE,
                                   kind=(float, int)),
    },
    "model": {
        "kind": Option("lda", "Topic model.", *_choice("lda", "nmf")),
        "n_topics": Option(10, "Number of topics.", *_POSITIVE),
        "random_state": Option(42, "Seed: the same seed and config give the same topics.", *_NON_NEGATIVE),
        "passes": Option(10, "LDA: passes over the corpus.", *_POSITIVE),
        "iterations": Option(200, "LDA: inference iterations per unit.", *_POSITIVE),
        "alpha": Option("symmetric", "LDA: document-topic prior.", *_choice("symmetric", "asymmetric", "auto")),
        "n_jobs": Option(0, "LDA: threads for inference; 0 for one per core. Results do not depend on it.",
                         *_NON_NEGATIVE),
        "max_iter": Option(500, "NMF: maximum iterations.", *_POSITIVE),
        "seeded": Option(False, "LDA: seed one topic per lexicon theme with its words (the rest stay free)."),
        "seed_strength": Option(0.5, "LDA: prior weight of a theme's seed words in its topic, as a share of the "
                                     "tokens an average topic holds (0.5: half a topic's worth).",
                                *_POSITIVE, kind=(float, int)),
    },
    "themes": {
        "lexicon": Option("", "Theme lexicon (TOML); '' for the shipped one."),
        "top_n": Option(30, "Top words of a topic that labelling looks at.", *_POSITIVE),
        "min_score": Option(0.1, "Share of a topic's top-word weight a theme needs, else the topic is 'other'.",
                            *_OPEN_FRACTION, kind=(float, int)),
        "match": Option("contains", "A word counts for a theme if it is a lexicon word ('exact') or contains one.",
                        *_choice("exact", "contains")),
    },
    "trends": {
        "bootstrap": Option(1000, "Resamples of the units of each year for the intervals; 0 for none.", *_NON_NEGATIVE),
        "level": Option(0.95, "Coverage of the intervals.", *_FRACTION, kind=(float, int)),
        "seeds": Option([], "Extra model seeds whose spread is shown beside the main model's shares.", kind=list,
                        item=int),
        "change_from": Option(0, "First year of the change table; 0 for the first year with data.", *_NON_NEGATIVE),
        "change_to": Option(0, "Last year of the change table; 0 for the last year with data.", *_NON_NEGATIVE),
    },
    "figures": {
        "language": Option("zh", "Language of titles and labels.", *_choice("zh", "en")),
        "dpi": Option(150, "Resolution of PNG figures.", *_POSITIVE),
        "top_words": Option(10, "Words per topic in the top-words chart.", *_POSITIVE),
        "formats": Option(["png", "svg"], "File formats of every figure.", kind=list),
        "ldavis": Option(True, "Write ldavis.html, an interactive pyLDAvis page that works offline."),
    },
    "sweep": {
        "grid": Option({}, "Grid of settings, e.g. {\"model.n_topics\" = [5, 10, 15], \"model.kind\" = [\"lda\", \"nmf\"]}.",
                       kind=dict),
        "seeds": Option([1, 2, 3], "Random seeds of every grid point (unless the grid sets model.random_state).",
                        kind=list, item=int),
        "holdout": Option(0.1, "Share of units held out for perplexity / reconstruction error.", *_OPEN_FRACTION,
                          kind=(float, int)),
        "n_jobs": Option(0, "Runs in parallel; 0 for one per core.", *_NON_NEGATIVE),
        "scheduler": Option("", "Address of a Dask scheduler (tcp://host:8786) to run on; '' to run here."),
    },
    "cache": {
        "enabled": Option(True, "Cache segmented units on disk."),
        "dir": Option("", "Cache folder; '' for $TOOLKIT_CACHE_DIR or ~/.cache/toolkit."),
    },
}



def _closest(word: str, options) -> str:
    match = difflib.get_close_matches(word, list(options), n=1, cutoff=0.5)
    return f"; did you mean '{match[0]}'?" if match else f"; valid keys: {', '.join(options)}"


def _type_name(kind) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    names = {bool: "true or false", int: "an integer", float: "a number", str: "a string", list: "a list",
             dict: "a table"}
    return " or ".join(names.get(k, k.__name__) for k in kinds)


def _list_items(opt: Option) -> str:
    return " of integers" if opt.item is int else " of strings"


def _check_value(section: str, key: str, value: Any) -> None:
    opt = SCHEMA[section][key]
    kind = opt.kind or type(opt.default)
    kinds = kind if isinstance(kind, tuple) else (kind,)
    ok = isinstance(value, kinds) and not (isinstance(value, bool) and bool not in kinds)
    if ok and kind is list:
        ok = all(isinstance(v, opt.item) and not isinstance(v, bool) for v in value)
    if not ok:
        raise ToolkitError(
            f"config key {section}.{key} must be {_type_name(kind)}"
            f"{_list_items(opt) if kind is list else ''}, not {value!r}; {opt.help}")
    if opt.check is not None and not opt.check(value):
        raise ToolkitError(f"config key {section}.{key} must be {opt.rule}, not {value!r}; {opt.help}")


def parse_override(text: str) -> tuple[str, str, Any]:
    """Split ``section.key=value`` into its parts; the value is read as TOML, else as a string."""
    if "=" not in text or "." not in text.split("=", 1)[0]:
        raise ToolkitError(f"--set expects section.key=value (for example model.n_topics=20), not {text!r}")
    dotted, raw = text.split("=", 1)
    section, key = dotted.strip().split(".", 1)
    try:
        value = tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        value = raw
    return section, key, value


@dataclass
class Config:
    """A checked config: ``values[section][key]`` holds every key, defaults included."""

    values: dict[str, dict[str, Any]]
    base_dir: Path = field(default_factory=Path.cwd)
    source: str = "<dict>"

    @classmethod
    def from_dict(cls, data: dict, base_dir: str | Path = ".", source: str = "<dict>") -> "Config":
        """Check ``data`` against the schema and fill in every default."""
        if not isinstance(data, dict):
            raise ToolkitError(f"{source}: a config is a table of sections, not {type(data).__name__}")
        values = {s: {k: copy.deepcopy(o.default) for k, o in opts.items()} for s, opts in SCHEMA.items()}
        for section, table in data.items():
            if section not in SCHEMA:
                raise ToolkitError(f"{source}: unknown config section [{section}]{_closest(section, SCHEMA)}")
            if not isinstance(table, dict):
                raise ToolkitError(f"{source}: [{section}] must be a table of keys, not {table!r}")
            for key, value in table.items():
                if key not in SCHEMA[section]:
                    raise ToolkitError(
                        f"{source}: unknown config key {section}.{key}{_closest(key, SCHEMA[section])}")
                _check_value(section, key, value)
                values[section][key] = copy.deepcopy(value)
        config = cls(values=values, base_dir=Path(base_dir).resolve(), source=source)
        config._check_together()
        return config

    def _check_together(self) -> None:
        c = self.values["corpus"]
        if c["year_min"] and c["year_max"] and c["year_min"] > c["year_max"]:
            raise ToolkitError(f"corpus.year_min ({c['year_min']}) is after corpus.year_max ({c['year_max']})")
        u = self.values["units"]
        if u["min_chars"] >= u["max_chars"]:
            raise ToolkitError(f"units.min_chars ({u['min_chars']}) must be below units.max_chars ({u['max_chars']})")
        formats = set(self.values["figures"]["formats"])
        if not formats or not formats <= {"png", "svg"}:
            raise ToolkitError(f"figures.formats must list 'png' and/or 'svg', not {sorted(formats)}")
        m = self.values["model"]
        if m["seeded"] and m["kind"] != "lda":
            raise ToolkitError(f"model.seeded works with model.kind = 'lda', not {m['kind']!r}; set seeded = false")
        v = self.values["vocab"]
        if isinstance(v["max_df"], int) and v["max_df"] != 1:
            raise ToolkitError(f"vocab.max_df is a share of units in (0, 1], not {v['max_df']}")

    @classmethod
    def load(cls, path: str | Path | None, overrides: list[str] | tuple[str, ...] = ()) -> "Config":
        """Read a TOML config file (None: every default) and apply ``section.key=value`` overrides."""
        if path is None:
            data, path = {}, None
        else:
            path = Path(path)
            if not path.is_file():
                raise ToolkitError(f"config file not found: {path}; pass the path of a .toml file such as "
                                   "configs/seeds.toml")
            try:
                data = tomllib.loads(path.read_text(encoding="utf-8"))
            except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
                raise ToolkitError(f"{path} is not valid TOML: {exc}") from None
        for text in overrides:
            section, key, value = parse_override(text)
            data.setdefault(section, {})
            if not isinstance(data[section], dict):
                raise ToolkitError(f"--set {text}: [{section}] in {path} is not a table")
            data[section][key] = value
        if path is None:
            return cls.from_dict(data, source="defaults")
        config = cls.from_dict(data, base_dir=path.parent, source=str(path))
        if not config.values["corpus"]["name"]:
            config.values["corpus"]["name"] = path.stem
        return config

    def __getitem__(self, section: str) -> dict[str, Any]:
        return self.values[section]

    def with_values(self, **dotted: Any) -> "Config":
        """A copy with some keys changed: ``config.with_values(**{"model.n_topics": 5})``."""
        data = copy.deepcopy(self.values)
        for name, value in dotted.items():
            section, key = name.split(".", 1)
            data.setdefault(section, {})[key] = value
        return Config.from_dict(data, base_dir=self.base_dir, source=self.source)

    def path(self, section: str, key: str) -> Path | None:
        """A path-valued key resolved against the config's folder; None when empty."""
        value = self.values[section][key]
        return (self.base_dir / value).resolve() if value else None

    def paths(self, section: str, key: str) -> list[Path]:
        return [(self.base_dir / v).resolve() for v in self.values[section][key]]

    def to_dict(self) -> dict[str, dict[str, Any]]:
        """Every key with its value, defaults included (what the manifest records)."""
        return copy.deepcopy(self.values)

    def to_toml(self) -> str:
        """The resolved config as TOML text."""
        lines = []
        for section, table in self.values.items():
            lines.append(f"[{section}]")
            for key, value in table.items():
                lines.append(f"{key} = {_toml_value(value)}")
            lines.append("")
        return "\n".join(lines)


def _toml_value(value: Any) -> str:
    import json

    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)
