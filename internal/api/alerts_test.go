package api

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"borderwatch/internal/actor"
	"borderwatch/internal/incident"
	"borderwatch/internal/service"
	"borderwatch/internal/store"
	"borderwatch/internal/store/storetest"
	"borderwatch/internal/watch"
)

func TestAlertEndpoints(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(ctx, storetest.SQLiteDSN(t), store.Options{Extractor: storetest.Extractor(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	dict, err := actor.Load()
	if err != nil {
		t.Fatal(err)
	}
	inc, _, err := service.Open(ctx, db, incident.Options{Dict: dict})
	if err != nil {
		t.Fatal(err)
	}
	alerts, err := service.OpenAlerts(ctx, db, service.AlertsOptions{Incidents: inc})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { alerts.Close(ctx) })
	_, ana, _ := db.AddUser(ctx, "ana", store.RoleAnalyst)
	_, bo, _ := db.AddUser(ctx, "bo", store.RoleAnalyst)
	_, rita, _ := db.AddUser(ctx, "rita", store.RoleReader)
	const op = "operator-token"
	ts := serve(t, Config{Store: db, Token: op, Incidents: inc, Alerts: alerts})

	// Without the service the routes say so.
	bare := serve(t, Config{Store: db})
	if code, b, _ := do(t, bare, call{method: "GET", path: "/api/v1/rules"}); code != http.StatusServiceUnavailable {
		t.Errorf("rules without the alert service: %d %s", code, b)
	}

	expect := func(c call, want int) []byte {
		t.Helper()
		code, b, _ := do(t, ts, c)
		if code != want {
			t.Fatalf("%s %s: %d %s, want %d", c.method, c.path, code, b, want)
		}
		return b
	}
	expect(call{method: "POST", path: "/api/v1/watch-areas", token: ana,
		body: `{"name":"border-30","kind":"border","border":"AFG-TJK","km":30}`}, http.StatusCreated)
	expect(call{method: "POST", path: "/api/v1/watch-areas", token: ana,
		body: `{"name":"wide","kind":"border","border":"AFG-TJK","km":-3}`}, http.StatusBadRequest)
	expect(call{method: "POST", path: "/api/v1/watch-areas", token: ana,
		body: `{"name":"border-30","kind":"radius","lat":37,"lon":71,"km":5}`}, http.StatusConflict)
	var areas struct{ Areas []watch.Area }
	if err := json.Unmarshal(expect(call{method: "GET", path: "/api/v1/watch-areas", token: rita}, 200), &areas); err != nil || len(areas.Areas) != 1 {
		t.Fatalf("areas %+v (%v)", areas, err)
	}

	rule := `{"id":"border","watch":"border-30","types":["ASSAULT","MOBILIZE"],"webhook":"https://ops.example.org/hook","secret":"s"}`
	expect(call{method: "POST", path: "/api/v1/rules", token: rita, body: rule}, http.StatusForbidden)
	expect(call{method: "POST", path: "/api/v1/rules", token: ana, body: `{"id":"x","shared":true,"types":["ASSAULT"]}`}, http.StatusForbidden)
	expect(call{method: "POST", path: "/api/v1/rules", token: ana, body: `{"id":"x","watch":"nowhere"}`}, http.StatusBadRequest)
	var info service.RuleInfo
	if err := json.Unmarshal(expect(call{method: "POST", path: "/api/v1/rules", token: ana, body: rule}, http.StatusCreated), &info); err != nil {
		t.Fatal(err)
	}
	if info.Owner != "ana" || !info.Active || info.Secret != "" || info.Delivery == nil {
		t.Errorf("created rule %+v: owned by the caller, active by default, secret hidden, webhook status shown", info)
	}
	expect(call{method: "POST", path: "/api/v1/rules", token: op, body: `{"id":"all-mob","shared":true,"types":["MOBILIZE"]}`}, http.StatusCreated)
	var rules struct{ Rules []service.RuleInfo }
	json.Unmarshal(expect(call{method: "GET", path: "/api/v1/rules", token: bo}, 200), &rules)
	if len(rules.Rules) != 1 || rules.Rules[0].ID != "all-mob" {
		t.Errorf("bo sees %+v, want only the shared rule", rules.Rules)
	}

	// Live streams, then a report posted through the API fires ana's
	// private rule: ana sees the alert on her stream, rita (a reader) does
	// not; the next alert rita sees is the shared rule's.
	openStream := func(token string) <-chan string {
		req, _ := http.NewRequestWithContext(ctx, "GET", ts.URL+"/api/v1/stream?kinds=alert", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := ts.Client().Do(req)
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("stream: %v %v", err, resp)
		}
		t.Cleanup(func() { resp.Body.Close() })
		got := make(chan string, 4)
		go func() {
			sc := bufio.NewScanner(resp.Body)
			for sc.Scan() {
				if strings.HasPrefix(sc.Text(), "data: ") {
					got <- strings.TrimPrefix(sc.Text(), "data: ")
				}
			}
		}()
		return got
	}
	next := func(who string, got <-chan string) watch.Alert {
		t.Helper()
		select {
		case data := <-got:
			var a watch.Alert
			if err := json.Unmarshal([]byte(data), &a); err != nil {
				t.Fatalf("%s's stream carried %s (%v)", who, data, err)
			}
			return a
		case <-time.After(10 * time.Second):
			t.Fatalf("no alert on %s's stream", who)
		}
		return watch.Alert{}
	}
	anaStream, ritaStream := openStream(ana), openStream(rita)
	expect(call{method: "POST", path: "/api/v1/documents", token: ana, body: `{"id":"t-alert-1","title":"Post attacked",
		"published":"2021-07-05","text":"Taliban fighters attacked an Afghan army post in Ishkashim district on Monday, local officials said."}`}, http.StatusCreated)
	if a := next("ana", anaStream); a.RuleID != "border" || a.Revision != 1 {
		t.Errorf("ana's stream carried %+v, want her rule's first alert", a)
	}
	expect(call{method: "POST", path: "/api/v1/documents", token: ana, body: `{"id":"t-alert-2","title":"Reservists called up",
		"published":"2021-07-06","text":"Tajikistan mobilised 20,000 reservists in Dushanbe on Tuesday, the Defence Ministry said."}`}, http.StatusCreated)
	if a := next("rita", ritaStream); a.RuleID != "all-mob" {
		t.Errorf("rita's stream carried %+v; a reader must see only the shared rule's alerts", a)
	}

	var list struct{ Alerts []watch.Alert }
	json.Unmarshal(expect(call{method: "GET", path: "/api/v1/alerts", token: ana}, 200), &list)
	if len(list.Alerts) != 2 {
		t.Errorf("ana's alerts: %+v, want her rule's and the shared one", list.Alerts)
	}
	json.Unmarshal(expect(call{method: "GET", path: "/api/v1/alerts", token: bo}, 200), &list)
	if len(list.Alerts) != 1 || list.Alerts[0].RuleID != "all-mob" {
		t.Errorf("bo sees %+v, want only the shared rule's alert", list.Alerts)
	}
	expect(call{method: "GET", path: "/api/v1/alerts?limit=0", token: bo}, http.StatusBadRequest)

	var replay struct{ Alerts []watch.Alert }
	json.Unmarshal(expect(call{method: "POST", path: "/api/v1/rules/border/test?since=2021-07-01", token: ana}, 200), &replay)
	if len(replay.Alerts) != 1 || replay.Alerts[0].RuleID != "border" {
		t.Errorf("replay: %+v", replay.Alerts)
	}
	expect(call{method: "POST", path: "/api/v1/rules/border/test?since=July", token: ana}, http.StatusBadRequest)
	expect(call{method: "POST", path: "/api/v1/rules/border/test", token: bo}, http.StatusNotFound)

	expect(call{method: "POST", path: "/api/v1/rules/all-mob/disable", token: bo}, http.StatusForbidden)
	json.Unmarshal(expect(call{method: "POST", path: "/api/v1/rules/border/disable", token: ana}, 200), &info)
	if info.Active {
		t.Error("disabled rule still active")
	}
	expect(call{method: "DELETE", path: "/api/v1/rules/border", token: bo}, http.StatusNotFound)
	expect(call{method: "DELETE", path: "/api/v1/rules/border", token: ana}, http.StatusNoContent)
	expect(call{method: "DELETE", path: "/api/v1/rules/border", token: ana}, http.StatusNotFound)

	spec := string(expect(call{method: "GET", path: "/api/v1/openapi.json", token: rita}, 200))
	for _, p := range []string{"/api/v1/watch-areas", "/api/v1/rules", "/api/v1/rules/{id}", "/api/v1/rules/{id}/test", "/api/v1/alerts", "/api/v1/stream"} {
		if !strings.Contains(spec, `"`+p+`"`) {
			t.Errorf("openapi.json does not describe %s", p)
		}
	}
}
