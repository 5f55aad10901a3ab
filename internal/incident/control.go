package incident

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"borderwatch"
	"borderwatch/internal/actor"
)

// Control is the latest claim, as of a date, of who holds a place.
type Control struct {
	Place      string   `json:"place"`
	Country    string   `json:"country,omitempty"`
	Admin1     string   `json:"admin1,omitempty"`
	Admin2     string   `json:"admin2,omitempty"`
	Precision  string   `json:"precision"`
	Lat        *float64 `json:"lat"`
	Lon        *float64 `json:"lon"`
	Controller string   `json:"controller"`        // who holds it; "" when a side withdrew and nobody is named
	LostBy     string   `json:"lost_by,omitempty"` // who gave it up, for a withdrawal
	Since      string   `json:"since"`
	Incident   string   `json:"incident"`
	How        string   `json:"how"`     // seized, withdrew
	Sources    []string `json:"sources"` // independent origins: on whose word
	Outlets    []string `json:"outlets"`
	Disputed   bool     `json:"disputed"`
	// DisputedBy lists denials of the claim and competing claims made
	// within a few days of it.
	DisputedBy []string `json:"disputed_by,omitempty"`
}

// rivalDays: two different controllers claimed within this many days of
// each other make both claims disputed.
const rivalDays = 3

// controlEvent: the incident takes a place, or a side withdraws from a place
// of its own country.
func controlEvent(inc *incident) bool {
	_, ok := controlClaim(inc, nil)
	return ok
}

func controlClaim(inc *incident, dict *actor.Dictionary) (Control, bool) {
	var gain, lose []*Member
	var place *borderwatch.Location
	for i := range inc.Members {
		m := &inc.Members[i]
		switch {
		case takesGround(m):
			gain = append(gain, m)
		case m.Event == "RETREAT" && slices.Contains(m.Mode, "withdraw") && fine(m.Place) && ownPlace(m):
			lose = append(lose, m)
		default:
			continue
		}
		if fine(m.Place) && precisionRank(m.Place) < precisionRank(place) {
			place = m.Place
		}
	}
	if place == nil || len(gain)+len(lose) == 0 {
		return Control{}, false
	}
	c := Control{Place: place.Name, Country: place.Country, Precision: place.Precision,
		Lat: place.Lat, Lon: place.Lon, Since: inc.Start, Incident: inc.ID}
	if place.Admin1 != nil {
		c.Admin1 = *place.Admin1
	}
	if place.Admin2 != nil {
		c.Admin2 = *place.Admin2
	}
	if len(gain) >= len(lose) {
		c.How = "seized"
		c.Controller = sideName(gain, func(m *Member) []borderwatch.Entity { return m.Actor }, dict)
	} else {
		c.How = "withdrew"
		c.LostBy = sideName(lose, func(m *Member) []borderwatch.Entity { return m.Actor }, dict)
		c.Controller = sideName(lose, func(m *Member) []borderwatch.Entity { return m.Recipient }, dict)
	}
	for _, s := range inc.Sources {
		c.Sources = append(c.Sources, s.Origin)
		for _, o := range s.Outlets {
			if !slices.Contains(c.Outlets, o) {
				c.Outlets = append(c.Outlets, o)
			}
		}
	}
	c.DisputedBy = slices.Clone(inc.DisputedBy)
	c.Disputed = len(c.DisputedBy) > 0
	return c, true
}

func ownPlace(m *Member) bool {
	for _, e := range m.Actor {
		if e.Country == m.Place.Country {
			return true
		}
	}
	return false
}

// sideName names a side the way a reader would: a country or an armed group
// by its own name ("Afghanistan", "Taliban") rather than "government
// forces"; otherwise the name most members use.
func sideName(ms []*Member, side func(*Member) []borderwatch.Entity, dict *actor.Dictionary) string {
	var names []string
	for _, m := range ms {
		for _, e := range side(m) {
			if e.Sector == "JRN" || e.Sector == "UAF" || e.Name == "" {
				continue
			}
			if dict != nil {
				if k, ok := dict.Lookup(e.Name); ok && (k.Kind == actor.KindCountry || k.Kind == actor.KindGroup) {
					return e.Name
				}
			}
			names = append(names, e.Name)
		}
	}
	return mostCommon(names)
}

// ControlAsOf answers who held which place on a date, per place the latest
// claim made for a date on or before it. region matches a place's name,
// province, district, country code or border code, case-insensitively; ""
// matches every place.
func (g *Grouper) ControlAsOf(region string, at time.Time) []Control {
	day := at.UTC().Format("2006-01-02")
	var claims []Control
	for id := range g.control {
		inc := g.incidents[id]
		if inc == nil || inc.MergedInto != "" {
			continue
		}
		c, ok := controlClaim(inc, g.opts.Dict)
		if !ok || c.Since == "" || c.Since > day || !inRegion(inc.Place, c, region) {
			continue
		}
		claims = append(claims, c)
	}
	byPlace := map[string][]Control{}
	for _, c := range claims {
		k := c.Place + "|" + c.Country
		byPlace[k] = append(byPlace[k], c)
	}
	var out []Control
	for _, cs := range byPlace {
		sort.Slice(cs, func(i, j int) bool {
			if cs[i].Since != cs[j].Since {
				return cs[i].Since > cs[j].Since
			}
			return len(cs[i].Sources) > len(cs[j].Sources)
		})
		latest := cs[0]
		for _, o := range cs[1:] {
			// A withdrawal names nobody in control: it does not contest
			// whoever takes the place next.
			if o.Controller != "" && latest.Controller != "" && o.Controller != latest.Controller && daysApart(o.Since, latest.Since) <= rivalDays {
				latest.Disputed = true
				latest.DisputedBy = append(latest.DisputedBy, o.Incident)
			}
		}
		out = append(out, latest)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Country != out[j].Country {
			return out[i].Country < out[j].Country
		}
		return out[i].Place < out[j].Place
	})
	return out
}

func daysApart(a, b string) int {
	x, err1 := parseDay(a)
	y, err2 := parseDay(b)
	if err1 != nil || err2 != nil {
		return 1 << 30
	}
	if x > y {
		return x - y
	}
	return y - x
}

func inRegion(p *borderwatch.Location, c Control, region string) bool {
	r := strings.TrimSpace(region)
	if r == "" {
		return true
	}
	for _, s := range []string{c.Place, c.Admin1, c.Admin2, c.Country} {
		if s != "" && strings.EqualFold(s, r) {
			return true
		}
	}
	if p != nil && p.Border != nil && strings.EqualFold(*p.Border, r) {
		return true
	}
	return false
}

var controlHeader = []string{"place", "country", "admin1", "admin2", "precision", "lat", "lon",
	"controller", "lost_by", "since", "how", "disputed", "sources", "outlets", "incident", "disputed_by"}

// WriteControlCSV writes control claims as CSV with a header row; lists are
// joined with "; ".
func WriteControlCSV(w io.Writer, cs []Control) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(controlHeader); err != nil {
		return fmt.Errorf("incident: control csv: %w", err)
	}
	f := func(p *float64) string {
		if p == nil {
			return ""
		}
		return strconv.FormatFloat(*p, 'f', 5, 64)
	}
	for _, c := range cs {
		row := []string{c.Place, c.Country, c.Admin1, c.Admin2, c.Precision, f(c.Lat), f(c.Lon),
			c.Controller, c.LostBy, c.Since, c.How, strconv.FormatBool(c.Disputed),
			strings.Join(c.Sources, "; "), strings.Join(c.Outlets, "; "), c.Incident, strings.Join(c.DisputedBy, "; ")}
		if err := cw.Write(row); err != nil {
			return fmt.Errorf("incident: control csv: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("incident: control csv: %w", err)
	}
	return nil
}

// ControlGeoJSON renders control claims as a GeoJSON FeatureCollection of
// points; a place without coordinates gets a null geometry.
func ControlGeoJSON(cs []Control) ([]byte, error) {
	type geometry struct {
		Type        string     `json:"type"`
		Coordinates [2]float64 `json:"coordinates"`
	}
	type feature struct {
		Type       string    `json:"type"`
		Geometry   *geometry `json:"geometry"`
		Properties Control   `json:"properties"`
	}
	fc := struct {
		Type     string    `json:"type"`
		Features []feature `json:"features"`
	}{Type: "FeatureCollection", Features: []feature{}}
	for _, c := range cs {
		f := feature{Type: "Feature", Properties: c}
		if c.Lat != nil && c.Lon != nil {
			f.Geometry = &geometry{Type: "Point", Coordinates: [2]float64{*c.Lon, *c.Lat}}
		}
		fc.Features = append(fc.Features, f)
	}
	b, err := json.Marshal(fc)
	if err != nil {
		return nil, fmt.Errorf("incident: control geojson: %w", err)
	}
	return b, nil
}
