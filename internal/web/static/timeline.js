// The timeline under the map: incidents per day, stacked by PLOVER quad
// class, drawn as plain SVG. Dragging across it (or shift+arrow keys when it
// has focus) brushes a range of days; onBrush(since, until) gets the range as
// YYYY-MM-DD strings, or ("", "") when it is cleared.
"use strict";

window.BWTimeline = (function () {
  var NS = "http://www.w3.org/2000/svg";
  var DAY = 86400000;

  function el(name, attrs, parent) {
    var e = document.createElementNS(NS, name);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    if (parent) parent.appendChild(e);
    return e;
  }
  function dayNum(s) { return Math.floor(Date.parse(s.slice(0, 10) + "T00:00:00Z") / DAY); }
  function dayStr(n) { return new Date(n * DAY).toISOString().slice(0, 10); }

  // create draws into svg; colours come from BWMap.QUADS so the two agree.
  function create(svg, onBrush) {
    var quads = window.BWMap ? BWMap.QUADS : {};
    var state = { first: 0, last: -1, counts: {}, max: 0, sel: null };
    var H = 100, top = 8, bottom = 22, left = 34, right = 8;
    svg.setAttribute("height", String(H));
    svg.setAttribute("tabindex", "0");
    svg.setAttribute("role", "img");

    function width() { return Math.max(200, svg.clientWidth || svg.parentNode.clientWidth || 600); }
    function x(day, W) { return left + ((day - state.first) / (state.last - state.first + 1)) * (W - left - right); }
    function dayAt(px, W) {
      var d = state.first + Math.floor(((px - left) / (W - left - right)) * (state.last - state.first + 1));
      return Math.max(state.first, Math.min(state.last, d));
    }

    // setData counts incidents per start day and quad; sel is the brushed
    // range as [since, until] strings or null.
    function setData(list, since, until) {
      state.counts = {};
      state.first = Infinity;
      state.last = -Infinity;
      list.forEach(function (inc) {
        if (!inc.start) return;
        var d = dayNum(inc.start);
        if (isNaN(d)) return;
        var c = state.counts[d] || (state.counts[d] = [0, 0, 0, 0, 0]);
        c[quads[inc.quad] ? inc.quad : 0]++;
        state.first = Math.min(state.first, d);
        state.last = Math.max(state.last, d);
      });
      if (state.first === Infinity) { state.first = 0; state.last = -1; }
      state.max = 0;
      for (var d in state.counts) {
        var c = state.counts[d];
        state.max = Math.max(state.max, c[0] + c[1] + c[2] + c[3] + c[4]);
      }
      state.sel = since || until ? [since ? dayNum(since) : state.first, until ? dayNum(until) : state.last] : null;
      draw();
    }

    function draw() {
      while (svg.firstChild) svg.removeChild(svg.firstChild);
      var W = width();
      svg.setAttribute("width", String(W));
      svg.setAttribute("viewBox", "0 0 " + W + " " + H);
      var days = state.last - state.first + 1;
      if (days <= 0) {
        svg.setAttribute("aria-label", "Timeline: no dated incidents");
        var t = el("text", { x: W / 2, y: H / 2, "text-anchor": "middle", class: "tl-empty" }, svg);
        t.textContent = "No dated incidents";
        return;
      }
      var plotH = H - top - bottom, bw = Math.max(1, (W - left - right) / days - 1);
      el("line", { x1: left, x2: W - right, y1: H - bottom + 0.5, y2: H - bottom + 0.5, class: "tl-axis" }, svg);
      var maxLabel = el("text", { x: left - 4, y: top + 9, "text-anchor": "end", class: "tl-tick" }, svg);
      maxLabel.textContent = String(state.max);
      var zero = el("text", { x: left - 4, y: H - bottom, "text-anchor": "end", class: "tl-tick" }, svg);
      zero.textContent = "0";
      var bars = el("g", { class: "tl-bars" }, svg);
      Object.keys(state.counts).forEach(function (k) {
        var d = +k, c = state.counts[k], y = H - bottom, px = x(d, W);
        var total = c[0] + c[1] + c[2] + c[3] + c[4];
        var g = el("g", { class: "tl-day", "data-day": dayStr(d) }, bars);
        var title = el("title", {}, g);
        title.textContent = dayStr(d) + ": " + total + " incident" + (total === 1 ? "" : "s") +
          [1, 2, 3, 4].filter(function (q) { return c[q]; }).map(function (q) { return ", " + c[q] + " " + quads[q].name; }).join("");
        [4, 3, 2, 1, 0].forEach(function (q) {
          if (!c[q]) return;
          var h = (c[q] / state.max) * plotH;
          y -= h;
          el("rect", { x: px, y: y, width: bw, height: Math.max(h, 0.5), fill: q ? quads[q].colour : "#777", class: "tl-bar q" + q }, g);
        });
      });
      // About six date labels along the axis.
      var step = Math.max(1, Math.ceil(days / 6));
      for (var d = state.first; d <= state.last; d += step) {
        var lx = x(d, W);
        var lab = el("text", { x: lx, y: H - 6, class: "tl-tick", "text-anchor": lx > W - right - 30 ? "end" : "start" }, svg);
        lab.textContent = dayStr(d).slice(5);
      }
      if (state.sel) {
        var x1 = x(state.sel[0], W), x2 = x(state.sel[1] + 1, W);
        el("rect", { x: x1, y: top - 4, width: Math.max(2, x2 - x1), height: plotH + 4, class: "tl-brush" }, svg);
      }
      svg.setAttribute("aria-label", "Timeline of incidents per day from " + dayStr(state.first) + " to " + dayStr(state.last) +
        (state.sel ? ", selected " + dayStr(state.sel[0]) + " to " + dayStr(state.sel[1]) : "") +
        ". Drag, or use shift and the arrow keys, to choose a range.");
    }

    // Brushing with a pointer.
    var anchor = null;
    function px(ev) { var r = svg.getBoundingClientRect(); return ev.clientX - r.left; }
    svg.addEventListener("pointerdown", function (ev) {
      if (state.last < state.first) return;
      anchor = dayAt(px(ev), width());
      state.sel = [anchor, anchor];
      svg.setPointerCapture(ev.pointerId);
      draw();
    });
    svg.addEventListener("pointermove", function (ev) {
      if (anchor === null) return;
      var d = dayAt(px(ev), width());
      state.sel = [Math.min(anchor, d), Math.max(anchor, d)];
      draw();
    });
    function finish() {
      if (anchor === null) return;
      anchor = null;
      onBrush(dayStr(state.sel[0]), dayStr(state.sel[1]));
    }
    svg.addEventListener("pointerup", finish);
    svg.addEventListener("pointercancel", finish);

    // Brushing with the keyboard: shift+arrows grow or shrink the range's
    // end, arrows alone move it; Escape clears it.
    svg.addEventListener("keydown", function (ev) {
      if (state.last < state.first) return;
      var s = state.sel ? state.sel.slice() : [state.first, state.first];
      if (ev.key === "Escape") { state.sel = null; draw(); onBrush("", ""); ev.preventDefault(); return; }
      var delta = ev.key === "ArrowRight" ? 1 : ev.key === "ArrowLeft" ? -1 : 0;
      if (!delta) return;
      if (ev.shiftKey) s[1] = Math.max(s[0], Math.min(state.last, s[1] + delta));
      else if (s[0] + delta >= state.first && s[1] + delta <= state.last) { s[0] += delta; s[1] += delta; }
      state.sel = s;
      draw();
      onBrush(dayStr(s[0]), dayStr(s[1]));
      ev.preventDefault();
    });
    window.addEventListener("resize", draw);

    return { setData: setData, clear: function () { state.sel = null; draw(); } };
  }

  return { create: create };
})();
