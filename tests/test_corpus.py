import codecs
import os
import re
import shutil
import unicodedata

import pandas as pd
import pytest

from toolkit.errors import ToolkitError
from toolkit.progress import collected_warnings
from toolkit.text.corpus import load_corpus, warn_skipped

from .conftest import GWR, SEEDS, add_document


def test_seed_corpus_loads_with_metadata_dates():
    corpus = load_corpus(SEEDS, SEEDS / "metadata.csv")
    docs = corpus.documents.set_index("doc_id")
    assert list(docs["status"]) == ["used"] * 5
    assert docs.loc["002_2c7342bd1836c4df", "date"] == "2022-01"
    assert docs.loc["004_1467077b33d2f3ae", "year"] == 2020
    assert set(docs["date_source"]) == {"metadata"}
    assert set(docs["encoding"]) == {"utf-8"}
    assert corpus.text("003_627586bead8599d4").startswith("实录 | 中共武汉市委")


def test_year_window_lists_what_it_leaves_out():
    corpus = load_corpus(GWR, GWR / "metadata.csv", year_min=2014, year_max=2021)
    docs = corpus.documents
    assert len(docs) == 53  # every report file, none dropped
    used = docs[docs["status"] == "used"]
    assert sorted(used["year"]) == list(range(2014, 2022))
    skipped = docs[docs["status"] == "skipped"]
    assert all("outside the window 2014-2021" in r for r in skipped["reason"])


def _write(folder, name, data: bytes):
    (folder / name).write_bytes(data)


def test_every_file_is_used_or_skipped_with_a_reason(small_corpus):
    text = (SEEDS / "001_a277e5c0c743763f.txt").read_text(encoding="utf-8")
    _write(small_corpus, "empty.txt", b"")
    _write(small_corpus, "scan.txt", b"%PDF-1.4\n...")
    _write(small_corpus, "copy.txt", (SEEDS / "000_4635cf3c1d3ea286.txt").read_bytes())
    _write(small_corpus, "gbk.txt", (text + "\n附：GBK 版本。").encode("gb18030"))  # not 001's text: no copy of it
    _write(small_corpus, "bom16.txt", text.replace("2019-05-16", "2018-04-02").encode("utf-16"))
    _write(small_corpus, "undated.txt", "没有日期的一段文字。".encode())
    _write(small_corpus, "notes.docx", b"PK\x03\x04")
    (small_corpus / "metadata.csv").write_text(
        (SEEDS / "metadata.csv").read_text(encoding="utf-8")
        + "missing.txt,不存在的文件,2020,day,武汉市,x,simplified,\n"
        + "gbk.txt,GBK 副本,2019-05-16,day,武汉市,x,simplified,\n"
        + "../outside.txt,文件夹外,2020,day,武汉市,x,simplified,\n"
        + "/tmp/absolute.txt,绝对路径,2020,day,武汉市,x,simplified,\n",
        encoding="utf-8",
    )
    corpus = load_corpus(small_corpus, small_corpus / "metadata.csv")
    docs = corpus.documents.set_index("path")
    on_disk = {p.name for p in small_corpus.iterdir()} - {"metadata.csv"}
    outside = {"../outside.txt", "/tmp/absolute.txt"}
    assert on_disk | {"missing.txt"} | outside == set(docs.index)
    # a row naming a path outside the text folder says so (a hostile pass: it read as a file gone missing)
    for path in outside:
        assert docs.loc[path, "reason"] == (
            "listed in the metadata but the file is missing; it names a path outside the text folder "
            "(corpus.texts), whose files alone are read"
        ), docs.loc[path, "reason"]
    reasons = docs["reason"]
    assert reasons["empty.txt"] == "empty file"
    assert "PDF" in reasons["scan.txt"]
    assert reasons["copy.txt"] == "duplicate of 000_4635cf3c1d3ea286.txt (same bytes)"
    assert reasons["missing.txt"] == "listed in the metadata but the file is missing"
    assert "does not match corpus.pattern" in reasons["notes.docx"]
    assert "no date in the metadata or the text" in reasons["undated.txt"]
    assert docs.loc["gbk.txt", "status"] == "used" and docs.loc["gbk.txt", "encoding"] == "gb18030"
    # a file not in the metadata is used when its text carries a date, and says where the date came from
    assert docs.loc["bom16.txt", "status"] == "used"
    assert (docs.loc["bom16.txt", "date"], docs.loc["bom16.txt", "date_source"]) == ("2018-04-02", "text")
    assert docs.loc["bom16.txt", "note"] == "not listed in the metadata"
    assert (docs["status"] == "skipped").sum() == 6 + len(outside)
    assert all(docs.loc[docs["status"] == "skipped", "reason"] != "")


def test_a_skipped_file_keeps_the_date_its_metadata_row_gives(small_corpus):
    """documents.csv is where a reader looks up what was left out: a skipped file listed in the metadata shows its
    listed date and year (from the date, else the year column), as its title and place; a file not listed, or
    listed with a date that does not read, shows none."""
    _write(small_corpus, "blank.txt", "   \n".encode())
    _write(small_corpus, "copy.txt", (SEEDS / "000_4635cf3c1d3ea286.txt").read_bytes())
    _write(small_corpus, "stray.txt", b"")
    (small_corpus / "metadata.csv").write_text(
        (SEEDS / "metadata.csv").read_text(encoding="utf-8")
        + "blank.txt,空白,2018-05-01,day,武汉市,x,simplified,\n"
        + "copy.txt,副本,2016,year,武汉市,x,simplified,\n"
        + "missing.txt,不存在的文件,2017-03,month,武汉市,x,simplified,\n"
        + "typo.txt,日期有误,2017-13-01,day,武汉市,x,simplified,\n",
        encoding="utf-8",
    )
    docs = load_corpus(small_corpus, small_corpus / "metadata.csv").documents.set_index("path")
    skipped = docs[docs["status"] == "skipped"]
    assert set(skipped.index) == {"blank.txt", "copy.txt", "stray.txt", "missing.txt", "typo.txt"}
    shown = skipped[["date", "year", "date_source"]]
    assert tuple(shown.loc["blank.txt"]) == ("2018-05-01", 2018, "metadata")
    assert tuple(shown.loc["copy.txt"]) == ("2016", 2016, "metadata")
    assert tuple(shown.loc["missing.txt"]) == ("2017-03", 2017, "metadata")
    assert (skipped.loc["missing.txt", "title"], skipped.loc["missing.txt", "place"]) == ("不存在的文件", "武汉市")
    for unknown in ("stray.txt", "typo.txt"):
        assert shown.loc[unknown, "date"] == "" and pd.isna(shown.loc[unknown, "year"])
    assert docs.loc["000_4635cf3c1d3ea286.txt", "date"] == "2015-03-31"  # the used twin keeps its own


def test_malformed_metadata_date_skips_that_file_only(small_corpus):
    meta = small_corpus / "metadata.csv"
    meta.write_text(meta.read_text(encoding="utf-8").replace("2019-05-16", "2019-15-16"), encoding="utf-8")
    docs = load_corpus(small_corpus, meta).documents.set_index("path")
    assert docs.loc["001_a277e5c0c743763f.txt", "reason"].startswith("metadata: impossible date '2019-15-16'")
    assert (docs["status"] == "used").sum() == 4


def test_metadata_without_file_column_is_an_error(small_corpus):
    meta = small_corpus / "metadata.csv"
    meta.write_text("name,date\n000_4635cf3c1d3ea286.txt,2015\n", encoding="utf-8")
    with pytest.raises(ToolkitError, match="has no 'file' column .* add one"):
        load_corpus(small_corpus, meta)


def test_metadata_encoding_column_and_bom(small_corpus):
    text = (SEEDS / "000_4635cf3c1d3ea286.txt").read_text(encoding="utf-8")
    (small_corpus / "000_4635cf3c1d3ea286.txt").write_bytes(text.encode("gb18030"))
    meta = small_corpus / "metadata.csv"
    lines = meta.read_text(encoding="utf-8").splitlines()
    lines[0] += ",encoding"
    lines[1] += ",gb18030"
    meta.write_bytes(codecs.BOM_UTF8 + ("\n".join(lines) + "\n").encode("utf-8"))
    corpus = load_corpus(small_corpus, meta)
    assert corpus.text("000_4635cf3c1d3ea286") == text


def test_folder_without_usable_text(tmp_path):
    (tmp_path / "a.txt").write_bytes(b"")
    (tmp_path / "b.txt").write_bytes(b"\x89PNG\r\n")
    with pytest.raises(ToolkitError, match="no usable text .* 2 file"):
        load_corpus(tmp_path)
    with pytest.raises(ToolkitError, match="text folder not found"):
        load_corpus(tmp_path / "nope")


def test_a_date_and_a_year_that_disagree_skip_the_document_with_both(small_corpus):
    """date 2015-03-31 and year 2016 in one row: the document was used as 2015 without a word."""
    import pandas as pd

    meta = small_corpus / "metadata.csv"
    table = pd.read_csv(meta, dtype=str, keep_default_na=False)
    table["year"] = [d[:4] for d in table["date"]]
    table.loc[0, "year"] = "2016"
    table.to_csv(meta, index=False)
    docs = load_corpus(small_corpus, meta).documents.set_index("doc_id")
    first = docs.loc["000_4635cf3c1d3ea286"]
    assert first["status"] == "skipped"
    assert first["reason"] == "metadata: its date 2015-03-31 and year 2016 disagree; correct one, or keep only the date"
    assert (docs.drop(index="000_4635cf3c1d3ea286")["status"] == "used").all()  # agreeing rows are used as before
    table["year"] = [f"{d[:4]}.0" for d in table["date"]]  # a spreadsheet's number: no year, so no disagreement
    table.to_csv(meta, index=False)
    assert (load_corpus(small_corpus, meta).documents["status"] == "used").all()


def test_metadata_without_dates_falls_back_to_the_text(small_corpus, caplog):
    meta = small_corpus / "metadata.csv"
    meta.write_text("file,title\n" + "".join(f"{p.name},t\n" for p in sorted(small_corpus.glob("*.txt"))), encoding="utf-8")
    docs = load_corpus(small_corpus, meta).documents.set_index("doc_id")
    # said, with the dates taken: the first full date of a text may be one it cites (a rule "from 2008-01-01")
    assert "document(s) dated from a date found in their text" in caplog.text
    assert "003_627586bead8599d4.txt (2021-07-26)" in caplog.text
    assert docs.loc["003_627586bead8599d4", ["date", "date_source"]].tolist() == ["2021-07-26", "text"]
    assert docs.loc["004_1467077b33d2f3ae", "date"] == "2020-09-19"  # 發布時間 in traditional script
    assert docs.loc["000_4635cf3c1d3ea286", "status"] == "skipped"  # its text states no date
    # a table without a date column is not told to fill one (a hostile pass of the docs: a 日期 header)
    assert docs.loc["000_4635cf3c1d3ea286", "reason"] == (
        "no date in the text, and the metadata has no date column (its columns: file, title); add one named date"
    )


@pytest.mark.parametrize("date", ["2019-05-16", ""])
def test_a_year_cell_that_is_no_year_is_named_as_such(small_corpus, date):
    """A metadata year cell holding a place (武汉市) beside a valid date was ignored without a word; with no date the
    file was skipped as "malformed date '武汉市'", naming the wrong column."""
    meta = small_corpus / "metadata.csv"
    name = sorted(p.name for p in small_corpus.glob("*.txt"))[0]
    meta.write_text(f"file,title,date,year\n{name},t,{date},武汉市\n", encoding="utf-8")
    docs = load_corpus(small_corpus, meta).documents.set_index("path")
    assert docs.loc[name, "status"] == "skipped"
    assert docs.loc[name, "reason"] == "metadata: its year '武汉市' is not a year; write it as YYYY, or empty the cell"
    meta.write_text(f"file,title,date,year\n{name},t,{date or 2019},2019.0\n", encoding="utf-8")  # as a spreadsheet writes it
    assert load_corpus(small_corpus, meta).documents.set_index("path").loc[name, "year"] == 2019
    # a year written as YYYY outside the years read: said so, not "write it as YYYY" (a review of the date messages)
    meta.write_text(f"file,title,year\n{name},t,1898\n", encoding="utf-8")
    reason = load_corpus(small_corpus, meta).documents.set_index("path").loc[name, "reason"]
    assert reason == "metadata: its year '1898' is outside the years the toolkit reads (1900-2100)"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs POSIX FIFOs and symbolic links")
def test_odd_entries_are_listed_with_a_reason_never_read_or_lost(small_corpus, tmp_path):
    outside = tmp_path / "elsewhere.txt"
    outside.write_text("2020年1月1日 外部文件的内容。", encoding="utf-8")
    os.symlink(outside, small_corpus / "outside_link.txt")
    os.symlink(small_corpus / "gone.txt", small_corpus / "dangling.txt")
    os.symlink("/proc/self/mem", small_corpus / "memory.txt")
    os.symlink(small_corpus / "000_4635cf3c1d3ea286.txt", small_corpus / "inside_link.txt")
    os.mkfifo(small_corpus / "pipe.txt")
    (small_corpus / "sub").mkdir()
    os.symlink(small_corpus / "sub", small_corpus / "folder_link")
    (small_corpus / ".hidden.txt").write_text("隐藏", encoding="utf-8")
    (small_corpus / ".git").mkdir()
    (small_corpus / ".git" / "config").write_text("x", encoding="utf-8")
    bad_name = os.fsencode(str(small_corpus)) + b"/caf\xe9.txt"
    with open(bad_name, "wb") as handle:
        handle.write("2020年1月1日 名字不是 UTF-8。".encode())
    docs = load_corpus(small_corpus, small_corpus / "metadata.csv").documents.set_index("path")
    reasons = docs["reason"]
    assert reasons["outside_link.txt"].startswith("symbolic link to a file outside the text folder; not followed")
    assert reasons["memory.txt"].startswith("symbolic link to a file outside the text folder")
    assert reasons["dangling.txt"] == "broken symbolic link (its target does not exist)"
    assert reasons["inside_link.txt"] == "duplicate of 000_4635cf3c1d3ea286.txt (same bytes)"
    assert reasons["pipe.txt"] == "a FIFO (named pipe), not a text file"
    assert reasons["folder_link"] == "symbolic link to a folder; not followed"
    assert reasons[".hidden.txt"] == "hidden file (name starts with '.')"
    assert reasons[".git/"] == "hidden folder (name starts with '.'); not searched"
    assert reasons["caf\\xe9.txt"] == "file name is not valid UTF-8; rename the file"
    assert (docs["status"] == "used").sum() == 5
    docs.reset_index().to_csv(tmp_path / "documents.csv")  # every path can be written as UTF-8


def test_a_listed_file_inside_a_hidden_folder_is_said_to_be_there_not_missing(small_corpus, tmp_path):
    """A metadata row naming a file inside a hidden folder (.old/ or .git/, which are not searched) was "listed in
    the metadata but the file is missing", and the warning said the file is not in the folder: the file is there,
    and the fix is to move it out of the hidden folder."""
    (small_corpus / ".old").mkdir()
    (small_corpus / ".old" / "早期报告.txt").write_text("2014年3月5日 一份放在隐藏文件夹里的报告。", encoding="utf-8")
    (tmp_path / "elsewhere").mkdir()  # and a link to a folder, which is not followed either
    (tmp_path / "elsewhere" / "r3.txt").write_text("2013年3月5日 链接文件夹里的报告。", encoding="utf-8")
    os.symlink(tmp_path / "elsewhere", small_corpus / "linked")
    with open(small_corpus / "metadata.csv", "a", encoding="utf-8") as handle:
        handle.write(".old/早期报告.txt,早期报告,2014-03-05\nnowhere.txt,不存在,2014\nlinked/r3.txt,链接,2013\n")
    docs = load_corpus(small_corpus, small_corpus / "metadata.csv").documents
    assert docs.set_index("path").loc[".old/早期报告.txt", "reason"] == (
        "listed in the metadata, but inside .old/, which is not searched: hidden folder (name starts with '.')"
    )
    assert docs.set_index("path").loc["nowhere.txt", "reason"] == "listed in the metadata but the file is missing"
    assert docs.set_index("path").loc["linked/r3.txt", "reason"] == (
        "listed in the metadata, but inside linked/, which is not searched: symbolic link to a folder"
    )
    with collected_warnings() as warnings:
        warn_skipped(docs, counted="not analysed")
    warned = " ".join(warnings)
    assert "skipped, not analysed: " in warned and ".old/早期报告.txt (listed in the metadata, but inside .old/" in warned
    assert "name a file that is not in the folder: nowhere.txt" in warned and ".old/早期报告.txt," not in warned


def test_metadata_saved_by_chinese_excel_is_read(small_corpus):
    """Excel on a Chinese Windows saves "CSV" as GBK: the metadata is read as the texts are (it was refused as
    not UTF-8); bytes no encoding reads stay one line of error."""
    meta = small_corpus / "metadata.csv"
    utf8 = load_corpus(small_corpus, meta).documents
    meta.write_bytes(meta.read_text(encoding="utf-8").encode("gb18030"))
    gbk = load_corpus(small_corpus, meta).documents
    assert gbk["title"].tolist() == utf8["title"].tolist() and "武汉市" in set(gbk["place"])
    meta.write_bytes(b"file,title\n\x81\x30\xff\xfe\x00x.txt,\x80\x80\x80\n")
    with pytest.raises(ToolkitError, match=r"cannot read metadata .*; save it from the spreadsheet as a CSV \(UTF-8\)"):
        load_corpus(small_corpus, meta)
    meta.write_bytes(b"PK\x03\x04 an Excel workbook")  # its advice once, for a table (it said "save it as plain text" too)
    with pytest.raises(ToolkitError) as error:
        load_corpus(small_corpus, meta)
    assert str(error.value) == (
        f"cannot read metadata {meta}: binary file: a ZIP archive or Office document (.docx/.xlsx); save it from the "
        "spreadsheet as a CSV (UTF-8)"
    )


def test_markup_in_a_metadata_cell_is_data_not_a_web_pages(small_corpus):
    """From a hostile pass of the outputs: the metadata table went through the texts' clean-up of pasted web pages: a
    title's <br> became a line break (one row two: the document lost its date, the rest of the title named a file
    that does not exist), `&#44;` a comma (a row of too many fields), and a tag in a place was taken out."""
    import csv

    meta = small_corpus / "metadata.csv"
    rows = list(csv.DictReader(meta.open(encoding="utf-8")))
    written = {"title": "把创新这个“牛鼻子”<br>牢牢抓住", "place": '武汉市"><img src=x>', "notes": "一&#44;二"}
    rows[0].update(written)
    with meta.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=[*rows[0]])
        writer.writeheader()
        writer.writerows(rows)
    documents = load_corpus(small_corpus, meta).documents.set_index("path")
    first = documents.loc[rows[0]["file"]]
    assert {name: first[name] for name in written} == written and first["status"] == "used"
    assert len(documents) == len(rows)


@pytest.mark.parametrize(
    "separator, encoding", [("\t", "utf-16"), ("\t", "utf-16-le"), (",", "utf-16-be"), ("\t", "utf-8"), (";", "utf-8-sig")]
)
def test_metadata_saved_as_unicode_text_or_with_semicolons_is_read(small_corpus, separator, encoding):
    """Excel saves UTF-16 only as "Unicode Text" (tab-separated) and a European locale's CSV has semicolons: the
    metadata was refused with "has no 'file' column (it has: file\tdate ...)", which it plainly had (hand-coding
    sheets were read either way). A title holding a comma stays one cell."""
    import csv
    import io

    meta = small_corpus / "metadata.csv"
    utf8 = load_corpus(small_corpus, meta).documents
    rows = list(csv.reader(io.StringIO(meta.read_text(encoding="utf-8"))))
    rows[1][1] = rows[1][1] + ",附件"  # a comma inside a cell: no separator here
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=separator, lineterminator="\r\n").writerows(rows)
    meta.write_bytes(buffer.getvalue().encode(encoding))
    read = load_corpus(small_corpus, meta).documents
    assert read["date"].tolist() == utf8["date"].tolist() and set(read["place"]) == set(utf8["place"])
    assert (
        read["title"].iloc[0] == utf8["title"].iloc[0] + ",附件"
        and read["title"].iloc[1:].tolist() == utf8["title"].iloc[1:].tolist()
    )


def test_metadata_include_column_and_extra_columns(small_corpus):
    import pandas as pd

    meta = small_corpus / "metadata.csv"
    table = pd.read_csv(meta, dtype=str, keep_default_na=False)
    table["include"] = ["yes", "no", "", "0", "maybe"]
    table["level"] = ["city", "city", "city", "city", "district"]
    table["status"] = "draft"  # a name the documents table uses itself
    table.to_csv(meta, index=False)
    corpus = load_corpus(small_corpus, meta)
    docs = corpus.documents.set_index("doc_id")
    assert docs.loc["001_a277e5c0c743763f", "reason"] == "excluded in the metadata (include = no)"
    assert docs.loc["003_627586bead8599d4", "reason"] == "excluded in the metadata (include = no)"
    assert docs.loc["004_1467077b33d2f3ae", "reason"] == "metadata: include must be yes or no (是/否), not 'maybe'"
    assert list(docs.loc[docs["status"] == "used"].index) == ["000_4635cf3c1d3ea286", "002_2c7342bd1836c4df"]
    assert docs.loc["004_1467077b33d2f3ae", "level"] == "district"  # any extra column reaches the table
    assert docs.loc["000_4635cf3c1d3ea286", "notes"].startswith("Meeting held")
    assert docs.loc["000_4635cf3c1d3ea286", "meta_status"] == "draft"
    assert {"level", "notes", "source", "script", "meta_status"} <= set(corpus.metadata_columns)


def test_a_metadata_column_and_its_renamed_twin_are_one_line_of_error(small_corpus):
    import pandas as pd

    meta = small_corpus / "metadata.csv"
    table = pd.read_csv(meta, dtype=str, keep_default_na=False)
    table["innovation"], table["meta_innovation"] = "1", "2"
    table.to_csv(meta, index=False)
    assert "innovation" in load_corpus(small_corpus, meta).metadata_columns  # no theme of that name: kept as it is
    renamed = "a column 'innovation', a name the toolkit's tables use, and a column 'meta_innovation'"
    with pytest.raises(ToolkitError, match=renamed):
        load_corpus(small_corpus, meta, themes=["innovation", "other"])


def test_entries_that_would_share_a_document_id_keep_their_whole_paths(small_corpus):
    """A metadata row naming "national_2011" beside national_2011.txt, and report.txt beside report.md (corpus.pattern
    "*"), each gave two rows one id: the run crashed. Now each keeps its whole path as its id, and the missing
    row says which file it probably meant."""
    text = (GWR / "national_2011.txt").read_text(encoding="utf-8")
    add_document(small_corpus, "national_2011.txt", text, title="2011", date="2011-03-05")
    with (small_corpus / "metadata.csv").open("a", encoding="utf-8") as meta:
        meta.write("national_2011,2011,2011-03-05,day,,,,\n")
    (small_corpus / "report.txt").write_text(text[:3000], encoding="utf-8")
    (small_corpus / "report.md").write_text(text[3000:6000], encoding="utf-8")
    corpus = load_corpus(small_corpus, small_corpus / "metadata.csv", pattern="*")
    docs = corpus.documents
    assert docs["doc_id"].is_unique
    rows = docs.set_index("doc_id")
    assert rows.loc["national_2011.txt", "status"] == "used"
    # the file has a row of its own: this one is a second row for it, not a missing file (a hostile pass)
    assert rows.loc["national_2011", "reason"] == (
        "a second metadata row for national_2011.txt, written national_2011: the file's own row is used, not this "
        "one; delete one of the two"
    )
    paths = docs.set_index("path")["doc_id"]
    assert paths["report.md"] == "report.md" and paths["report.txt"] in ("report", "report.txt")  # the skipped one gives way
    assert corpus.text("national_2011.txt") == text and set(corpus.sources) == set(corpus.used["doc_id"])


def test_a_metadata_row_naming_a_listed_file_another_way_is_a_second_row_not_a_missing_file(small_corpus):
    """./x, X.TXT or x\\ beside x.txt's own row were each "listed in the metadata but the file is missing" (a hostile
    pass); a row naming a file without a row of its own still says which file it probably meant."""
    listed = sorted(p.name for p in small_corpus.glob("*.txt"))
    first, second, third, fourth = listed[:4]
    # and, as a row finds its file, with spaces around the name or through the text folder (a hostile pass: those
    # two were still said to name a missing file)
    through = f"{small_corpus.name}/{third.upper()}"
    with (small_corpus / "metadata.csv").open("a", encoding="utf-8") as meta:
        meta.write(f"./{first},again,2010-01-01,day,,,,\n{second.upper()},upper,2010-01-01,day,,,,\n")
        meta.write(f"{through},through,2010-01-01,day,,,,\n {fourth.upper()},spaced,2010-01-01,day,,,,\n")
        # two such rows of one file (a review: matched together, they fit it ambiguously and were "missing")
        meta.write(f"{small_corpus.name}/{first.upper()},twice,2010-01-01,day,,,,\n")
    docs = load_corpus(small_corpus, small_corpus / "metadata.csv").documents
    assert docs["doc_id"].is_unique and docs["status"].eq("used").sum() == len(listed)
    reasons = docs.set_index("path")["reason"]
    assert reasons[f"./{first}"].startswith(f"a second metadata row for {first}, written ./{first}:")
    assert reasons[second.upper()].startswith(f"a second metadata row for {second}, written {second.upper()}:")
    assert reasons[through].startswith(f"a second metadata row for {third}, written {through}:")
    spaced = next(path for path in reasons.index if path.strip() == fourth.upper())
    twice = f"{small_corpus.name}/{first.upper()}"
    assert reasons[twice].startswith(f"a second metadata row for {first}, written {twice}:")
    assert reasons[spaced].startswith(f"a second metadata row for {fourth}, written {spaced}:")
    assert not docs["reason"].fillna("").str.contains("file is missing").any()


def test_a_used_documents_id_does_not_change_with_the_files_skipped_beside_it(small_corpus):
    """a.pdf beside a.txt, b.bak and b.txt.bak beside b.txt (skipped by corpus.pattern): the used documents keep
    their ids (hand-coding keys and unit ids of an earlier run still match), the skipped entries take their paths."""
    text = (GWR / "national_2012.txt").read_text(encoding="utf-8")
    add_document(small_corpus, "a.txt", text[:4000], title="a", date="2012-03-05")
    add_document(small_corpus, "b.txt", text[4000:8000], title="b", date="2012-03-05")
    before = load_corpus(small_corpus, small_corpus / "metadata.csv").documents.set_index("path")["doc_id"]
    for name in ("a.pdf", "b.bak", "b.txt.bak"):
        (small_corpus / name).write_bytes(b"%PDF-1.7 not text")
    docs = load_corpus(small_corpus, small_corpus / "metadata.csv").documents.set_index("path")
    assert docs["doc_id"].is_unique and docs.loc[["a.txt", "b.txt"], "doc_id"].tolist() == ["a", "b"]
    assert (docs.loc[before.index, "doc_id"] == before).all()
    assert docs.loc[["a.pdf", "b.bak", "b.txt.bak"], "doc_id"].tolist() == ["a.pdf", "b.bak", "b.txt"]


def test_a_duplicate_with_another_date_names_both_dates(small_corpus):
    add_document(small_corpus, "copy.txt", (SEEDS / "001_a277e5c0c743763f.txt").read_bytes(), title="副本", date="2018-03-01")
    meta = small_corpus / "metadata.csv"
    docs = load_corpus(small_corpus, meta).documents.set_index("path")
    assert docs.loc["copy.txt", "reason"] == (
        "duplicate of 001_a277e5c0c743763f.txt (same bytes); its metadata date 2018-03-01 differs from "
        "001_a277e5c0c743763f.txt's 2019-05-16: check which is right"
    )


def test_patterns_match_like_glob(small_corpus):
    from toolkit.text.corpus import matches

    assert matches("a.txt", "*.txt") and not matches("sub/a.txt", "*.txt")
    assert matches("sub/a.txt", "**/*.txt") and matches("a.txt", "**/*.txt")
    assert matches("sub/deeper/a.txt", "sub/**/*.txt") and not matches(".a.txt", "*.txt")
    assert matches("REPORT.TXT", "*.txt") and matches("Sub/A.Txt", "sub/*.TXT")  # as Windows names them
    (small_corpus / "UPPER.TXT").write_text("2019年3月5日 政府工作报告:坚持创新驱动发展。", encoding="utf-8")
    assert load_corpus(small_corpus).documents.set_index("path").loc["UPPER.TXT", "status"] == "used"
    (small_corpus / "2020").mkdir()
    (small_corpus / "2020" / "report.txt").write_text("2020年3月5日 政府工作报告。", encoding="utf-8")
    docs = load_corpus(small_corpus, pattern="**/*.txt").documents.set_index("path")
    assert docs.loc["2020/report.txt", "status"] == "used"
    docs = load_corpus(small_corpus).documents.set_index("path")
    assert docs.loc["2020/report.txt", "reason"] == (
        "does not match corpus.pattern '*.txt': it is in a subfolder; set corpus.pattern = '**/*.txt' to read subfolders"
    )


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")
def test_symbolic_link_loops_are_skipped_with_a_reason(small_corpus):
    os.symlink(small_corpus, small_corpus / "loop")  # a link to the text folder itself
    os.symlink("b.txt", small_corpus / "a.txt")  # a -> b -> a
    os.symlink("a.txt", small_corpus / "b.txt")
    (small_corpus / "sub").mkdir()
    os.symlink("../sub", small_corpus / "sub" / "up")
    docs = load_corpus(small_corpus, small_corpus / "metadata.csv", pattern="**/*.txt").documents.set_index("path")
    reasons = docs["reason"]
    assert reasons["a.txt"] == reasons["b.txt"] == "symbolic link loop; not followed"
    assert reasons["loop"] == reasons["sub/up"] == "symbolic link to a folder; not followed"
    assert (docs["status"] == "used").sum() == 5


@pytest.mark.parametrize(
    "line, row, message",
    [
        (
            2,
            "000_4635cf3c1d3ea286.txt,阮成发:把创新驱动作为推动发展的牛鼻子, 牢牢抓住,2015-03-31,day,武汉市,x,simplified,",
            "line 2 has 9 fields, the header has 8; quote cells that hold a comma",
        ),  # pandas shifted the columns
        (
            3,
            "001_a277e5c0c743763f.txt,武汉用创新创造打开城市未来, 长江日报,2019-05-16,day,武汉市,x,simplified,",
            "line 3 has 9 fields, the header has 8; quote cells that hold a comma",
        ),
        (3, ",武汉用创新创造打开城市未来,2019-05-16,day,武汉市,x,simplified,", "line 3 has an empty 'file' cell"),
        (
            3,
            "000_4635cf3c1d3ea286.txt,重复,2015,day,武汉市,x,simplified,",
            "lists '000_4635cf3c1d3ea286.txt' twice (lines 2 and 3)",
        ),
    ],
)
def test_a_bad_metadata_row_is_one_error_naming_its_line(small_corpus, line, row, message):
    meta = small_corpus / "metadata.csv"
    lines = meta.read_text(encoding="utf-8").splitlines()
    lines[line - 1] = row
    meta.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ToolkitError, match=f"metadata {meta} {re.escape(message)}"):
        load_corpus(small_corpus, meta)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs POSIX FIFOs")
def test_a_fifo_as_metadata_is_named_not_read(small_corpus, tmp_path):
    fifo = tmp_path / "metadata.csv"
    os.mkfifo(fifo)  # nothing ever writes to it: reading it would block
    with pytest.raises(ToolkitError, match="metadata file .* is a FIFO \\(named pipe\\), not a regular file"):
        load_corpus(small_corpus, fifo)


def test_spaces_around_a_cell_are_not_part_of_its_value_and_include_may_be_said_in_chinese(small_corpus):
    """From a hostile pass of the own-corpus workflow: "武汉市 " (a space a spreadsheet keeps out of sight) was a
    category of its own in effects.formula while trends.by trimmed it, and documents.csv kept it; include = 否 was
    refused."""
    meta = small_corpus / "metadata.csv"
    lines = meta.read_text(encoding="utf-8").splitlines()
    lines[0] += ",include"
    lines[1] = lines[1].replace(",武汉市,", ", 武汉市 ,") + ",否"
    lines[2] = lines[2].replace(",武汉市,", ",武汉市  ,") + ",是"
    lines[3:] = [line + "," for line in lines[3:]]
    meta.write_text("\n".join(lines) + "\n", encoding="utf-8")
    docs = load_corpus(small_corpus, meta).documents.set_index("path")
    excluded = docs.loc["000_4635cf3c1d3ea286.txt", ["status", "reason"]].tolist()
    assert excluded == ["skipped", "excluded in the metadata (include = no)"]
    assert docs.loc["001_a277e5c0c743763f.txt", ["status", "place"]].tolist() == ["used", "武汉市"]
    places = docs.loc[docs["status"] == "used", "place"]
    assert (places == places.str.strip()).all()


def test_names_written_decomposed_give_the_documents_of_names_written_composed_in_the_same_order(tmp_path):
    """A folder copied from macOS (or out of some zip files) holds é000.txt decomposed: e and a combining accent.
    It sorted after f001.txt where the composed name sorts before it, so the documents came in another order,
    and with them every share the sampler drew; its doc_id was written decomposed."""
    renamed = {"000_4635cf3c1d3ea286.txt": "é000.txt", "001_a277e5c0c743763f.txt": "f001.txt"}
    loaded = {}
    for form in ("NFC", "NFD"):
        folder = tmp_path / form
        folder.mkdir()
        meta = (SEEDS / "metadata.csv").read_text(encoding="utf-8")
        for old, new in renamed.items():
            meta = meta.replace(old, new)  # the metadata composed, as a spreadsheet writes it
        (folder / "metadata.csv").write_text(meta, encoding="utf-8")
        for path in sorted(SEEDS.glob("*.txt")):
            shutil.copyfile(path, folder / unicodedata.normalize(form, renamed.get(path.name, path.name)))
        documents = load_corpus(folder, folder / "metadata.csv").documents
        assert (documents["status"] == "used").all(), documents[["path", "reason"]]
        loaded[form] = documents
    assert loaded["NFD"]["doc_id"].tolist() == loaded["NFC"]["doc_id"].tolist()
    assert loaded["NFC"]["doc_id"].tolist()[-2:] == ["f001", "é000"]  # é (U+00E9) after f; e and its accent before
    assert [unicodedata.normalize("NFC", p) for p in loaded["NFD"]["path"]] == loaded["NFC"]["path"].tolist()
    assert loaded["NFD"]["title"].tolist() == loaded["NFC"]["title"].tolist()


def test_a_date_in_the_future_is_warned_about_and_used_whatever_the_clock_says(small_corpus, caplog, monkeypatch):
    """A document dated after next year (2099 for 2019) is a typing error the run names; it was skipped, so which
    documents a run read depended on the day it ran (a 2027 report skipped in 2025 and used in 2026)."""
    import datetime

    import toolkit.text.corpus as corpus

    meta = small_corpus / "metadata.csv"
    meta.write_text(meta.read_text(encoding="utf-8").replace("2019-05-16", "2099-05-16"), encoding="utf-8")
    read = {}
    for now in (datetime.date(2026, 12, 5), datetime.date(2099, 6, 1)):

        class Clock(datetime.date):
            @classmethod
            def today(cls, now=now):
                return now

        monkeypatch.setattr(corpus.datetime, "date", Clock)
        caplog.clear()
        with caplog.at_level("WARNING", logger="toolkit"):
            read[now.year] = load_corpus(small_corpus, meta).documents
        said = "1 document(s) dated after 2027, next year by this machine's clock: 001_a277e5c0c743763f.txt (2099-05-16)"
        assert (said in caplog.text) == (now.year == 2026), caplog.text
    pd.testing.assert_frame_equal(read[2026], read[2099])
    docs = read[2026].set_index("path")
    assert docs.loc["001_a277e5c0c743763f.txt", ["status", "year"]].tolist() == ["used", 2099]
    assert (docs["status"] == "used").all()


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x85", "\x0c", "\x1c", "\x1d", "\x1e", "\x0b"])
def test_a_cell_holding_a_unicode_line_separator_stays_in_its_row(small_corpus, separator):
    meta = small_corpus / "metadata.csv"
    lines = meta.read_text(encoding="utf-8").splitlines()
    lines[2] = f"001_a277e5c0c743763f.txt,武汉用创新{separator}创造打开城市未来,2019-05-16,day,武汉市,长江日报,simplified,"
    meta.write_text("\n".join(lines) + "\n", encoding="utf-8")
    docs = load_corpus(small_corpus, meta).documents.set_index("doc_id")
    # in its row; a control character among them (\x85, \x0c, \x1c-\x1e, \x0b) is taken out, with a warning
    kept = separator if separator in "\u2028\u2029" else ""
    assert docs.loc["001_a277e5c0c743763f", "title"] == f"武汉用创新{kept}创造打开城市未来"
    assert docs.loc["001_a277e5c0c743763f", "place"] == "武汉市"
    assert (docs["status"] == "used").sum() == 5


def test_a_bare_name_that_fits_files_in_several_folders_dates_none_of_them(tmp_path):
    """政府工作报告.txt in the folders 2017, 2018 and 2019, one metadata row with that name and 2019's date: the
    date was copied onto all three (three reports in 2019, none in 2017 or 2018). Now none takes it, each says why,
    and a row naming each by its path dates each."""
    for year in (2017, 2018, 2019):
        (tmp_path / "texts" / str(year)).mkdir(parents=True)
        shutil.copy(GWR / f"national_{year}.txt", tmp_path / "texts" / str(year) / "政府工作报告.txt")
    shutil.copy(GWR / "national_2016.txt", tmp_path / "texts" / "national_2016.txt")
    meta = tmp_path / "m.csv"
    meta.write_text("file,date\n政府工作报告.txt,2019-03-05\nnational_2016.txt,2016-03-05\n", encoding="utf-8")
    docs = load_corpus(tmp_path / "texts", meta, pattern="**/*.txt").documents.set_index("path")
    assert docs.loc["national_2016.txt", "status"] == "used"
    for year in (2017, 2018, 2019):
        row = docs.loc[f"{year}/政府工作报告.txt"]
        assert row["status"] == "skipped" and row["year"] is pd.NA, row
        expected = "the metadata row '政府工作报告.txt' fits 3 files (2017/政府工作报告.txt, "
        assert row["reason"].startswith(expected), row["reason"]
    assert "政府工作报告.txt" not in docs.index  # the row is not "missing": it fits too many files
    rows = "".join(f"{y}/政府工作报告.txt,{y}-03-05\n" for y in (2017, 2018, 2019)) + "national_2016.txt,2016-03-05\n"
    meta.write_text("file,date\n" + rows, encoding="utf-8")
    docs = load_corpus(tmp_path / "texts", meta, pattern="**/*.txt").documents
    assert sorted(docs["year"]) == [2016, 2017, 2018, 2019] and (docs["status"] == "used").all()


def test_names_written_otherwise_in_the_metadata_still_find_their_file(tmp_path):
    """A name decomposed on disk (macOS) but composed in the table, another case, a Windows path, a path from the
    config's folder: each row finds its file (they were "missing" while their files were "not listed")."""
    texts = tmp_path / "texts"
    (texts / "2017").mkdir(parents=True)
    copies = {
        unicodedata.normalize("NFD", "Lǚ_2015.txt"): 2015,
        "Report_2016.TXT": 2016,
        "2017/政府工作报告.txt": 2017,
        "r2018.txt": 2018,
    }
    for name, year in copies.items():
        shutil.copy(GWR / f"national_{year}.txt", texts / name)
    meta = tmp_path / "m.csv"
    rows = ["Lǚ_2015.txt,2015-03-05", "report_2016.txt,2016-03-05", "2017\\政府工作报告.txt,2017-03-05"]
    rows.append("texts/r2018.txt,2018-03-05")
    meta.write_text("file,date\n" + "\n".join(rows) + "\n", encoding="utf-8")
    docs = load_corpus(texts, meta, pattern="**/*.txt").documents
    assert (docs["status"] == "used").all() and len(docs) == 4, docs[["path", "status", "reason"]]
    assert (docs["date_source"] == "metadata").all()
    assert sorted(docs["year"]) == [2015, 2016, 2017, 2018]
    assert all("written otherwise" in note for note in docs["note"]), docs["note"].tolist()


def test_a_copy_is_skipped_as_the_duplicate_of_the_file_that_is_used(tmp_path):
    """政府工作报告2015 (1).txt (a browser's second download, sorted first, not in the metadata and without a date
    in its text) and 政府工作报告2015.txt, listed: the listed one was skipped as the duplicate of the other, which was
    skipped for want of a date, and the 2015 report was lost. The one the metadata names is used."""
    texts = tmp_path / "texts"
    texts.mkdir()
    text = (GWR / "national_2015.txt").read_text(encoding="utf-8")
    for name in ("政府工作报告2015 (1).txt", "政府工作报告2015.txt"):
        (texts / name).write_text(text, encoding="utf-8")
    shutil.copy(GWR / "national_2016.txt", texts / "政府工作报告2016.txt")
    meta = tmp_path / "m.csv"
    meta.write_text("file,date\n政府工作报告2015.txt,2015-03-05\n政府工作报告2016.txt,2016-03-05\n", encoding="utf-8")
    docs = load_corpus(texts, meta).documents
    assert docs["path"].tolist() == ["政府工作报告2015 (1).txt", "政府工作报告2015.txt", "政府工作报告2016.txt"]  # folder order
    rows = docs.set_index("path")
    assert rows.loc["政府工作报告2015.txt", "status"] == "used" and rows.loc["政府工作报告2015.txt", "year"] == 2015
    assert rows.loc["政府工作报告2015 (1).txt", "reason"] == "duplicate of 政府工作报告2015.txt (same bytes)"


def test_a_row_names_a_file_only_through_the_text_folders_own_path(tmp_path):
    """A row's folders before the file's path must be the text folder's own (texts/a.txt, or its absolute path):
    2018/report.txt gave its date to report.txt at the top of the folder, and a/x.txt to x.txt."""
    from toolkit.text.corpus import metadata_rows

    root = tmp_path / "data" / "texts"
    assert metadata_rows(["report.txt", "2017/report.txt"], ["2018/report.txt"], root)[0] == {}
    assert metadata_rows(["x.txt", "b/a/x.txt"], ["a/x.txt"], root)[0] == {}
    for key in ("texts/r.txt", "data/texts/r.txt", str(root / "r.txt"), "C:\\Users\\me\\data\\texts\\r.txt"):
        assert metadata_rows(["r.txt"], [key], root)[0] == {"r.txt": key}, key
    # a bare name is no file's when another file has that name, even one its own path's row describes
    taken, ambiguous, _ = metadata_rows(["a/x.txt", "b/x.txt"], ["a/x.txt", "x.txt"], root)
    assert taken == {"a/x.txt": "a/x.txt"} and ambiguous["b/x.txt"].startswith("the metadata row 'x.txt' fits 2 files")


def test_a_copy_of_a_listed_file_that_is_skipped_stays_its_duplicate(tmp_path):
    """report.txt listed as 2009 and outside the window, report_copy.txt the same bytes and not listed: the copy
    was used as the year its text gives once only used files counted as originals."""
    texts = tmp_path / "texts"
    texts.mkdir()
    for name in ("report.txt", "report_copy.txt"):
        shutil.copy(GWR / "national_2015.txt", texts / name)
    shutil.copy(GWR / "national_2016.txt", texts / "r2016.txt")
    (tmp_path / "m.csv").write_text("file,date\nreport.txt,2009-03-05\nr2016.txt,2016-03-05\n", encoding="utf-8")
    docs = load_corpus(texts, tmp_path / "m.csv", year_min=2010).documents.set_index("path")
    assert docs.loc["report.txt", "reason"].startswith("year 2009 outside the window")
    assert docs.loc["report_copy.txt", "reason"] == "duplicate of report.txt (same bytes)"


def test_a_metadata_table_with_a_damaged_byte_is_refused_not_read_without_it(tmp_path, small_corpus):
    meta = small_corpus / "metadata.csv"
    data = meta.read_bytes()
    at = data.index("武汉".encode()) + 1
    meta.write_bytes(data[:at] + data[at + 1 :])  # one byte of 武 lost: a title would lose a character
    with pytest.raises(ToolkitError, match="cannot read metadata"):
        load_corpus(small_corpus, meta)


def test_a_file_two_metadata_rows_fit_takes_neither():
    """Two rows that fit one file (A.TXT and ./a.txt both name a.txt) are ambiguous: the file takes neither row's
    date, and says so; a mutation that let the first row win passed every test (a mutation audit)."""
    from toolkit.text.corpus import metadata_rows

    taken, ambiguous, unclear = metadata_rows(["a.txt", "b.txt"], ["A.TXT", "./a.txt"])
    assert "a.txt" not in taken and ambiguous["a.txt"].startswith("fits the metadata rows 'A.TXT' and './a.txt'")
    assert unclear == {"A.TXT", "./a.txt"}


def test_two_empty_files_are_each_skipped_as_empty_not_as_a_duplicate(small_corpus):
    """Two empty files have the same bytes (none), but an empty file is no text to copy: each is skipped as "empty
    file", neither as a duplicate of the other (a mutation audit: the second was "duplicate of empty_1.txt")."""
    _write(small_corpus, "empty_1.txt", b"")
    _write(small_corpus, "empty_2.txt", b"")
    docs = load_corpus(small_corpus, small_corpus / "metadata.csv").documents.set_index("path")
    assert docs.loc[["empty_1.txt", "empty_2.txt"], "reason"].tolist() == ["empty file", "empty file"]
    assert (docs.loc[["empty_1.txt", "empty_2.txt"], "status"] == "skipped").all()
    assert (docs.drop(["empty_1.txt", "empty_2.txt"])["status"] == "used").all()


def test_a_document_dated_next_year_is_not_warned_about_and_one_after_it_is(small_corpus, caplog, monkeypatch):
    """Dates after next year by the machine's clock are typing errors the run names; next year itself is not (a plan
    or a report published for it). With the clock at 2026-12-05, a document dated 2027 is used unnamed and one
    dated 2028 is named (a mutation audit: the warning named documents of next year too)."""
    import datetime

    import toolkit.text.corpus as corpus

    class Clock(datetime.date):
        @classmethod
        def today(cls):
            return datetime.date(2026, 12, 5)

    monkeypatch.setattr(corpus.datetime, "date", Clock)
    meta = small_corpus / "metadata.csv"
    text = meta.read_text(encoding="utf-8").replace("2019-05-16", "2027-05-16").replace("2021-07-26", "2028-07-26")
    meta.write_text(text, encoding="utf-8")
    with caplog.at_level("WARNING", logger="toolkit"):
        docs = load_corpus(small_corpus, meta).documents.set_index("path")
    assert docs.loc[["001_a277e5c0c743763f.txt", "003_627586bead8599d4.txt"], "year"].tolist() == [2027, 2028]
    assert (docs["status"] == "used").all()
    said = "1 document(s) dated after 2027, next year by this machine's clock: 003_627586bead8599d4.txt (2028-07-26);"
    assert said in caplog.text, caplog.text
    assert "001_a277e5c0c743763f.txt (2027-05-16)" not in caplog.text


# ----- a second mutation audit of corpus.py: each test fails on one mutant that passed every test -------------------


def _gwr_texts(tmp_path, years=(2015, 2016)):
    texts = tmp_path / "texts"
    texts.mkdir()
    for year in years:
        shutil.copy(GWR / f"national_{year}.txt", texts / f"政府工作报告{year}.txt")
    return texts


def test_a_spreadsheets_blank_rows_of_empty_cells_are_skipped_like_blank_lines(tmp_path):
    """Excel saves a row whose cells were cleared as ",,": such a row names no file and is no error (a mutation that
    skipped only empty lines made it "line 3 has an empty 'file' cell")."""
    texts = _gwr_texts(tmp_path)
    meta = tmp_path / "m.csv"
    meta.write_text(
        "file,date,标题\n政府工作报告2015.txt,2015-03-05,报告\n,,\n  , ,\n政府工作报告2016.txt,2016-03-05,报告\n",
        encoding="utf-8",
    )
    docs = load_corpus(texts, meta).documents.set_index("path")
    assert docs["status"].tolist() == ["used", "used"] and docs["year"].tolist() == [2015, 2016]


def test_column_names_are_read_whatever_their_case(tmp_path):
    """A header typed File,Date,Title,Include in a spreadsheet: every column is the toolkit's (a mutation that kept
    the case found no 'file' column)."""
    texts = _gwr_texts(tmp_path)
    meta = tmp_path / "m.csv"
    meta.write_text(
        "File,Date,Title,Include\n政府工作报告2015.txt,2015-03-05,二〇一五年报告,是\n政府工作报告2016.txt,2016-03-05,二〇一六年报告,否\n",
        encoding="utf-8",
    )
    docs = load_corpus(texts, meta).documents.set_index("path")
    assert docs.loc["政府工作报告2015.txt", ["status", "title", "date_source"]].tolist() == ["used", "二〇一五年报告", "metadata"]
    assert docs.loc["政府工作报告2016.txt", "reason"] == "excluded in the metadata (include = no)"


def test_a_column_named_twice_is_one_error(tmp_path):
    """Two date columns (2015 and 2016 for one file): which one dates the file cannot be guessed."""
    texts = _gwr_texts(tmp_path)
    meta = tmp_path / "m.csv"
    meta.write_text("file,date,Date\n政府工作报告2015.txt,2015-03-05,2016-03-05\n", encoding="utf-8")
    with pytest.raises(ToolkitError, match=f"metadata {re.escape(str(meta))} has the column 'date' twice; keep one"):
        load_corpus(texts, meta)


def test_a_bad_rows_line_is_counted_in_lines_of_the_file_past_a_cell_of_several_lines(tmp_path):
    """A title cell that holds a line break spans two lines of the file: the row after it starts on line 4, and the
    error names line 4, where an editor shows it (a mutation that counted rows named line 3)."""
    texts = _gwr_texts(tmp_path)
    meta = tmp_path / "m.csv"
    meta.write_text(
        'file,date,title\n政府工作报告2015.txt,2015-03-05,"政府工作报告\n——2015年3月5日"\n,2016-03-05,缺文件名\n',
        encoding="utf-8",
    )
    with pytest.raises(ToolkitError, match="line 4 has an empty 'file' cell"):
        load_corpus(texts, meta)


def test_a_quote_left_open_in_the_metadata_is_refused_not_read_as_the_rows_after_it(tmp_path):
    """From a hostile pass of the preprocessing: `"阮成发讲话` (an ASCII quote a Chinese input method leaves open) took
    the rows after it into one title cell; their files were dated from their text (2017 read as 2019) or skipped
    without a date, and no warning named the quote. A cell of several lines that holds no row stays a title."""
    texts = _gwr_texts(tmp_path)
    meta = tmp_path / "m.csv"
    meta.write_text(
        'file,title,date\n政府工作报告2015.txt,"阮成发讲话,2015-03-05\n政府工作报告2016.txt,报告,2016-03-05\n',
        encoding="utf-8",
    )
    with pytest.raises(
        ToolkitError, match=r"line 2: its 'title' cell opens a quote .* takes in the row of '政府工作报告2016.txt'"
    ):
        load_corpus(texts, meta)
    for separator in ("\t", ";"):
        meta.write_text(
            f'file{separator}title{separator}date\n政府工作报告2015.txt{separator}"讲话{separator}2015\n'
            f"政府工作报告2016.txt{separator}报告{separator}2016-03-05\n",
            encoding="utf-8",
        )
        with pytest.raises(ToolkitError, match="takes in the row of '政府工作报告2016.txt'"):
            load_corpus(texts, meta)
    # the file's name where the header has it, not first (an adversarial review: year,file,title went unnoticed)
    meta.write_text('year,file,title\n2015,政府工作报告2015.txt,"报告\n2016,政府工作报告2016.txt,报告\n', encoding="utf-8")
    with pytest.raises(ToolkitError, match="its 'title' cell opens a quote .* takes in the row of '政府工作报告2016.txt'"):
        load_corpus(texts, meta)
    # rows that leave their last cells out (read as empty) are rows all the same (an adversarial review: a check that
    # asked for nearly the header's number of cells let a table of six columns whose rows give four through)
    meta.write_text(
        'file,date,title,place,level,notes\n政府工作报告2015.txt,2015,"报告,全国\n政府工作报告2016.txt,2016,报告,全国\n',
        encoding="utf-8",
    )
    with pytest.raises(ToolkitError, match="its 'title' cell opens a quote .* takes in the row of '政府工作报告2016.txt'"):
        load_corpus(texts, meta)
    meta.write_text('file,title,date\n政府工作报告2015.txt,"政府工作报告\n——2015年3月5日, 北京",2015-03-05\n', encoding="utf-8")
    assert load_corpus(texts, meta).documents["title"].tolist()[0] == "政府工作报告\n——2015年3月5日, 北京"
    # a note of several lines whose line starts with a site or a section number is a note (an adversarial review: a
    # properly quoted cell was refused as taking in the row of 'www.wuhan.gov.cn')
    notes = (
        "Downloaded from the city site.\nwww.wuhan.gov.cn, retrieved 2023-05-01",
        "Sections:\n1.2, 1.3 and 4 omitted",
        # attachments listed in a note, closed (a second review: refused as rows swallowed by an open quote)
        "据两个版本合并:\n2015_wuhan_draft.docx, 征求意见稿\n2015_wuhan_final.pdf, 正式印发稿",
        "附件:\n附件1.docx,附件2.pdf,附件3.doc",
    )
    for note in notes:
        meta.write_text(f'file,title,date,notes\n政府工作报告2015.txt,报告,2015-03-05,"{note}"\n', encoding="utf-8")
        assert load_corpus(texts, meta).documents["notes"].tolist()[0] == note


def test_a_metadata_table_of_file_names_alone_keeps_a_semicolon_inside_a_name(tmp_path):
    """A table with the one column file is read as comma-separated (the first separator that gives it): a name with
    a ';' in it is one cell (a mutation that tried ';' first split it and refused the table)."""
    texts = tmp_path / "texts"
    texts.mkdir()
    shutil.copy(SEEDS / "001_a277e5c0c743763f.txt", texts / "武汉;创新.txt")  # dated in its text
    meta = tmp_path / "m.csv"
    meta.write_text("file\n武汉;创新.txt\n", encoding="utf-8")
    docs = load_corpus(texts, meta).documents
    assert docs[["path", "status", "note", "date"]].values.tolist() == [["武汉;创新.txt", "used", "", "2019-05-16"]]


@pytest.mark.parametrize("pattern", ["C:\\语料\\*.txt", "D:/政府工作报告/*.txt", "c:*.txt"])
def test_a_pattern_with_a_windows_drive_is_an_absolute_path(pattern):
    from toolkit.text.corpus import check_pattern

    with pytest.raises(ToolkitError, match="is an absolute path; give a glob inside corpus.texts"):
        check_pattern(pattern)


def test_the_metadatas_encoding_for_a_file_wins_over_corpus_encoding(tmp_path):
    """corpus.encoding = gb18030 for a folder of GB18030 files, one of which the metadata says is UTF-8: that one is
    read as UTF-8 (a mutation that let corpus.encoding win read it as GB18030 mojibake)."""
    texts = tmp_path / "texts"
    texts.mkdir()
    report_2015 = (GWR / "national_2015.txt").read_text(encoding="utf-8")
    report_2016 = (GWR / "national_2016.txt").read_text(encoding="utf-8")
    (texts / "gb.txt").write_bytes(report_2015.encode("gb18030"))
    (texts / "utf8.txt").write_bytes(report_2016.encode("utf-8"))
    meta = tmp_path / "m.csv"
    meta.write_text("file,date,encoding\ngb.txt,2015-03-05,\nutf8.txt,2016-03-05,utf-8\n", encoding="utf-8")
    corpus = load_corpus(texts, meta, encoding="gb18030")
    assert corpus.documents.set_index("path")["encoding"].to_dict() == {"gb.txt": "gb18030", "utf8.txt": "utf-8"}
    assert corpus.text("gb") == report_2015 and corpus.text("utf8") == report_2016


def test_a_file_changed_after_loading_is_refused_not_read_as_another_text(tmp_path):
    texts = _gwr_texts(tmp_path)
    meta = tmp_path / "m.csv"
    meta.write_text("file,date\n政府工作报告2015.txt,2015-03-05\n政府工作报告2016.txt,2016-03-05\n", encoding="utf-8")
    corpus = load_corpus(texts, meta)
    (texts / "政府工作报告2015.txt").write_text("政府工作报告（修改稿）", encoding="utf-8")
    with pytest.raises(ToolkitError, match="政府工作报告2015.txt changed while the run was reading it; run again"):
        corpus.text("政府工作报告2015")
    assert corpus.text("政府工作报告2016").startswith((GWR / "national_2016.txt").read_text(encoding="utf-8")[:20])


def test_a_symbolic_link_loop_given_as_a_table_is_named_as_such(tmp_path):
    from toolkit.text.corpus import regular_file

    (tmp_path / "元数据.csv").symlink_to(tmp_path / "元数据.csv")
    with pytest.raises(ToolkitError, match="metadata file .*元数据.csv is a symbolic link loop; fix it"):
        regular_file(tmp_path / "元数据.csv", "metadata file", "fix it")


def test_metadata_that_is_a_symbolic_link_loop_is_one_toolkit_error_from_load_corpus(tmp_path):
    """A mutation audit: load_corpus resolved the metadata path first, and Path.resolve raised RuntimeError on a
    loop of links before the loop could be named."""
    texts = _gwr_texts(tmp_path)
    (tmp_path / "元数据.csv").symlink_to(tmp_path / "元数据.csv")
    with pytest.raises(ToolkitError, match="metadata file .*元数据.csv is a symbolic link loop; fix corpus.metadata"):
        load_corpus(texts, tmp_path / "元数据.csv")


def test_hidden_files_and_folders_are_skipped_without_a_warning(small_corpus, caplog):
    """.DS_Store and .git are skipped as chosen, as the pattern's non-matches are: a run does not warn about them
    (a mutation that dropped 'hidden ' from the chosen reasons warned about both)."""
    (small_corpus / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    (small_corpus / ".git").mkdir()
    (small_corpus / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (small_corpus / "扫描件.txt").write_bytes(b"%PDF-1.4\n")  # a problem to fix: named
    docs = load_corpus(small_corpus, small_corpus / "metadata.csv").documents
    assert set(docs.loc[docs["reason"].str.startswith("hidden "), "path"]) == {".DS_Store", ".git/"}
    with caplog.at_level("WARNING", logger="toolkit"):
        warn_skipped(docs, counted="not analysed", run=True)
    assert "1 of 8 files skipped, not analysed: 扫描件.txt (binary file" in caplog.text, caplog.text
    assert ".DS_Store" not in caplog.text and ".git" not in caplog.text


def test_a_file_dated_from_its_text_outside_the_window_is_named(tmp_path, caplog):
    """001 left out of the metadata is dated from its text (2019-05-16) and skipped by year_min = 2020 as a choice:
    with no word but documents.csv's, although the docs promise that an unlisted file is analysed and named (a year
    the text cites can be taken for its own; a hostile pass). Named now, the reason saying where its year came from;
    a listed file outside the window stays a choice, not warned of."""
    texts = tmp_path / "seeds"
    shutil.copytree(SEEDS, texts)
    table = pd.read_csv(texts / "metadata.csv", dtype=str, keep_default_na=False)
    table[~table["file"].str.startswith("001_")].to_csv(texts / "metadata.csv", index=False)
    docs = load_corpus(texts, texts / "metadata.csv", year_min=2020).documents.set_index("path")
    assert docs.loc["001_a277e5c0c743763f.txt", "reason"] == (
        "year 2019 outside the window 2020-any (corpus.year_min, corpus.year_max); the year read from its text: list "
        "the file with its date"
    )
    with caplog.at_level("WARNING", logger="toolkit"):
        warn_skipped(docs.reset_index(), counted="not analysed")
    assert "files skipped, not analysed: 001_a277e5c0c743763f.txt (year 2019 outside the window" in caplog.text
    listed = docs[(docs["status"] == "skipped") & (docs.index != "001_a277e5c0c743763f.txt")]
    assert len(listed) and all(path not in caplog.text for path in listed.index)


@pytest.mark.parametrize("row", ["./.草稿/政府工作报告2016.txt", ".草稿\\政府工作报告2016.txt", ".草稿/政府工作报告2016.TXT"])
def test_a_row_written_otherwise_that_names_a_file_in_a_hidden_folder_says_so(tmp_path, row):
    """A row naming a file inside the hidden folder .草稿 as a Windows path, with ./ or in another case is told the
    folder is not searched, as the row written as the path is (a mutation that compared the raw names called the
    file missing)."""
    texts = _gwr_texts(tmp_path, years=(2015,))
    (texts / ".草稿").mkdir()
    shutil.copy(GWR / "national_2016.txt", texts / ".草稿" / "政府工作报告2016.txt")
    meta = tmp_path / "m.csv"
    meta.write_text(f"file,date\n政府工作报告2015.txt,2015-03-05\n{row},2016-03-05\n", encoding="utf-8")
    docs = load_corpus(texts, meta).documents.set_index("path")
    assert docs.loc[row, "reason"].startswith("listed in the metadata, but inside .草稿/, which is not searched"), docs.loc[
        row, "reason"
    ]


def test_a_file_that_a_row_fits_ambiguously_is_not_also_said_to_be_unlisted(tmp_path):
    """政府工作报告.txt in two folders and one row of that name: each file says the row fits two files, and not that
    the metadata does not list it (a mutation that added the note contradicted the reason)."""
    for year in (2017, 2018):
        (tmp_path / "texts" / str(year)).mkdir(parents=True)
        shutil.copy(GWR / f"national_{year}.txt", tmp_path / "texts" / str(year) / "政府工作报告.txt")
    shutil.copy(GWR / "national_2016.txt", tmp_path / "texts" / "national_2016.txt")
    meta = tmp_path / "m.csv"
    meta.write_text("file,date\n政府工作报告.txt,2018-03-05\n", encoding="utf-8")
    docs = load_corpus(tmp_path / "texts", meta, pattern="**/*.txt").documents.set_index("path")
    for year in (2017, 2018):
        row = docs.loc[f"{year}/政府工作报告.txt"]
        assert row["reason"].startswith("the metadata row '政府工作报告.txt' fits 2 files") and row["note"] == "", row
    assert docs.loc["national_2016.txt", "note"] == "not listed in the metadata"


def test_include_written_as_excel_writes_booleans_or_capitalised_is_read(small_corpus):
    """Excel writes a checkbox column as TRUE/FALSE; a user types Yes/No: each is read (a mutation that compared
    the case refused them all)."""
    import pandas as pd

    meta = small_corpus / "metadata.csv"
    table = pd.read_csv(meta, dtype=str, keep_default_na=False)
    table["include"] = ["TRUE", "FALSE", "Yes", "NO", "N"]
    table.to_csv(meta, index=False)
    docs = load_corpus(small_corpus, meta).documents.set_index("doc_id")
    assert docs["status"].tolist() == ["used", "skipped", "used", "skipped", "skipped"]
    assert set(docs.loc[docs["status"] == "skipped", "reason"]) == {"excluded in the metadata (include = no)"}
    # 1 and 0 with a blank, saved by pandas: 1.0 and 0.0 ("include must be yes or no": a hostile pass)
    table.assign(include=["1.0", "0.0", "", "1.0", "0.0"]).to_csv(meta, index=False)
    docs = load_corpus(small_corpus, meta).documents.set_index("doc_id")
    assert docs["status"].tolist() == ["used", "skipped", "used", "used", "skipped"]


def test_files_the_metadata_lists_but_the_pattern_does_not_take_are_named_with_what_to_do(small_corpus, caplog):
    """From a hostile pass of the input side: a report the metadata lists but saved as .docx or .pdf, or put in a
    subfolder, did not match corpus.pattern and was skipped as if asked (no warning; the run's years shrank without a
    word). It is a problem to fix now, named by the run with what to do; a file nobody listed that the pattern does
    not take (a note beside the texts), or one listed with include = no, stays a choice, not warned of."""
    import logging

    from toolkit.text.corpus import warn_skipped

    text = (SEEDS / "000_4635cf3c1d3ea286.txt").read_text(encoding="utf-8")
    (small_corpus / "r2019.docx").write_bytes(b"PK\x03\x04" + bytes(200))
    (small_corpus / "r2020.pdf").write_bytes(b"%PDF-1.7\n" + bytes(200))
    (small_corpus / "2021").mkdir()
    (small_corpus / "2021" / "r2021.txt").write_text(text, encoding="utf-8")
    (small_corpus / "r2022.text").write_text(text, encoding="utf-8")
    (small_corpus / "unlisted.docx").write_bytes(b"PK\x03\x04" + bytes(200))
    (small_corpus / "dropped.text").write_text(text, encoding="utf-8")
    meta = pd.read_csv(small_corpus / "metadata.csv", dtype=str, keep_default_na=False).assign(include="")
    rows = [(name, f"报告{year}", str(year), "") for name, year in [("r2019.docx", 2019), ("r2020.pdf", 2020)]]
    rows += [("2021/r2021.txt", "报告2021", "2021", ""), ("r2022.text", "报告2022", "2022", "")]
    rows += [("dropped.text", "不要", "2022", "no")]
    more = pd.DataFrame(rows, columns=["file", "title", "date", "include"])
    pd.concat([meta, more]).fillna("").to_csv(small_corpus / "metadata.csv", index=False)
    docs = load_corpus(small_corpus, small_corpus / "metadata.csv").documents.set_index("path")
    listed = "listed in the metadata, but corpus.pattern '*.txt' does not take it"
    assert docs.loc["r2019.docx", "reason"] == f"{listed}: a ZIP archive or Office document (.docx/.xlsx); save it as plain text"
    assert docs.loc["r2020.pdf", "reason"] == f"{listed}: a PDF document; extract its text first (e.g. pdftotext)"
    assert docs.loc["2021/r2021.txt", "reason"] == (
        f"{listed}: it is in a subfolder; set corpus.pattern = '**/*.txt' to read subfolders"
    )
    widen = "widen the pattern to take it (e.g. '*.text'), or set include = no in its row"
    assert docs.loc["r2022.text", "reason"] == f"{listed}; {widen}"
    for chosen in ("unlisted.docx", "dropped.text"):
        assert docs.loc[chosen, "reason"] == "does not match corpus.pattern '*.txt'", chosen
    with caplog.at_level(logging.WARNING, logger="toolkit"):
        warn_skipped(docs.reset_index(), counted="not analysed", run=True)
    said = " ".join(record.getMessage() for record in caplog.records)
    assert said.startswith("4 of ") and "r2019.docx" in said and "r2020.pdf" in said and "2021/r2021.txt" in said, said
    assert "dropped.text" not in said
    # a document nobody listed in a format the pattern leaves out is no skip, but said apart (a hostile pass later)
    skips = caplog.records[0].getMessage()
    assert "unlisted.docx" not in skips and "documents corpus.pattern leaves out (Word), not analysed: unlisted.docx" in said


def test_the_same_text_in_other_bytes_is_a_copy_like_one_of_the_same_bytes(small_corpus, caplog):
    """From a hostile pass of the input side: a report saved again (GBK, or UTF-8 with a byte-order mark and Windows
    line ends) beside its original was analysed twice, its year's weight doubled and its interval narrowed, and only
    flagged as a near duplicate (similarity 1.000). It is a copy, skipped as one of the same bytes is (the
    metadata's date differing from the original's named); a text that differs by a sentence is not."""
    import logging

    original = (SEEDS / "001_a277e5c0c743763f.txt").read_text(encoding="utf-8")
    _write(small_corpus, "resaved_gbk.txt", original.encode("gb18030"))
    _write(small_corpus, "resaved_bom.txt", codecs.BOM_UTF8 + original.replace("\n", "\r\n").encode("utf-8"))
    _write(small_corpus, "longer.txt", (original + "\n另附一段。").encode("utf-8"))
    with (small_corpus / "metadata.csv").open("a", encoding="utf-8") as meta:
        meta.write("resaved_gbk.txt,副本,2019-05-16,day,武汉市,x,simplified,\n")
        meta.write("resaved_bom.txt,副本,2018-01-01,day,武汉市,x,simplified,\n")
        meta.write("longer.txt,增补,2019-05-16,day,武汉市,x,simplified,\n")
    with caplog.at_level(logging.WARNING, logger="toolkit"):
        docs = load_corpus(small_corpus, small_corpus / "metadata.csv").documents.set_index("path")
    same = "duplicate of 001_a277e5c0c743763f.txt (the same text in other bytes: another encoding, byte-order mark or line ends)"
    assert docs.loc["resaved_gbk.txt", "reason"] == same
    assert docs.loc["resaved_bom.txt", "reason"] == (
        same + "; its metadata date 2018-01-01 differs from 001_a277e5c0c743763f.txt's 2019-05-16: check which is right"
    )
    assert "resaved_bom.txt (2018-01-01) copies 001_a277e5c0c743763f.txt (2019-05-16)" in caplog.text
    assert docs.loc["longer.txt", "status"] == docs.loc["001_a277e5c0c743763f.txt", "status"] == "used"


def test_a_copy_of_a_file_skipped_for_want_of_a_date_is_used_when_it_has_one(small_corpus):
    """From an adversarial review: the first of two copies (same bytes, or the same text in GB18030) had no date in
    the metadata and was skipped for it; the second, dated, was skipped as its duplicate: the document was lost. A
    file is the one its copies are copies of only once it has a date."""
    text = (SEEDS / "001_a277e5c0c743763f.txt").read_text(encoding="utf-8").replace("2019", "")  # no date in the text
    meta = pd.read_csv(small_corpus / "metadata.csv", dtype=str, keep_default_na=False)
    for first, second, data in (
        ("a_undated.txt", "b_dated.txt", text.encode("utf-8")),
        ("c_undated.txt", "d_dated_gbk.txt", None),
    ):
        other = text + "\n另一份文件。"  # the second pair: another text than the first's
        _write(small_corpus, first, other.encode("utf-8") if data is None else data)
        _write(small_corpus, second, other.encode("gb18030") if data is None else data)
        meta = pd.concat([meta, pd.DataFrame([{"file": first, "date": ""}, {"file": second, "date": "2019-03-05"}])])
    meta.fillna("").to_csv(small_corpus / "metadata.csv", index=False)
    docs = load_corpus(small_corpus, small_corpus / "metadata.csv").documents.set_index("path")
    for undated, dated in (("a_undated.txt", "b_dated.txt"), ("c_undated.txt", "d_dated_gbk.txt")):
        assert docs.loc[undated, "status"] == "skipped"  # for want of a date, or as the dated one's copy
        assert docs.loc[dated, "status"] == "used" and docs.loc[dated, "date"] == "2019-03-05", docs.loc[dated, "reason"]


# ----- a third mutation audit (the metadata side): each test fails on a mutant that passed every test -----------------


@pytest.mark.parametrize(
    "table",
    [
        "File;Date\n政府工作报告2015.txt;2015-03-05\n政府工作报告2016.txt;2016-03-05\n",  # a header in capitals
        "\n\nfile;date\n政府工作报告2015.txt;2015-03-05\n政府工作报告2016.txt;2016-03-05\n",  # blank lines above it
        "file\tdate\t\t\n政府工作报告2015.txt\t2015-03-05\t\t\n政府工作报告2016.txt\t2016-03-05\t\t\n",  # empty columns
    ],
)
def test_a_semicolon_or_tab_separated_table_is_read_whatever_its_header_looks_like(tmp_path, table):
    """A European Excel's table with File;Date, one with blank lines above its header, one with two empty columns
    at its right (Excel keeps cleared columns): each is read (mutations that compared the header's case, looked at
    its first line whether blank or not, or named both empty columns "unnamed" refused them)."""
    texts = _gwr_texts(tmp_path)
    meta = tmp_path / "m.csv"
    meta.write_text(table, encoding="utf-8")
    docs = load_corpus(texts, meta).documents
    assert docs["status"].tolist() == ["used", "used"] and docs["date"].tolist() == ["2015-03-05", "2016-03-05"]


def test_a_table_without_a_file_column_lists_the_columns_it_has(tmp_path):
    """The columns are read as comma-separated when no separator gives a file column: the error lists name, date
    (a mutation that fell back to ';' listed one column "name,date")."""
    texts = _gwr_texts(tmp_path)
    meta = tmp_path / "m.csv"
    meta.write_text("name,date\n政府工作报告2015.txt,2015-03-05\n", encoding="utf-8")
    with pytest.raises(ToolkitError, match=re.escape("has no 'file' column (it has: name, date); add one")):
        load_corpus(texts, meta)


@pytest.mark.parametrize("data", [b"", b" \r\n\n"])
def test_an_empty_metadata_file_is_said_to_be_empty(tmp_path, data):
    """An empty table (or one of blank lines) is "empty", with what to give (a mutation that decoded it first said
    "cannot read metadata ...: empty file; save it from the spreadsheet as a CSV")."""
    texts = _gwr_texts(tmp_path)
    meta = tmp_path / "m.csv"
    meta.write_bytes(data)
    with pytest.raises(ToolkitError, match="is empty; give a CSV with a header row and a 'file' column"):
        load_corpus(texts, meta)


def test_rows_written_otherwise_still_find_their_file(tmp_path):
    """A row ././a.txt, a row texts//r.txt (a doubled slash), a bare name in capitals for the one file of that
    name in a subfolder, a row through a text folder whose name has capitals: each finds its file (mutations that
    took one ./ off, kept the empty folder between //, looked for a bare name at the top only, or compared the text
    folder's name without folding its case found none)."""
    from toolkit.text.corpus import metadata_rows

    assert metadata_rows(["a.txt"], ["././a.txt"]) == ({"a.txt": "././a.txt"}, {}, set())
    assert metadata_rows(["r.txt"], ["texts//r.txt"], tmp_path / "data" / "texts")[0] == {"r.txt": "texts//r.txt"}
    assert metadata_rows(["2017/report.txt", "a.txt"], ["REPORT.TXT"])[0] == {"2017/report.txt": "REPORT.TXT"}
    assert metadata_rows(["r.txt"], ["Texts/r.txt"], tmp_path / "Texts")[0] == {"r.txt": "Texts/r.txt"}


def test_without_metadata_no_file_is_noted_as_not_listed(small_corpus):
    """The note "not listed in the metadata" is a note for a run that has a metadata table; without one no file has it (a
    mutation noted every file, and the run then warned that the metadata does not list them)."""
    docs = load_corpus(small_corpus).documents
    assert (docs["status"] == "used").sum() == 3  # 001, 003 and 004 state their date
    assert (docs["note"] == "").all(), docs[["path", "note"]]


def test_a_bare_name_of_a_file_in_a_subfolder_is_no_name_written_otherwise(tmp_path):
    """A row giving 政府工作报告2017.txt for 2017/政府工作报告2017.txt (the one file of that name) names it plainly:
    no note "written otherwise" (a mutation noted every row that was not the file's whole path)."""
    texts = _gwr_texts(tmp_path, years=(2016,))
    (texts / "2017").mkdir()
    shutil.copy(GWR / "national_2017.txt", texts / "2017" / "政府工作报告2017.txt")
    meta = tmp_path / "m.csv"
    meta.write_text("file,date\n政府工作报告2016.txt,2016-03-05\n政府工作报告2017.txt,2017-03-05\n", encoding="utf-8")
    docs = load_corpus(texts, meta, pattern="**/*.txt").documents.set_index("path")
    assert docs.loc["2017/政府工作报告2017.txt", ["status", "date", "note"]].tolist() == ["used", "2017-03-05", ""]


def test_a_listed_file_the_pattern_does_not_take_gets_advice_that_fits_it(small_corpus):
    """r2021.text in a subfolder is not read by **/*.txt either: the advice is to widen the pattern, not to read
    subfolders; a row whose include cell says neither yes nor no still listed its file (mutations: the advice named
    **/*.txt; an unreadable include made the skip a silent choice)."""
    text = (SEEDS / "000_4635cf3c1d3ea286.txt").read_text(encoding="utf-8")
    (small_corpus / "2021").mkdir()
    (small_corpus / "2021" / "r2021.text").write_text(text, encoding="utf-8")
    (small_corpus / "r2022.text").write_text(text + "\n附件。", encoding="utf-8")
    with (small_corpus / "metadata.csv").open("a", encoding="utf-8") as meta:
        meta.write("2021/r2021.text,报告2021,2021,year,武汉市,x,simplified,\n")
    table = pd.read_csv(small_corpus / "metadata.csv", dtype=str, keep_default_na=False)
    more = pd.DataFrame([{"file": "r2022.text", "date": "2022", "include": "待定"}])
    pd.concat([table.assign(include=""), more]).fillna("").to_csv(small_corpus / "metadata.csv", index=False)
    docs = load_corpus(small_corpus, small_corpus / "metadata.csv").documents.set_index("path")
    widen = (
        "listed in the metadata, but corpus.pattern '*.txt' does not take it; widen the pattern to take it "
        "(e.g. '*.text'), or set include = no in its row"
    )
    assert docs.loc["2021/r2021.text", "reason"] == widen
    assert docs.loc["r2022.text", "reason"] == widen


def test_a_table_with_a_year_column_alone(tmp_path):
    """A table of file and year: the year dates its file, and is no extra column (meta_year); a file with an empty
    year cell and no date in its text is told to fill the metadata's cell, not that the table has no date column (a
    mutation audit: the year column was carried as meta_year; the reason said "the metadata has no date column")."""
    texts = _gwr_texts(tmp_path)
    meta = tmp_path / "m.csv"
    meta.write_text("file,year\n政府工作报告2015.txt,\n政府工作报告2016.txt,2016\n", encoding="utf-8")
    corpus = load_corpus(texts, meta)
    docs = corpus.documents.set_index("path")
    assert docs.loc["政府工作报告2016.txt", ["status", "date", "year"]].tolist() == ["used", "2016", 2016]
    assert docs.loc["政府工作报告2015.txt", "reason"].startswith("no date in the metadata row or the text")
    assert corpus.metadata_columns == [] and "meta_year" not in docs.columns


def test_a_date_and_a_year_that_agree_give_the_date(tmp_path):
    """date 2015-03-05 and year 2015 agree: the document is dated 2015-03-05, the finer of the two (a mutation
    returned the year, dating it 2015)."""
    texts = _gwr_texts(tmp_path)
    meta = tmp_path / "m.csv"
    meta.write_text("file,date,year\n政府工作报告2015.txt,2015-03-05,2015\n政府工作报告2016.txt,2016-03,2016\n", encoding="utf-8")
    docs = load_corpus(texts, meta).documents
    assert docs["date"].tolist() == ["2015-03-05", "2016-03"] and docs["year"].tolist() == [2015, 2016]


def test_a_themes_share_columns_are_reserved_with_their_interval():
    """A metadata column innovation_high beside the theme innovation would take the place of its interval's upper
    bound in the tables: it is renamed as innovation and innovation_low are (a mutation reserved two of the three)."""
    from toolkit.text.corpus import reserved_columns

    assert {"innovation", "innovation_low", "innovation_high"} <= reserved_columns(["innovation"])


def test_include_in_every_chinese_form(small_corpus):
    """include = 包括 or 保留 keeps a file, 排除, 不 or 否 leaves it out (a mutation that forgot 排除 refused it as
    "include must be yes or no")."""
    meta = small_corpus / "metadata.csv"
    table = pd.read_csv(meta, dtype=str, keep_default_na=False)
    table["include"] = ["包括", "保留", "排除", "不", "否"]
    table.to_csv(meta, index=False)
    docs = load_corpus(small_corpus, meta).documents
    assert docs["status"].tolist() == ["used", "used", "skipped", "skipped", "skipped"]
    assert set(docs["reason"][2:]) == {"excluded in the metadata (include = no)"}


def test_a_copy_whose_year_or_unreadable_date_differs_from_its_twins_says_so(tmp_path):
    """Two exact copies of the 2015 report: one listed with the year 2016 alone, one with the date 2015-13-05, which
    does not read: each is named as a copy whose metadata date differs from the original's (mutations compared the
    date column only, or let a date that does not read agree)."""
    texts = _gwr_texts(tmp_path)
    for name in ("政府工作报告2015副本.txt", "政府工作报告2015副本2.txt"):
        shutil.copy(texts / "政府工作报告2015.txt", texts / name)
    meta = tmp_path / "m.csv"
    rows = ["政府工作报告2015.txt,2015-03-05,", "政府工作报告2015副本.txt,,2016", "政府工作报告2015副本2.txt,2015-13-05,"]
    meta.write_text("file,date,year\n" + "\n".join(rows + ["政府工作报告2016.txt,2016-03-05,"]) + "\n", encoding="utf-8")
    docs = load_corpus(texts, meta).documents.set_index("path")
    copy = "duplicate of 政府工作报告2015.txt (same bytes); its metadata date {} differs from 政府工作报告2015.txt's 2015-03-05"
    assert docs.loc["政府工作报告2015副本.txt", "reason"].startswith(copy.format("2016"))
    assert docs.loc["政府工作报告2015副本2.txt", "reason"].startswith(copy.format("2015-13-05"))


def test_dates_in_a_text_written_in_full_width_digits_or_traditional_script(tmp_path):
    """A text dated ２０２０－０９－１９ (full-width) is dated 2020-09-19; a text in traditional script with its
    publication date labelled 發布時間 is dated by that label, not by the meeting's date before it (mutations that
    searched the text without NFKC, or without converting it to simplified script)."""
    texts = tmp_path / "texts"
    texts.mkdir()
    (texts / "全角.txt").write_text("２０２０－０９－１９ 市政府召开常务会议,研究部署数字经济发展工作。", encoding="utf-8")
    (texts / "繁體.txt").write_text("大觀區黨政代表團於2020年9月15日赴長三角地區考察學習。發布時間:2020-09-19", encoding="utf-8")
    docs = load_corpus(texts).documents.set_index("path")
    assert docs.loc["全角.txt", ["status", "date", "date_source"]].tolist() == ["used", "2020-09-19", "text"]
    assert docs.loc["繁體.txt", ["status", "date", "date_source"]].tolist() == ["used", "2020-09-19", "text"]


def test_files_outside_the_year_window_are_skipped_without_a_warning(tmp_path, caplog):
    """The year window is a choice: the 2015 report outside corpus.year_min = 2016 is skipped with its reason in the
    table, and no warning names it (a mutation that dropped "year " from the chosen reasons warned)."""
    texts = _gwr_texts(tmp_path)
    meta = tmp_path / "m.csv"
    meta.write_text("file,date\n政府工作报告2015.txt,2015-03-05\n政府工作报告2016.txt,2016-03-05\n", encoding="utf-8")
    docs = load_corpus(texts, meta, year_min=2016).documents
    assert docs["reason"].tolist() == ["year 2015 outside the window 2016-any (corpus.year_min, corpus.year_max)", ""]
    with caplog.at_level("WARNING", logger="toolkit"):
        warn_skipped(docs, counted="not analysed", run=True)
    assert caplog.text == ""


def test_a_row_written_through_a_linked_text_folders_name_finds_its_file(tmp_path):
    """From a mutation audit: with corpus.texts a symbolic link (texts -> data_v2), a row written texts/r2015.txt
    named a missing file and the report was skipped as not listed (the folder's name was read from its target)."""
    data = tmp_path / "data_v2"
    data.mkdir()
    for year in (2015, 2016):
        shutil.copy(GWR / f"national_{year}.txt", data / f"r{year}.txt")
    (tmp_path / "texts").symlink_to("data_v2")
    meta = tmp_path / "m.csv"
    rows = ["file,date", "texts/r2015.txt,2015-03-05", "r2016.txt,2016-03-05", "data_v2/r2016.txt,2016-03-05"]
    meta.write_text("\n".join(rows) + "\n", encoding="utf-8")
    docs = load_corpus(tmp_path / "texts", meta).documents.set_index("path")
    assert docs.loc["r2015.txt", "status"] == "used" and docs.loc["r2015.txt", "date"] == "2015-03-05"
    assert docs.loc["r2016.txt", "status"] == "used"


def test_a_metadata_column_renamed_for_a_name_the_tables_use_is_said_when_it_is_read(small_corpus, caplog):
    """From a hostile pass on corpora of other shapes: a metadata column `period` (of eras) became meta_period without
    a word; trends.by = "period" then failed naming meta_period, the first the user heard of it."""
    meta = small_corpus / "metadata.csv"
    table = pd.read_csv(meta, dtype=str, keep_default_na=False).assign(period="改革开放", province="湖北")
    table.to_csv(meta, index=False)
    with caplog.at_level("WARNING", logger="toolkit"):
        documents = load_corpus(small_corpus, meta).documents
    assert "meta_period" in documents and "province" in documents
    assert "period -> meta_period" in caplog.text and "province ->" not in caplog.text


def test_invisible_characters_in_metadata_cells_are_taken_out_and_said(small_corpus, caplog):
    """From a hostile pass of the outputs: a title "RTL\\u202eexe.txt" reached report.html, the CSVs and the figures,
    drawn as "RTLtxt.exe"; a zero-width space after 武汉市 made a group of its own, as a trailing space did; a bell
    character reached every output. They are taken out, with a warning naming the columns; a line break stays."""
    meta = small_corpus / "metadata.csv"
    table = pd.read_csv(meta, dtype=str, keep_default_na=False)
    table.loc[0, "title"] = "RTL\u202eexe.txt"
    table.loc[1, "place"] = "武汉市\u200b"
    table.loc[2, "notes"] = "第一行\n第二\x07行"
    table.to_csv(meta, index=False)
    with caplog.at_level("WARNING", logger="toolkit"):
        documents = load_corpus(small_corpus, meta).documents
    assert documents["title"].iloc[0] == "RTLexe.txt" and documents["place"].iloc[1] == "武汉市"
    assert documents["notes"].iloc[2] == "第一行\n第二行"
    assert "3 cell(s) held control or invisible characters" in caplog.text and "title (1), place (1), notes (1)" in caplog.text
    # an adversarial review: a file named with one is found by its name as written; an emoji's joiners stay
    (small_corpus / "002_2c7342bd1836c4df.txt").rename(small_corpus / "002\u200b报告.txt")
    table.loc[2, "file"] = "002\u200b报告.txt"
    table.loc[3, "title"] = "报告 👨\u200d👩\u200d👧"
    table.to_csv(meta, index=False)
    documents = load_corpus(small_corpus, meta).documents
    assert documents["title"].iloc[3] == "报告 👨\u200d👩\u200d👧"
    named = documents[documents["path"] == "002\u200b报告.txt"]
    assert len(named) == 1 and named["status"].iloc[0] == "used" and named["title"].iloc[0] == table.loc[2, "title"]


def test_documents_in_formats_the_pattern_leaves_out_are_warned_of(small_corpus):
    """From a hostile pass of the preprocessing: report.pdf, report.docx and page2.htm beside the texts were left out
    by corpus.pattern (*.txt) with a line in documents.csv only, which `terms` and `kwic` do not write: "2 of 2
    documents" and nothing more. A document in a format the toolkit does not read is warned of; any other file the
    pattern leaves out (notes.md, a picture), nor one beside its text (report.docx by report.txt), is not."""
    (small_corpus / "report.pdf").write_bytes(b"%PDF-1.7\n")
    (small_corpus / "报告.docx").write_bytes(b"PK\x03\x04")
    (small_corpus / "page2.htm").write_text("<html><body>创新</body></html>", encoding="utf-8")
    (small_corpus / "notes.md").write_text("# 笔记", encoding="utf-8")
    (small_corpus / "photo.JPG").write_bytes(b"\xff\xd8\xff")
    (small_corpus / "~$report.docx").write_bytes(b"\x00" * 162)  # Word's lock file of an open document
    (small_corpus / "README.html").write_text("<p>how these files were collected</p>", encoding="utf-8")
    original = sorted(small_corpus.glob("*.txt"))[0]
    (small_corpus / original.with_suffix(".docx").name).write_bytes(b"PK\x03\x04")  # the Word file of a text used
    docs = load_corpus(small_corpus, small_corpus / "metadata.csv").documents
    with collected_warnings() as warnings:
        warn_skipped(docs, counted="not counted")
    warned = " ".join(warnings)
    assert "3 file(s) of the text folder are documents corpus.pattern leaves out (PDF, Word, web page), not counted" in warned
    assert "report.pdf" in warned and "报告.docx" in warned and "'*.html'" in warned
    assert "notes.md" not in warned and "photo.JPG" not in warned and original.stem not in warned
    assert "~$report.docx" not in warned and "README.html" not in warned


def test_a_metadata_column_renamed_for_a_themes_share_says_so(small_corpus, caplog):
    """A metadata column named as a theme (source, in a user's lexicon) becomes meta_source, and the warning said the
    toolkit's tables use the name without saying it was the theme's (a hostile pass of user lexicons)."""
    import pandas as pd

    from toolkit.text.corpus import load_corpus

    meta = small_corpus / "metadata.csv"
    table = pd.read_csv(meta, dtype=str, keep_default_na=False)
    table["ecology"], table["status"] = "x", "draft"
    table.to_csv(meta, index=False)
    with caplog.at_level("WARNING", logger="toolkit"):
        corpus = load_corpus(small_corpus, meta, themes=("ecology", "other"))
    assert {"meta_ecology", "meta_status"} <= set(corpus.metadata_columns)
    assert "ecology -> meta_ecology (a theme's share column of the lexicon)" in caplog.text
    assert "status -> meta_status (a theme" not in caplog.text


def test_a_file_whose_name_starts_with_a_space_is_described_by_its_row(tmp_path):
    """From a hostile pass of a new user's corpus: a file " lead.txt" listed as " lead.txt" was skipped as having no
    date ("add the file with a date to the metadata") and its row named as one of a missing file: the metadata's
    cells are read trimmed, the file's name was not. A row ending in a space a spreadsheet keeps describes its file
    too; of two files told apart by a space alone, the row describes the one it names as written."""
    texts = tmp_path / "texts"
    texts.mkdir()
    seeds = sorted(SEEDS.glob("*.txt"))
    for name, seed in zip((" lead.txt", "trail.txt", "lead.txt"), seeds):
        (texts / name).write_text(seed.read_text(encoding="utf-8"), encoding="utf-8")
    (texts / "lead.txt").rename(tmp_path / "later.txt")
    (tmp_path / "m.csv").write_text("file,date\n lead.txt,2016\ntrail.txt ,2017\n", encoding="utf-8")
    docs = load_corpus(texts, tmp_path / "m.csv").documents.set_index("path")
    assert docs.loc[" lead.txt", ["status", "year", "date_source"]].tolist() == ["used", 2016, "metadata"]
    assert docs.loc["trail.txt", ["status", "year", "date_source"]].tolist() == ["used", 2017, "metadata"]
    (tmp_path / "later.txt").rename(texts / "lead.txt")
    docs = load_corpus(texts, tmp_path / "m.csv").documents.set_index("path")
    assert docs.loc[" lead.txt", ["status", "year", "date_source"]].tolist() == ["used", 2016, "metadata"]
    assert docs.loc["lead.txt", "date_source"] != "metadata"  # the row names the other file, as written
    # a review of the fix: a row with a trailing space and a file of that name in a subfolder too (a backup) describes
    # the file of the top folder, as the name it gives does (it fitted both, and neither was used)
    (texts / "备份").mkdir()
    shutil.copy(texts / "trail.txt", texts / "备份" / "trail.txt")
    docs = load_corpus(texts, tmp_path / "m.csv", pattern="**/*.txt").documents.set_index("path")
    assert docs.loc["trail.txt", ["status", "year", "date_source"]].tolist() == ["used", 2017, "metadata"]
    assert "spaces" in docs.loc["trail.txt", "note"]
    (tmp_path / "twice.csv").write_text("file,date\ntrail.txt,2016\ntrail.txt ,2017\n", encoding="utf-8")
    with pytest.raises(ToolkitError, match=r"lists 'trail.txt' twice \(lines 2 and 3\)"):
        load_corpus(texts, tmp_path / "twice.csv")


def test_text_files_in_subfolders_the_pattern_leaves_out_are_named_with_what_to_set(tmp_path):
    """From a hostile pass of a new user's corpus: a corpus sorted into folders by year (texts/2016/b.txt) under the
    default pattern '*.txt' was read as its top folder's one file, the others said in documents.csv alone (terms said
    nothing at all). A text file the pattern takes by its name but not in its folder is named in a warning with the
    pattern that reads it; a file of another kind in a subfolder, or a run asked to read the top folder of text files
    only by a pattern with a folder, is not."""
    texts = tmp_path / "texts"
    (texts / "2016").mkdir(parents=True)
    (texts / "notes").mkdir()
    seeds = sorted(SEEDS.glob("*.txt"))
    shutil.copy(seeds[0], texts / "a.txt")
    shutil.copy(seeds[1], texts / "2016" / "b.txt")  # the two dated in their text
    shutil.copy(seeds[3], texts / "2016" / "c.txt")
    (texts / "notes" / "todo.md").write_text("校对", encoding="utf-8")
    (tmp_path / "m.csv").write_text("file,date\na.txt,2015\n", encoding="utf-8")
    documents = load_corpus(texts, tmp_path / "m.csv").documents.set_index("path")
    assert documents.loc["a.txt", "status"] == "used"
    assert (documents.loc[["2016/b.txt", "2016/c.txt"], "status"] == "skipped").all()
    assert documents.loc["2016/b.txt", "reason"] == (
        "does not match corpus.pattern '*.txt': it is in a subfolder; set corpus.pattern = '**/*.txt' to read subfolders"
    )
    assert documents.loc["notes/todo.md", "reason"] == "does not match corpus.pattern '*.txt'"
    with collected_warnings() as warnings:
        warn_skipped(documents.reset_index(), counted="not analysed")
    assert warnings == [
        "2 file(s) in subfolders of the text folder are left out, not analysed: 2016/b.txt, 2016/c.txt; "
        "set corpus.pattern = '**/*.txt' to read subfolders"
    ]
    # a review of the fix: a file left out with include = no, or a folder's read-me, is no file to read (the warning
    # said to set the pattern for them); a folder of PDFs whose texts are in a subfolder is said so in the error
    (tmp_path / "m2.csv").write_text("file,date,include\na.txt,2015,\n2016/b.txt,2016,no\n2016/c.txt,2020,no\n", encoding="utf-8")
    (texts / "notes" / "README.txt").write_text("说明", encoding="utf-8")
    documents = load_corpus(texts, tmp_path / "m2.csv").documents
    with collected_warnings() as warnings:
        warn_skipped(documents, counted="not analysed")
    assert not [w for w in warnings if "subfolders" in w], warnings
    (texts / "a.txt").unlink()
    for name in ("a.pdf", "b.pdf", "c.pdf"):
        (texts / name).write_bytes(b"%PDF-1.4 report")
    with pytest.raises(
        ToolkitError,
        match=r"none usable \(most common reason: .*\); 2 text file\(s\) in subfolders: set corpus.pattern = '\*\*/\*.txt'",
    ):
        load_corpus(texts)
    shutil.copy(seeds[0], texts / "a.txt")
    read = load_corpus(texts, tmp_path / "m.csv", pattern="**/*.txt").documents
    assert read.set_index("path").loc[["a.txt", "2016/b.txt", "2016/c.txt"], "status"].eq("used").all()
    only = load_corpus(texts, tmp_path / "m.csv", pattern="2016/*.txt").documents.set_index("path")
    assert only.loc["a.txt", "reason"] == (
        "listed in the metadata, but corpus.pattern '2016/*.txt' does not take it; widen the pattern to take it "
        "(e.g. '*.txt'), or set include = no in its row"
    )


def test_a_file_column_headed_otherwise_is_named_and_a_chinese_date_column_is_read(small_corpus, caplog):
    """From a hostile pass of a new user's corpus: a spreadsheet headed 文件名 was refused without the column named,
    and one headed 日期 (no date or year column) had its documents dated from their text; it was then only warned of.
    The one column headed as a date (a year) is read as the date (the year) now, and said; 时间, or two date columns,
    are named in the warning."""
    import logging

    meta = small_corpus / "metadata.csv"
    rows = pd.read_csv(meta, dtype=str)
    rows.rename(columns={"file": "文件名", "date": "日期"}).to_csv(meta, index=False)
    with pytest.raises(
        ToolkitError, match=r"no 'file' column \(it has: 文件名, title, 日期, .*\); rename its column '文件名' to file$"
    ):
        load_corpus(small_corpus, meta)
    # before a row's own error (a review: a row of too many cells was said first)
    meta.write_text("File Name,date\na.txt,2015,x\n", encoding="utf-8")
    with pytest.raises(
        ToolkitError, match=r"no 'file' column \(it has: file name, date\); rename its column 'file name' to file$"
    ):
        load_corpus(small_corpus, meta)

    # a table headed 日期 (年份) is dated by that column, which stays a column of the user's too (a hostile pass: its
    # documents were dated from their text); read as the date column is, a cell that is no date names the file
    def chinese(date: str) -> str:  # 2019-05-16 as 2019年5月16日, 2015 as 2015年
        parts = [int(p) for p in date.split("-")]
        return "".join(f"{p}{unit}" for p, unit in zip(parts, "年月日"))

    dated = rows.assign(date=rows["date"].map(chinese))
    truth = rows.set_index("file")["date"]
    for headers, source in (
        ({"date": "日期"}, "metadata"),
        ({"date": "发布日期"}, "metadata"),
        ({"date": "年份"}, "metadata"),
        ({"date": "时间"}, "text"),  # a time of day or a period as much as a date: named, not read
        ({"date": "年度"}, "text"),  # the year a report is of, which comes out the next: named, not read
    ):
        caplog.clear()
        dated.rename(columns=headers).to_csv(meta, index=False)
        with caplog.at_level(logging.INFO, logger="toolkit"):
            documents = load_corpus(small_corpus, meta).documents.set_index("path")
        heading = headers["date"]
        used = documents[documents["status"] == "used"]
        assert set(used["date_source"]) == {source}, heading
        assert list(used[heading]) == list(dated.set_index("file").loc[used.index, "date"]), heading  # kept as written
        if source == "metadata":
            assert f"its column '{heading}' is read as the documents' {'year' if heading == '年份' else 'date'}" in caplog.text
            assert "dated from their text" not in caplog.text
            assert list(used["date"]) == list(truth[used.index]), heading  # 2019年5月16日 read as 2019-05-16
            assert list(used["year"]) == [int(d[:4]) for d in truth[used.index]], heading
        else:
            assert f"dated from their text: rename its column '{heading}' to date" in caplog.text
    # two columns that could each be the date: neither is chosen, both are named
    caplog.clear()
    dated.rename(columns={"date": "成文日期"}).assign(发布日期=dated["date"]).to_csv(meta, index=False)
    with caplog.at_level(logging.WARNING, logger="toolkit"):
        documents = load_corpus(small_corpus, meta).documents
    assert "dated from their text: rename its column '成文日期' or '发布日期' to date (or year)" in caplog.text
    assert set(documents.loc[documents["status"] == "used", "date_source"]) == {"text"}
    # a date column beside a year column headed in Chinese (or 年度, a report's year, which its date is the year
    # after): the date is read, the year column stays the user's (a review: 发布日期 and 年度 were both read, and every
    # row whose years differ was refused)
    for year_column in ("年份", "年度"):
        caplog.clear()
        dated.rename(columns={"date": "发布日期"}).assign(**{year_column: "2030"}).to_csv(meta, index=False)
        with caplog.at_level(logging.WARNING, logger="toolkit"):
            documents = load_corpus(small_corpus, meta).documents.set_index("path")
        used = documents[documents["status"] == "used"]
        assert len(used) == len(rows) and list(used["date"]) == list(truth[used.index]), year_column
        assert set(used[year_column]) == {"2030"} and "dated from their text" not in caplog.text
    # a day's date column beside a year column: the year dates them, and the column it leaves is named
    caplog.clear()
    dated.rename(columns={"date": "日期"}).assign(year=truth.str[:4].to_numpy()).to_csv(meta, index=False)
    with caplog.at_level(logging.WARNING, logger="toolkit"):
        documents = load_corpus(small_corpus, meta).documents
    assert "dates its documents by its 'year' column: rename its column '日期' to date to date them by day" in caplog.text
    caplog.clear()
    rows.to_csv(meta, index=False)  # with its date column, a column of that name beside it is the user's own
    pd.read_csv(meta, dtype=str).assign(年份="二〇一五").to_csv(meta, index=False)
    with caplog.at_level(logging.WARNING, logger="toolkit"):
        assert set(load_corpus(small_corpus, meta).documents["date_source"]) == {"metadata"}
    assert "no 'date' or 'year' column" not in caplog.text


@pytest.mark.parametrize(
    "separator, ending, named",
    [(",", "\r\n", "sep=,"), (";", "\n", "sep=;"), (";", "\r\n", '"sep=;"'), (";", "\n", "SEP=;;;")],
)  # quoted, in capitals, with the empty cells another spreadsheet adds (a review)
def test_excels_line_naming_the_separator_is_no_header(small_corpus, separator, ending, named):
    """From a hostile pass of a new user's corpus: a CSV that starts with Excel's "sep=," line was refused as having
    no 'file' column (it has: sep=, ...). The line names the separator; the table starts below it, and the lines
    an error names are the file's own."""
    meta = small_corpus / "metadata.csv"
    rows = pd.read_csv(meta, dtype=str)
    table = rows.to_csv(index=False, sep=separator, lineterminator=ending)
    meta.write_bytes(f"{named}{ending}{table}".encode())
    documents = load_corpus(small_corpus, meta).documents
    assert (documents["status"] == "used").sum() == 5 and set(documents["date_source"]) == {"metadata"}
    lines = meta.read_bytes().decode("utf-8").split(ending)
    lines[3] += separator + "more"
    meta.write_bytes(ending.join(lines).encode("utf-8"))
    with pytest.raises(ToolkitError, match=f"metadata {re.escape(str(meta))} line 4 has 9 fields"):
        load_corpus(small_corpus, meta)
