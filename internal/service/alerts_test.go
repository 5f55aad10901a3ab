package service

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"borderwatch"
	"borderwatch/internal/incident"
	"borderwatch/internal/notify"
	"borderwatch/internal/store"
	"borderwatch/internal/store/storetest"
	"borderwatch/internal/watch"
)

// Reports written for these tests.
var alertDocs = map[string]borderwatch.Document{
	"talks": {ID: "t-talks", Source: "Wire One", Title: "Cotton talks",
		Text: "Tajikistan and Kazakhstan signed a cotton agreement in Dushanbe on Monday, the ministry said."},
	"post": {ID: "t-post", Source: "Wire One", Title: "Army post attacked",
		Text: "Taliban fighters attacked an Afghan army post in Ishkashim district on Monday, local officials said."},
	"post2": {ID: "t-post2", Source: "Wire Two", Title: "Fighting at Ishkashim",
		Text: "Taliban fighters attacked an Afghan army post in Ishkashim district on Monday, a police spokesman told reporters."},
	"khwahan": {ID: "t-khwahan", Source: "Wire Four", Title: "Second post attacked",
		Text: "Taliban fighters attacked an Afghan border post in Khwahan district on Thursday, local officials said."},
	"call": {ID: "t-call", Source: "Wire Three", Title: "Reservists called up",
		Text: "Tajikistan mobilized 20,000 reservists on July 7 to reinforce its border with Afghanistan, the defence ministry said."},
}

func published(d borderwatch.Document, day int) borderwatch.Document {
	d.Published = time.Date(2021, 7, day, 8, 0, 0, 0, time.UTC)
	return d
}

// hookLog is a webhook receiver on loopback that verifies signatures.
type hookLog struct {
	mu     sync.Mutex
	keys   []string
	badSig int
}

func (h *hookLog) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	h.mu.Lock()
	defer h.mu.Unlock()
	if err := notify.Verify([]byte("hook-secret"), r.Header.Get(notify.SignatureHeader), body, time.Now(), 0); err != nil {
		h.badSig++
		http.Error(w, err.Error(), http.StatusUnauthorized)
		return
	}
	h.keys = append(h.keys, r.Header.Get(notify.IdempotencyHeader))
}

func (h *hookLog) got() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.keys)
}

func openAlerts(t *testing.T, db *store.DB) (*Alerts, *Incidents) {
	t.Helper()
	ctx := context.Background()
	inc, _, err := Open(ctx, db, incident.Options{Dict: dict(t)})
	if err != nil {
		t.Fatal(err)
	}
	a, err := OpenAlerts(ctx, db, AlertsOptions{Incidents: inc,
		Notify: notify.Options{AllowPrivate: true, InitialBackoff: 5 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	return a, inc
}

func alertKeys(as []watch.Alert) []string {
	var ks []string
	for _, a := range as {
		ks = append(ks, a.Key)
	}
	slices.Sort(ks)
	return ks
}

func TestAlertsFireOnceAcrossRestartCatchUpAndReprocess(t *testing.T) {
	for _, b := range storetest.Backends {
		t.Run(b.Name, func(t *testing.T) {
			ctx := context.Background()
			hooks := &hookLog{}
			srv := httptest.NewServer(hooks)
			defer srv.Close()
			db := openStore(t, b.DSN(t))
			a, _ := openAlerts(t, db)

			if err := a.AddArea(ctx, "ana", watch.Area{Name: "border-30", Kind: watch.AreaBorder, Border: "TJK-AFG", Km: 30}); err != nil {
				t.Fatal(err)
			}
			if err := a.AddArea(ctx, "ana", watch.Area{Name: "nowhere", Kind: watch.AreaBorder, Border: "AFG-XXX", Km: 30}); !errors.Is(err, store.ErrInvalid) {
				t.Errorf("an area on an unknown border: err %v, want ErrInvalid", err)
			}
			border, err := a.AddRule(ctx, "ana", watch.Rule{ID: "border", Active: true, Watch: "border-30",
				Types: []string{"MOBILIZE", "ASSAULT", "COERCE"}}, srv.URL+"/hook", "hook-secret")
			if err != nil {
				t.Fatal(err)
			}
			if border.Secret != "" || border.Delivery == nil || border.Delivery.URL != srv.URL+"/hook" {
				t.Errorf("rule info %+v: secret must be hidden and the webhook's status shown", border)
			}
			if _, err := a.AddRule(ctx, "bo", watch.Rule{ID: "kw", Active: true, Keywords: []string{"Ишкашим"}}, "", ""); err != nil {
				t.Fatal(err)
			}
			if _, err := a.AddRule(ctx, "bo", watch.Rule{ID: "shared-mob", Shared: true, Active: true, Types: []string{"MOBILIZE"}}, "", ""); err != nil {
				t.Fatal(err)
			}
			for _, bad := range []struct {
				r            watch.Rule
				hook, secret string
				what         string
			}{
				{watch.Rule{ID: "x1", Active: true, Watch: "no-such-area"}, "", "", "unknown area"},
				{watch.Rule{ID: "x2", Active: true, Types: []string{"PARADE"}}, "", "", "unknown type"},
				{watch.Rule{ID: "x3", Active: true}, "https://example.org/hook", "", "webhook without secret"},
				{watch.Rule{ID: "x4", Active: true}, "ftp://example.org/", "s", "webhook not http"},
				{watch.Rule{ID: "border", Active: true}, "", "", "duplicate id"},
			} {
				_, err := a.AddRule(ctx, "ana", bad.r, bad.hook, bad.secret)
				if err == nil || !(errors.Is(err, store.ErrInvalid) || errors.Is(err, store.ErrConflict)) {
					t.Errorf("%s: err %v, want invalid or conflict", bad.what, err)
				}
			}

			for _, k := range []string{"talks", "post"} {
				if created, err := a.Ingest(ctx, published(alertDocs[k], 5)); err != nil || !created {
					t.Fatalf("ingest %s: %v, %v", k, created, err)
				}
			}
			fired, err := a.Alerts(ctx, "ana", 0)
			if err != nil {
				t.Fatal(err)
			}
			if len(fired) != 1 || fired[0].RuleID != "border" || fired[0].Revision != 1 || len(fired[0].Evidence) == 0 {
				t.Fatalf("ana's alerts after the attack: %+v", fired)
			}
			boAlerts, _ := a.Alerts(ctx, "bo", 0)
			if len(boAlerts) != 1 || boAlerts[0].RuleID != "kw" {
				t.Fatalf("bo's keyword rule (Cyrillic keyword, English report): %+v", boAlerts)
			}
			if a.Hub().LastID() < 3 {
				t.Errorf("stream carried %d messages, want the events and alerts", a.Hub().LastID())
			}
			deadline := time.Now().Add(10 * time.Second)
			for len(hooks.got()) < 1 && time.Now().Before(deadline) {
				time.Sleep(5 * time.Millisecond)
			}
			if got := hooks.got(); len(got) != 1 || got[0] != fired[0].Key+"#1" || hooks.badSig != 0 {
				t.Fatalf("webhook got %v (bad signatures %d), want %s#1", got, hooks.badSig, fired[0].Key)
			}

			// A second report of the same attack updates the alert, never
			// a second alert.
			if _, err := a.Ingest(ctx, published(alertDocs["post2"], 5)); err != nil {
				t.Fatal(err)
			}
			after, _ := a.Alerts(ctx, "ana", 0)
			if len(after) != 1 || after[0].Key != fired[0].Key {
				t.Fatalf("after the second report ana has %v, want only %s updated", alertKeys(after), fired[0].Key)
			}
			if err := a.Close(ctx); err != nil {
				t.Fatal(err)
			}

			// Restart; a document stored behind the server's back (the
			// batch ingest) is caught up and fires; the rest do not.
			if _, err := db.Ingest(ctx, published(alertDocs["call"], 7)); err != nil {
				t.Fatal(err)
			}
			stored := func() []store.StoredAlert {
				all, err := db.Alerts(ctx, store.AlertQuery{All: true})
				if err != nil {
					t.Fatal(err)
				}
				return all
			}
			before := stored()
			a, inc := openAlerts(t, db)
			defer a.Close(ctx)
			now := stored()
			if len(now) != len(before)+2 {
				t.Errorf("catch-up stored %d new alerts, want 2 (border and shared MOBILIZE)", len(now)-len(before))
			}
			again, err := a.Reevaluate(ctx)
			if err != nil || len(again) != 0 {
				t.Errorf("reevaluating everything fired %v (%v)", alertKeys(again), err)
			}
			if _, err := a.CatchUp(ctx); err != nil {
				t.Fatal(err)
			}
			if created, err := a.Ingest(ctx, published(alertDocs["post"], 5)); err != nil || created {
				t.Errorf("the same report again: created %v, %v", created, err)
			}
			final := stored()
			if len(final) != len(now) {
				t.Errorf("%d alerts after reevaluating, want %d", len(final), len(now))
			}
			for i := range final {
				if final[i].Revision != now[i].Revision {
					t.Errorf("alert %s went from revision %d to %d with nothing new", final[i].Key, now[i].Revision, final[i].Revision)
				}
			}
			_ = inc

			// Visibility and ownership.
			rs, _ := a.Rules(ctx, "ana", false)
			var ids []string
			for _, r := range rs {
				ids = append(ids, r.ID)
			}
			if !slices.Equal(ids, []string{"border", "shared-mob"}) {
				t.Errorf("ana sees rules %v, want her own and the shared one", ids)
			}
			if all, _ := a.Rules(ctx, "ana", true); len(all) != 3 {
				t.Errorf("an admin sees %d rules, want 3", len(all))
			}
			if err := a.DeleteRule(ctx, "ana", false, "kw"); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("deleting another's private rule: %v, want not found", err)
			}
			if err := a.SetEnabled(ctx, "ana", false, "shared-mob", false); !errors.Is(err, ErrForbidden) {
				t.Errorf("switching off another's shared rule: %v, want forbidden", err)
			}

			// Replay: what the keyword rule would have fired, stored or not.
			n := len(stored())
			replayed, err := a.Test(ctx, "kw", time.Date(2021, 7, 1, 0, 0, 0, 0, time.UTC))
			if err != nil {
				t.Fatal(err)
			}
			if got := alertKeys(replayed); !slices.Equal(got, []string{"r:kw|doc:t-post", "r:kw|doc:t-post2"}) {
				t.Errorf("replay of kw: %v", got)
			}
			if late, _ := a.Test(ctx, "kw", time.Date(2021, 7, 6, 0, 0, 0, 0, time.UTC)); len(late) != 0 {
				t.Errorf("replay since July 6 fired %v", alertKeys(late))
			}
			if len(stored()) != n {
				t.Error("a replay stored alerts")
			}
			if _, err := a.Test(ctx, "nope", time.Time{}); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("replaying an unknown rule: %v", err)
			}
			if err := a.SetEnabled(ctx, "bo", false, "kw", false); err != nil {
				t.Fatal(err)
			}
			if err := a.DeleteRule(ctx, "ana", false, "border"); err != nil {
				t.Fatal(err)
			}
			rs, _ = a.Rules(ctx, "bo", false)
			if len(rs) != 2 || rs[0].ID != "kw" || rs[0].Active {
				t.Fatalf("bo's rules after switching kw off: %+v", rs)
			}
			// Rules come out as JSON the web page can read, without secrets.
			if b, err := json.Marshal(rs[0]); err != nil || !strings.Contains(string(b), `"id":"kw"`) || strings.Contains(string(b), "secret") {
				t.Errorf("rule JSON %s (%v)", b, err)
			}
		})
	}
}

// Rules and areas added by another process (the CLI) reach a running
// server at its next Reload; a rule switched off there stops firing.
func TestAlertsReloadPicksUpRulesFromAnotherProcess(t *testing.T) {
	ctx := context.Background()
	db := openStore(t, storetest.SQLiteDSN(t))
	server, _ := openAlerts(t, db)
	defer server.Close(ctx)
	cli, err := OpenAlerts(ctx, db, AlertsOptions{Offline: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := cli.AddArea(ctx, "local", watch.Area{Name: "border-30", Kind: watch.AreaBorder, Border: "AFG-TJK", Km: 30}); err != nil {
		t.Fatal(err)
	}
	if _, err := cli.AddRule(ctx, "local", watch.Rule{ID: "border", Active: true, Watch: "border-30", Types: []string{"ASSAULT"}}, "", ""); err != nil {
		t.Fatal(err)
	}
	if err := cli.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if st, _ := db.LoadWatchState(ctx); st != nil {
		t.Errorf("a command that only added a rule saved the engine's state over the server's: %s", st)
	}
	if err := server.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := server.Ingest(ctx, published(alertDocs["post"], 5)); err != nil {
		t.Fatal(err)
	}
	if got, _ := server.Alerts(ctx, "local", 0); len(got) != 1 {
		t.Fatalf("after reloading, the attack fired %d alerts, want 1", len(got))
	}
	if err := db.SetAlertRuleEnabled(ctx, "border", false); err != nil {
		t.Fatal(err)
	}
	if err := server.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := server.Ingest(ctx, published(alertDocs["khwahan"], 8)); err != nil {
		t.Fatal(err)
	}
	if got, _ := server.Alerts(ctx, "local", 0); len(got) != 1 || got[0].Revision != 1 {
		t.Errorf("a rule switched off fired or updated: %+v", got)
	}
}
