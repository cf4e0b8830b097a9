"""The worker process's side: serve jobs from stdin, send rows and reports back on stdout.

`planner.importing.worker` starts this process and holds the parent's side. Both sides
share the frame format and the messages defined here. This module imports nothing that
only the parent needs (subprocess, threads, temporary files): its imports are paid before
every parse (issue #4).

The child converts and ships; the parent cleans. A chunk of rows from the parser travels
column by column when it is rectangular (so the parent shares equal values of a column
with one dictionary pass) and as marshal data while its values allow it, which both ends
handle about twice as fast as a pickle.
"""

from __future__ import annotations

import contextlib
import gc
import marshal
import os
import pickle
import signal
import struct
import sys
import time
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any, NoReturn

from planner.importing.model import ReadError

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

WORKER_FLAG = "--planner-reader-worker"
CHUNK_CELLS = 60_000
FRAME = struct.Struct("<Q")
PICKLE, MARSHAL = b"P", b"M"  # the first byte of a frame: how the rest is encoded
# The chunks sent for the last job. Freeing 1.2 million values one by one costs ~40 ms,
# on the way to the last chunk if done as they go; the process usually ends after one
# sheet (without freeing anything, see `_leave`), else they are freed by the next job.
_SENT: list[object] = []


@dataclass(frozen=True)
class Envelope:
    """A job as sent to the worker: the job itself plus the test fault, if any.

    Attributes:
        job: the job.
        fault: the test fault to inject (worker.TEST_FAULT when the job was sent).
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


# ---------------------------------------------------------------- frames


def write_frame(stream: IO[bytes], message: object) -> None:
    """Write one length-prefixed pickle and flush."""
    write_data(stream, PICKLE, pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL))


def write_data(stream: IO[bytes], kind: bytes, data: bytes) -> None:
    """Write one frame: its length, how it is encoded, the data; then flush."""
    stream.write(FRAME.pack(len(data) + 1))
    stream.write(kind)
    stream.write(data)
    stream.flush()


def read_frame(stream: IO[bytes]) -> bytes | None:
    """Read one length-prefixed frame; None at end of stream."""
    header = stream.read(FRAME.size)
    if len(header) < FRAME.size:
        return None
    (length,) = FRAME.unpack(header)
    data = stream.read(length)
    if len(data) < length:
        return None
    return data


def decode(frame: bytes) -> Any:
    """Return the message a frame holds (a rows or columns message for marshal data).

    Raises:
        ValueError: marshal data that is neither rows (a list) nor columns (a tuple of
            tuples of one length), columns of different lengths in a pickle, or any error
            the decoders raise on garbled data.
    """
    data = memoryview(frame)[1:]
    if frame[:1] != MARSHAL:
        message = pickle.loads(data)
        if type(message) is tuple and message[:1] == ("columns",) and not _square(message[1]):
            raise ValueError("columns of different lengths")
        return message
    chunk = marshal.loads(data)
    if type(chunk) is list:
        return ("rows", chunk)
    if _square(chunk):
        return ("columns", chunk)
    raise ValueError(f"rows or columns of one length expected, got {type(chunk).__name__}")


def _square(columns: object) -> bool:
    """Return True for a tuple of tuples of one length: `zip(*columns)` loses nothing."""
    return (
        type(columns) is tuple
        and all(type(column) is tuple for column in columns)
        and len(set(map(len, columns))) <= 1
    )


# ---------------------------------------------------------------- serving


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
        data = read_frame(channel_in)
        envelope = decode(data) if data is not None else None
        if envelope is None:
            _leave()
        if isinstance(envelope, Envelope):  # a Release for a job that failed early: stale
            _serve(channel_in, channel_out, envelope)


def _serve(channel_in: IO[bytes], out: IO[bytes], envelope: Envelope) -> None:
    """Run one job and send its rows and report, or its failure."""
    from planner.importing import jobs

    _SENT.clear()
    try:
        if envelope.fault == "abort":
            os.abort()
        if envelope.fault == "hang":
            time.sleep(3600)
        with _tighter_memory(envelope.memory_bytes):
            report = jobs.run(
                envelope.job,
                _chunk_sender(out),
                CHUNK_CELLS,
                _gate(channel_in) if envelope.gated else None,
                restart=lambda: write_frame(out, ("restart",)),
            )
        write_frame(out, ("done", report))
    except jobs.EngineError as exc:
        write_frame(out, ("error", exc.category, exc.message, exc.detail))
    except ReadError as exc:
        write_frame(out, ("error", exc.category, exc.message, exc.detail))
    except MemoryError:
        message = "reading the file needs more memory than allowed"
        write_frame(out, ("error", "too_large", message, "MemoryError"))
    except BaseException as exc:
        detail = f"{type(exc).__name__}: {exc}"
        write_frame(out, ("error", "damaged", "the file is damaged and cannot be read", detail))


def _chunk_sender(out: IO[bytes]) -> Callable[[list[list[Any]]], None]:
    """Return a function sending one chunk of rows, which it empties.

    A rectangular chunk goes as a tuple of columns, the rest as rows. A sheet with a date
    or an error value in one chunk likely has them in the next: after the first chunk
    marshal refuses, the rest go as pickles without trying. Sent chunks are kept until the
    next job (see `_SENT`).
    """
    plain = [True]

    def send(rows: list[list[Any]]) -> None:
        chunk: list[list[Any]] | tuple[tuple[Any, ...], ...] = rows
        kind = "rows"
        if rows and rows[0] and len(set(map(len, rows))) == 1:
            chunk, kind = tuple(zip(*rows, strict=False)), "columns"  # square, as checked
            # Each value is then held by its column alone, and marshal writes such values
            # without entering them in its table of shared objects (~4× faster).
            rows.clear()
        if plain[0]:
            try:
                data = marshal.dumps(chunk, 4)
            except ValueError:
                plain[0] = False
            else:
                write_data(out, MARSHAL, data)
                _SENT.append(chunk)
                return
        write_frame(out, (kind, chunk))
        _SENT.append(chunk)

    return send


def _gate(channel_in: IO[bytes]) -> Callable[[], tuple[int, int]]:
    """Return a function that waits (once) for the parent's `Release` of a gated job.

    It returns the released extent. Anything else (the parent refused the sheet and
    closed the pipe) ends this process: nobody wants its rows.
    """
    answer: list[Release] = []

    def wait() -> tuple[int, int]:
        if not answer:
            data = read_frame(channel_in)
            message = decode(data) if data is not None else None
            if not isinstance(message, Release):
                _leave()
            answer.append(message)
        return answer[0].rows, answer[0].columns

    return wait


def _leave() -> NoReturn:
    """End the process at once: the parent waits, and the interpreter's tear-down would
    free the objects of the last job one by one."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(0)


# ---------------------------------------------------------------- limits


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
    import warnings

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if sys.platform != "win32" and memory_bytes > 0:
        import resource

        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
            resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    warnings.simplefilter("ignore")
    # An audit hook refuses the socket module's own calls, however a library reaches
    # them, and spares the process importing `socket` to patch it (~4 ms per read).
    sys.addaudithook(_refuse_network)


_NETWORK_EVENTS = frozenset(
    {
        "socket.connect",
        "socket.getaddrinfo",
        "socket.gethostbyaddr",
        "socket.gethostbyname",
        "socket.sendmsg",
        "socket.sendto",
    }
)


def _refuse_network(event: str, _args: tuple[object, ...]) -> None:
    """Refuse every attempt to reach another machine (an audit hook)."""
    if event in _NETWORK_EVENTS:
        raise OSError("network access is disabled while reading spreadsheets")
