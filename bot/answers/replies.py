"""Fixed replies from content/responses.yml, filled in with the clinic's settings.

Actions and the channel call `Replies.messages()`; the `domain: true` replies also become Rasa
domain responses at build time (bot/content/domain_build.py), so rules can answer emergencies
with no action server.
"""
from __future__ import annotations

import json
from functools import lru_cache

from bot import content
from bot.content import governance, source
from bot.settings import Settings


def topic_payload(aspect: str, subject: str) -> str:
    return f"/ask_{aspect}" + json.dumps({"subject": subject}, separators=(",", ":"))


def escape_braces(text: str) -> str:
    return text.replace("{", "{{").replace("}", "}}")


def topic_buttons(mode: str | None = None) -> list[dict]:
    """The nurse topics as buttons; in production mode only those with an approved answer."""
    return [{"title": t["title"], "payload": topic_payload(t["aspect"], t["subject"])}
            for t in offered_topics(mode or Settings.load().mode)]


@lru_cache(maxsize=2)
def offered_topics(mode: str) -> tuple:
    topics = content.topics()
    return tuple(governance.approved_topics(topics) if mode == "production" else topics)


class Replies:
    def __init__(self, settings: Settings | None = None, spec: dict | None = None):
        self.settings = settings or Settings.load()
        self.spec = (spec or content.responses())["replies"]
        self.fill = {**self.settings.placeholders(), **source.placeholders()}  # once, not per message

    def messages(self, name: str, **values) -> list[dict]:
        """[{'text': ..., 'buttons'?: [...]}] for reply `name`, placeholders filled."""
        reply = self.spec[name]
        fill = {**self.fill, **values}
        texts = [" ".join(m["text"].format(**fill).split()) for m in reply["messages"]]
        out = [{"text": t} for t in texts if t]  # an empty optional setting leaves no gap
        if reply.get("buttons") == "topics":
            out[-1]["buttons"] = topic_buttons(self.settings.mode)
        if reply.get("signal"):  # for the widget's consent question and the analytics (issue 21)
            out[-1]["custom"] = {"signal": reply["signal"]}
        return out

    def domain_responses(self) -> dict:
        """One Rasa response per reply. A Rasa response variation is a single message, so
        the reply's messages become paragraphs of one message (rules stay one step)."""
        out = {}
        for name, reply in self.spec.items():
            if reply.get("domain"):
                msgs = self.messages(name)
                variation = {"text": "\n\n".join(m["text"] for m in msgs)}
                if msgs[-1].get("buttons"):
                    # Rasa fills {slot} placeholders in responses, button payloads included: braces
                    # doubled come out single, with no "slot does not exist" ERROR per button
                    variation["buttons"] = [{**b, "payload": escape_braces(b["payload"])}
                                            for b in msgs[-1]["buttons"]]
                out[f"utter_{name}"] = [variation]
        return out
