// An import's page (importers.admin_imports): while the import runs, ask for its progress every
// two seconds and move the bar; once it has ended, reload the page for the whole report.
(function () {
  "use strict";
  var page = document.getElementById("import-job");
  if (!page) return;
  var bar = document.getElementById("import-progress");
  var counts = document.getElementById("import-counts");
  var status = document.getElementById("import-status");
  var grouping = new Intl.NumberFormat();

  function show(progress) {
    if (progress.total !== null) {
      bar.max = Math.max(progress.total, 1);
      bar.value = progress.processed;
      bar.textContent = progress.processed;
      counts.textContent = grouping.format(progress.processed) + " of " +
        grouping.format(progress.total) + " items";
    }
    status.textContent = progress.status_display;
  }

  function poll() {
    fetch(page.dataset.progressUrl, {credentials: "same-origin", headers: {Accept: "application/json"}})
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (progress) {
        show(progress);
        if (progress.finished) {
          window.location.reload();
        } else {
          window.setTimeout(poll, 2000);
        }
      })
      .catch(function () { window.setTimeout(poll, 10000); });
  }

  window.setTimeout(poll, 2000);
})();
