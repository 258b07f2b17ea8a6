// Small progressive enhancements; every page works without this file.
(function () {
  "use strict";
  // Confirm destructive actions marked with data-confirm (no inline handlers: CSP).
  document.addEventListener("submit", function (e) {
    var msg = e.target.getAttribute("data-confirm");
    if (msg && !window.confirm(msg)) { e.preventDefault(); e.stopPropagation(); }
  }, true);
  // Move focus to the first invalid field after an htmx swap of a form with errors.
  // (The swap of a history restore names no target in its event in htmx 2.0.11: use the element.)
  document.addEventListener("htmx:afterSwap", function (e) {
    var target = e.detail.target || e.target;
    var bad = target && target.querySelector && target.querySelector("[aria-invalid=true]");
    if (bad) { bad.focus(); }
  });

  // A table wider than the screen scrolls inside its .table-wrap: keyboard users must be able
  // to focus that region to scroll it, and it needs a name (the nearest heading or caption).
  function regionName(wrap) {
    var caption = wrap.querySelector("caption");
    if (caption) { return caption.textContent.trim(); }
    var el = wrap;
    while (el && el !== document.body) {
      var prev = el.previousElementSibling;
      while (prev) {
        if (/^H[1-6]$/.test(prev.tagName)) { return prev.textContent.trim(); }
        var inner = prev.querySelector && prev.querySelector("h1, h2, h3");
        if (inner) { return inner.textContent.trim(); }
        prev = prev.previousElementSibling;
      }
      el = el.parentElement;
    }
    return document.title;
  }

  function markScrollers() {
    document.querySelectorAll(".table-wrap").forEach(function (wrap) {
      var scrolls = wrap.scrollWidth > wrap.clientWidth + 1;
      var marked = wrap.hasAttribute("data-scroll-region");
      if (scrolls && !marked && !wrap.hasAttribute("tabindex")) {
        var named = wrap.hasAttribute("aria-label") || wrap.hasAttribute("aria-labelledby");
        wrap.setAttribute("data-scroll-region", named ? "" : "named");
        wrap.setAttribute("tabindex", "0");
        wrap.setAttribute("role", "region");
        if (!named) { wrap.setAttribute("aria-label", regionName(wrap)); }
      } else if (!scrolls && marked) {
        if (wrap.getAttribute("data-scroll-region") === "named") { wrap.removeAttribute("aria-label"); }
        ["data-scroll-region", "tabindex", "role"].forEach(function (a) { wrap.removeAttribute(a); });
      }
    });
  }
  // Menus (<details class="menu">): Escape closes and gives focus back to the toggle; a click
  // elsewhere closes them.
  document.addEventListener("keydown", function (e) {
    if (e.key !== "Escape") { return; }
    document.querySelectorAll("details.menu[open]").forEach(function (menu) {
      menu.open = false;
      var summary = menu.querySelector("summary");
      if (summary && menu.contains(document.activeElement)) { summary.focus(); }
    });
  });
  document.addEventListener("click", function (e) {
    document.querySelectorAll("details.menu[open]").forEach(function (menu) {
      if (!menu.contains(e.target)) { menu.open = false; }
    });
  });

  // Back twice quickly: each step asks the server for its page (no history cache). A slow
  // answer for the first step must not land after the second and show the wrong list for the
  // address bar, so a new history request cancels the one still on its way.
  var pendingRestore = null;
  document.addEventListener("htmx:historyCacheMiss", function (e) {
    if (pendingRestore && pendingRestore.readyState !== 4) { pendingRestore.abort(); }
    pendingRestore = e.detail.xhr;
  });

  var resizeTimer = null;
  document.addEventListener("DOMContentLoaded", markScrollers);
  document.addEventListener("htmx:afterSettle", markScrollers);
  window.addEventListener("resize", function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(markScrollers, 150);
  });
})();
