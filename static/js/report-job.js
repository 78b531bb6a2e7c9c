// The job page (PDF or OSCAL): poll the job's status every two seconds until it is done or
// failed, and show its progress, stage, error or download link without reloading the page. It
// stops, and says why, when the session has ended or the server refuses the status.
(function () {
  "use strict";
  var panel = document.querySelector(".report-job");
  if (!panel || panel.dataset.finished === "true") { return; }
  var bar = panel.querySelector("progress");

  function field(name) { return panel.querySelector('[data-field="' + name + '"]'); }

  function show(status) {
    bar.value = status.progress;
    bar.textContent = status.progress + "%";
    field("state_label").textContent = status.state_label;
    field("stage").textContent = status.stage;
    // "Done", not "Done: Done": the stage is shown only when it says more than the state.
    panel.querySelector('[data-when="stage"]').hidden = !status.stage || status.stage === status.state_label;
    if (status.attempts > 1) {
      field("attempts").textContent = status.attempts;
      panel.querySelector('[data-when="retried"]').hidden = false;
    }
    if (status.error) {
      field("error").textContent = status.error;
      field("error").hidden = false;
    }
    if (status.state === "done") {
      field("file_url").href = status.file_url;
      field("sha256").textContent = status.sha256;
      panel.querySelector('[data-when="done"]').hidden = false;
    }
    return status.state === "done" || status.state === "failed";
  }

  function stop(message) {
    field("error").textContent = message;
    field("error").hidden = false;
  }

  function poll() {
    fetch(panel.dataset.statusUrl, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (response.redirected && /\/login\//.test(response.url)) {
          stop("Your session has ended, so this page stopped following the job. Reload the page to sign in again.");
          return;
        }
        if (response.status === 403 || response.status === 404) {
          stop("This page can no longer follow the job (the server answered " + response.status + ").");
          return;
        }
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json().then(function (status) {
          if (!show(status)) { window.setTimeout(poll, 2000); }
        });
      })
      .catch(function () { window.setTimeout(poll, 5000); });  // the network or the server, for now: try again
  }

  window.setTimeout(poll, 1000);
})();
