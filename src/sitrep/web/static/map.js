// Draws the events of a map with the bundled Leaflet. The data comes from the
// <script type="application/json" id="map-data"> block; no inline script, no innerHTML.
// Without a tile server the map lies over the bundled offline base map (Natural Earth country
// shapes from world-atlas, decoded by topojson-client); if that is missing or fails to load,
// a graticule gives the plain background a scale. Markers never wait for either.
(function () {
  "use strict";

  var dataNode = document.getElementById("map-data");
  var mapNode = document.getElementById("map");
  if (!dataNode || !mapNode || typeof L === "undefined") {
    return;
  }
  var data = JSON.parse(dataNode.textContent);
  var markers = data.markers || [];
  var involved = {};
  (data.countries || []).forEach(function (code) {
    involved[code] = true;
  });

  function element(tag, text, className) {
    var node = document.createElement(tag);
    if (text) node.textContent = text;
    if (className) node.className = className;
    return node;
  }

  function popupFor(m) {
    var box = element("div", null, "map-popup");
    var title = element("p");
    var link = element("a", m.type + (m.places.length ? " — " + m.places.join(", ") : ""));
    link.href = m.href;
    title.appendChild(link);
    box.appendChild(title);
    box.appendChild(element("p", m.date || "undated"));
    if (m.killed !== null && m.killed !== undefined) {
      box.appendChild(element("p", "Killed (best): " + m.killed));
    }
    if (m.contradiction) {
      box.appendChild(element("p", "⚠ Contradiction between sides", "badge contradiction"));
    }
    if (m.headline) box.appendChild(element("p", m.headline, "muted"));
    return box;
  }

  // Meridians and parallels every 10° give a plain background a scale.
  function drawGraticule(map) {
    var style = { className: "graticule", interactive: false, weight: 1 };
    for (var lat = -80; lat <= 80; lat += 10) {
      L.polyline([[lat, -180], [lat, 180]], style).addTo(map);
    }
    for (var lon = -180; lon <= 180; lon += 10) {
      L.polyline([[-85, lon], [85, lon]], style).addTo(map);
    }
  }

  // Country shapes in their own pane (below the markers' pane), drawn by their own renderer.
  function drawBasemap(map, basemap) {
    if (typeof topojson === "undefined" || typeof fetch === "undefined") {
      drawGraticule(map);
      mapNode.setAttribute("data-basemap", "missing");
      return;
    }
    map.createPane("basemap");
    var renderer = L.svg({ pane: "basemap", padding: 0.5 });
    fetch(basemap.shapes, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error("base map: HTTP " + response.status);
        return response.json();
      })
      .then(function (world) {
        var countries = topojson.feature(world, world.objects.countries);
        L.geoJSON(countries, {
          pane: "basemap",
          renderer: renderer,
          interactive: false,
          style: function (feature) {
            var name = "country" + (involved[feature.id] ? " involved" : "");
            return { className: name, weight: 0.8 };
          },
        }).addTo(map);
        mapNode.setAttribute("data-basemap", String(countries.features.length));
      })
      .catch(function () {
        drawGraticule(map);
        mapNode.setAttribute("data-basemap", "failed");
      });
  }

  var map = L.map(mapNode, { worldCopyJump: false, attributionControl: Boolean(data.tile_url) });
  if (data.tile_url) {
    // Markers are drawn whether or not any tile arrives.
    L.tileLayer(data.tile_url, { maxZoom: 18 }).addTo(map);
  } else if (data.basemap) {
    drawBasemap(map, data.basemap);
  } else {
    drawGraticule(map);
  }

  var points = [];
  markers.forEach(function (m) {
    var radius = 6 + Math.min(18, Math.sqrt(Math.max(0, m.killed || 0)) * 1.5);
    var classes = "marker " + m.css_class + (m.contradiction ? " contradicted" : "");
    L.circleMarker([m.lat, m.lon], { radius: radius, className: classes })
      .bindPopup(popupFor(m))
      .addTo(map);
    points.push([m.lat, m.lon]);
  });

  if (points.length) {
    map.fitBounds(points, { padding: [48, 48], maxZoom: 7 });
  } else {
    map.setView([20, 0], 2);
  }
  mapNode.setAttribute("data-markers", String(points.length));
})();
