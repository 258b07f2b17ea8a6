// The tracker pages' progress: while the server reads, checks or imports every row (one
// request, a few seconds for 10,000 rows), the form shows an indeterminate bar and its
// buttons wait; the page that answers replaces it. Without scripts the forms work the same.
(function () {
  "use strict";
  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (!form.hasAttribute || !form.hasAttribute("data-import-progress")) { return; }
    var progress = form.querySelector("[data-progress]");
    if (progress) { progress.hidden = false; }
    window.setTimeout(function () {  // after the submission has taken the button's value
      form.querySelectorAll("button").forEach(function (b) { b.disabled = true; });
    }, 0);
  });
})();
