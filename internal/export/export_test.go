package export

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"borderwatch"
)

var update = flag.Bool("update", false, "rewrite golden files")

func readRecords(t *testing.T) []Record {
	t.Helper()
	f, err := os.Open("testdata/events.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []Record
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var ev borderwatch.Event
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
			t.Fatal(err)
		}
		out = append(out, Record{Event: ev, Source: "Test Wire", URL: "https://example.org/" + ev.DocID, UpdatedAt: time.Unix(1625500000, 0)})
	}
	return out
}

func exportAll(t *testing.T, format string, recs []Record) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := NewWriter(format, &buf)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		if err := w.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestGolden pins each format's output on our own sample events; run with
// -update after reviewing a change.
func TestGolden(t *testing.T) {
	recs := readRecords(t)
	for _, format := range Formats {
		got := exportAll(t, format, recs)
		path := filepath.Join("testdata", "golden", format+Extension(format))
		if *update {
			os.MkdirAll(filepath.Dir(path), 0o755)
			if err := os.WriteFile(path, got, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run go test -update to create it)", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s export differs from %s:\n%s", format, path, got)
		}
	}
}

func TestPLOVERKeepsAssertedOnly(t *testing.T) {
	recs := readRecords(t)
	var buf bytes.Buffer
	w, _ := NewWriter("plover", &buf)
	for _, r := range recs {
		w.Write(r)
	}
	w.Close()
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 3 || w.Written() != 3 || w.Skipped() != 2 {
		t.Fatalf("%d lines, written %d skipped %d; want the 3 asserted events", len(lines), w.Written(), w.Skipped())
	}
	for _, l := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatal(err)
		}
		for _, field := range []string{"id", "event", "mode", "context", "actor", "recipient", "date", "event_loc", "text_info"} {
			if _, ok := m[field]; !ok {
				t.Errorf("PLOVER record lacks %q: %s", field, l)
			}
		}
		if m["modality"] != "asserted" {
			t.Errorf("non-asserted event exported: %s", l)
		}
	}
}

func TestACLED(t *testing.T) {
	want := "event_id_cnty, event_date, year, time_precision, disorder_type, event_type, sub_event_type, actor1, assoc_actor_1, inter1, actor2, assoc_actor_2, inter2, interaction, civilian_targeting, iso, region, country, admin1, admin2, admin3, location, latitude, longitude, geo_precision, source, source_scale, notes, fatalities, tags, timestamp"
	if got := strings.Join(ACLEDColumns, ", "); got != want {
		t.Fatalf("ACLED columns:\n got %s\nwant %s", got, want)
	}
	rows, err := csv.NewReader(bytes.NewReader(exportAll(t, "acled", readRecords(t)))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 6 || !slices.Equal(rows[0], ACLEDColumns) {
		t.Fatalf("%d rows, header %v", len(rows), rows[0])
	}
	col := func(row []string, name string) string { return row[slices.Index(ACLEDColumns, name)] }
	cases := []struct {
		row                                    int
		eventType, sub, inter, country, iso, f string
	}{
		{1, "Strategic developments", "Other", "80", "Tajikistan", "762", "0"},                    // Afghan army crossing into Tajikistan: external force
		{2, "Battles", "Non-state actor overtakes territory", "20", "Afghanistan", "4", "5"},      // clash over territory
		{3, "Strategic developments", "Change to group/activity", "10", "Tajikistan", "762", "0"}, // mobilisation
		{4, "Strategic developments", "Other", "11", "", "", "0"},                                 // a visit has no ACLED counterpart
		{5, "Violence against civilians", "Attack", "37", "Afghanistan", "4", "3"},
	}
	for _, c := range cases {
		r := rows[c.row]
		got := []string{col(r, "event_type"), col(r, "sub_event_type"), col(r, "interaction"), col(r, "country"), col(r, "iso"), col(r, "fatalities")}
		want := []string{c.eventType, c.sub, c.inter, c.country, c.iso, c.f}
		if !slices.Equal(got, want) {
			t.Errorf("row %d: got %v, want %v", c.row, got, want)
		}
	}
	if r := rows[5]; col(r, "civilian_targeting") != "Civilian targeting" || !strings.Contains(col(r, "tags"), "modality=negated") {
		t.Errorf("civilian attack row: %v", r)
	}
	if r := rows[1]; col(r, "time_precision") != "2" || col(r, "geo_precision") != "1" || col(r, "admin1") != "Khatlon" ||
		col(r, "source") != "Tajik border service; Test Wire" || col(r, "event_id_cnty") != "TJK-000000000001" || col(r, "year") != "2021" {
		t.Errorf("retreat row: %v", r)
	}
}

func TestGeoJSON(t *testing.T) {
	var fc struct {
		Type     string `json:"type"`
		Features []struct {
			Geometry *struct {
				Coordinates []float64 `json:"coordinates"`
			} `json:"geometry"`
			Properties map[string]any `json:"properties"`
		} `json:"features"`
	}
	if err := json.Unmarshal(exportAll(t, "geojson", readRecords(t)), &fc); err != nil {
		t.Fatal(err)
	}
	if fc.Type != "FeatureCollection" || len(fc.Features) != 5 {
		t.Fatalf("%s with %d features", fc.Type, len(fc.Features))
	}
	if g := fc.Features[0].Geometry; g == nil || g.Coordinates[0] != 69.1 || g.Coordinates[1] != 37.24 {
		t.Errorf("first feature geometry (lon, lat): %+v", g)
	}
	if fc.Features[3].Geometry != nil {
		t.Error("event without a place got a geometry")
	}
	if empty := exportAll(t, "geojson", nil); json.Unmarshal(empty, &fc) != nil || len(fc.Features) != 0 {
		t.Errorf("empty export is not an empty collection: %s", empty)
	}
}

func TestUnknownFormat(t *testing.T) {
	if _, err := NewWriter("xml", &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "plover, acled, geojson, csv") {
		t.Errorf("unknown format: %v", err)
	}
}
