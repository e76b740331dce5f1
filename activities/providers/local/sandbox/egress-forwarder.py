"""
The way out of a sandbox that has egress (docs/design.md, "Egress of a sandboxed run"): listens
on 127.0.0.1:PORT of the sandbox's own network namespace and relays each TCP connection to the
worker's proxy, whose unix socket is bound in at SOCKET; then runs COMMAND (the engine).

    python3 -I -S egress-forwarder.py PORT SOCKET -- COMMAND...

It listens before the engine starts, so the engine's first connection finds it. It judges nothing:
the proxy does, outside. It ends with the sandbox (its pid namespace).
"""
import os
import socket
import sys
import threading
import time


def relay(source, target):
    """One direction, until its end (passed on as a half-close) or an error."""
    try:
        while True:
            data = source.recv(65536)
            if not data:
                break
            target.sendall(data)
    except OSError:
        pass
    try:
        target.shutdown(socket.SHUT_WR)
    except OSError:
        pass


def forward(client, path):
    upstream = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        upstream.connect(path)
    except OSError:
        # No proxy (a worker restarting): the client sees its connection closed.
        client.close()
        upstream.close()
        return
    back = threading.Thread(target=relay, args=(upstream, client), daemon=True)
    back.start()
    relay(client, upstream)
    back.join()
    client.close()
    upstream.close()


def serve(listener, path):
    while True:
        try:
            client, _ = listener.accept()
        except OSError:
            # Out of descriptors or threads for now: the run's own limits; it tries again.
            time.sleep(0.1)
            continue
        threading.Thread(target=forward, args=(client, path), daemon=True).start()


def main():
    port, path = int(sys.argv[1]), sys.argv[2]
    command = sys.argv[sys.argv.index("--") + 1 :]
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", port))
    listener.listen(128)
    # Forked twice: the forwarder's parent is then the sandbox's init, not the engine, whose
    # wait() for its own children it would otherwise hold up.
    if os.fork() == 0:
        if os.fork() == 0:
            null = os.open(os.devnull, os.O_RDWR)
            for fd in (0, 1, 2):
                os.dup2(null, fd)
            serve(listener, path)
        os._exit(0)
    os.wait()
    listener.close()
    os.execvp(command[0], command)


if __name__ == "__main__":
    main()
