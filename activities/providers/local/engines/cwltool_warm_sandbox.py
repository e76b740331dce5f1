"""
How a child of the warm cwltool server (cwltool-warm-server.py) becomes its client's peer inside
the client's sandbox before it reads anything of the run (docs/design.md, "The warm cwltool").

The client runs inside the run's sandbox (bubblewrap: mount, pid, net, ipc, uts and cgroup
namespaces, a user namespace too unless the worker is root, an unprivileged uid, a cgroup per run,
rlimits). The server, outside, has cwltool
loaded. Its child takes, from the kernel's view of the connecting process and never from what the
request says: the peer's cgroups, rlimits, groups, namespaces, root, uid and gid; then it drops
every capability and sets no_new_privs. So a hostile tool that connects to the socket from inside
a sandbox only gets another cwltool inside that same sandbox, with no more rights than it has.

The peer is pinned by the pidfd the kernel took at connect() (SO_PEERPIDFD, Linux 6.5): a pid read
from SO_PEERCRED could be reused by another run's process before it is looked at. Without it (an
older kernel) a sandboxed peer is refused and its run starts cold.
"""
import ctypes
import os
import resource
import signal
import socket
import struct

SO_PEERPIDFD = getattr(socket, "SO_PEERPIDFD", 77)
# The namespaces setns() takes from a pidfd (Linux 5.8), by their names in /proc/<pid>/ns.
NAMESPACES = {
    "user": 0x10000000,
    "mnt": 0x00020000,
    "pid": 0x20000000,
    "net": 0x40000000,
    "ipc": 0x08000000,
    "uts": 0x04000000,
    "cgroup": 0x02000000,
    "time": 0x00000080,
}
PR_CAPBSET_READ = 23
PR_CAPBSET_DROP = 24
PR_SET_NO_NEW_PRIVS = 38
PR_GET_NO_NEW_PRIVS = 39
PR_CAP_AMBIENT = 47
PR_CAP_AMBIENT_CLEAR_ALL = 4
LINUX_CAPABILITY_VERSION_3 = 0x20080522
# Every RLIMIT_ this Python knows, so that none of the sandbox's limits is left behind.
RLIMITS = [getattr(resource, name) for name in dir(resource) if name.startswith("RLIMIT_")]

libc = ctypes.CDLL(None, use_errno=True)


class Refused(Exception):
    """The peer is not one this server may serve: its run starts cold, and the reason is recorded."""


def check(result, what):
    if result != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"{what}: {os.strerror(errno)}")


class Peer:
    """The connecting process as the kernel sees it, read through a /proc dir pinned to it."""

    def __init__(self, conn):
        self.pid, self.uid, self.gid = struct.unpack("3i", conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i")))
        try:
            self.pidfd = struct.unpack("i", conn.getsockopt(socket.SOL_SOCKET, SO_PEERPIDFD, 4))[0]
        except OSError:
            self.pidfd = None
        self.proc = None

    def open(self):
        """/proc/<pid> of the peer itself: opened, then the pidfd shows the peer was alive throughout."""
        if self.pidfd is None:
            raise Refused("this kernel has no SO_PEERPIDFD (Linux 6.5): a sandboxed client is not served warm")
        self.proc = os.open(f"/proc/{self.pid}", os.O_RDONLY | os.O_DIRECTORY)
        self.ensure_alive()

    def ensure_alive(self):
        # While the peer lives its pid cannot be reused, so what /proc/<pid> showed was its own.
        try:
            signal.pidfd_send_signal(self.pidfd, 0)
        except ProcessLookupError:
            raise Refused("the client exited") from None

    def read(self, name):
        fd = os.open(name, os.O_RDONLY, dir_fd=self.proc)
        try:
            return os.read(fd, 65536).decode()
        finally:
            os.close(fd)

    def namespace(self, name):
        return os.stat(f"ns/{name}", dir_fd=self.proc).st_ino

    def status(self, field):
        for line in self.read("status").splitlines():
            key, _, value = line.partition(":")
            if key == field:
                return value.split()
        return []

    def close(self):
        for fd in (self.proc, self.pidfd):
            if fd is not None:
                os.close(fd)


def label(read):
    """A process's LSM label (AppArmor, SELinux); None where there is no LSM to give one."""
    try:
        return read("attr/current")
    except OSError:
        return None


def own_namespace(name):
    return os.stat(f"/proc/self/ns/{name}").st_ino


def is_sandboxed(peer):
    """
    In a mount namespace other than ours: a sandbox. bubblewrap makes one for every run, with a user
    namespace of its own when the worker is not root (the worker owns it, so may enter it), and
    without one as root (the run's user is then an unprivileged uid of the host's).
    """
    peer.open()
    return peer.namespace("mnt") != own_namespace("mnt")


def cgroup_mounts():
    """The cgroup file systems mounted here: (the options that name their controllers, root, mount point)."""
    mounts = []
    with open("/proc/self/mountinfo") as info:
        for line in info:
            left, _, right = line.partition(" - ")
            fields, (fstype, _source, options) = left.split(), right.split()[:3]
            if fstype in ("cgroup", "cgroup2"):
                mounts.append((fstype, set(options.split(",")), fields[3], fields[4]))
    return mounts


def cgroup_dir(mounts, controllers, path):
    """Where the cgroup `path` of the hierarchy of `controllers` ("" for v2) is, under a mount here."""
    for fstype, options, root, mount_point in mounts:
        if (fstype == "cgroup2") if not controllers else (fstype == "cgroup" and set(controllers.split(",")) <= options):
            relative = os.path.relpath(path, root)
            if not relative.startswith(".."):
                return os.path.join(mount_point, relative)
    raise Refused(f"the client's cgroup {controllers}:{path} is not mounted here")


def join_cgroups(peer):
    """Into each cgroup the peer is in where we are not: its memory, pids and cpu limits count us too."""
    ours = set(open("/proc/self/cgroup").read().splitlines())
    mounts = cgroup_mounts()
    for line in peer.read("cgroup").splitlines():
        if line in ours:
            continue
        _, controllers, path = line.split(":", 2)
        with open(os.path.join(cgroup_dir(mounts, controllers, path), "cgroup.procs"), "w") as procs:
            procs.write(str(os.getpid()))


def lower(a, b):
    """The stricter of two limits."""
    return b if a == resource.RLIM_INFINITY else a if b == resource.RLIM_INFINITY else min(a, b)


def peer_limits(peer):
    """{resource: (soft, hard)} from /proc/<pid>/limits: prlimit() on another process needs CAP_SYS_RESOURCE."""
    limits = {}
    # One line per resource in the kernel's order (RLIMIT_CPU is 0), in columns of 26, 21 and 21.
    for number, line in enumerate(peer.read("limits").splitlines()[1:]):
        soft, hard = (line[start : start + 21].strip() for start in (26, 47))
        limits[number] = tuple(resource.RLIM_INFINITY if value == "unlimited" else int(value) for value in (soft, hard))
    return limits


def copy_limits(peer):
    limits = peer_limits(peer)
    for limit in RLIMITS:
        soft, hard = limits[limit]
        try:
            resource.setrlimit(limit, (soft, hard))
        except (ValueError, OSError):
            # Ours are lower and cannot be raised: the lower of each is at least as strict.
            own_soft, own_hard = resource.getrlimit(limit)
            resource.setrlimit(limit, (lower(soft, own_soft), lower(hard, own_hard)))
    # Only ever raised (more likely to be killed): lowering it needs CAP_SYS_RESOURCE.
    adj = int(peer.read("oom_score_adj"))
    if adj > int(open("/proc/self/oom_score_adj").read()):
        with open("/proc/self/oom_score_adj", "w") as own:
            own.write(str(adj))


def inside_id(peer, which, outside):
    """The peer's uid or gid as its own user namespace sees it (uid_map / gid_map, read from outside)."""
    for line in peer.read(f"{which}_map").splitlines():
        inside, start, count = (int(x) for x in line.split())
        if start <= outside < start + count:
            return inside + outside - start
    raise Refused(f"the client's {which} {outside} is not mapped in its namespace")


def drop_privileges(uid, gid):
    """Down to the peer's ids, with no capability left and no way to gain one (execve of setuid files)."""
    cap = 0
    # The bounding set first: dropping from it needs CAP_SETPCAP, which we have until the capset below.
    while libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) == 0:
        cap += 1
    os.setresgid(gid, gid, gid)
    os.setresuid(uid, uid, uid)
    check(libc.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0), "clear ambient capabilities")
    header = (ctypes.c_uint32 * 2)(LINUX_CAPABILITY_VERSION_3, 0)
    data = (ctypes.c_uint32 * 6)()
    check(libc.capset(header, data), "capset")
    check(libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "no_new_privs")


def enter(peer):
    """
    This process (single-threaded, forked for the peer) becomes the peer's like inside its sandbox.
    Children forked after this are in the peer's pid namespace; this process itself is not.
    """
    seccomp = peer.status("Seccomp")
    if seccomp and seccomp[0] != "0":
        raise Refused("the client runs under a seccomp filter, which a warm child cannot copy")
    if label(peer.read) != label(lambda name: open(f"/proc/self/{name}").read()):
        raise Refused("the client's security label differs from the server's")
    groups = [int(g) for g in peer.status("Groups")]
    uid = inside_id(peer, "uid", int(peer.status("Uid")[0]))
    gid = inside_id(peer, "gid", int(peer.status("Gid")[0]))
    flags = sum(flag for name, flag in NAMESPACES.items() if peer.namespace(name) != own_namespace(name))
    root = os.open("root", os.O_RDONLY | os.O_DIRECTORY, dir_fd=peer.proc)
    try:
        join_cgroups(peer)
        copy_limits(peer)
        if sorted(groups) != sorted(os.getgroups()):
            # Only root may; a worker that is not root launched the client with its own groups.
            os.setgroups(groups)
        peer.ensure_alive()
        check(libc.setns(peer.pidfd, flags), "setns")
        # setns put us at the root of its mount namespace; the peer's own root may lie below it.
        os.fchdir(root)
        os.chroot(".")
        os.chdir("/")
    finally:
        os.close(root)
    peer.close()
    drop_privileges(uid, gid)


def verify_dropped():
    """Asked of the kernel before anything of the run is read: no capability in any set, no_new_privs."""
    header = (ctypes.c_uint32 * 2)(LINUX_CAPABILITY_VERSION_3, 0)
    data = (ctypes.c_uint32 * 6)()
    check(libc.capget(header, data), "capget")
    if any(data):
        raise Refused("a capability is left after dropping privileges")
    # The ambient set is within the permitted one, empty; the bounding set is asked cap by cap.
    cap = 0
    while (bounded := libc.prctl(PR_CAPBSET_READ, cap, 0, 0, 0)) >= 0:
        if bounded:
            raise Refused(f"capability {cap} is left in the bounding set")
        cap += 1
    if libc.prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1:
        raise Refused("no_new_privs is not set")
