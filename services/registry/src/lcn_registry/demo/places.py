"""Dutch municipalities, named regions and provinces that demo communities are placed in."""

from __future__ import annotations

from dataclasses import dataclass

from lcn_shared.contracts.vocabulary import LANDSDEEL_OF_PROVINCE, Landsdeel, Province

# West-Brabant belongs to Techniekpact Zuidwest although the province as a whole counts as Zuidoost.
WEST_BRABANT = ("Breda", "Roosendaal", "Bergen op Zoom", "Etten-Leur")


@dataclass(frozen=True)
class Municipality:
    """A municipality with its province and approximate centre."""

    name: str
    province: Province
    latitude: float
    longitude: float

    @property
    def landsdeel(self) -> Landsdeel:
        """The Techniekpact landsdeel, with West-Brabant in Zuidwest."""
        return Landsdeel.ZUIDWEST if self.name in WEST_BRABANT else LANDSDEEL_OF_PROVINCE[self.province]


def _in(province: Province, *rows: tuple[str, float, float]) -> tuple[Municipality, ...]:
    """The municipalities of one province from `(name, latitude, longitude)` rows."""
    return tuple(Municipality(name, province, latitude, longitude) for name, latitude, longitude in rows)


MUNICIPALITIES: tuple[Municipality, ...] = (
    *_in(
        Province.GRONINGEN,
        ("Groningen", 53.219, 6.567),
        ("Eemsdelta", 53.330, 6.920),
        ("Veendam", 53.106, 6.879),
        ("Midden-Groningen", 53.170, 6.760),
    ),
    *_in(
        Province.FRYSLAN,
        ("Leeuwarden", 53.201, 5.799),
        ("Heerenveen", 52.960, 5.920),
        ("Súdwest-Fryslân", 53.030, 5.660),
        ("Smallingerland", 53.105, 6.100),
        ("Harlingen", 53.175, 5.420),
    ),
    *_in(
        Province.DRENTHE,
        ("Assen", 52.993, 6.564),
        ("Emmen", 52.786, 6.898),
        ("Meppel", 52.696, 6.194),
        ("Hoogeveen", 52.723, 6.476),
    ),
    *_in(
        Province.OVERIJSSEL,
        ("Enschede", 52.221, 6.894),
        ("Hengelo", 52.266, 6.793),
        ("Almelo", 52.357, 6.663),
        ("Zwolle", 52.516, 6.083),
        ("Deventer", 52.255, 6.163),
        ("Kampen", 52.555, 5.911),
    ),
    *_in(
        Province.FLEVOLAND,
        ("Almere", 52.350, 5.264),
        ("Lelystad", 52.518, 5.471),
        ("Dronten", 52.525, 5.718),
        ("Noordoostpolder", 52.710, 5.750),
    ),
    *_in(
        Province.GELDERLAND,
        ("Arnhem", 51.985, 5.899),
        ("Nijmegen", 51.842, 5.853),
        ("Apeldoorn", 52.211, 5.969),
        ("Ede", 52.040, 5.665),
        ("Wageningen", 51.970, 5.665),
        ("Doetinchem", 51.965, 6.289),
        ("Winterswijk", 51.972, 6.720),
        ("Tiel", 51.887, 5.430),
        ("Culemborg", 51.955, 5.227),
        ("Zaltbommel", 51.810, 5.250),
        ("Harderwijk", 52.342, 5.621),
    ),
    *_in(
        Province.UTRECHT,
        ("Utrecht", 52.091, 5.122),
        ("Amersfoort", 52.156, 5.387),
        ("Nieuwegein", 52.029, 5.081),
        ("Veenendaal", 52.028, 5.559),
        ("Zeist", 52.090, 5.233),
    ),
    *_in(
        Province.NOORD_HOLLAND,
        ("Amsterdam", 52.370, 4.895),
        ("Haarlem", 52.381, 4.636),
        ("Zaanstad", 52.457, 4.814),
        ("Haarlemmermeer", 52.303, 4.690),
        ("Velsen", 52.463, 4.627),
        ("Alkmaar", 52.632, 4.749),
        ("Den Helder", 52.959, 4.760),
        ("Hoorn", 52.643, 5.060),
        ("Hilversum", 52.223, 5.176),
    ),
    *_in(
        Province.ZUID_HOLLAND,
        ("Rotterdam", 51.922, 4.479),
        ("Den Haag", 52.070, 4.300),
        ("Leiden", 52.160, 4.497),
        ("Delft", 52.012, 4.357),
        ("Dordrecht", 51.813, 4.690),
        ("Zwijndrecht", 51.815, 4.640),
        ("Papendrecht", 51.832, 4.690),
        ("Westland", 51.990, 4.210),
        ("Gouda", 52.016, 4.708),
        ("Zoetermeer", 52.060, 4.494),
        ("Schiedam", 51.919, 4.400),
        ("Gorinchem", 51.834, 4.973),
    ),
    *_in(
        Province.ZEELAND,
        ("Middelburg", 51.499, 3.614),
        ("Vlissingen", 51.443, 3.573),
        ("Goes", 51.504, 3.889),
        ("Terneuzen", 51.336, 3.828),
    ),
    *_in(
        Province.NOORD_BRABANT,
        ("Eindhoven", 51.441, 5.478),
        ("Helmond", 51.482, 5.661),
        ("Veldhoven", 51.418, 5.403),
        ("Tilburg", 51.556, 5.091),
        ("'s-Hertogenbosch", 51.697, 5.304),
        ("Oss", 51.765, 5.518),
        ("Breda", 51.589, 4.776),
        ("Roosendaal", 51.531, 4.465),
        ("Bergen op Zoom", 51.495, 4.292),
        ("Etten-Leur", 51.571, 4.637),
    ),
    *_in(
        Province.LIMBURG,
        ("Maastricht", 50.851, 5.691),
        ("Heerlen", 50.888, 5.979),
        ("Sittard-Geleen", 51.000, 5.869),
        ("Venlo", 51.370, 6.172),
        ("Roermond", 51.194, 5.987),
        ("Weert", 51.252, 5.706),
        ("Venray", 51.526, 5.975),
    ),
)
MUNICIPALITY_BY_NAME: dict[str, Municipality] = {municipality.name: municipality for municipality in MUNICIPALITIES}

# Named regions as communities and regional agendas use them; each lies within one landsdeel.
REGIONS: dict[str, tuple[str, ...]] = {
    "Noord-Nederland": ("Groningen", "Leeuwarden", "Assen", "Emmen", "Eemsdelta", "Heerenveen"),
    "Twente": ("Enschede", "Hengelo", "Almelo"),
    "Regio Zwolle": ("Zwolle", "Kampen"),
    "Cleantech Regio": ("Apeldoorn", "Deventer"),
    "Achterhoek": ("Doetinchem", "Winterswijk"),
    "Rivierenland": ("Tiel", "Culemborg", "Zaltbommel"),
    "Arnhem-Nijmegen": ("Arnhem", "Nijmegen"),
    "Foodvalley": ("Ede", "Wageningen"),
    "Metropoolregio Amsterdam": ("Amsterdam", "Haarlem", "Zaanstad", "Haarlemmermeer", "Velsen", "Almere"),
    "Regio Utrecht": ("Utrecht", "Nieuwegein", "Zeist", "Amersfoort"),
    "Gooi en Vechtstreek": ("Hilversum",),
    "Kop van Noord-Holland": ("Den Helder",),
    "Rotterdam-Rijnmond": ("Rotterdam", "Schiedam"),
    "Drechtsteden": ("Dordrecht", "Zwijndrecht", "Papendrecht"),
    "Westland": ("Westland",),
    "Holland Rijnland": ("Leiden",),
    "Walcheren": ("Middelburg", "Vlissingen"),
    "Zeeuws-Vlaanderen": ("Terneuzen",),
    "Brainport": ("Eindhoven", "Helmond", "Veldhoven"),
    "Midden-Brabant": ("Tilburg",),
    "Noordoost-Brabant": ("'s-Hertogenbosch", "Oss"),
    "West-Brabant": WEST_BRABANT,
    "Noord-Limburg": ("Venlo", "Venray"),
    "Midden-Limburg": ("Roermond", "Weert"),
    "Zuid-Limburg": ("Maastricht", "Heerlen", "Sittard-Geleen"),
}

# How community names refer to a province; Groningen and Utrecht are left out because names
# with them read as the city.
PROVINCE_PLACE_NAMES: dict[Province, str] = {
    Province.FRYSLAN: "Fryslân",
    Province.DRENTHE: "Drenthe",
    Province.OVERIJSSEL: "Overijssel",
    Province.FLEVOLAND: "Flevoland",
    Province.GELDERLAND: "Gelderland",
    Province.NOORD_HOLLAND: "Noord-Holland",
    Province.ZUID_HOLLAND: "Zuid-Holland",
    Province.ZEELAND: "Zeeland",
    Province.NOORD_BRABANT: "Brabant",
    Province.LIMBURG: "Limburg",
}


@dataclass(frozen=True)
class Place:
    """What a community name ends with: a municipality, a named region or a province."""

    label: str
    landsdeel: Landsdeel
    municipalities: tuple[Municipality, ...]
    weight: int


def _places() -> tuple[Place, ...]:
    """Every place, municipalities first; a label that names a municipality is that municipality."""
    places = [Place(town.name, town.landsdeel, (town,), 3) for town in MUNICIPALITIES]
    for region, names in REGIONS.items():
        if region not in MUNICIPALITY_BY_NAME:
            towns = tuple(MUNICIPALITY_BY_NAME[name] for name in names)
            places.append(Place(region, towns[0].landsdeel, towns, 3))
    for province, label in PROVINCE_PLACE_NAMES.items():
        towns = tuple(town for town in MUNICIPALITIES if town.province is province)
        # "Brabant" in a name means the eastern part: West-Brabant has a region of its own.
        main = LANDSDEEL_OF_PROVINCE[province]
        places.append(Place(label, main, tuple(town for town in towns if town.landsdeel is main), 2))
    return tuple(places)


PLACES: tuple[Place, ...] = _places()
PLACES_BY_LANDSDEEL: dict[Landsdeel, tuple[Place, ...]] = {
    landsdeel: tuple(place for place in PLACES if place.landsdeel is landsdeel) for landsdeel in Landsdeel
}
# Longest first, so "Regio Utrecht" is recognised before "Utrecht" at the end of a name.
PLACE_LABELS: tuple[str, ...] = tuple(sorted({place.label for place in PLACES}, key=lambda label: (-len(label), label)))
