package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestExtractBadInput: each broken file gets a message naming it, the good
// file is still coded, and the exit status says that some failed.
func TestExtractBadInput(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("good.txt", []byte("Taliban fighters attacked a border post in Kunduz province on Monday, police said.\n"))
	write("empty.txt", nil)
	write("binary.txt", []byte{0x7f, 'E', 'L', 'F', 0, 0, 1, 2, 3, 0, 0, 0})
	write("badutf8.txt", []byte("Tajik troops were sent to the border \xff\xfe yesterday."))
	write("nobody.html", []byte("<html><head><title>x</title></head></html>"))
	write("persian.txt", []byte("نیروهای طالبان روز دوشنبه کنترل گذرگاه مرزی شیرخان بندر را در ولایت قندوز به دست گرفتند و مقامات محلی این خبر را تایید کردند."))
	big := bytes.Repeat([]byte("The border was quiet on Tuesday. "), 50<<20/33+1)
	write("huge.txt", big)

	var stdout, stderr bytes.Buffer
	code := run([]string{"extract", "--no-geo", dir}, strings.NewReader(""), &stdout, &stderr)
	if code != 1 {
		t.Errorf("exit status %d, want 1 (some documents failed)", code)
	}
	msgs := stderr.String()
	for _, name := range []string{"empty", "binary", "badutf8", "nobody", "persian", "huge"} {
		if !strings.Contains(msgs, name) {
			t.Errorf("no message names %s; stderr:\n%s", name, msgs)
		}
	}
	if !strings.Contains(msgs, "not coded (language") {
		t.Errorf("the Persian report is not reported as not coded; stderr:\n%s", msgs)
	}
	var n int
	for _, line := range strings.Split(strings.TrimSpace(stdout.String()), "\n") {
		if line == "" {
			continue
		}
		var ev map[string]any
		if err := json.Unmarshal([]byte(line), &ev); err != nil {
			t.Fatalf("output line is not JSON: %v: %s", err, line)
		}
		if ev["doc_id"] != "good" {
			t.Errorf("event from %v, want only events from good.txt", ev["doc_id"])
		}
		n++
	}
	if n == 0 {
		t.Errorf("no event from the good report; stderr:\n%s", msgs)
	}
}

// TestExtractStdinJSONL: JSONL documents in, JSONL events out, with the
// document's own id and publication date.
func TestExtractStdinJSONL(t *testing.T) {
	in := `{"id":"w-1","published":"2021-07-06T10:00:00+05:00","text":"Uzbekistan deployed additional troops to the border on Monday, the Defence Ministry said."}
{"id":"w-2","text":""}
`
	var stdout, stderr bytes.Buffer
	code := run([]string{"extract", "--no-geo", "-"}, strings.NewReader(in), &stdout, &stderr)
	if code != 1 {
		t.Errorf("exit status %d, want 1: w-2 has no text", code)
	}
	if !strings.Contains(stderr.String(), "w-2") {
		t.Errorf("no message names w-2: %s", stderr.String())
	}
	var ev struct {
		DocID string  `json:"doc_id"`
		Event string  `json:"event"`
		Date  *string `json:"date"`
	}
	if err := json.Unmarshal([]byte(strings.SplitN(stdout.String(), "\n", 2)[0]), &ev); err != nil {
		t.Fatalf("%v: %q", err, stdout.String())
	}
	if ev.DocID != "w-1" || ev.Event != "MOBILIZE" || ev.Date == nil || *ev.Date != "2021-07-05" {
		t.Errorf("got %+v (date %v), want w-1 MOBILIZE on 2021-07-05", ev, ev.Date)
	}
}

// TestExtractTable: the table format has a header and one row per event.
func TestExtractTable(t *testing.T) {
	var stdout, stderr bytes.Buffer
	in := "Taliban militants seized the border crossing at Sher Khan Bandar on Monday, according to local officials.\n"
	if code := run([]string{"extract", "--no-geo", "--format", "table", "-"}, strings.NewReader(in), &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "DOC") || !strings.Contains(lines[1], "COERCE-seize") {
		t.Errorf("table:\n%s", stdout.String())
	}
}
