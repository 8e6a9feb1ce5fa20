/*
 * NET information chat widget: everything it keeps in the browser, in one place (docs/privacy.md).
 * Loaded by widget.js from its own origin; copy it with widget.js and widget.css.
 *
 * - The tab's sessionStorage (memory only, where storage is blocked) holds the sender id, whether
 *   the chat was open, when it was last used, and the chat's own items: never what the patient
 *   typed (a button the patient pressed is kept: its words are the bot's).
 * - After cfg.idleMs without activity, all of it is forgotten on the next load or check.
 * - The short conversation reference a patient can quote to the trust is made here
 *   (bot/privacy/erasure.py makes the same one).
 */
(function () {
  "use strict";
  window.__netChatStore = function (cfg) {
    var KEY = { sender: "netChat.sender", log: "netChat.transcript", open: "netChat.open", active: "netChat.active" };
    var MAX_ITEMS = 200;
    var store = safeStorage();

    function safeStorage() {
      try {
        var s = window.sessionStorage;
        s.setItem("netChat.test", "1");
        s.removeItem("netChat.test");
        return s;
      } catch (e) {
        var mem = {};
        return {
          getItem: function (k) { return Object.prototype.hasOwnProperty.call(mem, k) ? mem[k] : null; },
          setItem: function (k, v) { mem[k] = String(v); },
          removeItem: function (k) { delete mem[k]; }
        };
      }
    }
    function newId() {
      if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
      var b = crypto.getRandomValues(new Uint8Array(16));
      b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
      var hex = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
      return hex.replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, "$1-$2-$3-$4-$5");
    }
    function idle() {
      var last = parseInt(store.getItem(KEY.active) || "0", 10);
      return !last || Date.now() - last > cfg.idleMs;
    }
    function forgetLocal() {
      store.removeItem(KEY.log);
      store.removeItem(KEY.sender);
      store.removeItem(KEY.active);
    }
    function touch() { store.setItem(KEY.active, String(Date.now())); }
    function load() {
      var state = null;
      if (idle()) forgetLocal();   // nothing older than the idle limit survives a reload
      try { state = JSON.parse(store.getItem(KEY.log) || "null"); } catch (e) { state = null; }
      if (!state || !Array.isArray(state.items)) state = { greeted: false, items: [] };
      var sender = store.getItem(KEY.sender);
      if (!sender) { sender = newId(); store.setItem(KEY.sender, sender); touch(); }
      return { sender: sender, greeted: !!state.greeted, items: state.items.filter(validItem) };
    }
    // What the patient typed is never written to storage: only the chat's own items are kept.
    function save(state) {
      state.items = state.items.slice(-MAX_ITEMS);
      var kept = state.items.filter(function (it) { return it.who !== "user" || it.fromButton; });
      touch();
      try { store.setItem(KEY.log, JSON.stringify({ greeted: state.greeted, items: kept })); } catch (e) { /* full */ }
    }
    // The short reference a patient can quote to the trust (bot/privacy/erasure.py makes the same one).
    function reference(sender) {
      var core = String(sender).replace(/[^A-Za-z0-9]/g, "").slice(0, 8).toUpperCase();
      return core.length > 4 ? core.slice(0, 4) + "-" + core.slice(4) : core;
    }
    function validItem(it) { return it && typeof it.text === "string" && /^(user|bot|note|error)$/.test(it.who); }

    return {
      load: load, save: save, forget: forgetLocal, idle: idle, reference: reference,
      wasOpen: function () { return !!store.getItem(KEY.open); },
      setOpen: function (on) { if (on) store.setItem(KEY.open, "1"); else store.removeItem(KEY.open); }
    };
  };
})();
