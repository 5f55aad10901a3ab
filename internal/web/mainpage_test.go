package web

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"borderwatch/internal/actor"
	"borderwatch/internal/incident"
	"borderwatch/internal/service"
	"borderwatch/internal/watch"
)

func getPage(t *testing.T, h http.Handler, path string) (int, string) {
	t.Helper()
	ts := httptest.NewServer(h)
	defer ts.Close()
	res, err := http.Get(ts.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// TestMainPageListsNewestFirst renders the list server-side (the page works
// without JavaScript): the newest 200 of 300, the counts, the rest counted.
func TestMainPageListsNewestFirst(t *testing.T) {
	db := openTestStore(t)
	svc := storeSyntheticIncidents(t, db, 300)
	srv, err := New(Config{Store: db, Incidents: svc})
	if err != nil {
		t.Fatal(err)
	}
	status, body := getPage(t, srv.Handler(), "/")
	if status != http.StatusOK {
		t.Fatalf("status %d", status)
	}
	if !strings.Contains(body, "300 incidents, 270 on the map") || !strings.Contains(body, "100 more: narrow the filter") {
		t.Errorf("counts missing from the page")
	}
	if n := strings.Count(body, `<li data-id="inc-syn-`); n != listLimit {
		t.Errorf("%d rows, want %d", n, listLimit)
	}
	// The rows are the newest: every listed start is at least every
	// unlisted one.
	listed := map[string]bool{}
	for _, part := range strings.Split(body, `<li data-id="`)[1:] {
		listed[part[:strings.IndexByte(part, '"')]] = true
	}
	minListed, maxUnlisted := "9999", ""
	for _, inc := range svc.List(service.Query{}) {
		if listed[inc.ID] {
			minListed = min(minListed, inc.Start)
		} else {
			maxUnlisted = max(maxUnlisted, inc.Start)
		}
	}
	if maxUnlisted > minListed {
		t.Errorf("an incident of %s is left out while one of %s is listed", maxUnlisted, minListed)
	}
}

// TestMainPageBadFilterKeepsInput answers 400, names each bad field, keeps
// what was typed and still lists the incidents the good fields select.
func TestMainPageBadFilterKeepsInput(t *testing.T) {
	db := openTestStore(t)
	svc := storeSyntheticIncidents(t, db, 50)
	srv, err := New(Config{Store: db, Incidents: svc})
	if err != nil {
		t.Fatal(err)
	}
	status, body := getPage(t, srv.Handler(), "/?since=2021-02-30&type=ASSAULT&min=lots")
	if status != http.StatusBadRequest {
		t.Errorf("status %d, want 400", status)
	}
	for _, want := range []string{`href="#f-since">since</a>: &#34;2021-02-30&#34; is not a date`, `href="#f-min">min</a>: &#34;lots&#34; is not a whole number`,
		`value="2021-02-30"`, `value="lots"`, `<option selected>ASSAULT</option>`} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	if strings.Contains(body, `<a href="/incidents/inc-syn-`) && strings.Count(body, `>ASSAULT</a>`) != strings.Count(body, `<a href="/incidents/inc-syn-`) {
		t.Errorf("rows other than ASSAULT are listed")
	}
}

// TestMainPageEscapesReportText: incident fields come from hostile reports.
func TestMainPageEscapesReportText(t *testing.T) {
	db := openTestStore(t)
	st := syntheticState(3, 2)
	st.Incidents[0].Members[0].Actor[0].Name = `<script>alert("x")</script>`
	st.Incidents[0].Members[0].Place.Name = `<img src=x onerror=alert(1)>`
	data, _ := json.Marshal(st)
	if err := db.SaveIncidentState(context.Background(), data); err != nil {
		t.Fatal(err)
	}
	dict, _ := actor.Load()
	svc, _, err := service.Open(context.Background(), db, incident.Options{Dict: dict})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := New(Config{Store: db, Incidents: svc})
	if err != nil {
		t.Fatal(err)
	}
	_, body := getPage(t, srv.Handler(), "/")
	if strings.Contains(body, `<script>alert`) || strings.Contains(body, `<img src=x`) {
		t.Fatal("report text reached the page unescaped")
	}
	if !strings.Contains(body, `&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;`) {
		t.Errorf("the escaped actor is not shown")
	}
}

// TestMainPageSaysWhenVendorFilesAreMissing: a build without scripts/web.sh
// still serves the page, says so plainly and loads no missing script.
func TestMainPageSaysWhenVendorFilesAreMissing(t *testing.T) {
	db := openTestStore(t)
	srv, err := New(Config{Store: db})
	if err != nil {
		t.Fatal(err)
	}
	delete(srv.hashes, "vendor/leaflet.js") // as in a clean clone
	status, body := getPage(t, srv.Handler(), "/")
	if status != http.StatusOK || !strings.Contains(body, `id="vendor-missing"`) || !strings.Contains(body, "scripts/web.sh") {
		t.Errorf("status %d; the page does not say the map library is missing", status)
	}
	if strings.Contains(body, "vendor/leaflet.js") {
		t.Errorf("the page still loads the missing leaflet.js")
	}
}

// TestWatchAreaOfTheAlertsFiltersIncidents: a watch area added for the
// alerts is offered by the page and selects incidents by its geometry.
func TestWatchAreaOfTheAlertsFiltersIncidents(t *testing.T) {
	ctx := context.Background()
	db := openTestStore(t)
	svc := storeSyntheticIncidents(t, db, 300)
	alerts, err := service.OpenAlerts(ctx, db, service.AlertsOptions{Incidents: svc, Offline: true})
	if err != nil {
		t.Fatal(err)
	}
	defer alerts.Close(ctx)
	lat, lon := 36.5, 68.5
	if err := alerts.AddArea(ctx, "tester", watch.Area{Name: "Kunduz 150 km", Kind: watch.AreaRadius, Lat: &lat, Lon: &lon, Km: 150}); err != nil {
		t.Fatal(err)
	}
	areas, _ := alerts.Areas(ctx)
	want := 0
	for _, inc := range svc.List(service.Query{}) {
		if areas[0].Contains(inc.Place) {
			want++
		}
	}
	if want == 0 || want == 300 {
		t.Fatalf("%d of 300 synthetic incidents in the area: not a filtering test", want)
	}
	srv, err := New(Config{Store: db, Incidents: svc, Alerts: alerts})
	if err != nil {
		t.Fatal(err)
	}
	_, page := getPage(t, srv.Handler(), "/")
	if !strings.Contains(page, `<option value="Kunduz 150 km">`) {
		t.Errorf("the page does not offer the watch area")
	}
	status, body := getPage(t, srv.Handler(), "/map/incidents.json?area=Kunduz+150+km")
	var d mapData
	if err := json.Unmarshal([]byte(body), &d); err != nil || status != http.StatusOK {
		t.Fatalf("status %d: %v", status, err)
	}
	if d.Total != want {
		t.Errorf("area selects %d incidents, want %d", d.Total, want)
	}
}
