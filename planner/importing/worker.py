"""The worker process that runs the parsing libraries, and the parent's side of it.

A hostile file can make calamine abort its process (a Rust allocation failure is SIGABRT,
not an exception) or make any reader balloon. So parsing happens in a child process (the
same interpreter running `planner.importing.worker.main`) with an address-space limit
(RLIMIT_AS), no core dumps and no network, and a wall-clock limit enforced by the parent.
A plain subprocess is used rather than multiprocessing: "spawn" re-imports the caller's
main script (the whole Qt application) in every child. Frozen builds run the
application's own executable with WORKER_FLAG; their entry point must call
`run_worker_if_requested()` first.

Messages are length-prefixed pickles on the child's stdin/stdout. Rows come back in
chunks, so the parent cleans one chunk while the child pickles the next.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import queue
import signal
import struct
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from planner.importing.model import ReadCancelledError, ReadError

if TYPE_CHECKING:
    from collections.abc import Callable

    from planner.importing.model import Category, Limits

WORKER_FLAG = "--planner-reader-worker"
# Test-only fault injection: "abort" makes the worker call os.abort() before reading,
# "hang" makes it sleep. Tests set it with monkeypatch; it travels with each job.
TEST_FAULT: str | None = None
_CHUNK_CELLS = 60_000
_POLL_SECONDS = 0.05
_FRAME = struct.Struct("<Q")
_MEMORY_WORDS = ("memory allocation", "memoryerror", "out of memory", "cannot allocate")
_EOF = ("eof",)
_KILLED = -getattr(signal, "SIGKILL", 9)


@dataclass(frozen=True)
class Envelope:
    """A job as sent to the worker: the job itself plus the test fault, if any."""

    job: Any
    fault: str | None


def _command(memory_bytes: int) -> list[str]:
    """Return the command line that starts a worker."""
    if getattr(sys, "frozen", False):
        return [sys.executable, WORKER_FLAG, str(memory_bytes)]
    entry = "from planner.importing.worker import main; main()"
    return [sys.executable, "-c", entry, str(memory_bytes)]


class Worker:
    """One worker process, started at construction, ended by `close()`."""

    def __init__(self, path: Path, limits: Limits) -> None:
        """Start the process now, so its start-up overlaps with the pre-scan."""
        self.path = path
        self.limits = limits
        env = dict(os.environ)
        root: str | None = None
        if not getattr(sys, "frozen", False):
            # The child imports planner from where this process did, whatever its cwd.
            root = str(Path(__file__).resolve().parents[2])
            env["PYTHONPATH"] = os.pathsep.join(filter(None, [root, env.get("PYTHONPATH")]))
        self._log = tempfile.TemporaryFile(prefix="planner-reader-")  # noqa: SIM115
        self._process = subprocess.Popen(
            _command(limits.worker_memory_bytes),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log,
            cwd=root,
            env=env,
        )
        self._messages: queue.Queue[tuple[Any, ...]] = queue.Queue()
        self._reader = threading.Thread(target=self._read_loop, name="reader-pipe", daemon=True)
        self._reader.start()
        self._deadline = time.monotonic() + limits.worker_seconds
        self._used = False

    def __enter__(self) -> Worker:
        """Return the worker itself."""
        return self

    def __exit__(self, *exc: object) -> None:
        """End the process."""
        self.close()

    def close(self) -> None:
        """Ask the process to stop, kill it if it does not, and clean up."""
        if self._used and self._process.poll() is None:
            with contextlib.suppress(OSError, ValueError):
                _write_frame(self._stdin(), None)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._process.wait(0.5)
        if self._process.poll() is None:
            self._process.kill()
        self._process.wait()
        for stream in (self._process.stdin, self._process.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()
        self._reader.join()
        self._log.close()

    def run(
        self,
        job: object,
        *,
        sheet: str | None = None,
        on_rows: Callable[[list[list[Any]]], None] | None = None,
        progress: Callable[[int, int], None] | None = None,
        cancel: Callable[[], bool] | None = None,
        total: int = 0,
    ) -> dict[str, Any]:
        """Send a job and wait for its answer, streaming row chunks to `on_rows`.

        Returns:
            The worker's final report (engine used, notices, listing, ...).

        Raises:
            ReadError: the worker reported a failure, crashed or ran out of time.
            ReadCancelledError: `cancel()` returned True; the worker was killed.
        """
        self.submit(job, sheet=sheet)
        return self.collect(
            sheet=sheet, on_rows=on_rows, progress=progress, cancel=cancel, total=total
        )

    def submit(self, job: object, *, sheet: str | None = None) -> None:
        """Send a job without waiting; `collect` gets its answer.

        Raises:
            ReadError: the worker is already gone.
        """
        self._used = True
        try:
            _write_frame(self._stdin(), Envelope(job, TEST_FAULT))
        except OSError:
            raise self._crash(sheet) from None

    def collect(
        self,
        *,
        sheet: str | None = None,
        on_rows: Callable[[list[list[Any]]], None] | None = None,
        progress: Callable[[int, int], None] | None = None,
        cancel: Callable[[], bool] | None = None,
        total: int = 0,
    ) -> dict[str, Any]:
        """Wait for the answer to the job sent last (see `run` for what it raises)."""
        done = 0
        if progress is not None:
            progress(0, total)
        while True:
            message = self._next(sheet, cancel)
            if message[0] == "rows":
                if on_rows is not None:
                    on_rows(message[1])
                done += len(message[1])
                if progress is not None:
                    progress(done, max(total, done))
            elif message[0] == "done":
                return dict(message[1])
            else:
                category, text, detail = message[1], message[2], message[3]
                raise ReadError(category, self.path, sheet, text, detail=detail)

    def _stdin(self) -> IO[bytes]:
        stream = self._process.stdin
        if stream is None:
            raise OSError("the worker has no input pipe")
        return stream

    def _read_loop(self) -> None:
        """Move messages from the child's stdout to the queue (in a thread)."""
        stream = self._process.stdout
        try:
            while stream is not None:
                data = _read_frame(stream)
                if data is None:
                    break
                self._messages.put(pickle.loads(data))
        except (OSError, ValueError, EOFError, pickle.UnpicklingError):
            pass
        self._messages.put(_EOF)

    def _next(self, sheet: str | None, cancel: Callable[[], bool] | None) -> tuple[Any, ...]:
        """Wait for the next message, watching cancel and the deadline."""
        while True:
            try:
                message = self._messages.get(timeout=_POLL_SECONDS)
            except queue.Empty:
                if cancel is not None and cancel():
                    self._process.kill()
                    raise ReadCancelledError(
                        f"reading {self.path.name} was cancelled"
                    ) from None
                if time.monotonic() > self._deadline:
                    self._process.kill()
                    raise ReadError(
                        "too_large",
                        self.path,
                        sheet,
                        f"reading took longer than {self.limits.worker_seconds:,.0f} seconds",
                    ) from None
                continue
            if message is _EOF:
                raise self._crash(sheet)
            return message

    def _crash(self, sheet: str | None) -> ReadError:
        """Describe a worker that died without a word (abort, segfault, killed)."""
        with contextlib.suppress(subprocess.TimeoutExpired):
            self._process.wait(5)
        code = self._process.returncode
        tail = self._tail()
        if code is not None and code < 0:
            name = signal.Signals(-code).name if -code in signal.valid_signals() else str(code)
            detail = f"reader process ended by {name}: {tail}"
        else:
            detail = f"reader process exited with code {code}: {tail}"
        category: Category = "damaged"
        message = "the file made the reader crash; it is damaged or deliberately malformed"
        if code == _KILLED or any(word in tail.lower() for word in _MEMORY_WORDS):
            category = "too_large"
            message = "reading the file needs more memory than allowed"
        return ReadError(category, self.path, sheet, message, detail=detail)

    def _tail(self, size: int = 2000) -> str:
        """Return the end of the worker's stderr log."""
        try:
            self._log.seek(0, os.SEEK_END)
            self._log.seek(max(0, self._log.tell() - size))
            return self._log.read().decode("utf-8", "replace").strip()
        except (OSError, ValueError):
            return ""


def _write_frame(stream: IO[bytes], message: object) -> None:
    """Write one length-prefixed pickle and flush."""
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_FRAME.pack(len(data)))
    stream.write(data)
    stream.flush()


def _read_frame(stream: IO[bytes]) -> bytes | None:
    """Read one length-prefixed frame; None at end of stream."""
    header = stream.read(_FRAME.size)
    if len(header) < _FRAME.size:
        return None
    (length,) = _FRAME.unpack(header)
    data = stream.read(length)
    if len(data) < length:
        return None
    return data


# ---------------------------------------------------------------- child side


def run_worker_if_requested(argv: list[str] | None = None) -> None:
    """In a frozen build, serve as the worker when started with WORKER_FLAG, then exit."""
    args = sys.argv[1:] if argv is None else argv
    if args and args[0] == WORKER_FLAG:
        main(args[1:])
        sys.exit(0)


def main(argv: list[str] | None = None) -> None:
    """Serve jobs from stdin until told to stop; every failure is sent back, never raised."""
    args = sys.argv[1:] if argv is None else argv
    memory = int(args[0]) if args else 0
    channel_out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # stray prints from libraries go to the log, not into the protocol
    channel_in = sys.stdin.buffer
    _harden(memory)
    while True:
        data = _read_frame(channel_in)
        if data is None:
            return
        envelope = pickle.loads(data)
        if envelope is None:
            return
        _serve(channel_out, envelope)


def _harden(memory_bytes: int) -> None:
    """Cap memory, disable core dumps, the network and warnings, ignore Ctrl-C."""
    import socket
    import warnings

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if sys.platform != "win32" and memory_bytes > 0:
        import resource

        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
            resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    warnings.simplefilter("ignore")

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise OSError("network access is disabled while reading spreadsheets")

    socket.socket.connect = refuse  # type: ignore[method-assign]
    socket.create_connection = refuse  # type: ignore[assignment]
    socket.getaddrinfo = refuse  # type: ignore[assignment]


def _serve(out: IO[bytes], envelope: Envelope) -> None:
    """Run one job and send its rows and report, or its failure."""
    from planner.importing import jobs

    try:
        if envelope.fault == "abort":
            os.abort()
        if envelope.fault == "hang":
            time.sleep(3600)
        report = jobs.run(
            envelope.job, lambda rows: _write_frame(out, ("rows", rows)), _CHUNK_CELLS
        )
        _write_frame(out, ("done", report))
    except jobs.EngineError as exc:
        _write_frame(out, ("error", exc.category, exc.message, exc.detail))
    except ReadError as exc:
        _write_frame(out, ("error", exc.category, exc.message, exc.detail))
    except MemoryError:
        message = "reading the file needs more memory than allowed"
        _write_frame(out, ("error", "too_large", message, "MemoryError"))
    except BaseException as exc:
        detail = f"{type(exc).__name__}: {exc}"
        _write_frame(
            out, ("error", "damaged", "the file is damaged and cannot be read", detail)
        )
