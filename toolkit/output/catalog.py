"""Every file a run writes, declared once: each table (``<name>.csv``), each other file and each figure, with what
it holds, what computes or draws it and when it is written.

The declarations are read by the pipeline (:func:`check_tables`, before a run writes its tables), by
``toolkit.output.tables.figure_specs`` (which figures a run draws, with which function and arguments), by
``report.html`` (figure order and captions) and by ``scripts/output_reference.py``, which writes the table of
files in docs/outputs.md and the figure list of the README from them (``tests/test_docs.py`` fails while either
is out of date). An output is described here and nowhere else (how to add one: docs/architecture.md, Recipes);
this module imports nothing but the standard library, so that reading it costs nothing."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Table:
    """A table of a run, written as ``<name>.csv`` (``tables.write_tables``) from the entry ``name`` of the
    pipeline's ``tables``."""

    name: str
    about: str  # its row of docs/outputs.md (Markdown; links relative to docs/)
    producer: str  # the function that computes it, as module.function under toolkit
    needs: str = ""  # "section.key": a run writes it only when that option is set (true, non-empty); "": always

    @property
    def file(self) -> str:
        return f"{self.name}.csv"


@dataclass(frozen=True)
class File:
    """Any other file (or folder) of a run."""

    file: str
    about: str  # its row of docs/outputs.md
    producer: str


@dataclass(frozen=True)
class Figure:
    """A figure of a run, ``figures/<name>.<format>``: ``plots.<plot>`` called with the run's ``tables`` (in
    this order), then the lexicon unless ``lexicon`` is false, and the keyword arguments ``language`` and
    ``title``, ``level`` (``trends.level``) when ``level``, and one per pair of ``options`` (keyword,
    ``figures`` option)."""

    name: str
    plot: str  # the function of toolkit.output.plots that draws it
    tables: tuple[str, ...]  # the tables it is drawn from, passed in this order
    caption: str  # its caption in report.html; {level} is the coverage of the run's intervals (90%)
    about: str  # what it shows, for the README's figure list
    when: str = ""  # when it is not drawn, for the README's figure list; "" for a figure every run draws
    optional: bool = False  # drawn only when each of its tables is in the run and has rows
    lexicon: bool = True  # the lexicon is passed after the tables
    level: bool = False  # it draws intervals: it takes level=trends.level
    options: tuple[tuple[str, str], ...] = ()  # (keyword, figures option): n_words=figures.top_words
    # (figures option, value, function, caption): with that option's value another function draws it, so captioned
    styles: tuple[tuple[str, str, str, str], ...] = ()
    small_multiple: bool = False  # a panel per theme: slow to draw, so given to the workers first
    years: int = 0  # drawn only when theme_by_year has data in this many years (a comparison across years)
    groups: int = 0  # drawn only when its first table's first column (the groups) holds this many groups with data

    def function(self, options: dict) -> str:
        """The name of the function of toolkit.output.plots that draws it with the ``[figures]`` ``options``."""
        for option, value, function, _ in self.styles:
            if options[option] == value:
                return function
        return self.plot

    def caption_for(self, options: dict | None = None) -> str:
        """Its caption in report.html for the ``[figures]`` ``options`` (that of the style they choose)."""
        for option, value, _, caption in self.styles:
            if options and options.get(option) == value:
                return caption
        return self.caption

    def drawn(self, tables: dict) -> bool:
        """Whether a run with ``tables`` draws it: an optional figure when each of its tables has rows, and of a
        table of cells (``n_documents``), a cell with documents (named periods that the corpus misses were drawn as
        empty panels captioned with their intervals)."""
        if self.years and _years_with_data(tables.get("theme_by_year")) < self.years:
            return False
        if self.groups and _groups_with_data(tables.get(self.tables[0])) < self.groups:
            return False
        return not self.optional or all(_holds_data(tables.get(name)) for name in self.tables)


def _groups_with_data(table) -> int:
    """The named groups of a table by group (its first column, as trends writes it) with a share: the documents
    without a value are no group to compare (one named group beside them was drawn while the run said there was
    none to compare: a review)."""
    from ..analysis.trends import MISSING_GROUP

    if table is None or len(table) == 0 or "share" not in table:
        return 0
    groups = table.loc[table["share"].notna(), table.columns[0]]
    return int(groups[groups != MISSING_GROUP].nunique())


def _years_with_data(table) -> int:
    """The years of theme_by_year ``table`` with a share (a year without documents is a row of empty shares)."""
    if table is None or len(table) == 0 or "share" not in table:
        return 0
    return int(table.loc[table["share"].notna(), "year"].nunique())


def _holds_data(table) -> bool:
    """Whether ``table`` has rows, and a cell with documents (``n_documents``) or a point the data support
    (``supported``: an expected-share curve none of whose coefficients could be estimated has none)."""
    if table is None or len(table) == 0:
        return False
    if "supported" in table and not table["supported"].astype(bool).any():
        return False
    return "n_documents" not in table or bool((table["n_documents"].fillna(0) > 0).any())


def without_intervals(caption: str) -> str:
    """A figure's ``caption`` for a run that computed no intervals (``trends.bootstrap = 0``): its clause ", with
    {level} intervals ..." (up to the ``;`` or ``.`` that ends it outside brackets) says so instead."""
    start = caption.find(", with {level} intervals")
    if start < 0:
        return caption
    depth, end = 0, len(caption)
    for i in range(start + 2, len(caption)):
        depth += {"(": 1, ")": -1}.get(caption[i], 0)
        if depth == 0 and caption[i] in ";." and (i + 1 == len(caption) or caption[i + 1] == " "):
            end = i
            break
    return caption[:start] + ", without intervals (trends.bootstrap = 0)" + caption[end:]


# ----- the files, in the order of docs/outputs.md ---------------------------------------------------------------

INTERVALS_LINK = "(methods.md#uncertainty-comparisons-between-places-and-periods-covariate-effects)"
COUNTED = "documents, paragraphs and model seeds"  # what a run's intervals count, as report.caption says it of a run
# theme_validity's caption in report.html for a model that runs no split-half check (LDA, seeded LDA, NMF)
VALIDITY_WITHOUT_SPLIT_HALF = (
    "Validity: correlation of each theme's share with its keyword rate across documents, and across years where the "
    "corpus has five years or more (one bar where one document a year makes them one check); no split-half check, "
    "which only the keyword-assisted model runs."
)

OUTPUTS: tuple[Table | File, ...] = (
    Table(
        "documents",
        "one row per entry of the text folder: doc id, path, title, date, year, where the date came from (a skipped "
        "file's from its metadata row when that gives one), place, "
        "encoding, chars, SHA-256, `status` (`used`/`skipped`), the `reason` when skipped, `near_duplicate_of` (the "
        "files of the used documents that share nearly all of its text, most similar first, `;`-separated) and "
        "`similarity` (the Jaccard similarity to the first of them), `excerpt_of` (the longer used documents whose "
        "sentences hold, word for word, at least `corpus.near_duplicates` of its text: a reprinted excerpt) and "
        "`contained` (that share for the first of them), `note` (what the run noticed about a file it "
        "used: not listed in the metadata, a row written otherwise, damaged bytes or markup taken out, no unit the "
        "model saw), `n_units`, `n_tokens`, and every extra column "
        "of your metadata (a column named like one of the run's columns, e.g. `text` or a theme such as "
        "`innovation`, gets a `meta_` prefix). No file is ever missing from it: "
        "files that are not read (hidden files, symbolic links, FIFOs, names that are not UTF-8, unreadable files) "
        "are listed with the reason",
        "output.tables.documents_table",
    ),
    Table(
        "quality",
        "per document: characters in and out, characters converted to simplified script, characters removed by "
        "each rule (pinyin readings, mojibake, boilerplate, whitespace) and by each boilerplate pattern, "
        "`joined_lines` (lines broken inside a sentence that were joined), `repeated_lines` (lines that repeat an earlier "
        "line of the text word for word, removed unless `normalize.drop_repeated_lines = false`), share of non-Chinese "
        "characters, "
        "`notes_appendix` (characters of a notes appendix the text ends with: 注释: and numbered definitions, "
        "warned about, analysed as text), and a flag for documents that look mostly broken, are mostly in Latin "
        "letters (English beside the Chinese) or hold under 100 characters (`very short`), each warned of",
        "text.preparation.prepare",
    ),
    Table(
        "units",
        "one row per analysis unit (a paragraph by default): unit id, doc id, year, normalised text, token count, "
        "`in_model`, `in_sample` (only when the models were fitted on a sample, `model.sample_above`: whether the "
        "unit was in it; the others were folded in), the share of each theme and `other`, the dominant theme, and "
        "`keyword_theme`, the keyword "
        "scorer's theme. A unit without a single vocabulary word (a table of contents, a contact line, a row of "
        "underscores or of numbers) stays in the table with empty shares and no dominant theme; "
        "`manifest.json` counts them. A theme not measured in the corpus (no share in any unit) is empty in every "
        "row, as in `theme_by_year.csv` and in `themes.csv`'s `share`",
        "pipeline.unit_table",
    ),
    Table(
        "unit_topics",
        "each modelled unit's share of every topic (of the first ensemble member, the topics of `topics.csv`)",
        "pipeline.topic_table",
    ),
    Table(
        "passages",
        "per theme and per topic, the paragraphs with the largest share, overall and per period: kind, name, label, "
        "scope (`all` or the period), rank, share, unit and document ids, title, date, year, place, tokens, the "
        "keywords found, `holds_keyword` (false: a passage without a keyword of its theme, listed only because too "
        "few hold one), the text; near-copies of a passage higher in its list are left out",
        "pipeline.passages",
    ),
    Table(
        "theme_words",
        "each theme's top words per period (c-TF-IDF of share-weighted counts): theme, period, rank, word, score, "
        "count, `new` (not in the period before, the last one with documents; false where that period has no words of the theme)",
        "pipeline.wording",
    ),
    Table(
        "document_themes",
        "every used document's token-weighted theme shares, with every metadata column of the document (title, "
        "date, year, place, `level` and the other columns of your metadata), its units and tokens, and each share's "
        "interval at `trends.level` (`<theme>_low`, `<theme>_high`; see [What an interval covers]"
        f"{INTERVALS_LINK}); a theme not measured in the corpus is empty there, as in `theme_by_year.csv`",
        "output.tables.document_shares",
    ),
    Table(
        "term_counts",
        "the tracked terms by year (as `toolkit terms`)",
        "pipeline.tracked_terms",
        needs="terms.track",
    ),
    Table(
        "kwic",
        "every occurrence of a tracked term in context (as `toolkit kwic --out`), in the text as normalised (simplified "
        "script, half-width punctuation; `position` counts its characters): quote the source file, not the context",
        "pipeline.tracked_terms",
        needs="terms.track",
    ),
    Table(
        "topics",
        "topic id (from 1, as in pyLDAvis), theme, `labelled_by` (`keywords`: anchored; `free`; `top words` for "
        "exploratory models), `suggested` theme and `suggested_score` (by the words that go with each theme's "
        "keywords), the score of every theme by keyword overlap, top 20 words with weights",
        "pipeline.fit",
    ),
    Table(
        "themes",
        "per theme: what to read before trusting it, and a last row on `other` (see [the checks of each theme]"
        "(methods.md#the-checks-of-each-theme) and [what `validated` means](validation.md#what-validated-means))",
        "pipeline.diagnose",
    ),
    Table(
        "candidate_keywords",
        "per theme, words that go with its keywords far above chance: counts, lift, p-value, example units",
        "pipeline.lexicon_evidence",
    ),
    Table(
        "lexicon_sensitivity",
        "per theme and keyword: its share of the theme's keyword tokens, units where it is the only keyword, and the "
        "largest shift of a yearly (or group) share without it (keyatm only: LDA's and NMF's shares do not follow "
        "the keywords; empty there)",
        "pipeline.lexicon_evidence",
    ),
    Table(
        "theme_by_year",
        "year, theme, share (weighted by tokens), `share_low`/`share_high` (95% interval, at `trends.level`, over "
        f"documents, paragraphs and seeds, see [methods.md]{INTERVALS_LINK}), `share_sd` and `sampling_sd` (the "
        "replicates' spread with and without the seeds, widened as a t interval of the between-document variance's "
        "degrees of freedom is at `trends.level`, so that the interval is share ± z · share_sd: with few documents "
        "they grow with the level), `seed_sd`, `seed_min`/`seed_max` over the ensemble's members (with an ensemble "
        "of two or more), `interval_basis`, "
        "and the documents, units "
        "and tokens behind it. Years without data have an empty share: a gap, never a zero",
        "pipeline.trends",
    ),
    Table(
        "coverage",
        "every lexicon word (and every corpus word a theme's pattern matches): its theme, how it got it, whether it "
        "is in the vocabulary, how often it occurs (words that never occur show 0)",
        "analysis.diagnostics.lexicon_coverage",
    ),
    Table(
        "keyword_overlaps",
        "the texts where a keyword of one theme runs into a keyword of another (创新驱动发展 and 发展战略 in "
        "创新驱动发展战略; a pattern's words too): both words with their themes, and the places counted for each "
        "theme (`for_theme`, `for_other_theme`), by the word the segmenter cut there, and the units that hold them. A "
        "place is cut into one of the two at most, so a word added to a theme can take another's places; places cut "
        "into neither (房地产业, a word of its own) are left out. `toolkit kwic` shows them",
        "analysis.diagnostics.keyword_overlaps",
    ),
    Table(
        "candidate_terms",
        "terms that jieba splits but that recur as a unit (联防联控, 西气东输, and longer ones it cuts into single "
        "characters, 新 质 生产力 ...), with their pieces, count and PMI: candidates for your own dictionary",
        "analysis.terms.candidate_terms",
    ),
    File(
        "figures/",
        'PNG (and SVG with `figures.formats = ["png", "svg"]`) of every figure, or of those `figures.only` names; which one '
        "shows what, and when it is not drawn: [the figure list of the README](../README.md#figures)",
        "output.tables.figure_specs",
    ),
    Table(
        "keyword_by_year",
        "the model-free baseline: each theme's lexicon words per 10,000 tokens per year",
        "pipeline.trends",
    ),
    Table(
        "model_vs_keywords",
        "each theme's Pearson correlation across years between the model's share and its keyword rate (`keyword_by_year.csv`)",
        "pipeline.trends",
    ),
    Table(
        "change",
        "each theme's change in share between two years or periods (`trends.change_from`/`change_to`, default the "
        "first and last year with two documents or more, the first and last with data when fewer than two years have "
        "two) with its interval at `trends.level` and its simultaneous "
        "interval (Bonferroni over the named themes, `other` not counted); `clear` when the simultaneous interval "
        "excludes 0 (never for `other`, which is no theme: its `note` says so); `p_value` two-sided and "
        "unadjusted (the simultaneous interval is the adjusted test), from a t of "
        "`df` degrees of freedom (0: a normal); `note` when "
        "a side rests on one document",
        "pipeline.trends",
    ),
    Table(
        "theme_by_period",
        "shares per named period, with the intervals of `theme_by_year.csv`; `span`: the period's years as configured, "
        "`years`: those of them with documents (十四五 of a corpus ending in 2022: 2021-2022)",
        "pipeline.trends",
        needs="trends.periods",
    ),
    Table(
        "theme_by_group",
        "shares per group (a value of the `trends.by` column), with the same intervals",
        "pipeline.trends",
        needs="trends.by",
    ),
    Table(
        "theme_by_group_year",
        "shares per group and year (per group and period with `trends.periods`, with `span` and `years` as in "
        "`theme_by_period.csv`: every group in every named period, a cell without documents with `n_documents` 0 "
        "and no share), with the same intervals",
        "pipeline.trends",
        needs="trends.by",
    ),
    Table(
        "group_change",
        "the change between two groups (`trends.compare`, default the two with the most tokens) with its intervals; "
        "not written when there is one group or `trends.bootstrap = 0`",
        "pipeline.trends",
        needs="trends.by",
    ),
    Table(
        "effects",
        f"covariate effects: estimate (log-odds), interval, `p_value`, `p_adjusted` (Bonferroni over the measured "
        f"themes), `reference` (the category a category's term is compared with: `level = a`), and `note` (why a "
        f"term is not estimable) (see [methods.md]{INTERVALS_LINK})",
        "pipeline.covariate_effects",
        needs="effects.formula",
    ),
    Table(
        "effects_expected",
        "expected shares along `effects.x` with their intervals (the `theme_effects` figure)",
        "pipeline.covariate_effects",
        needs="effects.formula",
    ),
    File(
        "metrics.json",
        "coherence (NPMI, c_v, u_mass) and diversity of the first ensemble member's topics, on the words each drew;"
        " empty_topics: how many drew fewer than two words (not scored)",
        "analysis.evaluate.evaluate_model",
    ),
    File(
        "ldavis.html",
        "the interactive pyLDAvis map of the topics, numbered as in `topics.csv`; d3, LDAvis.js and the glyphs of "
        "the CJK font it needs are inlined, so it works offline and on a machine without Chinese fonts (checked in "
        "headless Chromium by `make test`); not written with `figures.ldavis = false`",
        "output.ldavis.write_ldavis",
    ),
    File(
        "report.html",
        "one self-contained page (figures and font inlined): the run's warnings, a methods paragraph to adapt (with "
        "the corpus's shape: documents per year, named period and group; how long the sampler ran and whether its "
        "convergence check was met; whether the fits saw a sample of the units; intervals at the configured "
        "`trends.level`), figures with captions, the "
        "themes' checks, the top passages of each theme, topic, yearly, change and term tables (p-values as "
        "`<0.001`), metrics and provenance, to send to a co-author",
        "output.report.write_report",
    ),
    File(
        "config.toml",
        "the resolved config (paths relative to the output folder, so it loads back from anywhere)",
        "config.Config.to_toml",
    ),
    File(
        "manifest.json",
        "config (`config_source`: the config file's whole path), seeds of the ensemble, package versions, the "
        "SHA-256 of the toolkit's own code and data (`toolkit_source_sha256`: two builds of one version that compute "
        "differently differ there), the model's class and where it comes from (`model`: with the SHA-256 of its "
        "code as loaded when it is not the toolkit's, registered or a plug-in's), the git commits "
        "of the toolkit and of the config's folder "
        "(when they are work trees), SHA-256 of every text and of every file the config names as the run read them "
        "(taken before it reads them: a file edited while the run goes on is recorded as read) and of every output "
        "file (but `report.html`, which embeds the manifest), counts, cache use and wall time per stage",
        "output.tables.manifest",
    ),
)

TABLES: tuple[Table, ...] = tuple(o for o in OUTPUTS if isinstance(o, Table))


def _is_set(config, key: str) -> bool:
    section, name = key.split(".")
    return bool(config[section][name])


def tables_of(config) -> list[str]:
    """The tables a run of ``config`` may write: every declared table but those whose option is unset."""
    return [t.name for t in TABLES if not t.needs or _is_set(config, t.needs)]


def check_tables(names: Iterable[str], config) -> None:
    """Raise RuntimeError, a bug of the toolkit, when the tables a run of ``config`` is about to write are not
    those declared here: a table not declared, one that every run writes missing, or one written though the
    option it needs is unset. (A table whose option is set may still be absent: group_change of one group.)"""
    names = list(names)
    declared, allowed = {t.name: t for t in TABLES}, tables_of(config)
    wrong = [f"{n} (not declared)" for n in names if n not in declared]
    wrong += [f"{t.name} (missing)" for t in TABLES if not t.needs and t.name not in names]
    wrong += [f"{n} (written without {declared[n].needs})" for n in names if n in declared and n not in allowed]
    if wrong:
        raise RuntimeError(f"the run's tables differ from toolkit/output/catalog.py: {', '.join(wrong)}")


# ----- the figures, in reading order (report.html, the README) -------------------------------------------------

FIGURES: tuple[Figure, ...] = (
    Figure(
        "theme_shares",
        "plot_theme_shares",
        ("theme_by_year",),
        "Theme shares by year, one panel per theme (each with its own y scale), with {level} intervals that count "
        f"{COUNTED} (bands; error bars for a year alone between gaps or a run of years too short for a band to "
        "show); hollow markers "
        "are years resting on one document (when every year rests on one, the title says so instead).",
        "one panel per theme with its band (error bars for a year alone, or in a run too short for a band) and the range "
        "over the ensemble (dotted), the documents of each year in a strip below. Each panel has its own y axis "
        "fitted to its values and band (a small theme would be flat on the scale of `other`; `theme_heatmap` and "
        "`theme_area` compare themes on one scale). Years without data are gaps; a year resting on one document has "
        "a hollow marker (solid if all do), and the title says so. "
        '`figures.trend_style = "lines"` draws every theme in one panel instead.',
        level=True,
        styles=(
            (
                "trend_style",
                "lines",
                "plot_theme_lines",
                "Theme shares by year, every theme a line in one panel (one y scale), with {level} intervals that "
                f"count {COUNTED} (bands; error bars for a year alone between gaps or a run of years too short for a "
                "band to show); "
                "hollow markers are years resting on one document.",
            ),
        ),
        small_multiple=True,
    ),
    Figure(
        "theme_change",
        "plot_change",
        ("change",),
        "Change between two years or periods: thick bars are {level} intervals, thin bars simultaneous intervals over the "
        "named themes (Bonferroni), both dotted where too few documents leave them without how documents vary; filled "
        "markers are the changes judged clear; the title names a side that rests on one document.",
        "each theme's change between two years or periods with its interval and its simultaneous interval.",
        "Not drawn when change.csv is empty (`trends.bootstrap = 0`; `change_from` and `change_to` name the same "
        "year or one without documents; or the corpus has one year with documents).",
        optional=True,
        level=True,
    ),
    Figure(
        "theme_periods",
        "plot_theme_periods",
        ("theme_by_period",),
        "Theme shares by named period, with {level} intervals (error bars); hatched bars rest on one document.",
        "a bar per period in time order, named on the axis (with its first and last year of data when the corpus "
        "falls short of its span, or that it has no document), with its error bar; one of one document is hatched; a "
        "y axis per panel.",
        "Only with `trends.periods`, and a period that holds documents.",
        optional=True,
        level=True,
        small_multiple=True,
    ),
    Figure(
        "theme_groups",
        "plot_theme_groups",
        ("theme_by_group_year",),
        "Theme shares by group over the years or periods, with {level} intervals (bands; error bars along periods "
        "and where a group has a single year); hollow markers rest on one document.",
        "one panel per theme, a line and band per group along the years, or a point and error bar per period with "
        "`trends.periods`; a group's value alone (one year, one period) has an error bar, cells of one document a "
        "hollow marker; a y axis per panel; the groups, in the order the documents first name them, named once "
        "above the panels.",
        "Only with `trends.by` of two groups or more with documents.",
        optional=True,
        level=True,
        small_multiple=True,
        groups=2,  # one group is the corpus, captioned "by group" (the run warns there is none to compare)
    ),
    Figure(
        "theme_effects",
        "plot_effects",
        ("effects_expected",),
        "Expected theme shares along a covariate with {level} intervals (fractional logit, document-clustered "
        "errors, the seeds included where the ensemble has several); gaps where no documents support the curve.",
        "the expected share along `effects.x`, a line and band along a number (broken where no documents support "
        "the curve), a point and error bar per category along a category (no line); a y axis per panel.",
        'Only with `effects.formula`, and not when `effects.x` is `""`, is no covariate of the formula or has one '
        "value in the corpus (the run warns).",
        optional=True,
        level=True,
        small_multiple=True,
    ),
    Figure(
        "theme_words",
        "plot_theme_words",
        ("theme_words",),
        "How each theme is worded in each period (c-TF-IDF of share-weighted word counts).",
        "each theme's top words per period (`figures.theme_words` of them), the periods in the table's order.",
        "Not drawn when the table is empty (no word of any theme reaches `wording.min_count` in a period).",
        optional=True,
        options=(("n_words", "theme_words"),),
    ),
    Figure(
        "theme_validity",
        "plot_theme_validity",
        ("themes",),
        "Validity: correlation of each theme's share with its keyword rate across documents, and across years where "
        "the corpus has five years or more (one bar where one document a year makes them one check), and the "
        "split-half check (the share measured from half of its keywords against the rate of the other half).",
        "each theme's agreement with its keywords and its split-half check.",
    ),
    Figure(
        "model_vs_keywords",
        "plot_model_vs_keywords",
        ("theme_by_year", "keyword_by_year", "model_vs_keywords"),
        "Model share beside keyword frequency, per theme and year.",
        "per theme, the model's share (line) beside its keyword rate (bars) with r.",
        "Not drawn for a corpus of one year.",  # one value a theme, each on an axis of its own, looked like agreement
        small_multiple=True,
        years=2,
    ),
    Figure(
        "theme_heatmap",
        "plot_theme_heatmap",
        ("theme_by_year",),
        "Year x theme shares, each year's tokens over its column (no intervals: theme_shares.png draws them).",
        "year x theme, one column per year with data (its tokens over it), a white rule where years are missing "
        "between two columns.",
    ),
    Figure(
        "theme_area",
        "plot_theme_area",
        ("theme_by_year",),
        "Theme shares stacked to one, each year's tokens under its bar (past the palette's 20 colours a colour comes "
        "round again, hatched).",
        "shares stacked to one, a bar per year with data, tokens below.",
    ),
    Figure(
        "document_themes",
        "plot_document_themes",
        ("document_themes",),
        "Theme composition of each document (long titles shortened; full titles in document_themes.csv; past the "
        "palette's 20 colours a colour comes round again, hatched).",
        "each document's theme composition, at most 60 evenly spaced in time (the figure says so); a long title is "
        "shortened with an ellipsis where it still differs from the others, the full title stays in the CSV.",
    ),
    Figure(
        "lexicon_sensitivity",
        "plot_lexicon_sensitivity",
        ("lexicon_sensitivity",),
        "How far each theme's yearly (or group) shares move when one keyword is left out (the three keywords that "
        "move it most; lexicon_sensitivity.csv lists every keyword).",
        "per theme, the three keywords whose removal moves its yearly (or group) shares most, each bar labelled "
        "with the word and where.",
        "Drawn for the keyword model (keyatm: a theme's share follows its keywords) when a theme has a keyword in the corpus.",
        optional=True,
    ),
    Figure(
        "top_words",
        "plot_top_words",
        ("topics",),
        "Top words of each topic, coloured by the theme it is labelled with (hatched past the palette's 20 colours).",
        "each topic's top words (`figures.top_words` of them), coloured by its theme.",
        options=(("n_words", "top_words"),),
        small_multiple=True,
    ),
    Figure(
        "term_counts",
        "plot_term_counts",
        ("term_counts",),
        "Tracked terms per 10,000 characters by year.",
        "each tracked term per 10,000 characters by year, every panel with its year labels.",
        "Only with `terms.track`.",
        optional=True,
        lexicon=False,
    ),
)

FIGURE = {figure.name: figure for figure in FIGURES}
