package incident

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"

	"borderwatch"
)

// ErrNotFound is returned for an unknown incident or event id.
var ErrNotFound = errors.New("incident: not found")

func (g *Grouper) live(id string) (*incident, error) {
	inc := g.incidents[id]
	if inc == nil {
		return nil, fmt.Errorf("%w: incident %s", ErrNotFound, id)
	}
	if inc.MergedInto != "" {
		return nil, fmt.Errorf("incident: %s was merged into %s", id, inc.MergedInto)
	}
	if len(inc.Members) == 0 {
		return nil, fmt.Errorf("incident: every event of %s was rejected", id)
	}
	return inc, nil
}

func checkUser(user string) error {
	if strings.TrimSpace(user) == "" {
		return errors.New("incident: an analyst decision needs a user")
	}
	return nil
}

// Merge folds the incidents from into the incident into, as an analyst
// decided; the decision is recorded with user and time on every incident
// involved. Incidents of different modality (an act and its denial, a plan
// and the act) are not merged: a denial is linked as a dispute instead.
func (g *Grouper) Merge(into string, from []string, user string) (Incident, error) {
	if err := checkUser(user); err != nil {
		return Incident{}, err
	}
	dst, err := g.live(into)
	if err != nil {
		return Incident{}, err
	}
	if len(from) == 0 {
		return Incident{}, errors.New("incident: merge: no incidents to merge into " + into)
	}
	var srcs []*incident
	for _, id := range from {
		if id == into || slices.ContainsFunc(srcs, func(s *incident) bool { return s.ID == id }) {
			return Incident{}, fmt.Errorf("incident: merge: %s named twice", id)
		}
		src, err := g.live(id)
		if err != nil {
			return Incident{}, err
		}
		if src.Modality != dst.Modality {
			return Incident{}, fmt.Errorf("incident: merge: %s is %s and %s is %s; a %s report is never merged with the act",
				id, src.Modality, into, dst.Modality, groupDenial+" or "+groupPlan)
		}
		srcs = append(srcs, src)
	}
	d := Decision{Kind: "merge", Incidents: append([]string{into}, from...), User: user, At: g.opts.Now()}
	for _, src := range srcs {
		g.fold(dst, src)
		for a := range g.apart { // the analyst now says they are one
			if a == pair(dst.ID, src.ID) {
				delete(g.apart, a)
			}
		}
		src.Decisions = append(src.Decisions, d)
	}
	dst.Decisions = append(dst.Decisions, d)
	g.decisions = append(g.decisions, d)
	dst.Related = slices.DeleteFunc(dst.Related, func(r string) bool { return r == dst.ID })
	g.refresh(dst)
	g.link(dst)
	return dst.copy(), nil
}

// Split moves the given events out of an incident into a new one, as an
// analyst decided. Automatic grouping never merges the two back; new
// reports may still join either.
func (g *Grouper) Split(id string, eventIDs []string, user string) (Incident, error) {
	if err := checkUser(user); err != nil {
		return Incident{}, err
	}
	src, err := g.live(id)
	if err != nil {
		return Incident{}, err
	}
	if len(eventIDs) == 0 {
		return Incident{}, errors.New("incident: split: no events to move out of " + id)
	}
	var moved, kept []Member
	for _, m := range src.Members {
		if slices.Contains(eventIDs, m.EventID) {
			moved = append(moved, m)
		} else {
			kept = append(kept, m)
		}
	}
	if len(moved) != len(eventIDs) {
		for _, e := range eventIDs {
			if !slices.ContainsFunc(moved, func(m Member) bool { return m.EventID == e }) {
				return Incident{}, fmt.Errorf("%w: event %s in incident %s", ErrNotFound, e, id)
			}
		}
		return Incident{}, fmt.Errorf("incident: split: an event is named twice")
	}
	if len(kept) == 0 {
		return Incident{}, fmt.Errorf("incident: split: that would move every event out of %s", id)
	}
	now := g.opts.Now()
	sum := sha256.Sum256([]byte("split\x00" + id + "\x00" + strings.Join(eventIDs, "\x00")))
	nid := "inc-" + hex.EncodeToString(sum[:6])
	for g.incidents[nid] != nil {
		sum = sha256.Sum256(sum[:])
		nid = "inc-" + hex.EncodeToString(sum[:6])
	}
	d := Decision{Kind: "split", Incidents: []string{id, nid}, Events: slices.Clone(eventIDs), User: user, At: now}
	dst := &incident{Incident: Incident{ID: nid, Modality: src.Modality, Class: class(&moved[0]), Created: now}}
	dst.key = src.Modality + ":" + dst.Class
	g.incidents[nid] = dst
	g.order = append(g.order, nid)
	src.Members = kept
	for _, m := range moved {
		g.addMember(dst, m)
	}
	src.Decisions = append(src.Decisions, d)
	dst.Decisions = append(dst.Decisions, d)
	g.decisions = append(g.decisions, d)
	g.apart[pair(id, nid)] = true
	src.Updated = now
	g.derive(src)
	g.refresh(dst)
	g.link(dst)
	return dst.copy(), nil
}

// GradeClaim records an analyst's credibility grade for one claim (an
// event in an incident): 1 confirmed, 2 probably true, 3 possibly true,
// 4 doubtful, 5 improbable, 6 cannot be judged; 0 clears it. Values graded
// improbable are left out of an incident's low and high.
func (g *Grouper) GradeClaim(eventID string, credibility int, user string) error {
	if err := checkUser(user); err != nil {
		return err
	}
	if credibility < 0 || credibility > 6 {
		return fmt.Errorf("incident: credibility %d: want 1-6, or 0 to clear", credibility)
	}
	id, ok := g.eventInc[eventID]
	if !ok {
		return fmt.Errorf("%w: event %s", ErrNotFound, eventID)
	}
	inc := g.incidents[id]
	i := slices.IndexFunc(inc.Members, func(m Member) bool { return m.EventID == eventID })
	if i < 0 {
		return fmt.Errorf("%w: event %s", ErrNotFound, eventID)
	}
	inc.Members[i].Credibility = credibility
	d := Decision{Kind: "credibility", Incidents: []string{id}, Events: []string{eventID}, Value: fmt.Sprint(credibility), User: user, At: g.opts.Now()}
	inc.Decisions = append(inc.Decisions, d)
	g.decisions = append(g.decisions, d)
	g.refresh(inc)
	return nil
}

// GradeSource records an analyst's reliability grade (A-F) for an outlet.
// Incidents already built keep their figures until they next change; best
// values use the grade from then on.
func (g *Grouper) GradeSource(outlet, grade, user string) error {
	if err := checkUser(user); err != nil {
		return err
	}
	if err := g.reg.SetGrade(outlet, grade); err != nil {
		return err
	}
	g.decisions = append(g.decisions, Decision{Kind: "reliability", Value: g.reg.Outlet(outlet).Name + "=" + strings.ToUpper(grade), User: user, At: g.opts.Now()})
	return nil
}

// Decisions lists every analyst decision in the order made.
func (g *Grouper) Decisions() []Decision { return slices.Clone(g.decisions) }

// memberOf returns the incident holding an event and the event's index in it.
func (g *Grouper) memberOf(eventID string) (*incident, int, error) {
	id, ok := g.eventInc[eventID]
	if !ok {
		return nil, 0, fmt.Errorf("%w: event %s in any incident", ErrNotFound, eventID)
	}
	inc := g.incidents[id]
	i := slices.IndexFunc(inc.Members, func(m Member) bool { return m.EventID == eventID })
	if i < 0 {
		return nil, 0, fmt.Errorf("%w: event %s in incident %s", ErrNotFound, eventID, id)
	}
	return inc, i, nil
}

// Correct replaces an event of an incident by the analyst's corrected
// version: the incident's type, window, place, sources and disagreements
// are derived again from its members. The event stays in its incident:
// moving it is a split, which the analyst decides separately.
func (g *Grouper) Correct(ev borderwatch.Event, user string) (Incident, error) {
	if err := checkUser(user); err != nil {
		return Incident{}, err
	}
	inc, i, err := g.memberOf(ev.ID)
	if err != nil {
		return Incident{}, err
	}
	if borderwatch.Quad(ev.Event) == 0 {
		return Incident{}, fmt.Errorf("incident: correct %s: unknown event type %q", ev.ID, ev.Event)
	}
	for _, d := range []*string{ev.Date, ev.EndDate} {
		if d != nil && *d != "" {
			if _, err := parseDay(*d); err != nil {
				return Incident{}, fmt.Errorf("incident: correct %s: %w", ev.ID, err)
			}
		}
	}
	old := inc.Members[i]
	ds := g.docs[old.DocID]
	if ds == nil {
		return Incident{}, fmt.Errorf("%w: document %s of event %s", ErrNotFound, old.DocID, ev.ID)
	}
	m := g.member(ds, ev)
	m.Credibility = old.Credibility
	inc.Members[i] = m
	g.decide(inc, Decision{Kind: "review", Incidents: []string{inc.ID}, Events: []string{ev.ID}, Value: "corrected", User: user})
	return inc.copy(), nil
}

// Reject takes an event the analyst found wrongly extracted out of its
// incident. An incident left with no events is no longer listed and takes
// no new reports; a later report of the same thing starts a new incident.
func (g *Grouper) Reject(eventID, user string) (Incident, error) {
	if err := checkUser(user); err != nil {
		return Incident{}, err
	}
	inc, i, err := g.memberOf(eventID)
	if err != nil {
		return Incident{}, err
	}
	inc.Members = slices.Delete(inc.Members, i, i+1)
	delete(g.eventInc, eventID)
	g.decide(inc, Decision{Kind: "review", Incidents: []string{inc.ID}, Events: []string{eventID}, Value: "rejected", User: user})
	return inc.copy(), nil
}

// decide records an analyst's decision on one incident and derives the
// incident again from its members.
func (g *Grouper) decide(inc *incident, d Decision) {
	d.At = g.opts.Now()
	inc.Decisions = append(inc.Decisions, d)
	g.decisions = append(g.decisions, d)
	inc.Updated = d.At
	if len(inc.Members) == 0 {
		inc.reset()
		inc.Sources, inc.Independent, inc.Disagreements = nil, 0, nil
		delete(g.control, inc.ID)
		return
	}
	g.derive(inc)
}
