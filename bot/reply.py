"""Compose what the patient sees: answer, next step, source line. Plain Python, no Rasa."""
from __future__ import annotations

import re

from bot import content
from bot.knowledge import Answer, KnowledgeService
from bot.responses import Replies, topic_payload
from bot.source import source_spec


# "what does indolent mean", "what is a lesion", "define metastases"
MEANING = re.compile(r"\b(mean|means|meaning|define|definition|stand for|stands for)\b"
                     r"|^\W*(what is|what's|whats|what are|what does|explain)\b", re.I)


class Composer:
    def __init__(self, kb: KnowledgeService, replies: Replies):
        self.kb, self.replies = kb, replies
        self.source_short = source_spec()["source"]["short"]
        words = content.load_yaml(content.CONTENT_DIR / "personal.yml")["prognosis_words"]
        self._prognosis = re.compile(r"\b(" + "|".join(re.escape(w) for w in words) + r")\b", re.I)

    def footer(self, answer: Answer) -> dict:
        """One message: the next step, then where the facts come from."""
        step = self.replies.messages("next_step_prefix", next_step=answer.next_step)[0]["text"]
        source = self.source(answer)
        return {"text": f"{step}\n{source}", "custom": {"answer_id": answer.id, "cites": list(answer.cites)}}

    def source(self, answer: Answer) -> str:
        return self.replies.messages(
            "source_line", source=self.source_short,
            passage=" and ".join(answer.passage_labels) or "treatment")[0]["text"]

    def answer(self, aspect: str, answer: Answer, verdict: str | None = None,
               choice: dict | None = None) -> list[dict]:
        """`verdict`: a reviewed "No. ..." said first (bot/checks.py); `choice`: which answer
        was chosen and why, kept with the bot's message in the conversation (not shown)."""
        out = []
        if verdict:
            out.append({"text": verdict})
        elif not answer.exact:
            phrase = content.aspects()[aspect]["phrase"].format(subject=self.kb.label(answer.subject))
            out += self.replies.messages("not_covered_aspect", aspect=phrase)
        out.append({"text": answer.text})
        out.append(self.footer(answer))
        if choice:
            out[-1]["choice"] = choice
        return out

    def several(self, planned: list) -> list[dict]:
        """Each answer (its verdict first, if any) with its own source line, in the order
        asked; then one next step for all of them (the first answer's)."""
        out = []
        for p in planned:
            if p.verdict:
                out.append({"text": p.verdict.text})
            out.append({"text": p.answer.text})
            out.append({"text": self.source(p.answer), "choice": {"answer_id": p.answer.id, **p.why},
                        "custom": {"answer_id": p.answer.id, "cites": list(p.answer.cites)}})
        first = planned[0].answer
        out.append({"text": self.replies.messages("next_step_prefix", next_step=first.next_step)[0]["text"]})
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
        return self.replies.messages("glossary", term=term, meaning=meaning)

    def is_prognosis_question(self, text: str) -> bool:
        return bool(self._prognosis.search(text or ""))

    def personal(self, general: Answer | None) -> list[dict]:
        first, team = self.replies.messages("personal")
        out = [first]
        if general:
            out.append({"text": general.text})
        out.append(team)
        return out

    def suggestions(self, candidates: list[tuple[str, str]], text: str, limit: int = 2) -> list[dict]:
        """Buttons for the likeliest (aspect, subject) answers, topped up by text search."""
        buttons, seen = [], set()
        found = [self.kb.answer(a, s) for a, s in candidates] + self.kb.search(text, limit=limit)
        for ans in found:
            if ans and ans.id not in seen:
                seen.add(ans.id)
                buttons.append({"title": ans.question, "payload": topic_payload(ans.aspect, ans.subject)})
        return buttons[:limit]
