"""Clinical sign-off (bot/content/governance.py) and production mode.

Each test works on a copy of content/ in a temporary folder, so the real files never change.
"""
from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys

import pytest
import yaml

from bot import PROJECT_ROOT
from bot.answers.composer import Composer
from bot.answers.knowledge import KnowledgeService
from bot.answers.replies import Replies
from bot.content import CONTENT_DIR, governance, yaml_edit
from bot.content import knowledge_build as kb_build
from bot.settings import Settings, SettingsError, example_values

EXAMPLE_SETTINGS = PROJECT_ROOT / "config" / "settings.yml"


@pytest.fixture
def root(tmp_path):
    dst = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, dst)
    return dst


def settings_file(tmp_path, mode: str, **clinic) -> str:
    raw = yaml.safe_load(EXAMPLE_SETTINGS.read_text(encoding="utf-8"))
    raw["mode"] = mode
    raw["clinic"].update(clinic)
    raw["phones"]["treatment_line"] = "0300 555 0199"   # not an example number
    path = tmp_path / f"settings-{mode}.yml"
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    return str(path)


REAL_CLINIC = dict(name="St Elsewhere NET Centre", nurse_line="0300 555 0142",
                   website="https://www.st-elsewhere.nhs.uk/net")


def edit_answer_text(root, answer_id: str, new_text: str) -> None:
    for path in (root / "answers").glob("*.yml"):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        for a in doc["answers"]:
            if a["id"] == answer_id:
                old = " ".join(a["text"].split())
                lines = path.read_text(encoding="utf-8")
                # the text is a folded block: replace its first line, which is enough to change it
                first = next(line for line in lines.splitlines() if line.strip() and line.strip() in old
                             and len(line.strip()) > 20)
                path.write_text(lines.replace(first, "      " + new_text, 1), encoding="utf-8")
                return
    raise AssertionError(answer_id)


# ------------------------------------------------------------------ units and hashes

def test_every_kind_of_content_is_a_unit_of_sign_off():
    kinds = {u.kind for u in governance.units()}
    assert kinds == {"answer", "glossary", "label", "reply", "file"}
    ids = {u.id for u in governance.units()}
    assert "answer:chd-how-treated" in ids and "glossary:grade" in ids and "label:chd" in ids
    assert "reply:greet" in ids and "file:triage.yml" in ids
    for u in governance.units():
        if u.kind in ("answer", "glossary"):
            assert set(u.review) >= {"status", "reviewed_by", "role", "date", "hash"}, u.id


def test_hash_ignores_layout_but_not_words():
    a = {"text": "It is given\n  every 3–4 weeks.", "cites": ["ssa"]}
    assert governance.text_hash(a) == governance.text_hash({"cites": ["ssa"], "text": "It is given every 3–4 weeks."})
    assert governance.text_hash(a) != governance.text_hash({"text": "It is given every 4 weeks.", "cites": ["ssa"]})


# ------------------------------------------------------------------ approve, edit, back to draft

def test_approve_records_name_role_date_and_hash_in_the_yaml(root):
    before = (root / "answers" / "heart.yml").read_text(encoding="utf-8")
    unit = governance.approve("chd-how-treated", "Ann Example", "CNS", date=dt.date(2026, 12, 6), root=root)
    assert unit.status == "approved" and unit.id == "answer:chd-how-treated"
    after = (root / "answers" / "heart.yml").read_text(encoding="utf-8")
    changed = [line for line in after.splitlines() if line not in before.splitlines()]
    assert changed == [f'    review: {{status: approved, reviewed_by: "Ann Example", role: "CNS", '
                       f'date: 2026-12-06, hash: "{unit.hash()}"}}']
    assert len(after.splitlines()) == len(before.splitlines())  # one line changed, comments kept


def test_sign_off_needs_a_name_and_a_role(root):
    with pytest.raises(governance.GovernanceError, match="name"):
        governance.approve("chd-how-treated", "", "CNS", root=root)
    with pytest.raises(governance.GovernanceError, match="no answer"):
        governance.approve("no-such-answer", "Ann", "CNS", root=root)


def test_an_edit_after_sign_off_is_a_draft_again_and_the_build_says_which(root, tmp_path):
    governance.approve("chd-how-treated", "Ann Example", "CNS", root=root)
    governance.approve("chd-what-is", "Ann Example", "CNS", root=root)
    edit_answer_text(root, "chd-how-treated", "Water tablets ease it.")
    unit = governance.find("answer:chd-how-treated", root)
    assert unit.stale() and unit.status == "draft"
    changes = governance.refresh(root, today=dt.date(2026, 12, 7))
    assert [c.id for c in changes] == ["answer:chd-how-treated"]
    assert "Ann Example (CNS)" in str(changes[0]) and "draft again" in str(changes[0])
    review = governance.find("answer:chd-how-treated", root).review
    assert review == {"status": "draft", "reviewed_by": None, "role": None,
                      "date": dt.date(2026, 12, 7), "hash": None}
    assert governance.find("answer:chd-what-is", root).status == "approved"  # untouched
    assert governance.refresh(root) == []


def test_edited_answer_is_withheld_in_production(root, tmp_path):
    governance.approve("chd-how-treated", "Ann Example", "CNS", root=root)
    governance.approve("chd-what-is", "Ann Example", "CNS", root=root)
    edit_answer_text(root, "chd-how-treated", "Water tablets ease it.")
    governance.refresh(root)
    db = tmp_path / "kb.db"
    kb_build.build(db, root=root, mode="production")
    kb = KnowledgeService(db, check_fresh=False)
    prod = Settings.load(settings_file(tmp_path, "production", **REAL_CLINIC))
    comp = Composer(kb, Replies(prod))
    edited = comp.answer("how_treated", kb.answer("how_treated", "chd"))
    assert "still being checked" in edited[0]["text"] and prod.nurse_line in edited[1]["text"]
    assert "Water tablets ease it" not in " ".join(m["text"] for m in edited)
    signed = comp.answer("what_is", kb.answer("what_is", "chd"))
    assert signed[0]["text"].startswith("Carcinoid heart disease is")
    # development mode serves the draft
    dev = Composer(kb, Replies(Settings.load(settings_file(tmp_path, "development"))))
    assert "Water tablets ease it" in dev.answer("how_treated", kb.answer("how_treated", "chd"))[0]["text"]


def test_draft_glossary_entries_are_withheld_in_production(root, tmp_path):
    db = tmp_path / "kb.db"
    kb_build.build(db, root=root, mode="production")
    kb = KnowledgeService(db, check_fresh=False)
    comp = Composer(kb, Replies(Settings.load(settings_file(tmp_path, "production", **REAL_CLINIC))))
    assert "still being checked" in comp.glossary("what does indolent mean")[0]["text"]


def test_retired_answers_leave_the_knowledge_base(root, tmp_path):
    governance.approve("chd-cure", "Ann Example", "CNS", status="retired", root=root)
    db = tmp_path / "kb.db"
    kb_build.build(db, root=root)
    kb = KnowledgeService(db, check_fresh=False)
    assert kb.by_id("chd-cure") is None and kb.by_id("chd-what-is") is not None


def test_replies_labels_and_files_are_signed_the_same_way(root):
    for uid in ("reply:greet", "label:sunitinib", "glossary:grade", "file:topics.yml"):
        assert governance.approve(uid, "Bo Example", "CSO", root=root).status == "approved"
    doc = yaml.safe_load((root / "topics.yml").read_text(encoding="utf-8"))
    doc["topics"][0]["title"] = "Something else"
    (root / "topics.yml").write_text(yaml.safe_dump(doc), encoding="utf-8")
    assert governance.find("file:topics.yml", root).status == "draft"
    assert governance.find("reply:greet", root).status == "approved"


def test_a_reply_without_review_block_gets_one_inserted(root):
    responses = root / "responses.yml"
    assert "review" not in yaml.safe_load(responses.read_text())["replies"]["emergency"]
    governance.approve("reply:emergency", "Cy Example", "CSO", root=root)
    assert governance.find("reply:emergency", root).status == "approved"


def test_file_level_review_blocks_plug_in_generically(root):
    """The lead may split the triage into content/triage/*.yml, each with its own review."""
    (root / "triage").mkdir()
    (root / "triage" / "fever.yml").write_text(
        "# fever rules\nreview:\n  status: draft\n  reviewed_by: null\n  date: null\n\nrules: [a, b]\n")
    units = {u.id for u in governance.triage_units(root)}
    assert units == {"file:triage.yml", "file:dispositions.yml", "file:people.yml", "file:triage/fever.yml"}
    governance.approve("file:triage.yml", "Cy Example", "CSO", root=root)
    governance.approve("file:dispositions.yml", "Cy Example", "CSO", root=root)
    governance.approve("file:people.yml", "Cy Example", "CSO", root=root)
    problems = governance.triage_problems(root)
    assert len(problems) == 1 and "triage/fever.yml" in problems[0]
    governance.approve("file:triage/fever.yml", "Cy Example", "CSO", root=root)
    assert governance.triage_problems(root) == []
    text = (root / "triage" / "fever.yml").read_text()
    assert text.startswith("# fever rules\nreview: {status: approved") and "rules: [a, b]" in text


def test_yaml_edit_refuses_to_write_a_broken_file(tmp_path):
    path = tmp_path / "x.yml"
    path.write_text("a:\n  review: {status: draft}\n  text: hi\n")
    yaml_edit.set_review(path, ("a",), {"status": "approved", "reviewed_by": "O'Brien \"Jo\"", "role": "CNS",
                                        "date": "2026-12-06", "hash": "0123456789ab"})
    assert yaml.safe_load(path.read_text())["a"]["review"]["reviewed_by"] == "O'Brien \"Jo\""


# ------------------------------------------------------------------ production mode

def test_example_settings_are_development_and_use_ofcom_drama_numbers():
    s = Settings.load(EXAMPLE_SETTINGS)
    assert s.mode == "development"
    assert s.nurse_line.replace(" ", "").startswith("01632960")


def test_loader_rejects_example_values_in_production_naming_each(tmp_path):
    with pytest.raises(SettingsError) as e:
        Settings.load(settings_file(tmp_path, "production"))
    assert "clinic.nurse_line '01632 960 123'" in str(e.value) and "clinic.website" in str(e.value)
    assert Settings.load(settings_file(tmp_path, "production", **REAL_CLINIC)).mode == "production"


def test_example_values_cover_drama_ranges_and_old_example():
    raw = {"clinic": {"nurse_line": "020 7946 0123", "name": "X"},
           "phones": {"crisis_lines": [{"name": "Line", "number": "07700 900 456"}], "emergency": "999",
                      "urgent_advice": "01234 567 890"}}
    problems = example_values(raw)
    assert len(problems) == 3 and "phones.crisis_lines[0].number" in problems[1]


def test_missing_mode_is_production(tmp_path):
    path = tmp_path / "s.yml"
    path.write_text("clinic: {name: X, nurse_line: '0300 555 0100', nurse_hours: 'always'}\n")
    assert Settings.load(path).mode == "production"
    path.write_text("mode: testing\nclinic: {name: X, nurse_line: '1', nurse_hours: 'always'}\n")
    with pytest.raises(SettingsError, match="mode"):
        Settings.load(path)


def test_bot_refuses_to_start_in_production_with_example_settings(tmp_path):
    env = dict(os.environ, NETBOT_SETTINGS=settings_file(tmp_path, "production"), RASA_PORT="1",
               ACTIONS_PORT="1", WEB_PORT="1")
    run = subprocess.run([sys.executable, "-m", "bot.ops.serve", "--no-web"], cwd=PROJECT_ROOT, env=env,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 2, run.stderr
    assert "Refusing to start in production mode" in run.stderr
    assert "clinic.nurse_line '01632 960 123' is an example number" in run.stderr
    assert "triage needs the clinical safety officer's sign-off" in run.stderr


def test_build_refuses_in_production_with_example_settings(tmp_path):
    env = dict(os.environ, NETBOT_SETTINGS=settings_file(tmp_path, "production"))
    run = subprocess.run([sys.executable, "-m", "bot", "build"], cwd=PROJECT_ROOT, env=env,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 2 and "Refusing to build in production mode" in run.stderr
    assert "clinic.nurse_line" in run.stderr


def test_production_problems_name_only_the_triage_once_contacts_are_real(tmp_path, root):
    path = settings_file(tmp_path, "production", **REAL_CLINIC)
    problems = governance.production_problems(path, root)
    assert len(problems) == 3 and all("triage" in p for p in problems)
    assert any("dispositions.yml" in p for p in problems) and any("people.yml" in p for p in problems)
    governance.approve("file:triage.yml", "Cy Example", "CSO", root=root)
    governance.approve("file:dispositions.yml", "Cy Example", "CSO", root=root)
    governance.approve("file:people.yml", "Cy Example", "CSO", root=root)
    assert governance.production_problems(path, root) == []
    assert governance.production_problems(settings_file(tmp_path, "development"), root) == []


def test_production_offers_only_topics_with_approved_answers(root):
    topics = yaml.safe_load((root / "topics.yml").read_text())["topics"]
    assert governance.approved_topics(topics, root) == []
    governance.approve("chd-what-is", "Ann Example", "CNS", root=root)
    assert [t["id"] for t in governance.approved_topics(topics, root)] == ["heart"]
