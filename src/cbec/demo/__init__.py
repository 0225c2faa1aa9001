"""Demo data: fictitious enterprises of a zone and realistic B2C import order sets (CEB311/411/511/621).

Pure and deterministic (a seed and ``now`` in, bytes out); see :mod:`cbec.demo.generator`. The
product catalogue and the dated legal figures it is shaped by are data files in this package
(``catalogue.csv``; :mod:`cbec.demo.catalogue`), and the legal figures from the tax parameters.
"""

from __future__ import annotations

from cbec.demo.catalogue import DemoParameters, Product, demo_parameters, load_catalogue
from cbec.demo.generator import (
    FAULTS,
    DemoEnterprise,
    DemoOrder,
    DemoOutcome,
    demo_enterprises,
    demo_orders,
)
from cbec.demo.signature import PLACEHOLDER_SIGNATURE

__all__ = [
    "FAULTS",
    "PLACEHOLDER_SIGNATURE",
    "DemoEnterprise",
    "DemoOrder",
    "DemoOutcome",
    "DemoParameters",
    "Product",
    "demo_enterprises",
    "demo_orders",
    "demo_parameters",
    "load_catalogue",
]
