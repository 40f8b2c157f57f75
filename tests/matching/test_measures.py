"""Which measure a figure gives, and when two figures conflict (claims.matching.measures).

Every quantity comes from the extractor's own parser, placed at an article offset, so the
tests exercise the input the app stores (`dataclasses.asdict` of each Quantity).
"""

from __future__ import annotations

import time
from dataclasses import asdict

import pytest

from claims.extraction.quantities import find_quantities
from claims.matching.measures import (
    Measure,
    conflicting,
    imply_scopes,
    measures,
    same_measure,
)

# Claims sit somewhere inside an article: offsets must be taken relative to the claim.
CLAIM_START = 1_234


def parse(sentence: str) -> list[Measure]:
    quantities = [asdict(q) for q in find_quantities(sentence, CLAIM_START)]
    return measures(sentence, quantities, CLAIM_START)


def only(sentence: str) -> Measure:
    found = parse(sentence)
    assert len(found) == 1, found
    return found[0]


# --- tariffs: scope is the figure's own clause --------------------------------------------


def test_each_figure_takes_the_countries_of_its_own_clause() -> None:
    canada, china = parse(
        "The White House paused the 25% tariff on Canadian and Mexican imports but left the "
        "20% tariff on Chinese products in place."
    )
    assert (canada.noun, canada.unit, canada.scope) == (
        "tariff",
        "percent",
        frozenset({"canada", "mexico"}),
    )
    assert (china.value, china.scope) == (20.0, frozenset({"china"}))
    assert not same_measure(canada, china)
    assert not conflicting(canada, china)  # different countries: no conflict, whatever the values


def test_goods_are_the_scope_not_a_country_named_elsewhere() -> None:
    m = only(
        "Beijing protested after a 50% tariff on steel and aluminum imports from every "
        "trading partner took effect."
    )
    assert m.noun == "tariff"
    assert m.scope == frozenset({"steel", "aluminum"})


def test_same_country_different_rate_conflicts() -> None:
    a = only("Exporters now pay a 30% tariff on Chinese goods entering American ports.")
    b = only("Washington set the levy on goods from China at 54%, officials said.")
    assert a.scope == b.scope == frozenset({"china"})
    assert same_measure(a, b)
    assert conflicting(a, b)


def test_an_upper_bound_below_the_figure_conflicts() -> None:
    bound = only("The administration warned of tariffs of up to 120 % on Chinese electronics.")
    assert bound.qualifier == "up to"
    assert bound.value_text == "up to 120 %"
    assert bound.scope == frozenset({"china", "electronics"})
    flat = only("Importers face a 145% tariff on Chinese electronics this spring.")
    assert same_measure(bound, flat)
    assert conflicting(bound, flat)
    within = only("Importers face a 100% tariff on Chinese electronics this spring.")
    assert not conflicting(bound, within)  # "up to 120" allows 100


def test_spacing_of_the_percent_sign_is_not_a_conflict() -> None:
    a = only("Shipping firms said the 145% tariff on Chinese goods halted orders.")
    b = only("A 145 % tariff on Chinese goods would end most trade, the report found.")
    assert a.value == b.value == 145.0
    assert same_measure(a, b)
    assert not conflicting(a, b)


def test_who_imposes_a_tariff_is_not_who_pays_it() -> None:
    on_us = only("Beijing answered with a 34% tariff on American farm products.")
    on_china = only("Washington raised its tariff on Chinese farm products to 34%.")
    assert on_us.scope == frozenset({"united states", "agriculture"})
    assert on_china.scope == frozenset({"china", "agriculture"})
    assert not same_measure(on_us, on_china)
    # With no target named, the imposer is kept apart from a target: "by china" is not "china".
    retaliation = only("China announced an 84% tariff in retaliation on Friday.")
    assert retaliation.scope == frozenset({"by china"})


def test_figures_sharing_one_noun_share_its_scope() -> None:
    old, new = parse("Ottawa raised duties on American steel from 10% to 25% overnight.")
    assert old.noun == new.noun == "tariff"
    assert old.scope == new.scope == frozenset({"united states", "steel"})
    assert conflicting(old, new)


def test_a_list_of_figures_keeps_each_its_country() -> None:
    japan, korea = parse("The order sets a 24% tariff on Japanese cars and 25% on Korean cars.")
    assert japan.scope == frozenset({"japan", "autos"})
    assert korea.scope == frozenset({"south korea", "autos"})


# --- names of countries -------------------------------------------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        "The unemployment rate in China reached 5.3% in February.",
        "Chinese unemployment reached 5.3% in February.",
        "Beijing's unemployment rate reached 5.3% in February.",
        "The PRC's jobless rate reached 5.3% in February.",
    ],
)
def test_country_names_demonyms_and_capitals_normalise_alike(sentence: str) -> None:
    m = only(sentence)
    assert (m.noun, m.unit, m.scope, m.value) == (
        "unemployment rate",
        "percent",
        frozenset({"china"}),
        5.3,
    )


@pytest.mark.parametrize(
    "sentence",
    [
        "The U.S. unemployment rate was 4.1% last month.",
        "American unemployment was 4.1% last month.",
        "Unemployment in the United States was 4.1% last month.",
    ],
)
def test_united_states_from_any_of_its_names(sentence: str) -> None:
    assert only(sentence).scope == frozenset({"united states"})


def test_lower_case_us_is_a_pronoun_not_a_country() -> None:
    m = only("Tell us why unemployment stayed at 4% all year.")
    assert m.scope == frozenset()


# --- units and values ---------------------------------------------------------------------


def test_currency_and_scale_are_normalised() -> None:
    a = only("Congress approved $1.2 billion in aid for the flood region.")
    b = only("Lawmakers signed off on 1,200 million dollars in aid for the flood region.")
    assert (a.unit, a.value) == (b.unit, b.value) == ("usd", 1.2e9)
    assert same_measure(a, b)
    assert not conflicting(a, b)
    c = only("Congress approved $1.5 billion in aid for the flood region.")
    assert conflicting(a, c)


def test_rounding_to_fewer_digits_is_not_a_conflict() -> None:
    rounded = only("The ministry issued 1.2 trillion yuan in special bonds.")
    exact = only("The ministry issued 1,234 billion yuan in special bonds.")
    assert rounded.unit == exact.unit == "cny"
    assert same_measure(rounded, exact)
    assert not conflicting(rounded, exact)  # 1,234 billion rounds to 1.2 trillion


def test_basis_points_and_percentage_points_compare() -> None:
    bps = only("The central bank cut its policy rate by 25 basis points.")
    pts = only("The central bank cut its policy rate by 0.25 percentage points.")
    assert bps.unit == pts.unit == "percentage points"
    assert bps.value == pytest.approx(pts.value)
    assert same_measure(bps, pts)
    assert not conflicting(bps, pts)


def test_a_range_agrees_with_any_value_inside_it() -> None:
    band = only("Analysts expect a tariff of 25%-50% on Brazilian coffee.")
    assert band.qualifier == "range"
    assert (band.value, band.value_to) == (25.0, 50.0)
    inside = only("Roasters are bracing for a 40% tariff on Brazilian coffee.")
    outside = only("Roasters are bracing for a 60% tariff on Brazilian coffee.")
    assert same_measure(band, inside)
    assert not conflicting(band, inside)
    assert conflicting(band, outside)


def test_about_allows_a_few_percent() -> None:
    about = only("Officials said about 100 people were killed in the landslide.")
    count = only("Rescuers confirmed 98 people were killed in the landslide.")
    assert about.qualifier == "about"
    assert about.noun == count.noun == "deaths"
    assert about.unit == count.unit == "count"
    assert not conflicting(about, count)
    far = only("Rescuers confirmed 80 people were killed in the landslide.")
    assert conflicting(about, far)


def test_at_least_and_more_than_are_lower_bounds() -> None:
    least = only("The storm killed at least 40 people along the coast.")
    assert least.qualifier == "at least"
    higher = only("The storm killed 52 people along the coast.")
    lower = only("The storm killed 30 people along the coast.")
    assert not conflicting(least, higher)
    assert conflicting(least, lower)


def test_a_fall_and_a_rise_of_the_same_size_conflict() -> None:
    down = only("The Nasdaq fell 2.1% on Tuesday.")
    up = only("The Nasdaq rose 2.1% on Tuesday.")
    assert down.noun == up.noun == "index change"
    assert down.scope == frozenset({"nasdaq"})
    assert (down.value, up.value) == (-2.1, 2.1)
    assert conflicting(down, up)


def test_a_level_is_not_a_change() -> None:
    level = only("Unemployment in Spain rose to 11.2% in the spring.")
    change = only("Unemployment in Spain rose 1.2% in the spring.")
    assert level.noun == "unemployment rate"
    assert change.noun == "unemployment rate change"
    assert not same_measure(level, change)


def test_same_value_of_different_things_are_different_measures() -> None:
    jobless = only("Unemployment in Canada climbed to 10% during the downturn.")
    tariff = only("Canada imposed a 10% tariff on Chinese steel during the downturn.")
    assert jobless.value == tariff.value == 10.0
    assert jobless.key != tariff.key
    assert not same_measure(jobless, tariff)
    assert not conflicting(jobless, tariff)


# --- figures that give no measure ---------------------------------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        "COVID-19 vaccines were shipped to the region first.",
        "Leaders of the G7 and the G-20 met in Osaka.",
        "The F-35 program was reviewed again.",
        "Boeing 737 deliveries resumed in the autumn.",
        "Operators rolled out 5G networks across the province.",
        "The law was passed in 2019 and amended on March 3.",
        "She finished 3rd and was named No. 1 in the rankings.",
        "Negotiators promised a deal within the first 90 days of talks.",
        "Section 232 investigations cover several sectors.",
    ],
)
def test_names_dates_ranks_and_time_frames_give_no_measure(sentence: str) -> None:
    assert parse(sentence) == []


def test_a_sentence_without_figures_gives_nothing() -> None:
    assert parse("The minister declined to comment on the negotiations.") == []
    assert measures("Anything at all.", []) == []


def test_a_figure_whose_measure_is_unclear_gives_nothing() -> None:
    assert parse("Shares were steady, and the figure was 7 by the close.") == []


# --- offsets, labels, context -------------------------------------------------------------


def test_offsets_are_within_the_claim_and_include_the_qualifier() -> None:
    sentence = "Officials floated tariffs of as much as 60% on Vietnamese furniture."
    m = only(sentence)
    assert sentence[m.start : m.end] == m.value_text == "as much as 60%"
    assert m.qualifier == "up to"


def test_quantities_are_found_even_when_offsets_drift() -> None:
    sentence = "Unemployment in Japan was 2.5% in May."
    quantities = [asdict(q) for q in find_quantities(sentence, CLAIM_START + 3)]
    (m,) = measures(sentence, quantities, CLAIM_START)
    assert m.value_text == "2.5%"


def test_labels_read_as_a_heading() -> None:
    m = only("Retailers are paying a 145% tariff on Chinese toys.")
    assert m.label == "tariff rate on goods from China (%)"
    steel = only("A 25% tariff on steel imports from all countries begins Monday.")
    assert steel.label == "tariff rate on steel (%)"
    jobless = only("Unemployment in Germany stood at 6.3% in June.")
    assert jobless.label == "unemployment rate in Germany (%)"


def test_context_implies_the_scope_of_a_bare_figure() -> None:
    article = [
        *parse("Washington has placed a 145% tariff on Chinese goods."),
        *parse("Economists warn that a 145% tariff cannot last."),
        *parse("Some exporters were quoted a 125% tariff on Chinese goods instead."),
    ]
    scoped, bare, other = imply_scopes(article)
    assert bare.scope == frozenset()
    assert bare.implied == frozenset({"china"})
    assert same_measure(bare, scoped)
    assert conflicting(bare, other)
    # Without the article's context a bare figure matches only other bare figures.
    lone = only("Economists warn that a 145% tariff cannot last.")
    assert not same_measure(lone, scoped)


def test_context_with_two_scopes_implies_nothing() -> None:
    article = imply_scopes(
        [
            *parse("A 25% tariff on Mexican goods is in force."),
            *parse("A 10% tariff on Chinese goods is in force."),
            *parse("Critics say a 25% tariff is too high."),
        ]
    )
    assert article[2].implied == frozenset()


# --- cost ---------------------------------------------------------------------------------


def test_time_grows_linearly_with_many_figures() -> None:
    unit = "Tariffs of 25% on Canadian steel and 10% on Chinese goods rose 5% to $3 billion, "

    def run(n: int) -> float:
        text = unit * n
        quantities = [asdict(q) for q in find_quantities(text)]
        started = time.perf_counter()
        measures(text, quantities)
        return time.perf_counter() - started

    small, large = run(150), run(1_200)
    # Eight times the text: allow for noise, not for a quadratic (64x) blow-up.
    assert large < max(small * 24, 0.25)
