package fetch

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// testClient allows loopback (every test server lives there) with small
// limits so the caps are reached quickly.
func testClient(t *testing.T, mod func(*Options)) *Client {
	t.Helper()
	opts := Options{
		AllowPrivate:    true,
		ConnectTimeout:  2 * time.Second,
		HeaderTimeout:   2 * time.Second,
		Timeout:         5 * time.Second,
		MaxBodyBytes:    1 << 20,
		MaxDecodedBytes: 2 << 20,
		MaxRedirects:    3,
		HostGap:         time.Millisecond,
	}
	if mod != nil {
		mod(&opts)
	}
	c, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func wantKind(t *testing.T, err error, want Kind) *Error {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want %v", want)
	}
	var fe *Error
	if !errors.As(err, &fe) {
		t.Fatalf("error %v (%T) is not a *fetch.Error", err, err)
	}
	if fe.Kind != want {
		t.Fatalf("kind = %v (%v), want %v", fe.Kind, err, want)
	}
	return fe
}

func TestGetPlainAndUserAgent(t *testing.T) {
	var ua, accept atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ua.Store(r.UserAgent())
		accept.Store(r.Header.Get("Accept"))
		w.Header().Set("Content-Type", "text/html; charset=Windows-1251")
		fmt.Fprint(w, "<p>hello</p>")
	}))
	defer srv.Close()
	c := testClient(t, nil)
	resp, err := c.Get(context.Background(), Request{URL: srv.URL + "/a", Accept: "text/html"})
	if err != nil {
		t.Fatal(err)
	}
	if string(resp.Body) != "<p>hello</p>" || resp.StatusCode != 200 || resp.ContentType != "text/html" || resp.Charset != "windows-1251" {
		t.Errorf("response = %+v", resp)
	}
	if got := ua.Load().(string); !strings.HasPrefix(got, "borderwatch/") {
		t.Errorf("User-Agent = %q, want it to name borderwatch", got)
	}
	if got := accept.Load().(string); got != "text/html" {
		t.Errorf("Accept = %q", got)
	}
}

func TestConditionalGetRoundTrip(t *testing.T) {
	const etag = `"v1"`
	const lastMod = "Mon, 05 Jul 2021 10:00:00 GMT"
	var full, notModified atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("If-None-Match") == etag && r.Header.Get("If-Modified-Since") == lastMod {
			notModified.Add(1)
			w.WriteHeader(http.StatusNotModified)
			return
		}
		full.Add(1)
		w.Header().Set("ETag", etag)
		w.Header().Set("Last-Modified", lastMod)
		fmt.Fprint(w, "feed body")
	}))
	defer srv.Close()
	c := testClient(t, nil)
	first, err := c.Get(context.Background(), Request{URL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	if first.NotModified || first.ETag != etag || first.LastModified != lastMod || string(first.Body) != "feed body" {
		t.Fatalf("first = %+v", first)
	}
	second, err := c.Get(context.Background(), Request{URL: srv.URL, ETag: first.ETag, LastModified: first.LastModified})
	if err != nil {
		t.Fatal(err)
	}
	if !second.NotModified || second.StatusCode != 304 || len(second.Body) != 0 {
		t.Fatalf("second = %+v, want 304 not modified", second)
	}
	if second.ETag != etag || second.LastModified != lastMod {
		t.Errorf("validators lost on 304: %+v", second)
	}
	if full.Load() != 1 || notModified.Load() != 1 {
		t.Errorf("server saw %d full and %d conditional answers, want 1 and 1", full.Load(), notModified.Load())
	}
}

func TestSlowServerTimesOut(t *testing.T) {
	slowHeaders := func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(10 * time.Second):
		}
	}
	slowBody := func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(200)
		fmt.Fprint(w, "<rss>")
		w.(http.Flusher).Flush()
		select {
		case <-r.Context().Done():
		case <-time.After(10 * time.Second):
		}
	}
	for name, h := range map[string]http.HandlerFunc{"headers": slowHeaders, "body": slowBody} {
		t.Run(name, func(t *testing.T) {
			srv := httptest.NewServer(h)
			defer srv.Close()
			c := testClient(t, func(o *Options) {
				o.HeaderTimeout = 200 * time.Millisecond
				o.Timeout = 400 * time.Millisecond
			})
			_, err := c.Get(context.Background(), Request{URL: srv.URL})
			fe := wantKind(t, err, KindTimeout)
			if !strings.Contains(fe.Error(), "timeout") {
				t.Errorf("message %q does not say timeout", fe.Error())
			}
		})
	}
}

func TestHTTPErrorStatus(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/busy" {
			w.Header().Set("Retry-After", "120")
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		http.Error(w, "boom", http.StatusInternalServerError)
	}))
	defer srv.Close()
	c := testClient(t, nil)
	_, err := c.Get(context.Background(), Request{URL: srv.URL})
	fe := wantKind(t, err, KindHTTPStatus)
	if fe.StatusCode != 500 || !strings.Contains(err.Error(), "HTTP 500") {
		t.Errorf("err = %v, status %d", err, fe.StatusCode)
	}
	if Permanent(err) {
		t.Error("a 500 must not count as permanent")
	}
	_, err = c.Get(context.Background(), Request{URL: srv.URL + "/busy"})
	fe = wantKind(t, err, KindHTTPStatus)
	if fe.RetryAfter != 2*time.Minute {
		t.Errorf("RetryAfter = %v, want 2m", fe.RetryAfter)
	}
}

func gzipBytes(t *testing.T, data []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	if _, err := zw.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestGzip(t *testing.T) {
	small := gzipBytes(t, []byte("<rss>fine</rss>"))
	bomb := gzipBytes(t, make([]byte, 10<<20)) // 10 MB of zeros, about 10 KB on the wire
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Accept-Encoding") != "gzip" {
			http.Error(w, "client did not ask for gzip", 400)
			return
		}
		w.Header().Set("Content-Encoding", "gzip")
		switch r.URL.Path {
		case "/bomb":
			w.Write(bomb)
		case "/corrupt":
			w.Write(small[:len(small)-6])
		default:
			w.Write(small)
		}
	}))
	defer srv.Close()
	if len(bomb) > 1<<20 {
		t.Fatalf("bomb is %d bytes compressed; the test needs it under the wire cap", len(bomb))
	}
	c := testClient(t, nil)
	resp, err := c.Get(context.Background(), Request{URL: srv.URL})
	if err != nil || string(resp.Body) != "<rss>fine</rss>" {
		t.Fatalf("gzip body = %q, %v", resp.Body, err)
	}
	_, err = c.Get(context.Background(), Request{URL: srv.URL + "/bomb"})
	fe := wantKind(t, err, KindTooLarge)
	if !strings.Contains(fe.Error(), "decompressed") {
		t.Errorf("bomb error %q should say the decompressed size is the problem", fe.Error())
	}
	_, err = c.Get(context.Background(), Request{URL: srv.URL + "/corrupt"})
	wantKind(t, err, KindBadEncoding)
}

func TestHugeBodyIsCappedWhileStreaming(t *testing.T) {
	const total = 100 << 20
	var written atomic.Int64
	handlerDone := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer close(handlerDone)
		if r.URL.Path == "/declared" {
			w.Header().Set("Content-Length", fmt.Sprint(total))
		}
		chunk := bytes.Repeat([]byte("x"), 64<<10) // streamed, never buffered whole
		for written.Load() < total {
			n, err := w.Write(chunk)
			written.Add(int64(n))
			if err != nil {
				return
			}
		}
	}))
	defer srv.Close()
	c := testClient(t, nil)
	for _, path := range []string{"/chunked", "/declared"} {
		written.Store(0)
		handlerDone = make(chan struct{})
		_, err := c.Get(context.Background(), Request{URL: srv.URL + path})
		wantKind(t, err, KindTooLarge)
		<-handlerDone
		// The client hangs up at the cap; the server only gets as far as
		// the socket buffers allow, far short of 100 MB.
		if w := written.Load(); w >= total {
			t.Errorf("%s: server wrote all %d bytes; the client should have hung up", path, w)
		}
	}
}

func TestRedirects(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/loop/a", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/loop/b", http.StatusFound) })
	mux.HandleFunc("/loop/b", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/loop/a#frag", http.StatusMovedPermanently)
	})
	mux.HandleFunc("/chain/{n}", func(w http.ResponseWriter, r *http.Request) {
		var n int
		fmt.Sscan(r.PathValue("n"), &n)
		http.Redirect(w, r, fmt.Sprintf("/chain/%d", n+1), http.StatusTemporaryRedirect)
	})
	mux.HandleFunc("/two", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/one", http.StatusFound) })
	mux.HandleFunc("/one", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/final", http.StatusSeeOther) })
	mux.HandleFunc("/final", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "arrived") })
	mux.HandleFunc("/file", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "file:///etc/passwd", http.StatusFound)
	})
	mux.HandleFunc("/nolocation", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusFound) })
	srv := httptest.NewServer(mux)
	defer srv.Close()
	c := testClient(t, nil)
	ctx := context.Background()

	resp, err := c.Get(ctx, Request{URL: srv.URL + "/two"})
	if err != nil || string(resp.Body) != "arrived" || resp.URL != srv.URL+"/final" {
		t.Fatalf("two redirects: %+v, %v", resp, err)
	}
	_, err = c.Get(ctx, Request{URL: srv.URL + "/loop/a"})
	wantKind(t, err, KindRedirectLoop)
	_, err = c.Get(ctx, Request{URL: srv.URL + "/chain/0"})
	wantKind(t, err, KindTooManyRedirects)
	_, err = c.Get(ctx, Request{URL: srv.URL + "/file"})
	wantKind(t, err, KindBadURL)
	_, err = c.Get(ctx, Request{URL: srv.URL + "/nolocation"})
	wantKind(t, err, KindHTTPStatus)
}

func TestBlockedAddresses(t *testing.T) {
	var hits atomic.Int32
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { hits.Add(1); fmt.Fprint(w, "internal secret") })
	srv := httptest.NewServer(mux)
	defer srv.Close()
	port := srv.Listener.Addr().(interface{ AddrPort() netip.AddrPort }).AddrPort().Port()
	ctx := context.Background()
	strict := testClient(t, func(o *Options) { o.AllowPrivate = false })

	// Straight to loopback, by literal and by a name that resolves to it:
	// the second is only caught on the address actually dialled.
	for _, u := range []string{srv.URL, fmt.Sprintf("http://localhost:%d/", port)} {
		_, err := strict.Get(ctx, Request{URL: u})
		fe := wantKind(t, err, KindBlocked)
		if !strings.Contains(fe.Error(), "loopback") {
			t.Errorf("%s: %q does not say why", u, fe.Error())
		}
	}
	if hits.Load() != 0 {
		t.Fatalf("blocked requests reached the server %d times", hits.Load())
	}

	// A public-looking first hop (here: the test server, allowed by the
	// operator's Allow list) that redirects into the internal network.
	allowOne := testClient(t, func(o *Options) {
		o.AllowPrivate = false
		o.Allow = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
	})
	targets := map[string]string{
		"/to-metadata":  "http://169.254.169.254/latest/meta-data/",
		"/to-loopback2": fmt.Sprintf("http://127.0.0.2:%d/", port),
		"/to-ipv6-loop": fmt.Sprintf("http://[::1]:%d/", port),
		"/to-ula":       "http://[fd00::1]/",
		"/to-cgnat":     "http://100.64.1.1/",
	}
	for from, to := range targets {
		mux.HandleFunc(from, func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, to, http.StatusFound) })
	}
	hits.Store(0)
	for from := range targets {
		_, err := allowOne.Get(ctx, Request{URL: srv.URL + from})
		if k := KindOf(err); k != KindBlocked {
			t.Errorf("redirect %s -> %s: kind %v (%v), want blocked", from, targets[from], k, err)
		}
	}
	if resp, err := allowOne.Get(ctx, Request{URL: srv.URL + "/"}); err != nil || string(resp.Body) != "internal secret" {
		t.Errorf("allowed prefix refused: %v", err)
	}
	if hits.Load() != 1 {
		t.Errorf("server hit %d times, want only the one allowed request", hits.Load())
	}
}

func TestBlockedAddrTable(t *testing.T) {
	blocked := []string{"127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1",
		"0.0.0.0", "224.0.0.1", "255.255.255.255", "::1", "::", "fe80::1", "fd12:3456::1", "ff02::1",
		"::ffff:127.0.0.1", "64:ff9b::a00:1", "2002:c0a8:101::1"}
	public := []string{"93.184.215.14", "8.8.8.8", "2606:4700::1111", "64:ff9b::808:808"}
	for _, s := range blocked {
		if blockedAddr(netip.MustParseAddr(s)) == "" {
			t.Errorf("%s should be blocked", s)
		}
	}
	for _, s := range public {
		if r := blockedAddr(netip.MustParseAddr(s)); r != "" {
			t.Errorf("%s blocked as %s", s, r)
		}
	}
}

func TestBadURLs(t *testing.T) {
	c := testClient(t, nil)
	for _, u := range []string{"", "ftp://example.org/feed", "file:///etc/passwd", "javascript:alert(1)", "http://", "http://%zz/", "/relative/only"} {
		_, err := c.Get(context.Background(), Request{URL: u})
		wantKind(t, err, KindBadURL)
	}
}

func TestOneRequestAtATimePerHost(t *testing.T) {
	const gap = 30 * time.Millisecond
	var mu sync.Mutex
	var inFlight, maxInFlight int
	var starts []time.Time
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		inFlight++
		maxInFlight = max(maxInFlight, inFlight)
		starts = append(starts, time.Now())
		mu.Unlock()
		time.Sleep(5 * time.Millisecond)
		mu.Lock()
		inFlight--
		mu.Unlock()
		fmt.Fprint(w, "ok")
	}))
	defer srv.Close()
	c := testClient(t, func(o *Options) { o.HostGap = gap })
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			if _, err := c.Get(context.Background(), Request{URL: srv.URL}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if maxInFlight != 1 {
		t.Errorf("%d requests ran at once against one host, want 1", maxInFlight)
	}
	for i := 1; i < len(starts); i++ {
		if d := starts[i].Sub(starts[i-1]); d < gap {
			t.Errorf("requests %d and %d started %v apart, want at least %v", i-1, i, d, gap)
		}
	}
}

func TestCancelledWhileWaitingForHost(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-release
		fmt.Fprint(w, "ok")
	}))
	defer srv.Close()
	defer close(release)
	c := testClient(t, nil)
	go c.Get(context.Background(), Request{URL: srv.URL}) // holds the host
	time.Sleep(50 * time.Millisecond)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := c.Get(ctx, Request{URL: srv.URL})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if KindOf(err) == KindTimeout {
		t.Error("a caller's cancel must not look like a server timeout")
	}
}

func TestNewRejectsNegativeLimits(t *testing.T) {
	if _, err := New(Options{MaxBodyBytes: -1}); err == nil {
		t.Error("negative MaxBodyBytes accepted")
	}
}

// BenchmarkGet measures one small fetch over loopback, the client's
// overhead with the per-host gap set to almost nothing.
func BenchmarkGet(b *testing.B) {
	body := bytes.Repeat([]byte("<item>x</item>"), 1000)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(body) }))
	defer srv.Close()
	c, err := New(Options{AllowPrivate: true, HostGap: time.Nanosecond})
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if _, err := c.Get(context.Background(), Request{URL: srv.URL}); err != nil {
			b.Fatal(err)
		}
	}
}
