"""Slides and a static web version of the course, both readable offline.

``casekit export slides NOTEBOOK``
    A reveal.js deck in one HTML file. reveal.js itself is vendored in
    ``casekit/static/reveal`` (version, licence and hashes in its README) and inlined, so
    the deck needs no network and no server: double-click it. Press S for the speaker
    view, which shows the lesson's instructor notes.

``casekit export html``
    The whole course as static pages (start page, lessons, cases) with a navigation bar
    on every page, readable from the file system without a Jupyter server.

Both use the outputs stored in the notebooks (lessons are stored executed; ``--execute``
runs them first). Every chart is stored with a static SVG picture beside its interactive
Vega spec (see :mod:`casekit.charts`); the exports show the picture. Formulas written in
LaTeX (``$...$``, ``$$...$$``) are converted to MathML, which browsers draw without
MathJax. A widget is shown as a note to open the notebook in JupyterLab.

Which cells become which slides
-------------------------------
If a cell carries slide metadata (``slideshow.slide_type``, as set in JupyterLab's
property inspector), it is kept. Otherwise:

* a markdown cell starting with a ``#`` or ``##`` heading starts a new slide, ``###``
  and deeper a sub-slide (reveal.js's vertical slides);
* a markdown cell that follows a code cell's output starts a sub-slide, so that prose,
  code and result stay together on one screen;
* a code cell with a chart starts a sub-slide and shows the chart without its code (tag
  the cell ``show-input`` to show the code);
* code cells that only set up (no output, or tagged ``parameters``, ``setup`` or
  ``skip-slide``) are left out; tag any cell ``hide-input`` to show only its output;
* cells tagged ``instructor``, and passages of a markdown cell between the instructor
  note markers, become speaker notes. A deck file carries them, so before sharing a deck
  with students export it with ``--no-notes`` (the command warns when a deck has notes).

The HTML site leaves instructor notes out (see :mod:`casekit.release`).
"""

from __future__ import annotations

import copy
import html
import os
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nbformat import NotebookNode

from casekit import notebooks, release

__all__ = [
    "SETUP_TAGS",
    "Page",
    "html_site",
    "notebook_html",
    "prepare",
    "slides",
    "tex_to_mathml",
]

TEMPLATES = Path(__file__).resolve().parent / "templates"
REVEAL = Path(__file__).resolve().parent / "static" / "reveal"

#: Tags of code cells that are left out of slides.
SETUP_TAGS = frozenset({"parameters", "injected-parameters", "setup", "skip-slide"})

_WIDGET = "application/vnd.jupyter.widget-view+json"
_SVG = "image/svg+xml"
_IMAGES = (_SVG, "image/png", "image/jpeg")
_WIDGET_NOTE = (
    '<div class="casekit-widget">Interactive widget: open this notebook in JupyterLab to '
    "move its controls.</div>"
)
_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s")
_MATH = re.compile(
    r"(?P<code>```.*?```|`[^`\n]*`)"  # code is left alone
    r"|\$\$(?P<block>.+?)\$\$"
    r"|(?<![\\$\w])\$(?P<inline>[^\s$](?:[^$\n]*?[^\s\\$])?)\$(?![\w$])",
    re.DOTALL,
)

_CSS = """
.casekit-nav { position: sticky; top: 0; z-index: 10; display: flex; flex-wrap: wrap;
  gap: 0.2em 1.2em; align-items: baseline; padding: 0.6em 1.2em; background: #0b3d5c;
  font-family: Helvetica, Arial, sans-serif; font-size: 15px; }
.casekit-nav a { color: #ffffff; text-decoration: none; }
.casekit-nav a:hover { text-decoration: underline; }
.casekit-nav a.current { font-weight: bold; border-bottom: 2px solid #E69F00; }
.casekit-nav .casekit-home { font-weight: bold; margin-right: 0.8em; }
.casekit-nav .casekit-group { color: #9ecae1; }
body.casekit-page { margin: 0; padding: 0; }
.casekit-page main { max-width: 1100px; margin: 0 auto; padding: 1em 1.5em 3em; }
.casekit-footer { max-width: 1100px; margin: 0 auto; padding: 1em 1.5em; color: #666;
  font: 13px Helvetica, Arial, sans-serif; border-top: 1px solid #ddd; }
.casekit-widget { padding: 0.6em 0.9em; border: 1px dashed #0072B2; color: #0b3d5c;
  background: #f3f8fc; font-family: Helvetica, Arial, sans-serif; }
math[display="block"] { margin: 0.6em 0; font-size: 1.15em; }
.jp-RenderedSVG img, .jp-RenderedImage img { max-width: 100%; height: auto; }
.casekit-slides .reveal .slides section:not(.stack) { height: 100%; overflow-y: auto; }
.casekit-slides .reveal .slides { text-align: left; }
.casekit-slides .jp-RenderedSVG img { max-height: 640px; }
"""


# --- turning a notebook into something static -------------------------------------------


def tex_to_mathml(text: str) -> str:
    """Replace ``$...$`` and ``$$...$$`` in markdown ``text`` with MathML.

    Code spans and fenced code are left alone, and so is a ``$`` that is not math (a
    price such as "$5 and $7" has spaces or digits around its dollars, which math does
    not). A formula the converter cannot read stays as it was.
    """
    from latex2mathml.converter import convert

    def replace(match: re.Match[str]) -> str:
        if match.group("code") is not None:
            return match.group(0)
        block = match.group("block")
        tex = block if block is not None else match.group("inline")
        if block is None and re.fullmatch(r"[\d.,]+", tex.strip()):
            return match.group(0)
        try:
            return convert(tex.strip(), display="block" if block is not None else "inline")
        except Exception:
            return match.group(0)

    return _MATH.sub(replace, text)


def _has_chart(cell: NotebookNode) -> bool:
    return any(
        any(kind in output.get("data", {}) for kind in _IMAGES)
        for output in cell.get("outputs", [])
    )


def _tags(cell: NotebookNode) -> set[str]:
    return set(cell.get("metadata", {}).get("tags", []))


def _add_tag(cell: NotebookNode, tag: str) -> None:
    tags = list(cell.metadata.get("tags", []))
    if tag not in tags:
        cell.metadata["tags"] = [*tags, tag]


def _static_outputs(cell: NotebookNode) -> None:
    """Widgets become a note; a chart keeps only its static picture."""
    for output in cell.get("outputs", []):
        data = output.get("data")
        if not data:
            continue
        if _WIDGET in data:
            output["data"] = {"text/html": _WIDGET_NOTE}
        elif _SVG in data:
            output["data"] = {_SVG: data[_SVG], "text/plain": data.get("text/plain", "Chart")}


def _slide_type(cell: NotebookNode, index: int, after_output: bool) -> str:
    tags = _tags(cell)
    if release.INSTRUCTOR_TAG in tags:
        return "notes"
    if cell.cell_type == "code" and (tags & SETUP_TAGS or not cell.get("outputs")):
        return "skip"
    if "slideshow" in cell.metadata and cell.metadata.slideshow.get("slide_type"):
        return str(cell.metadata.slideshow["slide_type"])
    if index == 0:
        return "slide"
    if cell.cell_type == "markdown":
        heading = _HEADING.match(cell.source)
        if heading:
            return "slide" if len(heading.group(1)) <= 2 else "subslide"
        return "subslide" if after_output else "-"
    if cell.cell_type == "code" and _has_chart(cell):
        return "subslide"
    return "-"


def _passages_as_notes(cell: NotebookNode, name: str) -> list[NotebookNode]:
    """A markdown cell with instructor passages: the cell without them, then a cell of
    speaker notes holding them (so a note never shows on the slide itself)."""
    if cell.cell_type != "markdown" or release.is_instructor_cell(cell):
        return [cell]
    try:
        kept, notes = release.split_instructor_passages(cell.source, name)
    except release.MarkerError as exc:
        raise ValueError(str(exc)) from None
    if not notes:
        return [cell]
    note = copy.deepcopy(cell)
    note.source = notes
    note.metadata["tags"] = [*note.metadata.get("tags", []), release.INSTRUCTOR_TAG]
    note.metadata.pop("slideshow", None)
    if "id" in note:
        note["id"] = f"{cell.get('id', 'cell')}-notes"[:64]
    if not kept.strip():
        return [note]
    cell.source = kept
    return [cell, note]


def prepare(nb: NotebookNode, *, for_slides: bool, name: str = "notebook") -> NotebookNode:
    """Return a copy of ``nb`` ready for a static export.

    Formulas become MathML, widgets a note, charts their SVG picture. For the HTML site,
    instructor notes are removed; for slides, each cell gets its slide type (see the
    module's docstring), set-up cells are dropped and instructor notes become speaker
    notes.
    """
    nb = copy.deepcopy(nb)
    if not for_slides:
        nb = release.strip_instructor_notes(nb, name)
    else:
        nb.cells = [part for cell in nb.cells for part in _passages_as_notes(cell, name)]
    kept = []
    after_output = False
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown":
            cell.source = tex_to_mathml(cell.source)
        _static_outputs(cell)
        if for_slides:
            authored = bool(cell.metadata.get("slideshow", {}).get("slide_type"))
            kind = _slide_type(cell, index, after_output)
            if kind == "skip":
                continue
            after_output = cell.cell_type == "code" and bool(cell.get("outputs"))
            cell.metadata["slideshow"] = {"slide_type": kind}
            if (
                cell.cell_type == "code"
                and _has_chart(cell)
                and "show-input" not in _tags(cell)
                and not authored
            ):
                _add_tag(cell, "hide-input")
        kept.append(cell)
    nb.cells = kept
    return nb


def _exporter(kind: str) -> Any:
    from nbconvert import HTMLExporter, SlidesExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    cls = SlidesExporter if kind == "slides" else HTMLExporter
    exporter = cls(
        template_name=f"casekit_{kind}",
        extra_template_basedirs=[str(TEMPLATES)],
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
        sanitize_html=False,
    )
    exporter.register_preprocessor(
        TagRemovePreprocessor(
            remove_input_tags={"hide-input", "remove-input"},
            remove_cell_tags={"remove-cell"},
        ),
        enabled=True,
    )
    return exporter


def _inline_js(path: Path) -> str:
    return path.read_text(encoding="utf-8").replace("</script", "<\\/script")


def _read(path: Path) -> NotebookNode:
    """Read and validate a notebook; anything that is not one is a one-line ValueError."""
    import nbformat

    try:
        nb = notebooks.read(path)
        nbformat.validate(nb)
    except OSError:
        raise
    except Exception as exc:  # not JSON, not a notebook, a damaged notebook: nbformat varies
        reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        reason = reason if len(reason) <= 120 else reason[:117] + "..."
        raise ValueError(f"{path} is not a readable notebook ({reason})") from None
    return nb


def _load(path: Path, execute: bool) -> NotebookNode:
    nb = _read(path)
    return notebooks.execute(path) if execute else nb


def slides(
    notebook: str | os.PathLike[str],
    out: str | os.PathLike[str] | None = None,
    *,
    execute: bool = False,
    notes: bool = True,
    progress: bool = False,
) -> Path:
    """Write a notebook's reveal.js slides to one offline HTML file; return its path.

    Parameters
    ----------
    notebook : path-like
        The lesson (or case) notebook.
    out : path-like, optional
        The HTML file to write; by default ``<notebook name>.slides.html`` in the
        current folder.
    execute : bool
        Run the notebook in a fresh kernel first instead of using its stored outputs.
    notes : bool
        Keep instructor notes as speaker notes (the default, for the instructor's own
        deck); False leaves them out, for a deck that students may get.
    progress : bool
        Show a progress bar (reading or running the notebook, rendering, writing).
    """
    from tqdm import tqdm

    path = Path(notebook)
    nb = _read(path)  # a file that is not a notebook fails before the bar appears
    with tqdm(total=3, desc="slides", unit="step", disable=not progress) as bar:
        bar.set_postfix_str("running the notebook" if execute else "preparing")
        nb = notebooks.execute(path) if execute else nb
        if not notes:
            try:
                nb = release.strip_instructor_notes(nb, str(path))
            except release.MarkerError as exc:
                raise ValueError(str(exc)) from None
        nb = prepare(nb, for_slides=True, name=str(path))
        bar.update()
        bar.set_postfix_str("rendering")
        body = _slides_html(nb, path)
        bar.update()
        bar.set_postfix_str("writing")
        target = Path(out) if out is not None else Path(f"{path.stem}.slides.html")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(body, encoding="utf-8")
        bar.update()
    return target


def _slides_html(nb: NotebookNode, path: Path) -> str:
    resources = {
        "metadata": {"name": _title(nb, path)},
        "casekit": {
            "reveal_js": _inline_js(REVEAL / "reveal.js"),
            "notes_js": _inline_js(REVEAL / "notes.js"),
            "reveal_css": (REVEAL / "reveal.css").read_text(encoding="utf-8"),
            "theme_css": (REVEAL / "white.css").read_text(encoding="utf-8"),
            "css": _CSS,
        },
    }
    body, _ = _exporter("slides").from_notebook_node(nb, resources=resources)
    return body


# --- the static site ------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    """One page of the static site."""

    source: Path
    target: str  # path of the HTML file, relative to the site's folder
    title: str
    group: str  # "start", "extras" (unnumbered, like the data tour), "lessons" or "cases"


def _title(nb: NotebookNode, path: Path) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                match = re.match(r"^#\s+(.+)$", line.strip())
                if match:
                    return re.sub(r"[*_`]", "", match.group(1)).strip()
    return path.stem.replace("_", " ")


def _pages(root: Path) -> list[Page]:
    pages = []
    for path in notebooks.course_notebooks("notebooks", base=root):
        relative = path.relative_to(root / "notebooks")
        if release.is_excluded(relative):
            continue
        title = _title(_read(path), path)
        if relative.parts[0] == "cases":
            pages.append(Page(path, relative.with_suffix(".html").as_posix(), title, "cases"))
        elif path.stem.startswith("00"):
            pages.append(Page(path, "index.html", title, "start"))
        elif not path.stem[:1].isdigit():
            pages.append(Page(path, relative.with_suffix(".html").as_posix(), title, "extras"))
        else:
            pages.append(Page(path, relative.with_suffix(".html").as_posix(), title, "lessons"))
    return pages


def _relative(target: str, current: str) -> str:
    return os.path.relpath(target, os.path.dirname(current) or ".").replace(os.sep, "/")


#: Navigation labels of unnumbered pages whose title is too long for the bar.
_NAV_LABELS = {"datasets_tour": "Data tour"}


def _nav(pages: Sequence[Page], current: Page) -> str:
    def link(page: Page, label: str, cls: str = "") -> str:
        classes = " ".join(c for c in (cls, "current" if page == current else "") if c)
        attr = f' class="{classes}"' if classes else ""
        href = html.escape(_relative(page.target, current.target))
        return f'<a href="{href}"{attr}>{html.escape(label)}</a>'

    parts = []
    start = [p for p in pages if p.group == "start"]
    if start:
        parts.append(link(start[0], "casekit · Start here", "casekit-home"))
    for page in (p for p in pages if p.group == "extras"):
        parts.append(link(page, _NAV_LABELS.get(page.source.stem, _short(page.title))))
    lessons = [p for p in pages if p.group == "lessons"]
    for page in lessons:
        number = page.source.stem.split("_")[0]
        parts.append(link(page, f"{number} {_short(page.title)}"))
    cases = [p for p in pages if p.group == "cases"]
    if cases:
        parts.append('<span class="casekit-group">Cases:</span>')
        parts.extend(link(page, _short(page.title)) for page in cases)
    return f'<nav class="casekit-nav" aria-label="Course">{"".join(parts)}</nav>'


def _short(title: str) -> str:
    title = re.sub(r"^(Exercises\s+)?\d+\w?\s*[·:.-]\s*", "", title)
    return title if len(title) <= 40 else title[:37].rstrip() + "…"


def _rewrite_links(body: str, page: Page, pages: Sequence[Page], root: Path) -> str:
    """Point links between notebooks at their pages (``02_clv.ipynb`` -> ``02_clv.html``)."""
    by_source = {p.source.resolve(): p for p in pages}

    def replace(match: re.Match[str]) -> str:
        href = html.unescape(match.group(2))
        base, _, anchor = href.partition("#")
        if "://" in base or not base.endswith(".ipynb"):
            return match.group(0)
        target = by_source.get((page.source.parent / base).resolve())
        if target is None:
            return match.group(0)
        new = _relative(target.target, page.target) + (f"#{anchor}" if anchor else "")
        return f"{match.group(1)}{html.escape(new)}{match.group(3)}"

    return re.sub(r'(href=")([^"]+)(")', replace, body)


def notebook_html(nb: NotebookNode, *, title: str, nav: str = "", footer: str = "") -> str:
    """One static HTML page of a (prepared) notebook."""
    resources = {
        "metadata": {"name": title},
        "casekit": {"css": _CSS, "nav": nav, "footer": footer},
    }
    body, _ = _exporter("html").from_notebook_node(nb, resources=resources)
    return body


def html_site(
    out: str | os.PathLike[str],
    *,
    root: str | os.PathLike[str] | None = None,
    execute: bool = False,
    progress: bool = True,
) -> list[Path]:
    """Write the course as static HTML pages to ``out``; return the pages written.

    The start page (``notebooks/00_*.ipynb``) becomes ``index.html``, each lesson
    ``NN_slug.html`` and each case ``cases/<name>.html``; every page has a navigation
    bar to all the others, and links between notebooks point at their pages.

    Parameters
    ----------
    out : path-like
        The site's folder (created; existing pages are replaced).
    root : path-like, optional
        The course folder; defaults to :func:`casekit.notebooks.root`.
    execute : bool
        Run each notebook first instead of using its stored outputs.
    progress : bool
        Show a progress bar.
    """
    from tqdm import tqdm

    root = notebooks.root() if root is None else Path(root)
    out = Path(out)
    pages = _pages(root)
    if not pages:
        raise ValueError(f"root must hold notebooks in notebooks/, found none under {root}")
    footer = (
        "casekit · a course on customer relationships and customer service · static "
        "export: open the notebooks in JupyterLab to run the code and move the widgets."
    )
    written = []
    for page in tqdm(pages, desc="html", unit="page", disable=not progress):
        nb = prepare(_load(page.source, execute), for_slides=False, name=str(page.source))
        body = notebook_html(nb, title=page.title, nav=_nav(pages, page), footer=footer)
        body = _rewrite_links(body, page, pages, root)
        target = out / page.target
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(body, encoding="utf-8")
        written.append(target)
    return written


# --- command line --------------------------------------------------------------------------


def _cmd_slides(args: Any) -> int:
    try:
        target = slides(
            args.notebook, args.out, execute=args.execute, notes=args.notes, progress=True
        )
        count = release.count_instructor_notes(_read(Path(args.notebook))) if args.notes else 0
    except (OSError, ValueError) as exc:
        print(f"casekit export slides: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {target} (open it in a browser; press S for speaker notes)")
    if count:
        print(
            f"casekit export slides: warning: the deck carries {count} instructor note(s) as "
            "speaker notes; do not share it with students (export with --no-notes for that)",
            file=sys.stderr,
        )
    return 0


def _cmd_html(args: Any) -> int:
    try:
        written = html_site(args.out, root=args.course, execute=args.execute)
    except (OSError, ValueError) as exc:
        print(f"casekit export html: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {len(written)} page(s) to {args.out}; start at {Path(args.out) / 'index.html'}")
    return 0


def register(commands: Any) -> None:
    """Add ``casekit export slides|html`` to the ``casekit`` command's sub-commands."""
    root = notebooks.root()
    parser = commands.add_parser(
        "export",
        help="reveal.js slides of a lesson, or the whole course as static HTML (offline)",
        description=(
            "Export lessons for class and for reading: reveal.js slides or a static web "
            "site. Both work offline, from the file system, with every chart."
        ),
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    deck = actions.add_parser(
        "slides",
        help="a lesson's reveal.js slides in one offline HTML file",
        description=(
            "Write a notebook's reveal.js slides to one HTML file that works offline "
            "(reveal.js is inlined). Headings start slides, charts get their own, set-up "
            "code is left out, instructor notes become speaker notes (press S) unless "
            "--no-notes is given."
        ),
    )
    deck.add_argument("notebook", type=Path, metavar="NOTEBOOK", help="the notebook to show")
    deck.add_argument(
        "--out", type=Path, help="the HTML file to write (default: NOTEBOOK.slides.html here)"
    )
    deck.add_argument(
        "--execute", action="store_true", help="run the notebook first (default: stored outputs)"
    )
    deck.add_argument(
        "--no-notes",
        dest="notes",
        action="store_false",
        help="leave instructor notes out (for a deck students may get; default: speaker notes)",
    )
    deck.set_defaults(func=_cmd_slides)
    site = actions.add_parser(
        "html",
        help="the course as static HTML pages with a navigation bar",
        description=(
            "Write the start page, every lesson and every case as static HTML pages with a "
            "navigation bar, readable without a Jupyter server or a network. Instructor "
            "notes are left out."
        ),
    )
    site.add_argument(
        "--out", type=Path, default=Path("site"), help="the folder to write (default: %(default)s)"
    )
    site.add_argument(
        "--course",
        type=Path,
        default=root,
        help="the course folder (default: %(default)s)",
    )
    site.add_argument(
        "--execute", action="store_true", help="run every notebook first (default: stored outputs)"
    )
    site.set_defaults(func=_cmd_html)
