"""Contracts of the CSV writer and of fixed-point text that a reader of the outputs relies on: UTF-8 (with a byte-order
mark when asked), one header, \\n line ends, formula cells guarded once and read back as they were, the caller's
table untouched, missing values empty, estimates and p-values that keep their digits; fixed-point text is printf's."""

import io
import json

import numpy as np
import pandas as pd
import pytest

from toolkit.output import csv_files
from toolkit.output.fixedpoint import fixed_point


@pytest.fixture(scope="module")
def sentences(seed_texts) -> list[str]:
    """Sentences of the seed documents, as a run's units.csv holds them."""
    found = [s.strip() for text in seed_texts.values() for s in text.replace("\n", "").split("。") if s.strip()]
    assert len(found) > 50
    return found


def _read(path, **options) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8", **options)


def test_a_byte_order_mark_only_when_asked_and_the_chinese_reads_back(tmp_path, sentences):
    frame = pd.DataFrame({"句子": sentences[:20]})
    csv_files.write_csv(tmp_path / "plain.csv", frame)
    csv_files.write_csv(tmp_path / "excel.csv", frame, bom=True)
    csv_files.write_csv_file(tmp_path / "out.csv", frame, bom=True)
    assert not (tmp_path / "plain.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    for name in ("excel.csv", "out.csv"):
        data = (tmp_path / name).read_bytes()
        assert data.startswith(b"\xef\xbb\xbf") and data[3:] == (tmp_path / "plain.csv").read_bytes()
    assert _read(tmp_path / "plain.csv")["句子"].tolist() == sentences[:20]


def test_a_table_longer_than_one_block_has_one_header_every_row_and_unix_line_ends(tmp_path, sentences):
    rows = csv_files.CSV_ROWS + 7
    texts = [sentences[i % len(sentences)] for i in range(rows)]
    frame = pd.DataFrame({"doc_id": np.arange(rows), "text": texts, "share": np.arange(rows) / rows})
    csv_files.write_csv(tmp_path / "t.csv", frame)
    data = (tmp_path / "t.csv").read_bytes()
    assert b"\r\n" not in data and data.count(b"doc_id,text,share") == 1
    back = pd.read_csv(tmp_path / "t.csv")
    assert back["doc_id"].tolist() == list(range(rows)) and back["text"].tolist() == texts
    assert np.allclose(back["share"], frame["share"], atol=5e-7)


def test_an_empty_table_still_has_its_header(tmp_path):
    csv_files.write_csv(tmp_path / "t.csv", pd.DataFrame({"词": pd.Series([], dtype=object), "份额": np.array([], dtype=float)}))
    assert (tmp_path / "t.csv").read_text(encoding="utf-8") == "词,份额\n"


def test_guarded_cells_leave_the_callers_table_as_it_was(tmp_path, sentences):
    cells = ["=" + sentences[0], "+" + sentences[1], sentences[2], "@" + sentences[3]]
    frame = pd.DataFrame({"text": pd.Series(cells, dtype=object), "n": [1, 2, 3, 4]})
    csv_files.write_csv(tmp_path / "t.csv", frame)
    assert frame["text"].tolist() == cells  # not guarded in place
    written = _read(tmp_path / "t.csv")["text"].tolist()
    assert written == ["'" + cells[0], "'" + cells[1], cells[2], "'" + cells[3]]


@pytest.mark.parametrize(
    "cell",
    ["=1+1", "+1+cmd|' /C calc'!A0", "-2+3", "-1e5+SUM(A1)", "@SUM(A1)", "\t=1", "1e5", "-.5e-3x", "'=1"],
)
def test_a_cell_that_is_no_plain_number_but_starts_a_formula_is_guarded_and_reads_back(tmp_path, cell):
    """A number's prefix (-2, -1e5) does not make the rest of the cell safe."""
    risky = cell.lstrip("'").startswith(("=", "+", "-", "@", "\t", "\r"))
    for dtype in (object, "str"):
        frame = pd.DataFrame({"c": pd.array([cell, "创新"], dtype=dtype)})
        csv_files.write_csv(tmp_path / "t.csv", frame)
        written = _read(tmp_path / "t.csv")["c"].tolist()
        assert written[0] == ("'" + cell if risky else cell), dtype
        assert csv_files.unguarded_table(_read(tmp_path / "t.csv"))["c"].tolist() == [cell, "创新"]
        as_strings = _read(tmp_path / "t.csv").astype("string")
        assert csv_files.unguarded_table(as_strings)["c"].tolist() == [cell, "创新"]


def test_a_cell_with_a_carriage_return_stays_one_cell_of_one_row(tmp_path, sentences):
    """A title such as '第一行\\r=HYPERLINK(...)' is guarded, but unquoted its \\r ends the row for every reader,
    and the next row then starts with the formula."""
    cells = [sentences[0] + "\r" + sentences[1], "\r=1+1"]
    assert csv_files.spreadsheet_safe(cells[1]) == "'\r=1+1"
    csv_files.write_csv(tmp_path / "t.csv", pd.DataFrame({"title": cells, "n": [1, 2]}))
    back = csv_files.unguarded_table(_read(tmp_path / "t.csv"))
    assert back["title"].tolist() == cells and back["n"].tolist() == ["1", "2"]


def test_plain_numbers_in_text_columns_stay_numbers(tmp_path):
    cells = ["-.5", "+.25e3", "-3.", "+7", "-2E-5"]
    for dtype in (object, "str"):
        csv_files.write_csv(tmp_path / "t.csv", pd.DataFrame({"增长率": pd.array(cells, dtype=dtype)}))
        assert _read(tmp_path / "t.csv")["增长率"].tolist() == cells, dtype
        assert pd.read_csv(tmp_path / "t.csv")["增长率"].tolist() == [float(c) for c in cells]


def test_a_users_own_leading_apostrophe_before_plain_text_is_kept(sentences):
    cell = "'" + sentences[0]
    assert csv_files.spreadsheet_safe(cell) == cell and csv_files.unguarded(cell) == cell


def test_missing_values_are_empty_and_numbers_keep_their_digits(tmp_path):
    frame = pd.DataFrame(
        {
            "p_value": [np.nan, 1e-15, 0.5],
            "estimate": [-2.1e-11, np.nan, 1234.5678912],
            "share": [np.nan, 0.1234564, 2.0],
        }
    )
    csv_files.write_csv(tmp_path / "t.csv", frame)
    text = _read(tmp_path / "t.csv")
    assert text.loc[0, "p_value"] == "" and text.loc[1, "estimate"] == "" and text.loc[0, "share"] == ""
    back = pd.read_csv(tmp_path / "t.csv")
    assert back.loc[1, "p_value"] == pytest.approx(1e-15, rel=1e-5)
    assert back.loc[0, "estimate"] == pytest.approx(-2.1e-11, rel=1e-5)
    assert back.loc[2, "estimate"] == pytest.approx(1234.5678912, abs=5e-7)
    assert text.loc[1, "share"] == "0.123456" and text.loc[2, "share"] == "2.000000"  # six decimals, %.6f


def test_a_float_extension_column_is_written_to_six_decimals(tmp_path):
    frame = pd.DataFrame({"share": pd.array([0.25, None, 1 / 3], dtype="Float64")})
    csv_files.write_csv(tmp_path / "t.csv", frame)
    assert _read(tmp_path / "t.csv")["share"].tolist() == ["0.250000", "", "%.6f" % (1 / 3)]


def test_write_csv_to_a_stream_is_the_file_without_its_mark(tmp_path, sentences):
    frame = pd.DataFrame({"text": ["=" + sentences[0], sentences[1]], "share": [0.5, 0.25]})
    stream = io.StringIO()
    csv_files.write_csv_to(stream, frame)
    csv_files.write_csv(tmp_path / "t.csv", frame, bom=True)
    assert "\ufeff" + stream.getvalue() == (tmp_path / "t.csv").read_text(encoding="utf-8")


def test_fixed_point_writes_missing_values_as_asked_and_whole_numbers_without_a_point():
    values = [np.nan, 3.0, -2.5, 10.0, 123456789.0, -0.0]
    assert fixed_point(values, 2, missing="NA").tolist() == ["NA", "3.00", "-2.50", "10.00", "123456789.00", "-0.00"]
    assert fixed_point(values, 0).tolist() == ["", "3", "-2", "10", "123456789", "-0"]  # printf: half to even


@pytest.mark.parametrize("decimals", range(10))
def test_fixed_point_text_reads_back_within_half_a_unit_of_its_last_digit(decimals):
    rng = np.random.default_rng(decimals)
    values = np.concatenate(
        [
            rng.uniform(-1e9, 1e9, 2000),
            rng.uniform(-1, 1, 2000),
            10.0 ** rng.integers(-12, 9, 500) * rng.choice([-1, 1], 500),
            -(10.0 ** np.arange(9)),
        ]
    )
    text = fixed_point(values, decimals)
    assert text.tolist() == [f"%.{decimals}f" % v for v in values]
    back = np.array([float(t) for t in text])
    assert np.all(np.abs(back - values) <= 0.5 * 10.0**-decimals * (1 + 1e-9) + np.spacing(np.abs(values)))
    assert all(("." in t) == (decimals > 0) for t in text)
    assert np.array_equal(np.signbit(back) | (back == 0), np.signbit(values) | (back == 0))


def test_fixed_point_keeps_the_shape_of_nothing_but_a_list_of_texts():
    assert fixed_point(np.array([[0.5, 1.5], [2.5, -3.25]]), 1).tolist() == ["0.5", "1.5", "2.5", "-3.2"]
    assert fixed_point([], 6).tolist() == []


def test_a_table_given_with_out_is_never_written_among_the_inputs_in_an_output_or_into_a_missing_folder(tmp_path, small_corpus):
    from toolkit.errors import ToolkitError
    from toolkit.output import atomic

    frame = pd.DataFrame({"词": ["创新", "改革"], "次数": [12, 7]})
    metadata = small_corpus / "metadata.csv"
    before = metadata.read_bytes()
    with pytest.raises(ToolkitError, match="inputs"):
        csv_files.write_csv_file(small_corpus / "terms.csv", frame, inputs={"the texts": small_corpus})
    assert not (small_corpus / "terms.csv").exists() and metadata.read_bytes() == before
    sweep = tmp_path / "sweep"
    sweep.mkdir()
    (sweep / atomic.SWEEP_MARKER).write_text(json.dumps({"format": atomic._SWEEP_FORMAT}))
    assert atomic.is_sweep_folder(sweep)
    with pytest.raises(ToolkitError, match="replaces whole"):
        csv_files.write_csv_file(sweep / "terms.csv", frame)
    assert not (sweep / "terms.csv").exists()
    with pytest.raises(ToolkitError, match="does not exist"):
        csv_files.write_csv_file(tmp_path / "missing" / "terms.csv", frame)
    assert not (tmp_path / "missing").exists()
    csv_files.write_csv_file(tmp_path / "terms.csv", frame)
    assert _read(tmp_path / "terms.csv")["词"].tolist() == ["创新", "改革"]


def test_a_column_of_categories_is_guarded_and_quoted_as_text(tmp_path, sentences):
    """A review: a category column's cells were neither guarded against formulas nor quoted for a carriage return
    (the text guards test object and string columns only)."""
    cells = [sentences[0] + "\r=1+1", "=HYPERLINK(1)"]
    csv_files.write_csv(tmp_path / "t.csv", pd.DataFrame({"title": pd.Categorical(cells), "n": [1, 2]}))
    back = _read(tmp_path / "t.csv")
    assert back["title"].tolist() == [cells[0], "'" + cells[1]] and back["n"].tolist() == ["1", "2"]
