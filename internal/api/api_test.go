package api

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"borderwatch"
	"borderwatch/internal/pipeline"
	"borderwatch/internal/store"
	"borderwatch/internal/store/storetest"
)

func ptr[T any](v T) *T { return &v }

// openStore opens a fresh database of the backend with our test reports
// ingested and a few hand-made events added.
func openStore(t *testing.T, dsn string) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), dsn, store.Options{Extractor: storetest.Extractor(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	err = pipeline.ReadDocuments("testdata/reports.jsonl", nil, func(d borderwatch.Document, err error) error {
		if err != nil {
			return err
		}
		_, err = db.Ingest(context.Background(), d)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	evs := []borderwatch.Event{
		handEvent("h1", "t-hand", "RETREAT", "2021-07-04", 37.24, 69.1, "AFG"),
		handEvent("h2", "t-hand", "MOBILIZE", "2021-07-06", 38.56, 68.77, "TJK"),
		handEvent("h3", "t-hand", "ASSAULT", "2021-06-22", 37.1, 70.5, "AFG"),
	}
	evs[2].Modality = borderwatch.Speculative
	if _, err := db.PutEvents(context.Background(), evs); err != nil {
		t.Fatal(err)
	}
	return db
}

func handEvent(id, doc, typ, date string, lat, lon float64, actor string) borderwatch.Event {
	return borderwatch.Event{ID: id, DocID: doc, Event: typ, Mode: []string{}, Context: []string{},
		Actor: []borderwatch.Entity{{Name: actor, Country: actor, Sector: "MIL"}}, Date: ptr(date), DatePrecision: "day",
		EventLoc: &borderwatch.Location{Name: "somewhere", Lat: ptr(lat), Lon: ptr(lon), Country: "TJK", Precision: "city", BorderKm: ptr(5.0)},
		Modality: borderwatch.Asserted, Attribution: []borderwatch.Attribution{}, Trigger: "moved",
		TextInfo: borderwatch.TextInfo{Start: 0, End: 8, Text: "DUSHANBE"}, Confidence: 0.7, Coder: "test"}
}

func serve(t *testing.T, cfg Config) *httptest.Server {
	t.Helper()
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s.Handler()) // listens on 127.0.0.1
	t.Cleanup(ts.Close)
	return ts
}

type call struct {
	method, path, body, token string
}

func do(t *testing.T, ts *httptest.Server, c call) (int, []byte, http.Header) {
	t.Helper()
	var body io.Reader
	if c.body != "" {
		body = strings.NewReader(c.body)
	}
	req, err := http.NewRequest(c.method, ts.URL+c.path, body)
	if err != nil {
		t.Fatal(err)
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b, resp.Header
}

func getJSON(t *testing.T, ts *httptest.Server, path string, v any) {
	t.Helper()
	code, b, _ := do(t, ts, call{method: "GET", path: path})
	if code != 200 {
		t.Fatalf("GET %s: %d %s", path, code, b)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("GET %s: %v: %s", path, err, b)
	}
}

type eventList struct {
	Total  int `json:"total"`
	Events []struct {
		ID string `json:"id"`
	} `json:"events"`
}

func ids(l eventList) string {
	var out []string
	for _, e := range l.Events {
		out = append(out, e.ID)
	}
	return strings.Join(out, " ")
}

func TestReadEndpoints(t *testing.T) {
	for _, b := range storetest.Backends {
		t.Run(b.Name, func(t *testing.T) {
			db := openStore(t, b.DSN(t))
			ts := serve(t, Config{Store: db})
			var all eventList
			getJSON(t, ts, "/api/v1/events", &all)
			if all.Total < 3 {
				t.Fatalf("events: total %d", all.Total)
			}
			filters := []struct{ q, want string }{
				{"types=retreat,mobilize&since=2021-07-01&until=2021-07-31&bbox=60,30,75,40&limit=100&doc_id=t-hand", "h2 h1"},
				{"types=ASSAULT&modality=speculative", "h3"},
				{"actor_country=tjk&types=MOBILIZE&doc_id=t-hand", "h2"},
				{"q=DUSHANBE%20somewhere", "h2 h1 h3"},
				{"border_km=1&doc_id=t-hand", ""},
				{"doc_id=t-hand&types=RETREAT", "h1"},
			}
			for _, f := range filters {
				var l eventList
				getJSON(t, ts, "/api/v1/events?"+f.q, &l)
				if got := ids(l); got != f.want || l.Total != len(l.Events) {
					t.Errorf("%s: got %q (total %d), want %q", f.q, got, l.Total, f.want)
				}
			}
			var one struct {
				Event    map[string]any `json:"event"`
				Document map[string]any `json:"document"`
				Evidence map[string]any `json:"evidence"`
			}
			getJSON(t, ts, "/api/v1/events/h1", &one)
			if one.Event["id"] != "h1" || one.Document["id"] != "t-hand" || one.Document["source"] != "Test Daily" || one.Evidence["matches"] != true {
				t.Errorf("one event: %+v", one)
			}
			var fc struct {
				Type     string `json:"type"`
				Features []any  `json:"features"`
			}
			getJSON(t, ts, "/api/v1/events.geojson?doc_id=t-hand", &fc)
			if fc.Type != "FeatureCollection" || len(fc.Features) != 3 {
				t.Errorf("geojson: %s with %d features", fc.Type, len(fc.Features))
			}
			var docs struct {
				Total     int `json:"total"`
				Documents []struct {
					ID       string `json:"id"`
					Lang     string `json:"lang"`
					NotCoded string `json:"not_coded"`
				} `json:"documents"`
			}
			getJSON(t, ts, "/api/v1/documents?not_coded=true", &docs)
			if docs.Total != 1 || docs.Documents[0].ID != "t-ru" || docs.Documents[0].Lang != "ru" || docs.Documents[0].NotCoded == "" {
				t.Errorf("not coded documents: %+v", docs)
			}
			getJSON(t, ts, "/api/v1/documents?q=Пяндж", &docs)
			if docs.Total != 1 {
				t.Errorf("full text in Russian: %+v", docs)
			}
			var doc struct {
				Document map[string]any `json:"document"`
				Events   []any          `json:"events"`
				Raw      string         `json:"raw"`
			}
			getJSON(t, ts, "/api/v1/documents/t-crossing?raw=true", &doc)
			if !strings.Contains(doc.Raw, "Panj river") || doc.Document["text"] == "" || len(doc.Events) == 0 {
				t.Errorf("document with raw: %+v", doc)
			}
			var health map[string]any
			getJSON(t, ts, "/api/v1/health", &health)
			if health["status"] != "ok" || health["database"] != b.Name {
				t.Errorf("health: %v", health)
			}
			var spec map[string]any
			getJSON(t, ts, "/api/v1/openapi.json", &spec)
			if spec["openapi"] != "3.1.0" {
				t.Errorf("openapi: %v", spec["openapi"])
			}
			code, body, _ := do(t, ts, call{method: "GET", path: "/metrics"})
			if code != 200 || !bytes.Contains(body, []byte("borderwatch_documents 4\n")) || !bytes.Contains(body, []byte(`borderwatch_http_requests_total{route="GET /api/v1/events",code="200"}`)) {
				t.Errorf("metrics: %d\n%s", code, body)
			}
		})
	}
}

func TestExportEndpoint(t *testing.T) {
	db := openStore(t, storetest.SQLiteDSN(t))
	ts := serve(t, Config{Store: db})
	code, body, h := do(t, ts, call{method: "GET", path: "/api/v1/export?format=plover&doc_id=t-hand"})
	if code != 200 || h.Get("Content-Type") != "application/x-ndjson" {
		t.Fatalf("plover export: %d %s", code, h.Get("Content-Type"))
	}
	lines := strings.Split(strings.TrimSpace(string(body)), "\n")
	if len(lines) != 2 { // h3 is speculative
		t.Errorf("plover export has %d lines, want the 2 asserted events:\n%s", len(lines), body)
	}
	code, body, _ = do(t, ts, call{method: "GET", path: "/api/v1/export?format=acled&since=2021-07-01&types=RETREAT,MOBILIZE&doc_id=t-hand"})
	if code != 200 || !strings.HasPrefix(string(body), "event_id_cnty,event_date,year,") || strings.Count(string(body), "\n") != 3 {
		t.Errorf("acled export: %d\n%s", code, body)
	}
	if code, _, _ := do(t, ts, call{method: "GET", path: "/api/v1/export?format=xml"}); code != 400 {
		t.Errorf("unknown format: %d", code)
	}
}

// TestBadRequests sends malformed requests: each must get a 4xx JSON error
// naming the problem, never a 500.
func TestBadRequests(t *testing.T) {
	db := openStore(t, storetest.SQLiteDSN(t))
	ts := serve(t, Config{Store: db, MaxBody: 4096})
	cases := []struct {
		c          call
		code       int
		kind, word string
	}{
		{call{method: "GET", path: "/api/v1/events?colour=red"}, 400, "invalid", "colour"},
		{call{method: "GET", path: "/api/v1/events?since=2021-13-45"}, 400, "invalid", "since"},
		{call{method: "GET", path: "/api/v1/events?since=yesterday"}, 400, "invalid", "since"},
		{call{method: "GET", path: "/api/v1/events?since=2021-08-01&until=2021-07-01"}, 400, "invalid", "after"},
		{call{method: "GET", path: "/api/v1/events?bbox=1,2,3"}, 400, "invalid", "bbox"},
		{call{method: "GET", path: "/api/v1/events?bbox=a,b,c,d"}, 400, "invalid", "bbox"},
		{call{method: "GET", path: "/api/v1/events?bbox=80,30,70,40"}, 400, "invalid", "bbox"},
		{call{method: "GET", path: "/api/v1/events?types=FIGHT"}, 400, "invalid", "FIGHT"},
		{call{method: "GET", path: "/api/v1/events?modality=probably"}, 400, "invalid", "modality"},
		{call{method: "GET", path: "/api/v1/events?actor_country=Tajikistan"}, 400, "invalid", "actor_country"},
		{call{method: "GET", path: "/api/v1/events?border_km=near"}, 400, "invalid", "border_km"},
		{call{method: "GET", path: "/api/v1/events?q=%22%2A%29"}, 400, "invalid", "q"},
		{call{method: "GET", path: "/api/v1/events?limit=5000"}, 400, "invalid", "limit"},
		{call{method: "GET", path: "/api/v1/events?limit=-1"}, 400, "invalid", "limit"},
		{call{method: "GET", path: "/api/v1/events?offset=x"}, 400, "invalid", "offset"},
		{call{method: "GET", path: "/api/v1/events.geojson?limit=20000"}, 400, "invalid", "limit"},
		{call{method: "GET", path: "/api/v1/events/nope"}, 404, "not_found", "nope"},
		{call{method: "GET", path: "/api/v1/documents/nope"}, 404, "not_found", "nope"},
		{call{method: "GET", path: "/api/v1/documents?not_coded=maybe"}, 400, "invalid", "not_coded"},
		{call{method: "GET", path: "/api/v1/changes?since=-4"}, 400, "invalid", "since"},
		{call{method: "GET", path: "/api/v1/changes?since=abc"}, 400, "invalid", "since"},
		{call{method: "GET", path: "/api/v1/nothing"}, 404, "not_found", "nothing"},
		{call{method: "PATCH", path: "/api/v1/events"}, 405, "method_not_allowed", "PATCH"},
		{call{method: "POST", path: "/api/v1/feeds", body: `{"url":`}, 400, "invalid", "body"},
		{call{method: "POST", path: "/api/v1/feeds", body: `{"url":"https://example.org/rss","colour":1}`}, 400, "invalid", "colour"},
		{call{method: "POST", path: "/api/v1/feeds", body: `{"url":"gopher://x"}`}, 400, "invalid", "http"},
		{call{method: "POST", path: "/api/v1/feeds", body: `{"url":"https://example.org/rss","every":"often"}`}, 400, "invalid", "every"},
		{call{method: "POST", path: "/api/v1/feeds/abc/pause"}, 400, "invalid", "abc"},
		{call{method: "POST", path: "/api/v1/feeds/99/pause"}, 404, "not_found", "99"},
		{call{method: "DELETE", path: "/api/v1/feeds/99"}, 404, "not_found", "99"},
		{call{method: "POST", path: "/api/v1/documents", body: `{"id":"big","text":"` + strings.Repeat("word ", 2000) + `"}`}, 413, "too_large", "4096"},
		{call{method: "POST", path: "/api/v1/documents", body: `{"text":"no id"}`}, 400, "invalid", "id"},
		{call{method: "POST", path: "/api/v1/documents", body: `{"id":"x","text":""}`}, 400, "invalid", "text"},
		{call{method: "POST", path: "/api/v1/documents", body: `{"id":"x","text":"a","published":"someday"}`}, 400, "invalid", "published"},
		{call{method: "PUT", path: "/api/v1/events/h1", body: `{"id":"h2"}`}, 400, "invalid", "id"},
		{call{method: "PUT", path: "/api/v1/events/h1", body: `{"event":"FIGHT","doc_id":"t-hand","modality":"asserted"}`}, 400, "invalid", "FIGHT"},
		{call{method: "PUT", path: "/api/v1/events/nope", body: `{"event":"AID","doc_id":"t-hand","modality":"asserted"}`}, 404, "not_found", "nope"},
		{call{method: "GET", path: "/api/v1/events", token: "bw_wrong"}, 401, "unauthorized", "token"},
		{call{method: "GET", path: "/api/v1/events", token: ""}, 200, "", ""},
	}
	for _, c := range cases {
		code, body, h := do(t, ts, c.c)
		if code != c.code {
			t.Errorf("%s %s: status %d, want %d: %s", c.c.method, c.c.path, code, c.code, body)
			continue
		}
		if c.kind == "" {
			continue
		}
		var e Error
		if err := json.Unmarshal(body, &e); err != nil || h.Get("Content-Type") != "application/json" {
			t.Errorf("%s %s: not a JSON error: %s", c.c.method, c.c.path, body)
			continue
		}
		if e.Kind != c.kind || !strings.Contains(e.Message, c.word) {
			t.Errorf("%s %s: %+v, want kind %s naming %q", c.c.method, c.c.path, e, c.kind, c.word)
		}
	}
}

func TestWritesAndAccess(t *testing.T) {
	db := openStore(t, storetest.SQLiteDSN(t))
	ctx := context.Background()
	_, readerTok, _ := db.AddUser(ctx, "rita", store.RoleReader)
	_, analystTok, _ := db.AddUser(ctx, "anan", store.RoleAnalyst)
	const op = "operator-secret"

	t.Run("loopback without a token is open", func(t *testing.T) {
		ts := serve(t, Config{Store: db})
		code, body, _ := do(t, ts, call{method: "POST", path: "/api/v1/feeds", body: `{"url":"https://example.org/rss","every":"10m"}`})
		if code != 201 || !strings.Contains(string(body), `"every":"10m0s"`) {
			t.Fatalf("add feed: %d %s", code, body)
		}
		if code, body, _ := do(t, ts, call{method: "POST", path: "/api/v1/feeds", body: `{"url":"https://example.org/rss"}`}); code != 409 {
			t.Errorf("duplicate feed: %d %s", code, body)
		}
	})
	t.Run("token required", func(t *testing.T) {
		ts := serve(t, Config{Store: db, Token: op})
		checks := []struct {
			c    call
			code int
		}{
			{call{method: "GET", path: "/api/v1/events"}, 401},
			{call{method: "GET", path: "/api/v1/events", token: readerTok}, 200},
			{call{method: "GET", path: "/metrics", token: "nope"}, 401},
			{call{method: "POST", path: "/api/v1/feeds/1/pause", token: readerTok}, 403},
			{call{method: "POST", path: "/api/v1/feeds/1/pause", token: analystTok}, 200},
			{call{method: "POST", path: "/api/v1/feeds/1/resume", token: op}, 200},
			{call{method: "POST", path: "/api/v1/documents", token: analystTok, body: `{"id":"posted","text":"Tajik guards said forty Afghan soldiers crossed the Panj river at night."}`}, 201},
			{call{method: "POST", path: "/api/v1/documents", token: analystTok, body: `{"id":"posted","text":"Tajik guards said forty Afghan soldiers crossed the Panj river at night."}`}, 200},
		}
		for _, c := range checks {
			if code, body, _ := do(t, ts, c.c); code != c.code {
				t.Errorf("%s %s (token %.6s): %d, want %d: %s", c.c.method, c.c.path, c.c.token, code, c.code, body)
			}
		}
		// A review through the API is attributed to the user who made it.
		code, body, _ := do(t, ts, call{method: "GET", path: "/api/v1/events/h1", token: analystTok})
		if code != 200 {
			t.Fatal(code, string(body))
		}
		var one struct{ Event borderwatch.Event }
		json.Unmarshal(body, &one)
		one.Event.Modality = borderwatch.Negated
		rev, _ := json.Marshal(one.Event)
		if code, body, _ := do(t, ts, call{method: "PUT", path: "/api/v1/events/h1", token: analystTok, body: string(rev)}); code != 200 || !strings.Contains(string(body), `"updated_by":"anan"`) {
			t.Errorf("review: %d %s", code, body)
		}
		if code, _, _ := do(t, ts, call{method: "DELETE", path: "/api/v1/events/h2", token: readerTok}); code != 403 {
			t.Errorf("reader delete: %d", code)
		}
		if code, _, _ := do(t, ts, call{method: "DELETE", path: "/api/v1/events/h2", token: op}); code != 204 {
			t.Errorf("operator delete: %d", code)
		}
		vs, _ := db.EventVersions(ctx, "h2")
		if last := vs[len(vs)-1]; !last.Deleted || last.CreatedBy != "operator" {
			t.Errorf("tombstone: %+v", last)
		}
	})
	t.Run("public read", func(t *testing.T) {
		ts := serve(t, Config{Store: db, Token: op, PublicRead: true})
		if code, _, _ := do(t, ts, call{method: "GET", path: "/api/v1/events"}); code != 200 {
			t.Errorf("public read: %d", code)
		}
		if code, _, _ := do(t, ts, call{method: "DELETE", path: "/api/v1/feeds/1"}); code != 401 {
			t.Errorf("anonymous write with public read: %d", code)
		}
	})
}

func TestCheckListen(t *testing.T) {
	for _, c := range []struct {
		addr, token string
		users       int
		ok          bool
	}{
		{"127.0.0.1:8080", "", 0, true}, {"[::1]:8080", "", 0, true}, {"localhost:80", "", 0, true},
		{"0.0.0.0:8080", "", 0, false}, {":8080", "", 0, false}, {"10.0.0.5:80", "", 0, false},
		{"0.0.0.0:8080", "secret", 0, true}, {":8080", "", 2, true},
	} {
		if err := CheckListen(c.addr, c.token, c.users); (err == nil) != c.ok {
			t.Errorf("CheckListen(%q, %q, %d) = %v", c.addr, c.token, c.users, err)
		}
	}
}

// TestSyncOverHTTP: a client follows /api/v1/changes from the start while
// four writers insert, reprocess, review and delete; at the end its copy
// equals the server's events.
func TestSyncOverHTTP(t *testing.T) {
	for _, b := range storetest.Backends {
		t.Run(b.Name, func(t *testing.T) {
			db := openStore(t, b.DSN(t))
			ts := serve(t, Config{Store: db})
			ctx := context.Background()
			done := make(chan error, 4)
			writers := []func(i int) error{
				func(i int) error { // insert
					_, err := db.PutEvents(ctx, []borderwatch.Event{handEvent(fmt.Sprintf("w%d", i), "t-crossing", "AID", fmt.Sprintf("2021-07-%02d", 1+i%28), 37, 69, "TJK")})
					return err
				},
				func(i int) error { // reprocess
					_, err := db.ReprocessDocument(ctx, []string{"t-crossing", "t-reservists"}[i%2])
					return err
				},
				func(i int) error { // review
					ev := handEvent(fmt.Sprintf("w%d", i/2), "t-crossing", "AID", "2021-07-09", 37, 69, "TJK")
					ev.Modality = borderwatch.Negated
					_, err := db.ReviewEvent(ctx, ev)
					if err != nil && strings.Contains(err.Error(), "not found") {
						return nil
					}
					return err
				},
				func(i int) error { // delete
					err := db.DeleteEvent(ctx, fmt.Sprintf("w%d", i/3))
					if err != nil && strings.Contains(err.Error(), "not found") {
						return nil
					}
					return err
				},
			}
			for _, w := range writers {
				go func() {
					for i := range 40 {
						if err := w(i); err != nil {
							done <- err
							return
						}
					}
					done <- nil
				}()
			}
			client := map[string]string{}
			cursor := int64(0)
			pull := func() int {
				var page struct {
					Changes []store.Change `json:"changes"`
					Next    int64          `json:"next"`
				}
				getJSON(t, ts, fmt.Sprintf("/api/v1/changes?since=%d&limit=25", cursor), &page)
				for _, c := range page.Changes {
					if c.Deleted {
						delete(client, c.EventID)
					} else {
						b, _ := json.Marshal(c.Event)
						client[c.EventID] = string(b)
					}
				}
				cursor = page.Next
				return len(page.Changes)
			}
			for finished := 0; finished < 4; {
				select {
				case err := <-done:
					if err != nil {
						t.Fatal(err)
					}
					finished++
				default:
					pull()
				}
			}
			for pull() > 0 {
			}
			server := map[string]string{}
			code, body, _ := do(t, ts, call{method: "GET", path: "/api/v1/export?format=plover"})
			if code != 200 {
				t.Fatal(code)
			}
			sc := bufio.NewScanner(bytes.NewReader(body))
			sc.Buffer(nil, 1<<20)
			n := 0
			for sc.Scan() {
				n++
			}
			db.EachEvent(ctx, store.EventFilter{}, func(e store.StoredEvent) error {
				b, _ := json.Marshal(e.Event)
				server[e.ID] = string(b)
				return nil
			})
			if len(server) == 0 || n == 0 {
				t.Fatal("nothing left on the server; the test proves nothing")
			}
			for id, rec := range server {
				if client[id] != rec {
					t.Errorf("%s: client %q, server %q", id, client[id], rec)
				}
			}
			for id := range client {
				if _, ok := server[id]; !ok {
					t.Errorf("%s deleted on the server, kept by the client", id)
				}
			}
		})
	}
}
