package geo

import (
	"math"
	"strings"
)

// borderRef is a border named by a phrase.
type borderRef struct {
	key       string // "AFG-TJK"
	owner     string // the country whose border it is in the text
	ambiguous bool
}

// demonyms name a country by its adjective ("the Tajik-Afghan border").
var demonyms = map[string]string{
	"afghan": "AFG", "tajik": "TJK", "uzbek": "UZB", "turkmen": "TKM", "kyrgyz": "KGZ", "kirghiz": "KGZ",
	"pakistani": "PAK", "iranian": "IRN", "chinese": "CHN", "sino": "CHN", "russian": "RUS", "kazakh": "KAZ",
	"indian": "IND", "american": "USA", "ukrainian": "UKR", "turkish": "TUR", "georgian": "GEO",
	"azerbaijani": "AZE", "armenian": "ARM", "mongolian": "MNG", "pak": "PAK", "tajikistani": "TJK", "uzbekistani": "UZB",
}

var borderWords = map[string]bool{"border": true, "borders": true, "frontier": true, "frontiers": true, "boundary": true}

var directions = map[string][2]float64{ // unit vector (north, east)
	"southern": {-1, 0}, "south": {-1, 0}, "northern": {1, 0}, "north": {1, 0},
	"eastern": {0, 1}, "east": {0, 1}, "western": {0, -1}, "west": {0, -1},
}

var ownerWords = map[string]bool{"the": true, "our": true, "its": true, "their": true, "his": true, "her": true}

// countryTok reads a country name or demonym at k; it returns the code and
// the last token index, or "" and -1.
func (g *Gazetteer) countryTok(toks []token, k int) (string, int) {
	if k >= len(toks) || !toks[k].upper {
		return "", -1
	}
	if c, ok := demonyms[toks[k].key]; ok {
		return c, k
	}
	j, hits := g.longestExact(toks, k)
	for _, pi := range hits {
		if p := &g.places[pi]; p.Feature == FeatureCountry {
			return p.Country, j
		}
	}
	return "", -1
}

// borderPhrase recognises a border named at token i and returns it with the
// number of tokens it spans (0: no border phrase here).
func (g *Gazetteer) borderPhrase(toks []token, i int, dc *DocContext) (borderRef, int) {
	k := i
	if t := &toks[i]; !t.upper && t.class&(clOwner|clBorder|clDirection) == 0 {
		return borderRef{}, 0 // most words: not even "the"
	}
	if toks[k].key == "the" {
		k++
	}
	if k >= len(toks) {
		return borderRef{}, 0
	}
	// Cheap reject: every border phrase starts (after "the") with a
	// capitalised country word, an owner or direction word, or "border".
	const starters = clOwner | clBorder | clDirection
	if t := &toks[k]; !t.upper && t.class&starters == 0 {
		return borderRef{}, 0
	}
	if t := &toks[k]; t.upper && t.class&starters == 0 {
		{
			// Only "X-Y border" and "X's border with Y" start with a country.
			if k+1 >= len(toks) || !(toks[k+1].hyphen || t.poss || (k+2 < len(toks) && toks[k+2].hyphen)) {
				return borderRef{}, 0
			}
		}
	}
	// X-Y border: "the Tajik-Afghan border", "Afghanistan-Tajikistan border".
	if a, ja := g.countryTok(toks, k); a != "" && ja+1 < len(toks) && toks[ja+1].hyphen {
		if b, jb := g.countryTok(toks, ja+1); b != "" && b != a && jb+1 < len(toks) && borderWords[toks[jb+1].key] && !toks[jb+1].brk {
			if key := BorderKey(a, b); g.borders[key] != nil {
				return borderRef{key: key, owner: a}, jb + 2 - i
			}
		}
	}
	// X's border with Y.
	if a, ja := g.countryTok(toks, k); a != "" && toks[ja].poss && ja+2 < len(toks) && borderWords[toks[ja+1].key] && toks[ja+2].key == "with" {
		if b, jb := g.countryTok(toks, ja+3); b != "" && b != a {
			if key := BorderKey(a, b); g.borders[key] != nil {
				return borderRef{key: key, owner: a}, jb + 1 - i
			}
		}
	}
	// the border with X / the border between X and Y / the southern border / the border.
	dirK := k
	if d := toks[k].key; ownerWords[d] || directions[d] != [2]float64{} {
		if ownerWords[d] && k+1 < len(toks) {
			dirK = k + 1
		}
	}
	if dir, ok := directions[toks[dirK].key]; ok && dirK+1 < len(toks) && borderWords[toks[dirK+1].key] &&
		!(dirK+2 < len(toks) && toks[dirK+2].key == "with") {
		if dc == nil || dc.Main == "" {
			return borderRef{}, 0
		}
		// Prefer a border the document names that lies in that direction
		// of one of its two countries; else the main country's border.
		bestKey, bestOwner, bestN := "", "", 0
		for key, n := range dc.Borders {
			a, b, _ := strings.Cut(key, "-")
			for _, c := range []string{a, b} {
				if g.borderInDirection(c, dir) == key && (n > bestN || (n == bestN && key < bestKey)) {
					bestKey, bestOwner, bestN = key, c, n
				}
			}
		}
		if bestKey == "" {
			bestKey, bestOwner = g.soleBorderInDirection(dc.Main, dir), dc.Main
		}
		if bestKey != "" {
			return borderRef{key: bestKey, owner: bestOwner}, dirK + 2 - i
		}
		return borderRef{}, 0
	}
	if _, ok := directions[toks[dirK].key]; ok && dirK+1 < len(toks) && borderWords[toks[dirK+1].key] {
		k = dirK + 1 // "its southern border with X": the with-phrase decides
	}
	if !borderWords[toks[k].key] || toks[k].upper && k > 0 {
		return borderRef{}, 0
	}
	if k+2 < len(toks) && toks[k+1].key == "with" {
		b, jb := g.countryTok(toks, k+2)
		if b == "" {
			return borderRef{}, 0
		}
		owner := g.ownerFor(b, dc)
		if g.possessiveBefore(toks, i) {
			// "its border with X": the country the document is about.
			owner = ""
			if dc != nil && dc.Main != b && g.borders[BorderKey(dc.Main, b)] != nil {
				owner = dc.Main
			}
		}
		if owner == "" {
			return borderRef{}, 0
		}
		return borderRef{key: BorderKey(owner, b), owner: owner}, jb + 1 - i
	}
	if k+3 < len(toks) && toks[k+1].key == "between" {
		a, ja := g.countryTok(toks, k+2)
		if a != "" && ja+2 < len(toks) && toks[ja+1].key == "and" {
			if b, jb := g.countryTok(toks, ja+2); b != "" && g.borders[BorderKey(a, b)] != nil {
				return borderRef{key: BorderKey(a, b), owner: a}, jb + 1 - i
			}
		}
		return borderRef{}, 0
	}
	// A bare "the border" means the border the document is about.
	if k > i && (toks[k].key == "border" || toks[k].key == "frontier") {
		if key := dc.topBorder(); key != "" {
			a, b, _ := strings.Cut(key, "-")
			owner := a
			if dc.Countries[b] > dc.Countries[a] {
				owner = b
			}
			return borderRef{key: key, owner: owner}, k + 1 - i
		}
	}
	return borderRef{}, 0
}

// possessiveBefore reports whether the phrase at i starts with, or follows,
// "its", "our", "their"...
func (g *Gazetteer) possessiveBefore(toks []token, i int) bool {
	for k := i; k >= 0 && k >= i-2; k-- {
		w := toks[k].key
		if ownerWords[w] && w != "the" {
			return true
		}
		if _, dir := directions[w]; !dir && !borderWords[w] {
			return false
		}
	}
	return false
}

// ownerFor picks, for "the border with X", the document's most-mentioned
// country that shares a border with X.
func (g *Gazetteer) ownerFor(x string, dc *DocContext) string {
	if dc == nil {
		return ""
	}
	best, bw := "", 0.0
	for c, w := range dc.Countries {
		if c == x || g.borders[BorderKey(c, x)] == nil {
			continue
		}
		if w > bw || (w == bw && c < best) {
			best, bw = c, w
		}
	}
	return best
}

// soleBorderInDirection is borderInDirection when the answer is clear: one
// border lies well in that direction and no other comes close ("Tajikistan's
// southern border" is Afghanistan's; Russia's has many).
func (g *Gazetteer) soleBorderInDirection(c string, dir [2]float64) string {
	best := g.borderInDirection(c, dir)
	if best == "" || g.directionDot(c, best, dir) < 0.6 {
		return ""
	}
	for _, key := range g.countryBorders[c] {
		if key != best && g.directionDot(c, key, dir) >= 0.3 {
			return ""
		}
	}
	return best
}

// directionDot is the cosine between dir and the way from country c's
// centre to the middle of border key.
func (g *Gazetteer) directionDot(c, key string, dir [2]float64) float64 {
	ci, ok := g.countryByCode[c]
	mid, ok2 := g.borderMid[key]
	if !ok || !ok2 {
		return -1
	}
	clat, clon := g.countries[ci].lat, g.countries[ci].lon
	dn, de := mid.Lat-clat, (mid.Lon-clon)*math.Cos(clat*math.Pi/180)
	norm := math.Hypot(dn, de)
	if norm == 0 {
		return -1
	}
	return (dn*dir[0] + de*dir[1]) / norm
}

// borderInDirection picks the border of country c that lies most in the
// given direction from the country's centre.
func (g *Gazetteer) borderInDirection(c string, dir [2]float64) string {
	ci, ok := g.countryByCode[c]
	if !ok {
		return ""
	}
	clat, clon := g.countries[ci].lat, g.countries[ci].lon
	cos := math.Cos(clat * math.Pi / 180)
	best, bestDot := "", 0.3
	for _, key := range g.countryBorders[c] {
		mid := g.borderMid[key]
		dn, de := mid.Lat-clat, (mid.Lon-clon)*cos
		norm := math.Hypot(dn, de)
		if norm == 0 {
			continue
		}
		if dot := (dn*dir[0] + de*dir[1]) / norm; dot > bestDot || (dot == bestDot && key < best) {
			best, bestDot = key, dot
		}
	}
	return best
}

// stopWords are capitalised words that GeoNames also lists as places but
// that in news text are almost always something else; they never fire.
var stopWords = setOf(`a about above across after again against all also although among an and another any are
around as at be because been before being below between both but by can could did do does during each either
every few for from had has have he her here hers him his how however if in into is it its just least less many
may me might more most much must my neither no nor not now of off on once only or other our out over own per
same she should since so some still such than that the their them then there these they this those though
through thus to too toward towards under until up upon us very via was we were what when where whether which
while who whom whose why will with within without would yet you your
monday tuesday wednesday thursday friday saturday sunday january february march april may june july august
september october november december
police army military government ministry minister president prime general colonel officer officials official
spokesman spokeswoman leader leaders commander forces troops soldiers militants fighters taliban islamic
state republic union council committee agency news press reuters tass media report reports reported
nice reading bath split deal wells of most said says say told according also earlier later today yesterday
tomorrow meanwhile however thus hence still yet again even last next new old north south east west central
northern southern eastern western upper lower great little big long short high low good best better bad worse
free independence liberty victory peace hope faith justice unity progress friendship mission camp base post
border bridge river city town village district province region valley mountain mountains lake sea ocean island
gate hill hills field fields park port station airport market square street road highway bay cape point
mobile orange buffalo surprise temple normal pearl bend eagle sale bar gap best deal date hull marks
kind man young brown white green black gray grey rich price page hope`)

// weakNames are real place names that are mostly people or words in news;
// they fire only after a locative word ("from Mary").
var weakNames = setOf(`mary rumi victoria florence lincoln austin houston jackson
charlotte orlando virginia carolina santiago paris troy phoenix eugene marion madison washington york
sherman lafayette salem concord independence hope faith grace eden union liberty mesa`)

func setOf(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}
