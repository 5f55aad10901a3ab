package service

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"borderwatch"
	"borderwatch/internal/incident"
	"borderwatch/internal/store"
	"borderwatch/internal/store/storetest"
)

var benchPlaces = []string{"Panj", "Khorog", "Ishkashim", "Darvoz", "Kunduz", "Termez", "Shir Khan Bandar"}

// BenchmarkIngest stores, codes and groups one report per iteration on
// SQLite, saving the grouper's state each time, as the poller and the API
// do; docs/s is end to end.
func BenchmarkIngest(b *testing.B) {
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(b.TempDir(), "bench.db"), store.Options{Extractor: storetest.Extractor(b)})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	svc, _, err := Open(ctx, db, incident.Options{Dict: dict(b)})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		p := benchPlaces[i%len(benchPlaces)]
		// One report a day: a real stream's incidents stay small, and the
		// grouper's cost follows the incidents near each new one.
		doc := borderwatch.Document{ID: fmt.Sprintf("bench-%d", i), Source: fmt.Sprintf("Outlet %d", i%5),
			Published: time.Date(2021, 1, 1, 10, 0, 0, 0, time.UTC).AddDate(0, 0, i),
			Text: fmt.Sprintf("DUSHANBE. Border officials said on Thursday that %d Afghan soldiers crossed the river near %s overnight and asked for shelter. The government said it would send %d more troops to the frontier.",
				10+i, p, 100+i*3)}
		if _, err := svc.Ingest(ctx, doc); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "docs/s")
}
