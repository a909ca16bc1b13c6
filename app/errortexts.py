"""Problem texts in the user's language (`Accept-Language: sv`; English is the default).

Titles are fixed per problem type. Details are translated three ways, in order:
1. a field error with a code that has a template here is rendered from its parameters
   (pydantic's error context, or the parameters the raising code attached);
2. a fixed English message is looked up as a whole;
3. a known message with a varying part (a ref, a number) is matched by pattern.
Anything else stays in English: better an English detail than a wrong Swedish one.
"""

from __future__ import annotations

import re
from typing import Any, Literal

Language = Literal["en", "sv"]
SUPPORTED: tuple[Language, ...] = ("en", "sv")
DEFAULT_LANGUAGE: Language = "en"


def negotiate(accept_language: str | None) -> Language:
    """The best supported language of an `Accept-Language` header (RFC 9110 12.5.4)."""
    if not accept_language:
        return DEFAULT_LANGUAGE
    ranked: list[tuple[float, int, Language]] = []
    for position, part in enumerate(accept_language.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        match = re.search(r"q\s*=\s*([0-9.]+)", params)
        if match:
            try:
                quality = float(match.group(1))
            except ValueError:
                quality = 0.0
        primary = tag.strip().lower().split("-", 1)[0]
        for supported in SUPPORTED:
            if primary == supported and quality > 0:
                ranked.append((quality, -position, supported))
    if not ranked:
        return DEFAULT_LANGUAGE
    return max(ranked)[2]


# Problem titles by problem type (see app.errors).
TITLES_SV: dict[str, str] = {
    "internal": "Internt fel",
    "bad-request": "Felaktig begäran",
    "unauthorized": "API-nyckel saknas eller är ogiltig",
    "forbidden": "Inte tillåtet för den här API-nyckeln",
    "not-found": "Hittades inte",
    "method-not-allowed": "Metoden är inte tillåten",
    "conflict": "Konflikt",
    "precondition-failed": "Objektet har ändrats (ETag stämmer inte)",
    "payload-too-large": "Begärans innehåll är för stort",
    "unsupported-media-type": "Innehållstypen stöds inte",
    "validation-error": "Begäran är ogiltig",
    "service-unavailable": "Databasen kan inte nås",
    "service-busy": "Tjänsten är upptagen",
}

# Field-error templates by error code: (English, Swedish). Parameters come from the error.
FIELD_TEMPLATES: dict[str, tuple[str, str]] = {
    "unknown_field": ("unknown field", "okänt fält"),
    "unknown_parameter": ("unknown query parameter", "okänd frågeparameter"),
    "did_you_mean": ('did you mean "{suggestion}"?', "menade du ”{suggestion}”?"),
    "missing": ("Field required", "fältet krävs"),
    "required": ("Field required", "fältet krävs"),
    "unknown_vocabulary": ("Input should be {expected}", "måste vara {expected_sv}"),
    "string_type": ("Input should be a valid string", "måste vara en textsträng"),
    "string_too_short": (
        "String should have at least {min_length} character(s)",
        "måste ha minst {min_length} tecken",
    ),
    "string_too_long": (
        "String should have at most {max_length} character(s)",
        "får ha högst {max_length} tecken",
    ),
    "string_pattern_mismatch": (
        "String should match pattern '{pattern}'",
        "har fel format (mönster '{pattern}')",
    ),
    "literal_error": ("Input should be {expected}", "måste vara {expected_sv}"),
    "enum": ("Input should be {expected}", "måste vara {expected_sv}"),
    "int_type": ("Input should be a valid integer", "måste vara ett heltal"),
    "int_parsing": (
        "Input should be a valid integer, unable to parse string as an integer",
        "måste vara ett heltal",
    ),
    "int_from_float": ("Input should be a valid integer", "måste vara ett heltal"),
    "float_type": ("Input should be a valid number", "måste vara ett tal"),
    "float_parsing": ("Input should be a valid number", "måste vara ett tal"),
    "bool_type": ("Input should be a valid boolean", "måste vara true eller false"),
    "bool_parsing": ("Input should be a valid boolean", "måste vara true eller false"),
    "list_type": ("Input should be a valid list", "måste vara en lista"),
    "dict_type": ("Input should be a valid dictionary", "måste vara ett objekt"),
    "model_type": ("Input should be an object", "måste vara ett objekt"),
    "model_attributes_type": ("Input should be an object", "måste vara ett objekt"),
    "too_long": (
        "List should have at most {max_length} items",
        "får ha högst {max_length} element",
    ),
    "too_short": (
        "List should have at least {min_length} items",
        "måste ha minst {min_length} element",
    ),
    "greater_than": ("Input should be greater than {gt}", "måste vara större än {gt}"),
    "greater_than_equal": (
        "Input should be greater than or equal to {ge}",
        "måste vara minst {ge}",
    ),
    "less_than": ("Input should be less than {lt}", "måste vara mindre än {lt}"),
    "less_than_equal": ("Input should be less than or equal to {le}", "får vara högst {le}"),
    "date_type": ("a date as YYYY-MM-DD", "ett datum som ÅÅÅÅ-MM-DD"),
    "date_parsing": ("not a valid date", "inte ett giltigt datum"),
    "date_from_datetime_parsing": ("not a valid date", "inte ett giltigt datum"),
    "json_invalid": ("the body is not valid JSON", "innehållet är inte giltig JSON"),
    "bad_character": ("holds a {why}", "innehåller ett otillåtet tecken"),
    "json_too_deep": ("nested too deep", "för djupt nästlat"),
    "too_large": ("at most {maximum}", "högst {maximum}"),
}

# Fixed English messages (details and field details) and their Swedish.
MESSAGES_SV: dict[str, str] = {
    "Internal error": "Internt fel",
    "Service busy": "Tjänsten är upptagen",
    "An unexpected error occurred.": "Ett oväntat fel inträffade.",
    "An unexpected database error occurred.": "Ett oväntat databasfel inträffade.",
    "The service is busy; try again shortly.": "Tjänsten är upptagen; försök igen strax.",
    "The database could not be reached; try again shortly.": (
        "Databasen kunde inte nås; försök igen strax."
    ),
    "The database is busy with another write; try again shortly.": (
        "Databasen är upptagen med en annan skrivning; försök igen strax."
    ),
    "Send 'Authorization: Bearer <api key>'.": "Skicka 'Authorization: Bearer <API-nyckel>'.",
    "The API key is unknown or revoked.": "API-nyckeln är okänd eller återkallad.",
    "The case's committee is outside this key's organisations.": (
        "Ärendets nämnd ligger utanför nyckelns organisationer."
    ),
    "A participant is outside this key's organisations.": (
        "En deltagare ligger utanför nyckelns organisationer."
    ),
    "The body's ref must equal the ref in the path.": (
        "Innehållets ref måste vara samma som i sökvägen."
    ),
    "The body must be a JSON object.": "Innehållet måste vara ett JSON-objekt.",
    "The ref of an object cannot be changed.": "Ett objekts ref kan inte ändras.",
    "must be an object": "måste vara ett objekt",
    "must be a list": "måste vara en lista",
    "must not be empty": "får inte vara tom",
    "already exists": "finns redan",
    "the import document must be a JSON object": "importdokumentet måste vara ett JSON-objekt",
    "the same ref appears earlier in the document": "samma ref förekommer tidigare i dokumentet",
    "a date as YYYY-MM-DD": "ett datum som ÅÅÅÅ-MM-DD",
    "Value error, a date as YYYY-MM-DD": "ett datum som ÅÅÅÅ-MM-DD",
    "not a valid date": "inte ett giltigt datum",
    "Not found": "Hittades inte",
    "Request body too large": "Begärans innehåll är för stort",
}

# Messages with a varying part: (English pattern, Swedish template with the same groups).
PATTERNS_SV: list[tuple[re.Pattern[str], str]] = [
    (
        re.compile(r"No case '(?P<ref>.*)'; send the case inline or store it first\."),
        "Inget ärende '{ref}'; skicka ärendet i begäran eller spara det först.",
    ),
    (re.compile(r"No case '(?P<ref>.*)'\."), "Inget ärende '{ref}'."),
    (re.compile(r"No screening '(?P<ref>.*)'\."), "Ingen granskning '{ref}'."),
    (re.compile(r"No person '(?P<ref>.*)'\."), "Ingen person '{ref}'."),
    (re.compile(r"No organisation '(?P<ref>.*)'\."), "Ingen organisation '{ref}'."),
    (re.compile(r"(?P<method>[A-Z]+) is not allowed here"), "{method} är inte tillåten här"),
    (
        re.compile(r"The import document has (?P<n>\d+) error\(s\); nothing was stored\."),
        "Importdokumentet har {n} fel; inget sparades.",
    ),
    (
        re.compile(r"The role '(?P<role>[^']*)' may not do this \((?P<perm>[^)]*)\)\."),
        "Rollen '{role}' får inte göra detta ({perm}).",
    ),
    (
        re.compile(r"Send the body as Content-Type: application/json \(got (?P<got>.*)\)\."),
        "Skicka innehållet som Content-Type: application/json (fick {got}).",
    ),
]


def translate(message: str, lang: Language) -> str:
    """A fixed or patterned English message in `lang` (unchanged when unknown)."""
    if lang == "en":
        return message
    if message in MESSAGES_SV:
        return MESSAGES_SV[message]
    for pattern, template in PATTERNS_SV:
        match = pattern.fullmatch(message)
        if match:
            return template.format(**match.groupdict())
    return message


def _swedish_alternatives(expected: str) -> str:
    # pydantic writes "'a', 'b' or 'c'"; Swedish says "eller".
    return re.sub(r" or ('[^']*')$", r" eller \1", expected)


def field_detail(code: str, params: dict[str, Any], lang: Language) -> str | None:
    """A field error's detail from its code's template, or None without a template."""
    template = FIELD_TEMPLATES.get(code)
    if template is None:
        return None
    values = {k: str(v) for k, v in params.items()}
    if "expected" in values:
        values["expected_sv"] = _swedish_alternatives(values["expected"])
    try:
        text = template[1 if lang == "sv" else 0].format(**values)
    except (KeyError, IndexError):
        return None
    suggestion = params.get("suggestion")
    if suggestion:
        hint = FIELD_TEMPLATES["did_you_mean"][1 if lang == "sv" else 0]
        text = f"{text}; {hint.format(suggestion=suggestion)}"
    return text
