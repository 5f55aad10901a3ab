package watch

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"iter"
	"os"
	"slices"
	"testing"
	"time"

	"borderwatch"
)

var update = flag.Bool("update", false, "rewrite golden files")

// historyLine is one line of testdata/history.jsonl.
type historyLine struct {
	At         time.Time             `json:"at"`
	Doc        *borderwatch.Document `json:"doc"`
	Events     []borderwatch.Event   `json:"events"`
	IncidentOf map[string]string     `json:"incident_of"`
}

func readHistory(t testing.TB) []Input {
	t.Helper()
	f, err := os.Open("testdata/history.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []Input
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var h historyLine
		if err := json.Unmarshal(sc.Bytes(), &h); err != nil {
			t.Fatalf("history line %d: %v", len(out)+1, err)
		}
		out = append(out, Input{At: h.At, Doc: h.Doc, Events: h.Events, IncidentOf: h.IncidentOf})
	}
	return out
}

type ruleFile struct {
	Areas []Area `json:"areas"`
	Rules []Rule `json:"rules"`
}

func readRules(t testing.TB) ruleFile {
	t.Helper()
	b, err := os.ReadFile("testdata/rules.json")
	if err != nil {
		t.Fatal(err)
	}
	var rf ruleFile
	if err := json.Unmarshal(b, &rf); err != nil {
		t.Fatal(err)
	}
	return rf
}

// TestReplay checks by hand which alerts each rule fires over the test
// history, and pins the full alerts in testdata/replay.golden.
func TestReplay(t *testing.T) {
	g := gazetteer(t)
	rf := readRules(t)
	history := readHistory(t)
	want := map[string][]string{
		"border-violence": {"r:border-violence|inc:inc-a", "r:border-violence|ev:e2", "r:border-violence|ev:e7"},
		"mobilize-tjk":    {"r:mobilize-tjk|ev:e4"},
		"ishkashim":       {"r:ishkashim|doc:d2", "r:ishkashim|doc:d5"},
		"two-assaults":    {"r:two-assaults|win:e1"},
		"denials":         {"r:denials|ev:e6"},
		"in-tajikistan":   {"r:in-tajikistan|inc:inc-a", "r:in-tajikistan|ev:e2", "r:in-tajikistan|ev:e4"},
	}
	results := map[string][]Alert{}
	for _, r := range rf.Rules {
		alerts, err := Replay(g, rf.Areas, r, slices.Values(history))
		if err != nil {
			t.Fatal(err)
		}
		if got := keys(alerts); !slices.Equal(got, want[r.ID]) {
			t.Errorf("%s: fired %v, want %v", r.ID, got, want[r.ID])
		}
		results[r.ID] = alerts
	}
	if a := results["two-assaults"]; len(a) == 1 && (a[0].Count != 3 || a[0].Revision != 2) {
		t.Errorf("two-assaults: count %d revision %d, want 3 and 2", a[0].Count, a[0].Revision)
	}
	if a := results["border-violence"]; len(a) > 0 && !slices.Equal(a[0].DocIDs, []string{"d1", "d3"}) {
		t.Errorf("incident alert docs %v, want d1 d3", a[0].DocIDs)
	}
	got, err := json.MarshalIndent(results, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	const golden = "testdata/replay.golden"
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	wantJSON, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, wantJSON) {
		t.Errorf("replay differs from %s; review with -update and git diff:\n%s", golden, got)
	}
}

// Replay accepts any iterator, e.g. one that streams rows from the store.
func TestReplayFromIterator(t *testing.T) {
	rf := readRules(t)
	history := readHistory(t)
	var seq iter.Seq[Input] = func(yield func(Input) bool) {
		for _, in := range history {
			if !yield(in) {
				return
			}
		}
	}
	alerts, err := Replay(gazetteer(t), rf.Areas, rf.Rules[0], seq)
	if err != nil || len(alerts) != 3 {
		t.Fatalf("got %d alerts, %v", len(alerts), err)
	}
	if _, err := Replay(gazetteer(t), rf.Areas, Rule{ID: "bad", Types: []string{"NOPE"}}, seq); err == nil {
		t.Error("invalid rule replayed without error")
	}
}
