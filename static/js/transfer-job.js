// An import's page while its file is checked or imported in the background: follow its progress
// every two seconds, and reload the page (which then shows the preview or the outcome) once it is
// done. It stops, and says why, when the session has ended or the server refuses the status.
(function () {
  "use strict";
  var panel = document.querySelector(".transfer-job");
  if (!panel) { return; }
  var bar = panel.querySelector("progress");

  function field(name) { return panel.querySelector('[data-field="' + name + '"]'); }

  function stop(message) {
    field("error").textContent = message;
    field("error").hidden = false;
  }

  function poll() {
    fetch(panel.dataset.statusUrl, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (response.redirected && /\/login\//.test(response.url)) {
          stop("Your session has ended, so this page stopped following the import. Reload the page to sign in again.");
          return;
        }
        if (response.status === 403 || response.status === 404) {
          stop("This page can no longer follow the import (the server answered " + response.status + ").");
          return;
        }
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json().then(function (status) {
          bar.value = status.progress;
          bar.textContent = status.progress + "%";
          field("stage").textContent = status.stage;
          if (!status.running || status.stalled) { window.location.reload(); return; }
          window.setTimeout(poll, 2000);
        });
      })
      .catch(function () { window.setTimeout(poll, 5000); });  // the network or the server, for now: try again
  }

  window.setTimeout(poll, 1000);
})();
