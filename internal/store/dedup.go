package store

import (
	"crypto/sha256"
	"encoding/hex"
	"hash/fnv"
	"math/bits"
	"net/url"
	"sort"
	"strings"
	"unicode"
)

// nearDuplicateBits is the largest simhash distance at which two documents
// count as copies of one story: a reprint with a changed clause or an added
// credit line measured 6-11 on short reports, different stories 22 and
// more (random pairs centre on 32).
const nearDuplicateBits = 11

// contentHash identifies a document by its words alone, so the same text
// reached through two URLs or with different spacing is one document.
func contentHash(text string) string {
	sum := sha256.Sum256([]byte(strings.Join(normWords(text), " ")))
	return hex.EncodeToString(sum[:])
}

func normWords(text string) []string {
	return strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}

// simhash is a 64-bit locality-sensitive fingerprint over word 3-shingles:
// near-identical texts get fingerprints a few bits apart.
func simhash(text string) uint64 {
	words := normWords(text)
	var acc [64]int
	add := func(s string) {
		h := fnv.New64a()
		h.Write([]byte(s))
		v := h.Sum64()
		for i := range 64 {
			if v&(1<<uint(i)) != 0 {
				acc[i]++
			} else {
				acc[i]--
			}
		}
	}
	if len(words) < 3 {
		add(strings.Join(words, " "))
	}
	for i := 0; i+3 <= len(words); i++ {
		add(words[i] + " " + words[i+1] + " " + words[i+2])
	}
	var out uint64
	for i := range 64 {
		if acc[i] > 0 {
			out |= 1 << uint(i)
		}
	}
	return out
}

// simhashBands splits a fingerprint into four 16-bit bands. Documents that
// share a band are candidates (certain when at most 3 bits differ, likely up
// to nearDuplicateBits); the full distance then decides.
func simhashBands(h uint64) [4]int64 {
	return [4]int64{int64(h & 0xffff), int64(h >> 16 & 0xffff), int64(h >> 32 & 0xffff), int64(h >> 48 & 0xffff)}
}

func hamming(a, b uint64) int { return bits.OnesCount64(a ^ b) }

// trackingParams are query parameters that name a campaign, not a document.
var trackingParams = map[string]bool{"fbclid": true, "gclid": true, "yclid": true, "mc_cid": true, "mc_eid": true, "ref": true, "cmpid": true}

// CanonicalURL normalises a document URL so that the same article reached
// through tracking links, a different case of host or a fragment is one
// document: lower-case scheme and host, no default port, no fragment, no
// utm_* or click-id parameters, sorted query. It returns "" for input that
// is not an absolute http(s) URL.
func CanonicalURL(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" {
		return ""
	}
	u.Scheme = strings.ToLower(u.Scheme)
	if u.Scheme != "http" && u.Scheme != "https" {
		return ""
	}
	host := strings.ToLower(u.Hostname())
	port := u.Port()
	if (u.Scheme == "http" && port == "80") || (u.Scheme == "https" && port == "443") {
		port = ""
	}
	if port != "" {
		host += ":" + port
	}
	u.Host = host
	u.User = nil
	u.Fragment = ""
	u.RawFragment = ""
	q := u.Query()
	for k := range q {
		if strings.HasPrefix(strings.ToLower(k), "utm_") || trackingParams[strings.ToLower(k)] {
			q.Del(k)
		}
	}
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		vs := q[k]
		sort.Strings(vs)
		for _, v := range vs {
			parts = append(parts, url.QueryEscape(k)+"="+url.QueryEscape(v))
		}
	}
	u.RawQuery = strings.Join(parts, "&")
	if u.Path == "" {
		u.Path = "/"
	}
	if len(u.Path) > 1 {
		u.Path = strings.TrimSuffix(u.Path, "/")
	}
	return u.String()
}
