// Package demo owns the sample reports `borderwatch demo` serves. They were
// written for borderwatch, in our own words, modelled on the Tajik-Afghan
// border crisis of July 2021: a retelling of the situation, several outlets
// giving different numbers for the same crossing and mobilisation, a wire
// story reprinted with small changes, a denial, and reports in Russian and
// Persian. The outlets are fictional and the URLs use the .invalid domain.
package demo

import (
	"bufio"
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"time"

	"borderwatch"
)

//go:embed reports.jsonl
var reportsJSONL []byte

type report struct {
	ID        string `json:"id"`
	URL       string `json:"url"`
	Title     string `json:"title"`
	Source    string `json:"source"`
	Published string `json:"published"`
	Lang      string `json:"lang"`
	Text      string `json:"text"`
}

// Reports returns the bundled sample reports as documents.
func Reports() ([]borderwatch.Document, error) {
	var out []borderwatch.Document
	sc := bufio.NewScanner(bytes.NewReader(reportsJSONL))
	sc.Buffer(nil, 1<<20)
	for line := 1; sc.Scan(); line++ {
		var r report
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			return nil, fmt.Errorf("demo: report %d: %w", line, err)
		}
		pub, err := time.Parse(time.RFC3339, r.Published)
		if err != nil {
			return nil, fmt.Errorf("demo: report %s: %w", r.ID, err)
		}
		out = append(out, borderwatch.Document{ID: r.ID, URL: r.URL, Title: r.Title, Source: r.Source,
			Published: pub, PublishedRaw: r.Published, Lang: r.Lang, Text: r.Text})
	}
	return out, sc.Err()
}

// JSONL returns the reports in the JSONL document format, for
// `borderwatch ingest -` and for tests.
func JSONL() []byte { return bytes.Clone(reportsJSONL) }
