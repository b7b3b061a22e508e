"""``report.html``: one self-contained page with a run's figures, tables, passages, a methods paragraph and
provenance. It embeds its figures and a subset of the CJK font, so it reads the same offline and on a machine
without Chinese fonts."""

from __future__ import annotations

import base64
import html
import json
import re
from pathlib import Path

import pandas as pd

from ..analysis.diagnostics import EXPLORATORY, split_half_run
from ..analysis.uncertainty import PRIOR_DF
from . import atomic, catalog
from .fonts import WEB_FAMILY, font_face_css
from .plots import percent
from .tables import topic_word_pairs


def caption(
    stem: str,
    level: float = 0.95,
    options: dict | None = None,
    *,
    intervals: bool = True,
    split_half: bool = True,
    counted: str = "",
) -> str:
    """The report's caption of figure ``stem`` (declared in ``catalog.FIGURES``) as the ``[figures]`` ``options``
    draw it, naming the coverage ``level`` of its intervals and what they count (``counted``, :func:`counted_in`;
    the catalog's "documents, paragraphs and model seeds" by default), or, for a figure of the trend tables when the
    run drew no replicates (``intervals`` false: ``trends.bootstrap = 0``), saying it has none, and of the validity
    figure of a model that runs no split-half check (``split_half`` false), saying so; "" for a figure the catalog
    does not declare."""
    figure = catalog.FIGURE.get(stem)
    if not figure:
        return ""
    text = figure.caption_for(options)
    if counted:  # one fitted model, or too few documents: the figure's title says so, the caption said otherwise
        text = text.replace(catalog.COUNTED, counted)
    if stem == "theme_validity" and not split_half:
        text = catalog.VALIDITY_WITHOUT_SPLIT_HALF
    if not intervals and figure.level and stem != "theme_effects":  # the effects' intervals are their own draws
        text = catalog.without_intervals(text)
    return text.format(level=percent(level))


def counted_in(config, by_year: pd.DataFrame | None) -> str:
    """What the run's intervals count, in the words of the catalog's captions (:data:`catalog.COUNTED`): documents
    unless too few to estimate how they vary (theme_by_year.csv's ``interval_basis``), the units, and the model's
    seeds for an ensemble."""
    paragraphs = config["units"]["kind"] == "paragraph"  # else each document is one unit: nothing within it
    parts = [
        *(["documents"] if _document_level(by_year) != "units only" else []),
        *(["paragraphs"] if paragraphs else []),
        *(["model seeds"] if config["model"]["ensemble"] > 1 else []),
    ]
    if not parts:  # a document a unit, too few documents, one model
        return "nothing (too few documents to estimate how they vary, one unit each, one fitted model)"
    return parts[0] + " only" if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


PASSAGES_SHOWN = 3
_IMAGE_TYPES = {".png": "image/png", ".svg": "image/svg+xml"}  # the figures' formats, as a data: URL names them


COUNT_COLUMNS = ("df", "n_documents", "n_units", "n_tokens", "n_years", "topic", "from", "to")  # whole numbers


def _table(frame: pd.DataFrame, float_format: str = "{:.3f}") -> str:
    """``frame`` as an HTML table, its numbers to ``float_format``; a count (:data:`COUNT_COLUMNS`) as a whole
    number when it is one (a CSV read back makes a column with an empty cell floats: df 14.000)."""
    counts = {
        c: frame[c].astype("Int64")
        for c in COUNT_COLUMNS
        if c in frame and pd.api.types.is_float_dtype(frame[c]) and (frame[c].dropna() % 1 == 0).all()
    }
    from .csv_files import ESTIMATES

    small = {  # an estimate in a covariate's units may be far below 0.001 a unit: its significant digits
        c: [_estimate(x, float_format) for x in frame[c]]
        for c in ESTIMATES
        if c in frame and pd.api.types.is_float_dtype(frame[c]) and ((frame[c].abs() < 0.0005) & (frame[c] != 0)).any()
    }
    return frame.assign(**counts, **small).to_html(
        index=False, border=0, classes="t", na_rep="", float_format=lambda x: float_format.format(x), escape=True
    )


def _estimate(x: float, float_format: str) -> str:
    """An estimate as ``float_format`` gives it, or to three significant digits where that would show 0.000."""
    if pd.isna(x):
        return ""
    return f"{x:.3g}" if x != 0 and abs(x) < 0.0005 else float_format.format(x)


def format_p(p) -> str:
    """A p-value as a paper prints it: ``<0.001`` below 0.001, three decimals above."""
    if p is None or pd.isna(p):
        return ""
    p = float(p)
    return "<0.001" if p < 0.001 else f"{p:.3f}"


def _p_values(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` with its p_value (and p_adjusted) column as text (``<0.001`` style)."""
    shown = {c: [format_p(p) for p in table[c]] for c in ("p_value", "p_adjusted") if c in table.columns}
    return table.assign(**shown)


def _read(folder: Path, name: str, *, text: bool | tuple[str, ...] = False) -> pd.DataFrame | None:
    """A table of the run's folder with its text as the run had it (the apostrophe that keeps a spreadsheet from
    running a cell as a formula taken away again), or None when the run did not write it. With ``text`` every
    cell (or those of the columns it names) is read as text: metadata, groups, whose 01 is no number 1.0."""
    from .csv_files import unguarded_table

    path = folder / name
    if not path.is_file():
        return None
    try:
        # low_memory=False: one type per column over the whole file (pandas warned of mixed types in a long table)
        table = pd.read_csv(
            path, keep_default_na=False, na_values=[""], encoding="utf-8-sig", dtype=_text_types(text), low_memory=False
        )
    except pd.errors.EmptyDataError:  # a table without columns, written empty
        return pd.DataFrame()
    table = unguarded_table(table)
    for column in table.columns:
        if _is_count(column) and table[column].dtype.kind == "f" and (table[column].dropna() % 1 == 0).all():
            table[column] = table[column].astype("Int64")  # a count with blanks reads as floats: 5, not 5.000
    return table


def _text_types(text: bool | tuple[str, ...]):
    """``pd.read_csv``'s dtype for :func:`_read`'s ``text``."""
    return str if text is True else dict.fromkeys(text, str) if text else None


def _is_count(column: str) -> bool:
    """Whether a column of the run's tables holds counts (of units, documents, members)."""
    return column.startswith(("n_", "documents_")) or column in ("members", "keywords_listed")


def corpus_shape(documents: pd.DataFrame | None, by: str = "", periods: dict | None = None) -> str:
    """The corpus's shape in a sentence: how many documents in how many years (and how many of those years
    rest on one document), per named period and per group of ``by``, from documents.csv's used rows."""
    if documents is None or "year" not in documents:
        return ""
    used = _used(documents)
    years = pd.to_numeric(used["year"], errors="coerce").dropna().astype(int)
    if years.empty:
        return ""
    per_year = years.value_counts().sort_index()
    n = len(used)
    noun = "document" if n == 1 else "documents"
    if len(per_year) == 1:
        text = f"The corpus holds {n} {noun} in one year ({per_year.index[0]})"
    elif (per_year == 1).all():
        text = f"The corpus holds {n} {noun} over {per_year.index[0]}-{per_year.index[-1]}, one in each of {len(per_year)} years"
    else:
        single = int((per_year == 1).sum())
        text = (
            f"The corpus holds {n} {noun} over {per_year.index[0]}-{per_year.index[-1]} in {len(per_year)} "
            f"years (at most {per_year.max()} a year)"
        )
        if single:
            text += f", {single} year{'' if single == 1 else 's'} with one document"
    parts = [text]
    if periods:
        counts = []
        for name, (start, end) in periods.items():
            inside = years[years.between(start, end)]
            covered, length = inside.nunique(), end - start + 1
            counts.append(f"{name} {len(inside)}" + (f" ({covered} of its {length} years)" if 0 < covered < length else ""))
        parts.append("documents per period: " + ", ".join(counts))
        inside_any = pd.concat([years.between(a, b) for a, b in periods.values()], axis=1).any(axis=1)
        outside = years[~inside_any]
        if len(outside):
            shown = ", ".join(str(y) for y in sorted(set(outside))[:6]) + (", …" if outside.nunique() > 6 else "")
            parts.append(f"{len(outside)} in no named period ({shown})")
    if by and by in used:
        from ..analysis.trends import group_labels

        # as the tables name the groups: documents without one are the group (missing), which the counts left out
        groups = pd.Series(group_labels(used[by])).value_counts()
        shown = ", ".join(f"{g} {c}" for g, c in groups.head(6).items()) + (", …" if len(groups) > 6 else "")
        parts.append(f"in {len(groups)} group{'' if len(groups) == 1 else 's'} of {by} ({shown})")
    return "; ".join(parts) + "."


def _measured(themes: pd.DataFrame) -> tuple[list[str], list[str]]:
    """The named themes of themes.csv with a share somewhere in the corpus, and those without (not measured: none of
    their keywords is in the vocabulary, or no topic counts for them)."""
    from ..analysis.trends import unmeasured

    named = themes.loc[themes["theme"] != "other", "theme"].tolist()
    missing = unmeasured(themes) if "share" in themes else set()  # without the shares: every theme taken as measured
    return [t for t in named if t not in missing], [t for t in named if t in missing]


def methods_paragraph(
    config,
    manifest: dict,
    periods: list[str] | None = None,
    n_themes: int | None = None,
    themes: pd.DataFrame | None = None,
    documents: pd.DataFrame | None = None,
    by_year: pd.DataFrame | None = None,
    effects: pd.DataFrame | None = None,
    expected: pd.DataFrame | None = None,
) -> str:
    """A plain-text description of the run that a paper's methods section can adapt: corpus (its shape, from
    ``documents``, documents.csv), preprocessing, model, uncertainty at the configured level and validation
    (which themes passed, from ``themes``, themes.csv), covariate effects (``effects``, effects.csv, and how wide
    the intervals of ``expected``, effects_expected.csv, are), with the
    settings this run used and what it warned about. ``periods`` are the named periods (trends.periods), not the
    spans of years a short corpus is cut into; ``by_year`` (theme_by_year.csv) tells for which themes the
    between-document variance was zero."""
    c, m, tr, v = config["corpus"], config["model"], config["trends"], config["vocab"]
    counts = manifest["counts"]
    versions = manifest.get("versions", {})
    kind = shipped_kind(config, manifest)
    model = {
        "keyatm": (
            f"a keyword-assisted topic model in the manner of keyATM (Eshima, Imai and Sasaki 2024) with "
            f"{m['n_topics']} topics, "
            + (
                f"{n_themes} of them seeded with the keywords of a theme of the lexicon (a topic's keywords are "
                "exclusive to it) and the rest free"
                if n_themes
                else "none of them seeded, as no keyword of the lexicon is in the vocabulary"
                if n_themes == 0
                else "one seeded with the keywords of each theme of the lexicon (a topic's keywords are exclusive "
                "to it) and the rest free"
            )
            + ", fitted by collapsed Gibbs sampling"
        ),
        "lda": f"latent Dirichlet allocation (gensim) with {m['n_topics']} topics"
        + (
            ", one per theme of the lexicon seeded through its prior with the theme's keywords (extra pseudo-counts of "
            f"{m['lda']['seed_strength']} times an average topic's tokens, model.lda.seed_strength) and the rest free"
            if m.get("lda", {}).get("seeded")
            else ""
        ),
        "nmf": f"non-negative matrix factorisation (scikit-learn) with {m['n_topics']} topics",
    }.get(kind, _plugin_model(m, manifest))
    ensemble = (
        f"The model was fitted {m['ensemble']} times with different seeds (first seed {m['random_state']}); "
        "theme shares are the mean over these fits."
        if m["ensemble"] > 1
        else f"The model was fitted once (seed {m['random_state']})."
    )
    single = counts.get("documents_used", 2) < 2  # no between-document variation to estimate, no change
    paragraphs = config["units"]["kind"] == "paragraph"  # else each document is one unit (units.kind = "document")
    unit, one = ("paragraphs", "paragraph") if paragraphs else ("documents", "document")
    seeds = m["ensemble"] > 1  # one fitted model: no seed variation in the intervals
    model_part = " and model (seed)" if seeds else ""
    resampled = (
        "resamples the paragraphs within each document and adds a normal document-level deviation, so the intervals "
        f"include paragraph{',' if seeds else ' and'} between-document{model_part} variation"
        if paragraphs
        else "adds a normal document-level deviation to each document's share (each document is one unit), so the "
        f"intervals include between-document{model_part} variation"
    )
    drawn = (
        "draws one of the fitted models"
        if seeds
        else "uses the one fitted model (the intervals leave out how fits with other seeds differ)"
    )
    document_level = _document_level(by_year)
    intervals = (
        f"Intervals ({percent(tr['level'])}) come from a bootstrap with {tr['bootstrap']} replicates over the "
        f"paragraphs of the one document{' and the fitted models (seeds)' if seeds else ''}: with one document there "
        "is no between-document variation to estimate, so the intervals hold for this document only, and no change "
        "between years, periods or groups is computed."
        if tr["bootstrap"] and single
        else f"Intervals ({percent(tr['level'])}) come from a bootstrap with {tr['bootstrap']} replicates: each "
        f"replicate {drawn} and "
        + (
            f"resamples the {unit}{' within each document' if paragraphs else ''}; the documents are too few to "
            "estimate how documents vary (no year of two documents, fewer than three in all), so the intervals count "
            f"the {unit}' resampling{' and the seeds' if seeds else ''} only, not between-document variation, and no "
            "change is called clear. "
            if document_level == "units only"
            else f"{resampled}. "
            + (
                "The year's between-document variance is estimated from its own documents (the variance of their "
                "shares less their paragraph noise, n - 1 degrees of freedom for n documents): there is no other year "
                "to pool with. "
                if document_level == "one year"
                else "A year's between-document variance is the precision-weighted blend of its own estimate (the "
                "variance of its documents' shares less their paragraph noise, n - 1 degrees of freedom for n "
                "documents) and the estimate pooled over the other years, with weight (n - 1) / "
                f"((n - 1) + m) on its own, m being the pooled degrees of freedom, at most {PRIOR_DF} (an "
                "empirical-Bayes estimate, smooth in the number of documents). "
            )
        )
        + (consecutive + " " if (consecutive := consecutive_sentence(by_year)) else "")
        + "A document's paragraph noise is "
        "blended, by degrees of freedom, with the corpus's pooled spread of paragraphs per token, and what its "
        "resampled paragraphs understate of it is added (a document of a few paragraphs without a theme's keywords "
        "would otherwise be certain of a zero). "
        + (
            ""
            if document_level == "units only"  # no between-document variance estimated: no t widening for it
            else "As these variances are estimated, a year's sampling variance is widened by the square of the t "
            f"quantile (over z) for n - 1{'' if document_level == 'one year' else ' + m'} degrees of freedom. "
        )
        + (zero + " " if (zero := zero_variance_sentence(by_year, seeds)) else "")
        + (wide + " " if (wide := wide_intervals_sentence(by_year, documents)) else "")
        + _change_sentence(by_year, tr)
        + f"Bonferroni-adjusted simultaneous {percent(tr['level'])} interval over the "
        f"{f'{n_themes} ' if n_themes else ''}named themes (not other), with the t quantile of that level for "
        "the fewer degrees of freedom of its two sides, excludes zero; the p-values of the change tables are "
        "unadjusted and come from the same t."
        if tr["bootstrap"]
        else "No intervals were computed (trends.bootstrap = 0)."
    )
    window = f", restricted to {c['year_min'] or '…'}–{c['year_max'] or '…'}" if c["year_min"] or c["year_max"] else ""
    segmenter = (
        f"jieba's algorithm (jieba_fast_dat, the same tokens as jieba {versions.get('jieba', '')})"
        if config["segment"]["backend"] == "jieba_fast_dat"
        else f"jieba {versions.get('jieba', '')}"
    )
    return (
        f"We analysed {counts['documents_used']} document{'' if counts['documents_used'] == 1 else 's'} "
        f"({counts['documents_skipped']} further {'file was' if counts['documents_skipped'] == 1 else 'files were'} "
        f"skipped, each with its reason in documents.csv){window}. "
        + (shape + " " if (shape := corpus_shape(documents, tr.get("by", ""), tr.get("periods"))) else "")
        + "Texts were converted to "
        "simplified script with OpenCC, normalised for character width and punctuation, and cleaned of pinyin, "
        "mojibake and boilerplate lines; "
        + (
            f"they were split into {counts['units']} paragraphs (long paragraphs split at sentence ends, short ones merged)"
            if paragraphs
            else f"each document was analysed whole, as one unit ({counts['units']} units)"
        )
        + f" and segmented with {segmenter} using a domain dictionary that "
        "includes every lexicon keyword, "
        f"with standard and policy-specific stopwords removed (a lexicon word is kept even when it is one). The "
        f"vocabulary kept words in at least {v['min_df']} {unit} and at most {v['max_df']:.0%} of them "
        + ("and the lexicon's words, whatever their frequency " if v.get("keep_lexicon", True) else "")
        + f"({counts['vocabulary']} words, "
        f"{counts.get('tokens_modelled', counts['tokens'])} tokens of the {counts['tokens']} segmented). Themes were "
        f"measured with {model}. "
        + (unmeasured + " " if (unmeasured := _unmeasured_sentence(themes, unit)) else "")
        + f"{ensemble} "
        + (stopped + " " if (stopped := sampler_sentence(manifest.get("convergence"))) else "")
        + (sampled + " " if (sampled := sample_sentence(manifest.get("sample"), m["sample_above"], unit)) else "")
        + f"A {one}'s theme share is {SHARE_OF.get(kind, SHARE_OF[''])}; shares by year (and period or "
        f"group) are weighted by tokens. {_share_caveat(kind, themes)}{intervals} "
        + (
            said + " "
            if (said := effects_sentence(config["effects"]["formula"], effects, unit, counts.get("documents_modelled")))
            else ""
        )
        + (wide + " " if (wide := wide_effects_sentence(expected, config["effects"]["x"])) else "")
        + f"{_validation_sentence(themes, _one_per_year(documents))} "
        f"The {unit} that carry each theme most are listed in passages.csv. Analysis with toolkit "
        f"{versions.get('toolkit', '')}; every setting is in config.toml, and manifest.json holds the hash of every "
        "input and of every output file but itself and this report."
        + (f" Named periods: {', '.join(periods)}." if periods else "")
        + (" The run warned: " + " ".join(w.rstrip(".") + "." for w in manifest["warnings"]) if manifest.get("warnings") else "")
    )


def _unmeasured_sentence(themes: pd.DataFrame | None, unit: str) -> str:
    """The lexicon's themes that have no share in any unit, in a sentence: not measured in this corpus."""
    if themes is None:
        return ""
    missing = _measured(themes)[1]
    if not missing:
        return ""
    names = ", ".join(missing)
    one = len(missing) == 1
    exploratory = "why" in themes and themes["why"].astype(str).str.contains(EXPLORATORY, regex=False).any()
    if exploratory:  # its labels come from top words: a subject of the corpus may get no topic of its own
        return (
            f"{'The theme' if one else 'The themes'} {names} {'has' if one else 'have'} no share in any of the {unit}: "
            f"no topic's top words were labelled with {'it' if one else 'them'}, which says nothing of whether the "
            f"{unit} speak of {'it' if one else 'them'}; left out of the comparisons below."
        )
    return (
        f"{'The theme' if one else 'The themes'} {names} {'has' if one else 'have'} no share "
        f"in any of the {unit} (none of {'its' if one else 'their'} keywords is in the vocabulary, or no "
        f"topic counts for {'it' if one else 'them'}): not measured in this corpus, and left out of the "
        "comparisons below."
    )


def effects_sentence(formula: str, effects: pd.DataFrame | None, unit: str = "paragraphs", modelled: int | None = None) -> str:
    """The covariate effects of effects.csv in a sentence: the method, the adjustment, the documents left out (of
    the ``modelled`` ones: without a value of a covariate), the terms that could not be estimated, and that the
    intervals of few documents are wide; '' without a formula or a table."""
    from ..analysis.effects import EXACTLY_FITTED, FEW_DOCUMENTS, NO_OWN_VARIANCE, SEPARATION

    if not formula or effects is None or effects.empty:
        return ""
    text = (
        f"Covariate effects ({formula}) were estimated in the manner of stm's estimateEffect: a fractional logit of "
        f"each theme's shares of the {unit} weighted by tokens, standard errors clustered by document with the "
        "small-sample correction CR2 and read against Student's t with Bell-McCaffrey degrees of freedom, "
        + (
            "the seeds carried by the method of composition; "
            if not _one_member(effects)
            else "from the one fitted model (no seeds to carry); "
        )
        + "p_adjusted in effects.csv is Bonferroni-adjusted over the measured themes."
    )
    if "reference" in effects:
        references = sorted({part for value in effects["reference"].dropna().astype(str) for part in value.split("; ") if part})
        if references:
            text += f" A category's term is its difference from the reference category ({', '.join(references)})."
    interactions = _interactions(formula)
    if interactions:  # two[T.B] of year * two is B's difference at year 0, year the reference's slope (a hostile pass)
        text += (
            f" The formula has interactions ({', '.join(interactions[:3])}{' ...' if len(interactions) > 3 else ''}): a "
            "term that enters one is its effect where the terms it interacts with are zero (a category's difference at "
            "year 0 unless the year is centred, center(year)) and at their reference categories (a slope is the "
            "reference category's), not an average effect."
        )
    notes = effects["note"].astype(str) if "note" in effects else pd.Series(dtype=str)
    thin = effects.loc[notes.str.contains(NO_OWN_VARIANCE, regex=False), "term"]
    separated = effects.loc[notes.str.contains(SEPARATION, regex=False), "theme"]
    if len(thin):
        text += (
            f" {'The terms' if len(set(thin)) > 1 else 'The term'} {', '.join(sorted(set(map(str, thin))))} "
            f"{'were' if len(set(thin)) > 1 else 'was'} not estimated: a category of fewer than two "
            "documents gives a document-clustered standard error no variance of its own."
        )
    exact = sorted({str(term) for term in effects.loc[notes.str.contains(EXACTLY_FITTED, regex=False), "term"]})
    if exact:
        text += (
            f" {'The terms' if len(exact) > 1 else 'The term'} {', '.join(exact)} {'were' if len(exact) > 1 else 'was'} "
            "not estimated for some theme(s): they rest on documents the model fits exactly (their shares fitted by "
            "coefficients of their own, e.g. the one document of a year), which leave no residual for a clustered error."
        )
    if len(separated):
        text += (
            f" For {len(set(separated))} theme(s) the covariates alone tell the units holding the theme from those "
            "without it (separation: a category's documents lack it, or one year's alone hold it): those effects are "
            "not finite and were not estimated."
        )
    documents = effects["n_documents"].max() if "n_documents" in effects else None
    if documents is not None and pd.notna(documents) and modelled and documents < modelled:
        text += (
            f" The effects rest on {int(documents)} of the {modelled} documents: the other {modelled - int(documents)} "
            "have no value of a covariate (an empty cell; the warnings name the columns) and were left out."
        )
    if documents is not None and pd.notna(documents) and documents < FEW_DOCUMENTS:
        text += (
            f" With {int(documents)} documents the errors are small-sample ones (CR2, each coefficient with its "
            "Bell-McCaffrey degrees of freedom, which are few where a term rests on few documents): the intervals are "
            "wide."
        )
    return text


def _interactions(formula: str) -> list[str]:
    """The interaction terms of ``formula`` as formulaic reads it (year:two of year * two), from the formula, not from
    effects.csv's term names: a category whose name holds a colon (C(source)[T.人民网:要闻]) is none (a review)."""
    import formulaic

    try:
        parsed = formulaic.Formula(formula)  # parsed, not evaluated: a formula of one side is its list of terms
        return [str(term) for term in getattr(parsed, "rhs", parsed) if len(getattr(term, "factors", ())) > 1]
    except Exception:  # a formula the run refused never reaches the report; one written by hand says nothing here
        return []


def _one_member(effects: pd.DataFrame) -> bool:
    """Whether effects.csv's estimates come from one fitted model (``members`` 1); not when no row was estimated (its
    members empty: ``<NA> != 1`` was a TypeError that ended a run, a hostile pass of the effects)."""
    if "members" not in effects:
        return False
    members = pd.to_numeric(effects["members"], errors="coerce").dropna()
    return bool(len(members)) and float(members.max()) == 1


def shipped_kind(config, manifest: dict) -> str:
    """The run's model kind when the model fitted is the toolkit's own of that kind, else '' (a class of the user's
    registered under a shipped kind's name was described as the shipped model: a hostile pass of the API). Read from
    the manifest's record of the class fitted (``model.from``); a manifest without it is taken as the toolkit's."""
    kind = config["model"]["kind"]
    return kind if manifest.get("model", {}).get("from", "toolkit") == "toolkit" else ""


def _plugin_model(m, manifest: dict) -> str:
    """The model of a kind that is not the toolkit's own: its class and where it came from, as the manifest has them."""
    record = manifest.get("model", {})
    fitted = f" ({record['class']}, from {record.get('from', 'a plug-in')})" if "class" in record else ""
    return f"a topic model of the user's, model.kind = {m['kind']!r}{fitted}, with {m['n_topics']} topics"


def _share_caveat(kind: str, themes: pd.DataFrame | None) -> str:
    """What a share is not, for the keyword-assisted model with free topics, where it was measured (bench/planted.py,
    on paragraphs): the share of the text about the theme. '' for the exploratory models and for a fit without a
    free topic (`other` holds no share), of which nothing was measured."""
    if kind != "keyatm":
        return ""
    if themes is not None and "share" in themes and (themes["theme"] == "other").any():
        other = pd.to_numeric(themes.loc[themes["theme"] == "other", "share"], errors="coerce").iloc[0]
        if not other > 0:
            return ""
    return (
        "A share is the weight of the theme's own vocabulary, not the share of the text about the theme: the words "
        "every paragraph uses go to the free topics (other), so that on corpora with a planted mix of paragraphs a "
        "paragraph wholly about a theme gave it about half of its tokens, and shares, trends and differences read at "
        "about half the share of the paragraphs about a theme (toolkit's bench/planted.py). Where a paragraph uses a "
        "theme's keyword in another sense (信息化 in the army's informatisation), the theme's topic can take that "
        "paragraph's words: read its passages (passages.csv) and whether themes.csv validates it. "
    )


def _change_sentence(by_year: pd.DataFrame | None, trends: dict) -> str:
    """The start of the methods' sentence on changes: between what they are computed. With one year, none between
    years or periods (change.csv is empty; the paragraph said one was "reported as clear only when", a hostile pass
    of a one-year corpus of notices), between groups only where trends.by names a column."""
    # years with documents: the table also holds a window's empty years (corpus.year_max past the last document)
    years = by_year if by_year is None or "n_documents" not in by_year else by_year[by_year["n_documents"] > 0]
    one_year = years is not None and "year" in years and years["year"].nunique() < 2
    if not one_year:
        return "A change between two years (or periods, or groups) is reported as clear only when its "
    if trends["by"]:
        return (
            "With one year, no change between years is computed; a change between two groups is reported as clear only when its "
        )
    return (
        "With one year, no change between years or periods is computed (trends.by would compare groups); one would "
        "be reported as clear only when its "
    )


def _document_level(by_year: pd.DataFrame | None) -> str:
    """Where the years' between-document variance came from, by theme_by_year.csv's ``interval_basis``: "units only"
    (too few documents to estimate it anywhere), "one year" (a single year with documents: nothing to pool with), or
    "" (the years' own estimates blended with the pooled one, as the methods paragraph describes by default)."""
    from ..analysis.trends import units_only

    if by_year is None or "interval_basis" not in by_year:
        return ""
    if units_only(by_year):
        return "units only"
    if "n_documents" in by_year and by_year.loc[pd.to_numeric(by_year["n_documents"]) > 0, "year"].nunique() == 1:
        return "one year"
    return ""


def consecutive_sentence(by_year: pd.DataFrame | None) -> str:
    """How the pooled estimate was made when the years held too few documents to pool their own variances (fewer
    than ten degrees of freedom in all; none with one report a year: theme_by_year.csv's ``interval_basis`` says
    "from consecutive documents"), in a sentence; '' when every year's pooled part came from the years' documents.
    The paragraph above describes the pooling over years, which such a run uses in part or not at all."""
    from ..analysis.trends import CONSECUTIVE_DOCUMENTS

    if by_year is None or "interval_basis" not in by_year:
        return ""
    basis = by_year["interval_basis"].fillna("").astype(str)
    drawn = basis[basis.str.contains("document level")]
    consecutive = drawn.str.contains(CONSECUTIVE_DOCUMENTS, regex=False)
    if not consecutive.any():
        return ""
    which = "every year" if consecutive.all() else "the years whose table says so (theme_by_year.csv's interval_basis)"
    alone = not drawn[consecutive].str.contains("pooled over the table's cells", regex=False).any()
    return (
        f"In this corpus the years hold too few documents to pool their variances (fewer than ten degrees of freedom "
        f"in all), so for {which} the pooled estimate is "
        + ("instead" if alone else "in part, weighted by their degrees of freedom up to ten,")
        + " half the mean squared difference of consecutive documents by date, less their paragraph noise: "
        "conservative where shares trend, and it moves with the documents of other years."
    )


WIDE_INTERVALS = 0.5  # an interval wider than this (half the range of a share) bounds a share hardly at all
WIDE_SHARE = 0.1  # the share of a table's intervals that wide above which the paragraph says so


SHORT_DOCUMENT, LONG_DOCUMENT = 2, 10  # units: a year that holds documents of both mixes short and long ones


def wide_intervals_sentence(by_year: pd.DataFrame | None, documents: pd.DataFrame | None = None) -> str:
    """A sentence when at least :data:`WIDE_SHARE` of theme_by_year.csv's intervals are wider than
    :data:`WIDE_INTERVALS`: the years' documents, and the degrees of freedom they give the t quantile, are too few to
    bound those shares (two documents in one year gave innovation 0.17 in [0.00, 1.00] under a caption of intervals
    that count documents, and the paragraph said only how they are widened: a hostile pass of the report; a median
    over the themes missed it, the small themes' intervals being narrow: a review); or, when those years mix
    documents of at most :data:`SHORT_DOCUMENT` units with documents of :data:`LONG_DOCUMENT` or more
    (``documents``: documents.csv), that mix, a known failure of the intervals (docs/methods.md): one-paragraph
    notices beside reports widened the reports' intervals about seven times, and the sentence blamed few documents
    and a large t quantile at 13 degrees of freedom (a hostile pass of other genres). '' otherwise."""
    found = _wide_intervals(by_year, "share", "share_low", "share_high")
    if found is None:
        return ""
    rows, wide, widest = found
    counted = ""
    if "n_documents" in wide:
        counts = sorted({int(n) for n in wide["n_documents"].dropna()})
        counted = f" ({counts[0]}{f' to {counts[-1]}' if counts[-1] != counts[0] else ''} a year)" if counts else ""
    start = (
        f"Here {len(wide)} of the {len(rows)} intervals of theme_by_year.csv span more than half the range of a share "
        f"(the widest: {widest['theme']} in {int(widest['year'])}, [{widest['share_low']:.2f}, "
        f"{widest['share_high']:.2f}]): "
    )
    few = (
        f"their years' documents{counted} are too few to estimate how documents vary, and the t quantile of so few "
        "degrees of freedom is large, so they bound those shares hardly at all; read such a year's share as its "
        "documents' share, and compare periods or groups that pool more documents."
    )
    mixed = _mixed_lengths(documents, set(wide["year"]))
    if not mixed:
        return start + few
    years, short, long, total = mixed
    in_mixed = int(wide["year"].isin(years).sum())
    cause = (
        f"mix short documents with long ones ({short} of their {total} documents are of at most {SHORT_DOCUMENT} "
        f"paragraphs, {long} of {LONG_DOCUMENT} or more), and the short documents' paragraph noise is counted as "
        "variation between documents and charged to the long ones, so these intervals are far too wide (a known "
        "failure, docs/methods.md); compare documents of like length and kind (documents.csv gives each one's "
        "units), or model the short ones as a corpus of their own"
    )
    if in_mixed == len(wide):
        return f"{start}their years {cause}."
    # the mix named for the years that hold it alone (a review: one notice in one of six years of two reports each
    # put every wide interval down to it, and the two documents a year went unsaid)
    shown = ", ".join(str(int(y)) for y in sorted(years))
    return f"{start}{in_mixed} of them are of years that {cause} ({shown}); for the others, {few}"


def _used(documents: pd.DataFrame) -> pd.DataFrame:
    """The rows of documents.csv the run used (all of a table without a status column)."""
    return documents[documents["status"].astype(str) == "used"] if "status" in documents else documents


def _mixed_lengths(documents: pd.DataFrame | None, years: set) -> tuple[set, int, int, int] | None:
    """(the years that mix, short documents, long ones, all documents) of those years, among the used documents
    of ``years``, that hold both a document of at most :data:`SHORT_DOCUMENT` units and one of
    :data:`LONG_DOCUMENT` or more; None when no year does."""
    if documents is None or not {"year", "n_units"} <= set(documents.columns):
        return None
    used = _used(documents)
    units = pd.to_numeric(used["n_units"], errors="coerce")
    year = pd.to_numeric(used["year"], errors="coerce")
    inside = year.isin({int(y) for y in years if pd.notna(y)})
    short, long = inside & (units <= SHORT_DOCUMENT), inside & (units >= LONG_DOCUMENT)
    both = set(year[short]) & set(year[long])
    if not both:
        return None
    mixing = year.isin(both)
    return both, int((mixing & short).sum()), int((mixing & long).sum()), int(mixing.sum())


def _wide_intervals(table: pd.DataFrame | None, value: str, low: str, high: str):
    """(the rows with an interval, those wider than :data:`WIDE_INTERVALS`, the widest row) of ``table`` when at
    least :data:`WIDE_SHARE` of its intervals are that wide; None otherwise."""
    if table is None or not {value, low, high} <= set(table.columns):
        return None
    rows = table[table[value].notna() & table[low].notna() & table[high].notna()]
    width = rows[high] - rows[low]
    wide = rows[width > WIDE_INTERVALS]
    if wide.empty or len(wide) < WIDE_SHARE * len(rows):
        return None
    return rows, wide, rows.iloc[int(width.to_numpy().argmax())]  # by position: a table of repeated labels too


def wide_effects_sentence(expected: pd.DataFrame | None, x: str) -> str:
    """A sentence when at least :data:`WIDE_SHARE` of effects_expected.csv's intervals (of the values the documents
    support) are wider than :data:`WIDE_INTERVALS`: 343 of 880 spanned more than half a share's range with 25
    provinces of two documents each, [0.0002, 0.9998] the widest, and the paragraph called the intervals wide only
    below 50 documents in all (a hostile pass); '' otherwise."""
    if expected is not None and "supported" in expected:
        expected = expected[expected["supported"].astype(str).isin(["True", "true"])]
    column = x if expected is not None and x in expected else "x"
    found = _wide_intervals(expected, "expected", "low", "high")
    if found is None:
        return ""
    rows, wide, widest = found
    at = widest[column] if column in widest else ""
    number = isinstance(at, (int, float)) and not isinstance(at, bool)
    shown = f"{at:.4g}" if number else at  # a point of a curve along a number: 0.7416666666666666 (a review)
    group = f", {widest['group']}" if "group" in widest and pd.notna(widest["group"]) and str(widest["group"]) else ""
    return (
        f"Here {len(wide)} of the {len(rows)} intervals of effects_expected.csv span more than half the range of a "
        f"share (the widest: {widest['theme']} at {column} = {shown}{group}, [{widest['low']:.2f}, "
        f"{widest['high']:.2f}]): the documents behind those values are too few to bound the expected shares; read "
        "them as unmeasured there"
        + (
            ", where few documents lie along the curve."
            if number
            else ", or give the formula fewer categories (pool the small ones)."
        )
    )


def _the_years(drawn: pd.DataFrame, by_year: pd.DataFrame) -> str:
    """The years of ``drawn`` (the cells that estimated a document level) as the sentence says them."""
    if "year" not in drawn or drawn["year"].nunique() > 1:
        return "every year"
    if by_year["year"].nunique() == 1:
        return "its one year"
    return f"the one year with the documents to estimate it ({int(drawn['year'].iloc[0])})"


def zero_variance_sentence(by_year: pd.DataFrame | None, seeds: bool = True) -> str:
    """Which themes' between-document variance was estimated as zero in every year that drew one (theme_by_year.csv's
    ``interval_basis``), in a sentence: their intervals are then the units' resampling and the seeds (``seeds``: of
    an ensemble) alone, which is conservative for documents that differ less than that (a fixed make-up); '' when
    there is none."""
    from ..analysis.trends import ZERO_DOCUMENT_LEVEL

    if by_year is None or "interval_basis" not in by_year:
        return ""
    basis = by_year["interval_basis"].fillna("").astype(str)
    drawn = by_year[basis.str.contains("document level") & ~basis.str.contains("too few documents")]
    if drawn.empty:
        return ""
    zero = drawn["interval_basis"].astype(str).str.contains(ZERO_DOCUMENT_LEVEL, regex=False).groupby(drawn["theme"]).all()
    zero = zero.reindex(list(dict.fromkeys(drawn["theme"])))  # in the table's order, the lexicon's (not the alphabet's)
    themes = [str(t) for t in zero.index[zero.to_numpy()]]
    if not themes:
        return ""
    # `other` is no theme: counted apart ("9 of the 18 themes" beside "17 named themes" in the same paragraph)
    whole = f"{len(zero) - 1} themes and other" if "other" in zero.index else f"{len(zero)} themes"
    which = "every theme" if len(themes) == len(zero) else f"{len(themes)} of the {whole} ({', '.join(themes)})"
    return (
        # one year: "in every year" of a corpus of one (a hostile pass), or of one year that could estimate it
        f"For {which} the between-document variance was estimated as zero in "
        + _the_years(drawn, by_year)
        + " (the documents differ "
        "no more than resampling their units implies), so their intervals count the units' resampling"
        + (" and the seeds" if seeds else "")
        + " only; for documents of a fixed make-up, which differ less than that, they are conservative."
    )


def sampler_sentence(convergence: dict | None) -> str:
    """How long each fit's chain ran and why its burn-in ended (the manifest's ``convergence``, as the keyword
    model's ``run_chains`` recorded it), in a sentence; '' for a model that records none. A burn-in that reached its
    ceiling says that the convergence check was not met, with its largest split-R-hat."""
    if not convergence:
        return ""
    partitions = int(convergence.get("partitions") or 1)
    approximated = (
        f" Each chain swept its units in {partitions} partitions side by side (model.keyatm.partitions: approximate "
        "distributed Gibbs sampling, AD-LDA, Newman et al. 2009), an approximation of the collapsed sampler whose "
        "result depends on the number of partitions."
        if partitions > 1
        else ""
    )
    return _burn_in_sentence(convergence) + approximated


def _burn_in_sentence(convergence: dict) -> str:
    sweeps, burn_in, chains = convergence["sweeps"], convergence["burn_in"], convergence["chains"]
    rhat, threshold = convergence.get("rhat"), convergence["rhat_threshold"]
    across = f"across the {chains} fits" if chains > 1 else "between the two halves of the chain"
    measured = f"the largest rank-normalised split-R-hat of the topic shares {across} was {rhat:.2f}" if rhat else ""
    if convergence.get("rhat_infinite"):
        measured = f"the split-R-hat of a topic's share {across} was infinite (constant within each chain, not between)"
    sampled = f"then {sweeps - burn_in} sweeps were sampled"
    if convergence["stop"] == "ceiling":
        ran = f'Each fit ran a fixed {burn_in} sweeps of burn-in (model.keyatm.stop = "ceiling"), {sampled}'
        return ran + (f"; at the burn-in's end {measured}." if measured else ".")
    if convergence["reason"] == "converged":
        return f"Each fit's burn-in ended after {burn_in} sweeps, when {measured} (below {threshold}); {sampled}."
    return (
        f"Each fit's burn-in ran to its ceiling of {burn_in} sweeps, as the convergence check was not met ("
        + (
            (measured + ("" if convergence.get("rhat_infinite") else f", above {threshold}"))
            if measured
            else "no check was possible"
        )
        + f"); {sampled}."
    )


def sample_sentence(sample: dict | None, above: int, unit: str = "paragraphs") -> str:
    """That the models were fitted on a sample of the units and the rest folded in (the manifest's ``sample``, above
    ``model.sample_above`` tokens), in a sentence; '' when they saw every unit. ``unit``: what a unit is."""
    if not sample:
        return ""
    return (
        f"As the corpus has more than {above} tokens, each fit saw a sample of "
        f"{sample['units']} of its {sample['of_units']} {unit} ({sample['tokens']} of {sample['of_tokens']} tokens: "
        f"about the same share of each of the {sample['documents']} documents' tokens, taken in a seeded random "
        f"order); the other {unit}' shares were estimated with that fit's topics held fixed (folded in). Every "
        "fit saw the same sample: the intervals do not count which units it drew. A fit on fewer tokens gives "
        "'other' a somewhat larger share and the themes a little less (0.01-0.03 for 'other' with a quarter of the "
        "tokens of the State Council reports, docs/methods.md): compare levels with runs fitted on about as many "
        "tokens."
    )


def _one_per_year(documents: pd.DataFrame | None) -> bool:
    """Whether each year of documents.csv's used rows holds exactly one document, in enough years for the check
    across years (``min_years`` of the validity rules)."""
    from ..analysis.diagnostics import VALIDATION_RULES

    if documents is None or "year" not in documents:
        return False
    used = _used(documents)
    per_year = pd.to_numeric(used["year"], errors="coerce").dropna().astype(int).value_counts()
    return len(per_year) >= VALIDATION_RULES["min_years"] and bool((per_year == 1).all())


# what a unit's theme share is, per kind of model
SHARE_OF = {
    "keyatm": "the share of its tokens assigned to the topics labelled with that theme",
    "lda": "the sum of its topic proportions (the model's posterior estimate) over the topics labelled with that theme",
    "nmf": "the sum of its weights on the topics labelled with that theme (NMF of its TF-IDF vector), normalised to "
    "sum to one over the topics: a share of weight, not of tokens",
    "": "the sum of its topic shares (as the model gives them) over the topics labelled with that theme",
}


def _validation_sentence(themes: pd.DataFrame | None, one_per_year: bool = False) -> str:
    """Which themes passed the checks of themes.csv, and which did not, in a sentence; ``one_per_year``: every
    year holds one document, so that the checks across documents and across years are one. The stability across
    seeds is said to be unchecked when no theme has a correlation between ensemble members (one fit), and an
    exploratory model's themes to be unvalidated by construction, and a model that cannot run the split-half
    check (LDA seeded with the lexicon) to validate none."""
    from ..analysis.diagnostics import VALIDATION_RULES

    seeds_checked = themes is None or ("member_r" in themes and pd.to_numeric(themes["member_r"], errors="coerce").notna().any())

    def checks(column: str) -> bool:  # whether any check of that family was made
        return themes is not None and column in themes and bool((pd.to_numeric(themes[column], errors="coerce") > 0).any())

    within = checks("split_paragraphs_checks") or not checks("split_checks")  # not said of a run without the check
    why = themes["why"].astype(str) if themes is not None and "why" in themes else pd.Series(dtype=str)
    named_why = why[themes["theme"] != "other"] if themes is not None and "theme" in themes else why
    exploratory = len(named_why) > 0 and named_why.str.contains(EXPLORATORY, regex=False).all()
    # LDA seeded with the lexicon measures its themes but cannot run the split-half check (keyatm alone can)
    unsplit = not exploratory and not split_half_run(themes)
    checked = (
        "Each theme was checked (themes.csv): its share against the rate of its own keywords across documents "
        "(and across years where there are five or more"
        + ("; with one document a year the two are the same check" if one_per_year else "")
        + "), its stability across seeds"
        + ("" if seeds_checked else " (not checked here: the model was fitted once, model.ensemble = 1)")
    )
    if exploratory or unsplit:
        return checked + (
            ". The model is exploratory (no keywords anchor its topics; the themes are labels read off their top "
            "words): no theme can be validated by construction, and no share is a validated measurement."
            if exploratory
            else ". The split-half check, which a keyword count cannot pass, needs the keyword-assisted model "
            "(keyatm) and was not run for this model: no theme is validated, and no share is a validated "
            "measurement."
        )
    base = (
        checked + ", and a split-half check "
        "that a keyword count does not pass by construction (the share measured from half of its keywords "
        "against the rate of the other half, across documents or years"
        + (
            " and within documents across paragraphs"
            if within
            else " (not within documents: a document is one unit here, so words that merely share a trend can pass)"
        )
        + ", the lower end of each interval above zero; the intervals' level is "
        "adjusted for the checks made over all the themes, by Benjamini and Hochberg's procedure at 2.5%, so that "
        "on average at most 2.5% of the checks passed are false passes); a theme whose topic is almost only its "
        f"own keywords ({VALIDATION_RULES['keyword_weight']:.0%} or more of its top-20 word weight) is keyword "
        "counting, not a topic, and is not validated either. Validated means passing these automatic "
        "checks, which show that a theme's keywords go together in the texts, not that they measure one construct: "
        "a theme of two unrelated subjects can pass them (themes.csv's composite column says where its keywords fall "
        "into two groups that rarely share a paragraph, beside the verdict); agreement "
        "with human coders is measured apart from the run (toolkit validate export, then score)."
    )
    if themes is None or "validated" not in themes:
        return base
    counted = pd.to_numeric(themes["n_documents"], errors="coerce").max() if "n_documents" in themes else float("nan")
    if pd.notna(counted) and 0 < counted < 3:  # a correlation needs three points
        within = "r_split_paragraphs" in themes and pd.to_numeric(themes["r_split_paragraphs"], errors="coerce").notna().any()
        return (
            "No theme could be checked against its keywords across documents or years: the checks correlate a "
            f"theme's share with the rate of its keywords across documents and years, and {int(counted)} "
            f"{'document gives' if counted == 1 else 'documents give'} no correlation (themes.csv leaves them "
            "empty)"
            # the check within documents is made on paragraphs, and themes.csv and theme_validity show it: the
            # paragraph said no check was made beside them (a hostile pass of report.html)
            + (
                "; the split-half check within documents, across paragraphs, was made (themes.csv's "
                "r_split_paragraphs, theme_validity), but validates no theme without the check across documents"
                if within
                else ""
            )
            + "; no share is a validated measurement."
        )
    named = themes[themes["theme"] != "other"]
    passed = named.loc[named["validated"].astype(str).isin(["True", "true"]), "theme"].tolist()
    failed = named.loc[~named["theme"].isin(passed), "theme"].tolist()
    if not passed:
        return base + f" No theme passed every check ({len(failed)} themes): no share is a validated measurement."
    most = pd.to_numeric(named["n_documents"], errors="coerce").max() if "n_documents" in named else float("nan")
    documents = int(most) if pd.notna(most) else 0
    few = (
        f" These checks rest on {documents} documents: with fewer than {FEW_DOCUMENTS}, passing them is weak evidence "
        "(the correlations are of a handful of points, some of them zero)."
        if 0 < documents < FEW_DOCUMENTS
        else ""
    )
    # one fitted model: no second to compare with, so the stability across seeds was never checked (an ensemble of
    # three validated no seed theme that one model validated two of: a review of the docs against the code)
    unchecked = "member_r" in named and pd.to_numeric(named["member_r"], errors="coerce").isna().all()
    seedless = (
        " The stability of the shares across seeds was not checked (one fitted model, model.ensemble = 1): a theme "
        "validated here may not be with an ensemble."
        if unchecked
        else ""
    )
    return (
        base
        + f" Validated: {', '.join(passed)}."
        + (f" Not validated (reasons in themes.csv): {', '.join(failed)}." if failed else "")
        + few
        + seedless
    )


FEW_DOCUMENTS = 10  # below this many documents the methods paragraph calls its validation weak evidence


def _passages_html(
    passages: pd.DataFrame, lexicon_order: list[str], measured: dict[str, str] | None = None, min_share: float = 0.2
) -> str:
    """The top passages of each theme, its keywords highlighted; the ``measured`` themes (name: label) that have none
    (no paragraph carries ``min_share`` of them) are named rather than skipped in silence."""
    listed = passages[passages["kind"] == "theme"]
    themes = listed[listed["scope"] == "all"]
    # a theme with passages in its periods only has passages (evidence.passages = 0 makes no list of the whole
    # corpus: every measured theme was said to have none, a mutation audit)
    without = [label for name, label in (measured or {}).items() if name not in set(listed["name"])]
    parts = (
        [
            "<h2>Passages behind each theme</h2><p>No list over the whole corpus was made (evidence.passages = 0): "
            "passages.csv lists each period's.</p>"
        ]
        if themes.empty and not listed.empty
        else [
            "<h2>Passages behind each theme</h2><p>The paragraphs with the largest share of each theme over the "
            f"whole corpus (top {PASSAGES_SHOWN}; passages.csv has more, per period and per topic). Keywords of "
            "the theme are highlighted.</p>"
        ]
    )
    if without:
        parts.append(
            f"<p>No paragraph carries a share of {min_share:g} or more (evidence.min_share) of: "
            f"{html.escape(', '.join(without))}; passages.csv lists none for them (a theme rare in the corpus, or "
            "spread thin over many paragraphs: its share in themes.csv and units.csv tells which).</p>"
        )
    order = {name: i for i, name in enumerate(lexicon_order)}
    for _, rows in sorted(themes.groupby("name", sort=False), key=lambda item: order.get(item[0], len(order))):
        parts.append(f"<h3>{html.escape(str(rows['label'].iloc[0]))}</h3>")
        for row in rows.head(PASSAGES_SHOWN).itertuples():
            # an empty cell read back is NaN, whose str is "nan": marked in green fi<mark>nan</mark>ce (a mutation audit)
            keywords = "" if pd.isna(row.keywords) else str(row.keywords)
            text = _highlighted(str(row.text), keywords.split())
            where = " · ".join(
                html.escape(str(x)) for x in (row.title, row.date, getattr(row, "place", "")) if str(x) not in ("", "nan")
            )
            # passages.csv's holds_keyword: a passage the theme's share puts here without one of its keywords
            lacking = " — holds none of the theme's keywords" if str(getattr(row, "holds_keyword", "")) == "False" else ""
            parts.append(f"<blockquote>{text}<footer>{where} — share {float(row.share):.2f}{lacking}</footer></blockquote>")
    return "\n".join(parts)


def _groups_compared(change: pd.DataFrame, trends: dict) -> str:
    """Which two groups group_change.csv compares and why: trends.compare's, or the two with the most tokens (of
    31 provinces, 浙江 against 江苏 by 3 tokens, and nothing said so)."""
    if not {"from", "to"} <= set(change.columns):
        return ""
    first, second = change["from"].iloc[0], change["to"].iloc[0]
    why = (
        "as trends.compare names them"
        if trends["compare"]
        else "the two groups with the most tokens; trends.compare chooses others"
    )
    # the sign said: "A against B" read as A - B, and each change is B - A (a hostile pass of the report)
    return (
        f"<p>{html.escape(f'{first} against {second}')} ({html.escape(trends['by'])}: {why}); each change is "
        f"{html.escape(str(second))}'s share less {html.escape(str(first))}'s (a positive change: larger in "
        f"{html.escape(str(second))}).</p>"
    )


def _highlighted(text: str, words: list[str]) -> str:
    """``text`` escaped for HTML with each of ``words`` marked, in one pass and the longest first (战略性新兴产业 and 产业
    gave nested marks); matched in the text, not in its escaped form (a keyword `quot` marked &<mark>quot</mark>;)."""
    words = sorted(set(words), key=len, reverse=True)
    if not words:
        return html.escape(text)
    pieces = re.split(f"({'|'.join(map(re.escape, words))})", text)
    return "".join(f"<mark>{html.escape(piece)}</mark>" if i % 2 else html.escape(piece) for i, piece in enumerate(pieces))


def write_report(folder: Path, config, manifest: dict) -> Path:
    """Gather the figures (embedded), the main tables, the passages and a methods paragraph of ``folder``."""
    name = html.escape(config["corpus"]["name"] or "run")
    parts = [f"<h1>{name}</h1>"]
    counts = manifest["counts"]
    parts.append(
        f"<p>{counts['documents_used']} document{'s' if counts['documents_used'] != 1 else ''} used, "
        f"{counts['documents_skipped']} skipped "
        f"(see documents.csv); {counts['units']} units, {counts['tokens']} tokens, vocabulary "
        f"{counts['vocabulary']}. Model: {html.escape(config['model']['kind'].upper())} with "
        f"{config['model']['n_topics']} topics, seed {config['model']['random_state']}.</p>"
    )
    # the named periods of the config: theme_words.csv's periods are spans of years when none are named (each
    # year of a short corpus, "2024" of a one-year corpus), no periods of the analysis
    period_names = list(config["trends"]["periods"]) or None
    themes = _read(folder, "themes.csv")
    # as text: a group column of numbers (city tiers 1, 2, 3; 01, 02) named as theme_by_group.csv names it
    documents = _read(folder, "documents.csv", text=True)
    if manifest.get("warnings"):
        parts.append(
            "<h2>Warnings</h2><ul class='warnings'>"
            + "".join(f"<li>{html.escape(w)}</li>" for w in manifest["warnings"])
            + "</ul>"
        )
    n_themes = len(_measured(themes)[0]) if themes is not None else None
    yearly_table = _read(folder, "theme_by_year.csv")
    methods = methods_paragraph(
        config,
        manifest,
        period_names,
        n_themes,
        themes,
        documents,
        yearly_table,
        _read(folder, "effects.csv"),
        _read(folder, "effects_expected.csv"),
    )
    parts.append("<h2>Methods</h2><p class='methods'>" + html.escape(methods) + "</p>")
    metrics = manifest.get("metrics", {})
    if metrics:
        parts.append("<h2>Evaluation</h2>" + _table(pd.DataFrame([metrics]), "{:.4f}"))
    # each figure as PNG, or as SVG when the run wrote no PNG of it (figures.formats = ["svg"])
    figures = {p.stem: p for suffix in ("svg", "png") for p in sorted((folder / "figures").glob(f"*.{suffix}"))}
    # in the catalog's reading order, then any figure it does not declare in name order
    declared = [figure.name for figure in catalog.FIGURES if figure.name in figures]
    for stem in [*declared, *sorted(s for s in figures if s not in catalog.FIGURE)]:
        data = base64.b64encode(figures[stem].read_bytes()).decode("ascii")
        said = caption(
            stem,
            config["trends"]["level"],
            config["figures"],
            intervals=config["trends"]["bootstrap"] > 0,
            split_half=split_half_run(themes),
            counted=counted_in(config, yearly_table),
        )
        parts.append(
            f"<h2>{html.escape(stem)}</h2><p>{html.escape(said)}</p>"
            f'<img alt="{html.escape(stem)}" src="data:{_IMAGE_TYPES[figures[stem].suffix]};base64,{data}">'
        )
    if themes is not None:
        shown = [
            c
            for c in (
                "theme",
                "label_en" if config["figures"]["language"] == "en" else "label_zh",
                "validated",
                "composite",
                "share",
                "r_years",
                "r_documents",
                "r_split",
                "member_r",
                "largest_shift",
                "shift_word",
                "why",
            )
            if c in themes.columns
        ]
        parts.append("<h2>Themes: what to read before trusting a share</h2>" + _table(themes[shown]))
    passages = _read(folder, "passages.csv")
    if passages is not None and len(passages):
        order = list(themes["theme"]) if themes is not None else []
        label = "label_en" if config["figures"]["language"] == "en" else "label_zh"
        labels = dict(zip(themes["theme"], themes[label])) if themes is not None and label in themes else {}
        measured = {t: str(labels.get(t, t)) for t in _measured(themes)[0]} if themes is not None else {}
        parts.append(_passages_html(passages, [*order, "other"], measured, config["evidence"]["min_share"]))
    topics = _read(folder, "topics.csv")
    topics["top_words"] = topics["top_words"].map(lambda cell: " ".join(word for word, _ in topic_word_pairs(cell)[:12]))
    parts.append("<h2>Topics</h2>" + _table(topics[["topic", "theme", "score", "top_words"]]))
    yearly = _read(folder, "theme_by_year.csv")
    # the years with data (a century's corpus has decades without), the themes in the table's order, other last
    by_year = yearly.pivot(index="year", columns="theme", values="share").dropna(how="all")
    by_year = by_year[list(dict.fromkeys(yearly["theme"]))].rename_axis(columns=None).reset_index()
    parts.append("<h2>Theme share by year</h2>" + _table(by_year))
    # the named periods' and the groups' shares, which the figures draw and the change tables compare (a period
    # figure beside the year table alone: a hostile pass of the report)
    for file, column, title in (
        ("theme_by_period.csv", "period", "Theme share by period"),
        ("theme_by_group.csv", config["trends"]["by"], "Theme share by group"),
    ):
        table = _read(folder, file, text=(column,)) if column else None
        if table is not None and column in table and table["share"].notna().any():
            cells = list(dict.fromkeys(table.loc[table["share"].notna(), column]))  # the table's order: the config's
            wide = table.pivot(index=column, columns="theme", values="share").reindex(cells)
            wide = wide[list(dict.fromkeys(table["theme"]))].rename_axis(columns=None).reset_index()
            if "n_documents" in table:  # a group of one document looked like the others (a hostile pass)
                counts = table.groupby(column, sort=False)["n_documents"].max()
                wide.insert(1, "documents", [int(counts.get(cell, 0)) for cell in wide[column]])
            parts.append(f"<h2>{title}</h2>" + _table(wide))
    for file, title in [
        ("change.csv", "Change between two years or periods"),
        ("group_change.csv", "Change between groups"),
        ("model_vs_keywords.csv", "Model against keyword frequency"),
        ("effects.csv", "Covariate effects"),
    ]:
        groups = file == "group_change.csv"  # its groups as their tables name them: tier 01, not 1
        table = _read(folder, file, text=("from", "to") if groups else False)
        if file == "model_vs_keywords.csv" and table is not None and len(table) and table["pearson_r"].isna().all():
            # rows of empty correlations, unexplained (one year: a hostile pass of the report)
            years = int(table["n_years"].max())
            parts.append(
                f"<h2>{title}</h2><p>No theme's correlation could be computed: "
                + (
                    f"it needs three years with documents or more, and this corpus has {years}"
                    if years < 3
                    else "no theme's share and keyword rate both vary across the years"
                )
                + " (model_vs_keywords.csv).</p>"
            )
        elif table is not None and len(table):
            chosen = _groups_compared(table, config["trends"]) if groups else ""
            parts.append(f"<h2>{title}</h2>" + chosen + _table(_p_values(table)))
    terms = _read(folder, "term_counts.csv")
    if terms is not None and len(terms):
        parts.append(
            "<h2>Tracked terms (count by year)</h2>"
            # no name on the columns: to_html gave it a header row of its own, above the year's
            + _table(terms.pivot(index="year", columns="term", values="count").rename_axis(columns=None).reset_index(), "{:.0f}")
        )
    if (folder / "ldavis.html").is_file():
        parts.append('<p>Interactive topic map: <a href="ldavis.html">ldavis.html</a> (next to this file).</p>')
    summary = {
        k: manifest[k]
        for k in ("config_source", "config", "random_state", "versions", "timings_seconds", "cache")
        if k in manifest
    }
    # which folder the paths are relative to: the config's as written (texts "../seeds"), config.toml beside the page
    # this folder's, and the two disagreed unexplained (a hostile pass of the report)
    where = (
        f"The config's paths are as {html.escape(str(manifest['config_source']))} writes them, relative to its folder; "
        "config.toml beside this page gives them relative to this folder. "
        if manifest.get("config_source")
        else "config.toml beside this page gives the config's paths relative to this folder. "
    )
    parts.append(
        "<h2>Provenance</h2><pre>"
        + html.escape(json.dumps(summary, ensure_ascii=False, indent=1))
        + f"</pre><p>{where}Input and output hashes: manifest.json.</p>"
    )
    body = "\n".join(parts)
    style = (
        f"body{{font-family:'{WEB_FAMILY}',sans-serif;max-width:1100px;margin:2em auto;padding:0 1em}}"
        "img{max-width:100%}table.t{border-collapse:collapse;font-size:13px}"
        "table.t td,table.t th{padding:2px 8px;border-bottom:1px solid #ddd;text-align:left}"
        "blockquote{margin:0.6em 0;padding:0.4em 0.8em;border-left:3px solid #bbb;background:#fafafa}"
        "blockquote footer{font-size:12px;color:#666;margin-top:0.3em}mark{background:#fff3a8}"
        "p.methods{background:#f4f7fb;padding:0.8em}ul.warnings{background:#fff4e5;padding:0.6em 2em}"
        "pre{white-space:pre-wrap;font-size:12px}"
    )
    page = (
        f"<!DOCTYPE html><html lang='{config['figures']['language']}'><head><meta charset='utf-8'><title>"
        + name
        + "</title><style>"
        + font_face_css(name + body)
        + style
        + "</style></head><body>"
        + body
        + "</body></html>\n"
    )
    atomic.write_text(folder / "report.html", page)
    return folder / "report.html"
