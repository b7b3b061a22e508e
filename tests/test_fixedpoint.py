"""Floats as fixed-point text: the same characters as Python's printf-style formatting, for every double."""

import struct

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from toolkit.output import csv_files
from toolkit.output.fixedpoint import fixed_point


def _printf(values, decimals):
    return ["" if np.isnan(v) else f"%.{decimals}f" % v for v in np.asarray(values, dtype=float).tolist()]


@given(st.lists(st.floats(allow_nan=True, allow_infinity=True), max_size=40), st.integers(0, 9))
def test_fixed_point_is_printf_for_any_double(values, decimals):
    assert fixed_point(np.array(values, dtype=float), decimals).tolist() == _printf(values, decimals)


@given(st.integers(0, 2**64 - 1))
def test_fixed_point_is_printf_for_any_bit_pattern(bits):
    value = struct.unpack("<d", struct.pack("<Q", bits))[0]
    for decimals in (0, 6):
        assert fixed_point([value], decimals).tolist() == _printf([value], decimals)


def test_fixed_point_at_half_way_points_and_edges():
    """Values whose exact decimal expansion is on or next to a rounding boundary (x * 10**6 = k + 0.5 exactly
    for k/128; the doubles on either side of 0.0000005 ...), signs, zeros and the largest whole parts."""
    halves = np.arange(1, 2000, 2) / 128.0  # exact ties at 6 decimals: printf rounds them to even
    near = [np.nextafter(v, d) for v in (5e-7, 1.5e-6, 0.1234565, 2.5, 999999999.9999995) for d in (0, 10)]
    edges = [
        0.0,
        -0.0,
        -1e-9,
        1e-9,
        0.5,
        -0.5,
        1.0,
        999999999.0,
        999999999.9999995,
        1e9,
        -1e9,
        1e15,
        1e300,
        5e-324,
        -5e-324,
        np.inf,
        -np.inf,
        np.nan,
    ]
    values = np.concatenate([halves, -halves, near, edges])
    for decimals in range(10):
        assert fixed_point(values, decimals).tolist() == _printf(values, decimals)


def test_fixed_point_on_shares_in_bulk():
    shares = np.random.default_rng(5).dirichlet(np.full(20, 0.1), size=20_000).ravel()
    assert fixed_point(shares).tolist() == _printf(shares, 6)


def test_fixed_point_rejects_decimals_it_cannot_write():
    with pytest.raises(ValueError, match="decimals"):
        fixed_point([1.0], 12)


def test_write_csv_is_pandas_text_for_every_column_type(tmp_path):
    """The table written is, byte for byte, pandas' own ``to_csv(float_format="%.6f")`` of it, over several
    blocks of rows: floats (float32 too, negative, missing, infinite), integers, booleans, Chinese text with
    commas, quotes and line breaks, nullable numbers."""
    rng = np.random.default_rng(0)
    n = csv_files.CSV_ROWS * 2 + 17
    frame = pd.DataFrame(
        {
            "unit_id": [f"文件_{i}#0001" for i in range(n)],
            "share": rng.random(n),
            "effect": rng.normal(0, 3, n),
            "small": rng.random(n).astype(np.float32),
            "n_tokens": rng.integers(0, 500, n),
            "in_model": rng.random(n) > 0.5,
            "text": pd.array(
                [["创新驱动，数字经济", '他说"好"', "第一行\n第二行", "", None][i % 5] for i in range(n)], dtype="str"
            ),
            "nullable": pd.array([None if i % 3 == 0 else i * 0.5 for i in range(n)], dtype="Float64"),
        }
    )
    frame.loc[::7, "share"] = np.nan
    frame.loc[3, "effect"] = -np.inf
    frame.loc[4, "effect"] = -0.0
    frame.loc[5, "share"] = 1 / 128
    csv_files.write_csv(tmp_path / "t.csv", frame)
    expected = frame.to_csv(index=False, float_format="%.6f", lineterminator="\n")
    assert (tmp_path / "t.csv").read_text(encoding="utf-8") == expected
    one_column = pd.DataFrame({"share": [np.nan, 0.25, np.nan]})  # a row of one empty field is written as ""
    csv_files.write_csv(tmp_path / "one.csv", one_column)
    assert (tmp_path / "one.csv").read_text() == one_column.to_csv(index=False, float_format="%.6f", lineterminator="\n")
    empty = frame.iloc[:0]
    csv_files.write_csv(tmp_path / "empty.csv", empty)
    assert (tmp_path / "empty.csv").read_text() == empty.to_csv(index=False, lineterminator="\n")


def test_p_values_keep_their_precision_in_csv(tmp_path):
    """A change's p of 1e-15 was written as 0.000000 (six decimals, as every float): a p of zero to a co-author
    who opens change.csv (hostile pass). p-values are written to six significant digits; other floats as before."""
    import pandas as pd

    from toolkit.output.csv_files import write_csv

    table = pd.DataFrame(
        {"change": [0.45, -0.02, 0.1], "p_value": [1.234567e-15, 0.0412345678, float("nan")], "p_adjusted": [3e-9, 1.0, 0.5]}
    )
    write_csv(tmp_path / "change.csv", table)
    lines = (tmp_path / "change.csv").read_text(encoding="utf-8").splitlines()
    assert lines == ["change,p_value,p_adjusted", "0.450000,1.23457e-15,3e-09", "-0.020000,0.0412346,1", "0.100000,,0.5"]
    back = pd.read_csv(tmp_path / "change.csv")
    assert back["p_value"].iloc[0] == pytest.approx(1.23457e-15) and back["p_value"].iloc[0] > 0


def test_estimates_in_a_covariates_units_keep_their_digits_in_csv_and_report(tmp_path):
    """From a hostile pass of the effects: a covariate in yuan (GDP) has effects near 1e-11 a yuan, written
    -0.000000 with its interval to effects.csv and 0.000 to report.html: lost from every output. Estimates and
    their bounds are written to six significant digits, and the report shows three where three decimals are 0."""
    import pandas as pd

    from toolkit.output.csv_files import write_csv
    from toolkit.output.report import _table

    table = pd.DataFrame(
        {"term": ["gdp_yuan", "year"], "estimate": [-2.0812345e-11, 0.0412], "low": [-3.5e-11, 0.01], "high": [-6.4e-12, 0.07]}
    )
    write_csv(tmp_path / "effects.csv", table)
    back = pd.read_csv(tmp_path / "effects.csv")
    for column in ("estimate", "low", "high"):
        assert back[column].to_numpy() == pytest.approx(table[column].to_numpy(), rel=1e-5)
    assert back["estimate"].iloc[0] < 0 and back["high"].iloc[0] < 0
    # an adversarial review: six significant digits alone wrote an intercept of -4598299.123 as -4.5983e+06, and the
    # expected share beside a band of 1.5e-07 was 0.000000
    far = pd.DataFrame({"estimate": [-4598299.123, 0.25, 1e300], "expected": [1.2e-07, 0.3, 0.5], "low": [1.5e-07, 0.2, 0.4]})
    write_csv(tmp_path / "far.csv", far)
    lines = (tmp_path / "far.csv").read_text(encoding="utf-8").splitlines()
    assert lines == [
        "estimate,expected,low",
        "-4598299.123000,1.2e-07,1.5e-07",
        "0.250000,0.300000,0.200000",
        "1e+300,0.500000,0.400000",  # not 300 digits
    ]
    html = _table(table)
    assert "-2.08e-11" in html and "-6.4e-12" in html and "0.041" in html and "0.000" not in html
