"""The credit parameter files other than the rating model: automatic listing rules, buyer flags and
the measures catalogue load, and a malformed listing rule is refused with every problem named."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from cbec.credit import autolist, measures
from cbec.credit.rating import RatingModelError

DAY = date(2026, 11, 25)


def test_the_shipped_listing_rules_load() -> None:
    rules = {r.id: r for r in autolist.rules(DAY)}
    assert rules["repeated_smuggling_findings"].list_name == "black"
    assert rules["repeated_smuggling_findings"].when.holds({"smuggling_findings": 2})
    assert not rules["repeated_smuggling_findings"].when.holds({"smuggling_findings": 1})
    assert rules["repeated_findings"].days == 180


def test_a_malformed_listing_rule_is_refused_with_its_problems(tmp_path: Path) -> None:
    text = autolist.RULES.read_text(encoding="utf-8")
    bad = tmp_path / "rules.yaml"
    bad.write_text(
        text.replace("list: watch", "list: grey").replace("input: smuggling_findings", "input: nonsense"),
        encoding="utf-8",
    )
    with pytest.raises(RatingModelError) as caught:
        autolist.rules(DAY, bad)
    problems = "\n".join(caught.value.problems)
    assert "rules[0]" in problems and "rules[1].when" in problems and "nonsense" in problems


def test_the_catalogue_combines_the_most_severe_measure() -> None:
    cat = measures.catalogue(DAY)
    red_and_d = measures.combine(cat, [("list:red", cat.lists["red"].measures), ("grade:D", cat.grades["D"])])
    assert red_and_d.release_priority == "last" and red_and_d.sources["release_priority"] == "grade:D"
    assert red_and_d.financing_eligible is False and red_and_d.financing_limit_factor == Decimal(0)
    red_only = measures.combine(cat, [("list:red", cat.lists["red"].measures)])
    assert (red_only.guarantee, red_only.financing_limit_factor) == ("exempt_eligible", Decimal("1.5"))
    nothing = measures.combine(cat, [])
    assert (nothing.new_messages, nothing.orders, nothing.guarantee) == ("allow", "normal", "standard")
    assert nothing.sources == {}
