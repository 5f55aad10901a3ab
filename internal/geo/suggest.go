package geo

import (
	"cmp"
	"slices"
	"unicode/utf8"
)

// Suggest returns up to n known names closest to name by edit distance over
// folded names (ties go to the more populous or curated place), for "did you
// mean" answers. It scans every name, so it is for people, not pipelines.
func (g *Gazetteer) Suggest(name string, n int) []string {
	key := Fold(name)
	if key == "" || n <= 0 {
		return nil
	}
	kr := []rune(key)
	limit := max(2, len(kr)/3)
	type hit struct {
		name string
		d    int
		rank float64
	}
	var hits []hit
	for k, v := range g.byKey {
		if abs(utf8.RuneCountInString(k)-len(kr)) > limit {
			continue
		}
		d := editDistance(kr, []rune(k), limit)
		if d > limit {
			continue
		}
		idx := g.idsOf(v)
		best := &g.places[idx[0]]
		for _, i := range idx[1:] {
			if p := &g.places[i]; rankOf(p) > rankOf(best) {
				best = p
			}
		}
		hits = append(hits, hit{best.Name, d, rankOf(best)})
	}
	slices.SortFunc(hits, func(a, b hit) int {
		if c := cmp.Compare(a.d, b.d); c != 0 {
			return c
		}
		if c := cmp.Compare(b.rank, a.rank); c != 0 {
			return c
		}
		return cmp.Compare(a.name, b.name)
	})
	var out []string
	seen := map[string]bool{}
	for _, h := range hits {
		if len(out) == n {
			break
		}
		if !seen[h.name] {
			seen[h.name] = true
			out = append(out, h.name)
		}
	}
	return out
}

func rankOf(p *Place) float64 {
	r := featureWeight(p.Feature) + float64(p.Population)/1e6
	if p.curated() {
		r += 2
	}
	return r
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// editDistance is Levenshtein's distance, giving up (returning limit+1) as
// soon as a whole row exceeds limit.
func editDistance(a, b []rune, limit int) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			rowMin = min(rowMin, cur[j])
		}
		if rowMin > limit {
			return limit + 1
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
