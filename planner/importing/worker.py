"""The worker process that runs the parsing libraries: the parent's side of it.

A hostile file can make calamine abort its process (a Rust allocation failure is SIGABRT,
not an exception) or make any reader balloon. So parsing happens in a child process (the
same interpreter running `planner.importing.worker_child.main`) with an address-space
limit (RLIMIT_AS), no core dumps and no network, and a wall-clock limit enforced by the
parent. A plain subprocess is used rather than multiprocessing: "spawn" re-imports the
caller's main script (the whole Qt application) in every child. Frozen builds run the
application's own executable with WORKER_FLAG; their entry point must call
`run_worker_if_requested()` first.

Messages are length-prefixed frames (mostly pickles) on the child's stdin/stdout, defined
in `worker_child`. Rows come back in chunks, so this process cleans and assembles one chunk
while the child converts and encodes the next (issue #4).

A sheet job can be sent before the pre-scan has measured the sheet (`submit(...,
gated=True)`): the child parses, then waits for `release(rows, columns)` before it builds
a single Python row, so the parse of a large sheet overlaps with its pre-scan here. If
the pre-scan refuses the sheet, the child is killed (`close()`), its parse unused.
"""

from __future__ import annotations

import contextlib
import os
import queue
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Protocol

from planner.importing.model import ReadCancelledError, ReadError
from planner.importing.worker_child import (
    WORKER_FLAG,
    Envelope,
    Release,
    decode,
    read_frame,
    write_frame,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from planner.importing.model import Category, Limits

__all__ = ["WORKER_FLAG", "RowSink", "Worker", "run_worker_if_requested"]

# Test-only fault injection: "abort" makes the worker call os.abort() before reading,
# "hang" makes it sleep. Tests set it with monkeypatch; it travels with each job.
TEST_FAULT: str | None = None
_POLL_SECONDS = 0.05
_PIPE_BYTES = 1 << 20
_EXIT_SECONDS = 0.5  # what an idle child told to stop may take before it is killed
_MEMORY_WORDS = ("memory allocation", "memoryerror", "out of memory", "cannot allocate")
_EOF = ("eof",)
_KILLED = -getattr(signal, "SIGKILL", 9)
# The child imports its module without running `planner/importing/__init__.py`, which
# loads the caller's whole reader pipeline (pre-scan, sniffing, defusedxml): ~60 ms of
# imports the child never uses, on the way to every parse (issue #4).
_ENTRY = (
    "import os, sys, types, planner; "
    "package = types.ModuleType('planner.importing'); "
    "package.__path__ = [os.path.join(planner.__path__[0], 'importing')]; "
    "sys.modules['planner.importing'] = package; "
    "from planner.importing.worker_child import main; main()"
)


class RowSink(Protocol):
    """Where `Worker.collect` puts the rows of a sheet as they arrive."""

    def add(self, rows: list[list[Any]]) -> None:
        """Take a chunk of rows (the next ones in the sheet)."""

    def add_columns(self, columns: tuple[tuple[Any, ...], ...]) -> None:
        """Take a rectangular chunk of rows, sent column by column."""

    def restart(self) -> None:
        """Forget every row: an engine failed part-way, the next one starts over."""


def run_worker_if_requested(argv: list[str] | None = None) -> None:
    """In a frozen build, serve as the worker when started with WORKER_FLAG, then exit."""
    args = sys.argv[1:] if argv is None else argv
    if args and args[0] == WORKER_FLAG:
        from planner.importing.worker_child import main

        main(args[1:])
        sys.exit(0)


def _command(memory_bytes: int) -> list[str]:
    """Return the command line that starts a worker."""
    if getattr(sys, "frozen", False):
        return [sys.executable, WORKER_FLAG, str(memory_bytes)]
    return [sys.executable, "-c", _ENTRY, str(memory_bytes)]


def _widen_pipe(stream: IO[bytes] | None) -> None:
    """Let the child's output pipe hold a whole chunk of rows (Linux; 64 KiB by default).

    While this process cleans a chunk, the thread that drains the pipe gets the GIL only
    every few milliseconds (the switch interval): through 64 KiB, the child waited for
    each chunk to be taken before it could convert the next, and the two hardly worked at
    the same time (20 chunks of 8 ms here and 6 ms there: 270 ms, 200 ms with 1 MiB).
    """
    if stream is None or not sys.platform.startswith("linux"):
        return
    import fcntl

    try:
        with open("/proc/sys/fs/pipe-max-size") as limit:
            size = min(_PIPE_BYTES, int(limit.read()))
        fcntl.fcntl(stream.fileno(), fcntl.F_SETPIPE_SZ, size)
    except (OSError, ValueError):
        pass  # a smaller pipe works, only slower


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
        _widen_pipe(self._process.stdout)
        self._messages: queue.Queue[bytes | tuple[str]] = queue.Queue()
        self._reader = threading.Thread(target=self._read_loop, name="reader-pipe", daemon=True)
        self._reader.start()
        self._deadline = time.monotonic() + limits.worker_seconds
        self._used = False
        self._busy = False  # a job was sent and its answer is not in yet
        self._closed = False

    def __enter__(self) -> Worker:
        """Return the worker itself."""
        return self

    def __exit__(self, *exc: object) -> None:
        """End the process."""
        self.close()

    def close(self) -> None:
        """Ask an idle process to stop, kill a busy one (or one that does not stop)."""
        if self._closed:
            return
        self._closed = True
        if self._used and not self._busy and self._process.poll() is None:
            with contextlib.suppress(OSError, ValueError):
                write_frame(self._stdin(), None)
            # The reader thread ends with the child's output, as the child exits: joining
            # it wakes at once, where polling the process oversleeps by milliseconds.
            self._reader.join(_EXIT_SECONDS)
            if not self._reader.is_alive():
                with contextlib.suppress(subprocess.TimeoutExpired):
                    self._process.wait(_EXIT_SECONDS)
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
        into: RowSink | None = None,
        progress: Callable[[int, int], None] | None = None,
        cancel: Callable[[], bool] | None = None,
        total: int = 0,
    ) -> dict[str, Any]:
        """Send a job and wait for its answer, streaming row chunks `into` a sink.

        Args:
            job: the job.
            sheet: the sheet named in errors.
            into: takes the rows as they arrive (and forgets them on a restart).
            progress: called with (rows received, rows expected) after every chunk.
            cancel: polled while waiting; returning True kills the worker.
            total: the rows expected (0: unknown).

        Returns:
            The worker's final report (engine used, notices, listing, ...).

        Raises:
            ReadError: the worker reported a failure, crashed or ran out of time.
            ReadCancelledError: `cancel()` returned True; the worker was killed.
        """
        self.submit(job, sheet=sheet)
        return self.collect(
            sheet=sheet, into=into, progress=progress, cancel=cancel, total=total
        )

    def submit(
        self,
        job: object,
        *,
        sheet: str | None = None,
        gated: bool = False,
        memory_bytes: int = 0,
    ) -> None:
        """Send a job without waiting; `collect` gets its answer.

        Args:
            job: the job.
            sheet: the sheet named in errors.
            gated: the child parses, then waits for `release()` before building rows.
            memory_bytes: address space the job may use beyond what the child maps now
                (0: the child's cap only).

        Raises:
            ReadError: the worker is already gone.
        """
        self._used = self._busy = True
        try:
            write_frame(self._stdin(), Envelope(job, TEST_FAULT, gated, memory_bytes))
        except OSError:
            raise self._crash(sheet) from None

    def release(self, rows: int, columns: int) -> None:
        """Let a gated job build its rows, bounded by the sheet's measured extent.

        A child that is already gone is reported by the next `collect()`.
        """
        with contextlib.suppress(OSError, ValueError):
            write_frame(self._stdin(), Release(rows, columns))

    def collect(
        self,
        *,
        sheet: str | None = None,
        into: RowSink | None = None,
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
            kind = message[0]
            if kind in ("rows", "columns"):
                chunk = message[1]
                if kind == "rows":
                    done += len(chunk)
                    if into is not None:
                        into.add(chunk)
                else:
                    done += len(chunk[0]) if chunk else 0
                    if into is not None:
                        into.add_columns(chunk)
                if progress is not None:
                    progress(done, max(total, done))
            elif kind == "restart":
                done = 0
                if into is not None:
                    into.restart()
            elif kind == "done":
                self._busy = False
                return dict(message[1])
            else:
                self._busy = False
                category, text, detail = message[1], message[2], message[3]
                raise ReadError(category, self.path, sheet, text, detail=detail)

    def _stdin(self) -> IO[bytes]:
        stream = self._process.stdin
        if stream is None:
            raise OSError("the worker has no input pipe")
        return stream

    def _read_loop(self) -> None:
        """Move frames from the child's stdout to the queue (in a thread).

        Frames are decoded by the thread that waits for them: decoding holds the GIL for
        milliseconds, and here it would keep that thread from taking the previous chunk.
        """
        stream = self._process.stdout
        try:
            while stream is not None:
                data = read_frame(stream)
                if data is None:
                    break
                self._messages.put(data)
        except (OSError, ValueError):
            pass
        self._messages.put(_EOF)

    def _next(self, sheet: str | None, cancel: Callable[[], bool] | None) -> tuple[Any, ...]:
        """Wait for the next message, watching cancel and the deadline."""
        while True:
            try:
                frame = self._messages.get(timeout=_POLL_SECONDS)
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
            if not isinstance(frame, bytes):  # _EOF: the child's output ended
                raise self._crash(sheet)
            try:
                message: tuple[Any, ...] = decode(frame)
            except Exception as exc:  # whatever a garbled pickle raises
                self._process.kill()
                raise ReadError(
                    "damaged",
                    self.path,
                    sheet,
                    "the file made the reader crash; it is damaged or deliberately malformed",
                    detail=f"undecodable message from the reader process: {exc!r}",
                ) from None
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
