package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The eval command's tests use the eval package's own test cases; what the
// extraction finds changes as the rules grow, so they pin what does not:
// exit status, which documents were read and the gold counts.
const evalCases = "../../internal/eval/testdata"

func runEvalCmd(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = runEval(args, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestEvalUsage(t *testing.T) {
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{nil, 2, "give --gold with --docs, or --gsr"},
		{[]string{"--gold", evalCases + "/docs/basic/gold.jsonl"}, 2, "--gold needs the documents"},
		{[]string{evalCases + "/docs/basic"}, 2, "documents given without --gold"},
		{[]string{"--gsr", "x.jsonl", "--published", "July 2021"}, 2, "--published"},
		{[]string{"--nosuchflag"}, 2, "flag provided but not defined"},
		{[]string{"-h"}, 0, "usage: borderwatch eval"},
	} {
		code, _, stderr := runEvalCmd(t, "", c.args...)
		if code != c.code || !strings.Contains(stderr, c.want) {
			t.Errorf("eval %q: exit %d, stderr %q; want exit %d and %q", c.args, code, stderr, c.code, c.want)
		}
	}
}

// TestEvalGoldDocsAndGSR runs both scorings in one command, because every
// run loads the dictionaries, which is slow under the race detector.
func TestEvalGoldDocsAndGSR(t *testing.T) {
	t.Parallel()
	gold := evalCases + "/docs/basic/gold.jsonl"
	// Flags after the document argument are read too (-v here).
	code, stdout, stderr := runEvalCmd(t, "", "--gold", gold, "--gsr", evalCases+"/gsr/items.jsonl",
		"--published", "2021-07-06", evalCases+"/docs/basic", "-v")
	if code != 0 {
		t.Fatalf("exit %d, stderr %s", code, stderr)
	}
	for _, want := range []string{
		"1 of 1 gold documents extracted", "gold 4 (+1 optional)", "precision", "missed gold",
		"# PLOVER gold-standard sentences", "scored 6 sentences (1 without a v2 type skipped)", "misses (",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
}

func TestEvalDocumentErrors(t *testing.T) {
	t.Parallel()
	// Two gold files' worth of events; the documents of one of them come on
	// stdin as JSONL (with a document that is not in the gold) and again as
	// a file: one gold document is missing and one is found twice.
	dir := t.TempDir()
	var both []byte
	for _, c := range []string{"basic", "order"} {
		b, err := os.ReadFile(evalCases + "/docs/" + c + "/gold.jsonl")
		if err != nil {
			t.Fatal(err)
		}
		both = append(both, b...)
	}
	goldPath := filepath.Join(dir, "gold.jsonl")
	if err := os.WriteFile(goldPath, both, 0o644); err != nil {
		t.Fatal(err)
	}
	basic := evalCases + "/docs/basic"
	text, err := os.ReadFile(basic + "/ridge.txt")
	if err != nil {
		t.Fatal(err)
	}
	line, _ := json.Marshal(map[string]string{"id": "ridge", "text": string(text), "published": "2021-07-06"})
	other, _ := json.Marshal(map[string]string{"id": "elsewhere", "text": "Nothing to score here."})
	stdin := string(line) + "\n" + string(other) + "\n"
	code, stdout, stderr := runEvalCmd(t, stdin, "--gold", goldPath, "--docs", "-", "--docs", basic+"/ridge.txt")
	if code != 1 || !strings.Contains(stderr, "no document for gold doc_id valley") ||
		!strings.Contains(stderr, "document ridge found twice") || !strings.Contains(stdout, "gold 9 (+3 optional)") ||
		!strings.Contains(stdout, "1 of 2 gold documents extracted, 1 other documents ignored") {
		t.Errorf("exit %d\nstdout %s\nstderr %s", code, stdout, stderr)
	}
	// A broken gold file names its line, before any extraction.
	bad := filepath.Join(dir, "bad.jsonl")
	if err := os.WriteFile(bad, []byte("{\"doc_id\": \"ridge\", \"sentence\": \"S.\", \"event\": \"AGREE\"}\n{\"doc_id\": \"ridge\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr = runEvalCmd(t, "", "--gold", bad, "--docs", basic)
	if code != 1 || !strings.Contains(stderr, "line 2") {
		t.Errorf("broken gold: exit %d, stderr %s", code, stderr)
	}
	code, _, stderr = runEvalCmd(t, "", "--gsr", filepath.Join(dir, "absent.jsonl"))
	if code != 1 || !strings.Contains(stderr, "absent.jsonl") {
		t.Errorf("absent GSR file: exit %d, stderr %s", code, stderr)
	}
}
