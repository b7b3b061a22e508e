"""Dates of documents: parse metadata values, or find a date in the text itself."""

from __future__ import annotations

import re
from dataclasses import dataclass

# a spreadsheet's time of day after a date (2015-03-05 00:00:00, 2016/3/5 0:00): read and left out
# and its time zone (2020-09-19 00:00:00+08:00, as pandas writes a date of a zone; ...Z): the day as written
_TIME = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?)?"
_ISO = re.compile(rf"^(\d{{4}})(?:[-/.](\d{{1,2}})(?:[-/.](\d{{1,2}}))?)?{_TIME}$")
_CN = re.compile(rf"^(\d{{4}})年(?:(\d{{1,2}})月(?:(\d{{1,2}})日{_TIME.replace('[ T]', '[ T]?')})?)?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")  # 20150305
_FLOAT_YEAR = re.compile(r"^(\d{4})\.0+$")  # 2015.0: a year column with blanks, as pandas writes it
_EXCEL_SERIAL = re.compile(r"^(\d{5})(?:\.\d+)?$")  # Excel's day number (days since 1899-12-30) of a date cell
# the day numbers read as dates: 1980-01-01 to 2099-12-31 (20153, a year and month typed without a dot, is refused)
EXCEL_DAYS = (29221, 73050)
# In running text: a labelled publication date first, then the first full date anywhere.
_LABELLED = re.compile(r"(?:发布时间|发布日期|发表时间|日期|时间)\s*[:：]?\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
_FULL = re.compile(r"(?<!\d)(\d{4})\s*(?:年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日|-(\d{1,2})-(\d{1,2})(?!\d))")
YEAR_RANGE = (1900, 2100)


@dataclass(frozen=True)
class DocDate:
    date: str  # ISO: YYYY, YYYY-MM or YYYY-MM-DD
    year: int
    source: str  # "metadata" or "text"


def _valid(year: int, month: int | None, day: int | None) -> bool:
    import calendar

    if not YEAR_RANGE[0] <= year <= YEAR_RANGE[1]:
        return False
    if month is not None and not 1 <= month <= 12:
        return False
    if day is not None and not (month and 1 <= day <= calendar.monthrange(year, month)[1]):
        return False
    return True


def _iso(year: int, month: int | None, day: int | None) -> str:
    return f"{year:04d}" + (f"-{month:02d}" if month else "") + (f"-{day:02d}" if day else "")


# a date in Chinese numerals, as official documents date themselves (二〇二一年三月五日, 二〇二〇年), a year's zero
# written 〇, ○ (as web pages print it), 零 or a Latin O; each part in numerals or in digits (二〇二一年7月26日)
_HAN_DIGITS = {**dict(zip("一二三四五六七八九", "123456789")), **dict.fromkeys("〇○零Oo", "0")}
_HAN_NUMBER = "(?:[一二三四五六七八九]?十[一二三四五六七八九]?|[一二三四五六七八九])"  # 五, 十, 十二, 二十, 三十一
_HAN_DATE = re.compile(
    f"^([{''.join(_HAN_DIGITS)}]{{4}}|\\d{{4}})(?:年(?:({_HAN_NUMBER}|\\d{{1,2}})月(?:({_HAN_NUMBER}|\\d{{1,2}})日)?)?)?$"
)


# a full date in Chinese numerals inside a text (not a year alone: 二〇二〇年 is a plan's or a target's as often)
_HAN_FULL = re.compile(f"[{''.join(_HAN_DIGITS)}]{{4}}年{_HAN_NUMBER}月{_HAN_NUMBER}日")


def _han_number(text: str) -> str:
    """A month or day as digits: in digits already, or in numerals as :data:`_HAN_NUMBER` takes them."""
    if text.isdigit():
        return text
    tens, ten, ones = text.rpartition("十")
    return str(int(_HAN_DIGITS.get(tens, "1")) * 10 * bool(ten) + int(_HAN_DIGITS.get(ones, "0")))


def _in_digits(plain: str) -> str:
    """``plain`` (a metadata date, NFKC) with a date in Chinese numerals written in digits; else as it is."""
    han = _HAN_DATE.match(plain)
    if not han or not re.search("[^\\d年月日]", plain):  # in digits already: the other readings' own
        return plain
    year, month, day = han.groups()
    written = "".join(_HAN_DIGITS.get(c, c) for c in year)
    if month:
        written += f"年{_han_number(month)}月" + (f"{_han_number(day)}日" if day else "")
    return written


def parse_date(value: str) -> DocDate:
    """A metadata date: ``2021``, ``2022-01``, ``2015-03-31``, ``2015/3/31``, ``2015.3.31`` or ``2021年7月26日``, in
    full-width digits too, or in Chinese numerals (``二〇二一年七月二十六日``, ``二〇二〇年``), spaces around 年 and 月
    aside (``2008 年``); also as spreadsheets write dates: with a time of day (``2015-03-05 00:00:00``), as
    ``20150305``, a year as ``2015.0``, or Excel's day number (``42068`` is 2015-03-05;
    from 1980 to 2099, :data:`EXCEL_DAYS`).

    Raises ValueError with a message for anything else.
    """
    import unicodedata

    text = str(value).strip()
    plain = unicodedata.normalize("NFKC", text).strip()  # ２０１６－０３－０５, 2017．3
    # 2008 年 3 月 5 日 (spaces typed or kept by a spreadsheet), then a date in Chinese numerals in digits
    plain = _in_digits(re.sub(r"\s+日", "日", re.sub(r"\s*([年月])\s*", r"\1", plain)))
    if match := _FLOAT_YEAR.match(plain):
        year, month, day = int(match.group(1)), None, None
    elif (match := _EXCEL_SERIAL.match(plain)) and EXCEL_DAYS[0] <= int(match.group(1)) <= EXCEL_DAYS[1]:
        import datetime

        date = datetime.date(1899, 12, 30) + datetime.timedelta(days=int(match.group(1)))
        year, month, day = date.year, date.month, date.day
    elif match := _ISO.match(plain) or _CN.match(plain) or _COMPACT.match(plain):
        year, month, day = (int(g) if g else None for g in match.groups())
    else:
        raise ValueError(f"malformed date {text!r}; write it as YYYY, YYYY-MM or YYYY-MM-DD")
    if not YEAR_RANGE[0] <= year <= YEAR_RANGE[1]:  # "write it as YYYY" of 1898, written so (a hostile pass)
        raise ValueError(f"date {text!r} is outside the years the toolkit reads ({YEAR_RANGE[0]}-{YEAR_RANGE[1]})")
    if not _valid(year, month, day):
        raise ValueError(f"impossible date {text!r}; write it as YYYY, YYYY-MM or YYYY-MM-DD")
    return DocDate(_iso(year, month, day), year, "metadata")


def find_date(text: str) -> DocDate | None:
    """The publication date stated in a (simplified-script) text, or None: a labelled date, else the first full date
    in digits, else the first in Chinese numerals (the signature of an official document before 2012: 二〇一一年
    三月五日; taken last, so no date in digits changes)."""
    for pattern in (_LABELLED, _FULL):
        for match in pattern.finditer(text):
            groups = [int(g) for g in match.groups() if g]
            year, month, day = groups[0], groups[1], groups[2]
            if _valid(year, month, day):
                return DocDate(_iso(year, month, day), year, "text")
    for match in _HAN_FULL.finditer(text):
        year, month, day = (int(part) for part in re.findall(r"\d+", _in_digits(match.group())))
        if YEAR_RANGE[0] <= year <= YEAR_RANGE[1] and _valid(year, month, day):
            return DocDate(_iso(year, month, day), year, "text")
    return None
