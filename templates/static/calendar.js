/* Progressive enhancement for meeting lists; every page works without it: hide meetings that
   have ended since the page was built, and say so. (Each network and region has its own
   calendar page, so the agenda needs no filter of its own.) */
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
    // "No meetings" only when none are left here and none are in later months either.
    var empty = scope.querySelector(".agenda-empty");
    if (empty) empty.hidden = !!scope.querySelector("li.meeting:not([hidden]), .later-months");
  }

  var now = Date.now(), ended = 0;
  document.querySelectorAll("[data-upcoming] > li[data-start]").forEach(function (item) {
    if (endOf(item) <= now) { item.hidden = true; item.dataset.ended = ""; ended += 1; }
  });
  if (ended) {
    document.querySelectorAll(".ended-note").forEach(function (note) { note.hidden = false; });
  }

  var agenda = document.querySelector(".agenda");
  if (agenda) refresh(agenda);
})();
