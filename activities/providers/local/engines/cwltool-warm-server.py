"""
The warm cwltool of the local provider (cwltool-warm.ts): one per worker process and cwltool.

    python CWLTOOL_PYTHON cwltool-warm-server.py CWLTOOL_SCRIPT SOCKET IDLE_SECONDS [RUN_UID]

Loads cwltool and the CWL schemas once, then forks one child per run that connects to SOCKET
(cwltool-warm-client.py): the child starts a session of its own, takes the client's argv, cwd,
umask, environment and fds 0/1/2, runs cwltool's `main.run()` as the cwltool script would, and
sends back its exit code. A fresh cwltool spends most of its CPU importing itself and parsing the
metaschema; a child starts with both done.

Without RUN_UID runs are not sandboxed: only clients of the server's own uid are served, as they
are. With it, every run is in a sandbox of its own and only clients of that uid (as the host sees
it) are served: each child enters its client's sandbox before it reads the request
(cwltool_warm_sandbox.py), and forks the engine there.

Says `{"ready": ...}` (or `{"unsupported": reason}`, then exits 3) as one line on stdout. Exits
when its stdin closes (the worker is gone) or after IDLE_SECONDS without a run; children go on.
"""
import json
import os
import resource
import selectors
import signal
import socket
import struct
import sys
import threading
import time
import traceback

# Imported while sys.path[0] is still this script's directory (preload makes it cwltool's), with no
# __pycache__ left in the checkout.
sys.dont_write_bytecode = True
import cwltool_warm_sandbox as sandbox  # noqa: E402

# The versions whose internals this relies on (main.run, main.use_standard_schema,
# process.custom_schemas and SCHEMA_CACHE) were read: the releases of cwltool.ts.
KNOWN_VERSIONS = {"3.3.20260925135507", "3.1.20230209161050"}
PRELOADED_SCHEMAS = ("v1.0", "v1.1", "v1.2")
STARTED, REFUSED, EXITED = b"started", b"refused", b"exit"


def say(message):
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def preload(script):
    # As the cwltool script itself would run: its own directory first on sys.path.
    sys.path[0] = os.path.dirname(os.path.realpath(script))
    try:
        import cwltool.main
        import cwltool.process
    except ImportError as err:
        return None, f"cannot import cwltool: {err}"
    version = cwltool.main.versionstring().split()[-1]
    if version not in KNOWN_VERSIONS:
        return None, f"cwltool {version} is not a version the warm start knows"
    for name in PRELOADED_SCHEMAS:
        cwltool.process.get_schema(name)
    standard = cwltool.main.use_standard_schema

    # main() calls this for every version before each run, and it drops the parsed schema: the
    # cache is kept unless a custom schema (--enable-ext) has to be replaced by the standard one.
    def keep_standard_schema(name):
        if name in cwltool.process.custom_schemas:
            standard(name)

    cwltool.main.use_standard_schema = keep_standard_schema
    return cwltool.main, version


def recv_exactly(conn, size):
    data = b""
    while len(data) < size:
        chunk = conn.recv(size - len(data))
        if not chunk:
            raise EOFError("the client went away")
        data += chunk
    return data


def adopt(conn, script):
    """The client's request, its fds put in place of ours; refused unless it names our cwltool (`script`: its device and inode)."""
    header, fds, _flags, _addr = socket.recv_fds(conn, 4, 3)
    if len(header) < 4:
        header += recv_exactly(conn, 4 - len(header))
    request = json.loads(recv_exactly(conn, struct.unpack("!I", header)[0]))
    if len(fds) != 3:
        raise ValueError("expected fds 0, 1 and 2")
    for target, fd in enumerate(fds):
        os.dup2(fd, target)
        os.close(fd)
    os.chdir(request["cwd"])
    os.umask(request["umask"])
    os.environ.clear()
    os.environ.update(request["env"])
    time.tzset()
    # Computed once per process from TMPDIR and friends: from the client's, as a fresh process would.
    import shutil
    import tempfile

    tempfile.tempdir = None
    argv = request["argv"]
    # The path a shell's exec would have given the script, which cwltool prints as its name.
    argv[0] = shutil.which(argv[0]) or argv[0]
    # The file itself, not its path: a sandbox binds a venv at the path of a link to it.
    found = os.stat(argv[0])
    if (found.st_dev, found.st_ino) != script:
        raise ValueError(f"{argv[0]} is not the cwltool this server loaded")
    return argv


def exit_code_of(exit):
    """What the interpreter would exit with for this SystemExit."""
    if exit.code is None:
        return 0
    if isinstance(exit.code, int):
        return exit.code & 0xFF
    sys.stderr.write(f"{exit.code}\n")
    return 1


def watch_client(conn):
    """The client went away (a cancel killed its group): the engine and its tools go too."""
    try:
        while conn.recv(1024):
            pass
    except OSError:
        pass
    os.killpg(os.getpgrp(), signal.SIGKILL)


def into_sandbox(conn):
    """
    Enters the client's sandbox, then forks the engine in its pid namespace: the engine's pid there
    (what the client signals) and here (what the worker watches) are then told apart.
    """
    peer = sandbox.Peer(conn)
    peer.open()
    if not sandbox.is_sandboxed(peer):
        raise sandbox.Refused("the client is not in a sandbox of its own")
    sandbox.enter(peer)
    readable, writable = os.pipe()
    engine = os.fork()
    if engine:
        os.write(writable, b"%d" % engine)
        os._exit(0)
    os.close(writable)
    host_pid = int(os.read(readable, 32))
    os.close(readable)
    sandbox.verify_dropped()
    return host_pid


def close_other_fds(conn):
    """Nothing of the server's (its worker's pipes, the listener) is left to the run."""
    keep = conn.fileno()
    os.closerange(3, keep)
    os.closerange(keep + 1, resource.getrlimit(resource.RLIMIT_NOFILE)[1])


def child(conn, main, script, sandboxed):
    code = 1
    try:
        host_pid = into_sandbox(conn) if sandboxed else os.getpid()
        os.setsid()
        close_other_fds(conn)
        argv = adopt(conn, script)
        sys.argv = argv
        conn.sendall(b"%s %d %d\n" % (STARTED, os.getpid(), host_pid))
    except BaseException as err:
        # Nothing of the run has happened: the client runs cwltool cold instead, and says why.
        why = str(err) if isinstance(err, sandbox.Refused) else f"{type(err).__name__}: {err}"
        try:
            conn.sendall(b"%s %s\n" % (REFUSED, why.replace("\n", " ").encode()))
        except OSError:
            pass
        os._exit(70)
    threading.Thread(target=watch_client, args=(conn,), daemon=True).start()
    try:
        code = main.run()
        code = code if isinstance(code, int) else 0
    except SystemExit as exit:
        code = exit_code_of(exit)
    except BaseException:
        traceback.print_exc()
        code = 1
    try:
        import atexit

        atexit._run_exitfuncs()
        sys.stdout.flush()
        sys.stderr.flush()
    except BaseException:
        pass
    try:
        conn.sendall(b"%s %d\n" % (EXITED, code))
    except OSError:
        pass
    # Whatever the engine's tools left running ends with it, as it would at the run's cleanup.
    os.killpg(os.getpgrp(), signal.SIGKILL)
    os._exit(code)


def serve(listener, main, script, idle_seconds, run_uid):
    selector = selectors.DefaultSelector()
    selector.register(listener, selectors.EVENT_READ)
    selector.register(sys.stdin.fileno(), selectors.EVENT_READ)
    uid = os.getuid() if run_uid is None else run_uid
    while True:
        events = selector.select(timeout=idle_seconds)
        if not events:
            return "idle"
        for key, _ in events:
            if key.fileobj != listener:
                if not os.read(sys.stdin.fileno(), 4096):
                    return "stdin closed"
                continue
            conn, _ = listener.accept()
            peer_uid = struct.unpack("3i", conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i")))[1]
            if peer_uid != uid:
                conn.close()
                continue
            if os.fork() == 0:
                selector.close()
                listener.close()
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                child(conn, main, script, run_uid is not None)
            conn.close()


def main():
    script, path, idle_seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
    run_uid = int(sys.argv[4]) if len(sys.argv) > 4 else None
    if sys.version_info < (3, 9):
        say({"unsupported": "Python 3.9 or later is needed to pass fds"})
        sys.exit(3)
    cwltool_main, version = preload(script)
    if cwltool_main is None:
        say({"unsupported": version})
        sys.exit(3)
    # Children are reaped by the kernel: their exit codes travel over their connections.
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    # A server killed before it could unlink its socket leaves it behind, in a directory that is ours.
    if os.path.exists(path):
        os.unlink(path)
    listener.bind(path)
    if run_uid is not None:
        # The sandbox's uid connects from inside (its directory is the worker's to open to it).
        os.chmod(path, 0o666)
    listener.listen(64)
    say({"ready": True, "pid": os.getpid(), "version": version})
    try:
        found = os.stat(script)
        serve(listener, cwltool_main, (found.st_dev, found.st_ino), idle_seconds, run_uid)
    finally:
        os.unlink(path)


if __name__ == "__main__":
    main()
