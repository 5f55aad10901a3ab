package api

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"borderwatch/internal/actor"
	"borderwatch/internal/incident"
	"borderwatch/internal/service"
	"borderwatch/internal/store"
)

// TestGrades: an analyst grades an outlet's reliability (A-F) and a claim's
// credibility (1-6); readers cannot; the grades are saved with the incidents.
func TestGrades(t *testing.T) {
	db, svc := demoIncidents(t)
	ctx := context.Background()
	_, readerTok, _ := db.AddUser(ctx, "rita", store.RoleReader)
	_, analystTok, _ := db.AddUser(ctx, "anan", store.RoleAnalyst)
	ts := serve(t, Config{Store: db, Incidents: svc, Token: "operator-secret"})

	var sources struct {
		Sources []incident.Outlet `json:"sources"`
	}
	code, b, _ := do(t, ts, call{method: "GET", path: "/api/v1/sources", token: readerTok})
	if code != 200 || json.Unmarshal(b, &sources) != nil || len(sources.Sources) == 0 {
		t.Fatalf("sources: %d %s", code, b)
	}
	outlet := sources.Sources[0].Name
	for _, o := range sources.Sources {
		if o.Grade != "" {
			t.Errorf("%s graded %q before any analyst graded it: grades are never guessed", o.Name, o.Grade)
		}
	}
	body := `{"outlet":"` + outlet + `","grade":"B"}`
	if code, b, _ := do(t, ts, call{method: "POST", path: "/api/v1/sources/grade", token: readerTok, body: body}); code != 403 {
		t.Errorf("a reader grading: %d %s, want 403", code, b)
	}
	if code, b, _ := do(t, ts, call{method: "POST", path: "/api/v1/sources/grade", token: analystTok, body: `{"outlet":"` + outlet + `","grade":"K"}`}); code != 400 {
		t.Errorf("grade K: %d %s, want 400", code, b)
	}
	if code, b, _ := do(t, ts, call{method: "POST", path: "/api/v1/sources/grade", token: analystTok, body: body}); code != 200 || !strings.Contains(string(b), `"grade":"B"`) {
		t.Fatalf("grading %s B: %d %s", outlet, code, b)
	}

	var list struct {
		Incidents []incident.Incident `json:"incidents"`
	}
	code, b, _ = do(t, ts, call{method: "GET", path: "/api/v1/incidents", token: readerTok})
	if code != 200 || json.Unmarshal(b, &list) != nil || len(list.Incidents) == 0 {
		t.Fatalf("incidents: %d %s", code, b)
	}
	ev := list.Incidents[0].Members[0].EventID
	if code, b, _ := do(t, ts, call{method: "POST", path: "/api/v1/events/" + ev + "/credibility", token: analystTok, body: `{"credibility":9}`}); code != 400 {
		t.Errorf("credibility 9: %d %s, want 400", code, b)
	}
	if code, b, _ := do(t, ts, call{method: "POST", path: "/api/v1/events/" + ev + "/credibility", token: analystTok, body: `{"credibility":2}`}); code != 200 {
		t.Fatalf("credibility 2: %d %s", code, b)
	}

	// Both are saved: a service reopened on the store has them.
	dict, _ := actor.Load()
	again, _, err := service.Open(ctx, db, incident.Options{Dict: dict})
	if err != nil {
		t.Fatal(err)
	}
	graded := false
	for _, o := range again.Sources() {
		if o.Name == outlet && o.Grade == "B" {
			graded = true
		}
	}
	if !graded {
		t.Errorf("after reopening, %s has lost its grade", outlet)
	}
	inc, err := again.Get(list.Incidents[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	cred := 0
	for _, m := range inc.Members {
		if m.EventID == ev {
			cred = m.Credibility
		}
	}
	if cred != 2 {
		t.Errorf("after reopening, claim %s has credibility %d, want 2", ev, cred)
	}
}
