package store

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"borderwatch"
	"borderwatch/internal/pipeline"
	"borderwatch/internal/store/storetest"
)

func sharedExtractor(t testing.TB) *pipeline.Extractor { return storetest.Extractor(t) }

func openDSN(t testing.TB, dsn string) *DB {
	t.Helper()
	db, err := Open(context.Background(), dsn, Options{Extractor: sharedExtractor(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// forEachBackend runs fn as a subtest on every backend.
func forEachBackend(t *testing.T, fn func(t *testing.T, db *DB)) {
	for _, b := range storetest.Backends {
		t.Run(b.Name, func(t *testing.T) { fn(t, openDSN(t, b.DSN(t))) })
	}
}

func ptr[T any](v T) *T { return &v }

// testEvent builds a valid event for docID with the given type, date and place.
func testEvent(id, docID, typ, date string, lat, lon float64) borderwatch.Event {
	return borderwatch.Event{
		ID: id, DocID: docID, Event: typ, Mode: []string{}, Context: []string{"military"},
		Actor:     []borderwatch.Entity{{Text: "Afghan soldiers", Name: "Afghanistan", Country: "AFG", Sector: "MIL"}},
		Recipient: []borderwatch.Entity{{Name: "Tajikistan", Country: "TJK", Sector: "GOV"}},
		Date:      ptr(date), DatePrecision: "day",
		EventLoc: &borderwatch.Location{Text: "near the river", Name: "Panj", Lat: ptr(lat), Lon: ptr(lon), Country: "TJK",
			Precision: "city", Border: ptr("AFG-TJK"), BorderKm: ptr(2.0)},
		Modality: borderwatch.Asserted, Attribution: []borderwatch.Attribution{}, Trigger: "crossed",
		TextInfo:   borderwatch.TextInfo{Start: 0, End: 20, Text: "Soldiers crossed the river at dawn."},
		Confidence: 0.8, Coder: "test",
	}
}

func ingest(t testing.TB, db *DB, doc borderwatch.Document) bool {
	t.Helper()
	created, err := db.Ingest(context.Background(), doc)
	if err != nil {
		t.Fatalf("ingest %s: %v", doc.ID, err)
	}
	return created
}

const storyA = "Border guards in the south of the country said on Monday that several hundred soldiers from the neighbouring army crossed the river at night and asked for shelter. Officials gave them food and tents near the crossing point while the government discussed what to do next with its allies."
const storyB = "The ministry of agriculture published new figures on the cotton harvest, which grew by a tenth this year thanks to a wet spring and new irrigation canals in the northern valleys of the region."

func TestOpenMigratesOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.db")
	for i := range 2 {
		db, err := Open(context.Background(), path, Options{Extractor: sharedExtractor(t)})
		if err != nil {
			t.Fatalf("open %d: %v", i, err)
		}
		var n int
		if err := db.queryRow(context.Background(), `SELECT COUNT(*) FROM schema_migrations`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		entries, _ := migrationFS.ReadDir("migrations/sqlite")
		if n != len(entries) || n < 2 {
			t.Fatalf("open %d: %d migrations recorded, want all %d", i, n, len(entries))
		}
		db.Close()
	}
	if _, err := Open(context.Background(), "", Options{Extractor: sharedExtractor(t)}); err == nil || !strings.HasPrefix(err.Error(), "store: ") {
		t.Fatalf("empty dsn: got %v, want a store: error", err)
	}
	if _, err := Open(context.Background(), "postgres://nobody:secret@127.0.0.1:1/x?connect_timeout=2", Options{Extractor: sharedExtractor(t)}); err == nil || strings.Contains(err.Error(), "secret") {
		t.Fatalf("unreachable postgres: got %v, want an error without the password", err)
	}
}

func TestDocuments(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		ctx := WithUser(context.Background(), "alice")
		pub := time.Date(2021, 7, 5, 9, 30, 0, 0, time.FixedZone("", 5*3600))
		a := borderwatch.Document{ID: "a", URL: "https://News.example.org/story/1?utm_source=x#top", Title: "Soldiers cross",
			Source: "Example News", Published: pub, PublishedRaw: "2021-07-05T09:30:00+05:00", Text: storyA}
		if !ingest(t, db, a) {
			t.Fatal("first ingest: created = false")
		}
		if _, err := db.Ingest(ctx, a); err != nil {
			t.Fatal(err)
		}
		for _, dup := range []borderwatch.Document{
			{ID: "a", Text: storyB},                                                       // same id
			{ID: "a2", Text: "  " + strings.ToUpper(storyA)},                              // same words
			{ID: "a3", URL: "https://news.example.org/story/1", Text: storyB + " Extra."}, // same canonical URL
		} {
			if created := ingest(t, db, dup); created {
				t.Errorf("duplicate %s stored again", dup.ID)
			}
		}
		wire := borderwatch.Document{ID: "wire", Source: "Other Daily", Text: strings.Replace(storyA, "on Monday", "on Monday evening", 1)}
		if !ingest(t, db, wire) {
			t.Fatal("near copy refused outright; want it stored and linked")
		}
		other := borderwatch.Document{ID: "other", Text: storyB, Lang: "en"}
		ingest(t, db, other)
		ru := borderwatch.Document{ID: "ru", Lang: "ru", Source: "Вести", Text: "Пограничники сообщили, что военные пересекли реку ночью."}
		ingest(t, db, ru)
		html := borderwatch.Document{ID: "h", HTML: "<html><body><p>Cotton prices rose in the northern markets.</p></body></html>", Text: "Cotton prices rose in the northern markets."}
		ingest(t, db, html)

		got, err := db.Document(ctx, "a")
		if err != nil {
			t.Fatal(err)
		}
		if got.Text != storyA || string(got.Raw) != storyA || got.RawKind != "text" || got.Source != "Example News" ||
			got.CanonicalURL != "https://news.example.org/story/1" || !got.Published.Equal(pub) || got.PublishedRaw != a.PublishedRaw ||
			got.CreatedBy != "system" || len(got.ContentHash) != 64 {
			t.Errorf("document a round trip: %+v", got)
		}
		if h, _ := db.Document(ctx, "h"); h.RawKind != "html" || !strings.HasPrefix(string(h.Raw), "<html>") {
			t.Errorf("html document: raw kind %q raw %q", h.RawKind, h.Raw)
		}
		if w, _ := db.Document(ctx, "wire"); w.DuplicateOf != "a" {
			t.Errorf("wire copy: duplicate_of = %q, want a", w.DuplicateOf)
		}
		if o, _ := db.Document(ctx, "other"); o.DuplicateOf != "" {
			t.Errorf("unrelated story linked to %q", o.DuplicateOf)
		}
		if _, err := db.Document(ctx, "missing"); !errors.Is(err, ErrNotFound) {
			t.Errorf("missing document: %v, want ErrNotFound", err)
		}

		page, err := db.Documents(ctx, DocumentFilter{Query: "пересекли"})
		if err != nil {
			t.Fatal(err)
		}
		if page.Total != 1 || page.Documents[0].ID != "ru" || page.Documents[0].Lang != "ru" {
			t.Errorf("full text in Russian: %+v", page)
		}
		page, _ = db.Documents(ctx, DocumentFilter{Query: "cotton"})
		if page.Total != 2 {
			t.Errorf("full text 'cotton': total %d, want 2", page.Total)
		}
		page, _ = db.Documents(ctx, DocumentFilter{DuplicatesOf: "a"})
		if page.Total != 1 || page.Documents[0].ID != "wire" {
			t.Errorf("duplicates of a: %+v", page)
		}
		page, _ = db.Documents(ctx, DocumentFilter{Limit: 2})
		if page.Total != 5 || len(page.Documents) != 2 {
			t.Errorf("paging: total %d, %d rows", page.Total, len(page.Documents))
		}
		if _, err := db.Documents(ctx, DocumentFilter{Query: "!!"}); !errors.Is(err, ErrInvalid) {
			t.Errorf("empty query: %v, want ErrInvalid", err)
		}
		if _, err := db.Documents(ctx, DocumentFilter{Limit: MaxLimit + 1}); !errors.Is(err, ErrInvalid) {
			t.Errorf("oversized page: %v, want ErrInvalid", err)
		}
		if _, err := db.Ingest(ctx, borderwatch.Document{ID: "empty", Text: "  "}); !errors.Is(err, ErrInvalid) {
			t.Errorf("empty document: %v, want ErrInvalid", err)
		}
		if _, err := db.Ingest(ctx, borderwatch.Document{Text: "x"}); !errors.Is(err, ErrInvalid) {
			t.Errorf("document without id: %v, want ErrInvalid", err)
		}
		var sources int
		db.queryRow(ctx, `SELECT documents FROM sources WHERE name = 'Example News'`).Scan(&sources)
		if sources != 1 {
			t.Errorf("source Example News counts %d documents, want 1", sources)
		}
	})
}

func TestEventVersions(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		ingest(t, db, borderwatch.Document{ID: "d1", Text: storyB})
		ev := testEvent("e1", "d1", "RETREAT", "2021-07-05", 37.2, 69.1)
		mustPut := func(evs ...borderwatch.Event) int {
			t.Helper()
			n, err := db.PutEvents(ctx, evs)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		if n := mustPut(ev); n != 1 {
			t.Fatalf("first put changed %d", n)
		}
		ev.Coder = "a newer coder"
		if n := mustPut(ev); n != 0 {
			t.Fatalf("a put that changes only the coder made %d new versions", n)
		}
		ev.Size = &borderwatch.Size{Count: ptr(1000), Unit: ptr("soldiers")}
		if n := mustPut(ev); n != 1 {
			t.Fatalf("changed put: %d", n)
		}
		reviewed := ev
		reviewed.Modality = borderwatch.Negated
		v, err := db.ReviewEvent(WithUser(ctx, "reviewer"), reviewed)
		if err != nil || v != 3 {
			t.Fatalf("review: version %d, %v", v, err)
		}
		cur, err := db.Event(ctx, "e1")
		if err != nil {
			t.Fatal(err)
		}
		if cur.Modality != borderwatch.Negated || cur.Version != 3 || cur.UpdatedBy != "reviewer" || cur.Reason != ReasonReview || *cur.Size.Count != 1000 {
			t.Errorf("after review: %+v", cur)
		}
		if _, err := db.ReviewEvent(ctx, testEvent("nope", "d1", "RETREAT", "2021-07-05", 0, 0)); !errors.Is(err, ErrNotFound) {
			t.Errorf("review of a missing event: %v", err)
		}
		bad := reviewed
		bad.Event = "FIGHT"
		if _, err := db.ReviewEvent(ctx, bad); !errors.Is(err, ErrInvalid) {
			t.Errorf("review with an old CAMEO type: %v", err)
		}
		if err := db.DeleteEvent(WithUser(ctx, "bob"), "e1"); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Event(ctx, "e1"); !errors.Is(err, ErrNotFound) {
			t.Errorf("deleted event still served: %v", err)
		}
		if err := db.DeleteEvent(ctx, "e1"); !errors.Is(err, ErrNotFound) {
			t.Errorf("second delete: %v", err)
		}
		mustPut(ev) // it comes back: its history continues
		vs, err := db.EventVersions(ctx, "e1")
		if err != nil {
			t.Fatal(err)
		}
		var summary []string
		for _, v := range vs {
			summary = append(summary, fmt.Sprintf("%d:%s:%v:%s", v.Version, v.Reason, v.Deleted, v.CreatedBy))
		}
		want := "1:extract:false:system 2:extract:false:system 3:review:false:reviewer 4:delete:true:bob 5:extract:false:system"
		if got := strings.Join(summary, " "); got != want {
			t.Errorf("versions:\n got %s\nwant %s", got, want)
		}
		if vs[3].Event != nil || vs[1].Event == nil || vs[1].Event.Size == nil {
			t.Errorf("tombstone holds a record or version 2 lost its size")
		}
		changes, next, err := db.Changes(ctx, 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		if len(changes) != 5 || next != changes[4].Seq || !changes[3].Deleted || changes[3].Event != nil || changes[2].CreatedBy != "reviewer" {
			t.Errorf("changes: %+v next %d", changes, next)
		}
		for i := 1; i < len(changes); i++ {
			if changes[i].Seq != changes[i-1].Seq+1 {
				t.Errorf("change sequence has a gap: %d then %d", changes[i-1].Seq, changes[i].Seq)
			}
		}
		if more, n2, _ := db.Changes(ctx, next, 100); len(more) != 0 || n2 != next {
			t.Errorf("changes after the last: %d, cursor %d", len(more), n2)
		}
		if _, err := db.PutEvents(ctx, []borderwatch.Event{testEvent("e9", "no-such-doc", "AID", "2021-07-05", 0, 0)}); !errors.Is(err, ErrNotFound) {
			t.Errorf("event of a missing document: %v", err)
		}
		if _, _, err := db.Changes(ctx, -1, 10); !errors.Is(err, ErrInvalid) {
			t.Errorf("negative cursor: %v", err)
		}
	})
}

func TestEventFilters(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		ingest(t, db, borderwatch.Document{ID: "d1", Text: storyB, Source: "Wire"})
		e1 := testEvent("e1", "d1", "RETREAT", "2021-07-05", 37.2, 69.1) // Panj, near the border
		e2 := testEvent("e2", "d1", "MOBILIZE", "2021-07-07", 38.56, 68.77)
		e2.EventLoc.Name, e2.EventLoc.BorderKm = "Dushanbe", ptr(150.0)
		e2.Actor = []borderwatch.Entity{{Name: "Tajikistan", Country: "TJK", Sector: "GOV"}}
		e2.Recipient = nil
		e2.TextInfo.Text = "Twenty thousand reservists were called up."
		e3 := testEvent("e3", "d1", "ASSAULT", "2021-06-20", 36.7, 68.9)
		e3.Modality = borderwatch.Speculative
		e3.EventLoc.BorderKm = ptr(40.0)
		e4 := testEvent("e4", "d1", "CONSULT", "2021-07-06", 0, 0)
		e4.EventLoc = nil
		e4.Date = nil
		if _, err := db.PutEvents(ctx, []borderwatch.Event{e1, e2, e3, e4}); err != nil {
			t.Fatal(err)
		}
		cases := []struct {
			name string
			f    EventFilter
			want string
		}{
			{"all, newest first, undated last", EventFilter{}, "e2 e1 e3 e4"},
			{"since", EventFilter{Since: "2021-07-01"}, "e2 e1"},
			{"until", EventFilter{Until: "2021-07-05"}, "e1 e3"},
			{"types", EventFilter{Types: []string{"RETREAT", "ASSAULT"}}, "e1 e3"},
			{"bbox around Panj", EventFilter{BBox: &[4]float64{68.5, 36.5, 69.5, 37.5}}, "e1 e3"},
			{"actor country", EventFilter{ActorCountry: "TJK"}, "e2"},
			{"recipient country", EventFilter{RecipientCountry: "TJK"}, "e1 e3 e4"},
			{"modality", EventFilter{Modality: []string{"speculative"}}, "e3"},
			{"border km", EventFilter{MaxBorderKm: ptr(50.0)}, "e1 e3"},
			{"text", EventFilter{Query: "reservists"}, "e2"},
			{"text in place name", EventFilter{Query: "dushanbe"}, "e2"},
			{"with location", EventFilter{WithLocation: true, Types: []string{"CONSULT", "AID"}}, ""},
			{"page", EventFilter{Limit: 1, Offset: 1}, "e1"},
			{"combined", EventFilter{Since: "2021-06-01", Until: "2021-07-31", Types: []string{"RETREAT", "MOBILIZE"}, BBox: &[4]float64{67, 36, 72, 39}}, "e2 e1"},
		}
		for _, c := range cases {
			page, err := db.Events(ctx, c.f)
			if err != nil {
				t.Errorf("%s: %v", c.name, err)
				continue
			}
			var ids []string
			for _, e := range page.Events {
				ids = append(ids, e.ID)
			}
			if got := strings.Join(ids, " "); got != c.want {
				t.Errorf("%s: got %q, want %q", c.name, got, c.want)
			}
			if c.f.Limit == 0 && page.Total != len(ids) {
				t.Errorf("%s: total %d for %d events", c.name, page.Total, len(ids))
			}
		}
		page, _ := db.Events(ctx, EventFilter{Limit: 1})
		if page.Total != 4 || page.Events[0].Source != "Wire" {
			t.Errorf("total with a page of 1: %d; source %q", page.Total, page.Events[0].Source)
		}
		var n int
		db.EachEvent(ctx, EventFilter{Types: []string{"RETREAT", "MOBILIZE"}}, func(StoredEvent) error { n++; return nil })
		if n != 2 {
			t.Errorf("EachEvent streamed %d, want 2", n)
		}
		for _, bad := range []EventFilter{
			{Since: "2021-13-01"}, {Until: "July 5"}, {Types: []string{"FIGHT"}}, {Modality: []string{"maybe"}},
			{ActorCountry: "tj"}, {BBox: &[4]float64{70, 30, 60, 40}}, {Query: "*"}, {Limit: MaxLimit + 1}, {MaxBorderKm: ptr(-1.0)},
		} {
			if _, err := db.Events(ctx, bad); !errors.Is(err, ErrInvalid) || !strings.HasPrefix(err.Error(), "store: ") {
				t.Errorf("filter %+v: got %v, want a store: ErrInvalid", bad, err)
			}
		}
	})
}

func TestUsers(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		u, token, err := db.AddUser(ctx, "amina", RoleAnalyst)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(token, "bw_") || len(token) < 40 || u.ID == 0 {
			t.Fatalf("token %q user %+v", token, u)
		}
		got, err := db.Authenticate(ctx, token)
		if err != nil || got.Name != "amina" || got.Role != RoleAnalyst {
			t.Fatalf("authenticate: %+v %v", got, err)
		}
		if _, err := db.Authenticate(ctx, token+"x"); !errors.Is(err, ErrAuth) {
			t.Errorf("wrong token: %v", err)
		}
		var stored int
		db.queryRow(ctx, `SELECT COUNT(*) FROM users WHERE token_hash = ?`, token).Scan(&stored)
		if stored != 0 {
			t.Error("the token is stored in clear")
		}
		if _, _, err := db.AddUser(ctx, "amina", RoleReader); !errors.Is(err, ErrConflict) {
			t.Errorf("duplicate user: %v", err)
		}
		if _, _, err := db.AddUser(ctx, "x", "boss"); !errors.Is(err, ErrInvalid) {
			t.Errorf("unknown role: %v", err)
		}
		if _, _, err := db.AddUser(ctx, "a b;", RoleReader); !errors.Is(err, ErrInvalid) {
			t.Errorf("bad name: %v", err)
		}
		if err := db.RemoveUser(ctx, "amina"); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Authenticate(ctx, token); !errors.Is(err, ErrAuth) {
			t.Errorf("token of a removed user still works: %v", err)
		}
	})
}

func TestFeeds(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		ctx := WithUser(context.Background(), "amina")
		f, err := db.AddFeed(ctx, borderwatch.Feed{URL: "https://example.org/rss", Every: 10 * time.Minute})
		if err != nil {
			t.Fatal(err)
		}
		g, _ := db.AddFeed(ctx, borderwatch.Feed{URL: "https://example.org/atom", Every: time.Hour})
		if _, err := db.AddFeed(ctx, borderwatch.Feed{URL: "https://example.org/rss", Every: time.Hour}); !errors.Is(err, ErrConflict) {
			t.Errorf("duplicate feed: %v", err)
		}
		for _, bad := range []borderwatch.Feed{{URL: "file:///etc/passwd", Every: time.Hour}, {URL: "https://x.org/", Every: time.Second}} {
			if _, err := db.AddFeed(ctx, bad); !errors.Is(err, ErrInvalid) {
				t.Errorf("feed %+v: %v", bad, err)
			}
		}
		now := time.Now()
		due, err := db.DueFeeds(ctx, now)
		if err != nil || len(due) != 2 {
			t.Fatalf("due: %d %v", len(due), err)
		}
		f.ETag, f.LastModified, f.Title, f.Failures, f.LastError = `"v1"`, "Mon, 05 Jul 2021 10:00:00 GMT", "Example", 2, "timeout"
		f.LastFetch, f.NextFetch = now.Truncate(time.Millisecond), now.Add(10*time.Minute).Truncate(time.Millisecond)
		if err := db.SaveFeedState(ctx, f); err != nil {
			t.Fatal(err)
		}
		back, _ := db.Feed(ctx, f.ID)
		if back.ETag != f.ETag || back.LastModified != f.LastModified || back.Title != "Example" || back.Failures != 2 ||
			back.LastError != "timeout" || !back.LastFetch.Equal(f.LastFetch) || !back.NextFetch.Equal(f.NextFetch) || back.Every != 10*time.Minute {
			t.Errorf("feed state round trip: %+v", back)
		}
		if _, err := db.SetFeedPaused(ctx, g.ID, true); err != nil {
			t.Fatal(err)
		}
		if due, _ := db.DueFeeds(ctx, now.Add(time.Minute)); len(due) != 0 {
			t.Errorf("due after pause and a saved next fetch: %+v", due)
		}
		if due, _ := db.DueFeeds(ctx, now.Add(11*time.Minute)); len(due) != 1 || due[0].ID != f.ID {
			t.Errorf("due in 11 minutes: %+v", due)
		}
		if err := db.RemoveFeed(ctx, g.ID); err != nil {
			t.Fatal(err)
		}
		if err := db.RemoveFeed(ctx, g.ID); !errors.Is(err, ErrNotFound) {
			t.Errorf("second remove: %v", err)
		}
		if err := db.SaveFeedState(ctx, borderwatch.Feed{ID: 999}); !errors.Is(err, ErrNotFound) {
			t.Errorf("save of a missing feed: %v", err)
		}
		all, _ := db.Feeds(ctx)
		if len(all) != 1 {
			t.Errorf("feeds after remove: %d", len(all))
		}
	})
}

func TestReprocess(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		doc := borderwatch.Document{ID: "d1", Text: storyA}
		ingest(t, db, doc)
		x, err := db.Extractor()
		if err != nil {
			t.Fatal(err)
		}
		want, err := x.Extract(doc)
		if err != nil {
			t.Fatal(err)
		}
		// Two events the current rules do not produce: one reviewed, one not.
		stale := testEvent("stale", "d1", "AID", "2021-07-05", 37.2, 69.1)
		kept := testEvent("kept", "d1", "RETREAT", "2021-07-05", 37.2, 69.1)
		if _, err := db.PutEvents(ctx, []borderwatch.Event{stale, kept}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.ReviewEvent(ctx, kept); err != nil {
			t.Fatal(err)
		}
		r, err := db.Reprocess(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if r.Documents != 1 || r.Removed != 1 || r.Reviewed != 1 || r.Added != 0 || r.Unchanged != len(want.Events) {
			t.Errorf("reprocess report %+v (extractor gives %d events)", r, len(want.Events))
		}
		if _, err := db.Event(ctx, "stale"); !errors.Is(err, ErrNotFound) {
			t.Errorf("stale event survived reprocess: %v", err)
		}
		if _, err := db.Event(ctx, "kept"); err != nil {
			t.Errorf("reviewed event lost: %v", err)
		}
		if r2, _ := db.Reprocess(ctx, nil); r2.Removed+r2.Added+r2.Changed != 0 {
			t.Errorf("second reprocess changed something: %+v", r2)
		}
	})
}
