/*
 * "Was this helpful?" under each answer, and after a reply the source does not cover (or a
 * second "not understood"), "May we keep this question...?". Loaded by widget.js from its own
 * origin; talks to the bot's /webhooks/feedback/ endpoints. Wording: /feedback.json
 * (content/feedback.yml). Never blocks the chat: nothing waits for these posts, a failed post
 * is ignored, and the patient can simply carry on typing.
 * Sent: a random id per answer shown, the answer id, yes/no and an optional reason id; the
 * question text only after the patient pressed "Yes, keep it" (the server redacts it).
 */
(function () {
  "use strict";
  var api = window.__netChatAddons;
  var script = document.currentScript;
  if (!api || !script || window.__netChatFeedback) return;
  window.__netChatFeedback = true;
  var ORIGIN = new URL(script.src, location.href).origin;
  var T = null;            // wording, once /feedback.json has loaded
  var declined = 0;        // "No" to keeping a question, in this conversation
  var serial = 0;

  var css = api.el("link", null, null, { rel: "stylesheet", href: ORIGIN + "/feedback.css" });
  document.head.appendChild(css);
  fetch(ORIGIN + "/feedback.json", { credentials: "omit", cache: "no-cache" })
    .then(function (res) { if (!res.ok) throw new Error("HTTP " + res.status); return res.json(); })
    .then(function (data) { if (data && data.helpful && data.consent) T = data; })
    .catch(function () { T = null; });   // no wording: no feedback controls, the chat works as before

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, "$1-$2-$3-$4-$5");
  }
  function post(path, body) {
    body.sender = api.sender();
    try {
      fetch(api.botUrl + "/webhooks/feedback/" + path, {
        method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
        credentials: "omit", cache: "no-store", referrerPolicy: "no-referrer", keepalive: true
      }).catch(function () { /* feedback is optional: ignore */ });
    } catch (e) { /* ignore */ }
  }
  function uid(prefix) { serial += 1; return "netw-fb-" + prefix + "-" + serial; }

  // A box of choices after a reply; `done(text)` replaces it with a short status line.
  function box(afterRow, cls, questionText, detailText) {
    var id = uid("q");
    var wrap = api.el("div", "netw-fb " + cls, null, { role: "group", "aria-labelledby": id });
    wrap.appendChild(api.el("p", "netw-fb-q", questionText, { id: id }));
    if (detailText) wrap.appendChild(api.el("p", "netw-fb-detail", detailText));
    var buttons = api.el("div", "netw-fb-buttons");
    wrap.appendChild(buttons);
    afterRow.parentNode.insertBefore(wrap, afterRow.nextSibling);
    return {
      wrap: wrap,
      add: function (text, onClick) {
        var b = api.button("netw-fb-btn", text);
        b.addEventListener("click", onClick);
        buttons.appendChild(b);
        return b;
      },
      done: function (text, focusInput) {
        var line = api.el("p", "netw-fb-done", text, { tabindex: "-1" });
        wrap.parentNode.replaceChild(line, wrap);
        if (focusInput) api.input().focus();
        return line;
      }
    };
  }

  function askHelpful(row, answerId) {
    var voteId = uuid(), sent = false;
    var b = box(row, "netw-fb--helpful", T.helpful.question);
    function vote(helpful) {
      if (sent) return;              // once per answer
      sent = true;
      post("helpful", { id: voteId, answer_id: answerId, helpful: helpful });
      if (helpful) { b.done(T.helpful.thanks, true); return; }
      var r = box(b.wrap, "netw-fb--reasons", T.helpful.reason_question);
      b.wrap.parentNode.removeChild(b.wrap);
      var first = null;
      Object.keys(T.helpful.reasons).forEach(function (key) {
        var btn = r.add(T.helpful.reasons[key], function () {
          post("reason", { id: voteId, reason: key });
          r.done(T.helpful.reason_thanks, true);
        });
        first = first || btn;
      });
      if (first) first.focus();
    }
    b.add(T.helpful.yes_button, function () { vote(true); });
    b.add(T.helpful.no_button, function () { vote(false); });
  }

  function askToKeep(row, question, trigger) {
    if (declined >= (T.consent.stop_after_no || 2)) return;
    var c = T.consent, answered = false;
    var b = box(row, "netw-fb--consent", c.question, c.detail);
    b.add(c.yes_button, function () {
      if (answered) return;
      answered = true;
      post("question", { id: uuid(), question: question, trigger: trigger });
      b.done(c.kept, true);
    });
    b.add(c.no_button, function () {
      if (answered) return;
      answered = true;
      declined += 1;
      b.done(c.not_kept, true);
    });
  }

  api.add({
    replies: function (d) {
      if (!T || !d.rows.length) return;
      var answerId = null, signal = null;
      d.replies.forEach(function (m) {
        var c = m && m.custom;
        if (!c || typeof c !== "object") return;
        if (typeof c.answer_id === "string" && !answerId) answerId = c.answer_id;
        if (typeof c.signal === "string" && !signal) signal = c.signal;
      });
      var last = d.rows[d.rows.length - 1];
      if (answerId) askHelpful(last, answerId);
      if (signal && d.typed && T.consent.triggers.indexOf(signal) >= 0) askToKeep(last, d.typed, signal);
    },
    clear: function () { declined = 0; }
  });
})();
