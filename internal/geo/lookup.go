package geo

import (
	"cmp"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Candidate is one reading of a name, with its score and the reasons for it.
type Candidate struct {
	Place
	Score float64
	Why   string
}

// DocContext is what a document talks about: the countries (by name and by
// demonym), the provinces and the borders it mentions. Find uses it to
// prefer, say, Tajik candidates in a Tajik story.
type DocContext struct {
	Countries map[string]float64   // ISO3 -> weight (a name counts 1, a demonym 0.5)
	Admin1    map[Province]float64 // provinces (admin1) named -> mentions
	Borders   map[string]int       // "AFG-TJK" -> mentions
	Main      string               // the country mentioned most, "" when none
	total     float64

	// The document's tokens, kept so that FindIn need not tokenise each
	// sentence again; text is what they index.
	text string
	toks *[]token
}

// Release returns the document's tokens for reuse; dc must not be passed
// to FindIn afterwards (Find still works).
func (dc *DocContext) Release() {
	if dc == nil || dc.toks == nil {
		return
	}
	clear(*dc.toks) // drop string references before pooling
	*dc.toks = (*dc.toks)[:0]
	tokenPool.Put(dc.toks)
	dc.toks, dc.text = nil, ""
}

// Province is an admin1 area of a country.
type Province struct{ Country, Admin1 string }

func newDocContext() *DocContext {
	return &DocContext{Countries: map[string]float64{}, Admin1: map[Province]float64{}, Borders: map[string]int{}}
}

func (dc *DocContext) addCountry(code string, w float64) {
	dc.Countries[code] += w
	dc.total += w
	if dc.Main == "" || dc.Countries[code] > dc.Countries[dc.Main] {
		dc.Main = code
	}
}

// share is the fraction of the document's country mentions that name code.
func (dc *DocContext) share(code string) float64 {
	if dc == nil || dc.total == 0 {
		return 0
	}
	return dc.Countries[code] / dc.total
}

// topBorder is the border the document mentions most, "" when none.
func (dc *DocContext) topBorder() string {
	if dc == nil {
		return ""
	}
	best, bn := "", 0
	for k, n := range dc.Borders {
		if n > bn || (n == bn && k < best) {
			best, bn = k, n
		}
	}
	return best
}

// NewDocContext scans a whole document for the countries, provinces and
// borders it mentions.
func (g *Gazetteer) NewDocContext(text string) *DocContext {
	dc := newDocContext()
	tp := tokenPool.Get().(*[]token)
	toks := tokenizeInto((*tp)[:0], text)
	*tp = toks
	dc.text, dc.toks = text, tp
	for i := 0; i < len(toks); i++ {
		if b, n := g.borderPhrase(toks, i, dc); n > 0 {
			if b.key != "" {
				dc.Borders[b.key]++
			}
			i += n - 1
			continue
		}
		t := &toks[i]
		if !t.upper {
			continue
		}
		if c, ok := demonyms[t.key]; ok {
			dc.addCountry(c, 0.5)
			continue
		}
		j, hits := g.longestExact(toks, i)
		if hits == nil {
			continue
		}
		for _, pi := range hits {
			p := &g.places[pi]
			switch p.Feature {
			case FeatureCountry:
				if len(t.key) > 2 || t.allUpper {
					dc.addCountry(p.Country, 1)
				}
			case FeatureADM1:
				dc.Admin1[Province{p.Country, p.Admin1}]++
			}
		}
		i = j
	}
	return dc
}

// countrySet is a sentence's few countries, without a map's allocations.
type countrySet []string

func (cs countrySet) has(c string) bool { return slices.Contains(cs, c) }

func (cs countrySet) add(c string) countrySet {
	if cs.has(c) {
		return cs
	}
	return append(cs, c)
}

// hints are what the words around a name say about it.
type hints struct {
	feature  string // "district", "province", "city" from a generic word next to the name
	qualAdm1 string // "Andar, Ghazni province": the folded word after a comma
	qualAdm2 string // the two words after a comma ("Moscow, New Brunswick")
	qualCtry string
	sentence countrySet // countries named in the same sentence
	skeleton bool       // matched by the transliteration skeleton only
}

// score rates place p as the reading of a name. The weights are small
// integers on purpose: feature class and population set the prior, the
// document's countries and provinces move it, explicit words ("district",
// ", Ghazni province") decide.
func (g *Gazetteer) score(p *Place, dc *DocContext, h *hints, why *strings.Builder) float64 {
	s := featureWeight(p.Feature)
	add := func(v float64, reason string) {
		s += v
		if why != nil && v != 0 {
			if why.Len() > 0 {
				why.WriteString("; ")
			}
			why.WriteString(reason)
			why.WriteByte(' ')
			writeTenths(why, v)
		}
	}
	if why != nil {
		why.Grow(160)
		why.WriteString(p.Feature)
		why.WriteByte(' ')
		writeTenths(why, s)
	}
	if p.Population > 0 {
		add(0.35*math.Log10(float64(p.Population)+1), "population")
	}
	if p.curated() {
		add(1, "curated")
	}
	if regionCountries[p.Country] {
		add(0.5, "watched region")
	}
	if sh := dc.share(p.Country); sh > 0 {
		add(1+2*sh, "country in document")
	}
	if dc != nil && p.Admin1 != "" && len(dc.Admin1) > 0 && dc.Admin1[Province{p.Country, p.Admin1}] > 0 {
		add(1.5, "province in document")
	}
	if h != nil {
		if h.skeleton {
			add(-1.5, "spelling variant")
		}
		if h.sentence.has(p.Country) {
			add(1.5, "country in sentence")
		}
		switch h.feature {
		case "district":
			if p.Feature == FeatureADM2 {
				add(4, "said district")
			}
		case "province":
			if p.Feature == FeatureADM1 {
				add(4, "said province")
			}
		case "city":
			if strings.HasPrefix(p.Feature, "PPL") {
				add(3, "said city")
			}
		}
		if h.qualAdm1 != "" && p.Admin1 != "" && p.Feature != FeatureADM1 && h.qualifies(p.Admin1) {
			add(5, "inside the named province")
		}
		if h.qualCtry != "" && p.Country == h.qualCtry {
			add(2, "inside the named country")
		}
	}
	return s
}

// qualifies reports whether an admin1 name starts with the qualifier words
// ("Ghazni" for "Ghazni", "New Brunswick" for "New Brunswick").
func (h *hints) qualifies(admin1 string) bool {
	a := Fold(admin1)
	return a == h.qualAdm1 || strings.HasPrefix(a, h.qualAdm1+" ") ||
		(h.qualAdm2 != "" && (a == h.qualAdm2 || strings.HasPrefix(a, h.qualAdm2+" ")))
}

// writeTenths writes v with one decimal ("-1.5"), cheaper than strconv's
// general float formatting in the hot path of Lookup.
func writeTenths(b *strings.Builder, v float64) {
	t := int64(math.Round(v * 10))
	if t < 0 {
		b.WriteByte('-')
		t = -t
	}
	var buf [24]byte
	out := strconv.AppendInt(buf[:0], t/10, 10)
	out = append(out, '.', byte('0'+t%10))
	b.Write(out)
}

func featureWeight(f string) float64 {
	switch f {
	case FeatureCountry:
		return 6
	case "PPLC":
		return 4
	case FeatureADM1, "PPLA", FeatureAirport, FeatureBridge, FeatureCrossing:
		return 3
	case FeatureRiver, FeatureRegion:
		return 2.5
	case "PPLA2":
		return 2
	case FeatureADM2:
		return 1.5
	case "PPL", "PPLA3", "PPLA4", "PPLX", "PPLL", "PPLS":
		return 1
	}
	return 0.5
}

// regionCountries are the countries the product watches; their places get a
// small prior over namesakes elsewhere.
var regionCountries = map[string]bool{"AFG": true, "TJK": true, "UZB": true, "TKM": true, "KGZ": true, "PAK": true, "IRN": true}

// candidates returns the place indexes for a folded key: exact names, else
// transliteration-skeleton matches (skel reports the latter).
func (g *Gazetteer) candidates(key string) (idx []int32, skel bool) {
	if idx = g.keyPlaces(key); len(idx) > 0 {
		return idx, false
	}
	if len(key) >= 5 {
		if idx = g.bySkel[skeleton(key)]; len(idx) > 0 {
			return idx, true
		}
	}
	return nil, false
}

// Lookup returns the readings of a name, best first. A trailing generic word
// ("Andar district", "Ghazni province") is honoured as a hint.
func (g *Gazetteer) Lookup(name string, dc *DocContext) []Candidate {
	key := Fold(name)
	if key == "" {
		return nil
	}
	var h hints
	idx, skel := g.candidates(key)
	if len(idx) == 0 {
		if i := strings.LastIndexByte(key, ' '); i > 0 {
			if f, ok := genericWords[key[i+1:]]; ok {
				h.feature = f
				idx, skel = g.candidates(key[:i])
			}
		}
	}
	h.skeleton = skel
	type scored struct {
		i int32
		s float64
	}
	all := make([]scored, len(idx))
	for k, i := range idx {
		all[k] = scored{i, g.score(&g.places[i], dc, &h, nil)}
	}
	slices.SortStableFunc(all, func(a, b scored) int { return cmp.Compare(b.s, a.s) })
	// The reasons are only spelled out for the readings anyone will read.
	if len(all) > maxCandidates {
		all = all[:maxCandidates]
	}
	out := make([]Candidate, len(all))
	var why strings.Builder
	for k, c := range all {
		why.Reset()
		s := g.score(&g.places[c.i], dc, &h, &why)
		out[k] = Candidate{Place: g.places[c.i], Score: s, Why: why.String()}
	}
	return out
}

// maxCandidates bounds what Lookup returns ("Springfield" has dozens).
const maxCandidates = 10

// genericWords after (or before, with "of") a name say what kind of place
// it is.
var genericWords = map[string]string{
	"district": "district", "districts": "district", "rayon": "district", "nohiya": "district", "woleswali": "district",
	"province": "province", "provinces": "province", "region": "province", "oblast": "province", "velayat": "province", "viloyat": "province",
	"city": "city", "town": "city", "village": "city",
}
