"""From mutation audit 26 of text/patterns.py: each test here failed on a change of the code that every other test let
through. The nested-repeat scan as its docstring states it (the largest number of a count, escapes followed, a verbose
flag read as holding everywhere, classes of version 1), the calls of a group refused, a user's pattern searched as
Python's ``re`` reads it, and the patterns searched as one alternation."""

import re

import pytest

from toolkit.errors import ToolkitError
from toolkit.text.patterns import PatternSet, UserPattern, repeat_product

# ----- the nested-repeat scan ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "pattern, product",
    [
        # a count's largest number, written plainly or in verbose mode with spaces inside its braces
        ("(?:创新{1,400}){400}", 400**2),
        ("(?x)(?:创新{ 1 , 400 }){400}", 400**2),
        # \g{2} is an escape followed whole: its {2} is no count (read as one, 2 x 300)
        (r"(创)(新)(?:\g{2}){300}", 300),
        # a brace never closed in verbose mode is characters, no count
        ("(?x)(?:创{400}){ 400", 400),
        # a POSIX class inside a class ends where its class does: what follows is read again
        ("(?:[[:digit:]]创{400}){400}", 400**2),
        # version 1: a class in a class, negated, with ] first: its parentheses close no group
        ("(?V1)(?:(?:[[^])]))]创{300}){300}){300}", 300**3),
        # a verbose flag is read as holding everywhere (the regex package's version 0), so (?-x:...) does not turn
        # it off for the scan, whichever letters the flag is written among
        ("(?x)a(?-x:(?:创{400}) {400})", 400**2),
        ("(?ix)a(?-x:(?:创{400}) {400})", 400**2),
        # a group of other flags keeps the verbose flag on: the comment after it hides its counts
        ("(?x)(?i)创新 # 注释: (?:(?:创{400}){400}){400}", 1),
    ],
)
def test_the_repeat_scan_follows_what_its_docstring_says(pattern, product):
    assert repeat_product(pattern) == product


def test_a_verbose_comment_with_nested_counts_in_it_is_searched_not_refused():
    """In verbose mode a comment is no pattern: counts written in it unroll nothing, after another group of flags too."""
    pattern = UserPattern("(?x)(?i)创新 # 例如 (?:(?:创{400}){400}){400}", "kwic --regex")
    assert pattern.search("推动科技创新").group() == "创新"


def test_a_pattern_nested_past_what_the_compiler_can_recurse_into_is_one_line():
    """Deep nesting is a RecursionError inside the regex package's compiler: one line naming the pattern, not a
    traceback."""
    with pytest.raises(ToolkitError, match=r"is too large to compile \(RecursionError\); write a simpler pattern"):
        UserPattern("(?:" * 500 + "创新" + ")" * 500, "the term")


@pytest.mark.parametrize("pattern", ["(?P<词>创新)(?P>词)?", "(?P<词>数字)(?&词)"])
def test_a_call_of_a_named_group_is_refused(pattern):
    """(?P>name) calls a group as (?&name) does: recursion, whose search the memory has no limit for."""
    with pytest.raises(ToolkitError, match="calls a group"):
        UserPattern(pattern, "the term")


# ----- a user's pattern as Python's re reads it -------------------------------------------------------------------------


def test_a_users_pattern_is_case_sensitive_as_python_re_reads_it():
    """The module's docstring: regex's default syntax is that of Python's re, where GDP does not find gdp."""
    pattern = UserPattern("GDP增长", "lexicon x.toml: theme [经济] pattern")
    assert pattern.search("全年GDP增长5.2%") is not None
    assert pattern.search("全年gdp增长5.2%") is None
    assert not pattern.flags & re.IGNORECASE


def test_patterns_with_named_groups_are_searched_as_one_alternation():
    """A named group needs nothing of its own: such patterns are joined, only a back-reference is kept apart."""
    joined = [UserPattern("(?P<来源>来源)：", "boilerplate pattern"), UserPattern("^责任编辑", "boilerplate pattern")]
    search = PatternSet(joined)
    assert search.alternation is not None and search.separate == ()
    assert search.found_in("责任编辑：王某") and search.found_in("来源：新华社") and not search.found_in("新华社")
