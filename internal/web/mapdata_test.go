package web

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"borderwatch"
	"borderwatch/internal/actor"
	"borderwatch/internal/incident"
	"borderwatch/internal/service"
	"borderwatch/internal/store"
	"borderwatch/internal/store/storetest"
)

// syntheticState makes n incidents as the grouper saves them: one to four
// members each, from as many outlets (so 1-4 independent sources), over 120
// days from 2021-05-01, all 16 types, points within the region (a tenth at
// country precision, a tenth on the AFG-TJK border with no point).
func syntheticState(n int, seed uint64) incident.State {
	rng := rand.New(rand.NewPCG(seed, 7))
	day0 := time.Date(2021, 5, 1, 0, 0, 0, 0, time.UTC)
	st := incident.State{Incidents: make([]incident.Incident, 0, n)}
	countries := []string{"AFG", "TJK", "UZB"}
	for i := range n {
		typ := borderwatch.Types[rng.IntN(len(borderwatch.Types))]
		date := day0.AddDate(0, 0, rng.IntN(120)).Format(time.DateOnly)
		lat, lon := 34+rng.Float64()*5, 64+rng.Float64()*9
		place := &borderwatch.Location{Name: fmt.Sprintf("Place %d", i%500), Text: fmt.Sprintf("Place %d", i%500),
			Country: countries[i%3], Lat: &lat, Lon: &lon, Precision: "city"}
		switch i % 10 {
		case 3:
			place.Precision = "country"
		case 7:
			border, km := "AFG-TJK", 0.0
			place.Lat, place.Lon, place.Precision, place.Border, place.BorderKm = nil, nil, "border", &border, &km
		}
		inc := incident.Incident{ID: fmt.Sprintf("inc-syn-%06d", i), Event: typ, Class: typ, Modality: "asserted"}
		for k := range 1 + rng.IntN(4) {
			outlet := fmt.Sprintf("Outlet %d", (i+k*7)%40)
			inc.Members = append(inc.Members, incident.Member{
				EventID: fmt.Sprintf("ev-syn-%06d-%d", i, k), DocID: fmt.Sprintf("doc-syn-%06d-%d", i, k), Outlet: outlet,
				Event: typ, Modality: "asserted", Date: date, DatePrecision: "day", Place: place,
				Actor:    []borderwatch.Entity{{Name: fmt.Sprintf("Actor %d", i%30), Country: countries[(i/3)%3], Sector: "MIL"}},
				Evidence: fmt.Sprintf("Synthetic evidence sentence number %d about place %d.", i, i%500),
				Trigger:  "trigger", CitedOrigin: outlet, Origin: outlet, Published: date,
			})
		}
		st.Incidents = append(st.Incidents, inc)
	}
	return st
}

// storeSyntheticIncidents saves n synthetic incidents as the service's saved
// grouper state in db (the way the service stores incidents) and opens the
// service over it, which restores them.
func storeSyntheticIncidents(tb testing.TB, db *store.DB, n int) *service.Incidents {
	tb.Helper()
	ctx := context.Background()
	data, err := json.Marshal(syntheticState(n, 1))
	if err != nil {
		tb.Fatal(err)
	}
	if err := db.SaveIncidentState(ctx, data); err != nil {
		tb.Fatal(err)
	}
	dict, err := actor.Load()
	if err != nil {
		tb.Fatal(err)
	}
	svc, _, err := service.Open(ctx, db, incident.Options{Dict: dict})
	if err != nil {
		tb.Fatal(err)
	}
	if got := len(svc.List(service.Query{})); got != n {
		tb.Fatalf("restored %d incidents, want %d", got, n)
	}
	return svc
}

func openTestStore(tb testing.TB) *store.DB {
	tb.Helper()
	db, err := store.Open(context.Background(), filepath.Join(tb.TempDir(), "web.db"), store.Options{Extractor: storetest.Extractor(tb)})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

func TestMapIncidentsJSONFollowsTheFilter(t *testing.T) {
	db := openTestStore(t)
	svc := storeSyntheticIncidents(t, db, 300)
	srv, err := New(Config{Store: db, Incidents: svc})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()

	get := func(q string) (int, mapData, string) {
		res, err := http.Get(ts.URL + "/map/incidents.json?" + q)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		var d mapData
		if res.StatusCode == http.StatusOK {
			if err := json.Unmarshal(body, &d); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		return res.StatusCode, d, string(body)
	}
	status, all, _ := get("")
	if status != 200 || all.Total != 300 || len(all.Incidents) != 300 {
		t.Fatalf("all: status %d, total %d, rows %d", status, all.Total, len(all.Incidents))
	}
	// Every incident with a point counts as placed; a tenth has none.
	if all.Placed != 270 {
		t.Errorf("placed %d, want 270", all.Placed)
	}
	for i := 1; i < len(all.Incidents); i++ {
		if all.Incidents[i-1].Start < all.Incidents[i].Start {
			t.Fatalf("not newest first at %d: %s before %s", i, all.Incidents[i-1].Start, all.Incidents[i].Start)
		}
	}
	// A filter gives exactly the incidents that Match selects.
	want := 0
	f, _ := ParseFilter(map[string][]string{"type": {"ASSAULT"}, "min": {"2"}, "since": {"2021-06-01"}})
	for _, inc := range svc.List(service.Query{}) {
		if f.Match(&inc) {
			want++
		}
	}
	_, some, _ := get("type=ASSAULT&min=2&since=2021-06-01")
	if some.Total != want || want == 0 {
		t.Errorf("filtered: %d, want %d (nonzero)", some.Total, want)
	}
	for _, m := range some.Incidents {
		if m.Type != "ASSAULT" || m.Sources < 2 || m.Quad != 4 {
			t.Fatalf("row does not pass the filter: %+v", m)
		}
	}
	// The border band: only the incidents placed on the AFG-TJK border.
	_, band, _ := get("area=Tajik-Afghan+border")
	if band.Total != 30 || band.Placed != 0 {
		t.Errorf("area: total %d placed %d, want 30 and 0", band.Total, band.Placed)
	}
	// Bad input: 400 naming every bad field.
	status, _, body := get("type=PUNCH&min=x")
	if status != http.StatusBadRequest || !strings.Contains(body, `"field":"type"`) || !strings.Contains(body, `"field":"min"`) {
		t.Errorf("bad filter: %d %s", status, body)
	}
}

func TestShapesGeoJSON(t *testing.T) {
	db := openTestStore(t)
	srv, err := New(Config{Store: db})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	res, err := http.Get(ts.URL + "/map/shapes.json") // the client asks for and undoes gzip
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var fc struct {
		Type     string
		Features []struct {
			Properties map[string]string
			Geometry   struct {
				Type        string
				Coordinates json.RawMessage
			}
		}
	}
	if err := json.NewDecoder(res.Body).Decode(&fc); err != nil {
		t.Fatal(err)
	}
	kinds := map[string]bool{}
	for _, f := range fc.Features {
		p := f.Properties
		kinds[p["kind"]+":"+p["code"]+p["key"]] = true
		if p["kind"] == "border" && f.Geometry.Type != "MultiLineString" || p["kind"] == "country" && f.Geometry.Type != "MultiPolygon" {
			t.Errorf("%v: geometry %s", p, f.Geometry.Type)
		}
	}
	for _, k := range []string{"country:AFG", "country:TJK", "country:UZB", "country:PAK", "border:AFG-TJK", "border:AFG-UZB", "border:TJK-UZB"} {
		if !kinds[k] {
			t.Errorf("no %s in the shapes", k)
		}
	}
	// Far-away countries are left out: the map draws the region.
	for _, k := range []string{"country:BRA", "country:USA", "border:FRA-ESP"} {
		if kinds[k] {
			t.Errorf("%s should not be in the region's shapes", k)
		}
	}
}

// BenchmarkMainPage100k renders the main page (filter, list of the newest
// 200, counts) with 100,000 incidents stored as the service's saved state in
// a SQLite file and restored by service.Open; ms/op is the server's time per
// page, the unfiltered page and a filtered one in turn.
func BenchmarkMainPage100k(b *testing.B) {
	db := openTestStore(b)
	svc := storeSyntheticIncidents(b, db, 100_000)
	srv, err := New(Config{Store: db, Incidents: svc})
	if err != nil {
		b.Fatal(err)
	}
	h := srv.Handler()
	urls := []string{"/", "/?type=ASSAULT&min=2&since=2021-06-01&q=place+4"}
	cpu0 := cpuTime()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", urls[i%2], nil))
		if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `id="incident-list"`) {
			b.Fatalf("status %d", rec.Code)
		}
	}
	// The machine is shared: CPU time per page is the figure that counts.
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/page")
	b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/1000/float64(b.N), "cpu-ms/page")
}

// cpuTime is the process's user+system CPU time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
