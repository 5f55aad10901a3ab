package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"borderwatch"
	"borderwatch/internal/geo"
	"borderwatch/internal/incident"
	"borderwatch/internal/store"
)

// incidentView is the incident page's data.
type incidentView struct {
	Inc           incident.Incident
	Summary       string
	When          string
	Where         string
	Quad          int
	Members       []memberView
	Disagreements []incident.Disagreement
	Notes         []store.Note
	Reviews       []store.Review // of the incident as a whole, oldest first
	Current       *store.Review  // the latest of Reviews: the one that stands
	MergedFrom    []string
	Types         []string
	// Form and FormEvent refill a refused form ("" FormEvent: the incident's
	// own forms) and FormError says why it was refused: bad input loses
	// nothing.
	IncForm   url.Values
	FormEvent string
	FormError string
}

// memberView is one event of the incident as the page shows it.
type memberView struct {
	M incident.Member
	// Event is the event's current stored version (a reviewer's correction
	// included); Stored is false when the store no longer holds it.
	Event     borderwatch.Event
	Stored    bool
	Reviewed  bool // the current version is a reviewer's
	Version   int
	UpdatedBy string
	UpdatedAt string
	Source    string
	URL       string
	Chain     []string // the outlet, then whom it cites, in turn
	Evidence  []segment
	Reviews   []store.Review
	Status    string     // latest review's status
	Form      url.Values // a refused review of this event, to show again
	// Field values as the review form shows them.
	Actors, Recipients, Place, Date, Dead, Injured, Arrested, Count string
}

func (s *Server) incidentPage(w http.ResponseWriter, r *http.Request) error {
	return s.showIncident(w, r, r.PathValue("id"), http.StatusOK, nil, "", nil)
}

// showIncident renders incident id, or, for a merged-away incident, sends
// the reader on to the one it was merged into.
func (s *Server) showIncident(w http.ResponseWriter, r *http.Request, id string, status int, form url.Values, formEvent string, formErr error) error {
	svc, err := s.incidents()
	if err != nil {
		return err
	}
	inc, err := svc.Get(id)
	if err != nil {
		return err
	}
	if inc.MergedInto != "" {
		seeOther(w, r, "/incidents/"+url.PathEscape(inc.MergedInto)+"?from="+url.QueryEscape(id))
		return nil
	}
	v, err := s.buildIncident(r.Context(), inc)
	if err != nil {
		return err
	}
	v.FormEvent = formEvent
	if formEvent == "" {
		v.IncForm = form
	}
	for i := range v.Members {
		if formEvent != "" && v.Members[i].M.EventID == formEvent {
			v.Members[i].Form = form
		}
	}
	if formErr != nil {
		st, msg := statusOf(formErr)
		if st == http.StatusInternalServerError {
			return formErr
		}
		status, v.FormError = st, msg
	}
	s.render(w, r, status, "incident.html", "Incident "+inc.ID, v)
	return nil
}

func (s *Server) buildIncident(ctx context.Context, inc incident.Incident) (*incidentView, error) {
	v := &incidentView{Inc: inc, Quad: borderwatch.Quad(inc.Event), Types: borderwatch.Types, Disagreements: inc.Disagreements}
	// Notes and reviews of incidents merged into this one stay with it.
	ids := []string{inc.ID}
	for _, d := range inc.Decisions {
		if d.Kind == "merge" {
			for _, from := range d.Incidents {
				if from != inc.ID && !slices.Contains(ids, from) {
					ids = append(ids, from)
					v.MergedFrom = append(v.MergedFrom, from)
				}
			}
		}
	}
	eventIDs := make([]string, len(inc.Members))
	for i, m := range inc.Members {
		eventIDs[i] = m.EventID
	}
	var err error
	if v.Notes, err = s.cfg.Store.Notes(ctx, ids...); err != nil {
		return nil, err
	}
	reviews, err := s.cfg.Store.Reviews(ctx, store.ReviewFilter{Incidents: ids, Events: eventIDs})
	if err != nil {
		return nil, err
	}
	byEvent := map[string][]store.Review{}
	for _, rv := range reviews {
		if rv.Event == "" {
			v.Reviews = append(v.Reviews, rv)
		} else {
			byEvent[rv.Event] = append(byEvent[rv.Event], rv)
		}
	}
	if n := len(v.Reviews); n > 0 {
		v.Current = &v.Reviews[n-1]
	}
	for _, m := range inc.Members {
		mv, err := s.buildMember(ctx, m)
		if err != nil {
			return nil, err
		}
		mv.Reviews = byEvent[m.EventID]
		if n := len(mv.Reviews); n > 0 {
			mv.Status = mv.Reviews[n-1].Status
		}
		v.Members = append(v.Members, mv)
	}
	v.When, v.Where = incidentWhen(inc), placeText(inc.Place)
	v.Summary = summary(inc, v.Current)
	return v, nil
}

// buildMember reads the member's current stored version: a reviewer's
// correction shows even though the grouper keeps the event as extracted.
func (s *Server) buildMember(ctx context.Context, m incident.Member) (memberView, error) {
	mv := memberView{M: m, Event: memberEvent(m)}
	se, err := s.cfg.Store.Event(ctx, m.EventID)
	switch {
	case err == nil:
		mv.Event, mv.Stored = se.Event, true
		mv.Reviewed = se.Reason == store.ReasonReview
		mv.Version, mv.UpdatedBy, mv.UpdatedAt = se.Version, se.UpdatedBy, fmtTime(se.UpdatedAt)
		mv.Source, mv.URL = se.Source, se.URL
	case !errors.Is(err, store.ErrNotFound):
		return mv, err
	}
	ev := mv.Event
	mv.Evidence = segments(ev.TextInfo.Text, eventSpans(ev))
	mv.Chain = chain(m, ev)
	mv.Actors, mv.Recipients = entitiesText(ev.Actor), entitiesText(ev.Recipient)
	if ev.EventLoc != nil {
		mv.Place = ev.EventLoc.Name
	}
	if ev.Date != nil {
		mv.Date = *ev.Date
	}
	if sz := ev.Size; sz != nil {
		mv.Dead, mv.Injured, mv.Arrested, mv.Count = intText(sz.Dead), intText(sz.Injured), intText(sz.Arrested), intText(sz.Count)
	}
	return mv, nil
}

// memberEvent is the event as the grouper kept it, for when the store has
// lost it.
func memberEvent(m incident.Member) borderwatch.Event {
	ev := borderwatch.Event{ID: m.EventID, DocID: m.DocID, Event: m.Event, Modality: m.Modality, Mode: m.Mode, Context: m.Context,
		Actor: m.Actor, Recipient: m.Recipient, EventLoc: m.Place, Size: m.Size, Attribution: m.Attribution, Trigger: m.Trigger,
		DatePrecision: m.DatePrecision, TextInfo: borderwatch.TextInfo{Text: m.Evidence}}
	if m.Date != "" {
		ev.Date = &m.Date
	}
	return ev
}

// chain is the citing chain of a member: the outlet, whom it says it
// cites, and whom they cite in turn.
func chain(m incident.Member, ev borderwatch.Event) []string {
	out := []string{m.Outlet}
	push := func(s string) {
		s = strings.TrimSpace(s)
		if s != "" && !strings.EqualFold(s, out[len(out)-1]) {
			out = append(out, s)
		}
	}
	for _, a := range ev.Attribution {
		push(firstNonEmpty(a.Name, a.Text))
		for _, via := range a.Via {
			push(via)
		}
	}
	return out
}

func intText(n *int) string {
	if n == nil {
		return ""
	}
	return strconv.Itoa(*n)
}

// entitiesText writes entities as the review form takes them back:
// "Name (CTY SEC); Name (CTY)".
func entitiesText(es []borderwatch.Entity) string {
	parts := make([]string, 0, len(es))
	for _, e := range es {
		p := firstNonEmpty(e.Name, e.Text)
		if code := strings.TrimSpace(e.Country + " " + e.Sector); code != "" {
			p += " (" + code + ")"
		}
		parts = append(parts, p)
	}
	return strings.Join(parts, "; ")
}

var entityRE = regexp.MustCompile(`^(.+?)\s*(?:\(\s*([A-Z]{3})?\s*([A-Z]{3})?\s*\))?$`)

// parseEntities reads "Name (CTY SEC); Name" back, keeping what the report
// wrote (Text) for entities that were already there.
func parseEntities(s string, old []borderwatch.Entity) ([]borderwatch.Entity, error) {
	out := []borderwatch.Entity{}
	for part := range strings.SplitSeq(s, ";") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		m := entityRE.FindStringSubmatch(part)
		if m == nil || strings.ContainsAny(m[1], "()") {
			return nil, badInput("%q is not written as Name (CTY SEC), e.g. Tajikistan (TJK GOV)", part)
		}
		e := borderwatch.Entity{Name: m[1], Country: m[2], Sector: m[3]}
		for _, o := range old {
			if o.Name == e.Name {
				e.Text = o.Text
			}
		}
		out = append(out, e)
	}
	return out, nil
}

func incidentWhen(inc incident.Incident) string {
	w := inc.Start
	if inc.End != "" && inc.End != inc.Start {
		w += " to " + inc.End
	}
	if inc.Undated {
		w += " (no report gives a date: the window of publication)"
	}
	if w == "" {
		w = "unknown"
	}
	return w
}

func placeText(p *borderwatch.Location) string {
	if p == nil {
		return "unknown"
	}
	parts := []string{p.Name}
	if p.Admin2 != nil && *p.Admin2 != "" && *p.Admin2 != p.Name {
		parts = append(parts, *p.Admin2)
	}
	if p.Admin1 != nil && *p.Admin1 != "" && *p.Admin1 != p.Name {
		parts = append(parts, *p.Admin1)
	}
	if p.Country != "" {
		parts = append(parts, p.Country)
	}
	s := strings.Join(parts, ", ")
	if p.Precision != "" {
		s += " (" + p.Precision + ")"
	}
	if p.Border != nil && p.BorderKm != nil {
		s += fmt.Sprintf(", %.0f km from the %s border", *p.BorderKm, *p.Border)
	}
	return s
}

// summary is the incident in one line, with the analyst's corrections in
// place of what the grouper derived.
func summary(inc incident.Incident, cur *store.Review) string {
	typ, actors, place, when := inc.Event, strings.Join(inc.Actors, ", "), "", inc.Start
	if inc.Place != nil {
		place = inc.Place.Name
	}
	numbers := map[string]string{}
	for _, d := range inc.Disagreements {
		switch d.Field {
		case "count", "dead", "injured", "arrested":
			numbers[d.Field] = d.Best
		}
	}
	if cur != nil && cur.Status == store.ReviewCorrected {
		c := cur.Correction
		typ, actors, place, when = firstNonEmpty(c["event"], typ), firstNonEmpty(c["actors"], actors), firstNonEmpty(c["place"], place), firstNonEmpty(c["date"], when)
		for _, f := range []string{"count", "dead", "injured", "arrested"} {
			if c[f] != "" {
				numbers[f] = c[f]
			}
		}
	}
	var b strings.Builder
	b.WriteString(typ)
	if inc.Modality != "" && inc.Modality != borderwatch.Asserted {
		b.WriteString(" (" + inc.Modality + ")")
	}
	if actors != "" {
		b.WriteString(" by " + actors)
	}
	if place != "" {
		b.WriteString(" at " + place)
	}
	if when != "" {
		b.WriteString(", " + when)
	}
	for _, f := range []string{"dead", "injured", "arrested", "count"} {
		if numbers[f] != "" {
			b.WriteString("; " + f + " " + numbers[f])
		}
	}
	fmt.Fprintf(&b, ". %d independent source", inc.Independent)
	if inc.Independent != 1 {
		b.WriteString("s")
	}
	fmt.Fprintf(&b, ", %d document", inc.Documents)
	if inc.Documents != 1 {
		b.WriteString("s")
	}
	if cur != nil {
		b.WriteString("; " + cur.Status + " by " + cur.CreatedBy)
	}
	return b.String()
}

func (s *Server) addNote(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	if _, err := s.liveIncident(id); err != nil {
		return err
	}
	if _, err := s.cfg.Store.AddNote(r.Context(), id, r.PostForm.Get("note")); err != nil {
		return s.showIncident(w, r, id, 0, r.PostForm, "", err)
	}
	seeOther(w, r, "/incidents/"+url.PathEscape(id)+"#notes")
	return nil
}

// liveIncident checks that id names an incident still standing on its own.
func (s *Server) liveIncident(id string) (incident.Incident, error) {
	svc, err := s.incidents()
	if err != nil {
		return incident.Incident{}, err
	}
	inc, err := svc.Get(id)
	if err != nil {
		return inc, err
	}
	if inc.MergedInto != "" {
		return inc, badInput("incident %s was merged into %s; open that one", id, inc.MergedInto)
	}
	return inc, nil
}

// correctionOf reads the corrected fields of a review form: those filled in.
func correctionOf(form url.Values) map[string]string {
	c := map[string]string{}
	for _, f := range store.CorrectionFields {
		if v := strings.TrimSpace(form.Get(f)); v != "" {
			c[f] = v
		}
	}
	return c
}

func (s *Server) reviewIncident(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	if _, err := s.liveIncident(id); err != nil {
		return err
	}
	rv := store.Review{Incident: id, Status: r.PostForm.Get("status"), Comment: r.PostForm.Get("comment")}
	if rv.Status == store.ReviewCorrected {
		rv.Correction = correctionOf(r.PostForm)
		if len(rv.Correction) == 0 {
			return s.showIncident(w, r, id, 0, r.PostForm, "", badInput("fill in the fields you correct"))
		}
	}
	if _, err := s.cfg.Store.AddReview(r.Context(), rv); err != nil {
		return s.showIncident(w, r, id, 0, r.PostForm, "", err)
	}
	seeOther(w, r, "/incidents/"+url.PathEscape(id)+"#review")
	return nil
}

// reviewEvent confirms, rejects or corrects one event through the incident
// service, which stores it as reviewed (so reprocessing never overwrites it)
// and carries a correction or rejection into its incident; the verdict is
// kept with the incident's reviews.
func (s *Server) reviewEvent(w http.ResponseWriter, r *http.Request) error {
	eid, incID := r.PathValue("id"), r.PostForm.Get("incident")
	if _, err := s.liveIncident(incID); err != nil {
		return err
	}
	cur, err := s.cfg.Store.Event(r.Context(), eid)
	if err != nil {
		return err
	}
	status := r.PostForm.Get("status")
	ev, corr := cur.Event, map[string]string(nil)
	if status == store.ReviewCorrected {
		if ev, corr, err = correctEvent(cur.Event, r.PostForm, s.cfg.Places); err == nil && len(corr) == 0 {
			err = badInput("change at least one field to correct the event")
		}
		if err != nil {
			return s.showIncident(w, r, incID, 0, r.PostForm, eid, err)
		}
	}
	rv := store.Review{Incident: incID, Event: eid, Status: status, Correction: corr, Comment: r.PostForm.Get("comment")}
	// Check the verdict before storing the event, so a refused review
	// changes nothing.
	if status != store.ReviewConfirmed && status != store.ReviewRejected && status != store.ReviewCorrected {
		return s.showIncident(w, r, incID, 0, r.PostForm, eid, badInput("status %q is not confirmed, rejected or corrected", status))
	}
	if _, err := s.cfg.Incidents.ReviewEvent(r.Context(), ev, status, store.UserFrom(r.Context())); err != nil {
		return s.showIncident(w, r, incID, 0, r.PostForm, eid, err)
	}
	if _, err := s.cfg.Store.AddReview(r.Context(), rv); err != nil {
		return err
	}
	seeOther(w, r, "/incidents/"+url.PathEscape(incID)+"#ev-"+url.PathEscape(eid))
	return nil
}

// correctEvent applies a review form to ev and returns the corrected event
// with the fields that changed; places, when not nil, resolves a corrected
// place name.
func correctEvent(ev borderwatch.Event, form url.Values, places *geo.Gazetteer) (borderwatch.Event, map[string]string, error) {
	corr := map[string]string{}
	get := func(k string) string { return strings.TrimSpace(form.Get(k)) }
	if t := strings.ToUpper(get("event")); t != "" && t != ev.Event {
		if borderwatch.Quad(t) == 0 {
			return ev, nil, badInput("event type %q is not one of %s", t, strings.Join(borderwatch.Types, ", "))
		}
		ev.Event, corr["event"] = t, t
	}
	for _, side := range []struct {
		field string
		es    *[]borderwatch.Entity
	}{{"actors", &ev.Actor}, {"recipients", &ev.Recipient}} {
		v := get(side.field)
		if v == entitiesText(*side.es) {
			continue
		}
		es, err := parseEntities(v, *side.es)
		if err != nil {
			return ev, nil, err
		}
		*side.es, corr[side.field] = es, v
		if v == "" {
			corr[side.field] = "(none)"
		}
	}
	old := ""
	if ev.EventLoc != nil {
		old = ev.EventLoc.Name
	}
	if p := get("place"); p != old {
		if p == "" {
			ev.EventLoc = nil
			corr["place"] = "(none)"
		} else {
			// A corrected place keeps what the report wrote, never the
			// coordinates of the place it was wrongly resolved to: it takes
			// the gazetteer's best candidate for the name, or none.
			text := p
			if ev.EventLoc != nil && ev.EventLoc.Text != "" {
				text = ev.EventLoc.Text
			}
			loc := borderwatch.Location{Text: text, Name: p, Precision: "region"}
			if places != nil {
				if cs := places.Lookup(p, nil); len(cs) > 0 {
					loc = places.Location(&cs[0].Place, text)
				}
			}
			ev.EventLoc = &loc
			corr["place"] = p
		}
	}
	oldDate := ""
	if ev.Date != nil {
		oldDate = *ev.Date
	}
	if d := get("date"); d != oldDate {
		if d == "" {
			return ev, nil, badInput("a date cannot be removed, only corrected")
		}
		if !dateRE.MatchString(d) {
			return ev, nil, badInput("date %q is not YYYY-MM-DD", d)
		}
		ev.Date, ev.EndDate, ev.DatePrecision, corr["date"] = &d, nil, "day", d
	}
	size := borderwatch.Size{}
	if ev.Size != nil {
		size = *ev.Size
	}
	changedSize := false
	for _, f := range []struct {
		name string
		p    **int
	}{{"dead", &size.Dead}, {"injured", &size.Injured}, {"arrested", &size.Arrested}, {"count", &size.Count}} {
		v := get(f.name)
		if v == intText(*f.p) {
			continue
		}
		changedSize = true
		if v == "" {
			*f.p, corr[f.name] = nil, "(none)"
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return ev, nil, badInput("%s %q is not a whole number of 0 or more", f.name, v)
		}
		*f.p, corr[f.name] = &n, v
	}
	if changedSize {
		ev.Size = &size
	}
	return ev, corr, nil
}

var dateRE = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)

func (s *Server) mergeIncident(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	svc, err := s.incidents()
	if err != nil {
		return err
	}
	from := strings.FieldsFunc(r.PostForm.Get("from"), func(c rune) bool { return c == ',' || c == ' ' })
	if len(from) == 0 {
		return s.showIncident(w, r, id, 0, r.PostForm, "", badInput("name the incident to merge into this one"))
	}
	if _, err := svc.Merge(r.Context(), id, from, store.UserFrom(r.Context())); err != nil {
		return s.showIncident(w, r, id, 0, r.PostForm, "", err)
	}
	seeOther(w, r, "/incidents/"+url.PathEscape(id))
	return nil
}

func (s *Server) splitIncident(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	svc, err := s.incidents()
	if err != nil {
		return err
	}
	events := r.PostForm["event"]
	if len(events) == 0 {
		return s.showIncident(w, r, id, 0, r.PostForm, "", badInput("tick the events to split off"))
	}
	inc, err := svc.Split(r.Context(), id, events, store.UserFrom(r.Context()))
	if err != nil {
		return s.showIncident(w, r, id, 0, r.PostForm, "", err)
	}
	seeOther(w, r, "/incidents/"+url.PathEscape(inc.ID))
	return nil
}
