"""
Stands where cwltool would in a local run's command (cwltool-warm.ts), run as `python -I -S`:

    cwltool-warm-client.py RECORD SOCKET -- CWLTOOL ARGS...

Hands its argv, cwd, umask, environment and fds 0/1/2 to the warm server at SOCKET
(cwltool-warm-server.py), passes on the signals a cancel sends, and exits with the engine's exit
code. Without a server that takes the run, it becomes the real cwltool (exec). RECORD says which
happened: `warm pid=<engine pid>` or `cold: <why>`. In a sandbox the client runs inside it, and so
does the engine the server forks for it: the engine's pid differs there (what the client signals)
from the host's (what RECORD says, for the worker).
"""
import json
import os
import signal
import socket
import struct
import sys

FORWARDED = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)
# What the shell reports for an engine that was killed (128 + SIGKILL): its exit code never came.
KILLED = 137


def record(path, line):
    """
    Best effort: a record that cannot be written must not stop the run. Written in place: in a
    sandbox the file is bound in alone, so a temporary file beside it could not be renamed over it.
    """
    try:
        with open(path, "w") as out:
            out.write(line + "\n")
    except OSError:
        pass


def cold(record_path, argv, why):
    record(record_path, f"cold: {why}")
    # Python ignores these for itself; the engine gets them as the shell would have left them.
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    signal.signal(signal.SIGXFSZ, signal.SIG_DFL)
    os.execvp(argv[0], argv)


def lines(conn):
    buffer = b""
    while True:
        chunk = conn.recv(4096)
        if not chunk:
            return
        buffer += chunk
        while b"\n" in buffer:
            line, buffer = buffer.split(b"\n", 1)
            yield line.decode()


def main():
    record_path, path, separator, *argv = sys.argv[1:]
    if separator != "--" or not argv:
        sys.exit("usage: cwltool-warm-client.py RECORD SOCKET -- CWLTOOL ARGS...")
    umask = os.umask(0)
    os.umask(umask)
    request = json.dumps({"argv": argv, "cwd": os.getcwd(), "umask": umask, "env": dict(os.environ)}).encode()
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        conn.connect(path)
        socket.send_fds(conn, [struct.pack("!I", len(request))], [0, 1, 2])
        conn.sendall(request)
        replies = lines(conn)
        started = next(replies, "")
    except OSError as err:
        cold(record_path, argv, f"no warm server at {path}: {err.strerror}")
    if started.startswith("refused "):
        cold(record_path, argv, f"the warm server refused the run: {started[len('refused '):]}")
    if not started.startswith("started "):
        cold(record_path, argv, "the warm server did not take the run")
    pid, host_pid = (int(word) for word in started.split()[1:3])

    def forward(signum, _frame):
        try:
            os.killpg(pid, signum)
        except ProcessLookupError:
            pass

    for signum in FORWARDED:
        signal.signal(signum, forward)
    record(record_path, f"warm pid={host_pid}")
    for line in replies:
        if line.startswith("exit "):
            sys.exit(int(line.split()[1]))
    sys.exit(KILLED)


if __name__ == "__main__":
    main()
