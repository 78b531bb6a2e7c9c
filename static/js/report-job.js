// The PDF job page: poll the job's status every two seconds until it is done or failed, and
// show its progress, stage, error or download link without reloading the page.
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

  function poll() {
    fetch(panel.dataset.statusUrl, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (status) { if (!show(status)) { window.setTimeout(poll, 2000); } })
      .catch(function () { window.setTimeout(poll, 5000); });
  }

  window.setTimeout(poll, 1000);
})();
