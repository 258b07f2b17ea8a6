// Small progressive enhancements; every page works without this file.
(function () {
  "use strict";
  // Confirm destructive actions marked with data-confirm (no inline handlers: CSP).
  document.addEventListener("submit", function (e) {
    var msg = e.target.getAttribute("data-confirm");
    if (msg && !window.confirm(msg)) { e.preventDefault(); e.stopPropagation(); }
  }, true);
  // Move focus to the first invalid field after an htmx swap of a form with errors.
  document.addEventListener("htmx:afterSwap", function (e) {
    var bad = e.detail.target.querySelector("[aria-invalid=true]");
    if (bad) { bad.focus(); }
  });
})();
