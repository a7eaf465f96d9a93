"""The real communities the policy documents name: the 20 pilots of the 2017 study and others."""

from __future__ import annotations

from typing import NamedTuple


class NamedSpec(NamedTuple):
    """A named community as written down here: terms by code, partners as `Name [type] (role)`, lead first."""

    key: str
    name: str
    kinds: str
    topsectors: str
    municipality: str
    start_year: int
    partners: str
    description: str
    website: str | None = None
    education_levels: str = "mbo hbo"
    key_technologies: str = ""
    societal_challenges: str = ""
    learning_functions: str = "reactief"
    learning_forms: str = "hybrid"
    problem_categories: str = "aansluiting-studenten aansluiting-werkenden"
    target_groups: str = "studenten werkenden"
    funding_sources: str = ""
    phase: str = "mature"
    status: str = "active"


# fmt: off
PILOTS: tuple[NamedSpec, ...] = (
    NamedSpec(
        "pilot:energy-college", "Energy College", "learning-community civ", "energie", "Groningen", 2014,
        "Hanzehogeschool Groningen [school-hbo] (lead); Noorderpoort [school-mbo]; Alfa-college [school-mbo]; "
        "Drenthe College [school-mbo]; Friesland College [school-mbo]; Gasunie [company-large]; Provincie Groningen "
        "[government] (financier)",
        "Mbo- en hbo-instellingen en energiebedrijven in Noord-Nederland leiden samen op voor de energiesector; met "
        'de campagne "ik studeer Energie" trekt het Energy College studenten naar energieopleidingen.',
        "https://www.energycollege.nl",
        key_technologies="engineering-fabrication", societal_challenges="energietransitie-duurzaamheid",
        learning_functions="voorwaardelijk reactief",
        problem_categories="aansluiting-studenten instroom netwerk-urgentie", funding_sources="rif provincie bedrijven",
        phase="self-sustaining",
    ),
    NamedSpec(
        "pilot:duurzaamheidsfabriek", "Duurzaamheidsfabriek & Energie Transitie Huis", "civ living-lab",
        "energie water-maritiem", "Dordrecht", 2013,
        "Da Vinci College [school-mbo] (lead); TIMA [network]; Hogeschool Rotterdam [school-hbo]; Damen Shipyards "
        "[company-large]; Stedin [company-large]; Gemeente Dordrecht [government] (financier); Provincie "
        "Zuid-Holland [government] (financier)",
        "In de Duurzaamheidsfabriek in Dordrecht leren mbo-studenten, werkenden en bedrijven samen in de praktijk "
        "van de energietransitie en de maritieme techniek; het Energie Transitie Huis bundelt dat met TIMA.",
        "https://www.duurzaamheidsfabriek.nl",
        education_levels="vmbo mbo hbo", key_technologies="engineering-fabrication",
        societal_challenges="energietransitie-duurzaamheid", learning_functions="voorwaardelijk proactief",
        funding_sources="rif gemeente provincie bedrijven",
    ),
    NamedSpec(
        "pilot:lerend-leven", "Lerend Leven", "learning-community", "htsm", "Eindhoven", 2016,
        "Brainport Development [network] (lead); Summa College [school-mbo]; Fontys Hogescholen [school-hbo]; "
        "Technische Universiteit Eindhoven [school-wo]; VDL Groep [company-large]; ASML [company-large]; Gemeente "
        "Eindhoven [government] (financier)",
        "Brainport-bedrijven en onderwijs maken een leven lang leren gewoon: werkenden in de hightech maakindustrie "
        "houden hun vakmanschap bij en stappen over naar functies waar de regio om vraagt.",
        "https://www.brainportdevelopment.nl/lerend-leven",
        education_levels="mbo hbo wo", key_technologies="engineering-fabrication",
        societal_challenges="verdienvermogen", learning_functions="reactief proactief",
        problem_categories="aansluiting-werkenden motivatie kennisdeling", target_groups="werkenden zij-instromers",
        funding_sources="gemeente bedrijven slim",
    ),
    NamedSpec(
        "pilot:llo-binnen-coe-en-civ", "LLO binnen Centres of Expertise en CIV's", "learning-community", "htsm",
        "Den Haag", 2015,
        "Platform Bèta Techniek [network] (lead); Ministerie van OCW [government] (financier); Ministerie van "
        "Economische Zaken [government] (financier); Albeda [school-mbo]; Hogeschool Rotterdam [school-hbo]",
        "Het Platform Bèta Techniek helpt Centres of Expertise en CIV's om naast studenten ook werkenden te bedienen.",
        learning_functions="reactief", problem_categories="aansluiting-werkenden financiele-prikkels",
        target_groups="werkenden", funding_sources="overig", status="absorbed",
    ),
    NamedSpec(
        "pilot:pop-up-safety", "POP-UP Safety Blended Learning Lab", "skillslab learning-community", "chemie",
        "Amersfoort", 2016,
        "ISPT [research] (lead); VNCI [branch]; Koninklijke VNP [branch]; Smurfit Westrock [company-large]; OVP "
        "Procesindustrie [oo-fund] (financier); ROC Midden Nederland [school-mbo]",
        "Een blended leerlab waarin operators in de papier- en procesindustrie veilig werken oefenen.",
        key_technologies="chemical-technologies", societal_challenges="veiligheid", target_groups="werkenden",
        problem_categories="aansluiting-werkenden kennisdeling", funding_sources="oo-fonds bedrijven", status="ended",
    ),
    NamedSpec(
        "pilot:teachers-learning-in-energy", "Teachers Learning in Energy", "learning-community centre-of-expertise",
        "energie", "Arnhem", 2016,
        "Hogeschool van Arnhem en Nijmegen [school-hbo] (lead); Rijn IJssel [school-mbo]; ROC Nijmegen "
        "[school-mbo]; Alliander [company-large]; TenneT [company-large]",
        "Docenten van mbo en hbo lopen mee in energiebedrijven en vertalen wat ze leren naar hun lessen (SEECE).",
        societal_challenges="energietransitie-duurzaamheid", target_groups="docenten",
        problem_categories="kennisdeling aansluiting-studenten", funding_sources="bedrijven overig",
    ),
    NamedSpec(
        "pilot:rdm-makerspace", "RDM Makerspace Additive Manufacturing", "fieldlab centre-of-expertise",
        "htsm water-maritiem", "Rotterdam", 2014,
        "Hogeschool Rotterdam [school-hbo] (lead); Albeda [school-mbo]; Zadkine [school-mbo]; Havenbedrijf "
        "Rotterdam [company-large]; Hendriks Precisietechniek B.V. [company-mkb]; Gemeente Rotterdam [government] "
        "(financier)",
        "Op de RDM-campus leren studenten en mkb-bedrijven samen 3D-printen van metaal en kunststof voor de haven.",
        "https://www.rdmcoe.nl",
        key_technologies="engineering-fabrication advanced-materials", societal_challenges="verdienvermogen",
        learning_functions="proactief", funding_sources="gemeente bedrijven",
    ),
    NamedSpec(
        "pilot:hr-kleine-ci-bedrijven", "Toekomstbestendig HR-management Kleine CI-bedrijven", "learning-community",
        "creatieve-industrie", "Utrecht", 2017,
        "Hogeschool voor de Kunsten Utrecht [school-hbo] (lead); CLICKNL [network]; Cultuur+Ondernemen [other]; De "
        "Vries Design Studio [company-mkb]; Bakker Media B.V. [company-mkb]",
        "Kleine bedrijven in de creatieve industrie werken samen aan personeelsbeleid dat hen wendbaar houdt.",
        education_levels="hbo", target_groups="ondernemers werkenden",
        problem_categories="aansluiting-werkenden netwerk-urgentie", status="ended",
    ),
    NamedSpec(
        "pilot:bno-academie", "BNO-Academie", "learning-community", "creatieve-industrie", "Amsterdam", 2016,
        "BNO [branch] (lead); Hogeschool van Amsterdam [school-hbo]; Cultuur+Ondernemen [other]; Media Monks "
        "[company-large]",
        "De beroepsorganisatie van ontwerpers biedt haar leden bij- en nascholing, samen met het hbo.",
        "https://www.bno.nl/academie",
        education_levels="hbo", learning_forms="formal informal", target_groups="werkenden ondernemers",
        problem_categories="aansluiting-werkenden", funding_sources="overig",
    ),
    NamedSpec(
        "pilot:hilversum-media-campus", "Hilversum Media Campus", "learning-community living-lab",
        "creatieve-industrie dutch-digital-delta", "Hilversum", 2015,
        "Gemeente Hilversum [government] (lead); ROC van Amsterdam [school-mbo]; Hogeschool Utrecht [school-hbo]; "
        "Nederlands Instituut voor Beeld en Geluid [research]; NPO [company-large]; Talpa Network [company-large]",
        "Mediabedrijven, onderwijs en de gemeente brengen op de Hilversumse mediacampus leren en innoveren samen.",
        "https://www.hilversummediacampus.nl",
        key_technologies="digital-technologies", learning_functions="proactief reactief",
        funding_sources="gemeente bedrijven",
    ),
    NamedSpec(
        "pilot:llo-groen-onderwijs", "LLO in het Groen Onderwijs", "learning-community",
        "tuinbouw-uitgangsmaterialen agri-food", "Wageningen", 2016,
        "Aeres Hogeschool [school-hbo] (lead); Lentiz Onderwijsgroep [school-mbo]; Colland Arbeidsmarkt [oo-fund] "
        "(financier); Glastuinbouw Nederland [branch]; Wageningen University & Research [school-wo]",
        "Groene scholen bieden werkenden in tuinbouw en agri & food modulair onderwijs naast hun werk.",
        societal_challenges="landbouw-water-voedsel", target_groups="werkenden",
        problem_categories="aansluiting-werkenden financiele-prikkels", funding_sources="oo-fonds overig",
    ),
    NamedSpec(
        "pilot:waterkennisbank", "Strategische Personeelsplanning Waterkennisbank", "learning-community",
        "water-maritiem", "Nieuwegein", 2015,
        "Wateropleidingen [other] (lead); Vitens [company-large]; Unie van Waterschappen [branch]; Deltares [research]",
        "Waterbedrijven en waterschappen delen kennis over de vakmensen die ze de komende jaren nodig hebben.",
        societal_challenges="klimaatadaptatie", target_groups="werkenden",
        problem_categories="aansluiting-werkenden netwerk-urgentie", funding_sources="bedrijven", status="absorbed",
    ),
    NamedSpec(
        "pilot:evolva", "Evolva Werkplekleren 3.0", "learning-community", "lsh", "Enschede", 2015,
        "ROC van Twente [school-mbo] (lead); Saxion [school-hbo]; Medisch Spectrum Twente [other]; Carintreggeland "
        "[other]; Opleidingsfonds Zorg en Welzijn [oo-fund] (financier)",
        "Zorgmedewerkers en studenten leren op de werkplek met elkaar, begeleid door docenten die meedraaien.",
        key_technologies="digital-technologies", societal_challenges="gezondheid-zorg",
        learning_functions="voorwaardelijk reactief", learning_forms="hybrid informal", funding_sources="oo-fonds",
    ),
    NamedSpec(
        "pilot:doorlopende-leerlijn-planner", "Doorlopende Leerlijn (Transport)planner", "learning-community",
        "logistiek", "Breda", 2016,
        "Breda University of Applied Sciences [school-hbo] (lead); Curio [school-mbo]; evofenedex [branch]; "
        "Transport en Logistiek Nederland [branch]; SOOB [oo-fund] (financier); Van Dijk Transport [company-mkb]",
        "De NHTV (nu BUas) en het mbo maken één leerlijn voor (transport)planners, van mbo tot hbo en in het werk.",
        key_technologies="digital-technologies", problem_categories="aansluiting-studenten aansluiting-werkenden",
        funding_sources="oo-fonds",
    ),
    NamedSpec(
        "pilot:llo-waterbouw", "LLO Waterbouw(ers)", "learning-community", "water-maritiem", "Gouda", 2016,
        "Vereniging van Waterbouwers [branch] (lead); Boskalis [company-large]; Van Oord [company-large]; "
        "Hogeschool Rotterdam [school-hbo]; STC Group [school-mbo]",
        "Waterbouwers scholen hun mensen samen bij, zodat kennis over nieuwe technieken snel de sector rondgaat.",
        key_technologies="engineering-fabrication", societal_challenges="klimaatadaptatie", target_groups="werkenden",
        funding_sources="bedrijven",
    ),
    NamedSpec(
        "pilot:mentor-program-knw", "Mentor Program KNW", "learning-community", "water-maritiem", "Den Haag", 2015,
        "Koninklijk Nederlands Waternetwerk [network] (lead); Royal HaskoningDHV [company-large]; Witteveen+Bos "
        "[company-large]; Deltares [research]",
        "Ervaren waterprofessionals begeleiden jonge collega's uit andere organisaties in een mentorprogramma.",
        education_levels="hbo wo", learning_forms="informal", target_groups="werkenden",
        problem_categories="kennisdeling netwerk-urgentie", funding_sources="bedrijven",
    ),
    NamedSpec(
        "pilot:talent-innovatie-pool", "Talent Innovatie Pool", "learning-community", "logistiek", "Nijmegen", 2016,
        "Hogeschool van Arnhem en Nijmegen [school-hbo] (lead); ROC Nijmegen [school-mbo]; Bakker Logistiek "
        "[company-mkb]; Jumbo [company-large]; Oost NL [network]",
        "Studenten van de HAN werken in een pool aan innovatievragen van logistieke bedrijven in de regio.",
        learning_functions="proactief", funding_sources="bedrijven",
    ),
    NamedSpec(
        "pilot:otib-leerhuis", "OTIB Leerhuis", "learning-community", "energie", "Zoetermeer", 2015,
        "OTIB [oo-fund] (lead); Techniek Nederland [branch]; FNV [other]; CNV Vakmensen [other]",
        "Het opleidingsfonds van de installatiebranche helpt monteurs en hun werkgevers bij het bijleren.",
        "https://www.otib.nl/leerhuis",
        education_levels="mbo", societal_challenges="energietransitie-duurzaamheid", target_groups="werkenden",
        problem_categories="aansluiting-werkenden motivatie", funding_sources="oo-fonds",
    ),
    NamedSpec(
        "pilot:career-windenergie-op-zee", "CAREER Windenergie op Zee", "learning-community civ",
        "energie water-maritiem", "Den Helder", 2017,
        "ROC Kop van Noord-Holland [school-mbo] (lead); Hogeschool Inholland [school-hbo]; Vattenfall "
        "[company-large]; Eneco [company-large]; NWEA [branch]; Provincie Noord-Holland [government] (financier)",
        "Opleidingen en windparkbouwers bereiden technici voor op het werk op zee, van mbo tot bijscholing.",
        key_technologies="engineering-fabrication robotics", societal_challenges="energietransitie-duurzaamheid",
        problem_categories="aansluiting-studenten instroom", funding_sources="provincie bedrijven rif", phase="young",
    ),
    NamedSpec(
        "pilot:fieldlab-sociale-innovatie", "Fieldlab Sociale Innovatie binnen Smart Industry", "fieldlab", "htsm",
        "Den Haag", 2017,
        "TNO [research] (lead); AWVN [branch]; FNV [other]; Smart Industry [network]",
        "Werkgevers, werknemers en onderzoekers zoeken hoe werk en leren meegroeien met de slimme fabriek.",
        education_levels="hbo wo", key_technologies="engineering-fabrication", societal_challenges="verdienvermogen",
        learning_functions="proactief", target_groups="werkenden", funding_sources="overig",
    ),
)

OTHERS: tuple[NamedSpec, ...] = (
    NamedSpec(
        "named:civci-blue-talent-lab", "CIVci Blue Talent Lab", "civ living-lab",
        "creatieve-industrie dutch-digital-delta", "Amsterdam", 2014,
        "ROC van Amsterdam [school-mbo] (lead); Hogeschool van Amsterdam [school-hbo]; DPG Media [company-large]; "
        "Gemeente Amsterdam [government] (financier); Amsterdam Economic Board [network]",
        "Het CIV creatieve industrie van ROC van Amsterdam laat studenten in het Blue Talent Lab werken voor klanten.",
        education_levels="mbo", key_technologies="digital-technologies", funding_sources="rif gemeente bedrijven",
    ),
    NamedSpec(
        "named:civ-tuinbouw", "CIV Tuinbouw & Uitgangsmaterialen", "civ", "tuinbouw-uitgangsmaterialen", "Westland",
        2015,
        "Lentiz Onderwijsgroep [school-mbo] (lead); Hogeschool Inholland [school-hbo]; Royal FloraHolland "
        "[company-large]; Priva [company-large]; Glastuinbouw Nederland [branch]; Gemeente Westland [government] "
        "(financier)",
        "Het groene mbo en de glastuinbouw in het Westland leiden samen vakmensen op voor de kas van morgen.",
        education_levels="mbo", key_technologies="engineering-fabrication",
        societal_challenges="landbouw-water-voedsel", funding_sources="rif gemeente bedrijven",
    ),
    NamedSpec(
        "named:seece", "SEECE Sustainable Electrical Energy Centre of Expertise", "centre-of-expertise", "energie",
        "Arnhem", 2011,
        "Hogeschool van Arnhem en Nijmegen [school-hbo] (lead); Rijn IJssel [school-mbo]; Alliander "
        "[company-large]; TenneT [company-large]; Provincie Gelderland [government] (financier)",
        "Het Centre of Expertise van de HAN voor duurzame elektrische energie: onderzoek, onderwijs en bedrijven "
        "samen.",
        "https://www.han.nl/seece",
        key_technologies="engineering-fabrication digital-technologies",
        societal_challenges="energietransitie-duurzaamheid", learning_functions="proactief voorwaardelijk",
        funding_sources="provincie bedrijven", phase="self-sustaining",
    ),
    NamedSpec(
        "named:coe-smart-sustainable-cities", "Centre of Expertise Smart Sustainable Cities", "centre-of-expertise",
        "energie dutch-digital-delta", "Utrecht", 2013,
        "Hogeschool Utrecht [school-hbo] (lead); ROC Midden Nederland [school-mbo]; Gemeente Utrecht [government] "
        "(financier); Provincie Utrecht [government] (financier); Economic Board Utrecht [network]",
        "Hogeschool Utrecht en ROC Midden Nederland werken met de regio aan een slimme, duurzame stad.",
        key_technologies="digital-technologies", societal_challenges="energietransitie-duurzaamheid klimaatadaptatie",
        learning_functions="proactief", funding_sources="gemeente provincie",
    ),
    NamedSpec(
        "named:coe-cybersecurity", "Centre of Expertise Cybersecurity", "centre-of-expertise lectoraat",
        "dutch-digital-delta", "Den Haag", 2016,
        "De Haagse Hogeschool [school-hbo] (lead); ROC Mondriaan [school-mbo]; KPN [company-large]; The Hague "
        "Security Delta [network]; Gemeente Den Haag [government] (financier)",
        "De Haagse Hogeschool bundelt onderwijs, onderzoek en bedrijven rond digitale veiligheid.",
        "https://www.dehaagsehogeschool.nl/cybersecurity",
        key_technologies="cybersecurity", societal_challenges="veiligheid",
        learning_functions="proactief voorwaardelijk", funding_sources="gemeente",
    ),
    NamedSpec(
        "named:cybersecurity-centre-roc-van-amsterdam", "Cybersecurity Centre ROC van Amsterdam", "civ skillslab",
        "dutch-digital-delta", "Amsterdam", 2017,
        "ROC van Amsterdam [school-mbo] (lead); Hogeschool van Amsterdam [school-hbo]; KPN [company-large]; "
        "Gemeente Amsterdam [government] (financier)",
        "Mbo-studenten leren in een echt security operations centre bedrijven te beschermen.",
        education_levels="mbo", key_technologies="cybersecurity", societal_challenges="veiligheid",
        learning_functions="voorwaardelijk", funding_sources="rif gemeente", phase="young",
    ),
    NamedSpec(
        "named:energy-college-hotspots", "Energy College Hotspots Noord-Nederland", "learning-community living-lab",
        "energie", "Eemsdelta", 2016,
        "Noorderpoort [school-mbo] (lead); Hanzehogeschool Groningen [school-hbo]; Gasunie [company-large]; "
        "Groningen Seaports [company-large]; Provincie Groningen [government] (financier)",
        "Op hotspots bij energiebedrijven in Noord-Nederland leren studenten en werkenden in de echte installatie.",
        societal_challenges="energietransitie-duurzaamheid", funding_sources="provincie bedrijven",
    ),
    NamedSpec(
        "named:technohub", "TechnoHUB", "learning-community", "htsm", "Nieuwegein", 2014,
        "MBO Utrecht [school-mbo] (lead); ROC Midden Nederland [school-mbo]; Cals College Nieuwegein [school-vo]; "
        "Koninklijke Metaalunie [branch]; Economic Board Utrecht [network]; Provincie Utrecht [government] "
        "(financier)",
        "150 bedrijven uit de regio, vmbo en mbo laten leerlingen techniek ervaren; zo kozen niet 17 maar 120 "
        "vmbo-leerlingen per jaar voor een technische opleiding.",
        "https://www.technohub.nl",
        education_levels="vmbo mbo", target_groups="studenten", problem_categories="instroom aansluiting-studenten",
        funding_sources="provincie bedrijven",
    ),
    NamedSpec(
        "named:zorgversterkers", "Zorgversterkers", "learning-community", "lsh", "Utrecht", 2018,
        "ROC Midden Nederland [school-mbo] (lead); Hogeschool Utrecht [school-hbo]; UMC Utrecht [other]; Utrecht "
        "Talent Alliantie [network]; Gemeente Utrecht [government] (financier)",
        "Zij-instromers en werkzoekenden worden met een leerbaan zorgmedewerker in de regio Utrecht.",
        education_levels="mbo", societal_challenges="gezondheid-zorg", target_groups="zij-instromers werkzoekenden",
        problem_categories="instroom aansluiting-werkenden", funding_sources="gemeente", phase="young",
    ),
    NamedSpec(
        "named:it-career-centre-utrecht", "IT-Career Centre Utrecht", "learning-community", "dutch-digital-delta",
        "Utrecht", 2019,
        "MBO Utrecht [school-mbo] (lead); Hogeschool Utrecht [school-hbo]; Centric [company-large]; Utrecht Talent "
        "Alliantie [network]; Gemeente Utrecht [government] (financier)",
        "Een loket en leerroute voor wie in de Utrechtse IT aan de slag wil, met werkgevers als opdrachtgever.",
        key_technologies="digital-technologies", target_groups="zij-instromers werkzoekenden werkenden",
        problem_categories="instroom aansluiting-werkenden", funding_sources="gemeente bedrijven", phase="young",
    ),
    NamedSpec(
        "named:make-it-work", "Make IT Work", "learning-community", "dutch-digital-delta", "Utrecht", 2018,
        "Hogeschool Utrecht [school-hbo] (lead); Capgemini Nederland [company-large]; Sopra Steria [company-large]; "
        "Utrecht Talent Alliantie [network]; UWV [government]",
        "Hoogopgeleide zij-instromers worden in een omscholingstraject met baangarantie ICT-professional.",
        education_levels="hbo", key_technologies="digital-technologies", target_groups="zij-instromers",
        problem_categories="instroom aansluiting-werkenden", funding_sources="bedrijven", phase="young",
    ),
    NamedSpec(
        "named:bouw-is-wouw", "Bouw=Wouw", "learning-community", "energie htsm", "Amersfoort", 2017,
        "MBO Amersfoort [school-mbo] (lead); Bouwend Nederland [branch]; Van den Berg Bouw B.V. [company-mkb]; "
        "Gemeente Amersfoort [government] (financier)",
        "Vmbo, mbo en bouwbedrijven maken jongeren enthousiast voor de duurzame bouw in de regio Amersfoort.",
        education_levels="vmbo mbo", societal_challenges="energietransitie-duurzaamheid circulaire-economie",
        target_groups="studenten", problem_categories="instroom", funding_sources="gemeente bedrijven",
    ),
)
# fmt: on
