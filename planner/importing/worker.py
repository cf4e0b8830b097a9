"""The worker process that runs the parsing libraries, and the parent's side of it.

A hostile file can make calamine abort its process (a Rust allocation failure is SIGABRT,
not an exception) or make any reader balloon. So parsing happens in a child process (the
same interpreter running `planner.importing.worker.main`) with an address-space limit
(RLIMIT_AS), no core dumps and no network, and a wall-clock limit enforced by the parent.
A plain subprocess is used rather than multiprocessing: "spawn" re-imports the caller's
main script (the whole Qt application) in every child. Frozen builds run the
application's own executable with WORKER_FLAG; their entry point must call
`run_worker_if_requested()` first.

Messages are length-prefixed frames (mostly pickles) on the child's stdin/stdout. Rows come
back in chunks, so the parent decodes one chunk while the child cleans and encodes the
next; a chunk of plain values (text, numbers, booleans, blanks) travels as marshal data,
which both ends handle about twice as fast as a pickle (issue #4).

A sheet job can be sent before the pre-scan has measured the sheet (`submit(...,
gated=True)`): the child parses, then waits for `release(rows, columns)` before it builds
a single Python row, so the parse of a large sheet overlaps with its pre-scan here. If
the pre-scan refuses the sheet, the child is killed (`close()`), its parse unused.
"""

from __future__ import annotations

import contextlib
import gc
import marshal
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
from typing import IO, TYPE_CHECKING, Any, NoReturn

from planner.importing.model import ReadCancelledError, ReadError

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from planner.importing.model import Category, Limits

WORKER_FLAG = "--planner-reader-worker"
# Test-only fault injection: "abort" makes the worker call os.abort() before reading,
# "hang" makes it sleep. Tests set it with monkeypatch; it travels with each job.
TEST_FAULT: str | None = None
_CHUNK_CELLS = 60_000
_POLL_SECONDS = 0.05
_FRAME = struct.Struct("<Q")
_PICKLE, _MARSHAL = b"P", b"M"  # the first byte of a frame: how the rest is encoded
_MEMORY_WORDS = ("memory allocation", "memoryerror", "out of memory", "cannot allocate")
_EOF = ("eof",)
_KILLED = -getattr(signal, "SIGKILL", 9)


@dataclass(frozen=True)
class Envelope:
    """A job as sent to the worker: the job itself plus the test fault, if any.

    Attributes:
        job: the job.
        fault: the test fault to inject (TEST_FAULT when the job was sent).
        gated: wait for a `Release` before building rows (the sheet is not measured yet).
        memory_bytes: for this job, address space allowed beyond what the process maps
            when it starts (0: the process's cap only).
    """

    job: Any
    fault: str | None
    gated: bool = False
    memory_bytes: int = 0


@dataclass(frozen=True)
class Release:
    """The parent's go-ahead for a gated job, with the sheet's measured extent.

    Attributes:
        rows: rows of the sheet's real extent (0 = unknown).
        columns: columns of the sheet's real extent (0 = unknown).
    """

    rows: int
    columns: int


# The child imports this module without running `planner/importing/__init__.py`, which
# loads the caller's whole reader pipeline (pre-scan, sniffing, defusedxml): ~60 ms of
# imports the child never uses, on the way to every parse (issue #4).
_ENTRY = (
    "import os, sys, types, planner; "
    "package = types.ModuleType('planner.importing'); "
    "package.__path__ = [os.path.join(planner.__path__[0], 'importing')]; "
    "sys.modules['planner.importing'] = package; "
    "from planner.importing.worker import main; main()"
)


def _command(memory_bytes: int) -> list[str]:
    """Return the command line that starts a worker."""
    if getattr(sys, "frozen", False):
        return [sys.executable, WORKER_FLAG, str(memory_bytes)]
    return [sys.executable, "-c", _ENTRY, str(memory_bytes)]


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
            _write_frame(self._stdin(), Envelope(job, TEST_FAULT, gated, memory_bytes))
        except OSError:
            raise self._crash(sheet) from None

    def release(self, rows: int, columns: int) -> None:
        """Let a gated job build its rows, bounded by the sheet's measured extent.

        A child that is already gone is reported by the next `collect()`.
        """
        with contextlib.suppress(OSError, ValueError):
            _write_frame(self._stdin(), Release(rows, columns))

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
                data = _read_frame(stream)
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
                message: tuple[Any, ...] = _decode(frame)
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


def _write_frame(stream: IO[bytes], message: object) -> None:
    """Write one length-prefixed pickle and flush."""
    _write_data(stream, _PICKLE, pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL))


def _write_data(stream: IO[bytes], kind: bytes, data: bytes) -> None:
    """Write one frame: its length, how it is encoded, the data; then flush."""
    stream.write(_FRAME.pack(len(data) + 1))
    stream.write(kind)
    stream.write(data)
    stream.flush()


def _decode(frame: bytes) -> Any:
    """Return the message a frame holds (a rows message for marshal data).

    Raises:
        ValueError: marshal data that is not a list of rows (or any error the decoders
            raise on garbled data).
    """
    data = memoryview(frame)[1:]
    if frame[:1] == _MARSHAL:
        rows = marshal.loads(data)
        if type(rows) is not list:
            raise ValueError(f"rows expected, got {type(rows).__name__}")
        return ("rows", rows)
    return pickle.loads(data)


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
    # A short-lived process whose rows are plain lists: nothing for the cycle collector
    # to find, yet with it on, building 100,000 rows cost ~40% more (issue #4).
    gc.disable()
    while True:
        data = _read_frame(channel_in)
        envelope = _decode(data) if data is not None else None
        if envelope is None:
            _leave()
        if isinstance(envelope, Envelope):  # a Release for a job that failed early: stale
            _serve(channel_in, channel_out, envelope)


def _row_sender(out: IO[bytes]) -> Callable[[list[list[Any]]], None]:
    """Return a function sending chunks of rows: marshal data while the values allow it.

    A sheet with a date or an error value in one chunk likely has them in the next: after
    the first chunk marshal refuses, the rest go as pickles without trying.
    """
    plain = [True]

    def send(rows: list[list[Any]]) -> None:
        rows = _shared_values(rows)
        if plain[0]:
            try:
                data = marshal.dumps(rows, 4)
            except ValueError:
                plain[0] = False
            else:
                _write_data(out, _MARSHAL, data)
                return
        _write_frame(out, ("rows", rows))

    return send


def _shared_values(rows: list[list[Any]]) -> list[list[Any]]:
    """Let equal text (and equal numbers) in a column of a chunk be one object.

    A long sheet repeats grades, sizes, units and prices thousands of times, each cell its
    own object: 100,000 BOM lines took ~88 MiB in the GUI process. Shared here, each
    value crosses the pipe once per chunk (marshal writes a reference after that) and is
    one object over there. Only columns of a single type (str or float) of rectangular
    chunks are shared: 1, 1.0 and True are equal keys but must stay what they are.
    """
    width = len(rows[0]) if rows else 0
    if not width or any(len(row) != width for row in rows):
        return rows
    columns = list(zip(*rows, strict=True))
    changed = False
    for index, column in enumerate(columns):
        kinds = set(map(type, column))
        if kinds in ({str}, {float}):
            seen: dict[Any, Any] = {}
            columns[index] = tuple(map(seen.setdefault, column, column))
            changed = True
    if not changed:
        return rows
    return [list(row) for row in zip(*columns, strict=True)]


def _leave() -> NoReturn:
    """End the process at once: the parent waits, and the interpreter's tear-down would
    free the rows of the last job one by one (~40 ms for 100,000 rows)."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(0)


def _gate(channel_in: IO[bytes]) -> Callable[[], tuple[int, int]]:
    """Return a function that waits (once) for the parent's `Release` of a gated job.

    It returns the released extent. Anything else (the parent refused the sheet and
    closed the pipe) ends this process: nobody wants its rows.
    """
    answer: list[Release] = []

    def wait() -> tuple[int, int]:
        if not answer:
            data = _read_frame(channel_in)
            message = _decode(data) if data is not None else None
            if not isinstance(message, Release):
                _leave()
            answer.append(message)
        return answer[0].rows, answer[0].columns

    return wait


@contextlib.contextmanager
def _tighter_memory(extra_bytes: int) -> Iterator[None]:
    """Cap the address space at what the process maps now plus `extra_bytes`, for one job.

    A sheet parsed before it was measured (reader.EARLY_PARSE_BYTES) gets a cap in
    proportion to its size rather than the process's whole allowance, so a dimension
    bomb fails fast instead of filling gigabytes while the pre-scan catches up.
    """
    mapped = _mapped_bytes() if extra_bytes > 0 and sys.platform != "win32" else None
    if mapped is None:
        yield
        return
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    cap = mapped + extra_bytes
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    try:
        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    except (ValueError, OSError):
        yield
        return
    try:
        yield
    finally:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def _mapped_bytes() -> int | None:
    """Return the address space the process maps now (Linux), or None."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


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


def _serve(channel_in: IO[bytes], out: IO[bytes], envelope: Envelope) -> None:
    """Run one job and send its rows and report, or its failure."""
    from planner.importing import jobs

    try:
        if envelope.fault == "abort":
            os.abort()
        if envelope.fault == "hang":
            time.sleep(3600)
        with _tighter_memory(envelope.memory_bytes):
            report = jobs.run(
                envelope.job,
                _row_sender(out),
                _CHUNK_CELLS,
                _gate(channel_in) if envelope.gated else None,
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
