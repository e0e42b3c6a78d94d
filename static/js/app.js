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

    // The server refuses a request over MAX_REQUEST_BYTES with a page of its own (and
    // what was typed is lost): say so at the files field before sending instead.
    intake.addEventListener("submit", function (e) {
      var total = 0;
      intake.querySelectorAll("input[type=file]").forEach(function (input) {
        Array.prototype.forEach.call(input.files || [], function (f) { total += f.size; });
      });
      if (total <= Number(intake.dataset.maxTotal || Infinity)) return;
      e.preventDefault();
      var field = document.getElementById("field-files");
      var list = document.getElementById("error-files-total");
      if (!list) {
        list = document.createElement("ul");
        list.className = "errorlist";
        list.id = "error-files-total";
        list.setAttribute("role", "alert");
        field.appendChild(list);
      }
      list.textContent = "";
      var item = document.createElement("li");
      item.textContent = intake.dataset.tooLarge;
      list.appendChild(item);
      field.classList.add("field-error");
      field.querySelector("input").focus();
    });
  }

  document.addEventListener("click", function (e) {
    var target = e.target;
    if (!(target instanceof Element)) return;
    // <button data-print>: print this page (the receipt).
    if (target.closest("[data-print]")) window.print();
    // <input data-select-on-click>: select the whole value to copy it (the calendar feed).
    if (target.matches("[data-select-on-click]")) target.select();
  });
  // A save that lands on a section of the page (…/case/#deadlines-panel) shows its
  // confirmation there, where the user is, not at the top of a long page out of view.
  var flash = document.querySelector(".messages");
  var landing = location.hash && document.getElementById(location.hash.slice(1));
  if (flash && landing && !landing.contains(flash)) {
    var heading = landing.querySelector("h2, h3");
    if (heading && heading.parentNode === landing) heading.after(flash);
    else landing.prepend(flash);
    flash.classList.add("in-section");
  }
})();
