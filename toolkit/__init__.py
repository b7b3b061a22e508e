"""toolkit: themes in Chinese policy texts and how they shift over time.

The public API, for notebooks and scripts (the CLI calls the same functions)::

    import toolkit
    result = toolkit.run("configs/seeds.toml", "runs/seeds")
    result.theme_by_year            # tidy table: year, theme, share, n_documents, n_units, n_tokens

Names are imported on first use, so ``import toolkit`` itself does no work.
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

_EXPORTS = {
    "Config": "config", "ToolkitError": "errors",
    "load_corpus": "corpus", "Corpus": "corpus", "decode": "decoding",
    "Normalizer": "normalize", "to_simplified": "normalize", "split_units": "units",
    "Segmenter": "segment", "default_stopwords": "segment",
    "build_vocabulary": "vectorize", "document_term_matrix": "vectorize", "unit_counts": "vectorize",
    "register_model": "models", "build_model": "models", "model_class": "models", "fit_ensemble": "models",
    "TopicModel": "models.base", "LdaTopicModel": "models.lda", "NmfTopicModel": "models.nmf",
    "load_lexicon": "themes", "label_topics": "themes", "theme_shares": "themes", "word_themes": "themes",
    "keyword_ids": "themes", "seeded_eta": "seeding", "theme_by_year": "trends", "yearly_trends": "trends",
    "ShareModel": "trends",
    "plot_theme_shares": "plots", "plot_top_words": "plots", "save_figure": "plots", "plot_sweep": "plots",
    "plot_theme_area": "plots", "plot_theme_heatmap": "plots", "plot_document_themes": "plots",
    "plot_model_vs_keywords": "plots", "plot_change": "plots",
    "keyword_rates": "trends", "estimate_effects": "effects", "plot_effects": "plots",
    "plot_theme_periods": "plots", "plot_theme_groups": "plots", "plot_theme_validity": "plots",
    "plot_theme_words": "plots", "plot_term_counts": "plots", "plot_lexicon_sensitivity": "plots",
    "lexicon_coverage": "themes", "candidate_terms": "terms", "join_phrases": "terms", "PairCounts": "terms",
    "term_counts": "terms", "kwic": "terms", "format_kwic": "terms", "count_terms": "pipeline",
    "concordance": "pipeline", "representative_passages": "evidence", "theme_words": "wording",
    "year_spans": "trends", "document_shares": "outputs",
    "CoherenceStatistics": "evaluate", "diversity": "evaluate", "stability": "evaluate",
    "evaluate_model": "evaluate",
    "sweep": "sweeps", "SweepResult": "sweeps",
    "run": "pipeline", "fit": "pipeline", "count_units": "pipeline", "normalize_file": "pipeline",
    "tokenize_file": "pipeline", "RunResult": "pipeline",
    "prepare": "preparation", "Prepared": "preparation", "load_inputs": "preparation",
    "make_normalizer": "preparation", "make_segmenter": "preparation", "UnitTokens": "tokens",
    "export_coding_sheets": "validation:export", "score_coding_sheets": "validation:score",
    "format_scores": "validation", "data_path": "resources", "candidate_keywords": "lexicon_evidence",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        module, _, attribute = _EXPORTS[name].partition(":")  # "module" or "module:its name for it"
        value = getattr(importlib.import_module(f".{module}", __name__), attribute or name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'toolkit' has no attribute {name!r}")


def __dir__():
    return sorted([*globals(), *__all__])
