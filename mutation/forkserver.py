"""A fork server that makes each cosmic-ray mutant cost its test run, not a fresh Python start-up.

Importing PyMC, PyTensor, scikit-learn and ArviZ takes about 3 s, which would dominate every mutant of a module
whose tests run in 1-2 s. This server imports those third-party libraries once (never bayesreg), then for each
request forks a child that chdirs to the scratch copy, imports the (mutated) bayesreg from disk and runs
``pytest.main(args)``; the child's exit code goes back to the client (``forkclient.py``), which exits with it.

    python mutation/forkserver.py SOCKET        # started and stopped by run.sh

Bytecode writing is switched off, so a mutant of the same size written within the same second as the previous one
can never be served from a stale ``.pyc``.
"""

import json
import os
import signal
import socket
import sys
import time

sys.dont_write_bytecode = True
os.environ.setdefault("MPLBACKEND", "Agg")

import arviz  # noqa: E402,F401
import matplotlib  # noqa: E402,F401
import numpy  # noqa: E402,F401
import pandas  # noqa: E402,F401
import pymc  # noqa: E402,F401
import pytest  # noqa: E402
import scipy  # noqa: E402,F401
import sklearn.linear_model  # noqa: E402,F401


def _run_child(cwd, args, log):
    os.chdir(cwd)
    sys.path.insert(0, cwd)
    fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    # no shrinking of a failing hypothesis example: a mutant only needs to fail, not to fail minimally
    from hypothesis import Phase, settings

    settings.register_profile("mutation", phases=[Phase.explicit, Phase.reuse, Phase.generate])
    settings.load_profile("mutation")
    import bayesreg

    if not bayesreg.__file__.startswith(cwd):
        print("bayesreg imported from", bayesreg.__file__, "not from", cwd, flush=True)
        os._exit(99)
    rc = pytest.main(args)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(int(rc))


def main(path):
    if os.path.exists(path):
        os.unlink(path)
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    server.listen(1)
    print("forkserver ready", flush=True)
    while True:
        conn, _ = server.accept()
        with conn:
            request = json.loads(conn.makefile().readline())
            if request.get("stop"):
                return
            start = time.monotonic()
            pid = os.fork()
            if pid == 0:
                server.close()
                try:
                    _run_child(request["cwd"], request["args"], request["log"])
                finally:
                    os._exit(98)
            deadline = start + float(request.get("timeout", 120))
            status = None
            while status is None:
                done, st = os.waitpid(pid, os.WNOHANG)
                if done:
                    status = os.waitstatus_to_exitcode(st)
                elif time.monotonic() > deadline:
                    os.kill(pid, signal.SIGKILL)
                    os.waitpid(pid, 0)
                    status = 124
                else:
                    time.sleep(0.02)
            print(f"rc={status} {time.monotonic() - start:.1f}s", flush=True)
            conn.sendall(f"{status}\n".encode())


if __name__ == "__main__":
    main(sys.argv[1])
