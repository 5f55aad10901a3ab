package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"borderwatch/internal/export"
)

// lockedBuffer is a bytes.Buffer safe to write from the server goroutine.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// startDemo runs the demo on addr and returns its URL; it stops with the test.
func startDemo(t *testing.T, addr string) (string, *lockedBuffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	urls := make(chan string, 1)
	var out, errb lockedBuffer
	done := make(chan int, 1)
	o := serveOptions{listen: addr, nextFreePort: true, maxBody: 1 << 20, ready: func(u string) { urls <- u }}
	go func() { done <- demoServe(ctx, o, filepath.Join(t.TempDir(), "demo.db"), &out, &errb) }()
	t.Cleanup(func() {
		cancel()
		if code := <-done; code != 0 {
			t.Errorf("demo exit %d: %s", code, errb.String())
		}
	})
	select {
	case u := <-urls:
		return u, &out
	case code := <-done:
		t.Fatalf("demo ended with %d: %s", code, errb.String())
	case <-time.After(2 * time.Minute):
		t.Fatal("demo did not start in 2 minutes")
	}
	return "", nil
}

func getJSONFrom(t *testing.T, url string, v any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d", url, resp.StatusCode)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatal(err)
	}
}

func TestDemoServesTheSample(t *testing.T) {
	// Hold a port so the demo has to take the next one.
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	url, out := startDemo(t, busy.Addr().String())
	if url == "http://"+busy.Addr().String() || !strings.HasPrefix(url, "http://127.0.0.1:") {
		t.Errorf("demo URL %s: want loopback, not the busy port", url)
	}
	if !strings.Contains(out.String(), url) {
		t.Errorf("the URL is not printed: %q", out.String())
	}
	var events struct{ Total int }
	getJSONFrom(t, url+"/api/v1/events", &events)
	if events.Total < 10 {
		t.Errorf("demo serves %d events", events.Total)
	}
	var docs struct {
		Documents []struct {
			Lang     string `json:"lang"`
			NotCoded string `json:"not_coded"`
		}
	}
	getJSONFrom(t, url+"/api/v1/documents?not_coded=true", &docs)
	if len(docs.Documents) != 2 {
		t.Errorf("demo lists %d documents not coded, want the Russian and Persian ones", len(docs.Documents))
	}
	// The server groups the sample into incidents on start.
	var incs struct {
		Total     int `json:"total"`
		Incidents []struct {
			Independent int `json:"independent_sources"`
		} `json:"incidents"`
	}
	getJSONFrom(t, url+"/api/v1/incidents?min_sources=2", &incs)
	if incs.Total == 0 || len(incs.Incidents) != incs.Total {
		t.Errorf("demo serves %d incidents with two or more independent sources, listing %d", incs.Total, len(incs.Incidents))
	}
}

func TestServeRefusesPublicAddressWithoutToken(t *testing.T) {
	var out, errb bytes.Buffer
	code := runServe([]string{"--db", filepath.Join(t.TempDir(), "s.db"), "--listen", "0.0.0.0:0", "--poll=false", "--token="}, nil, &out, &errb)
	if code != 1 || !strings.Contains(errb.String(), "refusing to listen on 0.0.0.0:0 without an access token") {
		t.Errorf("exit %d: %s", code, errb.String())
	}
}

func TestUsersFeedsExportCommands(t *testing.T) {
	db := filepath.Join(t.TempDir(), "c.db")
	runOK := func(fn func([]string, io.Reader, io.Writer, io.Writer) int, args ...string) string {
		t.Helper()
		var out, errb bytes.Buffer
		if code := fn(args, nil, &out, &errb); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errb.String())
		}
		return out.String()
	}
	token := strings.TrimSpace(runOK(runUsers, "add", "amina", "--role", "analyst", "--db", db))
	if !strings.HasPrefix(token, "bw_") {
		t.Errorf("users add printed %q, want the token", token)
	}
	if list := runOK(runUsers, "list", "--db", db); !strings.Contains(list, "amina") || !strings.Contains(list, "analyst") || strings.Contains(list, token) {
		t.Errorf("users list: %q", list)
	}
	var errb bytes.Buffer
	if code := runUsers([]string{"add", "bob", "--role", "king", "--db", db}, nil, &bytes.Buffer{}, &errb); code != 1 || !strings.Contains(errb.String(), "king") {
		t.Errorf("bad role: exit %d %s", code, errb.String())
	}
	if out := runOK(runFeeds, "add", "https://example.org/rss", "--every", "10m", "--db", db); !strings.Contains(out, "feed 1 added") {
		t.Errorf("feeds add: %q", out)
	}
	runOK(runFeeds, "pause", "1", "--db", db)
	if out := runOK(runFeeds, "list", "--db", db); !strings.Contains(out, "paused") || !strings.Contains(out, "10m0s") {
		t.Errorf("feeds list: %q", out)
	}
	runOK(runFeeds, "remove", "1", "--db", db)
	if code := runFeeds([]string{"remove", "x", "--db", db}, nil, &bytes.Buffer{}, &bytes.Buffer{}); code != 2 {
		t.Errorf("feeds remove x: exit %d, want 2", code)
	}
	runOK(runUsers, "remove", "amina", "--db", db)

	path, _ := writeGeneratedDocs(t, t.TempDir(), 10)
	runOK(runIngest, "--db", db, path)
	csvOut := runOK(runExport, "--db", db, "--format", "acled", "--since", "2021-07-01")
	if !strings.HasPrefix(csvOut, strings.Join(export.ACLEDColumns, ",")+"\n") || strings.Count(csvOut, "\n") < 2 {
		t.Errorf("acled export:\n%s", csvOut)
	}
	if code := runExport([]string{"--db", db, "--format", "xml"}, nil, &bytes.Buffer{}, &errb); code != 2 {
		t.Errorf("unknown format: exit %d", code)
	}
	if code := runExport([]string{"--db", db, "--since", "July"}, nil, &bytes.Buffer{}, &errb); code != 2 {
		t.Errorf("bad date: exit %d", code)
	}
}
