"""Notebooks are stored clean: no kernel noise, outputs only where they belong."""

from __future__ import annotations

from pathlib import Path

import pytest

from casekit import notebooks

ROOT = notebooks.root()
ALL = notebooks.course_notebooks()
STORED_WITH_OUTPUTS = notebooks.course_notebooks("notebooks", "solutions")


def _id(path: Path) -> str:
    return str(path.relative_to(ROOT))


@pytest.mark.parametrize("path", ALL, ids=_id)
def test_stored_clean(path: Path) -> None:
    nb = notebooks.read(path)
    assert notebooks.to_text(notebooks.clean(nb)) == path.read_text(encoding="utf-8"), (
        "metadata noise: run 'make notebooks' (or casekit.notebooks.clean) before committing"
    )


@pytest.mark.parametrize("path", notebooks.course_notebooks("exercises"), ids=_id)
def test_exercises_have_no_outputs(path: Path) -> None:
    nb = notebooks.read(path)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.outputs == [] and c.execution_count is None for c in code)


@pytest.mark.parametrize("path", STORED_WITH_OUTPUTS, ids=_id)
def test_lessons_and_solutions_keep_outputs(path: Path) -> None:
    nb = notebooks.read(path)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code, "a notebook without code"
    counts = [c.execution_count for c in code]
    assert None not in counts, "some cells were never run: run 'make notebooks'"
    assert counts == list(range(1, len(code) + 1)), "outputs come from one top-to-bottom run"


@pytest.mark.parametrize("path", ALL, ids=_id)
def test_conventions(path: Path) -> None:
    nb = notebooks.read(path)
    first = nb.cells[0]
    assert first.cell_type == "markdown" and first.source.lstrip().startswith("# "), (
        "the first cell is a markdown title"
    )
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1, "exactly one code cell tagged 'parameters'"
    assert tagged[0].cell_type == "code"
    text = "\n".join(c.source for c in nb.cells)
    assert "/work/" not in text and "/root/" not in text and "/home/" not in text


def test_clean_gives_widgets_a_helpful_placeholder() -> None:
    from nbformat.v4 import new_code_cell, new_notebook, new_output

    view = {"model_id": "abc", "version_major": 2, "version_minor": 0}
    output = new_output(
        "execute_result",
        data={
            "application/vnd.jupyter.widget-view+json": view,
            "text/plain": "RetentionExplorer(children=(FloatSlider(value=0.8, ...",
        },
        execution_count=1,
    )
    nb = new_notebook(cells=[new_code_cell("w", outputs=[output], execution_count=1)])
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    cleaned = notebooks.clean(nb)
    data = cleaned.cells[0].outputs[0]["data"]
    assert data["text/plain"] == notebooks.WIDGET_PLACEHOLDER
    assert data["application/vnd.jupyter.widget-view+json"] == view
    assert "widgets" not in cleaned.metadata


@pytest.mark.parametrize("path", STORED_WITH_OUTPUTS, ids=_id)
def test_key_outputs_are_compared(path: Path) -> None:
    """nbval compares the stored output of cells with a '# NBVAL_CHECK_OUTPUT' line (on any
    line, as nbval reads it); each lesson and solution marks at least one cell that has an
    output to compare."""
    nb = notebooks.read(path)
    marked = [
        c
        for c in nb.cells
        if c.cell_type == "code"
        and any(line.strip() == "# NBVAL_CHECK_OUTPUT" for line in c.source.splitlines())
    ]
    assert marked, "mark the cells with the notebook's key numbers '# NBVAL_CHECK_OUTPUT'"
    assert any(c.outputs for c in marked), "the marked cells have no stored output"
