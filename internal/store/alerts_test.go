package store

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"testing"
	"time"

	"borderwatch"
)

func TestWatchAreas(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		if as, err := db.WatchAreas(ctx); err != nil || len(as) != 0 {
			t.Fatalf("fresh database: %v, %v", as, err)
		}
		def := json.RawMessage(`{"name":"border-30","kind":"border","border":"AFG-TJK","km":30}`)
		if err := db.AddWatchArea(ctx, WatchArea{Name: "border-30", Owner: "ana", Definition: def}); err != nil {
			t.Fatal(err)
		}
		if err := db.AddWatchArea(ctx, WatchArea{Name: "khorog", Owner: "bo", Definition: json.RawMessage(`{"kind":"radius"}`)}); err != nil {
			t.Fatal(err)
		}
		if err := db.AddWatchArea(ctx, WatchArea{Name: "border-30", Owner: "bo", Definition: def}); !errors.Is(err, ErrConflict) {
			t.Errorf("a second area of the same name: err %v, want ErrConflict", err)
		}
		for _, bad := range []WatchArea{{Name: " ", Owner: "ana", Definition: def}, {Name: "x", Owner: "ana", Definition: json.RawMessage(`{not json`)}} {
			if err := db.AddWatchArea(ctx, bad); !errors.Is(err, ErrInvalid) {
				t.Errorf("area %+v: err %v, want ErrInvalid", bad, err)
			}
		}
		as, err := db.WatchAreas(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(as) != 2 || as[0].Name != "border-30" || as[0].Owner != "ana" || as[1].Name != "khorog" {
			t.Fatalf("areas %+v, want border-30 (ana) then khorog", as)
		}
		var back map[string]any
		if err := json.Unmarshal(as[0].Definition, &back); err != nil || back["border"] != "AFG-TJK" || back["km"] != 30.0 {
			t.Errorf("definition came back as %s (%v)", as[0].Definition, err)
		}
		if as[0].CreatedAt.IsZero() {
			t.Error("no creation time")
		}
	})
}

func TestAlertRules(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		def := json.RawMessage(`{"types":["ASSAULT"]}`)
		r1 := AlertRule{ID: "r1", Owner: "ana", Definition: def, Webhook: "https://example.org/hook", Secret: "s1", Enabled: true}
		r2 := AlertRule{ID: "r2", Owner: "bo", Shared: true, Definition: def}
		for _, r := range []AlertRule{r1, r2} {
			if err := db.AddAlertRule(ctx, r); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.AddAlertRule(ctx, r1); !errors.Is(err, ErrConflict) {
			t.Errorf("same id twice: err %v, want ErrConflict", err)
		}
		if err := db.AddAlertRule(ctx, AlertRule{ID: "r3", Owner: "ana", Definition: json.RawMessage(`[`)}); !errors.Is(err, ErrInvalid) {
			t.Errorf("definition not JSON: err %v, want ErrInvalid", err)
		}
		rs, err := db.AlertRules(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(rs) != 2 {
			t.Fatalf("rules %+v", rs)
		}
		got := rs[0]
		if got.ID != "r1" || got.Owner != "ana" || got.Shared || !got.Enabled || got.Webhook != r1.Webhook || got.Secret != "s1" {
			t.Errorf("rule r1 came back as %+v", got)
		}
		if rs[1].ID != "r2" || !rs[1].Shared || rs[1].Enabled {
			t.Errorf("rule r2 came back as %+v", rs[1])
		}
		if err := db.SetAlertRuleEnabled(ctx, "r2", true); err != nil {
			t.Fatal(err)
		}
		if err := db.SetAlertRuleEnabled(ctx, "nope", true); !errors.Is(err, ErrNotFound) {
			t.Errorf("enabling an unknown rule: err %v, want ErrNotFound", err)
		}
		r, err := db.AlertRule(ctx, "r2")
		if err != nil || !r.Enabled {
			t.Errorf("r2 after enabling: %+v, %v", r, err)
		}
		// Deleting a rule drops the deliveries still queued for it.
		if _, err := db.SaveAlert(ctx, StoredAlert{Key: "k1", RuleID: "r1", Owner: "ana", Revision: 1, Alert: json.RawMessage(`{}`)},
			Delivery{Subscriber: "r1", ID: "k1#1", Body: json.RawMessage(`{}`)}); err != nil {
			t.Fatal(err)
		}
		if err := db.DeleteAlertRule(ctx, "r1"); err != nil {
			t.Fatal(err)
		}
		if err := db.DeleteAlertRule(ctx, "r1"); !errors.Is(err, ErrNotFound) {
			t.Errorf("deleting twice: err %v, want ErrNotFound", err)
		}
		if _, err := db.AlertRule(ctx, "r1"); !errors.Is(err, ErrNotFound) {
			t.Errorf("deleted rule: err %v, want ErrNotFound", err)
		}
		if ds, err := db.Deliveries(ctx); err != nil || len(ds) != 0 {
			t.Errorf("deliveries of a deleted rule: %+v, %v", ds, err)
		}
		// The alert itself stays: it is the record of what fired.
		if as, err := db.Alerts(ctx, AlertQuery{All: true}); err != nil || len(as) != 1 {
			t.Errorf("alerts after deleting their rule: %+v, %v", as, err)
		}
	})
}

func TestAlertsUpsertByKey(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		for _, r := range []AlertRule{{ID: "own", Owner: "ana", Definition: json.RawMessage(`{}`)},
			{ID: "shared", Owner: "bo", Shared: true, Definition: json.RawMessage(`{}`)},
			{ID: "private", Owner: "bo", Definition: json.RawMessage(`{}`)}} {
			if err := db.AddAlertRule(ctx, r); err != nil {
				t.Fatal(err)
			}
		}
		t0 := time.Date(2021, 7, 5, 6, 0, 0, 0, time.UTC)
		a := StoredAlert{Key: "r:own|ev:e1", RuleID: "own", Owner: "ana", Revision: 1, FiredAt: t0, UpdatedAt: t0,
			Alert: json.RawMessage(`{"key":"r:own|ev:e1","revision":1}`)}
		created, err := db.SaveAlert(ctx, a, Delivery{Subscriber: "own", ID: "r:own|ev:e1#1", Body: a.Alert})
		if err != nil || !created {
			t.Fatalf("first save: %v, %v", created, err)
		}
		// The same revision again (a restart re-sending) changes nothing
		// and queues no second delivery.
		if changed, err := db.SaveAlert(ctx, a, Delivery{Subscriber: "own", ID: "r:own|ev:e1#1", Body: a.Alert}); err != nil || changed {
			t.Fatalf("same revision again: changed %v, %v", changed, err)
		}
		a2 := a
		a2.Revision, a2.UpdatedAt = 2, t0.Add(time.Hour)
		a2.Alert = json.RawMessage(`{"key":"r:own|ev:e1","revision":2}`)
		if changed, err := db.SaveAlert(ctx, a2, Delivery{Subscriber: "own", ID: "r:own|ev:e1#2", Body: a2.Alert}); err != nil || !changed {
			t.Fatalf("revision 2: changed %v, %v", changed, err)
		}
		// An older revision arriving late never overwrites a newer one.
		if changed, err := db.SaveAlert(ctx, a); err != nil || changed {
			t.Fatalf("stale revision: changed %v, %v", changed, err)
		}
		for _, s := range []StoredAlert{
			{Key: "r:shared|doc:d1", RuleID: "shared", Owner: "bo", Revision: 1, FiredAt: t0.Add(2 * time.Hour), UpdatedAt: t0.Add(2 * time.Hour), Alert: json.RawMessage(`{}`)},
			{Key: "r:private|doc:d1", RuleID: "private", Owner: "bo", Revision: 1, FiredAt: t0.Add(3 * time.Hour), UpdatedAt: t0.Add(3 * time.Hour), Alert: json.RawMessage(`{}`)},
		} {
			if _, err := db.SaveAlert(ctx, s); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := db.SaveAlert(ctx, StoredAlert{Key: "", RuleID: "own", Revision: 1, Alert: json.RawMessage(`{}`)}); !errors.Is(err, ErrInvalid) {
			t.Errorf("alert without key: err %v, want ErrInvalid", err)
		}

		keys := func(as []StoredAlert) []string {
			var ks []string
			for _, a := range as {
				ks = append(ks, a.Key)
			}
			return ks
		}
		ana, err := db.Alerts(ctx, AlertQuery{User: "ana"})
		if err != nil {
			t.Fatal(err)
		}
		// Newest first: ana sees her own alert and the shared rule's, not
		// bo's private one.
		if want := []string{"r:shared|doc:d1", "r:own|ev:e1"}; !slices.Equal(keys(ana), want) {
			t.Errorf("ana sees %v, want %v", keys(ana), want)
		}
		own := ana[1]
		if own.Revision != 2 || !own.FiredAt.Equal(t0) || !own.UpdatedAt.Equal(t0.Add(time.Hour)) || string(own.Alert) != string(a2.Alert) {
			t.Errorf("updated alert came back as %+v", own)
		}
		bo, _ := db.Alerts(ctx, AlertQuery{User: "bo"})
		if want := []string{"r:private|doc:d1", "r:shared|doc:d1"}; !slices.Equal(keys(bo), want) {
			t.Errorf("bo sees %v, want %v", keys(bo), want)
		}
		all, _ := db.Alerts(ctx, AlertQuery{All: true, Limit: 2})
		if len(all) != 2 {
			t.Errorf("limit 2 gave %d alerts", len(all))
		}
		byRule, _ := db.Alerts(ctx, AlertQuery{All: true, RuleID: "own"})
		if want := []string{"r:own|ev:e1"}; !slices.Equal(keys(byRule), want) {
			t.Errorf("alerts of rule own: %v", keys(byRule))
		}

		ds, err := db.Deliveries(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, d := range ds {
			ids = append(ids, d.ID)
		}
		if want := []string{"r:own|ev:e1#1", "r:own|ev:e1#2"}; !slices.Equal(ids, want) {
			t.Fatalf("queued deliveries %v, want %v in order", ids, want)
		}
		d := ds[0]
		d.Attempts, d.LastError, d.Parked = 3, "503 Service Unavailable", true
		if err := db.SaveDelivery(ctx, d); err != nil {
			t.Fatal(err)
		}
		ds, _ = db.Deliveries(ctx)
		if ds[0].Attempts != 3 || ds[0].LastError != "503 Service Unavailable" || !ds[0].Parked || string(ds[0].Body) != string(a.Alert) {
			t.Errorf("delivery after a failure: %+v", ds[0])
		}
		if err := db.DeleteDelivery(ctx, "own", "r:own|ev:e1#1"); err != nil {
			t.Fatal(err)
		}
		ds, _ = db.Deliveries(ctx)
		if len(ds) != 1 || ds[0].ID != "r:own|ev:e1#2" {
			t.Errorf("after delivering the first: %+v", ds)
		}
		// A delivery made is never queued again by a late save of it.
		if err := db.DeleteDelivery(ctx, "own", "r:own|ev:e1#1"); err != nil {
			t.Errorf("deleting a delivery twice: %v", err)
		}
	})
}

func TestWatchState(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		got, err := db.LoadWatchState(ctx)
		if err != nil || got != nil {
			t.Fatalf("fresh database: %q, %v", got, err)
		}
		if err := db.SaveWatchState(ctx, nil); !errors.Is(err, ErrInvalid) {
			t.Fatalf("empty state: err %v, want ErrInvalid", err)
		}
		for _, want := range []string{`{"alerts":{}}`, `{"alerts":{"k":{}},"stream_last_id":7}`} {
			if err := db.SaveWatchState(ctx, []byte(want)); err != nil {
				t.Fatal(err)
			}
			if got, err := db.LoadWatchState(ctx); err != nil || string(got) != want {
				t.Fatalf("load after save: %q, %v; want %q", got, err, want)
			}
		}
	})
}

func TestDocumentsAfter(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		last, err := db.LastDocumentSeq(ctx)
		if err != nil || last != 0 {
			t.Fatalf("empty database: last %d, %v", last, err)
		}
		ingest(t, db, borderwatch.Document{ID: "z-first", Text: storyA})
		ingest(t, db, borderwatch.Document{ID: "a-second", Text: storyB})
		refs, err := db.DocumentsAfter(ctx, 0, 10)
		if err != nil || len(refs) != 2 || refs[0].ID != "z-first" || refs[1].ID != "a-second" || refs[0].N >= refs[1].N {
			t.Fatalf("documents after 0: %+v, %v", refs, err)
		}
		rest, err := db.DocumentsAfter(ctx, refs[0].N, 10)
		if err != nil || len(rest) != 1 || rest[0].ID != "a-second" {
			t.Fatalf("documents after the first: %+v, %v", rest, err)
		}
		if last, _ := db.LastDocumentSeq(ctx); last != refs[1].N {
			t.Errorf("last seq %d, want %d", last, refs[1].N)
		}
	})
}
