"""casekit.phases: the service practices and elements by phase."""

from __future__ import annotations

import pytest

from casekit import phases


def test_every_practice_has_a_known_phase_and_a_reason() -> None:
    for frame, name in (
        (phases.service_practices(), "practice"),
        (phases.service_elements(), "element"),
    ):
        assert frame[name].is_unique
        assert set(frame["phase"]) <= set(phases.PHASES)
        assert list(frame["phase"].cat.categories) == list(phases.PHASES)
    assert phases.service_practices()["why"].str.len().min() > 10


def test_seed_practices_are_all_there() -> None:
    # The eleven retail practices and five service examples of the source notes (source 001).
    practices = phases.service_practices()
    assert (practices["source"] == "retail practices").sum() == 12  # installment plans split out
    assert (practices["source"] == "service examples").sum() == 5


@pytest.mark.parametrize(
    ("name", "phase"),
    [
        ("Written customer service policy", "pre-transaction"),
        ("order cycle time", "transaction"),
        ("  Free   alteration ", "post-transaction"),
        ("Free parking and valet parking", "pre-transaction"),
    ],
)
def test_phase_of(name: str, phase: str) -> None:
    assert phases.phase_of(name) == phase


def test_phase_of_unknown() -> None:
    with pytest.raises(ValueError, match="known names"):
        phases.phase_of("Free lunch")
    with pytest.raises(TypeError):
        phases.phase_of(3)
