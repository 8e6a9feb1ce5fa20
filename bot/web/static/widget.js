/*
 * NET information chat widget. Self-hosted: no CDN, no tracking, no external fonts, no cookies.
 *
 * Embed with one tag (widget.css and widget-store.js, what the widget keeps in the browser, are
 * loaded from the same place as this script):
 *   <script src="/widget.js" data-bot-url="http://localhost:5005" data-clinic-name="..."
 *           data-nurse-line="..." data-primary-color="#005eb8" defer></script>
 * Optional: data-team-name, data-nurse-hours, data-emergency-number (default 999), data-timeout-ms,
 *   data-review-note (added to the welcome, e.g. that the content awaits clinical review).
 * data-keep-days (how long the trust keeps conversations, for the privacy note), data-privacy-url
 * (the trust's privacy notice), data-idle-minutes (default 30), data-clear-on-close ("true": the
 * close button also clears the conversation, for shared computers).
 *
 * Talks to Rasa's REST channel: POST {bot-url}/webhooks/rest/webhook {sender, message, metadata};
 * "Clear conversation" first asks the server to delete the conversation (POST .../forget).
 * Privacy (docs/privacy.md): what the patient types is kept in this page's memory only. The tab's
 * sessionStorage (readable by other scripts on the hosting page) holds the sender id and the
 * chat's own replies, and is emptied after data-idle-minutes without activity.
 * The bot URL must be https (except on this computer: localhost).
 * Server text is only ever put into the page as text nodes; http(s) URLs become links.
 * Why ~490 lines in one file: the colour, URL and DOM helpers run synchronously while the tag is
 * read (before anything else can load), and the rest shares one closure over the chat's state;
 * what could stand alone already does (widget-store.js, feedback.js).
 */
(function () {
  "use strict";
  var script = document.currentScript || document.querySelector("script[src*='widget.js'][data-bot-url]");
  if (!script || window.__netChatWidget) return;
  window.__netChatWidget = true;

  var ds = script.dataset;
  var ORIGIN = new URL(script.src, location.href).origin;
  var DEFAULT_COLOR = "#005eb8";
  var cfg = {
    botUrl: (ds.botUrl || "http://localhost:5005").replace(/\/+$/, ""),
    clinic: ds.clinicName || "the hospital",
    team: ds.teamName || "NET team",
    nurseLine: ds.nurseLine || "",
    nurseHours: ds.nurseHours || "",
    emergency: ds.emergencyNumber || "999",
    reviewNote: ds.reviewNote || "",
    color: pickColor(ds.primaryColor),
    timeoutMs: parseInt(ds.timeoutMs, 10) > 0 ? parseInt(ds.timeoutMs, 10) : 10000,
    keepDays: parseInt(ds.keepDays, 10) > 0 ? parseInt(ds.keepDays, 10) : 0,
    privacyUrl: safeHttpUrl(ds.privacyUrl),
    idleMs: (parseInt(ds.idleMinutes, 10) > 0 ? parseInt(ds.idleMinutes, 10) : 30) * 60000,
    clearOnClose: ds.clearOnClose === "true"
  };
  cfg.secure = secureBotUrl(cfg.botUrl);

  // ---------- colour: white text on the primary colour must reach 4.5:1 ----------
  function luminance(hex) {
    var h = hex.length === 4 ? hex.replace(/[0-9a-f]/gi, "$&$&").slice(1) : hex.slice(1);
    return [0, 2, 4].map(function (i) {
      var c = parseInt(h.substr(i, 2), 16) / 255;
      return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    }).reduce(function (sum, c, i) { return sum + c * [0.2126, 0.7152, 0.0722][i]; }, 0);
  }
  function pickColor(value) {
    if (!/^#([0-9a-f]{3}|[0-9a-f]{6})$/i.test(value || "")) return DEFAULT_COLOR;
    if (1.05 / (luminance(value) + 0.05) < 4.5) {
      if (window.console) console.warn("NET chat: data-primary-color " + value + " is too light for white text; using " + DEFAULT_COLOR);
      return DEFAULT_COLOR;
    }
    return value;
  }

  // ---------- the bot URL: health questions never go over plain http to another machine ----------
  function secureBotUrl(url) {
    try {
      var u = new URL(url, location.href);
      if (u.protocol === "https:") return true;
      if (u.protocol === "http:" && /^(localhost|127\.0\.0\.1|\[::1\])$/.test(u.hostname)) return true;
    } catch (e) { /* not a URL */ }
    if (window.console) console.warn("NET chat: data-bot-url must be an https:// address; the chat is off");
    return false;
  }
  function safeHttpUrl(url) {
    try { var u = new URL(url || "", location.href); return /^https?:$/.test(u.protocol) && url ? u.href : ""; } catch (e) { return ""; }
  }

  // ---------- what is kept in the browser: widget-store.js (docs/privacy.md) ----------
  var keep = null;           // set in start(), once widget-store.js has loaded
  function loadState() { return keep.load(); }
  function saveState() { keep.save(state); }
  function forgetLocal() { keep.forget(); }
  function idle() { return keep.idle(); }
  function reference(sender) { return keep.reference(sender); }

  // ---------- DOM helpers: data goes in as text nodes only, never parsed as HTML ----------
  function el(tag, cls, text, attrs) {
    var n = document.createElement(tag);
    if (cls) n.className = cls;
    if (text != null) n.textContent = text;
    Object.keys(attrs || {}).forEach(function (k) { n.setAttribute(k, attrs[k]); });
    return n;
  }
  function button(cls, text, attrs) {
    var b = el("button", cls, text, attrs);
    b.type = "button";
    return b;
  }
  function icon(pathD) {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    var p = document.createElementNS(ns, "path");
    p.setAttribute("d", pathD);
    svg.appendChild(p);
    return svg;
  }
  var URL_RE = /https?:\/\/[^\s<>"'`]+/gi;
  function appendLinkified(parent, text) {
    var last = 0, m;
    URL_RE.lastIndex = 0;
    while ((m = URL_RE.exec(text))) {
      var raw = m[0], trail = "";
      while (/[.,;:!?)\]}'"]$/.test(raw)) { trail = raw.slice(-1) + trail; raw = raw.slice(0, -1); }
      parent.appendChild(document.createTextNode(text.slice(last, m.index)));
      var href = null;
      try { var u = new URL(raw); if (u.protocol === "http:" || u.protocol === "https:") href = u.href; } catch (e) { href = null; }
      if (href) {
        var a = el("a", "netw-link", raw, { href: href, target: "_blank", rel: "noopener noreferrer" });
        a.appendChild(el("span", "netw-sr", " (opens in a new tab)"));
        parent.appendChild(a);
      } else {
        parent.appendChild(document.createTextNode(raw));
      }
      parent.appendChild(document.createTextNode(trail));
      last = m.index + m[0].length;
    }
    parent.appendChild(document.createTextNode(text.slice(last)));
  }

  // ---------- build the widget ----------
  var state = null;          // the conversation, loaded in start()
  var generation = 0;        // bumps on "Clear conversation": late replies of the old one are dropped
  var queue = Promise.resolve();
  var pending = 0;

  var root = el("aside", "netw", null, { "aria-label": "NET information chat" });
  root.hidden = true;        // shown once widget.css has loaded, so nothing flashes unstyled
  root.style.setProperty("--netw-primary", cfg.color);

  var launcher = button("netw-launcher", null,
    { "aria-haspopup": "dialog", "aria-expanded": "false", "aria-controls": "netw-dialog" });
  launcher.appendChild(icon("M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z"));
  launcher.appendChild(el("span", null, "Ask about NETs"));

  var dialog = el("div", "netw-dialog", null,
    { id: "netw-dialog", role: "dialog", "aria-label": "NET information chat" });
  dialog.hidden = true;

  var header = el("div", "netw-header");
  var title = el("h2", "netw-title", "NET information chat");
  var closeBtn = button("netw-icon-btn", null, { "aria-label": "Close chat" });
  closeBtn.appendChild(icon("M6 6l12 12M18 6L6 18"));
  header.appendChild(title);
  header.appendChild(closeBtn);

  var bar = el("div", "netw-bar");
  var emergency = el("p", "netw-emergency", "Emergency? Call ");
  emergency.appendChild(el("a", "netw-tel", cfg.emergency, { href: "tel:" + cfg.emergency.replace(/[^0-9+]/g, "") }));
  var clearBtn = button("netw-secondary", "Clear conversation");
  bar.appendChild(emergency);
  bar.appendChild(clearBtn);

  // tabindex: the log scrolls, so keyboard users must be able to reach and scroll it
  var log = el("div", "netw-log", null, { role: "log", "aria-live": "polite", "aria-label": "Conversation", tabindex: "0" });

  var typing = el("div", "netw-typing", null, { role: "status" });

  var form = el("form", "netw-form");
  form.noValidate = true;
  var label = el("label", "netw-label", "Type your question", { "for": "netw-input" });
  var row = el("div", "netw-row");
  var input = el("input", "netw-input", null,
    { id: "netw-input", type: "text", autocomplete: "off", maxlength: "500", enterkeyhint: "send" });
  var sendBtn = el("button", "netw-send", "Send", { type: "submit" });
  row.appendChild(input);
  row.appendChild(sendBtn);
  form.appendChild(label);
  form.appendChild(row);

  [header, bar, log, typing, form].forEach(function (n) { dialog.appendChild(n); });
  root.appendChild(launcher);
  root.appendChild(dialog);

  // ---------- messages ----------
  function welcomeText() {
    var text = "Hello. This chat gives general information about neuroendocrine tumours (NETs) from the " +
      cfg.team + " at " + cfg.clinic + ". It is not medical advice about your own care";
    text += cfg.nurseLine ? ": for that, call the NET nurse line on " + cfg.nurseLine +
      (cfg.nurseHours ? " (" + cfg.nurseHours + ")." : ".") : ".";
    text += " If it is an emergency, call " + cfg.emergency + " now.";
    return cfg.reviewNote ? text + " " + cfg.reviewNote : text;
  }
  function privacyText() {
    var text = cfg.keepDays ? "Your messages are kept for " + cfg.keepDays + " days so the chat can work, then deleted. "
      : "Your messages are kept for a short time so the chat can work, then deleted. ";
    return text + "Please do not type your name, NHS number or contact details. On a shared computer, " +
      "press Clear conversation when you finish. Conversation reference: " + reference(state.sender) + ".";
  }
  function renderPrivacy() {
    var rowEl = el("div", "netw-msg netw-msg--note netw-privacy");
    var bubble = el("div", "netw-bubble", privacyText());
    if (cfg.privacyUrl) {
      bubble.appendChild(document.createTextNode(" "));
      var a = el("a", "netw-link", "How " + cfg.clinic + " uses your information",
        { href: cfg.privacyUrl, target: "_blank", rel: "noopener noreferrer" });
      a.appendChild(el("span", "netw-sr", " (opens in a new tab)"));
      bubble.appendChild(a);
    }
    rowEl.appendChild(bubble);
    log.appendChild(rowEl);
  }
  function errorText() {
    var text = "Sorry, the chat is not working at the moment, so I could not answer.";
    if (cfg.nurseLine) text += " Please call the " + cfg.clinic + " NET nurse line on " + cfg.nurseLine +
      (cfg.nurseHours ? " (" + cfg.nurseHours + ")" : "") + ", or try again later.";
    else text += " Please contact your NET team, or try again later.";
    return text + " If it is an emergency, call " + cfg.emergency + ".";
  }
  var WHO = { user: "You said: ", bot: "Chat said: ", note: "", error: "Problem: " };
  function renderItem(item) {
    var rowEl = el("div", "netw-msg netw-msg--" + item.who);
    var bubble = el("div", "netw-bubble");
    if (WHO[item.who]) bubble.appendChild(el("span", "netw-sr", WHO[item.who]));
    if (item.who === "bot" || item.who === "error") appendLinkified(bubble, item.text);
    else bubble.appendChild(document.createTextNode(item.text));
    if (item.text) rowEl.appendChild(bubble);
    if (item.buttons && item.buttons.length) {
      var group = el("div", "netw-buttons", null, { role: "group", "aria-label": "Suggested questions" });
      item.buttons.forEach(function (b) {
        var btn = button("netw-choice", b.title);
        btn.addEventListener("click", function () {
          send(b.payload, { display: b.title, fromButton: true });
          input.focus();
        });
        group.appendChild(btn);
      });
      rowEl.appendChild(group);
    }
    log.appendChild(rowEl);
    return rowEl;
  }
  function renderAll() {
    log.textContent = "";
    renderItem({ who: "note", text: welcomeText() });
    renderPrivacy();
    state.items.forEach(renderItem);
    log.scrollTop = log.scrollHeight;
  }
  function addItem(item) {
    state.items.push(item);
    saveState();
    var rowEl = renderItem(item);
    // Show the start of a new answer; short ones simply scroll to the end.
    var bottom = log.scrollHeight - log.clientHeight;
    log.scrollTop = item.who === "user" ? bottom : Math.min(bottom, rowEl.offsetTop - 8);
    return rowEl;
  }
  function cleanReply(m) {
    if (!m || typeof m !== "object") return null;
    var text = typeof m.text === "string" ? m.text : "";
    if (!text && m.custom && typeof m.custom.text === "string") text = m.custom.text;
    var buttons = (Array.isArray(m.buttons) ? m.buttons : []).filter(function (b) {
      return b && typeof b.title === "string" && b.title.trim() && typeof b.payload === "string";
    }).slice(0, 12).map(function (b) { return { title: b.title, payload: b.payload }; });
    return text.trim() || buttons.length ? { who: "bot", text: text, buttons: buttons } : null;
  }

  // ---------- add-ons: feedback.js ("Was this helpful?") hooks in here ----------
  // An add-on gets each batch of replies after it is shown; a failing add-on never stops the chat.
  var addons = [];
  function notify(name, data) {
    addons.forEach(function (a) { try { if (a[name]) a[name](data); } catch (e) { /* ignore */ } });
  }
  window.__netChatAddons = {
    add: function (a) { addons.push(a); },
    botUrl: cfg.botUrl, log: log, input: function () { return input; },
    sender: function () { return state.sender; }, el: el, button: button
  };

  // ---------- talking to Rasa ----------
  function post(path, body) {
    var ctrl = new AbortController();
    var timer = setTimeout(function () { ctrl.abort(); }, cfg.timeoutMs);
    if (!cfg.secure) { clearTimeout(timer); return Promise.reject(new Error("insecure bot URL")); }
    return fetch(cfg.botUrl + path, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
      signal: ctrl.signal, credentials: "omit", cache: "no-store", referrerPolicy: "no-referrer"
    }).finally(function () { clearTimeout(timer); });
  }
  function postOnce(message, metadata) {
    return post("/webhooks/rest/webhook", { sender: state.sender, message: message, metadata: metadata }).then(function (res) {
      // 429: too many messages; the body is a friendly reply (with the emergency number) to show
      if (!res.ok && res.status !== 429) { var err = new Error("HTTP " + res.status); err.retry = res.status >= 500; throw err; }
      return res.json();
    }).then(function (data) {
      if (!Array.isArray(data)) throw new Error("unexpected reply");
      return data;
    }).catch(function (err) {
      if (err.retry === undefined) err.retry = true;   // network error, timeout, broken JSON
      throw err;
    });
  }
  function postWithRetry(message, metadata) {
    return postOnce(message, metadata).catch(function (err) {
      if (!err.retry) throw err;
      return new Promise(function (r) { setTimeout(r, 700); }).then(function () { return postOnce(message, metadata); });
    });
  }
  function setTyping(on) {
    typing.textContent = "";
    if (on) {
      typing.appendChild(el("span", "netw-dots"));
      typing.appendChild(document.createTextNode("Finding an answer…"));
    }
  }
  // Send a message. opts.display: what the patient's bubble shows (none for payloads sent for them).
  function send(message, opts) {
    opts = opts || {};
    if (opts.display) addItem({ who: "user", text: opts.display, fromButton: !!opts.fromButton });
    var gen = generation;
    var metadata = { channel: "web-widget" };
    if (opts.topic) metadata.deep_link_topic = opts.topic;
    pending += 1;
    setTyping(true);
    queue = queue.then(function () {
      if (gen !== generation) return null;
      return postWithRetry(message, metadata).then(function (replies) {
        if (gen !== generation) return;
        var items = replies.map(cleanReply).filter(Boolean);
        if (!items.length) items = [{ who: "error", text: errorText() }];
        var rows = items.map(addItem);
        notify("replies", { replies: replies, rows: rows, typed: opts.typed ? message : null });
      }, function () {
        if (gen !== generation) return;
        if (opts.onFail) opts.onFail();
        addItem({ who: "error", text: errorText() });
      });
    }).finally(function () {
      pending -= 1;
      if (pending <= 0) { pending = 0; setTyping(false); }
    });
  }
  function greetOnce() {
    if (state.greeted || state.items.length) return;
    state.greeted = true;
    saveState();
    send("/greet", { onFail: function () { state.greeted = false; saveState(); } });
  }

  // ---------- open, close, clear ----------
  function isOpen() { return !dialog.hidden; }
  function open(moveFocus) {
    dialog.hidden = false;
    launcher.hidden = true;
    launcher.setAttribute("aria-expanded", "true");
    root.classList.add("netw--open");
    keep.setOpen(true);
    log.scrollTop = log.scrollHeight;
    if (moveFocus !== false) input.focus();
  }
  function close() {
    if (cfg.clearOnClose) clearConversation({ greet: false, focus: false });
    dialog.hidden = true;
    launcher.hidden = false;
    launcher.setAttribute("aria-expanded", "false");
    root.classList.remove("netw--open");
    keep.setOpen(false);
    launcher.focus();
  }
  // Delete the conversation on the server first (after any message still on its way), then
  // forget it here. If the server cannot be reached, the patient is told the reference to quote.
  function forgetOnServer(sender) {
    return post("/webhooks/rest/forget", { sender: sender })
      .then(function (res) { return res.ok; }, function () { return false; });
  }
  function clearConversation(opts) {
    opts = opts || {};
    var old = state.sender, hadItems = state.items.length > 0 || state.greeted;
    generation += 1;                       // late replies of the old conversation are dropped
    notify("clear", {});
    state.items = [];
    forgetLocal();                         // nothing of it stays in storage, whatever happens next
    state = loadState();
    pending = 0;
    setTyping(false);
    renderAll();
    input.value = "";
    if (opts.focus !== false) input.focus();
    var done = hadItems ? queue.then(function () { return forgetOnServer(old); }) : Promise.resolve(true);
    queue = done.then(function (ok) {
      if (!ok) addItem({ who: "error", text: "Your last conversation could not be deleted from the chat service just now. " +
        "It will be deleted automatically" + (cfg.keepDays ? " after " + cfg.keepDays + " days" : "") +
        ". To ask for it to be deleted sooner, quote the reference " + reference(old) + " to " + cfg.clinic + "." });
    });
    if (opts.greet !== false) greetOnce();
  }
  // A tab left open: after the idle limit, the conversation is no longer shown or stored here.
  setInterval(function () {
    if (state && state.items.length && idle()) {
      generation += 1;
      forgetLocal();
      state = loadState();
      renderAll();
    }
  }, 60000);

  launcher.addEventListener("click", function () { open(true); greetOnce(); });
  closeBtn.addEventListener("click", close);
  clearBtn.addEventListener("click", function () { clearConversation(); });
  dialog.addEventListener("keydown", function (e) {
    if (e.key === "Escape" || e.key === "Esc") { e.preventDefault(); close(); }
  });
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var text = input.value.trim();
    if (!text) { input.focus(); return; }
    input.value = "";
    send(text, { display: text, typed: true });
  });

  // ---------- deep links: ?topic=<id> opens the chat on one answer ----------
  function takeTopicParam() {
    var params = new URLSearchParams(location.search);
    var id = params.get("topic");
    if (!id) return null;
    params.delete("topic");   // a reload must not ask again
    var qs = params.toString();
    try { history.replaceState(history.state, "", location.pathname + (qs ? "?" + qs : "") + location.hash); } catch (e) { /* ignore */ }
    return id;
  }
  function startTopic(id) {
    open(true);
    fetch(ORIGIN + "/topics.json", { credentials: "omit", cache: "no-cache" })
      .then(function (res) { if (!res.ok) throw new Error("HTTP " + res.status); return res.json(); })
      .then(function (data) {
        var topic = (data && Array.isArray(data.topics) ? data.topics : []).filter(function (t) { return t.id === id; })[0];
        if (!topic || typeof topic.payload !== "string") { greetOnce(); return; }
        state.greeted = true;
        addItem({ who: "note", text: "Topic: " + topic.title });
        send(topic.payload, { topic: topic.id });
      })
      .catch(function () { greetOnce(); });
  }

  function start() {
    keep = window.__netChatStore(cfg);
    state = loadState();
    root.hidden = false;
    renderAll();
    var topicId = takeTopicParam();
    if (topicId) startTopic(topicId);
    else if (keep.wasOpen()) { open(false); greetOnce(); }
  }
  // Starts once widget-store.js has loaded and widget.css has loaded (or failed, or 3 s passed).
  function mount() {
    document.body.appendChild(root);
    document.head.appendChild(el("script", null, null, { src: ORIGIN + "/feedback.js", defer: "" }));
    var waiting = 2, started = false;
    var ready = function () {
      waiting -= 1;
      if (waiting <= 0 && !started) { started = true; start(); }
    };
    if (window.__netChatStore) ready();
    else {
      var lib = el("script", null, null, { src: ORIGIN + "/widget-store.js" });
      lib.addEventListener("load", ready);
      lib.addEventListener("error", function () {
        if (window.console) console.warn("NET chat: " + ORIGIN + "/widget-store.js did not load; the chat is off");
      });
      document.head.appendChild(lib);
    }
    if (document.querySelector("link[data-netw-css]")) { ready(); return; }
    var css = el("link", null, null, { rel: "stylesheet", href: ORIGIN + "/widget.css", "data-netw-css": "" });
    var styled = false;
    var once = function () { if (!styled) { styled = true; ready(); } };
    css.addEventListener("load", once);
    css.addEventListener("error", once);
    setTimeout(once, 3000);
    document.head.appendChild(css);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mount);
  else mount();
})();
