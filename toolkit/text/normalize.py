"""Raw text to clean simplified text: script, width, pinyin readings, mojibake and boilerplate lines.

Every character removed is counted by the rule that removed it, so the quality report can show what
normalisation did to each document.
"""

from __future__ import annotations

import functools
import logging
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import require_type
from ..options import Option
from ..resources import data_path, read_text_file
from .patterns import PatternSet, UserPattern

log = logging.getLogger("toolkit")

REPEATED_MIN = 20  # a repeated line shorter than this (一、, 同志们:) is kept: headings and salutations repeat
OPTIONS = {
    "to_simplified": Option(True, "Convert traditional to simplified script with OpenCC (t2s)."),
    "repair_mojibake": Option(True, "Repair text decoded with the wrong codec where ftfy can (UTF-8 read as Latin-1)."),
    "strip_pinyin": Option(True, "Remove pinyin readings in parentheses after a character: 創(chuàng) -> 创."),
    "drop_boilerplate": Option(
        True,
        "Remove web boilerplate (comment boxes, credits, pagination): the text a "
        "pattern matches, or its whole line when little else is left on it.",
    ),
    "remove_mojibake": Option(
        True,
        "Remove runs of mojibake (stray Latin/Greek letters in Chinese, and two or more ? between Chinese "
        "characters: the characters a narrower encoding lost).",
    ),
    "extra_boilerplate": Option([], "Files of extra boilerplate-line patterns (one regex per line).", kind=list, path=True),
    "drop_repeated_lines": Option(
        True,
        f"Remove a line (a paragraph) of at least {REPEATED_MIN} characters that repeats an earlier line of the "
        "same text word for word: a text saved twice in one file (quality.csv's repeated_lines counts them).",
    ),
}

# A Han character, for every rule that asks whether a character is Chinese: an ideograph of any CJK block,
# that is Extension A, the unified ideographs, the compatibility ideographs, and all of planes 2 and 3, which
# Unicode reserves for ideographs (Extensions B-J and the compatibility supplement), whole, so that characters
# newer than Python's Unicode tables count too. Not the radicals or 々〆〇, which ``regex``'s \p{Han} takes in
# (marks and signs, not characters of a word), nor strokes or the Yijing hexagrams amid the blocks (U+4DC0-4DFF).
HAN_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x3FFFF))
HAN = "".join(f"{chr(low)}-{chr(high)}" for low, high in HAN_RANGES)  # the ranges, for a regex character class
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
_PINYIN_CHARS = f"a-zü{_TONED}"
# A pinyin syllable once tone marks are removed (ü written v): initial + final, or a bare final.
_SYLLABLE = re.compile(
    r"(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?"
    r"(?:iang|iong|uang|ang|eng|ing|ong|uan|ian|iao|uai|van|ai|ei|ao|ou|an|en|in|un|vn|ia|ie|iu|ua|uo|ue|ve|ui|er"
    r"|a|o|e|i|u|v)r?"
)
# Neutral-tone syllables that carry no tone mark in web readings.
_NEUTRAL = {"de", "le", "me", "men", "ne", "ma", "ba", "zi", "zhe", "guo", "li", "shang", "xia", "lai", "qu"}
# A reading: '(' or the '?' that replaced it, the syllable, ')'; after a Han character or a '?' that
# replaced one. Several readings in a row are removed together. The look-behind comes after the first
# character so that the regex engine can skip to candidates by that character instead of trying every position.
# A toned vowel may be a '?' too: a Big5 or GBK copy has no à (創(chu?ng), 發(f?): a hostile pass); see _is_pinyin.
# (Never a '?' first: ??chuàng) is the lost character's ? and the reading after the ? of its parenthesis.)
_LOST_TONE_SYLLABLE = rf"[{_PINYIN_CHARS}][{_PINYIN_CHARS}?]{{0,6}}"
_READING = re.compile(rf"[(?](?<=[{HAN}?\ufffd].){_LOST_TONE_SYLLABLE}\)(?:[(?]{_LOST_TONE_SYLLABLE}\))*")
_ONE_READING = re.compile(rf"[(?]({_LOST_TONE_SYLLABLE})\)")
# A reading of a word, its syllables apart or capitalised: 碳达峰(tàn dá fēng), 創(Chuàng). Each syllable must be
# pinyin with its tone mark (or a neutral one), so (AI) and (Li Qiang) stay.
_WORD_READING = re.compile(rf"\((?<=[{HAN}?\ufffd]\(){_LOST_TONE_SYLLABLE}(?: {_LOST_TONE_SYLLABLE}){{0,9}}\)", re.I)
# Mojibake that ftfy cannot repair: the replacement character, and lone letters wedged inside Chinese text (Greek, Cyrillic,
# Latin-1 letters, or one lower-case ASCII letter before a web reading: 劝l(fā)), which are what text decoded
# with the wrong codec leaves behind. Not × and ÷ (Latin-1 signs, no letters: 长×宽), the Greek letters that Chinese
# writes in science (α粒子, γ射线, δ变异株, ω-3, π, ε-聚赖氨酸, ΔT, Ω: lower-case α-ω but ο, which looks like o, and
# Δ, Ω), nor an ASCII letter of a word (e政务, i武汉, x射线), each of which a hostile pass of the preprocessing or an
# adversarial review found removed.
# (Look-behinds after the first character, as in _READING.)
_STRAY_LETTERS = "\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u00ff\u0370-\u0393\u0395-\u03a8\u03aa-\u03b0\u03bf\u03ca-\u03ff\u0400-\u04ff"
# ... and two or more ? between Chinese characters: the characters a conversion to a narrower encoding lost (one ? is
# left: with full-width punctuation folded by NFKC, 为什么?因为 is a question)
_STRAY = re.compile(
    rf"\ufffd|[{_STRAY_LETTERS}](?<=[{HAN}].)[{_STRAY_LETTERS}]*|[a-z](?<=[{HAN}].)(?=\([{_PINYIN_CHARS}]{{1,7}}\))"
    rf"|\?(?<=[{HAN}]\?)\?+(?=[{HAN}])"
)
_SPACES = re.compile(r"[ \t\u00a0\u3000]+")
# Control characters (C0 and DEL; \t, \n and \r are whitespace): invisible, and each left in a text cut the word
# around it (数字\x0c经济 was no keyword). A form feed is a PDF's page break, written after the page's last line
# break: removed, the line break stays and the pages' lines are joined as any wrapped lines are.
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Unicode's line and paragraph separators (Word's manual line break, web pages) are line breaks, as a carriage return
# is; they were left in the text, invisible, and printed inside kwic's contexts (a hostile pass). A word broken across
# one stays broken, as across any line break that is not a page's wrapping.
_LINE_SEPARATORS = re.compile("\r\n?|[\u2028\u2029]")
# C1 controls (and NEL, a line break): no character of a text but mojibake's (UTF-8 read as Latin-1), which the
# repair undoes first; so removed once no clue of mojibake is left (the repair of ¸ã\x90\x80 needs them, a pass on)
_C1_CONTROLS = re.compile("[\x80-\x84\x86-\x9f]")
# Unicode's format characters (category Cf: zero-width space and joiners, the byte-order mark inside a text, the
# soft hyphen, direction marks ...): invisible, and jieba cuts a word at each (碳\u200b达峰 lost the keyword)
_FORMAT = re.compile(
    "[\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064"
    "\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3"
    "\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f]"
)
# ① ... ⑳, ㉑ ... ㉟, ㊱ ... ㊿ -> (1) ... (50)
_CIRCLED = {
    **{0x2460 + i: f"({i + 1})" for i in range(20)},
    **{0x3251 + i: f"({i + 21})" for i in range(15)},
    **{0x32B1 + i: f"({i + 36})" for i in range(15)},
}
# a space between two Han characters is layout (a justified PDF line, a spaced-out title 政 府 工 作 报 告), never
# a word boundary a reader sees: jieba would cut 数字 经济 where the text says 数字经济
_HAN_GAP = re.compile(rf"(?<=[{HAN}]) (?=[{HAN}])")


_OTHER_ALNUM_RUN = re.compile(rf"[^\W_{HAN}]+")  # letters and digits of any script but Han
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")  # a run of Latin letters (an English word), not a letter of mojibake


def _codepoints(text: str):
    import numpy as np

    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


@functools.lru_cache(maxsize=1)
def _han_table():
    """For each code point, whether it is a Han character (HAN_RANGES): one look-up per character."""
    import numpy as np

    table = np.zeros(0x110000, dtype=bool)
    for low, high in HAN_RANGES:
        table[low : high + 1] = True
    return table


def _han_count(text: str) -> int:
    """Han characters (HAN_RANGES) of ``text``, looked up with numpy a million at a time (on a text of 100M
    characters that is faster than all at once, and its 400 MB of code points are never made whole)."""
    import numpy as np

    table, step = _han_table(), 1 << 20
    return sum(int(np.count_nonzero(table[_codepoints(text[i : i + step])])) for i in range(0, len(text), step))


def _meaningful_count(text: str) -> int:
    """Letters and digits of any script (``str.isalnum``) plus Han characters."""
    return _han_count(text) + sum(map(len, _OTHER_ALNUM_RUN.findall(text)))


def _changed_count(before: str, after: str) -> int:
    """Positions at which two texts differ (compared up to the shorter one's length), counted with numpy."""
    import numpy as np

    n = min(len(before), len(after))
    return int(np.count_nonzero(_codepoints(before[:n]) != _codepoints(after[:n])))


@functools.lru_cache(maxsize=1)
def _mojibake_clue() -> re.Pattern:
    """Characters that UTF-8 Chinese text shows when decoded with a wrong single-byte codec: the lead bytes of
    UTF-8 sequences of Han characters (0xE3-0xE9 for those of the BMP, 0xF0 for planes 2 and 3) in each codec
    ftfy can undo. ftfy can only repair a text into more Han characters if one of them is present, so texts
    without them skip ftfy."""
    from ftfy.chardata import CHARMAP_ENCODINGS

    leads = [*range(0xE3, 0xEA), 0xF0]
    clues = {bytes([byte]).decode(encoding, errors="ignore") for encoding in CHARMAP_ENCODINGS for byte in leads}
    return re.compile("[" + re.escape("".join(sorted(clues - {""}))) + "]")


@functools.lru_cache(maxsize=1)
def _compatibility_forms() -> tuple[re.Pattern, dict[int, str]]:
    """Runs of characters of the Basic Multilingual Plane that NFKC changes on their own (full-width
    punctuation, digits and letters, circled numbers ...), and each one's NFKC form."""
    forms = {}
    for code in range(0x10000):
        if not 0xD800 <= code <= 0xDFFF:
            form = unicodedata.normalize("NFKC", chr(code))
            if form != chr(code):
                forms[code] = form
    return re.compile("[" + "".join(re.escape(chr(code)) for code in forms) + "]+"), forms


def pattern_form(text: str) -> str:
    """``text`` as the lines a boilerplate pattern runs on hold it: NFKC (a full-width space is a space), control
    and invisible format characters removed, each run of spaces one space (the lines are stripped, and the spaces
    between Chinese characters closed up only after the patterns ran: :meth:`Normalizer.normalize`)."""
    return _SPACES.sub(" ", _FORMAT.sub("", _CONTROLS.sub("", _nfkc(text))))


def _nfkc(text: str) -> str:
    """``unicodedata.normalize("NFKC", text)``, quicker on Chinese text, where the only characters to change
    are a few full-width ones among many that stay.

    Each such character is first replaced by its own NFKC form, which leaves the text's compatibility
    decomposition, and so its NFKC form, as it was; if the result is normalised, it is that NFKC form. Only
    texts with combining marks, Hangul jamo and the like still need the full algorithm.
    """
    if unicodedata.is_normalized("NFKC", text):
        return text
    runs, forms = _compatibility_forms()
    replaced = runs.sub(lambda run: run.group().translate(forms), text)
    return replaced if unicodedata.is_normalized("NFKC", replaced) else unicodedata.normalize("NFKC", replaced)


# the characters cp1252 gives bytes 80-9F (five of them it leaves undefined), and back
_CP1252_BYTES = {bytes([b]).decode("cp1252"): b for b in range(0x80, 0xA0) if b not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)}


def _byte_of(char: str) -> int | None:
    """The byte that ``char`` stands for in text decoded as Latin-1 or cp1252 (None for any other character)."""
    code = ord(char)
    return code if code < 0x100 else _CP1252_BYTES.get(char)


def _space_stray_nbsp(text: str) -> str:
    """``text`` with each no-break space that is no continuation byte of a UTF-8 sequence (read as Latin-1 or
    cp1252) made a plain space: an indentation of &nbsp; before mojibake (U+00A0, byte A0, which UTF-8 only has
    inside a character) made ftfy repair the rest in part, and the stray soft hyphen it left was then deleted as a
    format character, with the character it belonged to (数字经济 lost its 字). A0 inside a character's bytes
    (加 is E5 8A A0) stays."""
    if "\xa0" not in text:
        return text
    out, need = [], 0
    for char in text:
        byte = _byte_of(char)
        if byte is None or byte < 0x80 or byte > 0xF4:
            need = 0
        elif byte >= 0xC2:
            need = 1 if byte < 0xE0 else 2 if byte < 0xF0 else 3
        elif byte <= 0xBF:
            if need:
                need -= 1
            elif char == "\xa0":
                char = " "
        else:  # C0, C1: never in UTF-8
            need = 0
        out.append(char)
    return "".join(out)


def _is_pinyin(syllable: str, lost_tones: bool = True) -> bool:
    """Whether ``syllable`` is one of pinyin with its tone mark (or a neutral one); with ``lost_tones``, a '?' in
    place of its toned vowel too (chu?ng: an encoding without the vowel lost it)."""
    bare = "".join(c for c in unicodedata.normalize("NFD", syllable) if not unicodedata.combining(c))
    bare = bare.replace("ü", "v").replace("\u0308", "")
    if "?" in bare:  # a syllable with some vowel in its place
        return (
            lost_tones
            and bare.count("?") == 1
            and len(bare) > 1
            and any(_SYLLABLE.fullmatch(bare.replace("?", v)) for v in "aeiouv")
        )
    if not _SYLLABLE.fullmatch(bare):
        return False
    return any(c in _TONED for c in syllable) or bare in _NEUTRAL


@functools.lru_cache(maxsize=1)
def _converters():
    import opencc

    return opencc.OpenCC("t2s"), opencc.OpenCC("tw2s"), opencc.OpenCC("hk2s"), opencc.OpenCC("s2t")


def regional_form(text: str) -> str:
    """``text`` (simplified already) as a text in traditional script that writes it gives it once normalised: its
    Taiwan and Hong Kong variants reverted (著力 -> 着力, 衞生 -> 卫生), which :func:`to_simplified` does in
    traditional texts only. Through the traditional form first (s2t), as such a text writes it: tw2s's phrases are
    of traditional text, and on 显著 itself it would give 显着."""
    _, _, _, s2t = _converters()
    return _variants_reverted(s2t.convert(text))


# Words of 著 (zhù: to write, to be outstanding) that OpenCC's tw2s writes with 着 (zhe, zhuó), as no mainland text
# does: it keeps 著 in 显著, 著名 and 著作 but gave 成效卓着, 见微知着, 专着 (a hostile pass of the preprocessing).
# Not after a word they end (讨论着, 推论着, 理论着手, 翻译着, 还原着: the particle, or a word of 着 after 理论: an
# adversarial review); the next character is the next word's (专著陆续, 论著实在, 原著重在 keep 著), but after 原 and 论
# the words of 着 a policy text writes there are those words (中原着力, 方法论着手, 系统论着眼, 高原着陆, 着想: a second
# review; 原著陆续, 原著手法, 原著手稿, 论著眼界 keep 著; 这部论著力求 is read 论着力求, the ambiguity that remains);
# 撰著, 杰著, 鸿著, 巨著, 旧著, and 所著, 新著, 前著 but before a word of 着 (新着力点, 所着重的: mutation audit 11).
_ZHU = re.compile(
    r"(?:卓|专|编|遗|土|拙|撰|杰|鸿|巨|旧|(?<!翻)译)着"
    r"|(?:(?<![还复])原|(?<![讨议评争辩谈推结言舆理])论)着(?!力|手(?![法稿])|眼(?![界光])|陆(?!续)|想)"
    r"|(?:新|前|所)着(?!力|手|眼|陆|想|重|落|急|迷|凉)"
    r"|见微知着|彰明较着"
)


# ... and the particle where tw2s's phrase 合著 (co-written) takes it: 結合著 is 结合着 (bound up with)
_ZHE = re.compile(r"(?<=结)合著")


def _variants_reverted(text: str) -> str:
    """Taiwan and Hong Kong variants of a text in traditional script reverted (tw2s, then hk2s), 著 kept where a
    mainland text writes it (:data:`_ZHU`), and 着 where a phrase of tw2s kept 著 (:data:`_ZHE`)."""
    _, tw2s, hk2s, _ = _converters()
    # piece by piece between NUL characters, at which tw2s and hk2s stop (a file read as UTF-16 lost all after its
    # first; a review: the check of whether a file is text divided by the nothing left)
    converted = "\x00".join(hk2s.convert(tw2s.convert(piece)) for piece in text.split("\x00"))
    reverted = _ZHU.sub(lambda m: m[0][:-1] + "著", converted)
    return _ZHE.sub("合着", reverted)


TRADITIONAL_SHARE = 0.01  # share of Han characters that t2s changes, above which a text counts as traditional


def to_simplified(text: str) -> str:
    """Simplified script with OpenCC.

    Mainland text goes through ``t2s``. Text in traditional script (t2s changes over 1% of its Han
    characters) first has its Taiwan and Hong Kong variants reverted (``tw2s`` then ``hk2s``, so 著力 and
    衞生 become 着力 and 卫生), but in its lines plainly in simplified script; doing that to mainland text (or to a
    mainland paragraph of a mixed file) would wrongly turn 显著 into 显着. Characters only, not
    vocabulary: OpenCC's ``tw2sp`` also maps Taiwan's words, but its computing phrases turn 核心 into 内核, 建立
    into 创建 and 文件 into 文档 in any policy text; the lexicon lists the regional terms of a theme instead
    (数位经济, 软体 ...).
    """
    require_type(text, str, "to_simplified", "text", "a str")
    t2s, _, _, s2t = _converters()
    simplified = t2s.convert(text)
    han = _han_count(text)  # of every block, as the changes counted are: t2s changes 1,556 characters outside the URO
    if han and _changed_count(text, simplified) / han > TRADITIONAL_SHARE:
        # the variants reverted but in a line plainly in simplified script (a character that only simplified script
        # writes, none that t2s changes): a mainland paragraph of a mixed file keeps 显著, which tw2s turns into 显着
        # (a hostile pass of the lexicon tools); a line of characters both scripts write (著力) is the file's
        lines = text.splitlines(keepends=True)
        plain = [s2t.convert(line) != line and t2s.convert(line) == line for line in lines]
        # through the traditional form first (s2t), as regional_form does: tw2s's phrases are of traditional text,
        # and a mainland word on a traditional line (显著 beside 著力) was written 显着
        return "".join(line if simple else _variants_reverted(s2t.convert(line)) for line, simple in zip(lines, plain))
    return simplified


def load_boilerplate_patterns(extra_files: list[Path] | tuple[Path, ...] = ()) -> list[UserPattern]:
    """The shipped boilerplate-line patterns plus those of ``extra_files`` (one regex per line, '#' comments),
    run with a time limit (see :mod:`toolkit.text.patterns`)."""
    from ..errors import ToolkitError

    patterns = []
    for path in [data_path("boilerplate_lines.txt"), *extra_files]:
        try:
            lines = read_text_file(path).splitlines()
        except UnicodeDecodeError:
            raise ToolkitError(f"boilerplate patterns {path} are not UTF-8 text; save the file as UTF-8") from None
        except OSError as exc:
            raise ToolkitError(f"cannot read boilerplate patterns {path}: {exc.strerror}") from None
        for n, line in enumerate(lines, 1):
            if line.strip() and not line.lstrip().startswith("#"):
                patterns.append(boilerplate_pattern(line.strip(), f"{path}:{n}: boilerplate pattern"))
    return patterns


def boilerplate_pattern(pattern: str, where: str = "boilerplate pattern") -> UserPattern:
    """A boilerplate-line pattern (a regex), run with a time limit; refused when it matches the empty string."""
    from ..errors import ToolkitError

    if not isinstance(pattern, str):
        raise ToolkitError(f"{where} must be a regular expression (a string), not {pattern!r}")
    compiled = UserPattern(pattern, where)
    if compiled.search("") is not None:
        raise ToolkitError(
            f"{where} {pattern!r} matches the empty string, so it would find something in every line; make it "
            "match at least one character (no ? or * around the whole pattern)"
        )
    return compiled


# A line where a boilerplate pattern matches is dropped whole when it is short (a credit, a comment-box count,
# a repost's banner: the patterns name such lines by a part of them), or when what is left of it once every
# match is removed has fewer Han characters than MIN_KEPT_HAN; from a longer line only the matches go, so a
# paragraph, or a document scraped without line breaks, keeps its text.
SHORT_LINE = 100
# a PDF copy's running head or page number (Normalizer._without_page_heads): a line of at most this many characters
# that recurs at least this many times, its digits aside
PAGE_HEAD_MAX, PAGE_HEAD_REPEATS = 24, 3
PAGE_HEAD_RULE = "a running head or page number of a PDF's pages"
_DIGITS = re.compile(r"[0-9]+")
MIN_KEPT_HAN = 10


@dataclass
class Normalized:
    """Normalised text and the number of characters each rule removed."""

    text: str
    chars_in: int
    removed: Counter = field(default_factory=Counter)
    boilerplate: Counter = field(default_factory=Counter)  # characters removed by each boilerplate pattern
    converted: int = 0  # characters changed by the script conversion
    repaired: int = 0  # characters saved by repairing mojibake (ftfy): how much shorter the repaired text is
    repeated_lines: int = 0  # lines removed as repeating an earlier line word for word


@dataclass
class Normalizer:
    """Turns raw text into clean simplified text. Parameters mirror the ``[normalize]`` config section;
    ``boilerplate_patterns`` are regexes (strings, or compiled) of the lines to drop, the shipped ones when None."""

    to_simplified: bool = True
    repair_mojibake: bool = True
    strip_pinyin: bool = True
    drop_boilerplate: bool = True
    remove_mojibake: bool = True
    boilerplate_patterns: list[UserPattern] | None = None
    drop_repeated_lines: bool = True

    def __post_init__(self):
        if self.boilerplate_patterns is None:
            self.boilerplate_patterns = load_boilerplate_patterns()
        else:
            given = self.boilerplate_patterns
            given = [given] if isinstance(given, str) or hasattr(given, "finditer") else given  # one, not its characters
            # strings compiled as a file's lines are; compiled patterns (UserPattern, re, regex) taken as they are
            self.boilerplate_patterns = [p if hasattr(p, "finditer") else boilerplate_pattern(p) for p in given]

    def normalize(self, text: str) -> Normalized:
        """Normalise ``text``; idempotent (normalising the result again changes nothing)."""
        bytes_hint = " (a file's bytes: toolkit.decode(data).text first)" if isinstance(text, (bytes, bytearray)) else ""
        require_type(text, str, "Normalizer.normalize", "text", "a str", bytes_hint)
        result = Normalized(text="", chars_in=len(text))
        result.text = self._normalize_once(text, result)
        # a repaired text can reveal more to repair or strip, and so can one still bearing a clue of mojibake (its
        # width folding can free mojibake a character beside it hid: ¸ã\x90\x80 repaired only once ¸ was folded):
        # go to the fixed point
        if result.repaired or (self.repair_mojibake and _mojibake_clue().search(result.text)):
            self._to_fixed_point(result)
        # the C1 controls no repair took (a clue of mojibake that is none, or mojibake of no Chinese): removed, as in
        # a text without a clue, and on to the fixed point once more
        if _C1_CONTROLS.search(result.text) or "\x85" in result.text:
            self._to_fixed_point(result, keep_c1=False)
        return result

    def _to_fixed_point(self, result: Normalized, keep_c1: bool = True) -> None:
        for _ in range(3):
            again = self._normalize_once(result.text, result, keep_c1)
            if again == result.text:
                break
            result.text = again

    def _normalize_once(self, text: str, result: Normalized, keep_c1: bool = True) -> str:
        if self.repair_mojibake:
            text = self._repair(text, result)
        # circled numbers mark list items (① 加强...); NFKC would make them bare digits, which no longer start an item
        text = _LINE_SEPARATORS.sub("\n", _nfkc(text.translate(_CIRCLED)))
        text = self._sub_counting(_CONTROLS, text, "whitespace", result.removed)
        if not (keep_c1 and self.repair_mojibake and _mojibake_clue().search(text)):
            text = self._sub_counting(_C1_CONTROLS, text.replace("\x85", "\n"), "whitespace", result.removed)
        text = self._sub_counting(_FORMAT, text, "whitespace", result.removed)
        for _ in range(4):  # removals can bring new matches next to each other; stop at the fixed point
            before = text
            if self.strip_pinyin:
                text = self._strip_readings(text, result.removed)
            if self.remove_mojibake:
                text = self._sub_counting(_STRAY, text, "mojibake", result.removed)
            if text == before:
                break
        if self.to_simplified:
            simplified = to_simplified(text)
            result.converted = _changed_count(text, simplified)
            text = _nfkc(simplified)
        lines = [line.strip() for line in _SPACES.sub(" ", text).split("\n")]
        result.removed["whitespace"] += len(text) - text.count("\n") - sum(map(len, lines))
        lines = [line for line in lines if line]
        if self.drop_boilerplate:  # before the spaces are closed up: patterns are written from the text as it reads
            search = self._boilerplate_search()
            lines = [kept for line in lines if (kept := self._without_boilerplate(line, result, search))]
        closed = [_HAN_GAP.sub("", line) for line in lines]  # after: a removal can leave two Han characters apart
        result.removed["whitespace"] += sum(map(len, lines)) - sum(map(len, closed))
        closed = self._without_repeats(closed, result, drop=self.drop_repeated_lines)  # counted whether kept or not
        if self.drop_boilerplate:  # after: repeated lines gone, a PDF's pages can show (normalising stays idempotent)
            closed = self._without_page_heads(closed, result)
        return "\n".join(closed)

    @staticmethod
    def _without_page_heads(lines: list[str], result: Normalized) -> list[str]:
        """``lines`` without the running heads and page numbers of a PDF copy's pages (:func:`page_width`): a short
        line (at most PAGE_HEAD_MAX characters and half the page's width) that ends no sentence and recurs
        PAGE_HEAD_REPEATS times or more, its digits aside (国务院公报 2019年第5号, ·3·, 第3页, 3/17). Such a line stood
        between a page's last line and the next page's first, so that a word across the page break was cut (雄安新 |
        区) and the gazette's name counted as the text's words; taken out, the two lines are joined as any broken
        line is (:func:`toolkit.text.units.join_broken_lines`). Counted as boilerplate (:data:`PAGE_HEAD_RULE`)."""
        from .units import ends_sentence, page_width

        width = page_width(lines)
        if not width:
            return lines
        limit = min(PAGE_HEAD_MAX, width // 2)
        shapes = [_DIGITS.sub("#", line) if len(line) <= limit and not ends_sentence(line) else None for line in lines]
        counts = Counter(shape for shape in shapes if shape is not None)
        kept = []
        for line, shape in zip(lines, shapes):
            if shape is not None and counts[shape] >= PAGE_HEAD_REPEATS:
                result.boilerplate[PAGE_HEAD_RULE] += len(line)
                result.removed["boilerplate"] += len(line)
                continue
            kept.append(line)
        return kept

    @staticmethod
    def _without_repeats(lines: list[str], result: Normalized, drop: bool = True) -> list[str]:
        """``lines`` without those of REPEATED_MIN characters or more that repeat an earlier line word for word (the
        State Council reports of 1959 and 1991 hold their text twice: every paragraph counted twice, in the
        bootstrap, the vocabulary's frequencies, term counts and keywords in context), counted in ``result``. Not in
        a page's lines (a PDF copy, :func:`toolkit.text.units.wrap_width`): there a line is a piece of a sentence,
        which a repeated phrase can make again. With ``drop`` false they are counted and kept."""
        from .units import page_width

        if page_width(lines):
            return lines
        seen: set[str] = set()
        kept = []
        for line in lines:
            # a text saved twice on one line (a page scraped without its line breaks): its second copy is a repeat
            half = _doubled(line)
            if half:
                result.repeated_lines += 1
                if drop:
                    result.removed["repeated"] += len(line) - len(half)
                    line = half
            if len(line) >= REPEATED_MIN and line in seen:
                result.repeated_lines += 1
                if drop:
                    result.removed["repeated"] += len(line)
                    continue
            seen.add(line)
            kept.append(line)
        return kept

    def _boilerplate_search(self) -> PatternSet:
        """The boilerplate patterns as one :class:`PatternSet`, made again when the list or a pattern in it has
        changed (kept outside the dataclass's fields, which the prepared corpus's cache key reads)."""
        patterns = self.boilerplate_patterns or ()
        key = tuple((id(p), p.pattern, p.flags) for p in patterns)
        if self.__dict__.get("_search_key") != key:
            self.__dict__["_search"], self.__dict__["_search_key"] = PatternSet(patterns), key
        return self.__dict__["_search"]

    def _without_boilerplate(self, line: str, result: Normalized, search: PatternSet) -> str:
        """``line`` without the text the boilerplate patterns match; "" when the line is short (SHORT_LINE) and
        a pattern finds something (at least one character) in it, or fewer than MIN_KEPT_HAN Han characters
        would be left. Each removed character is counted for the pattern that removed it."""
        if not search.found_in(line):  # most lines: no pattern finds anything, and no scan is needed
            return line
        if len(line) <= SHORT_LINE:
            rule = next(
                (p.pattern for p in self.boilerplate_patterns if any(m.end() > m.start() for m in p.finditer(line))), None
            )  # an empty match is none
            if rule is None:
                return line
            result.boilerplate[rule] += len(line)
            result.removed["boilerplate"] += len(line)
            return ""
        for _ in range(4):  # a removal can bring a new match to the start of the line: stop at the fixed point
            spans = sorted(
                (m.start(), m.end(), p.pattern)
                for p in self.boilerplate_patterns
                for m in p.finditer(line)
                if m.end() > m.start()
            )
            if not spans:
                return line
            pieces, covered, removed = [], 0, Counter()
            for start, end, rule in spans:
                if end > covered:
                    pieces.append(line[covered:start] if start > covered else "")
                    removed[rule] += end - max(start, covered)
                    covered = end
            rest = _SPACES.sub(" ", "".join(pieces) + line[covered:]).strip()
            if _han_count(rest) < MIN_KEPT_HAN:
                rest = ""
            removed[spans[0][2]] += len(line) - len(rest) - sum(removed.values())  # the rest, or closed-up spaces
            result.boilerplate.update(removed)
            result.removed["boilerplate"] += len(line) - len(rest)
            if len(rest) <= SHORT_LINE:  # what is left is judged as the short line it now is
                return self._without_boilerplate(rest, result, search) if rest else ""
            line = rest
        return line

    @staticmethod
    def _repair(text: str, result: Normalized) -> str:
        """Undo Chinese text decoded with the wrong codec where ftfy knows how (UTF-8 read as Latin-1 or
        cp1252). A repair is kept only when it yields more Chinese characters: ftfy's other fixes are not ours."""
        if not _mojibake_clue().search(text):
            return text
        import ftfy

        repaired = ftfy.fix_encoding(text)
        spaced = _space_stray_nbsp(text)  # read as Latin-1 or cp1252; another codec's text may need its A0 bytes
        if spaced != text:
            repaired = max(repaired, ftfy.fix_encoding(spaced), key=_han_count)  # the first of a tie
        if repaired != text and _han_count(repaired) > _han_count(text):
            result.repaired += len(text) - len(repaired)
            return repaired
        return text

    @staticmethod
    def _strip_readings(text: str, removed: Counter) -> str:
        one = _ONE_READING.findall
        word = lambda reading: reading[1:-1].lower().split()  # noqa: E731
        # a '?' for a lost tone mark where a text holds two such readings or more (a page of readings saved in Big5):
        # one alone, 他问(he?) or 是否(a?), is as likely a question as a reading (a review)
        lost = len(
            {  # each reading once, where both patterns find it
                (match.end(), syllable)
                for pattern, syllables in ((_READING, one), (_WORD_READING, word))
                for match in pattern.finditer(text)
                for syllable in syllables(match.group())
                if "?" in syllable and _is_pinyin(syllable)
            }
        )

        def dropper(syllables):
            """A replacement that drops a match whose every syllable (``syllables`` of the match) is pinyin."""

            def drop(match: re.Match) -> str:
                if all(_is_pinyin(syllable, lost_tones=lost >= 2) for syllable in syllables(match.group())):
                    removed["pinyin"] += len(match.group())
                    return ""
                return match.group()

            return drop

        text = _READING.sub(dropper(one), text)
        return _WORD_READING.sub(dropper(word), text)

    @staticmethod
    def _sub_counting(pattern: re.Pattern, text: str, rule: str, removed: Counter) -> str:
        def drop(match: re.Match) -> str:
            removed[rule] += len(match.group())
            return ""

        return pattern.sub(drop, text)


# A notes appendix: a heading (注释：, 【注释】, 附注, 注：, 名词解释) and numbered notes (1、物联网：是指 ...,
# （一）..., [1] ...) to the end of the text; the heading may carry the first note on its line.
_NOTES_HEADING = re.compile(r"^[【\[]?\s*(?:注\s*释|附\s*注|注|名词解释|名词注释)\s*[】\]]?\s*[:：]?(.*)$", re.M)
_CHINESE_NUMBER = "[一二三四五六七八九十]{1,3}"
_NOTE_NUMBER = rf"(?:\d{{1,3}}\s*[、.．)）]|[(（]\d{{1,3}}[)）]|[(（]{_CHINESE_NUMBER}[)）]|{_CHINESE_NUMBER}、|\[\d{{1,3}}\])"
_NOTE_ENTRY = re.compile(rf"^\s*{_NOTE_NUMBER}\s*[^:：\n]{{1,40}}?(?:[:：]|，?是指)")


def notes_appendix(text: str) -> int:
    """Characters of the notes appendix ``text`` ends with (notes that define terms, as printed reports add them: a
    heading and numbered notes, at least two, most lines of what follows it); 0 when there is none."""
    for heading in _NOTES_HEADING.finditer(text):  # the first heading that opens an appendix
        lines = [line for line in [heading.group(1), *text[heading.end() :].split("\n")] if line.strip()]
        entries = sum(bool(_NOTE_ENTRY.match(line)) for line in lines)
        if entries >= 2 and entries * 2 >= len(lines):
            return len(text) - heading.start()
    return 0


def _doubled(line: str) -> str:
    """The first half of ``line`` when the line is one text twice (its halves equal, a space between them or none)
    of at least :data:`REPEATED_MIN` characters each, halved again while it is (four copies give one: normalising
    stays idempotent), else ''. Not a rule of one sign (━ or = forty times under a document's issuer: an
    adversarial review) nor of a short text repeated: a half that repeats something shorter than REPEATED_MIN
    characters is no text twice."""
    kept = ""
    while (n := len(line)) >= 2 * REPEATED_MIN:
        half = n // 2
        if (
            (n % 2 == 0 and line[:half] == line[half:])
            or (n % 2 == 1 and line[half].isspace() and line[:half] == line[half + 1 :])
        ) and (line[:half] * 2).find(line[:half], 1) >= REPEATED_MIN:  # its smallest period
            kept = line = line[:half]
        else:
            break
    return kept


def quality_row(doc_id: str, normalized: Normalized) -> dict:
    """One row of quality.csv: what normalisation removed from a document, rule by rule."""
    text = normalized.text
    meaningful = _meaningful_count(text)
    han = _han_count(text)
    noise_share = 1 - han / meaningful if meaningful else 1.0
    removed = normalized.removed
    # what the rules removed, against the text once repaired (a repair shortens mojibake, 3 characters to 1: the
    # text is whole, not removed), the copies of its lines neither removed nor kept: k copies of a text of which the
    # rules removed a share s give s (a whole text saved three times in one file was "mostly broken", mutation audit
    # 34; and a spaced one saved twice, when the copies were left out of the whole alone: a review)
    repaired_in = normalized.chars_in - normalized.repaired
    removed_share = (repaired_in - len(text) - removed["repeated"]) / max(repaired_in, 1)
    latin = sum(map(len, _LATIN_WORD.findall(text))) if noise_share > 0.5 else 0  # English words' letters
    return {
        "doc_id": doc_id,
        "chars_in": normalized.chars_in,
        "chars_out": len(text),
        "converted_script": normalized.converted,
        "repaired_mojibake": normalized.repaired,
        "removed_pinyin": removed["pinyin"],
        "removed_mojibake": removed["mojibake"],
        "removed_boilerplate": removed["boilerplate"],
        "removed_whitespace": removed["whitespace"],
        "repeated_lines": normalized.repeated_lines,
        "non_cjk_share": round(noise_share, 4),
        "boilerplate_rules": "; ".join(f"{rule} ({n})" for rule, n in normalized.boilerplate.most_common()),
        "notes_appendix": notes_appendix(text),
        # English beside the Chinese (a bilingual notice) is text in another language, not a broken file (a hostile
        # pass: eight Chinese-English documents were all "mostly broken")
        "flag": "mostly broken"
        if removed_share > 0.6
        else "mostly Latin letters (another language, code or data?)"
        if noise_share > 0.5 and 0 < meaningful - han <= 2 * latin
        else "mostly broken"
        if noise_share > 0.5
        else f"very short ({len(text)} characters)"
        if len(text) < SHORT_TEXT
        else "",
    }


SHORT_TEXT = 100  # characters of a normalised document below which quality.csv flags it (a page of web furniture)


def warn_flagged(quality, analysed=None) -> None:
    """Warn of the documents quality.csv flags (mostly broken, mostly Latin letters, very short) that are analysed all
    the same (among ``analysed``, their doc_ids; default every row): a file of web furniture alone (57 characters) made a year of
    its own whose shares were all `other`, and the flag was in quality.csv only (a hostile pass of the
    preprocessing). One skipped (no text left) is said by its skip."""
    if quality is None or "flag" not in quality:
        return
    flagged = quality[quality["flag"].fillna("").astype(str) != ""]
    if analysed is not None:
        flagged = flagged[flagged["doc_id"].isin(set(analysed))]
    if len(flagged):
        shown = "; ".join(f"{row.doc_id}: {row.flag}" for row in flagged.head(3).itertuples())  # no parens in parens
        log.warning(
            "%d document(s) look broken, are mostly in Latin letters or hold almost no text, analysed all the same: "
            "%s%s; quality.csv says what "
            "normalising removed from each (exclude one with include = no in the metadata)",
            len(flagged),
            shown,
            " ..." if len(flagged) > 3 else "",
        )
