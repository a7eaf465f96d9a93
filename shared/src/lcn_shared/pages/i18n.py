"""The languages of pages: Dutch first, English on request, and the message catalogues that hold their words."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from starlette.requests import Request

DUTCH, ENGLISH = "nl", "en"
LANGUAGES = (DUTCH, ENGLISH)  # the first is the default and the fallback of a missing translation
LANGUAGE_PARAMETER = "lang"
# Each language named in itself, as a language switch shows it.
LANGUAGE_NAMES = {DUTCH: "Nederlands", ENGLISH: "English"}
Translate = Callable[..., str]


@dataclass(frozen=True)
class Messages:
    """A message catalogue: per message id, its text per language (`{name}` placeholders are filled in)."""

    texts: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        untranslated = [key for key, text in self.texts.items() if DUTCH not in text]
        if untranslated:
            raise ValueError(f"messages without a Dutch text: {', '.join(untranslated)}")

    def merged(self, other: Messages) -> Messages:
        """This catalogue with `other`'s messages added; `other` wins where both have an id."""
        return Messages({**self.texts, **other.texts})

    def translator(self, language: str) -> Translate:
        """`t(id, **values)`: the text of a message in `language` (Dutch when it lacks one); unknown ids fail."""

        def translate(message_id: str, /, **values: object) -> str:
            texts = self.texts[message_id]
            text = texts.get(language) or texts[DUTCH]
            return text.format(**values) if values else text

        return translate


def negotiate_language(request: Request) -> str:
    """The page's language: `?lang=` when it names one we have, else the best of Accept-Language, else Dutch."""
    chosen = request.query_params.get(LANGUAGE_PARAMETER)
    if chosen in LANGUAGES:
        return chosen
    return preferred_language(request.headers.get("accept-language", ""))


def preferred_language(accept_language: str) -> str:
    """The language of ours a browser ranks highest (RFC 9110 quality values; `en-GB` counts as `en`)."""
    ranked: list[tuple[float, int, str]] = []
    for position, item in enumerate(accept_language.split(",")):
        tag, _, parameters = item.strip().partition(";")
        primary = tag.strip().lower().split("-")[0]
        if primary not in LANGUAGES:
            continue
        quality = _quality(parameters)
        if quality > 0:
            ranked.append((-quality, position, primary))
    return min(ranked)[2] if ranked else DUTCH


def _quality(parameters: str) -> float:
    """The `q` of an Accept-Language item (1 when absent; 0 when unreadable, so the item is ignored)."""
    name, _, value = parameters.strip().partition("=")
    if name.strip().lower() != "q":
        return 1.0
    try:
        return min(max(float(value), 0.0), 1.0)
    except ValueError:
        return 0.0


KIT_MESSAGES = Messages(
    {
        "platform_name": {DUTCH: "Netwerk van leergemeenschappen", ENGLISH: "Learning-community network"},
        "skip_to_content": {DUTCH: "Naar de inhoud", ENGLISH: "Skip to content"},
        "language": {DUTCH: "Taal", ENGLISH: "Language"},
        "footer_about": {
            DUTCH: "Open software voor het netwerk van publiek-private samenwerkingen in het beroepsonderwijs.",
            ENGLISH: "Open software for the network of public-private partnerships in vocational education.",
        },
        "api_documentation": {DUTCH: "API-documentatie", ENGLISH: "API documentation"},
        "problem_heading": {DUTCH: "Dit verzoek kan niet worden verwerkt", ENGLISH: "This request cannot be processed"},
        "problem_parameter": {DUTCH: "Parameter", ENGLISH: "Parameter"},
        "problem_invalid": {DUTCH: "Onbekende waarde", ENGLISH: "Unknown value"},
        "problem_allowed": {DUTCH: "Toegestane waarden", ENGLISH: "Allowed values"},
        "problem_reason": {DUTCH: "Reden", ENGLISH: "Reason"},
        "problem_errors_caption": {DUTCH: "Wat er mis is", ENGLISH: "What is wrong"},
        "problem_back": {DUTCH: "Opnieuw beginnen", ENGLISH: "Start again"},
        "problem_trace": {DUTCH: "Kenmerk (noem dit bij een melding)", ENGLISH: "Reference (quote it when reporting)"},
        "sign_in": {DUTCH: "Inloggen", ENGLISH: "Sign in"},
        "sign_in_lead": {
            DUTCH: "Log in met de API-sleutel die u van de beheerder van het platform hebt gekregen.",
            ENGLISH: "Sign in with the API key the platform's administrator gave you.",
        },
        "api_key": {DUTCH: "API-sleutel", ENGLISH: "API key"},
        "api_key_hint": {
            DUTCH: "De sleutel begint met lcn_. Deze browser bewaart alleen een sessie, nooit de sleutel zelf.",
            ENGLISH: "The key starts with lcn_. This browser keeps only a session, never the key itself.",
        },
        "sign_in_problem": {DUTCH: "Er is een probleem", ENGLISH: "There is a problem"},
        "sign_in_empty": {DUTCH: "Vul uw API-sleutel in.", ENGLISH: "Enter your API key."},
        "sign_in_refused": {
            DUTCH: "Deze API-sleutel is onbekend of ingetrokken. Controleer de sleutel en probeer het opnieuw.",
            ENGLISH: "This API key is unknown or revoked. Check the key and try again.",
        },
        "signed_out": {DUTCH: "U bent uitgelogd.", ENGLISH: "You are signed out."},
        "session": {DUTCH: "Uw sessie", ENGLISH: "Your session"},
        "signed_in_as": {DUTCH: "Ingelogd als {who}", ENGLISH: "Signed in as {who}"},
        "sign_out": {DUTCH: "Uitloggen", ENGLISH: "Sign out"},
        "role_admin": {DUTCH: "beheerder", ENGLISH: "administrator"},
        "role_coordinator": {DUTCH: "coördinator", ENGLISH: "coordinator"},
        "role_conference_team": {DUTCH: "conferentieteam", ENGLISH: "conference team"},
        "role_partner": {DUTCH: "partner", ENGLISH: "partner"},
        "role_feed": {DUTCH: "feed", ENGLISH: "feed"},
        "role_refused": {
            DUTCH: "Met de rol {role} hebt u geen toegang tot deze pagina. Log in met een andere sleutel.",
            ENGLISH: "The role {role} gives no access to this page. Sign in with another key.",
        },
        "form_refused": {
            DUTCH: "Dit formulier is geweigerd: het kwam niet van deze site of is verlopen. Laad de pagina opnieuw.",
            ENGLISH: "This form was refused: it did not come from this site, or it has expired. Reload the page.",
        },
    }
)
