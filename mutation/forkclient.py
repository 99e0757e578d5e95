"""Client of forkserver.py: ``python forkclient.py SOCKET TIMEOUT pytest-args...``; exits with pytest's code.

If run.sh left ``linemap.json`` (see linemap.py), ``linemap-target.txt`` (the mutated module's path) and
``linemap-original.py`` (its unmutated text) in the working directory, a mutant that changes only lines run by
the body or function-scoped fixtures of some tests is tested with just those tests (a test that never runs the
mutated line cannot see the mutation); any other mutant, and the baseline, run the whole command.
"""

import json
import os
import socket
import sys


def _selected_tests(args):
    """The node ids that run the mutated lines, in file order, or None for the whole command."""
    try:
        with open("linemap-target.txt") as f:
            target = f.read().strip()
        with open("linemap-original.py") as f:
            original = f.read().splitlines()
        with open(target) as f:
            current = f.read().splitlines()
        with open("linemap.json") as f:
            linemap = json.load(f)
    except OSError:
        return None
    if len(original) != len(current):
        return None
    changed = [i + 1 for i, (a, b) in enumerate(zip(original, current, strict=True)) if a != b]
    shared = set(linemap["import"]) | set(linemap["setup"])
    if not changed or any(line in shared or str(line) not in linemap["call"] for line in changed):
        return None
    tests = set().union(*(linemap["call"][str(line)] for line in changed))
    return [nodeid for nodeid in linemap["order"] if nodeid in tests]


def _options(args):
    """``args`` without its test paths and --deselect options."""
    out, skip = [], False
    for arg in args:
        if skip:
            skip = False
        elif arg == "--deselect":
            skip = True
        elif not arg.startswith("tests/"):
            out.append(arg)
    return out


path, timeout, args = sys.argv[1], sys.argv[2], sys.argv[3:]
selected = _selected_tests(args)
if selected is not None:
    with open("linemap-selection.log", "a") as f:
        f.write(f"{len(selected)}\n")
    args = _options(args) + selected
client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
client.connect(path)
log = os.path.join(os.getcwd(), "last-test-run.log")
client.sendall((json.dumps({"cwd": os.getcwd(), "args": args, "timeout": timeout, "log": log}) + "\n").encode())
reply = client.makefile().readline().strip()
sys.exit(int(reply) if reply else 97)
