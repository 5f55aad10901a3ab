package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"borderwatch/internal/demo"
	"borderwatch/internal/incident"
	"borderwatch/internal/store"
	"borderwatch/internal/store/storetest"
)

// demoDB stores the demo reports in a fresh SQLite file and returns its path.
func demoDB(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "incidents.db")
	db, err := store.Open(context.Background(), path, store.Options{Extractor: storetest.Extractor(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	docs, err := demo.Reports()
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range docs {
		if _, err := db.Ingest(context.Background(), d); err != nil {
			t.Fatal(err)
		}
	}
	return path
}

func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

func incidentsJSON(t *testing.T, args ...string) []incident.Incident {
	t.Helper()
	code, out, errs := runCLI(t, append([]string{"incidents", "--format", "json"}, args...)...)
	if code != 0 {
		t.Fatalf("incidents %v: exit %d: %s", args, code, errs)
	}
	var incs []incident.Incident
	if err := json.Unmarshal([]byte(out), &incs); err != nil {
		t.Fatalf("incidents %v: %v: %s", args, err, out)
	}
	return incs
}

func TestIncidentsCommand(t *testing.T) {
	path := demoDB(t)

	code, out, errs := runCLI(t, "incidents", "--db", path)
	if code != 0 || !strings.HasPrefix(out, "ID ") || !strings.Contains(errs, "grouped") {
		t.Fatalf("first run: exit %d, stdout %q, stderr %q; want a table and the catch-up reported", code, out, errs)
	}
	all := incidentsJSON(t, "--db", path)
	if len(all) == 0 || !strings.Contains(out, "RETREAT") || !strings.HasSuffix(out, "\n") || !strings.Contains(out, "incidents\n") {
		t.Fatalf("table %q for %d incidents", out, len(all))
	}

	// Reprocessing re-extracts events; it must not add a second set of incidents.
	if code, _, errs := runCLI(t, "reprocess", "--db", path); code != 0 {
		t.Fatalf("reprocess: %d %s", code, errs)
	}
	if again := incidentsJSON(t, "--db", path); len(again) != len(all) {
		t.Fatalf("%d incidents after reprocess, want the same %d", len(again), len(all))
	}

	near := incidentsJSON(t, "--db", path, "--since", "2021-07-01", "--near", "Tajik-Afghan border", "--km", "50")
	if len(near) == 0 || len(near) >= len(all) {
		t.Fatalf("near the Tajik-Afghan border: %d of %d", len(near), len(all))
	}
	for _, inc := range near {
		if inc.Place == nil || inc.Place.BorderKm == nil || *inc.Place.BorderKm > 50 {
			t.Errorf("%s is not within 50 km of the border: %+v", inc.ID, inc.Place)
		}
	}
	code, out, _ = runCLI(t, "incidents", "--db", path, "--format", "geojson")
	var fc struct {
		Features []any `json:"features"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &fc) != nil || len(fc.Features) != len(all) {
		t.Fatalf("geojson: exit %d, %d features for %d incidents", code, len(fc.Features), len(all))
	}

	for _, bad := range [][]string{
		{"incidents", "--db", path, "--since", "July"},
		{"incidents", "--db", path, "--near", "Martian border"},
		{"incidents", "--db", path, "--near", "37,68", "--km", "0"},
		{"incidents", "--db", path, "--format", "kml"},
		{"incidents", "--db", path, "extra"},
		{"incidents", "merge", "--db", path, all[0].ID, all[1].ID},     // no --user
		{"incidents", "merge", "--db", path, all[0].ID, "--user", "x"}, // one id
		{"control", "--db", path, "--at", "2021-13-01"},
		{"control", "--db", path, "--format", "xml"},
	} {
		if code, _, errs := runCLI(t, bad...); code != 2 || errs == "" {
			t.Errorf("%v: exit %d, stderr %q; want 2 with a message", bad, code, errs)
		}
	}

	var into, from string
	for _, inc := range all {
		if inc.Event == "AGREE" && inc.Modality == "asserted" {
			if into == "" {
				into = inc.ID
			} else if from == "" {
				from = inc.ID
			}
		}
	}
	if from == "" {
		t.Fatal("fewer than two asserted AGREE incidents in the demo to merge")
	}
	code, out, errs = runCLI(t, "incidents", "merge", into, from, "--user", "nadia", "--db", path)
	if code != 0 || !strings.Contains(out, "merged "+from+" into "+into) {
		t.Fatalf("merge: exit %d %q %q", code, out, errs)
	}
	merged := incidentsJSON(t, "--db", path)
	if len(merged) != len(all)-1 {
		t.Fatalf("%d incidents after the merge, want %d", len(merged), len(all)-1)
	}
	var kept incident.Incident
	for _, inc := range merged {
		if inc.ID == into {
			kept = inc
		}
	}
	if n := len(kept.Decisions); n == 0 || kept.Decisions[n-1].User != "nadia" || kept.Decisions[n-1].Kind != "merge" {
		t.Fatalf("the merge is not recorded with its analyst: %+v", kept.Decisions)
	}
	ev := kept.Members[len(kept.Members)-1].EventID
	code, out, errs = runCLI(t, "incidents", "split", "--db", path, into, ev, "--user", "nadia")
	if code != 0 || !strings.Contains(out, "split 1 events of "+into) {
		t.Fatalf("split: exit %d %q %q", code, out, errs)
	}
	if code, _, errs := runCLI(t, "incidents", "merge", "--db", path, into, "inc-none", "--user", "nadia"); code != 1 || !strings.Contains(errs, "not found") {
		t.Errorf("merging an unknown incident: exit %d, %q", code, errs)
	}
}

func TestControlCommand(t *testing.T) {
	path := demoDB(t)
	code, out, errs := runCLI(t, "control", "--db", path, "--region", "", "--at", "2021-07-31")
	if code != 0 || !strings.HasPrefix(out, "PLACE ") || !strings.Contains(out, "places as of 2021-07-31") {
		t.Fatalf("control table: exit %d %q %q", code, out, errs)
	}
	code, out, errs = runCLI(t, "control", "--db", path, "--at", "2021-07-31", "--format", "csv")
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if code != 0 || err != nil || len(rows) == 0 {
		t.Fatalf("control csv: exit %d, %v, %q", code, err, errs)
	}
	code, out, _ = runCLI(t, "control", "--db", path, "--at", "2021-07-31", "--format", "geojson")
	var fc struct {
		Type     string `json:"type"`
		Features []any  `json:"features"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &fc) != nil || fc.Type != "FeatureCollection" || len(fc.Features) != len(rows)-1 {
		t.Fatalf("control geojson: exit %d, %d features for %d csv rows", code, len(fc.Features), len(rows)-1)
	}
}
