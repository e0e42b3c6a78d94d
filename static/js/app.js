// The staff pages' few behaviours, from one static file: the Content-Security-Policy
// allows no inline script (config/settings.py). Each works without it too.
(function () {
  "use strict";

  // Intake: show only the evidence items that the checked claim types ask for
  // (all when none is checked); a checked item always stays visible.
  var intake = document.getElementById("intake-form");
  if (intake) {
    var refresh = function () {
      var claims = Array.prototype.map.call(
        intake.querySelectorAll("input[name=claims]:checked"),
        function (i) { return i.value; }
      );
      intake.querySelectorAll(".evidence-list label").forEach(function (label) {
        var wanted = (label.dataset.claims || "").split(" ");
        var show = claims.length === 0 || claims.some(function (c) { return wanted.indexOf(c) >= 0; });
        label.hidden = !show && !label.querySelector("input").checked;
      });
    };
    intake.addEventListener("change", function (e) { if (e.target.name === "claims") refresh(); });
    refresh();
  }

  document.addEventListener("click", function (e) {
    var target = e.target;
    if (!(target instanceof Element)) return;
    // <button data-print>: print this page (the receipt).
    if (target.closest("[data-print]")) window.print();
    // <input data-select-on-click>: select the whole value to copy it (the calendar feed).
    if (target.matches("[data-select-on-click]")) target.select();
  });
})();
