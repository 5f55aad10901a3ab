package web

// The browser-test harness: a real server with the demo data on 127.0.0.1
// and a headless Debian Chromium that logs every request it makes. Page
// tests (here and in browser_pages_test.go) use four helpers:
//
//	site := newDemoSite(t)            // the pages and the API over the demo reports, on loopback
//	b := newBrowser(t, 1280, 800)     // a fresh headless Chromium; skips without one
//	b.open(t, site.URL+"/")           // navigate and wait for the load event
//	n := evalJS[int](t, b, "1 + 1")   // run JavaScript in the page, typed result
//
// and b.waitJS(t, expr) to wait until an expression is true, b.do(t,
// actions...) for clicks and keys, and b.checkNoErrors(t) to fail on any
// script error or console error so far. When a test ends, b fails it if the
// browser requested anything outside 127.0.0.1.
// Chromium lives at /usr/bin/chromium (apt-get install chromium) and the
// map library comes from scripts/web.sh; without either the tests skip,
// unless BORDERWATCH_REQUIRE_BROWSER=1 (CI), when they fail.

import (
	"context"
	"fmt"
	"io/fs"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"borderwatch/internal/actor"
	"borderwatch/internal/api"
	"borderwatch/internal/demo"
	"borderwatch/internal/incident"
	"borderwatch/internal/service"
	"borderwatch/internal/store"
)

const chromiumPath = "/usr/bin/chromium"

// testSite is a running server: the web pages at / and the JSON API at
// /api/v1/, composed as serve composes them, on 127.0.0.1.
type testSite struct {
	URL       string
	DB        *store.DB
	Incidents *service.Incidents
	Alerts    *service.Alerts
	Web       *Server
	// Token is the operator's token: log in as "operator" with it for an
	// admin session. Use site.addUser for readers and analysts.
	Token string
}

// newDemoSite loads the bundled demo reports into a fresh SQLite file,
// groups them into incidents and serves them. Ingest more reports through
// site.Alerts.Ingest, as the poller does, so that alerts fire.
func newDemoSite(t testing.TB) *testSite {
	t.Helper()
	ctx := context.Background()
	db := openTestStore(t)
	dict, err := actor.Load()
	if err != nil {
		t.Fatal(err)
	}
	svc, _, err := service.Open(ctx, db, incident.Options{Dict: dict})
	if err != nil {
		t.Fatal(err)
	}
	docs, err := demo.Reports()
	if err != nil {
		t.Fatal(err)
	}
	ctx = store.WithUser(ctx, "demo")
	for _, d := range docs {
		if _, err := svc.Ingest(ctx, d); err != nil {
			t.Fatalf("demo report %s: %v", d.ID, err)
		}
	}
	if err := svc.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	return serveSite(t, db, svc)
}

// serveSite serves the pages and the API over db and svc on 127.0.0.1
// until the test ends, with an alert service as serve has (its watch
// areas, rules and live stream), composed by Site as serve composes them.
func serveSite(t testing.TB, db *store.DB, svc *service.Incidents) *testSite {
	t.Helper()
	ctx := context.Background()
	site := &testSite{DB: db, Incidents: svc, Token: "operator-token-for-tests"}
	alerts, err := service.OpenAlerts(ctx, db, service.AlertsOptions{Incidents: svc})
	if err != nil {
		t.Fatal(err)
	}
	site.Alerts = alerts
	w, err := New(Config{Store: db, Incidents: svc, Alerts: alerts, Token: site.Token})
	if err != nil {
		t.Fatal(err)
	}
	a, err := api.New(api.Config{Store: db, Incidents: svc, Alerts: alerts, Session: w.SessionUser})
	if err != nil {
		t.Fatal(err)
	}
	site.Web = w
	ts := httptest.NewServer(w.Site(a.Handler())) // listens on 127.0.0.1
	t.Cleanup(func() {
		ts.CloseClientConnections()
		alerts.Hub().Close() // ends live streams, which Close would wait for
		ts.Close()
		if err := alerts.Close(context.Background()); err != nil {
			t.Errorf("closing the alerts: %v", err)
		}
	})
	site.URL = ts.URL
	return site
}

// addUser adds a user with a role and returns the token to log in with.
func (s *testSite) addUser(t testing.TB, name, role string) string {
	t.Helper()
	_, token, err := s.DB.AddUser(context.Background(), name, role)
	if err != nil {
		t.Fatal(err)
	}
	return token
}

// browser is one headless Chromium with one tab, and the log of every URL
// the tab requested.
type browser struct {
	ctx    context.Context
	mu     sync.Mutex
	log    []string
	errors []string // uncaught exceptions and console or browser errors (CSP, failed loads)
}

// newBrowser starts a headless Chromium with a fresh profile and a window
// of w x h pixels. It is stopped, and its request log checked, when the
// test ends.
func newBrowser(t testing.TB, w, h int) *browser {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("BORDERWATCH_REQUIRE_BROWSER") == "1" {
			t.Fatalf("BORDERWATCH_REQUIRE_BROWSER=1 but %s is missing (apt-get install chromium)", chromiumPath)
		}
		t.Skipf("browser test skipped: %s is missing (apt-get install chromium)", chromiumPath)
	}
	if _, err := fs.Stat(files, "static/vendor/leaflet.js"); err != nil {
		if os.Getenv("BORDERWATCH_REQUIRE_BROWSER") == "1" {
			t.Fatal("BORDERWATCH_REQUIRE_BROWSER=1 but the map library is not embedded: run scripts/web.sh first")
		}
		t.Skip("browser test skipped: the map library is not embedded (run scripts/web.sh)")
	}
	profile := t.TempDir()
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(chromiumPath), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck, chromedp.UserDataDir(profile),
		chromedp.WindowSize(w, h),
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-default-apps", true), chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-dev-shm-usage", true), chromedp.Flag("hide-scrollbars", true),
		chromedp.Flag("mute-audio", true), chromedp.Flag("metrics-recording-only", true),
		chromedp.Flag("safebrowsing-disable-auto-update", true), chromedp.Flag("password-store", "basic"),
		chromedp.Flag("no-pings", true), chromedp.Flag("dns-prefetch-disable", true),
	)
	ctx, cancelCtx := chromedp.NewContext(alloc)
	b := &browser{ctx: ctx}
	// Registered after TempDir, so it runs first: Chromium has exited
	// before its profile is removed.
	t.Cleanup(func() {
		cancelCtx()
		cancelAlloc()
		b.checkLocalOnly(t)
	})
	if err := chromedp.Listen(ctx, func(ev any) {
		b.mu.Lock()
		defer b.mu.Unlock()
		switch e := ev.(type) {
		case *network.EventRequestWillBeSent:
			b.log = append(b.log, e.Request.URL)
		case *cdplog.EventEntryAdded:
			if e.Entry.Level == cdplog.EntryLevelError {
				b.errors = append(b.errors, e.Entry.Text+" "+e.Entry.URL)
			}
		case *runtime.EventExceptionThrown:
			d := e.ExceptionDetails
			msg := d.Text
			if d.Exception != nil {
				msg += " " + d.Exception.Description
			}
			b.errors = append(b.errors, fmt.Sprintf("%s at %s:%d", msg, d.URL, d.LineNumber+1))
		}
	}); err != nil {
		t.Fatalf("starting %s: %v", chromiumPath, err)
	}
	if _, err := chromedp.Call(ctx, runtime.Enable, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}
	// The viewport is exactly w x h (a window of that size has less room).
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(int64(w), int64(h))); err != nil {
		t.Fatalf("starting %s: %v", chromiumPath, err)
	}
	return b
}

// requests returns every URL the tab has requested so far.
func (b *browser) requests() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.log...)
}

// checkNoErrors fails the test for any uncaught exception or error the
// page logged (a script that failed, a CSP refusal, a missing file).
func (b *browser) checkNoErrors(t testing.TB) {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, e := range b.errors {
		if strings.HasSuffix(e, "/favicon.ico") {
			continue // the browser asks for it by itself; the pages have none
		}
		t.Errorf("page error: %s", e)
	}
}

// checkLocalOnly fails the test for any request that left 127.0.0.1
// (data:, blob: and about: URLs never leave the browser).
func (b *browser) checkLocalOnly(t testing.TB) {
	for _, raw := range b.requests() {
		u, err := url.Parse(raw)
		switch {
		case err != nil:
			t.Errorf("the browser requested an unreadable URL %q", raw)
		case u.Scheme == "data" || u.Scheme == "blob" || u.Scheme == "about":
		case (u.Scheme == "http" || u.Scheme == "https" || u.Scheme == "ws") && u.Hostname() == "127.0.0.1":
		default:
			t.Errorf("the browser made a request outside 127.0.0.1: %s", raw)
		}
	}
}

// open navigates to url and waits for the page's load event.
func (b *browser) open(t testing.TB, url string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		t.Fatalf("open %s: %v", url, err)
	}
}

// evalJS evaluates a JavaScript expression in the page and decodes its
// value as T.
func evalJS[T any](t testing.TB, b *browser, expr string) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("evaluating %s: %v", expr, err)
	}
	return v
}

// waitJS waits (up to 30 s) until the expression is truthy in the page.
func (b *browser) waitJS(t testing.TB, expr string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](expr, chromedp.WithPollingInterval(50*time.Millisecond))); err != nil {
		t.Fatalf("waiting for %s: %v", expr, err)
	}
}

// do runs actions that return nothing (clicks, keys, form values).
func (b *browser) do(t testing.TB, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatal(err)
	}
}

// mainScreenReady is true once the main page has drawn its incidents.
const mainScreenReady = `document.body.dataset.appReady === "true" && document.getElementById("map").dataset.drawn === "true" && Number(document.getElementById("map").dataset.shapes) > 0`

// drawnMarkers counts what the map shows: single markers plus the counts
// written on the clusters.
const drawnMarkers = `(() => { let n = document.querySelectorAll("#map .bw-marker").length;
  document.querySelectorAll("#map .bw-cluster").forEach(c => n += Number(c.textContent)); return n; })()`

// placedIncidents returns the incidents passing the filter query q and how
// many of them have a point on the map, as the service has them.
func placedIncidents(t testing.TB, svc *service.Incidents, q string) (total, placed int) {
	t.Helper()
	v, _ := url.ParseQuery(q)
	f, errs := ParseFilter(v)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	for _, inc := range svc.List(service.Query{}) {
		if f.Match(&inc) {
			total++
			if p := inc.Place; p != nil && p.Lat != nil && p.Lon != nil {
				placed++
			}
		}
	}
	return total, placed
}

func TestBrowserMainScreen(t *testing.T) {
	site := newDemoSite(t)
	b := newBrowser(t, 1280, 800)
	b.open(t, site.URL+"/")
	if evalJS[bool](t, b, `!!document.getElementById("vendor-missing")`) {
		t.Fatal("the page says the map library is missing: run scripts/web.sh before the browser tests")
	}
	b.waitJS(t, mainScreenReady)

	total, placed := placedIncidents(t, site.Incidents, "")
	if total < 10 || placed < 5 {
		t.Fatalf("the demo gives %d incidents, %d with a point: too few to test the map", total, placed)
	}
	if got := evalJS[int](t, b, `Number(document.getElementById("map").dataset.markers)`); got != placed {
		t.Errorf("markers on the map: %d, want %d (the demo incidents with a point)", got, placed)
	}
	if got := evalJS[int](t, b, drawnMarkers); got != placed {
		t.Errorf("markers drawn (single + in clusters): %d, want %d", got, placed)
	}
	if got := evalJS[int](t, b, `document.querySelectorAll("#incident-list li[data-id]").length`); got != total {
		t.Errorf("list rows: %d, want %d", got, total)
	}
	// The watched border is drawn, on top of the country shapes.
	if got := evalJS[int](t, b, `document.querySelectorAll("#map path.bw-watched-border").length`); got < 1 {
		t.Errorf("the watched border AFG-TJK is not drawn")
	}
	// The timeline has a bar group per day that starts an incident.
	days := map[string]bool{}
	for _, inc := range site.Incidents.List(service.Query{}) {
		days[inc.Start] = true
	}
	if got := evalJS[int](t, b, `document.querySelectorAll("#timeline .tl-day").length`); got != len(days) {
		t.Errorf("timeline days: %d, want %d", got, len(days))
	}
	// A click on a marker opens its popup with a link to the incident.
	b.do(t, chromedp.Evaluate[chromedp.Void](`document.querySelector("#map .bw-marker").click()`))
	b.waitJS(t, `!!document.querySelector(".bw-popup a[href^='/incidents/']")`)
	b.checkNoErrors(t)
}

// TestBrowserFilterChangesMapAndList submits the filter form, checks map,
// list and URL, reloads the URL to see the filter kept, and brushes the
// timeline.
func TestBrowserFilterChangesMapAndList(t *testing.T) {
	site := newDemoSite(t)
	b := newBrowser(t, 1280, 800)
	b.open(t, site.URL+"/")
	b.waitJS(t, mainScreenReady)
	allTotal, _ := placedIncidents(t, site.Incidents, "")

	// Choose the type with the most incidents that still leaves some out.
	counts := map[string]int{}
	for _, inc := range site.Incidents.List(service.Query{}) {
		counts[inc.Event]++
	}
	typ := ""
	for k, n := range counts {
		if n < allTotal && (typ == "" || n > counts[typ] || n == counts[typ] && k < typ) {
			typ = k
		}
	}
	total, placed := placedIncidents(t, site.Incidents, "type="+typ)
	b.do(t,
		chromedp.SetValue(chromedp.ID("f-type"), typ),
		chromedp.Click(chromedp.CSS(`#filters button[type=submit]`)),
	)
	b.waitJS(t, fmt.Sprintf(`location.search === "?type=%s" && document.getElementById("map").dataset.drawn === "true" && document.getElementById("map").dataset.loading === "false"`, typ))
	if got := evalJS[int](t, b, `document.querySelectorAll("#incident-list li[data-id]").length`); got != total {
		t.Errorf("list rows after type=%s: %d, want %d", typ, got, total)
	}
	if got := evalJS[int](t, b, drawnMarkers); got != placed {
		t.Errorf("markers after type=%s: %d, want %d", typ, got, placed)
	}
	if got := evalJS[[]string](t, b, `[...document.querySelectorAll("#incident-list li[data-id] a")].map(a => a.textContent)`); len(got) == 0 || strings.Count(strings.Join(got, " ")+" ", typ+" ") != len(got) {
		t.Errorf("list after type=%s shows %v", typ, got)
	}

	// The URL keeps the filter: opening it again gives the same view.
	here := evalJS[string](t, b, `location.href`)
	b.open(t, here)
	b.waitJS(t, mainScreenReady)
	if got := evalJS[string](t, b, `document.getElementById("f-type").value`); got != typ {
		t.Errorf("after reload the type field is %q, want %q", got, typ)
	}
	if got := evalJS[int](t, b, `document.querySelectorAll("#incident-list li[data-id]").length`); got != total {
		t.Errorf("after reload, list rows: %d, want %d", got, total)
	}

	// Brushing the timeline's first day narrows map and list, and the URL
	// gets the days.
	b.open(t, site.URL+"/")
	b.waitJS(t, mainScreenReady)
	first := evalJS[string](t, b, `document.querySelector("#timeline .tl-day").dataset.day`)
	box := evalJS[[]float64](t, b, `(() => { const r = document.querySelector("#timeline .tl-day rect").getBoundingClientRect(); return [r.left + r.width/2, r.top + r.height/2]; })()`)
	drag(t, b, box[0], box[1], box[0]+1, box[1])
	b.waitJS(t, fmt.Sprintf(`location.search === "?since=%s&until=%s" && document.getElementById("map").dataset.drawn === "true"`, first, first))
	total, placed = placedIncidents(t, site.Incidents, "since="+first+"&until="+first)
	if total == 0 || total == allTotal {
		t.Fatalf("brushing %s selects %d of %d incidents: not a narrowing test", first, total, allTotal)
	}
	if got := evalJS[int](t, b, `document.querySelectorAll("#incident-list li[data-id]").length`); got != total {
		t.Errorf("list rows after brushing %s: %d, want %d", first, got, total)
	}
	if got := evalJS[int](t, b, drawnMarkers); got != placed {
		t.Errorf("markers after brushing %s: %d, want %d", first, got, placed)
	}
	if got := evalJS[string](t, b, `document.getElementById("f-since").value`); got != first {
		t.Errorf("the brush did not fill the form: since=%q", got)
	}
	b.checkNoErrors(t)
}

// drag presses the mouse at (x1, y1), moves to (x2, y2) and releases it.
func drag(t testing.TB, b *browser, x1, y1, x2, y2 float64) {
	t.Helper()
	mouse := func(typ input.DispatchMouseEventType, x, y float64, buttons int64) chromedp.Action[chromedp.Void] {
		return func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
			_, err := cdp.Call(ctx, tg, input.DispatchMouseEvent, input.DispatchMouseEventParams{
				Type: typ, X: x, Y: y, Button: input.MouseButtonLeft, Buttons: buttons, ClickCount: 1})
			return chromedp.Void{}, err
		}
	}
	b.do(t, mouse(input.DispatchMouseEventTypeMousePressed, x1, y1, 1), mouse(input.DispatchMouseEventTypeMouseMoved, x2, y2, 1),
		mouse(input.DispatchMouseEventTypeMouseReleased, x2, y2, 0))
}

// TestBrowserScreenshot saves the main screen at 1280x800 as
// docs/screenshot.png when BORDERWATCH_SCREENSHOT=1.
func TestBrowserScreenshot(t *testing.T) {
	if os.Getenv("BORDERWATCH_SCREENSHOT") != "1" {
		t.Skip("set BORDERWATCH_SCREENSHOT=1 to write docs/screenshot.png")
	}
	site := newDemoSite(t)
	b := newBrowser(t, 1280, 800)
	b.open(t, site.URL+"/")
	b.waitJS(t, mainScreenReady)
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join("..", "..", "docs", "screenshot.png")
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(out, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s (%d bytes)", out, len(png))
}

// BenchmarkBrowserMarkers10k loads the main page over 10,000 incidents
// (9,000 with a point) and reports the time from the data's arrival to
// the clustered markers being drawn, and the longest task that blocked the
// page meanwhile (the page stays responsive while it is short).
func BenchmarkBrowserMarkers10k(b *testing.B) {
	db := openTestStore(b)
	svc := storeSyntheticIncidents(b, db, 10_000)
	site := serveSite(b, db, svc)
	_, placed := placedIncidents(b, svc, "")
	br := newBrowser(b, 1280, 800)
	var drawMs, longest float64
	for b.Loop() {
		br.open(b, site.URL+"/")
		br.waitJS(b, mainScreenReady)
		if got := evalJS[int](b, br, `Number(document.getElementById("map").dataset.markers)`); got != placed {
			b.Fatalf("markers %d, want %d", got, placed)
		}
		drawMs += evalJS[float64](b, br, `window.bwMapStats.drawMs`)
		longest = max(longest, evalJS[float64](b, br, `window.bwMapStats.longestTaskMs`))
	}
	b.Logf("page stats of the last run: %s", evalJS[string](b, br, `JSON.stringify(window.bwMapStats)`))
	b.ReportMetric(drawMs/float64(b.N), "draw-ms")
	b.ReportMetric(longest, "longest-task-ms")
}

// errRecorder records Errorf calls instead of failing the test.
type errRecorder struct {
	testing.TB
	errs []string
}

func (r *errRecorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

// TestCheckLocalOnly checks the request log check itself, with no browser.
func TestCheckLocalOnly(t *testing.T) {
	b := &browser{log: []string{"http://127.0.0.1:4321/", "http://127.0.0.1:4321/static/app.js?v=1", "data:image/png;base64,AA==",
		"about:blank", "https://tile.openstreetmap.org/1/1/1.png", "http://localhost:4321/", "http://10.0.0.1/x"}}
	r := &errRecorder{TB: t}
	b.checkLocalOnly(r)
	if len(r.errs) != 3 {
		t.Fatalf("flagged %d requests, want the 3 outside 127.0.0.1: %q", len(r.errs), r.errs)
	}
	for i, host := range []string{"openstreetmap", "localhost", "10.0.0.1"} {
		if !strings.Contains(r.errs[i], host) {
			t.Errorf("error %d %q does not name %s", i, r.errs[i], host)
		}
	}
}
