"""casekit.export: slides and the static site work offline and show every chart and lesson."""

from __future__ import annotations

import re
from pathlib import Path

import altair as alt
import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from casekit import charts, export, notebooks, release
from casekit.cli import main

ROOT = notebooks.root()
LESSONS = notebooks.course_notebooks("notebooks")
NOTE = "Planted finding: complaints double on Mondays."

# Anything that would make a page fetch a resource from elsewhere (links to read more
# are fine; scripts, style sheets, images, frames and CSS imports are not).
_REMOTE = re.compile(
    r"<script[^>]*\ssrc=|<link[^>]*\shref=|<(img|iframe|source|video|audio)[^>]*\ssrc=\"(?!data:)"
    r"|@import|url\(\s*['\"]?(https?:)?//",
    re.IGNORECASE,
)


def _remote(page: str) -> list[str]:
    # Inline scripts are the vendored reveal.js; their strings are not page resources.
    page = re.sub(r"(<script[^>]*>).*?(</script>)", r"\1\2", page, flags=re.DOTALL)
    return [m.group(0) for m in _REMOTE.finditer(page)]


def _is_chart(output: dict) -> bool:
    kinds = output.get("data", {})
    return "image/svg+xml" in kinds or any(k.startswith("application/vnd.vega") for k in kinds)


def _chart_outputs(nb) -> int:
    """Charts stored in a notebook: a Vega or Vega-Lite bundle, an SVG picture, or both."""
    return sum(_is_chart(o) for c in nb.cells for o in c.get("outputs", []))


def _charts_on(page: str) -> int:
    found = r'class="jp-RenderedSVG[^"]*"[^>]*>\s*<img alt="[^"]+" src="data:image/svg'
    return len(re.findall(found, page))


def _chart_output() -> dict:
    chart = (
        alt.Chart(pd.DataFrame({"year": [1, 2, 3], "customers": [100, 160, 190]}))
        .mark_line()
        .encode(x=alt.X("year:O", title="Year"), y=alt.Y("customers:Q", title="Customers"))
        .properties(title="Customers by year")
    )
    return new_output("display_data", data=charts.render(chart.to_dict()))


@pytest.fixture
def course(tmp_path: Path) -> Path:
    """A course of a start page, two lessons (one with a chart and a widget) and a case."""
    root = tmp_path / "course"
    chart = new_code_cell("chart", outputs=[_chart_output()])
    widget = new_code_cell(
        "explorer",
        outputs=[
            new_output(
                "display_data",
                data={
                    "application/vnd.jupyter.widget-view+json": {"model_id": "x"},
                    "text/plain": "VBox()",
                },
            )
        ],
    )
    lesson = new_notebook(
        cells=[
            new_markdown_cell("# 01 · Retention\n\nA customer stays $\\frac{1}{1-r}$ years."),
            new_code_cell("years = 10", metadata={"tags": ["parameters"]}),
            new_code_cell("import casekit"),
            new_markdown_cell("## The base\n\nIt grows. Next: [lesson 02](02_clv.ipynb#top)."),
            chart,
            new_markdown_cell("What the chart shows.\n\n$$CLV = m \\cdot T$$"),
            widget,
            new_markdown_cell(f"## Instructor note\n\n{NOTE}", metadata={"tags": ["instructor"]}),
            new_code_cell("print(1)", outputs=[new_output("stream", text="1\n")]),
        ]
    )
    notebooks.write(lesson, root / "notebooks" / "01_retention.ipynb")
    notebooks.write(
        new_notebook(cells=[new_markdown_cell("# 02 · CLV\n\nPrices: $5 and $7.")]),
        root / "notebooks" / "02_clv.ipynb",
    )
    notebooks.write(
        new_notebook(cells=[new_markdown_cell("# 00 · Start here\n\n[Go](01_retention.ipynb)")]),
        root / "notebooks" / "00_start_here.ipynb",
    )
    case = new_notebook(
        cells=[
            new_markdown_cell("# Harbor Spa\n\nThe story."),
            new_markdown_cell(f"{release.NOTE_BEGIN}\n{NOTE}\n{release.NOTE_END}\nDecide."),
            new_code_cell("chart", outputs=[_chart_output()]),
        ]
    )
    notebooks.write(case, root / "notebooks" / "cases" / "harbor_spa.ipynb")
    return root


def test_site_of_a_course(course: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    written = export.html_site(out, root=course, progress=False)
    pages = sorted(p.relative_to(out).as_posix() for p in written)
    assert pages == ["01_retention.html", "02_clv.html", "cases/harbor_spa.html", "index.html"]
    lesson = (out / "01_retention.html").read_text()
    assert _charts_on(lesson) == 1 and "Customers by year" in lesson
    assert lesson.count("<math") == 2 and 'display="block"' in lesson
    assert "open this notebook in JupyterLab" in lesson and "VBox()" not in lesson
    assert NOTE not in lesson
    assert lesson.count("jp-Cell jp-CodeCell") == 5, "the web page keeps all the code"
    assert 'href="02_clv.html#top"' in lesson
    assert "Prices: $5 and $7." in (out / "02_clv.html").read_text()
    case = (out / "cases" / "harbor_spa.html").read_text()
    assert NOTE not in case and "Decide." in case and _charts_on(case) == 1
    for page in written:
        text = page.read_text()
        assert _remote(text) == [], page
        links = re.findall(r"<nav[^>]*casekit-nav[^>]*>.*?</nav>", text, re.DOTALL)[0]
        targets = re.findall(r'href="([^"]+)"', links)
        assert len(targets) == 4
        for target in targets:
            assert (page.parent / target).resolve().exists(), (page, target)


def test_the_data_tour_comes_after_the_start_page(course: Path, tmp_path: Path) -> None:
    tour = new_notebook(cells=[new_markdown_cell("# A tour of the course's data\n\nTables.")])
    notebooks.write(tour, course / "notebooks" / "datasets_tour.ipynb")
    export.html_site(tmp_path / "site", root=course, progress=False)
    page = (tmp_path / "site" / "datasets_tour.html").read_text()
    nav = re.findall(r"<nav[^>]*casekit-nav[^>]*>.*?</nav>", page, re.DOTALL)[0]
    labels = re.findall(r"<a [^>]*>([^<]+)</a>", nav)
    assert labels == [
        "casekit · Start here",
        "Data tour",
        "01 Retention",
        "02 CLV",
        "Harbor Spa",
    ]
    current = re.findall(r'<a [^>]*class="current"[^>]*>([^<]+)</a>', nav)
    assert current == ["Data tour"]


def test_slides_of_a_lesson(course: Path, tmp_path: Path) -> None:
    target = export.slides(course / "notebooks" / "01_retention.ipynb", tmp_path / "s.html")
    deck = target.read_text()
    assert _remote(deck) == []
    assert "reveal.js 5.2" in deck and "Reveal.initialize" in deck and "RevealNotes" in deck
    assert "Hakim El Hattab" in deck, "the licence notice travels with the deck"
    assert _charts_on(deck) == 1
    assert '<aside class="notes">' in deck and NOTE in deck
    assert "years = 10" not in deck and "import casekit" not in deck, "set-up code is hidden"
    assert ">chart<" not in deck, "a chart is shown without its code"
    assert "print" in deck and deck.count("<math") == 2
    assert len(re.findall(r"<section", deck)) >= 3


def _outside_notes(deck: str) -> str:
    return re.sub(r'<aside class="notes">.*?</aside>', "", deck, flags=re.DOTALL)


def test_note_passages_become_speaker_notes_not_slide_text(course: Path, tmp_path: Path) -> None:
    case = course / "notebooks" / "cases" / "harbor_spa.ipynb"
    deck = export.slides(case, tmp_path / "case.html").read_text()
    assert NOTE in deck and NOTE not in _outside_notes(deck), "only in the speaker notes"
    assert "Decide." in _outside_notes(deck)
    bare = export.slides(case, tmp_path / "bare.html", notes=False).read_text()
    assert NOTE not in bare and "Decide." in bare and '<aside class="notes">' not in bare


def test_slides_warn_about_notes_or_leave_them_out(
    course: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lesson = course / "notebooks" / "01_retention.ipynb"
    assert main(["export", "slides", str(lesson), "--out", str(tmp_path / "a.html")]) == 0
    assert "warning: the deck carries 1 instructor note(s)" in capsys.readouterr().err
    assert NOTE in (tmp_path / "a.html").read_text()
    argv = ["export", "slides", str(lesson), "--out", str(tmp_path / "b.html"), "--no-notes"]
    assert main(argv) == 0
    assert "warning" not in capsys.readouterr().err
    assert NOTE not in (tmp_path / "b.html").read_text()
    plain = course / "notebooks" / "02_clv.ipynb"
    assert main(["export", "slides", str(plain), "--out", str(tmp_path / "c.html")]) == 0
    assert "warning" not in capsys.readouterr().err


def test_prepare_respects_authored_slide_metadata(course: Path) -> None:
    nb = notebooks.read(course / "notebooks" / "01_retention.ipynb")
    nb.cells[4].metadata["slideshow"] = {"slide_type": "fragment"}
    nb.cells[4].metadata["tags"] = ["show-input"]
    prepared = export.prepare(nb, for_slides=True)
    types = {c.source: c.metadata.slideshow["slide_type"] for c in prepared.cells}
    assert types["chart"] == "fragment"
    assert "hide-input" not in next(c for c in prepared.cells if c.source == "chart").metadata.tags
    assert "years = 10" not in types and "import casekit" not in types


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_slides_of_every_course_notebook(path: Path, tmp_path: Path) -> None:
    deck = export.slides(path, tmp_path / "deck.html").read_text()
    assert _remote(deck) == []
    assert _charts_on(deck) == _chart_outputs(notebooks.read(path))


def test_a_chart_that_lost_its_picture_is_counted_missing(course: Path, tmp_path: Path) -> None:
    path = course / "notebooks" / "01_retention.ipynb"
    nb = notebooks.read(path)
    output = nb.cells[4].outputs[0]
    del output["data"]["image/svg+xml"]  # a Vega bundle only, as a kernel without SVG leaves it
    notebooks.write(nb, path)
    deck = export.slides(path, tmp_path / "deck.html").read_text()
    assert _chart_outputs(nb) == 1 and _charts_on(deck) == 0


def test_site_of_the_course_has_every_lesson_and_chart(tmp_path: Path) -> None:
    out = tmp_path / "site"
    written = export.html_site(out, progress=False)
    assert len(written) == len(LESSONS)
    for path in LESSONS:
        relative = path.relative_to(ROOT / "notebooks")
        page = out / ("index.html" if path.stem.startswith("00") else relative.with_suffix(".html"))
        text = page.read_text()
        assert _remote(text) == [], page
        nb = release.strip_instructor_notes(notebooks.read(path))
        assert _charts_on(text) == _chart_outputs(nb), page
        assert export._title(nb, path) in text.replace("&amp;", "&")
        if any("$" in c.source for c in nb.cells if c.cell_type == "markdown"):
            assert "<math" in text, page


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Prices: $5 and $7.", "Prices: $5 and $7."),
        ("Code `x = $a$` stays.", "Code `x = $a$` stays."),
        ("```\n$$x$$\n```", "```\n$$x$$\n```"),
        ("Cost $2.50$ flat", "Cost $2.50$ flat"),
    ],
)
def test_tex_to_mathml_leaves_non_math_alone(text: str, expected: str) -> None:
    assert export.tex_to_mathml(text) == expected


def test_tex_to_mathml_converts_inline_and_block() -> None:
    out = export.tex_to_mathml("Keep $r$ high: $$\\frac{1}{1-r}$$ years.")
    assert out.startswith("Keep <math") and 'display="inline"' in out
    assert '<math xmlns="http://www.w3.org/1998/Math/MathML" display="block">' in out
    assert "<mfrac>" in out and out.endswith(" years.")
    assert "$" not in out


def test_command_line(course: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lesson = course / "notebooks" / "01_retention.ipynb"
    assert main(["export", "slides", str(lesson), "--out", str(tmp_path / "d.html")]) == 0
    assert (tmp_path / "d.html").exists()
    assert "slides: 100%" in capsys.readouterr().err, "a progress bar"
    site = tmp_path / "site"
    assert main(["export", "html", "--out", str(site), "--course", str(course)]) == 0
    assert (site / "index.html").exists()
    assert main(["export", "slides", str(tmp_path / "missing.ipynb")]) == 2
    for argv in (["export"], ["export", "slides"], ["export", "html"]):
        with pytest.raises(SystemExit) as info:
            main([*argv, "--help"])
        assert info.value.code == 0
    assert "offline" in capsys.readouterr().out


@pytest.mark.parametrize(
    "text",
    [
        "this is not a notebook {",
        "{}",
        "[1, 2]",
        '{"cells": 3, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}',
    ],
    ids=["not JSON", "empty object", "a list", "cells not a list"],
)
def test_bad_input_is_one_clear_line(
    course: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str
) -> None:
    bad = tmp_path / "bad.ipynb"
    bad.write_text(text, encoding="utf-8")
    assert main(["export", "slides", str(bad), "--out", str(tmp_path / "d.html")]) == 2
    error = capsys.readouterr().err
    assert error.startswith(f"casekit export slides: {bad} is not a readable notebook (")
    assert error.count("\n") == 1 and "Traceback" not in error
    (course / "notebooks" / "03_broken.ipynb").write_text(text, encoding="utf-8")
    assert main(["export", "html", "--out", str(tmp_path / "site"), "--course", str(course)]) == 2
    error = capsys.readouterr().err
    assert (
        error.startswith("casekit export html: ") and "03_broken.ipynb is not a readable" in error
    )
    assert error.count("\n") == 1
