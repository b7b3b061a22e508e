"""The notebooks run as shipped: executed here with a time limit, and once through a real Jupyter server."""

import ast
import json
import os
import re
import socket
import subprocess
import sys
import time
import uuid

import nbformat
import pytest

import toolkit

from .conftest import ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
TIME_LIMIT = 300  # seconds per cell


def test_the_notebooks_are_committed_without_outputs():
    assert [p.name for p in NOTEBOOKS] == [
        "01_quickstart.ipynb",
        "02_preprocessing.ipynb",
        "03_choosing_a_model.ipynb",
        "04_themes_2014_2021.ipynb",
        "05_places_and_evidence.ipynb",
        "06_your_own_corpus.ipynb",
    ]
    for path in NOTEBOOKS:
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type == "code":
                assert cell.outputs == [] and cell.execution_count is None, path.name


def test_notebooks_use_the_public_api_only():
    for path in NOTEBOOKS:
        code = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code")
        ast.parse("\n".join(line for line in code.splitlines() if not line.startswith("%")))
        used = set(re.findall(r"\btoolkit\.(\w+)", code))
        assert used <= set(toolkit.__all__), (path.name, used - set(toolkit.__all__))
        assert not re.search(r"from toolkit\.|import toolkit\.", code), path.name


OWN_CORPUS = ROOT / "notebooks" / "06_your_own_corpus.ipynb"


def _execute(path):
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=TIME_LIMIT, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    return [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]


@pytest.mark.slow
@pytest.mark.parametrize("path", [p for p in NOTEBOOKS if p != OWN_CORPUS], ids=lambda p: p.stem)
def test_notebook_executes_cleanly(path):
    outputs = _execute(path)
    assert not [o for o in outputs if o.output_type == "error"]
    assert not [o for o in outputs if o.output_type == "stream" and o.name == "stderr" and "Traceback" in o.text]
    if path.stem != "02_preprocessing":
        assert any("image/png" in o.get("data", {}) for o in outputs), "a figure should be shown"


@pytest.mark.slow
def test_the_own_corpus_notebook_runs_on_a_corpus_it_has_never_seen(tmp_path, monkeypatch):
    """Notebook 06 on a corpus built here: three State Council reports and three seed documents, and a
    spreadsheet with Chinese headers saved by Excel (UTF-8 with a byte-order mark)."""
    import shutil

    import pandas as pd

    from .conftest import GWR, SEEDS

    corpus = tmp_path / "study"
    (corpus / "texts").mkdir(parents=True)
    seeds = pd.read_csv(SEEDS / "metadata.csv").head(3)
    rows = []
    for seed in seeds.itertuples():
        shutil.copy(SEEDS / seed.file, corpus / "texts" / seed.file)
        rows.append({"文件": seed.file, "标题": seed.title, "日期": seed.date, "地区": seed.place, "级别": "地方"})
    for year in (2016, 2017, 2018):
        shutil.copy(GWR / f"national_{year}.txt", corpus / "texts" / f"national_{year}.txt")
        rows.append(
            {"文件": f"national_{year}.txt", "标题": f"{year}年政府工作报告", "日期": str(year), "地区": "全国", "级别": "中央"}
        )
    pd.DataFrame(rows).to_csv(corpus / "spreadsheet.csv", index=False, encoding="utf-8-sig")
    monkeypatch.setenv("TOOLKIT_MY_CORPUS", str(corpus))
    outputs = _execute(OWN_CORPUS)
    assert not [o for o in outputs if o.output_type == "error"]
    assert any("image/png" in o.get("data", {}) for o in outputs)
    documents = pd.read_csv(corpus / "run" / "documents.csv")
    assert sorted(documents["level"]) == ["中央"] * 3 + ["地方"] * 3 and (documents["status"] == "used").all()
    assert (corpus / "coding" / "scores.md").is_file() and (corpus / "run" / "themes.csv").is_file()
    printed = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert "agreement" in printed.lower()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _execute_over_websocket(port: int, token: str, kernel_id: str, code: str) -> list[dict]:
    """Send one execute_request on the server's kernel channel; return the messages it caused, up to its reply
    and the kernel's return to idle."""
    # A client of our own: jupyter_server's GatewayKernelClient opens this websocket without the server's token.
    import websocket
    from jupyter_client.jsonutil import json_default
    from jupyter_client.session import Session

    request = Session().msg("execute_request", {"code": code})
    url = f"ws://127.0.0.1:{port}/api/kernels/{kernel_id}/channels?token={token}"
    channel = websocket.create_connection(url, timeout=TIME_LIMIT)
    try:
        channel.send(json.dumps({**request, "channel": "shell"}, default=json_default))
        seen, done = [], set()
        while not {"execute_reply", "idle"} <= done:
            message = json.loads(channel.recv())
            if message["parent_header"].get("msg_id") == request["msg_id"]:
                seen.append(message)
                done.add(message["content"].get("execution_state", message["msg_type"]))
        return seen
    finally:
        channel.close()


@pytest.mark.slow
def test_a_notebook_runs_through_a_jupyter_server_on_loopback(tmp_path):
    import urllib.request

    port, token = _free_port(), uuid.uuid4().hex
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"), "JUPYTER_CONFIG_DIR": str(tmp_path / "cfg")}
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyter_server",
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={port}",
            f"--IdentityProvider.token={token}",
            "--ServerApp.open_browser=False",
            "--allow-root",
            f"--ServerApp.root_dir={ROOT / 'notebooks'}",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}/api"
    headers = {"Authorization": f"token {token}"}

    def call(method, path, body=None):
        request = urllib.request.Request(
            base + path, method=method, headers=headers, data=json.dumps(body).encode() if body is not None else None
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            text = response.read()
            return json.loads(text) if text else None

    try:
        for _ in range(100):
            try:
                call("GET", "/status")
                break
            except OSError:
                time.sleep(0.2)
        kernel = call("POST", "/kernels", {"name": "python3", "path": ""})
        nb = nbformat.read(ROOT / "notebooks" / "02_preprocessing.ipynb", as_version=4)
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            messages = _execute_over_websocket(port, token, kernel["id"], cell.source)
            reply = next(m for m in messages if m["msg_type"] == "execute_reply")
            assert reply["content"]["status"] == "ok", [m["content"] for m in messages if m["msg_type"] == "error"]
        outputs = "".join(m["content"].get("text", "") for m in messages if m["msg_type"] == "stream")
        assert "热带雨林式" in outputs and "发布会" not in outputs  # the last cell's printed tokens
        call("DELETE", f"/kernels/{kernel['id']}")
    finally:
        server.terminate()
        server.wait(timeout=30)
