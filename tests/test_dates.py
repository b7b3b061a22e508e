import re

import pytest

from toolkit.text.dates import find_date, parse_date


@pytest.mark.parametrize(
    "value, iso, year",
    [
        ("2021", "2021", 2021),
        ("2022-01", "2022-01", 2022),
        ("2015-03-31", "2015-03-31", 2015),
        ("2015/3/31", "2015-03-31", 2015),
        ("2021年7月26日", "2021-07-26", 2021),
        (" 2019-05-16 ", "2019-05-16", 2019),
        # as spreadsheets and Chinese input methods write them
        ("2015.0", "2015", 2015),  # a year column with blanks, written by pandas
        ("2015-03-05 00:00:00", "2015-03-05", 2015),
        ("2016/3/5 0:00", "2016-03-05", 2016),
        ("２０１６－０３－０５", "2016-03-05", 2016),
        ("2017．3", "2017-03", 2017),
        ("20150305", "2015-03-05", 2015),
        ("42068", "2015-03-05", 2015),  # Excel's day number of 2015-03-05
        ("43525.5", "2019-03-01", 2019),  # and of noon that day
        # a hostile pass: a time zone, as pandas writes a date of a zone, and a time after a date in Chinese
        ("2020-09-19 00:00:00+08:00", "2020-09-19", 2020),
        ("2020-09-19T23:30:00Z", "2020-09-19", 2020),
        ("2015年3月5日 08:00", "2015-03-05", 2015),
    ],
)
def test_metadata_dates(value, iso, year):
    date = parse_date(value)
    assert (date.date, date.year, date.source) == (iso, year, "metadata")


@pytest.mark.parametrize(
    "value", ["2021-13-01", "2021-02-30", "May 2021", "21-05-01", "1066", "20151305", "20153", "20191", "10000", "2015-03-05 25h"]
)
def test_bad_metadata_dates_are_refused(value):
    with pytest.raises(ValueError, match="date"):
        parse_date(value)


@pytest.mark.parametrize(
    "text, iso",
    [
        ("时间:\n\n2021年7月26日15:00\n", "2021-07-26"),
        ("2019-05-16                 长江日报", "2019-05-16"),
        ("来源:大观区人民政府网 发布时间:2020-09-19 17:09 浏览:400次", "2020-09-19"),
        ("会议于2021年3月5日召开。发布时间:2021-03-06", "2021-03-06"),  # the labelled date wins
    ],
)
def test_dates_found_in_text(text, iso):
    assert find_date(text).date == iso


def test_no_date_in_text():
    assert find_date("我市昨日利用一整天时间,召开建设国家创新型城市专题研讨会。") is None
    assert find_date("增长了2021年13月45日") is None


# ----- a mutation audit: each test fails on a mutant that passed every test before -------------------------------


@pytest.mark.parametrize(
    "value, iso",
    [
        ("2020-12-31", "2020-12-31"),  # December (a mutation that refused month 12)
        ("2021年12月", "2021-12"),
        ("2021年7月", "2021-07"),  # a Chinese date of a month, or a year (mutations that wanted its day, or month)
        ("2021年", "2021"),
        ("1900", "1900"),  # the first and the last year read, YEAR_RANGE
        ("2100-01-01", "2100-01-01"),
        ("2015-03-05T08:30:00", "2015-03-05"),  # an ISO time of day, with T or fractions of a second
        ("2015-03-05 00:00:00.000", "2015-03-05"),
        ("29221", "1980-01-01"),  # the first and the last of Excel's day numbers read, EXCEL_DAYS
        ("73050", "2099-12-31"),
    ],
)
def test_dates_at_the_edges_of_what_is_read(value, iso):
    assert parse_date(value).date == iso


@pytest.mark.parametrize("value", ["1899", "2101", "2021-03-00", "20210300", "29220", "73051"])
def test_dates_just_past_the_edges_are_refused(value):
    """Years before 1900 or after 2100, day 0 (it read as the month 2021-03), Excel's day numbers of 1979-12-31 and
    2100-01-01."""
    with pytest.raises(ValueError, match="date"):
        parse_date(value)


def test_a_year_outside_the_years_read_is_said_so_not_told_to_be_written_as_it_is():
    """1898 was refused with "write it as YYYY": it is written so (a hostile pass); the years read are named."""
    with pytest.raises(ValueError, match=r"^date '1898' is outside the years the toolkit reads \(1900-2100\)$"):
        parse_date("1898")
    for value in ("2015-03-05 00:00:00+8", "2015年3月 08:00", "2015-03-05+08:00"):  # a zone without its time: no date
        with pytest.raises(ValueError, match="malformed date"):
            parse_date(value)


@pytest.mark.parametrize(
    "text, iso",
    [
        # a label without a colon still labels: the publication date, not the meeting's date before it
        ("会议于2021年3月5日召开。发布日期 2021-03-06 来源:市政府办公厅", "2021-03-06"),
        ("会议于2021年3月5日召开。发布时间:2021.03.06 浏览次数:120", "2021-03-06"),  # a labelled date with dots
        # a date is not read out of a longer number (a file's serial), and the date after it is found
        ("项目编号:12019-05-16。发布于2020-01-02", "2020-01-02"),
        ("项目编号:2019-05-163。发布于2020-01-02", "2020-01-02"),
    ],
)
def test_labelled_dates_and_numbers_that_are_no_dates(text, iso):
    assert find_date(text).date == iso


_NUMERALS = "〇一二三四五六七八九"


def _in_chinese_numerals(number: int) -> str:
    """A month or day as an official document writes it: 五, 十, 十二, 二十, 三十一."""
    tens, ones = divmod(number, 10)
    return ("" if tens < 2 else _NUMERALS[tens]) + ("十" if tens else "") + (_NUMERALS[ones] if ones else "")


def test_a_date_in_chinese_numerals_or_with_spaces_is_read_as_its_digits():
    """From a hostile pass of a new user's corpus: 二〇二〇年 and 2008 年 were refused as malformed (the file skipped),
    though official documents date themselves in Chinese numerals and a spreadsheet keeps the space typed."""
    import datetime

    day = datetime.date(1900, 1, 1)
    while day.year <= 2100:  # every day of the years read, one in seven (each month's every day in some year)
        year = "".join(_NUMERALS[int(d)] for d in str(day.year))
        written = f"{year}年{_in_chinese_numerals(day.month)}月{_in_chinese_numerals(day.day)}日"
        assert parse_date(written).date == day.isoformat(), written
        assert parse_date(f"{year}年{_in_chinese_numerals(day.month)}月").date == day.isoformat()[:7]
        day += datetime.timedelta(days=7)
    assert parse_date("二零二零年").date == "2020" and parse_date("2008 年").date == "2008"
    assert parse_date("2008 年 3 月 5 日").date == "2008-03-05"
    # a review of the fix: the zero as web pages print it (○) or a Latin O, numerals and digits mixed, a year cell
    for written in ("二○二一年七月二十六日", "二O二一年七月二十六日", "二〇二一年7月26日", "2021年七月二十六日"):
        assert parse_date(written).date == "2021-07-26", written
    assert parse_date("二〇一五").date == "2015"
    for wrong in ("二〇二〇年十十月", "二〇二〇年〇月", "二〇二〇年二月三十日", "二〇二〇年十三月", "一八八〇年"):
        with pytest.raises(ValueError, match="date"):
            parse_date(wrong)


def test_a_text_dated_in_chinese_numerals_alone_is_dated_by_them_and_digits_still_come_first():
    """From a review: an official document before 2012 signs with a date in Chinese numerals (二〇一一年三月五日), and
    with no date in digits it was skipped as undated. The first such full date dates it; a date in digits anywhere
    still wins (the rule before), a year alone (到二〇二〇年) or an impossible day is no date."""
    from .conftest import GWR

    body = (GWR / "national_2011.txt").read_text(encoding="utf-8")[:2000]
    digits = find_date(body)
    undated = re.sub(r"\d", "", body)  # the report without a digit: no date of its own
    assert find_date(undated) is None
    signed = undated + "\n国务院\n二〇一一年三月五日\n"
    assert find_date(signed).date == "2011-03-05" and find_date(signed).source == "text"
    assert find_date("到二〇二〇年,全面建成小康社会。二〇一一年二月三十日。二○一一年十二月三十一日").date == "2011-12-31"
    if digits is not None:
        assert find_date(body + "\n二〇一一年三月五日") == digits
    assert find_date("2010年10月1日起施行。\n二〇一一年三月五日").date == "2010-10-01"
