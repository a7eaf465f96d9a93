"""The words of the planner's pages, Dutch first (the kit's own words are in lcn_shared.pages.i18n)."""

from __future__ import annotations

from lcn_shared.pages import DUTCH as NL
from lcn_shared.pages import ENGLISH as EN
from lcn_shared.pages import Messages

MONTHS = {
    NL: "januari februari maart april mei juni juli augustus september oktober november december".split(),
    EN: "January February March April May June July August September October November December".split(),
}
STATUSES = {
    "draft": {NL: "Concept", EN: "Draft"},
    "published": {NL: "Gepubliceerd", EN: "Published"},
    "rescheduled": {NL: "Verplaatst", EN: "Rescheduled"},
    "cancelled": {NL: "Geannuleerd", EN: "Cancelled"},
    "completed": {NL: "Afgelopen", EN: "Completed"},
}
FIELDS = {
    "title": {NL: "Titel", EN: "Title"},
    "kind": {NL: "Soort bijeenkomst", EN: "Kind of event"},
    "major": {
        NL: "Grote bijeenkomst (waarschuw bij overlap; een congres is dat altijd)",
        EN: "Major event (warn of clashes; a conference always is)",
    },
    "organiser": {NL: "Organisator", EN: "Organiser"},
    "description": {NL: "Beschrijving", EN: "Description"},
    "all_day": {NL: "Hele dag (alleen datums)", EN: "All day (dates only)"},
    "start_date": {NL: "Begindatum", EN: "Start date"},
    "start_time": {NL: "Begintijd", EN: "Start time"},
    "end_date": {NL: "Einddatum", EN: "End date"},
    "end_time": {NL: "Eindtijd", EN: "End time"},
    "timezone": {NL: "Tijdzone", EN: "Time zone"},
    "repeat": {NL: "Herhaling", EN: "Repeats"},
    "repeat_count": {NL: "Aantal keer (optioneel)", EN: "Number of times (optional)"},
    "repeat_until": {NL: "Herhalen tot en met (optioneel)", EN: "Repeat until (optional)"},
    "rrule": {NL: "Herhaalregel (RRULE)", EN: "Recurrence rule (RRULE)"},
    "venue_name": {NL: "Naam van de locatie", EN: "Venue name"},
    "venue_address": {NL: "Straat en huisnummer", EN: "Street and number"},
    "venue_postal_code": {NL: "Postcode", EN: "Postal code"},
    "venue_city": {NL: "Plaats", EN: "City"},
    "online_url": {NL: "Link om online deel te nemen", EN: "Link to take part online"},
    "landsdelen": {NL: "Landsdelen (geen: landelijk)", EN: "Landsdelen (none: national)"},
    "topsectors": {NL: "Topsectoren", EN: "Top sectors"},
    "themes": {NL: "Thema's", EN: "Themes"},
    "capacity": {NL: "Aantal plaatsen (leeg: onbeperkt)", EN: "Places (empty: no limit)"},
    "registration_opens_at": {NL: "Aanmelden kan vanaf", EN: "Registration opens"},
    "registration_closes_at": {NL: "Aanmelden kan tot", EN: "Registration closes"},
    "requires_approval": {NL: "Aanmeldingen eerst goedkeuren", EN: "Approve registrations first"},
}
REPEATS = {
    "none": {NL: "Niet herhalen", EN: "Does not repeat"},
    "yearly": {NL: "Elk jaar", EN: "Every year"},
    "monthly": {NL: "Elke maand", EN: "Every month"},
    "weekly": {NL: "Elke week", EN: "Every week"},
    "custom": {NL: "Anders: de herhaalregel hieronder", EN: "Other: the rule below"},
}
GROUPS = {
    "confirmed": {NL: "Bevestigd", EN: "Confirmed"},
    "pending": {NL: "Wacht op goedkeuring", EN: "Awaiting approval"},
    "waitlisted": {NL: "Wachtlijst", EN: "Waiting list"},
    "cancelled": {NL: "Afgemeld", EN: "Cancelled"},
    "declined": {NL: "Afgewezen", EN: "Declined"},
}
COLUMNS = {
    "position": {NL: "Plek", EN: "Place"},
    "name": {NL: "Naam", EN: "Name"},
    "email": {NL: "E-mailadres", EN: "Email address"},
    "organisation": {NL: "Organisatie", EN: "Organisation"},
    "date": {NL: "Datum in de reeks", EN: "Date in the series"},
    "registered": {NL: "Aangemeld op", EN: "Registered at"},
    "decision": {NL: "Besluit", EN: "Decision"},
}
NOTICES = {
    "created": {NL: "Het concept is aangemaakt.", EN: "The draft was created."},
    "saved": {NL: "De wijzigingen zijn opgeslagen.", EN: "The changes were saved."},
    "moved": {NL: "De bijeenkomst in de reeks is verplaatst.", EN: "The occurrence was moved."},
    "cancelled": {NL: "De bijeenkomst in de reeks is geannuleerd.", EN: "The occurrence was cancelled."},
}
ERRORS = {
    "count_or_until": {
        NL: "Geef een aantal keer of een einddatum, niet allebei.",
        EN: "Give a count or an end date, not both.",
    },
    "whole_number": {NL: "Geef een heel getal.", EN: "Give a whole number."},
    "a_date": {NL: "Geef een datum.", EN: "Give a date."},
    "required": {NL: "Vul dit in.", EN: "Fill this in."},
    "too_long": {NL: "Gebruik hoogstens {value} tekens.", EN: "Use at most {value} characters."},
    "too_short": {NL: "Gebruik minstens {value} tekens.", EN: "Use at least {value} characters."},
    "a_form": {NL: "Dit heeft niet de vorm die hier past.", EN: "This does not have the form asked for here."},
    "at_least": {NL: "Geef minstens {value}.", EN: "Give at least {value}."},
    "at_most": {NL: "Geef hoogstens {value}.", EN: "Give at most {value}."},
    "a_link": {
        NL: "Geef een volledige link, zoals https://voorbeeld.nl/.",
        EN: "Give a full link, such as https://example.org/.",
    },
    "a_choice": {NL: "Kies een van de mogelijkheden.", EN: "Choose one of the options."},
    "end_before_start": {NL: "Het einde ligt voor het begin.", EN: "The end is before the start."},
    "closes_before_opens": {
        NL: "Aanmelden sluit voordat het opent.",
        EN: "Registration closes before it opens.",
    },
    "a_time_zone": {
        NL: "Geef een IANA-tijdzone, zoals Europe/Amsterdam.",
        EN: "Give an IANA time zone, such as Europe/Amsterdam.",
    },
    "no_such_time": {
        NL: "Dit tijdstip bestaat niet: de klok gaat dan een uur vooruit.",
        EN: "This time does not exist: the clocks move forward then.",
    },
    "a_rule": {NL: "Deze herhaling kan niet: {value}", EN: "This repetition cannot be: {value}"},
    "each_once": {NL: "Kies elke waarde maar één keer.", EN: "Choose each value once."},
    "unsafe": {
        NL: "Tekst mag geen NUL-tekens of losse surrogaten bevatten.",
        EN: "Text may not contain NUL characters or unpaired surrogates.",
    },
    "stale": {
        NL: "Iemand anders heeft deze bijeenkomst intussen gewijzigd. Hieronder staat de nieuwe versie; "
        "breng uw wijziging opnieuw aan.",
        EN: "Someone else changed this event meanwhile. The new version is below; make your change again.",
    },
}

MESSAGES = Messages(
    {
        **{f"month_{number + 1}": {NL: MONTHS[NL][number], EN: MONTHS[EN][number]} for number in range(12)},
        **{f"status_{name}": texts for name, texts in STATUSES.items()},
        **{f"field_{name}": texts for name, texts in FIELDS.items()},
        **{f"repeat_{name}": texts for name, texts in REPEATS.items()},
        **{f"group_{name}": texts for name, texts in GROUPS.items()},
        **{f"column_{name}": texts for name, texts in COLUMNS.items()},
        **{f"notice_{name}": texts for name, texts in NOTICES.items()},
        **{f"error_{name}": texts for name, texts in ERRORS.items()},
        "navigation": {NL: "Jaarplanning", EN: "Year planner"},
        "nav_planner": {NL: "Jaarplanning", EN: "Year planner"},
        "nav_new": {NL: "Nieuwe bijeenkomst", EN: "New event"},
        "planner_title": {NL: "Jaarplanning {year}", EN: "Year planner {year}"},
        "planner_lead": {
            # Counts after a colon, so that one reads as well as many ("1 concepten" did not).
            NL: "Alle bijeenkomsten van het jaar per maand. Concepten: {drafts}; met een overlap: {clashes}.",
            EN: "Every event of the year by month. Drafts: {drafts}; with a clash: {clashes}.",
        },
        "years": {NL: "Andere jaren", EN: "Other years"},
        "year_previous": {NL: "Vorig jaar ({year})", EN: "Previous year ({year})"},
        "year_next": {NL: "Volgend jaar ({year})", EN: "Next year ({year})"},
        "new_event": {NL: "Nieuwe bijeenkomst", EN: "New event"},
        "publish_heading": {NL: "Concepten van {year} publiceren", EN: "Publish the drafts of {year}"},
        "publish_button": {NL: "Alle concepten van {year} publiceren", EN: "Publish every draft of {year}"},
        "no_drafts": {NL: "Er zijn geen concepten.", EN: "There are no drafts."},
        "published_count": {
            NL: "{count} concepten van {year} zijn gepubliceerd.",
            EN: "{count} drafts of {year} were published.",
        },
        "publish_blocked": {
            NL: "Niets gepubliceerd: {count} concepten van {year} zijn nog niet klaar",
            EN: "Nothing was published: {count} drafts of {year} are not ready",
        },
        "no_events": {NL: "Geen bijeenkomsten deze maand.", EN: "No events this month."},
        "recurring": {NL: "reeks", EN: "series"},
        "occurrence_moved": {NL: "verplaatst", EN: "moved"},
        "occurrence_cancelled": {NL: "geannuleerd", EN: "cancelled"},
        "occurrence_scheduled": {NL: "gepland", EN: "scheduled"},
        "national": {NL: "Landelijk", EN: "National"},
        "clash_with": {
            NL: "Overlapt met {title} ({start} tot en met {end})",
            EN: "Clashes with {title} ({start} to {end})",
        },
        "clash_heading": {
            NL: "Let op: overlap met andere grote bijeenkomsten",
            EN: "Note: clashes with other major events",
        },
        "form_problem": {NL: "Er is een probleem", EN: "There is a problem"},
        "version": {NL: "versie {version}", EN: "version {version}"},
        "registrations_link": {NL: "Aanmeldingen", EN: "Registrations"},
        "back_to_year": {NL: "Jaarplanning {year}", EN: "Year planner {year}"},
        "about": {NL: "De bijeenkomst", EN: "The event"},
        "organiser_team": {NL: "Het conferentieteam", EN: "The conference team"},
        "when": {NL: "Wanneer", EN: "When"},
        "where": {NL: "Waar", EN: "Where"},
        "audience": {NL: "Voor wie", EN: "For whom"},
        "registration": {NL: "Aanmelden", EN: "Registration"},
        "hint_time": {NL: "Leeg bij een hele dag.", EN: "Empty for an all-day event."},
        "hint_end_date": {NL: "Leeg: dezelfde dag.", EN: "Empty: the same day."},
        "hint_timezone": {
            NL: "Een IANA-tijdzone, zoals Europe/Amsterdam.",
            EN: "An IANA time zone, such as Europe/Amsterdam.",
        },
        "hint_rrule": {
            NL: "Alleen bij 'Anders', zoals FREQ=YEARLY;BYMONTH=3;BYDAY=2TH.",
            EN: "Only with 'Other', such as FREQ=YEARLY;BYMONTH=3;BYDAY=2TH.",
        },
        "save": {NL: "Opslaan", EN: "Save"},
        "create": {NL: "Concept aanmaken", EN: "Create draft"},
        "occurrences_heading": {NL: "Komende bijeenkomsten in de reeks", EN: "Coming occurrences of the series"},
        "occurrence_of": {NL: "Bijeenkomst van {date}", EN: "Occurrence of {date}"},
        "move_date": {NL: "Nieuwe datum", EN: "New date"},
        "move_start": {NL: "Nieuwe begintijd", EN: "New start time"},
        "move_end": {NL: "Nieuwe eindtijd", EN: "New end time"},
        "move": {NL: "Verplaatsen", EN: "Move"},
        "cancel_occurrence": {NL: "Deze annuleren", EN: "Cancel this one"},
        "registrations_title": {NL: "Aanmeldingen: {title}", EN: "Registrations: {title}"},
        "needs_approval": {NL: "aanmeldingen worden eerst goedgekeurd", EN: "registrations are approved first"},
        "back_to_event": {NL: "Terug naar de bijeenkomst", EN: "Back to the event"},
        "capacity": {NL: "Plaatsen", EN: "Places"},
        "no_limit": {NL: "onbeperkt", EN: "no limit"},
        "csv_link": {NL: "Deelnemerslijst downloaden (CSV)", EN: "Download the attendee list (CSV)"},
        "group_empty": {NL: "Niemand.", EN: "No one."},
        "anonymised": {NL: "(geanonimiseerd)", EN: "(anonymised)"},
        "approve": {NL: "Goedkeuren", EN: "Approve"},
        "decline": {NL: "Afwijzen", EN: "Decline"},
        "approve_who": {NL: "Goedkeuren: {who}", EN: "Approve: {who}"},
        "decline_who": {NL: "Afwijzen: {who}", EN: "Decline: {who}"},
        "decided_approve": {NL: "De aanmelding is goedgekeurd.", EN: "The registration was approved."},
        "decided_decline": {NL: "De aanmelding is afgewezen.", EN: "The registration was declined."},
    }
)
