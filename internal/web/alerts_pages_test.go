package web

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	"borderwatch"
	"borderwatch/internal/geo"
	"borderwatch/internal/service"
	"borderwatch/internal/store"
)

var (
	gazOnce sync.Once
	gaz     *geo.Gazetteer
	gazErr  error
)

// testGazetteer loads the gazetteer once per test binary.
func testGazetteer(t testing.TB) *geo.Gazetteer {
	t.Helper()
	gazOnce.Do(func() { gaz, gazErr = geo.Load() })
	if gazErr != nil {
		t.Fatal(gazErr)
	}
	return gaz
}

// withAlerts asks newPagesEnv for the alert service.
func withAlerts() Config { return Config{Alerts: &service.Alerts{}} }

func TestAlertsPages(t *testing.T) {
	e := newPagesEnv(t, withAlerts())
	alice := e.as("alice")
	// A bad area is refused with the reason and the form as typed.
	st, body, _ := alice.send("/alerts", "/alerts/areas", url.Values{"name": {"Panj band"}, "kind": {"border"}, "border": {"Narnia-Afghan border"}, "km": {"50"}})
	if st != http.StatusBadRequest || !strings.Contains(body, `value="Panj band"`) || !strings.Contains(body, `id="form-error"`) {
		t.Fatalf("bad area: %d; want 400 with the form kept", st)
	}
	if st, body, _ := alice.send("/alerts", "/alerts/areas", url.Values{"name": {"Panj band"}, "kind": {"border"}, "border": {"Tajik-Afghan border"}, "km": {"50"}}); st != http.StatusSeeOther {
		t.Fatalf("area: %d %s", st, body)
	}
	// A rule starts off; it is replayed over history before it is on.
	if st, body, _ := alice.send("/alerts", "/alerts/rules", url.Values{"name": {"Crossings"}, "on": {"event"}, "types": {"RETREAT"}}); st != http.StatusSeeOther {
		t.Fatalf("rule: %d %s", st, body)
	}
	_, body, _ = alice.get("/alerts")
	m := regexp.MustCompile(`id="rule-([^"]+)"`).FindStringSubmatch(body)
	if m == nil || !strings.Contains(body, "Panj band") || !strings.Contains(body, "<td>off</td>") {
		t.Fatalf("the alerts page does not list the area and the rule, off")
	}
	id := m[1]
	st, body, _ = alice.send("/alerts", "/alerts/rules/"+id+"/replay", url.Values{"since": {"2021-07-01"}})
	n := regexp.MustCompile(`id="replay-count">(\d+)<`).FindStringSubmatch(body)
	if st != http.StatusOK || n == nil || n[1] == "0" {
		t.Fatalf("replay: %d, count %v; want the demo's crossings found", st, n)
	}
	if rules, _ := e.alerts.Alerts(context.Background(), "alice", 0); len(rules) != 0 {
		t.Fatalf("a replay stored %d alerts", len(rules))
	}
	if st, _, _ := alice.send("/alerts", "/alerts/rules/"+id+"/enable", nil); st != http.StatusSeeOther {
		t.Fatalf("enable: %d", st)
	}
	// A matching report fires the rule; the page lists the alert.
	doc := borderwatch.Document{ID: "cross-1", Source: "Test Wire", PublishedRaw: "2021-07-09T08:00:00Z",
		Text: "DUSHANBE, July 9, 2021. About 300 Afghan soldiers crossed the border into Tajikistan near Panj overnight and asked for shelter, the Tajik border service said."}
	if _, err := e.alerts.Ingest(store.WithUser(context.Background(), "test"), doc); err != nil {
		t.Fatal(err)
	}
	_, body, _ = alice.get("/alerts")
	if !strings.Contains(body, `id="recent-alerts"`) || !strings.Contains(body, `href="/documents/cross-1"`) {
		t.Error("the fired alert is not listed")
	}
	// Readers cannot make rules; others cannot delete alice's.
	rita := e.as("rita")
	if st, _, _ := rita.send("/alerts", "/alerts/rules", url.Values{"types": {"ASSAULT"}}); st != http.StatusForbidden {
		t.Errorf("reader rule: %d, want 403", st)
	}
	ada := e.as("ada")
	_, tok, _ := e.db.AddUser(context.Background(), "bob", store.RoleAnalyst)
	bob := e.client()
	bob.login("bob", tok)
	if st, _, _ := bob.send("/alerts", "/alerts/rules/"+id+"/delete", nil); st != http.StatusNotFound && st != http.StatusForbidden {
		t.Errorf("bob deleting alice's rule: %d, want 403 or 404", st)
	}
	if st, _, _ := ada.send("/alerts", "/alerts/rules/"+id+"/delete", nil); st != http.StatusSeeOther {
		t.Errorf("admin delete: %d", st)
	}
	if _, body, _ := alice.get("/alerts"); strings.Contains(body, `id="rule-`+id+`"`) {
		t.Error("deleted rule still listed")
	}
}
