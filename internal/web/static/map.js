// The main screen's map: Leaflet with no tile layer at all (the page makes
// no request outside its own server), the region's country shapes and
// border lines from /map/shapes.json, and incidents as clustered markers.
// Markers are sized by independent sources and coloured by PLOVER quad class
// with a shape and a digit as well, so colour is never the only cue.
"use strict";

window.BWMap = (function () {
  // Okabe-Ito colours: cooperation in blues, conflict in oranges, told apart
  // by lightness and by shape for every kind of colour vision.
  var QUADS = {
    1: { name: "verbal cooperation", colour: "#56B4E9", ink: "#000", shape: "circle" },
    2: { name: "material cooperation", colour: "#0072B2", ink: "#fff", shape: "square" },
    3: { name: "verbal conflict", colour: "#E69F00", ink: "#000", shape: "diamond" },
    4: { name: "material conflict", colour: "#D55E00", ink: "#fff", shape: "triangle" },
  };
  var PRECISE = { site: true, city: true, town: true, village: true, point: true, district: true };

  function quad(q) { return QUADS[q] || { name: "unknown", colour: "#777", ink: "#fff", shape: "circle" }; }

  // shapeSVG draws one quad's shape in a box of d pixels; every colour is an
  // attribute, since the page's CSP forbids inline style.
  function shapeSVG(q, d, imprecise) {
    var c = quad(q), s = d, h = s / 2, w = 1.5;
    var dash = imprecise ? ' stroke-dasharray="3 2"' : "";
    var common = ' fill="' + c.colour + '" stroke="#1a1a1a" stroke-width="' + w + '"' + dash +
      (imprecise ? ' fill-opacity="0.55"' : "");
    var body;
    switch (c.shape) {
      case "square": body = '<rect x="' + w + '" y="' + w + '" width="' + (s - 2 * w) + '" height="' + (s - 2 * w) + '"' + common + "/>"; break;
      case "diamond": body = '<polygon points="' + h + "," + w + " " + (s - w) + "," + h + " " + h + "," + (s - w) + " " + w + "," + h + '"' + common + "/>"; break;
      case "triangle": body = '<polygon points="' + h + "," + w + " " + (s - w) + "," + (s - w) + " " + w + "," + (s - w) + '"' + common + "/>"; break;
      default: body = '<circle cx="' + h + '" cy="' + h + '" r="' + (h - w) + '"' + common + "/>";
    }
    var ty = c.shape === "triangle" ? s * 0.8 : h + 4;
    var ink = imprecise ? "#000" : c.ink;
    return '<svg xmlns="http://www.w3.org/2000/svg" width="' + s + '" height="' + s + '" viewBox="0 0 ' + s + " " + s +
      '" aria-hidden="true">' + body + '<text x="' + h + '" y="' + ty + '" text-anchor="middle" font-size="11" font-weight="700" fill="' +
      ink + '">' + (QUADS[q] ? q : "?") + "</text></svg>";
  }

  // size grows with the log of independent sources: one source 18 px, 16 or
  // more 42 px.
  function size(src) {
    var n = Math.max(1, src || 1);
    return Math.round(18 + 6 * Math.min(4, Math.log2(n)));
  }

  function describe(inc) {
    var when = inc.start + (inc.end ? "–" + inc.end : "");
    var where = inc.place ? inc.place : "no place";
    return inc.type + ", " + when + ", " + where + ", " + inc.src + " independent source" + (inc.src === 1 ? "" : "s");
  }

  // popup builds the marker's popup with DOM nodes: report text is hostile,
  // so it is only ever set as textContent.
  function popup(inc) {
    var div = document.createElement("div");
    div.className = "bw-popup";
    var a = document.createElement("a");
    a.href = "/incidents/" + encodeURIComponent(inc.id);
    a.textContent = inc.type + " (" + quad(inc.quad).name + ")";
    div.appendChild(a);
    var lines = [
      (inc.start || "undated") + (inc.end ? " to " + inc.end : "") + (inc.undated ? " (window of publication)" : ""),
      (inc.place || "no place") + (inc.prec && !PRECISE[inc.prec] ? " — placed at " + inc.prec + " level, not a point" : ""),
      inc.src + " independent source" + (inc.src === 1 ? "" : "s") + ", " + inc.docs + " report" + (inc.docs === 1 ? "" : "s"),
    ];
    if (inc.actors) lines.push(inc.actors);
    if (inc.mod && inc.mod !== "asserted") lines.push("modality: " + inc.mod);
    lines.forEach(function (t) {
      var p = document.createElement("p");
      p.textContent = t;
      div.appendChild(p);
    });
    return div;
  }

  function icon(inc) {
    var d = size(inc.src);
    var imprecise = inc.prec && !PRECISE[inc.prec];
    return L.divIcon({
      className: "bw-marker" + (imprecise ? " bw-imprecise" : ""),
      html: shapeSVG(inc.quad, d, imprecise),
      iconSize: [d, d],
      iconAnchor: [d / 2, d / 2],
    });
  }

  // LazyMarker builds its icon, title and popup only when it is first
  // drawn: most of ten thousand markers sit inside clusters and never are,
  // and building them all up front blocked the page for half a second.
  // (Made on first use: without the vendor files there is no L, and the
  // page must still load to say so.)
  var LazyMarker = null;
  var lazyMarkerMethods = {
    _initIcon: function () {
      if (!this._bwReady) {
        var inc = this.options.inc;
        this.options.icon = icon(inc);
        this.options.title = this.options.alt = describe(inc);
        this.bindPopup(function () { return popup(inc); });
        this._bwReady = true;
      }
      L.Marker.prototype._initIcon.call(this);
    },
  };

  function marker(inc) {
    if (!LazyMarker) LazyMarker = L.Marker.extend(lazyMarkerMethods);
    var m = new LazyMarker([inc.lat, inc.lon], { inc: inc, keyboard: true, riseOnHover: true });
    m.options.quad = inc.quad;
    return m;
  }

  // clusterIcon draws a cluster as a pie of its quad classes with the count
  // in the middle, so a cluster says what kind of events it holds.
  function clusterIcon(cluster) {
    var children = cluster.getAllChildMarkers();
    var counts = [0, 0, 0, 0, 0];
    children.forEach(function (m) { counts[QUADS[m.options.quad] ? m.options.quad : 0]++; });
    var n = children.length;
    var d = n < 10 ? 34 : n < 100 ? 40 : n < 1000 ? 48 : 56;
    var r = d / 2, inner = r * 0.58, parts = "", angle = -Math.PI / 2;
    [1, 2, 3, 4, 0].forEach(function (q) {
      if (!counts[q]) return;
      var colour = q ? QUADS[q].colour : "#777";
      if (counts[q] === n) {
        parts += '<circle cx="' + r + '" cy="' + r + '" r="' + (r - 1) + '" fill="' + colour + '"/>';
        return;
      }
      var a2 = angle + (2 * Math.PI * counts[q]) / n;
      var large = a2 - angle > Math.PI ? 1 : 0;
      parts += '<path d="M' + r + "," + r + " L" + (r + (r - 1) * Math.cos(angle)) + "," + (r + (r - 1) * Math.sin(angle)) +
        " A" + (r - 1) + "," + (r - 1) + " 0 " + large + " 1 " + (r + (r - 1) * Math.cos(a2)) + "," + (r + (r - 1) * Math.sin(a2)) +
        ' Z" fill="' + colour + '" stroke="#fff" stroke-width="1"/>';
      angle = a2;
    });
    var html = '<svg xmlns="http://www.w3.org/2000/svg" width="' + d + '" height="' + d + '" aria-hidden="true">' + parts +
      '<circle cx="' + r + '" cy="' + r + '" r="' + inner + '" fill="#fff" stroke="#1a1a1a" stroke-width="1"/>' +
      '<text x="' + r + '" y="' + (r + 4) + '" text-anchor="middle" font-size="12" font-weight="700" fill="#000">' + n + "</text></svg>";
    return L.divIcon({ className: "bw-cluster", html: html, iconSize: [d, d], iconAnchor: [r, r] });
  }

  function shapeStyle(watch) {
    var parts = (watch || "").split("-");
    return function (f) {
      var p = f.properties;
      if (p.kind === "border") {
        return p.key === watch
          ? { color: "#3d0a5c", weight: 5, opacity: 1, dashArray: null, className: "bw-watched-border" }
          : { color: "#6b6b6b", weight: 1.2, opacity: 0.9 };
      }
      var watched = parts.indexOf(p.code) >= 0;
      return { color: "#8c8c8c", weight: 0.8, fillColor: watched ? "#fbf7ea" : "#ecebe6", fillOpacity: 1 };
    };
  }

  // create draws the map in el. opts: shapesURL, watch (border key),
  // onReady(stats). It returns {setIncidents(list), stats}.
  function create(el, opts) {
    var map = L.map(el, { zoomControl: true, attributionControl: true, minZoom: 3, maxZoom: 12, worldCopyJump: false, keyboard: true });
    map.attributionControl.setPrefix(false);
    map.fitBounds([[29.0, 60.5], [41.0, 75.5]]);
    // longTasks: [start relative to the last draw's start, duration] in ms.
    var stats = { markers: 0, placed: 0, drawMs: 0, longestTaskMs: 0, shapes: 0, longTasks: [] };
    var drawStart = 0;
    el.bwStats = stats;
    window.bwMapStats = stats;

    var shapesLayer = L.geoJSON(null, {
      style: shapeStyle(opts.watch),
      attribution: "Borders: Natural Earth (public domain)",
      interactive: false,
    }).addTo(map);
    var bordersPane = map.createPane("bwBorders");
    bordersPane.classList.add("bw-borders-pane");

    fetch(opts.shapesURL, { credentials: "same-origin" })
      .then(function (r) { if (!r.ok) throw new Error("map shapes: HTTP " + r.status); return r.json(); })
      .then(function (fc) {
        var countries = fc.features.filter(function (f) { return f.properties.kind === "country"; });
        var borders = fc.features.filter(function (f) { return f.properties.kind === "border"; });
        shapesLayer.addData({ type: "FeatureCollection", features: countries });
        // Borders above the country fills, the watched one last (on top).
        borders.sort(function (a, b) { return (a.properties.key === opts.watch) - (b.properties.key === opts.watch); });
        L.geoJSON({ type: "FeatureCollection", features: borders }, { style: shapeStyle(opts.watch), interactive: false, pane: "bwBorders" }).addTo(map);
        countries.forEach(function (f) {
          if (["AFG", "TJK", "UZB", "TKM", "KGZ", "PAK"].indexOf(f.properties.code) < 0) return;
          var layer = L.geoJSON(f);
          var c = layer.getBounds().getCenter();
          if (f.properties.code === "TJK") c = L.latLng(38.9, 70.6); // the bounding box centre falls in the Pamirs' edge
          if (f.properties.code === "AFG") c = L.latLng(33.9, 66.0);
          L.tooltip({ permanent: true, direction: "center", className: "bw-country-label", interactive: false })
            .setLatLng(c).setContent(f.properties.name).addTo(map);
        });
        stats.shapes = fc.features.length;
        el.dataset.shapes = String(fc.features.length);
      })
      .catch(function (err) { showProblem(el, String(err.message || err)); });

    var cluster = L.markerClusterGroup({
      chunkedLoading: true,
      chunkInterval: 50,
      showCoverageOnHover: false,
      maxClusterRadius: 44,
      spiderfyOnMaxZoom: true,
      iconCreateFunction: clusterIcon,
    });
    map.addLayer(cluster);

    var longest = 0, observer = null;
    if (window.PerformanceObserver && PerformanceObserver.supportedEntryTypes && PerformanceObserver.supportedEntryTypes.indexOf("longtask") >= 0) {
      observer = new PerformanceObserver(function (list) {
        list.getEntries().forEach(function (e) {
          longest = Math.max(longest, e.duration);
          stats.longTasks.push([Math.round(e.startTime - drawStart), Math.round(e.duration)]);
        });
      });
      observer.observe({ entryTypes: ["longtask"] });
    }

    var byID = {};
    // setIncidents replaces the markers; list holds every incident (those
    // without a point are skipped here). Drawing time and the longest task
    // that blocked the page while drawing are kept in stats and on
    // el.dataset for the browser tests.
    function setIncidents(list) {
      var t0 = performance.now();
      longest = 0;
      drawStart = t0;
      stats.longTasks = [];
      el.dataset.drawn = "false";
      var markers = [];
      list.forEach(function (inc) {
        if (inc.lat == null || inc.lon == null) return;
        var m = byID[inc.id];
        if (!m) { m = marker(inc); byID[inc.id] = m; }
        markers.push(m);
      });
      stats.createMs = Math.round(performance.now() - t0);
      cluster.clearLayers();
      cluster.options.chunkProgress = function (processed, total) {
        if (processed < total) return;
        // Let the browser paint before the clock stops.
        requestAnimationFrame(function () {
          setTimeout(function () {
            stats.markers = cluster.getLayers().length;
            stats.drawMs = Math.round(performance.now() - t0);
            stats.longestTaskMs = Math.round(longest);
            el.dataset.markers = String(stats.markers);
            el.dataset.drawMs = String(stats.drawMs);
            el.dataset.drawn = "true";
          }, 0);
        });
      };
      cluster.addLayers(markers, true);
      stats.firstChunkMs = Math.round(performance.now() - t0);
      if (markers.length === 0) {
        stats.markers = 0;
        el.dataset.markers = "0";
        el.dataset.drawn = "true";
      }
    }

    function showProblem(target, msg) {
      var p = document.createElement("p");
      p.className = "notice bw-map-problem";
      p.setAttribute("role", "alert");
      p.textContent = msg;
      target.parentNode.insertBefore(p, target);
    }

    return { map: map, setIncidents: setIncidents, stats: stats, cluster: cluster };
  }

  return { create: create, QUADS: QUADS, shapeSVG: shapeSVG, size: size, describe: describe };
})();
