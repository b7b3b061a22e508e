"""The checks of a theme: the lexicon's coverage of the corpus, and the validity rules behind themes.csv (what a
user reads before trusting a theme)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import numpy as np

from .lexicon import OTHER, Lexicon, theme_patterns, word_themes
from .lexicon_evidence import is_flat, pearson

if TYPE_CHECKING:
    import pandas as pd

log = logging.getLogger("toolkit")


def lexicon_coverage(lexicon: Lexicon, vocabulary: list[str], tokens, match: str = "exact") -> pd.DataFrame:
    """Every lexicon word, and every corpus word that a theme's pattern (or, with ``match='contains'``, a
    contained lexicon word) gives a theme: its theme, how it got it (``listed``, ``pattern``, ``contains``),
    whether it is in the model's vocabulary, its count and unit frequency.

    A word that never occurs, or falls outside the vocabulary, cannot pull its theme; this table shows it.
    ``tokens`` are the units' tokens (UnitTokens or lists of words).
    """
    import pandas as pd

    from ..text.vectorize import word_frequencies

    in_vocabulary = set(vocabulary)
    frequencies = word_frequencies(tokens)
    count, units = frequencies["count"].to_dict(), frequencies["n_units"].to_dict()
    rows = [(t.name, w, "listed") for t in lexicon.themes for w in t.words]
    listed = lexicon.words
    found = word_themes(lexicon, sorted(set(frequencies.index) - listed), match)
    pattern_words = word_themes(lexicon, sorted(found), "exact")
    rows += [(theme, w, "pattern" if w in pattern_words else "contains") for w, theme in sorted(found.items())]
    _warn_letter_case({w: t.name for t in lexicon.themes for w in sorted(t.words)}, count, {w: t for t, w, _ in rows})
    return pd.DataFrame(
        [
            {
                "theme": theme,
                "word": w,
                "source": source,
                "in_vocabulary": w in in_vocabulary,
                "count": int(count.get(w, 0)),
                "n_units": int(units.get(w, 0)),
            }
            for theme, w, source in rows
        ]
    )


def keyword_overlaps(lexicon: Lexicon, vocabulary: list[str], counts, texts, segmenter, match: str = "exact") -> pd.DataFrame:
    """The texts where a keyword of one theme runs into a keyword of another (创新驱动发展 and 发展战略 in
    创新驱动发展战略): the segmenter cuts each place into one of the two words at most, so a word added to one theme
    can take tokens of another's keyword (a hostile pass: 发展战略 added to development_mode took innovation's
    创新驱动发展 in silence). One row per such text where some place counted for one of the two themes and not the
    other: the two words with their themes, and the places counted for each (by the word the segmenter cut there, or,
    with ``match = "contains"``, one that holds a lexicon word); places cut into neither word (房地产业, a word of its
    own) measure neither theme and are left out. The keywords are the lexicon's words and the vocabulary's words its
    patterns match. ``counts``: the units' counts of ``vocabulary`` (units x words); ``texts``: those units' texts,
    each looked at where it holds one of a pair's words."""
    import pandas as pd

    theme_of = {word: theme.name for theme in lexicon.themes for word in theme.words}
    theme_of.update(word_themes(lexicon, [word for word in vocabulary if word not in theme_of], "exact"))
    pairs = _overlapping(theme_of, set(vocabulary))
    holding = _units_holding({word for pair in pairs.values() for word in pair}, vocabulary, counts)
    texts = list(texts)
    pieces: dict[int, list[str]] = {}  # a unit's words with their places, cut again where a pair's text is found
    themes_of_piece: dict[str, str] = {}
    rows = []
    for text, (word, other) in pairs.items():
        themes = (theme_of[word], theme_of[other])
        counted, units = [0, 0], 0
        for unit in np.union1d(holding.get(word, _NONE), holding.get(other, _NONE)):
            if text not in texts[unit]:
                continue
            if unit not in pieces:
                pieces[unit] = segmenter.pieces(texts[unit])
                new = {piece for piece in pieces[unit] if piece not in themes_of_piece}
                themes_of_piece.update(dict.fromkeys(new, ""))
                themes_of_piece.update(word_themes(lexicon, sorted(new), match))
            found = _counted_for(texts[unit], text, pieces[unit], themes_of_piece, themes)
            counted, units = [a + b for a, b in zip(counted, found)], units + (sum(found) > 0)
        if sum(counted):
            rows.append(
                {
                    "text": text,
                    "word": word,
                    "theme": themes[0],
                    "other_word": other,
                    "other_theme": themes[1],
                    "for_theme": counted[0],
                    "for_other_theme": counted[1],
                    "n_units": units,
                }
            )
    columns = ["text", "word", "theme", "other_word", "other_theme", "for_theme", "for_other_theme", "n_units"]
    table = pd.DataFrame(rows, columns=columns)
    order = np.lexsort((table["text"].to_numpy(dtype=str), -(table["for_theme"] + table["for_other_theme"]).to_numpy()))
    return table.iloc[order].reset_index(drop=True)


_NONE = np.zeros(0, dtype=np.int64)


def _overlapping(theme_of: dict[str, str], in_vocabulary: set[str]) -> dict[str, tuple[str, str]]:
    """Each text made of a keyword whose end is another theme's keyword's beginning (neither inside the other, the
    text no keyword itself, one of the two in the vocabulary: a place where neither is ever cut measures neither):
    the text -> the two words."""
    beginning: dict[str, list[str]] = {}  # each proper beginning of a keyword: the keywords that begin with it
    for word in theme_of:
        for k in range(1, len(word)):
            beginning.setdefault(word[:k], []).append(word)
    pairs: dict[str, tuple[str, str]] = {}
    for word in sorted(theme_of):
        for k in range(1, len(word)):
            for other in beginning.get(word[-k:], ()):
                text = word + other[k:]
                if (
                    theme_of[word] != theme_of[other]
                    and word not in other
                    and other not in word
                    and text not in theme_of
                    and (word in in_vocabulary or other in in_vocabulary)
                ):
                    pairs.setdefault(text, (word, other))
    return pairs


def _units_holding(words: set[str], vocabulary: list[str], counts) -> dict[str, np.ndarray]:
    """The rows of ``counts`` (units x ``vocabulary``) that hold each of ``words`` that is in the vocabulary."""
    columns = [j for j, word in enumerate(vocabulary) if word in words]
    by_word = counts[:, columns].tocsc()
    return {vocabulary[j]: by_word.indices[by_word.indptr[i] : by_word.indptr[i + 1]] for i, j in enumerate(columns)}


def _counted_for(unit: str, text: str, pieces: list[str], theme_of: dict[str, str], themes: tuple[str, str]) -> tuple[int, int]:
    """The places of ``text`` in ``unit`` (cut into ``pieces``) that the words cut over them count for the first of
    ``themes`` and not the second, and for the second and not the first."""
    ends = np.cumsum([len(piece) for piece in pieces])
    counted = [0, 0]
    start = unit.find(text)
    while start >= 0:
        first, last = np.searchsorted(ends, [start, start + len(text) - 1], side="right")
        over = {theme_of.get(piece, "") for piece in pieces[first : last + 1]}
        if (themes[0] in over) != (themes[1] in over):
            counted[themes[1] in over] += 1
        start = unit.find(text, start + len(text))
    return counted[0], counted[1]


def warn_keyword_overlaps(overlaps: pd.DataFrame) -> None:
    """Warn of the texts where keywords of two themes run into each other (:func:`keyword_overlaps`), each with the
    places counted for either theme."""
    if len(overlaps):
        log.warning(
            "keywords of two themes run into each other in %d string(s) of the texts (%d places), each place counted "
            "for the theme of the word cut there: %s%s; a word added to a theme can take another's places this way "
            "(keyword_overlaps.csv lists them; `toolkit kwic` shows them)",
            len(overlaps),
            int((overlaps["for_theme"] + overlaps["for_other_theme"]).sum()),
            ", ".join(
                f"{row.text} ({row.word} [{row.theme}] {row.for_theme}, {row.other_word} [{row.other_theme}] "
                f"{row.for_other_theme})"
                for row in overlaps.head(5).itertuples()
            ),
            " ..." if len(overlaps) > 5 else "",
        )


def _warn_letter_case(themes_of: dict[str, str], count: dict[str, int], covered: dict[str, str]) -> None:
    """Warn of lexicon words of Latin letters (``themes_of``: word -> its theme) that no token is but one in another
    letter case is (5g, the texts' 5G: normalisation folds width and script, not case; a hostile pass of user
    lexicons found 5g counted 0 times), unless the word's own theme has that form already (``covered``: each word
    a theme takes, listed or by a pattern such as (?i)5g, -> that theme). A form that is another theme's is named
    with it: the word matches nothing, and its texts count for that theme (the warning had been silent)."""
    cased: dict[str, list[str]] = {}
    for token in count:
        if token.isascii() and any(c.isalpha() for c in token):
            cased.setdefault(token.lower(), []).append(token)
    missed = {}
    for word, theme in themes_of.items():
        forms = cased.get(word.lower(), [])
        if count.get(word) or not forms or any(covered.get(form) == theme for form in forms):
            continue
        # the form to write first (no theme's keyword), the most frequent; else another theme's, named with it
        form = max(forms, key=lambda form: (form not in covered, count[form]))
        missed[word] = f"the texts have {form}" + (f", a keyword of {covered[form]}" if form in covered else "")
    if missed:
        log.warning(
            "%d lexicon word(s) occur only in another letter case (%s%s), so they match nothing: letter case counts; "
            "write them as the texts do (a form that is another theme's keyword counts for that theme)",
            len(missed),
            ", ".join(f"{word}: {said}" for word, said in list(missed.items())[:5]),
            " ..." if len(missed) > 5 else "",
        )


BROAD_PATTERNS = (50, 0.02)  # a theme's patterns matching more vocabulary words than both of these: warned of


def warn_broad_patterns(lexicon: Lexicon, coverage: pd.DataFrame, n_vocabulary: int) -> None:
    """Warn of each theme whose patterns, or whose words contained in others (``themes.match = "contains"``), give it
    more than :data:`BROAD_PATTERNS` words of the vocabulary (the load-time guard tries a few words of every subject
    only: "[^我\\d\\W].+" made 843 words one theme's keywords, a share of 0.965, without a word; 业 in contains mode
    made 188 words industry's, a share of 0.50, unsaid: a hostile pass of user lexicons)."""
    found = coverage[coverage["source"].isin(["pattern", "contains"]) & coverage["in_vocabulary"]]
    counts = found.groupby(["theme", "source"])["word"].nunique()
    limit = max(BROAD_PATTERNS[0], BROAD_PATTERNS[1] * n_vocabulary)
    for theme in lexicon.themes:
        n = int(counts.get((theme.name, "pattern"), 0))
        if n > limit:
            log.warning(
                "theme %s: its pattern(s) %s make %d words of the vocabulary (%.0f%%) its keywords (coverage.csv lists "
                "them, source pattern): a pattern that matches so much measures no subject; narrow it",
                theme.name,
                ", ".join(repr(p) for p in theme.patterns),
                n,
                100 * n / max(n_vocabulary, 1),
            )
        n = int(counts.get((theme.name, "contains"), 0))
        if n > limit:
            log.warning(
                "theme %s: %d words of the vocabulary (%.0f%%) contain one of its words and are its keywords with "
                "themes.match = contains (coverage.csv lists them, source contains): a word contained so widely (of "
                "one or two characters?) measures no subject; list longer words, or set themes.match = exact",
                theme.name,
                n,
                100 * n / max(n_vocabulary, 1),
            )


def warn_pattern_conflicts(lexicon: Lexicon, vocabulary: list[str], match: str = "exact") -> None:
    """Warn of the vocabulary words that a theme's pattern matches but another theme takes (its listed word, or the
    pattern of a theme listed before it: :func:`word_themes`): two themes claim them, and one counts them, unsaid
    (a hostile pass: 大力发展 went to innovation's pattern \\w+发展 and industry's 大力\\w+ took none of it, as a word
    listed in two themes is refused)."""
    patterns = theme_patterns(lexicon)
    if not patterns:
        return
    taken = word_themes(lexicon, vocabulary, match)
    lost: dict[str, list[str]] = {}
    for word, owner in taken.items():
        for pattern, name in patterns:
            if name != owner and pattern.fullmatch(word):
                lost.setdefault(f"[{name}] {pattern.pattern!r}", []).append(f"{word} ({owner})")
    for claim, words in lost.items():
        log.warning(
            "theme %s matches %d word(s) of the vocabulary that another theme takes (a listed word first, then the "
            "pattern of the theme listed first): %s%s; each counts for that theme only: list a word in the theme it "
            "belongs to, or narrow the pattern",
            claim,
            len(words),
            ", ".join(words[:5]),
            " ..." if len(words) > 5 else "",
        )


def warn_idle_patterns(lexicon: Lexicon, coverage: pd.DataFrame) -> None:
    """Warn of each theme's pattern that matches no word of the vocabulary, so it measures nothing: none of the texts'
    words (a pattern matches a whole word as the segmenter cut it, where ``kwic --regex`` finds a part of a text: a
    hostile pass's ``\\w+疫苗`` showed 4 lines in kwic and matched nothing in silence, 疫苗 a word of its own), or
    only words that ``vocab`` keeps out. ``coverage``: :func:`lexicon_coverage`, which lists every word of the texts a
    pattern matches."""
    occurring = coverage[coverage["count"] > 0]
    idle, outside = [], []
    for pattern, name in theme_patterns(lexicon):
        matched = occurring[[bool(pattern.fullmatch(word)) for word in occurring["word"]]]
        if matched.empty:
            idle.append(f"[{name}] {pattern.pattern!r}")
        elif not matched["in_vocabulary"].any():
            words = ", ".join(
                f"{row.word} ({row.n_units} unit{'s' if row.n_units > 1 else ''})" for row in matched.head(3).itertuples()
            )
            outside.append(f"[{name}] {pattern.pattern!r}: {words}{' ...' if len(matched) > 3 else ''}")
    if idle:
        log.warning(
            "%d lexicon pattern(s) match no word of the texts, so they measure nothing: %s%s; a pattern matches a whole "
            "word as the segmenter cut it (`toolkit tokens` shows a text's words), not a part of a text as "
            "`toolkit kwic --regex` does",
            len(idle),
            ", ".join(idle[:5]),
            " ..." if len(idle) > 5 else "",
        )
    if outside:
        log.warning(
            "%d lexicon pattern(s) match only words that the vocabulary leaves out, so they measure nothing: %s%s; a "
            "pattern's word needs vocab.min_df units (and at most vocab.max_df of them) to be in it, where a listed word "
            "is kept whatever its count (vocab.keep_lexicon): list the word, or lower vocab.min_df",
            len(outside),
            "; ".join(outside[:5]),
            " ..." if len(outside) > 5 else "",
        )


def warn_unmeasured(names: list[str], member_shares: np.ndarray) -> None:
    """Warn of the lexicon's themes (``names``, the first columns of ``member_shares``: members x units x topics'
    themes) without a share in any unit: none of their keywords is in the vocabulary, or no topic counts for them
    (LDA, NMF); they are left out of every comparison (a hostile pass of the lexicon: a theme of words the corpus
    never uses was said only in report.html's methods, the run quiet)."""
    from .trends import unmeasured_in

    absent = [name for name in names if name in unmeasured_in(member_shares[:, :, : len(names)], names)]
    if absent:
        log.warning(
            "%d of %d themes have no share in any unit here (none of their keywords in the vocabulary, or no topic "
            "counts for them: coverage.csv, topics.csv), so they are not measured and are left out of the "
            "comparisons: %s",
            len(absent),
            len(names),
            ", ".join(absent),
        )


VALIDATION_RULES = {
    "r_years": 0.5,
    "r_documents": 0.5,
    "keyword_weight": 0.9,
    "member_r": 0.8,
    "min_years": 5,
    "stopword_share": 0.5,  # most of a theme's keyword tokens words of every subject: a way of writing, no subject
}


def subject_free_words() -> set[str]:
    """The words the shipped stopword lists hold (stopwords-iso's Chinese list and the policy list: 发展, 工作, 推进,
    加快 ...), whatever ``segment.use_policy_stopwords`` says: words of every subject, by the lists' own account.
    Keywords made of them co-occur in the same list-like paragraphs and share the reports' trends, so a theme of
    them passed every other check (validated, and the largest share of a run, in a hostile review)."""
    from ..text.segment import default_stopwords

    return default_stopwords(policy=True)


SPLIT_LEVEL = 0.95  # the split-half check: at most (1 - SPLIT_LEVEL) / 2 of the checks it passes are false passes


def adjusted_split_half(split: pd.DataFrame, checked, level: float = SPLIT_LEVEL) -> tuple[pd.DataFrame, float, int]:
    """The split-half table (:func:`toolkit.analysis.lexicon_evidence.split_half_agreement`) with every interval
    at the level that controls false passes over the family of checks the validation reads (``checked(theme,
    over)``: the check across documents, and across years where a theme has enough years; or, in a family of
    their own, the checks within documents): Benjamini and
    Hochberg's procedure at q = (1 - ``level``) / 2 on the one-sided p-values of r > 0 (Fisher's z), shown as
    Benjamini and Yekutieli's (2005) false-coverage adjusted intervals, at the two-sided level 1 - 2 q R / m for
    R checks passed of m. The low end of a check's interval is above 0 exactly when the procedure passes it. On
    corpora of noise each theme passed one of its checks about 4% of the time, so with 17 themes a "validated"
    theme came out on half such corpora (3 of 6 in a review; 36% of simulated ones); now no check passes there
    97.5% of the time, and of the checks passed on any corpus at most 2.5% are false, on average. Returns the
    table, that level and m."""
    from scipy.stats import norm
    from statsmodels.stats.multitest import multipletests

    from .lexicon_evidence import pearson_interval

    split = split.copy()
    q = (1 - level) / 2
    r, n = split["r_split"].to_numpy(dtype=float), split["n"].to_numpy(dtype=float)
    family = np.array([bool(checked(t, o)) for t, o in zip(split["theme"], split["over"])], dtype=bool)
    family &= np.isfinite(r) & (n >= 4)
    p = norm.sf(np.arctanh(np.clip(r[family], -0.999999, 0.999999)) * np.sqrt(n[family] - 3))
    passed = int(multipletests(p, alpha=q, method="fdr_bh")[0].sum()) if len(p) else 0
    adjusted = 1 - 2 * q * max(passed, 1) / max(len(p), 1)
    bounds = [pearson_interval(value, int(size), adjusted) for value, size in zip(r, n)]
    split["r_low"] = [low for low, _ in bounds]
    split["r_high"] = [high for _, high in bounds]
    return split, adjusted, len(p)


def split_families(split: pd.DataFrame, checked) -> tuple[pd.DataFrame, float, int, float, int]:
    """The split-half table with the checks across documents and years (``checked(theme, over)``) adjusted as one
    family and the checks within documents (``over`` "paragraphs") as another (:func:`adjusted_split_half`):
    in one family, the many passes of the checks within documents (hundreds of paragraphs each) raised the level
    of the others, and so could validate a theme the checks across documents alone failed. Returns the table,
    and each family's level and number of checks."""
    import pandas as pd

    across, level, checks = adjusted_split_half(split, lambda theme, over: over != "paragraphs" and checked(theme, over))
    within, within_level, within_checks = adjusted_split_half(split, lambda theme, over: over == "paragraphs")
    within_level = within_level if within_checks else float("nan")  # no family: no level (one unit per document)
    table = pd.concat([across[across["over"] != "paragraphs"], within[within["over"] == "paragraphs"]])
    return table.reset_index(drop=True), level, checks, within_level, within_checks


def _members_agree(x: np.ndarray, y: np.ndarray) -> float:
    """Pearson's r of two ensemble members' unit shares of a theme; 0 where one member has the theme nowhere (or the
    same everywhere) and the other varies: they do not agree (an NMF run's livelihood, a theme in one member of three,
    had no r at all, and its seed check was passed in silence); NaN where neither varies."""
    ok = np.isfinite(x) & np.isfinite(y)
    flat = [is_flat(v[ok]) if ok.any() else True for v in (x, y)]  # equal to rounding, as pearson judges it
    if flat[0] != flat[1]:
        return 0.0
    return pearson(x, y)


def theme_diagnostics(  # noqa: PLR0913 (one table from every check of a theme)
    lexicon: Lexicon,
    vocabulary: list[str],
    components: np.ndarray,
    anchors: np.ndarray,
    keywords: list[np.ndarray],
    units: pd.DataFrame,
    keyword_counts: np.ndarray,
    agreement: pd.DataFrame,
    member_shares: np.ndarray | None = None,
    split_half: pd.DataFrame | None = None,
    sensitivity: pd.DataFrame | None = None,
    split_possible: bool = True,
    subject_free: set[str] = frozenset(),
    drawn: np.ndarray | None = None,
) -> pd.DataFrame:
    """What a user reads before trusting a theme, one row per theme.

    ``components``/``anchors``: the (first) fitted model's topics and the theme each is anchored to (or, for a
    model without anchors, labelled with: its topics together are the theme's, ``topic`` the first of them);
    ``keywords``: each theme's vocabulary ids; ``units``: the modelled units with doc_id, n_tokens and one share
    column per theme; ``keyword_counts``: their keyword tokens per theme; ``agreement``: the correlation across
    years of each theme's share with its keyword rate (theme, pearson_r, n_years); ``member_shares``: each
    ensemble member's shares of the units (members x units x themes); ``split_half``: the held-out half of each
    theme's keywords against the share measured from the other half (:func:`toolkit.analysis.lexicon_evidence.
    split_half_agreement`, theme names); ``sensitivity``: single-keyword shifts (:func:`toolkit.analysis.lexicon_evidence.
    keyword_sensitivity`); ``split_possible``: whether the model can fold held-out text in, as the split-half check
    needs (keyatm; not LDA seeded with the lexicon, whose themes are then not validated, and say so);
    ``drawn``: a sampled model's ``drawn_words_`` (the words each topic drew: a keyword is kept, and a word is
    among the top words, only where the topic drew it, not where its keyword prior alone lifts it).

    Columns: the theme's topic (0 when none) and its top words; its keywords listed, in the vocabulary, kept
    (the topic is each one's most likely topic) and lost (absent from the vocabulary, or more likely in another
    topic); ``keyword_weight``, the share of the topic's top-20 word weight on its own keywords (near 1: the
    topic is only its keywords, keyword counting rather than a topic); the theme's share; ``r_years`` and
    ``r_documents``, the correlation of its share with its keyword rate across years and across documents;
    ``r_split`` (across documents) and ``r_split_years``, with the lower end of their intervals, the
    split-half check (``split_level``, the intervals' level, adjusted for the ``split_checks`` checks made over
    the themes: :func:`adjusted_split_half`), and ``r_split_paragraphs`` the same within documents, across
    paragraphs (its own family: ``split_paragraphs_level``, ``split_paragraphs_checks``); ``member_r``, the
    lowest correlation of its unit shares between two ensemble members;
    ``top_keyword`` and ``top_keyword_tokens``, the keyword that carries most of its keyword tokens and that share;
    ``largest_shift``, ``shift_word`` and ``shift_at``: the largest change of a yearly (or group) share when one
    keyword is left out, the word and where; ``stopword_share`` and ``stopword_keywords``, the share of its keyword
    tokens that are words of every subject (``subject_free``: :func:`subject_free_words`) and those words;
    ``validated`` and, when not, ``why`` (:func:`validation_reasons`).
    """
    import pandas as pd

    from .evaluate import held_word_ids

    anchors = np.asarray(anchors)
    # a keyword model, or any model of a corpus without a keyword in its vocabulary: then no theme is measured,
    # which is the reason to give, not that the model is exploratory
    anchored_model = bool((anchors >= 0).any()) or not any(len(ids) for ids in keywords)
    best_topic = components.argmax(axis=0) if components.size else np.zeros(0, dtype=int)
    tokens = units["n_tokens"].to_numpy(dtype=float)
    doc_tokens = pd.Series(tokens).groupby(units["doc_id"].to_numpy()).sum()
    by_theme = agreement.set_index("theme") if len(agreement) else pd.DataFrame(columns=["pearson_r", "n_years"])
    split_level, split_checks, within_level, within_checks = float("nan"), 0, float("nan"), 0
    if split_half is not None and len(split_half):
        years_of = by_theme["n_years"].to_dict() if "n_years" in by_theme else {}
        # with one document a year the check across years is the check across documents: one check, not two
        per_year = units.groupby("year")["doc_id"].nunique() if "year" in units else pd.Series([2])
        distinct = bool((per_year > 1).any())
        split_half, split_level, split_checks, within_level, within_checks = split_families(
            split_half,
            lambda theme, over: (
                over == "documents"
                or (over == "years" and distinct and (years_of.get(theme, 0) or 0) >= VALIDATION_RULES["min_years"])
            ),
        )
    split = (
        split_half.set_index(["theme", "over"])
        if split_half is not None and len(split_half)
        else pd.DataFrame(columns=["r_split", "r_low"])
    )

    def split_value(theme: str, over: str, column: str) -> float:
        return float(split.loc[(theme, over), column]) if (theme, over) in split.index else float("nan")

    rows = []
    for i, theme in enumerate(lexicon.themes):
        topics = np.flatnonzero(anchors == i)  # one anchored topic; LDA's and NMF's, those labelled with the theme
        topic = int(topics[0]) if len(topics) else -1
        ids = np.asarray(keywords[i], dtype=np.int64)
        held = None if drawn is None or topic < 0 else drawn[topics].any(axis=0)
        kept = [vocabulary[j] for j in ids if best_topic[j] in set(topics) and (held is None or held[j])]
        lost = [w for w in theme.words if w not in set(kept)]
        top_words, keyword_weight = [], float("nan")
        if topic >= 0:
            weights = components[topics].sum(axis=0)
            order = held_word_ids(weights, 20, held)
            top_words = [vocabulary[j] for j in order[:10]]
            if len(order):  # a topic that drew nothing has no weight to share out
                keyword_weight = float(weights[np.intersect1d(order, ids)].sum() / weights[order].sum())
        shares = units[theme.name].to_numpy(dtype=float)
        doc_share = pd.Series(shares * tokens).groupby(units["doc_id"].to_numpy()).sum() / doc_tokens
        doc_rate = pd.Series(keyword_counts[:, i]).groupby(units["doc_id"].to_numpy()).sum() / doc_tokens
        member_r = float("nan")
        if member_shares is not None and len(member_shares) > 1:
            pairs = [
                _members_agree(member_shares[a][:, i], member_shares[b][:, i])
                for a in range(len(member_shares))
                for b in range(a + 1, len(member_shares))
            ]
            member_r = float(np.nanmin(pairs)) if not np.all(np.isnan(pairs)) else float("nan")

        row = {
            "theme": theme.name,
            "label_zh": theme.label_zh,
            "label_en": theme.label_en,
            "topic": topic + 1,
            "top_words": " ".join(top_words),
            "keywords_listed": len(theme.words),
            "keywords_in_vocabulary": int(len(ids)),
            "keywords_kept": " ".join(kept),
            "keywords_lost": " ".join(lost),
            "keyword_weight": keyword_weight,
            # a theme with no share in any unit is not measured here: empty, not a measured zero
            "share": float(np.dot(shares, tokens) / tokens.sum()) if np.nan_to_num(shares).any() else float("nan"),
            "r_years": float(by_theme["pearson_r"].get(theme.name, np.nan)),
            "n_years": int(by_theme["n_years"].get(theme.name, 0) or 0),
            "r_documents": pearson(doc_share.to_numpy(), doc_rate.to_numpy()),
            "n_documents": int(len(doc_share)),
            "r_split": split_value(theme.name, "documents", "r_split"),
            "r_split_low": split_value(theme.name, "documents", "r_low"),
            "r_split_years": split_value(theme.name, "years", "r_split"),
            "r_split_years_low": split_value(theme.name, "years", "r_low"),
            "r_split_paragraphs": split_value(theme.name, "paragraphs", "r_split"),
            "r_split_paragraphs_low": split_value(theme.name, "paragraphs", "r_low"),
            "split_paragraphs_level": within_level,
            "split_paragraphs_checks": within_checks,
            "split_level": split_level,
            "split_checks": split_checks,
            "keywords_split": int(
                np.nan_to_num(split_value(theme.name, "documents", "keywords_a"))
                + np.nan_to_num(split_value(theme.name, "documents", "keywords_b"))
            ),
            "member_r": member_r,
        }
        row.update(_keyword_reliance(sensitivity, theme.name))
        row.update(_subject_free_share(sensitivity, theme.name, subject_free))
        row["why"] = "; ".join(
            # split_half None: the check not run, which validates no theme (it validated every theme else passing)
            validation_reasons(row, anchored_model, split_checked=split_half is not None, split_possible=split_possible)
        )
        row["validated"] = not row["why"]
        rows.append(row)
    return pd.DataFrame(rows)


def _subject_free_share(sensitivity: pd.DataFrame | None, theme: str, subject_free: set[str]) -> dict:
    """The share of a theme's keyword tokens that are words of every subject (``subject_free``:
    :func:`subject_free_words`), and those keywords, most tokens first (NaN and '' without the sensitivity table)."""
    rows = sensitivity[sensitivity["theme"] == theme] if sensitivity is not None and len(sensitivity) else None
    if rows is None or not len(rows):
        return {"stopword_share": float("nan"), "stopword_keywords": ""}
    listed = rows[rows["word"].isin(subject_free)].sort_values("keyword_tokens", ascending=False, kind="stable")
    return {"stopword_share": float(listed["keyword_tokens"].sum()), "stopword_keywords": " ".join(listed["word"])}


def _keyword_reliance(sensitivity: pd.DataFrame | None, theme: str) -> dict:
    """The keyword that carries most of a theme's keyword tokens, and the largest shift of its shares when one
    keyword is left out (the word and where)."""
    empty = {
        "top_keyword": "",
        "top_keyword_tokens": float("nan"),
        "largest_shift": float("nan"),
        "shift_word": "",
        "shift_at": "",
    }
    if sensitivity is None or not len(sensitivity):
        return empty
    rows = sensitivity[sensitivity["theme"] == theme]
    if not len(rows):
        return empty
    carrier = rows.loc[rows["keyword_tokens"].idxmax()]
    shift = rows.loc[rows["shift"].idxmax()]
    return {
        "top_keyword": carrier["word"],
        "top_keyword_tokens": float(carrier["keyword_tokens"]),
        "largest_shift": float(shift["shift"]),
        "shift_word": shift["word"],
        "shift_at": str(shift["at"]),
    }


# the words of the reasons that say a model cannot validate a theme (report.py and the validity figure read them)
EXPLORATORY = "exploratory model"  # an unanchored model's themes: labels read off top words
SPLIT_NOT_RUN = "not run for this model"  # a model without the split-half check (LDA seeded with the lexicon)


def split_half_run(themes) -> bool:
    """Whether the model of themes.csv's ``themes`` runs the split-half check (keyatm does; an exploratory model and
    LDA seeded with the lexicon do not, and a theme's ``why`` says so): the figure and report.html describe it only
    then."""
    if themes is None or "why" not in themes:
        return True
    reasons = themes["why"].astype(str)
    return not (reasons.str.contains(EXPLORATORY, regex=False) | reasons.str.contains(SPLIT_NOT_RUN, regex=False)).any()


def validation_reasons(row: dict, anchored_model: bool, *, split_checked: bool = True, split_possible: bool = True) -> list[str]:
    """Why a theme is not validated (empty: it is). A theme must pass the floor of keyword agreement (its share
    follows its keyword rate across documents, and across years when the corpus has ``min_years`` years or more),
    be stable across seeds, be more than its keywords, and pass a check that a keyword count does not pass by
    construction: the split-half check (its share measured from half of its keywords follows the rate of the
    other half, the lower end of its interval above 0, across documents or across years, and within documents,
    across paragraphs, where that can be computed; the intervals' level adjusted for the number of checks,
    :func:`adjusted_split_half`)."""
    rules = VALIDATION_RULES
    reasons = []
    if not anchored_model:
        reasons.append(f"{EXPLORATORY}: its themes are labels read off top words, not measurements")
    elif row["topic"] <= 0:
        reasons.append("no keyword of the theme is in the vocabulary: the theme is not measured here")
    if row["keyword_weight"] >= rules["keyword_weight"]:
        reasons.append(
            f"its topic is almost only its keywords ({row['keyword_weight']:.2f} of the top-20 weight): "
            "keyword counting, not a topic"
        )
    checks = [("r_documents", "across documents")]
    if row.get("n_years", 0) >= rules["min_years"]:
        checks.append(("r_years", "across years"))
    for key, what in checks:
        if np.isnan(row[key]):
            reasons.append(f"its agreement with its keyword rate {what} cannot be computed (too few cases or no spread)")
        elif row[key] < rules[key]:
            reasons.append(f"share and keyword rate agree weakly {what} (r = {_below(row[key], rules[key])} < {rules[key]})")
    subject_free = row.get("stopword_share", np.nan)
    if subject_free >= rules["stopword_share"]:
        words = " ".join(str(row.get("stopword_keywords", "")).split()[:4])
        reasons.append(
            f"{subject_free:.0%} of its keyword tokens are words the stopword lists name as words of every subject "
            f"({words} ...): a share of them measures a way of writing, not a subject"
        )
    if not np.isnan(row["member_r"]) and row["member_r"] < rules["member_r"]:
        reasons.append(
            f"its shares change with the seed (r between ensemble members {_below(row['member_r'], rules['member_r'])} "
            f"< {rules['member_r']})"
        )
    if anchored_model and row["topic"] > 0 and split_checked and not split_possible:
        reasons.append(
            "the split-half check, which a keyword count cannot pass, needs the keyword-assisted model (keyatm "
            f"measures the units again from half of each theme's keywords): {SPLIT_NOT_RUN}, so none of its themes "
            "is validated"
        )
    elif anchored_model and row["topic"] > 0 and split_checked:
        reasons += _split_half_reasons(row)
    elif anchored_model and row["topic"] > 0:  # none given: no theme validated on the other rules alone
        reasons.append("the split-half check, which a keyword count cannot pass, was not run, so it is not validated")
    return reasons


def _below(value: float, rule: float) -> str:
    """``value`` (below ``rule``) to two decimals, or to as many more as show it below (0.497, not 0.50 < 0.5)."""
    for digits in range(2, 6):
        if round(value, digits) < rule:
            return f"{value:.{digits}f}"
    return f"{value:.6f}"


def _split_half_reasons(row: dict) -> list[str]:
    """Why a theme fails the split-half checks (across documents or years, and within documents): see
    :func:`validation_reasons`."""
    rules = VALIDATION_RULES
    reasons: list[str] = []
    lows = [row.get("r_split_low", np.nan)]
    if row.get("n_years", 0) >= rules["min_years"]:
        lows.append(row.get("r_split_years_low", np.nan))
    if row.get("keywords_split", 0) < 2:
        reasons.append("fewer than two of its keywords occur: it cannot be checked against held-out keywords")
    elif np.all(np.isnan(lows)):
        reasons.append(
            "the split-half check across documents or years cannot be computed (fewer than four documents, fewer "
            "than three that hold each half of its keywords, or no spread)"
        )
    else:
        interval = _interval(row.get("split_level", SPLIT_LEVEL), row.get("split_checks", 0), "checks")
        if not np.nanmax(lows) > 0:
            documents = row.get("n_documents", 0)
            reasons.append(
                f"split-half check not passed: with {documents} documents it is not shown that its share measured "
                f"from half of its keywords follows the other half's rate (r = {row['r_split']:.2f} across "
                f"documents, {interval} from {row['r_split_low']:.2f}, which must be above 0): its keywords may not "
                "measure one thing, or the documents are too few to show it"
            )
        within = row.get("r_split_paragraphs_low", np.nan)
        if np.isnan(within) and row.get("split_paragraphs_checks", 0) > 0:  # computed for other themes
            reasons.append(
                "the split-half check within documents cannot be computed for it (its keywords' rates do not vary "
                "within documents)"
            )
        elif not np.isnan(within) and not within > 0:
            level, checks = row.get("split_paragraphs_level", SPLIT_LEVEL), row.get("split_paragraphs_checks", 0)
            interval = _interval(level, checks, "such checks")
            reasons.append(
                f"split-half check within documents failed: the two halves of its keywords do not go together "
                f"in the same paragraphs (r = {row['r_split_paragraphs']:.2f} across paragraphs, each against "
                f"its document's, {interval} from {within:.2f}): their rates may only share a trend or a "
                "document's emphasis"
            )
    return reasons


def _interval(level: float, checks: int, what: str) -> str:
    """How a reason names an interval: its level, and the family of ``checks`` (``what``) it is adjusted for."""
    return f"{level:.1%} interval, adjusted for the {checks} {what} over the themes," if checks > 1 else f"{level:.0%} interval"


def year_runs(years: list[int]) -> str:
    """``years`` as runs of consecutive calendar years: "1954-1957, 1959-1960, 1964", at most eight runs, then
    "..." (a run across years without documents read as a span of data: "1964-1979" for four reports)."""
    runs: list[list[int]] = []
    for year in sorted(set(years)):
        if runs and year == runs[-1][1] + 1:
            runs[-1][1] = year
        else:
            runs.append([year, year])
    spans = [f"{a}-{b}" if a != b else str(a) for a, b in runs]
    return ", ".join(spans[:8]) + (", ..." if len(spans) > 8 else "")


def _drift(other: pd.Series) -> str:
    """A note when `other`'s share in the first third of the years with data is at least twice, and 0.1 above,
    its share in the last third (or the other way round): the words of one era that the lexicon lacks, which a
    lexicon with the words of those years (candidate keywords of those years) would name; '' otherwise."""
    other = other.dropna().sort_index()
    third = len(other) // 3
    if third < 2:
        return ""
    first, last = float(other.iloc[:third].mean()), float(other.iloc[-third:].mean())
    low, high = sorted((first, last))
    if high - low < 0.1 or high < 2 * low:
        return ""
    span = other.index[:third] if first > last else other.index[-third:]
    era = f"{int(span[0])}-{int(span[-1])}"
    return (
        f"its share is {first:.2f} in the first third of the years and {last:.2f} in the last: the lexicon may lack "
        f"the words of {era} (the named themes' shares then rise or fall with it; candidate_keywords.csv of a run of "
        "those years lists words that go with each theme's keywords there)"
    )


def _apart(other: float, largest: float, theme: str) -> str:
    """'0.35 against ecology 0.24': ``other``'s share against the largest theme's, to as many decimals (2 to 4) as
    tell them apart (a review: '0.18 against innovation 0.18')."""
    digits = next((d for d in (2, 3, 4) if round(other, d) != round(largest, d)), 4)
    return f"{other:.{digits}f} against {theme} {largest:.{digits}f}"


def _largest_in(table: pd.DataFrame | None, column: str, what: str) -> str:
    """A note naming the cells of ``table`` (a table of shares by ``column``: a group or period) in which ``other``
    is the largest share, with its share and the largest theme's; '' for none. A cell pools documents (not one
    year's): one such cell is a part of the corpus the lexicon does not cover (a hostile pass: `other` 0.35 in one
    of two groups, the largest theme 0.24, and no warning, as the corpus and the years were checked only)."""
    if table is None or not len(table) or column not in table:
        return ""
    wide = table[table["share"].notna()].pivot_table(index=column, columns="theme", values="share", sort=False)
    if OTHER not in wide or wide.shape[1] < 2:
        return ""
    named = wide.drop(columns=[OTHER])
    cells = [(cell, row) for cell, row in wide.iterrows() if row[OTHER] > named.loc[cell].max()]
    if not cells:
        return ""
    said = [f"{cell} ({_apart(row[OTHER], named.loc[cell].max(), named.loc[cell].idxmax())})" for cell, row in cells[:5]]
    more = f" and {len(cells) - 5} more" if len(cells) > 5 else ""
    return f"'other' is the largest share of {len(cells)} of {len(wide)} {what}: {', '.join(said)}{more}"


def other_diagnostics(
    units: pd.DataFrame,
    yearly: pd.DataFrame,
    topics: pd.DataFrame,
    lexicon: Lexicon,
    *,
    groups: pd.DataFrame | None = None,
    by: str = "",
    periods: pd.DataFrame | None = None,
) -> tuple[dict, str]:
    """The row of themes.csv for ``other`` (the free topics, or the unlabelled ones): its share, the years in
    which it is the largest share, the free topics' top words and suggested themes; and a warning ('' for none,
    also the row's ``why``) when it is the largest share of the corpus, of at least a quarter of the years (two
    at least), of a group of ``groups`` (the table by ``by``) or of a period of ``periods``, or when its share
    drifts between the first and the last third of the years (``_drift``)."""
    tokens = units["n_tokens"].to_numpy(dtype=float)
    share = {
        t: float(np.dot(np.nan_to_num(units[t].to_numpy(dtype=float)), tokens) / max(tokens.sum(), 1))
        for t in [*lexicon.names, OTHER]
        if t in units
    }
    rows = yearly[yearly["share"].notna()] if len(yearly) else yearly
    wide = rows.pivot_table(index="year", columns="theme", values="share") if len(rows) else None
    years_largest = []
    if wide is not None and OTHER in wide:
        named = wide.drop(columns=[OTHER])
        years_largest = [int(y) for y in wide.index[(wide[OTHER] > named.max(axis=1)).to_numpy()]]
    n_years = 0 if wide is None else len(wide)
    free = topics[topics["theme"] == OTHER]
    # the keyword models' free topics; an exploratory model's are the topics its top words gave no theme
    anchored = "labelled_by" in free and bool((free["labelled_by"] == "free").any())
    which = "free topics" if anchored or "labelled_by" not in free else "topics that no theme's words label"
    words = " | ".join(f"{row.topic}: {' '.join(list(row.top_words)[:8])}" for row in free.itertuples())
    # a free topic no theme's words reach is suggested nothing (topics.csv writes `other`): not a suggestion
    suggested = " ".join(
        f"{row.topic}:{row.suggested}" for row in free.itertuples() if str(row.suggested) not in ("", OTHER, "nan")
    )
    biggest = max((t for t in share if t != OTHER), key=share.get, default=None)
    notes = []
    if biggest is not None and not share[biggest] > 0 and share.get(OTHER, 0) > 0:
        # no named theme measured (none of their keywords in the vocabulary): not "against ghost 0.00", a theme
        # the tables leave empty (a hostile pass of user lexicons)
        notes.append("'other' is the whole of the corpus's share: no named theme is measured here (coverage.csv)")
    elif biggest is not None and share.get(OTHER, 0) > share[biggest]:
        notes.append(f"'other' is the largest share of the corpus ({_apart(share[OTHER], share[biggest], biggest)})")
    if years_largest and len(years_largest) >= max(2, n_years / 4):
        runs = year_runs(years_largest)
        notes.append(f"'other' is the largest share in {len(years_largest)} of {n_years} years ({runs})")
    notes += [n for n in (_largest_in(periods, "period", "periods"), _largest_in(groups, by, f"groups of {by}")) if n]
    drift = _drift(wide[OTHER]) if wide is not None and OTHER in wide else ""
    if drift:  # on its own too: the named themes' shares rise or fall with it, whichever share is the largest
        notes.append(drift if notes else f"'other' drifts: {drift}")
    why = ""
    if notes:
        why = (
            "; ".join(notes)
            + f": read its {which} (topics.csv, passages.csv): {words or 'none'}"
            + (f" (suggested: {suggested})" if suggested else "")
            + "; a subject of your study among them is a theme your lexicon lacks (candidate_keywords.csv "
            "lists words that go with each theme's keywords)"
        )
    row = {
        "theme": OTHER,
        "label_zh": "其他",
        "label_en": "other",
        "topic": 0,
        "top_words": words,
        "share": share.get(OTHER, float("nan")),
        "n_years": n_years,
        "years_largest": " ".join(map(str, years_largest)),
        "suggested": suggested,
        "validated": False,
        "why": why or "not a theme: what the lexicon does not name",
    }
    return row, why
