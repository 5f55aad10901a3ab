package pipeline

import (
	"borderwatch/internal/sharedtest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"borderwatch"
	"borderwatch/internal/eval"
)

var (
	sharedOnce sync.Once
	extractor  *Extractor
	extractErr error
)

func testExtractor(t testing.TB) *Extractor {
	t.Helper()
	sharedOnce.Do(func() { extractor, extractErr = New(Options{}) })
	if extractErr != nil {
		t.Fatal(extractErr)
	}
	return extractor
}

func sharedDir(t testing.TB) string { return sharedtest.Dir(t) }

// scoreDocs extracts every document named by the gold file from dir and
// scores the events.
func scoreDocs(t *testing.T, goldPath, dir string) eval.Report {
	t.Helper()
	f, err := os.Open(goldPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gold, err := eval.ReadGold(f)
	if err != nil {
		t.Fatal(err)
	}
	x := testExtractor(t)
	want := map[string]bool{}
	for _, g := range gold {
		want[g.DocID] = true
	}
	texts := map[string]string{}
	var preds []borderwatch.Event
	err = ReadDocuments(dir, nil, func(doc borderwatch.Document, err error) error {
		if !want[doc.ID] {
			return nil
		}
		if err != nil {
			t.Fatalf("%s: %v", doc.ID, err)
		}
		res, err := x.Extract(doc)
		if err != nil {
			t.Fatalf("%s: %v", doc.ID, err)
		}
		texts[doc.ID] = res.Text
		preds = append(preds, res.Events...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(texts) != len(want) {
		t.Fatalf("found %d of the %d documents of %s in %s", len(texts), len(want), goldPath, dir)
	}
	return eval.ScoreDocs(gold, preds, texts)
}

// checkAcceptance holds the figures: F1 >= 0.85 and actor, date,
// size, modality and attribution right on >= 90% of the pairs.
func checkAcceptance(t *testing.T, r eval.Report) {
	t.Helper()
	var sb strings.Builder
	r.Print(&sb, false)
	t.Logf("\n%s", sb.String())
	if r.F1 < 0.85 {
		t.Errorf("F1 %.3f, want >= 0.85", r.F1)
	}
	groups := map[string][]string{
		"actor":       {"actor.equal"},
		"date":        {"date.exact"},
		"size":        {"size.dead", "size.injured", "size.arrested", "size.count", "size.unit", "size.qualifier"},
		"modality":    {"modality"},
		"attribution": {"attribution"},
	}
	for name, keys := range groups {
		right, counted := 0, 0
		for _, k := range keys {
			if c := r.Fields[k]; c != nil {
				right += c.Right
				counted += c.Counted
			}
		}
		if counted > 0 && float64(right) < 0.9*float64(counted) {
			t.Errorf("%s right on %d of %d pairs, want >= 90%%", name, right, counted)
		}
	}
}

// TestOwnReports scores our own reports (testdata, written by us) against
// their gold: the acceptance test that always runs.
func TestOwnReports(t *testing.T) {
	golds, err := filepath.Glob("../../testdata/gold/*.gold.jsonl")
	if err != nil || len(golds) == 0 {
		t.Fatalf("no gold files in testdata/gold: %v", err)
	}
	for _, g := range golds {
		t.Run(filepath.Base(g), func(t *testing.T) {
			checkAcceptance(t, scoreDocs(t, g, "../../testdata/reports"))
		})
	}
}

// TestSeedArticle scores the seed article against the project's gold.
func TestSeedArticle(t *testing.T) {
	shared := sharedDir(t)
	checkAcceptance(t, scoreDocs(t, filepath.Join(shared, "eval", "seed.gold.jsonl"), filepath.Join(shared, "seed")))
}

// TestPloverGoldStandard holds the figures on the PLOVER dev sentences so
// that they cannot fall unnoticed. The floors are 0.75 type
// accuracy, 0.65 macro F1 and 0.8 actor country accuracy; the ones below
// are what the rules reach today, a little lower to allow for rounding.
func TestPloverGoldStandard(t *testing.T) {
	shared := sharedDir(t)
	f, err := os.Open(filepath.Join(shared, "eval", "plover-gsr-dev.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	items, err := eval.ReadGSR(f)
	if err != nil {
		t.Fatal(err)
	}
	x := testExtractor(t)
	r := eval.ScoreGSR(items, func(id, text string) ([]borderwatch.Event, error) {
		res, err := x.Extract(borderwatch.Document{ID: id, Text: text})
		return res.Events, err
	})
	var sb strings.Builder
	r.Print(&sb, false)
	t.Logf("\n%s", sb.String())
	floors := []struct {
		name      string
		got, want float64
	}{
		{"type accuracy", r.TypeAccuracy, 0.80},
		{"macro F1", r.MacroF1, 0.80},
		{"actor country accuracy", r.ActorCountryAccuracy, 0.80},
	}
	for _, fl := range floors {
		if fl.got < fl.want {
			t.Errorf("%s %.3f, below the floor %.2f", fl.name, fl.got, fl.want)
		}
	}
}
