package web

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"borderwatch"
	"borderwatch/internal/api"
	"borderwatch/internal/incident"
	"borderwatch/internal/service"
	"borderwatch/internal/store"
)

// loginPage logs in through the login form and waits for the page it sends
// the user to.
func (b *browser) loginPage(t testing.TB, site *testSite, name, token string) {
	t.Helper()
	b.open(t, site.URL+"/login?next=/control")
	b.do(t,
		chromedp.SetValue(chromedp.ID("login-name"), name),
		chromedp.SetValue(chromedp.ID("login-token"), token),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)),
	)
	b.waitNav(t, fmt.Sprintf(`location.pathname === "/control" && !!document.querySelector(".who .user")?.textContent.startsWith(%q)`, name))
}

// waitNav waits (up to 30 s) until expr is truthy in a page that is
// navigating: a form was sent, so the page that polls may be replaced under
// the poll, which then starts again on the next one.
func (b *browser) waitNav(t testing.TB, expr string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
		_, err := chromedp.Run(ctx, chromedp.Poll[bool](expr, chromedp.WithPollingInterval(50*time.Millisecond)))
		cancel()
		if err == nil {
			return
		}
		if time.Now().After(deadline) || b.ctx.Err() != nil {
			t.Fatalf("waiting for %s: %v", expr, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// js quotes s as a JavaScript string.
func js(s string) string { return strconv.Quote(s) }

// postFromPage sends a form from the page with fetch, with the page's CSRF
// token, and returns the status.
func (b *browser) postFromPage(t testing.TB, path string, fields map[string]string) int {
	t.Helper()
	body := `const f = new URLSearchParams(); f.set("csrf", document.querySelector("input[name=csrf]").value);`
	for k, v := range fields {
		body += fmt.Sprintf(`f.set(%s, %s);`, js(k), js(v))
	}
	b.do(t, chromedp.Evaluate[chromedp.Void](`window.__status = undefined; (() => {`+body+
		`fetch(`+js(path)+`, {method: "POST", body: f, redirect: "manual"}).then(r => { window.__status = r.status; }); })()`))
	b.waitJS(t, `window.__status !== undefined`)
	return evalJS[int](t, b, `window.__status`)
}

func pickIncident(t testing.TB, svc *service.Incidents, cond func(incident.Incident) bool) incident.Incident {
	t.Helper()
	for _, inc := range svc.List(service.Query{}) {
		if cond(inc) {
			return inc
		}
	}
	t.Fatal("no demo incident fits the test")
	return incident.Incident{}
}

// TestBrowserIncidentReviewSurvivesReprocess logs in as an analyst, opens
// an incident from the main screen's list, finds its disagreement table,
// corrects an event's type through the review form and checks that the
// correction survives reprocessing.
func TestBrowserIncidentReviewSurvivesReprocess(t *testing.T) {
	site := newDemoSite(t)
	tok := site.addUser(t, "alice", store.RoleAnalyst)
	b := newBrowser(t, 1280, 800)
	b.loginPage(t, site, "alice", tok)
	inc := pickIncident(t, site.Incidents, func(inc incident.Incident) bool { return service.Disagreeing(inc) > 0 })

	b.open(t, site.URL+"/")
	b.waitJS(t, mainScreenReady)
	b.do(t, chromedp.Evaluate[chromedp.Void](`document.querySelector('#incident-list li[data-id=`+js(inc.ID)+`] a').click()`))
	b.waitNav(t, `location.pathname === `+js("/incidents/"+inc.ID)+` && !!document.getElementById("disagreements")`)
	if n := evalJS[int](t, b, `document.querySelectorAll("#disagreements tbody.disagree").length`); n != service.Disagreeing(inc) {
		t.Errorf("disagreeing fields in the table: %d, want %d", n, service.Disagreeing(inc))
	}
	if n := evalJS[int](t, b, `document.querySelectorAll(".evidence mark").length`); n == 0 {
		t.Error("no highlighted span in the evidence")
	}

	m := inc.Members[0]
	to := "PROTEST"
	if m.Event == to {
		to = "ACCUSE"
	}
	art := `document.getElementById(` + js("ev-"+m.EventID) + `)`
	b.do(t, chromedp.Evaluate[chromedp.Void](art+`.querySelector("details.review").open = true`))
	b.do(t, chromedp.Evaluate[chromedp.Void](art+`.querySelector("select[name=event]").value = `+js(to)))
	b.do(t, chromedp.Evaluate[chromedp.Void](art+`.querySelector("button[value=corrected]").click()`))
	b.waitNav(t, `location.hash === `+js("#ev-"+m.EventID)+` && !!`+art+`?.querySelector(".reviewed")`)

	rep, err := site.DB.Reprocess(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Reviewed == 0 {
		t.Fatalf("reprocess kept no reviewed event: %+v", rep)
	}
	b.open(t, site.URL+"/incidents/"+inc.ID)
	if got := evalJS[string](t, b, art+`.querySelector("h3").textContent`); got[:len(to)] != to {
		t.Errorf("after reprocess the event reads %q, want the correction %s", got, to)
	}
	if got := evalJS[string](t, b, art+`.querySelector(".reviewed").textContent`); got == "" {
		t.Error("after reprocess the event is not shown as reviewed")
	}
}

// TestBrowserMergeHolds merges two incidents in the page and checks that
// the merge holds when the service is opened again from the store.
func TestBrowserMergeHolds(t *testing.T) {
	site := newDemoSite(t)
	b := newBrowser(t, 1280, 800)
	b.loginPage(t, site, "operator", site.Token)
	incs := site.Incidents.List(service.Query{})
	into, from := incs[0], incs[1]
	b.open(t, site.URL+"/incidents/"+into.ID)
	b.do(t,
		chromedp.SetValue(chromedp.ID("merge-from"), from.ID),
		chromedp.Click(chromedp.CSS(`form[action$="/merge"] button[type=submit]`)),
	)
	b.waitNav(t, `document.querySelector("#h-decisions") !== null`)
	// The merged-away incident's address leads to the merged one.
	b.open(t, site.URL+"/incidents/"+from.ID)
	if got := evalJS[string](t, b, `location.pathname`); got != "/incidents/"+into.ID {
		t.Errorf("the merged-away incident opens %s, want /incidents/%s", got, into.ID)
	}
	svc2, _, err := service.Open(context.Background(), site.DB, incident.Options{Dict: nil})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := svc2.Get(from.ID); err != nil || got.MergedInto != into.ID {
		t.Fatalf("after reopening, %s is merged into %q (%v), want %s", from.ID, got.MergedInto, err, into.ID)
	}
}

// TestBrowserReaderCannotReview: a reader's incident page offers no review,
// note or merge form, and a review sent anyway is refused.
func TestBrowserReaderCannotReview(t *testing.T) {
	site := newDemoSite(t)
	tok := site.addUser(t, "rita", store.RoleReader)
	b := newBrowser(t, 1280, 800)
	b.loginPage(t, site, "rita", tok)
	inc := pickIncident(t, site.Incidents, func(incident.Incident) bool { return true })
	b.open(t, site.URL+"/incidents/"+inc.ID)
	if n := evalJS[int](t, b, `document.querySelectorAll("details.review, #incident-review, #note, #merge-from").length`); n != 0 {
		t.Errorf("a reader is offered %d review, note or merge controls", n)
	}
	st := b.postFromPage(t, "/events/"+inc.Members[0].EventID+"/review", map[string]string{"incident": inc.ID, "status": "confirmed"})
	if st != http.StatusForbidden {
		t.Errorf("a reader's review: status %d, want 403", st)
	}
	if ev, err := site.DB.Event(context.Background(), inc.Members[0].EventID); err != nil || ev.Reason == store.ReasonReview {
		t.Errorf("the reader's review reached the store (%v)", err)
	}
}

// TestBrowserScriptInReportIsText: a report carrying a script tag and an
// image with an onerror handler shows them as text and runs neither.
func TestBrowserScriptInReportIsText(t *testing.T) {
	site := newDemoSite(t)
	hostile := borderwatch.Document{ID: "hostile-1", Source: "Test Wire", Title: `<script>window.__owned = "title"</script>`,
		Text: `Border guards said on Monday that <script>window.__owned = "text"</script> fifty soldiers crossed the river near Panj. ` +
			`<img src=x onerror="window.__owned = 'img'"> The ministry said the men were disarmed and given shelter.`}
	if _, err := site.Incidents.Ingest(store.WithUser(context.Background(), "test"), hostile); err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, 1280, 800)
	b.open(t, site.URL+"/documents/hostile-1")
	b.waitJS(t, `document.readyState === "complete"`)
	if got := evalJS[string](t, b, `String(window.__owned)`); got != "undefined" {
		t.Fatalf("report markup ran in the page: window.__owned = %s", got)
	}
	if n := evalJS[int](t, b, `document.querySelectorAll("#doc-text script, #doc-text img, h1 script").length`); n != 0 {
		t.Errorf("%d elements made from report text", n)
	}
	if !evalJS[bool](t, b, `document.getElementById("doc-text").textContent.includes('<script>window.__owned = "text"</script>') && document.querySelector("h1").textContent.includes("<script>")`) {
		t.Error("the script tag is not shown as text")
	}
}

// TestBrowserLiveAlert creates a rule in the alerts page and sees its alert
// arrive in the page when a matching report is stored.
func TestBrowserLiveAlert(t *testing.T) {
	site := newDemoSite(t)
	ctx := context.Background()
	alerts, err := service.OpenAlerts(ctx, site.DB, service.AlertsOptions{Incidents: site.Incidents, Gazetteer: testGazetteer(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { alerts.Close(context.Background()) })
	// The site as serve composes it, with alerts and the API taking the
	// page's session for the stream.
	w, err := New(Config{Store: site.DB, Incidents: site.Incidents, Alerts: alerts, Token: site.Token})
	if err != nil {
		t.Fatal(err)
	}
	a, err := api.New(api.Config{Store: site.DB, Incidents: site.Incidents, Alerts: alerts, Token: site.Token, Session: w.SessionUser})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/api/", a.Handler())
	mux.Handle("/", w.Handler())
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	live := &testSite{URL: ts.URL, DB: site.DB, Incidents: site.Incidents, Token: site.Token}
	tok := live.addUser(t, "alice", store.RoleAnalyst)

	b := newBrowser(t, 1280, 800)
	b.loginPage(t, live, "alice", tok)
	b.open(t, live.URL+"/alerts")
	b.do(t,
		chromedp.SetValue(chromedp.ID("r-name"), "Crossings"),
		chromedp.SetValue(chromedp.ID("r-on"), "event"),
		chromedp.SetValue(chromedp.ID("r-types"), "RETREAT"),
		chromedp.Evaluate[chromedp.Void](`document.getElementById("r-active").checked = true`),
		chromedp.Click(chromedp.CSS(`#rule-form button[type=submit]`)),
	)
	b.waitNav(t, `document.querySelectorAll("table.rules tbody tr").length === 1 && !!document.getElementById("live-state")?.textContent.startsWith("Connected")`)
	doc := borderwatch.Document{ID: "cross-live", Source: "Test Wire", PublishedRaw: "2021-07-09T08:00:00Z",
		Text: "DUSHANBE, July 9, 2021. About 300 Afghan soldiers crossed the border into Tajikistan near Panj overnight and asked for shelter, the Tajik border service said."}
	if _, err := alerts.Ingest(store.WithUser(ctx, "test"), doc); err != nil {
		t.Fatal(err)
	}
	b.waitJS(t, `document.querySelectorAll("#live-alerts li").length > 0`)
	if !evalJS[bool](t, b, `!!document.querySelector('#live-alerts li a[href="/documents/cross-live"]')`) {
		t.Error("the live alert does not link the report that fired it")
	}
}

// TestBrowserIncidentPageNarrowAndLabelled: at phone width the incident
// page does not scroll sideways (wide tables scroll inside themselves), the
// skip link comes first in keyboard order, and every form control has a
// label.
func TestBrowserIncidentPageNarrowAndLabelled(t *testing.T) {
	site := newDemoSite(t)
	tok := site.addUser(t, "alice", store.RoleAnalyst)
	inc := pickIncident(t, site.Incidents, func(inc incident.Incident) bool { return service.Disagreeing(inc) > 0 })
	for _, width := range []int{390, 1280} {
		b := newBrowser(t, width, 800)
		b.loginPage(t, site, "alice", tok)
		b.open(t, site.URL+"/incidents/"+inc.ID)
		if got := evalJS[int](t, b, `document.documentElement.scrollWidth - window.innerWidth`); got > 0 {
			t.Errorf("width %d: the page is %d px wider than the screen", width, got)
		}
		if !evalJS[bool](t, b, `document.querySelector("a[href], button, input:not([type=hidden]), select, textarea").classList.contains("skip")`) {
			t.Errorf("width %d: the skip link is not first in keyboard order", width)
		}
		if n := evalJS[int](t, b, `[...document.querySelectorAll("input:not([type=hidden]), select, textarea")].filter(e => e.labels.length === 0).length`); n != 0 {
			t.Errorf("width %d: %d form controls without a label", width, n)
		}
	}
}
