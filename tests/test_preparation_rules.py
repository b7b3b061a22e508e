"""Rules of the preparation stage (toolkit/text/preparation.py) found unguarded by a mutation audit: the warnings for a
user's boilerplate patterns, the errors for a user's dictionary files, and the reasons a skipped document is listed."""

import pytest

from toolkit.analysis.lexicon import load_lexicon
from toolkit.config import Config
from toolkit.errors import ToolkitError
from toolkit.text.preparation import make_normalizer, make_segmenter

BODY = "国务院关于加快发展数字经济的指导意见全文如下。"


def _patterns(tmp_path, *patterns):
    (tmp_path / "bp.txt").write_text("\n".join(patterns) + "\n", encoding="utf-8")
    (tmp_path / "c.toml").write_text('[normalize]\nextra_boilerplate = ["bp.txt"]\n', encoding="utf-8")
    return Config.load(tmp_path / "c.toml")


def _unfolded_warning(caplog) -> str:
    return " ".join(r.getMessage() for r in caplog.records if "boilerplate pattern(s) hold" in r.getMessage())


def test_a_pattern_with_one_alternative_in_traditional_script_is_warned_of(tmp_path, caplog):
    """^(節選|节目): 節選 is 节选 in every normalised line, so that alternative removes nothing, though 节 of its
    folded form is elsewhere in the pattern (in 节目): every character of the run must have its folded form there."""
    with caplog.at_level("WARNING", logger="toolkit"):
        normalizer = make_normalizer(_patterns(tmp_path, "^(節選|节目)"))
    assert normalizer.normalize(f"節選自人民日报\n{BODY}").text.startswith("节选")  # the line stays: it removes nothing
    assert "^(節選|节目)" in _unfolded_warning(caplog)


def test_a_pattern_that_holds_the_normalised_form_of_its_traditional_word_is_not_warned_of(tmp_path, caplog):
    """^(乾隆時|乾隆时): 乾隆時 folds to 乾隆时 as a word (乾 alone would be 干, absent), which the pattern holds:
    it removes its line and is no pattern that removes nothing."""
    with caplog.at_level("WARNING", logger="toolkit"):
        normalizer = make_normalizer(_patterns(tmp_path, "^(乾隆時|乾隆时)"))
    assert normalizer.normalize(f"乾隆時期的档案\n{BODY}").text == BODY  # it works
    assert _unfolded_warning(caplog) == ""


@pytest.mark.parametrize(
    "pattern",
    [
        "^来源\u3000新华社",  # a full-width space: a space in the lines the patterns read
        "^\u3000\u3000来源",
        "^来源\u3000新华社 记者",  # an ASCII space elsewhere in the pattern had hidden it
        "^来源\\u3000新华社",  # written as an escape
        "^来源\u200b新华社",  # a zero-width space: removed
        "^来源\t新华社",  # a tab: a space
        "^来源  新华社",  # two spaces: one
        "^ 来源",  # a space at the start: stripped
        "(来源|出处)\u3000+新华社",
        "来源 {2}新华社",  # two spaces at least: one
        "^ +来源",  # a space at the start: stripped
        "\\A 来源",
    ],
)
def test_a_pattern_that_asks_for_what_the_lines_never_hold_is_warned_of(tmp_path, caplog, pattern):
    """The lines the patterns run on hold a full-width space, a tab or two spaces as one space and no invisible
    character, and start with no space, so a pattern asking for one (copied from a text's indented line) removes
    nothing: said, not left to silence (mutation audit 32, then a review of its first fix)."""
    with caplog.at_level("WARNING", logger="toolkit"):
        normalizer = make_normalizer(_patterns(tmp_path, pattern))
    assert normalizer.normalize(f"\u3000\u3000来源\u3000新华社\n{BODY}").text.startswith("来源新华社")  # the line stays
    assert pattern in _unfolded_warning(caplog)


@pytest.mark.parametrize(
    "pattern",
    ["^来源 新华社", "^来源[ \u3000]新华社", "^来源[\\s\u3000]新华社", "^来源[^\u3000]+$", "^来源 ?新华社", "^来源\\s*新华社"],
)
def test_a_pattern_with_a_space_as_the_lines_hold_it_is_not_warned_of(tmp_path, caplog, pattern):
    """A space as the lines hold it (an ASCII one, a class, \\s, an optional one) removes its line: not warned of
    (a class holding U+3000 beside \\s was, in the first fix)."""
    with caplog.at_level("WARNING", logger="toolkit"):
        normalizer = make_normalizer(_patterns(tmp_path, pattern))
    assert _unfolded_warning(caplog) == ""
    assert normalizer.normalize(f"\u3000\u3000来源\u3000新华社\n{BODY}").text == BODY


@pytest.mark.parametrize(
    "pattern", ["^(?:来源：新华社|来源:新华社)", "^(?:来源\u3000新华社|来源 新华社)", "^来源(?:\u3000+| )新华社"]
)
def test_an_alternation_that_holds_the_form_the_lines_hold_is_not_warned_of(tmp_path, caplog, pattern):
    """An alternation lacks only when every alternative does: one that holds the lines' form beside the other
    (来源： or 来源:) was warned of in the first rewrite by the parser (a review)."""
    with caplog.at_level("WARNING", logger="toolkit"):
        make_normalizer(_patterns(tmp_path, pattern))
    assert _unfolded_warning(caplog) == ""


def test_extra_stopwords_are_dropped_beside_the_shipped_ones(tmp_path):
    """segment.extra_stopwords adds to the maintained and policy lists (docs/configuration.md): a user's list of
    one word had replaced them (推进 and 的 kept: mutation audit 32)."""
    sentence = "要大力推进科技创新，加快发展数字经济的步伐，推进生态文明建设。"
    (tmp_path / "extra.txt").write_text("步伐\n", encoding="utf-8")
    shipped = make_segmenter(Config.from_dict({}), load_lexicon()).tokens(sentence)
    config = Config.from_dict({"segment": {"extra_stopwords": [str(tmp_path / "extra.txt")]}})
    extra = make_segmenter(config, load_lexicon()).tokens(sentence)
    assert "步伐" in shipped and "推进" not in shipped  # the case: 步伐 a word, 推进 a shipped stopword
    assert extra == [word for word in shipped if word != "步伐"]


@pytest.mark.parametrize("kind", ["missing", "folder"])
def test_a_dictionary_that_is_no_file_is_an_error_naming_the_option(tmp_path, kind):
    """README: bad input gives one error naming what to fix, not a traceback from inside jieba."""
    path = tmp_path / "dict.txt"
    if kind == "folder":
        path.mkdir()
    config = Config.from_dict({"segment": {"extra_dictionaries": [str(path)]}})
    with pytest.raises(ToolkitError, match="segment.extra_dictionaries"):
        make_segmenter(config, load_lexicon())


def test_the_segmenter_is_made_with_the_configs_token_rules():
    """docs/configuration.md: segment.min_chars drops tokens shorter than it (lexicon words kept) and
    segment.drop_numbers = false keeps numbers; both read from the config, not fixed."""
    lexicon = load_lexicon()
    sentence = "到2035年基本实现社会主义现代化，推动绿色低碳发展，建设数字中国和美丽中国。"
    strict = make_segmenter(Config.from_dict({"segment": {"min_chars": 4}}), lexicon).tokens(sentence)
    assert strict and all(len(word) >= 4 or word in lexicon.words for word in strict), strict
    loose = make_segmenter(Config.from_dict({"segment": {"min_chars": 2}}), lexicon).tokens(sentence)
    assert any(len(word) < 4 and word not in lexicon.words for word in loose), loose  # the sentence has such words
    numbers = make_segmenter(Config.from_dict({"segment": {"drop_numbers": False}}), lexicon).tokens(sentence)
    assert "2035" in numbers
    assert "2035" not in make_segmenter(Config.from_dict({"segment": {"drop_numbers": True}}), lexicon).tokens(sentence)


def _list_warnings(tmp_path, caplog, words: str, **normalize) -> str:
    from toolkit.text.preparation import warn_unmatchable

    (tmp_path / "stop.txt").write_text(words + "\n", encoding="utf-8")
    config = Config.from_dict({"segment": {"extra_stopwords": [str(tmp_path / "stop.txt")]}, "normalize": normalize})
    with caplog.at_level("WARNING", logger="toolkit"):
        warn_unmatchable(config, load_lexicon())
    return " ".join(r.getMessage() for r in caplog.records if "stopwords (segment.extra_stopwords)" in r.getMessage())


def test_a_two_character_word_with_a_character_the_segmenter_cuts_at_is_named(tmp_path, caplog):
    """二〇: 〇 is cut at by jieba, so no token is ever that word (a word of two characters as much as a longer one)."""
    assert "二〇" in _list_warnings(tmp_path, caplog, "二〇")


def test_traditional_words_are_not_said_to_match_nothing_when_texts_stay_traditional(tmp_path, caplog):
    """With normalize.to_simplified = false the texts keep 數據, so a list's 數據 matches; with it on, it does not."""
    assert "數據" not in _list_warnings(tmp_path, caplog, "數據", to_simplified=False)
    caplog.clear()
    assert "數據 -> 数据" in _list_warnings(tmp_path, caplog, "數據", to_simplified=True)


def test_a_listed_word_that_traditional_texts_read_otherwise_is_named(tmp_path, caplog):
    """著力: a mainland form, kept in a mainland text, but 着力 in a traditional one once normalised (its Taiwan variant
    reverted), so the list is told to hold that form too."""
    warned = _list_warnings(tmp_path, caplog, "著力")
    assert "traditional script" in warned and "著力 -> 着力" in warned


_REPORT = (
    "武汉市人民政府关于加快推进科技创新的实施意见。\n"
    "要坚持创新驱动发展战略，推动数字经济和实体经济深度融合。\n"
    "加强生态文明建设，推进长江大保护，建设美丽武汉。\n"
)


def _corpus(tmp_path, documents, **corpus):
    """A corpus folder of (file name, text, date) and a config for it, the cache off."""
    folder = tmp_path / "texts"
    folder.mkdir()
    rows = ["file,title,date"]
    for name, text, date in documents:
        (folder / name).write_text(text, encoding="utf-8")
        rows.append(f"{name},政策文件,{date}")
    (folder / "metadata.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    texts = {"texts": str(folder), "metadata": str(folder / "metadata.csv"), **corpus}
    return Config.from_dict({"corpus": texts, "cache": {"enabled": False}})


def test_a_skipped_document_names_every_rule_that_emptied_it_the_largest_first_and_an_earlier_skip_keeps_its_reason(
    tmp_path,
):
    """README: every input is either used or listed with the reason it was skipped. A file of a comment box's line and
    a run of replacement characters (a copy whose Chinese was lost) is left without text by two rules: its reason
    names both, the one that removed more first; a document skipped before (outside corpus.year_max) keeps its own
    reason, not one of normalisation (mutation audit 34)."""
    from toolkit.text.preparation import prepare

    config = _corpus(
        tmp_path,
        [
            ("report.txt", _REPORT, "2020-03-01"),
            ("lost.txt", "评论一下\n" + "\ufffd" * 40 + "\n", "2021-05-01"),
            ("later.txt", _REPORT.replace("武汉", "湖北"), "2030-01-01"),
        ],
        year_max=2025,
    )
    prepared = prepare(config)
    docs = prepared.corpus.documents.set_index("doc_id")
    removed = prepared.quality.set_index("doc_id").loc["lost"]
    mojibake, boilerplate = int(removed["removed_mojibake"]), int(removed["removed_boilerplate"])
    assert mojibake > boilerplate > 0  # the case: two rules, the mojibake the larger
    assert docs.loc["lost", "status"] == "skipped"
    assert docs.loc["lost", "reason"] == (
        f"no text left after normalisation: {mojibake} characters removed as mojibake, "
        f"{boilerplate} characters removed as boilerplate"
    )
    assert docs.loc["later", "status"] == "skipped" and "corpus.year_max" in docs.loc["later", "reason"]
    assert docs.loc["report", "status"] == "used"


def test_a_corpus_that_normalisation_leaves_without_any_text_is_an_error_naming_what_to_fix(tmp_path):
    """No document left once normalised (every file a page's furniture): one error naming the first document, its
    reason and the options to check, not a run of no text (README: bad input gives one error naming what to fix)."""
    from toolkit.text.preparation import prepare

    furniture = "评论一下\n最热评论\n最新评论\n"
    config = _corpus(tmp_path, [("a.txt", furniture, "2020-01-01"), ("b.txt", furniture + "还没有评论\n", "2021-01-01")])
    with pytest.raises(ToolkitError, match="no text left in any document") as error:
        prepare(config)
    assert "normalize.extra_boilerplate" in str(error.value) and "removed as boilerplate" in str(error.value)


@pytest.mark.parametrize("package", ["opencc", "ftfy", "regex"])
def test_another_version_of_a_package_that_prepares_the_texts_changes_the_prepared_key(tmp_path, monkeypatch, package):
    """OpenCC converts the script, ftfy repairs mojibake and regex runs the boilerplate patterns and the Han classes:
    a new release of any of them can prepare the same file otherwise, so a cache shared by two environments must keep
    their prepared corpora apart (a key of fewer parts than its source serves stale tokens; mutation audit 34)."""
    import importlib.metadata

    from toolkit.text.preparation import load_inputs, prepared_key

    config = _corpus(tmp_path, [("report.txt", _REPORT, "2020-03-01")])
    inputs = load_inputs(config)
    key = prepared_key(inputs.corpus, inputs.normalizer, config, inputs.segmenter)
    shipped = importlib.metadata.version
    monkeypatch.setattr(importlib.metadata, "version", lambda name: "999.0" if name == package else shipped(name))
    assert prepared_key(inputs.corpus, inputs.normalizer, config, inputs.segmenter) != key


def test_a_theme_renamed_changes_the_inputs_fingerprint(tmp_path):
    """A theme's name is its column in every table (the shipped lexicon's header): a sweep that names its runs by the
    fingerprint must fit a run of the renamed theme again, not keep the one whose tables name the old theme (the
    prepared corpus's key holds the words and patterns alone; mutation audit 34)."""
    from toolkit.resources import data_path
    from toolkit.text.preparation import load_inputs

    config = _corpus(tmp_path, [("report.txt", _REPORT, "2020-03-01")])
    shipped = data_path("lexicon.toml").read_text(encoding="utf-8")
    renamed = tmp_path / "lexicon.toml"
    renamed.write_text(shipped.replace("[ecology]\n", "[environment]\n", 1), encoding="utf-8")
    before = load_inputs(config.with_values(**{"themes.lexicon": str(data_path("lexicon.toml"))}))
    after = load_inputs(config.with_values(**{"themes.lexicon": str(renamed)}))
    assert "environment" in after.lexicon.names and "ecology" not in after.lexicon.names  # the case
    assert after.fingerprint != before.fingerprint


def test_the_settings_a_fit_is_checked_against_hold_the_phrase_options_and_the_metadatas_content(tmp_path):
    """A fit refuses a config that would have prepared another corpus (toolkit.fit): phrases are joined while preparing
    (with themes.match saying which words are keywords, never joined), and the metadata gives each document its year,
    so each is in the settings a prepared corpus records (mutation audit 34)."""
    from toolkit.text.preparation import preparation_settings

    config = _corpus(tmp_path, [("report.txt", _REPORT, "2020-03-01")])
    base = preparation_settings(config)
    for values in ({"vocab.phrases": True}, {"vocab.phrase_min_count": 7}, {"vocab.phrase_threshold": 0.9}):
        assert preparation_settings(config.with_values(**values)) != base, values
    phrases = config.with_values(**{"vocab.phrases": True})
    assert preparation_settings(phrases.with_values(**{"themes.match": "contains"})) != preparation_settings(phrases)
    metadata = tmp_path / "texts" / "metadata.csv"
    metadata.write_text(metadata.read_text(encoding="utf-8").replace("2020-03-01", "2021-03-01"), encoding="utf-8")
    assert preparation_settings(config) != base  # the same path, a year corrected
