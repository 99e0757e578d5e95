"""Client of forkserver.py: ``python forkclient.py SOCKET TIMEOUT pytest-args...``; exits with pytest's code."""

import json
import os
import socket
import sys

path, timeout, args = sys.argv[1], sys.argv[2], sys.argv[3:]
client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
client.connect(path)
log = os.path.join(os.getcwd(), "last-test-run.log")
client.sendall((json.dumps({"cwd": os.getcwd(), "args": args, "timeout": timeout, "log": log}) + "\n").encode())
reply = client.makefile().readline().strip()
sys.exit(int(reply) if reply else 97)
