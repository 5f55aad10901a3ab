package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"borderwatch"
	"borderwatch/internal/store/storetest"
)

// TestChangesFollowCommitOrder holds a transaction open after it has taken
// its change sequence numbers and starts a second writer: the reader must
// see neither until the first commits, then both, in order. A cursor that
// followed insert order (an identity column) would let the second writer's
// row be read first and the first one be skipped forever.
func TestChangesFollowCommitOrder(t *testing.T) {
	for _, b := range storetest.Backends {
		t.Run(b.Name, func(t *testing.T) {
			db := openDSN(t, b.DSN(t))
			ctx := context.Background()
			ingest(t, db, borderwatch.Document{ID: "d1", Text: storyB})
			started, release := make(chan struct{}), make(chan struct{})
			var first atomic.Bool
			db.beforeCommit = func() {
				if first.CompareAndSwap(false, true) {
					close(started)
					<-release
				}
			}
			errs := make(chan error, 2)
			go func() {
				_, err := db.PutEvents(ctx, []borderwatch.Event{testEvent("slow", "d1", "AID", "2021-07-05", 37, 69)})
				errs <- err
			}()
			<-started
			go func() {
				_, err := db.PutEvents(ctx, []borderwatch.Event{testEvent("fast", "d1", "AID", "2021-07-06", 37, 69)})
				errs <- err
			}()
			time.Sleep(300 * time.Millisecond) // let the second writer reach the counter
			seen, cursor, err := db.Changes(ctx, 0, 100)
			if err != nil {
				t.Fatal(err)
			}
			if len(seen) != 0 {
				t.Fatalf("reader saw %d changes while the first writer was uncommitted", len(seen))
			}
			close(release)
			for range 2 {
				if err := <-errs; err != nil {
					t.Fatal(err)
				}
			}
			seen, _, err = db.Changes(ctx, cursor, 100)
			if err != nil {
				t.Fatal(err)
			}
			if len(seen) != 2 || seen[0].EventID != "slow" || seen[1].EventID != "fast" {
				t.Fatalf("after both commits: %+v", seen)
			}
		})
	}
}

// TestSyncWithFourWriters has a client read the change feed from the start
// and then incrementally while four writers insert, reprocess, review and
// delete at once; at the end its copy must equal the server's events.
func TestSyncWithFourWriters(t *testing.T) {
	for _, b := range storetest.Backends {
		t.Run(b.Name, func(t *testing.T) {
			db := openDSN(t, b.DSN(t))
			syncWithFourWriters(t, db, func(since int64) ([]Change, int64, error) {
				return db.Changes(context.Background(), since, 37)
			})
		})
	}
}

// syncWithFourWriters drives four concurrent writers on db while read
// pulls the change feed, and fails t unless the client's copy ends equal to
// the server's events. read is the feed as the client sees it (the store
// directly, or the HTTP API).
func syncWithFourWriters(t *testing.T, db *DB, read func(since int64) ([]Change, int64, error)) {
	t.Helper()
	ctx := context.Background()
	const docs = 6
	for i := range docs {
		ingest(t, db, borderwatch.Document{ID: fmt.Sprintf("doc%d", i), Text: fmt.Sprintf("%s Report number %d.", storyB, i)})
	}
	const perWriter = 40
	var ids sync.Map // ids written so far, for the other writers to pick
	pick := func(r *rand.Rand) (string, bool) {
		var all []string
		ids.Range(func(k, _ any) bool { all = append(all, k.(string)); return true })
		if len(all) == 0 {
			return "", false
		}
		return all[r.IntN(len(all))], true
	}
	ignoreGone := func(err error) error {
		if errors.Is(err, ErrNotFound) {
			return nil
		}
		return err
	}
	writers := []func(r *rand.Rand, i int) error{
		func(r *rand.Rand, i int) error { // inserter
			id := fmt.Sprintf("ins-%d", i)
			ev := testEvent(id, fmt.Sprintf("doc%d", i%docs), borderwatch.Types[i%16], fmt.Sprintf("2021-07-%02d", 1+i%28), 37, 69)
			_, err := db.PutEvents(ctx, []borderwatch.Event{ev})
			ids.Store(id, true)
			return err
		},
		func(r *rand.Rand, i int) error { // reprocessor: new versions of a batch, then re-extraction of a document
			if id, ok := pick(r); ok {
				cur, err := db.Event(ctx, id)
				if err != nil {
					return ignoreGone(err)
				}
				ev := cur.Event
				ev.Confidence = float64(i%10) / 10
				if _, err := db.PutEvents(ctx, []borderwatch.Event{ev}); err != nil {
					return ignoreGone(err)
				}
			}
			if i%8 == 0 {
				_, err := db.ReprocessDocument(ctx, fmt.Sprintf("doc%d", i%docs))
				return err
			}
			return nil
		},
		func(r *rand.Rand, i int) error { // reviewer
			id, ok := pick(r)
			if !ok {
				return nil
			}
			cur, err := db.Event(ctx, id)
			if err != nil {
				return ignoreGone(err)
			}
			ev := cur.Event
			ev.Modality = borderwatch.Speculative
			_, err = db.ReviewEvent(WithUser(ctx, "reviewer"), ev)
			return ignoreGone(err)
		},
		func(r *rand.Rand, i int) error { // deleter
			if id, ok := pick(r); ok && i%2 == 0 {
				return ignoreGone(db.DeleteEvent(ctx, id))
			}
			return nil
		},
	}
	var wg sync.WaitGroup
	var done atomic.Bool
	errs := make(chan error, len(writers))
	for w, write := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(w), 7))
			for i := range perWriter {
				if err := write(r, i); err != nil {
					errs <- fmt.Errorf("writer %d op %d: %w", w, i, err)
					return
				}
			}
		}()
	}
	go func() { wg.Wait(); done.Store(true) }()

	client := map[string]string{} // event id -> record JSON
	var cursor int64
	apply := func() (int, error) {
		changes, next, err := read(cursor)
		if err != nil {
			return 0, err
		}
		for _, c := range changes {
			if c.Deleted {
				delete(client, c.EventID)
				continue
			}
			b, _ := json.Marshal(c.Event)
			client[c.EventID] = string(b)
		}
		cursor = next
		return len(changes), nil
	}
	for !done.Load() {
		if _, err := apply(); err != nil {
			t.Fatal(err)
		}
	}
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	for { // drain what was committed after the last read
		n, err := apply()
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			break
		}
	}
	server := map[string]string{}
	if err := db.EachEvent(ctx, EventFilter{}, func(e StoredEvent) error {
		b, _ := json.Marshal(e.Event)
		server[e.ID] = string(b)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(server) == 0 {
		t.Fatal("no events left on the server; the test proves nothing")
	}
	for id, rec := range server {
		if client[id] != rec {
			t.Errorf("event %s: client has %q, server %q", id, client[id], rec)
		}
	}
	for id := range client {
		if _, ok := server[id]; !ok {
			t.Errorf("event %s: deleted on the server, still at the client", id)
		}
	}
}
