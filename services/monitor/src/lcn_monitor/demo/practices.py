"""Good practices of the 20 pilots of the 2017 study (file 004, chapter 6), in Dutch, true to the text."""

from __future__ import annotations

from typing import NamedTuple


class PracticeSpec(NamedTuple):
    """A pilot's good practice; vocabulary values are codes, separated by spaces."""

    community: str  # the pilot's name in the registry
    title: str
    summary: str
    problem_categories: str
    success_factors: str
    learning_functions: str
    target_groups: str
    lessons_learned: str
    indicator_keys: str = ""
    featured: bool = False


# fmt: off
PILOT_PRACTICES: tuple[PracticeSpec, ...] = (
    PracticeSpec(
        "Energy College", "Eén energieprogramma, elke school een eigen energiedomein",
        "Overheden, bedrijfsleven en mbo-instellingen in Noord-Nederland ontwikkelden samen een "
        "energie-onderwijsprogramma. Elke onderwijsinstelling is verantwoordelijk voor een eigen energiedomein, "
        "waarin studenten en zij-instromers uit verschillende technische opleidingen zich specialiseren. Bedrijven "
        "brengen kennis, materiaal en stageplaatsen in.",
        "aansluiting-studenten instroom", "gedeeld-eigenaarschap meerwaarde", "voorwaardelijk",
        "studenten zij-instromers",
        "Energie als apart onderdeel van het technisch onderwijs geeft de gelegenheid expliciet te wijzen op "
        "baankansen in de energiesector. Een eigen 'branding' van de sector als dynamisch en toekomstgericht "
        "vakgebied, al in het voortgezet of zelfs primair onderwijs, maakt het aantrekkelijker om voor een "
        "energieopleiding te kiezen.",
        "students-reached companies-reached",
    ),
    PracticeSpec(
        "Duurzaamheidsfabriek & Energie Transitie Huis", "Leren, werken en innoveren samen in de Duurzaamheidsfabriek",
        "Studenten krijgen onderwijs in hybride leeromgevingen en werken met de nieuwste apparaten aan echte "
        "opdrachten van bedrijven; werkenden volgen er bij-, na- of omscholing. In het Energie Transitie Huis "
        "vervangen studenten traditionele energie-installaties door duurzame technieken. In het project TIMA "
        "robotiseren werknemers en studenten samen het lassen in scheepswerven.",
        "aansluiting-studenten motivatie", "realisatie-innovaties fysieke-locatie meerwaarde",
        "voorwaardelijk reactief proactief", "studenten werkenden",
        "Hier komen de drie functies van leren samen: leren om te werken, leren om het werk te blijven doen en leren "
        "om te innoveren. Door het leren uit het werk te halen en het ook voor werkenden 'werkend' vorm te geven, "
        "verdwijnt het schoolse en wordt leren aantrekkelijker. De energietransitie wordt tastbaar en er ontstaat "
        "ruimte om te experimenteren.",
        "students-reached employees-reached companies-reached", featured=True,
    ),
    PracticeSpec(
        "Lerend Leven", "Een regionale makelaar voor de ontwikkeling van medewerkers",
        "Brainport Development begeleidt bedrijven in de Brainport-regio bij het zoeken naar oplossingen om de "
        "ontwikkeling van hun medewerkers te stroomlijnen. De bedrijven denken na over de problemen die ze tegenkomen "
        "en stellen zichzelf en elkaar kritische vragen.",
        "netwerk-urgentie", "leercultuur meerwaarde", "reactief", "werkenden ondernemers",
        "De pilot werkt als makelaar aan regionale netwerkvorming. Informatielacunes en een gebrek aan urgentie "
        "kunnen een leven lang ontwikkelen tegenhouden; bedrijven adviseren en begeleiden helpt die te verhelpen. "
        "Vooral in het mkb wordt vaak op korte termijn gedacht, terwijl het onderwijs met meerjarige trajecten werkt.",
        "employees-reached companies-reached",
    ),
    PracticeSpec(
        "LLO binnen Centres of Expertise en CIV's", "Drie manieren van leren in publiek-private samenwerking",
        "Centres of Expertise en Centra voor Innovatief Vakmanschap verbeteren de aansluiting tussen onderwijs en "
        "arbeidsmarkt op drie manieren: leren in onderwijs en cursussen voor diploma's en certificaten, leren op de "
        "werkvloer samen met werknemers van bedrijven, en leren door samen te innoveren.",
        "aansluiting-studenten aansluiting-werkenden instroom", "realisatie-innovaties gedeeld-eigenaarschap",
        "voorwaardelijk reactief proactief", "studenten werkenden docenten",
        "Leren op de werkvloer gaat niet alleen over studenten, maar ook over de interactie met en het leren van de "
        "werknemers van het bedrijf. Bij de derde vorm werken werknemers en studenten met docenten en lectoren aan "
        "innovaties en leren ze gaandeweg. Samen innoveren geeft onderwijs en bedrijfsleven een gemene deler: een "
        "onderwerp dat voor beide nieuw is.",
        "students-reached employees-reached teachers-reached",
    ),
    PracticeSpec(
        "POP-UP Safety Blended Learning Lab", "Veiligheid trainen in virtuele werkelijkheid",
        "In de papierindustrie creëert de pilot met virtuele werkelijkheid (VR) een realistische, onveilige "
        "simulatieomgeving. Deelnemers trainen daarin onveilige situaties, effectief en met een hoog rendement, "
        "anders dan bij traditionele trainingen.",
        "financiele-prikkels instroom", "realisatie-innovaties", "reactief", "werkenden",
        "VR maakt veiligheidstraining effectief en geeft de papierindustrie tegelijk een innovatief imago, wat de "
        "sector aantrekkelijker maakt voor nieuwe instroom. Niet iedereen omarmt nieuwe ICT-toepassingen meteen: de "
        "kunst is steeds te bepalen wat werkt voor welke doelgroep.",
        "employees-reached",
    ),
    PracticeSpec(
        "Teachers Learning in Energy", "Docenten brengen de energietransitie snel het onderwijs in",
        "Docenten van verschillende hogescholen werken samen om ontwikkelingen van buiten snel het energieonderwijs "
        "in te brengen. Een van de vormen is een gezamenlijke minor energietransitie met een stage bij een bedrijf, "
        "waarin studenten aan een complex vraagstuk (wicked problem) uit de energietransitie werken.",
        "aansluiting-studenten", "realisatie-innovaties meerwaarde", "reactief", "docenten studenten",
        "Actuele ontwikkelingen rechtstreeks en continu in het curriculum verwerken lukt niet altijd; studenten die "
        "bij bedrijven aan een complex vraagstuk werken, zijn een flexibel alternatief. Een permeabel curriculum, dat "
        "variabele opdrachten uit het bedrijfsleven toelaat, helpt de integratie van bedrijfsleven en onderwijs.",
        "teachers-reached students-reached",
    ),
    PracticeSpec(
        "RDM Makerspace Additive Manufacturing", "Skillprofielen voor 3D-metaalprinten",
        "De pilot brengt studenten en docenten in aanraking met 3D-metaalprinten en achterhaalt samen met bedrijven "
        "op welke vaardigheden toekomstige onderwijsprogramma's zich moeten richten. Werkanalyses monden uit in "
        "skillprofielen voor professionals in de 3D- en 4D-printtechnologie.",
        "aansluiting-studenten aansluiting-werkenden", "realisatie-innovaties leercultuur", "proactief",
        "studenten docenten werkenden",
        "Het doel is een commercieel bij-, na- en omscholingstraject voor toekomstige beroepsbeoefenaren van "
        "3D-technologie, met parallel een Associate Degree-traject. Samen werken aan een nieuwe techniek overbrugt de "
        "afstand tussen onderwijs en bedrijfsleven het meest concreet.",
        "new-outputs students-reached",
    ),
    PracticeSpec(
        "Toekomstbestendig HR-management Kleine CI-bedrijven", "Urgentie voor een leven lang ontwikkelen vanuit HR",
        "De pilot zoekt voor kleine bedrijven in de creatieve industrie een antwoord op de vraag hoe je de urgentie "
        "van een leven lang ontwikkelen verhoogt en daar vanuit HR concreet mee omgaat. Daarvoor gaat ze in gesprek "
        "met individuele bedrijven, werkgeversorganisaties en brancheverenigingen.",
        "netwerk-urgentie", "leercultuur", "reactief", "ondernemers werkenden",
        "Het is lastig bedrijven de meerwaarde of urgentie van samenwerking te laten inzien; vooral in het mkb wordt "
        "vaak op korte termijn gedacht. Snappen hoe de leercultuur van bedrijven werkt, is nodig om een passend "
        "aanbod samen te stellen.",
        "companies-reached",
    ),
    PracticeSpec(
        "BNO-Academie", "Training op maat voor ontwerpers",
        "De beroepsorganisatie van zelfstandige ontwerpers en ontwerpbureaus biedt trainingen, gastlessen en "
        "in-company workshops over het vak en het ondernemerschap. Omdat afstand, tijd en deelnamegeld de investering "
        "te hoog maken, verlaagt de pilot de kosten en stemt ze het aanbod en de tijdstippen af op de voorkeuren van "
        "ontwerpers.",
        "financiele-prikkels kennisdeling", "leercultuur meerwaarde", "reactief", "werkenden ondernemers",
        "Differentiëren naar doelgroep werkt: naast trainingen bieden individuele begeleiding, intervisiecoaching en "
        "mentorprogramma's ruimte voor interactie. Zo leren jong en oud van elkaar en worden subcultuurverschillen "
        "overbrugd.",
        "employees-reached",
    ),
    PracticeSpec(
        "Hilversum Media Campus", "Leer-werktrajecten en een master Media-innovatie",
        "De creatieve industrie bereidt recent afgestudeerden met een leer-werktraject in het Talent Development "
        "Program voor op hun carrière als mediaprofessional, met een sterke praktijkcomponent. Professionals en "
        "docenten kunnen op de campus de master Media-innovatie volgen.",
        "aansluiting-werkenden", "fysieke-locatie realisatie-innovaties", "reactief proactief",
        "werkenden docenten",
        "De master geeft inzicht in de bouwstenen van succesvolle media-innovaties, zodat professionals zelf "
        "innovaties kunnen initiëren. Een gezamenlijke plek maakt dat partners elkaar snel vinden en dat er "
        "geëxperimenteerd kan worden met nieuwe technologie.",
        "employees-reached teachers-reached",
    ),
    PracticeSpec(
        "LLO in het Groen Onderwijs", "De scholingsvraag van de groene sectoren in kaart",
        "De pilot achterhaalt met analyses de scholingsvraag van de verschillende groene sectoren, en welke rol "
        "groene onderwijsinstellingen (WUR, HAO, AOC's) daarin logisch kunnen spelen.",
        "aansluiting-werkenden", "leercultuur", "reactief", "werkenden",
        "Inzicht in hoe en onder welke randvoorwaarden in bedrijven gewerkt en geleerd wordt, is nodig om een passend "
        "onderwijsaanbod voor werkenden samen te stellen.",
        "employees-reached",
    ),
    PracticeSpec(
        "Strategische Personeelsplanning Waterkennisbank", "Een beslisboom voor strategische personeelsplanning",
        "De pilot wil organisaties in de watersector bewust maken van het belang van strategische personeelsplanning. "
        "Daarnaast ontwikkelt ze een procesaanpak met een beslisboom om strategische personeelsplanning in de "
        "praktijk te brengen.",
        "netwerk-urgentie", "leercultuur", "reactief", "werkenden",
        "Bewustwording alleen is niet genoeg: een concrete procesaanpak helpt organisaties de stap naar de praktijk "
        "te zetten. Bedrijven adviseren en begeleiden helpt informatielacunes en een gebrek aan urgentie te "
        "verhelpen.",
        "new-outputs",
    ),
    PracticeSpec(
        "Evolva Werkplekleren 3.0", "Werkplekleren 3.0 in de zorg",
        "Door de transformatie in de zorg zijn verzorgenden niet alleen uitvoerders van zorgtaken, maar ook managers "
        "van een netwerk rond de zorgbehoevende. De vaardigheden daarvoor doen ze op met werkplekleren 3.0: een "
        "combinatie van informeel, virtueel en teamleren, met een virtuele omgeving met een forum voor vragen, "
        "feedback en leeropdrachten.",
        "financiele-prikkels motivatie kennisdeling", "leercultuur", "reactief", "werkenden",
        "Werkplekleren is een antwoord op hoge verletkosten, hoge tarieven en het lage rendement van bestaande "
        "cursussen. Hulpverleners vinden het leuk: ze leren wat ertoe doet, het resultaat is meteen zichtbaar en "
        "reflecteren geeft voldoening. Teams kiezen zelf hun leeronderwerpen en vinden elkaar virtueel en fysiek.",
        "employees-reached", featured=True,
    ),
    PracticeSpec(
        "Doorlopende Leerlijn (Transport)planner", "Eén leerlijn voor transportplanners, van mbo tot hbo/wo",
        "De pilot ontwikkelt passende onderwijsprogramma's voor transportplanners, met als doel een doorlopende "
        "leerlijn van mbo tot hbo/wo. Dat gebeurt in nauwe samenspraak met bedrijven en brancheorganisaties.",
        "aansluiting-werkenden", "gedeeld-eigenaarschap meerwaarde", "reactief", "werkenden studenten",
        "De nauwe samenspraak met bedrijven en brancheorganisaties maakt dat de complexe wensen van de markt beter in "
        "opleidingen worden vertaald. Gedeeld eigenaarschap houdt partijen continu met elkaar in gesprek.",
        "new-outputs employees-reached",
    ),
    PracticeSpec(
        "LLO Waterbouw(ers)", "Campagnes voor inzetbaarheid in de waterbouw",
        "Met campagnes vergroot de pilot de bewustwording en verantwoordelijkheid van werknemers in de waterbouw voor "
        "hun eigen inzetbaarheid, en ze adviseert werkgevers. De campagnes bestaan uit een inzetbaarheidsscan met "
        "vragenlijsten, online voorlichtingsmateriaal, voorlichtingsdagen en bezoeken aan individuele werkgevers.",
        "netwerk-urgentie", "leercultuur", "reactief", "werkenden",
        "Werknemers en werkgevers tegelijk aanspreken werkt: de aanpak omvat ook informatie voor werkgevers over wat "
        "het O&O-fonds te bieden heeft. Adviseren en begeleiden helpt informatielacunes en een gebrek aan urgentie te "
        "verhelpen.",
        "employees-reached companies-reached",
    ),
    PracticeSpec(
        "Mentor Program KNW", "Jonge en ervaren waterprofessionals delen kennis",
        "De pilot gaat het verlies van kennis door pensionering in de watersector tegen. Jonge en ervaren "
        "professionals zoeken elkaar op om kennis en ervaringen te delen; 'mentorprogramma' staat voor alle "
        "activiteiten waarin mensen elkaar opzoeken om knowhow en ervaringen te delen.",
        "kennisdeling", "meerwaarde", "reactief", "werkenden",
        "Mentorprogramma's laten jong en oud, onervaren en ervaren professionals waardevolle kennis delen in een "
        "veilige leeromgeving. Ruim opvatten wat een mentorprogramma is, maakt meer vormen van kennisdelen mogelijk.",
        "employees-reached",
    ),
    PracticeSpec(
        "Talent Innovatie Pool", "Studenten en high potentials lossen samen logistieke vragen op",
        "Studenten, high potentials van bedrijven en onderzoekers bedenken samen concrete oplossingen voor logistieke "
        "kennisvragen. Het bedrijf ontmoet toekomstig talent en krijgt een concrete oplossing; studenten krijgen "
        "inzicht in het reilen en zeilen van een bedrijf en dragen bij aan innovatie.",
        "aansluiting-studenten financiele-prikkels motivatie kennisdeling", "meerwaarde realisatie-innovaties",
        "voorwaardelijk proactief", "studenten werkenden",
        "Met een student als goedkope sparringpartner kunnen werkgevers hun bedrijfstalenten blijven boeien en "
        "behouden. Ook planners en studenten van andere bedrijven komen samen om elkaars problemen te bespreken, "
        "zodat kennis wordt gedeeld. Meerwaarde voor beide partijen geeft de samenwerking een stevige basis.",
        "students-reached companies-reached", featured=True,
    ),
    PracticeSpec(
        "OTIB Leerhuis", "Modulaire e-learning voor monteurs",
        "Monteurs in de installatiebranche doen kennis op met e-learning in modules in plaats van een traditionele "
        "meerdaagse opleiding. Het digitale leerhuis maakt gepersonaliseerd leren mogelijk: elke monteur leert alleen "
        "wat hij nodig heeft.",
        "financiele-prikkels motivatie", "leercultuur", "reactief", "werkenden",
        "Verletkosten dalen omdat werkgevers hun personeel niet dagenlang missen, en monitoring wordt eenvoudiger. "
        "Werkenden die opzien tegen driedaagse opleidingen, ervaren de digitale leeromgeving als laagdrempelig. Tip: "
        "houd de softwarebasis van een digitale leeromgeving simpel, maar uitbreidbaar.",
        "employees-reached",
    ),
    PracticeSpec(
        "CAREER Windenergie op Zee", "Onderwijs op peil voor wind op zee",
        "CAREER wil het onderwijs voor de groeiende wind-op-zeesector op peil brengen en zorgen voor voldoende in- en "
        "uitstroom, via een nauwe samenwerking tussen onderwijs en bedrijfsleven. De pilot brengt docenten samen in "
        "teach-the-teacher-sessies, stimuleert de samenwerking tussen hogescholen en ontwikkelt CIV's en CoE's.",
        "aansluiting-studenten aansluiting-werkenden", "gedeeld-eigenaarschap meerwaarde",
        "voorwaardelijk reactief", "studenten docenten werkenden",
        "Docenten die samen leren, brengen ontwikkelingen in de sector sneller het onderwijs in. Samenwerking tussen "
        "onderwijs en bedrijfsleven komt niet vanzelf tot stand: de waaromvraag samen beantwoorden en gedeeld "
        "eigenaarschap geven haar een stevige basis.",
        "students-reached teachers-reached",
    ),
    PracticeSpec(
        "Fieldlab Sociale Innovatie binnen Smart Industry", "Leerrijke werkomgevingen in bedrijven",
        "Het fieldlab, verbonden aan Smart Industry, schept leerrijke werkomgevingen binnen bedrijven en stimuleert "
        "daarbij hybride leren voor werkenden. Echte innovatie-uitdagingen maken er steevast deel van uit; werkenden, "
        "studenten en docenten werken samen in de projecten.",
        "aansluiting-werkenden netwerk-urgentie", "realisatie-innovaties leercultuur", "reactief proactief",
        "werkenden studenten docenten",
        "Werken, leren en innoveren komen in het fieldlab bij elkaar. Samenwerken aan innovaties, en minder aan 'de "
        "waan van de dag', helpt de samenwerking tussen onderwijs en bedrijfsleven.",
        "employees-reached",
    ),
)
# fmt: on
