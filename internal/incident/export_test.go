package incident

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite golden files")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file; diff it, then go test -update if the change is right\n--- got\n%s", name, got)
	}
}

func corpusGrouper(t *testing.T) *Grouper {
	t.Helper()
	g := New(Options{Dict: loadDict(t), Now: fixedClock()})
	for _, d := range extractCorpus(t, "testdata/corpus.jsonl") {
		if _, err := g.Add(d); err != nil {
			t.Fatal(err)
		}
	}
	return g
}

// TestControlExports pins control as of two dates, as CSV and GeoJSON.
func TestControlExports(t *testing.T) {
	g := corpusGrouper(t)
	var csvOut bytes.Buffer
	for _, at := range []string{"2021-07-06", "2021-07-13"} {
		d, _ := time.Parse("2006-01-02", at)
		cs := g.ControlAsOf("", d)
		fmt.Fprintf(&csvOut, "# as of %s\n", at)
		if err := WriteControlCSV(&csvOut, cs); err != nil {
			t.Fatal(err)
		}
		gj, err := ControlGeoJSON(cs)
		if err != nil {
			t.Fatal(err)
		}
		var check struct {
			Type     string `json:"type"`
			Features []struct {
				Geometry struct {
					Coordinates []float64 `json:"coordinates"`
				} `json:"geometry"`
			} `json:"features"`
		}
		if err := json.Unmarshal(gj, &check); err != nil || check.Type != "FeatureCollection" || len(check.Features) != len(cs) {
			t.Fatalf("geojson: %v %+v", err, check)
		}
		var pretty bytes.Buffer
		_ = json.Indent(&pretty, gj, "", "  ")
		pretty.WriteByte('\n')
		golden(t, "control-"+at+".geojson", pretty.Bytes())
	}
	golden(t, "control.csv", csvOut.Bytes())

	kunduz := g.ControlAsOf("Kunduz", time.Date(2021, 7, 13, 0, 0, 0, 0, time.UTC))
	if len(kunduz) != 1 || kunduz[0].Place != "Sher Khan Bandar" {
		t.Errorf("region Kunduz: %+v", kunduz)
	}
	if none := g.ControlAsOf("Uzbekistan", time.Date(2021, 7, 13, 0, 0, 0, 0, time.UTC)); len(none) != 0 {
		t.Errorf("region Uzbekistan: %+v", none)
	}
}

// TestIncidentSummaryGolden pins the grouping of the whole corpus in a
// readable form: one block per incident with its members, origins and
// disagreements.
func TestIncidentSummaryGolden(t *testing.T) {
	g := corpusGrouper(t)
	var b strings.Builder
	for _, inc := range g.Incidents(Filter{}) {
		fmt.Fprintf(&b, "%s %s %s %s..%s place=%q independent=%d docs=%d related=%v disputed_by=%v denies=%v\n",
			inc.ID, inc.Modality, inc.Class, inc.Start, inc.End, placeName(inc), inc.Independent, inc.Documents, inc.Related, inc.DisputedBy, inc.Denies)
		for _, s := range inc.Sources {
			fmt.Fprintf(&b, "  source %q (%s): outlets %v docs %v\n", s.Origin, s.Kind, s.Outlets, s.Docs)
		}
		for _, d := range inc.Disagreements {
			fmt.Fprintf(&b, "  %s best=%s low=%s high=%s disagree=%v %s\n", d.Field, d.Best, d.Low, d.High, d.Disagree, d.Spread)
			for _, v := range d.Values {
				fmt.Fprintf(&b, "    %q docs %v origins %v\n", v.Value, v.Docs, v.Origins)
			}
		}
	}
	golden(t, "incidents.txt", []byte(b.String()))

	var js bytes.Buffer
	if err := WriteIncidentsJSON(&js, g.Incidents(Filter{MinSources: 3})); err != nil {
		t.Fatal(err)
	}
	var back []Incident
	if err := json.Unmarshal(js.Bytes(), &back); err != nil || len(back) != 2 {
		t.Errorf("export of incidents with 3+ sources: %v, %d incidents", err, len(back))
	}
}
