"""Names that carry digits are not quantities: a reviewer must not be offered "19" for
COVID-19, and such a sentence is not typed `quantity` for it."""

from __future__ import annotations

import pytest

from claims.extraction import score_sentence
from claims.extraction.quantities import find_quantities


@pytest.mark.parametrize(
    "sentence",
    [
        "COVID-19 spread quickly through the care homes.",
        "Scientists sequenced SARS-CoV-2 from the samples.",
        "The G7 leaders met in Italy.",
        "Boeing 737 jets were grounded after the incident.",
        "The F-35 programme is over budget.",
        "Operators are rolling out 5G across the region.",
        "PM2.5 pollution is worst in winter.",
        "The H5N1 strain was found on two farms.",
    ],
)
def test_a_name_with_digits_is_not_a_quantity(sentence: str) -> None:
    assert find_quantities(sentence) == ()
    assert score_sentence(sentence).kind != "quantity"


def test_the_figures_beside_a_name_are_kept() -> None:
    found = find_quantities("COVID-19 deaths rose 20% in 2021, to 5 million, among 737 wards.")
    assert [q.text for q in found] == ["20%", "5 million", "737"]
    assert find_quantities("Roughly 200 protesters gathered.")[0].value == 200
    assert find_quantities("Nearly 30 others were hurt.")[0].value == 30
