import pytest

from bot.paths import PROJECT_ROOT
from bot.understanding.intent_guard import UNSURE, IntentGuard


def rank(*pairs):
    return [{"name": n, "confidence": c} for n, c in pairs]


@pytest.fixture(scope="module")
def guard():
    return IntentGuard()


@pytest.mark.parametrize("text,person", [
    ("should I stop my octreotide", True), ("can mum have surgery", True),
    ("how long has he got", True), ("I'm worried", True),
    ("can liver metastases be operated on", False), ("is everolimus licensed", False),
    ("items in the image", False),  # "i" inside words is not a person
])
def test_names_a_person(guard, text, person):
    assert guard.names_a_person(text) is person


@pytest.mark.parametrize("text,aspect", [
    ("how often is it given", "how_often"), ("treatment for carcinoid heart disease", "how_treated"),
    ("how do they check for it", "how_diagnosed"), ("how common is it", "how_common"),
    ("what is the prognosis", "outlook"), ("can it be cured", "cure"),
    ("can liver metastases be operated on", "who_for"), ("what does lanreotide do", "what_for"),
    ("what is an octreoscan", "what_is"), ("hello there", None),
    # "how often" about how many people it happens to is a "how common" question
    ("how often does carcinoid syndrome affect the heart", "how_common"),
    ("how often do the injections happen", "how_often"), ("how often do I get the jab", "how_often"),
    ("what happens to the heart in carcinoid syndrome", "what_is"),
    ("which valves are damaged", "what_is"), ("what is afinitor meant to do", "what_for"), ("which heart valve is hit", "what_is"), ("does it matter where the tumour started", "outlook"),
    ("do the jabs stop working after a while", "cure"), ("how many years do people get", "outlook"),
    ("what are the options for liver spread", "how_treated"),
    ("how long do people live with low grade nets", "outlook"), ("how do doctors predict how it will go", "outlook"),
    ("treatment options for carcinoid depend on what?", "how_chosen"),
    ("what can ablation do for the symptoms", "what_for"),
    ("is it the tricuspid or the pulmonary valve that it damages", "what_is"),
    ("can the pulmonary valve be affected as well", "what_is"), ("how is a damaged valve treated", "how_treated"),
    ("what treatment helps with that", "how_treated"),
])
def test_cue_aspect(guard, text, aspect):
    assert guard.cue_aspect(text) == aspect


def test_general_question_is_not_personal_advice(guard):
    r = rank(("personal_advice", 0.6), ("ask_how_chosen", 0.2))
    assert guard.adjust("personal_advice", r, "can liver metastases be operated on", "surgery", None) \
        == ("ask_who_for", 0.6)


def test_personal_question_stays_personal(guard):
    r = rank(("personal_advice", 0.6), ("ask_who_for", 0.2))
    assert guard.adjust("personal_advice", r, "can I have surgery", "surgery", None) is None


def test_uncovered_topic_makes_it_not_covered(guard):
    r = rank(("ask_capabilities", 0.46), ("ask_what_is", 0.39))
    assert guard.adjust("ask_capabilities", r, "what is lutathera", None, "prrt") == ("ask_not_covered", 0.9)
    assert guard.adjust("emergency", r, "lutathera and chest pain", None, "prrt") is None


def test_not_covered_needs_an_uncovered_topic_when_a_subject_is_named(guard):
    r = rank(("ask_not_covered", 0.5), ("ask_how_treated", 0.2))
    assert guard.adjust("ask_not_covered", r, "what now for the heart", "chd", None) == ("ask_how_treated", 0.5)
    assert guard.adjust("ask_not_covered", r, "x", None, None) is None


def test_unsure_guess_about_a_subject_follows_clear_cues(guard):
    r = rank(("ask_how_chosen", 0.3), ("ask_how_treated", 0.2))
    assert guard.adjust("ask_how_chosen", r, "treatment for carcinoid heart disease", "chd", None) \
        == ("ask_how_treated", UNSURE)
    sure = rank(("ask_how_chosen", 0.8))
    assert guard.adjust("ask_how_chosen", sure, "treatment for carcinoid heart disease", "chd", None) is None


def test_uncovered_topic_is_not_covered_unless_it_is_about_changing_own_treatment(guard):
    r = rank(("personal_advice", 0.44), ("ask_what_for", 0.44))
    assert guard.adjust("personal_advice", r, "does octreotide have side effects", "octreotide",
                        "side_effects") == ("ask_not_covered", 0.9)
    # a person alone does not make it personal advice: the source still has nothing on PRRT
    assert guard.adjust("personal_advice", r, "can I have lutathera", None, "prrt") == ("ask_not_covered", 0.9)
    # stopping or changing one's own treatment is personal advice, whatever the topic
    nc = rank(("ask_not_covered", 0.7))
    assert guard.adjust("ask_not_covered", nc, "can I stop my lanreotide because of the side effects",
                        "lanreotide", "side_effects") == ("personal_advice", 0.9)
    assert guard.adjust("personal_advice", r, "should I skip my jab before my holiday", "ssa",
                        "daily_life") is None
    # without a person, a decision word is a general question
    assert guard.adjust("personal_advice", r, "do people stop octreotide for side effects", "octreotide",
                        "side_effects") == ("ask_not_covered", 0.9)


def test_uncovered_words_in_chat_about_something_else_stay_out_of_scope(guard):
    oos = rank(("out_of_scope", 0.6), ("ask_not_covered", 0.3))
    assert guard.adjust("out_of_scope", oos, "can dogs eat grapes", None, "diet") is None
    assert guard.adjust("out_of_scope", oos, "can I drink wine on lanreotide", "lanreotide", "diet") \
        == ("ask_not_covered", 0.9)


def test_own_outlook_is_personal_not_uncovered(guard):
    r = rank(("ask_not_covered", 0.4), ("ask_outlook", 0.3))
    assert guard.adjust("ask_not_covered", r, "will i still be alive in 5 years", None, None) \
        == ("personal_advice", UNSURE)
    assert guard.adjust("ask_outlook", rank(("ask_outlook", 0.8)), "what is the outlook for NETs",
                        None, None) is None


def test_asking_what_the_bot_can_do_about_a_subject_stays_a_capability_question(guard):
    r = rank(("ask_capabilities", 0.6), ("ask_what_is", 0.2))
    assert guard.adjust("ask_capabilities", r, "can you answer questions about my injections", "ssa", None) is None
    assert guard.adjust("ask_capabilities", r, "is this the right place to ask about carcinoid", "net", None) is None
    # a real question about the subject, misread as chat, is still a question
    assert guard.adjust("ask_capabilities", r, "can lanreotide shrink the tumour?", "lanreotide", None)[0] \
        .startswith("ask_")


def test_plain_treat_is_a_how_treated_cue(guard):
    oos = rank(("out_of_scope", 0.4), ("ask_what_is", 0.3))
    assert guard.adjust("out_of_scope", oos, "how do you treat a neuroendocrine tumer", "net", None) \
        == ("ask_how_treated", UNSURE)


def test_overruled_guess_falls_to_the_likeliest_kind_of_question_never_to_chat(guard):
    r = rank(("ask_not_covered", 0.52), ("ask_capabilities", 0.39), ("ask_what_for", 0.04))
    assert guard.adjust("ask_not_covered", r, "and the heart in carcinoid syndrome?", "chd", None) \
        == ("ask_what_for", 0.52)
    oos = rank(("out_of_scope", 0.51), ("ask_cure", 0.48))
    assert guard.adjust("out_of_scope", oos, "even with secondaries can the treatments keep working",
                        "treatment", None) == ("ask_cure", 0.51)


def test_unsure_symptom_guess_on_a_question_about_a_subject_is_the_question(guard):
    r = rank(("report_symptom", 0.23), ("ask_who_for", 0.18))
    assert guard.adjust("report_symptom", r, "are sunitinib and everolimus used for NETs in the bowel as well",
                        "sunitinib", None) == ("ask_who_for", UNSURE)
    sure = rank(("report_symptom", 0.7), ("ask_who_for", 0.1))
    assert guard.adjust("report_symptom", sure, "is my flushing worse on lanreotide?", "lanreotide", None) is None


def test_component_keeps_not_covered_out_of_the_ranking_of_a_question_about_a_named_subject():
    from rasa.shared.nlu.training_data.message import Message

    from bot.rasa_ext.components.intent_guard import IntentGuardComponent
    ranking = [{"name": "ask_who_for", "confidence": 0.45}, {"name": "ask_not_covered", "confidence": 0.43},
               {"name": "ask_cure", "confidence": 0.09}]
    msg = Message(data={"text": "can they remove NETs that have spread to one side of the liver",
                        "intent": ranking[0], "intent_ranking": ranking,
                        "entities": [{"entity": "subject", "value": "surgery"}]})
    IntentGuardComponent({}).process([msg])
    assert msg.get("intent")["name"] == "ask_who_for"
    assert [r["name"] for r in msg.get("intent_ranking")] == ["ask_who_for", "ask_cure"]
    # with an uncovered topic named, "not covered" stays a real possibility
    msg = Message(data={"text": "can they remove it", "intent": ranking[0], "intent_ranking": ranking,
                        "entities": [{"entity": "subject", "value": "surgery"},
                                     {"entity": "uncovered_topic", "value": "procedures"}]})
    IntentGuardComponent({}).process([msg])
    assert msg.get("intent")["name"] == "ask_not_covered"


def test_a_request_for_information_about_a_subject_is_a_question_not_the_menu(guard):
    r = rank(("ask_capabilities", 0.54), ("ask_what_is", 0.44))
    assert guard.adjust("ask_capabilities", r, "tell me about carcinoid heart disease please", "chd", None) \
        == ("ask_what_is", UNSURE)


def test_years_left_is_one_persons_outlook(guard):
    oos = rank(("out_of_scope", 0.5), ("ask_outlook", 0.2))
    assert guard.adjust("out_of_scope", oos, "how many years do I have left", None, None) == ("personal_advice", UNSURE)


def test_cue_words_that_agree_with_an_unsure_guess_confirm_it(guard):
    r = rank(("ask_how_treated", 0.34), ("ask_outlook", 0.34))
    assert guard.adjust("ask_how_treated", r, "what is the main treatment for most people with NETs",
                        "treatment", None) == ("ask_how_treated", UNSURE)


def test_close_call_with_personal_advice_goes_to_personal_advice_when_a_person_decides(guard):
    r = rank(("ask_how_often", 0.42), ("personal_advice", 0.41))
    assert guard.adjust("ask_how_often", r, "can i space my somatuline out to every 6 weeks", "lanreotide",
                        None) == ("personal_advice", UNSURE)
    tie = rank(("personal_advice", 0.42), ("ask_how_often", 0.42))
    assert guard.adjust("personal_advice", tie, "can i space my somatuline out to every 6 weeks", "lanreotide",
                        None) == ("personal_advice", UNSURE)
    # no decision word: a general question stays general
    assert guard.adjust("ask_how_often", r, "how often do i get my somatuline", "lanreotide", None) \
        == ("ask_how_often", UNSURE)
    # a clear lead is kept
    far = rank(("ask_how_often", 0.7), ("personal_advice", 0.2))
    assert guard.adjust("ask_how_often", far, "can i space my somatuline out", "lanreotide", None) is None


def test_a_message_about_something_other_than_nets_is_out_of_scope(guard):
    r = rank(("ask_not_covered", 0.6), ("out_of_scope", 0.3))
    assert guard.adjust("ask_not_covered", r, "can dogs eat grapes", None, "diet") == ("out_of_scope", 0.6)
    assert guard.adjust("ask_how_treated", r, "how do you treat gout", None, None)[0] == "out_of_scope"
    # a NET subject named: the source's topic wins; safety messages are never changed
    assert guard.adjust("ask_not_covered", r, "can lanreotide cause high blood pressure", "lanreotide",
                        "side_effects") is None
    assert guard.adjust("emergency", rank(("emergency", 0.9)), "my dog bit me and I can't breathe",
                        None, None) is None
    # "treatment" is a general word, not a NET subject: still out of scope, and kept so
    t = rank(("ask_how_treated", 0.6), ("out_of_scope", 0.3))
    assert guard.adjust("ask_how_treated", t, "whats the treatment for an ear infection", "treatment",
                        None)[0] == "out_of_scope"
    oos = rank(("out_of_scope", 0.6), ("ask_how_treated", 0.3))
    # kept out of scope, as sure as it was (decided, so the fallback cannot call it a close call)
    assert guard.adjust("out_of_scope", oos, "best treatment for acne", "treatment", None) == ("out_of_scope", 0.6)
    # ...but a real NET subject with the same words is the NET question
    assert guard.adjust("ask_how_treated", t, "treatment for nets and acne", "net", None) is None


def test_no_net_question_in_the_training_data_looks_off_topic(guard):
    """The off-topic list must not turn a real NET question into "out of scope"."""
    import yaml

    from bot.content.spacy_pipeline import build_pipeline
    from bot.understanding.intent_guard import SAFETY, SOCIAL
    from bot.understanding.subjects import SubjectResolver
    nlp, resolver = build_pipeline(), SubjectResolver()
    hits = []
    for path in sorted((PROJECT_ROOT / "data" / "nlu").glob("*.yml")):
        for block in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
            if block.get("intent") in (None, "out_of_scope") or block.get("intent") in SAFETY | SOCIAL:
                continue
            for line in block["examples"].splitlines():
                text = line.strip()[2:].strip()
                subject = resolver.resolve(nlp(text)).subject
                if text and guard._off_topic.search(text) and (not subject or subject in guard._general):
                    hits.append((block["intent"], text))
    assert not hits


def test_cue_words_are_read_from_the_question_first(guard):
    text = ("my mum was diagnosed last month. the scans show it has spread to her liver. "
            "can it be cured?")
    assert guard.cue_aspect(text) == "cure"
    assert guard.cue_aspect("how is it diagnosed") == "how_diagnosed"   # one sentence: as before


def test_a_question_word_later_on_still_makes_it_a_question(guard):
    # "disease mainly in the liver what are the options": the menu guess becomes the question
    r = rank(("ask_capabilities", 0.6), ("ask_how_treated", 0.2))
    assert guard.adjust("ask_capabilities", r, "disease mainly in the liver what are the options",
                        "liver", None) == ("ask_how_treated", UNSURE)


def test_where_they_heard_of_it_does_not_hide_the_question(guard):
    # "heard about sunitinib on a forum, is it a NET drug": a clear question about sunitinib
    r = rank(("ask_who_for", 0.7), ("ask_not_covered", 0.2))
    assert guard.adjust("ask_who_for", r, "heard about sunitinib on a forum, is it a NET drug",
                        "sunitinib", "support") is None
    # an unsure guess, or a topic that is the question itself, is still "not covered"
    unsure = rank(("ask_who_for", 0.4), ("ask_not_covered", 0.35))
    assert guard.adjust("ask_who_for", unsure, "is there a forum for people on sunitinib", "sunitinib",
                        "support")[0] == "ask_not_covered"
    assert guard.adjust("ask_what_for", r, "can sunitinib cause hair loss", "sunitinib",
                        "side_effects")[0] == "ask_not_covered"


def test_a_broad_drug_word_with_a_condition_asks_how_it_is_treated(guard):
    r = rank(("ask_what_is", 0.62), ("ask_what_for", 0.31))
    assert guard.adjust("ask_what_is", r, "what drugs help carcinoid heart disease", "chd", None) \
        == ("ask_how_treated", 0.62)
    sure = rank(("ask_what_is", 0.55), ("ask_how_treated", 0.3))
    assert guard.adjust("ask_what_is", sure, "fixing carcinoid heart disease, tablets or surgery?", "chd", None) \
        == ("ask_how_treated", 0.55)
    # no drug word: a plain "what is" stays
    assert guard.adjust("ask_what_is", r, "what is carcinoid heart disease", "chd", None) is None


def test_net_only_uncovered_topic_is_not_covered_even_when_taken_for_chat(guard):
    r = rank(("out_of_scope", 0.6), ("ask_what_is", 0.2))
    # PRRT, tumour markers and insulinomas only ever concern NETs
    assert guard.adjust("out_of_scope", r, "what happens on the day you have prrt", None, "prrt") \
        == ("ask_not_covered", 0.9)
    assert guard.adjust("out_of_scope", r, "what is an insulinoma", None, "net_types") == ("ask_not_covered", 0.9)
    # diet or travel with no NET subject stays chat ("can dogs eat grapes")
    assert guard.adjust("out_of_scope", r, "is it nice to travel in spain", None, "daily_life") is None


def test_feelings_then_a_question_about_a_subject_gets_the_answer(guard):
    r = rank(("distress", 0.7), ("ask_what_is", 0.2))
    text = "I'm a nervous wreck before my appointment. What is radiofrequency ablation?"
    assert guard.adjust("distress", r, text, "ablation", None, subject_at=text.index("radio")) \
        == ("ask_what_is", 0.7)
    # the subject only in the feelings, the question about the feelings: the supportive reply
    text = "I can't cope with the injections any more. Is it normal to feel like this?"
    assert guard.adjust("distress", r, text, "ssa", None, subject_at=text.index("injections")) is None
    # one sentence: unchanged
    assert guard.adjust("distress", r, "so scared about surgery", "surgery", None, subject_at=15) is None
    # no subject position known, but the question sentence has clear cue words: answered
    assert guard.adjust("distress", r, "I'm scared. What is surgery?", "surgery", None) == ("ask_what_is", 0.7)


@pytest.mark.parametrize("text,subject,intent,expected", [
    ("what are they hoping to achieve with her treatment", "treatment", "ask_how_treated", "ask_cure"),
    ("so what is the point of having treatment then", "treatment", "ask_what_for", "ask_cure"),
    ("what does the treatment try to do once a NET has spread", "net", "ask_how_treated", "ask_cure"),
    ("what is the point of lanreotide", "lanreotide", "ask_what_for", None),        # a named drug: what it does
    ("whats the point, I want to stop my treatment", "treatment", "personal_advice", None),  # a decision
    ("what is the point of anything any more", None, "distress", None),            # feelings stay feelings
])
def test_aims_of_treatment_words_decide(guard, text, subject, intent, expected):
    r = rank((intent, 0.8), ("ask_cure", 0.1))
    got = guard.adjust(intent, r, text, subject, None)
    assert (got[0] if got else None) == expected


@pytest.mark.parametrize("intent,text,uncovered,at,expected", [
    # feelings, then a question with cue words: the question is answered
    ("distress", "When I heard the word spread I started planning my funeral. My kids are teenagers. "
                 "Is it true that people can live a long time even when it has spread?", None, None,
     ("ask_outlook", False)),
    # personal advice whose question names no person and no decision
    ("personal_advice", "I've been on lanreotide since March. My oncologist mentioned sutent or afinitor. "
                        "Can you tell me what those two drugs are?", None, None, ("ask_what_is", False)),
    # ...but a decision in the question stays personal advice
    ("personal_advice", "I've been on lanreotide for years. Is it safe to stop it?", None, None, None),
    ("personal_advice", "My mum has a NET. Should she have the surgery?", None, None, None),
    # an uncovered topic named only in the story ("...loads of tests...")
    ("ask_not_covered", "They've done loads of tests and an octreoscan. What do they base the treatment "
                        "decision on?", "tests", 20, ("ask_how_chosen", True)),
    ("ask_how_often", "She hates needles. How often are they given?", "injections", 10, ("ask_how_often", True)),
    # ...but named in the question itself, it stands
    ("ask_not_covered", "I'm on lanreotide. How are the injections given?", "injections", 30, None),
    # no question sentence with cue words: unchanged
    ("distress", "I can't cope with the injections any more. Is it normal to feel like this?", None, None, None),
    ("distress", "so scared, what do I do", None, None, None),
])
def test_a_backstory_does_not_hide_the_question(guard, intent, text, uncovered, at, expected):
    assert guard.backstory_question(intent, text, uncovered, at) == expected


def test_an_off_topic_story_keeps_its_uncovered_topic(guard):
    text = "The vet says our spaniel has an insulinoma. Would lanreotide work for her, and how often?"
    assert guard.backstory_question("ask_how_often", text, "net_types", 30) is None


@pytest.mark.parametrize("intent,text,subject,uncovered,expected", [
    # the forum or support group is only where they heard of it
    ("ask_not_covered", "Someone on a forum said water tablets help with carcinoid heart disease. Is that true?",
     "diuretic", "support", True),
    ("ask_what_is", "heard about sunitinib on a forum, is it a NET drug", "sunitinib", "support", True),
    # asking about support itself, or no covered subject: not covered as before
    ("ask_not_covered", "is there a support group for people on lanreotide", "lanreotide", "support", False),
    ("ask_not_covered", "someone said there's a facebook group, where is it", None, "support", False),
])
def test_a_forum_as_the_source_of_a_question(guard, intent, text, subject, uncovered, expected):
    assert guard.heard_of(text, subject, uncovered) is expected


def test_a_correction_asks_the_corrected_question(guard):
    r = rank(("distress", 0.6), ("ask_what_is", 0.2))
    assert guard.adjust("distress", r, "sorry, I meant how is it diagnosed", None, None)[0] == "ask_how_diagnosed"
    assert guard.adjust("distress", r, "sorry, I'm just so scared", None, None) is None


def test_an_indirect_question_counts_as_the_question_of_a_long_message(guard):
    text = "My wife's oncologist keeps talking about the grade of her tumour. I was wondering why it matters so much."
    assert guard.backstory_question("distress", text, None, None) == ("ask_how_chosen", False)


def test_an_uncovered_topic_gives_way_to_a_covered_kind_of_question(guard):
    # how the injections are given is not covered; how often they are given is
    assert guard.heard_of("hubby has his injection in the bum, whats the normal gap between them", "ssa", "injections")
    assert not guard.heard_of("hubby has his injection in the bum, does it hurt", "ssa", "injections")


def test_a_forum_claim_about_something_uncovered_is_not_answered_as_the_drug(guard):
    # no cue words for a covered kind of question: the side effect is what is asked
    assert not guard.heard_of("I read on a forum that lanreotide causes hair loss, is that true?",
                              "lanreotide", "support")
