package event

import (
	"fmt"
	"testing"
)

// A keySet holds every key added, in its buffer and, past keySetLinear
// keys, in its map, and forgets them all on reset.
func TestKeySet(t *testing.T) {
	var ks keySet
	n := 3 * keySetLinear
	for i := 0; i < n; i += 2 {
		ks.add([]byte(fmt.Sprintf("ASSAULT|AFG/MIL/k%d|Kunduz|asserted", i)))
		ks.add([]byte(fmt.Sprintf("ASSAULT|AFG/MIL/k%d|Kunduz|asserted", i))) // twice: kept once
	}
	for i := 0; i < n; i++ {
		k := []byte(fmt.Sprintf("ASSAULT|AFG/MIL/k%d|Kunduz|asserted", i))
		if got, want := ks.has(k), i%2 == 0; got != want {
			t.Fatalf("has(%s) = %v, want %v", k, got, want)
		}
	}
	if ks.has([]byte("ASSAULT|AFG/MIL/k0|Kunduz|")) {
		t.Error("a prefix of a key is no key")
	}
	ks.reset()
	if ks.has([]byte("ASSAULT|AFG/MIL/k0|Kunduz|asserted")) {
		t.Error("reset kept a key")
	}
	ks.add([]byte("a"))
	if !ks.has([]byte("a")) || ks.has([]byte("b")) {
		t.Error("after reset the set does not work as a set")
	}
}
