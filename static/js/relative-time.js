// Keeps "12 hours ago" true when a page was served from a cache: the server writes the words and
// the ISO time; this refreshes the words from the ISO time. Reading never depends on it.
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
