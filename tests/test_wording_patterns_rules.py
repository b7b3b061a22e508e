"""From a mutation audit of analysis/wording.py and text/patterns.py: each test here failed on a change of the code
that every other test let through. Theme wording: the c-TF-IDF score as its docstring states it, min_count's bound,
`new` against the period before (docs/outputs.md). A user's patterns: the nested-repeat scan before any compile, the
limits at their bounds, and the patterns that cannot be searched as one alternation."""

import math

import numpy as np
import pandas as pd
import pytest
from scipy import sparse

from toolkit.analysis.wording import COLUMNS, theme_words
from toolkit.errors import ToolkitError
from toolkit.text.patterns import MAX_GROUPS, MAX_LENGTH, MAX_REPEATS, PatternSet, UserPattern, repeat_product

# ----- theme wording ------------------------------------------------------------------------------------------------

VOCABULARY = ["发展", "科技", "人才", "数字化", "算力", "污染", "治理", "碳达峰", "就业", "养老"]


def _table(counts, shares, periods, order, themes=("innovation", "ecology", "welfare"), **settings):
    return theme_words(
        sparse.csr_matrix(np.array(counts)),
        VOCABULARY,
        np.array(shares, dtype=float),
        list(themes),
        np.array(periods, dtype=object),
        list(order),
        **settings,
    )


def _words(table, theme, period):
    rows = table[(table["theme"] == theme) & (table["period"] == period)]
    return rows["word"].tolist()


# five paragraphs of two five-year plans, each shared among three themes; the last is a whole report, whose 发展
# count (150) is past what a small integer type holds
COUNTS = [
    [6, 5, 3, 0, 0, 1, 0, 0, 2, 0],  # 十三五: mostly innovation
    [4, 0, 0, 0, 0, 7, 4, 0, 0, 1],  # 十三五: mostly ecology
    [3, 1, 0, 0, 0, 0, 0, 0, 5, 4],  # 十三五: mostly welfare
    [5, 2, 1, 6, 4, 0, 0, 0, 0, 0],  # 十四五: innovation, digital now
    [150, 0, 0, 1, 0, 3, 2, 8, 3, 2],  # 十四五: the report, ecology and welfare
]
SHARES = [
    [0.8, 0.1, 0.1],
    [0.1, 0.7, 0.2],
    [0.2, 0.1, 0.7],
    [0.9, 0.05, 0.05],
    [0.1, 0.5, 0.4],
]
PERIODS = ["十三五", "十三五", "十三五", "十四五", "十四五"]
ORDER = ["十三五", "十四五"]
THEMES = ["innovation", "ecology", "welfare"]


@pytest.mark.parametrize("themes, shares", [(THEMES, SHARES), (["innovation"], [[1.0]] * len(SHARES))])
def test_theme_word_scores_are_class_frequency_times_the_log_of_mean_class_size_over_word_count(themes, shares):
    """The docstring's c-TF-IDF, computed here word by word: a class is a theme in a period, its count of a word the
    sum of share x count over the period's units; score = count / class size x log(1 + A / f), f the word's count
    over every class, A the mean size of a theme (all words over the themes, BERTopic's class size for the idf).
    Ranks run from 1 by falling score; count is the share-weighted count; top_n cuts each list. With one theme
    the mean is the whole count."""
    table = _table(COUNTS, shares, PERIODS, ORDER, themes, top_n=4, min_count=0.5)
    weighted = {}
    for t, theme in enumerate(themes):
        for period in ORDER:
            weighted[theme, period] = [
                sum(shares[u][t] * COUNTS[u][w] for u in range(len(COUNTS)) if PERIODS[u] == period)
                for w in range(len(VOCABULARY))
            ]
    f = [sum(row[w] for row in weighted.values()) for w in range(len(VOCABULARY))]
    mean_theme = sum(f) / len(themes)
    for (theme, period), row in weighted.items():
        size = sum(row)
        score = {VOCABULARY[w]: row[w] / size * math.log(1 + mean_theme / f[w]) for w in range(len(VOCABULARY)) if row[w] >= 0.5}
        expected = sorted(score, key=lambda word: -score[word])[:4]
        got = table[(table["theme"] == theme) & (table["period"] == period)]
        assert got["word"].tolist() == expected, (theme, period)
        assert got["rank"].tolist() == list(range(1, len(expected) + 1))
        assert got["score"].to_numpy() == pytest.approx([score[w] for w in expected], abs=2e-6)
        assert got["count"].to_numpy() == pytest.approx([row[VOCABULARY.index(w)] for w in expected], abs=0.006)


def test_a_unit_without_shares_adds_nothing_to_any_theme():
    """Missing shares (NaN) of a unit count as none: the table is the one with that unit's shares at zero, not
    words without a score."""
    shares = [row[:] for row in SHARES]
    shares[1] = [float("nan")] * 3
    zero = [row[:] for row in SHARES]
    zero[1] = [0.0] * 3
    table = _table(COUNTS, shares, PERIODS, ORDER, min_count=0.5)
    assert not table.empty and table["score"].notna().all()
    pd.testing.assert_frame_equal(table, _table(COUNTS, zero, PERIODS, ORDER, min_count=0.5))


def test_a_period_of_one_unit_is_worded_too():
    table = _table(COUNTS[2:4], SHARES[2:4], ["十三五", "十四五"], ORDER, min_count=1)
    assert _words(table, "innovation", "十四五")[:2] == ["数字化", "算力"]
    assert "就业" in _words(table, "welfare", "十三五")


def test_units_in_no_period_give_an_empty_table_with_its_columns():
    """Units outside every period ('') are in no class: with no other unit the table is empty, with its columns
    (theme_words.csv keeps its header)."""
    table = _table(COUNTS, SHARES, [""] * len(COUNTS), ORDER)
    assert table.empty and list(table.columns) == COLUMNS


def test_new_words_are_those_not_listed_in_the_period_just_before():
    """docs/outputs.md: `new` is "not in the period before; false where that period has no words of the theme".
    A word of 2015 that left the list in 2019 and came back in 2021 is new again; one carried over from 2019 (not its
    first word) is not; ecology, absent from 2019, has no new word in 2021."""
    counts = [
        [0, 6, 5, 0, 0, 0, 0, 0, 0, 0],  # 2015 innovation: 科技 人才
        [0, 0, 0, 0, 0, 6, 5, 0, 0, 0],  # 2015 ecology: 污染 治理
        [0, 0, 0, 3, 0, 0, 0, 0, 0, 7],  # 2019 innovation: 养老 then 数字化 (a made-up list)
        [0, 6, 0, 4, 3, 0, 0, 0, 0, 0],  # 2021 innovation: 科技 数字化 算力
        [0, 0, 0, 0, 0, 6, 5, 4, 0, 0],  # 2021 ecology: 污染 治理 碳达峰
    ]
    shares = [[1, 0], [0, 1], [1, 0], [1, 0], [0, 1]]
    periods = ["2015", "2015", "2019", "2021", "2021"]
    table = _table(counts, shares, periods, ["2015", "2019", "2021"], ["innovation", "ecology"], min_count=1)
    new = table.set_index(["theme", "period", "word"])["new"]
    assert _words(table, "innovation", "2019") == ["养老", "数字化"]
    assert new["innovation", "2021", "科技"]  # listed in 2015, not in 2019: new again
    assert not new["innovation", "2021", "数字化"] and new["innovation", "2021", "算力"]
    assert set(_words(table, "ecology", "2021")) == {"污染", "治理", "碳达峰"}
    assert not new.loc["ecology"].any()  # its first period, and the one after a period without its words


def test_a_named_period_without_units_is_skipped_and_new_is_judged_against_the_last_one_with_units():
    """docs/outputs.md: `new` is "not in the period before, the last one with documents". A period of the order
    without any unit (十二五 below: no report of those years) is no column of the table or its figure, so 十三五
    is compared with 十一五, the column before it: 算力 is new, 科技 is not. The table is the one without that
    period."""
    counts = [
        [0, 6, 5, 0, 0, 0, 0, 0, 0, 0],  # 十一五: 科技 人才
        [0, 6, 0, 0, 4, 0, 0, 0, 0, 0],  # 十三五: 科技 算力
    ]
    shares = [[1.0], [1.0]]
    periods = ["十一五", "十三五"]
    table = _table(counts, shares, periods, ["十一五", "十二五", "十三五"], ["innovation"], min_count=1)
    assert set(table["period"]) == {"十一五", "十三五"}
    new = table.set_index(["period", "word"])["new"]
    assert new["十三五", "算力"] and not new["十三五", "科技"] and not new.loc["十一五"].any()
    without = _table(counts, shares, periods, ["十一五", "十三五"], ["innovation"], min_count=1)
    pd.testing.assert_frame_equal(table, without)


def test_min_count_keeps_a_word_at_the_bound_and_zero_keeps_every_word_the_theme_has():
    """min_count is the fewest share-weighted occurrences a word needs: one at exactly min_count is listed, one
    below is not; with 0 every word of the class is, however rare, and none it lacks."""
    counts = [
        [2, 3, 1, 0, 0, 0, 0, 0, 0, 0],
        [2, 0, 2, 0, 0, 0, 0, 0, 0, 0],
        [0, 0, 0, 0, 0, 5, 4, 0, 0, 1],
    ]
    shares = [[0.5, 0.5], [0.5, 0.5], [0.9996, 0.0004]]  # innovation: 发展 2.0, 科技 1.5, 人才 1.5; ecology the same
    table = _table(counts, shares, ["2020"] * 3, ["2020"], ["innovation", "ecology"], min_count=2)
    assert _words(table, "ecology", "2020") == ["发展"]  # exactly 2.0: listed
    table = _table(counts, shares, ["2020"] * 3, ["2020"], ["innovation", "ecology"], min_count=0, top_n=10)
    assert set(_words(table, "ecology", "2020")) == {"发展", "科技", "人才", "污染", "治理", "养老"}  # 养老 0.0004
    assert (table["count"] >= 0).all() and "数字化" not in set(table["word"])
    table = _table(counts, shares, ["2020"] * 3, ["2020"], ["innovation", "ecology"], min_count=0.5, top_n=10)
    assert set(_words(table, "innovation", "2020")) == {"发展", "科技", "人才", "污染", "治理", "养老"}  # 养老 0.9996


# ----- the nested-repeat scan ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "pattern, product",
    [
        # a comment whose text opens a class ([) is skipped whole, not read as the start of one
        ("(?#[)(?:(?:创{1000}){1000}){1000}", 10**9),
        # \x{...} names a character (数, 字): its braces are no count
        (r"(?:\x{6570}\x{5B57}){100}", 100),
        (r"(?:\{500}){500}", 500),  # an escaped brace opens no count
        # a ] first in a class, negated or not, is a character of it; so is an escaped one and a POSIX class
        ("(?:(?:[^])]{300}){300}){300}", 300**3),
        ("(?:(?:[])]{300}){300}){300}", 300**3),
        (r"(?:(?:[\])]{300}){300}){300}", 300**3),
        ("(?:(?:[[:alpha:])]{300}){300}){300}", 300**3),
        ("(?:(?:[[:^alpha:])]{300}){300}){300}", 300**3),
        ("(?:(?:创{400}){,400})", 400**2),  # {,n}: up to n
        ("(?:创(){400}){400}", 400**2),  # an empty group repeated inside another
        ("(?:创{400})(?#c){400}", 400**2),  # a comment between a group and its count
        ("(?x)(?:创{400})\t{400}", 400**2),  # verbose: whitespace between them
        ("(?ix)(?:创{400}) {400}", 400**2),  # verbose among other flags
        ("(?:创{400}) {400}", 400),  # not verbose: the space is what repeats
        ("话题#(?:(?:创{1000}){1000})", 10**6),  # not verbose: # is a character, not a comment
        # verbose: a comment right after ( is skipped, its ( opens nothing
        ("(?x)(# (\n(?:(?:创{1000}){1000}){1000})", 10**9),
        # ... nor does its ) close the group (an audit: read as characters, 300 x 300 where the engine nests 300**3,
        # and compiling it grew to 1.6 GB)
        ("(?x)(?:(# )\n创{300}){300}){300}", 300**3),
        ("(?x)(?:(?:(#)\n创{300}){300}){300})", 300**3),
        # a verbose flag holds to the end of its group, or within (?x:...): after it # is a character again, and
        # what follows it is nested (read as a comment to the end, it hid a nesting of 400**3)
        ("(?x:a)#(?:(?:创{400}){400}){400}", 400**3),
        ("(?:(?x)a)#(?:(?:创{400}){400}){400}", 400**3),
        ("(?x)a(?-x)#(?:(?:创{400}){400}){400}", 400**3),
        # read both ways, the larger counts: whitespace before a count after (?-x) is still skipped
        ("(?x)a(?-x)(?:创{400}) {400}", 400**2),
        # a review: in verbose mode the engine reads a count with spaces and comments inside its braces ...
        ("(?x)(?:(?:(?:创{ 300 }){ 300 }){ 300 })", 300**3),
        ("(?x)创{ 3#一个注释\n00 }", 300),
        ("(?x)创{b}", 1),  # braces around no number: characters
        # ... a count after a group of flags alone repeats the atom before it ((?:ab)(?i){2} matches abab) ...
        ("(?:(?:(?:创{300})(?i){300})(?i){300})", 300**3),
        ("(?:(?:(?:创{300})(?x){300})(?-x){300})", 300**3),
        # ... and version 1 nests classes in classes: [[a]))] is one class, its parentheses no group's
        ("(?V1)(?:(?:(?:[[a]))]创{300}){300}){300})", 300**3),
        ("(?V1)[[a-z]--[aeiou]]{5}", 5),
    ],
)
def test_the_repeat_scan_reads_classes_escapes_comments_and_verbose_space(pattern, product):
    assert repeat_product(pattern) == product


# ----- the limits of a user's pattern, at their bounds -------------------------------------------------------------


def test_each_limit_refuses_only_what_is_above_it():
    """Each message says "above the limit": a pattern of exactly MAX_LENGTH characters, MAX_REPEATS nested repeats
    or MAX_GROUPS capturing groups is searched; one more is refused with a ToolkitError."""
    text = "推动数字经济发展，加快建设数字中国"
    longest = "|".join(["污染"] * 3333) + "|数"
    assert len(longest) == MAX_LENGTH and UserPattern(longest, "lexicon x.toml: theme [生态] pattern").search(text)
    with pytest.raises(ToolkitError, match="10,001 characters long, above the limit of 10,000"):
        UserPattern(longest + "字", "the term")
    assert repeat_product("(?:数{100}){1000}") == MAX_REPEATS
    assert UserPattern("(?:数{100}){1000}", "the term").search("数" * 100_000)
    with pytest.raises(ToolkitError, match="repeats 100,100 times"):
        UserPattern("(?:数{100}){1001}", "the term")
    groups = "(数)" * (MAX_GROUPS - 1) + "(字)"
    assert UserPattern(groups, "boilerplate pattern").search("数" * (MAX_GROUPS - 1) + "字")
    with pytest.raises(ToolkitError, match="has 101 capturing groups, above the limit of 100"):
        UserPattern(groups + "(经济)", "boilerplate pattern")


@pytest.mark.parametrize("pattern", ["创{" + "9" * 5000 + "}", "(?:创新){" + "1" * 4400 + ",}"])
def test_a_count_too_long_to_read_is_refused_as_too_many_repeats(pattern):
    """A count of thousands of digits is past what Python reads as a number (ValueError): refused as too many
    repeats, one line, not a traceback from the scan or from the compile."""
    with pytest.raises(ToolkitError, match="through nested counts") as refused:
        UserPattern(pattern, "the term")
    # no made-up number: it said "repeats 100,001 times" of a count of 5,000 nines (an audit)
    assert "100,001" not in str(refused.value) and "more times than" in str(refused.value)


def test_a_comment_that_hides_a_parenthesis_from_the_scan_is_refused_before_compiling():
    """A verbose comment's ) closes nothing: the scan saw 300 x 300 repeats where the engine nests 300**3, and the
    compile grew to 1.6 GB (an audit). Refused with the nesting the engine would unroll, before any compile."""
    with pytest.raises(ToolkitError, match="repeats 27,000,000 times through nested counts"):
        UserPattern("(?x)(?:(# )\n创{300}){300}){300}", "kwic --regex")
    # the same comment where nothing is nested is a pattern like any other
    assert UserPattern("(?x)(?:(# 一个注释)\n创新))", "kwic --regex").search("推动科技创新")


@pytest.mark.parametrize("pattern", ["创新)", "(?:创新))发展"])
def test_a_closing_parenthesis_never_opened_is_not_a_regular_expression(pattern):
    with pytest.raises(ToolkitError, match="is not a regular expression"):
        UserPattern(pattern, "the term")


def test_braces_without_a_number_are_no_count_to_refuse():
    """{} is two characters and {,} a count without bounds (as *): neither is a count the scan can read, and
    neither is refused."""
    assert UserPattern("数字{}", "the term").search("数字{}经济").group() == "数字{}"
    assert UserPattern("数字{,}经济", "the term").search("数字字字经济").group() == "数字字字经济"


@pytest.mark.parametrize("pattern", ["(创(?-1)?新)", "(创)(新(?+1)?)(展)"])
def test_a_relative_call_of_a_group_is_refused_too(pattern):
    with pytest.raises(ToolkitError, match="calls a group"):
        UserPattern(pattern, "the term")


# ----- patterns searched as one --------------------------------------------------------------------------------------


def test_a_back_reference_by_g_is_searched_alone():
    """\\g<1> names the pattern's own first group: joined after another pattern's group it would name that one."""
    patterns = [UserPattern(p, "boilerplate pattern") for p in ("(创新)驱动", "^来源", r"(发展)\g<1>")]
    search = PatternSet(patterns)
    assert search.found_in("高质量发展发展") and not search.found_in("高质量发展")
    assert search.alternation is not None and search.separate == (patterns[2],)


# ----- what the messages show -----------------------------------------------------------------------------------------


def test_a_message_shows_a_pattern_of_60_characters_and_a_text_of_30_whole():
    """A message cuts a pattern past 60 characters and a text past 30, marking the cut with "...": one of exactly
    that length is shown whole, with no mark of a cut that did not happen."""
    pattern = "创新" * 29 + "(("  # 60 characters, not a regular expression
    with pytest.raises(ToolkitError) as info:
        UserPattern(pattern, "the term")
    assert str(info.value).startswith(f"the term {pattern!r} is not a regular expression")
    with pytest.raises(ToolkitError) as info:
        UserPattern("发" + pattern, "the term")
    assert str(info.value).startswith(f"the term {('发' + pattern)[:60] + '...'!r} is not a regular expression")

    class Failing:
        def __init__(self, error):
            self.error = error

        def search(self, *args, **kwargs):
            raise self.error

    text = "推动数字经济发展，加快建设数字中国，建设现代化产业体系，发展"  # 30 characters
    assert len(text) == 30
    pattern = UserPattern("数字(经济|中国)", "boilerplate pattern")
    for error, said in ((TimeoutError, "took more than 2 s on one text"), (MemoryError, "ran out of memory on one text")):
        pattern.compiled = Failing(error)
        with pytest.raises(ToolkitError) as info:
            pattern.search(text)
        assert f"{said} ({text!r}" in str(info.value)
        with pytest.raises(ToolkitError) as info:
            pattern.search(text + "。")
        assert f"{said} ({text + '...'!r}" in str(info.value)
