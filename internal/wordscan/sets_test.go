package wordscan

import (
	"strings"
	"testing"
)

func TestSet(t *testing.T) {
	long := strings.Repeat("x", 40)
	s := NewSet([]string{"said", "after", "if", "à-propos", long, "a"})
	for _, w := range []string{"said", "after", "if", "à-propos", long, "a"} {
		if !s.Has(w) || !s.HasBytes([]byte(w)) {
			t.Errorf("Has(%q) = false, want true", w)
		}
	}
	// same first byte and length as members, other lengths, empty, long
	for _, w := range []string{"sand", "afte", "aftermath", "in", "", "b", "à-propoz", long + "y", strings.Repeat("x", 39), "Said"} {
		if s.Has(w) || s.HasBytes([]byte(w)) {
			t.Errorf("Has(%q) = true, want false", w)
		}
	}
}

func TestMap(t *testing.T) {
	m := NewMap(map[string]int{"border": 1, "province": 2, "ǵ": 3})
	for w, want := range map[string]int{"border": 1, "province": 2, "ǵ": 3} {
		if v, ok := m.Get(w); !ok || v != want {
			t.Errorf("Get(%q) = %v, %v; want %v, true", w, v, ok, want)
		}
		if v, ok := m.GetBytes([]byte(w)); !ok || v != want {
			t.Errorf("GetBytes(%q) = %v, %v; want %v, true", w, v, ok, want)
		}
	}
	for _, w := range []string{"bordel", "borders", "p", "", "Border"} {
		if v, ok := m.Get(w); ok || v != 0 {
			t.Errorf("Get(%q) = %v, %v; want 0, false", w, v, ok)
		}
	}
	if m.Len() != 3 {
		t.Errorf("Len = %d, want 3", m.Len())
	}
}

// The filter is what makes a miss cheap: a miss whose first byte, last byte
// and length match no word must not reach the map.
func TestFilterRejects(t *testing.T) {
	s := NewSet([]string{"said", "told"})
	if s.mayHave("the") || s.mayHave("xylophone") || s.mayHave("") || s.mayHave("sail") || s.mayHave("tole") {
		t.Error("filter passed words no member shares first byte, last byte and length with")
	}
	if !s.mayHave("sand") || !s.mayHave("toad") {
		t.Error("filter rejected a word of a member's first byte, last byte and length")
	}
}

func BenchmarkSetMiss(b *testing.B) {
	s := NewSet([]string{"after", "before", "because", "while", "although", "though", "if", "when", "who", "which"})
	words := strings.Fields("the border service said more than a thousand soldiers crossed into the country overnight")
	b.ResetTimer()
	n := 0
	for i := 0; i < b.N; i++ {
		for _, w := range words {
			if s.Has(w) {
				n++
			}
		}
	}
	if n != 0 {
		b.Fatal("unexpected hit")
	}
}
