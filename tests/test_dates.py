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
