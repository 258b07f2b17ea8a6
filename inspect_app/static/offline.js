// Offline-tolerant finding capture.
//
// A form marked `data-offline-queue` (the "log a finding" form) is sent with fetch. When the
// browser is offline, or the request cannot reach the server, the form's fields and files
// (as Blobs) are kept in IndexedDB with the form's idempotency key, and sent again when the
// connection returns (the `online` event) and on every page load. The server answers a
// repeated key with the finding it already created, so a retry never makes a duplicate.
// Without this script (or without IndexedDB) the form is an ordinary multipart POST.
(function () {
  "use strict";
  if (!window.indexedDB || !window.fetch || !window.FormData) { return; }

  var DB_NAME = "inspect-offline";
  var STORE = "findings";
  var flushing = false;

  function openDb() {
    return new Promise(function (resolve, reject) {
      var req = indexedDB.open(DB_NAME, 1);
      req.onupgradeneeded = function () {
        req.result.createObjectStore(STORE, { keyPath: "key" });
      };
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }

  function withStore(mode, work) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, mode);
        var result = work(tx.objectStore(STORE));
        tx.oncomplete = function () { db.close(); resolve(result && result.result); };
        tx.onerror = function () { db.close(); reject(tx.error); };
        tx.onabort = function () { db.close(); reject(tx.error); };
      });
    });
  }

  function allEntries() { return withStore("readonly", function (s) { return s.getAll(); }); }
  function putEntry(entry) { return withStore("readwrite", function (s) { s.put(entry); }); }
  function deleteEntry(key) { return withStore("readwrite", function (s) { s.delete(key); }); }

  function newKey() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    // Plain-http intranets are not a secure context: no randomUUID, but getRandomValues works.
    var bytes = crypto.getRandomValues(new Uint8Array(16));
    return Array.prototype.map.call(bytes, function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }

  function csrfToken() {
    var headers = document.body && document.body.getAttribute("hx-headers");
    try { return headers ? JSON.parse(headers)["X-CSRFToken"] : null; } catch (e) { return null; }
  }

  // --- the badge: how many findings wait on this device ------------------------------------

  function badge() { return document.getElementById("offline-queue"); }

  function render(entries, note) {
    var el = badge();
    if (!el) { return; }
    var waiting = entries.filter(function (e) { return !e.refused; }).length;
    var refused = entries.length - waiting;
    el.querySelector("[data-count=waiting]").textContent = String(waiting);
    el.querySelector("[data-part=waiting]").hidden = waiting === 0;
    el.querySelector("[data-count=refused]").textContent = String(refused);
    el.querySelector("[data-part=refused]").hidden = refused === 0;
    var noteEl = el.querySelector("[data-part=note]");
    noteEl.textContent = note || "";
    noteEl.hidden = !note;
    el.querySelector(".offline-queue-box").hidden = waiting === 0 && refused === 0 && !note;
  }

  function refresh(note) {
    return allEntries().then(function (entries) { render(entries, note); return entries; });
  }

  function message(name) {
    var el = badge();
    return (el && el.getAttribute("data-msg-" + name)) || "";
  }

  // --- keeping a form ----------------------------------------------------------------------

  function entryFrom(form, key) {
    var fields = [];
    var files = [];
    new FormData(form).forEach(function (value, name) {
      if (name === "csrf_token" || name === "idempotency_key") { return; }
      if (value instanceof File) {
        if (value.name || value.size) {
          files.push({ field: name, name: value.name, type: value.type, blob: value });
        }
      } else {
        fields.push([name, value]);
      }
    });
    return {
      key: key,
      action: form.action,
      fields: fields,
      files: files,
      savedAt: new Date().toISOString(),
      refused: null
    };
  }

  function keep(form, key) {
    return putEntry(entryFrom(form, key)).then(function () {
      // The next finding typed into this form is a new one: give it a new key.
      form.reset();
      // ...observed now, not when the page was loaded.
      Array.prototype.forEach.call(form.querySelectorAll("input[data-now]"), function (input) {
        var d = new Date(Date.now() - new Date().getTimezoneOffset() * 60000);
        input.value = d.toISOString().slice(0, 16);
      });
      var keyField = form.querySelector("input[name=idempotency_key]");
      if (keyField) { keyField.value = newKey(); }
      return refresh(message("kept"));
    });
  }

  function formData(entry) {
    var data = new FormData();
    entry.fields.forEach(function (pair) { data.append(pair[0], pair[1]); });
    entry.files.forEach(function (f) { data.append(f.field, f.blob, f.name); });
    data.append("idempotency_key", entry.key);
    var token = csrfToken();
    if (token) { data.append("csrf_token", token); }
    return data;
  }

  // Sent as an htmx request: the server then answers a saved finding with 204 + HX-Redirect
  // (leaving the "saved" message for the page we go to) and a lapsed session with 401.
  function post(action, data) {
    var headers = { "HX-Request": "true" };
    var token = csrfToken();
    if (token) { headers["X-CSRFToken"] = token; }
    return fetch(action, { method: "POST", body: data, credentials: "same-origin", headers: headers });
  }

  function savedAt(response) {
    var target = response.headers.get("HX-Redirect");
    return target && /\/findings\/\d+$/.test(new URL(target, location.href).pathname) ? target : null;
  }

  // --- sending what was kept ---------------------------------------------------------------

  // One entry: "sent", "refused:<status>" (the server will not take it as it is), or "stop"
  // (offline, signed out, server trouble: try again later).
  function send(entry) {
    return post(entry.action, formData(entry)).then(function (response) {
      if (savedAt(response)) { return "sent"; }
      if (response.status === 401 || response.status === 400 || response.status === 429 ||
          response.status >= 500) {
        return "stop";
      }
      return "refused:" + response.status;
    }, function () { return "stop"; });
  }

  function flush() {
    if (flushing || !navigator.onLine || !csrfToken()) { return Promise.resolve(); }
    flushing = true;
    var sent = 0;
    return allEntries().then(function (entries) {
      var pending = entries.filter(function (e) { return !e.refused; });
      if (!pending.length) { render(entries); return null; }
      render(entries, message("sending"));
      var chain = Promise.resolve("go");
      pending.forEach(function (entry) {
        chain = chain.then(function (state) {
          if (state === "stop") { return "stop"; }
          return send(entry).then(function (outcome) {
            if (outcome === "sent") { sent += 1; return deleteEntry(entry.key).then(function () { return "go"; }); }
            if (outcome === "stop") { return "stop"; }
            entry.refused = outcome.split(":")[1];
            return putEntry(entry).then(function () { return "go"; });
          });
        });
      });
      return chain;
    }).then(function () {
      return refresh(sent ? message("sent") : "");
    }).catch(function () {
      return refresh();
    }).then(function () { flushing = false; }, function () { flushing = false; });
  }

  function discardRefused() {
    return allEntries().then(function (entries) {
      var refused = entries.filter(function (e) { return e.refused; });
      return Promise.all(refused.map(function (e) { return deleteEntry(e.key); }));
    }).then(function () { return refresh(); });
  }

  // --- wiring --------------------------------------------------------------------------------

  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (e.defaultPrevented || !form.hasAttribute("data-offline-queue")) { return; }
    e.preventDefault();
    var keyField = form.querySelector("input[name=idempotency_key]");
    if (keyField && !keyField.value) { keyField.value = newKey(); }
    var key = keyField ? keyField.value : newKey();
    var button = form.querySelector("button:not([type=button])");
    if (button) { button.disabled = true; }
    function done() { if (button) { button.disabled = false; } }
    if (!navigator.onLine) { keep(form, key).then(done, done); return; }
    post(form.action, new FormData(form)).then(function (response) {
      var target = savedAt(response);
      if (target) { window.location.assign(target); return null; }
      if (response.status === 401 || response.status >= 500) {
        // Signed out meanwhile, or server trouble: keep the finding and send it later.
        return keep(form, key).then(function () {
          done();
          var login = response.headers.get("HX-Redirect");
          if (login) { window.location.assign(login); }
        });
      }
      // The server refused the form: send it the ordinary way so that its errors show in
      // place (with the same idempotency key, so it cannot be saved twice).
      done();
      form.submit();
      return null;
    }, function () {
      return keep(form, key).then(done, done);
    });
  });

  document.addEventListener("click", function (e) {
    var button = e.target.closest && e.target.closest("[data-offline-discard]");
    if (!button) { return; }
    if (window.confirm(button.getAttribute("data-confirm-text") || "")) { discardRefused(); }
  });

  window.addEventListener("online", flush);
  window.addEventListener("offline", function () { refresh(); });
  document.addEventListener("DOMContentLoaded", function () {
    refresh().then(flush, function () { return null; });
  });
})();
