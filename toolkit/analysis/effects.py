"""Covariate effects on theme shares, in the manner of R stm's ``estimateEffect``: each theme's unit shares
regressed on document covariates (a Wilkinson formula read by formulaic), with the model's uncertainty carried
by the method of composition over the ensemble.

For every theme and every ensemble member, a fractional logit (statsmodels' binomial GLM on the unit shares,
each unit weighted by its tokens) with standard errors clustered by document (CR2, each coefficient read against
Student's t with its Bell-McCaffrey degrees of freedom: :mod:`toolkit.analysis.clustered`); coefficients are drawn
from each member's sampling distribution and the draws of all members pooled, so an interval counts both the
documents and the seeds. Estimates are on the log-odds scale; the expected shares behind the figure are on the
share scale.
"""

from __future__ import annotations

import logging
import re
import warnings
from typing import TYPE_CHECKING

import numpy as np

from ..errors import ToolkitError
from ..options import Option
from .clustered import cr2, exactly_fitted, moves_along, working_regression
from .formulas import NAMING, called_functions, check_formula, check_syntax, columns_estimate, formula_name
from .lexicon import OTHER
from .trends import NOT_MEASURED, unmeasured_in

if TYPE_CHECKING:
    import pandas as pd

log = logging.getLogger("toolkit")

OPTIONS = {
    "formula": Option(
        "",
        "Document covariates of the theme shares as a Wilkinson formula over columns of the "
        'documents (year, place, level, your own), e.g. "year + level" or '
        "\"bs(year, df=3) + place\"; '' for none. Read as a formula only: columns, numbers, "
        "+ - * : / ** ( ) and a few named functions (see toolkit.analysis.formulas); nothing is run. ** raises a "
        "group to its interactions ((year + level)**2); a square is poly(year, 2).",
    ),
    "draws": Option(
        200,
        "Coefficient draws per ensemble member (method of composition) for the expected shares of "
        "effects_expected.csv, whose intervals are the draws' quantiles; effects.csv's estimates, intervals and "
        "p-values are exact, but for the check of separation (a term the draws show unbounded is not estimated).",
        (lambda v: v >= 50),
        "50 or more (a quantile of fewer draws is no interval)",
    ),
    "x": Option("year", "The covariate on the x axis of the expected-share figure; '' for none."),
    "reference": Option(
        {},
        'The reference category of a categorical covariate, by column, e.g. {level = "中央", era = "改革开放"}: the '
        "column's other categories are compared with it. {}: the first in sorted order with two documents or more "
        "whose documents hold every theme (else the one that lacks the fewest); in an interaction (level:year), "
        "the first in sorted order.",
        kind=dict,
    ),
}


def check_options(section: dict) -> None:
    if section["formula"] and not section["formula"].strip():  # it fitted an intercept alone (a hostile pass)
        raise ToolkitError("effects.formula holds only spaces; give a formula such as \"year + level\", or '' for none")
    check_formula(section["formula"])
    for column, category in section["reference"].items():
        if isinstance(category, bool) or not isinstance(category, (str, int, float)) or not str(category).strip():
            raise ToolkitError(
                f"effects.reference.{column} must be a category of the column {column!r} (text or a number), not {category!r}"
            )


NOTE = (
    "log-odds (fractional logit); standard errors clustered by document (CR2, t with Bell-McCaffrey df); "
    "method of composition over the ensemble"
)
# one fitted model (model.ensemble = 1, or one member fitted): no seeds to compose (its note said the ensemble's
# method of composition: a hostile pass)
ONE_MODEL_NOTE = (
    "log-odds (fractional logit); standard errors clustered by document (CR2, t with Bell-McCaffrey df); one fitted "
    "model (no seeds)"
)


def p_value(estimates: np.ndarray, errors: np.ndarray, df: np.ndarray) -> float:
    """The two-sided p-value of zero under the pooled draws' distribution, computed exactly: the equal mixture of
    the members' ``estimates + errors * t(df)`` (each member's coefficient, its clustered standard error and its
    Bell-McCaffrey degrees of freedom), of which the draws are a sample. Counting the draws on the other side of
    zero gave no p-value below one over their number (0.0017 with 600 draws; with Bonferroni over 15 themes no
    effect could reach 0.05 on one member's 200 draws)."""
    from scipy import stats

    with np.errstate(divide="ignore", invalid="ignore"):  # an error of 0: the coefficient is known (p 0 or NaN)
        z = -np.asarray(estimates) / np.asarray(errors)
        # each tail computed as itself, not as one less the other: 1 - (1 - 3e-18) is 0 in floating point
        below, above = float(np.mean(stats.t.cdf(z, np.asarray(df)))), float(np.mean(stats.t.sf(z, np.asarray(df))))
    return float("nan") if np.isnan(below) else min(1.0, 2 * min(below, above))


def mixture_quantile(q: float, estimates: np.ndarray, errors: np.ndarray, df: np.ndarray) -> float:
    """The ``q`` quantile of the distribution :func:`p_value` reads (the equal mixture of the members'
    ``estimates + errors * t(df)``), computed exactly, so that an interval of these quantiles excludes zero exactly
    when the p-value is below its coverage's complement: the quantiles of the draws (600 a member) and the exact
    p-value disagreed near 0.05 (an interval [0.015, 0.615] beside p 0.061). NaN where an error is not finite or
    not positive."""
    from scipy import optimize, stats

    estimates, errors, df = (np.asarray(a, dtype=float) for a in (estimates, errors, df))
    if not (np.all(np.isfinite(errors)) and np.all(errors > 0) and np.all(np.isfinite(estimates))):
        return float("nan")
    members = estimates + errors * stats.t.ppf(q, df)  # the mixture's quantile lies between its members'
    low, high = float(members.min()), float(members.max())
    if high - low <= 1e-12 * max(1.0, abs(low)):
        return low
    return float(optimize.brentq(lambda x: float(np.mean(stats.t.cdf((x - estimates) / errors, df))) - q, low, high, xtol=1e-12))


# columns of a run's units table that are no covariate of its documents (besides each theme's share)
COMPUTED = ("text", "unit_id", "n_tokens", "in_model", "in_sample", "dominant_theme", "keyword_theme")
# columns of a formula's model matrix, checked on the documents before the fit: bs(year, df=50):bs(year, df=49):
# bs(year, df=48) made 117,601 (1.2 GB at a thousand units); fixed effects of a few hundred places are a model of
# documents, a hundred thousand columns are not
MAX_COLUMNS = 1_000


# a number as a spreadsheet or a person writes it: thousands separated by commas (10,000), a percent sign (7.5%,
# read in percentage points), full-width digits (１００, made ASCII by NFKC before this is matched)
_WRITTEN_NUMBER = re.compile(r"([+-]?)(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?%?")


def as_numbers(cells: pd.Series) -> pd.Series:
    """Text cells as numbers (NaN where a cell is none): 10,000 and １００ and 7.5% as 10000, 100 and 7.5, as a
    reader takes them (pandas reads none of them, so a column of GDP written with commas became a category per
    value, and one of growth rates in percent a factor of nine levels)."""
    import unicodedata

    import pandas as pd

    def plain(cell):
        if not isinstance(cell, str):
            return cell
        text = unicodedata.normalize("NFKC", cell).strip()
        match = _WRITTEN_NUMBER.fullmatch(text)
        return (match[1] + match[2] + (match[3] or "")).replace(",", "") if match else text

    return pd.to_numeric(cells.map(plain), errors="coerce")


def numeric_covariates(data: pd.DataFrame, names: list[str]) -> pd.DataFrame:
    """``data`` with each of its columns among ``names`` as a formula should read it: text of numbers (a metadata
    column: budget, GDP, population; blank cells allowed) as numbers, so that a formula takes it as a number (write
    C(column) for categories); a blank cell of a text column (empty, or spaces) as missing, so that its document is
    left out of the fit, as R leaves out a row with NA, not made a category of its own (the reference of the
    others, "" sorting first). ``data`` itself when nothing changes."""
    import pandas as pd

    changed = {}
    for name in dict.fromkeys(names):
        if name not in data or pd.api.types.is_numeric_dtype(data[name]):
            continue
        text = data[name].astype(str).str.strip().where(data[name].notna())
        filled = (text.notna() & (text != "")).to_numpy()
        values = as_numbers(text.where(filled))
        if filled.any() and values[filled].notna().all():
            changed[name] = values.astype(float)
        elif not filled.all():
            changed[name] = data[name].where(filled, np.nan)
    return data.assign(**changed) if changed else data


def _stray_words(column: pd.Series) -> list[str] | None:
    """The cells that are no number, sorted, of a column whose filled cells are mostly numbers (read as categories
    for their sake: one 'n/a' among GDPs); None for a column that is not mostly numbers."""
    cells = column.dropna().astype(str).str.strip()
    cells = cells[cells != ""]
    numbers = as_numbers(cells)
    if not len(cells) or numbers.notna().mean() < 0.5:
        return None
    return sorted(set(cells[numbers.isna()]))


def _missing_and_mixed(data: pd.DataFrame, names: list[str], raw: pd.DataFrame) -> None:
    """Warn of each column among ``names`` that leaves documents out of the fit (no value) and of each that is
    read as categories although most of its cells are numbers (``raw``: the columns before
    :func:`numeric_covariates`): one stray 'n/a' made a slope a factor of as many levels as values."""
    import pandas as pd

    documents = data["doc_id"].nunique()
    for name in dict.fromkeys(names):
        if name not in data:
            continue
        without = data.loc[data[name].isna(), "doc_id"].nunique()
        if without:
            log.warning(
                "effects.formula: %d of %d documents have no value of %s (an empty cell): left out of the effects, as "
                "R leaves out rows with NA; fill the column, or leave it out of the formula",
                without,
                documents,
                name,
            )
        if not pd.api.types.is_numeric_dtype(data[name]):
            stray = _stray_words(raw[name])
            if stray is not None:
                log.warning(
                    "effects.formula: %s holds numbers but for %s: it is read as categories (a term per value); "
                    "blank those cells for a number with missing values, or write C(%s) for categories",
                    name,
                    ", ".join(repr(v) for v in stray[:3]) + (" ..." if len(stray) > 3 else ""),
                    name,
                )


# a covariate whose variance inflation across the documents reaches this is named (the usual rule of thumb, Kutner
# et al. 2005: nine tenths of its variation is that of the others; two covariates correlated |r| >= 0.95)
INFLATED = 10.0


def _warn_correlated(matrix, doc_ids: np.ndarray, categories: set[str]) -> None:
    """Warn of each numeric term of the model ``matrix`` (a term of one factor whose columns are none of
    ``categories``: ``C(year)`` is categories) whose values across the documents (``doc_ids``: each row's, a
    document's values its first row's) the other such terms nearly determine: generalized variance inflation
    (Fox and Monette 1992; of a term of one column, its variance inflation; of a spline's columns, one figure for
    the term) of :data:`INFLATED` or more (GDP beside year; np.log(gdp) beside gdp, which a check of the raw
    columns, gdp read once, could not see: a hostile pass). Its effect is estimated with the others held fixed,
    from what little of it moves on its own, so its interval is wide and its estimate unstable; the fit is right,
    and said so, not refused. Interactions are left out: they move with their main effects by construction."""
    spec = matrix.model_spec
    blocks = {
        str(term): list(indices)
        for term, indices in spec.term_indices.items()
        if indices and len(term.factors) == 1 and str(term) != "1" and not (spec.term_variables[term] & categories)
    }
    if len(blocks) < 2:
        return
    _, first = np.unique(doc_ids, return_index=True)  # a document's covariates are its first unit's
    columns = [i for indices in blocks.values() for i in indices]
    values = np.asarray(matrix, dtype=float)[np.sort(first)][:, columns]
    if len(values) <= len(columns) + 1 or (values.std(axis=0) == 0).any():
        return
    standardized = (values - values.mean(axis=0)) / values.std(axis=0)
    # one determined by the others: the fit says so itself (its rank; not a small determinant: five national series
    # of variance inflation 1,000-15,000 have one of 1e-12 at full rank, and were said nowhere: a review)
    if np.linalg.matrix_rank(np.column_stack([np.ones(len(values)), standardized])) < len(columns) + 1:
        return
    correlation = np.corrcoef(values, rowvar=False)
    whole = np.linalg.slogdet(correlation)[1]
    position, where = 0, {}
    for term, indices in blocks.items():
        where[term] = list(range(position, position + len(indices)))
        position += len(indices)
    for term, own in where.items():
        rest = [j for j in range(len(columns)) if j not in own]
        log_ratio = np.linalg.slogdet(correlation[np.ix_(own, own)])[1] + np.linalg.slogdet(correlation[np.ix_(rest, rest)])[1]
        inflation = float(np.exp((log_ratio - whole) / len(own)))  # per column: a term of three judged as one of one
        if inflation < INFLATED:
            continue
        strength = {other: np.abs(correlation[np.ix_(own, theirs)]).max() for other, theirs in where.items() if other != term}
        partner = max(strength, key=strength.__getitem__)
        # r of two terms of one column each; a spline's columns move with another term together, not one by one (an r
        # of 0.60 beside an inflation of 208 read as a contradiction: a review)
        r = f"r = {correlation[own[0], where[partner][0]]:.2f}; " if len(own) == len(where[partner]) == 1 else ""
        log.warning(
            "effects.formula: %s moves with %s across the documents (%svariance inflation %s): effects.csv gives its "
            "effect with the others held fixed, which the data hardly separate: its interval is wide; leave one of "
            "them out, or read their effects together",
            term,
            partner,
            r,
            f"{inflation:.0f}",
        )


def _terms(formula: str) -> list[str]:
    """The formula's terms: its text cut at each + or - outside parentheses, stripped."""
    terms, depth, current = [], 0, ""
    for char in formula:
        depth += (char == "(") - (char == ")")
        if char in "+-" and depth == 0:
            terms.append(current.strip())
            current = ""
        else:
            current += char
    return [term for term in [*terms, current.strip()] if term]


def _named_in(text: str, name: str) -> re.Match | None:
    """Where ``text`` (a formula or one of its terms) first names the column ``name`` as a name of its own (not
    inside ``gdp_growth`` nor ``np.log``); None where it does not."""
    return re.search(rf"(?<![\w.]){re.escape(name)}(?![\w.])", text)


def _categories_alone(formula: str, name: str, numeric: bool) -> bool:
    """Whether ``formula`` uses column ``name`` only as categories of their own: the term ``name`` (text) or
    ``C(name)``, never inside an interaction or another function, where a category's column is no 0/1 indicator
    whose documents :func:`_thin_terms` can count."""
    uses = [term for term in _terms(formula) if _named_in(term, name)]
    alone = [term for term in uses if re.fullmatch(rf"C\(\s*{re.escape(name)}\s*\)", term) or (not numeric and term == name)]
    return bool(uses) and len(alone) == len(uses)


def _references(
    data: pd.DataFrame,
    names: list[str],
    formula: str,
    chosen: dict | None = None,
    raw: pd.DataFrame | None = None,
    held: tuple[np.ndarray, list[str]] | None = None,
    interacted: list | None = None,
) -> pd.DataFrame:
    """``data`` with each column among ``names`` that ``formula`` takes as categories alone (a text column, or
    ``C(column)`` of numbers; :func:`_categories_alone`) ordered so that its reference category (the first,
    which the other categories' terms are compared with) is the first in sorted order with two documents or more,
    when two categories have that many: a reference of one document has no variance of its own in errors
    clustered by document, and every contrast with it came out "significant" in 29-35% of simulated corpora
    without an effect (a hostile methods review; MacKinnon and Webb 2017). The one-document category keeps a
    term of its own, which is not estimated (:func:`_thin_terms`). In an interaction (``level:year``) the
    column keeps its sorted order: there the one-document category's term is a slope, which that check cannot see.
    ``chosen`` (effects.reference: column -> category) names a column's reference instead, in or out of an
    interaction; a category the column does not have, or a column that is no category of the formula, is refused.
    A column of numbers taken as categories (``C(tier)``) is named as ``raw`` (the columns before
    :func:`numeric_covariates`) writes it: its terms are C(tier)[T.02], not C(tier)[T.2.0]; categories written as
    numbers write them (C(year): 2019) stay numbers, whole ones integers (C(tier)[T.2]).

    ``held``: the shares modelled (members x rows of ``data`` x themes) and the themes' names. Of the categories of
    two documents or more, the reference is then the first that holds every theme (a share in one of its units in
    every member), else the one that holds the most: compared with a category whose documents lack a theme, every
    term and expected share of that theme runs off without end (separation), and none is estimated (31 provinces,
    the first of them without any security share: the theme's whole figure panel was empty, where another
    reference estimated 27 of its 31 points; a hostile pass). The choice of the reference changes no expected
    share, only which of them are estimable. A reference that still lacks a theme (none holds it, effects.reference
    names it) is warned of, naming a category that holds it; a column in an interaction keeps its sorted first,
    which may be no reference at all (``year:level`` gives every category a slope of its own): what a warning needs
    of it is added to ``interacted``, for :func:`_warn_interacted` once the design says."""
    import pandas as pd

    chosen = chosen or {}
    check_reference(formula, data, chosen, names)
    changed = {}
    # the documents the fit has: a category's, among the rows of no blank covariate (the design leaves the others
    # out); counted among all rows, a premier of four reports, three without a length, was the reference of one
    # document in the fit, and no premier was estimated (an adversarial review)
    complete = data[[name for name in dict.fromkeys(names) if name in data]].notna().all(axis=1)
    for name in dict.fromkeys(names):
        if name not in data:
            continue
        numeric = pd.api.types.is_numeric_dtype(data[name])
        reordered = name in chosen or _categories_alone(formula, name, numeric)
        if not (reordered or not numeric or _categorical(formula, name, data)):
            continue
        counts = data[complete].groupby(name, sort=True, observed=True)["doc_id"].nunique()
        levels = list(counts.index)
        labels = {level: str(level) for level in levels}
        if numeric:  # categories of numbers (C(tier)) named as the metadata writes them: 2 or 02, never 2.0
            labels = _number_labels(levels, data[name], None if raw is None else raw[name])
            if all(labels[level] == _number_text(level) for level in levels):  # as numbers write them: kept numbers
                labels = {level: int(level) if float(level).is_integer() else level for level in levels}
        lacking = {level: _lacking(held, (data[name] == level).to_numpy() & complete.to_numpy()) for level in levels}
        if reordered:
            first = _reference_level(name, counts, chosen, lacking, labels)
        else:  # in an interaction (level:year) the column keeps its sorted order
            first = levels[0]
            if interacted is not None:
                interacted.append((name, first, levels, counts, lacking, labels))
            if not numeric:  # a column of text: formulaic's own order is that
                continue
        order = [first, *(level for level in levels if level != first)]
        # a category of incomplete rows only is none of the fit's (those rows are left out): None
        values = [None if pd.isna(value) else labels.get(value) for value in data[name]]
        changed[name] = pd.Categorical(values, categories=[labels[level] for level in order])
    return data.assign(**changed) if changed else data


def _lacking(held: tuple[np.ndarray, list[str]] | None, rows: np.ndarray) -> list[str]:
    """The themes of ``held`` (shares: members x units x themes, and the themes' names) that some member gives no
    unit among ``rows`` (a boolean mask of the units) a share of; none without ``held``."""
    if held is None:
        return []
    shares, themes = held
    holds = (shares[:, rows, :] > 0).any(axis=1).all(axis=0)
    return [theme for theme, flag in zip(themes, holds) if not flag]


def _reference_level(name: str, counts: pd.Series, chosen: dict, lacking: dict, labels: dict):
    """The reference category of ``name`` (``counts``: its documents per category, sorted): effects.reference's,
    else, when two categories have two documents or more, the first of those that lacks the fewest themes
    (``lacking``: category -> the themes its documents lack, :func:`_lacking`), else the first. ``labels``: each
    category as the tables name it (a number of C(tier) as the metadata writes it, 02, not 2.0)."""
    levels = list(counts.index)
    said = {level: repr(labels[level]) for level in levels}
    if name in chosen:
        first = _chosen_level(name, chosen[name], levels)
        if counts[first] < 2:
            log.warning(
                "effects.reference: %s's reference %s has one document: the other categories' terms are compared "
                "with it, and a document-clustered error has no variance of its own there (they are not estimated)",
                name,
                said[first],
            )
        _warn_lacking(name, first, levels, counts, lacking, labels)
        return first
    enough = [level for level, n in zip(levels, counts.to_numpy()) if n >= 2]
    if len(enough) < 2:  # one category of two documents or more: no contrast to keep
        _warn_lacking(name, levels[0], levels, counts, lacking, labels)
        return levels[0]
    first = min(enough, key=lambda level: len(lacking.get(level, [])))  # the first of the fewest
    reason = "the first with two documents or more" + (
        "" if first == enough[0] else " that holds every theme" if not lacking.get(first) else " that lacks the fewest themes"
    )
    if first != levels[0] and counts[levels[0]] < 2:
        log.warning(
            "effects.formula: %s's first category %s has one document: the other categories are compared with %s "
            "(%s), and the term of %s is not estimated (effects.reference chooses another)",
            name,
            said[levels[0]],
            said[first],
            reason,
            said[levels[0]],
        )
    elif first != levels[0]:
        log.warning(
            "effects.formula: %s's first category %s has no share of %s in its documents (in one model of the ensemble "
            "or more), which made every term of %s not estimable (separation): the other categories are compared "
            "with %s (%s; effects.reference chooses another)",
            name,
            said[levels[0]],
            _themes_named(lacking[levels[0]]),
            "that theme" if len(lacking[levels[0]]) == 1 else "those themes",
            said[first],
            reason,
        )
    _warn_lacking(name, first, levels, counts, lacking, labels)
    return first


def _warn_interacted(interacted: list, references: dict[str, str]) -> None:
    """:func:`_warn_lacking` of each column of an interaction (``interacted``, as :func:`_references` noted them)
    whose first category some term of the design is compared with (``references``, :func:`term_references`)."""
    factors = {part.split(" = ")[0] for value in references.values() for part in value.split("; ")}
    for name, first, *rest in interacted:
        if any(re.fullmatch(rf"{re.escape(name)}|C\(\s*{re.escape(name)}\s*\)", factor) for factor in factors):
            _warn_lacking(name, first, *rest)


def _themes_named(themes: list[str], most: int = 4) -> str:
    """Up to ``most`` themes named, the rest counted."""
    rest = len(themes) - most
    return ", ".join(themes[:most]) + (f" and {rest} more" if rest > 0 else "")


def _as_toml(level) -> str:
    """A category as a config writes it: text quoted, a number as a number (2, not 2.0)."""
    import json

    return json.dumps(level, ensure_ascii=False) if isinstance(level, str) else _number_text(level)


def _warn_lacking(name: str, reference, levels: list, counts: pd.Series, lacking: dict, labels: dict) -> None:
    """Warn when the reference category ``reference`` of ``name`` lacks themes (``lacking``), naming a category of
    two documents or more that holds them where one does (``labels``: each category as the tables name it)."""
    missing = lacking.get(reference, [])
    if not missing:
        return
    holds = [level for level in levels if counts[level] >= 2 and not set(missing) & set(lacking.get(level, []))]
    log.warning(
        "effects: %s's reference category %s has no share of %s in its documents (in one model of the ensemble or "
        "more): compared with it, every term and expected share of %s is not estimable (separation); %s",
        name,
        repr(labels[reference]),
        _themes_named(missing),
        "that theme" if len(missing) == 1 else "those themes",
        f"effects.reference.{name} = {_as_toml(labels[holds[0]])} holds {'it' if len(missing) == 1 else 'them'}"
        if holds
        else f"no category of {name} with two documents or more holds {'it' if len(missing) == 1 else 'them all'}",
    )


def _number_labels(levels: list, values: pd.Series, raw: pd.Series | None) -> dict:
    """Each number of ``levels`` (a numeric column's categories; ``values``, the column) as text: as ``raw`` (the
    column as the metadata wrote it) writes it when it writes it one way (01, 2.5), else as the number, an integer
    without its decimals (2, not 2.0)."""
    import pandas as pd

    written: dict = {}
    if raw is not None:
        for value, cell in zip(values, raw):
            if pd.notna(value):
                written.setdefault(value, set()).add(str(cell).strip())
    return {level: next(iter(written[level])) if len(written.get(level, ())) == 1 else _number_text(level) for level in levels}


def _number_text(number) -> str:
    """A number as text, an integer without its decimals: 2, not 2.0."""
    return str(int(number)) if float(number).is_integer() else str(number)


def check_reference(formula: str, data: pd.DataFrame, chosen: dict, names: list[str]) -> None:
    """ToolkitError, one line, when effects.reference (``chosen``) names a column that is no categorical covariate
    of ``formula`` (among ``names``, its columns, in ``data``), or a category that column does not have in ``data``."""
    used = [name for name in dict.fromkeys(names) if name in data]
    data = numeric_covariates(data, used)  # as the fit reads the columns: a blank cell missing
    for name, category in chosen.items():
        if name not in names or name not in data or not _categorical(formula, name, data):
            raise ToolkitError(
                f"effects.reference names {name!r}, which is no categorical covariate of effects.formula {formula!r}; "
                "name a column the formula takes as categories (a text column, or C(column))"
            )
        level = _chosen_level(name, category, sorted(data[name].dropna().unique(), key=str))
        mine = data[name] == level
        if not (mine & data[used].notna().all(axis=1)).any():  # the fit leaves out a row without a value
            empty = [other for other in used if data.loc[mine, other].isna().all()]
            raise ToolkitError(
                f"effects.reference.{name} = {category!r}: none of its documents has a value of every column of "
                f"effects.formula ({', '.join(empty) or 'one of them'} empty in each), so the fit leaves them all out; "
                "choose another reference, or fill those cells"
            )


def modelled_reference(formula: str, units: pd.DataFrame, chosen: dict, names: list[str]) -> dict:
    """effects.reference (``chosen``) less each column whose chosen category has no unit of the model with a value
    of every column of ``formula`` (its documents hold no word of the vocabulary): warned of, that column's
    reference left to the rule of :func:`_references`. Checked before the fit on the documents
    (:func:`check_reference`), such a reference failed after it, the run's outputs lost."""
    used = [name for name in dict.fromkeys(names) if name in units]
    data = numeric_covariates(units, used)
    complete = data[used].notna().all(axis=1)
    kept = {}
    for name, category in chosen.items():
        levels = sorted(data.loc[complete, name].dropna().unique(), key=str) if name in data else []
        if any(_names_level(level, category) for level in levels):
            kept[name] = category
        else:
            log.warning(
                "effects.reference.%s = %r: none of its documents is in the model with a value of every column of the "
                "formula (their text holds no word of the vocabulary?): %s's reference is chosen as without "
                "effects.reference",
                name,
                category,
                name,
            )
    return kept


def _chosen_level(name: str, category, levels: list):
    """The level of ``levels`` (a column's categories) that effects.reference's ``category`` names, by its text (a
    number of C(tier) written 2 or "2"); ToolkitError naming the categories when there is none."""
    for level in levels:
        if _names_level(level, category):
            return level
    written = [_number_text(v) if isinstance(v, float) else str(v) for v in levels[:10]]  # 2, not 2.0
    shown = ", ".join(map(repr, written)) + (" ..." if len(levels) > 10 else "")
    raise ToolkitError(f"effects.reference.{name} = {category!r} is no category of {name} (it has {shown})")


def _names_level(level, category) -> bool:
    """Whether effects.reference's ``category`` names ``level`` (a category of a column): by its text, or a number by
    its value (2, 2.0 or "2" for C(tier)'s 2.0)."""
    return str(level) == str(category).strip() or _same_number(level, category)


def _same_number(level, category) -> bool:
    """Whether a number ``level`` (C(tier) of a column read as numbers: 2.0) is ``category`` (2, 2.0 or "2")."""
    if isinstance(level, bool) or not isinstance(level, (int, float, np.number)):
        return False
    try:
        return float(level) == float(str(category).strip())
    except ValueError:
        return False


def _categorical(formula: str, name: str, data: pd.DataFrame) -> bool:
    """Whether ``formula`` takes the column ``name`` of ``data`` as categories: a column of text, or C(name)."""
    import pandas as pd

    return not pd.api.types.is_numeric_dtype(data[name]) or re.search(rf"\bC\(\s*{re.escape(name)}\s*[,)]", formula) is not None


def check_covariates(
    formula: str, data: pd.DataFrame, covariates: list[str], *, design: bool = True, where: str = "in this corpus"
) -> str:
    """ToolkitError, one line, when a name of ``formula`` is none of ``covariates`` among ``data``'s columns, or
    has one value among ``data``'s rows (``where`` says which rows those are), or (with ``design``) when its model
    matrix on ``data`` cannot be built or is not finite or not defined for every row (``exp(year)``,
    ``np.log(center(year))``); else those columns, listed for a message."""
    allowed = [c for c in covariates if c in data]
    columns = ", ".join(allowed)[:200]
    unknown = [name for name in check_formula(formula) if name not in allowed]
    # a formula names a column as Python names things: 'city tier', 'city-tier', 'gdp.growth', 'gdp（亿元）' read as
    # other names (city, tier; gdp and a call), '2020gdp' as none
    unnamable = [c for c in allowed if unknown and not str(c).isidentifier() and unknown[0] in re.split(r"\W+", str(c))]
    if unnamable:
        raise ToolkitError(
            f"effects.formula {formula!r} cannot use the column {unnamable[0]!r}: {NAMING}, which a space or sign in a "
            f"name breaks apart; rename it in the metadata ({formula_name(unnamable[0])!r}) and use that name"
        )
    lowered = [c for c in allowed if unknown and str(c) == unknown[0].lower()]
    if lowered:  # metadata headers are read in lower case (Level is level)
        raise ToolkitError(
            f"effects.formula {formula!r} cannot be used: {unknown[0]!r} is no column; the metadata's column names are "
            f"read in lower case: write {lowered[0]!r}"
        )
    if unknown:
        raise ToolkitError(
            f"effects.formula {formula!r} cannot be used: {unknown[0]!r} is no column of the "
            f"documents; use columns of the documents ({columns})"
        )
    check_syntax(formula)
    _no_constant(formula, data, where)  # before the fit, not after it
    if design:
        read = numeric_covariates(data, check_formula(formula))
        _estimable(formula, _design(formula, read, columns), read, data, where)
    return columns


def _estimable(formula: str, matrix, read: pd.DataFrame, raw: pd.DataFrame, where: str) -> None:
    """ToolkitError when the model ``matrix`` (of ``read``, the covariates as the fit reads them from ``raw``, a row
    per document or unit with its doc_id) cannot be fitted: a term that the others determine, or as many coefficients
    as documents. The fit found it after the model had run, and the run then ended in a traceback (a hostile pass:
    poly(year, 4) on five documents, a date column or a stray 'n/a' read as a category per value)."""
    import pandas as pd

    X = np.asarray(matrix, dtype=float)
    # by label: the used documents keep the index of documents.csv, with gaps where a file was skipped (by position,
    # the first skipped file before a used one was an IndexError: an adversarial review)
    groups = raw.loc[matrix.index, "doc_id"].to_numpy() if "doc_id" in raw else matrix.index.to_numpy()
    scale = np.linalg.norm(X, axis=0)
    scale[scale == 0] = 1.0
    why = _collinear(X / scale, list(matrix.columns)) or _as_many_coefficients_as_documents(X, groups)
    if not why:
        return
    documents = len(np.unique(groups))
    hints = []
    for name in check_formula(formula):
        if name not in read or pd.api.types.is_numeric_dtype(read[name]):
            continue
        stray = _stray_words(raw[name])
        if stray is not None:
            hints.append(f"{name} holds numbers but for {', '.join(map(repr, stray[:3]))}, so it is read as a category per value")
        elif read[name].nunique() >= documents > 2:
            hints.append(f"{name} has a value per document (a date?), so as a category it is a term per document")
    hint = f" ({'; '.join(hints)})" if hints else ""
    raise ToolkitError(
        f"effects.formula {formula!r} cannot be estimated {where}: {why}{hint}; drop or coarsen that term, or set "
        "effects.formula = ''"
    )


def _no_constant(formula: str, data: pd.DataFrame, where: str) -> None:
    """Refuse a column of ``formula`` that has no value, or one value, among the rows of ``data`` the fit would
    keep: its cells read as the fit reads them (a blank cell of text is missing, :func:`numeric_covariates`) and
    the rows with a value of every column of the formula (a row without one is left out). Counted on the raw
    cells, a column blank on odd years had two values (x and the blank) and was refused later as a term that makes
    no column; one wholly blank had 'one value ()'."""
    names = check_formula(formula)
    read = numeric_covariates(data, names)
    complete = read[names].notna().all(axis=1)
    for name in names:
        values = read[name].dropna().unique()
        if not len(values):
            raise ToolkitError(
                f"effects.formula {formula!r} uses {name}, which has no value {where} (every cell empty): its effect "
                "cannot be estimated; fill the column, or drop it from the formula (or set effects.formula = '')"
            )
    if not complete.any():
        raise ToolkitError(
            f"effects.formula {formula!r}: no row {where} has a value of each of its columns ({', '.join(names)}), "
            "and a row without one is left out; fill the columns, or drop one from the formula"
        )
    for name in names:
        kept = read.loc[complete, name].unique()
        if len(kept) < 2:
            among = (
                ""
                if read[name].nunique() < 2
                else f", {int(complete.sum()):,} of {len(read):,} with a value of every column of the formula "
                "(the others are left out)"
            )
            raise ToolkitError(
                f"effects.formula {formula!r} uses {name}, which has one value {where} ({kept[0]}{among}): its effect "
                "cannot be estimated; drop it from the formula (or set effects.formula = '')"
            )


def _design(formula: str, data: pd.DataFrame, columns: str):
    """The model matrix of ``formula`` (its names checked by :func:`check_covariates`, which lists ``columns``)."""
    import formulaic

    used = check_formula(formula)
    names = [name for name in used if name in data]
    # a column named as a function the formula calls hides it (log(year) beside a column log: "'Series' object is
    # not callable"); only the formula's own columns are given to formulaic, so another column (or a theme's share
    # named scale) hides nothing
    called = called_functions(formula)
    hiding = [name for name in names if name in called]
    if hiding:
        raise ToolkitError(
            f"effects.formula {formula!r} cannot be used: its column {hiding[0]!r} has the name of the function "
            f"{hiding[0]}() it calls, which the column would hide; rename the column in the metadata "
            f"({hiding[0]}_value) and use that name"
        )
    # its columns estimated without making the matrix, so that one without end is refused before it is made
    width = columns_estimate(formula, data)
    if width > MAX_COLUMNS:
        raise ToolkitError(
            f"effects.formula {formula!r} would make a matrix of about {width:,} columns, above the limit of "
            f"{MAX_COLUMNS:,}; use fewer or coarser terms (a spline's degrees of freedom, a categorical column's "
            "levels and an interaction's factors multiply)"
        )
    try:  # an empty context: the formula's names are the data's columns and formulaic's transforms, nothing else
        with np.errstate(all="ignore"):  # a term that overflows is refused below, by name
            matrix = formulaic.model_matrix(formula, data[names], context={})
    except Exception as exc:  # formulaic raises many kinds for a bad formula or an unknown column
        # the columns named when one is unknown; else a function's arguments are the trouble (log(year, 2) passed 2
        # to numpy as its output array: a hostile pass of the inference found the columns named for it)
        unknown = len(names) < len(used)
        fix = f"use columns of the documents ({columns})" if unknown else "check its functions' arguments, as bs(year, df=3)"
        raise ToolkitError(f"effects.formula {formula!r} cannot be used: {str(exc).splitlines()[0]}; {fix}") from None
    values = np.asarray(matrix, dtype=float)
    finite = np.isfinite(values).all(axis=0)
    if not finite.all():
        term = matrix.columns[int(np.argmin(finite))]
        raise ToolkitError(
            f"effects.formula {formula!r} cannot be used: its term {term} is not finite for some documents "
            "(too large, as exp(year), or log(0)); use a transform finite for every value of the column, "
            "e.g. exp(center(year))"
        )
    # formulaic drops a row whose term is undefined (NaN: the log of a negative number) as it drops a row
    # without a value: such documents would leave the model without a word
    present = data.index[data[names].notna().all(axis=1)] if names else data.index
    lost = present.difference(matrix.index)
    if len(lost):
        example = ", ".join(f"{name}={data.loc[lost[0], name]}" for name in names)
        raise ToolkitError(
            f"effects.formula {formula!r} cannot be used: it is undefined for {len(lost)} of {len(present)} documents "
            f"(e.g. {example}: the log or root of a value at or below zero?); use a transform defined for every "
            "value of the column"
        )
    # a term of no column (poly(year, 0)) is estimated as nothing, in silence: an intercept alone, or a term lost
    empty = [str(term) for term, indices in matrix.model_spec.term_indices.items() if not indices]
    if empty:
        raise ToolkitError(
            f"effects.formula {formula!r} cannot be used: its term {empty[0]} makes no column, so it estimates "
            "nothing; give it a column (poly(year, 2)) or drop it"
        )
    return matrix


def estimate_effects(
    units: pd.DataFrame,
    member_shares: np.ndarray,
    themes: list[str],
    formula: str,
    *,
    draws: int = 200,
    level: float = 0.95,
    random_state: int = 0,
    x: str = "year",
    covariates: list[str] | None = None,
    reference: dict | None = None,
):
    """Per theme and term: estimate, interval and p-value (pooled draws); and the expected share along ``x``
    (one curve per value of the first categorical covariate), as tidy tables.

    ``units``: the modelled units with doc_id, n_tokens and the covariates; ``member_shares``: members x units x
    (themes..., other); ``themes``: the named themes to model (the first ones of ``member_shares``);
    ``covariates``: the columns the formula may use (default: every column of ``units`` but the text, the
    shares and what the run computes, :data:`COMPUTED`); ``reference``: effects.reference. A theme
    whose model cannot be fitted has a row that says why; when none can be, a warning says so.
    """
    import pandas as pd
    import statsmodels.api as sm
    from scipy.special import expit

    if member_shares.ndim != 3 or member_shares.shape[1] != len(units):
        raise ToolkitError(
            f"estimate_effects: member_shares holds {member_shares.shape[1] if member_shares.ndim == 3 else '?'} units "
            f"(members x units x themes) and units {len(units)} rows: give the shares of exactly these units, in their "
            "order (a run's fitted.member_shares go with the units of the model, units[units.in_model])"
        )
    units = units.reset_index(drop=True)  # a unit's row in member_shares is its position, whatever its label
    computed = {*COMPUTED, *themes, OTHER}  # never a covariate: the shares modelled, and what the run derives
    allowed = [c for c in units.columns if c not in computed] if covariates is None else covariates
    used = [name for name in check_formula(formula) if name in allowed]
    raw, units = units, numeric_covariates(units, used)
    columns = check_covariates(formula, units, allowed, design=False)  # an unknown name is refused first
    _missing_and_mixed(units, used, raw)
    missing = unmeasured_in(member_shares[:, :, : len(themes)], themes)
    measured = [t for t, theme in enumerate(themes) if theme not in missing]
    held = (member_shares[:, :, measured], [themes[t] for t in measured])
    interacted: list = []
    units = _references(units, used, formula, reference, raw, held, interacted)
    matrix = _design(formula, units, columns)  # a term not finite, or not defined for every unit, is refused
    categories = {name for name in used if _categories_alone(formula, name, numeric=True)}
    categories |= {name for name in used if not pd.api.types.is_numeric_dtype(units[name])} | {"C"}
    _warn_correlated(matrix, units["doc_id"].to_numpy()[matrix.index.to_numpy()], categories)
    halves = _tested_against_one_half(matrix, formula)
    rows = matrix.index.to_numpy()
    X = np.asarray(matrix, dtype=float)
    terms = list(matrix.columns)
    references = term_references(matrix)
    _warn_interacted(interacted, references)
    weights = units["n_tokens"].to_numpy(dtype=float)[rows]
    groups = pd.factorize(units["doc_id"].to_numpy()[rows])[0]
    # the model is fitted on columns of unit length, its coefficients and covariance mapped back: a covariate in its
    # natural units (GDP in yuan, 1e13, beside year) made a design whose rank and inverse were lost to rounding
    scale = np.linalg.norm(X, axis=0)
    scale[scale == 0] = 1.0
    unit = X / scale
    collinear = _collinear(unit, terms) or _as_many_coefficients_as_documents(X, groups)
    indicators = _indicators(X)
    thin = _thin_terms(X, groups, terms, indicators)
    # directions no clustered error can judge, and (below) separating ones, are judged on the columns of unit length:
    # in the natural units a slope of GDP in yuan (1e12) is a 1e-12 part of a direction of unit length, below any
    # rounding threshold, and a separated slope was reported with a p of 8e-5 and an interval of zero width
    fitted_exactly = exactly_fitted(unit, groups)
    fitted_exactly /= np.maximum(np.linalg.norm(fitted_exactly, axis=0), 1e-300)
    exact = {term: EXACTLY_FITTED for term, flag in zip(terms, moves_along(np.eye(len(terms)), fitted_exactly)) if flag}
    exact = {term: reason for term, reason in exact.items() if term not in thin}
    rng = np.random.default_rng(random_state)
    tail = (1 - level) / 2
    grid, group_column, keys = _grid(units, matrix, x)
    if x and grid is None:
        log.warning(
            "effects.x = %s %s: no expected-share curve (effects_expected.csv and the figure); set "
            "effects.x to a covariate of effects.formula with two values or more, or to ''",
            x,
            "is not in effects.formula" if x not in matrix.model_spec.required_variables else "has one value in this corpus",
        )
    grid_X = np.asarray(matrix.model_spec.get_model_matrix(grid), dtype=float) if grid is not None else None
    cells = _cells(units.iloc[rows], grid, keys) if grid is not None else []
    effect_rows, expected_rows = [], []
    family = max(len(themes) - len(missing), 1)  # the p-values' Bonferroni family: each term over the measured themes
    for t, theme in enumerate(themes):
        if theme in missing or collinear:  # no share in any unit: nothing to regress; or no model to fit
            effect_rows.append(
                {"theme": theme, "term": "", "note": f"could not be fitted: {collinear}" if collinear else NOT_MEASURED}
            )
            continue
        pooled, problems = [], []  # t draws
        fitted = []  # each member's coefficients, standard errors and degrees of freedom
        for member in member_shares:
            y = np.clip(member[rows, t], 0.0, 1.0)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                try:
                    fit = sm.GLM(y, unit, family=sm.families.Binomial(), var_weights=weights).fit()
                    covariance, df = cr2(*working_regression(unit, y, np.asarray(fit.mu), weights), groups)
                except (ValueError, np.linalg.LinAlgError) as exc:
                    problems.append(str(exc).splitlines()[0])
                    continue
            if not np.all(np.isfinite(covariance)):
                problems.append("the covariance of the coefficients is not finite")
                continue
            covariance = (covariance + covariance.T) / 2  # symmetric to the last bit
            normal, chi = _draws(rng, covariance, draws, df)  # drawn on the columns of unit length, then mapped
            params = np.asarray(fit.params) / scale
            pooled.append(params + normal / chi / scale)
            covariance = covariance / np.outer(scale, scale)
            with np.errstate(invalid="ignore"):  # a negative variance (a term of one document) is NaN: not estimable
                errors = np.sqrt(np.diag(covariance))
            fitted.append((params, errors, np.asarray(df, dtype=float)))
        if not pooled:
            effect_rows.append({"theme": theme, "term": "", "note": f"could not be fitted: {problems[0]}"})
            continue
        pooled = np.concatenate(pooled)
        estimates, errors, dfs = (np.stack(part) for part in zip(*fitted))  # members x coefficients
        n_documents = int(groups.max() + 1)
        note = (NOTE if len(fitted) > 1 else ONE_MODEL_NOTE) + (
            f"; fewer than {FEW_DOCUMENTS} documents: small-sample (CR2) errors and degrees of freedom, wide intervals"
            if n_documents < FEW_DOCUMENTS
            else ""
        )
        separating = separating_directions(unit, np.clip(member_shares[:, rows, t], 0.0, 1.0))
        moved = moves_along(np.eye(len(terms)), separating)
        separated = {term: SEPARATING for term, flag in zip(terms, moved) if flag and term not in exact}
        why = {**separated, **exact, **thin}  # terms whose coefficient the data cannot estimate (the last reason wins)
        for j, term in enumerate(terms):
            values = pooled[:, j]
            row = {"theme": theme, "term": term, "reference": references.get(term, "")}
            row |= {"n_units": int(len(rows)), "n_documents": n_documents}
            row["members"] = len(pooled) // draws
            if term in why:
                effect_rows.append({**row, "note": f"not estimable: {why[term]}"})
                continue
            effect_rows.append(
                {
                    **row,
                    # the members' coefficients averaged: the mean of the t draws, whose variance is not finite
                    # at 1-2 degrees of freedom, moved with the seed (-3.4 to -0.03 for a slope of -0.17)
                    "estimate": float(estimates[:, j].mean()),
                    "low": _bound(tail, values, estimates[:, j], errors[:, j], dfs[:, j]),
                    "high": _bound(1 - tail, values, estimates[:, j], errors[:, j], dfs[:, j]),
                    "p_value": (p := p_value(estimates[:, j], errors[:, j], dfs[:, j])),
                    # np.minimum keeps a NaN p NaN (min(1.0, nan) is 1.0: p_value's own docstring's past bug)
                    "p_adjusted": float(np.minimum(1.0, p * family)),
                    "note": note + ("; no intercept: p tests a share of one half, not an effect" if term in halves else ""),
                }
            )
        if grid_X is not None:
            curves = expit(grid_X @ pooled.T)  # grid points x draws
            # the share at the members' averaged coefficients (effects.csv's estimates): the mean of the draws, on the
            # share scale of heavy-tailed t draws of few degrees of freedom, was up to 29 times it, and above its own
            # interval (a category of two documents: the figure's error bar then failed; a hostile pass)
            central = expit(grid_X @ estimates.mean(axis=0))
            unsure = _unsure_points(grid_X / scale, fitted_exactly, separating)
            held = (member_shares[:, rows, t] > 0).any(axis=0)  # the units that hold the theme in any member
            for i in range(len(grid)):
                # nor (by the grid) the curve of a category of one document, nor one of categories whose documents
                # all lack the theme
                covered = bool(grid["supported"].iloc[i]) and not unsure[i] and bool(held[cells[i]].any())
                expected_rows.append(
                    {
                        "theme": theme,
                        x: grid[x].iloc[i],
                        "group": str(grid[group_column].iloc[i]) if group_column else "",
                        "expected": float(central[i]) if covered else np.nan,
                        "low": float(np.quantile(curves[i], tail)) if covered else np.nan,
                        "high": float(np.quantile(curves[i], 1 - tail)) if covered else np.nan,
                        "supported": covered,
                    }
                )
    # the held values said once a theme's curve is drawn: not beside a formula that no theme could be fitted with
    _warn_fits(formula, themes, effect_rows, grid.attrs["held_outside"] if expected_rows else "")
    # the same columns whether or not any term was estimated (a table of reasons only had no estimate column)
    effects = pd.DataFrame(effect_rows)
    order = ["theme", "term", "reference", "n_units", "n_documents", "members", *ESTIMATE_COLUMNS, "note"]
    effects = effects.reindex(columns=[*order, *(c for c in effects.columns if c not in order)])
    # whole numbers where a theme's note-only row has none (nullable integers: 144 in effects.csv, not 144.000000)
    counts = [c for c in ("n_units", "n_documents", "members") if c in effects]
    # its columns even without a row (no curve: effects.x not in the formula, or no theme fitted): an empty
    # effects_expected.csv was one newline, which pandas and R refuse to read
    expected = pd.DataFrame(expected_rows, columns=["theme", x or "x", "group", "expected", "low", "high", "supported"])
    effects = effects.astype(dict.fromkeys(counts, "Int64"))
    effects.attrs["level"] = expected.attrs["level"] = level  # the coverage of the intervals, which the figure names
    expected.attrs["members"] = len(member_shares)  # the figure's title names the seeds only of several
    expected.attrs["categorical"] = bool(x) and x in keys  # the formula's categories (C(tier), C(year)): no line between
    expected.attrs["group"] = group_column  # the column whose categories the curves are: the figure's legend names it
    return effects, expected


def _warn_fits(formula: str, themes: list[str], effect_rows: list[dict], held_outside: str) -> None:
    """The warnings of the fits: the covariates held outside the documents of the curve's points (``held_outside``,
    from :func:`_grid`), the themes the formula could not be fitted with, or else the terms left out."""
    if held_outside:
        log.warning("%s", held_outside)
    failed = [row["theme"] for row in effect_rows if row.get("term") == "" and row["note"] != NOT_MEASURED]
    if failed:
        log.warning(
            "effects.formula %r could not be fitted for %s (%s): effects.csv says why%s; simplify the formula "
            "(fewer terms or degrees of freedom than documents)",
            formula,
            "any theme" if len(failed) == len(themes) else f"{len(failed)} of {len(themes)} themes",
            next(row["note"] for row in effect_rows if row["theme"] in failed),
            ", and theme_effects is not drawn" if len(failed) == len(themes) else "",
        )
    else:
        _warn_left_out(formula, effect_rows)


def _tested_against_one_half(matrix, formula: str) -> set[str]:
    """The columns of ``matrix`` whose p-values test a share of one half (log-odds 0), not an effect; a warning
    when there are any. With an intercept, none. Without one (year - 1) every column's: a slope through year 0 had
    p 1e-25 on every theme, in silence (a hostile pass of the effects). Where a category coded in full stands in for
    the intercept (0 + place + year: its columns sum to one in every unit), its levels' only: the other terms are
    effects as with an intercept, their estimates the same (a review: year's row was noted as testing one half)."""
    if "1" in {str(term) for term in matrix.model_spec.formula}:
        return set()
    X = np.asarray(matrix, dtype=float)
    columns = list(matrix.columns)
    in_full = {
        str(term): [columns[i] for i in indices]
        for term, indices in matrix.model_spec.term_indices.items()
        if indices and np.allclose(X[:, indices].sum(axis=1), 1.0)
    }
    if in_full:
        log.warning(
            "effects.formula %r has no intercept (- 1, 0 +): each level of %s in effects.csv is a share's log-odds "
            "whose p-value tests a share of one half, not a difference from a reference level (the other terms are "
            "effects as with an intercept); keep the intercept to test the differences",
            formula,
            ", ".join(in_full),  # the terms as written (place:level, not place: a review)
        )
        return {column for term in in_full.values() for column in term}
    log.warning(
        "effects.formula %r has no intercept (- 1, 0 +): each term's p-value in effects.csv tests a share of one "
        "half (log-odds 0), not the absence of an effect, and a number's curve in effects_expected.csv passes "
        "through a share of one half where the number is 0; keep the intercept",
        formula,
    )
    return set(columns)


def _warn_left_out(formula: str, effect_rows: list[dict]) -> None:
    """Warn of the terms the effects leave out (not estimable): every term of every theme, or some (a year term of a
    corpus whose one document of another year the model fits exactly was left blank in effects.csv, in silence)."""
    if effect_rows and not any("estimate" in row for row in effect_rows):
        judged = [row for row in effect_rows if row.get("term")]
        log.warning(
            "effects.formula %r: no term of any theme can be estimated (%s): effects.csv says why for each; use "
            "fewer terms, or more documents in each category",
            formula,
            judged[0]["note"].removeprefix("not estimable: ") if judged else NOT_MEASURED,
        )
        return
    left = [row for row in effect_rows if row.get("term") and str(row.get("note", "")).startswith("not estimable: ")]
    if not left:
        return
    # each term with the number of themes it is left out of: "place[T.丁], place[T.乙], place[T.甲] of 17 themes" read
    # as no place estimated for any theme, when 乙 and 甲 were left out of one and two (a hostile pass)
    themes_of: dict[str, set] = {}
    for row in left:
        themes_of.setdefault(str(row["term"]), set()).add(row["theme"])
    terms = sorted(themes_of, key=lambda term: -len(themes_of[term]))  # equals in the order they were first met
    n_themes = len({row["theme"] for row in effect_rows if row.get("term")})
    reasons = list(dict.fromkeys(row["note"].removeprefix("not estimable: ") for row in left))
    log.warning(
        "effects.formula %r: the term%s %s not estimated (%s%s): effects.csv says why for each",
        formula,
        "s" if len(terms) > 1 else "",
        ", ".join(f"{term} for {len(themes_of[term])} of {n_themes} themes" for term in terms[:5])
        + (" ..." if len(terms) > 5 else ""),
        reasons[0],
        f"; and {len(reasons) - 1} other reason(s)" if len(reasons) > 1 else "",
    )


def _bound(q: float, values: np.ndarray, estimates: np.ndarray, errors: np.ndarray, df: np.ndarray) -> float:
    """An end of a coefficient's interval: the exact quantile of its members' mixture (:func:`mixture_quantile`),
    or of its draws ``values`` where that has no value (an error of zero)."""
    exact = mixture_quantile(q, estimates, errors, df)
    return exact if np.isfinite(exact) else float(np.quantile(values, q))


def _draws(rng, covariance: np.ndarray, draws: int, df: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``draws`` deviations from the multivariate normal with the clustered ``covariance``, and the scales (draws x
    coefficients) that make coefficient j of ``normal / scale`` a draw of Student's t with ``df[j]`` degrees of
    freedom: one uniform per draw, through each coefficient's chi-square quantile, so the coefficients keep their
    correlation and each its own t (the degrees of freedom of CR2 differ by coefficient: a category of few documents
    has few). With few documents the normal called a year term without an effect significant at 5% in 25% of
    corpora of 5 documents and 13% of 10 (bench/effects_calibration.py)."""
    from scipy import stats

    normal = rng.multivariate_normal(np.zeros(len(covariance)), covariance, size=draws, method="eigh", check_valid="ignore")
    quantile = rng.uniform(size=draws)[:, None]
    df = np.asarray(df, dtype=float)[None, :]
    return normal, np.sqrt(stats.chi2.ppf(quantile, df) / df)


def term_references(matrix) -> dict[str, str]:
    """For each column of the model ``matrix`` that contrasts a category with another (treatment coding:
    ``level[T.b]``, ``year:C(tier)[T.3]``), the category it is compared with, as ``level = a`` (``; ``-joined for an
    interaction of two categorical factors); the others (numbers, splines, full-rank categories) have none."""
    from formulaic.transforms.contrasts import TreatmentContrasts

    bases = {  # the first level: a formula of the grammar (toolkit.analysis.formulas) cannot set another base
        str(factor): state.levels[0]
        for factor, state in matrix.model_spec.factor_contrasts.items()
        if isinstance(state.contrasts, TreatmentContrasts) and state.levels
    }
    out = {}
    for column in matrix.columns:
        pieces = re.split(r":(?![^\[]*\])", str(column))  # a colon inside a level's brackets is the level's
        named = [m[1] for piece in pieces if (m := re.fullmatch(r"(.+)\[T\..*\]", piece)) and m[1] in bases]
        if named:
            out[str(column)] = "; ".join(f"{factor} = {bases[factor]}" for factor in named)
    return out


def _collinear(X: np.ndarray, terms: list[str]) -> str:
    """Why the model matrix cannot be fitted when a term is a combination of the terms before it in this corpus (a
    place that determines its province: C(place) + C(province); a spline with more columns than years): their
    coefficients would be anything (±180,000 log-odds); '' when none is."""
    if np.linalg.matrix_rank(X) == X.shape[1]:
        return ""
    j = next(j for j in range(X.shape[1]) if np.linalg.matrix_rank(X[:, : j + 1]) <= j)
    return (
        f"its term {terms[j]} is determined by the terms before it in this corpus (a category nested in another, a "
        "column that repeats one, or more degrees of freedom than values)"
    )


def _as_many_coefficients_as_documents(X: np.ndarray, groups: np.ndarray) -> str:
    """Why the model cannot be judged when it has as many coefficients as documents or more (``year`` on two
    documents, ``year + pop`` on three): it fits each document's mean, so no residual is left between documents for
    an error clustered by them, which came out near zero (p-values of 1e-10 and 0 from three documents); ''
    otherwise."""
    n_documents = len(np.unique(groups))
    if n_documents > X.shape[1]:
        return ""
    return (
        f"{X.shape[1]} coefficients for {n_documents} documents leave no variation between documents to judge them by "
        "(an error clustered by document needs more documents than coefficients)"
    )


def _indicators(X: np.ndarray) -> list[int]:
    """The columns of ``X`` that mark a category (0 or 1; not the intercept, a number or a spline's column)."""
    return [j for j in range(X.shape[1]) if np.isin(X[:, j], (0.0, 1.0)).all() and not np.all(X[:, j] == 1)]


def _thin_terms(X: np.ndarray, groups: np.ndarray, terms: list[str], indicators: list[int]) -> dict[str, str]:
    """The indicator terms (a category's column) with fewer than two documents on either side: a standard error
    clustered by document has no variance of its own for them (MacKinnon and Webb 2017), so a level of one document
    came out "significant" in 55% of simulated corpora without an effect."""
    out = {}
    for j in indicators:
        inside = len(np.unique(groups[X[:, j] == 1]))
        outside = len(np.unique(groups[X[:, j] == 0]))
        if min(inside, outside) < 2:
            out[terms[j]] = f"{min(inside, outside)} document(s) {'have' if inside < 2 else 'lack'} it: {NO_OWN_VARIANCE}"
    return out


# documents below which effects.csv's note says the errors are small-sample ones, and the intervals wide: CR2 with
# each coefficient's degrees of freedom (toolkit.analysis.clustered) keeps a year term without an effect
# "significant" at 5% in 3.5% of corpora of 5 documents, 4% of 10, 7% of 23, 6% of 60 (bench/effects_calibration.py;
# CR1 against the normal: 25%, 13%, 10%, 8.5%), at the price of wider intervals
FEW_DOCUMENTS = 50
ESTIMATE_COLUMNS = ("estimate", "low", "high", "p_value", "p_adjusted")  # effects.csv's columns of an estimated term
# what effects.csv's note says of a term not estimated, as report.html's methods paragraph finds it
NO_OWN_VARIANCE = "a standard error clustered by document has no variance of its own for it"
EXACTLY_FITTED = (
    "it rests on documents the model fits exactly (their shares fitted by coefficients of their own), which leave no "
    "residual for a clustered error"
)
SEPARATION = "(separation)"


SEPARATING = (
    "the units holding the theme are told apart from those without it by the covariates alone (e.g. it is absent "
    f"from a category's documents, or present in one year's only, along a slope) {SEPARATION}: its log-odds are not "
    "finite"
)


def separating_directions(X: np.ndarray, shares: np.ndarray) -> np.ndarray:
    """Directions of the coefficients of ``X`` (coefficients x directions, each of unit length; none: no column)
    along which the fractional logit's likelihood of some member's ``shares`` (members x units) grows without end:
    (quasi-)separation (Albert and Anderson 1984; Konis 2007, as R's detectseparation finds it). A direction ``b``
    separates where ``x'b <= 0`` for every unit without the theme, ``x'b >= 0`` for every unit that is the theme
    alone, and ``x'b = 0`` for every unit between: the measurement gives exact zeros where a theme's keywords are
    absent, so a theme in one document of a category, along ``year * place``, sent the category's slope to 19
    log-odds a year with a p of 2e-6 (only a category's 0/1 column was checked). Read by linear programs on the
    design's distinct rows of each kind: one to tell whether any direction separates, then, where one does, two
    per coefficient to find those that move along one (a coefficient that none moves is estimable)."""
    p = X.shape[1]
    found = [np.zeros((p, 0))]
    # the programs read in an orthogonal basis of the design's columns, centred and scaled first, each of length
    # sqrt(units): a month number such as 202012, whose variation is 1e-5 of its size, hid a separating slope below
    # the solver's tolerance, and beside the intercept it is nearly the same column
    basis = _standardising(X)
    _, singular, vt = np.linalg.svd(X @ basis, full_matrices=False)
    keep = singular > singular[0] * 1e-10 if singular.size else singular > 0
    basis = basis @ (vt[keep].T / singular[keep] * np.sqrt(len(X)))  # coefficients b = basis @ c
    for member in np.atleast_2d(shares):
        without, alone, between = (
            np.unique(X[part], axis=0) @ basis for part in (member <= 0, member >= 1, (member > 0) & (member < 1))
        )
        if not len(without) and not len(alone):
            continue
        # the units between 0 and 1 hold x'b at 0: the programs run in the null space of their rows, where a
        # direction can lie at all (none, as a rule: then no program is needed; a category without the theme: its
        # own columns), and a coefficient that no direction there moves needs no program either
        free = _null_space(between, basis.shape[1])
        if not free.shape[1]:
            continue
        A_ub = np.vstack([without, -alone]) @ free
        if _separating(A_ub.sum(axis=0), A_ub) is None:  # no direction gains anything: every x'b is zero
            continue
        reach = basis @ free  # how each coefficient moves along the null space's directions
        for j in np.flatnonzero(np.abs(reach).max(axis=1) > 1e-12):
            for sign in (1.0, -1.0):
                z = _separating(-sign * reach[j], A_ub)
                if z is not None and abs(reach[j] @ z) > 1e-9:
                    direction = reach @ z
                    found.append((direction / np.linalg.norm(direction))[:, None])
    return np.concatenate(found, axis=1)


def _null_space(rows: np.ndarray, width: int) -> np.ndarray:
    """An orthonormal basis (width x k) of the vectors that ``rows`` send to zero (all of them for no row)."""
    if not len(rows):
        return np.eye(width)
    if len(rows) < width:  # zero rows change no null space, and give the SVD a full set of right vectors
        rows = np.vstack([rows, np.zeros((width - len(rows), width))])
    _, singular, vt = np.linalg.svd(rows, full_matrices=False)  # never the units x units left vectors
    rank = int((singular > singular[0] * 1e-10).sum()) if singular.size and singular[0] > 0 else 0
    return vt[rank:].T


def _standardising(X: np.ndarray) -> np.ndarray:
    """The coefficients' change of basis ``T`` (p x p) that makes each column of ``X @ T`` but a constant one centred
    (where ``X`` has a constant column to take its mean) and of unit spread: ``X @ T`` spans what ``X`` spans."""
    p = X.shape[1]
    T = np.eye(p)
    # a column of one value by equality (its std can be 1e-17, not 0: the intercept's of a design of unit columns)
    spread = np.where((X == X[:1]).all(axis=0), 0.0, X.std(axis=0))
    constant = [j for j in range(p) if spread[j] == 0 and X[0, j] != 0]
    for j in range(p):
        if spread[j] == 0:
            continue
        T[j, j] = 1 / spread[j]
        if constant:  # x_j - mean_j is x_j less mean_j / c times the constant column c
            T[constant[0], j] = -X[:, j].mean() / X[0, constant[0]] / spread[j]
    return T


def _separating(objective: np.ndarray, A_ub: np.ndarray) -> np.ndarray | None:
    """The solution ``z`` in [-1, 1] of the linear program min ``objective @ z`` with ``A_ub @ z <= 0``, when it
    separates (:func:`_separates`); None otherwise."""
    from scipy.optimize import linprog

    bounds = [(-1.0, 1.0)] * len(objective)
    result = linprog(objective, A_ub=A_ub, b_ub=np.zeros(len(A_ub)), bounds=bounds, method="highs")
    return result.x if result.status == 0 and _separates(A_ub, result.x) else None


def _separates(A_ub: np.ndarray, z: np.ndarray) -> bool:
    """Whether ``z`` separates: some unit's ``x'b`` clearly off zero, and every constraint held but for the solver's
    rounding, small beside it (a solution of rounding alone, where nothing separates, is not one)."""
    sides = A_ub @ z
    reach = float(np.max(-sides, initial=0.0))
    return reach > 1e-6 and float(np.max(sides, initial=0.0)) <= 1e-4 * reach


def _unsure_points(grid_X: np.ndarray, fitted_exactly: np.ndarray, separating: np.ndarray) -> np.ndarray:
    """The points of the grid without a band to draw: whose prediction moves along a direction that documents fit
    exactly, or that goes through a coefficient a separating direction moves. Those run off without end, and the
    clustered covariance of the others with them has no meaning: a district's curve of shares near 0.25 was drawn
    at 0.43 beside a city's separated slope, which moved the intercept and the slope the district's curve shares
    (where only a category's own columns run off, the other categories' curves are drawn)."""
    moved = (np.abs(separating) > 1e-9).any(axis=1) if separating.size else np.zeros(grid_X.shape[1], dtype=bool)
    return moves_along(grid_X, fitted_exactly) | (grid_X[:, moved] != 0).any(axis=1)


def _in_order(column: pd.Series) -> list:
    """The categories ``column`` holds, as an axis lists them: tiers of numbers (C(tier), now text: 2, 10) by
    their numbers, other categories in the order of the column's categories (the reference first), else as met."""
    import pandas as pd

    present = list(column.dropna().unique())
    if isinstance(column.dtype, pd.CategoricalDtype):
        present = [c for c in column.cat.categories if c in set(present)]
    numbers = as_numbers(pd.Series([str(c) for c in present], dtype=object))
    if len(present) and numbers.notna().all():
        return [present[i] for i in np.argsort(numbers.to_numpy(), kind="stable")]
    return present


def _cells(units: pd.DataFrame, grid: pd.DataFrame, keys: list[str]) -> list[np.ndarray]:
    """For each point of the ``grid``, the positions in ``units`` of the units of the categories it speaks for:
    those whose value of each of the ``keys`` (the grid's categorical columns: the group, and ``x`` when it is a
    category) is the point's."""
    out = []
    for i in range(len(grid)):
        mask = np.ones(len(units), dtype=bool)
        for key in keys:
            mask &= (units[key] == grid[key].iloc[i]).to_numpy()
        out.append(np.flatnonzero(mask))
    return out


def _within_reach(xs: np.ndarray, seen: np.ndarray, reach: float) -> np.ndarray:
    """Which of the grid's values ``xs`` a curve through the documents' values ``seen`` (sorted, unique) speaks of:
    those within their range and within ``reach`` of a document, in a span between two documents that the curve
    crosses whole, that is each of whose grid values is so. A span it does not cross whole it does not enter: a
    stub a year or two into two decades without documents is drawn as error bars that read as observations (1922
    and 1924 of documents in 1921, 1925 and 1928: a hostile pass of a century)."""
    if not len(seen):
        return np.zeros(len(xs), dtype=bool)
    after = np.searchsorted(seen, xs)  # the first document at or after each value
    at = (after < len(seen)) & (seen[np.minimum(after, len(seen) - 1)] == xs)
    nearest = np.min(np.abs(seen[None, :] - xs[:, None]), axis=1)
    near = (xs >= seen[0]) & (xs <= seen[-1]) & (nearest <= reach)
    between = ~at & (after > 0) & (after < len(seen))  # strictly inside the span before document ``after``
    broken = set(after[between & ~near].tolist())
    return near & ~(between & np.isin(after, list(broken)))


def _grid(units: pd.DataFrame, matrix, x: str):
    """Values of ``x`` across the range of the data (every year for year), one row per level of the first
    categorical covariate, the other covariates at their mean over the documents (numbers) or most frequent value
    (categories).
    ``supported`` is False where the curve would speak beyond its data: outside the range of ``x`` among the
    documents of that level, or (a number) farther from the nearest document than the usual spacing of the
    documents' values (the median gap, or a level's own when it has four values or more and they are spaced wider;
    along year at least 1), and in the whole of a span without documents the curve does
    not cross whole (:func:`_within_reach`): e.g. the years between two congresses a decade apart; a category that
    level has no document of. An ``x`` with a single value gives no
    grid (None). Also returned: the first categorical covariate's name ('' for none) and the grid's columns
    that name categories (that covariate, and ``x`` when it is one)."""
    import pandas as pd

    # in the formula's order (required_variables is a set, whose order followed the process's hash seed: the curves
    # were grouped by level in one run and by place in the next, a mutation audit)
    formula = str(matrix.model_spec.formula)

    def first_written(name: str) -> tuple[int, str]:
        found = _named_in(formula, name)
        return (found.start() if found else len(formula), name)

    variables = sorted((v for v in matrix.model_spec.required_variables if v in units.columns), key=first_written)
    if not x or x not in variables:
        return None, "", []
    # a column the formula reads as categories (C(year), C(tier) of numbers) is one: C(year) has no value between
    # its years, and C(tier) at tier's mean was silently the reference tier
    as_category = {v for v in variables if re.search(rf"\bC\(\s*{re.escape(v)}\s*[,)]", formula)}
    # two values (a 0/1 column) are two categories: a curve between them speaks of documents that do not exist
    numeric = pd.api.types.is_numeric_dtype(units[x]) and x not in as_category and units[x].nunique(dropna=True) > 2
    if units[x].nunique(dropna=True) < 2:
        return None, "", []
    xs = (
        np.arange(int(units[x].min()), int(units[x].max()) + 1)
        if numeric and x == "year"
        else np.linspace(units[x].min(), units[x].max(), 25)
        if numeric
        else np.sort(units[x].dropna().unique())
        if pd.api.types.is_numeric_dtype(units[x])
        else _in_order(units[x])
    )
    categorical = [v for v in variables if v != x and _is_category(units, v, as_category)]
    group = categorical[0] if categorical else ""
    levels = list(units[group].dropna().unique()) if group else [None]
    # the usual spacing of the corpus's documents along x (not of one level's: a level with documents in 2002 and
    # 2012 only spans a decade without any)
    spread = np.unique(units[x].dropna().to_numpy(float)) if numeric else np.zeros(0)
    # at least a year along year, whose grid is of whole years; along another number its own spacing, in any units
    # (a floor of 1 drew a curve across GDP's gap in trillions and none in billions: a mutation audit)
    floor = 1.0 if x == "year" else 0.0
    reach = max(float(np.median(np.diff(spread))), floor) if len(spread) > 1 else floor
    category = {v: _is_category(units, v, as_category) for v in variables if v not in (x, group)}  # else a number
    # held at the documents' mean (or most frequent category): a covariate is a document's, and its mean over
    # paragraphs weighed a long report's value by its length (a methodologist's pass: GDP held at 1378.7 where the
    # documents' mean is 1447.4)
    documents = units.drop_duplicates("doc_id")
    held = {v: documents[v].mode().iloc[0] if is_category else float(documents[v].mean()) for v, is_category in category.items()}
    # a category of x of one document in the corpus is no point of any curve, as one of the group (see _thin_terms)
    documents_of = {} if numeric else units.groupby(x, observed=True)["doc_id"].nunique().to_dict()
    rows, beyond = [], set()
    for level in levels:
        in_level = np.ones(len(units), dtype=bool) if level is None else (units[group] == level).to_numpy()
        values = units.loc[in_level, x].dropna()
        # a category of one document: its curve's interval would rest on one cluster (see _thin_terms)
        alone = level is not None and units.loc[in_level, "doc_id"].nunique() < 2
        seen = np.unique(values.to_numpy(float)) if numeric else set(values)
        # a level of four values or more spaced wider than the corpus's (groups whose documents interleave along x:
        # each of three groups has a third of the documents, three gaps apart) reaches its own usual spacing: with the
        # corpus's alone two places with documents across the whole range of GDP drew no point (a hostile pass of the
        # effects); fewer values say nothing of a level's spacing (2002 and 2012 is a decade without documents)
        own = float(np.median(np.diff(seen))) if numeric and len(seen) >= 4 else 0.0
        level_reach = max(reach, own)
        supported = _within_reach(np.asarray(xs, dtype=float), seen, level_reach) if numeric else None
        for i, value in enumerate(xs):
            # the point's documents: its level's of its category of x; along a number, its level's for a held number
            # and, for a held category, those near the point (within the reach of a curve)
            near = (
                in_level & (np.abs(units[x].to_numpy(float) - float(value)) <= level_reach)
                if numeric
                else in_level & (units[x] == value).to_numpy()
            )
            if numeric:
                row = {"supported": not alone and bool(supported[i])}
            else:
                row = {"supported": not alone and value in seen and documents_of.get(value, 0) >= 2}
            # the point's documents must hold each other covariate's held value within their own: premier's 朱镕基
            # (2000-2002) at year's mean 2011 was an extrapolation drawn as a supported share of 0.575 where his
            # documents hold 0.004, and along year the years of one premier were drawn with another's (the most
            # frequent) held (a hostile pass of the effects, and a review of its fix). A held number along a number is
            # checked against the level's range: the two or three reports near a year rarely span a mean length, which
            # varies within every premier's years all the same (a review of that fix)
            outside = [
                v
                for v, at in held.items()
                if row["supported"]
                and not _holds(units.loc[near if category[v] or not numeric else in_level, v], at, category[v])
            ]
            if outside:
                row["supported"] = False
                beyond.update(outside)
            row |= {v: value if v == x else level if v == group else held[v] for v in variables}
            rows.append(row)
    grid = pd.DataFrame(rows)
    grid.attrs["held_outside"] = (
        f"effects_expected.csv: the other covariates are held at "
        f"{', '.join(f'{v} = {_held_text(at)}' for v, at in held.items() if v in beyond)}, outside the documents of "
        f"some of its points along {x}, which are left out (not supported) rather than extrapolated; use effects.x = "
        f"{sorted(beyond)[0]}, or a formula whose covariates vary within each category"
        if beyond
        else ""
    )
    return grid, group, [*([group] if group else []), *([] if numeric else [x])]


def _holds(values: pd.Series, at, category: bool) -> bool:
    """Whether the documents' ``values`` of a covariate speak of the value ``at`` it is held at: among them (a
    category), or within their range (a number)."""
    values = values.dropna()
    if not len(values):
        return False
    if category:
        return bool((values == at).any())
    return bool(values.min() <= at <= values.max())


def _is_category(units: pd.DataFrame, name: str, as_category: set) -> bool:
    """Whether the grid holds ``name`` as a category (its most frequent value), not a number (its mean)."""
    import pandas as pd

    return name in as_category or not pd.api.types.is_numeric_dtype(units[name])


def _held_text(at) -> str:
    return f"{at:.6g}" if isinstance(at, float) else str(at)
