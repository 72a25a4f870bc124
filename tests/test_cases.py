"""The case studies: variant data, per-student notebooks, answer sheets, and every case run.

Variant data are checked against a second route to the same tables: the committed files
(seed 2024) and the world generator followed by the files' own writer and reader (any
other seed). Every case's worksheet is executed for its default seed and three others
and must answer every question correctly. The answer sheet of a class of thirty is checked
against the values the worksheet's own code computes with each student's seed (run in this
process), and one student's against the worksheet run in a fresh kernel.
"""

from __future__ import annotations

import csv
import math
import pickle
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from casekit import cases, checks, datasets, notebooks, release, service, world
from casekit.cases import cedar_lane, variants
from tests.test_notebooks import errors, verdicts

ROOT = notebooks.root()
CASE_NAMES = sorted(cases.CASES)
#: Seeds other than the course's own that every case is run with.
OTHER_SEEDS = (1, 7, 99)


# --- variant data ---------------------------------------------------------------------------


@pytest.mark.parametrize("company", ["kestrel", "harbor", "cedar"])
def test_the_default_seed_gives_the_committed_tables(company: str) -> None:
    tables = cases.company_tables(company, datasets.DEFAULT_SEED)
    assert sorted(tables) == datasets.names(company)
    for name, frame in tables.items():
        pd.testing.assert_frame_equal(frame, datasets.load(name))


def test_a_variant_is_what_generate_would_write(tmp_path: Path) -> None:
    # Second route: the whole world from the seed, written and read back by casekit.datasets.
    frames = world.build(7)
    for company in ("kestrel", "harbor", "cedar"):
        for name in datasets.names(company):
            datasets.write_table(frames[name], name, tmp_path)
            pd.testing.assert_frame_equal(
                cases.load(name, seed=7), datasets.load(name, directory=tmp_path)
            )


def test_variants_differ_from_the_course_data_and_from_each_other() -> None:
    counts = {seed: len(cases.load("kestrel_orders", seed)) for seed in (2024, 1, 7)}
    assert len(set(counts.values())) == 3
    names = {seed: set(cases.load("harbor_members", seed)["name"].head(20)) for seed in (1, 7)}
    assert names[1] != names[7]


def test_load_returns_fresh_copies() -> None:
    first = cases.load("kestrel_accounts", 7)
    first.loc[0, "account_name"] = "changed"
    assert cases.load("kestrel_accounts", 7).loc[0, "account_name"] != "changed"


@pytest.mark.parametrize(
    ("name", "seed", "error"),
    [
        ("cdnow_sample", 7, ValueError),
        ("no_such_table", 7, ValueError),
        ("kestrel_orders", -1, ValueError),
        ("kestrel_orders", 1.5, TypeError),
        ("kestrel_orders", True, TypeError),
    ],
)
def test_load_rejects_what_has_no_variant(name: str, seed: object, error: type) -> None:
    with pytest.raises(error, match=r"name|seed"):
        cases.load(name, seed=seed)


# --- Cedar Lane: the phones, with the calls abandoned ------------------------------------------


def _cedar_quarter_phone_calls(contacts: pd.DataFrame) -> pd.DataFrame:
    return contacts[
        (contacts["channel"] == "phone")
        & (contacts["timestamp"] >= cedar_lane.QUARTER_START)
        & (contacts["timestamp"].dt.year == cedar_lane.YEAR)
    ]


def test_cedar_story_quotes_monday_abandonment_and_the_wait_of_the_calls_answered() -> None:
    calls = _cedar_quarter_phone_calls(datasets.load("cedar_service_contacts"))
    monday = calls["timestamp"].dt.day_of_week == 0
    # Second route: counts of calls by Monday or not and by outcome, and sums of waits.
    counts = pd.crosstab(monday, calls["abandoned"])
    answered = calls[~calls["abandoned"]]
    waits = answered.groupby(monday[~calls["abandoned"]])["wait_seconds"].agg(["sum", "count"])
    facts = cedar_lane.facts(datasets.DEFAULT_SEED)
    for key, is_monday in (("monday", True), ("other", False)):
        row = counts.loc[is_monday]
        assert facts[f"{key}_abandoned"] == pytest.approx(row[True] / row.sum())
        assert facts[f"{key}_wait"] == pytest.approx(
            waits.loc[is_monday, "sum"] / waits.loc[is_monday, "count"]
        )
    # The planted Monday peak against a flat rota: far more Monday callers give up.
    assert facts["monday_abandoned"] > 2 * facts["other_abandoned"]
    story = cases.story("cedar_lane", datasets.DEFAULT_SEED)
    assert f"{facts['monday_abandoned']:.0%} of Monday callers hung up" in story


def test_cedar_staffing_takes_the_handle_time_the_answered_calls_really_take(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Second route: the same world with nobody hanging up. Abandonment is drawn last, so
    # the calls are the same, each with the handle time it would have taken.
    monkeypatch.setattr(
        world.cedar_lane, "_abandon", lambda rng, contacts: contacts.assign(abandoned=False)
    )
    patient = _cedar_quarter_phone_calls(
        world.build(datasets.DEFAULT_SEED)["cedar_service_contacts"]
    )
    logged = _cedar_quarter_phone_calls(datasets.load("cedar_service_contacts"))
    assert list(patient["contact_id"]) == list(logged["contact_id"])
    true_handle = patient["handle_seconds"].mean()
    # An abandoned call's handle time of 0 would make the calls look about 30 s shorter.
    assert logged["handle_seconds"].mean() < true_handle - 20
    params = variants.parameters("cedar_lane")
    arrivals = service.hourly_arrivals(patient, timestamp="timestamp").reindex(
        index=cedar_lane.PHONE_ROTA.index, columns=cedar_lane.PHONE_ROTA.columns, fill_value=0.0
    )
    plan = service.staffing_plan(
        arrivals.to_numpy().ravel(),
        true_handle,
        target=params["target"],
        answer_time=params["answer_time"],
        shrinkage=params["shrinkage"],
        cost_per_agent_hour=params["cost_per_agent_hour"],
    )
    level = service.service_level(
        cedar_lane.PHONE_ROTA.to_numpy(),
        service.offered_load(arrivals.to_numpy(), true_handle),
        true_handle,
        params["answer_time"],
    )
    expected = variants.answers("cedar_lane", params)
    assert expected["q9"] == plan["agents"].sum()
    assert expected["q8"] == pytest.approx((level < params["target"]).mean())


# --- seeds and rosters ----------------------------------------------------------------------


def test_variant_seeds_are_stable_distinct_and_never_the_course_seed() -> None:
    case = CASE_NAMES[0]
    seeds = [cases.variant_seed(case, f"s{i:03d}") for i in range(500)]
    assert seeds == [cases.variant_seed(case, f"s{i:03d}") for i in range(500)]
    assert datasets.DEFAULT_SEED not in seeds
    assert len(set(seeds)) > 495  # a hash: collisions are rare, and assign_seeds resolves them
    assert cases.variant_seed(case, "s001", salt="2025-T1") != cases.variant_seed(case, "s001")
    with pytest.raises(ValueError, match="student"):
        cases.variant_seed(case, "  ")
    with pytest.raises(ValueError, match="case"):
        cases.variant_seed("no_such_case", "s001")


def test_assign_seeds_resolves_collisions(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cases, "variant_seed", lambda case, student, salt="": 2023)
    seeds = variants.assign_seeds(CASE_NAMES[0], ["a", "b", "c"])
    assert list(seeds.values()) == [2023, 2025, 2026]  # 2024 is the course's own data


@pytest.mark.parametrize("header", ["student_id", "Student", "email", "ID"])
def test_read_roster_accepts_the_usual_id_columns(tmp_path: Path, header: str) -> None:
    path = tmp_path / "roster.csv"
    path.write_text(f"{header},name\nann,Ann Lee\n bo ,Bo Tan\n", encoding="utf-8")
    roster = variants.read_roster(path)
    assert roster.to_dict("list") == {"student_id": ["ann", "bo"], "name": ["Ann Lee", "Bo Tan"]}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("name\nAnn\n", "needs a column"),
        ("student_id\nann\nann\n", "twice"),
        ("student_id,name\n,Ann\n", "line 2"),
        ("", "needs a column"),
    ],
)
def test_read_roster_names_the_problem(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "roster.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        variants.read_roster(path)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (1234.5678, "1234.57"),
        (0.123456, "0.1235"),
        (3, "3"),
        ({"b", "a"}, "a; b"),
        (pd.Series({"x": 0.5, "y": 150.0}), "x: 0.5000; y: 150.00"),
        (True, "yes"),
        ("Calamba", "Calamba"),
    ],
)
def test_format_answer(value: object, text: str) -> None:
    assert variants.format_answer(value) == text


# --- a class's variants ------------------------------------------------------------------------


def _roster(tmp_path: Path, n: int) -> Path:
    path = tmp_path / "roster.csv"
    lines = ["student_id,name"] + [f"s{i:03d},Student {i}" for i in range(1, n + 1)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _sheet(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.notebook
@pytest.mark.parametrize("case", CASE_NAMES)
def test_a_class_of_thirty_gets_thirty_distinct_variants_and_a_true_answer_sheet(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    result = variants.write_variants(case, _roster(tmp_path, 30), out)
    assert len(result.notebooks) == 30 and all(p.exists() for p in result.notebooks)
    assert result.answer_sheet.name == f"{case}_answer_sheet.csv"
    rows = _sheet(result.answer_sheet)
    assert [r["student_id"] for r in rows] == [f"s{i:03d}" for i in range(1, 31)]
    assert len({r["seed"] for r in rows}) == 30
    assert str(datasets.DEFAULT_SEED) not in {r["seed"] for r in rows}
    questions = [q for q in checks.load_questions(case).values() if q.kind != "free"]
    numbers = [q.id for q in questions if q.kind == "number"]
    assert len({tuple(r[q] for q in numbers) for r in rows}) == 30, "same story, new numbers"
    # Each notebook is that student's: their seed, their name, their story, no notes.
    for row, path in zip(rows, result.notebooks, strict=True):
        nb = notebooks.read(path)
        params = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
        assert f"seed = {row['seed']}" in params.source
        assert row["name"] in nb.cells[0].source
        story = next(c for c in nb.cells if variants.STORY_TAG in c.metadata.get("tags", []))
        expected = cases.story(case, **(variants.parameters(case) | {"seed": int(row["seed"])}))
        assert story.outputs[0]["data"]["text/markdown"] == expected
    # The release scan keeps the answer sheet away from students, and only it.
    problems = release.scan(out)
    assert [p.path for p in problems] == [result.answer_sheet.name]
    # Every answer on the sheet is what the solution computes with that student's seed.
    checked = [q.id for q in questions]
    wrong = {}
    for row in rows:
        values = _solution_answers(case, int(row["seed"]), checked)
        wrong |= {
            (row["student_id"], q): (row[q], values[q])
            for q in checked
            if not _same(row[q], values[q])
        }
    capsys.readouterr()  # the verdicts the solutions printed
    assert wrong == {}


def _solution_answers(case: str, seed: int, questions: list[str]) -> dict[str, object]:
    """Run the case's solution code in this process with ``seed``; return its answers.

    The second route to every answer on the sheet: the worksheet's own code, not the
    checks' functions. (A fresh kernel per student would take minutes for a class; the
    kernel route is tested below for a few seeds.)
    """
    nb = notebooks.read(ROOT / "solutions" / "cases" / f"{case}.ipynb")
    namespace: dict[str, object] = {"__name__": f"solution_{case}"}
    for cell in (c for c in nb.cells if c.cell_type == "code"):
        exec(compile(cell.source, f"solutions/cases/{case}.ipynb", "exec"), namespace)
        if "parameters" in cell.metadata.get("tags", []):
            namespace["seed"] = seed
    done = checks.results()
    assert sorted(done) == sorted(checks.load_questions(case))
    assert all(r.done for r in done.values()), {q: r.status for q, r in done.items()}
    return {q: _plain(namespace[q]) for q in questions}


def test_write_variants_refuses_a_folder_in_use(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "old.txt").write_text("x")
    with pytest.raises(ValueError, match="already holds files"):
        variants.write_variants(CASE_NAMES[0], _roster(tmp_path, 2), out)


def test_the_cli_writes_variants(tmp_path: Path) -> None:
    from casekit import cli

    out = tmp_path / "out"
    status = cli.main(
        [
            "cases",
            "variants",
            CASE_NAMES[0],
            "--students",
            str(_roster(tmp_path, 2)),
            "--out",
            str(out),
        ]
    )
    assert status == 0
    assert (out / f"{CASE_NAMES[0]}_answer_sheet.csv").exists()
    assert (
        cli.main(
            ["cases", "variants", CASE_NAMES[0], "--students", "missing.csv", "--out", str(out)]
        )
        == 2
    )


# --- every case runs, for its default seed and for others ------------------------------------

#: A last cell that stores the answer variables, as they are, for the test to read.
_HARVEST = """
import pickle as _pickle
with open(%r, "wb") as _handle:
    _pickle.dump({_q: globals()[_q] for _q in %r}, _handle)
"""


def _run_solution(case: str, seed: int, tmp_path: Path, harvest: list[str] | None = None):
    path = ROOT / "solutions" / "cases" / f"{case}.ipynb"
    answers = tmp_path / f"{case}-{seed}.pickle"
    if harvest:  # a copy with one more cell that stores the answer variables
        nb = notebooks.read(path)
        nb.cells.append(nbformat.v4.new_code_cell(_HARVEST % (str(answers), harvest)))
        path = tmp_path / f"{case}-{seed}.ipynb"
        notebooks.write(nb, path)
    executed = notebooks.execute(path, parameters={"seed": seed})
    assert errors(executed) == []
    found = verdicts(executed)
    assert set(found) == set(checks.load_questions(case))
    assert all(v[-1] in checks.DONE for v in found.values()), found
    if not harvest:
        return None
    with answers.open("rb") as handle:
        return {q: _plain(v) for q, v in pickle.load(handle).items()}


@pytest.mark.notebook
@pytest.mark.parametrize("seed", OTHER_SEEDS)
@pytest.mark.parametrize("case", CASE_NAMES)
def test_every_case_runs_and_passes_its_checks_for_other_seeds(
    case: str, seed: int, tmp_path: Path
) -> None:
    _run_solution(case, seed, tmp_path)


def _plain(value: object) -> object:
    """An answer in a form the sheet can be compared with: floats, text, sorted lists, dicts."""
    if hasattr(value, "to_dict"):
        return {str(k): float(x) for k, x in value.to_dict().items()}
    if isinstance(value, (set, frozenset)):
        return sorted(map(str, value))
    if isinstance(value, str):
        return value
    return float(value)


@pytest.mark.notebook
@pytest.mark.parametrize("seed", OTHER_SEEDS)
@pytest.mark.parametrize("case", CASE_NAMES)
def test_every_case_notebook_runs_and_tells_its_variants_story(case: str, seed: int) -> None:
    executed = notebooks.execute(
        ROOT / "notebooks" / "cases" / f"{case}.ipynb", parameters={"seed": seed}
    )
    assert errors(executed) == []
    story = next(c for c in executed.cells if variants.STORY_TAG in c.metadata.get("tags", []))
    expected = cases.story(case, **(variants.parameters(case) | {"seed": seed}))
    assert story.outputs[0]["data"]["text/markdown"] == expected


def _same(sheet: str, value: object) -> bool:
    if isinstance(value, float):
        return math.isclose(float(sheet), value, rel_tol=1e-6, abs_tol=6e-3)
    if isinstance(value, list):
        return sheet.split("; ") == value
    if isinstance(value, dict):
        pairs = dict(item.split(": ") for item in sheet.split("; "))
        return pairs.keys() == value.keys() and all(_same(pairs[k], value[k]) for k in value)
    return sheet == value


@pytest.mark.notebook
@pytest.mark.parametrize("case", CASE_NAMES)
def test_the_answer_sheet_matches_the_worksheet_run_in_a_fresh_kernel(
    case: str, tmp_path: Path
) -> None:
    result = variants.write_variants(case, _roster(tmp_path, 1), tmp_path / "out")
    checked = [q.id for q in checks.load_questions(case).values() if q.kind != "free"]
    for row in _sheet(result.answer_sheet):
        values = _run_solution(case, int(row["seed"]), tmp_path, harvest=checked)
        wrong = {q: (row[q], values[q]) for q in checked if not _same(row[q], values[q])}
        assert wrong == {}


@pytest.mark.notebook
def test_a_students_notebook_runs_with_every_check_not_attempted(tmp_path: Path) -> None:
    result = variants.write_variants(CASE_NAMES[0], _roster(tmp_path, 1), tmp_path / "out")
    executed = notebooks.execute(result.notebooks[0])
    assert errors(executed) == []
    statuses = {s for values in verdicts(executed).values() for s in values}
    assert statuses == {"not attempted"}
