"""The kernel that runs a submitted notebook for grading, and how answers leave it.

``casekit grade`` starts one of these kernels per submission as
``python -m casekit.sandbox [limits] -f CONNECTION_FILE``. Before the kernel starts it

* sets **operating-system limits** on its own process: heap memory (``RLIMIT_DATA``, so
  a memory bomb ends in ``MemoryError``; ``RLIMIT_AS`` would also count the address space
  that the V8 engine behind the chart renderer reserves and kill every kernel), CPU
  seconds, the size of any file it writes, no core dumps;
* **records answers**: ``ck.start`` and ``ck.check`` are wrapped so that each call also
  emits its arguments, encoded as plain JSON by :func:`encode`, in an output of type
  :data:`ANSWER_MIMETYPE`. The grader judges these answers in its own process, against
  its own answer key; nothing the kernel computes about correctness is trusted;
* **caps output**: text and display output beyond a budget are dropped with a notice;
* installs a **guard** (a ``sys.addaudithook`` audit hook, which Python offers no way to
  remove) that refuses, with a ``PermissionError`` whose message starts with
  :data:`BLOCKED`: opening, creating, renaming or deleting files outside the working
  copy; reading the folders the grader keeps private (submissions, solutions); any
  network access (name lookups, connect, bind, send); starting processes (including
  through ``_posixsubprocess.fork_exec``, which raises no audit event of its own, so it
  is replaced by a refusal everywhere it is bound and the module cannot be loaded
  again) or signalling other ones; raising resource limits; ``ctypes`` and ``gc``
  introspection (the ways to reach the guard itself); and large anonymous memory maps.

The guard stops ordinary and mistaken code and casual tampering; it is not a security
boundary against someone who knows CPython's internals. The limits above are the
operating system's and hold whatever the code does; the grader adds a wall-clock time
limit and kills a kernel whose resident memory outgrows the limit. See
:mod:`casekit.grading` for the whole picture.
"""

from __future__ import annotations

import argparse
import json
import math
import numbers
import os
import re
import sys
from collections.abc import Callable, Iterable, Mapping
from typing import Any

__all__ = [
    "ANSWER_MIMETYPE",
    "BLOCKED",
    "Opaque",
    "collect",
    "decode",
    "encode",
    "main",
]

#: The output type that carries a recorded answer out of the kernel.
ANSWER_MIMETYPE = "application/vnd.casekit.answer+json"
#: Every refusal of the guard starts with these words.
BLOCKED = "casekit sandbox:"

#: Most items (numbers, strings, cells) an encoded answer may hold.
MAX_ITEMS = 200_000
#: Longest string an encoded answer may hold.
MAX_STRING = 200_000

# Everything the guard refused, for the grader's report (a student may clear it; the
# refusal itself stands).
BLOCKED_LOG: list[str] = []


# --- answers as plain JSON ----------------------------------------------------------------


class _TooLarge(Exception):
    pass


class Opaque:
    """Stands in for an answer the grader cannot rebuild (an unknown type, too large)."""

    def __init__(self, description: str) -> None:
        self.description = description

    def __repr__(self) -> str:
        return f"<{self.description}>"


def _float(value: float) -> float | str:
    return value if math.isfinite(value) else repr(value)


def encode(value: Any) -> dict[str, Any]:
    """Encode an answer as plain JSON that :func:`decode` turns back into the same value.

    Handles what exercise answers are: ``...``, None, bools, numbers, strings, lists,
    tuples, sets, dicts, NumPy arrays, pandas Series, DataFrames and Indexes (with their
    dtypes), timestamps. Anything else, and anything holding more than
    :data:`MAX_ITEMS` items, is encoded as a short description only.
    """
    budget = [MAX_ITEMS]
    try:
        return _encode(value, budget, 0)
    except _TooLarge:
        return {"t": "opaque", "v": f"an answer too large to grade ({_type_name(value)})"}
    except Exception as exc:  # an answer must never break the recording
        return {"t": "opaque", "v": f"an answer that could not be read ({type(exc).__name__})"}


def _type_name(value: Any) -> str:
    return re.sub(r"\W", "_", type(value).__name__)[:40] or "object"


def _spend(budget: list[int], n: int) -> None:
    budget[0] -= n
    if budget[0] < 0:
        raise _TooLarge


def _encode_column(values: Any, budget: list[int], depth: int) -> dict[str, Any]:
    import pandas as pd

    series = pd.Series(values) if not isinstance(values, pd.Series) else values
    _spend(budget, len(series))
    dtype = str(series.dtype)
    extra: dict[str, Any] = {}
    if isinstance(series.dtype, pd.CategoricalDtype):
        items = [_encode(v, budget, depth + 1) for v in series.astype(object)]
        categories = series.cat.categories
        _spend(budget, len(categories))
        extra = {
            "categories": [_encode(c, budget, depth + 1) for c in categories.tolist()],
            "ordered": bool(series.cat.ordered),
        }
    elif dtype.startswith("datetime64"):
        items = [
            {"t": "none"} if pd.isna(v) else {"t": "timestamp", "v": v.isoformat()} for v in series
        ]
    else:
        items = [_encode(v, budget, depth + 1) for v in series.tolist()]
    return {"dtype": dtype, "name": _encode(series.name, budget, depth + 1), "v": items, **extra}


def _encode(value: Any, budget: list[int], depth: int) -> dict[str, Any]:
    import numpy as np
    import pandas as pd

    if depth > 20:
        raise _TooLarge
    _spend(budget, 1)
    if value is Ellipsis:
        return {"t": "ellipsis"}
    if value is None or value is pd.NA or value is pd.NaT:
        return {"t": "none"}
    if isinstance(value, (bool, np.bool_)):
        return {"t": "bool", "v": bool(value)}
    if isinstance(value, numbers.Integral):
        number = int(value)
        return {"t": "int", "v": number if abs(number) < 2**53 else str(number)}
    if isinstance(value, numbers.Real):
        return {"t": "float", "v": _float(float(value))}
    if isinstance(value, str):
        if len(value) > MAX_STRING:
            raise _TooLarge
        return {"t": "str", "v": value}
    if isinstance(value, pd.Timestamp):
        return {"t": "timestamp", "v": value.isoformat()}
    if isinstance(value, pd.DataFrame):
        _spend(budget, value.size)
        return {
            "t": "frame",
            "columns": [_encode(c, budget, depth + 1) for c in value.columns],
            "index": _encode_index(value.index, budget, depth),
            "data": [
                _encode_column(value.iloc[:, i], budget, depth) for i in range(value.shape[1])
            ],
        }
    if isinstance(value, pd.Series):
        return {
            "t": "series",
            "index": _encode_index(value.index, budget, depth),
            "data": _encode_column(value, budget, depth),
        }
    if isinstance(value, pd.Index):
        return {"t": "index", **_encode_index(value, budget, depth)}
    if isinstance(value, np.ndarray):
        _spend(budget, value.size)
        if value.dtype.kind not in "biufUSO":
            raise _TooLarge
        return {
            "t": "ndarray",
            "dtype": value.dtype.str if value.dtype.kind != "O" else "O",
            "shape": list(value.shape),
            "v": [_encode(v, budget, depth + 1) for v in value.reshape(-1).tolist()],
        }
    if isinstance(value, (list, tuple, set, frozenset)):
        _spend(budget, len(value))
        kind = {list: "list", tuple: "tuple", set: "set", frozenset: "set"}.get(type(value))
        if kind is None:  # a subclass (a namedtuple, ...): keep the items
            kind = "tuple" if isinstance(value, tuple) else "list"
        return {"t": kind, "v": [_encode(v, budget, depth + 1) for v in value]}
    if isinstance(value, Mapping):
        _spend(budget, len(value))
        return {
            "t": "dict",
            "v": [
                [_encode(k, budget, depth + 1), _encode(v, budget, depth + 1)]
                for k, v in value.items()
            ],
        }
    if isinstance(value, (type({}.keys()), type({}.values()), range)):
        return _encode(list(value), budget, depth)
    name = _type_name(value)
    return {"t": "opaque", "v": f"{'an' if name[0].lower() in 'aeiou' else 'a'} {name}"}


def _encode_index(index: Any, budget: list[int], depth: int) -> dict[str, Any]:
    import pandas as pd

    if isinstance(index, pd.MultiIndex):
        return {
            "multi": [_encode(list(t), budget, depth + 1) for t in index],
            "names": [_encode(n, budget, depth + 1) for n in index.names],
        }
    if isinstance(index, pd.RangeIndex):
        return {
            "range": [index.start, index.stop, index.step],
            "name": _encode(index.name, budget, depth),
        }
    return {"column": _encode_column(pd.Series(index, copy=False), budget, depth)}


def decode(data: Any) -> Any:
    """Rebuild an answer from :func:`encode`'s JSON. Never raises: junk becomes :class:`Opaque`."""
    try:
        return _decode(data, 0)
    except Exception:
        return Opaque("an answer that could not be read")


def _decode(data: Any, depth: int) -> Any:
    import numpy as np
    import pandas as pd

    if depth > 22 or not isinstance(data, dict):
        raise ValueError("not an encoded answer")
    kind = data.get("t")
    value = data.get("v")
    if kind == "ellipsis":
        return Ellipsis
    if kind == "none":
        return None
    if kind == "bool":
        return bool(value)
    if kind == "int":
        return int(value)
    if kind == "float":
        return float(value)
    if kind == "str":
        return str(value)
    if kind == "timestamp":
        return pd.Timestamp(str(value))
    if kind in ("list", "tuple", "set"):
        items = [_decode(v, depth + 1) for v in value]
        return {"list": list, "tuple": tuple, "set": _set}[kind](items)
    if kind == "dict":
        return {_hashable(_decode(k, depth + 1)): _decode(v, depth + 1) for k, v in value}
    if kind == "ndarray":
        items = [_decode(v, depth + 1) for v in value]
        array = np.array(items, dtype=object if data["dtype"] == "O" else np.dtype(data["dtype"]))
        return array.reshape([int(n) for n in data["shape"]])
    if kind == "index":
        return _decode_index(data, depth)
    if kind == "series":
        series = _decode_column(data["data"], depth)
        series.index = _decode_index(data["index"], depth)
        return series
    if kind == "frame":
        columns = [_decode_column(c, depth) for c in data["data"]]
        index = _decode_index(data["index"], depth)
        frame = (
            pd.concat([c.reset_index(drop=True) for c in columns], axis=1)
            if columns
            else (pd.DataFrame(index=range(len(index))))
        )
        frame.columns = [_hashable(_decode(c, depth + 1)) for c in data["columns"]]
        frame.index = index
        return frame
    if kind == "opaque":
        return _opaque(str(value))
    raise ValueError(f"unknown answer type {kind!r}")


def _set(items: Iterable[Any]) -> set[Any]:
    return {_hashable(i) for i in items}


def _hashable(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_hashable(v) for v in value)
    if isinstance(value, set):
        return frozenset(value)
    return value


def _opaque(description: str) -> Opaque:
    # A class named after the student's type, so the checks' messages read naturally
    # ("expected a single number, got a Figure").
    match = re.fullmatch(r"an? (\w{1,40})", description)
    if match is None:
        return Opaque(description)
    return type(match.group(1), (Opaque,), {})(description)


_SAFE_DTYPES = re.compile(
    r"(int|uint|float)(8|16|32|64)|bool|boolean|Int(8|16|32|64)|Float(32|64)|str|string|object"
    r"|category|datetime64\[(ns|us|ms|s)\]"
)


def _decode_column(data: Mapping[str, Any], depth: int) -> Any:
    import pandas as pd

    values = [_decode(v, depth + 1) for v in data["v"]]
    dtype = str(data.get("dtype", "object"))
    name = _decode(data.get("name", {"t": "none"}), depth)
    if dtype == "category" and isinstance(data.get("categories"), list):
        # The categories' order (and whether it counts) is part of the answer: an ordered
        # index of bands must come back ordered.
        categories = [_decode(c, depth + 1) for c in data["categories"]]
        try:
            codes = pd.Categorical(values, categories=categories, ordered=bool(data["ordered"]))
            return pd.Series(codes, name=name)
        except (TypeError, ValueError):
            pass
    series = pd.Series(values, dtype=object, name=name)
    if _SAFE_DTYPES.fullmatch(dtype):
        try:
            series = series.astype(dtype)
        except (TypeError, ValueError):
            pass
    return series


def _decode_index(data: Mapping[str, Any], depth: int) -> Any:
    import pandas as pd

    if "range" in data:
        start, stop, step = (int(n) for n in data["range"])
        return pd.RangeIndex(start, stop, step, name=_decode(data["name"], depth))
    if "multi" in data:
        tuples = [tuple(_decode(t, depth + 1)) for t in data["multi"]]
        names = [_decode(n, depth + 1) for n in data["names"]]
        return pd.MultiIndex.from_tuples(tuples, names=names)
    return pd.Index(_decode_column(data["column"], depth))


# --- inside the kernel --------------------------------------------------------------------


def _emit(record: Mapping[str, Any]) -> None:
    from IPython.display import display

    display({ANSWER_MIMETYPE: dict(record)}, raw=True)


def _record_calls() -> None:
    """Wrap ``casekit.start`` and ``casekit.check`` so that each call emits its arguments."""
    import functools

    import casekit
    from casekit import checks

    original_check, original_start = checks.check, checks.start

    @functools.wraps(original_check)
    def check(question_id: str, answer: Any) -> None:
        try:
            _emit({"event": "check", "question": str(question_id)[:100], "answer": encode(answer)})
        except Exception:  # recording must never break the learner's notebook
            pass
        return original_check(question_id, answer)

    @functools.wraps(original_start)
    def start(notebook: str, **params: Any) -> None:
        try:
            _emit({"event": "start", "notebook": str(notebook)[:200], "params": encode(params)})
        except Exception:
            pass
        return original_start(notebook, **params)

    checks.check = casekit.check = check  # type: ignore[assignment]
    checks.start = casekit.start = start  # type: ignore[assignment]


def collect(expressions: Mapping[str, str]) -> None:
    """Emit the value of each answer expression, read from the notebook's variables.

    The grader runs this after the last cell so that an answer whose check cell was
    deleted or renamed can still be graded. ``expressions`` maps a question id to the
    expression the solution passed to ``ck.check`` (usually a variable name).
    """
    from IPython import get_ipython

    namespace = get_ipython().user_ns
    for question, expression in expressions.items():
        record: dict[str, Any] = {
            "event": "variable",
            "question": question,
            "expression": expression,
        }
        try:
            record["answer"] = encode(eval(expression, namespace))  # runs inside the sandbox
        except Exception as exc:
            record["missing"] = type(exc).__name__
        _emit(record)
    _emit({"event": "blocked", "items": [str(b)[:300] for b in BLOCKED_LOG[:50]]})


def _limit_output(max_bytes: int) -> None:
    """Drop text and display output of the kernel beyond ``max_bytes`` (with a notice)."""
    from ipykernel.iostream import OutStream
    from ipykernel.zmqshell import ZMQDisplayPublisher

    left = [max_bytes]
    notice = (
        f"\n[{BLOCKED} output limit of {max_bytes // 1000} kB reached; further output dropped]\n"
    )
    write, publish = OutStream.write, ZMQDisplayPublisher.publish

    def limited_write(self: Any, string: str) -> int | None:
        if not isinstance(string, str) or left[0] <= 0:
            return write(self, string) if not isinstance(string, str) else len(string)
        if len(string) > left[0]:
            kept = string[: left[0]] + notice
            left[0] = 0
            write(self, kept)
            return len(string)
        left[0] -= len(string)
        return write(self, string)

    def limited_publish(self: Any, data: Any, metadata: Any = None, **kwargs: Any) -> None:
        if isinstance(data, dict) and ANSWER_MIMETYPE not in data:
            size = sum(len(v) if isinstance(v, str) else len(json.dumps(v)) for v in data.values())
            if size > left[0]:
                left[0] = 0
                data, metadata = {"text/plain": notice.strip()}, {}
            else:
                left[0] -= size
        return publish(self, data, metadata, **kwargs)

    OutStream.write = limited_write  # type: ignore[method-assign]
    ZMQDisplayPublisher.publish = limited_publish  # type: ignore[method-assign]


# --- the guard ----------------------------------------------------------------------------

_PATH_EVENTS = {
    # event: positions of the arguments that name a path being changed
    "os.remove": (0,),
    "os.rmdir": (0,),
    "os.mkdir": (0,),
    "os.rename": (0, 1),
    "os.link": (1,),
    "os.symlink": (1,),
    "os.chmod": (0,),
    "os.chown": (0,),
    "os.chflags": (0,),
    "os.lchflags": (0,),
    "os.truncate": (0,),
    "os.utime": (0,),
    "os.setxattr": (0,),
    "os.removexattr": (0,),
    "shutil.rmtree": (0,),
    "shutil.copyfile": (1,),
    "shutil.copytree": (1,),
    "shutil.chown": (0,),
    "shutil.make_archive": (0,),
    "shutil.unpack_archive": (1,),
}
_LIST_EVENTS = {"os.listdir", "os.scandir", "glob.glob", "glob.glob/2"}
_NETWORK = (
    "socket.connect",
    "socket.bind",
    "socket.sendto",
    "socket.sendmsg",
    "socket.getaddrinfo",
    "socket.gethostbyname",
    "socket.gethostbyaddr",
    "socket.getnameinfo",
    "urllib.Request",
    "http.client.connect",
    "ftplib.connect",
    "smtplib.connect",
    "imaplib.open",
    "poplib.connect",
    "nntplib.connect",
    "telnetlib.Telnet.open",
    "webbrowser.open",
)
_PROCESSES = (
    "subprocess.Popen",
    "os.system",
    "os.exec",
    "os.posix_spawn",
    "os.spawn",
    "os.fork",
    "os.forkpty",
    "pty.spawn",
    "os.startfile",
    "_posixsubprocess.fork_exec",
)
#: Extension modules that start processes without an audit event of their own: the
#: guard refuses to load them again, and :func:`_disarm_spawners` replaces their
#: functions in the kernel.
_RAW_SPAWNERS = {"_posixsubprocess": ("fork_exec",)}
_TAMPERING = (
    "resource.setrlimit",
    "resource.prlimit",
    "gc.get_objects",
    "gc.get_referrers",
    "gc.get_referents",
    "sys.remote_exec",
)


def _make_guard(
    write_roots: tuple[str, ...], private_roots: tuple[str, ...], mmap_limit: int
) -> Callable[[str, tuple[Any, ...]], None]:
    """Build the audit hook. Everything it needs is bound now, so later changes to
    ``os``, ``builtins`` or this module do not change what it allows."""
    realpath, join, getcwd, fsdecode = os.path.realpath, os.path.join, os.getcwd, os.fsdecode
    getpid, getpgrp = os.getpid, os.getpgrp
    is_instance, as_str, error, log = isinstance, str, PermissionError, BLOCKED_LOG.append
    write_flags = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC
    writable = tuple(r.rstrip("/") + "/" for r in write_roots)
    private = tuple(r.rstrip("/") + "/" for r in private_roots)
    path_events = dict(_PATH_EVENTS)
    network, processes, tampering = (
        frozenset(_NETWORK),
        frozenset(_PROCESSES),
        frozenset(_TAMPERING),
    )
    list_events = frozenset(_LIST_EVENTS)
    raw_spawners = frozenset(_RAW_SPAWNERS)
    devices = ("/dev/null", "/dev/zero", "/dev/urandom", "/dev/random")

    def resolve(path: Any) -> str | None:
        if is_instance(path, int) or path is None:
            return None
        try:
            return realpath(join(getcwd(), fsdecode(path)))
        except Exception:
            return "?"

    def inside(path: str, roots: tuple[str, ...]) -> bool:
        slashed = path + "/"
        return any(slashed.startswith(root) for root in roots)

    def refuse(what: str) -> None:
        message = f"{BLOCKED} {what} is not allowed while grading"
        log(message)
        raise error(message)

    def guard(event: str, args: tuple[Any, ...]) -> None:
        if event == "open":
            path = resolve(args[0])
            if path is None:
                return
            mode, flags = args[1], args[2]
            writing = (is_instance(mode, str) and any(c in mode for c in "wax+")) or (
                is_instance(flags, int) and flags & write_flags
            )
            if writing and not inside(path, writable) and path not in devices:
                refuse(f"writing outside the working copy ({path})")
            if private and inside(path, private):
                refuse(f"reading a private folder of the grader ({path})")
        elif event in path_events:
            for position in path_events[event]:
                if position < len(args):
                    path = resolve(args[position])
                    if path is not None and not inside(path, writable):
                        refuse(f"changing files outside the working copy ({event} {path})")
        elif event in list_events:
            path = resolve(args[0] if args else ".")
            if private and path is not None and inside(path, private):
                refuse(f"listing a private folder of the grader ({path})")
        elif event in network:
            refuse(f"network access ({event})")
        elif event in processes:
            refuse(f"starting a process ({event})")
        elif event == "import":
            # A fresh copy of a raw spawner would bring back the function it replaced;
            # the name (or a file of that name) is enough to refuse.
            name = as_str(args[0]).rpartition(".")[2] if args else ""
            origin = as_str(args[1]) if len(args) > 1 and args[1] is not None else ""
            if name in raw_spawners or any(s in origin for s in raw_spawners):
                refuse(f"starting a process (import {name or origin})")
        elif event in tampering or event.startswith("ctypes."):
            refuse(f"{event}")
        elif event in ("os.kill", "os.killpg"):
            if args and args[0] not in (getpid(), getpgrp(), 0):
                refuse(f"signalling another process ({event} {as_str(args[0])})")
        elif event == "mmap.__new__":
            if args and args[0] == -1 and args[1] > mmap_limit:
                refuse("a memory map larger than the memory limit")

    return guard


def _refusal(name: str) -> Callable[..., Any]:
    audit, error = sys.audit, PermissionError
    message = f"{BLOCKED} starting a process ({name}) is not allowed while grading"

    def refused(*args: Any, **kwargs: Any) -> Any:
        audit(name)  # the guard refuses (and logs) this event
        raise error(message)

    refused.__name__ = refused.__qualname__ = name.rpartition(".")[2]
    return refused


def _disarm_spawners() -> int:
    """Replace the functions of :data:`_RAW_SPAWNERS` with refusals, wherever they are bound.

    ``_posixsubprocess.fork_exec`` starts a process without raising an audit event
    (``subprocess.Popen`` raises one before calling it), so the guard alone cannot see a
    direct call. Every module attribute that holds it (``_posixsubprocess.fork_exec``,
    ``subprocess._fork_exec``, ...) gets a function that raises the audit event
    ``_posixsubprocess.fork_exec``, which the guard refuses. Run in the kernel before
    user code; returns how many bindings were replaced.
    """
    pairs: list[tuple[Any, Callable[..., Any]]] = []  # holds the originals until done
    for module_name, functions in _RAW_SPAWNERS.items():
        module = sys.modules.get(module_name)
        if module is None:
            try:
                module = __import__(module_name)
            except ImportError:
                continue
        for function in functions:
            original = getattr(module, function, None)
            if original is not None:
                pairs.append((original, _refusal(f"{module_name}.{function}")))
    replaced = 0
    for module in list(sys.modules.values()):
        namespace = getattr(module, "__dict__", None)
        if not isinstance(namespace, dict):
            continue
        for attribute, value in list(namespace.items()):
            for original, refusal in pairs:
                if value is original:
                    namespace[attribute] = refusal
                    replaced += 1
    return replaced


def _set_limits(memory_mb: int, cpu_seconds: int, file_mb: int) -> None:
    import resource

    def limit(which: int, value: int) -> None:
        _, hard = resource.getrlimit(which)
        if hard != resource.RLIM_INFINITY:
            value = min(value, hard)
        resource.setrlimit(which, (value, value))

    limit(resource.RLIMIT_DATA, memory_mb << 20)
    limit(resource.RLIMIT_CPU, cpu_seconds)
    limit(resource.RLIMIT_FSIZE, file_mb << 20)
    limit(resource.RLIMIT_CORE, 0)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m casekit.sandbox",
        description="A Jupyter kernel with limits and a guard, for grading (see casekit grade).",
    )
    parser.add_argument("--memory-mb", type=int, default=2048)
    parser.add_argument("--cpu-seconds", type=int, default=600)
    parser.add_argument("--file-mb", type=int, default=64)
    parser.add_argument("--output-kb", type=int, default=2000)
    parser.add_argument("--write-root", action="append", default=[], help="writable folder")
    parser.add_argument("--private", action="append", default=[], help="unreadable folder")
    parser.add_argument("--questions", action="append", default=[], help="extra question modules")
    parser.add_argument("-f", dest="connection_file", required=True)
    return parser


def main(argv: list[str] | None = None) -> None:
    """Start the grading kernel (this is what the kernel's command line runs)."""
    args = _parser().parse_args(argv)
    _set_limits(args.memory_mb, args.cpu_seconds, args.file_mb)

    import ctypes  # noqa: F401 - imported before the guard, which refuses ctypes afterwards

    from ipykernel.kernelapp import IPKernelApp

    import casekit.questions

    casekit.questions.__path__.extend(os.path.abspath(q) for q in args.questions)
    write_roots = tuple(os.path.realpath(r) for r in args.write_root) or (os.getcwd(),)
    private = tuple(os.path.realpath(p) for p in args.private)
    guard = _make_guard(write_roots, private, args.memory_mb << 20)

    class SandboxKernelApp(IPKernelApp):
        def initialize(self, argv: Any = None) -> None:
            super().initialize(argv)
            _record_calls()
            _limit_output(args.output_kb * 1000)
            _disarm_spawners()
            sys.addaudithook(guard)

    SandboxKernelApp.launch_instance(argv=["-f", args.connection_file])


#: How the grader starts this kernel (``-c`` rather than ``-m``, so that the module the
#: kernel runs is the same ``casekit.sandbox`` that ``collect`` later imports).
LAUNCH = "import casekit.sandbox as sandbox; sandbox.main()"

if __name__ == "__main__":
    main()
