package pipeline

import (
	"reflect"
	"sync"
	"testing"
)

// The extractor keeps working memory in pools and the gazetteer remembers
// lookups in a document's tokens: extracting from several goroutines at
// once must give what extracting one document after another gives (run
// with -race).
func TestExtractConcurrent(t *testing.T) {
	x := testExtractor(t)
	docs := benchDocsMix(24, 0.5)
	want := make([]Result, len(docs))
	for i, d := range docs {
		r, err := x.Extract(d)
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Events) == 0 {
			t.Fatalf("%s: no events; the test would compare nothing", d.ID)
		}
		want[i] = r
	}
	got := make([]Result, len(docs))
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(docs); i += 4 {
				r, err := x.Extract(docs[i])
				if err != nil {
					t.Error(err)
					return
				}
				got[i] = r
			}
		}()
	}
	wg.Wait()
	for i := range docs {
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Errorf("%s: concurrent extraction differs from sequential", docs[i].ID)
		}
	}
}
