"""Write the notebooks in notebooks/ (without outputs), or in the folder given as the one argument (the tests compare
that with notebooks/). Edit the cells here, then run:
.venv/bin/python scripts/make_notebooks.py
"""

import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

OUT = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent / "notebooks"


def make_cell(kind: str, source: str):
    """A markdown ("md") or code ("code") cell; "parameters" is a code cell tagged ``parameters`` (as papermill
    names it): the settings the notebook's toolkit calls use, as the repo ships them, for a reader to change. The
    tests run the notebooks with faster settings appended to this cell (tests/test_notebooks.py)."""
    if kind == "md":
        return new_markdown_cell(source)
    if kind == "parameters":
        return new_code_cell(source, metadata={"tags": ["parameters"]})
    return new_code_cell(source)


def notebook(name: str, cells: list[tuple[str, str]]) -> None:
    nb = new_notebook(cells=[make_cell(kind, src) for kind, src in cells])
    for number, cell in enumerate(nb.cells):
        cell.id = f"cell-{number:02d}"  # fixed ids: writing the notebooks again changes nothing
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    OUT.mkdir(exist_ok=True)
    nbformat.write(nb, OUT / name)


notebook(
    "01_quickstart.ipynb",
    [
        (
            "md",
            "# Quick start: themes in the five seed documents\n\n"
            "Load, normalise, fit the keyword-assisted topic model and plot the trend, with the same function the "
            "command line uses (`toolkit run configs/seeds.toml`). Every table below is also written as CSV in the "
            "output folder.",
        ),
        (
            "parameters",
            "# The settings of this notebook, as shipped: the config, settings that replace its own (as "
            '"section.key=value",\n# like `toolkit run --set`; docs/configuration.md lists them), the output folder and '
            "the themes the table of\n# shares by year shows.\n"
            'config_file = "../configs/seeds.toml"\noverrides = []\nout_dir = "../runs/nb-quickstart"\n'
            'focus_themes = ["innovation", "digital_economy", "ecology"]',
        ),
        (
            "code",
            "%matplotlib inline\nimport pandas as pd\n\nimport toolkit\n\n"
            "result = toolkit.run(toolkit.Config.load(config_file, overrides), out_dir)\n"
            'result.documents[["doc_id", "title", "date", "place", "status", "n_units"]]',
        ),
        (
            "md",
            "Each lexicon theme owns one topic, anchored to its keywords: its theme is fixed by construction "
            "(`labelled_by = keywords`). The free topics collect what the lexicon does not name and count as `other`; "
            "`suggested` is the theme their top words look like, a hint only:",
        ),
        (
            "code",
            'topics = result.topics.copy()\ntopics["top_words"] = topics["top_words"].map(lambda w: " ".join(w[:8]))\n'
            'topics[["topic", "theme", "labelled_by", "suggested", "top_words"]]',
        ),
        (
            "md",
            "Before trusting a theme, read its diagnostics: does its share follow its keywords across years and "
            "documents, does it hold across the ensemble's seeds, is its topic more than its keywords? Five documents "
            "are few: the checks have little power, most themes (at the shipped settings, all of them) are not validated here, "
            "and which ones pass can change with the model's seed (`model.random_state`). Read this as a "
            "demonstration of the checks, not as a verdict on the themes. The run's warnings (above) are part of "
            "the reading too: when the chains did not meet the convergence check, the shares may still move with "
            "more sweeps, which the intervals do not count (docs/methods.md). The cells count the themes that pass "
            "and give, in full, why the others do not (`other`, what the lexicon does not name, is no theme: the "
            "run's warning about it is above):",
        ),
        (
            "code",
            'themes = result.themes[result.themes.theme != "other"]\n'
            "passed = themes[themes.validated.astype(bool)]\n"
            'print(f"{len(passed)} of {len(themes)} themes validated here:", ", ".join(passed.theme) or "none")\n'
            'themes[["theme", "keywords_in_vocabulary", "keyword_weight", "r_years", "r_documents", "member_r",\n'
            '        "validated"]].round(2)',
        ),
        (
            "code",
            "# why each of the others is not validated, in full\n"
            'with pd.option_context("display.max_colwidth", None):\n'
            '    display(themes.loc[~themes.validated.astype(bool), ["theme", "why"]])',
        ),
        (
            "md",
            "Theme shares by year, weighted by tokens, one panel per theme, with 95% bootstrap intervals and the range "
            "over the ensemble's seeds; years without documents stay empty. The figures label the themes in "
            'Chinese, the lexicon\'s `label_zh`: `language="en"` in a plot call draws them in English, and '
            '`figures.language = "en"` in the config does so in the run\'s figure files:',
        ),
        (
            "code",
            'toolkit.plot_theme_shares(result.theme_by_year, result.prepared.lexicon, title=result.manifest["config"]["corpus"]["name"])',
        ),
        (
            "md",
            "The same shares as numbers, for a few themes (`focus_themes`), each with its 95% interval: with one "
            "document a year the intervals are wide, and most differences between two years lie within them (the "
            "run's change.csv tests the change between its two years, with an interval of its own):",
        ),
        (
            "code",
            "yearly = result.theme_by_year\n"
            "shown = yearly[yearly.theme.isin(focus_themes) & (yearly.n_documents > 0)]\n"
            'print("years without a document:", ", ".join(map(str, sorted(set(yearly.year) - set(shown.year)))) or "none")\n'
            'shown.assign(share=[f"{s:.3f} [{low:.3f}, {high:.3f}]" for s, low, high in\n'
            "                    zip(shown.share, shown.share_low, shown.share_high)])\\\n"
            '    .pivot(index="year", columns="theme", values="share")[focus_themes]',
        ),
        (
            "md",
            "Which paragraphs carry a theme? The ecology paragraphs of the document where ecology takes the largest "
            "share (in the seeds, the 2021 press conference), in full:",
        ),
        (
            "code",
            'theme = "ecology"\n'
            'by_document = pd.read_csv(result.out_dir / "document_themes.csv")\n'
            "top = by_document.loc[by_document[theme].idxmax()]\n"
            'print(f"{top.title} ({top.date}): {theme} {top[theme]:.3f} of its tokens")\n'
            "units = result.units\n"
            "for unit in units[(units.doc_id == top.doc_id) & (units.dominant_theme == theme)].head(3).itertuples():\n"
            '    print(f"\\n{unit.unit_id} ({theme} {getattr(unit, theme):.2f}):\\n{unit.text}")',
        ),
        (
            "md",
            "The whole run, figures and tables in one file to send to a co-author: "
            "`../runs/nb-quickstart/report.html`; the interactive topic map: `../runs/nb-quickstart/ldavis.html`.",
        ),
        ("code", "sorted(p.name for p in result.out_dir.iterdir())"),
    ],
)

notebook(
    "02_preprocessing.ipynb",
    [
        (
            "md",
            "# Preprocessing up close\n\nSeed 004 was scraped from a page that adds a pinyin reading after many "
            "characters, in traditional script, with some mojibake. Here is what normalisation does to it, what the "
            "segmenter makes of the result, and how to extend the dictionary and the stopwords.",
        ),
        (
            "parameters",
            "# The settings of this notebook, as shipped: the config, the document to look at and the folder for the files\n"
            "# of words it writes.\n"
            'config_file = "../configs/seeds.toml"\ndocument = "../seeds/004_1467077b33d2f3ae.txt"\n'
            'out_dir = "../runs/nb-preprocessing"',
        ),
        (
            "code",
            'from pathlib import Path\n\nimport toolkit\n\nraw = Path(document).read_text(encoding="utf-8")\nprint(raw[:300])',
        ),
        (
            "code",
            "normalizer = toolkit.Normalizer()\nclean = normalizer.normalize(raw)\nprint(clean.text[:300])\n"
            'print("characters removed by rule:", dict(clean.removed), "| converted to simplified:", clean.converted)',
        ),
        ("md", "The same text as the pipeline uses it: units (paragraphs) and their tokens."),
        (
            "code",
            "config = toolkit.Config.load(config_file)\n"
            "tokens = toolkit.tokenize_file(document, config)\n"
            'for unit in tokens[:3]:\n    print(" ".join(unit))',
        ),
        (
            "md",
            "## Lexicon coverage\n\nWhich theme words occur in the seed corpus, which never do, and which are in the "
            "model's vocabulary, built as a run builds it (`toolkit.count_units`: the config's `[vocab]` settings, "
            "lexicon words kept however rare or common; the run's `coverage.csv` is this table):",
        ),
        (
            "code",
            "prepared = toolkit.prepare(config)\nvocabulary, _, _ = toolkit.count_units(prepared, config)\n"
            "coverage = toolkit.lexicon_coverage(prepared.lexicon, vocabulary, prepared.tokens)\n"
            'coverage.groupby("theme").agg(words=("word", "size"), occurring=("count", lambda c: int((c > 0).sum())),'
            ' in_vocabulary=("in_vocabulary", "sum"))',
        ),
        ("code", 'coverage[coverage["count"] == 0].groupby("theme")["word"].apply(" ".join)'),
        ("md", "## Candidate terms\n\nWord pairs that jieba splits but that recur together: candidates for the dictionary."),
        (
            "code",
            "toolkit.candidate_terms(prepared.pair_counts, known=prepared.segmenter.known_words,\n"
            "                        stopwords=prepared.segmenter.stopwords, min_count=3).head(15)",
        ),
        (
            "md",
            "## Adding dictionary words and stopwords\n\nWrite them to files and list the files in the config "
            "(`segment.extra_dictionaries`, `segment.extra_stopwords`). Here 热带雨林式 is kept whole and 发布会 "
            "is dropped:",
        ),
        (
            "code",
            "# in a folder that stays: a config names these files (a temporary folder would vanish with the kernel)\n"
            "folder = Path(out_dir)\nfolder.mkdir(parents=True, exist_ok=True)\n"
            'for name, words in (("words.txt", "热带雨林式\\n"), ("stop.txt", "发布会\\n")):\n'
            "    path = folder / name\n"
            "    if not path.exists():  # never over a word list of yours\n"
            '        path.write_text(words, encoding="utf-8")\n'
            '    elif path.read_text(encoding="utf-8") != words:\n'
            '        raise FileExistsError(f"{path} holds other words (yours?): set out_dir to another folder")\n'
            'mine = config.with_values(**{"segment.extra_dictionaries": [str(folder / "words.txt")],\n'
            '                             "segment.extra_stopwords": [str(folder / "stop.txt")]})\n'
            "segmenter = toolkit.make_segmenter(mine, prepared.lexicon)\n"
            'print(segmenter.tokens("营造热带雨林式的创新生态,发布会到此结束"))',
        ),
    ],
)

notebook(
    "03_choosing_a_model.ipynb",
    [
        (
            "md",
            "# Choosing a model and the number of topics\n\nA small sweep on the seed corpus: the measurement model "
            "(keyatm: one topic per theme, so K is the themes plus the free topics) and the exploratory models LDA and "
            "NMF, four values of K, two seeds each. Grid points a model cannot fit (keyatm with fewer topics than "
            "themes) are skipped and listed. `toolkit sweep` on the command line does the same; finished runs are "
            "skipped when a sweep is started again.",
        ),
        (
            "parameters",
            "# The settings of this notebook, as shipped: the config, settings that replace its own (as "
            '"section.key=value",\n# like `toolkit sweep --set`), the grid (config key: values), the runs fitted at '
            "once and the output folder.\n"
            'config_file = "../configs/seeds.toml"\n'
            'overrides = ["sweep.seeds=[1, 2]"]\n'
            'grid = {"model.kind": ["keyatm", "lda", "nmf"], "model.n_topics": [9, 12, 18, 20]}\n'
            'n_jobs = 2\nout_dir = "../runs/nb-sweep"',
        ),
        (
            "code",
            "%matplotlib inline\nimport toolkit\n\nconfig = toolkit.Config.load(config_file, overrides)\n"
            "result = toolkit.sweep(config, out_dir, grid=grid, n_jobs=n_jobs)\n"
            'result.table[["kind", "n_topics", "random_state", "c_npmi", "c_v", "diversity", "stability"]].round(3)',
        ),
        (
            "md",
            "Each metric against K: the line is the mean over seeds, the band the range. Higher coherence (NPMI, "
            "c_v) and diversity are better only between values of K of one model kind, never between kinds: keyatm, "
            "the measurement model, has topics that follow the lexicon's keywords rather than the words that occur "
            "together most, so its coherence measures another thing than LDA's or NMF's (often lower, not always), "
            "and a higher one is no reason to pick NMF. Choose keyatm's K by its own points here and by its run's themes.csv (which themes are validated "
            "at that K); read LDA and NMF as exploration. Stability says whether another seed gives the same topics. "
            "keyatm's runs take the default number of sweeps (`model.keyatm.iterations`); on the seed corpus their "
            "chains do not meet the convergence check even so (the warning above), and the recommendation below "
            'lists such fits under "What the scores rest on": their scores, and their ranking, are of unconverged '
            "fits.",
        ),
        ("code", 'toolkit.plot_sweep(result.table, title=config["corpus"]["name"])'),
        ("code", "from IPython.display import Markdown\n\nMarkdown(result.recommendation)"),
        (
            "md",
            "Stability compares the topics of two seeds after matching them one to one (Hungarian method on the "
            "Jaccard similarity of their top words). Low stability means a single run's topics should not be read "
            "closely.",
        ),
        ("code", 'result.table.groupby(["kind", "n_topics"])["stability"].first().unstack(0).round(2)'),
    ],
)

notebook(
    "04_themes_2014_2021.ipynb",
    [
        (
            "md",
            "# Themes in the State Council work reports, 2014-2021\n\nThe reports of 2000-2022 with the "
            "keyword-assisted topic model (one topic anchored to each of the lexicon's 17 themes, one free topic), an "
            "ensemble of three seeds, and 95% bootstrap intervals (`configs/gwr_national.toml`).",
        ),
        (
            "parameters",
            "# The settings of this notebook, as shipped: the config, settings that replace its own (as "
            '"section.key=value",\n# like `toolkit run --set`; docs/configuration.md lists them), the output folder, the '
            "years the figure of\n# shares shows (first and last) and the themes read closely below.\n"
            'config_file = "../configs/gwr_national.toml"\noverrides = []\nout_dir = "../runs/nb-gwr"\n'
            'years = [2012, 2022]\nfocus_themes = ["innovation", "digital_economy", "ecology"]',
        ),
        (
            "code",
            "%matplotlib inline\nimport toolkit\n\nresult = toolkit.run(toolkit.Config.load(config_file, overrides), out_dir)\n"
            "lexicon = result.prepared.lexicon\nyearly = result.theme_by_year",
        ),
        (
            "md",
            "The run's warnings (above) are part of the reading. The 2010 and 2012 reports end with the editors' "
            "glossary, analysed as their text: it lifts digital_economy in 2012 (the config's comment says so). The "
            "chains did not meet the convergence check: on this corpus the shares still drift a little at the "
            "burn-in's ceiling (docs/methods.md), which the intervals do not count. Themes whose keywords fall in two "
            "groups that do not go together are composites: their share adds two subjects.",
        ),
        (
            "code",
            "toolkit.plot_theme_shares(yearly[yearly.year.between(*years)], lexicon,\n"
            '                          title=result.manifest["config"]["corpus"]["name"])',
        ),
        (
            "md",
            "## Can each theme be trusted here?\n\nPer theme: its share's agreement with its keyword rate across the "
            "years (`r_years`) and the lowest agreement between two ensemble members (`member_r`), floors that a "
            "keyword model passes almost by construction; then the check a keyword count cannot pass by "
            "construction, the split-half check (`r_split_low`: the share measured from half of the theme's keywords "
            "against the other half's rate, its lower bound), which decides most verdicts here; `composite` (two "
            "subjects in one theme); and `why`, the check a theme fails. For a paper, add hand coding: `toolkit "
            "validate export runs/nb-gwr` (the folder this notebook writes).",
        ),
        (
            "code",
            'import pandas as pd\n\npd.set_option("display.max_colwidth", None)  # `why` in full\n'
            'result.themes[["theme", "r_years", "member_r", "r_split", "r_split_low", "composite", "validated", "why"]].round(2)',
        ),
        (
            "md",
            "## The model beside a model-free baseline\n\nFor each theme: how often its lexicon words occur per 10,000 "
            "tokens (bars) and the model's share (line), with their correlation over the years. This is no "
            "independent confirmation: a theme's topic exists only in paragraphs with its keywords, so the two lines "
            "move together largely by construction. A low r is the warning sign; a high one is expected.",
        ),
        ("code", "trends = result.trends\ntoolkit.plot_model_vs_keywords(yearly, trends.keywords, trends.agreement, lexicon)"),
        ("code", "trends.agreement.round(2)"),
        (
            "md",
            "## Change between two years\n\nThe years the config compares (`trends.change_from` and "
            "`trends.change_to`: 2014 and 2021 as shipped). The change of each theme's share with its bootstrap "
            "interval and its simultaneous interval over all the themes; `clear` marks changes whose simultaneous "
            "interval excludes zero (a theme's own interval can exclude zero while the simultaneous one does not: "
            "among 17 themes, one excludes zero by chance far more often than one time in twenty). The last row, "
            "`other`, is not a theme (what the lexicon does not name): it is never called clear. The table's `note` "
            "is printed once below it, with the rows it belongs to:",
        ),
        (
            "code",
            "change = trends.change\n"
            "if change.empty:  # a year compared holds no document, the corpus one year, or no intervals were drawn\n"
            '    print("no change table: the run\'s warning above says why (trends.change_from, change_to, bootstrap)")\n'
            "else:\n"
            '    display(change[["theme", "from", "to", "share_from", "share_to", "change", "change_low", "change_high",\n'
            '                    "simultaneous_low", "simultaneous_high", "clear"]].round(3))\n'
            '    for note, rows in change.fillna({"note": ""}).groupby("note", sort=False):\n'
            "        if note:\n"
            "            print(f\"{len(rows)} row(s), {', '.join(rows.theme)}:\\n    {note}\")",
        ),
        (
            "code",
            "# the years compared, or the corpus's first and last when there is no change table\n"
            'start, end = (int(change["from"].iloc[0]), int(change["to"].iloc[0])) if not change.empty else\\\n'
            "    (int(yearly.year.min()), int(yearly.year.max()))\n"
            'clear = change[change.clear & (change.theme != "other")]\n'
            "print(f\"{len(clear)} of {(change.theme != 'other').sum()} themes changed clearly from {start} to {end}:\",\n"
            '      ", ".join(clear.theme) or "none")',
        ),
        ("code", "if not change.empty:\n    display(toolkit.plot_change(change, lexicon))"),
        (
            "code",
            "# the themes read closely, year by year between the two years compared, each share with its 95% interval\n"
            "focus = yearly[yearly.year.between(start, end) & yearly.theme.isin(focus_themes)]\n"
            'focus.assign(share=[f"{s:.3f} [{low:.3f}, {high:.3f}]" for s, low, high in\n'
            "                    zip(focus.share, focus.share_low, focus.share_high)])\\\n"
            '    .pivot(index="year", columns="theme", values="share")[focus_themes]',
        ),
        (
            "code",
            "# whether each of them passed the checks in this run: read one that did not as the trend of some of its words\n"
            'checks = result.themes.set_index("theme")\n'
            "for theme in focus_themes:\n"
            '    print(theme, "validated" if checks.validated[theme] else "NOT validated: " + checks.why[theme])',
        ),
        (
            "md",
            "## Reading\n\n"
            "**What the figures show.** Shares are token-weighted shares of each theme's keyword topic, per year: how "
            "much of each year's report the model attributes to the theme, its keywords and the words that go with "
            "them. The keyword line and the model line should move together (they share the keywords by "
            "construction); where they do not, look at the paragraphs before believing either. Only validated themes "
            "are read as themes (the cell above says which of `focus_themes` are; at the shipped settings innovation "
            "fails the split-half check: its trend is the trend of some of its words). The change table answers the "
            "question of change between the two years with its uncertainty: a change is only worth reporting when "
            "`clear` is true (a cell above counts them for this run).\n\n"
            "**What they cannot show.** One report per year is one text per year: the intervals describe uncertainty "
            "over paragraphs within a report, not over the reports the State Council could have written. Shares are "
            "relative, so one theme rising must push others down (2020's short, pandemic-dominated report moves every "
            "line). A share is the weight of the theme's own words, not the share of the report about the theme: the "
            "words every paragraph uses go to `other`, so a paragraph wholly about ecology gives ecology about half "
            "of its tokens (`bench/planted.py`); read the levels and the size of a change on that scale. The themes are the lexicon's categories: a topic labelled ecology may also carry energy or "
            "consumption words, and `other` holds what the lexicon does not name. A theme's topic exists only in "
            "paragraphs that use at least one of its keywords, by design: a theme the lexicon words badly is measured "
            "badly, and hand coding is how to find out. Nothing here says why the emphasis changed.",
        ),
    ],
)
notebook(
    "05_places_and_evidence.ipynb",
    [
        (
            "md",
            "# Comparing places and reading the evidence\n\nThe seed documents come from two places: four from "
            "Wuhan and one from Anqing's Daguan district. Grouping by the metadata's `place` column compares them; "
            "named periods (the five-year plans) and a covariate model do the same along time. Five documents are "
            "few: every interval below says so by its width, and a comparison that rests on one document is "
            "marked as such. On a corpus of your own, a section whose setting the config lacks (`trends.by`, "
            "`trends.periods`, `effects.formula`) says so in one line instead of its table.",
        ),
        (
            "parameters",
            "# The settings of this notebook, as shipped: the config, settings that replace its own (as "
            '"section.key=value",\n# like `toolkit run --set`), the output folder, and the config of the corpus '
            "whose terms are counted.\n# The overrides name the seeds' columns and years: on another corpus name its "
            "own (a column of one value,\n# such as the State Council's one place, cannot be compared or "
            "estimated: the run says so), or empty the list.\n"
            'config_file = "../configs/seeds.toml"\n'
            "overrides = [\n"
            "    'trends.by=\"place\"',\n"
            '    \'trends.periods={"十二五" = [2011, 2015], "十三五" = [2016, 2020], "十四五" = [2021, 2025]}\',\n'
            "    'effects.formula=\"year + place\"',\n]\n"
            'out_dir = "../runs/nb-places"\nterms_config = "../configs/gwr_national.toml"',
        ),
        (
            "code",
            "%matplotlib inline\nimport pandas as pd\n\nimport toolkit\n\n"
            "result = toolkit.run(toolkit.Config.load(config_file, overrides), out_dir)\n"
            "lexicon = result.prepared.lexicon\ntrends = result.trends\n\n\n"
            "def with_interval(table):\n"
            '    """Each row\'s share as "share [low, high]": a share is read with its 95% interval."""\n'
            '    return [f"{s:.3f} [{low:.3f}, {high:.3f}]" if pd.notna(s) else ""\n'
            "            for s, low, high in zip(table.share, table.share_low, table.share_high)]\n\n\n"
            "def print_notes(table):\n"
            '    """A table\'s `note` column in full, each note once, with the rows (themes) it belongs to."""\n'
            '    for note, rows in table.fillna({"note": ""}).groupby("note", sort=False):\n'
            "        if note:\n"
            "            print(f\"{len(rows)} row(s), {', '.join(rows.theme)}:\\n    {note}\")",
        ),
        (
            "md",
            "## Wuhan against Anqing\n\nShares per place, pooled over the years, each with its 95% interval, which "
            "counts documents, paragraphs and the model's seeds; the themes in the lexicon's order and `other`, what "
            "the lexicon does not name (no theme), last:",
        ),
        (
            "code",
            "groups = trends.groups\n"
            "if groups is None or groups.empty:\n"
            '    print("no groups to compare: the config names no trends.by column")\n'
            "else:\n"
            "    by = groups.columns[0]  # the group column, here place\n"
            '    order = [t for t in [*lexicon.names, "other"] if t in set(groups.theme)]\n'
            '    display(groups.assign(share=with_interval(groups)).pivot(index="theme", columns=by, values="share")\n'
            "            .reindex(order))",
        ),
        (
            "md",
            "The change from one place to the other, theme by theme (`other` last). `clear` needs the simultaneous "
            "interval (over all themes) to exclude zero; the `note`, printed in full below the table, says that the "
            "comparison rests on single documents: Anqing is one document, whose document-to-document variation is "
            "borrowed from the other documents, so no change is called clear. The figure after it labels the themes "
            'in Chinese, as every figure here does: `language="en"` in a plot call draws them in English, and '
            '`figures.language = "en"` in the config does so in the run\'s figure files.',
        ),
        (
            "code",
            "change = trends.group_change\n"
            "if change is None or change.empty:  # no trends.by column, or one group (then the run warned)\n"
            '    print("no change between groups: the config names no trends.by column, or its column has one group")\n'
            "else:\n"
            "    print(f\"from {change['from'].iloc[0]} to {change['to'].iloc[0]}\")\n"
            '    display(change[["theme", "change", "change_low", "change_high", "simultaneous_low", "simultaneous_high",\n'
            '                    "clear"]].round(3))\n'
            "    print_notes(change)",
        ),
        (
            "code",
            "if change is not None and not change.empty:\n"
            "    display(toolkit.plot_change(change, lexicon, title=f\"{change['from'].iloc[0]} → {change['to'].iloc[0]}\"))",
        ),
        (
            "md",
            "## Periods\n\nThe five-year plans as periods; each bar carries its interval. A period that holds "
            "documents of both places mixes time and place: in the seeds 十三五 holds Wuhan's 2019 document and "
            "Anqing's only one (2020), so a difference between 十三五 and another period is also a difference "
            "between places. The cell lists each period's documents first:",
        ),
        (
            "code",
            "if trends.periods is None or trends.periods.empty:\n"
            '    print("no periods: the config names no trends.periods")\n'
            "else:\n"
            "    by = trends.groups.columns[0] if trends.groups is not None else None\n"
            '    used = result.documents[result.documents.status == "used"]\n'
            '    for period, span in trends.periods.drop_duplicates("period")[["period", "span"]].itertuples(index=False):\n'
            '        start, end = map(int, span.split("-"))\n'
            '        inside = used[used.year.between(start, end)].sort_values("year")\n'
            '        held = [f"{place} {int(year)}" for place, year in zip(inside[by], inside.year)] if by else\\\n'
            "            [str(int(year)) for year in inside.year]\n"
            '        mixed = f"  <- {by} mixed: a difference from this period is also one of {by}"\\\n'
            '            if by and inside[by].nunique() > 1 else ""\n'
            '        print(f"{period} ({span}):", ", ".join(held) or "no document", mixed)\n'
            '    display(toolkit.plot_theme_periods(trends.periods, lexicon, title=result.manifest["config"]["corpus"]["name"]))',
        ),
        (
            "md",
            "## Covariate effects\n\nEach theme's paragraph shares regressed on year and place (a fractional logit "
            "with errors clustered by document; the ensemble's seeds carried by the method of composition). "
            "Estimates are log-odds. With five documents the errors are small-sample ones (CR2, each term read "
            "against t with its own, few, degrees of freedom): the intervals are wide. A place is read against the "
            "`reference` place: the term `place[T.武汉市]` is Wuhan against Anqing, and with Anqing a single "
            "document the term has no estimate (its row is empty, for every theme); its `note` says why. The notes "
            "are numbered in the table and printed in full below it.",
        ),
        (
            "code",
            "if result.effects is None:  # effects.csv of the run's folder\n"
            '    print("no covariate effects: the config names no effects.formula")\n'
            "else:\n"
            "    effects = result.effects.query(\"term != 'Intercept'\")\n"
            "    notes = {note: number for number, note in enumerate(effects.note.dropna().unique(), 1)}\n"
            '    display(effects.assign(reference=effects.reference.fillna(""), note=effects.note.map(notes).astype("Int64"))\n'
            '            [["theme", "term", "reference", "estimate", "low", "high", "p_value", "note"]].round(3))\n'
            "    for note, number in notes.items():\n"
            '        print(f"note {number}: {note}")',
        ),
        (
            "md",
            "The figure shows the expected share over the years of each place whose documents can estimate one, "
            "here Wuhan only; a theme without an estimable curve says so in its panel. A curve is drawn only near "
            "its place's documents (within the usual spacing of the corpus's years): a year without a document next "
            "to one is drawn, a longer gap is left out. The cell prints the years without a document and those no "
            "curve reaches:",
        ),
        (
            "code",
            "# effects_expected.csv of the run's folder; the table here also says whether effects.x is a category\n"
            "expected = result.expected_effects\n"
            "if expected is None:\n"
            '    print("no expected shares: the config names no effects.formula")\n'
            "else:\n"
            '    if "year" in expected:\n'
            '        seen = set(result.documents.loc[result.documents.status == "used", "year"].dropna().astype(int))\n'
            '        drawn = set(expected.loc[expected.supported.astype(bool), "year"])\n'
            '        print("years without a document:", ", ".join(str(y) for y in sorted(set(expected.year) - seen)) or "none")\n'
            '        print("years no curve reaches:", ", ".join(str(y) for y in sorted(set(expected.year) - drawn)) or "none")\n'
            '    display(toolkit.plot_effects(expected, lexicon, title=result.manifest["config"]["corpus"]["name"]))',
        ),
        (
            "md",
            "## What the intervals do and do not cover\n\nThey count which documents a year (period, place) happens "
            "to have, which paragraphs those hold, and which seed the model was fitted with. They do not count "
            "whether the lexicon words a theme well (read `result.themes` and validate by hand: "
            "`toolkit validate export`), the documents the corpus lacks, or choices such as the number of topics.",
        ),
        (
            "md",
            "## The passages behind a share\n\nA reviewer's first question: show me the paragraphs. passages.csv "
            "lists, for every theme and every topic, the paragraphs with the largest share, over the whole corpus "
            "and per period, with the document's title, date and place, and the theme's keywords found in each. "
            "The ecology paragraphs over the whole corpus, in full:",
        ),
        (
            "code",
            'passages = pd.read_csv(result.out_dir / "passages.csv")\n'
            "for p in passages.query(\"kind == 'theme' and name == 'ecology' and scope == 'all'\").itertuples():\n"
            "    print(f\"{p.rank}. share {p.share:.2f}, {p.title} ({p.date}, {getattr(p, 'place', '')})\\n\"\n"
            '          f"   keywords: {p.keywords}\\n{p.text}\\n")',
        ),
        (
            "md",
            "## How a theme is worded over time\n\nNot only how much text a theme takes, but in which words: each "
            "theme's top words per period, re-estimated from the paragraphs' theme shares and word counts "
            "(class-based TF-IDF), the periods in time order. Coloured words in the figure are new to the theme's "
            "list in that period:",
        ),
        (
            "code",
            'words = pd.read_csv(result.out_dir / "theme_words.csv")\n'
            'words.query("theme == \'innovation\'").pivot(index="rank", columns="period", values="word")\\\n'
            "    .reindex(columns=words.period.unique())  # the periods in time order, as theme_words.csv lists them",
        ),
        ("code", 'toolkit.plot_theme_words(words, lexicon, title=result.manifest["config"]["corpus"]["name"])'),
        (
            "md",
            "## Single terms and keywords in context\n\nTerm counts by year in the State Council reports "
            "(`toolkit terms configs/gwr_national.toml 共同富裕 数据要素 新质生产力` on the command line). `count` "
            "counts the term as a substring of the normalised text, `token_count` as a whole word as jieba cuts it. "
            "`first_seen` and `last_seen` are the first and last years with the term within the corpus the config "
            "reads (2000-2022): 共同富裕's 2000 is where the corpus starts, not where the term does (the reports of "
            "the 1980s and 1990s use it too). 新质生产力 dates from 2023, after this corpus ends:",
        ),
        (
            "code",
            'counts = toolkit.count_terms(terms_config, ["共同富裕", "数据要素", "新质生产力"])\ncounts[counts["count"] > 0]',
        ),
        ("code", 'toolkit.plot_term_counts(counts, title="国务院政府工作报告")'),
        ("md", "Every occurrence in context (`toolkit kwic configs/gwr_national.toml 共同富裕`):"),
        (
            "code",
            'lines = toolkit.concordance(terms_config, ["共同富裕"], context=15)\nprint(toolkit.format_kwic(lines, 15))',
        ),
    ],
)
notebook(
    "06_your_own_corpus.ipynb",
    [
        (
            "md",
            "# Your own corpus, from a spreadsheet to validated themes\n\n"
            "The steps a study takes with its own documents: a metadata table written from the spreadsheet a "
            "research assistant keeps, a lexicon started from the shipped one and extended with the candidate "
            "keywords the corpus suggests, a run, what to read before trusting a theme (and `other`), a hand-coding "
            "sample exported and scored, and a comparison of groups.\n\n"
            "Point `TOOLKIT_MY_CORPUS` at a folder holding `texts/` (one text file per document) and "
            "`spreadsheet.csv`; without it, this notebook builds a small demonstration corpus in `runs/my-corpus` "
            "from the seed documents and four State Council reports, so that it runs anywhere. It never writes a "
            "demonstration into your folder, and it changes nothing there: what it writes (the metadata table, the "
            "config, your copy of the lexicon, the run, the coding sheets) goes into a folder of its own, "
            "`toolkit-study/` beside `texts/` (or the folder `TOOLKIT_STUDY_DIR` names, for texts on a read-only share), "
            "which it makes (and refuses to use if something else made it).",
        ),
        (
            "parameters",
            "# The settings of this notebook: the [model] and [figures] tables of the study's config (below). The model\n"
            "# takes its defaults (3 chains of 500 sweeps: fewer leave the chains no burn-in); the figures are quicker\n"
            "# than the defaults (PNG only, no pyLDAvis page).\n"
            'model_settings = {"n_topics": 19}\n'
            'figure_settings = {"ldavis": False, "formats": ["png"]}',
        ),
        (
            "code",
            "%matplotlib inline\nimport os\nimport shutil\nfrom pathlib import Path\n\n"
            "import pandas as pd\nimport tomli_w\n\nimport toolkit\n\n"
            'mine = os.environ.get("TOOLKIT_MY_CORPUS", "")\n'
            'corpus = Path(mine or "../runs/my-corpus").resolve()\n'
            'if mine and not (corpus / "spreadsheet.csv").is_file():\n'
            '    raise FileNotFoundError(f"no spreadsheet.csv in {corpus}: save the spreadsheet there as CSV "\n'
            '                            "(Excel: Save As, CSV UTF-8)")\n'
            'if not (corpus / "spreadsheet.csv").is_file():  # the demonstration corpus, under runs/\n'
            '    print(f"building a demonstration corpus in {corpus}")\n'
            '    (corpus / "texts").mkdir(parents=True, exist_ok=True)\n'
            '    seeds = pd.read_csv("../seeds/metadata.csv")\n'
            "    rows = []\n"
            "    for seed in seeds.itertuples():\n"
            '        shutil.copy(Path("../seeds") / seed.file, corpus / "texts" / seed.file)\n'
            '        rows.append({"文件": seed.file, "标题": seed.title, "日期": seed.date, "地区": seed.place,\n'
            '                     "级别": "地方"})\n'
            "    for year in (2019, 2020, 2021, 2022):\n"
            '        name = f"national_{year}.txt"\n'
            '        shutil.copy(Path("../corpora/gwr_national/texts") / name, corpus / "texts" / name)\n'
            '        rows.append({"文件": name, "标题": f"{year}年国务院政府工作报告", "日期": f"{year}-03-05",\n'
            '                     "地区": "全国", "级别": "中央"})\n'
            '    pd.DataFrame(rows).to_csv(corpus / "spreadsheet.csv", index=False, encoding="utf-8-sig")\n'
            "# everything this notebook writes, in a folder of its own (toolkit-study/ beside texts/, or the folder\n"
            "# TOOLKIT_STUDY_DIR names: for a corpus on a read-only share); one it did not make is refused, not written into\n"
            'study = Path(os.environ.get("TOOLKIT_STUDY_DIR") or corpus / "toolkit-study").resolve()\n'
            'marker = study / ".made-by-notebook-06"\n'
            "if study.exists() and not marker.is_file() and any(study.iterdir()):\n"
            '    raise FileExistsError(f"{study} was not made by this notebook: move it away, or set TOOLKIT_STUDY_DIR "\n'
            '                          "to a new folder")\n'
            "try:\n"
            "    study.mkdir(parents=True, exist_ok=True)\n"
            "    marker.touch()\n"
            "except OSError as error:  # no permission, or a read-only share (EROFS)\n"
            '    raise PermissionError(f"cannot write {study} ({error.strerror}): set TOOLKIT_STUDY_DIR to a folder "\n'
            '                          "of your own and run again") from None\n'
            'sorted(p.name for p in (corpus / "texts").iterdir())',
        ),
        (
            "md",
            "## 1. The metadata, from the spreadsheet\n\n"
            "The toolkit reads a CSV with a `file` column naming each text file; `title`, `date` (YYYY, YYYY-MM or "
            "YYYY-MM-DD), `place` and any column of your own (here `level`) come along into every table. Save the "
            "spreadsheet as CSV (Excel's \"CSV UTF-8\"; Excel's default on Chinese Windows, GB18030, is read too, "
            'and so are Excel\'s tab-separated "Unicode Text" and a semicolon-separated CSV) and rename its columns '
            "once (`toolkit.decode` reads it as the toolkit reads texts and tables). The "
            "table is written to `toolkit-study/metadata.csv` each time this cell runs: edit the spreadsheet, not "
            "the table.",
        ),
        (
            "code",
            "import io\n\n\n"
            "def read_spreadsheet(path):\n"
            '    """A table as a spreadsheet saves it: UTF-8, GBK or UTF-16; commas, tabs or semicolons."""\n'
            '    text = toolkit.decode(Path(path).read_bytes(), repair=False).text.lstrip("\\ufeff")\n'
            '    separator = max([",", "\\t", ";"], key=text.splitlines()[0].count)\n'
            "    table = pd.read_csv(io.StringIO(text), sep=separator, dtype=str)\n"
            "    table.columns = table.columns.str.strip()  # a header's stray spaces (' 级别') would miss the rename\n"
            "    return table\n\n\n"
            'sheet = read_spreadsheet(corpus / "spreadsheet.csv")\n'
            'metadata = sheet.rename(columns={"文件": "file", "标题": "title", "日期": "date", "地区": "place",\n'
            '                                 "级别": "level"})\n'
            'metadata.to_csv(study / "metadata.csv", index=False)\nmetadata',
        ),
        (
            "md",
            "## 2. A lexicon of your own, with evidence\n\n"
            "Start from the shipped lexicon (17 themes, each with its sources) and let the corpus suggest words: "
            "`candidate_keywords` lists the words that occur with a theme's keywords far above chance. Nothing is "
            "added by itself: read the example units, then add what belongs to the theme.",
        ),
        (
            "code",
            "# your copy of the lexicon: made once, then yours (this notebook never rewrites a copy it did not just make)\n"
            'lexicon_file = study / "lexicon.toml"\n'
            "if not lexicon_file.is_file():\n"
            '    shutil.copy(toolkit.data_path("lexicon.toml"), lexicon_file)\n'
            'config_file = study / "study.toml"  # written each time from the settings above\n'
            "try:\n"
            '    texts_from_study = Path(os.path.relpath(corpus / "texts", study)).as_posix()\n'
            "except ValueError:  # another drive (Windows)\n"
            '    texts_from_study = (corpus / "texts").as_posix()\n'
            "config_file.write_text(tomli_w.dumps({\n"
            "    # the texts where they are, relative to this config when they are on the same drive\n"
            '    "corpus": {"name": corpus.name, "texts": texts_from_study, "metadata": "metadata.csv"},\n'
            '    "themes": {"lexicon": "lexicon.toml"},\n'
            '    "trends": {"by": "level"} if "level" in metadata else {},  # groups: a column the spreadsheet has\n'
            '    "model": model_settings,\n'
            '    "figures": figure_settings,\n'
            '}), encoding="utf-8")\n'
            "config = toolkit.Config.load(config_file)\n"
            "prepared = toolkit.prepare(config)\n"
            "vocabulary, counts, in_model = toolkit.count_units(prepared, config)\n"
            "keywords = toolkit.keyword_ids(prepared.lexicon, vocabulary)\n"
            'unit_ids = prepared.units.loc[in_model, "unit_id"].to_numpy()\n'
            "candidates = toolkit.candidate_keywords(counts, vocabulary, keywords, prepared.lexicon.names, unit_ids)\n"
            'candidates.groupby("theme").head(3)',
        ),
        (
            "md",
            "A word that goes with the keywords of several themes speaks of every theme at once: leave it out. The "
            "cell below lists the candidates that go with one theme only, the strongest (by lift) first, each in one "
            "of its units. A general word (机制, 企业, 规划, 居民) can still go with one theme in a small corpus: the "
            "shipped lexicon leaves such words out on purpose (its header and each theme's `note` say which). "
            "Nothing is added by itself: read the units, add what belongs to a theme to your copy of the lexicon by "
            "hand, in an editor (which keeps the file's comments), and run the cells from here again.",
        ),
        (
            "code",
            'themes_of_word = candidates.groupby("word")["theme"].nunique()\n'
            'specific = candidates[candidates["word"].map(themes_of_word) == 1].sort_values("lift", ascending=False)\n'
            'texts = prepared.units.set_index("unit_id")["text"]\n'
            "for row in specific.head(5).itertuples():\n"
            "    text = texts[row.example_units.split()[0]]\n"
            "    at = max(text.find(row.word), 0)\n"
            '    print(f"{row.word} -> {row.theme} (lift {row.lift:.1f}, {row.units_with} units): "\n'
            '          f"...{text[max(at - 20, 0):at + 25]}...")\n'
            'print(f"{len(specific)} candidate(s) of one theme; nothing was added to {lexicon_file}")',
        ),
        ("md", "## 3. The run"),
        (
            "code",
            'result = toolkit.run(config_file, study / "run")\n'
            'result.documents[[c for c in ["doc_id", "title", "year", "level", "status", "n_units"] if c in result.documents]]',
        ),
        (
            "md",
            "## 4. Before trusting a theme\n\nA theme is validated only when its share follows its keywords, holds "
            "across seeds, is more than its keywords, and passes the split-half check (measured from half of its "
            "keywords, it follows the other half's rate): a check a keyword count cannot pass by construction. "
            "With few documents every check has little power and a theme can pass on a handful of paragraphs: read "
            "how each theme was checked (`r_split_low`, `why`), not only how many passed. The last row is `other`: "
            "when it is the largest share in most years the run warns (above), naming the years and its free "
            "topics' words; a subject of your study among those words is a theme your lexicon is missing.",
        ),
        (
            "code",
            'result.themes[["theme", "share", "r_documents", "r_split", "r_split_low", "largest_shift",\n'
            '               "shift_word", "validated", "why"]].round(2)',
        ),
        ("code", 'toolkit.plot_theme_validity(result.themes, result.prepared.lexicon, title="my-corpus")'),
        (
            "md",
            "## 5. Hand coding\n\nExport a stratified sample for coders (they see only the text), then score their "
            "sheet against the model and a keyword scorer. On your corpus the sample is exported once, to "
            "`toolkit-study/coding/`: your coders fill its `theme` column by hand, and running this cell again scores "
            "it. In the demonstration a stand-in, the keyword scorer's own answer, fills the sheet, only to show the "
            "mechanics.",
        ),
        (
            "code",
            'sheets = study / "coding"\n'
            'if not (sheets / "coding_sheet.csv").is_file():  # exported once: a sheet being coded is never replaced\n'
            "    toolkit.export_coding_sheets(result.out_dir, sheets, n_units=30, n_topic_tasks=5)\n"
            'sheet = read_spreadsheet(sheets / "coding_sheet.csv").fillna("")  # as your coders\' spreadsheet saved it\n'
            'if not mine and (sheet["theme"] == "").all():  # the demonstration only: a stand-in coder\n'
            '    key = read_spreadsheet(sheets / "key_units.csv").fillna("")\n'
            '    sheet["theme"] = sheet["item"].map(key.set_index("item")["keyword_theme"].replace("", "other"))\n'
            '    sheet.to_csv(sheets / "coding_sheet.csv", index=False, encoding="utf-8-sig")\n'
            'if (sheet["theme"].str.strip() != "").any():\n'
            "    if not mine:\n"
            '        print("DEMONSTRATION: the stand-in coder copied the keyword scorer, so the keyword scorer agrees "\n'
            '              "with itself; these scores show the mechanics, not the model\'s validity\\n")\n'
            "    print(toolkit.format_scores(toolkit.score_coding_sheets(sheets)))\n"
            "else:\n"
            "    print(f\"coders fill the theme column of {sheets / 'coding_sheet.csv'}; run this cell again to score it\")",
        ),
        (
            "md",
            '## 6. Comparing groups\n\nWhen the spreadsheet has a level column (`trends.by = "level"`), the run '
            "compares the two levels with the most "
            "tokens (in the demonstration the central reports and the local documents; `trends.compare` names "
            "others), theme by theme, with intervals that count documents, paragraphs and seeds; a change is "
            "`clear` only when its simultaneous interval excludes zero:",
        ),
        (
            "code",
            "change = result.trends.group_change\n"
            "if change is None or change.empty:  # no level column, or one level (then the run warned)\n"
            '    print("no groups to compare:", [w for w in result.manifest["warnings"] if "trends.by" in w]\n'
            '          or "the spreadsheet has no level column")\n'
            "else:\n"
            '    display(change[["theme", "from", "to", "change", "change_low", "change_high", "simultaneous_low",\n'
            '                    "simultaneous_high", "clear", "note"]].round(3))\n'
            '    display(toolkit.plot_change(change, result.prepared.lexicon, title="my-corpus"))',
        ),
    ],
)
print("wrote", sorted(p.name for p in OUT.glob("*.ipynb")))
