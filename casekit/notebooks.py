"""Reading, cleaning, writing and executing the course's notebooks.

Everything that touches ``.ipynb`` files goes through here, so that the notebooks in the
repository are stored one way: nbformat 4, one cell per idea, no kernel-specific noise in
the metadata, and (for lessons and solutions) outputs produced by a fresh kernel.
"""

from __future__ import annotations

import copy
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import nbformat
from nbformat import NotebookNode

__all__ = [
    "KERNELSPEC",
    "clean",
    "course_notebooks",
    "execute",
    "read",
    "root",
    "strip_outputs",
    "to_text",
    "write",
]

#: The kernel every course notebook runs in.
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}

#: Cell metadata worth keeping; everything else (execution timings, papermill state,
#: collapsed/scrolled flags) is noise in a diff.
_CELL_KEYS = ("tags", "slideshow", "editable", "deletable", "casekit")
_NOTEBOOK_KEYS = ("casekit",)


def root() -> Path:
    """Return the course's top folder (the one holding ``notebooks/`` and ``casekit/``)."""
    return Path(__file__).resolve().parent.parent


def course_notebooks(*folders: str, base: Path | None = None) -> list[Path]:
    """Return every ``.ipynb`` under the given top-level folders, sorted.

    Parameters
    ----------
    *folders : str
        Folder names relative to ``base``, e.g. ``"notebooks", "solutions"``.
        Defaults to the three notebook folders of the course.
    base : Path, optional
        The course's top folder; defaults to :func:`root`.
    """
    base = root() if base is None else Path(base)
    folders = folders or ("notebooks", "solutions", "exercises")
    found: list[Path] = []
    for folder in folders:
        found.extend(
            p for p in (base / folder).rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts
        )
    return sorted(found)


def read(path: str | os.PathLike[str]) -> NotebookNode:
    """Read a notebook (nbformat 4) from ``path``."""
    return nbformat.read(os.fspath(path), as_version=4)


def to_text(nb: NotebookNode) -> str:
    """Serialise a notebook exactly as the repository stores it."""
    return nbformat.writes(nb) + "\n"


def write(nb: NotebookNode, path: str | os.PathLike[str]) -> None:
    """Write ``nb`` to ``path`` atomically (a half-written notebook is never left)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = to_text(nb)
    with tempfile.NamedTemporaryFile(
        "w", encoding="utf-8", dir=path.parent, suffix=".tmp", delete=False
    ) as handle:
        handle.write(text)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(handle.name, 0o666 & ~umask)  # a temporary file starts private; make it normal
    os.replace(handle.name, path)


def clean(nb: NotebookNode) -> NotebookNode:
    """Return a copy of ``nb`` with only the metadata worth storing.

    Keeps cell tags and slide metadata, the course's own ``casekit`` metadata and a
    standard Python 3 kernelspec; drops papermill and execution records and the saved
    widget state (widgets are rebuilt when the notebook runs). A widget's output keeps
    a short text, :data:`WIDGET_PLACEHOLDER`, that says how to bring it back.
    """
    nb = copy.deepcopy(nb)
    nb.metadata = NotebookNode(
        {k: nb.metadata[k] for k in _NOTEBOOK_KEYS if k in nb.metadata}
        | {"kernelspec": dict(KERNELSPEC), "language_info": {"name": "python"}}
    )
    for cell in nb.cells:
        kept = {k: cell.metadata[k] for k in _CELL_KEYS if k in cell.metadata}
        cell.metadata = NotebookNode(kept)
        if cell.cell_type == "code":
            cell.outputs = [_clean_output(o) for o in cell.outputs]
    nbformat.validate(nb)
    return nb


#: What a saved notebook shows where a widget was, until its cell is run again.
WIDGET_PLACEHOLDER = "Interactive widget: run the notebook's cells in JupyterLab to use it."
_WIDGET_MIMETYPE = "application/vnd.jupyter.widget-view+json"


def _clean_output(output: NotebookNode) -> NotebookNode:
    data = output.get("data", {})
    if _WIDGET_MIMETYPE in data:
        # The widget's state is not saved, so its Python repr would be all a reader sees.
        data["text/plain"] = WIDGET_PLACEHOLDER
    if "metadata" in output:
        output.metadata = NotebookNode(
            {k: v for k, v in output.metadata.items() if k != "papermill"}
        )
    return output


def strip_outputs(nb: NotebookNode) -> NotebookNode:
    """Return a copy of ``nb`` without outputs or execution counts."""
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    return nb


def execute(
    path: str | os.PathLike[str],
    *,
    parameters: Mapping[str, Any] | None = None,
    timeout: int = 600,
    output_path: str | os.PathLike[str] | None = None,
) -> NotebookNode:
    """Run a notebook top to bottom in a fresh kernel and return the executed copy.

    The kernel's working folder is the notebook's own folder, as in JupyterLab. The
    original file is left untouched unless ``output_path`` points at it.

    Parameters
    ----------
    path : path-like
        The notebook to run.
    parameters : mapping, optional
        Values for the notebook's ``parameters`` cell (papermill injects them after it).
    timeout : int
        Seconds any one cell may take.
    output_path : path-like, optional
        Where to save the executed notebook; by default a temporary file that is removed.

    Raises
    ------
    papermill.PapermillExecutionError
        If a cell raises; the message names the cell and the error.
    """
    import papermill

    path = Path(path).resolve()
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(output_path) if output_path is not None else Path(tmp) / path.name
        papermill.execute_notebook(
            str(path),
            str(target),
            parameters=dict(parameters or {}),
            kernel_name="python3",
            cwd=str(path.parent),
            progress_bar=False,
            execution_timeout=timeout,
        )
        return read(target)


def refresh(path: str | os.PathLike[str], *, timeout: int = 600) -> None:
    """Re-execute a notebook in a fresh kernel and store it, cleaned, in place."""
    executed = execute(path, timeout=timeout)
    write(clean(executed), path)
