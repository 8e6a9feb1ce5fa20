"""Compose what the patient sees: answer, next step, source line. Plain Python, no Rasa."""
from __future__ import annotations

import json
import re

from bot import content
from bot.answers import provenance
from bot.answers.knowledge import Answer, KnowledgeService
from bot.answers.replies import Replies, topic_payload
from bot.content import governance, source

# "what does indolent mean", "what is a lesion", "define metastases"
MEANING = re.compile(r"\b(mean|means|meaning|define|definition|stand for|stands for)\b"
                     r"|^\W*(what is|what's|whats|what are|what does|explain)\b", re.I)


class Composer:
    def __init__(self, kb: KnowledgeService, replies: Replies):
        self.kb, self.replies = kb, replies
        # production mode: answers and glossary entries not clinically approved are withheld
        production = getattr(replies.settings, "mode", "production") == "production"
        self.withheld, self.withheld_terms = governance.withheld_ids(kb) if production else (set(), set())
        self.links = glossary_links(kb, self.withheld_terms)
        words = content.load_yaml(content.CONTENT_DIR / "personal.yml")["prognosis_words"]
        self._prognosis = re.compile(r"\b(" + "|".join(re.escape(w) for w in words) + r")\b", re.I)

    def footer(self, answer: Answer, first: bool = False) -> dict:
        """One message: the next step, then where the facts come from; in the first answer of
        a conversation, also how old the source is (bot/answers/provenance.py)."""
        step = self.replies.messages("next_step_prefix", next_step=answer.next_step)[0]["text"]
        line = self.source(answer)
        custom = {"answer_id": answer.id, "cites": list(answer.cites)}
        if first:
            line += "\n" + self.replies.messages("source_note")[0]["text"]
            custom[provenance.MARK] = True
        return {"text": f"{step}\n{line}", "custom": custom}

    def source(self, answer: Answer) -> str:
        return self.replies.messages("source_line", parts=source.parts(answer.passage_labels))[0]["text"]

    def answer(self, aspect: str, answer: Answer, verdict: str | None = None,
               choice: dict | None = None, first: bool = False) -> list[dict]:
        """`verdict`: a reviewed "No. ..." said first (bot/understanding/checks.py); `choice`: which answer
        was chosen and why, kept with the bot's message in the conversation (not shown);
        `first`: the conversation has not yet been told how old the source is."""
        if answer.id in self.withheld:
            return self.replies.messages("withheld")
        out = []
        if verdict:
            out.append({"text": verdict})
        elif not answer.exact:
            phrase = content.aspects()[aspect]["phrase"].format(subject=self.kb.label(answer.subject))
            out += self.replies.messages("not_covered_aspect", aspect=phrase)
        out.append({"text": answer.text})
        if self.links.get(answer.id):  # the plain meaning of the medical words it links to
            lines = "\n".join(f"{term}: {meaning}" for term, meaning in self.links[answer.id])
            out += self.replies.messages("glossary_links", lines=lines)
        out.append(self.footer(answer, first))
        if choice:
            out[-1]["choice"] = choice
        return out

    def several(self, planned: list, first: bool = False) -> list[dict]:
        """Each answer (its verdict first, if any) with its own source line, in the order
        asked; then one next step for all of them (the first answer's)."""
        out = []
        planned = [p for p in planned if p.answer.id not in self.withheld]
        if not planned:
            return self.replies.messages("withheld")
        for p in planned:
            if p.verdict:
                out.append({"text": p.verdict.text})
            out.append({"text": p.answer.text})
            out.append({"text": self.source(p.answer), "choice": {"answer_id": p.answer.id, **p.why},
                        "custom": {"answer_id": p.answer.id, "cites": list(p.answer.cites)}})
        if first:
            out[-1]["text"] += "\n" + self.replies.messages("source_note")[0]["text"]
            out[-1]["custom"][provenance.MARK] = True
        step = self.replies.messages("next_step_prefix", next_step=planned[0].answer.next_step)[0]["text"]
        out.append({"text": step})
        return out

    def not_covered(self, topic: str | None) -> list[dict]:
        label = self.kb.label(topic) if topic else "that"
        return self.replies.messages("not_covered", topic=label)

    def glossary(self, text: str) -> list[dict] | None:
        """The plain meaning of a medical word, for "what does X mean" questions; else None."""
        if not MEANING.search(text or ""):
            return None
        found = self.kb.find_term(text)
        if not found:
            return None
        term, meaning = found
        if term in self.withheld_terms:
            return self.replies.messages("withheld")
        return self.replies.messages("glossary", term=term, meaning=meaning)

    def is_prognosis_question(self, text: str) -> bool:
        return bool(self._prognosis.search(text or ""))

    def personal(self, general: Answer | None) -> list[dict]:
        first, team = self.replies.messages("personal")
        out = [first]
        if general and general.id not in self.withheld:
            out.append({"text": general.text})
        out.append(team)
        return out

    def personal_outlook(self, general: Answer | None) -> list[dict]:
        """"How long have I got?": acknowledge the question, the general outlook with its own
        gentle next step, then the team and support lines (clinical review F10)."""
        first, support = self.replies.messages("personal_outlook")
        if general is None or general.id in self.withheld:
            return [first, support]
        step = self.replies.messages("next_step_prefix", next_step=general.next_step)[0]
        return [first, {"text": general.text}, step, support]

    def suggestions(self, candidates: list[tuple[str, str]], text: str, limit: int = 2) -> list[dict]:
        """Buttons for the likeliest (aspect, subject) answers, topped up by text search."""
        buttons, seen = [], set()
        found = [self.kb.answer(a, s) for a, s in candidates] + self.kb.search(text, limit=limit)
        for ans in found:
            if ans and ans.id not in seen and ans.id not in self.withheld:
                seen.add(ans.id)
                buttons.append({"title": ans.question, "payload": topic_payload(ans.aspect, ans.subject)})
        return buttons[:limit]


def glossary_links(kb: KnowledgeService, withheld: set[str]) -> dict[str, list[tuple[str, str]]]:
    """{answer id: [(term, plain meaning)]} from each answer's `glossary:` list (bot/content/jargon.py)."""
    meanings = {r["term"]: r["text"] for r in kb.db["glossary"].rows if r["term"] not in withheld}
    out = {}
    for r in kb.db["answers"].rows:
        terms = json.loads(r.get("glossary") or "[]")
        found = [(t, meanings[t.lower()]) for t in terms if t.lower() in meanings]
        if found:
            out[r["id"]] = found
    return out
