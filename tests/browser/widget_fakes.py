"""A fake Rasa REST channel for the widget tests: canned replies, can fail or send hostile text.

A uniquely named module (not conftest) so that tests can import its constants without clashing with
other test folders' conftest.py files.
"""
from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

BUSY_TEXT = "Sorry, messages are arriving faster than I can answer. If it is an emergency, call 999 now."
XSS_TEXT = "<img src=x onerror=alert(1)> and <script>window.__pwned = 1</script>"
HEART_PAYLOAD = '/ask_what_is{"subject":"chd"}'
GREETING = {
    "text": "Hello, I can tell you about neuroendocrine tumours (NETs). What would you like to know?",
    "buttons": [
        {"title": "Carcinoid heart disease", "payload": HEART_PAYLOAD},
        {"title": "Your injections", "payload": '/ask_what_is{"subject":"ssa"}'},
        {"title": "The outlook", "payload": '/ask_outlook{"subject":"net"}'},
    ],
}
HEART_ANSWER = ("Carcinoid heart disease is when a NET affects the valves of the heart. "
                "Ask your NET team if you should have a heart scan.")
LANREOTIDE_ANSWER = ("Lanreotide autogel is given every 3–4 weeks. Read more at "
                     "https://www.example.org/net-info. Other links like javascript:alert(1) stay text. "
                     "Ask your NET team about your own plan.")
INJECTIONS_ANSWER = "Octreotide and lanreotide are injections that slow the growth of many NETs."
OUTLOOK_ANSWER = "The outlook depends on the type and grade of the tumour."
# the answer action's footer carries the answer id in a custom message (bot/answers/composer.py)
LANREOTIDE_ID = "lanreotide-how-often"
NOT_COVERED_TEXT = "Sorry, my information does not cover diet and food."


class FakeRasa:
    """Answers POST /webhooks/rest/webhook like Rasa's REST channel, with canned replies.

    mode: "ok" (canned answers), "slow" (the same after 1 s), "fail" (HTTP 500 every time),
    "xss" (a hostile text reply), "busy" (HTTP 429 with a friendly reply, as the rate limit).
    received: every JSON body posted to the chat, in order.
    feedback: (path, body) of every post to /webhooks/feedback/... (bot/rasa_ext/channels/feedback.py).
    """

    def __init__(self):
        self.mode = "ok"
        self.received: list[dict] = []
        self.forgotten: list[str] = []   # senders whose conversation the widget asked to delete
        self.feedback: list[tuple[str, dict]] = []
        self.lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _cors(self):
                self.send_header("Access-Control-Allow-Origin", "*")
                self.send_header("Access-Control-Allow-Methods", "POST, OPTIONS")
                self.send_header("Access-Control-Allow-Headers", "Content-Type")

            def do_OPTIONS(self):
                self.send_response(204)
                self._cors()
                self.send_header("Content-Length", "0")
                self.end_headers()

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                try:
                    body = json.loads(self.rfile.read(length) or b"{}")
                except ValueError:
                    body = {}
                if self.path == "/webhooks/rest/forget":
                    with fake.lock:
                        fake.forgotten.append(body.get("sender"))
                    status, reply = (503, {"error": "down"}) if fake.mode == "fail" else (200, {"forgotten": True})
                elif self.path.startswith("/webhooks/feedback/"):
                    with fake.lock:
                        fake.feedback.append((self.path.rsplit("/", 1)[-1], body))
                    status, reply = 200, {"result": "stored"}
                elif self.path != "/webhooks/rest/webhook":
                    status, reply = 404, {"error": "not found"}
                else:
                    with fake.lock:
                        fake.received.append(body)
                    status, reply = fake.reply(str(body.get("message", "")))
                data = json.dumps(reply).encode()
                self.send_response(status)
                self._cors()
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def reply(self, message: str):
        if self.mode == "slow":
            time.sleep(1.0)
        if self.mode == "fail":
            return 500, {"error": "internal error"}
        if self.mode == "busy":
            return 429, [{"text": BUSY_TEXT}]
        if self.mode == "xss":
            return 200, [{"text": XSS_TEXT}]
        if message == "/greet":
            return 200, [GREETING]
        if message == HEART_PAYLOAD:
            return 200, [{"text": HEART_ANSWER}]
        if message.startswith('/ask_what_is{"subject":"ssa"}'):
            return 200, [{"text": INJECTIONS_ANSWER}]
        if message.startswith("/ask_outlook"):
            return 200, [{"text": OUTLOOK_ANSWER}]
        if "alcohol" in message:
            return 200, [{"text": NOT_COVERED_TEXT}, {"text": "Your NET nurse can tell you more."},
                         {"custom": {"signal": "not_covered"}}]
        return 200, [{"text": LANREOTIDE_ANSWER},
                     {"buttons": [{"title": "How often is it given?",
                                   "payload": '/ask_how_often{"subject":"lanreotide"}'}]},
                     {"custom": {"answer_id": LANREOTIDE_ID, "cites": ["ssa"]}}]

    def messages(self) -> list[str]:
        with self.lock:
            return [str(b.get("message")) for b in self.received]

    def reset(self):
        with self.lock:
            self.mode = "ok"
            self.received.clear()
            self.forgotten.clear()
            self.feedback.clear()

    def close(self):
        self.server.shutdown()
        self.server.server_close()
