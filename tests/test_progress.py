import io

from toolkit.progress import Progress


class _Terminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_shows_rate_and_time_left_on_a_terminal():
    stream = _Terminal()
    progress = Progress(4, "segment", "documents", stream=stream, every=0)
    for _ in range(4):
        progress.advance()
    progress.close()
    text = stream.getvalue()
    assert "segment: 4/4 documents" in text and "/s" in text and "s left" in text and text.endswith("\n")


def test_progress_is_silent_in_logs():
    stream = io.StringIO()  # not a terminal, as in CI
    progress = Progress(3, "sweep", "runs", stream=stream, every=0)
    progress.advance(3)
    progress.close()
    assert stream.getvalue() == ""


def test_a_warning_that_names_a_path_not_of_utf8_is_kept_as_its_escape(tmp_path, monkeypatch):
    """$TOOLKIT_CACHE_DIR at a file whose name holds the byte 0xff: the cache's warnings named it (a lone surrogate,
    as Python decodes file names) and the run ended in a traceback writing manifest.json, and report.html's font
    of its text. The warning is kept with the byte as its escape."""
    import json
    import logging

    from toolkit.output.tables import write_json
    from toolkit.progress import collected_warnings

    path = "/home/用户/f" + "\udcff"
    # not on to pytest's capture of the log: pytest-xdist's workers cannot send a surrogate to the controller
    monkeypatch.setattr(logging.getLogger("toolkit"), "propagate", False)
    with collected_warnings() as warned:
        logging.getLogger("toolkit").warning("cannot write the token cache (%s: Not a directory)", path)
    assert warned == ["cannot write the token cache (/home/用户/f\\udcff: Not a directory)"]
    write_json(tmp_path / "manifest.json", {"warnings": warned})
    assert json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))["warnings"] == warned
