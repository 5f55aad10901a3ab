package api

import (
	"context"
	"testing"

	"encoding/csv"
	"encoding/json"
	"strings"

	"borderwatch/internal/actor"
	"borderwatch/internal/demo"
	"borderwatch/internal/incident"
	"borderwatch/internal/service"
	"borderwatch/internal/store"
	"borderwatch/internal/store/storetest"
)

// demoIncidents opens a store with the demo reports ingested and the
// incident service over it.
func demoIncidents(t *testing.T) (*store.DB, *service.Incidents) {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, storetest.SQLiteDSN(t), store.Options{Extractor: storetest.Extractor(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	docs, err := demo.Reports()
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range docs {
		if _, err := db.Ingest(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	dict, err := actor.Load()
	if err != nil {
		t.Fatal(err)
	}
	svc, rep, err := service.Open(ctx, db, incident.Options{Dict: dict})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Added != len(docs) {
		t.Fatalf("the service grouped %d of the %d demo reports", rep.Added, len(docs))
	}
	return db, svc
}

type incidentList struct {
	Total     int                 `json:"total"`
	Incidents []incident.Incident `json:"incidents"`
}

func TestIncidentEndpoints(t *testing.T) {
	db, svc := demoIncidents(t)
	ctx := context.Background()
	_, readerTok, _ := db.AddUser(ctx, "rita", store.RoleReader)
	_, analystTok, _ := db.AddUser(ctx, "anan", store.RoleAnalyst)
	ts := serve(t, Config{Store: db, Incidents: svc, Token: "operator-secret"})
	get := func(path string, v any) {
		t.Helper()
		code, b, _ := do(t, ts, call{method: "GET", path: path, token: readerTok})
		if code != 200 {
			t.Fatalf("GET %s: %d %s", path, code, b)
		}
		if err := json.Unmarshal(b, v); err != nil {
			t.Fatalf("GET %s: %v: %s", path, err, b)
		}
	}

	var all incidentList
	get("/api/v1/incidents", &all)
	if all.Total == 0 || len(all.Incidents) != all.Total {
		t.Fatalf("incidents: total %d, %d listed", all.Total, len(all.Incidents))
	}

	t.Run("described in openapi.json", func(t *testing.T) {
		var spec struct {
			Paths map[string]map[string]any `json:"paths"`
		}
		get("/api/v1/openapi.json", &spec)
		for path, method := range map[string]string{"/api/v1/incidents": "get", "/api/v1/incidents/{id}": "get",
			"/api/v1/incidents/{id}/merge": "post", "/api/v1/incidents/{id}/split": "post", "/api/v1/control": "get"} {
			if spec.Paths[path][method] == nil {
				t.Errorf("openapi.json lacks %s %s", method, path)
			}
		}
	})

	t.Run("filters", func(t *testing.T) {
		var l incidentList
		get("/api/v1/incidents?min_sources=2", &l)
		if l.Total == 0 || l.Total >= all.Total {
			t.Fatalf("min_sources=2 kept %d of %d", l.Total, all.Total)
		}
		for _, inc := range l.Incidents {
			if inc.Independent < 2 {
				t.Errorf("%s has %d independent sources, below min_sources=2", inc.ID, inc.Independent)
			}
		}
		get("/api/v1/incidents?type=retreat&since=2021-07-01&until=2021-07-31", &l)
		if l.Total == 0 {
			t.Fatal("no RETREAT incident in July 2021")
		}
		for _, inc := range l.Incidents {
			if inc.Event != "RETREAT" {
				t.Errorf("type=retreat listed %s, a %s", inc.ID, inc.Event)
			}
		}
		get("/api/v1/incidents?since=2030-01-01", &l)
		if l.Total != 0 || l.Incidents == nil {
			t.Fatalf("since 2030: %d incidents, list %v; want an empty list", l.Total, l.Incidents)
		}
		get("/api/v1/incidents?near=Tajik-Afghan+border&km=50", &l)
		if l.Total == 0 {
			t.Fatal("no incident within 50 km of the Tajik-Afghan border")
		}
		for _, inc := range l.Incidents {
			if p := inc.Place; p == nil || p.Border == nil || *p.Border != "AFG-TJK" || p.BorderKm == nil || *p.BorderKm > 50 {
				t.Errorf("%s is not within 50 km of the Tajik-Afghan border: %+v", inc.ID, inc.Place)
			}
		}
		get("/api/v1/incidents?limit=2&offset=1", &l)
		if l.Total != all.Total || len(l.Incidents) != 2 || l.Incidents[0].ID != all.Incidents[1].ID {
			t.Fatalf("limit=2&offset=1: total %d, %d listed", l.Total, len(l.Incidents))
		}
		var fc struct {
			Type     string `json:"type"`
			Features []struct {
				ID         string         `json:"id"`
				Properties map[string]any `json:"properties"`
			} `json:"features"`
		}
		get("/api/v1/incidents?format=geojson", &fc)
		if fc.Type != "FeatureCollection" || len(fc.Features) != all.Total || fc.Features[0].ID != all.Incidents[0].ID {
			t.Fatalf("geojson: %s with %d features, want %d", fc.Type, len(fc.Features), all.Total)
		}
	})

	t.Run("one incident with its disagreement", func(t *testing.T) {
		var id string
		for _, inc := range all.Incidents {
			if service.Disagreeing(inc) > 0 {
				id = inc.ID
				break
			}
		}
		if id == "" {
			t.Fatal("the demo reports' conflicting numbers gave no disagreeing incident")
		}
		var inc incident.Incident
		get("/api/v1/incidents/"+id, &inc)
		if inc.ID != id || len(inc.Members) == 0 || len(inc.Sources) < 2 || inc.Independent < 2 {
			t.Fatalf("incident %s: %d members, %d sources, %d independent", inc.ID, len(inc.Members), len(inc.Sources), inc.Independent)
		}
		for _, m := range inc.Members {
			if m.Evidence == "" || m.DocID == "" {
				t.Errorf("member %s has no evidence or document", m.EventID)
			}
		}
		var d *incident.Disagreement
		for i := range inc.Disagreements {
			if inc.Disagreements[i].Disagree {
				d = &inc.Disagreements[i]
			}
		}
		if d == nil || len(d.Values) < 2 || d.Best == "" {
			t.Fatalf("no disagreement with two values and a best: %+v", inc.Disagreements)
		}
		for _, v := range d.Values {
			if len(v.Outlets) == 0 || len(v.Docs) == 0 {
				t.Errorf("%s value %q has no sources", d.Field, v.Value)
			}
		}
	})

	t.Run("control", func(t *testing.T) {
		var c struct {
			At     string             `json:"at"`
			Places []incident.Control `json:"places"`
		}
		get("/api/v1/control?region=&at=2021-07-31", &c)
		if c.At != "2021-07-31" || c.Places == nil {
			t.Fatalf("control: %+v", c)
		}
		code, b, h := do(t, ts, call{method: "GET", path: "/api/v1/control?at=2021-07-31&format=csv", token: readerTok})
		rows, err := csv.NewReader(strings.NewReader(string(b))).ReadAll()
		if code != 200 || err != nil || !strings.HasPrefix(h.Get("Content-Type"), "text/csv") || len(rows) != len(c.Places)+1 {
			t.Fatalf("control csv: %d %v %q, %d rows for %d places", code, err, h.Get("Content-Type"), len(rows), len(c.Places))
		}
		var fc struct {
			Type     string `json:"type"`
			Features []any  `json:"features"`
		}
		get("/api/v1/control?at=2021-07-31&format=geojson", &fc)
		if fc.Type != "FeatureCollection" || len(fc.Features) != len(c.Places) {
			t.Fatalf("control geojson: %s with %d features for %d places", fc.Type, len(fc.Features), len(c.Places))
		}
	})

	t.Run("errors", func(t *testing.T) {
		for _, c := range []struct {
			c    call
			code int
		}{
			{call{method: "GET", path: "/api/v1/incidents/inc-none", token: readerTok}, 404},
			{call{method: "GET", path: "/api/v1/incidents?since=July", token: readerTok}, 400},
			{call{method: "GET", path: "/api/v1/incidents?near=Martian+border", token: readerTok}, 400},
			{call{method: "GET", path: "/api/v1/incidents?km=5", token: readerTok}, 400},
			{call{method: "GET", path: "/api/v1/incidents?min_sources=-1", token: readerTok}, 400},
			{call{method: "GET", path: "/api/v1/incidents?format=kml", token: readerTok}, 400},
			{call{method: "GET", path: "/api/v1/incidents?colour=red", token: readerTok}, 400},
			{call{method: "GET", path: "/api/v1/control?at=yesterday", token: readerTok}, 400},
			{call{method: "GET", path: "/api/v1/incidents", token: ""}, 401},
			{call{method: "POST", path: "/api/v1/incidents/" + all.Incidents[0].ID + "/merge", token: readerTok, body: `{"from":["x"]}`}, 403},
			{call{method: "POST", path: "/api/v1/incidents/" + all.Incidents[0].ID + "/merge", token: analystTok, body: `{"from":[]}`}, 400},
			{call{method: "POST", path: "/api/v1/incidents/" + all.Incidents[0].ID + "/merge", token: analystTok, body: `{"from":["inc-none"]}`}, 404},
			{call{method: "POST", path: "/api/v1/incidents/" + all.Incidents[0].ID + "/split", token: analystTok, body: `{"events":"e1"}`}, 400},
		} {
			if code, b, _ := do(t, ts, c.c); code != c.code {
				t.Errorf("%s %s: %d %s, want %d", c.c.method, c.c.path, code, b, c.code)
			}
		}
		var act, denial string
		for _, inc := range all.Incidents {
			switch {
			case inc.Modality == "negated" && denial == "":
				denial = inc.ID
			case inc.Modality == "asserted" && act == "":
				act = inc.ID
			}
		}
		code, b, _ := do(t, ts, call{method: "POST", path: "/api/v1/incidents/" + act + "/merge", token: analystTok, body: `{"from":["` + denial + `"]}`})
		if code != 409 || !strings.Contains(string(b), "never merged") {
			t.Errorf("merging a denial into an act: %d %s, want 409 saying why", code, b)
		}
		noService := serve(t, Config{Store: db})
		if code, b, _ := do(t, noService, call{method: "GET", path: "/api/v1/incidents"}); code != 503 {
			t.Errorf("without an incident service: %d %s, want 503", code, b)
		}
	})

	t.Run("merge and split are recorded", func(t *testing.T) {
		var into, from string
		for _, inc := range all.Incidents {
			if inc.Event == "AGREE" && inc.Modality == "asserted" {
				if into == "" {
					into = inc.ID
				} else if from == "" {
					from = inc.ID
				}
			}
		}
		if from == "" {
			t.Fatal("the demo reports gave fewer than two asserted AGREE incidents to merge")
		}
		code, b, _ := do(t, ts, call{method: "POST", path: "/api/v1/incidents/" + into + "/merge", token: analystTok, body: `{"from":["` + from + `"]}`})
		var merged incident.Incident
		if code != 200 || json.Unmarshal(b, &merged) != nil {
			t.Fatalf("merge: %d %s", code, b)
		}
		last := merged.Decisions[len(merged.Decisions)-1]
		if last.Kind != "merge" || last.User != "anan" {
			t.Fatalf("merge recorded as %+v, want kind merge by anan", last)
		}
		var gone incident.Incident
		get("/api/v1/incidents/"+from, &gone)
		if gone.MergedInto != into {
			t.Fatalf("%s merged into %q, want %s", from, gone.MergedInto, into)
		}
		var l incidentList
		get("/api/v1/incidents", &l)
		if l.Total != all.Total-1 {
			t.Fatalf("%d incidents after the merge, want %d", l.Total, all.Total-1)
		}
		// The decision is saved: a service reopened on the store sees it.
		dict, _ := actor.Load()
		again, _, err := service.Open(ctx, db, incident.Options{Dict: dict})
		if err != nil {
			t.Fatal(err)
		}
		if inc, _ := again.Get(from); inc.MergedInto != into {
			t.Fatalf("after reopening, %s merged into %q, want %s", from, inc.MergedInto, into)
		}

		ev := merged.Members[len(merged.Members)-1].EventID
		code, b, _ = do(t, ts, call{method: "POST", path: "/api/v1/incidents/" + into + "/split", token: analystTok, body: `{"events":["` + ev + `"]}`})
		var split incident.Incident
		if code != 201 || json.Unmarshal(b, &split) != nil || len(split.Members) != 1 || split.Members[0].EventID != ev {
			t.Fatalf("split: %d %s", code, b)
		}
		if d := split.Decisions[len(split.Decisions)-1]; d.Kind != "split" || d.User != "anan" {
			t.Fatalf("split recorded as %+v", d)
		}
	})

	t.Run("a posted document is grouped at once", func(t *testing.T) {
		body := `{"id":"posted-retreat","source":"Pamir Courier","published":"2021-07-05","text":"KHOROG, July 5 - About two hundred Afghan soldiers crossed the Panj river into Tajikistan on Sunday night, Tajik border guards said."}`
		code, b, _ := do(t, ts, call{method: "POST", path: "/api/v1/documents", token: analystTok, body: body})
		if code != 201 {
			t.Fatalf("post document: %d %s", code, b)
		}
		found := false
		for _, inc := range svc.List(service.Query{}) {
			for _, m := range inc.Members {
				found = found || m.DocID == "posted-retreat"
			}
		}
		if !found {
			t.Fatal("the posted document's events joined no incident")
		}
	})
}
