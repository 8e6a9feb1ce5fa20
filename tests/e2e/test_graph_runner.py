"""The direct graph runner in bot/rasa_ext/patches/ gives exactly what Rasa's dask runner gives,
on the trained model: the same understanding of every probe message and the same next actions.
"""
from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest
import yaml
from rasa.core.agent import Agent
from rasa.engine.runner.dask import DaskGraphRunner
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot import PROJECT_ROOT
from bot.rasa_ext import patches
from bot.rasa_ext.patches import graph_runner

MODEL = PROJECT_ROOT / "models" / "net-bot.tar.gz"
CASES = Path(__file__).parent / "probe_cases.yml"


@pytest.fixture(scope="module")
def agent():
    if not MODEL.exists():
        pytest.fail("no trained model: run `make model` (make test does)")
    logging.disable(logging.WARNING)
    try:
        yield Agent.load(str(MODEL))
    finally:
        logging.disable(logging.NOTSET)


def texts(n=400):
    cases = yaml.safe_load(CASES.read_text(encoding="utf-8"))["cases"]
    return [t for c in cases for t in (c.get("turns") or [c["text"]])][:n] + ["?", "a" * 2000]  # (empty text never reaches the graph: the channel answers it)


async def understand_and_predict(agent, messages):
    """Per message: the parse result, then the next two actions the policies choose."""
    out = []
    processor = agent.processor
    for i, text in enumerate(messages):
        parsed = await agent.parse_message(text)
        tracker = DialogueStateTracker.from_events(
            f"runner-{i}", [ActionExecuted("action_listen"), UserUttered(text, parsed["intent"], parsed["entities"],
                                                                       parse_data=parsed)],
            processor.domain.slots)
        first = processor._predict_next_with_tracker(tracker)
        tracker.update(ActionExecuted(processor.domain.action_names_or_texts[first.max_confidence_index]))
        second = processor._predict_next_with_tracker(tracker)
        out.append((parsed, first.max_confidence_index, first.policy_name,
                    second.max_confidence_index, second.policy_name))
    return out


def test_direct_runner_is_what_rasa_runs(agent, monkeypatch):
    patches.apply()
    assert DaskGraphRunner.run is graph_runner._run
    messages = texts()
    ours = asyncio.run(understand_and_predict(agent, messages))
    monkeypatch.setattr(DaskGraphRunner, "run", graph_runner._original_run)
    theirs = asyncio.run(understand_and_predict(agent, messages))
    assert len(ours) == len(messages)
    for text, a, b in zip(messages, ours, theirs):
        assert a == b, text


def test_parse_data_names_the_guard_rule_that_decided(agent):
    """The intent guard's rule is in the parse data (bot/understanding/guard_rules.py), so a
    transcript shows which rule overrode the classifier; None when no rule applied."""
    async def parse(text):
        return await agent.parse_message(text)
    assert asyncio.run(parse("can dogs eat grapes"))["guard"] == {"rule": "off_topic"}
    assert asyncio.run(parse("how often is lanreotide given"))["guard"]["rule"] in (None, "unsure_cue_confirms")
