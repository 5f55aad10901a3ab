package web

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"borderwatch"
	"borderwatch/internal/incident"
	"borderwatch/internal/service"
	"borderwatch/internal/watch"
)

// Filter is the main screen's selection of incidents. It lives in the URL
// query (the form is a GET form), so a view can be bookmarked and shared.
type Filter struct {
	Since, Until string  // YYYY-MM-DD, inclusive; an incident overlapping the range is in
	Type         string  // PLOVER type
	Actor        string  // part of an actor's or recipient's name, any case
	Country      string  // ISO3: of the place, an actor or a recipient
	Modality     string  // asserted, planned or negated (the incident's group)
	MinSources   int     // independent sources at least
	Area         string  // watch area: a border such as AFG-TJK, or the name of an alert watch area
	Km           float64 // with a border: at most this far from it (0: any distance)
	Q            string  // free text: evidence, actors, place, type, id

	// watch is the named watch area Area selects, prepared; nil for a border.
	watch *watch.Area

	// Raw keeps the query as typed, so a form with errors shows the input.
	Raw url.Values `json:"-"`
}

// FieldError is one bad filter value, named by its URL parameter.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

func (e FieldError) Error() string { return e.Field + ": " + e.Message }

// filterKeys are the URL parameters in the order Encode writes them.
var filterKeys = []string{"since", "until", "type", "actor", "country", "modality", "min", "area", "km", "q"}

// Modalities are the incident modality groups a filter accepts.
var Modalities = []string{"asserted", "planned", "negated"}

// ParseFilter reads a filter from a URL query. Every bad value gives a
// FieldError naming its parameter; the others are still read. areas are the
// named (prepared) watch areas the area parameter may name; a border such
// as AFG-TJK or "Tajik-Afghan border" works without them.
func ParseFilter(v url.Values, areas ...watch.Area) (Filter, []FieldError) {
	f := Filter{Raw: url.Values{}}
	var errs []FieldError
	bad := func(field, format string, a ...any) {
		errs = append(errs, FieldError{field, fmt.Sprintf(format, a...)})
	}
	get := func(k string) string {
		s := strings.TrimSpace(v.Get(k))
		if s != "" {
			f.Raw.Set(k, s)
		}
		return s
	}
	for _, k := range []string{"since", "until"} {
		s := get(k)
		if s == "" {
			continue
		}
		if _, err := time.Parse(time.DateOnly, s); err != nil {
			bad(k, "%q is not a date like 2021-07-06", s)
			continue
		}
		if k == "since" {
			f.Since = s
		} else {
			f.Until = s
		}
	}
	if f.Since != "" && f.Until != "" && f.Until < f.Since {
		bad("until", "%s is before since %s", f.Until, f.Since)
		f.Until = ""
	}
	if s := strings.ToUpper(get("type")); s != "" {
		if borderwatch.Quad(s) == 0 {
			bad("type", "%q is not a PLOVER type (%s)", v.Get("type"), strings.Join(borderwatch.Types, ", "))
		} else {
			f.Type = s
		}
	}
	f.Actor = get("actor")
	if s := strings.ToUpper(get("country")); s != "" {
		if len(s) != 3 || strings.Trim(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
			bad("country", "%q is not an ISO3 country code such as AFG or TJK", v.Get("country"))
		} else {
			f.Country = s
		}
	}
	if s := strings.ToLower(get("modality")); s != "" {
		ok := false
		for _, m := range Modalities {
			ok = ok || m == s
		}
		if ok {
			f.Modality = s
		} else {
			bad("modality", "%q is not one of %s", v.Get("modality"), strings.Join(Modalities, ", "))
		}
	}
	if s := get("min"); s != "" {
		if n, err := strconv.Atoi(s); err != nil || n < 0 {
			bad("min", "%q is not a whole number of sources (0 or more)", s)
		} else {
			f.MinSources = n
		}
	}
	if s := get("area"); s != "" {
		var names []string
		for i := range areas {
			names = append(names, areas[i].Name)
			if f.watch == nil && strings.EqualFold(areas[i].Name, s) {
				f.watch = &areas[i]
				f.Area = areas[i].Name
			}
		}
		if f.watch == nil {
			q, err := service.ParseNear(s)
			switch {
			case err == nil && q.Border != "":
				f.Area = q.Border
			case len(names) > 0:
				bad("area", "%q is neither a watch area (%s) nor a border such as AFG-TJK", s, strings.Join(names, ", "))
			case err != nil:
				bad("area", "%s", strings.TrimPrefix(err.Error(), "near: "))
			default:
				bad("area", "%q is not a border such as AFG-TJK or \"Tajik-Afghan border\"", s)
			}
		}
	}
	if s := get("km"); s != "" {
		if km, err := strconv.ParseFloat(s, 64); err != nil || km < 0 || km > 20000 {
			bad("km", "%q is not a distance in kilometres (0 to 20000)", s)
		} else {
			f.Km = km
		}
	}
	f.Q = get("q")
	return f, errs
}

// Values writes the filter as URL parameters, empty ones left out.
func (f Filter) Values() url.Values {
	v := url.Values{}
	set := func(k, s string) {
		if s != "" {
			v.Set(k, s)
		}
	}
	set("since", f.Since)
	set("until", f.Until)
	set("type", f.Type)
	set("actor", f.Actor)
	set("country", f.Country)
	set("modality", f.Modality)
	if f.MinSources > 0 {
		v.Set("min", strconv.Itoa(f.MinSources))
	}
	set("area", f.Area)
	if f.Km > 0 && f.watch == nil {
		v.Set("km", strconv.FormatFloat(f.Km, 'f', -1, 64))
	}
	set("q", f.Q)
	return v
}

// Encode is the filter's URL query in a fixed order (url.Values.Encode
// sorts by key, which would reorder a shared link needlessly).
func (f Filter) Encode() string {
	v := f.Values()
	var b strings.Builder
	for _, k := range filterKeys {
		if s := v.Get(k); s != "" {
			if b.Len() > 0 {
				b.WriteByte('&')
			}
			b.WriteString(k + "=" + url.QueryEscape(s))
		}
	}
	return b.String()
}

// IsZero reports whether the filter selects everything.
func (f Filter) IsZero() bool { return f.Encode() == "" }

// WithoutTime is the filter less its time range: the timeline shows the
// whole span so that the range can be brushed on it.
func (f Filter) WithoutTime() Filter {
	f.Since, f.Until = "", ""
	return f
}

// ServiceQuery is the part of the filter the incident service applies
// itself, so that it copies only incidents that can match.
func (f Filter) ServiceQuery() service.Query {
	var q service.Query
	q.Event, q.Modality, q.MinSources = f.Type, f.Modality, f.MinSources
	if f.Area != "" && f.watch == nil {
		q.Border, q.Km = f.Area, f.Km
	}
	if f.Since != "" {
		q.Since, _ = time.Parse(time.DateOnly, f.Since)
	}
	if f.Until != "" {
		q.Until, _ = time.Parse(time.DateOnly, f.Until)
	}
	return q
}

// Match reports whether an incident passes every part of the filter.
func (f Filter) Match(inc *incident.Incident) bool {
	if f.Type != "" && inc.Event != f.Type {
		return false
	}
	if f.Modality != "" && inc.Modality != f.Modality {
		return false
	}
	if inc.Independent < f.MinSources {
		return false
	}
	// Dates are YYYY-MM-DD (or shorter, for a month): they compare as strings.
	if f.Since != "" && inc.End != "" && inc.End < f.Since {
		return false
	}
	if f.Until != "" && inc.Start != "" && inc.Start > f.Until {
		return false
	}
	p := inc.Place
	if f.watch != nil {
		if !f.watch.Contains(p) {
			return false
		}
	} else if f.Area != "" {
		if p == nil || p.Border == nil || *p.Border != f.Area {
			return false
		}
		if f.Km > 0 && (p.BorderKm == nil || *p.BorderKm > f.Km) {
			return false
		}
	}
	if f.Country != "" && !hasCountry(inc, f.Country) {
		return false
	}
	if f.Actor != "" && !hasActor(inc, strings.ToLower(f.Actor)) {
		return false
	}
	if f.Q != "" && !hasText(inc, strings.ToLower(f.Q)) {
		return false
	}
	return true
}

func hasCountry(inc *incident.Incident, c string) bool {
	if inc.Place != nil && inc.Place.Country == c {
		return true
	}
	for i := range inc.Members {
		for _, es := range [][]borderwatch.Entity{inc.Members[i].Actor, inc.Members[i].Recipient} {
			for _, e := range es {
				if e.Country == c {
					return true
				}
			}
		}
	}
	return false
}

func containsFold(s, lower string) bool { return strings.Contains(strings.ToLower(s), lower) }

func hasActor(inc *incident.Incident, lower string) bool {
	for _, a := range inc.Actors {
		if containsFold(a, lower) {
			return true
		}
	}
	for i := range inc.Members {
		for _, es := range [][]borderwatch.Entity{inc.Members[i].Actor, inc.Members[i].Recipient} {
			for _, e := range es {
				if containsFold(e.Name, lower) || containsFold(e.Text, lower) {
					return true
				}
			}
		}
	}
	return false
}

func hasText(inc *incident.Incident, lower string) bool {
	if containsFold(inc.ID, lower) || containsFold(inc.Event, lower) || hasActor(inc, lower) {
		return true
	}
	if p := inc.Place; p != nil && (containsFold(p.Name, lower) || containsFold(p.Text, lower)) {
		return true
	}
	for i := range inc.Members {
		if containsFold(inc.Members[i].Evidence, lower) {
			return true
		}
	}
	return false
}
