package pipeline

import (
	"testing"

	"borderwatch/internal/geo"
)

// A gazetteer given in Options is used, not loaded again: a server shares
// one between extraction, watch areas and the pages.
func TestSharedGazetteer(t *testing.T) {
	g, err := geo.Load()
	if err != nil {
		t.Fatal(err)
	}
	x, err := New(Options{Gazetteer: g})
	if err != nil {
		t.Fatal(err)
	}
	if x.gaz != g {
		t.Error("the extractor loaded a gazetteer of its own")
	}
}
