package service

import (
	"context"
	"slices"
	"testing"

	"borderwatch/internal/demo"
	"borderwatch/internal/incident"
	"borderwatch/internal/store/storetest"
)

// TestEachMatchesList: Each visits exactly the incidents List returns, for
// the grouper's filter and for a border, and stops when asked.
func TestEachMatchesList(t *testing.T) {
	ctx := context.Background()
	db := openStore(t, storetest.SQLiteDSN(t))
	svc, _, err := Open(ctx, db, incident.Options{Dict: dict(t)})
	if err != nil {
		t.Fatal(err)
	}
	docs, err := demo.Reports()
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range docs {
		if _, err := svc.Ingest(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	queries := []Query{{}, {Border: "AFG-TJK"}, {Border: "AFG-TJK", Filter: incident.Filter{Km: 10}},
		{Filter: incident.Filter{Event: "AGREE"}}, {Filter: incident.Filter{MinSources: 2}}}
	for _, q := range queries {
		var want, got []string
		for _, inc := range svc.List(q) {
			want = append(want, inc.ID)
		}
		svc.Each(q, func(inc *incident.Incident) bool {
			got = append(got, inc.ID)
			return true
		})
		slices.Sort(want)
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("%+v: Each %v, List %v", q, got, want)
		}
	}
	if len(svc.List(Query{})) < 3 {
		t.Fatal("too few demo incidents")
	}
	n := 0
	svc.Each(Query{}, func(*incident.Incident) bool { n++; return n < 2 })
	if n != 2 {
		t.Errorf("Each went on after false: %d calls", n)
	}
}
