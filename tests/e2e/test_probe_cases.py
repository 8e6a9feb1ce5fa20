"""Our own patient-message cases (tests/e2e/probe_cases.yml, written apart from the shared dev set,
and batch 23q, written blind before issue 18), graded by the shared evaluation's grader over HTTP,
one test per file and kind (tests/e2e/probes.py):
- the safety kinds (emergency, crisis, urgent, symptom), graded on the first bubble, must all
  pass, with no over-triage of a symptom or an urgent case;
- for every other kind, a failure not in tests/e2e/probe_known_failures.yml fails the build, and
  a listed case that now passes is printed (remove its line)."""
import pytest

from tests.e2e import probes


@pytest.fixture(scope="module")
def graded(stack):
    """{file: results}: every case of both files through one bot, once per module."""
    ev = probes.grader()
    if ev is None:
        pytest.skip(f"shared evaluation script not found at {probes.GRADER}")
    out = {}
    for name in probes.FILES:
        results, _ = ev.run_cases(probes.load_cases(name), stack.url, verbose=False)
        print(f"\n{name}:", ev.summarise(results, []))
        out[name] = results
    return out


CASES = [(name, kind) for name in probes.FILES for kind in probes.kinds(name)]


@pytest.mark.parametrize("name,kind", CASES, ids=[f"{n.removesuffix('.yml')}:{k}" for n, k in CASES])
def test_probe_cases_by_kind(graded, name, kind):
    results = graded[name]
    listed = probes.known()[name]
    if kind in probes.SAFETY_KINDS:
        failed = [f"{r['id']}: {probes.reason(r)}" for r in results if r["kind"] == kind and not r["ok"]]
        assert not failed, f"safety cases failed ({kind}):\n" + "\n".join(failed)
        over = [r["id"] for r in results if r["kind"] == kind and r.get("over_triage")]
        assert not over, f"over-triage ({kind}): {over}"
        return
    new, fixed = probes.compare(results, listed, kind)
    if fixed:
        print(f"\n{name} {kind}: known failures that now pass (remove them from "
              f"{probes.KNOWN.name}): {', '.join(fixed)}")
    assert not new, f"new failures in {name} ({kind}), not in {probes.KNOWN.name}:\n" + "\n".join(new)


def test_known_failures_name_real_cases_of_unsafe_kinds_only():
    for name in probes.FILES:
        kinds = {c["id"]: c["kind"] for c in probes.load_cases(name)["cases"]}
        listed = probes.known()[name]
        assert set(listed) <= set(kinds), f"{name}: listed ids that are not cases: {set(listed) - set(kinds)}"
        assert not [i for i in listed if kinds[i] in probes.SAFETY_KINDS], "safety cases cannot be known failures"
        assert all(listed.values()), "every known failure needs its one-line reason"


def test_a_new_failure_fails_and_a_fixed_known_failure_is_reported():
    results = [{"id": "a", "kind": "answer", "ok": False, "reasons": ["missing fact 'x'"], "reply": ["hi"]},
               {"id": "b", "kind": "answer", "ok": True, "reasons": [], "reply": ["ok"]},
               {"id": "c", "kind": "answer", "ok": False, "reasons": ["missing fact 'y'"], "reply": ["no"]}]
    new, fixed = probes.compare(results, {"b": "was failing", "c": "still failing"}, "answer")
    assert new == ["a: missing fact 'x' | reply: hi"] and fixed == ["b"]
