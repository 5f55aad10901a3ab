package store

import (
	"context"
	"testing"
	"time"
)

func TestLeases(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		if _, live, err := db.LiveLease(ctx, "server"); err != nil || live {
			t.Fatalf("a lease nobody took: live %v, %v", live, err)
		}
		if prev, err := db.TakeLease(ctx, "server", "a", time.Minute); err != nil || prev.Holder != "" {
			t.Fatalf("take: %+v, %v", prev, err)
		}
		if l, live, _ := db.LiveLease(ctx, "server"); !live || l.Holder != "a" {
			t.Errorf("after take: %+v live %v", l, live)
		}
		if prev, _ := db.TakeLease(ctx, "server", "a", time.Minute); prev.Holder != "" {
			t.Errorf("renewing one's own lease reported %+v", prev)
		}
		if prev, _ := db.TakeLease(ctx, "server", "b", time.Minute); prev.Holder != "a" {
			t.Errorf("taking over a live lease reported %+v, want a", prev)
		}
		if err := db.ReleaseLease(ctx, "server", "a"); err != nil {
			t.Fatal(err)
		}
		if l, live, _ := db.LiveLease(ctx, "server"); !live || l.Holder != "b" {
			t.Errorf("a release by a former holder freed b's lease: %+v live %v", l, live)
		}
		db.ReleaseLease(ctx, "server", "b")
		if _, live, _ := db.LiveLease(ctx, "server"); live {
			t.Error("released lease still live")
		}
		db.TakeLease(ctx, "server", "c", -time.Second)
		if _, live, _ := db.LiveLease(ctx, "server"); live {
			t.Error("an expired lease is live")
		}
	})
}
