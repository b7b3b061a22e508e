"""The interactive pyLDAvis page: self-contained, numbered like our tables, and it renders offline."""

import json
import re
import shutil
import socket
import subprocess
import threading
from pathlib import Path

import pytest

import toolkit

from .conftest import ROOT

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
_BROWSER_SERVICES = re.compile(r"^(GET|POST|CONNECT) (http://)?[a-z0-9.-]*(google\.com|googleapis\.com|gvt1\.com)[:/]")


@pytest.fixture(scope="module")
def page(seeds_run) -> Path:
    return seeds_run.out_dir / "ldavis.html"  # the session's seed run (conftest.py): these tests only read it


def test_page_is_self_contained_and_numbered_like_topics_csv(page):
    html = page.read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)\s*=\s*["']https?://""", html)  # nothing fetched from a CDN
    assert "LDAvis = function" in html or "var LDAvis" in html  # the library is inline ...
    assert html.count("<script>") == 3 and "<script src" not in html  # ... and so is d3
    data = json.loads(re.search(r"var ldavis_data = (\{.*?\});\n", html, re.S).group(1))
    n_topics = toolkit.Config.load(ROOT / "configs" / "seeds.toml")["model"]["n_topics"]
    numbers = list(range(1, n_topics + 1))
    assert data["topic.order"] == numbers  # sort_topics=False: our order
    assert sorted(data["mdsDat"]["topics"]) == numbers
    import pandas as pd

    assert pd.read_csv(page.parent / "topics.csv")["topic"].tolist() == numbers
    assert f"keyATM: {n_topics} topics" in html
    assert "数字经济" in data["tinfo"]["Term"]


class _Recorder:
    """A TCP listener on loopback used as the browser's proxy: any network request would connect here."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.requests: list[str] = []
        self.stop = False
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.sock.getsockname()[1]}"

    def _serve(self):
        while not self.stop:
            try:
                conn, _ = self.sock.accept()
                conn.settimeout(1)
                try:
                    self.requests.append(conn.recv(4096).split(b"\r\n", 1)[0].decode("latin-1"))
                except OSError:
                    self.requests.append("?")
                conn.close()
            except OSError:
                continue

    def close(self):
        self.stop = True
        self.thread.join(timeout=2)
        self.sock.close()


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="needs Debian's chromium (make test installs it when it can)")
def test_page_renders_offline_in_headless_chromium(page, tmp_path):
    recorder = _Recorder()
    try:
        result = subprocess.run(
            [
                CHROMIUM,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                f"--user-data-dir={tmp_path / 'profile'}",
                f"--proxy-server=http://{recorder.address}",
                "--proxy-bypass-list=<-loopback>",
                "--enable-logging=stderr",
                "--v=0",
                "--virtual-time-budget=10000",
                "--dump-dom",
                page.as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        recorder.close()
    dom = result.stdout
    assert result.returncode == 0, result.stderr[-2000:]
    assert len(re.findall(r"<circle", dom)) >= 8, dom[:2000]  # one circle per topic (plus the legend's)
    console_errors = [
        line for line in result.stderr.splitlines() if "CONSOLE" in line and ("Error" in line or "Uncaught" in line)
    ]
    assert not console_errors, console_errors
    # Chromium itself still asks Google's services for the time, accounts and component updates (an empty page
    # does the same); everything else would have come from the page.
    page_requests = [r for r in recorder.requests if not _BROWSER_SERVICES.search(r)]
    assert page_requests == [], page_requests


_FONT_CHECK = """<script>
document.fonts.ready.then(async () => {
  const family = "Toolkit Noto Sans CJK SC";
  await document.fonts.load(`32px "${family}"`, "数经");
  const glyph = (font, ch) => {
    const canvas = document.createElement("canvas");
    canvas.width = canvas.height = 48;
    const context = canvas.getContext("2d");
    context.font = font;
    context.fillText(ch, 4, 40);
    return canvas.toDataURL();
  };
  // Two different characters drawn as two identical boxes means the font has no glyph for them.
  const result = {
    inlined: glyph(`32px "${family}"`, "数") !== glyph(`32px "${family}"`, "经"),
    system: glyph("32px sans-serif", "数") !== glyph("32px sans-serif", "经"),
    computed: getComputedStyle(document.querySelector("svg text") || document.body).fontFamily,
  };
  document.body.setAttribute("data-fontcheck", JSON.stringify(result));
});
</script>"""


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="needs Debian's chromium (make test installs it when it can)")
@pytest.mark.parametrize("name", ["ldavis.html", "report.html"])
def test_pages_draw_chinese_with_their_inlined_font(page, tmp_path, name):
    """On a machine without CJK fonts (this one has none: the control below draws boxes), the page's own
    font draws real glyphs, and the page's text uses it."""
    import html as html_module

    source = (page.parent / name).read_text(encoding="utf-8")
    checked = tmp_path / name
    checked.write_text(source.replace("</body>", _FONT_CHECK + "</body>"), encoding="utf-8")
    result = subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            f"--user-data-dir={tmp_path / 'p'}",
            "--virtual-time-budget=10000",
            "--dump-dom",
            checked.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    found = re.search(r'data-fontcheck="([^"]+)"', result.stdout)
    assert found, result.stderr[-2000:]
    check = json.loads(html_module.unescape(found.group(1)))
    assert check["inlined"], check
    assert "Toolkit Noto Sans CJK SC" in check["computed"], check
    if check["system"]:
        pytest.skip("this machine has a CJK system font, so the control cannot show boxes; the inlined font works")


def test_the_run_writes_the_page_itself_and_a_run_without_figures_starts_no_worker(tmp_path, monkeypatch):
    """The page is made in the run's own process, which has imported what pyLDAvis needs (a drawing worker would
    import it again): with the page and no figures, no worker process is started at all."""
    import joblib.externals.loky

    from .conftest import NO_FIGURES, SEEDS_CONFIG

    def no_workers(*args, **kwargs):
        raise AssertionError("a worker pool was started")

    monkeypatch.setattr(joblib.externals.loky, "ProcessPoolExecutor", no_workers)
    monkeypatch.setenv("TOOLKIT_CACHE_DIR", str(tmp_path / "cache"))
    result = toolkit.run(toolkit.Config.load(SEEDS_CONFIG, [*NO_FIGURES, "figures.ldavis=true"]), tmp_path / "out")
    html = (result.out_dir / "ldavis.html").read_text(encoding="utf-8")
    assert "new LDAvis(" in html and '"mdsDat"' in html
    assert not (result.out_dir / "figures").exists() or not any((result.out_dir / "figures").iterdir())
    assert result.manifest["timings_seconds"]["ldavis"] > 0


def test_the_page_of_a_model_of_one_topic_is_drawn():
    """A review: `toolkit run` with model.n_topics = 1 (LDA) ended in a traceback, pyLDAvis's PCoA failing an assert on
    one topic's distances; its one circle is drawn at the origin."""
    import numpy as np

    from toolkit.output.ldavis import ldavis_page

    page = ldavis_page(
        np.array([[3.0, 1.0, 1.0]]), np.array([5.0]), np.array([3.0, 1.0, 1.0]), ["创新", "发展", "生态"], "一个主题"
    )
    data = json.loads(re.search(r"var ldavis_data = (\{.*?\});\n", page, re.S).group(1))
    assert data["mdsDat"]["topics"] == [1] and data["mdsDat"]["x"] == [0.0] and data["mdsDat"]["y"] == [0.0]
    assert "创新" in data["tinfo"]["Term"]
