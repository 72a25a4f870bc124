"""The ``casekit`` command.

Run ``casekit --help`` for the list of commands and ``casekit COMMAND --help`` for one.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import sys
from collections.abc import Sequence
from pathlib import Path

from casekit import notebooks

__all__ = ["main"]


def _cmd_exercises_build(args: argparse.Namespace) -> int:
    from casekit import exercises

    try:
        changed = exercises.build(args.solutions, args.exercises)
    except exercises.MarkerError as exc:
        print(f"casekit exercises build: {exc}. Nothing was written.", file=sys.stderr)
        return 2
    for path in changed:
        print(f"wrote {path}")
    print(f"{len(changed)} exercise notebook(s) changed.")
    return 0


def _cmd_exercises_check(args: argparse.Namespace) -> int:
    from casekit import exercises

    try:
        stale = exercises.out_of_date(args.solutions, args.exercises)
    except exercises.MarkerError as exc:
        print(f"casekit exercises check: {exc}", file=sys.stderr)
        return 2
    if stale:
        for path in stale:
            print(f"out of date: {path}")
        print("Run 'casekit exercises build' and commit the result.", file=sys.stderr)
        return 1
    print("exercises/ is up to date with solutions/.")
    return 0


def _cmd_notebooks_run(args: argparse.Namespace) -> int:
    from concurrent.futures import ProcessPoolExecutor

    from tqdm import tqdm

    paths = notebooks.course_notebooks(*args.folders)
    if not paths:
        print(f"casekit notebooks run: no notebooks under {args.folders}", file=sys.stderr)
        return 2
    failed = 0
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        futures = {path: pool.submit(notebooks.refresh, path) for path in paths}
        for path, future in tqdm(futures.items(), desc="notebooks", unit="nb"):
            try:
                future.result()
            except Exception as exc:
                failed += 1
                print(f"FAILED {path}: {exc}", file=sys.stderr)
    print(f"{len(paths) - failed} of {len(paths)} notebook(s) re-executed.")
    return 1 if failed else 0


def _cmd_doctor(args: argparse.Namespace) -> int:
    from casekit import doctor

    table = doctor.report()
    print(f"Python executable: {sys.executable}")
    width = int(table["item"].str.len().max())
    for item, found, ok in table.itertuples(index=False):
        print(f"{'ok ' if ok else 'NO '} {item:<{width}}  {found}")
    problems = int((~table["ok"]).sum())
    print("All good." if problems == 0 else f"{problems} problem(s) found.")
    return 0 if problems == 0 else 1


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the ``casekit`` command."""
    root = notebooks.root()
    run_help = "Re-execute the notebooks under FOLDER (default: notebooks solutions) in place."
    parser = argparse.ArgumentParser(
        prog="casekit",
        description="Tools for the casekit course on customer relationships and service.",
    )
    parser.add_argument(
        "--version", action="version", version=f"%(prog)s {importlib.metadata.version('casekit')}"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    ex = commands.add_parser(
        "exercises",
        help="build exercises/ from solutions/, or check that it is up to date",
        description="Exercises are generated from the solution notebooks (single source).",
    )
    ex_commands = ex.add_subparsers(dest="action", metavar="ACTION", required=True)
    for action, func, text in (
        ("build", _cmd_exercises_build, "write exercises/ from solutions/"),
        ("check", _cmd_exercises_check, "exit 1 if exercises/ is out of date"),
    ):
        sub = ex_commands.add_parser(action, help=text, description=text)
        sub.add_argument(
            "--solutions",
            type=Path,
            default=root / "solutions",
            help="folder of solution notebooks (default: %(default)s)",
        )
        sub.add_argument(
            "--exercises",
            type=Path,
            default=root / "exercises",
            help="folder of exercise notebooks (default: %(default)s)",
        )
        sub.set_defaults(func=func)

    nbs = commands.add_parser(
        "notebooks",
        help="re-execute notebooks in place so their stored outputs are current",
        description="Re-execute notebooks in a fresh kernel and store them, cleaned, in place.",
    )
    nb_commands = nbs.add_subparsers(dest="action", metavar="ACTION", required=True)
    run = nb_commands.add_parser(
        "run", help="re-execute the notebooks of some folders", description=run_help
    )
    run.add_argument("folders", nargs="*", default=["notebooks", "solutions"], metavar="FOLDER")
    run.add_argument("--jobs", type=int, default=2, help="notebooks at a time (default: 2)")
    run.set_defaults(func=_cmd_notebooks_run)

    doctor = commands.add_parser(
        "doctor",
        help="show the versions that matter and whether widgets and charts work",
        description="Show the versions that matter and whether widgets and charts work.",
    )
    doctor.set_defaults(func=_cmd_doctor)

    # The instructor's toolkit: each module adds its own sub-command(s).
    from casekit import cases, datasets, export, grading, release

    for module in (release, grading, export, datasets, cases):
        module.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``casekit`` command; return its exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
