/* The browser's position for the station finder and a station's position page.
   Without this script (or without permission) the pages work by region and typed
   coordinates; the buttons it serves stay hidden. The browser answers in WGS-84:
   the form says so (src=gps) and the server converts to GCJ-02. */
(function () {
  "use strict";
  function setField(form, name, value) {
    var input = form.querySelector('input[name="' + name + '"]');
    if (!input) {
      input = document.createElement("input");
      input.type = "hidden";
      input.name = name;
      form.appendChild(input);
    }
    input.value = value;
  }
  document.querySelectorAll("[data-geolocate]").forEach(function (button) {
    if (!("geolocation" in navigator)) return;
    var form = button.form;
    var status = form.querySelector("[data-geolocate-status]");
    button.hidden = false;
    button.addEventListener("click", function () {
      if (status) status.textContent = button.getAttribute("data-waiting") || "…";
      navigator.geolocation.getCurrentPosition(
        function (position) {
          setField(form, "lat", position.coords.latitude.toFixed(6));
          setField(form, "lng", position.coords.longitude.toFixed(6));
          setField(form, "src", "gps");
          if (button.getAttribute("data-geolocate") === "finder") {
            var region = form.querySelector('input[name="region"]');
            if (region) region.remove();
            form.submit();
          } else if (status) {
            status.textContent = button.getAttribute("data-done") || "";
          }
        },
        function () {
          if (status) status.textContent = button.getAttribute("data-failed") || "";
        },
        { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 }
      );
    });
  });
})();
