"""`cbec demo` rates every enterprise: the grade distribution and explained ratings are in the summary,
and the enterprises seeded with a bad record end lower than every clean one."""

from __future__ import annotations

from cbec.config import Settings
from cbec.credit.rating import model_for
from cbec.demo.run import run_demo
from cbec.kernel.dates import today


def test_the_demo_rates_everyone_and_bad_records_end_lower(settings: Settings) -> None:
    summary = run_demo(settings, orders=200, exports=0)
    credit = summary.credit
    model = model_for(today())
    assert credit["model_version"] == model.version
    assert sum(credit["distribution"].values()) >= 15  # every filed demo enterprise is rated
    bad_ranks = [model.rank(grade) for _name, grade, _score in credit["bad"]]
    clean_ranks = [model.rank(grade) for grade in credit["clean_grades"]]
    assert len(bad_ranks) == 3
    assert min(bad_ranks) > max(clean_ranks)  # the best bad grade is worse than the worst clean one
    assert "D" in {grade for _name, grade, _score in credit["bad"]}  # the black-listed one
    for example in credit["explained"]:
        assert len(example["lines"]) >= 12  # one per indicator, then the result
        assert example["lines"][-1].startswith(f"得分 {example['score']} → {example['grade']}")
