"""The notebooks a reader can open: rendered copies matching the stored notebooks, and the README's JupyterLab command.

docs/notebooks/<stem>.html is notebooks/<stem>.ipynb executed at its full settings (bash scripts/render_notebooks.sh);
its meta tag holds the fingerprint of the notebook it was rendered from, so editing a notebook without re-rendering it
fails here. `bash scripts/run.sh notebooks` is started as the README gives it and must serve the notebooks on a kernel
that is the project's .venv.
"""

import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
from render_notebooks import FINGERPRINT_META, OUT, fingerprint, read_fingerprint  # noqa: E402

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
IDS = [p.stem for p in NOTEBOOKS]
README = (ROOT / "README.md").read_text()
PNG = 'src="data:image/png;base64,'


def _render_command(path: Path) -> str:
    return f"bash scripts/render_notebooks.sh {path.stem}"


def _html(path: Path) -> str:
    html = OUT / f"{path.stem}.html"
    assert html.exists(), f"{html.relative_to(ROOT)} is missing: run `{_render_command(path)}` and commit it"
    return html.read_text(encoding="utf-8")


def test_there_are_notebooks():
    assert NOTEBOOKS


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_rendered_copy_is_of_the_stored_notebook(path):
    stored = fingerprint(nbformat.read(path, as_version=4))
    rendered = read_fingerprint(_html(path))
    assert rendered is not None, f"docs/notebooks/{path.stem}.html has no {FINGERPRINT_META} meta tag"
    assert rendered == stored, (
        f"notebooks/{path.name} changed after docs/notebooks/{path.stem}.html was rendered: "
        f"run `{_render_command(path)}` (full settings, may take minutes) and commit the HTML"
    )


def test_every_rendered_copy_has_its_notebook():
    stems = {p.stem for p in NOTEBOOKS}
    orphans = [p.name for p in sorted(OUT.glob("*.html")) if p.stem not in stems]
    assert not orphans, f"rendered copies of notebooks that are gone (delete them): {orphans}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_rendered_copy_shows_the_outputs(path):
    html = _html(path)
    nb = nbformat.read(path, as_version=4)
    code = "\n".join(cell.source for cell in nb.cells if cell.cell_type == "code")
    assert "jp-OutputArea-output" in html, "no outputs: was it rendered without executing?"
    if re.search(r"\bplt\.|\bplot_|\.plot\(|\bbr\.plots\b|\bbayesreg\.viz\b", code):  # the notebook draws
        assert PNG in html, "a notebook that plots and no embedded PNG figure in its rendered copy"
    assert "Traceback (most recent call last)" not in html, "the rendered copy shows an error"
    assert "CellExecutionError" not in html
    # every markdown heading of the notebook is in the copy (the story is all there)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for heading in re.findall(r"^#+\s+(\w[\w ]{0,30})", cell.source, flags=re.M):
                assert heading.strip() in html


def test_fingerprint_is_of_the_sources_only():
    nb = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_markdown_cell("# A story"), nbformat.v4.new_code_cell("x = 1\nprint(x)")]
    )
    digest = fingerprint(nb)
    assert re.fullmatch(r"[0-9a-f]{64}", digest)
    executed = nbformat.from_dict(json.loads(json.dumps(nb)))
    executed.cells[1].outputs = [nbformat.v4.new_output("stream", name="stdout", text="1\n")]
    executed.cells[1].execution_count = 1
    executed.cells[1].metadata["tags"] = ["x"]
    executed.metadata["language_info"] = {"name": "python"}
    assert fingerprint(executed) == digest  # outputs, counts and metadata do not count
    for change in (
        lambda n: setattr(n.cells[1], "source", "x = 2\nprint(x)"),
        lambda n: setattr(n.cells[0], "source", "# Another story"),
        lambda n: n.cells.append(nbformat.v4.new_markdown_cell("More.")),
        lambda n: n.cells.reverse(),
        lambda n: setattr(n.cells[0], "cell_type", "raw"),
    ):
        edited = nbformat.from_dict(json.loads(json.dumps(nb)))
        change(edited)
        assert fingerprint(edited) != digest


def test_readme_gives_the_notebook_command_and_links_every_rendered_copy():
    section = README[README.index("## Notebooks") :].split("\n## ", 1)[0]
    assert "bash scripts/run.sh notebooks" in section
    assert "bash scripts/render_notebooks.sh" in section
    links = set(re.findall(r"\]\(([^)#]+)\)", section))
    missing = [f"docs/notebooks/{p.stem}.html" for p in NOTEBOOKS if f"docs/notebooks/{p.stem}.html" not in links]
    assert not missing, f"the README's Notebooks section does not link {missing}"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _request(url: str, token: str, method: str = "GET", body: dict | None = None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method, headers={"Authorization": f"token {token}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        raw = response.read()
        return response.status, (json.loads(raw) if raw and "json" in response.headers.get("Content-Type", "") else raw)


def _execute(ws, code: str, timeout: float = 180) -> str:
    """Run code on the kernel behind a websocket (Jupyter messaging protocol); return what it printed."""
    from websocket import WebSocketTimeoutException

    session, deadline = uuid.uuid4().hex, time.monotonic() + timeout

    def send(msg_type, content):
        msg_id = uuid.uuid4().hex
        header = {"msg_id": msg_id, "username": "test", "session": session, "msg_type": msg_type, "version": "5.3"}
        ws.send(json.dumps({"header": header, "parent_header": {}, "metadata": {}, "content": content,
                            "channel": "shell", "buffers": []}))  # fmt: skip
        return msg_id

    def replies(msg_id, wait):  # the kernel's messages answering msg_id, until `wait` seconds pass without one
        ws.settimeout(wait)
        while time.monotonic() < deadline:
            try:
                msg = json.loads(ws.recv())
            except WebSocketTimeoutException:
                return
            if msg.get("parent_header", {}).get("msg_id") == msg_id:
                yield msg

    ready = False
    while not ready:  # kernel_info until the kernel answers (it may still be starting)
        assert time.monotonic() < deadline, "the kernel did not answer kernel_info_request"
        ready = any(msg["msg_type"] == "kernel_info_reply" for msg in replies(send("kernel_info_request", {}), 10))
    run_id = send("execute_request", {"code": code, "silent": False, "store_history": False, "user_expressions": {},
                                      "allow_stdin": False, "stop_on_error": True})  # fmt: skip
    printed, status = [], None
    for msg in replies(run_id, timeout):
        if msg["msg_type"] == "stream":
            printed.append(msg["content"]["text"])
        elif msg["msg_type"] == "error":
            printed.append("\n".join(msg["content"]["traceback"]))
        elif msg["msg_type"] == "execute_reply":
            status = msg["content"]["status"]
            break
    assert status == "ok", f"the kernel's answer: {status}; printed: {''.join(printed)}"
    return "".join(printed)


@pytest.mark.slow
def test_readme_notebook_command_serves_the_notebooks_on_the_project_kernel(tmp_path):
    """`bash scripts/run.sh notebooks --no-browser --port P` starts JupyterLab on notebooks/ with .venv's kernel."""
    import websocket  # websocket-client: a dependency of jupyter_server, so of the notebooks extra

    port, token = _free_port(), secrets.token_hex(16)
    base = f"http://127.0.0.1:{port}"
    env = dict(os.environ)
    for name, value in {  # keep the server's state out of the user's home
        "JUPYTER_CONFIG_DIR": tmp_path / "config",
        "JUPYTER_RUNTIME_DIR": tmp_path / "runtime",
        "JUPYTERLAB_WORKSPACES_DIR": tmp_path / "workspaces",
        "JUPYTERLAB_SETTINGS_DIR": tmp_path / "settings",
        "IPYTHONDIR": tmp_path / "ipython",
    }.items():
        env[name] = str(value)
    command = ["bash", "scripts/run.sh", "notebooks", "--no-browser", f"--port={port}", "--ip=127.0.0.1",
               f"--IdentityProvider.token={token}"]  # fmt: skip
    log = open(tmp_path / "jupyter.log", "w+")  # noqa: SIM115 (closed below)
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)

    def output() -> str:
        log.flush()
        return (tmp_path / "jupyter.log").read_text()[-4000:]

    try:
        listed, deadline = None, time.monotonic() + 300  # env.sh may have to reinstall after a pyproject.toml change
        while listed is None:
            assert server.poll() is None, f"`{' '.join(command)}` exited ({server.returncode}):\n{output()}"
            assert time.monotonic() < deadline, f"JupyterLab did not answer on port {port}:\n{output()}"
            try:
                _, contents = _request(f"{base}/api/contents?content=1", token)
                listed = sorted(item["name"] for item in contents["content"] if item["name"].endswith(".ipynb"))
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.5)
        assert listed == [p.name for p in NOTEBOOKS]  # the server's root is notebooks/
        status, page = _request(f"{base}/lab", token)
        assert status == 200 and b"JupyterLab" in page  # JupyterLab itself, not only a Jupyter server
        _, specs = _request(f"{base}/api/kernelspecs", token)
        assert "python3" in specs["kernelspecs"]  # the notebooks' kernel

        # open a notebook as the browser does (a session with its kernel) and run code in it
        _, session = _request(
            f"{base}/api/sessions",
            token,
            "POST",
            {"path": NOTEBOOKS[0].name, "type": "notebook", "name": "", "kernel": {"name": "python3"}},
        )
        kernel_id = session["kernel"]["id"]
        ws = websocket.create_connection(
            f"ws://127.0.0.1:{port}/api/kernels/{kernel_id}/channels?token={token}", timeout=30
        )
        try:
            printed = _execute(ws, "import os, sys, bayesreg\nprint(sys.executable)\nprint(os.getcwd())")
        finally:
            ws.close()
        executable, cwd = printed.split()
        assert Path(executable).parent == ROOT / ".venv" / "bin", f"the kernel is {executable}, not .venv's python"
        assert Path(cwd).resolve() == (ROOT / "notebooks").resolve()
        _request(f"{base}/api/sessions/{session['id']}", token, "DELETE")
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)  # JupyterLab shuts its kernels down on SIGTERM
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()
        log.close()
