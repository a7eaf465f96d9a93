"""The organisations synthetic communities draw their partners from: schools, companies, funds, networks."""

from __future__ import annotations

from dataclasses import dataclass

from lcn_shared.contracts.vocabulary import OrganisationType, Province, Topsector

TS = Topsector
MBO = OrganisationType.SCHOOL_MBO
HBO = OrganisationType.SCHOOL_HBO
WO = OrganisationType.SCHOOL_WO


@dataclass(frozen=True)
class School:
    """A real school or university, the provinces it works in and its web domain."""

    name: str
    type: OrganisationType
    domain: str
    provinces: tuple[Province, ...]


SCHOOLS: tuple[School, ...] = (
    School("Noorderpoort", MBO, "noorderpoort.nl", (Province.GRONINGEN,)),
    School("Alfa-college", MBO, "alfa-college.nl", (Province.GRONINGEN, Province.DRENTHE)),
    School("Hanzehogeschool Groningen", HBO, "hanze.nl", (Province.GRONINGEN, Province.DRENTHE)),
    School("Rijksuniversiteit Groningen", WO, "rug.nl", (Province.GRONINGEN, Province.FRYSLAN, Province.DRENTHE)),
    School("Friesland College", MBO, "frieslandcollege.nl", (Province.FRYSLAN,)),
    School("Firda", MBO, "firda.nl", (Province.FRYSLAN,)),
    School("NHL Stenden Hogeschool", HBO, "nhlstenden.com", (Province.FRYSLAN, Province.DRENTHE)),
    School("Van Hall Larenstein", HBO, "hvhl.nl", (Province.FRYSLAN, Province.GELDERLAND)),
    School("Drenthe College", MBO, "drenthecollege.nl", (Province.DRENTHE,)),
    School("ROC van Twente", MBO, "rocvantwente.nl", (Province.OVERIJSSEL,)),
    School("Deltion College", MBO, "deltion.nl", (Province.OVERIJSSEL,)),
    School("Landstede MBO", MBO, "landstede.nl", (Province.OVERIJSSEL, Province.GELDERLAND)),
    School("Saxion", HBO, "saxion.nl", (Province.OVERIJSSEL,)),
    School("Hogeschool Windesheim", HBO, "windesheim.nl", (Province.OVERIJSSEL, Province.FLEVOLAND)),
    School("Universiteit Twente", WO, "utwente.nl", (Province.OVERIJSSEL,)),
    School("ROC van Flevoland", MBO, "rocvf.nl", (Province.FLEVOLAND,)),
    School("Aeres Hogeschool", HBO, "aeres.nl", (Province.FLEVOLAND, Province.GELDERLAND)),
    School("Rijn IJssel", MBO, "rijnijssel.nl", (Province.GELDERLAND,)),
    School("ROC Nijmegen", MBO, "roc-nijmegen.nl", (Province.GELDERLAND,)),
    School("Graafschap College", MBO, "graafschapcollege.nl", (Province.GELDERLAND,)),
    School("Aventus", MBO, "aventus.nl", (Province.GELDERLAND,)),
    School("ROC Rivor", MBO, "rivor.nl", (Province.GELDERLAND,)),
    School("Hogeschool van Arnhem en Nijmegen", HBO, "han.nl", (Province.GELDERLAND,)),
    School("Radboud Universiteit", WO, "ru.nl", (Province.GELDERLAND,)),
    School("Wageningen University & Research", WO, "wur.nl", (Province.GELDERLAND,)),
    School("MBO Utrecht", MBO, "mboutrecht.nl", (Province.UTRECHT,)),
    School("ROC Midden Nederland", MBO, "rocmn.nl", (Province.UTRECHT,)),
    School("MBO Amersfoort", MBO, "mboamersfoort.nl", (Province.UTRECHT,)),
    School("Hogeschool Utrecht", HBO, "hu.nl", (Province.UTRECHT,)),
    School("Universiteit Utrecht", WO, "uu.nl", (Province.UTRECHT,)),
    School("ROC van Amsterdam", MBO, "rocva.nl", (Province.NOORD_HOLLAND,)),
    School("ROC Nova College", MBO, "novacollege.nl", (Province.NOORD_HOLLAND,)),
    School("Horizon College", MBO, "horizoncollege.nl", (Province.NOORD_HOLLAND,)),
    School("ROC Kop van Noord-Holland", MBO, "rockopnh.nl", (Province.NOORD_HOLLAND,)),
    School("Hogeschool van Amsterdam", HBO, "hva.nl", (Province.NOORD_HOLLAND,)),
    School("Hogeschool Inholland", HBO, "inholland.nl", (Province.NOORD_HOLLAND, Province.ZUID_HOLLAND)),
    School("Universiteit van Amsterdam", WO, "uva.nl", (Province.NOORD_HOLLAND,)),
    School("Vrije Universiteit Amsterdam", WO, "vu.nl", (Province.NOORD_HOLLAND, Province.FLEVOLAND)),
    School("Albeda", MBO, "albeda.nl", (Province.ZUID_HOLLAND,)),
    School("Zadkine", MBO, "zadkine.nl", (Province.ZUID_HOLLAND,)),
    School("ROC Mondriaan", MBO, "rocmondriaan.nl", (Province.ZUID_HOLLAND,)),
    School("Da Vinci College", MBO, "davinci.nl", (Province.ZUID_HOLLAND,)),
    School("MBO Rijnland", MBO, "mborijnland.nl", (Province.ZUID_HOLLAND,)),
    School("Hogeschool Rotterdam", HBO, "hr.nl", (Province.ZUID_HOLLAND,)),
    School("De Haagse Hogeschool", HBO, "dehaagsehogeschool.nl", (Province.ZUID_HOLLAND,)),
    School("Hogeschool Leiden", HBO, "hsleiden.nl", (Province.ZUID_HOLLAND,)),
    School("TU Delft", WO, "tudelft.nl", (Province.ZUID_HOLLAND,)),
    School("Erasmus Universiteit Rotterdam", WO, "eur.nl", (Province.ZUID_HOLLAND,)),
    School("Scalda", MBO, "scalda.nl", (Province.ZEELAND,)),
    School("HZ University of Applied Sciences", HBO, "hz.nl", (Province.ZEELAND,)),
    School("University College Roosevelt", WO, "ucr.nl", (Province.ZEELAND,)),
    School("Summa College", MBO, "summacollege.nl", (Province.NOORD_BRABANT,)),
    School("ROC Tilburg", MBO, "roctilburg.nl", (Province.NOORD_BRABANT,)),
    School("Koning Willem I College", MBO, "kw1c.nl", (Province.NOORD_BRABANT,)),
    School("Curio", MBO, "curio.nl", (Province.NOORD_BRABANT,)),
    School("Fontys Hogescholen", HBO, "fontys.nl", (Province.NOORD_BRABANT, Province.LIMBURG)),
    School("Avans Hogeschool", HBO, "avans.nl", (Province.NOORD_BRABANT,)),
    School("Breda University of Applied Sciences", HBO, "buas.nl", (Province.NOORD_BRABANT,)),
    School("Technische Universiteit Eindhoven", WO, "tue.nl", (Province.NOORD_BRABANT,)),
    School("Tilburg University", WO, "tilburguniversity.edu", (Province.NOORD_BRABANT,)),
    School("Gilde Opleidingen", MBO, "gildeopleidingen.nl", (Province.LIMBURG,)),
    School("Vista college", MBO, "vistacollege.nl", (Province.LIMBURG,)),
    School("Arcus College", MBO, "arcuscollege.nl", (Province.LIMBURG,)),
    School("Zuyd Hogeschool", HBO, "zuyd.nl", (Province.LIMBURG,)),
    School("Maastricht University", WO, "maastrichtuniversity.nl", (Province.LIMBURG,)),
)

# How the other feed spells a partner; without an entry the generic spelling rules apply.
PARTNER_ALIASES: dict[str, str] = {
    "Saxion": "Hogeschool Saxion",
    "ROC van Amsterdam": "ROC Amsterdam",
    "ROC van Twente": "ROC Twente",
    "ROC van Flevoland": "ROC Flevoland",
    "ROC Nova College": "Nova College",
    "Alfa-college": "Alfa College",
    "Vista college": "Vista College",
    "Landstede MBO": "Landstede",
    "Koning Willem I College": "KW1C",
    "Hanzehogeschool Groningen": "Hanzehogeschool",
    "Hogeschool van Arnhem en Nijmegen": "HAN University of Applied Sciences",
    "Hogeschool Utrecht": "HU University of Applied Sciences Utrecht",
    "Hogeschool van Amsterdam": "HvA",
    "Hogeschool Inholland": "Inholland",
    "Hogeschool Windesheim": "Windesheim",
    "De Haagse Hogeschool": "Haagse Hogeschool",
    "NHL Stenden Hogeschool": "NHL Stenden",
    "Van Hall Larenstein": "Hogeschool Van Hall Larenstein",
    "Fontys Hogescholen": "Fontys",
    "Avans Hogeschool": "Avans",
    "Zuyd Hogeschool": "Zuyd",
    "HZ University of Applied Sciences": "Hogeschool Zeeland",
    "Breda University of Applied Sciences": "BUas",
    "Technische Universiteit Eindhoven": "TU Eindhoven",
    "TU Delft": "Technische Universiteit Delft",
    "Universiteit Twente": "University of Twente",
    "Rijksuniversiteit Groningen": "RUG",
    "Radboud Universiteit": "Radboud University",
    "Wageningen University & Research": "Wageningen UR",
    "Erasmus Universiteit Rotterdam": "Erasmus Universiteit",
    "Brainport Development": "Brainport Development NV",
    "Transport en Logistiek Nederland": "TLN",
    "Havenbedrijf Rotterdam": "Port of Rotterdam",
}

REGIONAL_NETWORKS: dict[Province, str] = {
    Province.GRONINGEN: "NOM",
    Province.FRYSLAN: "NOM",
    Province.DRENTHE: "NOM",
    Province.OVERIJSSEL: "Oost NL",
    Province.GELDERLAND: "Oost NL",
    Province.FLEVOLAND: "Horizon Flevoland",
    Province.UTRECHT: "ROM regio Utrecht",
    Province.NOORD_HOLLAND: "Amsterdam Economic Board",
    Province.ZUID_HOLLAND: "InnovationQuarter",
    Province.ZEELAND: "Impuls Zeeland",
    Province.NOORD_BRABANT: "BOM",
    Province.LIMBURG: "LIOF",
}
NATIONAL_NETWORKS = ("Katapult", "Techniekpact", "Platform Talent voor Technologie")


@dataclass(frozen=True)
class SectorPool:
    """The organisations and trades of one topsector."""

    large_companies: tuple[str, ...]
    branch_bodies: tuple[str, ...]
    oo_funds: tuple[str, ...]
    research: tuple[str, ...]
    mkb_trades: tuple[str, ...]


SECTOR_POOLS: dict[Topsector, SectorPool] = {
    TS.ENERGIE: SectorPool(
        ("TenneT", "Eneco", "Vattenfall", "Alliander", "Enexis Groep", "Gasunie"),
        ("Techniek Nederland", "Energie-Nederland", "NVDE"),
        ("OTIB",),
        ("TNO",),
        ("Installatietechniek", "Energieadvies", "Zonnetechniek", "Warmtepompen", "Elektrotechniek"),
    ),
    TS.HTSM: SectorPool(
        ("ASML", "Philips", "VDL Groep", "Thales Nederland", "NXP Semiconductors", "Stork"),
        ("FME", "Koninklijke Metaalunie"),
        ("A+O fonds Metalektro", "OOM"),
        ("TNO", "Holst Centre"),
        ("Precisietechniek", "Metaalbewerking", "Machinebouw", "Engineering", "Automation"),
    ),
    TS.LSH: SectorPool(
        ("Philips", "Sanquin", "MSD", "Janssen", "Abbott Healthcare", "Fresenius"),
        ("ActiZ", "Nederlandse Vereniging van Ziekenhuizen"),
        ("Opleidingsfonds Zorg en Welzijn",),
        ("TNO",),
        ("Zorgtechnologie", "Medical Devices", "Thuiszorg", "Revalidatietechniek"),
    ),
    TS.CHEMIE: SectorPool(
        ("Dow Benelux", "DSM-Firmenich", "Nouryon", "BASF Nederland", "Yara Sluiskil", "Chemelot"),
        ("VNCI", "Koninklijke VNP"),
        ("OVP Procesindustrie",),
        ("ISPT", "TNO"),
        ("Coatings", "Procesinstallaties", "Laboratoria", "Kunststoffen"),
    ),
    TS.DUTCH_DIGITAL_DELTA: SectorPool(
        ("KPN", "Centric", "Capgemini Nederland", "Sopra Steria", "Atos", "Exact"),
        ("NLdigital", "CIO Platform Nederland"),
        ("Opleidingsfonds ICT",),
        ("TNO", "CWI"),
        ("Software", "IT Services", "Data Solutions", "Security", "Webdesign"),
    ),
    TS.AGRI_FOOD: SectorPool(
        ("FrieslandCampina", "Vion", "Royal Cosun", "Agrifirm", "Lely", "Unilever"),
        ("LTO Nederland", "FNLI"),
        ("Colland Arbeidsmarkt",),
        ("Wageningen Food & Biobased Research",),
        ("Agrotechniek", "Zuivel", "Foods", "Veevoeders", "Loonwerk"),
    ),
    TS.TUINBOUW_UITGANGSMATERIALEN: SectorPool(
        ("Royal FloraHolland", "Rijk Zwaan", "Priva", "Koppert", "Enza Zaden", "Dümmen Orange"),
        ("Glastuinbouw Nederland", "Plantum"),
        ("Colland Arbeidsmarkt",),
        ("Wageningen Plant Research",),
        ("Kwekerij", "Kassenbouw", "Tuinbouwtechniek", "Zaden"),
    ),
    TS.WATER_MARITIEM: SectorPool(
        ("Damen Shipyards", "Royal HaskoningDHV", "Van Oord", "Boskalis", "Havenbedrijf Rotterdam", "Witteveen+Bos"),
        ("Netherlands Maritime Technology", "KVNR", "Vereniging van Waterbouwers"),
        ("Opleidingsfonds Maritiem",),
        ("Deltares", "MARIN"),
        ("Scheepsreparatie", "Waterbouw", "Marine Services", "Baggertechniek"),
    ),
    TS.LOGISTIEK: SectorPool(
        ("PostNL", "DHL Supply Chain", "Vanderlande", "Jumbo", "Bol", "Kuehne+Nagel"),
        ("evofenedex", "Transport en Logistiek Nederland"),
        ("SOOB",),
        ("TNO",),
        ("Transport", "Logistiek", "Distributie", "Expeditie"),
    ),
    TS.CREATIEVE_INDUSTRIE: SectorPool(
        ("Talpa Network", "NEP The Netherlands", "Guerrilla Games", "Media Monks", "DPG Media"),
        ("BNO", "Dutch Game Garden"),
        ("Cultuur+Ondernemen",),
        ("Nederlands Instituut voor Beeld en Geluid",),
        ("Media", "Design Studio", "Games", "Producties"),
    ),
}

SURNAMES = (
    "Hendriks", "Van den Berg", "De Vries", "Jansen", "Bakker", "Visser", "Smit", "Meijer", "De Boer", "Mulder",
    "Bos", "Vos", "Peters", "Dekker", "Brouwer", "Kuipers", "Wouters", "Hoekstra", "Postma", "Van Dijk",
    "Kok", "Jacobs", "Veenstra", "Schouten", "Timmermans", "Huisman", "Nijhuis", "Wijnands", "Koster", "Prins",
)  # fmt: skip


def mkb_names(topsector: Topsector) -> tuple[str, ...]:
    """Fictional mkb companies of a topsector: a family name, a trade and sometimes a legal form."""
    trades = SECTOR_POOLS[topsector].mkb_trades
    return tuple(
        f"{surname} {trade}{' B.V.' if (surname_index + trade_index) % 3 == 0 else ''}"
        for surname_index, surname in enumerate(SURNAMES)
        for trade_index, trade in enumerate(trades)
    )
