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
    assert [p.name for p in NOTEBOOKS] == ["01_quickstart.ipynb", "02_preprocessing.ipynb",
                                           "03_choosing_a_model.ipynb", "04_themes_2014_2021.ipynb",
                                           "05_places_and_evidence.ipynb"]
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


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_executes_cleanly(path):
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=TIME_LIMIT, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert not [o for o in outputs if o.output_type == "stream" and o.name == "stderr" and "Traceback" in o.text]
    if path.stem != "02_preprocessing":
        assert any("image/png" in o.get("data", {}) for o in outputs), "a figure should be shown"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _execute_over_websocket(port: int, token: str, kernel_id: str, code: str) -> list[dict]:
    """Send one execute_request on the server's kernel channel; return the iopub messages it caused."""
    from tornado.ioloop import IOLoop
    from tornado.websocket import websocket_connect

    async def run():
        ws = await websocket_connect(f"ws://127.0.0.1:{port}/api/kernels/{kernel_id}/channels?token={token}")
        msg_id = uuid.uuid4().hex
        ws.write_message(json.dumps({
            "header": {"msg_id": msg_id, "username": "test", "session": uuid.uuid4().hex,
                       "msg_type": "execute_request", "version": "5.3"},
            "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
            "content": {"code": code, "silent": False, "store_history": True, "user_expressions": {},
                        "allow_stdin": False, "stop_on_error": True}}))
        seen, done_shell, idle = [], False, False
        while not (done_shell and idle):
            raw = await ws.read_message()
            if raw is None:
                raise ConnectionError("kernel channel closed")
            message = json.loads(raw)
            if message.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            seen.append(message)
            done_shell |= message["msg_type"] == "execute_reply"
            idle |= message["msg_type"] == "status" and message["content"]["execution_state"] == "idle"
        ws.close()
        return seen

    return IOLoop.current().run_sync(run, timeout=TIME_LIMIT)


@pytest.mark.slow
def test_a_notebook_runs_through_a_jupyter_server_on_loopback(tmp_path):
    import urllib.request

    port, token = _free_port(), uuid.uuid4().hex
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"), "JUPYTER_CONFIG_DIR": str(tmp_path / "cfg")}
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyter_server", "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
         f"--IdentityProvider.token={token}", "--ServerApp.open_browser=False", "--allow-root",
         f"--ServerApp.root_dir={ROOT / 'notebooks'}"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}/api"
    headers = {"Authorization": f"token {token}"}

    def call(method, path, body=None):
        request = urllib.request.Request(base + path, method=method, headers=headers,
                                         data=json.dumps(body).encode() if body is not None else None)
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
