package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"borderwatch"
	"borderwatch/internal/pipeline"
	"borderwatch/internal/store"
	"borderwatch/internal/store/storetest"
)

// childArgsEnv carries the arguments of an ingest run in a child process.
const childArgsEnv = "BORDERWATCH_TEST_INGEST_ARGS"

// TestIngestChild is not a test: it is the child process the SIGKILL test
// starts (the test binary re-executed) and kills.
func TestIngestChild(t *testing.T) {
	args := os.Getenv(childArgsEnv)
	if args == "" {
		t.Skip("runs only as the child of TestIngestSurvivesSIGKILL")
	}
	os.Exit(runIngest(strings.Split(args, "\x1f"), os.Stdin, os.Stdout, os.Stderr))
}

var places = []string{"Panj", "Khorog", "Ishkashim", "Darvoz", "Kunduz", "Termez", "Dushanbe", "Shir Khan"}

// writeGeneratedDocs writes n distinct documents, in words of our own, as
// one JSONL file and returns its path.
func writeGeneratedDocs(t *testing.T, dir string, n int) (string, []borderwatch.Document) {
	t.Helper()
	var buf bytes.Buffer
	var docs []borderwatch.Document
	for i := range n {
		p := places[i%len(places)]
		text := fmt.Sprintf("DUSHANBE, July %d. Border officials said on Thursday that %d Afghan soldiers crossed the river near %s overnight and asked for shelter. "+
			"The government said it would deploy %d more troops to the frontier. Report %d of the generated series.",
			1+i%28, 10+i, p, 100+i*3, i)
		d := map[string]string{"id": fmt.Sprintf("gen-%04d", i), "url": fmt.Sprintf("https://example.org/gen/%d", i), "title": "Generated report",
			"source": "Generator", "published": fmt.Sprintf("2021-07-%02dT10:00:00+05:00", 1+i%28), "text": text}
		b, _ := json.Marshal(d)
		buf.Write(b)
		buf.WriteByte('\n')
	}
	path := filepath.Join(dir, "generated.jsonl")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	err := pipeline.ReadDocuments(path, nil, func(d borderwatch.Document, err error) error {
		docs = append(docs, d)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return path, docs
}

func startIngestChild(t *testing.T, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestIngestChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), childArgsEnv+"="+strings.Join(args, "\x1f"))
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("child output:\n%s", out.String())
		}
	})
	return cmd
}

// TestIngestSurvivesSIGKILL kills an ingest of 1,000 documents with SIGKILL
// midway, runs it again, and checks every document is stored exactly once
// with every event extraction gives.
func TestIngestSurvivesSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("re-executes the test binary twice")
	}
	dir := t.TempDir()
	path, docs := writeGeneratedDocs(t, dir, 1000)
	dbPath := filepath.Join(dir, "kill.db")
	ctx := context.Background()
	watch, err := store.Open(ctx, dbPath, store.Options{Extractor: storetest.Extractor(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer watch.Close()

	child := startIngestChild(t, "--db", dbPath, "--workers", "2", path)
	exited := make(chan error, 1)
	go func() { exited <- child.Wait() }()
	deadline := time.Now().Add(3 * time.Minute)
	for {
		s, err := watch.Stats(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if s.Documents >= 100 {
			break
		}
		select {
		case err := <-exited:
			t.Fatalf("child ended (%v) before it could be killed, %d documents stored", err, s.Documents)
		case <-time.After(10 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatal("child stored nothing in 3 minutes")
		}
	}
	child.Process.Signal(syscall.SIGKILL)
	<-exited
	s, _ := watch.Stats(ctx)
	if s.Documents >= len(docs) {
		t.Fatalf("child finished all %d documents before the kill", s.Documents)
	}
	t.Logf("killed after %d documents", s.Documents)

	again := startIngestChild(t, "--db", dbPath, path)
	if err := again.Wait(); err != nil {
		t.Fatalf("second ingest: %v", err)
	}

	want := map[string]bool{}
	for _, d := range docs {
		res, err := storetest.Extractor(t).Extract(d)
		if err != nil {
			t.Fatal(err)
		}
		for _, ev := range res.Events {
			want[ev.ID] = true
		}
	}
	if len(want) == 0 {
		t.Fatal("extraction finds no events in the generated documents; the test proves nothing about events")
	}
	page, err := watch.Documents(ctx, store.DocumentFilter{Limit: store.MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, d := range page.Documents {
		seen[d.ID]++
	}
	if page.Total != len(docs) || len(seen) != len(docs) {
		t.Errorf("stored %d documents (%d distinct), want %d", page.Total, len(seen), len(docs))
	}
	got := map[string]bool{}
	watch.EachEvent(ctx, store.EventFilter{}, func(e store.StoredEvent) error { got[e.ID] = true; return nil })
	var missing, extra []string
	for id := range want {
		if !got[id] {
			missing = append(missing, id)
		}
	}
	for id := range got {
		if !want[id] {
			extra = append(extra, id)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 || len(extra) > 0 {
		t.Errorf("%d events missing (%v), %d unexpected, of %d", len(missing), first(missing, 5), len(extra), len(want))
	}
}

func first(s []string, n int) []string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// TestIngestDiskFull ingests onto a 2 MB tmpfs until it fills: the command
// must fail naming the full disk, and the database must open afterwards with
// every document it reported stored.
func TestIngestDiskFull(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to mount a small tmpfs")
	}
	mnt := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", mnt).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs here: %v %s", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", mnt).Run() })
	path, _ := writeGeneratedDocs(t, t.TempDir(), 3000)
	dbPath := filepath.Join(mnt, "full.db")
	var stdout, stderr bytes.Buffer
	code := runIngest([]string{"--db", dbPath, "--workers", "1", path}, nil, &stdout, &stderr)
	if code != 1 || !strings.Contains(stderr.String(), "disk holding the database is full") {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr.String())
	}
	var read, stored int
	fmt.Sscanf(stdout.String(), "%d documents read: %d stored", &read, &stored)
	if stored == 0 {
		t.Fatalf("nothing stored before the disk filled: %s", stdout.String())
	}
	// Make room for the reopen (the WAL must be replayed), as an operator would.
	os.Remove(path)
	db, err := store.Open(context.Background(), dbPath, store.Options{Extractor: storetest.Extractor(t)})
	if err != nil {
		t.Fatalf("database does not open after the disk filled: %v", err)
	}
	defer db.Close()
	s, err := db.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if s.Documents != stored {
		t.Errorf("database holds %d documents, the command reported %d stored", s.Documents, stored)
	}
}

// TestIngestAndReprocessCommands runs the two commands on a folder of our
// own reports.
func TestIngestAndReprocessCommands(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "cli.db")
	path, docs := writeGeneratedDocs(t, dir, 20)
	var out, errb bytes.Buffer
	if code := runIngest([]string{"--db", dbPath, path}, nil, &out, &errb); code != 0 {
		t.Fatalf("ingest exit %d: %s", code, errb.String())
	}
	if !strings.HasPrefix(out.String(), fmt.Sprintf("%d documents read: %d stored, 0 already stored, 0 failed", len(docs), len(docs))) {
		t.Errorf("ingest summary: %q", out.String())
	}
	out.Reset()
	stdin := strings.NewReader(`{"id":"stdin-1","text":"Tajik border guards reported that forty Afghan soldiers crossed into Tajikistan near Panj."}` + "\n")
	if code := runIngest([]string{"--db", dbPath, "-", path}, stdin, &out, &errb); code != 0 {
		t.Fatalf("second ingest exit %d: %s", code, errb.String())
	}
	if !strings.HasPrefix(out.String(), fmt.Sprintf("%d documents read: 1 stored, %d already stored", len(docs)+1, len(docs))) {
		t.Errorf("second ingest summary: %q", out.String())
	}
	out.Reset()
	if code := runReprocess([]string{"--db", dbPath}, nil, &out, &errb); code != 0 {
		t.Fatalf("reprocess exit %d: %s", code, errb.String())
	}
	if !strings.HasPrefix(out.String(), fmt.Sprintf("%d documents reprocessed: 0 events added, 0 removed, 0 changed", len(docs)+1)) {
		t.Errorf("reprocess summary: %q", out.String())
	}
	errb.Reset()
	if code := runIngest([]string{"--db", dbPath, filepath.Join(dir, "missing.txt")}, nil, &out, &errb); code != 1 || !strings.Contains(errb.String(), "missing.txt") {
		t.Errorf("missing file: exit %d, %q", code, errb.String())
	}
	if code := runIngest([]string{"--db", dbPath}, nil, &out, &errb); code != 2 {
		t.Errorf("no arguments: exit %d, want 2", code)
	}
}

// TestIngestURL fetches a page from a server on loopback: refused without
// --allow-private, stored with it, and not stored twice.
func TestIngestURL(t *testing.T) {
	page := `<html><head><title>Guards reinforce the river crossing</title></head><body><article><p>DUSHANBE, July 6. Tajik border guards sent two hundred more troops to the crossing at Panj on Tuesday, the border service said.</p></article></body></html>`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, page)
	}))
	defer srv.Close()
	db := filepath.Join(t.TempDir(), "url.db")
	var out, errb bytes.Buffer
	if code := runIngest([]string{"--db", db, srv.URL + "/news/1"}, nil, &out, &errb); code != 1 || !strings.Contains(out.String(), "1 failed") {
		t.Errorf("loopback URL without --allow-private: exit %d, %s %s", code, out.String(), errb.String())
	}
	for i, want := range []string{"1 stored", "1 already stored"} {
		out.Reset()
		errb.Reset()
		if code := runIngest([]string{"--db", db, "--allow-private", srv.URL + "/news/1?utm_source=x"}, nil, &out, &errb); code != 0 || !strings.Contains(out.String(), want) {
			t.Errorf("run %d: exit %d, %q %s", i, code, out.String(), errb.String())
		}
	}
}
