package main

// Issue 6's acceptance with real servers on loopback: `borderwatch serve`
// polls a feed server that publishes reports while it runs; alerts go to
// the SSE stream (a client disconnects and resumes with Last-Event-ID) and
// to a webhook receiver that verifies signatures and fails the first two
// deliveries. Each alert arrives once, signed, in order; a restart, a
// re-poll and `borderwatch reprocess` fire nothing again.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"borderwatch/internal/notify"
	"borderwatch/internal/stream"
	"borderwatch/internal/watch"
)

// Reports written for this test.
var wireReports = map[string]wireItem{
	"talks":  {"talks", "Cotton talks", "Mon, 05 Jul 2021 09:00:00 +0500", "Tajikistan and Kazakhstan signed a cotton agreement in Dushanbe on Monday, the ministry said."},
	"post":   {"post", "Post attacked", "Mon, 05 Jul 2021 10:00:00 +0500", "Taliban fighters attacked an Afghan army post in Ishkashim district on Monday, local officials said."},
	"port":   {"port", "Port taken", "Tue, 06 Jul 2021 08:00:00 +0500", "Taliban fighters captured the river port of Shir Khan Bandar near the Tajik border on Tuesday."},
	"call":   {"call", "Reservists called up", "Wed, 07 Jul 2021 12:00:00 +0500", "Tajikistan mobilized 20,000 reservists on July 7 to reinforce its border with Afghanistan, the defence ministry said."},
	"khwhan": {"khwhan", "Second post attacked", "Thu, 08 Jul 2021 12:00:00 +0500", "Taliban fighters attacked an Afghan border post in Khwahan district on Thursday, local officials said."},
}

type wireItem struct{ slug, title, published, text string }

// wire is an RSS feed server whose items can be added while it runs; it
// notes when each item was first served (the poll that found it).
type wire struct {
	mu     sync.Mutex
	items  []wireItem
	served map[string]time.Time
	srv    *httptest.Server
}

func newWire(t testing.TB) *wire {
	w := &wire{served: map[string]time.Time{}}
	w.srv = httptest.NewServer(w)
	t.Cleanup(w.srv.Close)
	return w
}

func (f *wire) publish(it wireItem) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.items = append([]wireItem{it}, f.items...)
}

func (f *wire) firstServed(slug string) time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.served[slug]
}

func (f *wire) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if slug, ok := strings.CutPrefix(r.URL.Path, "/news/"); ok {
		for _, it := range f.items {
			if it.slug == slug {
				w.Header().Set("Content-Type", "text/html; charset=utf-8")
				fmt.Fprintf(w, "<html><head><title>%s</title></head><body><article><h1>%s</h1><p>%s</p></article></body></html>",
					html.EscapeString(it.title), html.EscapeString(it.title), html.EscapeString(it.text))
				return
			}
		}
	}
	if r.URL.Path != "/feed.xml" {
		http.NotFound(w, r)
		return
	}
	now := time.Now()
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Test wire</title>`)
	for _, it := range f.items {
		if _, ok := f.served[it.slug]; !ok {
			f.served[it.slug] = now
		}
		link := f.srv.URL + "/news/" + it.slug
		fmt.Fprintf(&b, "<item><title>%s</title><link>%s</link><guid>%s</guid><pubDate>%s</pubDate>"+
			"<description>%s</description><content:encoded><![CDATA[<p>%s</p>]]></content:encoded></item>\n",
			html.EscapeString(it.title), link, link, it.published, html.EscapeString(it.title), it.text)
	}
	b.WriteString("</channel></rss>")
	w.Header().Set("Content-Type", "application/rss+xml")
	io.WriteString(w, b.String())
}

const e2eSecret = "e2e-hook-secret"

// receiver verifies signatures, fails the first failFirst requests and
// processes each idempotency key once.
type receiver struct {
	mu        sync.Mutex
	failFirst int
	requests  int
	badSig    int
	seen      map[string]bool
	keys      []string
	alerts    []watch.Alert
	arrived   map[string]time.Time
	notify    chan string
}

func newReceiver(t testing.TB, failFirst int) (*receiver, string) {
	h := &receiver{failFirst: failFirst, seen: map[string]bool{}, arrived: map[string]time.Time{}, notify: make(chan string, 4096)}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return h, srv.URL + "/hook"
}

func (h *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	h.mu.Lock()
	defer h.mu.Unlock()
	h.requests++
	if err := notify.Verify([]byte(e2eSecret), r.Header.Get(notify.SignatureHeader), body, time.Now(), 0); err != nil {
		h.badSig++
		http.Error(w, err.Error(), http.StatusUnauthorized)
		return
	}
	if h.requests <= h.failFirst {
		http.Error(w, "not yet", http.StatusServiceUnavailable)
		return
	}
	key := r.Header.Get(notify.IdempotencyHeader)
	if h.seen[key] {
		return
	}
	var a watch.Alert
	if err := json.Unmarshal(body, &a); err != nil || key != a.Key+"#"+strconv.Itoa(a.Revision) {
		http.Error(w, "body does not match its key", http.StatusBadRequest)
		return
	}
	h.seen[key] = true
	h.keys = append(h.keys, key)
	h.alerts = append(h.alerts, a)
	h.arrived[key] = time.Now()
	h.notify <- key
}

func (h *receiver) processed() []watch.Alert {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.alerts)
}

// clock is the poller's clock: real time plus an offset the test moves
// forward to make the feed due without waiting its interval.
type clock struct {
	mu     sync.Mutex
	offset time.Duration
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.offset)
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.offset += d
}

// startServe runs `serve` on dbPath with the poller on the clock now,
// ticking every tick; stop shuts it down and waits for it.
func startServe(t testing.TB, dbPath string, now func() time.Time, tick time.Duration) (url string, stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	db, err := openStore(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	urls := make(chan string, 1)
	var out, errb lockedBuffer
	done := make(chan error, 1)
	o := serveOptions{listen: "127.0.0.1:0", poll: true, allowPrivate: true, maxBody: 1 << 20,
		pollTick: tick, now: now, ready: func(u string) { urls <- u }}
	go func() { done <- serveDB(ctx, db, o, &out, &errb) }()
	stopped := false
	stop = func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v\n%s", err, errb.String())
		}
		db.Close()
	}
	t.Cleanup(stop)
	select {
	case url = <-urls:
	case err := <-done:
		t.Fatalf("serve ended: %v\n%s", err, errb.String())
	case <-time.After(2 * time.Minute):
		t.Fatal("serve did not start in 2 minutes")
	}
	return url, stop
}

// sse reads a text/event-stream over a real connection.
type sse struct {
	body   io.ReadCloser
	buf    []byte
	cancel context.CancelFunc
	lastID uint64
}

type sseMessage struct {
	id   uint64
	kind string
	data string
}

func openSSE(t testing.TB, url string, lastID uint64) *sse {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url+"/api/v1/stream", nil)
	if lastID > 0 {
		req.Header.Set("Last-Event-ID", strconv.FormatUint(lastID, 10))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusOK {
		cancel()
		t.Fatalf("opening the stream: %v %v", err, resp)
	}
	s := &sse{body: resp.Body, cancel: cancel, lastID: lastID}
	t.Cleanup(s.close)
	return s
}

func (s *sse) close() { s.cancel(); s.body.Close() }

// next returns the next message; ok is false when the stream ended.
func (s *sse) next(t testing.TB) (m sseMessage, ok bool) {
	t.Helper()
	for {
		if i := bytes.Index(s.buf, []byte("\n\n")); i >= 0 {
			block := string(s.buf[:i])
			s.buf = s.buf[i+2:]
			for line := range strings.SplitSeq(block, "\n") {
				k, v, _ := strings.Cut(line, ": ")
				switch k {
				case "id":
					m.id, _ = strconv.ParseUint(v, 10, 64)
				case "event":
					m.kind = v
				case "data":
					m.data = v
				}
			}
			if m.kind == "" {
				continue // retry field or heartbeat
			}
			if m.kind == stream.KindResync {
				t.Fatalf("stream asked to resync after %d: the resume failed", s.lastID)
			}
			if m.id <= s.lastID {
				t.Fatalf("stream id %d after %d: out of order or repeated", m.id, s.lastID)
			}
			s.lastID = m.id
			return m, true
		}
		chunk := make([]byte, 32<<10)
		n, err := s.body.Read(chunk)
		s.buf = append(s.buf, chunk[:n]...)
		if err != nil && n == 0 {
			return sseMessage{}, false
		}
	}
}

// nextAlert reads until the next alert.
func (s *sse) nextAlert(t testing.TB) watch.Alert {
	t.Helper()
	for {
		m, ok := s.next(t)
		if !ok {
			t.Fatal("stream ended before an alert")
		}
		if m.kind == stream.KindAlert {
			var a watch.Alert
			if err := json.Unmarshal([]byte(m.data), &a); err != nil {
				t.Fatal(err)
			}
			return a
		}
	}
}

func cli(t testing.TB, fn func([]string, io.Reader, io.Writer, io.Writer) int, args ...string) string {
	t.Helper()
	var out, errb bytes.Buffer
	if code := fn(args, nil, &out, &errb); code != 0 {
		t.Fatalf("%v: exit %d: %s", args, code, errb.String())
	}
	return out.String()
}

func TestServeAlertsExactlyOnce(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "alerts.db")
	wire := newWire(t)
	hooks, hookURL := newReceiver(t, 2)

	// The analyst's setup, through the CLI.
	if out := cli(t, runWatch, "add", "border-30", "--border", "AFG-TJK", "--km", "30", "--db", dbPath); !strings.Contains(out, "30 km either side of the AFG-TJK border") {
		t.Errorf("watch add: %q", out)
	}
	if out := cli(t, runWatch, "list", "--db", dbPath); !strings.Contains(out, "border-30") {
		t.Errorf("watch list: %q", out)
	}
	cli(t, runAlerts, "add", "--id", "border", "--watch", "border-30", "--types", "MOBILIZE,ASSAULT,COERCE",
		"--webhook", hookURL, "--secret", e2eSecret, "--db", dbPath)
	cli(t, runFeeds, "add", wire.srv.URL+"/feed.xml", "--every", "1m", "--db", dbPath)

	clk := &clock{}
	url, stop := startServe(t, dbPath, clk.now, 20*time.Millisecond)
	s := openSSE(t, url, 0)

	wire.publish(wireReports["talks"])
	wire.publish(wireReports["post"])
	clk.advance(2 * time.Minute)
	var onStream []watch.Alert
	onStream = append(onStream, s.nextAlert(t))
	s.close() // the analyst's laptop goes to sleep

	wire.publish(wireReports["port"])
	wire.publish(wireReports["call"])
	clk.advance(2 * time.Minute)
	// Resume where it stopped: nothing lost, nothing twice.
	s = openSSE(t, url, s.lastID)
	for range 2 {
		onStream = append(onStream, s.nextAlert(t))
	}
	docs := map[string]bool{}
	for _, a := range onStream {
		if a.RuleID != "border" || a.Revision != 1 || len(a.DocIDs) != 1 || docs[a.DocIDs[0]] {
			t.Errorf("stream alert %+v: want a first firing of rule border for a report not alerted yet", a)
		}
		docs[a.DocIDs[0]] = true
	}

	deadline := time.After(30 * time.Second)
	for len(hooks.processed()) < 3 {
		select {
		case <-hooks.notify:
		case <-deadline:
			t.Fatalf("webhook processed %v", hooks.processed())
		}
	}
	for len(hooks.notify) > 0 {
		<-hooks.notify
	}
	var hooked, streamed []string
	for _, a := range hooks.processed() {
		hooked = append(hooked, a.Key)
	}
	for _, a := range onStream {
		streamed = append(streamed, a.Key)
	}
	if !slices.Equal(hooked, streamed) {
		t.Errorf("webhook got %v, the stream %v: want the same alerts in the same order", hooked, streamed)
	}
	hooks.mu.Lock()
	if hooks.badSig != 0 || hooks.requests != 5 {
		t.Errorf("webhook: %d bad signatures, %d requests (want 0, and 2 failed + 3)", hooks.badSig, hooks.requests)
	}
	hooks.mu.Unlock()
	if out := cli(t, runAlerts, "list", "--db", dbPath); !strings.Contains(out, "border") || strings.Contains(out, "FAILING") {
		t.Errorf("alerts list: %q", out)
	}

	// Read the stream to its end as the server stops, so the position
	// after the last message is known.
	stop()
	for {
		if _, ok := s.next(t); !ok {
			break
		}
	}

	// Restart on the same database: the poller forgot what it delivered
	// and fetches the feed again; the catch-up and `reprocess` run over
	// everything. Nothing fires again: the next alert on the stream and at
	// the webhook is that of a new report.
	url, _ = startServe(t, dbPath, clk.now, 20*time.Millisecond)
	s = openSSE(t, url, s.lastID)
	clk.advance(2 * time.Minute)
	for end := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		var feeds struct {
			Feeds []struct {
				LastFetch time.Time `json:"last_fetch"`
			}
		}
		getJSONFrom(t, url+"/api/v1/feeds", &feeds)
		if len(feeds.Feeds) == 1 && feeds.Feeds[0].LastFetch.After(clk.now().Add(-30*time.Second)) {
			break
		}
		if time.Now().After(end) {
			t.Fatalf("the restarted server did not poll the feed: %+v", feeds)
		}
	}
	// Beside a running server, reprocess re-extracts and leaves the alerts
	// to the server, which owns their state and follows the change feed.
	if out := cli(t, runReprocess, "--db", dbPath); !strings.Contains(out, "a server is running on this database") {
		t.Errorf("reprocess: %q", out)
	}
	wire.publish(wireReports["khwhan"])
	clk.advance(2 * time.Minute)
	next := s.nextAlert(t)
	if !slices.ContainsFunc(next.Evidence, func(e watch.Evidence) bool { return strings.Contains(e.Text, "Khwahan") }) {
		t.Errorf("after the restart the stream carried %+v first, want the alert of the new report", next)
	}
	select {
	case key := <-hooks.notify:
		if key != next.Key+"#"+strconv.Itoa(next.Revision) {
			t.Errorf("after the restart the webhook processed %s first, want %s#%d", key, next.Key, next.Revision)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("no webhook for the new report")
	}
	var stored struct{ Alerts []watch.Alert }
	getJSONFrom(t, url+"/api/v1/alerts", &stored)
	if len(stored.Alerts) != 4 && !(len(stored.Alerts) == 3 && next.Revision == 2) {
		t.Errorf("%d alerts stored after the restart, want the three and the new one", len(stored.Alerts))
	}
	for _, a := range stored.Alerts {
		if a.Key != next.Key && a.Revision != 1 {
			t.Errorf("alert %s was updated to revision %d by the restart or reprocess", a.Key, a.Revision)
		}
	}
}
