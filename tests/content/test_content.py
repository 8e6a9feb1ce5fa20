"""Content rules (docs/content.md): every answer and glossary entry is complete, readable,
grounded in the cited passages of the source article, in our own words, and safe.

Run: python3 -m pytest tests/content/test_content.py -q   (add -s to see the grade summary)
"""
from __future__ import annotations

import re
import statistics

import pytest

from bot import content
from bot.content.readability import fk_grade

MAX_GRADE = 6.0
COPY_RUN = 8  # words in a row that may not be copied from the source
REVIEW_STATUSES = {"draft", "approved", "retired"}
ANSWER_FIELDS = ("id", "aspect", "subject", "question", "text", "cites", "next_step", "review")
GLOSSARY_FIELDS = ("term", "aliases", "text", "review")
NEXT_STEP = re.compile(r"nurse|doctor|team|\bGP\b|specialist", re.I)
EMERGENCY = re.compile(r"999|emergency|ambulance|A&E", re.I)

# Subjects that are a drug, a procedure, a test or a heart valve: every name a patient may use
# for them is a controlled term that must be backed by a cited passage when an answer uses it.
CONTROLLED_SUBJECTS = (
    "ssa", "octreotide", "lanreotide", "targeted_drugs", "sunitinib", "everolimus",
    "chemotherapy", "diuretic", "surgery", "ablation", "embolisation", "liver_directed",
    "valve_surgery", "echo", "octreoscan",
)
EXTRA_TERMS = ("tricuspid", "pulmonary", "valve", "radiofrequency", "transarterial",
               "echocardiography", "echocardiogram", "octreoscan")
VALVE_NAME = re.compile(r"valve|tricuspid|pulmonary")
# A number, a range or a percentage: 20–30%, 3–4, 12.5, 40%.
NUMBER = re.compile(r"\d+(?:\.\d+)?(?:\s*[–-]\s*\d+(?:\.\d+)?)?%?")


# ---------------------------------------------------------------- helpers

def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower().replace("®", ""))


def word_matches(w: str, pool: set[str]) -> bool:
    """Simple stem match: same word, or one a prefix of the other (shorter one >= 4 letters,
    after dropping a plural s): 'diuretics' ~ 'diuretic', 'echo' ~ 'echocardiography'."""
    if w in pool:
        return True
    base = w[:-1] if len(w) > 4 and w.endswith("s") else w
    for p in pool:
        pb = p[:-1] if len(p) > 4 and p.endswith("s") else p
        short, long_ = sorted((base, pb), key=len)
        if len(short) >= 4 and long_.startswith(short):
            return True
    return False


def term_in(term: str, pool: set[str]) -> bool:
    ws = words(term)
    return bool(ws) and all(word_matches(w, pool) for w in ws)


def find_terms(text: str, terms) -> list[str]:
    low = text.lower()
    return sorted({t for t in terms
                   if re.search(r"(?<![a-z0-9])" + re.escape(t.lower()) + r"(?![a-z0-9])", low)})


def controlled_terms() -> set[str]:
    subs = content.subjects()["subjects"]
    out = set(EXTRA_TERMS)
    for sid in CONTROLLED_SUBJECTS:
        out.update(n.lower() for n in subs[sid]["names"])
    out.update(n.lower() for n in subs["chd"]["names"] if VALVE_NAME.search(n))
    return out


def glossary_groups() -> list[set[str]]:
    """Each glossary entry's term and aliases: names of one thing, used as equivalents."""
    return [{g["term"].lower(), *(a.lower() for a in g.get("aliases") or [])}
            for g in content.glossary()]


def ungrounded(text: str, cited_text: str, terms, groups) -> list[str]:
    """Controlled terms and numbers in `text` that the cited passages do not back."""
    pool = set(words(cited_text))
    bad = []
    for t in find_terms(text, terms):
        if term_in(t, pool):
            continue
        # a plain-word name ('water tablets') is fine if the glossary makes it the same thing
        # as a word the passage uses ('diuretic')
        if any(t in g and any(term_in(o, pool) for o in g if o != t) for g in groups):
            continue
        bad.append(t)
    flat = cited_text.replace("-", "–")
    for n in NUMBER.findall(text):
        n = re.sub(r"\s*[–-]\s*", "–", n)
        if not re.search(r"(?<![\d.])" + re.escape(n) + r"(?![\d])", flat):
            bad.append(n)
    return bad


def ngrams(ws: list[str], n: int = COPY_RUN) -> set[tuple]:
    return {tuple(ws[i:i + n]) for i in range(len(ws) - n + 1)}


# ---------------------------------------------------------------- fixtures

@pytest.fixture(scope="module")
def answers():
    items = content.answers()
    assert items, "no answers found in content/answers/*.yml"
    return items


@pytest.fixture(scope="module")
def glossary():
    items = content.glossary()
    assert items, "content/glossary.yml has no terms"
    return items


@pytest.fixture(scope="module")
def passages():
    from bot.content.source import SourceMissing, load_passages
    try:
        return load_passages()
    except SourceMissing as e:
        pytest.skip(str(e))


@pytest.fixture(scope="module")
def source_text(passages):
    from bot.content.source import clean_text, source_path, source_spec
    return clean_text(source_path().read_text(encoding="utf-8"), source_spec()["source"])


# ---------------------------------------------------------------- structure

def test_answers_have_required_fields_and_valid_ids(answers):
    subjects = content.subjects()["subjects"]
    aspects = content.aspects()
    passage_ids = {p["id"] for p in content.load_yaml(content.CONTENT_DIR / "source.yml")["passages"]}
    problems = []
    for a in answers:
        where = f"{a.get('file')}:{a.get('id')}"
        for f in ANSWER_FIELDS:
            if a.get(f) in (None, "", []):
                problems.append(f"{where}: missing {f}")
        if a.get("aspect") not in aspects:
            problems.append(f"{where}: unknown aspect {a.get('aspect')!r}")
        if a.get("subject") not in subjects:
            problems.append(f"{where}: unknown subject {a.get('subject')!r}")
        for c in a.get("cites") or []:
            if c not in passage_ids:
                problems.append(f"{where}: unknown passage {c!r}")
        review = a.get("review") or {}
        if review.get("status") not in REVIEW_STATUSES or "date" not in review:
            problems.append(f"{where}: bad review {review!r}")
        if review.get("status") == "approved" and not review.get("reviewed_by"):
            problems.append(f"{where}: approved without reviewed_by")
    assert not problems, "\n".join(problems)


def test_no_duplicate_ids_or_aspect_subject_pairs(answers):
    ids = [a["id"] for a in answers]
    pairs = [(a["aspect"], a["subject"]) for a in answers]
    dup_ids = sorted({i for i in ids if ids.count(i) > 1})
    dup_pairs = sorted({p for p in pairs if pairs.count(p) > 1})
    assert not dup_ids, f"duplicate ids: {dup_ids}"
    assert not dup_pairs, f"more than one answer for: {dup_pairs}"


def test_glossary_entries_complete_and_unique(glossary):
    problems, seen = [], {}
    for g in glossary:
        for f in GLOSSARY_FIELDS:
            if f not in g or (f != "aliases" and not g[f]):
                problems.append(f"{g.get('term')}: missing {f}")
        if not isinstance(g.get("aliases"), list):
            problems.append(f"{g.get('term')}: aliases must be a list")
        if (g.get("review") or {}).get("status") not in REVIEW_STATUSES:
            problems.append(f"{g.get('term')}: bad review")
        sentences = [s for s in re.split(r"[.!?]+", g.get("text") or "") if s.strip()]
        if not 1 <= len(sentences) <= 2:
            problems.append(f"{g.get('term')}: text should be 1–2 sentences, has {len(sentences)}")
        for name in [g.get("term", ""), *(g.get("aliases") or [])]:
            key = name.lower()
            if key in seen and seen[key] != g.get("term"):
                problems.append(f"{name!r} is in both {seen[key]!r} and {g.get('term')!r}")
            seen[key] = g.get("term")
    assert not problems, "\n".join(problems)


def test_glossary_covers_words_patients_meet(glossary):
    names = {n.lower() for g in glossary for n in [g["term"], *(g.get("aliases") or [])]}
    required = ["metastases", "somatostatin analogue", "octreotide", "lanreotide", "depot",
                "carcinoid syndrome", "functional pancreatic net", "echocardiogram", "diuretic",
                "tricuspid valve", "pulmonary valve", "heart valve", "multidisciplinary team",
                "grade", "well-differentiated", "stage", "octreoscan", "radionuclide scan",
                "radiofrequency ablation", "transarterial embolisation", "chemotherapy",
                "tyrosine kinase inhibitor", "mtor inhibitor", "licensed", "lobe", "lesion",
                "prognosis", "symptom", "tumour progression", "co-morbidities", "primary tumour",
                "indolent", "pancreas"]
    missing = [r for r in required if r not in names]
    assert not missing, f"glossary lacks: {missing}"


# ---------------------------------------------------------------- readability

def test_reading_grade(answers, glossary):
    grades, problems = [], []
    for a in answers:
        for label, t in (("text", a["text"]), ("text+next_step", a["text"] + "\n" + a["next_step"])):
            g = fk_grade(t)
            grades.append(g)
            if g is None or g > MAX_GRADE:
                problems.append(f"{a['id']} {label}: grade {g}")
    for e in glossary:
        g = fk_grade(e["text"])
        grades.append(g)
        if g is None or g > MAX_GRADE:
            problems.append(f"glossary {e['term']}: grade {g}")
    text_grades = [fk_grade(a["text"]) for a in answers]
    print(f"\nreading grade: answers max {max(text_grades):.2f} median {statistics.median(text_grades):.2f}; "
          f"all checked texts max {max(grades):.2f} median {statistics.median(grades):.2f}")
    assert not problems, "\n".join(problems)


def test_answers_are_short(answers):
    """2–5 sentences: a patient on a phone reads the whole answer."""
    bad = []
    for a in answers:
        n = len([s for s in re.split(r"[.!?]+", a["text"]) if re.search(r"[A-Za-z]", s)])
        if not 2 <= n <= 5:
            bad.append(f"{a['id']}: {n} sentences")
    assert not bad, "\n".join(bad)


# ---------------------------------------------------------------- safety

def test_next_step_names_the_care_team(answers):
    bad = [a["id"] for a in answers if not NEXT_STEP.search(a["next_step"])]
    assert not bad, f"next_step must name the nurse/team/GP/doctor: {bad}"


def test_no_emergency_instructions_in_answers(answers, glossary):
    bad = [a["id"] for a in answers
           if EMERGENCY.search(" ".join([a["question"], a["text"], a["next_step"]]))]
    bad += [g["term"] for g in glossary if EMERGENCY.search(g["text"])]
    assert not bad, f"answers are information only; escalation is the triage's job: {bad}"


# ---------------------------------------------------------------- grounding

def test_checkers_can_fail(passages):
    """The grounding and copy checks below catch what they are meant to catch."""
    terms, groups = controlled_terms(), glossary_groups()
    chd = passages["chd"]["text"]
    assert ungrounded("Octreotide is given every 3–4 weeks.", chd, terms, groups) == ["octreotide", "3–4"]
    assert ungrounded("About 20-30% get it.", chd, terms, groups) == []   # hyphen read as en dash
    assert ungrounded("About 25% get it.", chd, terms, groups) == ["25%"]
    assert ungrounded("Diuretics (water tablets) and an echo.", chd, terms, groups) == []
    assert "injections" in ungrounded("Your injections.", passages["ssa"]["text"], terms, groups)
    src = words(passages["ssa"]["text"])
    assert ngrams(src[:COPY_RUN]) & ngrams(src)


def test_terms_and_numbers_are_in_cited_passages(answers, passages):
    terms, groups = controlled_terms(), glossary_groups()
    problems = []
    for a in answers:
        cited = " ".join(passages[c]["text"] for c in a["cites"] if c in passages)
        for part in ("text", "next_step"):
            bad = ungrounded(a[part], cited, terms, groups)
            if bad:
                problems.append(f"{a['id']} {part}: {bad} not in cited passages {a['cites']}")
    assert not problems, "\n".join(problems)


def test_no_long_runs_copied_from_source(answers, glossary, source_text):
    src = ngrams(words(source_text))
    problems = []
    for a in answers:
        for part in ("text", "next_step", "question"):
            hit = ngrams(words(a[part])) & src
            if hit:
                problems.append(f"{a['id']} {part}: copied {' '.join(sorted(hit)[0])!r}")
    for g in glossary:
        hit = ngrams(words(g["text"])) & src
        if hit:
            problems.append(f"glossary {g['term']}: copied {' '.join(sorted(hit)[0])!r}")
    assert not problems, "\n".join(problems)


def test_numbers_use_en_dash_ranges(answers):
    bad = [a["id"] for a in answers if re.search(r"\d\s*-\s*\d", a["text"] + a["next_step"])]
    assert not bad, f"write ranges with an en dash (20–30%, 3–4): {bad}"


# ---------------------------------------------------------------- coverage

def test_every_topic_has_its_answer(answers):
    have = {(a["aspect"], a["subject"]) for a in answers}
    missing = [(t["id"], t["aspect"], t["subject"]) for t in content.topics()
               if (t["aspect"], t["subject"]) not in have]
    assert not missing, f"topics without an answer: {missing}"


def test_uncovered_subjects_are_not_answered_as_if_covered(answers):
    """No answer names a topic the source does not cover (side effects, PRRT, diet...)."""
    uncovered = content.subjects().get("uncovered") or {}
    names = {n.lower() for u in uncovered.values() for n in u["names"]}
    # everyday words in the uncovered lists that plain answers legitimately use
    allowed = {"work", "eat", "drink", "drive", "fly", "cause", "causes", "caused", "causing",
               "trial", "pay"}
    problems = []
    for a in answers:
        hits = [n for n in find_terms(a["text"], names - allowed)]
        if hits:
            problems.append(f"{a['id']}: mentions {hits}")
    assert not problems, "\n".join(problems)
