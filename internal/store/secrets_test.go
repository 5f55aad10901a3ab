package store

import (
	"bytes"
	"context"
	"sync"
	"testing"
)

// A named secret is made once and then the same on every call, from any
// number of concurrent callers and after reopening: the pages sign their
// session cookies with it, so logins survive a restart.
func TestSecretIsMadeOnceAndKept(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		var wg sync.WaitGroup
		got := make([][]byte, 8)
		for i := range got {
			wg.Add(1)
			go func() {
				defer wg.Done()
				s, err := db.Secret(ctx, "session")
				if err != nil {
					t.Error(err)
				}
				got[i] = s
			}()
		}
		wg.Wait()
		if len(got[0]) < 32 {
			t.Fatalf("secret of %d bytes, want at least 32", len(got[0]))
		}
		for _, s := range got[1:] {
			if !bytes.Equal(s, got[0]) {
				t.Fatal("concurrent callers got different secrets")
			}
		}
		other, err := db.Secret(ctx, "other")
		if err != nil || bytes.Equal(other, got[0]) {
			t.Errorf("a second name gave the same secret (%v)", err)
		}
	})
}
