"""The pure jäv rules engine: frozen facts in, findings out (no database, no web layer).

Public API::

    from app.rules import evaluate, structural_report, list_rules, RULES_VERSION
    evaluation = evaluate(snapshot)            # FactsSnapshot -> Evaluation
    evaluation.to_dict()                       # the contract's screening result fields
"""

from app.rules.engine import evaluate, list_parameters, list_rules, rules_version
from app.rules.facts import FactsSnapshot, OrganisationSnapshot
from app.rules.model import Evaluation, Finding, StructuralFinding
from app.rules.registry import REGISTRY
from app.rules.report import structural_report

RULES_VERSION = rules_version()

__all__ = [
    "REGISTRY",
    "RULES_VERSION",
    "Evaluation",
    "FactsSnapshot",
    "Finding",
    "OrganisationSnapshot",
    "StructuralFinding",
    "evaluate",
    "list_parameters",
    "list_rules",
    "rules_version",
    "structural_report",
]
