// The main screen's wiring: the filter form's state lives in the URL (so a
// view can be shared), the incidents come from /map/incidents.json with the
// same query less the days, and the days (the form's From/To or a brush on
// the timeline) are applied here, so brushing needs no new request.
"use strict";

(function () {
  var mapEl = document.getElementById("map");
  var form = document.getElementById("filters");
  if (!mapEl || !form) return; // not the main page

  var listEl = document.getElementById("incident-list");
  var countEl = document.getElementById("list-count");
  var moreEl = document.getElementById("list-more");
  var errorsEl = document.getElementById("filter-errors");
  var brushLabel = document.getElementById("brush-label");
  var brushClear = document.getElementById("brush-clear");
  var LIST_LIMIT = 200;
  var TIME_KEYS = ["since", "until"];
  var ORDER = ["since", "until", "type", "actor", "country", "modality", "min", "area", "km", "q"];

  var all = [];       // incidents of the current non-time filter
  var fetchedFor = null; // the non-time query they were fetched for
  var map = null, timeline = null;

  if (window.L && L.markerClusterGroup) {
    map = BWMap.create(mapEl, { shapesURL: mapEl.dataset.shapes, watch: mapEl.dataset.watch });
  } else if (!document.getElementById("vendor-missing")) {
    var p = document.createElement("p");
    p.className = "notice";
    p.setAttribute("role", "alert");
    p.textContent = "The map library did not load: run scripts/web.sh and rebuild. The list works without it.";
    mapEl.parentNode.insertBefore(p, mapEl);
  }
  if (!map) mapEl.classList.add("map-missing");
  timeline = BWTimeline.create(document.getElementById("timeline"), function (since, until) {
    setField("since", since);
    setField("until", until);
    writeURL(true);
    apply();
  });
  window.bwApp = { ready: false, map: map, all: function () { return all; } };

  function setField(name, value) { var f = form.elements[name]; if (f) f.value = value; }

  // formParams reads the form, trims and drops empty fields, in the order
  // the server writes them.
  function formParams() {
    var fd = new FormData(form), out = new URLSearchParams();
    ORDER.forEach(function (k) {
      var v = (fd.get(k) || "").toString().trim();
      if (v) out.set(k, v);
    });
    return out;
  }
  function withoutTime(params) {
    var p = new URLSearchParams(params);
    TIME_KEYS.forEach(function (k) { p.delete(k); });
    return p;
  }
  function writeURL(replace) {
    var q = formParams().toString();
    var url = location.pathname + (q ? "?" + q : "");
    if (url === location.pathname + location.search) return;
    if (replace) history.replaceState(null, "", url);
    else history.pushState(null, "", url);
  }

  function showErrors(fields) {
    while (errorsEl.firstChild) errorsEl.removeChild(errorsEl.firstChild);
    Array.prototype.forEach.call(form.querySelectorAll("[aria-invalid]"), function (e) { e.removeAttribute("aria-invalid"); });
    if (!fields || !fields.length) { errorsEl.hidden = true; return; }
    var p = document.createElement("p");
    p.textContent = "Some filters were not understood and are not applied:";
    errorsEl.appendChild(p);
    var ul = document.createElement("ul");
    fields.forEach(function (f) {
      var li = document.createElement("li");
      li.textContent = f.field + ": " + f.message;
      ul.appendChild(li);
      var input = form.elements[f.field];
      if (input) input.setAttribute("aria-invalid", "true");
    });
    errorsEl.appendChild(ul);
    errorsEl.hidden = false;
  }

  // load fetches the incidents for the form's non-time filter when it
  // changed, then applies the days.
  function load() {
    var q = withoutTime(formParams()).toString();
    if (q === fetchedFor) { apply(); return Promise.resolve(); }
    mapEl.dataset.loading = "true";
    return fetch(mapEl.dataset.incidents + (q ? "?" + q : ""), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) {
        return r.json().then(function (body) { return { ok: r.ok, body: body }; });
      })
      .then(function (res) {
        if (!res.ok) {
          showErrors(res.body.fields || [{ field: "filter", message: res.body.message || "the filter was refused" }]);
          return;
        }
        showErrors(null);
        all = res.body.incidents || [];
        fetchedFor = q;
        apply();
      })
      .catch(function (err) {
        showErrors([{ field: "incidents", message: "could not be loaded: " + (err.message || err) }]);
      })
      .then(function () { mapEl.dataset.loading = "false"; });
  }

  function inDays(inc, since, until) {
    // An incident is in when its days overlap the range (as on the server).
    if (since && inc.start && (inc.end || inc.start) < since) return false;
    if (until && inc.start && inc.start > until) return false;
    return true;
  }

  // apply draws the map, the timeline and the list for the current days.
  function apply() {
    var p = formParams(), since = p.get("since") || "", until = p.get("until") || "";
    var shown = all.filter(function (inc) { return inDays(inc, since, until); });
    timeline.setData(all, since, until);
    brushLabel.textContent = since || until ? "Days " + (since || "…") + " to " + (until || "…") + ": " + shown.length + " of " + all.length + " incidents" : "All days";
    brushClear.hidden = !(since || until);
    renderList(shown);
    if (map) {
      // Markers in a task of their own, after the list and the timeline
      // are painted: no single task holds the page for long.
      mapEl.dataset.drawn = "false";
      setTimeout(function () { map.setIncidents(shown); }, 0);
    }
    window.bwApp.ready = true;
    document.body.dataset.appReady = "true";
  }

  function span(cls, text) {
    var s = document.createElement("span");
    s.className = cls;
    s.textContent = text;
    return s;
  }
  function plural(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }

  // renderList rebuilds the list with DOM nodes and textContent only:
  // incident fields come from hostile reports.
  function renderList(list) {
    var placed = list.filter(function (inc) { return inc.lat != null && inc.lon != null; }).length;
    countEl.textContent = plural(list.length, "incident") + ", " + placed + " on the map";
    mapEl.dataset.total = String(list.length);
    mapEl.dataset.placed = String(placed);
    var frag = document.createDocumentFragment();
    list.slice(0, LIST_LIMIT).forEach(function (inc) {
      var li = document.createElement("li");
      li.dataset.id = inc.id;
      li.className = "q" + inc.quad;
      var g = span("glyph q" + inc.quad, String(inc.quad || "?"));
      g.setAttribute("aria-hidden", "true");
      li.appendChild(g);
      li.appendChild(document.createTextNode(" "));
      var a = document.createElement("a");
      a.href = "/incidents/" + encodeURIComponent(inc.id);
      a.textContent = inc.type;
      li.appendChild(a);
      if (inc.mod && inc.mod !== "asserted") { li.appendChild(document.createTextNode(" ")); li.appendChild(span("mod", inc.mod)); }
      li.appendChild(document.createTextNode(" "));
      li.appendChild(span("when", (inc.start || "") + (inc.end ? " – " + inc.end : "") + (inc.undated ? " (undated: publication window)" : "")));
      li.appendChild(document.createTextNode(" "));
      var placedHere = inc.lat != null && inc.lon != null;
      li.appendChild(span("where", inc.place ? inc.place + (placedHere ? "" : " (not on the map: " + (inc.prec || "no point") + ")") : "no place"));
      li.appendChild(document.createTextNode(" "));
      li.appendChild(span("src", plural(inc.src, "independent source") + ", " + plural(inc.docs, "report")));
      if (inc.actors) { li.appendChild(document.createTextNode(" ")); li.appendChild(span("actors", inc.actors)); }
      frag.appendChild(li);
    });
    if (!list.length) {
      var li = document.createElement("li");
      li.className = "empty";
      li.textContent = "No incidents match.";
      frag.appendChild(li);
    }
    while (listEl.firstChild) listEl.removeChild(listEl.firstChild);
    listEl.appendChild(frag);
    var more = list.length - Math.min(list.length, LIST_LIMIT);
    moreEl.hidden = more === 0;
    moreEl.textContent = more + " more: narrow the filter or the days to see them.";
  }

  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    writeURL(false);
    load();
  });
  brushClear.addEventListener("click", function () {
    setField("since", "");
    setField("until", "");
    timeline.clear();
    writeURL(true);
    apply();
  });
  // Back and forward restore the filter the URL holds.
  window.addEventListener("popstate", function () {
    var p = new URLSearchParams(location.search);
    ORDER.forEach(function (k) { setField(k, p.get(k) || ""); });
    load();
  });

  load();
})();
