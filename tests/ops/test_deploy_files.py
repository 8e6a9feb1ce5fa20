"""deploy/ cannot be run here (no Docker daemon, no Kubernetes cluster), so it is checked as far
as this machine can: every YAML file parses; kustomize renders the manifests (when kubectl is
installed); every container has probes; a disruption budget keeps a replica up; timeouts in
the load balancers nest with config/settings.yml; nginx accepts both nginx configurations;
systemd accepts the units; no secret is written into any of these files."""
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from bot import PROJECT_ROOT
from bot.ops.cluster import nginx_conf
from bot.settings import Timeouts

DEPLOY = PROJECT_ROOT / "deploy"
T = Timeouts.load()


def docs(path: Path) -> list:
    return [d for d in yaml.safe_load_all(path.read_text()) if d]


def k8s() -> dict:
    return {d["kind"]: d for f in sorted((DEPLOY / "k8s").glob("*.yaml")) if f.name != "kustomization.yaml"
            for d in docs(f)}


def test_every_yaml_file_parses():
    files = list(DEPLOY.rglob("*.yaml")) + list(DEPLOY.rglob("*.yml")) + [PROJECT_ROOT / "endpoints-cluster.yml"]
    assert len(files) >= 7
    for f in files:
        assert docs(f), f


def test_kubernetes_objects_are_whole():
    objs = k8s()
    assert {"Deployment", "Service", "Ingress", "PodDisruptionBudget", "CronJob"} <= set(objs)
    for o in objs.values():
        assert o["apiVersion"] and o["metadata"]["name"]


@pytest.mark.skipif(not shutil.which("kubectl"), reason="kubectl not installed")
def test_kustomize_renders_the_manifests():
    out = subprocess.run(["kubectl", "kustomize", str(DEPLOY / "k8s")], capture_output=True, text=True, check=True)
    assert out.stdout.count("\nkind: ") + out.stdout.startswith("kind: ") >= 5
    assert "registry.example-hospital.nhs.uk/netbot:RELEASE" in out.stdout


def test_one_image_every_container_probed_and_a_replica_always_up():
    objs = k8s()
    dep = objs["Deployment"]["spec"]
    pod = dep["template"]["spec"]
    assert dep["replicas"] >= 2 and dep["strategy"]["rollingUpdate"]["maxUnavailable"] == 0
    assert {c["image"] for c in pod["containers"] + pod["initContainers"]} == {"netbot"}
    names = [c["name"] for c in pod["containers"]]
    assert names == ["rasa", "actions", "web"]
    for c in pod["containers"]:
        assert c.get("readinessProbe") and c.get("livenessProbe"), c["name"]
        assert c["securityContext"]["readOnlyRootFilesystem"] and not c["securityContext"]["allowPrivilegeEscalation"]
    actions = pod["containers"][1]
    assert {"name": "SANIC_HOST", "value": "127.0.0.1"} in actions["env"] and "ports" not in actions
    rasa = pod["containers"][0]
    assert "endpoints-cluster.yml" in rasa["command"] and rasa["livenessProbe"]["httpGet"]["path"] == "/webhooks/rest/"
    assert pod["terminationGracePeriodSeconds"] > T.lock_max_s
    pdb = objs["PodDisruptionBudget"]["spec"]
    assert pdb["minAvailable"] >= 1 and pdb["selector"]["matchLabels"] == dep["selector"]["matchLabels"]


def test_load_balancer_timeouts_nest_with_the_settings():
    ann = k8s()["Ingress"]["metadata"]["annotations"]
    assert float(ann["nginx.ingress.kubernetes.io/proxy-read-timeout"]) == T.proxy_read_s
    assert ann["nginx.ingress.kubernetes.io/proxy-next-upstream"] == "error"
    for conf in ((DEPLOY / "compose" / "nginx.conf").read_text(), nginx_conf(8000, [1], [2], Path("/tmp/x"))):
        reads = {float(x) for x in re.findall(r"proxy_read_timeout (\d+)s;", conf)}
        assert reads == {T.proxy_read_s}
        assert set(re.findall(r"proxy_next_upstream (\w+);", conf)) == {"error"}  # never "timeout", never a POST twice
        assert "access_log off;" in conf


@pytest.mark.skipif(not shutil.which("nginx"), reason="nginx not installed")
def test_nginx_accepts_both_configurations(tmp_path):
    for k in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (tmp_path / "tmp" / k).mkdir(parents=True)
    (tmp_path / "logs").mkdir()
    compose = (DEPLOY / "compose" / "nginx.conf").read_text().replace("bot:5005", "127.0.0.1:5005") \
        .replace("web:8080", "127.0.0.1:8080")  # Docker's names do not resolve here
    generated = nginx_conf(8000, [5005, 5006], [8080, 8081], tmp_path).replace("user nobody nogroup;", "")
    for name, text in (("compose.conf", compose), ("cluster.conf", generated)):
        (tmp_path / name).write_text(text)
        out = subprocess.run(["nginx", "-t", "-c", str(tmp_path / name), "-p", str(tmp_path),
                              "-e", str(tmp_path / "logs" / "error.log")], capture_output=True, text=True)
        assert out.returncode == 0, out.stderr


def test_compose_runs_two_replicas_with_health_checks_and_no_secrets():
    compose = docs(DEPLOY / "compose" / "compose.yml")[0]
    s = compose["services"]
    assert s["bot"]["deploy"]["replicas"] >= 2 and s["bot"]["environment"]["BOT_STORES"] == "cluster"
    for name in ("postgres", "redis", "bot", "web"):
        assert s[name].get("healthcheck"), name
    assert s["bot"]["depends_on"]["schema"]["condition"] == "service_completed_successfully"


def test_systemd_units_restart_and_are_accepted():
    unit = (DEPLOY / "systemd" / "netbot.service").read_text()
    assert re.search(r"^Restart=always$", unit, re.M) and re.search(r"^ExecStart=.*-m bot\.ops\.serve$", unit, re.M)
    if shutil.which("systemd-analyze"):
        for f in ("netbot.service", "netbot-forget.service", "netbot-forget.timer"):
            out = subprocess.run(["systemd-analyze", "verify", str(DEPLOY / "systemd" / f)],
                                 capture_output=True, text=True)
            # the release is not installed in /opt/netbot here; anything else is a real problem
            problems = [line for line in out.stderr.splitlines()
                        if line.strip() and "/opt/netbot" not in line and "netbot-forget.service" not in line]
            assert not problems, problems


def test_no_secret_is_written_into_deploy_files():
    texts = [p.read_text() for p in DEPLOY.rglob("*") if p.is_file()] + [(PROJECT_ROOT / "endpoints-cluster.yml").read_text()]
    for text in texts:
        # (the placeholder word "password" in an example URL is fine)
        assert not re.search(r"(postgres(ql)?|redis)://[^$\s'\"]*:(?!password@)[^$@\s{]+@", text), "a password in a URL"
        assert not re.search(r"(?i)password[ \t]*[:=][ \t]*['\"]?[A-Za-z0-9]{6,}", text), "a password value"
