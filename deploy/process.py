"""One service as a child process in a session of its own, its output copied to a log file.

Its own session (process group) means a Ctrl-C in the terminal reaches only the orchestrator,
and a signal to the group also reaches uvicorn's worker processes.
"""

import contextlib
import os
import signal
import socket
import subprocess
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import IO


class ServiceProcess:
    def __init__(
        self,
        name: str,
        argv: list[str],
        *,
        cwd: Path,
        env: Mapping[str, str],
        log_path: Path,
        echo: bool,
    ) -> None:
        self.name = name
        self.log_path = log_path
        log = log_path.open("ab")
        self._process = subprocess.Popen(
            argv,
            cwd=cwd,
            env=dict(env),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE if echo else log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self._pump: threading.Thread | None = None
        if echo:
            self._pump = threading.Thread(
                target=_pump, args=(name, self._process.stdout, log), daemon=True
            )
            self._pump.start()
        else:
            log.close()

    @property
    def pid(self) -> int:
        return self._process.pid

    def exit_code(self) -> int | None:
        return self._process.poll()

    def signal_group(self, sig: int) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self._process.pid, sig)

    def kill(self, timeout: float) -> None:
        self.signal_group(signal.SIGKILL)
        self._process.wait(timeout)
        self._finish()

    def stop(self, timeout: float) -> None:
        """SIGTERM, then SIGKILL to the whole group if it has not exited within `timeout`."""
        if self._process.poll() is None:
            self._process.send_signal(signal.SIGTERM)
            try:
                self._process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.signal_group(signal.SIGKILL)
                self._process.wait(timeout)
        self._finish()

    def _finish(self) -> None:
        # uvicorn's workers may outlive a master that died; nothing of the group may linger.
        self.signal_group(signal.SIGKILL)
        if self._pump is not None:
            self._pump.join(timeout=5)


def port_taken(host: str, port: int) -> str | None:
    """Why (host, port) cannot be listened on, or None when it can."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            return exc.strerror or str(exc)
    return None


def _pump(name: str, stream: IO[bytes] | None, log: IO[bytes]) -> None:
    """Copies a child's output to its log and, prefixed, to the console while there is one."""
    if stream is None:
        return
    echo = True
    with log, stream:
        for line in stream:
            log.write(line)
            log.flush()
            if echo:
                try:
                    print(f"{name:<8} | {line.decode(errors='replace').rstrip()}", flush=True)
                except OSError:
                    echo = False
