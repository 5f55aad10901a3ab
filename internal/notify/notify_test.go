package notify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

const secret = "s3cret-for-tests"

// receiver is a real webhook endpoint: it verifies every signature,
// answers 500 to the first failFirst requests, and processes each
// idempotency key once.
type receiver struct {
	mu        sync.Mutex
	failFirst int
	// ackLost makes the first request be processed and then answered 500,
	// as when the receiver's answer is lost on the way back.
	ackLost  bool
	down     bool // answer 503 to everything
	requests int
	times    []time.Time
	badSig   int
	dupes    int
	seen     map[string]bool
	got      []string // processed idempotency keys, in order
	bodies   []string
	changed  chan struct{}
}

func newReceiver(t *testing.T) (*receiver, *httptest.Server) {
	r := &receiver{seen: map[string]bool{}, changed: make(chan struct{}, 1)}
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	return r, srv
}

func (r *receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	defer func() {
		r.mu.Unlock()
		select {
		case r.changed <- struct{}{}:
		default:
		}
	}()
	r.requests++
	r.times = append(r.times, time.Now())
	if req.Method != http.MethodPost || req.Header.Get("Content-Type") != "application/json" {
		http.Error(w, "want a JSON POST", http.StatusBadRequest)
		return
	}
	if err := Verify([]byte(secret), req.Header.Get(SignatureHeader), body, time.Now(), 0); err != nil {
		r.badSig++
		http.Error(w, err.Error(), http.StatusUnauthorized)
		return
	}
	if r.down || r.requests <= r.failFirst {
		http.Error(w, "try later", http.StatusInternalServerError)
		return
	}
	key := req.Header.Get(IdempotencyHeader)
	if r.seen[key] {
		r.dupes++
		return // already processed: acknowledge and skip
	}
	r.seen[key] = true
	r.got = append(r.got, key)
	r.bodies = append(r.bodies, string(body))
	if r.ackLost && r.requests == 1 {
		http.Error(w, "processed, but the answer is lost", http.StatusBadGateway)
	}
}

// waitFor polls cond until it holds; the bound is only there so a bug
// fails the test instead of hanging it.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func (r *receiver) snapshot() (requests int, got []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.requests, slices.Clone(r.got)
}

func newNotifier(t *testing.T, opts Options) *Notifier {
	t.Helper()
	n, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := n.Close(ctx); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	return n
}

type alertPayload struct {
	Key      string `json:"key"`
	Revision int    `json:"revision"`
	Summary  string `json:"summary"`
}

func TestDeliveriesSignedInOrderExactlyOnce(t *testing.T) {
	r, srv := newReceiver(t)
	r.failFirst = 2
	n := newNotifier(t, Options{AllowPrivate: true, InitialBackoff: 20 * time.Millisecond, MaxBackoff: time.Second})
	if err := n.Subscribe(Subscriber{ID: "ops", URL: srv.URL + "/hook", Secret: secret}); err != nil {
		t.Fatal(err)
	}
	var want []string
	for i := range 5 {
		key := fmt.Sprintf("r:border|ev:e%d#1", i)
		want = append(want, key)
		if err := n.Send("ops", key, alertPayload{Key: key, Revision: 1, Summary: "test alert"}); err != nil {
			t.Fatal(err)
		}
	}
	// Sending a key again while it is queued or after delivery is a no-op.
	if err := n.Send("ops", want[0], alertPayload{Key: want[0]}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "five deliveries", func() bool { _, got := r.snapshot(); return len(got) == 5 && n.Status()[0].Delivered == 5 })
	if err := n.Send("ops", want[4], alertPayload{Key: want[4]}); err != nil {
		t.Fatal(err)
	}
	if p := n.Status()[0].Pending; p != 0 {
		t.Errorf("a delivered key was queued again (%d pending)", p)
	}
	requests, got := r.snapshot()
	if !slices.Equal(got, want) {
		t.Errorf("processed %v, want %v in order", got, want)
	}
	if requests != 7 || r.badSig != 0 || r.dupes != 0 {
		t.Errorf("requests %d (want 2 failed + 5), bad signatures %d, duplicates %d", requests, r.badSig, r.dupes)
	}
	var p alertPayload
	if err := json.Unmarshal([]byte(r.bodies[0]), &p); err != nil || p.Key != want[0] {
		t.Errorf("body %q: %v", r.bodies[0], err)
	}
	// The two failures were followed by the backoff: 20 ms, then 40 ms.
	if d := r.times[1].Sub(r.times[0]); d < 20*time.Millisecond {
		t.Errorf("first retry after %v, want >= 20ms", d)
	}
	if d := r.times[2].Sub(r.times[1]); d < 40*time.Millisecond {
		t.Errorf("second retry after %v, want >= 40ms", d)
	}
	st := n.Status()
	if len(st) != 1 || st[0].Delivered != 5 || st[0].Pending != 0 || st[0].Failing() {
		t.Errorf("status %+v", st)
	}
}

func TestLostAcknowledgementIsProcessedOnce(t *testing.T) {
	r, srv := newReceiver(t)
	r.ackLost = true
	n := newNotifier(t, Options{AllowPrivate: true, InitialBackoff: 5 * time.Millisecond})
	if err := n.Subscribe(Subscriber{ID: "ops", URL: srv.URL, Secret: secret}); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"a#1", "b#1"} {
		if err := n.Send("ops", k, map[string]string{"key": k}); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, "both delivered", func() bool { return n.Status()[0].Delivered == 2 })
	requests, got := r.snapshot()
	if !slices.Equal(got, []string{"a#1", "b#1"}) || r.dupes != 1 || requests != 3 {
		t.Errorf("processed %v, duplicates skipped %d, requests %d", got, r.dupes, requests)
	}
}

func TestParkedAfterFailuresThenResumed(t *testing.T) {
	r, srv := newReceiver(t)
	r.down = true
	n := newNotifier(t, Options{AllowPrivate: true, InitialBackoff: 2 * time.Millisecond, MaxAttempts: 3})
	if err := n.Subscribe(Subscriber{ID: "ops", URL: srv.URL, Secret: secret}); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"1", "2"} {
		if err := n.Send("ops", k, k); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, "parking", func() bool { return n.Status()[0].Parked })
	st := n.Status()[0]
	if !st.Failing() || st.Failures != 3 || st.Pending != 2 || !strings.Contains(st.LastError, "500") {
		t.Errorf("parked status %+v", st)
	}
	pending := n.Pending()
	if len(pending) != 2 || pending[0].Attempts != 3 || pending[0].ID != "1" {
		t.Errorf("pending %+v", pending)
	}
	time.Sleep(50 * time.Millisecond) // many backoffs long: a parked queue is not retried
	if requests, _ := r.snapshot(); requests != 3 {
		t.Errorf("%d requests while parked, want 3", requests)
	}
	r.mu.Lock()
	r.down = false
	r.mu.Unlock()
	if err := n.Resume("ops"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "delivery after resume", func() bool { return n.Status()[0].Delivered == 2 })
	if _, got := r.snapshot(); !slices.Equal(got, []string{"1", "2"}) {
		t.Errorf("after resume got %v", got)
	}
	if err := n.Resume("nobody"); err == nil {
		t.Error("resuming an unknown subscriber succeeded")
	}
}

func TestPrivateAddressesRefusedUnlessAllowed(t *testing.T) {
	r, srv := newReceiver(t)
	n := newNotifier(t, Options{InitialBackoff: time.Millisecond})
	if err := n.Subscribe(Subscriber{ID: "ops", URL: srv.URL, Secret: secret}); err != nil {
		t.Fatal(err)
	}
	if err := n.Send("ops", "k1", "x"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "parking on a blocked address", func() bool { return n.Status()[0].Parked })
	if st := n.Status()[0]; st.Failures != 1 || !strings.Contains(st.LastError, "loopback") {
		t.Errorf("status %+v", st)
	}
	if requests, _ := r.snapshot(); requests != 0 {
		t.Errorf("the loopback receiver got %d requests", requests)
	}

	allowed := newNotifier(t, Options{Allow: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}})
	if err := allowed.Subscribe(Subscriber{ID: "ops", URL: srv.URL, Secret: secret}); err != nil {
		t.Fatal(err)
	}
	if err := allowed.Send("ops", "k2", "x"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "delivery to an allowed range", func() bool { return allowed.Status()[0].Delivered == 1 })
}

func TestQueueSurvivesRestart(t *testing.T) {
	r, srv := newReceiver(t)
	r.down = true
	first, err := New(Options{AllowPrivate: true, MaxAttempts: 1})
	if err != nil {
		t.Fatal(err)
	}
	if err := first.Subscribe(Subscriber{ID: "ops", URL: srv.URL, Secret: secret}); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"x#1", "y#1", "z#1"} {
		if err := first.Send("ops", k, k); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, "parking", func() bool { return first.Status()[0].Parked })
	saved, err := json.Marshal(first.Pending())
	if err != nil {
		t.Fatal(err)
	}
	if err := first.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := first.Send("ops", "late", 1); err == nil {
		t.Error("send after close succeeded")
	}

	r.mu.Lock()
	r.down = false
	r.mu.Unlock()
	second := newNotifier(t, Options{AllowPrivate: true})
	if err := second.Subscribe(Subscriber{ID: "ops", URL: srv.URL, Secret: secret}); err != nil {
		t.Fatal(err)
	}
	var restored []Delivery
	if err := json.Unmarshal(saved, &restored); err != nil {
		t.Fatal(err)
	}
	if err := second.Restore(restored); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "restored deliveries", func() bool { return second.Status()[0].Delivered == 3 })
	if _, got := r.snapshot(); !slices.Equal(got, []string{"x#1", "y#1", "z#1"}) {
		t.Errorf("got %v", got)
	}
	if err := second.Restore([]Delivery{{ID: "bad", Subscriber: "ops", Body: json.RawMessage("{")}}); err == nil {
		t.Error("restored a delivery whose body is not JSON")
	}
	if left := second.Unsubscribe("ops"); len(left) != 0 {
		t.Errorf("left over %v", left)
	}
	if err := second.Send("ops", "k", 1); err == nil {
		t.Error("send to an unsubscribed subscriber succeeded")
	}
}

func TestSubscribeAndSendReject(t *testing.T) {
	n := newNotifier(t, Options{})
	bad := []Subscriber{
		{URL: "https://ops.example.org/hook", Secret: "x"},
		{ID: "a", URL: "ftp://ops.example.org/hook", Secret: "x"},
		{ID: "a", URL: "/hook", Secret: "x"},
		{ID: "a", URL: "https://user:pw@ops.example.org/hook", Secret: "x"},
		{ID: "a", URL: "https://ops.example.org/hook"},
		{ID: "a", URL: "http://[::1", Secret: "x"},
	}
	for _, s := range bad {
		if err := n.Subscribe(s); err == nil {
			t.Errorf("subscribed %+v", s)
		}
	}
	if err := n.Send("nobody", "k", 1); err == nil {
		t.Error("sent to an unknown subscriber")
	}
	if err := n.Subscribe(Subscriber{ID: "a", URL: "https://ops.example.org/hook", Secret: "x"}); err != nil {
		t.Fatal(err)
	}
	if err := n.Send("a", "", 1); err == nil {
		t.Error("sent without a key")
	}
	if err := n.Send("a", "k", func() {}); err == nil {
		t.Error("sent a payload that is not JSON")
	}
	if _, err := New(Options{Timeout: -1}); err == nil {
		t.Error("negative timeout accepted")
	}
}

func TestBackoff(t *testing.T) {
	o := Options{InitialBackoff: time.Second, MaxBackoff: 10 * time.Second}
	got := []time.Duration{o.Backoff(0), o.Backoff(1), o.Backoff(2), o.Backoff(3), o.Backoff(4), o.Backoff(5), o.Backoff(60)}
	want := []time.Duration{0, time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 10 * time.Second, 10 * time.Second}
	if !slices.Equal(got, want) {
		t.Errorf("backoff %v, want %v", got, want)
	}
}

func TestVerify(t *testing.T) {
	body := []byte(`{"key":"r:1|ev:e1","revision":1}`)
	now := time.Unix(1625464800, 0)
	h := Sign([]byte(secret), now, body)
	if !strings.HasPrefix(h, "t=1625464800,v1=") || len(h) != len("t=1625464800,v1=")+64 {
		t.Fatalf("header %q", h)
	}
	if err := Verify([]byte(secret), h, body, now.Add(time.Minute), 0); err != nil {
		t.Errorf("good signature: %v", err)
	}
	// Rotation: the old and the new secret both sign.
	rotated := h + "," + strings.Split(Sign([]byte("new"), now, body), ",")[1]
	if err := Verify([]byte("new"), rotated, body, now, 0); err != nil {
		t.Errorf("rotated signature: %v", err)
	}
	bad := map[string]struct {
		secret, header string
		body           []byte
		now            time.Time
	}{
		"tampered body":   {secret, h, []byte(`{"key":"r:1|ev:e2","revision":1}`), now},
		"wrong secret":    {"other", h, body, now},
		"stale":           {secret, h, body, now.Add(6 * time.Minute)},
		"from the future": {secret, h, body, now.Add(-6 * time.Minute)},
		"empty":           {secret, "", body, now},
		"no timestamp":    {secret, strings.Split(h, ",")[1], body, now},
		"no signature":    {secret, "t=1625464800", body, now},
		"not hex":         {secret, "t=1625464800,v1=zz", body, now},
		"bad timestamp":   {secret, strings.Replace(h, "t=1625464800", "t=soon", 1), body, now},
		"garbage":         {secret, "garbage", body, now},
	}
	names := make([]string, 0, len(bad))
	for k := range bad {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, name := range names {
		c := bad[name]
		if err := Verify([]byte(c.secret), c.header, c.body, c.now, 0); !errors.Is(err, ErrSignature) {
			t.Errorf("%s: got %v, want ErrSignature", name, err)
		}
	}
}

// OnAttempt sees every attempt with the delivery as it now stands, so the
// service can keep its stored queue in step: failures with their count,
// the parking, and the success that removes it.
func TestOnAttemptReportsEachAttempt(t *testing.T) {
	r, srv := newReceiver(t)
	r.failFirst = 2
	type seen struct {
		id       string
		attempts int
		ok       bool
		parked   bool
	}
	var mu sync.Mutex
	var got []seen
	n := newNotifier(t, Options{AllowPrivate: true, InitialBackoff: 2 * time.Millisecond, MaxAttempts: 2,
		OnAttempt: func(d Delivery, err error, parked bool) {
			mu.Lock()
			defer mu.Unlock()
			got = append(got, seen{d.ID, d.Attempts, err == nil, parked})
		}})
	if err := n.Subscribe(Subscriber{ID: "ops", URL: srv.URL, Secret: secret}); err != nil {
		t.Fatal(err)
	}
	if err := n.Send("ops", "k#1", map[string]string{"key": "k"}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "parking", func() bool { return n.Status()[0].Parked })
	if err := n.Resume("ops"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "delivery", func() bool { return n.Status()[0].Delivered == 1 })
	// The success is reported after the receiver answered; wait for it.
	waitFor(t, "the third report", func() bool { mu.Lock(); defer mu.Unlock(); return len(got) == 3 })
	mu.Lock()
	defer mu.Unlock()
	want := []seen{{"k#1", 1, false, false}, {"k#1", 2, false, true}, {"k#1", 2, true, false}}
	if !slices.Equal(got, want) {
		t.Errorf("attempts reported %+v, want %+v", got, want)
	}
}
