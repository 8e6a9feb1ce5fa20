"""KnowledgeService without Rasa: lookups, the parent chain, honesty, and a clear error."""
import shutil

import pytest

from bot.answers.knowledge import KnowledgeBaseUnavailable, KnowledgeService


def test_direct_answer(kb):
    a = kb.answer("how_diagnosed", "chd")
    assert a.exact and a.subject == "chd" and "chd" in a.cites


def test_can_water_tablets_cure_the_heart_is_answered_about_the_heart(kb):
    # "are diuretics a cure for carcinoid heart disease": the heart's own cure answer, which
    # names valve surgery as the lasting fix, not the general "can NETs be cured" one
    a = kb.answer("cure", "diuretic")
    assert a.exact and a.subject == "chd" and "valve replacement surgery" in a.text


def test_parent_chain(kb):
    # no lanreotide-specific "what_for": the somatostatin analogue answer serves
    a = kb.answer("what_for", "lanreotide")
    assert a.exact and a.subject in kb.chain("lanreotide")


def test_overview_when_aspect_missing(kb):
    a = kb.answer("how_common", "surgery")
    assert a is not None and not a.exact


def test_chain_order(kb):
    assert kb.chain("lanreotide")[:3] == ["lanreotide", "ssa", "drug_therapy"]


def test_uncovered_topics_are_marked(kb):
    assert not kb.is_covered("side_effects") and kb.is_covered("chd")


def test_search_finds_answers(kb):
    hits = kb.search("valve heart")
    assert hits and hits[0].subject in kb.chain("chd") + ["echo", "diuretic", "valve_surgery"]


def test_glossary(kb):
    assert kb.glossary("metastases")
    assert kb.glossary("nonsense-word") is None


def test_missing_database_says_how_to_build(tmp_path):
    with pytest.raises(KnowledgeBaseUnavailable, match="make build"):
        KnowledgeService(tmp_path / "nope.db")


def test_stale_database_says_how_to_build(tmp_path, monkeypatch):
    from bot import content
    from bot.content import knowledge_build as kb_build
    db = tmp_path / "kb.db"
    shutil.copy(kb_build.DB_PATH, db)
    monkeypatch.setattr(content, "content_hash", lambda extra=(): "something-else")
    with pytest.raises(KnowledgeBaseUnavailable, match="older than the files"):
        KnowledgeService(db)


def test_garbage_file_is_a_clear_error(tmp_path):
    db = tmp_path / "kb.db"
    db.write_bytes(b"not a database at all" * 100)
    with pytest.raises(KnowledgeBaseUnavailable, match="make build"):
        KnowledgeService(db)


def test_find_term_prefers_the_longest_name_and_knows_aliases(kb):
    assert kb.find_term("what does indolent mean")[0] == "indolent"
    assert kb.find_term("what are secondaries")[0] == "metastases"            # an alias
    assert kb.find_term("what is a somatostatin analogue")[0] == "somatostatin analogue"
    assert kb.find_term("what time is it") is None
