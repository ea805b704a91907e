/* Directory: maps (list, sheet, coordinate picker), copy-link and print buttons.
   Everything here is an extra: the pages work without JavaScript. */
(function () {
  "use strict";

  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });

  document.querySelectorAll("[data-copy]").forEach(function (button) {
    var input = document.getElementById(button.getAttribute("data-copy"));
    if (!input || !navigator.clipboard) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(input.value).then(function () {
        button.textContent = button.getAttribute("data-copied") || "Lien copié";
      });
    });
  });

  var box = document.getElementById("dir-map");
  if (!box || typeof L === "undefined") { return; }
  box.hidden = false;
  L.Icon.Default.imagePath = box.getAttribute("data-icons");
  var brest = [48.3904, -4.4861];
  var map = L.map(box, { scrollWheelZoom: false }).setView(brest, 13);
  L.tileLayer(box.getAttribute("data-tiles"), {
    maxZoom: 19,
    attribution: "© contributeurs OpenStreetMap"
  }).addTo(map);

  function link(name, url, status) {
    var wrap = document.createElement("div");
    var a = document.createElement("a");
    a.href = url;
    a.textContent = name;
    wrap.appendChild(a);
    if (status) {
      var p = document.createElement("p");
      p.textContent = status;
      wrap.appendChild(p);
    }
    return wrap;
  }

  if (box.getAttribute("data-pick")) {
    var lat = document.getElementById("f-latitude");
    var lon = document.getElementById("f-longitude");
    var marker = null;
    var place = function (latlng) {
      if (marker) { marker.setLatLng(latlng); } else { marker = L.marker(latlng, { keyboard: false }).addTo(map); }
    };
    var typed = function () {
      var a = parseFloat((lat.value || "").replace(",", "."));
      var b = parseFloat((lon.value || "").replace(",", "."));
      if (!isNaN(a) && !isNaN(b)) { place([a, b]); map.setView([a, b], 16); }
    };
    typed();
    lat.addEventListener("change", typed);
    lon.addEventListener("change", typed);
    map.on("click", function (e) {
      lat.value = e.latlng.lat.toFixed(6);
      lon.value = e.latlng.lng.toFixed(6);
      place(e.latlng);
    });
    return;
  }

  if (box.hasAttribute("data-lat")) {
    var here = [parseFloat(box.getAttribute("data-lat")), parseFloat(box.getAttribute("data-lon"))];
    L.marker(here, { title: box.getAttribute("data-name"), keyboard: false }).addTo(map);
    map.setView(here, 16);
    return;
  }

  var points = [];
  document.querySelectorAll(".dir-card[data-lat]").forEach(function (card) {
    var p = [parseFloat(card.getAttribute("data-lat")), parseFloat(card.getAttribute("data-lon"))];
    if (isNaN(p[0]) || isNaN(p[1])) { return; }
    points.push(p);
    // Not in the tab order: the list right below holds the same links for keyboards and
    // screen readers, and close markers in the city centre would make tiny overlapping targets.
    L.marker(p, { title: card.getAttribute("data-name"), keyboard: false }).addTo(map)
      .bindPopup(link(card.getAttribute("data-name"), card.getAttribute("data-url"), card.getAttribute("data-status")));
  });
  if (points.length > 1) {
    map.fitBounds(points, { padding: [24, 24], maxZoom: 16 });
  } else if (points.length === 1) {
    map.setView(points[0], 16);
  } else {
    box.hidden = true;
  }
}());
