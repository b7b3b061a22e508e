"""The analysis as a chain of stages, and ``run(config, out_dir)``, the entry point of CLI and notebooks.

raw files -> documents -> normalised text -> units -> tokens -> vocabulary and counts -> models -> document-topic
shares -> themes -> yearly tables -> figures, tables and manifest. Each stage lives in its own module and takes
plain arguments; this module only reads the config and chains them.
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .analysis.lexicon import OTHER, keyword_counts, keyword_ids, keyword_themes
from .analysis.themes import dominant_themes, label_topics, theme_shares
from .analysis.trends import Trends, group_labels, yearly_trends
from .config import Config, as_config
from .errors import ToolkitError
from .output import atomic
from .processes import BackgroundJobs, available_workers
from .progress import collected_warnings, kept_interrupts, timed
from .resources import user_path
from .text.corpus import warn_skipped
from .text.preparation import Prepared, load_inputs, prepare, protected_paths
from .text.vectorize import unit_counts

log = logging.getLogger("toolkit")
TOP_WORDS = 20


@dataclass(repr=False)
class Fitted:
    """The fitted ensemble and what follows from it. ``models[0]`` (seeded with ``model.random_state``) is the
    one whose topics are shown; the theme shares are the mean over every member."""

    models: list
    vocabulary: list[str]
    counts: object  # sparse units x words, modelled units only
    in_model: np.ndarray  # bool per unit
    doc_topic: np.ndarray  # the first member's topic shares: modelled units x topics (the others' are not kept)
    topics: pd.DataFrame  # the first member's topics: labels, scores, top words
    shares: pd.DataFrame  # all units x (themes + other), mean over members; NaN for units not modelled
    member_shares: np.ndarray  # members x modelled units x (themes + other)
    sample: dict | None = None  # the sample the models were fitted on (None: every modelled unit)
    in_sample: np.ndarray | None = None  # bool per modelled unit: in that sample (the others folded in)

    @property
    def model(self):
        return self.models[0]

    def __repr__(self) -> str:
        return (
            f"Fitted({self.model.display_name}, {len(self.models)} member{'' if len(self.models) == 1 else 's'} of "
            f"{len(self.model.components_)} topics, {len(self.vocabulary)} words, "
            f"{int(np.sum(self.in_model))} of {len(self.in_model)} units modelled)"
        )


def count_units(prepared: Prepared, config: Config):
    """Vocabulary, counts of the units that have a vocabulary word, and which units those are (``vocab``;
    ``config``: a Config or a TOML config's path, as :func:`fit` takes it)."""
    v = as_config(config, "count_units")["vocab"]
    return unit_counts(
        prepared.tokens,
        min_df=v["min_df"],
        max_df=v["max_df"],
        max_terms=v["max_terms"],
        keep=prepared.lexicon.words if v["keep_lexicon"] else frozenset(),
    )


def fit(prepared: Prepared, config: Config, counted=None) -> Fitted:
    """The ensemble of models, topic labels and theme shares of every unit (``counted``: the result of
    ``count_units``, computed here when not given; ``config``: a Config or a TOML config's path)."""
    config = as_config(config, "fit")
    check_prepared_with(prepared, config)
    if counted is not None:
        _check_counted(prepared, counted)
    return _fit(prepared, config, counted)


def _fit(prepared: Prepared, config: Config, counted=None) -> Fitted:
    """:func:`fit` of a corpus prepared with ``config`` (a run's own: a word list saved after the run read it, which
    :func:`check_prepared_with` refuses to a caller who prepared with another version, ended the run at its fit,
    the tokens and lexicon being those read, as the manifest records them: a review)."""
    t = config["themes"]
    vocabulary, counts, in_model = counted or count_units(prepared, config)
    lexicon = prepared.lexicon
    keywords = keyword_ids(lexicon, vocabulary, t["match"])
    models, doc_topics, sample, in_sample = fit_on_sample(prepared, config, counts, in_model, keywords)
    warn_unconverged(getattr(models[0], "stop_", None))
    names = [*lexicon.names, OTHER]
    member_shares, topics, first = np.empty((len(models), counts.shape[0], len(names))), None, None  # filled, not stacked
    for i, (model, doc_topic) in enumerate(zip(models, doc_topics)):  # one member's topic shares at a time
        labels = label_topics(
            model.components_,
            vocabulary,
            lexicon,
            anchors=model.anchors_,
            top_n=t["top_n"],
            min_score=t["min_score"],
            match=t["match"],
            drawn=getattr(model, "drawn_words_", None),
        )
        member_shares[i] = theme_shares(doc_topic, labels["theme"].tolist(), lexicon.names).to_numpy()
        topics = labels if topics is None else topics
        first = doc_topic if first is None else first
        del doc_topic  # not held while the next member's shares are made
    from .analysis.evaluate import held_word_ids

    main, drawn = models[0].components_, getattr(models[0], "drawn_words_", None)
    top = [held_word_ids(row, TOP_WORDS, None if drawn is None else drawn[k]) for k, row in enumerate(main)]
    topics.insert(5, "top_words", [[vocabulary[j] for j in row] for row in top])
    topics.insert(6, "top_weights", [[float(main[k, j]) for j in row] for k, row in enumerate(top)])
    shares = pd.DataFrame(np.nan, index=range(len(prepared.units)), columns=names)
    shares.loc[in_model] = member_shares.mean(axis=0)
    return Fitted(models, vocabulary, counts, in_model, first, topics, shares, member_shares, sample, in_sample)


def warn_themes_outside_sample(
    counts, taken: np.ndarray, keywords: list[np.ndarray], names: list[str], anchors: np.ndarray
) -> None:
    """A warning naming the themes anchored to a topic (``anchors``: the fitted model's ``anchors_``) whose keywords
    occur in the corpus but in no unit of the fit's sample (``taken``): their topics were fitted without a keyword
    of theirs, so their shares come from folding the other units in alone (read as keyword counts); a larger
    sample takes them in. A model that anchors no topic to a theme (exploratory) has no such theme."""
    corpus = np.asarray(counts.sum(axis=0)).ravel()
    sampled = np.asarray(counts[taken].sum(axis=0)).ravel()
    anchored = {int(a) for a in np.asarray(anchors) if a >= 0}
    outside = [
        name
        for i, (name, ids) in enumerate(zip(names, keywords))
        if i in anchored and corpus[ids].sum() > 0 and sampled[ids].sum() == 0
    ]
    if outside:
        log.warning(
            "themes without a keyword in the fit's sample of %d of %d units: %s (their keywords occur only in the "
            "units folded in, so their topics were fitted without them and their shares rest on the fold-in "
            "alone); raise model.sample_tokens",
            int(taken.sum()),
            len(taken),
            ", ".join(outside),
        )


def warn_unconverged(stop: dict | None) -> None:
    """A warning when the chains' convergence check was not met, or not made
    (:func:`toolkit.models.keyatm.convergence_problem`; ``stop``: the fitted model's ``stop_``, None for a model
    that has no check)."""
    from .models.keyatm import convergence_problem

    problem = convergence_problem(stop)
    if problem:
        log.warning("%s", problem)


def check_prepared_with(prepared: Prepared, config: Config) -> None:
    """Refuse a config that would have prepared another corpus than ``prepared`` (another lexicon, unit size,
    segmenter option, text folder ...): its fit would be of the first config's corpus, labelled as the second's."""
    from .text.preparation import preparation_settings

    _check_lexicon_segmented(prepared)
    if not prepared.settings:
        return  # made by hand, not by prepare
    wanted = preparation_settings(config)
    for key, value in prepared.settings.items():
        if key.startswith("file:") and key in wanted and wanted[key] != value:
            raise ToolkitError(
                f"{key.removeprefix('file:')} has changed since the corpus was prepared (the lexicon, a word list or "
                "the metadata edited?); prepare it again (toolkit.prepare(config)) before fitting"
            )
        if wanted.get(key) != value:
            raise ToolkitError(
                f"the corpus was prepared with {key} = {value!r} and this config has {wanted.get(key)!r}; prepare it "
                "with this config (toolkit.prepare(config)) before fitting"
            )


def _check_lexicon_segmented(prepared: Prepared) -> None:
    """Refuse a lexicon given words or patterns that the corpus was not segmented with (``prepared.lexicon`` replaced
    in memory after :func:`prepare`): the segmenter cuts each keyword whole, so a new one was fitted as if absent
    from texts that hold it (a hostile pass of the API: 热带雨林式 counted 0, 3 in the texts)."""
    from .text.segment import Segmenter

    segmenter = prepared.segmenter
    if not isinstance(segmenter, Segmenter):
        return
    lexicon = prepared.lexicon
    new = sorted(lexicon.words - set(segmenter.extra_words))
    new += [p for theme in lexicon.themes for p in theme.patterns if p not in segmenter.keep_patterns]
    if new:
        shown = ", ".join(new[:5]) + (f" and {len(new) - 5} more" if len(new) > 5 else "")
        raise ToolkitError(
            f"the lexicon holds {len(new)} word(s) or pattern(s) the corpus was not segmented with ({shown}): it was "
            "changed after the corpus was prepared; write the change into the lexicon file and prepare again "
            "(toolkit.prepare(config)) before fitting"
        )


def _check_counted(prepared: Prepared, counted) -> None:
    """Refuse ``counted`` (:func:`count_units`' result, or a vocabulary of one's own with its counts) of other units
    than ``prepared`` holds, or whose counts and vocabulary do not go together: it failed with numpy's IndexError
    (notebook cells run out of order: a hostile pass of the API). Its vocabulary is the caller's to choose (not
    counted again: that cost the count ``counted`` saves)."""
    try:
        vocabulary, counts, in_model = counted
        units = len(in_model)
    except (TypeError, ValueError):
        raise ToolkitError("fit: counted must be what toolkit.count_units(prepared, config) returns") from None
    if units != len(prepared.tokens) or counts.shape != (int(np.sum(in_model)), len(vocabulary)):
        raise ToolkitError(
            f"fit: counted is of {units} units, the prepared corpus has {len(prepared.tokens)}: count the units of this "
            "prepared corpus (toolkit.count_units(prepared, config))"
        )


def fit_on_sample(prepared: Prepared, config: Config, counts, in_model: np.ndarray, keywords):
    """The ensemble's models, each member's shares of every modelled unit (an iterator: with a sample, a member's
    units are folded in as it is reached, so that one member's shares of a large corpus are held at a time), and a
    summary of the sample (None when the models saw every unit): above ``model.sample_above`` tokens the members
    are fitted on a sample of about ``model.sample_tokens`` tokens stratified by document, and the other units are
    folded in with their topics held fixed (:mod:`toolkit.analysis.sampling`)."""
    from .analysis.sampling import fold_in, sample_units
    from .models import build_model, fit_ensemble

    m = config["model"]
    lengths = np.asarray(counts.sum(axis=1)).ravel()
    if not m["sample_above"] or lengths.sum() <= m["sample_above"]:
        return (*fit_ensemble(m, counts, keywords=keywords), None, None)
    doc_ids = prepared.units["doc_id"].to_numpy()[in_model]
    taken = sample_units(doc_ids, lengths, m["sample_tokens"], m["random_state"])
    if taken.all():  # model.sample_tokens holds the whole corpus: the fit on every unit, said so
        log.info(
            "the sample of about %d tokens (model.sample_tokens) holds all %d of the corpus: fitted on every unit",
            m["sample_tokens"],
            int(lengths.sum()),
        )
        return (*fit_ensemble(m, counts, keywords=keywords), None, None)
    # what the model cannot be fitted to (fewer units than topics; for keyatm, than its themes and a free topic): a
    # problem of the sample is said as one (a review: "16 units are too few" of a corpus of 144 units sent the user to
    # find more documents), and one of the whole corpus too is the model's own error, fitted on every unit
    model = build_model(m, keywords=keywords, n_words=counts.shape[1], n_tokens=int(lengths[taken].sum()))
    if model.fit_problem(len(taken), counts.shape[1]):
        return (*fit_ensemble(m, counts, keywords=keywords), None, None)
    if problem := model.fit_problem(int(taken.sum()), counts.shape[1]):
        raise ToolkitError(
            f"the fit's sample holds {int(taken.sum())} of the {len(taken)} units (about {m['sample_tokens']} tokens, "
            f"model.sample_tokens), too few: {problem}; raise model.sample_tokens, or model.sample_above to fit on "
            "every unit"
        )
    models, fitted = fit_ensemble(m, counts[taken], keywords=keywords, n_tokens=int(lengths[taken].sum()))
    warn_themes_outside_sample(counts, taken, keywords, prepared.lexicon.names, models[0].anchors_)
    rest = np.flatnonzero(~taken)

    def doc_topics():
        for model, part in zip(models, fitted):
            shares = np.empty((counts.shape[0], part.shape[1]))
            shares[taken] = part
            shares[rest] = fold_in(model, counts, available_workers(m["n_jobs"]), rows=rest)
            yield shares

    sample = {
        "units": int(taken.sum()),
        "of_units": len(taken),
        "tokens": int(lengths[taken].sum()),
        "of_tokens": int(lengths.sum()),
        "documents": int(len(np.unique(doc_ids[taken]))),
    }
    log.info(
        "fitted on %d of %d units (%d of %d tokens), the rest folded in",
        sample["units"],
        sample["of_units"],
        sample["tokens"],
        sample["of_tokens"],
    )
    return models, doc_topics(), sample, taken


def unit_table(prepared: Prepared, fitted: Fitted) -> pd.DataFrame:
    """Every unit with its document's place and metadata columns, its token count, whether the model saw it
    (and, fitted on a sample, whether it was in it), its theme shares and its dominant theme."""
    corpus = prepared.corpus
    extra = [c for c in ("place", *corpus.metadata_columns) if c in corpus.documents.columns]
    units = prepared.units.join(corpus.documents.set_index("doc_id")[extra], on="doc_id")
    units["n_tokens"] = prepared.tokens.lengths()
    units["in_model"] = fitted.in_model
    if fitted.in_sample is not None:  # which units the models were fitted on, which folded in (a reviewer asks)
        in_sample = np.zeros(len(units), dtype=bool)
        in_sample[np.flatnonzero(fitted.in_model)[fitted.in_sample]] = True
        units["in_sample"] = in_sample
    units = pd.concat([units, fitted.shares], axis=1)
    units["dominant_theme"] = dominant_themes(fitted.shares)
    return units


def topic_table(units: pd.DataFrame, fitted: Fitted) -> pd.DataFrame:
    """unit_topics.csv: each modelled unit's share of every topic of the first ensemble member (the topics of
    topics.csv)."""
    table = pd.DataFrame(fitted.doc_topic, columns=[f"topic_{k + 1}" for k in range(fitted.doc_topic.shape[1])], copy=False)
    table.insert(0, "unit_id", units.loc[fitted.in_model, "unit_id"].to_numpy())
    return table


def modelled_units(units: pd.DataFrame) -> pd.DataFrame:
    """The rows of ``unit_table`` that the model saw, without their text (a copy of every unit's text is the
    largest thing a run could make: 600 MB at 200 million characters)."""
    return units.loc[units["in_model"].to_numpy(), units.columns.drop("text", errors="ignore")]


def trends(prepared: Prepared, fitted: Fitted, units: pd.DataFrame, keywords: np.ndarray, config: Config) -> Trends:
    """The yearly tables of a run (see :func:`toolkit.analysis.trends.yearly_trends`)."""
    tr, c = config["trends"], config["corpus"]
    # the years of the data within the corpus's window: a year before the first document or after the last is no
    # gap between documents (year_min = 1, year_max = 9999 wrote 180,000 rows of one year's data: a hostile pass)
    first, last = int(units["year"].min()), int(units["year"].max())
    window = (max(c["year_min"] or first, first), min(c["year_max"] or last, last))
    return yearly_trends(
        units,
        keywords,
        [*prepared.lexicon.names, OTHER],
        window=window,
        member_shares=fitted.member_shares,
        bootstrap=tr["bootstrap"],
        level=tr["level"],
        random_state=config["model"]["random_state"],
        change_from=tr["change_from"],
        change_to=tr["change_to"],
        periods=tr["periods"],
        by=tr["by"],
        compare=tr["compare"],
        dates=dict(zip(prepared.corpus.documents["doc_id"], prepared.corpus.documents["date"])),
    )


def document_columns(corpus) -> list[str]:
    """The columns a grouping (``trends.by``) or a formula (``effects.formula``) may use: the documents' year and
    place and the metadata's own columns, never a column the run computes (a theme's share, a unit's length)."""
    return ["year", "place", *corpus.metadata_columns]


def check_document_columns(corpus, config: Config, *, design: bool = True, measured=None) -> None:
    """ToolkitError, one line, when ``trends.by`` or a name of ``effects.formula`` is no column of the documents,
    or (with ``design``) when the formula cannot be computed on the used documents, or on those of them that
    ``measured`` names (the ids of the documents with a unit the model reads: the effects are estimated on
    those; see :func:`toolkit.analysis.effects.check_covariates`)."""
    from .analysis.effects import check_covariates

    allowed = document_columns(corpus)
    if measured is not None:
        used = corpus.used[corpus.used["doc_id"].isin(set(measured))]
        by, compare = config["trends"]["by"], config["trends"]["compare"]
        if by and compare and len(used) < len(corpus.used):  # before the fit: it said "no document has" after it
            from .analysis.trends import compared_groups, group_labels

            labels = group_labels(corpus.used[by])
            kept = set(group_labels(used[by]))
            for group in compared_groups(compare, list(dict.fromkeys(labels)), by):
                if group not in kept:
                    raise ToolkitError(
                        f"trends.compare: no document of {by} = {group!r} that the model measures (its documents hold "
                        "no vocabulary word: documents.csv's note); compare groups whose documents it measures"
                    )
        if config["effects"]["formula"] and len(used) < len(corpus.used):
            where = (
                f"among the {len(used):,} documents the model measures (of {len(corpus.used):,}: "
                "the others hold no vocabulary word)"
            )
            check_covariates(config["effects"]["formula"], used, allowed, design=design, where=where)
        return
    by, formula = config["trends"]["by"], config["effects"]["formula"]
    if by and by not in allowed:
        raise ToolkitError(
            f"trends.by = {by!r} is no column of the documents; use one of the metadata's columns ({', '.join(allowed)})"
        )
    if by:
        from .analysis.trends import compared_groups, warn_groups_written_apart

        groups = _group_names(corpus, by)
        if not design:  # once a run: at its first check, of the names (a review: twice)
            warn_groups_written_apart(groups, by)
        if config["trends"]["compare"]:  # before the fit, not after it
            compared_groups(config["trends"]["compare"], groups, by)
    if formula:
        _check_effects_columns(corpus, config, allowed, design=design)
    elif config["effects"]["reference"]:
        raise ToolkitError("effects.reference is set, but effects.formula is empty: give the formula it is a category of")


def _check_effects_columns(corpus, config: Config, allowed: list[str], *, design: bool) -> None:
    """:func:`check_document_columns` of effects.formula, effects.reference and effects.x on the used documents."""
    from .analysis.effects import check_covariates, check_reference
    from .analysis.formulas import check_formula

    formula, by = config["effects"]["formula"], config["trends"]["by"]
    check_covariates(formula, corpus.used, allowed, design=False)  # its names, then the reference's, then its matrix
    check_reference(formula, corpus.used, config["effects"]["reference"], check_formula(formula))
    if design:
        check_covariates(formula, corpus.used, allowed)
    x = config["effects"]["x"]
    if x and x not in allowed:  # a typo was warned of after the fit, a reference's refused before it (a hostile pass)
        named = [name for name in check_formula(formula) if name in allowed]
        raise ToolkitError(
            f"effects.x = {x!r} is no column of the documents; set it to a covariate of effects.formula "
            f"({', '.join(named)}), or to '' for no expected-share curve"
        )
    if not design:  # a category written two ways is two categories of the effects too (a review)
        from .analysis.effects import as_numbers
        from .analysis.trends import warn_groups_written_apart

        for name in dict.fromkeys(check_formula(formula)):
            cells = corpus.used[name].astype("string").fillna("").str.strip()
            if name != by and as_numbers(cells[cells != ""]).isna().any():  # a category: a cell not a number
                warn_groups_written_apart(_group_names(corpus, name), name, setting="effects.formula: column")


def covariate_effects(prepared: Prepared, fitted: Fitted, units: pd.DataFrame, config: Config):
    """effects.csv and the expected shares behind the effect figure (see :mod:`toolkit.analysis.effects`)."""
    from .analysis.effects import estimate_effects, modelled_reference
    from .analysis.formulas import check_formula

    e = config["effects"]
    modelled = modelled_units(units).reset_index(drop=True)
    reference = modelled_reference(e["formula"], modelled, e["reference"], check_formula(e["formula"]))
    return estimate_effects(
        modelled,
        fitted.member_shares,
        prepared.lexicon.names,
        e["formula"],
        draws=e["draws"],
        level=config["trends"]["level"],
        random_state=config["model"]["random_state"],
        x=e["x"],
        covariates=document_columns(prepared.corpus),
        reference=reference,
    )


def run_periods(config: Config, years) -> dict[str, list[int]]:
    """The periods of a run's tables by period: trends.periods, else spans of years (trends.spans)."""
    from .analysis.trends import year_spans

    tr = config["trends"]
    return tr["periods"] or year_spans(years, tr["spans"])


def passages(
    prepared: Prepared, fitted: Fitted, units: pd.DataFrame, config: Config, periods: dict[str, list[int]]
) -> pd.DataFrame:
    """passages.csv: the units that carry each theme and each topic most, overall and per period (see
    :func:`toolkit.analysis.evidence.representative_passages`)."""
    from .analysis.evidence import representative_passages
    from .analysis.lexicon import word_themes
    from .analysis.trends import period_of

    e, lexicon = config["evidence"], prepared.lexicon
    language = config["figures"]["language"]
    docs = prepared.corpus.documents.set_index("doc_id")
    needed = [c for c in ("unit_id", "doc_id", "year", "place", "n_tokens", "in_model", "text") if c in units]
    table = units[needed].join(docs[["title", "date"]], on="doc_id")  # not a copy of every share column
    scopes = period_of(table["year"].to_numpy(), periods)
    settings = dict(
        scopes=scopes,
        tokens=prepared.tokens,
        n=e["passages"],
        per_period=e["per_period"],
        min_tokens=e["min_tokens"],
        min_share=e["min_share"],
        per_document=e["per_document"],
    )
    theme_of = word_themes(lexicon, prepared.tokens.words, config["themes"]["match"])
    keywords: dict[str, set[str]] = {}
    for word, theme in theme_of.items():
        keywords.setdefault(theme, set()).add(word)
    names = [*lexicon.names, OTHER]
    by_theme = representative_passages(
        table, fitted.shares[names], {t: lexicon.label(t, language) for t in names}, kind="theme", keywords=keywords, **settings
    )
    # the modelled units' topic shares as they are (rows=), not copied into a table of every unit
    topic_shares = pd.DataFrame(fitted.doc_topic, columns=[f"topic_{k + 1}" for k in range(len(fitted.topics))], copy=False)
    topics = fitted.topics
    labels = {
        f"topic_{row.topic}": f"{row.topic}: {lexicon.label(row.theme, language)} ({' '.join(row.top_words[:3])})"
        for row in topics.itertuples()
    }
    # a topic's passages hold its theme's keywords (a free topic has none): its own top words were taken for keywords,
    # and the passages holding them ranked past the per-document limit (one document gave a free topic all five)
    of_theme = {f"topic_{row.topic}": keywords.get(row.theme, set()) for row in topics.itertuples() if row.theme != OTHER}
    by_topic = representative_passages(
        table, topic_shares, labels, kind="topic", keywords=of_theme, rows=np.flatnonzero(fitted.in_model), **settings
    )
    return pd.concat([by_theme, by_topic], ignore_index=True)


def wording(fitted: Fitted, units: pd.DataFrame, names: list[str], config: Config, periods: dict[str, list[int]]) -> pd.DataFrame:
    """theme_words.csv: each theme's top words per period (see :func:`toolkit.analysis.wording.theme_words`)."""
    from .analysis.trends import period_of
    from .analysis.wording import theme_words

    w = config["wording"]
    modelled = modelled_units(units)
    return theme_words(
        fitted.counts,
        fitted.vocabulary,
        modelled[names].to_numpy(),
        names,
        period_of(modelled["year"].to_numpy(), periods),
        list(periods),
        top_n=w["top_n"],
        min_count=w["min_count"],
    )


def tracked_terms(inputs, config: Config) -> tuple[pd.DataFrame, pd.DataFrame]:
    """term_counts.csv and kwic.csv of the terms in ``terms.track`` (see :func:`toolkit.analysis.terms.track_terms`)."""
    from .analysis.terms import track_terms
    from .text.preparation import normalized_terms, normalized_texts

    corpus = inputs.corpus
    extra = tuple(c for c in ("place",) if c in corpus.documents.columns)
    return track_terms(
        normalized_texts(corpus, inputs.normalizer, config["units"]["join_lines"]),
        normalized_terms(config["terms"]["track"], inputs.normalizer),
        cut=inputs.segmenter.cut,
        context=config["terms"]["context"],
        extra=extra,
    )


@dataclass
class LexiconEvidence:
    """What the corpus says about the lexicon (see :mod:`toolkit.analysis.lexicon_evidence`)."""

    candidates: pd.DataFrame  # candidate_keywords.csv
    sensitivity: pd.DataFrame  # lexicon_sensitivity.csv
    split_half: pd.DataFrame  # per theme and grouping: the held-out half of its keywords against its share
    structure: pd.DataFrame  # per theme: its keywords' two most separate groups and how far they are one subject


def lexicon_evidence(prepared: Prepared, fitted: Fitted, units: pd.DataFrame, config: Config) -> LexiconEvidence:
    """Candidate keywords, the free topics' suggested themes by the words that go with each theme's keywords
    (written into ``fitted.topics``), single-keyword sensitivity of the yearly (or group) shares, and the
    split-half check of each theme (keyword models only)."""
    from .analysis import lexicon_evidence as evidence

    lexicon, t = prepared.lexicon, config["themes"]
    keywords = keyword_ids(lexicon, fitted.vocabulary, t["match"])
    modelled = modelled_units(units)
    candidates = evidence.candidate_keywords(
        fitted.counts, fitted.vocabulary, keywords, lexicon.names, modelled["unit_id"].to_numpy()
    )
    scores = evidence.association_scores(
        fitted.model.components_,
        fitted.vocabulary,
        keywords,
        candidates,
        lexicon.names,
        top_n=t["top_n"],
        drawn=getattr(fitted.model, "drawn_words_", None),
    )
    best = scores.argmax(axis=1)
    topics = fitted.topics
    topics["suggested"] = [lexicon.names[b] if scores[k, b] >= t["min_score"] else OTHER for k, b in enumerate(best)]
    topics.insert(topics.columns.get_loc("suggested") + 1, "suggested_score", scores[np.arange(len(best)), best].round(6))
    by = config["trends"]["by"]
    groups = group_labels(modelled[by]) if by else modelled["year"].to_numpy()
    sensitivity = (
        evidence.keyword_sensitivity(
            fitted.counts, modelled[lexicon.names].to_numpy(dtype=float), keywords, fitted.vocabulary, lexicon.names, groups
        )
        if fitted.model.EXACT_MEMBERSHIP  # LDA's and NMF's shares do not follow a keyword's presence: no such reading
        else pd.DataFrame(columns=list(evidence.SENSITIVITY_COLUMNS))
    )
    split = pd.DataFrame(columns=["theme", "over", "r_split", "r_low", "r_high", "n", "keywords_a", "keywords_b"])
    if hasattr(fitted.model, "fold_in") and (fitted.model.anchors_ >= 0).any():
        split = evidence.split_half_agreement(
            fitted.model,
            fitted.counts,
            keywords,
            {"documents": modelled["doc_id"].to_numpy(), "years": modelled["year"].to_numpy()},
            n_jobs=available_workers(config["model"]["n_jobs"]),
            within={"paragraphs": modelled["doc_id"].to_numpy()},
        )
        split["theme"] = [lexicon.names[i] for i in split["theme"]]
    structure = evidence.theme_structure(fitted.counts, keywords, modelled["doc_id"].to_numpy(), fitted.vocabulary)
    return LexiconEvidence(candidates, sensitivity, split, structure)


def diagnose(
    prepared: Prepared,
    fitted: Fitted,
    units: pd.DataFrame,
    keywords: np.ndarray,
    yearly: Trends,
    evidence: LexiconEvidence,
    config: Config,
) -> pd.DataFrame:
    """themes.csv: per theme, what to read before trusting it (see :func:`toolkit.analysis.diagnostics.theme_diagnostics`),
    and a last row on ``other`` that says whether it outweighs the themes and where to look."""
    from .analysis.diagnostics import other_diagnostics, subject_free_words, theme_diagnostics

    lexicon = prepared.lexicon
    n_themes = len(lexicon.themes)
    anchors = fitted.model.anchors_
    if not (anchors >= 0).any():  # LDA, NMF: the topics labelled with each theme (themes.csv said none, every keyword lost)
        index = {name: i for i, name in enumerate(lexicon.names)}
        anchors = np.array([index.get(theme, -1) for theme in fitted.topics["theme"]])
    themes = theme_diagnostics(
        lexicon,
        fitted.vocabulary,
        fitted.model.components_,
        anchors,
        keyword_ids(lexicon, fitted.vocabulary, config["themes"]["match"]),
        modelled_units(units),
        keywords[fitted.in_model],
        yearly.agreement,
        fitted.member_shares[:, :, :n_themes],
        split_half=evidence.split_half,
        sensitivity=evidence.sensitivity,
        split_possible=hasattr(fitted.model, "fold_in"),
        subject_free=subject_free_words(),
        drawn=getattr(fitted.model, "drawn_words_", None),
    )
    modelled = modelled_units(units)
    few_units = len(modelled) - modelled["doc_id"].nunique() < 3  # what the check within documents needs
    unchecked = len(evidence.split_half) and "split_paragraphs_checks" in themes and not themes["split_paragraphs_checks"].any()
    if unchecked and not few_units and "keywords_split" in themes and (themes["keywords_split"] < 2).all():
        log.warning(
            "no theme has two of its keywords in this corpus's vocabulary, so none could be checked against held-out "
            "keywords (split-half) and none is validated (themes.csv: keywords_split, why); list more keywords per theme"
        )
    elif unchecked and few_units:
        log.warning(
            "the split-half check within documents could not be run (each document is one unit, or nearly: the units "
            "must outnumber the documents by three): the themes validated rest on the checks across documents and "
            "years only, which words that merely share a trend can pass; cut the documents into paragraphs (units.kind)"
        )
    themes = _with_structure(themes, evidence.structure)
    other, warning = other_diagnostics(
        modelled, yearly.yearly, fitted.topics, lexicon, groups=yearly.groups, by=config["trends"]["by"], periods=yearly.periods
    )
    if warning:
        log.warning("%s", warning)
    table = pd.concat([themes, pd.DataFrame([other])], ignore_index=True)
    # the themes' counts stay whole numbers where `other` has none (nullable integers: 45 in themes.csv, not 45.000000)
    counts = [c for c in themes.columns if themes[c].dtype.kind in "iu" and table[c].dtype.kind == "f"]
    return table.astype(dict.fromkeys(counts, "Int64"))


def _with_structure(themes: pd.DataFrame, structure: pd.DataFrame) -> pd.DataFrame:
    """themes.csv's rows with the columns of :func:`toolkit.analysis.lexicon_evidence.theme_structure` (one row per
    theme, in the same order), and a warning naming the themes that are composites of two subjects."""
    themes = pd.concat([themes.reset_index(drop=True), structure.reset_index(drop=True)], axis=1)
    # the clearest first (the lowest upper end of the interval): the five named in full are the five most apart
    composites = themes[themes["composite"].astype(bool)].sort_values("subjects_rho_high", kind="stable")
    if len(composites):
        named = [
            f"{row.theme} ({row.subject_a} | {row.subject_b}; rho {row.subjects_rho:.2f}, at most {row.subjects_rho_high:.2f})"
            for row in composites.head(5).itertuples()
        ]
        rest = [str(t) for t in composites["theme"].iloc[5:]]
        log.warning(
            "%d theme(s) have keywords in two groups that do not go together across paragraphs (themes.csv: "
            "subjects_rho, subject_a, subject_b): %s%s; two subjects, whose shares the theme adds up (split it in two, "
            "or read it as a composite on purpose), or two ways of writing one subject (the words say which)",
            len(composites),
            "; ".join(named),
            f"; and {', '.join(rest)}" if rest else "",
        )
    return themes


@dataclass(repr=False)
class RunResult:
    """Tables of a finished run (the same that were written to ``out_dir``). ``effects`` and ``expected_effects``
    (effects.csv and effects_expected.csv, None without effects.formula) keep what their files cannot: whether
    effects.x is a category (``expected_effects.attrs["categorical"]``, which :func:`plot_effects` reads)."""

    out_dir: Path
    documents: pd.DataFrame
    quality: pd.DataFrame
    units: pd.DataFrame
    topics: pd.DataFrame
    themes: pd.DataFrame
    theme_by_year: pd.DataFrame
    coverage: pd.DataFrame
    candidate_terms: pd.DataFrame
    manifest: dict
    prepared: Prepared
    fitted: Fitted
    trends: Trends
    effects: pd.DataFrame | None = None
    expected_effects: pd.DataFrame | None = None

    @property
    def warnings(self) -> list[str]:
        """The run's warnings, as report.html lists them (manifest.json's ``warnings``)."""
        return list(self.manifest.get("warnings", []))

    def __repr__(self) -> str:  # a line a notebook can show: the tables are the attributes (the default was 60,000 characters)
        used = int((self.documents["status"] == "used").sum()) if "status" in self.documents else len(self.documents)
        named = self.themes[self.themes["theme"] != "other"] if "theme" in self.themes else self.themes
        validated = int(named["validated"].fillna(False).astype(bool).sum()) if "validated" in named else 0
        years = pd.to_numeric(self.theme_by_year.get("year", pd.Series(dtype=float)), errors="coerce").dropna()
        span = f", years {int(years.min())}-{int(years.max())}" if len(years) else ""
        return (
            f"RunResult(out_dir={str(self.out_dir)!r}: {used} of {len(self.documents)} documents used, "
            f"{len(self.units)} units, {len(named)} themes ({validated} validated){span}, "
            f"{len(self.warnings)} warning{'' if len(self.warnings) == 1 else 's'})"
        )


def _group_names(corpus, by: str) -> list[str]:
    """The groups of trends.by ``by`` as the tables and the figures' legends name them (none without ``by``)."""
    from .analysis.trends import group_labels

    return list(dict.fromkeys(group_labels(corpus.used[by]))) if by else []


def figure_title(config: Config, model) -> str:
    """The name the figures of a run carry: the corpus's, and with any model but the measurement model (keyatm)
    that model's (LDA, seeded LDA, NMF, a plug-in's), so that its figures cannot pass for the measurement model's
    once they leave the report."""
    from .models import is_shipped

    name, kind = config["corpus"]["name"], config["model"]["kind"]
    if kind == "keyatm" and is_shipped(kind):  # not a class of the user's registered under its name
        return name
    seeded = "(种子词)" if config["figures"]["language"] == "zh" else " (seeded)"  # in the figures' language
    shown = model.display_name + (seeded if config["model"].get(kind, {}).get("seeded") else "")
    return f"{name} · {shown}" if name else shown


def default_out_dir(config: Config) -> Path:
    return Path("runs") / (config["corpus"]["name"] or "run")


def run(
    config: Config | str | Path,
    out_dir: str | Path | None = None,
    *,
    overrides=(),
    scheduler: str | None = None,
    drawing: BackgroundJobs | None = None,
) -> RunResult:
    """Run the whole analysis of ``config`` (a Config or a TOML path, with ``overrides`` applied: a list of
    ``section.key=value`` strings) and write it into ``out_dir``.

    ``out_dir`` defaults to ``runs/<corpus name>``. It must be new, empty or an earlier output of the toolkit,
    and outside every input; it is replaced only when the run succeeds. With ``scheduler`` (a Dask scheduler's
    address) the preparation's chunks and the fold-in of a sampled fit run on that cluster, with the same
    results. ``drawing``: the drawing workers, started beforehand by ``output.tables.drawing_workers`` with this
    config's ``[figures]`` (the command line starts them before it imports this module); by default the run starts
    its own. The run stops them either way.
    """
    from .processes import on_dask

    with on_dask(scheduler):
        return _run(config, out_dir, overrides, drawing)


def _run(config: Config | str | Path, out_dir: str | Path | None, overrides, drawing: BackgroundJobs | None) -> RunResult:
    from .analysis.diagnostics import (
        keyword_overlaps,
        lexicon_coverage,
        warn_broad_patterns,
        warn_idle_patterns,
        warn_keyword_overlaps,
        warn_pattern_conflicts,
        warn_unmeasured,
    )
    from .analysis.evaluate import evaluate_model
    from .analysis.terms import candidate_terms
    from .output import catalog
    from .output import tables as outputs

    config = as_config(config, "run", overrides)
    out_dir = user_path(out_dir, "run: out_dir") if out_dir is not None else default_out_dir(config)
    started = time.perf_counter()
    timings: dict[str, float] = {}
    with (
        atomic.output_folder(out_dir, protected_paths(config)) as work,
        kept_interrupts(),  # inside the folder's block: a kept interrupt ends the run before the folder is kept
        collected_warnings() as warned,
        # The figures are drawn in worker processes while the run goes on, each as soon as its tables exist;
        # leaving the block (an error) stops them before the folder is cleaned up.
        outputs.drawing_workers(config["figures"]) if drawing is None else drawing as drawing,
    ):
        # the resolved config first: a small write that finds a full or unwritable disk before any work
        atomic.write_text(work / "config.toml", config.to_toml(relative_to=Path(out_dir).absolute()))
        with timed(timings, "load"):
            inputs = load_inputs(config)
        warn_skipped(inputs.corpus.documents, counted="not analysed", run=True)
        check_document_columns(inputs.corpus, config, design=False)  # the names, before any work
        prepared = prepare(config, inputs)
        # the formula's values on the documents the model will see (preparation skips those left without text),
        # before the fit, not after it
        check_document_columns(prepared.corpus, config)
        timings.update(prepared.timings)
        with timed(timings, "vocabulary"):
            counted = count_units(prepared, config)
            # the keywords of every unit, before the fit: a lexicon pattern too slow on a word of the corpus ends the
            # run here, not after the fit (a hostile pass of the lexicon: the fit was lost)
            keywords = keyword_counts(prepared.tokens, prepared.lexicon, config["themes"]["match"])
            # so are the patterns' claims on other themes' words, which run each pattern on more words (a review)
            warn_pattern_conflicts(prepared.lexicon, counted[0], config["themes"]["match"])
        # the formula on the documents the model measures, those the effects are estimated on (a document whose
        # units hold no vocabulary word has none), before the fit, not after it
        check_document_columns(prepared.corpus, config, measured=prepared.units.loc[counted[2], "doc_id"])
        with timed(timings, "model"):
            fitted = _fit(prepared, config, counted)
        figures = outputs.FigureQueue(
            drawing,
            work / "figures",
            prepared.lexicon,
            config["figures"],
            title=figure_title(config, fitted.model),
            level=config["trends"]["level"],
            groups=_group_names(prepared.corpus, config["trends"]["by"]),
            by=config["trends"]["by"],
            terms=config["terms"]["track"],
        )
        themes = [*prepared.lexicon.names, OTHER]
        tables: dict = {"quality": prepared.quality}  # every table, once it is complete
        with timed(timings, "themes"):
            units = unit_table(prepared, fitted)
            keyword_theme = keyword_themes(keywords, prepared.lexicon.names)
            units.insert(units.columns.get_loc("dominant_theme") + 1, "keyword_theme", keyword_theme)
            tables["units"] = units
            tables["unit_topics"] = topic_table(units, fitted)
            tables["coverage"] = coverage = lexicon_coverage(
                prepared.lexicon, fitted.vocabulary, prepared.tokens, config["themes"]["match"]
            )
            warn_broad_patterns(prepared.lexicon, coverage, len(fitted.vocabulary))
            warn_idle_patterns(prepared.lexicon, coverage)
            tables["keyword_overlaps"] = overlaps = keyword_overlaps(
                prepared.lexicon,
                counted[0],
                counted[1],
                prepared.units.loc[counted[2], "text"],
                prepared.segmenter,
                config["themes"]["match"],
            )
            warn_keyword_overlaps(overlaps)
            warn_unmeasured(prepared.lexicon.names, fitted.member_shares)
            tables["candidate_terms"] = candidates = candidate_terms(
                prepared.pair_counts, known=prepared.segmenter.known_words, stopwords=prepared.segmenter.stopwords
            )
        with timed(timings, "trends"):
            yearly = trends(prepared, fitted, units, keywords, config)
            tables.update(yearly.tables())
        figures.offer(tables)
        with timed(timings, "lexicon evidence"):
            checks = lexicon_evidence(prepared, fitted, units, config)
            tables["topics"] = fitted.topics  # complete: lexicon_evidence wrote the free topics' suggested themes
            tables["themes"] = diagnostics = diagnose(prepared, fitted, units, keywords, yearly, checks, config)
            tables["candidate_keywords"] = checks.candidates
            tables["lexicon_sensitivity"] = checks.sensitivity
        figures.offer(tables)
        effects = None
        if config["effects"]["formula"]:
            with timed(timings, "effects"):
                effects = covariate_effects(prepared, fitted, units, config)
                tables.update({"effects": effects[0], "effects_expected": effects[1]})
        with timed(timings, "evidence"):
            periods = run_periods(config, units.loc[fitted.in_model, "year"])
            tables["passages"] = passages(prepared, fitted, units, config, periods)
            tables["theme_words"] = wording(fitted, units, themes, config, periods)
            if config["terms"]["track"]:
                tables["term_counts"], tables["kwic"] = tracked_terms(inputs, config)
        figures.offer(tables)
        with timed(timings, "evaluate"):
            metrics = evaluate_model(
                prepared.tokens, fitted.vocabulary, fitted.model.components_, getattr(fitted.model, "drawn_words_", None)
            )
        tables["documents"] = documents = outputs.documents_table(prepared.corpus.documents, units)
        unseen = documents.loc[outputs.unmodelled(documents, units), "path"].tolist()
        if unseen:
            log.warning(
                "%d used document(s) hold no word of the vocabulary (another language, numbers or punctuation "
                "only?) and count in no share: %s; documents.csv notes them",
                len(unseen),
                ", ".join(unseen[:3]) + (" ..." if len(unseen) > 3 else ""),
            )
        tables["document_themes"] = outputs.document_shares(
            units,
            documents,
            themes,
            member_shares=fitted.member_shares,
            bootstrap=config["trends"]["bootstrap"],
            level=config["trends"]["level"],
            random_state=config["model"]["random_state"],
        )
        # units.csv and RunResult.units: a theme not measured here (no share in any unit) empty, not zeros
        tables["units"] = shown_units = outputs.unmeasured_emptied(units, themes, fitted.member_shares)
        catalog.check_tables(tables, config)  # every table declared in toolkit/output/catalog.py
        with timed(timings, "figures"):
            figures.finish(tables)
        with timed(timings, "write"):
            outputs.write_tables(work, bom=config["output"]["excel_bom"], **tables)
            outputs.write_json(work / "metrics.json", metrics)
        if config["figures"]["ldavis"]:
            # here, not in a drawing worker: this process has imported what pyLDAvis needs (SciPy's statistics,
            # scikit-learn), which costs a fresh worker more than the page itself (1.2 against 1 CPU-s)
            from .output.ldavis import corpus_sums, write_ldavis

            with timed(timings, "ldavis"):
                write_ldavis(
                    work / "ldavis.html",
                    fitted.model.components_,
                    corpus_sums(fitted.doc_topic, fitted.counts),
                    fitted.vocabulary,
                    f"{fitted.model.display_name}: {len(fitted.model.components_)} topics",
                )
        with timed(timings, "figures (waiting for the workers)"):
            drawn = drawing.wait()
        # each job's own time, in its worker: what drawing costs, though it overlaps the rest of the run
        timings["figures (drawing, summed over workers)"] = round(sum(s for _, s in drawn), 3)
        timings["total"] = round(time.perf_counter() - started, 3)
        manifest = outputs.manifest(config, prepared, fitted, timings, work, metrics)
        manifest["warnings"] = list(dict.fromkeys(warned))
        outputs.write_json(work / "manifest.json", manifest)
        from .output.report import write_report

        write_report(work, config, manifest)
    log.info("wrote %s", out_dir)
    return RunResult(
        # absolute: a notebook's os.chdir after the run read another run's folder through a relative one (a hostile
        # pass of the API: an export from it, and pd.read_csv(result.out_dir / ...), took another run's tables)
        Path(os.path.abspath(out_dir)),
        documents,
        prepared.quality,
        shown_units,
        fitted.topics,
        diagnostics,
        yearly.yearly,
        coverage,
        candidates,
        manifest,
        prepared,
        fitted,
        yearly,
        *(effects if effects is not None else (None, None)),
    )
