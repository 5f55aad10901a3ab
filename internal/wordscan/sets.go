package wordscan

// Sets and maps of words with a cheap filter in front of the hash lookup.
// Most words of a sentence are in none of a stage's tables, and a map probe
// costs a hash of the word and often a cache miss; a bit test on the word's
// first byte and length turns most of them away first.

// filter has bit n of shape[cell(first, last)] set when some key with that
// first and last byte has n bytes; keys of 31 bytes or more share bit 31.
// The five low bits of each end byte pick the cell (case and script blur
// together, which only lets more words through to the map).
type filter struct{ shape [32 * 32]uint32 }

func lenBit(n int) uint32 { return 1 << min(n, 31) }

func cell(first, last byte) int { return int(first&31)<<5 | int(last&31) }

func (f *filter) add(w string) {
	if w != "" {
		f.shape[cell(w[0], w[len(w)-1])] |= lenBit(len(w))
	}
}

func (f *filter) mayHave(w string) bool {
	return w != "" && f.shape[cell(w[0], w[len(w)-1])]&lenBit(len(w)) != 0
}

func (f *filter) mayHaveBytes(w []byte) bool {
	return len(w) > 0 && f.shape[cell(w[0], w[len(w)-1])]&lenBit(len(w)) != 0
}

// Set is an immutable set of words.
type Set struct {
	filter
	m map[string]struct{}
}

// NewSet makes a set of words, compared byte for byte.
func NewSet(words []string) *Set {
	s := &Set{m: make(map[string]struct{}, len(words))}
	for _, w := range words {
		s.m[w] = struct{}{}
		s.add(w)
	}
	return s
}

// SetOf makes a set of the keys of m whose value is true.
func SetOf(m map[string]bool) *Set {
	words := make([]string, 0, len(m))
	for w, ok := range m {
		if ok {
			words = append(words, w)
		}
	}
	return NewSet(words)
}

// Has reports whether w is in the set.
func (s *Set) Has(w string) bool {
	if !s.mayHave(w) {
		return false
	}
	_, ok := s.m[w]
	return ok
}

// HasBytes is Has for a word in a buffer; it does not allocate.
func (s *Set) HasBytes(w []byte) bool {
	if !s.mayHaveBytes(w) {
		return false
	}
	_, ok := s.m[string(w)]
	return ok
}

// Map is an immutable map from words to values.
type Map[V any] struct {
	filter
	m map[string]V
}

// NewMap indexes m; m must not change afterwards.
func NewMap[V any](m map[string]V) *Map[V] {
	t := &Map[V]{m: m}
	for w := range m {
		t.add(w)
	}
	return t
}

// Get returns the value of w and whether w is in the map.
func (t *Map[V]) Get(w string) (V, bool) {
	if !t.mayHave(w) {
		var zero V
		return zero, false
	}
	v, ok := t.m[w]
	return v, ok
}

// GetBytes is Get for a word in a buffer; it does not allocate.
func (t *Map[V]) GetBytes(w []byte) (V, bool) {
	if !t.mayHaveBytes(w) {
		var zero V
		return zero, false
	}
	v, ok := t.m[string(w)]
	return v, ok
}

// Len is the number of words in the map.
func (t *Map[V]) Len() int { return len(t.m) }
