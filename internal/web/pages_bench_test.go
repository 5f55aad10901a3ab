package web

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"borderwatch"
	"borderwatch/internal/incident"
	"borderwatch/internal/service"
	"borderwatch/internal/store"
)

// Reports of our own about one crossing, stating the number differently, so
// the benchmarked incident has several sources and a disagreement.
var benchReports = []borderwatch.Document{
	{ID: "bench-a", Source: "Bench Wire", PublishedRaw: "2021-07-06T09:00:00Z",
		Text: "DUSHANBE, July 6, 2021. More than 1,000 Afghan soldiers crossed into Tajikistan near Ishkashim on Monday night and asked for shelter, the Tajik border service said."},
	{ID: "bench-b", Source: "Bench Daily", PublishedRaw: "2021-07-06T11:00:00Z",
		Text: "KABUL, July 6, 2021. Some 1,037 Afghan soldiers crossed into Tajikistan near Ishkashim on Monday night, a provincial official told reporters."},
	{ID: "bench-c", Source: "Bench Review", PublishedRaw: "2021-07-06T15:00:00Z",
		Text: "MOSCOW, July 6, 2021. About 300 Afghan soldiers crossed into Tajikistan near Ishkashim on Monday night, according to a regional security source."},
}

// BenchmarkIncidentPage100k renders incident pages server-side with 100,000
// incidents stored: the grouper's saved state holds 100k synthetic
// incidents (restored by the service as at start), and three reports of our
// own are stored and grouped through the service on top, with notes and
// reviews. The viewer is an analyst, so every review form is rendered too.
func BenchmarkIncidentPage100k(b *testing.B) {
	db := openTestStore(b)
	svc := storeSyntheticIncidents(b, db, 100_000)
	ctx := store.WithUser(context.Background(), "alice")
	for _, d := range benchReports {
		if _, err := svc.Ingest(ctx, d); err != nil {
			b.Fatal(err)
		}
	}
	var real string
	members := 0
	for _, inc := range svc.List(service.Query{}) {
		if slices.ContainsFunc(inc.Members, func(m incident.Member) bool { return m.DocID == "bench-a" }) {
			real, members = inc.ID, len(inc.Members)
		}
	}
	if real == "" {
		b.Fatal("the bench reports made no incident")
	}
	b.Logf("incident %s of the bench reports has %d events", real, members)
	for i := range 20 {
		if _, err := db.AddNote(ctx, real, fmt.Sprintf("A note of ours, number %d.", i)); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := db.AddReview(ctx, store.Review{Incident: real, Status: store.ReviewCorrected, Correction: map[string]string{"count": "1037"}}); err != nil {
		b.Fatal(err)
	}
	if _, _, err := db.AddUser(ctx, "alice", store.RoleAnalyst); err != nil {
		b.Fatal(err)
	}
	s, err := New(Config{Store: db, Incidents: svc})
	if err != nil {
		b.Fatal(err)
	}
	h := s.Handler()
	cookie := &http.Cookie{Name: cookieName, Value: s.encodeSession(session{ID: "bench", User: "alice", Role: store.RoleAnalyst, Expires: time.Now().Add(time.Hour).Unix()})}
	for _, c := range []struct{ name, id string }{{"stored-reports", real}, {"synthetic", "inc-syn-054321"}} {
		b.Run(c.name, func(b *testing.B) {
			var worst time.Duration
			for b.Loop() {
				start := time.Now()
				req := httptest.NewRequest("GET", "/incidents/"+c.id, nil)
				req.AddCookie(cookie)
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatalf("status %d: %s", rec.Code, rec.Body.String())
				}
				worst = max(worst, time.Since(start))
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/1000, "ms/page")
			b.ReportMetric(float64(worst.Microseconds())/1000, "worst-ms")
		})
	}
}
