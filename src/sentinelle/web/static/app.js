// Progressive enhancement only: the page works without this file (plain HTML form POST).
// Loaded from our own origin under a Content-Security-Policy without 'unsafe-inline'.
(function () {
  "use strict";
  var form = document.querySelector("form.check");
  if (!form) { return; }
  var file = form.querySelector("#file");
  var status = form.querySelector("#file-status");
  var button = form.querySelector("button[type=submit]");
  var maxBytes = parseInt(form.getAttribute("data-max-bytes") || "0", 10);

  if (file && status) {
    file.addEventListener("change", function () {
      status.textContent = "";
      if (!file.files || !file.files.length) { return; }
      var f = file.files[0];
      if (maxBytes && f.size > maxBytes) {
        status.textContent = form.getAttribute("data-too-large") || "";
        file.value = "";
        return;
      }
      status.textContent = f.name + " (" + Math.max(1, Math.round(f.size / 1024)) + " " + (form.getAttribute("data-kb") || "KB") + ")";
    });
  }
  form.addEventListener("submit", function () {
    if (!button) { return; }
    button.setAttribute("aria-busy", "true");
    button.textContent = form.getAttribute("data-working") || button.textContent;
    // Not disabled: a disabled button would block a second try if the user comes back with "back".
  });
}());
