// Writes "12 hours ago" from the ISO time, and keeps it true while the page stays open. The server
// writes the time itself ("12:08 15 Mar 2022 GMT"), which is the same whenever and wherever the
// page is made, so a cached page and its ETag stay valid; reading never depends on this script.
(function () {
  "use strict";
  var units = [
    ["year", 31536000], ["month", 2592000], ["week", 604800],
    ["day", 86400], ["hour", 3600], ["minute", 60]
  ];
  var format = window.Intl && Intl.RelativeTimeFormat
    ? new Intl.RelativeTimeFormat("en-GB", { numeric: "auto" }) : null;

  function words(iso) {
    var seconds = Math.round((Date.parse(iso) - Date.now()) / 1000);
    if (isNaN(seconds) || !format) { return null; }
    if (Math.abs(seconds) < 60) { return "just now"; }
    for (var i = 0; i < units.length; i++) {
      if (Math.abs(seconds) >= units[i][1]) {
        return format.format(Math.trunc(seconds / units[i][1]), units[i][0]);
      }
    }
    return null;
  }

  function refresh() {
    var times = document.querySelectorAll("time.relative-time[datetime]");
    for (var i = 0; i < times.length; i++) {
      var text = words(times[i].getAttribute("datetime"));
      if (text) { times[i].textContent = text; }
    }
  }

  document.addEventListener("DOMContentLoaded", refresh);
  setInterval(refresh, 60000);
})();
