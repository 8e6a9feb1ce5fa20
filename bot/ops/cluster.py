"""`make run-cluster`: the cluster set-up on one machine, from Debian's packages, no Docker.

PostgreSQL (tracker store) and Redis (lock store), each as its own user when started by root,
on 127.0.0.1 only, with a fresh random password, in a temporary folder; N replicas of the bot
(`bot.ops.serve` with BOT_STORES=cluster: Rasa, its own action server on localhost and the web
page); nginx in front, round robin. Prints the URL; Ctrl-C stops everything it started and
deletes the folder (conversations included: this is a demonstration and test set-up, the
real one is in deploy/ and docs/deploy.md). Old conversations are forgotten once per cluster,
on PostgreSQL, at start and daily (bot/rasa_ext/stores/postgres_admin.py), not by every replica.

    CLUSTER_PORT (8000) CLUSTER_REPLICAS (2) RASA_WORKERS (1, per replica) PG_BIN (found)
`make test-cluster` and `make bench` drive the same class from Python (LocalCluster).
"""
from __future__ import annotations

import glob
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from bot import PROJECT_ROOT
from bot.ops.supervisor import Child, Supervisor
from bot.settings import Settings, Timeouts

ROOT_USERS = {"postgres": "postgres", "redis": "redis"}  # who runs them when we are root


def free_port() -> int:
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pg_bin() -> Path:
    """Debian keeps PostgreSQL's programs off PATH, in /usr/lib/postgresql/<version>/bin."""
    if os.environ.get("PG_BIN"):
        return Path(os.environ["PG_BIN"])
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/postgres"), key=lambda p: int(p.split("/")[4]))
    if found:
        return Path(found[-1]).parent
    if shutil.which("postgres"):
        return Path(shutil.which("postgres")).parent
    raise SystemExit("PostgreSQL not found: apt-get install postgresql (or set PG_BIN)")


def _own(path: Path, user: str | None, group: str | None = None) -> None:
    """Give `path` to `user` when we are root (PostgreSQL refuses to run as root)."""
    if user and os.geteuid() == 0:
        shutil.chown(path, user, group or user)


def wait_http(url: str, timeout: float, proc_ok=lambda: True) -> None:
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        if not proc_ok():
            raise RuntimeError(f"a process stopped while waiting for {url}")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise TimeoutError(f"{url} did not answer within {timeout:.0f} s")


def nginx_conf(listen: int, rasa_ports: list[int], web_ports: list[int], folder: Path,
               timeouts: Timeouts | None = None) -> str:
    """Round robin over the replicas. A POST is passed to the next replica only if it could
    not be sent to the first (connection refused: a dead replica), never after it was sent.
    The read timeout sits above lock wait + lock hold (config/settings.yml, docs/deploy.md),
    so a healthy replica waiting behind a dead one's lock answers before nginx gives up and
    is never marked down for it."""
    t = timeouts or Timeouts.load()
    user = "user nobody nogroup;" if os.geteuid() == 0 else ""
    ups = lambda ports: "\n".join(f"    server 127.0.0.1:{p} max_fails=1 fail_timeout=5s;" for p in ports)  # noqa: E731
    temp = "\n".join(f"  {k}_temp_path {folder}/tmp/{k};" for k in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    proxy = f"""      proxy_http_version 1.1;
      proxy_set_header Host $host;
      proxy_connect_timeout 2s;
      proxy_send_timeout 10s;
      proxy_read_timeout {int(t.proxy_read_s)}s;
      proxy_next_upstream error;
      proxy_next_upstream_tries 2;"""
    return f"""# Written by bot/ops/cluster.py for `make run-cluster`; deploy/ has the production ones.
{user}
daemon off;
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/logs/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
  access_log off;  # conversations are health data: no request lines, no addresses
{temp}
  client_max_body_size 64k;
  upstream rasa {{
{ups(rasa_ports)}
  }}
  upstream web {{
{ups(web_ports)}
  }}
  server {{
    listen 127.0.0.1:{listen};
    location /webhooks/ {{
      proxy_pass http://rasa;
{proxy}
    }}
    location / {{
      proxy_pass http://web;
{proxy}
    }}
  }}
}}
"""


class LocalCluster:
    def __init__(self, replicas: int = 2, workers: int = 1, port: int | None = None,
                 folder: Path | None = None) -> None:
        self.n, self.workers = replicas, workers
        self.port = port or free_port()
        self.dir = Path(folder or tempfile.mkdtemp(prefix="netbot-cluster-"))
        self.dir.chmod(0o711)  # the postgres and redis users must reach their own folders
        (self.dir / "logs").mkdir(exist_ok=True)
        self.pg_port, self.redis_port = free_port(), free_port()
        self.replica_ports = [{"rasa": free_port(), "actions": free_port(), "web": free_port()}
                              for _ in range(replicas)]
        self.pg_password, self.redis_password = secrets.token_urlsafe(18), secrets.token_urlsafe(18)
        self.sup = Supervisor()
        self._logs: list = []

    # --- addresses -------------------------------------------------------------------------
    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def database_url(self) -> str:
        return f"postgresql://netbot:{self.pg_password}@127.0.0.1:{self.pg_port}/netbot"

    @property
    def redis_url(self) -> str:
        return f"redis://:{self.redis_password}@127.0.0.1:{self.redis_port}/1"

    def replica_url(self, i: int) -> str:
        return f"http://127.0.0.1:{self.replica_ports[i]['rasa']}"

    # --- set-up ----------------------------------------------------------------------------
    def _log(self, name: str):
        f = open(self.dir / "logs" / f"{name}.log", "ab")
        self._logs.append(f)
        return f

    def _init_postgres(self) -> list[str]:
        pg = self.dir / "pg"
        pg.mkdir(mode=0o700)
        _own(pg, ROOT_USERS["postgres"])
        pwfile = pg / "pw"
        pwfile.write_text(self.pg_password)
        _own(pwfile, ROOT_USERS["postgres"])
        as_user = {"user": ROOT_USERS["postgres"], "group": ROOT_USERS["postgres"], "extra_groups": []} \
            if os.geteuid() == 0 else {}
        subprocess.run([str(pg_bin() / "initdb"), "-D", str(pg / "data"), "-U", "netbot", f"--pwfile={pwfile}",
                        "--auth=scram-sha-256", "-E", "UTF8", "--locale=C"], cwd=pg,
                       check=True, stdout=self._log("initdb"), stderr=subprocess.STDOUT, **as_user)
        pwfile.unlink()
        return [str(pg_bin() / "postgres"), "-D", str(pg / "data"), "-p", str(self.pg_port),
                "-c", "listen_addresses=127.0.0.1", "-c", f"unix_socket_directories={pg}",
                "-c", "max_connections=100", "-c", "log_min_messages=warning"]

    def _init_redis(self) -> list[str]:
        folder = self.dir / "redis"
        folder.mkdir(mode=0o700)
        conf = folder / "redis.conf"
        # no persistence: a lock queue is worth nothing after a restart (tickets lapse in seconds)
        conf.write_text(f"bind 127.0.0.1\nport {self.redis_port}\nprotected-mode yes\n"
                        f"requirepass {self.redis_password}\nsave \"\"\nappendonly no\n"
                        f"dir {folder}\ndaemonize no\nlogfile \"\"\nloglevel warning\n")
        conf.chmod(0o600)
        for p in (folder, conf):
            _own(p, ROOT_USERS["redis"])
        return ["redis-server", str(conf)]

    def _replica_env(self, i: int) -> dict:
        ports = self.replica_ports[i]
        data = self.dir / f"replica-{i + 1}"
        data.mkdir(exist_ok=True)
        return dict(os.environ, PYTHONPATH=str(PROJECT_ROOT), BOT_STORES="cluster",
                    DATABASE_URL=self.database_url, REDIS_URL=self.redis_url,
                    RASA_PORT=str(ports["rasa"]), ACTIONS_PORT=str(ports["actions"]), WEB_PORT=str(ports["web"]),
                    RASA_WORKERS=str(self.workers), BOT_DATA_DIR=str(data), BOT_URL=f"http://localhost:{self.port}")

    def prepare(self) -> None:
        pg_cmd, redis_cmd = self._init_postgres(), self._init_redis()
        self.sup.add(Child("postgres", pg_cmd, user=ROOT_USERS["postgres"], stop_signal=signal.SIGINT,
                           stdout=self._log("postgres")))
        self.sup.add(Child("redis", redis_cmd, user=ROOT_USERS["redis"], stdout=self._log("redis")))
        for i in range(self.n):
            self.sup.add(Child(f"replica-{i + 1}", [sys.executable, "-m", "bot.ops.serve"], env=self._replica_env(i),
                               cwd=str(PROJECT_ROOT), stdout=self._log(f"replica-{i + 1}")))
        for k in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (self.dir / "tmp" / k).mkdir(parents=True, exist_ok=True)
            _own(self.dir / "tmp" / k, "nobody", "nogroup")
        conf = self.dir / "nginx.conf"
        conf.write_text(nginx_conf(self.port, [p["rasa"] for p in self.replica_ports],
                                   [p["web"] for p in self.replica_ports], self.dir))
        self.sup.add(Child("nginx", ["nginx", "-c", str(conf), "-p", str(self.dir), "-e",
                                     str(self.dir / "logs" / "nginx-error.log")], stdout=self._log("nginx")))

    # --- running ---------------------------------------------------------------------------
    def wait_postgres(self, timeout: float = 30) -> None:
        import psycopg2
        t0 = time.monotonic()
        while True:
            try:
                psycopg2.connect(dbname="postgres", user="netbot", password=self.pg_password,
                                 host="127.0.0.1", port=self.pg_port, connect_timeout=2).close()
                return
            except psycopg2.OperationalError:
                if time.monotonic() - t0 > timeout:
                    raise
                time.sleep(0.2)

    def wait_redis(self, timeout: float = 15) -> None:
        import redis
        r, t0 = redis.Redis.from_url(self.redis_url, socket_connect_timeout=1), time.monotonic()
        while True:
            try:
                r.ping()
                return
            except redis.RedisError:
                if time.monotonic() - t0 > timeout:
                    raise
                time.sleep(0.1)

    def wait_replica(self, i: int, timeout: float = 240) -> None:
        child = self.sup.children[f"replica-{i + 1}"]
        wait_http(self.replica_url(i) + "/webhooks/rest/", timeout, lambda: child.proc.poll() is None)
        wait_http(f"http://127.0.0.1:{self.replica_ports[i]['actions']}/health", timeout,
                  lambda: child.proc.poll() is None)

    def start_stores(self) -> None:
        """PostgreSQL (with the database and its schema) and Redis, ready for replicas."""
        import psycopg2

        from bot.rasa_ext.stores.postgres_admin import create_schema
        self.prepare()
        self.sup.start("postgres")
        self.sup.start("redis")
        self.wait_postgres()
        self.wait_redis()
        conn = psycopg2.connect(dbname="postgres", user="netbot", password=self.pg_password,
                                host="127.0.0.1", port=self.pg_port)
        conn.autocommit = True
        conn.cursor().execute("CREATE DATABASE netbot")
        conn.close()
        create_schema(self.database_url)

    def start(self, timeout: float = 240) -> float:
        t0 = time.monotonic()
        self.start_stores()
        for i in range(self.n):
            self.sup.start(f"replica-{i + 1}")
        for i in range(self.n):
            self.wait_replica(i, timeout)
        self.sup.start("nginx")
        wait_http(self.url + "/webhooks/rest/", 20)
        (self.dir / "cluster.json").write_text(json.dumps(
            {"url": self.url, "replicas": [self.replica_url(i) for i in range(self.n)],
             "postgres_port": self.pg_port, "redis_port": self.redis_port}, indent=1))
        return time.monotonic() - t0

    def stop(self, keep: bool = False) -> None:
        order = [f"replica-{i + 1}" for i in range(self.n)] + ["nginx", "redis", "postgres"]
        for name in order:
            if name in self.sup.children:
                self.sup.stop(name, timeout=20)
        for f in self._logs:
            f.close()
        if not keep:
            shutil.rmtree(self.dir, ignore_errors=True)

    def keep_forgetting(self, every: float = 86400) -> threading.Thread:
        """Retention once per cluster (never forks, so a thread is fine for PR_SET_PDEATHSIG)."""
        from bot.rasa_ext.stores.postgres_admin import forget_old
        days = Settings.load().keep_conversations_days

        def run() -> None:
            while True:
                try:
                    n = forget_old(self.database_url, days)
                    if n:
                        print(f"Forgot {n} conversation(s) with nothing new for {days} days.", flush=True)
                except Exception as e:  # the database is down: try again tomorrow, say so
                    print(f"Could not forget old conversations: {type(e).__name__}", file=sys.stderr, flush=True)
                time.sleep(every)
        t = threading.Thread(target=run, name="forget-old-conversations", daemon=True)
        t.start()
        return t


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def main() -> int:
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)
    for tool in ("redis-server", "nginx"):
        if not shutil.which(tool):
            print(f"{tool} not found: apt-get install postgresql redis-server nginx", file=sys.stderr)
            return 2
    cluster = LocalCluster(replicas=int(os.environ.get("CLUSTER_REPLICAS", 2)),
                           workers=int(os.environ.get("RASA_WORKERS", 1)),
                           port=int(os.environ.get("CLUSTER_PORT", 8000)))
    try:
        took = cluster.start()
        cluster.keep_forgetting()
        print(f"\nNET education bot cluster is ready ({took:.0f} s to start): {cluster.n} replicas, "
              f"PostgreSQL, Redis, nginx.\n"
              f"  Chat in a browser:  http://localhost:{cluster.port}/\n"
              f"  REST channel:       http://localhost:{cluster.port}/webhooks/rest/webhook\n"
              f"  Logs:               {cluster.dir}/logs/\n"
              f"Press Ctrl-C to stop (everything started here stops, and its folder is deleted).\n", flush=True)
        cluster.sup.run()  # a replica, nginx, Redis or PostgreSQL that dies is restarted
    except KeyboardInterrupt:
        return 0
    except (RuntimeError, TimeoutError, subprocess.CalledProcessError) as e:
        print(f"cluster start-up failed: {e}; logs kept in {cluster.dir}/logs/", file=sys.stderr)
        cluster.stop(keep=True)
        return 1
    finally:
        if (cluster.dir / "pg").exists():  # not already stopped above
            cluster.stop()


if __name__ == "__main__":
    sys.exit(main())
