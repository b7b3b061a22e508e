"""toolkit: themes in Chinese policy texts and how they shift over time.

The public API, for notebooks and scripts (the CLI calls the same functions)::

    import toolkit
    result = toolkit.run("configs/seeds.toml", "runs/seeds")
    result.theme_by_year            # tidy table: year, theme, share, its interval (share_low, share_high),
                                    # the range over seeds, documents, units, tokens (docs/outputs.md)

Names are imported on first use, so ``import toolkit`` itself does no work.
"""

from __future__ import annotations

from ._lazy import lazy_getattr
from .pandas_options import public as _public

__version__ = "0.1.0"

_EXPORTS = {  # a name: its module, or "module:that module's name for it"
    "Config": "config",
    "ToolkitError": "errors",
    "load_corpus": "text.corpus",
    "Corpus": "text.corpus",
    "decode": "text.decoding",
    "Unreadable": "text.decoding",
    "Normalizer": "text.normalize",
    "to_simplified": "text.normalize",
    "split_units": "text.units",
    "Segmenter": "text.segment",
    "default_stopwords": "text.segment",
    "build_vocabulary": "text.vectorize",
    "document_term_matrix": "text.vectorize",
    "unit_counts": "text.vectorize",
    "register_model": "models",
    "build_model": "models",
    "model_class": "models",
    "fit_ensemble": "models",
    "TopicModel": "models.base",
    "LdaTopicModel": "models.lda",
    "NmfTopicModel": "models.nmf",
    "load_lexicon": "analysis.lexicon",
    "label_topics": "analysis.themes",
    "theme_shares": "analysis.themes",
    "word_themes": "analysis.lexicon",
    "keyword_ids": "analysis.lexicon",
    "seeded_eta": "analysis.seeding",
    "theme_by_year": "analysis.trends",
    "yearly_trends": "analysis.trends",
    "ShareModel": "analysis.trends",
    "plot_theme_shares": "output.plots",
    "plot_top_words": "output.plots",
    "save_figure": "output.plots",
    "plot_sweep": "output.plots",
    "plot_theme_area": "output.plots",
    "plot_theme_heatmap": "output.plots",
    "plot_document_themes": "output.plots",
    "plot_model_vs_keywords": "output.plots",
    "plot_change": "output.plots",
    "keyword_rates": "analysis.trends",
    "estimate_effects": "analysis.effects",
    "plot_effects": "output.plots",
    "plot_theme_periods": "output.plots",
    "plot_theme_groups": "output.plots",
    "plot_theme_validity": "output.plots",
    "plot_theme_words": "output.plots",
    "plot_term_counts": "output.plots",
    "plot_lexicon_sensitivity": "output.plots",
    "lexicon_coverage": "analysis.diagnostics",
    "candidate_terms": "analysis.terms",
    "join_phrases": "analysis.terms",
    "PairCounts": "analysis.terms",
    "term_counts": "analysis.terms",
    "kwic": "analysis.terms",
    "format_kwic": "analysis.terms",
    "count_terms": "explore",
    "concordance": "explore",
    "representative_passages": "analysis.evidence",
    "theme_words": "analysis.wording",
    "year_spans": "analysis.trends",
    "document_shares": "output.tables",
    "CoherenceStatistics": "analysis.evaluate",
    "top_words": "analysis.evaluate",
    "diversity": "analysis.evaluate",
    "stability": "analysis.evaluate",
    "evaluate_model": "analysis.evaluate",
    "sweep": "sweeps",
    "SweepResult": "sweeps",
    "run": "pipeline",
    "fit": "pipeline",
    "count_units": "pipeline",
    "normalize_file": "explore",
    "tokenize_file": "explore",
    "RunResult": "pipeline",
    "prepare": "text.preparation",
    "Prepared": "text.preparation",
    "load_inputs": "text.preparation",
    "make_normalizer": "text.preparation",
    "make_segmenter": "text.preparation",
    "UnitTokens": "text.tokens",
    "export_coding_sheets": "analysis.validation:export",
    "score_coding_sheets": "analysis.validation:score",
    "format_scores": "analysis.validation",
    "coder_agreement": "analysis.validation:agree",
    "data_path": "resources",
    "candidate_keywords": "analysis.lexicon_evidence",
}
__all__ = sorted(_EXPORTS)
# a name's module is imported when the name is first used; a function runs with pandas' computing options at their
# defaults (toolkit.pandas_options.public)
__getattr__ = lazy_getattr(globals(), _EXPORTS, _public)


def __dir__():
    return sorted([*globals(), *__all__])
