package incident

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"borderwatch"
)

// bounds is the range of true values a stated figure allows: "more than
// 1,000" allows 1,037 and excludes 900; "about 1,600" allows ±10%.
func bounds(n int, qualifier string) (lo, hi float64) {
	f := float64(n)
	switch strings.ToLower(strings.TrimSpace(qualifier)) {
	case "":
		return f, f
	case "more than", "over", "above", "in excess of":
		return f + 1, math.Inf(1)
	case "at least", "no fewer than", "no less than":
		return f, math.Inf(1)
	case "up to", "at most", "no more than":
		return 0, f
	case "less than", "fewer than", "under", "below":
		return 0, f - 1
	case "nearly", "almost", "close to":
		return f * 0.9, f
	case "dozens":
		return 24, 99
	case "hundreds":
		return 200, 999
	case "thousands":
		return 2000, 9999
	case "several", "a few":
		return 2, 9
	}
	// about, around, some, roughly, approximately, an estimated ...
	return f * 0.9, f * 1.1
}

func numbersCompatible(a, b Value) bool {
	alo, ahi := bounds(*a.Number, a.Qualifier)
	blo, bhi := bounds(*b.Number, b.Qualifier)
	return alo <= bhi && blo <= ahi
}

// sizeField reads one count of an event's size.
func sizeField(s *borderwatch.Size, field string) (*int, string) {
	if s == nil {
		return nil, ""
	}
	q := ""
	if s.Qualifier != nil {
		q = *s.Qualifier
	}
	switch field {
	case "dead":
		return s.Dead, ""
	case "injured":
		return s.Injured, ""
	case "arrested":
		return s.Arrested, ""
	}
	return s.Count, q
}

// disagreements lists, per field, every value the members state with the
// documents, outlets and independent origins behind it. Counts always get
// best/low/high; dates, places and actors are listed only when sources
// state values that cannot all be true.
func disagreements(inc *incident, reg *Registry) []Disagreement {
	var out []Disagreement
	for _, f := range []string{"count", "dead", "injured", "arrested"} {
		if d, ok := numberField(inc, f, reg); ok {
			out = append(out, d)
		}
	}
	if d, ok := dateField(inc, reg); ok {
		out = append(out, d)
	}
	if d, ok := placeField(inc, reg); ok {
		out = append(out, d)
	}
	if d, ok := actorField(inc, reg); ok {
		out = append(out, d)
	}
	return out
}

// collect groups members by the value they state, in time linear in the
// number of members.
func collect(ms []Member, valueOf func(m *Member) (string, bool)) ([]Value, map[string][]*Member) {
	var vals []Value
	var who map[string][]*Member
	var at map[string]int
	var seen map[[3]string]bool // value, list, item
	add := func(list *[]string, v, kind, item string) {
		if k := [3]string{v, kind, item}; !seen[k] {
			seen[k] = true
			*list = append(*list, item)
		}
	}
	for i := range ms {
		m := &ms[i]
		v, ok := valueOf(m)
		if !ok {
			continue
		}
		if who == nil { // most fields of most incidents have no value at all
			who, at, seen = map[string][]*Member{}, map[string]int{}, map[[3]string]bool{}
		}
		idx, ok := at[v]
		if !ok {
			vals = append(vals, Value{Value: v})
			idx = len(vals) - 1
			at[v] = idx
		}
		x := &vals[idx]
		add(&x.Docs, v, "d", m.DocID)
		add(&x.Outlets, v, "o", m.Outlet)
		add(&x.Origins, v, "s", m.Origin)
		who[v] = append(who[v], m)
	}
	return vals, who
}

// best picks the value most independent origins state; ties go to the best
// graded outlet, then to an exact figure over a qualified one, then to the
// earliest report.
func best(vals []Value, who map[string][]*Member, reg *Registry) int {
	grade := func(v Value) byte {
		g := byte('Z') // ungraded sorts after F
		for _, o := range v.Outlets {
			if s := reg.Outlet(o).Grade; s != "" && s[0] < g {
				g = s[0]
			}
		}
		return g
	}
	first := func(v Value) string {
		f := ""
		for _, m := range who[v.Value] {
			if f == "" || m.Published != "" && m.Published < f {
				f = m.Published
			}
		}
		return f
	}
	idx := make([]int, len(vals))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(i, j int) bool {
		a, b := vals[idx[i]], vals[idx[j]]
		if len(a.Origins) != len(b.Origins) {
			return len(a.Origins) > len(b.Origins)
		}
		if ga, gb := grade(a), grade(b); ga != gb {
			return ga < gb
		}
		if (a.Qualifier == "") != (b.Qualifier == "") {
			return a.Qualifier == ""
		}
		return first(a) < first(b)
	})
	return idx[0]
}

// credible: a value whose every claim the analyst graded improbable (5) or
// worse is left out of low and high.
func credible(ms []*Member) bool {
	for _, m := range ms {
		if m.Credibility == 0 || m.Credibility < 5 {
			return true
		}
	}
	return false
}

func numberField(inc *incident, field string, reg *Registry) (Disagreement, bool) {
	unit := ""
	vals, who := collect(inc.Members, func(m *Member) (string, bool) {
		n, q := sizeField(m.Size, field)
		if n == nil {
			return "", false
		}
		if unit == "" && field == "count" && m.Size.Unit != nil {
			unit = *m.Size.Unit
		}
		if q != "" {
			return q + " " + strconv.Itoa(*n), true
		}
		return strconv.Itoa(*n), true
	})
	if len(vals) == 0 {
		return Disagreement{}, false
	}
	for i := range vals {
		m := who[vals[i].Value][0]
		n, q := sizeField(m.Size, field)
		vals[i].Number, vals[i].Qualifier = n, q
	}
	d := Disagreement{Field: field, Unit: unit, Values: vals}
	lo, hi := math.MaxInt, math.MinInt
	for _, v := range vals {
		if !credible(who[v.Value]) {
			continue
		}
		lo, hi = min(lo, *v.Number), max(hi, *v.Number)
	}
	for i := range vals {
		for j := i + 1; j < len(vals); j++ {
			if !numbersCompatible(vals[i], vals[j]) {
				d.Disagree = true
			}
		}
	}
	d.Best = strconv.Itoa(*vals[best(vals, who, reg)].Number)
	if lo <= hi {
		d.Low, d.High = strconv.Itoa(lo), strconv.Itoa(hi)
		if d.Disagree {
			d.Spread = fmt.Sprintf("sources disagree: from %d to %d, %d apart (high is %.0f%% above low)",
				lo, hi, hi-lo, 100*float64(hi-lo)/math.Max(1, float64(lo)))
		}
	}
	return d, true
}

func dateField(inc *incident, reg *Registry) (Disagreement, bool) {
	vals, who := collect(inc.Members, func(m *Member) (string, bool) {
		w, ok := m.window()
		if !ok || !w.dated {
			return "", false
		}
		if w.lo == w.hi {
			return dayString(w.lo), true
		}
		return dayString(w.lo) + ".." + dayString(w.hi), true
	})
	if len(vals) < 2 {
		return Disagreement{}, false
	}
	d := Disagreement{Field: "date", Values: vals}
	lo, hi := math.MaxInt, math.MinInt
	gap := 0
	wins := make([]window, len(vals))
	for i, v := range vals {
		wins[i], _ = who[v.Value][0].window()
		lo, hi = min(lo, wins[i].lo), max(hi, wins[i].hi)
	}
	for i := range wins {
		for j := i + 1; j < len(wins); j++ {
			a, b := wins[i], wins[j]
			if a.lo > b.hi || b.lo > a.hi {
				d.Disagree = true
				gap = max(gap, max(a.lo-b.hi, b.lo-a.hi))
			}
		}
	}
	d.Best = vals[best(vals, who, reg)].Value
	d.Low, d.High = dayString(lo), dayString(hi)
	if d.Disagree {
		d.Spread = fmt.Sprintf("sources disagree on the date by %d day(s): from %s to %s", gap, d.Low, d.High)
	}
	return d, true
}

func placeField(inc *incident, reg *Registry) (Disagreement, bool) {
	places := map[string]*borderwatch.Location{}
	vals, who := collect(inc.Members, func(m *Member) (string, bool) {
		if m.Place == nil || m.Place.Name == "" {
			return "", false
		}
		places[m.Place.Name] = m.Place
		return m.Place.Name, true
	})
	d := Disagreement{Field: "place", Values: vals}
	for i := range vals {
		for j := i + 1; j < len(vals); j++ {
			if ok, _ := placesCompatible(places[vals[i].Value], places[vals[j].Value]); !ok {
				d.Disagree = true
			}
		}
	}
	if !d.Disagree {
		return Disagreement{}, false
	}
	d.Best = vals[best(vals, who, reg)].Value
	d.Spread = "sources name places that cannot both be where it happened"
	return d, true
}

func actorField(inc *incident, reg *Registry) (Disagreement, bool) {
	keyOf := map[string]string{}
	vals, who := collect(inc.Members, func(m *Member) (string, bool) {
		for _, e := range m.Actor {
			if e.Sector == "JRN" || e.Sector == "UAF" || e.Name == "" {
				continue
			}
			keyOf[e.Name] = e.Country + "/" + e.Sector
			return e.Name, true
		}
		return "", false
	})
	d := Disagreement{Field: "actor", Values: vals}
	for i := range vals {
		for j := i + 1; j < len(vals); j++ {
			a, b := keyOf[vals[i].Value], keyOf[vals[j].Value]
			if a != b && !strings.HasPrefix(a, "/") && !strings.HasPrefix(b, "/") {
				d.Disagree = true
			}
		}
	}
	if !d.Disagree {
		return Disagreement{}, false
	}
	d.Best = vals[best(vals, who, reg)].Value
	d.Spread = "sources name different actors"
	return d, true
}
