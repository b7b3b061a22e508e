"""Evaluation of fitted topic models: coherence, diversity, stability across seeds, held-out fit.

Coherence uses gensim's own measure pipelines (``gensim.models.coherencemodel.COHERENCE_MEASURES``) on
co-occurrence counts that :class:`CoherenceStatistics` computes once per corpus for the whole vocabulary,
with sparse matrices, and loads into gensim's ``WordOccurrenceAccumulator``. Every model fitted on that
corpus is then scored without counting again.
"""

from __future__ import annotations

import itertools
import logging
import warnings

import numpy as np
from scipy import sparse

MEASURES = ("c_npmi", "c_v", "u_mass")
WINDOWS = {"c_npmi": 10, "c_v": 110, "u_mass": None}  # gensim's defaults; None: the whole unit


def _window_matrix(
    ids: np.ndarray, offsets: np.ndarray, window: int | None, n_words: int, columns: np.ndarray | None = None
) -> sparse.csr_matrix:
    """Boolean windows x words matrix, exactly as gensim's ``WordOccurrenceAccumulator`` sees its windows.

    ``ids`` are the word ids of all units' tokens (-1 for a word outside the vocabulary), unit i holding
    ``ids[offsets[i]:offsets[i + 1]]``. gensim counts the windows of every unit (one with no vocabulary word, or
    no word at all, too), takes a unit shorter than the window as one window, and updates the word set of a
    sliding window incrementally: window k clears the
    word that left at the left edge, even when it occurs again inside the window, then adds the word that
    entered at the right. Reproducing that keeps our values equal to gensim's. Computed for all windows at once:
    a word is in a window when its latest event by then (added, or cleared) is an add. ``columns`` (word ids)
    fills only those words' columns (the windows are the same).
    """
    lengths = np.diff(offsets)
    unit = np.repeat(np.arange(len(lengths)), lengths)
    relevant = ids >= 0
    width = lengths if window is None else np.minimum(lengths, window)
    n_windows = lengths - width + 1
    first_window = np.concatenate([[0], np.cumsum(n_windows)])
    position = np.arange(len(ids)) - offsets[unit]
    # events (unit, word, time, kind): each token is added at time max(0, p - width + 1); it is cleared at p + 1
    # when a later window starts after it. Within a time step clears (kind 0) come before adds (kind 1).
    token = np.flatnonzero(relevant)
    if columns is not None:
        token = token[np.isin(ids[token], columns)]
    cleared = token[position[token] + 1 < n_windows[unit[token]]]
    ev_unit = np.concatenate([unit[token], unit[cleared]])
    ev_word = np.concatenate([ids[token], ids[cleared]]).astype(np.int64)
    ev_time = np.concatenate([np.maximum(0, position[token] - width[unit[token]] + 1), position[cleared] + 1])
    ev_kind = np.concatenate([np.ones(len(token), dtype=np.int8), np.zeros(len(cleared), dtype=np.int8)])
    order = np.lexsort((ev_kind, ev_time, ev_word, ev_unit))
    ev_unit, ev_word, ev_time, ev_kind = ev_unit[order], ev_word[order], ev_time[order], ev_kind[order]
    group_start = np.ones(len(order), dtype=bool)
    group_start[1:] = (ev_unit[1:] != ev_unit[:-1]) | (ev_word[1:] != ev_word[:-1])
    previous_kind = np.concatenate([[0], ev_kind[:-1]]).astype(np.int8)
    previous_kind[group_start] = 0
    switch = np.flatnonzero(ev_kind != previous_kind)  # the word turns present (add) or absent (clear)
    # switches alternate on, off, on, ... within a word's group; an "on" ends at the next switch of its group
    on = switch[ev_kind[switch] == 1]
    following = np.searchsorted(switch, on) + 1
    has_off = following < len(switch)
    has_off[has_off] = ~group_start[switch[following[has_off]]] & (ev_kind[switch[following[has_off]]] == 0)
    end = n_windows[ev_unit[on]].copy()
    end[has_off] = ev_time[switch[following[has_off]]]
    start = ev_time[on]
    span = end - start
    rows = np.repeat(first_window[ev_unit[on]] + start - np.concatenate([[0], np.cumsum(span)[:-1]]), span)
    rows += np.arange(int(span.sum()))
    cols = np.repeat(ev_word[on], span)
    return sparse.csr_matrix((np.ones(len(rows), dtype=np.int64), (rows, cols)), shape=(int(first_window[-1]), n_words))


MAX_UNITS = 20_000


class CoherenceStatistics:
    """Co-occurrence counts of a corpus, computed once per measure and reused for every model.

    ``tokens`` are the units' tokens (what the models saw: UnitTokens or lists of words); ``vocabulary`` the
    model's words. A corpus of more than ``max_units`` units is represented by a seeded random sample of that
    many units (coherence estimates co-occurrence probabilities, which a large sample estimates as well as the
    whole corpus);
    ``n_units`` says how many were used.
    """

    def __init__(self, tokens, vocabulary: list[str], *, max_units: int = MAX_UNITS, random_state: int = 0):
        from gensim.corpora import Dictionary

        from ..text.tokens import as_unit_tokens

        tokens = as_unit_tokens(tokens)
        if len(tokens) > max_units:
            tokens = tokens.subset(np.sort(np.random.RandomState(random_state).choice(len(tokens), max_units, replace=False)))
        self.n_units = len(tokens)

        self.vocabulary = list(vocabulary)
        self.dictionary = Dictionary()
        self.dictionary.token2id = {w: i for i, w in enumerate(self.vocabulary)}
        self.dictionary.id2token = dict(enumerate(self.vocabulary))
        self._ids, self._offsets = tokens.lookup(self.dictionary.token2id), tokens.offsets
        self._counts: dict[str, tuple[sparse.csr_matrix, int]] = {}

    def counts(self, measure: str, word_ids=None) -> tuple[sparse.csr_matrix, int]:
        """Word x word co-occurrence counts over the windows of ``measure``, and the number of windows.

        Without ``word_ids``, the counts of the whole vocabulary, computed once and kept (a sweep scores many
        models on them); with ``word_ids``, only those words' counts are filled, far quicker for one model.
        """
        if measure in self._counts:
            return self._counts[measure]
        windows = _window_matrix(self._ids, self._offsets, WINDOWS[measure], len(self.vocabulary), word_ids)
        counts = ((windows.T @ windows).tocsr(), windows.shape[0])
        if word_ids is None:
            self._counts[measure] = counts
        return counts

    def accumulator(self, measure: str, word_ids) -> object:
        """gensim's accumulator for ``measure``, holding the counts of ``word_ids`` only, as a dense array: gensim
        looks counts up one pair at a time, which is slow on a sparse matrix of the whole vocabulary."""
        from gensim.topic_coherence.text_analysis import WordOccurrenceAccumulator

        co, n_windows = self.counts(measure, np.asarray(word_ids))
        accumulator = WordOccurrenceAccumulator(set(int(i) for i in word_ids), self.dictionary)
        order = np.array([word for word, _ in sorted(accumulator.id2contiguous.items(), key=lambda kv: kv[1])])
        dense = co[order][:, order].toarray().astype("uint32")
        accumulator._occurrences = dense.diagonal().copy()
        accumulator._co_occurrences = dense
        accumulator._num_docs = n_windows
        return accumulator

    def coherence(self, topics: list[list[str]], measure: str = "c_npmi") -> list[float]:
        """Coherence of each topic (its top words, best first), as gensim's CoherenceModel computes it."""
        from gensim.models.coherencemodel import COHERENCE_MEASURES

        index = self.dictionary.token2id
        topic_ids = [np.array([index[w] for w in words]) for words in topics]
        pipeline = COHERENCE_MEASURES[measure]
        segmented = pipeline.seg(topic_ids)
        if measure == "c_v":
            kwargs = {"topics": topic_ids, "measure": "nlr", "gamma": 1}
        elif measure == "u_mass":
            kwargs = {}
        else:
            kwargs = {"normalize": measure == "c_npmi"}
        accumulator = self.accumulator(measure, np.unique(np.concatenate(topic_ids)))
        with warnings.catch_warnings():  # a topic of one word has no pair to score: NaN (a sweep ranks it nowhere and
            # says so), not numpy's "Mean of empty slice" and its division on stderr (a hostile pass)
            warnings.filterwarnings("ignore", "Mean of empty slice", RuntimeWarning)
            warnings.filterwarnings("ignore", "invalid value encountered in scalar divide", RuntimeWarning)
            return [float(x) for x in pipeline.conf(segmented, accumulator, **kwargs)]


def top_words(components, vocabulary: list[str], n: int, drawn: np.ndarray | None = None) -> list[list[str]]:
    """The ``n`` heaviest words of each topic, heaviest first, of the words it holds (:func:`held_word_ids`;
    ``components``: a fitted model, or its ``components_``; ``drawn``: a sampled model's ``drawn_words_``, topics x
    words, read from the model when given one): what coherence, diversity and stability read,
    and what a topic's words show. A topic that drew fewer words lists fewer, and one that drew none lists none:
    it had been scored on the words at its floor in the vocabulary's order, which are the same in every seed (a
    hostile pass: a sweep's dead topics at K = 40 on the seeds agreed across seeds on those words, stability 0.30
    against 0.23 on the words drawn)."""
    if hasattr(components, "components_"):  # a model: its words drawn too (a keyword topic's prior lifts its keywords)
        drawn = getattr(components, "drawn_words_", None) if drawn is None else drawn
        components = components.components_
    rows = np.asarray(components) if not isinstance(components, (str, bytes)) else np.asarray(None)
    if rows.ndim != 2:  # an unfitted model, a string, None: numpy's "iteration over a 0-d array" (a review)
        from ..errors import ToolkitError

        raise ToolkitError(
            f"top_words: components must be a fitted model or its components_ (topics x words), not {type(components).__name__}"
        )
    return [[vocabulary[j] for j in held_word_ids(row, n, None if drawn is None else drawn[k])] for k, row in enumerate(rows)]


def held_word_ids(weights: np.ndarray, n: int, drawn: np.ndarray | None = None) -> np.ndarray:
    """The ids of the ``n`` heaviest words of one topic (``weights``: its weight of each word), heaviest first,
    of the words it drew (``drawn``: one bool per word, a sampled model's row of ``drawn_words_``) or, without
    ``drawn``, without the words at its floor: the lowest weight when two or more words share it, which is the
    prior's alone (LDA's words of its prior alone, NMF's zeros). A topic holding few words lists fewer than
    ``n``: its top words had run on with the words it never drew, in the vocabulary's order (a keyword of another
    theme among ecology's words, a hostile pass on two documents). ``drawn`` says what the floor cannot: a keyword
    topic's keyword prior lifts its keywords above the floor, drawn or not (one that drew nothing listed them)."""
    weights = np.asarray(weights)
    if drawn is not None:
        return ranked_word_ids(weights, drawn)[:n]
    order = np.argsort(-weights, kind="stable")[:n]
    floor = weights.min() if weights.size else 0.0
    if np.count_nonzero(weights == floor) > 1:
        order = order[weights[order] > floor]
    return order


def ranked_word_ids(weights: np.ndarray, drawn: np.ndarray | None = None) -> np.ndarray:
    """The ids of one topic's words (``weights``: its weight of each word), heaviest first (ties in the
    vocabulary's order), of the words it drew (``drawn``: one bool per word, a row of a sampled model's
    ``drawn_words_``) or, without ``drawn``, of every word."""
    order = np.argsort(-np.asarray(weights), kind="stable")
    return order if drawn is None else order[np.asarray(drawn, dtype=bool)[order]]


def _word_lists(topics, function: str) -> list[list[str]]:
    """``topics`` (a list of each topic's words: lists, tuples, arrays or Series of strings; or a 2-D array of
    strings) as lists of words; ToolkitError for a model's weights (numbers: ``diversity(components_)`` gave 1.0, a
    hostile pass of the API) or a topic given as one string (read as its characters)."""
    from ..errors import ToolkitError

    hint = "; pass each topic's top words: toolkit.top_words(model, vocabulary, 25)"
    if isinstance(topics, (str, bytes)) or not hasattr(topics, "__iter__"):
        raise ToolkitError(f"{function}: topics must be a list of each topic's words, not {type(topics).__name__}{hint}")
    lists = []
    for i, words in enumerate(topics):
        listed = None if isinstance(words, (str, bytes)) or not hasattr(words, "__iter__") else list(words)
        if listed is None or not all(isinstance(w, str) for w in listed):
            shown = type(words).__name__ if listed is None else "numbers (a model's weights?)"
            raise ToolkitError(f"{function}: topic {i} must be a list of words (strings), not {shown}{hint}")
        lists.append(listed)
    return lists


def diversity(topics: list[list[str]], n: int = 25) -> float:
    """Share of unique words among all topics' top ``n`` words (1: no topic repeats another's words), of ``n`` words
    a topic: one that lists fewer (it drew fewer, :func:`top_words`) counts its missing words as repeated, so that
    thin topics do not make a model look diverse (a review: a topic of 5 words had 5 words' chances to repeat)."""
    topics = _word_lists(topics, "diversity")
    words = [w for topic in topics for w in topic[:n]]
    return len(set(words)) / (n * len(topics)) if words else float("nan")


def match_topics(a: list[list[str]], b: list[list[str]]) -> np.ndarray:
    """Jaccard similarity of the top words of the topics of two runs, matched one to one (Hungarian)."""
    from scipy.optimize import linear_sum_assignment

    sets_a, sets_b = ([set(t) for t in _word_lists(run, "match_topics")] for run in (a, b))
    # a topic that holds no word agrees with none, another empty one included: two seeds' dead topics are not one
    # topic found twice
    similarity = np.array([[len(x & y) / len(x | y) if x | y else 0.0 for y in sets_b] for x in sets_a])
    rows, cols = linear_sum_assignment(-similarity)
    return similarity[rows, cols]


def stability(runs: list[list[list[str]]]) -> float:
    """Mean matched top-word similarity over every pair of runs that differ only in their seed (each run: its
    topics' top words)."""
    from ..errors import ToolkitError

    if isinstance(runs, (str, bytes)) or not hasattr(runs, "__iter__"):
        raise ToolkitError(f"stability: runs must be a list of runs, each a list of its topics' words, not {type(runs).__name__}")
    runs = [_word_lists(run, "stability") for run in runs]
    if len(runs) < 2:
        return float("nan")
    return float(np.mean([match_topics(a, b).mean() for a, b in itertools.combinations(runs, 2)]))


def holdout_split(n_units: int, fraction: float, random_state: int) -> tuple[np.ndarray, np.ndarray]:
    """Indices of training and held-out units (a seeded random ``fraction`` held out)."""
    rng = np.random.RandomState(random_state)
    order = rng.permutation(n_units)
    n_held = int(round(n_units * fraction))
    return np.sort(order[n_held:]), np.sort(order[:n_held])


def topic_metrics(statistics: CoherenceStatistics, topics: list[list[str]]) -> dict[str, float]:
    """Mean coherence of ``topics`` (top words, best first) in each measure (top 10 words) over the topics that
    hold two words or more, their diversity (top 25), and ``empty_topics``: how many hold fewer than two (a model
    of more topics than the corpus fills; no pair of words to score). What ``run`` reports in metrics.json and
    ``sweep`` in sweep.csv."""
    top10 = [words[:10] for words in topics if len(words) >= 2]
    metrics = {m: float(np.mean(statistics.coherence(top10, m))) if top10 else float("nan") for m in MEASURES}
    metrics["diversity"] = diversity(topics, 25)
    metrics["empty_topics"] = len(topics) - len(top10)
    return metrics


def evaluate_model(tokens, vocabulary: list[str], components: np.ndarray, drawn: np.ndarray | None = None) -> dict:
    """Coherence (NPMI, c_v, u_mass) and diversity of a fitted model's topics on the units it was fitted on
    (``drawn``: a sampled model's ``drawn_words_``, :func:`top_words`)."""
    statistics = CoherenceStatistics(tokens, vocabulary)
    metrics = {k: round(v, 6) for k, v in topic_metrics(statistics, top_words(components, vocabulary, 25, drawn)).items()}
    metrics["coherence_units"] = statistics.n_units
    undefined = [measure for measure in MEASURES if not np.isfinite(metrics[measure])]
    if undefined:  # recorded as null, unsaid (a review)
        logging.getLogger("toolkit").warning(
            "the topics' coherence (%s) could not be computed: a topic's top words hold no two words that occur in "
            "the vocabulary together (a vocabulary of a word or two?); metrics.json records it as null",
            ", ".join(undefined),
        )
    return metrics
