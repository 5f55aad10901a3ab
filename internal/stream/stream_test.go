package stream

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"
)

// sseEvent is one message as a client parses it off the wire.
type sseEvent struct {
	ID, Event, Data string
	Comment         bool
}

// sseClient is a real HTTP client reading the stream.
type sseClient struct {
	resp   *http.Response
	r      *bufio.Reader
	cancel context.CancelFunc
}

func dial(t testing.TB, url, lastID string) *sseClient {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if lastID != "" {
		req.Header.Set("Last-Event-ID", lastID)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		cancel()
		t.Fatalf("status %s", resp.Status)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/event-stream") {
		t.Fatalf("content type %q", ct)
	}
	c := &sseClient{resp: resp, r: bufio.NewReader(resp.Body), cancel: cancel}
	t.Cleanup(c.close)
	return c
}

func (c *sseClient) close() { c.cancel(); c.resp.Body.Close() }

// next reads the next message or comment, skipping the retry: preamble.
func (c *sseClient) next() (sseEvent, error) {
	var e sseEvent
	seen := false
	for {
		line, err := c.r.ReadString('\n')
		if err != nil {
			return e, err
		}
		line = strings.TrimSuffix(line, "\n")
		if line == "" {
			if seen {
				return e, nil
			}
			continue
		}
		k, v, _ := strings.Cut(line, ":")
		v = strings.TrimPrefix(v, " ")
		switch k {
		case "":
			e.Comment, e.Data, seen = true, v, true
		case "id":
			e.ID, seen = v, true
		case "event":
			e.Event, seen = v, true
		case "data":
			e.Data, seen = v, true
		}
	}
}

// nextMessage skips heartbeats.
func (c *sseClient) nextMessage(t testing.TB) sseEvent {
	t.Helper()
	for {
		e, err := c.next()
		if err != nil {
			t.Fatalf("reading stream: %v", err)
		}
		if !e.Comment {
			return e
		}
	}
}

func newServer(t testing.TB, opts Options) (*Hub, *httptest.Server) {
	h := NewHub(opts)
	mux := http.NewServeMux()
	mux.Handle("/api/v1/stream", h)
	srv := httptest.NewServer(mux)
	t.Cleanup(func() { h.Close(); srv.Close() })
	return h, srv
}

func publish(t testing.TB, h *Hub, kind string, v any) uint64 {
	t.Helper()
	id, err := h.Publish(kind, v)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// connected waits until the hub has n clients, so a publish that follows
// is not raced by the subscription.
func connected(t testing.TB, h *Hub, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		h.mu.Lock()
		got := len(h.clients)
		h.mu.Unlock()
		if got == n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d clients connected, want %d", got, n)
		}
		time.Sleep(time.Millisecond)
	}
}

func TestReconnectWithLastEventIDResumesWithoutLossOrDuplicates(t *testing.T) {
	h, srv := newServer(t, Options{})
	url := srv.URL + "/api/v1/stream"
	c := dial(t, url, "")
	connected(t, h, 1)
	kinds := []string{KindAlert, KindEvent, KindIncident}
	for i, k := range kinds {
		publish(t, h, k, map[string]int{"n": i})
	}
	for i, k := range kinds {
		e := c.nextMessage(t)
		if e.ID != strconv.Itoa(i+1) || e.Event != k || e.Data != `{"n":`+strconv.Itoa(i)+`}` {
			t.Fatalf("message %d: %+v", i, e)
		}
	}
	c.close()
	connected(t, h, 0)
	for i := 3; i < 7; i++ {
		publish(t, h, KindAlert, map[string]int{"n": i})
	}
	c = dial(t, url, "3")
	for want := 4; want <= 7; want++ {
		if e := c.nextMessage(t); e.ID != strconv.Itoa(want) || e.Event != KindAlert {
			t.Fatalf("after resume got %+v, want id %d", e, want)
		}
	}
	publish(t, h, KindEvent, "live")
	if e := c.nextMessage(t); e.ID != "8" || e.Data != `"live"` {
		t.Fatalf("live message after replay: %+v", e)
	}
	// The query parameter works for clients that cannot set headers.
	q := dial(t, url+"?last_event_id=6", "")
	if e := q.nextMessage(t); e.ID != "7" {
		t.Fatalf("query resume: %+v", e)
	}
}

func TestResyncWhenTooFarBehind(t *testing.T) {
	h, srv := newServer(t, Options{Buffer: 5})
	url := srv.URL + "/api/v1/stream"
	for i := range 20 {
		publish(t, h, KindEvent, i)
	}
	for _, last := range []string{"2", "14", "999"} {
		c := dial(t, url, last)
		e := c.nextMessage(t)
		if e.Event != KindResync || e.ID != "20" || e.Data != `{"last_id":20}` {
			t.Errorf("Last-Event-ID %s: got %+v, want a resync at 20", last, e)
		}
		c.close()
	}
	// 15 is the oldest resumable position: 16..20 are in the buffer.
	c := dial(t, url, "15")
	for want := 16; want <= 20; want++ {
		if e := c.nextMessage(t); e.ID != strconv.Itoa(want) {
			t.Fatalf("got %+v, want %d", e, want)
		}
	}
}

func TestHeartbeat(t *testing.T) {
	_, srv := newServer(t, Options{Heartbeat: 10 * time.Millisecond})
	c := dial(t, srv.URL+"/api/v1/stream", "")
	e, err := c.next()
	if err != nil || !e.Comment || e.Data != "heartbeat" {
		t.Fatalf("got %+v, %v; want a heartbeat comment", e, err)
	}
}

func TestCloseEndsStreams(t *testing.T) {
	h, srv := newServer(t, Options{})
	url := srv.URL + "/api/v1/stream"
	c := dial(t, url, "")
	connected(t, h, 1)
	h.Close()
	if _, err := c.next(); !errors.Is(err, io.EOF) {
		t.Fatalf("after Close read gave %v, want EOF", err)
	}
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("new stream after Close: %s", resp.Status)
	}
	if _, err := h.Publish(KindAlert, 1); !errors.Is(err, ErrClosed) {
		t.Errorf("publish after Close: %v", err)
	}
	h.Close() // twice is fine
}

func TestKindsFilterAndBadRequests(t *testing.T) {
	h, srv := newServer(t, Options{})
	url := srv.URL + "/api/v1/stream"
	publish(t, h, KindEvent, 1)
	publish(t, h, KindAlert, 2)
	c := dial(t, url+"?kinds=alert", "0")
	if e := c.nextMessage(t); e.ID != "2" || e.Event != KindAlert {
		t.Fatalf("filtered replay: %+v", e)
	}
	publish(t, h, KindIncident, 3)
	publish(t, h, KindAlert, 4)
	if e := c.nextMessage(t); e.ID != "4" {
		t.Fatalf("filtered live: %+v", e)
	}
	for _, u := range []string{url + "?kinds=gossip", url + "?last_event_id=abc", url + "?last_event_id=-1"} {
		resp, err := http.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: %s, want 400", u, resp.Status)
		}
	}
	resp, err := http.Post(url, "text/plain", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST: %s", resp.Status)
	}
	if _, err := h.Publish("gossip", 1); err == nil {
		t.Error("published an unknown kind")
	}
	if _, err := h.Publish(KindAlert, func() {}); err == nil {
		t.Error("published a value that is not JSON")
	}
}

// A client that stops reading is cut off rather than slowing the hub; on
// reconnecting it gets everything it missed.
func TestSlowClientIsCutOffAndResumes(t *testing.T) {
	h, srv := newServer(t, Options{Buffer: 5000, ClientBuffer: 4})
	url := srv.URL + "/api/v1/stream"
	c := dial(t, url, "")
	connected(t, h, 1)
	big := strings.Repeat("x", 16<<10)
	const n = 2000 // 32 MB: more than the socket buffers hold
	for range n {
		publish(t, h, KindEvent, big)
	}
	connected(t, h, 0) // cut off, while publishing never blocked
	last := 0
	for {
		e, err := c.next()
		if err != nil {
			break
		}
		if e.Comment {
			continue
		}
		id, _ := strconv.Atoi(e.ID)
		if id != last+1 {
			t.Fatalf("gap or duplicate: %d after %d", id, last)
		}
		last = id
	}
	if last >= n {
		t.Fatalf("the slow client was never cut off (read all %d)", last)
	}
	c2 := dial(t, url, strconv.Itoa(last))
	for want := last + 1; want <= n; want++ {
		if e := c2.nextMessage(t); e.ID != strconv.Itoa(want) {
			t.Fatalf("resume: got %s, want %d", e.ID, want)
		}
	}
}

func TestNumberingContinuesAfterRestart(t *testing.T) {
	h := NewHub(Options{FirstID: 41})
	defer h.Close()
	if id := publish(t, h, KindAlert, 1); id != 42 || h.LastID() != 42 {
		t.Errorf("first id %d, last %d; want 42", id, h.LastID())
	}
}
