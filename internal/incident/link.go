package incident

import (
	"slices"
	"strings"
)

// denialReach is how long after an act a denial may still be about it.
const denialReach = 7

func (inc *incident) class() string {
	_, c, _ := strings.Cut(inc.key, ":")
	return c
}

// link connects an incident to the incidents it is about without merging
// them: a denial to the act it denies, an act to denials filed before it,
// and related acts (a retreat across a border and the shelter given).
func (g *Grouper) link(inc *incident) {
	if inc.MergedInto != "" || !inc.hasWin {
		return
	}
	cls := inc.class()
	switch inc.Modality {
	case groupDenial:
		if len(inc.Denies) == 0 {
			reach := window{lo: inc.win.lo - denialReach, hi: inc.win.hi}
			if act := g.bestOf(g.candidates(groupAct+":"+cls, reach, true, inc.areas, 0), inc, reach); act != nil {
				g.dispute(act, inc)
			}
		}
	case groupAct:
		for _, den := range g.candidates(groupDenial+":"+cls, inc.win, true, inc.areas, denialReach) {
			if len(den.Denies) > 0 {
				continue
			}
			reach := window{lo: den.win.lo - denialReach, hi: den.win.hi}
			if g.bestOf([]*incident{inc}, den, reach) != nil {
				g.dispute(inc, den)
			}
		}
		for _, rc := range relatedClasses[cls] {
			for _, o := range g.candidates(groupAct+":"+rc, inc.win, true, inc.areas, 0) {
				if o.ID != inc.ID && !slices.Contains(inc.Related, o.ID) && related(inc, o) {
					inc.Related = append(inc.Related, o.ID)
					o.Related = append(o.Related, inc.ID)
				}
			}
		}
	}
}

// bestOf picks the act a denial most likely denies: dates within reach,
// compatible place, most shared evidence words.
func (g *Grouper) bestOf(acts []*incident, den *incident, reach window) *incident {
	var best *incident
	bestScore := -1.0
	for _, a := range acts {
		if a.MergedInto != "" || !a.hasWin || !overlaps(a.win, reach) {
			continue
		}
		ok, ps := placesCompatible(a.Place, den.Place)
		if !ok {
			continue
		}
		if s := ps + containment(den.tokens, a.tokens); s > bestScore {
			best, bestScore = a, s
		}
	}
	return best
}

func (g *Grouper) dispute(act, den *incident) {
	if !slices.Contains(act.DisputedBy, den.ID) {
		act.DisputedBy = append(act.DisputedBy, den.ID)
	}
	if !slices.Contains(den.Denies, act.ID) {
		den.Denies = append(den.Denies, act.ID)
	}
}

// related: dates overlap, places do not exclude each other, and the
// helper acts where the retreat ended and helps the side that retreated
// (Tajikistan shelters Afghan soldiers who crossed into Tajikistan; not
// Afghan soldiers who crossed into Uzbekistan).
func related(a, b *incident) bool {
	if !overlaps(a.win, b.win) {
		return false
	}
	if ok, _ := placesCompatible(a.Place, b.Place); !ok {
		return false
	}
	retreat, aid := a, b
	if a.class() != "RETREAT" {
		retreat, aid = b, a
	}
	where := countries(retreat.Members, func(m *Member) []string {
		if m.Place == nil {
			return nil
		}
		return append([]string{m.Place.Country}, borderCountries(m.Place)...)
	})
	if len(where) > 0 && !intersects(where, entityCountries(aid.Members, false)) {
		return false
	}
	helped := entityCountries(aid.Members, true)
	return len(helped) == 0 || intersects(helped, entityCountries(retreat.Members, false))
}

func countries(ms []Member, of func(*Member) []string) []string {
	var out []string
	for i := range ms {
		for _, c := range of(&ms[i]) {
			if c != "" && !slices.Contains(out, c) {
				out = append(out, c)
			}
		}
	}
	return out
}

// entityCountries lists the countries of the members' actors (or
// recipients), leaving out the media.
func entityCountries(ms []Member, recipients bool) []string {
	return countries(ms, func(m *Member) []string {
		es := m.Actor
		if recipients {
			es = m.Recipient
		}
		var out []string
		for _, e := range es {
			if e.Sector != "JRN" {
				out = append(out, e.Country)
			}
		}
		return out
	})
}

func intersects(a, b []string) bool {
	for _, x := range a {
		if slices.Contains(b, x) {
			return true
		}
	}
	return false
}
