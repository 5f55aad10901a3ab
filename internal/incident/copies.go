package incident

import (
	"crypto/sha256"
	"encoding/hex"
	"hash/fnv"
	"strings"
	"unicode"
)

// Copy detection: a wire story reprinted by other outlets, verbatim or
// lightly edited, is one report. Exact copies share a hash of the
// normalised text; near copies share most word shingles, estimated with a
// MinHash signature and found through LSH bands so that the cost does not
// grow with the number of stored documents.

const (
	shingleWords = 4
	sigSize      = 32
	bandRows     = 4 // 8 bands of 4: pairs above ~0.6 Jaccard almost always share a band
	// nearCopy is the estimated shingle Jaccard above which two texts are
	// one report.
	nearCopy = 0.6
	// minCopyWords keeps short texts (a headline, a one-line brief) from
	// being called copies of each other on a few shared words.
	minCopyWords = 25
	// minExactWords: below this even identical texts ("Fighting
	// continues.") may be written twice independently, and an empty text
	// is no text at all.
	minExactWords = 8
)

// Fingerprint identifies a document's text for copy detection.
type Fingerprint struct {
	Exact string   `json:"exact,omitempty"` // empty for texts too short to compare
	Sig   []uint32 `json:"sig,omitempty"`   // empty for texts too short to compare
}

func normalWords(text string) []string {
	return strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}

func fingerprint(text string) Fingerprint {
	words := normalWords(text)
	sum := sha256.Sum256([]byte(strings.Join(words, " ")))
	var fp Fingerprint
	if len(words) >= minExactWords {
		fp.Exact = hex.EncodeToString(sum[:12])
	}
	if len(words) < minCopyWords {
		return fp
	}
	sig := make([]uint32, sigSize)
	for i := range sig {
		sig[i] = ^uint32(0)
	}
	h := fnv.New64a()
	for i := 0; i+shingleWords <= len(words); i++ {
		h.Reset()
		for _, w := range words[i : i+shingleWords] {
			h.Write([]byte(w))
			h.Write([]byte{0})
		}
		base := h.Sum64()
		for k := range sig {
			// Cheap independent hashes: mix the shingle hash with a per-slot
			// odd multiplier (multiply-shift).
			v := uint32((base ^ uint64(k)*0x9e3779b97f4a7c15) * (uint64(2*k+1) * 0xbf58476d1ce4e5b9) >> 32)
			if v < sig[k] {
				sig[k] = v
			}
		}
	}
	fp.Sig = sig
	return fp
}

func similarity(a, b []uint32) float64 {
	if len(a) != len(b) || len(a) == 0 {
		return 0
	}
	n := 0
	for i := range a {
		if a[i] == b[i] {
			n++
		}
	}
	return float64(n) / float64(len(a))
}

func bandKeys(sig []uint32) []uint64 {
	var keys []uint64
	for b := 0; b+bandRows <= len(sig); b += bandRows {
		h := fnv.New64a()
		var buf [4]byte
		for _, v := range sig[b : b+bandRows] {
			buf[0], buf[1], buf[2], buf[3] = byte(v), byte(v>>8), byte(v>>16), byte(v>>24)
			h.Write(buf[:])
		}
		keys = append(keys, h.Sum64()^uint64(b))
	}
	return keys
}
