package web

import (
	"reflect"
	"testing"

	"borderwatch"
)

func TestSegments(t *testing.T) {
	text := "Guards saw 1,037 men cross at dawn."
	got := segments(text, []span{
		{11, 16, markQuantity},
		{0, 6, markActor},
		{3, 9, markTrigger},     // overlaps the actor: dropped
		{30, 99, markDate},      // past the end: dropped
		{17, 17, markRecipient}, // empty: dropped
	})
	want := []segment{{"Guards", markActor}, {" saw ", ""}, {"1,037", markQuantity}, {" men cross at dawn.", ""}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("segments\n got %q\nwant %q", got, want)
	}
	if got := segments("", nil); len(got) != 0 {
		t.Errorf("empty text: %q", got)
	}
}

func TestFindWholeWords(t *testing.T) {
	for _, c := range []struct {
		s, needle string
		start     int
	}{
		{"The Panj river and Panjakent.", "Panj", 4},
		{"Panjakent, not the river.", "Panj", -1}, // inside a word
		{"they crossed the PANJ", "Panj", 17},     // case folded
		{"about 1,000 men", "1,000", 6},
		{"10000 and 1000", "1000", 10},
		{"a (bracketed) name", "(bracketed)", 2}, // regexp characters are literal
		{"nothing here", "", -1},
	} {
		if s, _ := find(c.s, c.needle); s != c.start {
			t.Errorf("find(%q, %q) = %d, want %d", c.s, c.needle, s, c.start)
		}
	}
}

func TestNumberForms(t *testing.T) {
	if got := numberForms(1037); !reflect.DeepEqual(got, []string{"1,037", "1037"}) {
		t.Errorf("1037: %q", got)
	}
	if got := numberForms(1234567); got[0] != "1,234,567" {
		t.Errorf("1234567: %q", got)
	}
	if got := numberForms(3); !reflect.DeepEqual(got, []string{"3", "three"}) {
		t.Errorf("3: %q", got)
	}
}

func TestEventSpans(t *testing.T) {
	n, date := 300, "2021-07-05"
	ev := borderwatch.Event{Trigger: "crossed", DateText: "on Monday",
		Actor:     []borderwatch.Entity{{Text: "Afghan soldiers", Name: "Afghanistan"}},
		Recipient: []borderwatch.Entity{{Name: "Tajikistan"}},
		EventLoc:  &borderwatch.Location{Text: "near Panj", Name: "Panj"},
		Size:      &borderwatch.Size{Count: &n}, Date: &date,
		TextInfo: borderwatch.TextInfo{Text: "About three hundred, or 300, Afghan soldiers crossed into Tajikistan near Panj on Monday."}}
	got := map[string]string{}
	for _, sp := range eventSpans(ev) {
		got[sp.Kind] = ev.TextInfo.Text[sp.Start:sp.End]
	}
	want := map[string]string{markActor: "Afghan soldiers", markRecipient: "Tajikistan", markPlace: "near Panj",
		markDate: "on Monday", markQuantity: "300", markTrigger: "crossed"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("spans %q, want %q", got, want)
	}
}

func TestSentenceStart(t *testing.T) {
	text := "First sentence. Second one here."
	if got := sentenceStart(text, borderwatch.TextInfo{Start: 16, End: 32, Text: "Second one here."}); got != 16 {
		t.Errorf("offsets that hold: %d", got)
	}
	if got := sentenceStart(text, borderwatch.TextInfo{Start: 3, End: 19, Text: "Second one here."}); got != 16 {
		t.Errorf("offsets that moved: %d, want the sentence found at 16", got)
	}
	if got := sentenceStart(text, borderwatch.TextInfo{Start: 0, End: 5, Text: "Gone."}); got != -1 {
		t.Errorf("a sentence not in the text: %d", got)
	}
}
