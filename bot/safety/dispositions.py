"""The disposition table (content/dispositions.yml): a situation found by the phrase triage,
with the modifiers around it, leads to one disposition by one named rule.

Plain Python, no spaCy and no Rasa: bot/safety/triage.py finds the situations and modifiers, this
module applies the table, and the rule's name travels with the decision so it can be traced.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

ORDER = ("emergency", "crisis", "urgent", "soon")  # most urgent first
CONTEXTS = ("now", "past", "hypothetical", "fiction", "animal")


@dataclass(frozen=True)
class Finding:
    """A situation the phrase triage found: its category and when it is happening."""
    category: str
    context: str = "now"


@dataclass(frozen=True)
class Rule:
    name: str
    situations: frozenset
    contexts: frozenset
    when: tuple
    unless: tuple
    disposition: str
    why: str
    examples: tuple
    counter_examples: tuple

    def fits(self, finding: Finding, modifiers: set) -> bool:
        return (finding.category in self.situations and finding.context in self.contexts
                and all(m in modifiers for m in self.when)
                and not any(m in modifiers for m in self.unless))


@dataclass(frozen=True)
class Decision:
    disposition: str = "none"
    rule: str | None = None
    category: str | None = None


class DispositionTable:
    def __init__(self, spec: dict, categories: Iterable[str] | None = None):
        self.dispositions = spec.get("dispositions") or {}
        if tuple(self.dispositions) != ORDER:
            raise ValueError(f"dispositions.yml: dispositions must be {ORDER}, most urgent first")
        self.modifiers = {name: list(words) for name, words in (spec.get("modifiers") or {}).items()}
        self.review = spec.get("review") or {}
        self.rules = [self._rule(r) for r in spec.get("rules") or []]
        names = [r.name for r in self.rules]
        if len(set(names)) != len(names):
            raise ValueError("dispositions.yml: rule names must be unique")
        if categories is not None:
            unknown = {c for r in self.rules for c in r.situations} - set(categories)
            if unknown:
                raise ValueError(f"dispositions.yml: situations not in triage.yml: {sorted(unknown)}")

    def _rule(self, r: dict) -> Rule:
        context = r.get("context", "now")
        contexts = set(CONTEXTS) if context == "any" else {context} if isinstance(context, str) else set(context)
        for key in ("when", "unless"):
            unknown = [m for m in r.get(key) or [] if m not in self.modifiers]
            if unknown:
                raise ValueError(f"dispositions.yml: rule {r['name']}: unknown modifier {unknown}")
        if r["disposition"] not in ORDER or not contexts <= set(CONTEXTS):
            raise ValueError(f"dispositions.yml: rule {r['name']}: bad disposition or context")
        return Rule(r["name"], frozenset(r["situation"]), frozenset(contexts), tuple(r.get("when") or ()),
                    tuple(r.get("unless") or ()), r["disposition"], r.get("why", ""),
                    tuple(r.get("examples") or ()), tuple(r.get("not") or ()))

    def rule_for(self, finding: Finding, modifiers: set) -> Rule | None:
        """The first rule that fits this situation."""
        return next((r for r in self.rules if r.fits(finding, modifiers)), None)

    def decide(self, findings: Iterable[Finding], modifiers: set) -> Decision:
        """The most urgent disposition over all situations; on a tie, the earlier rule."""
        best = None
        for f in findings:
            rule = self.rule_for(f, modifiers)
            if rule is None:
                continue
            key = (ORDER.index(rule.disposition), self.rules.index(rule))
            if best is None or key < best[0]:
                best = (key, Decision(rule.disposition, rule.name, f.category))
        return best[1] if best else Decision()

    def intent(self, disposition: str) -> str | None:
        """The NLU intent whose rule sends this disposition's reply."""
        return (self.dispositions.get(disposition) or {}).get("intent")

    def reply(self, disposition: str) -> str | None:
        """The name of the fixed reply (content/responses.yml) sent first for this disposition."""
        return (self.dispositions.get(disposition) or {}).get("reply")


def more_urgent(a: str, b: str) -> bool:
    """Is disposition `a` more urgent than `b` ("none" is the least)?"""
    rank = {d: i for i, d in enumerate((*ORDER, "none"))}
    return rank.get(a, len(ORDER)) < rank.get(b, len(ORDER))
