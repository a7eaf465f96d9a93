"""The words of the overview pages, Dutch first (the kit's own words are in lcn_shared.pages.i18n)."""

from __future__ import annotations

from lcn_shared.pages import DUTCH as NL
from lcn_shared.pages import ENGLISH as EN
from lcn_shared.pages import Messages

# The filters' names, by query parameter (the same parameters as the API's).
FIELD_NAMES = {
    "kind": {NL: "Soort", EN: "Kind"},
    "education_level": {NL: "Onderwijsniveau", EN: "Education level"},
    "topsector": {NL: "Topsector (een van)", EN: "Top sector (any)"},
    "societal_challenge": {NL: "Maatschappelijke opgave", EN: "Societal challenge"},
    "key_technology": {NL: "Sleuteltechnologie", EN: "Key technology"},
    "learning_function": {NL: "Leerfunctie", EN: "Learning function"},
    "learning_form": {NL: "Leervorm", EN: "Learning form"},
    "problem_category": {NL: "Knelpunt", EN: "Problem category"},
    "target_group": {NL: "Doelgroep", EN: "Target group"},
    "funding_source": {NL: "Financieringsbron", EN: "Funding source"},
    "landsdeel": {NL: "Landsdeel", EN: "Region (landsdeel)"},
    "province": {NL: "Provincie", EN: "Province"},
    "phase": {NL: "Fase", EN: "Phase"},
    "status": {NL: "Status", EN: "Status"},
    "municipality": {NL: "Gemeente", EN: "Municipality"},
    "partner": {NL: "Partner (organisatie-id)", EN: "Partner (organisation id)"},
    "source": {NL: "Bron (feed)", EN: "Source (feed)"},
    "synthetic": {NL: "Gegevens", EN: "Data"},
    "q": {NL: "Zoeken in naam, plaats en beschrijving", EN: "Search name, place and description"},
    "primary_topsector": {NL: "Eerste topsector", EN: "First top sector"},
}

MESSAGES = Messages(
    {
        **{f"field_{name}": texts for name, texts in FIELD_NAMES.items()},
        "overview_title": {NL: "Spreiding van de leergemeenschappen", EN: "How the learning communities are spread"},
        "overview_lead": {
            NL: "{total} leergemeenschappen voldoen aan de filters. Kies een getal om de leergemeenschappen te zien.",
            EN: "{total} learning communities match the filters. Choose a number to see the communities.",
        },
        "filters": {NL: "Filters", EN: "Filters"},
        "filters_hint": {
            NL: "Binnen één filter geldt of, tussen filters en. Zonder vinkje telt alles mee.",
            EN: "Within one filter any value matches; all filters must match. Nothing ticked counts everything.",
        },
        "apply_filters": {NL: "Filters toepassen", EN: "Apply filters"},
        "clear_filters": {NL: "Alle filters wissen", EN: "Clear all filters"},
        "synthetic_all": {NL: "Echte en synthetische", EN: "Real and synthetic"},
        "synthetic_false": {NL: "Alleen echte", EN: "Real only"},
        "synthetic_true": {NL: "Alleen synthetische", EN: "Synthetic only"},
        "chosen": {NL: "{count} gekozen", EN: "{count} chosen"},
        "matrix_heading": {NL: "Per landsdeel en topsector", EN: "By region and top sector"},
        "matrix_caption": {
            NL: "Leergemeenschappen per landsdeel (rijen) en eerste topsector (kolommen)",
            EN: "Learning communities by region (rows) and first top sector (columns)",
        },
        "matrix_counting": {
            NL: "Elke leergemeenschap telt één keer: in de kolom van haar eerste topsector, of onder "
            "‘Geen topsector’. De cellen tellen op tot de totalen.",
            EN: "Each community counts once: in the column of its first top sector, or under ‘No top sector’. "
            "The cells add up to the totals.",
        },
        "heat_legend": {
            NL: "Hoe donkerder de cel, hoe meer leergemeenschappen; het aantal staat altijd in de cel.",
            EN: "The darker the cell, the more communities; the number is always in the cell.",
        },
        "heat_legend_label": {NL: "Kleurschaal", EN: "Colour scale"},
        "heat_none": {NL: "geen", EN: "none"},
        "heat_most": {NL: "meeste", EN: "most"},
        "landsdeel": {NL: "Landsdeel", EN: "Region"},
        "no_topsector": {NL: "Geen topsector", EN: "No top sector"},
        "total": {NL: "Totaal", EN: "Total"},
        "cell_link_label": {
            NL: "{count} leergemeenschappen in {row}, {column}",
            EN: "{count} learning communities in {row}, {column}",
        },
        "per_value_heading": {NL: "Per soort, sleuteltechnologie en niveau", EN: "By kind, key technology and level"},
        "per_value_counting": {
            NL: "Een leergemeenschap met twee waarden telt bij beide, dus een tabel kan optellen tot meer dan het "
            "totaal.",
            EN: "A community with two values counts under both, so a table may add up to more than the total.",
        },
        "by_kind": {NL: "Per soort", EN: "By kind"},
        "by_key_technology": {NL: "Per sleuteltechnologie", EN: "By key technology"},
        "by_education_level": {NL: "Per onderwijsniveau", EN: "By education level"},
        "value": {NL: "Waarde", EN: "Value"},
        "count": {NL: "Aantal", EN: "Number"},
        "without_value": {NL: "Zonder waarde", EN: "No value"},
        "downloads_heading": {NL: "Downloaden", EN: "Download"},
        "download_matrix": {NL: "Deze tabel als CSV", EN: "This table as CSV"},
        "download_matrix_semicolon": {
            NL: "Deze tabel als CSV voor Nederlandse Excel (puntkomma)",
            EN: "This table as CSV for Dutch Excel (semicolon)",
        },
        "download_communities": {NL: "De leergemeenschappen als CSV", EN: "The communities as CSV"},
        "download_json": {NL: "De cijfers als JSON (API)", EN: "The figures as JSON (API)"},
        "list_title": {NL: "Leergemeenschappen", EN: "Learning communities"},
        "list_lead": {
            NL: "{total} leergemeenschappen voldoen aan deze keuze.",
            EN: "{total} learning communities match this choice.",
        },
        "list_choice": {NL: "Keuze", EN: "Choice"},
        "list_caption": {
            NL: "Leergemeenschappen, op naam (pagina {page} van {pages})",
            EN: "Learning communities, by name (page {page} of {pages})",
        },
        "list_empty": {NL: "Geen leergemeenschappen op deze pagina.", EN: "No communities on this page."},
        "column_name": {NL: "Naam", EN: "Name"},
        "column_place": {NL: "Plaats", EN: "Place"},
        "column_topsectors": {NL: "Topsectoren", EN: "Top sectors"},
        "column_kinds": {NL: "Soort", EN: "Kind"},
        "column_status": {NL: "Status", EN: "Status"},
        "previous_page": {NL: "Vorige pagina", EN: "Previous page"},
        "next_page": {NL: "Volgende pagina", EN: "Next page"},
        "pagination": {NL: "Paginering", EN: "Pagination"},
        "back_to_overview": {NL: "Terug naar de spreiding", EN: "Back to the overview"},
        "community_json": {NL: "(gegevens als JSON)", EN: "(data as JSON)"},
    }
)
