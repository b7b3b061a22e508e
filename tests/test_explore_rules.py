"""From mutation audit 26 of explore.py: each test here failed on a change of the code that every other test let
through. What terms and kwic read (a Config's overrides, one file's name, the encoding and phrases of a file of a
config's corpus), the inputs no output of theirs may replace, and the warnings of kwic --regex: a pattern holding
what the normalised texts never hold, or a character whose regional form it does not take, and only then."""

import pytest

from toolkit.config import Config
from toolkit.errors import ToolkitError
from toolkit.explore import concordance, source_config, source_inputs

from .conftest import write_config

REGIONAL = "texts in traditional script hold"
UNFOLDED = "hold characters the texts never hold"
CITIES = ["北京", "上海", "广州", "深圳", "杭州", "成都", "武汉", "西安", "南京", "苏州"]
VERBS = ["加快", "推动", "支持", "鼓励", "引导", "促进", "强化", "完善", "优化", "培育"]
PHRASES = {"phrases": True, "phrase_min_count": 3, "phrase_threshold": 0.5}


@pytest.fixture
def report(tmp_path):
    """A report in traditional script, as a Taiwan or Hong Kong text writes it."""
    path = tmp_path / "施政报告2023.txt"
    path.write_text("要著力推進改革，著力提升創新能力，發展數字經濟。\n", encoding="utf-8")
    return path


def _warnings(caplog, report, pattern, **kwargs):
    """The lines kwic --regex gives of ``pattern`` in ``report``, and what it warned."""
    caplog.clear()
    with caplog.at_level("WARNING", logger="toolkit"):
        lines = concordance(report, [pattern], regex=True, **kwargs)
    return lines, caplog.text


# ----- what terms and kwic read --------------------------------------------------------------------------------------


def test_the_overrides_apply_to_a_config_given_as_a_config():
    """source_config: the config the source is, with the overrides, a Config as well as a path."""
    config = source_config(Config.load(None), ["terms.context=3"])
    assert config["terms"]["context"] == 3


def test_a_file_of_a_config_whose_metadata_is_not_written_yet_is_read_with_corpus_encoding(tmp_path):
    """normalize_file reads a file of the corpus by its metadata row's encoding, else by corpus.encoding: a metadata
    file not written yet is no row, not an error."""
    from toolkit.explore import normalize_file

    texts = tmp_path / "texts"
    texts.mkdir()
    (texts / "通知.txt").write_bytes("推动高质量发展，加快建设数字中国。".encode("gbk"))
    config = write_config(tmp_path / "研究.toml", texts, tmp_path / "metadata.csv", corpus={"encoding": "gbk"})
    assert normalize_file(texts / "通知.txt", config).startswith("推动高质量发展")


def test_one_files_lines_are_named_by_its_file_name_and_titled_by_its_stem(report):
    lines = concordance(report, "数字经济")
    assert lines["doc_id"].tolist() == ["施政报告2023.txt"] and lines["title"].tolist() == ["施政报告2023"]


def test_the_inputs_of_one_file_are_that_file(report):
    assert source_inputs(report) == {"the text file": report}


def test_the_inputs_of_a_config_path_are_read_with_its_overrides(tmp_path):
    """An output must not replace the text folder the command reads: the one the overrides name, not the file's."""
    (tmp_path / "texts").mkdir()
    (tmp_path / "其他文本").mkdir()
    config = write_config(tmp_path / "研究.toml", tmp_path / "texts")
    inputs = source_inputs(config, [f'corpus.texts="{tmp_path / "其他文本"}"'])
    assert inputs["corpus.texts"].resolve() == (tmp_path / "其他文本").resolve()


def test_phrases_learned_from_one_file_never_join_a_lexicon_word(tmp_path):
    """tokenize_file without a corpus learns phrases from the file alone, and as a run does, never joins a word of
    the lexicon into a pair (数字经济 stays itself, to be counted for its theme)."""
    from toolkit.explore import tokenize_file

    path = tmp_path / "城市.txt"
    path.write_text(
        "".join(f"{p}市{v}建设数字经济平台，{p}市老旧小区农贸市场改造成效明显。\n" for p, v in zip(CITIES, VERBS)),
        encoding="utf-8",
    )
    config = Config.load(None, [f"vocab.{key}={value}".lower() for key, value in PHRASES.items()])
    words = {word for unit in tokenize_file(path, config) for word in unit}
    assert "农贸市场_改造" in words  # phrases are learned from this file
    assert "数字经济" in words and not any("数字经济_" in w or "_数字经济" in w for w in words)


def test_a_file_of_a_config_corpus_is_tokenised_with_the_phrases_the_run_learns_from_the_corpus(tmp_path):
    """tokenize_file: with vocab.phrases, word pairs are joined by the phrase model a run learns from its corpus, not
    from this file alone (where the pair occurs once, below phrase_min_count)."""
    from toolkit.explore import tokenize_file

    texts = tmp_path / "texts"
    texts.mkdir()
    (texts / "城市.txt").write_text(
        "2021年3月5日\n" + "".join(f"{p}市加快建设数字经济平台，{p}市老旧小区农贸市场改造成效明显。\n" for p in CITIES),
        encoding="utf-8",
    )
    one = texts / "本市.txt"
    one.write_text("2022年3月5日\n本市推进农贸市场改造工作，群众满意度持续提升，各区县按照统一部署抓好落实。\n", encoding="utf-8")
    config = write_config(tmp_path / "研究.toml", texts, vocab=PHRASES)
    words = {word for unit in tokenize_file(one, config) for word in unit}
    assert "农贸市场_改造" in words


# ----- the warnings of kwic --regex ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "pattern",
    [
        "[著]力",  # a class of the Taiwan form alone
        "(著力推进|着力)(改革)?",  # a literal alternative whose regional form the pattern finds; the other one's ...
        r"[\]著着]力",  # ... and a class with an escaped ] in it take both forms
        "[]著着]力",  # a ] first in a class is one of its characters
        "(?i:著|着)力",  # a group with flags holds its alternatives as (?:...) does
        r"\[著着]力",  # an escaped [ opens no class: the pattern finds the brackets, not 着力
    ],
)
def test_a_pattern_is_warned_of_exactly_when_it_does_not_take_the_regional_form(caplog, report, pattern):
    lines, said = _warnings(caplog, report, pattern)
    takes = pattern not in ("[著]力", r"\[著着]力")
    assert (REGIONAL in said) != takes, said
    assert ("着力" in "".join(lines["match"])) == takes


def test_no_regional_form_is_said_when_the_texts_are_not_made_simplified(caplog, report):
    """Without normalize.to_simplified the texts keep 著力 as written: there is no other form to search."""
    lines, said = _warnings(caplog, report, "著力", overrides=["normalize.to_simplified=false"])
    assert REGIONAL not in said and len(lines) == 2


@pytest.mark.parametrize("pattern", [r"(?x)数字\ 经济", r"数字\ 经济"])
def test_an_escaped_space_between_chinese_characters_is_warned_of(caplog, report, pattern):
    """The texts never hold a space between Chinese characters (数字 经济 is warned of); written escaped, as verbose
    mode (?x) needs it, it is the same character to find (found nothing unsaid: mutation audit 26)."""
    lines, said = _warnings(caplog, report, pattern)
    assert lines.empty and UNFOLDED in said
    assert "write them as the texts read (" in said and "数字经济" in said


def test_each_pattern_warned_of_is_shown_as_the_texts_read_it(caplog, report):
    """The warning names the patterns and how to write each of them as the texts read."""
    with caplog.at_level("WARNING", logger="toolkit"):
        concordance(report, ["創新", "數字"], regex=True)
    assert "the pattern(s) 創新, 數字 hold" in caplog.text and "write them as the texts read (创新, 数字;" in caplog.text


def test_a_pattern_with_a_parenthesis_never_opened_is_one_error(report):
    """The warning's reading of the pattern must not fail first: the search says why the pattern is wrong."""
    with pytest.raises(ToolkitError, match="is not a regular expression"):
        concordance(report, ["著力)"], regex=True)
