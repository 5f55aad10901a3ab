// The alerts page's map of watch areas: the region's country shapes from
// /map/shapes.json (no tile layer: nothing leaves the server), the stored
// areas from /map/areas.json, and, for those who may add areas, a polygon
// drawn by clicking the map. Drawing only fills the GeoJSON field of the
// watch-area form, so the form is sent exactly as a pasted polygon is, and
// the field stays the way in for keyboard users and pages without script.
// Area names are typed by users: they reach the page as textContent only.
"use strict";

(function () {
  var el = document.getElementById("area-map");
  if (!el || !window.L) { return; }

  var map = L.map(el, { minZoom: 3, maxZoom: 12, zoomSnap: 0.25, keyboard: true, doubleClickZoom: false });
  map.attributionControl.setPrefix(false);
  // The Tajik-Afghan border and its hinterland, where areas are drawn most.
  map.fitBounds([[35.8, 65.5], [40.2, 75.0]]);
  el.bwMap = map; // for the browser tests, which click at map coordinates

  map.createPane("bwAreas").classList.add("bw-areas-pane");
  map.createPane("bwDrawing").classList.add("bw-drawing-pane");

  function problem(msg) {
    var p = document.createElement("p");
    p.className = "notice";
    p.setAttribute("role", "alert");
    p.textContent = msg;
    el.parentNode.insertBefore(p, el);
  }

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (r) {
      if (!r.ok) { throw new Error(url + ": HTTP " + r.status); }
      return r.json();
    });
  }

  getJSON(el.getAttribute("data-shapes")).then(function (fc) {
    L.geoJSON(fc, {
      interactive: false,
      attribution: "Borders: Natural Earth (public domain)",
      style: function (f) {
        return f.properties.kind === "border"
          ? { color: "#6b6b6b", weight: 1.2, opacity: 0.9 }
          : { color: "#8c8c8c", weight: 0.8, fillColor: f.properties.code === "AFG" || f.properties.code === "TJK" ? "#fbf7ea" : "#ecebe6", fillOpacity: 1 };
      },
    }).addTo(map);
    // Country names where they help to find one's way; the box centres of
    // Tajikistan and Afghanistan fall off their heartlands.
    var at = { TJK: [38.75, 70.2], AFG: [36.4, 66.3] };
    fc.features.forEach(function (f) {
      var code = f.properties.code;
      if (f.properties.kind !== "country" || ["AFG", "TJK", "UZB", "TKM", "KGZ", "PAK"].indexOf(code) < 0) { return; }
      var c = at[code] ? L.latLng(at[code]) : L.geoJSON(f).getBounds().getCenter();
      L.tooltip({ permanent: true, direction: "center", className: "bw-area-country", interactive: false })
        .setLatLng(c).setContent(label(f.properties.name)).addTo(map);
    });
    el.dataset.shapes = String(fc.features.length);
  }).catch(function (err) { problem("The country shapes did not load: " + (err.message || err)); });

  function label(text) {
    var span = document.createElement("span");
    span.textContent = text;
    return span;
  }

  // Stored areas are not interactive, so a click inside one still adds a
  // corner to the polygon being drawn.
  getJSON(el.getAttribute("data-areas")).then(function (fc) {
    var drawn = 0;
    fc.features.forEach(function (f) {
      if (!f.geometry) { return; }
      var layer = L.geoJSON(f, {
        pane: "bwAreas",
        interactive: false,
        style: function () {
          return f.geometry.type === "MultiLineString"
            ? { color: "#7a1f7a", weight: 9, opacity: 0.45, lineCap: "round", className: "bw-area bw-area-band" }
            : { color: "#7a1f7a", weight: 2, fillColor: "#7a1f7a", fillOpacity: 0.12, className: "bw-area" };
        },
        pointToLayer: function (_, latlng) {
          return L.circle(latlng, { radius: (f.properties.km || 0) * 1000, pane: "bwAreas", interactive: false,
            color: "#7a1f7a", weight: 2, dashArray: "6 4", fillColor: "#7a1f7a", fillOpacity: 0.1, className: "bw-area bw-area-radius" });
        },
      }).addTo(map);
      layer.eachLayer(function (l) {
        l.bindTooltip(label(f.properties.label || f.properties.name), {
          permanent: true, direction: "center", className: "bw-area-label", interactive: false,
        }).openTooltip();
      });
      drawn++;
    });
    el.dataset.areasDrawn = String(drawn);
  }).catch(function (err) {
    el.dataset.areasDrawn = "0";
    problem("The watch areas did not load: " + (err.message || err));
  });

  // Drawing, for those the page gives the watch-area form.
  var tools = document.getElementById("draw-tools");
  var field = document.getElementById("a-geojson");
  var form = document.getElementById("area-form");
  if (!tools || !field || !form) { el.dataset.points = "0"; return; }
  var status = document.getElementById("draw-status");
  var undoBtn = document.getElementById("draw-undo");
  var clearBtn = document.getElementById("draw-clear");
  var finishBtn = document.getElementById("draw-finish");
  var kind = document.getElementById("a-kind");

  var points = []; // L.LatLng, in click order
  var closed = false; // finished: the field holds this polygon
  var layers = L.layerGroup().addTo(map);
  var outline = null, rubber = null;

  function say(text) { status.textContent = text; }

  // ring is the polygon as a GeoJSON linear ring: [lon, lat] to 1e-5°
  // (about a metre), counterclockwise as RFC 7946 asks, closed.
  function ring() {
    var r = points.map(function (p) {
      return [Math.round(p.lng * 1e5) / 1e5, Math.round(p.lat * 1e5) / 1e5];
    });
    var area2 = 0;
    for (var i = 0; i < r.length; i++) {
      var j = (i + 1) % r.length;
      area2 += r[i][0] * r[j][1] - r[j][0] * r[i][1];
    }
    if (area2 < 0) { r.reverse(); }
    r.push(r[0].slice());
    return r;
  }

  function redraw() {
    layers.clearLayers();
    outline = rubber = null;
    if (closed) {
      layers.addLayer(L.polygon(points, { pane: "bwDrawing", interactive: false, color: "#0072B2", weight: 3,
        dashArray: "8 5", fillColor: "#0072B2", fillOpacity: 0.2, className: "bw-drawing bw-drawn" }));
    } else if (points.length > 0) {
      outline = L.polyline(points, { pane: "bwDrawing", interactive: false, color: "#0072B2", weight: 3,
        dashArray: "8 5", className: "bw-drawing" }).addTo(layers);
      rubber = L.polyline([points[points.length - 1]], { pane: "bwDrawing", interactive: false, color: "#0072B2",
        weight: 2, dashArray: "2 5", className: "bw-drawing-rubber" }).addTo(layers);
    }
    points.forEach(function (p, i) {
      // The first corner closes the polygon when clicked, as Finish does.
      var first = i === 0 && !closed && points.length >= 3;
      var v = L.circleMarker(p, { pane: "bwDrawing", radius: first ? 7 : 5, color: "#0072B2", weight: 2,
        fillColor: first ? "#0072B2" : "#fff", fillOpacity: 1, interactive: first, className: "bw-drawing-vertex" }).addTo(layers);
      if (first) {
        v.bindTooltip("Click to finish", { direction: "top" });
        v.on("click", function (e) { L.DomEvent.stop(e); finish(); });
      }
    });
    el.dataset.points = String(points.length);
    el.dataset.closed = String(closed);
    undoBtn.disabled = points.length === 0;
    clearBtn.disabled = points.length === 0;
    finishBtn.disabled = closed || points.length < 3;
  }

  function finish() {
    if (points.length < 3) {
      say("A polygon needs at least 3 corners; it has " + points.length + ".");
      return;
    }
    closed = true;
    field.value = JSON.stringify({ type: "Polygon", coordinates: [ring()] });
    if (kind) { kind.value = "polygon"; }
    redraw();
    say("Polygon of " + points.length + " corners in the GeoJSON field: name it and add the watch area. Undo reopens it, Clear starts again.");
  }

  map.on("click", function (e) {
    if (closed) {
      say("The polygon is finished: Undo reopens it, Clear starts a new one.");
      return;
    }
    points.push(e.latlng);
    redraw();
    say(points.length < 3
      ? "Corner " + points.length + " added: click at least " + (3 - points.length) + " more."
      : "Corner " + points.length + " added: click more, or Finish (or click the first corner).");
  });
  map.on("mousemove", function (e) {
    if (rubber && !closed && points.length > 0) { rubber.setLatLngs([points[points.length - 1], e.latlng]); }
  });

  undoBtn.addEventListener("click", function () {
    if (closed) {
      // The field held the finished polygon; it no longer matches.
      closed = false;
      field.value = "";
      redraw();
      say("Reopened: add corners or Finish again.");
      return;
    }
    points.pop();
    redraw();
    say(points.length ? "Last corner removed: " + points.length + " left." : "No corners: click the map to start.");
  });
  clearBtn.addEventListener("click", function () {
    if (closed) { field.value = ""; }
    points = [];
    closed = false;
    redraw();
    say("Cleared: click the map to start a new polygon.");
  });
  finishBtn.addEventListener("click", finish);

  // A polygon already in the field (pasted, or kept by a refused form) is
  // shown as finished; one that is not a simple Polygon is left alone.
  function fromField() {
    var g;
    try { g = JSON.parse(field.value); } catch (e) { return false; }
    if (g && g.type === "Feature") { g = g.geometry; }
    if (!g || g.type !== "Polygon" || !Array.isArray(g.coordinates) || !Array.isArray(g.coordinates[0])) { return false; }
    var r = g.coordinates[0].filter(function (c) { return Array.isArray(c) && isFinite(c[0]) && isFinite(c[1]); });
    if (r.length >= 2 && r[0][0] === r[r.length - 1][0] && r[0][1] === r[r.length - 1][1]) { r = r.slice(0, -1); }
    if (r.length < 3) { return false; }
    points = r.map(function (c) { return L.latLng(c[1], c[0]); });
    closed = true;
    redraw();
    return true;
  }
  field.addEventListener("change", function () {
    if (fromField()) {
      say("The polygon in the GeoJSON field is shown on the map.");
    } else if (field.value.trim() === "" && closed) {
      points = [];
      closed = false;
      redraw();
    }
  });

  // An unfinished drawing of 3 or more corners is finished on sending,
  // unless something else was put in the field.
  form.addEventListener("submit", function () {
    if (!closed && points.length >= 3 && field.value.trim() === "") { finish(); }
  });

  el.classList.add("bw-can-draw");
  tools.hidden = false;
  if (!fromField()) { redraw(); }
})();
