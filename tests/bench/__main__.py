"""Run every benchmark module and print one table: ``python -m tests.bench [FILTER]``."""

from __future__ import annotations

import importlib
import pkgutil
import sys

import tests.bench as package
from tests.bench.timing import Result


def main(argv: list[str]) -> int:
    wanted = argv[0] if argv else ""
    results: list[Result] = []
    for module in sorted(m.name for m in pkgutil.iter_modules(package.__path__)):
        if not module.startswith("bench_") or wanted not in module:
            continue
        print(f"running {module} ...", file=sys.stderr, flush=True)
        results.extend(importlib.import_module(f"tests.bench.{module}").run())
    width = max((len(r.name) for r in results), default=10)
    print(f"{'benchmark':<{width}}  {'seconds':>9}  {'aim':>7}  verdict  detail")
    for r in results:
        aim = "" if r.aim is None else f"{r.aim:7.3f}"
        print(f"{r.name:<{width}}  {r.seconds:9.4f}  {aim:>7}  {r.verdict:<7}  {r.detail}")
    slow = [r for r in results if r.verdict == "SLOW"]
    print(f"\n{len(results)} figures, {len(slow)} above their aim.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
