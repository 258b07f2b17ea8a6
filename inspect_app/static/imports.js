// The tracker upload's progress: the upload itself (a measured bar), then the check of the
// rows on the server (an indeterminate bar: the server answers when every row is checked).
(function () {
  "use strict";
  document.addEventListener("htmx:xhr:progress", function (e) {
    var form = e.target.closest && e.target.closest("[data-import-upload]");
    if (!form || !e.detail.lengthComputable) { return; }
    var bar = form.querySelector("#import-progress-bar");
    var done = e.detail.loaded >= e.detail.total;
    if (done) {
      bar.removeAttribute("value");
      form.querySelector("[data-uploading]").hidden = true;
      form.querySelector("[data-checking]").hidden = false;
    } else {
      bar.value = Math.round((100 * e.detail.loaded) / e.detail.total);
    }
  });
})();
