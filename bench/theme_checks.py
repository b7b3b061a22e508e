"""Whether the checks of themes.csv can fail: which themes a run validates on the shipped corpora and on two
corpora built to have no theme worth the name (a hostile methods review, 2026-12-05).

1. seeds: configs/seeds.toml as shipped;
2. gwr: configs/gwr_national.toml as shipped (the repository's corpora/gwr_national, as 3 and 4 read);
3. gwr, trend pairs: the shipped lexicon with four themes of two unrelated words each that rise or fall together
   over the years (小微企业+脱贫, 退耕还林+世贸组织, 跨境+民生, 宏观政策+乡村; the eight words taken out of their
   own themes), ``model.n_topics=22``;
4. gwr, shuffled: each report of 2000-2022 cut by jieba (with the lexicon's words), its words shuffled within the
   report and written as paragraphs of 60 words: every document keeps its words and their counts, no paragraph
   its context;
5. gwr, chimeras: the shipped lexicon with three pairs of its themes each joined into one theme of two subjects
   (ecology + party_building, diplomacy_unification + livelihood, digital_economy + agriculture_rural).

Each run with ``figures.formats=[]`` and ``figures.ldavis=false``, in a temporary folder. Prints, per case, the
themes validated, and for the trend pairs and the shuffled reports the split-half correlations of every theme
across documents and within documents.

    python bench/theme_checks.py
"""

from __future__ import annotations

import csv
import random
import re
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

import pandas as pd
from common import ROOT, git_commit

GWR = ROOT / "corpora" / "gwr_national" / "texts"  # the State Council reports, shipped with the repository
PAIRS = {
    "pair_smallbiz_poverty": ["小微企业", "脱贫"],
    "pair_forest_wto": ["退耕还林", "世贸组织"],
    "pair_crossborder_livelihood": ["跨境", "民生"],
    "pair_macro_village": ["宏观政策", "乡村"],
}
CHIMERAS = {
    "chimera_ecology_party": ("ecology", "party_building"),
    "chimera_diplomacy_livelihood": ("diplomacy_unification", "livelihood"),
    "chimera_digital_agriculture": ("digital_economy", "agriculture_rural"),
}
QUIET = ["--set", "figures.formats=[]", "--set", "figures.ldavis=false"]


def run(config: Path, out: Path, *settings: str) -> pd.DataFrame:
    command = [sys.executable, "-m", "toolkit", "-q", "run", str(config), "--out", str(out), *QUIET]
    for setting in settings:
        command += ["--set", setting]
    subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
    themes = pd.read_csv(out / "themes.csv")
    return themes[themes["theme"] != "other"]


def quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def pairs_lexicon(path: Path) -> None:
    lexicon = tomllib.loads((ROOT / "toolkit" / "data" / "lexicon.toml").read_text(encoding="utf-8"))
    taken = {word for words in PAIRS.values() for word in words}
    lines = []
    themes = {name: theme for name, theme in lexicon.items() if isinstance(theme, dict)}
    for name, theme in {**themes, **{k: {"label_zh": k, "label_en": k, "words": v} for k, v in PAIRS.items()}}.items():
        words = [w for w in theme["words"] if w not in taken] if name not in PAIRS else theme["words"]
        lines += [f"[{name}]", f"label_zh = {quoted(theme['label_zh'])}", f"label_en = {quoted(theme['label_en'])}"]
        lines += [f"words = [{', '.join(quoted(w) for w in words)}]", ""]
    path.write_text("\n".join(lines), encoding="utf-8")


def chimeras_lexicon(path: Path) -> None:
    lexicon = tomllib.loads((ROOT / "toolkit" / "data" / "lexicon.toml").read_text(encoding="utf-8"))
    themes = {name: theme for name, theme in lexicon.items() if isinstance(theme, dict)}
    joined = {part for parts in CHIMERAS.values() for part in parts}
    kept = {name: theme for name, theme in themes.items() if name not in joined}
    for name, (a, b) in CHIMERAS.items():
        kept[name] = {"label_zh": f"{a}+{b}", "label_en": f"{a}+{b}", "words": themes[a]["words"] + themes[b]["words"]}
    lines = []
    for name, theme in kept.items():
        lines += [f"[{name}]", f"label_zh = {quoted(theme['label_zh'])}", f"label_en = {quoted(theme['label_en'])}"]
        lines += [f"words = [{', '.join(quoted(w) for w in theme['words'])}]", ""]
    path.write_text("\n".join(lines), encoding="utf-8")


def shuffled_corpus(folder: Path) -> Path:
    import jieba

    jieba.setLogLevel(60)
    lexicon = tomllib.loads((ROOT / "toolkit" / "data" / "lexicon.toml").read_text(encoding="utf-8"))
    for theme in lexicon.values():
        for word in theme.get("words", []) if isinstance(theme, dict) else []:
            jieba.add_word(word)
    folder.mkdir()
    with open(GWR / "metadata.csv", encoding="utf-8") as handle:
        rows = [row for row in csv.DictReader(handle) if 2000 <= int(row["date"][:4]) <= 2022]
    rng = random.Random(1)
    for row in rows:
        text = (GWR / row["file"]).read_text(encoding="utf-8")
        words = [w for w in jieba.lcut(text) if re.search(r"[\u4e00-\u9fffA-Za-z0-9]", w)]
        rng.shuffle(words)
        paragraphs = ["，".join(words[i : i + 60]) + "。" for i in range(0, len(words), 60)]
        (folder / row["file"]).write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")
    with open(folder / "metadata.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    config = (ROOT / "configs" / "gwr_national.toml").read_text(encoding="utf-8")
    config = config.replace('"../corpora/gwr_national/texts/metadata.csv"', quoted(str(folder / "metadata.csv")))
    config = config.replace('"../corpora/gwr_national/texts"', quoted(str(folder)))
    (folder.parent / "shuffled.toml").write_text(config, encoding="utf-8")
    return folder.parent / "shuffled.toml"


def say(case: str, themes: pd.DataFrame, detail: list[str] | None = None) -> None:
    validated = themes.loc[themes["validated"].astype(str) == "True", "theme"].tolist()
    print(f"{case}: {len(validated)} of {len(themes)} validated: {', '.join(validated) or '-'}")
    if detail is not None:
        shown = themes[themes["theme"].isin(detail)] if detail else themes
        wanted = (
            "theme",
            "r_split",
            "r_split_low",
            "r_split_paragraphs",
            "r_split_paragraphs_low",
            "r_split_clusters",
            "r_split_clusters_low",
        )
        columns = [c for c in wanted if c in shown]
        print(shown[columns].round(3).to_string(index=False))


def main() -> None:
    print(f"the checks of themes.csv, toolkit {git_commit()}")
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        say("seeds", run(ROOT / "configs" / "seeds.toml", base / "seeds"))
        if not GWR.is_dir():
            print(f"gwr: {GWR} not found; the other cases need it")
            return
        say("gwr", run(ROOT / "configs" / "gwr_national.toml", base / "gwr"))
        pairs_lexicon(base / "pairs.toml")
        themes = run(
            ROOT / "configs" / "gwr_national.toml",
            base / "pairs",
            f"themes.lexicon={quoted(str(base / 'pairs.toml'))}",
            "model.n_topics=22",
        )
        say("gwr, trend pairs", themes, list(PAIRS))
        say("gwr, shuffled within each report", run(shuffled_corpus(base / "shuffled"), base / "shuffled-run"), [])
        chimeras_lexicon(base / "chimeras.toml")
        themes = run(
            ROOT / "configs" / "gwr_national.toml", base / "chimeras", f"themes.lexicon={quoted(str(base / 'chimeras.toml'))}"
        )
        say("gwr, chimeras", themes, list(CHIMERAS))


if __name__ == "__main__":
    main()
