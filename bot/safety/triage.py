"""Deterministic safety triage: red flags, crisis and worrying symptoms in a patient's message.

Plain Python + spaCy (blank English, lookup lemmatizer; no statistical model), so every verdict can
be traced to a line of the reviewable phrase file content/triage.yml. No Rasa imports: the NLU
component and the tests call the same code. Never log `Verdict.matched` next to the message text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from bot.content import people
from bot.safety.dispositions import ORDER as _ORDER
from bot.safety.dispositions import DispositionTable, Finding
from bot.safety.triage_context import ContextWords

# rank order of the phrase lists: the first level found is the Verdict's `level`. "signal" phrases
# mean nothing alone (content/dispositions.yml gives them a disposition only with modifiers).
LEVELS = ("crisis", "emergency", "concern", "signal")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'", "\u00b4": "'", "\u02bc": "'"})
_HYPHEN = re.compile(r"(?<=\w)[-\u2010\u2011\u2013](?=\w)")  # "self-harm" -> "self harm"
_GROUP = re.compile(r"<(\w+)>")
_CHUNK = 50_000  # characters per spaCy call; longer texts are checked in overlapping chunks


@dataclass(frozen=True)
class Verdict:
    level: str = "none"            # "crisis" | "emergency" | "concern" | "none"
    category: str | None = None    # e.g. "chest_pain"; also set when a mention was negated/asked about
    matched: str | None = None     # the phrase from triage.yml, for audit (not the patient's words)
    negated: bool = False          # the only mention was negated ("no chest pain")
    question: bool = False         # the only mention was in a general question ("can X cause chest pain?")
    context: str | None = None     # an emergency phrase read as not happening now: "past" | "hypothetical"
                                   # (level "concern") or "fiction" (level "none"); see `context` in triage.yml
    disposition: str = "none"      # "emergency" | "crisis" | "urgent" | "soon" | "none" (content/dispositions.yml)
    rule: str | None = None        # the disposition rule that decided it, for audit
    situations: tuple = ()         # every situation found, as (category, context) pairs
    modifiers: tuple = ()          # the modifiers found in the message (dispositions.yml)


def build_nlp():
    """Blank English + lookup lemmatizer (needs spacy-lookups-data at build time; no download)."""
    import spacy
    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    return nlp


class Triage:
    """Every phrase of triage.yml is expanded (<groups>) and cut at "..." into segments; each segment
    goes into two PhraseMatchers (exact words, lemmas); a phrase matches when its segments follow
    each other with small gaps. Then exceptions, negation and information questions are applied."""

    def __init__(self, phrases: dict, nlp=None, table: dict | None = None, emergency_number: str | None = None):
        from spacy.matcher import PhraseMatcher

        self.nlp = nlp or build_nlp()
        cfg = phrases
        self._rewrites = [(re.compile(a), b) for a, b in cfg.get("rewrites") or []]
        self.max_gap = int(cfg.get("max_gap", 3))
        self.gap_stops = set(_words(cfg, "gap_stops"))
        norm = {_HYPHEN.sub(" ", v.lower().translate(_APOSTROPHES)): target
                for target, variants in (cfg.get("normalise") or {}).items() for v in _words({"v": variants}, "v")}
        self._norm_map = norm
        self._readings = [(re.compile(r["pattern"]), float(r["min"]), float(r["max"]), r["adds"])
                          for r in (cfg.get("readings") or {}).values()]
        alts = "|".join(re.escape(k) for k in sorted(norm, key=len, reverse=True))
        self._norm_re = re.compile(rf"(?<![\w'])(?:{alts})(?![\w'])") if alts else None
        self.groups = dict(cfg.get("groups") or {})
        self.groups.setdefault("people", list(people()))  # the one list (content/people.yml)
        if emergency_number:  # "call 911" reads as a call for help where 911 is the number
            self.groups["emergency_number"] = [*self.groups.get("emergency_number", []), str(emergency_number)]
        self.neg_cues = set(_words(cfg, "negation_cues"))
        downplay = _words(cfg, "downplay_cues")
        self._downplay = re.compile(r"\b(" + "|".join(re.escape(w) for w in downplay) + r")\b") if downplay else None
        self.neg_fillers = set(_words(cfg, "negation_fillers"))
        self.words = ContextWords(cfg, self._toks, self._expand, _words)
        # rules: (level, category, negatable, parts); a part is a list of templates, a template
        # expands to patterns; a pattern is a tuple of segments that must follow each other.
        self.rules, self.by_first = [], {}
        self.always_now = set()  # categories never read as past or imagined (`in_context: false`)
        for level in LEVELS:
            for cat, spec in ((cfg.get("levels") or {}).get(level) or {}).items():
                negatable = spec.get("negatable", True)
                if spec.get("in_context") is False:
                    self.always_now.add(cat)
                for t in _words(spec, "phrases"):
                    self._add_rule(level, cat, negatable, [[t]])
                for t in _words(spec, "downgrades"):  # concern phrases that overrule an emergency inside them
                    self._add_rule(level, cat, negatable, [[t]], downgrade=True)
                for parts in spec.get("together") or []:
                    self._add_rule(level, cat, negatable, [_words({"p": p}, "p") for p in parts])
        for t in _words(cfg, "exceptions"):
            self._add_rule("exception", None, False, [[t]])
        self.table = DispositionTable(table or {"dispositions": {d: {} for d in _ORDER}},
                                      {c for lv in (cfg.get("levels") or {}).values() for c in lv or {}})
        self.modifiers = {name: [self._toks(w) for w in _words({"m": words}, "m")]
                          for name, words in self.table.modifiers.items()}
        # "=..." segments match exact words only; the others match exact words or lemmas
        segs = sorted({seg for pats in self.by_first.values() for _, _, p in pats for seg in p})
        self.lower = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        self.lemma = PhraseMatcher(self.nlp.vocab, attr="LEMMA")
        plain = [seg.lstrip("=") for seg in segs]
        for seg, text, doc in zip(segs, plain, self.nlp.pipe(plain)):
            self.lower.add(seg, [self.nlp.make_doc(text)])
            if not seg.startswith("="):
                self.lemma.add(seg, [doc])

    @classmethod
    def from_content(cls, nlp=None) -> "Triage":
        """The reviewed phrases (content/triage.yml) and table (content/dispositions.yml), with
        the configured emergency number; `nlp`: share a blank English + lemmatizer pipeline."""
        from bot.content import dispositions, triage_phrases
        from bot.settings import Settings
        return cls(triage_phrases(), nlp, dispositions(), Settings.load().emergency)

    @classmethod
    def from_file(cls, path: str | Path, nlp=None) -> "Triage":
        from bot.content import dispositions, load_yaml
        return cls(load_yaml(Path(path)), nlp, dispositions())

    def _toks(self, text: str) -> list[str]:
        return [t.lower_ for t in self.nlp.make_doc(self.normalise(text))]

    def _expand(self, template: str) -> list[str]:
        m = _GROUP.search(template)
        if not m:
            return [template]
        if m.group(1) not in self.groups:
            raise ValueError(f"triage.yml: unknown group <{m.group(1)}> in {template!r}")
        return [x for alt in self.groups[m.group(1)]
                for x in self._expand(template[:m.start()] + str(alt) + template[m.end():])]

    def _add_rule(self, level, cat, negatable, parts, downgrade=False):
        rid = len(self.rules)
        self.rules.append((level, cat, negatable, len(parts), downgrade))
        for part_no, templates in enumerate(parts):
            for template in templates:
                for text in self._expand(template):
                    segs = tuple(("=" if "=" in s else "") + s.replace("=", "").strip()
                                 for s in self.normalise(text).split("...") if s.strip())
                    if segs:
                        self.by_first.setdefault(segs[0], []).append((rid, (part_no, str(template)), segs))

    def normalise(self, text: str) -> str:
        text = _HYPHEN.sub(" ", text.lower().translate(_APOSTROPHES))
        text = self._norm_re.sub(lambda m: self._norm_map[m.group(0)], text) if self._norm_re else text
        for rx, replacement in self._rewrites:  # "38 point 6" -> "38.6"
            text = rx.sub(replacement, text)
        for rx, low, high, words in self._readings:  # "bp 70/40" -> "bp 70/40 low blood pressure"
            text = rx.sub(lambda m: f"{m.group(0)} {words} " if low <= float(m.group(1)) <= high
                          else m.group(0), text)
        return text

    def downplayed(self, text: str) -> bool:
        """The message says it is not serious ("nothing severe"; see `downplay_cues`), or that
        it is over, imagined or a story (see `context`): "a bit of blood on the toilet paper
        once last week, haven't seen any since"."""
        norm = self.normalise(str(text or ""))
        if self._downplay and self._downplay.search(norm):
            return True
        joined = f" {' '.join(t.lower_ for t in self.nlp.make_doc(norm))} "
        ctx = self.words.context(joined)
        return ctx in ("past", "hypothetical") or self.words.has(joined, "fiction") or \
            (ctx == "recent" and self.words.has(joined, "resolved"))

    def check(self, text: str) -> Verdict:
        text = self.normalise(text if isinstance(text, str) else str(text or ""))
        if not text.strip():
            return Verdict()
        if len(text) <= _CHUNK:
            return self._check_doc(self.nlp(text))
        step = _CHUNK - 1000  # overlap so that a phrase on a chunk border is still seen whole
        found = [self._check_doc(self.nlp(text[i:i + _CHUNK])) for i in range(0, len(text), step)]
        return min(found, key=lambda v: ((*_ORDER, "none").index(v.disposition),
                                         (*LEVELS, "none").index(v.level), not v.category))

    def check_doc(self, doc) -> Verdict:
        """Use a Doc from the caller's pipeline when it is already what check() would build."""
        if (doc.vocab is self.nlp.vocab and doc.has_annotation("LEMMA")
                and self.normalise(doc.text) == doc.text):
            return self._check_doc(doc)
        return self.check(doc.text)

    def _check_doc(self, doc) -> Verdict:
        seg_ends: dict[str, dict[int, int]] = {}
        for matcher in (self.lower, self.lemma):
            for key, s, e in matcher(doc):
                ends = seg_ends.setdefault(self.nlp.vocab.strings[key], {})
                ends[s] = max(e, ends.get(s, e))
        if not seg_ends:
            return Verdict()
        verdict, findings = self._find(doc, seg_ends)
        modifiers = self._modifiers(doc) if findings else set()
        decision = self.table.decide(findings, modifiers)
        level = verdict.level if verdict.level != "signal" else "none"
        return replace(verdict, level=level, disposition=decision.disposition, rule=decision.rule,
                       category=decision.category or verdict.category,
                       situations=tuple((f.category, f.context) for f in findings),
                       modifiers=tuple(sorted(modifiers)))

    def _modifiers(self, doc) -> set:
        """Names of the dispositions.yml modifiers in the message, unless negated ("no plan")."""
        words = [t.lower_ for t in doc]
        found = set()
        for name, phrases in self.modifiers.items():
            for toks in phrases:
                n = len(toks)
                if any(words[i:i + n] == toks and not self._negated(doc, i) for i in range(len(words) - n + 1)):
                    found.add(name)
                    break
        return found

    def _find(self, doc, seg_ends) -> tuple[Verdict, list]:
        """The engine's best phrase verdict, and every situation found with its context."""
        # may a gap include token i? (not punctuation, line breaks or a gap stop word)
        gap_ok = [not (t.is_punct or t.is_space or t.lower_ in self.gap_stops) for t in doc]
        hits = []  # (rule id, (part, template), start, end)
        for first, starts in seg_ends.items():
            for start, end in starts.items():
                for rid, part, segs in self.by_first.get(first, ()):
                    stop = self._chain(segs[1:], end, seg_ends, gap_ok)
                    if stop is not None:
                        hits.append((rid, part, start, stop))
        spans = [(s, e) for rid, _, s, e in hits if self.rules[rid][0] == "exception"]
        downgrades = [(s, e) for rid, _, s, e in hits if self.rules[rid][4]]
        crisis_spans = [(s, e) for rid, _, s, e in hits if self.rules[rid][0] == "crisis"]
        sents, personal_msg, msg_ctx = self.words.sentences(doc)
        resolved_at = self.words.positions(doc, "resolved")
        live, dead = {}, {}  # rule id -> {part: (template, start, end, negated, question)}
        soft = {}  # context -> emergency rules as `live`, read as past, hypothetical or fiction
        crisis_context = {}  # crisis rule id -> "past" | "hypothetical" | "fiction" (still live)
        for rid, (part, tmpl), s, e in hits:
            level, cat, negatable, n_parts, _ = self.rules[rid]
            if level == "exception" or any(s < xe and xs < e for xs, xe in spans):
                continue
            # a longer `downgrades` phrase around a single emergency phrase describes the non-urgent case
            if level == "emergency" and n_parts == 1 and any(
                    ds <= s and e <= de and de - ds > e - s for ds, de in downgrades):
                continue
            # an emergency phrase inside a longer crisis phrase is part of it: "sleep and not wake up"
            if level == "emergency" and n_parts == 1 and any(
                    cs <= s and e <= ce and ce - cs > e - s for cs, ce in crisis_spans):
                continue
            neg = negatable and self._negated(doc, s)
            is_q, personal_sent, ctx, ongoing = sents[s]
            near = self.words.near(doc, s)
            if level == "emergency" and self.words.animal(near):
                ctx = "animal"  # "my cat had a seizure": not a person
            recent = ctx == "recent"
            if recent:  # recent counts as past only when the message then says it is over
                ctx = "past" if any(p > s for p in resolved_at) else None
            q = level != "crisis" and (self.words.topic(doc, s) or is_q and not (
                personal_msg if level == "emergency" else personal_sent))
            story = msg_ctx if msg_ctx and not ongoing and not self.words.has_person(near) else None
            # a concern only in a hypothetical or past sentence: "if someone with carcinoid heart
            # disease gets breathless, what helps?" (stories and pets are for emergencies only)
            calm = (ctx or story) if level in ("emergency", "crisis") else \
                (ctx if ctx in ("past", "hypothetical") else None)
            if cat in self.always_now:
                calm = None
            if level == "crisis" and calm and not recent:
                # a crisis always escalates; the table reads its context ("my father overdosed
                # years ago" is not an act now) through the finding. An act this morning that
                # "feels fine" is still now: an overdose harms later.
                crisis_context.setdefault(rid, calm)
            if level in ("emergency", "concern") and not (neg or q) and calm:
                soft.setdefault(calm, {}).setdefault(rid, {}).setdefault(part, (tmpl, s, e, neg, q))
                continue
            (dead if neg or q else live).setdefault(rid, {}).setdefault(part, (tmpl, s, e, neg, q))
        findings = [Finding(self.rules[rid][1], crisis_context.get(rid, "now")) for rid, parts in live.items()
                    if len(parts) == self.rules[rid][3]]
        findings += [Finding(self.rules[rid][1], context) for context, found in soft.items()
                     for rid, parts in found.items() if len(parts) == self.rules[rid][3]]
        best = _pick(self.rules, live)
        calmed_emergency = any(_pick(self.rules, {rid: parts for rid, parts in found.items()
                                                  if self.rules[rid][0] == "emergency"}) for found in soft.values())
        if best and (best.level != "concern" or not calmed_emergency):
            return best, findings  # a concern happening now outranks a concern that is not
        for context in ("past", "hypothetical", "fiction", "animal"):  # every part of a rule in one context
            found = _pick(self.rules, soft.get(context, {}))
            if found:
                level = "none" if context in ("fiction", "animal") else "concern"
                return Verdict(level, found.category, found.matched, context=context), findings
        both = {rid: {**dead.get(rid, {}), **live.get(rid, {})} for rid in {*dead, *live}}
        return best or _pick(self.rules, both, dead_only=True) or Verdict(), findings

    def _chain(self, segs, end, seg_ends, gap_ok):
        for seg in segs:
            ends, nxt = seg_ends.get(seg, {}), None
            for gap in range(self.max_gap + 1):
                if end + gap in ends:
                    nxt = ends[end + gap]
                    break
                if end + gap >= len(gap_ok) or not gap_ok[end + gap]:
                    break
            if nxt is None:
                return None
            end = nxt
        return end

    def _negated(self, doc, start: int) -> bool:
        i = start - 1
        while i >= 0 and (doc[i].lower_ in self.neg_fillers or doc[i].lemma_ in self.neg_fillers):
            i -= 1
        return i >= 0 and (doc[i].lower_ in self.neg_cues or doc[i].lemma_ in self.neg_cues)

@lru_cache(maxsize=1)
def shared_triage() -> Triage:
    """One Triage per process (the NLU component, the channel and the policy share it)."""
    return Triage.from_content()


def _pick(rules, found, dead_only=False) -> Verdict | None:
    """Best matched rule: highest level, then `together` rules, then the longest, then the earliest."""
    best = None
    for rid, parts in found.items():
        level, cat, _, n_parts, _ = rules[rid]
        if len(parts) < n_parts:
            continue
        vals = [parts[k] for k in sorted(parts)]
        if dead_only and not any(v[3] or v[4] for v in vals):
            continue
        start, end = min(v[1] for v in vals), max(v[2] for v in vals)
        key = (LEVELS.index(level), -n_parts, -(end - start), start)
        if best is None or key < best[0]:
            best = (key, level, cat, " + ".join(v[0] for v in vals), vals)
    if best is None:
        return None
    _, level, cat, matched, vals = best
    if not dead_only:
        return Verdict(level, cat, matched)
    return Verdict("none", cat, matched, negated=any(v[3] for v in vals), question=any(v[4] for v in vals))


def _words(cfg: dict, key: str) -> list[str]:
    """A list of phrases from the file; refuses YAML surprises such as a bare `no` read as False."""
    items = cfg.get(key) or []
    bad = [x for x in items if not isinstance(x, str)]
    if bad:
        raise ValueError(f"triage.yml: {key} must be strings (quote yes/no/on/off): {bad}")
    return items
