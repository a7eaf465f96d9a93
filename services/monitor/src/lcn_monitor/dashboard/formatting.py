"""Numbers, amounts, dates and shares as the dashboard writes them: Dutch first (1.234,5), English on request."""

from __future__ import annotations

from datetime import date, datetime

from lcn_monitor.periods.service import NETWORK_ZONE
from lcn_shared.pages import DUTCH

MONTHS = {
    DUTCH: tuple("januari februari maart april mei juni juli augustus september oktober november december".split()),
    "en": tuple("January February March April May June July August September October November December".split()),
}
MILLION, BILLION = 1_000_000, 1_000_000_000
# Large amounts in words, as Dutch policy documents write them ("€ 300 mln"), and the English short forms.
LARGE = {DUTCH: (("mld", BILLION), ("mln", MILLION)), "en": (("bn", BILLION), ("m", MILLION))}
NO_FIGURE = "–"


def number(value: float, language: str, decimals: int = 0) -> str:
    """`value` rounded to `decimals`, with the language's thousands and decimal separators (nl 1.234,5; en 1,234.5)."""
    text = f"{value:,.{decimals}f}"
    if text in {"-0", "-0.0", "-0.00"}:
        text = text[1:]
    return text.translate(str.maketrans(",.", ".,")) if language == DUTCH else text


def euros(value: float, language: str, *, compact: bool) -> str:
    """An amount in euros: whole euros, or (compact) millions and billions in words from a million on."""
    if compact:
        for word, size in LARGE[language if language in LARGE else DUTCH]:
            if abs(value) >= size:
                scaled = value / size
                decimals = 0 if abs(scaled - round(scaled)) < 0.05 or abs(scaled) >= 100 else 1
                shown = number(scaled, language, decimals)
                return f"€ {shown} {word}" if language == DUTCH else f"€{shown}{word}"
    shown = number(value, language)
    return f"€ {shown}" if language == DUTCH else f"€{shown}"


def figure(value: float | None, unit: str, language: str, *, compact: bool = False) -> str:
    """An indicator's figure in its unit: a count in whole numbers, euros, or a ratio with two decimals."""
    if value is None:
        return NO_FIGURE
    if unit == "eur":
        return euros(value, language, compact=compact)
    if unit == "ratio":
        return number(value, language, 2)
    return number(value, language)


def decimals_for(step: float) -> int:
    """How many decimals an axis with this step needs to write each of its values exactly (2.5: one)."""
    return next((places for places in range(3) if abs(round(step, places) - step) < 1e-9 * max(step, 1)), 3)


def tick(value: float, unit: str, language: str, step: float) -> str:
    """A value on a chart's axis, as exact as its step needs; euros on one scale (€ 0,5 mln, not € 500.000)."""
    if unit != "eur":
        return number(value, language, decimals_for(step))
    words = LARGE[language if language in LARGE else DUTCH]
    word, size = next(((word, size) for word, size in words if step >= size / 4), ("", 1))
    shown = number(value / size, language, decimals_for(step / size))
    if not word or value == 0:
        return euros(value, language, compact=False)
    return f"€ {shown} {word}" if language == DUTCH else f"€{shown}{word}"


def day(value: date, language: str) -> str:
    """A date in words: 31 december 2030 (nl), 31 December 2030 (en)."""
    months = MONTHS.get(language, MONTHS[DUTCH])
    return f"{value.day} {months[value.month - 1]} {value.year}"


def moment(value: datetime, language: str) -> str:
    """A moment on the network's clock (Amsterdam): the date in words and the time."""
    local = value.astimezone(NETWORK_ZONE)
    return f"{day(local.date(), language)}, {local:%H:%M}"


def percent(share: float | None, language: str) -> str:
    """A share as a whole percentage (67%), or a dash without one."""
    return NO_FIGURE if share is None else f"{number(share * 100, language)}%"
