"""Where the regions lie: each province's bounding box, the landsdelen made of them, and the check that a
community's coordinates lie in the region it names (ADR 0021)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lcn_shared.contracts.vocabulary import LANDSDEEL_OF_PROVINCE, Landsdeel, Province

# A box is generous by this much on every side (about 5 km north-south, 3.5 km east-west), so that a town on a
# border, or a point rounded to two decimals, still passes; a point in another part of the country does not.
MARGIN_DEGREES = 0.05


@dataclass(frozen=True)
class Box:
    """A bounding box in WGS84 degrees."""

    south: float
    west: float
    north: float
    east: float

    def holds(self, latitude: float, longitude: float) -> bool:
        """True when the point lies in the box or within the margin around it."""
        return (
            self.south - MARGIN_DEGREES <= latitude <= self.north + MARGIN_DEGREES
            and self.west - MARGIN_DEGREES <= longitude <= self.east + MARGIN_DEGREES
        )


# Each province's extent, islands included (Texel, the Wadden islands, Goeree-Overflakkee, Zeeuws-Vlaanderen).
PROVINCE_BOUNDS: dict[Province, Box] = {
    Province.GRONINGEN: Box(south=52.84, west=6.17, north=53.56, east=7.23),
    Province.FRYSLAN: Box(south=52.80, west=4.85, north=53.51, east=6.43),
    Province.DRENTHE: Box(south=52.61, west=6.11, north=53.21, east=7.10),
    Province.OVERIJSSEL: Box(south=52.10, west=5.79, north=52.86, east=7.08),
    Province.FLEVOLAND: Box(south=52.25, west=5.07, north=52.88, east=5.97),
    Province.GELDERLAND: Box(south=51.73, west=4.99, north=52.52, east=6.83),
    Province.UTRECHT: Box(south=51.85, west=4.79, north=52.31, east=5.63),
    Province.NOORD_HOLLAND: Box(south=52.17, west=4.49, north=53.19, east=5.32),
    Province.ZUID_HOLLAND: Box(south=51.65, west=3.83, north=52.33, east=5.02),
    Province.ZEELAND: Box(south=51.20, west=3.35, north=51.75, east=4.30),
    Province.NOORD_BRABANT: Box(south=51.22, west=4.18, north=51.83, east=6.04),
    Province.LIMBURG: Box(south=50.75, west=5.56, north=51.78, east=6.23),
}
# Noord-Brabant is split between two landsdelen (West-Brabant is Zuidwest); every other province lies in one.
SPLIT_PROVINCE_LANDSDELEN = {Province.NOORD_BRABANT: {Landsdeel.ZUIDOOST, Landsdeel.ZUIDWEST}}


def landsdelen_of(province: Province) -> set[Landsdeel]:
    """The landsdelen a province lies in (one, except for Noord-Brabant)."""
    return SPLIT_PROVINCE_LANDSDELEN.get(province, {LANDSDEEL_OF_PROVINCE[province]})


def _landsdeel_bounds() -> dict[Landsdeel, list[Box]]:
    """Each landsdeel as the boxes of its provinces (a union of boxes: one box would swallow its neighbours)."""
    bounds: dict[Landsdeel, list[Box]] = {landsdeel: [] for landsdeel in Landsdeel}
    for province, box in PROVINCE_BOUNDS.items():
        for landsdeel in landsdelen_of(province):
            bounds[landsdeel].append(box)
    return bounds


LANDSDEEL_BOUNDS = _landsdeel_bounds()


def check_coordinates(values: dict[str, Any]) -> None:
    """Raise ValueError when the coordinates lie outside the province, or (when no province is named) outside the
    landsdeel; coordinates without a region, or a region without coordinates, pass."""
    latitude, longitude = values.get("latitude"), values.get("longitude")
    if latitude is None or longitude is None:
        return
    if values.get("province") is not None:
        province = Province(values["province"])
        if not PROVINCE_BOUNDS[province].holds(latitude, longitude):
            raise ValueError(f"latitude {latitude} and longitude {longitude} lie outside province {province.value}")
    elif values.get("landsdeel") is not None:
        landsdeel = Landsdeel(values["landsdeel"])
        if not any(box.holds(latitude, longitude) for box in LANDSDEEL_BOUNDS[landsdeel]):
            raise ValueError(f"latitude {latitude} and longitude {longitude} lie outside landsdeel {landsdeel.value}")
