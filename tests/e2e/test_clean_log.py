"""A normal conversation leaves no ERROR and no Traceback in any server's log: operators must be
able to trust that an ERROR line means something is wrong (issue 19). Twenty varied messages over
the REST channel, as the widget sends them: a greeting with topic buttons, a button press,
questions and follow-ups, several questions at once, a symptom, chat, an uncovered topic."""
import re
import time
import uuid

from tests.e2e.harness import text_of

CONVERSATION = [
    "hi there",
    '/ask_what_is{"subject":"chd"}',          # a topic button from the greeting
    "and how do they treat it",
    "what is lanreotide",
    "how often do people have it",
    "is that the same for octreotide?",
    "my dad gets more out of breath on the stairs than he did last week",
    "thanks, that helps",
    "who decides which treatment my mum gets",
    "is surgery ever a cure",
    "and if it has gone to the liver?",
    "what is an octreoscan and why is it done",
    "is sunitinib given for NETs of the bowel?",
    "am I going to be alright",
    "what is the best cure for a cold sore",
    "tell me about PRRT please",
    "am I talking to a real person",
    "ok",
    "where does your information come from?",
    "goodbye",
]


def test_twenty_messages_leave_no_error_in_the_logs(stack):
    sender = str(uuid.uuid4())
    start = len(stack.log)
    replies = []
    for text in CONVERSATION:  # at a patient's pace: within the per-conversation rate limit
        replies.append(stack.say(sender, text))
        time.sleep(2.5)
    assert all(replies), [t for t, r in zip(CONVERSATION, replies) if not r]
    assert any(m.get("buttons") for m in replies[0]), "the greeting offers topic buttons"
    assert "carcinoid heart disease" in text_of(replies[1]).lower()
    assert re.search(r"\bGP\b|NET team|nurse", text_of(replies[6]))   # the symptom's next step
    log = "".join(stack.log[start:])
    bad = [line for line in log.splitlines() if re.search(r"\bERROR\b|Traceback", line)]
    assert not bad, "\n".join(bad[:20])


def test_every_rasa_process_says_its_patches_are_applied(stack):
    """bot.rasa_ext.run applies the Rasa patches and says so in the log."""
    assert any(re.search(r"Rasa 3\.6\.21: \d+ patches applied", line) for line in stack.log)
