package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"borderwatch/internal/store"
)

const serveChildEnv = "BORDERWATCH_TEST_SERVE_ARGS"

// TestServeChild is `serve` in a process of its own, for the kill test.
func TestServeChild(t *testing.T) {
	args := os.Getenv(serveChildEnv)
	if args == "" {
		t.Skip("runs only as the child of TestServeSurvivesSIGKILL")
	}
	os.Exit(runServe(strings.Split(args, "\x1f"), os.Stdin, os.Stdout, os.Stderr))
}

// TestServeSurvivesSIGKILL posts reports to a server, kills it with
// SIGKILL as soon as alerts fire, and starts it again on the same
// database: every stored report is grouped into an incident, no alert
// stored before the kill is announced again (its revision stays), and the
// dead server's lease does not outlive its time.
func TestServeSurvivesSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("re-executes the test binary")
	}
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "kill.db")
	cli(t, runAlerts, "add", "--id", "crossings", "--types", "RETREAT", "--db", dbPath)
	_, docs := writeGeneratedDocs(t, dir, 30)

	child := exec.Command(os.Args[0], "-test.run=^TestServeChild$", "-test.count=1")
	child.Env = append(os.Environ(), serveChildEnv+"="+strings.Join([]string{"--db", dbPath, "--listen", "127.0.0.1:0", "--poll=false"}, "\x1f"))
	stdout, err := child.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var errb bytes.Buffer
	child.Stderr = &errb
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { child.Process.Kill() })
	urlRE := regexp.MustCompile(`http://127\.0\.0\.1:\d+`)
	sc := bufio.NewScanner(stdout)
	url := ""
	for url == "" && sc.Scan() {
		url = urlRE.FindString(sc.Text())
	}
	if url == "" {
		t.Fatalf("the server printed no address: %s", errb.String())
	}
	go func() {
		for sc.Scan() {
		}
	}()

	// Post the reports one after another in the background; the kill
	// lands in the middle of them.
	posted := make(chan struct{})
	go func() {
		defer close(posted)
		for _, d := range docs {
			b, _ := json.Marshal(map[string]any{"id": d.ID, "title": d.Title, "source": d.Source,
				"published": d.Published.Format(time.RFC3339), "text": d.Text})
			resp, err := http.Post(url+"/api/v1/documents", "application/json", bytes.NewReader(b))
			if err != nil {
				return // killed
			}
			resp.Body.Close()
		}
	}()
	ctx := context.Background()
	db, err := store.Open(ctx, dbPath, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var before []store.StoredAlert
	for end := time.Now().Add(30 * time.Second); len(before) == 0; time.Sleep(10 * time.Millisecond) {
		if before, err = db.Alerts(ctx, store.AlertQuery{All: true}); err != nil {
			t.Fatal(err)
		}
		if time.Now().After(end) {
			t.Fatal("no alert fired in 30 s")
		}
	}
	child.Process.Signal(syscall.SIGKILL)
	child.Wait()
	<-posted
	if before, err = db.Alerts(ctx, store.AlertQuery{All: true}); err != nil {
		t.Fatal(err)
	}
	if l, live, _ := db.LiveLease(ctx, serverLease); !live || !strings.Contains(l.Holder, "serve") {
		t.Errorf("the killed server's lease: %+v live %v; want it held until it expires", l, live)
	}

	// Start again on the same database, in this process.
	url, stop := startServe(t, dbPath, time.Now, time.Minute)
	var incs struct {
		Incidents []struct {
			Members []struct {
				DocID string `json:"doc_id"`
			} `json:"members"`
		} `json:"incidents"`
	}
	getJSONFrom(t, url+"/api/v1/incidents?limit=1000", &incs)
	grouped := map[string]bool{}
	for _, inc := range incs.Incidents {
		for _, m := range inc.Members {
			grouped[m.DocID] = true
		}
	}
	stored := 0
	for _, d := range docs {
		if _, err := db.Document(ctx, d.ID); err != nil {
			continue // posted after the kill
		}
		stored++
		if !grouped[d.ID] {
			t.Errorf("stored report %s is in no incident after the restart", d.ID)
		}
	}
	stop()
	after, err := db.Alerts(ctx, store.AlertQuery{All: true})
	if err != nil {
		t.Fatal(err)
	}
	rev := map[string]int{}
	for _, a := range after {
		rev[a.Key] = a.Revision
	}
	for _, a := range before {
		if rev[a.Key] != a.Revision {
			t.Errorf("alert %s went from revision %d to %d across the kill and restart", a.Key, a.Revision, rev[a.Key])
		}
	}
	t.Logf("%d of %d reports stored before the kill; %d alerts before it, %d after the restart", stored, len(docs), len(before), len(after))
}
