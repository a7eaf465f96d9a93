"""The figures partners report per community and period (the documents' list), and their bounds."""

from __future__ import annotations

from typing import Literal, get_args

ReportField = Literal[
    "companies",
    "students",
    "employees",
    "teachers",
    "new_outputs",
    "cofinancing_cash_eur",
    "cofinancing_in_kind_eur",
]
FIGURES: tuple[ReportField, ...] = get_args(ReportField)
# Dutch and English labels, for pages and CSV headings.
FIGURE_LABELS: dict[ReportField, tuple[str, str]] = {
    "companies": ("Bedrijven", "Companies"),
    "students": ("Studenten", "Students"),
    "employees": ("Werkenden (LLO)", "Employees (lifelong learning)"),
    "teachers": ("Docenten", "Teachers"),
    "new_outputs": ("Nieuwe outputs (curricula, producten, modules)", "New outputs (curricula, products, modules)"),
    "cofinancing_cash_eur": ("Cofinanciering in geld (EUR)", "Co-financing in cash (EUR)"),
    "cofinancing_in_kind_eur": ("Cofinanciering in natura (EUR)", "Co-financing in kind (EUR)"),
}
# One community's figure for one half-year: far above any real one (the largest PPS reach thousands), far
# below what a 64-bit column or a float sum could lose precision on.
MAX_COUNT = 10_000_000
MAX_EUR = 100_000_000_000
MAXIMA: dict[ReportField, int] = {name: MAX_EUR if name.endswith("_eur") else MAX_COUNT for name in FIGURES}
