// Live alerts on the alerts page: the server-sent event stream of
// /api/v1/stream, alerts only, shown as they fire. Text goes in through
// textContent: alert summaries quote reports, and reports are hostile.
(function () {
  "use strict";
  var list = document.getElementById("live-alerts");
  var state = document.getElementById("live-state");
  if (!list || !window.EventSource) { return; }
  var rules = (list.getAttribute("data-rules") || "").split(" ").filter(Boolean);
  function say(text) { if (state) { state.textContent = text; } }
  function link(href, text) {
    var a = document.createElement("a");
    a.href = href;
    a.textContent = text;
    return a;
  }
  var es = new EventSource(list.getAttribute("data-stream"));
  es.onopen = function () { say("Connected: alerts appear here as they fire."); };
  es.onerror = function () { say("Connection lost; reconnecting…"); };
  es.addEventListener("alert", function (msg) {
    var al;
    try { al = JSON.parse(msg.data); } catch (e) { return; }
    // The stream carries every alert; show those of the rules this user sees.
    if (rules.indexOf(al.rule_id) < 0) { return; }
    var li = document.createElement("li");
    li.className = "live";
    var strong = document.createElement("strong");
    strong.textContent = al.summary || "alert";
    li.appendChild(strong);
    li.appendChild(document.createTextNode(" (" + (al.on || "") + ", rule " + (al.rule_id || "") + ") "));
    if (al.incident_id) {
      li.appendChild(link("/incidents/" + encodeURIComponent(al.incident_id), "incident " + al.incident_id));
    }
    (al.doc_ids || []).forEach(function (d) {
      li.appendChild(document.createTextNode(" "));
      li.appendChild(link("/documents/" + encodeURIComponent(d), d));
    });
    list.insertBefore(li, list.firstChild);
    say("Last alert: " + new Date().toLocaleTimeString());
  });
})();
