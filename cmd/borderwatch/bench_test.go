package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// BenchmarkIngestFiles is `borderwatch ingest` end to end, extraction
// included, on a folder of 1,000 generated text files into a new SQLite
// database per iteration:
//
//	go test -run '^$' -bench IngestFiles -benchtime 3x ./cmd/borderwatch/
func BenchmarkIngestFiles(b *testing.B) {
	const n = 1000
	dir := b.TempDir()
	for i := range n {
		text := fmt.Sprintf("DUSHANBE, July %d. Border officials said on Thursday that %d Afghan soldiers crossed the river near %s overnight and asked for shelter. "+
			"The government said it would deploy %d more troops to the frontier. Report %d of the benchmark series.\n",
			1+i%28, 10+i, places[i%len(places)], 100+i*3, i)
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("doc-%04d.txt", i)), []byte(text), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := loadExtractor(); err != nil { // loaded once per process, as in the command
		b.Fatal(err)
	}
	b.ResetTimer()
	var total time.Duration
	for i := range b.N {
		db := filepath.Join(b.TempDir(), fmt.Sprintf("bench-%d.db", i))
		var out, errb bytes.Buffer
		start := time.Now()
		if code := runIngest([]string{"--db", db, dir}, nil, &out, &errb); code != 0 {
			b.Fatalf("exit %d: %s", code, errb.String())
		}
		total += time.Since(start)
	}
	b.ReportMetric(float64(n*b.N)/total.Seconds(), "docs/s")
}
