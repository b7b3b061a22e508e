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
