package demo

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"borderwatch/internal/store"
	"borderwatch/internal/store/storetest"
)

// TestReportsLoad checks the sample has what the demo promises and that the
// store recognises its wire copies and its reports in other languages.
func TestReportsLoad(t *testing.T) {
	docs, err := Reports()
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) < 12 || len(docs) > 20 {
		t.Fatalf("%d reports, want 12-20", len(docs))
	}
	ids := map[string]bool{}
	for _, d := range docs {
		if ids[d.ID] || d.Text == "" || d.Published.IsZero() || !strings.HasSuffix(strings.SplitN(d.URL, "/", 4)[2], ".invalid") {
			t.Errorf("report %s: duplicate id, no text, no date or a real-looking URL", d.ID)
		}
		ids[d.ID] = true
	}
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "demo.db"), store.Options{Extractor: storetest.Extractor(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, d := range docs {
		if created, err := db.Ingest(ctx, d); err != nil || !created {
			t.Fatalf("ingest %s: created %v, %v", d.ID, created, err)
		}
	}
	copies, _ := db.Documents(ctx, store.DocumentFilter{DuplicatesOf: "demo-07-wire-original"})
	if copies.Total != 2 {
		t.Errorf("wire copies linked to the original: %d, want 2", copies.Total)
	}
	nc := true
	notCoded, _ := db.Documents(ctx, store.DocumentFilter{NotCoded: &nc})
	langs := map[string]bool{}
	for _, d := range notCoded.Documents {
		langs[d.Lang] = true
	}
	if !langs["ru"] || !langs["fa"] {
		t.Errorf("reports not coded: %+v; want the Russian and Persian ones listed with their language", notCoded.Documents)
	}
	page, _ := db.Events(ctx, store.EventFilter{Types: []string{"RETREAT"}})
	if page.Total < 3 {
		t.Errorf("only %d RETREAT events from the crossing reports", page.Total)
	}
}
