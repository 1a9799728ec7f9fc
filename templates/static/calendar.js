/* Progressive enhancement for meeting lists; every page works without it.
   1. Hide meetings that have ended since the page was built, and say so.
   2. On the calendar page, filter the agenda by network, kept in the address (?network=). */
(function () {
  "use strict";
  var DAY = 864e5;

  function endOf(item) {
    var end = item.dataset.end || item.dataset.start;
    // A date alone, or a meeting without an end time, lasts until the end of its day.
    if (end.length === 10 || !item.dataset.end) return Date.parse(end.slice(0, 10)) + DAY;
    return Date.parse(end);
  }

  function refresh(scope) {
    scope.querySelectorAll(".agenda-day, .agenda-month").forEach(function (group) {
      group.hidden = !group.querySelector("li.meeting:not([hidden])");
    });
    var empty = scope.querySelector(".agenda-empty");
    if (empty) empty.hidden = !!scope.querySelector("li.meeting:not([hidden])");
  }

  var now = Date.now(), ended = 0;
  document.querySelectorAll("[data-upcoming] > li[data-start]").forEach(function (item) {
    if (endOf(item) <= now) { item.hidden = true; item.dataset.ended = ""; ended += 1; }
  });
  if (ended) {
    document.querySelectorAll(".ended-note").forEach(function (note) { note.hidden = false; });
  }

  var select = document.getElementById("network-filter");
  var agenda = document.querySelector(".agenda");
  if (agenda) refresh(agenda);
  if (!select || !agenda) return;
  var count = document.querySelector(".filter-count");
  function apply() {
    var chosen = select.value, shown = 0, total = 0;
    agenda.querySelectorAll("li.meeting:not([data-ended])").forEach(function (item) {
      item.hidden = !!chosen && item.dataset.network !== chosen;
      total += 1;
      if (!item.hidden) shown += 1;
    });
    refresh(agenda);
    count.textContent = chosen ? count.dataset.template.replace("%(shown)s", shown)
      .replace("%(total)s", total) : "";
    var url = new URL(window.location.href);
    if (chosen) url.searchParams.set("network", chosen); else url.searchParams.delete("network");
    window.history.replaceState(null, "", url);
  }
  select.value = new URLSearchParams(window.location.search).get("network") || "";
  select.parentElement.hidden = false;
  select.addEventListener("change", apply);
  apply();
})();
