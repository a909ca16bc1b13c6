"""`javskoll screen CASE.json`: screen a case and print the result for a person to read.

The case (the document POST /v1/cases takes, or a POST /v1/screenings body with `case`
and `as_of`, or `--stored REF` for a stored case) is screened by the same service as
POST /v1/screenings: the screening is stored and audited (actor `cli`). The output names
each participant with their level, then each finding with its ground, the statute it
rests on and the explanation in Swedish and English; `--json` prints the result exactly
as the API answers it.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import click
from pydantic import ValidationError

from app.cli_import import CLI_PRINCIPAL, ImportRefused, prepared_sessions
from app.errors import AppError, Unprocessable, json_pointer
from app.reports.swedish import GROUNDS, LEVELS
from app.screening import service as screening_service
from app.screening.result import ScreeningResult
from app.screening.schemas import ScreeningIn

MAX_ERRORS_SHOWN = 50


def _ground(code: str) -> str:
    name = GROUNDS.get(code)
    return f"{name} ({code})" if name else code


def _level(code: str | None) -> str:
    return "no finding" if code is None else LEVELS.get(code, code)


def readable(result: ScreeningResult) -> str:
    verdict = "FLAGGED: may be disqualified" if result.outcome == "flagged" else "CLEAR"
    audit = f", audit entry {result.audit.id}" if result.audit else ""
    lines = [
        f"{result.case} as of {result.as_of.isoformat()}: {verdict}",
        f"screening {result.id}, rules {result.rules_version}{audit}",
        "",
        "Participants:",
    ]
    for p in result.participants:
        how = " (by seat or post)" if p.by_default else ""
        lines.append(f"  {p.name} ({p.person}), {p.role}{how}: {_level(p.level)}")
    if result.findings:
        lines += ["", "Findings:"]
    for f in result.findings:
        lines.append(f"  {f.name} ({f.person}): {_level(f.level)}, {_ground(f.ground)}")
        lines.append(f"    rule {f.rule}, {f.law_version}")
        lines += [f"    {basis}" for basis in f.legal_basis]
        lines.append(f"    sv: {f.explanation.sv}")
        lines.append(f"    en: {f.explanation.en}")
    if result.structural:
        lines += ["", "Structural risks (about bodies, not people):"]
    for s in result.structural:
        where = ", ".join(x for x in (s.committee, s.operation, s.organisation) if x)
        lines.append(f"  {_ground(s.ground)}: {where}")
        lines += [f"    {basis}" for basis in s.legal_basis]
        lines.append(f"    sv: {s.explanation.sv}")
        lines.append(f"    en: {s.explanation.en}")
    return "\n".join(lines)


def _body(case_file: str | None, stored: str | None, as_of: str | None) -> tuple[Any, bool]:
    """The screening request, and whether the file held a bare case (pointers under /case)."""
    if stored is not None:
        raw: Any = {"case": stored}
        bare = False
    else:
        assert case_file is not None
        source = "<stdin>" if case_file == "-" else case_file
        try:
            if case_file == "-":
                text = sys.stdin.read()
            else:
                with open(case_file, encoding="utf-8") as handle:
                    text = handle.read()
            document = json.loads(text)
        except OSError as exc:
            raise ImportRefused([f"{source}: cannot read ({exc.strerror})"]) from None
        except json.JSONDecodeError as exc:
            raise ImportRefused(
                [f"{source} line {exc.lineno} column {exc.colno}: not valid JSON ({exc.msg})"]
            ) from None
        bare = not (isinstance(document, dict) and "case" in document)
        raw = {"case": document} if bare else document
    if as_of is not None:
        raw["as_of"] = as_of
    return raw, bare


def _refusal(exc: AppError, source: str, bare: bool) -> ImportRefused:
    lines = [f"not screened: {exc.detail}"]
    for error in exc.errors[:MAX_ERRORS_SHOWN]:
        pointer = str(error.get("pointer", ""))
        if bare and pointer.startswith("/case"):
            pointer = pointer[len("/case") :] or "/"
        lines.append(f"  {source} at {pointer}: {error.get('detail', '')}")
    return ImportRefused(lines)


@click.command("screen")
@click.argument("case_file", metavar="CASE.json", required=False)
@click.option("--stored", metavar="REF", help="Screen the stored case with this ref instead.")
@click.option("--as-of", metavar="YYYY-MM-DD", help="The date to screen at (default: the case's).")
@click.option("--json", "as_json", is_flag=True, help="Print the result as the API answers it.")
def screen_command(
    case_file: str | None, stored: str | None, as_of: str | None, as_json: bool
) -> None:
    """Screen a case (a case document, `-` for stdin) and print who may be disqualified.

    The screening is stored and audited like POST /v1/screenings.
    """
    if (case_file is None) == (stored is None):
        raise click.UsageError("give either CASE.json (or -) or --stored REF")
    raw, bare = _body(case_file, stored, as_of)
    settings, sessions = prepared_sessions()
    source = stored or ("<stdin>" if case_file == "-" else str(case_file))
    with sessions() as session:
        try:
            body = ScreeningIn.model_validate(raw)
            result = screening_service.screen(
                session, CLI_PRINCIPAL, body, pnr_secret=settings.pnr_secret
            )
            session.commit()
        except ValidationError as exc:
            errors = [{"pointer": json_pointer(e["loc"]), "detail": e["msg"]} for e in exc.errors()]
            invalid = Unprocessable("the request is invalid", errors=errors)
            raise _refusal(invalid, source, bare) from None
        except AppError as exc:
            session.rollback()
            raise _refusal(exc, source, bare) from None
    if as_json:
        click.echo(json.dumps(result.as_json(), ensure_ascii=False, indent=2))
    else:
        click.echo(readable(result))
