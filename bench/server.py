"""The app served by gunicorn on a free loopback port, for the length of a ``with`` block."""
from __future__ import annotations

import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def process_memory_kb(pid: int) -> dict[str, int]:
    """VmHWM (peak resident set) and VmRSS of a process, in kB, from /proc/<pid>/status."""
    values = {}
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                name, _, rest = line.partition(":")
                if name in ("VmHWM", "VmRSS"):
                    values[name] = int(rest.split()[0])
    except OSError:
        pass
    return values


def child_pids(pid: int) -> list[int]:
    children = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            children.append(int(entry.name))
    return sorted(children)


class GunicornServer:
    """``with GunicornServer(url) as server: server.base_url``; gthread workers, keep-alive longer than idle."""

    def __init__(self, database_url: str, workers: int = 2, threads: int = 4, extra_env: dict | None = None):
        self.database_url = database_url
        self.workers, self.threads = workers, threads
        self.extra_env = extra_env or {}
        self.port = 0
        self.process: subprocess.Popen | None = None
        self._dir = tempfile.TemporaryDirectory(prefix="bro-bench-")
        self.log_path = Path(self._dir.name) / "gunicorn.log"

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> GunicornServer:
        self.port = free_port()
        env = {**os.environ, "DATABASE_URL": self.database_url, "SECRET_KEY": "bench-" + os.urandom(8).hex(),
               "BRO_SECURE_COOKIES": "0", "BRO_INSTANCE_PATH": str(Path(self._dir.name) / "instance"),
               "FLASK_DEBUG": "0", **self.extra_env}
        command = [sys.executable, "-m", "gunicorn", "--config", "python:bro.gunicorn_config", "--workers", str(self.workers), "--worker-class", "gthread",
                   "--threads", str(self.threads), "--bind", f"127.0.0.1:{self.port}", "--keep-alive", "30",
                   "--timeout", "300", "--graceful-timeout", "10",
                   *shlex.split(os.environ.get("BENCH_GUNICORN_ARGS", "")), "app:app"]
        self._log = open(self.log_path, "w")
        self.process = subprocess.Popen(command, cwd=REPO, env=env, stdout=self._log, stderr=subprocess.STDOUT,
                                        start_new_session=True)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited ({self.process.returncode}):\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(f"{self.base_url}/login", timeout=5) as response:
                    if response.status == 200 and len(self.worker_pids()) >= self.workers:
                        return self
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.2)
        self.__exit__(None, None, None)
        raise RuntimeError(f"gunicorn did not answer within 90 s:\n{self.log_tail()}")

    def __exit__(self, *exc) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if getattr(self, "_log", None):
            self._log.close()

    def worker_pids(self) -> list[int]:
        return child_pids(self.process.pid) if self.process else []

    def worker_memory_kb(self) -> dict[int, dict[str, int]]:
        return {pid: process_memory_kb(pid) for pid in self.worker_pids()}

    def reset_peak_memory(self) -> bool:
        """Reset the workers' VmHWM (write 5 to /proc/<pid>/clear_refs); False when not permitted."""
        done = True
        for pid in self.worker_pids():
            try:
                Path(f"/proc/{pid}/clear_refs").write_text("5")
            except OSError:
                done = False
        return done

    def exceptions(self) -> dict[str, int]:
        """The app's logged exceptions, by their final line (e.g. "...OperationalError: database is locked")."""
        counts: dict[str, int] = {}
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return counts
        lines = [line for line in text.splitlines() if line.strip()]
        for index, line in enumerate(lines):
            if not re.match(r"^[\w.]+(Error|Exception)\b.*:", line) or line.startswith("Traceback"):
                continue
            following = lines[index + 1] if index + 1 < len(lines) else ""
            if following.startswith(("The above exception", "During handling")):
                continue  # the cause of a chained exception: counted as the exception it caused
            key = re.sub(r"\[SQL:.*", "", line)[:160]
            counts[key] = counts.get(key, 0) + 1
        return counts

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""
