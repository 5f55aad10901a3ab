package export

import (
	"slices"
	"strconv"
	"strings"

	"borderwatch"
)

// ACLEDColumns are the columns of ACLED's data export, in its order.
var ACLEDColumns = []string{"event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
	"sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction",
	"civilian_targeting", "iso", "region", "country", "admin1", "admin2", "admin3", "location", "latitude", "longitude",
	"geo_precision", "source", "source_scale", "notes", "fatalities", "tags", "timestamp"}

// country is what ACLED needs of a country: ISO 3166 numeric code, name and
// ACLED region. The table covers the region borderwatch watches and the
// states that act in it; others export with the ISO3 code as name.
type country struct {
	iso    int
	name   string
	region string
}

var countries3 = map[string]country{
	"AFG": {4, "Afghanistan", "South Asia"},
	"TJK": {762, "Tajikistan", "Caucasus and Central Asia"},
	"UZB": {860, "Uzbekistan", "Caucasus and Central Asia"},
	"TKM": {795, "Turkmenistan", "Caucasus and Central Asia"},
	"KGZ": {417, "Kyrgyzstan", "Caucasus and Central Asia"},
	"KAZ": {398, "Kazakhstan", "Caucasus and Central Asia"},
	"PAK": {586, "Pakistan", "South Asia"},
	"IND": {356, "India", "South Asia"},
	"IRN": {364, "Iran", "Middle East"},
	"TUR": {792, "Turkey", "Middle East"},
	"RUS": {643, "Russia", "Europe"},
	"CHN": {156, "China", "East Asia"},
	"USA": {840, "United States", "North America"},
	"GBR": {826, "United Kingdom", "Europe"},
	"DEU": {276, "Germany", "Europe"},
}

// ACLED actor types (inter codes).
const (
	interState     = "1"
	interRebel     = "2"
	interMilitia   = "3"
	interProtester = "6"
	interCivilian  = "7"
	interExternal  = "8"
)

// ACLEDMapping is ACLED's classification of a PLOVER event.
type ACLEDMapping struct {
	Disorder, Type, SubType string
	CivilianTargeting       bool
}

// MapACLED classifies an event per docs/ontology.md section 6. Types without
// an ACLED counterpart become Strategic developments / Other.
func MapACLED(ev borderwatch.Event) ACLEDMapping {
	has := func(m string) bool { return slices.Contains(ev.Mode, m) }
	civilianVictim := len(ev.Recipient) > 0 && allSector(ev.Recipient, "CVL", "REF", "JRN")
	pv := func(t, s string) ACLEDMapping { return ACLEDMapping{"Political violence", t, s, false} }
	sd := func(s string) ACLEDMapping {
		return ACLEDMapping{"Strategic developments", "Strategic developments", s, false}
	}
	switch ev.Event {
	case "PROTEST":
		if has("riot") || has("vandalize") {
			return ACLEDMapping{"Demonstrations", "Riots", "Violent demonstration", false}
		}
		return ACLEDMapping{"Demonstrations", "Protests", "Peaceful protest", false}
	case "ASSAULT":
		switch {
		case has("crowd-control"):
			if ev.Size != nil && ev.Size.Dead != nil && *ev.Size.Dead > 0 {
				return ACLEDMapping{"Political violence; Demonstrations", "Protests", "Excessive force against protesters", false}
			}
			return ACLEDMapping{"Demonstrations", "Protests", "Protest with intervention", false}
		case has("aerial") || has("drone"):
			return pv("Explosions/Remote violence", "Air/drone strike")
		case has("suicide-attack"):
			return pv("Explosions/Remote violence", "Suicide bomb")
		case has("unconventional"):
			return pv("Explosions/Remote violence", "Chemical weapon")
		case has("explosives"):
			return pv("Explosions/Remote violence", "Remote explosive/landmine/IED")
		case has("heavy-weapons") && len(ev.Recipient) > 0:
			return pv("Explosions/Remote violence", "Shelling/artillery/missile attack")
		case has("destroy") && (ev.Size == nil || ev.Size.Dead == nil || *ev.Size.Dead == 0):
			return sd("Looting/property destruction")
		case civilianVictim:
			m := pv("Violence against civilians", "Attack")
			switch {
			case has("sexual"):
				m.SubType = "Sexual violence"
			case has("abduct"):
				m.SubType = "Abduction/forced disappearance"
			}
			m.CivilianTargeting = true
			return m
		case allSector(ev.Actor, "CVL"):
			return ACLEDMapping{"Political violence", "Riots", "Mob violence", false}
		case slices.Contains(ev.Context, "territory"):
			if allSector(ev.Actor, "GOV", "MIL", "COP") {
				return pv("Battles", "Government regains territory")
			}
			return pv("Battles", "Non-state actor overtakes territory")
		default:
			return pv("Battles", "Armed clash")
		}
	case "COERCE":
		switch {
		case has("arrest"):
			return sd("Arrests")
		case has("seize") && slices.Contains(ev.Context, "territory"):
			return sd("Non-violent transfer of territory")
		case has("seize") && slices.Contains(ev.Context, "military"):
			return sd("Disrupted weapons use")
		}
	case "MOBILIZE":
		return sd("Change to group/activity")
	case "AGREE":
		return sd("Agreement")
	case "RETREAT":
		if has("ceasefire") {
			return sd("Agreement")
		}
		if slices.Contains(ev.Context, "territory") {
			return sd("Non-violent transfer of territory")
		}
	}
	return sd("Other")
}

func allSector(es []borderwatch.Entity, sectors ...string) bool {
	if len(es) == 0 {
		return false
	}
	for _, e := range es {
		if !slices.Contains(sectors, e.Sector) {
			return false
		}
	}
	return true
}

// inter is ACLED's actor type for an entity.
func inter(e borderwatch.Entity, eventCountry string) string {
	switch e.Sector {
	case "GOV", "MIL", "COP", "SPY", "JUD", "LEG":
		if eventCountry != "" && e.Country != "" && e.Country != eventCountry {
			return interExternal
		}
		return interState
	case "REB", "INS":
		return interRebel
	case "UAF", "PRM":
		return interMilitia
	case "CVL", "REF", "JRN", "MED", "EDU", "REL", "BUS", "LAB", "AGR", "NGO", "IGO":
		if e.Sector == "NGO" || e.Sector == "IGO" {
			return interExternal
		}
		return interCivilian
	}
	return ""
}

func actorName(e borderwatch.Entity) string {
	name := e.Name
	if name == "" {
		name = e.Text
	}
	sector := map[string]string{"MIL": "Military Forces", "GOV": "Government", "COP": "Police Forces", "REB": "Rebel Group",
		"CVL": "Civilians", "REF": "Refugees/IDPs", "UAF": "Unidentified Armed Group"}[e.Sector]
	if sector != "" && e.Country != "" {
		if c, ok := countries3[e.Country]; ok {
			return sector + " of " + c.name + " (" + name + ")"
		}
	}
	return name
}

// ACLEDRow is the ACLED-style row of a record, in ACLEDColumns order.
func ACLEDRow(r Record) []string {
	ev := r.Event
	m := MapACLED(ev)
	row := make(map[string]string, len(ACLEDColumns))
	loc := ev.EventLoc
	cc := ""
	if loc != nil {
		cc = loc.Country
	}
	c, known := countries3[cc]
	if !known {
		c = country{name: cc}
	}
	prefix := cc
	if prefix == "" {
		prefix = "XXX"
	}
	row["event_id_cnty"] = prefix + "-" + strings.TrimPrefix(ev.ID, "e-")
	if ev.Date != nil {
		row["event_date"] = *ev.Date
		row["year"] = (*ev.Date)[:4]
	}
	row["time_precision"] = map[string]string{"day": "1", "week": "2", "month": "3", "year": "3"}[ev.DatePrecision]
	if ev.EndDate != nil && ev.Date != nil && *ev.EndDate != *ev.Date && row["time_precision"] == "1" {
		row["time_precision"] = "2" // a range of days: ACLED codes the start with lower precision
	}
	row["disorder_type"], row["event_type"], row["sub_event_type"] = m.Disorder, m.Type, m.SubType
	var in1, in2 string
	if len(ev.Actor) > 0 {
		row["actor1"] = actorName(ev.Actor[0])
		row["assoc_actor_1"] = joinNames(ev.Actor[1:])
		in1 = inter(ev.Actor[0], cc)
	}
	if len(ev.Recipient) > 0 {
		row["actor2"] = actorName(ev.Recipient[0])
		row["assoc_actor_2"] = joinNames(ev.Recipient[1:])
		in2 = inter(ev.Recipient[0], cc)
	}
	if ev.Event == "PROTEST" && in1 == interCivilian {
		in1 = interProtester
	}
	row["inter1"], row["inter2"] = in1, in2
	row["interaction"] = interaction(in1, in2)
	if m.CivilianTargeting {
		row["civilian_targeting"] = "Civilian targeting"
	}
	if known {
		row["iso"] = strconv.Itoa(c.iso)
	}
	row["region"], row["country"] = c.region, c.name
	if loc != nil {
		if loc.Admin1 != nil {
			row["admin1"] = *loc.Admin1
		}
		if loc.Admin2 != nil {
			row["admin2"] = *loc.Admin2
		}
		row["location"] = loc.Name
		row["latitude"], row["longitude"] = num(loc.Lat), num(loc.Lon)
		row["geo_precision"] = map[string]string{"site": "1", "city": "1", "district": "2", "border": "2", "province": "3", "region": "3", "country": "3"}[loc.Precision]
	}
	var sources []string
	for _, a := range ev.Attribution {
		sources = append(sources, a.Name)
	}
	if r.Source != "" && !slices.Contains(sources, r.Source) {
		sources = append(sources, r.Source)
	}
	row["source"] = strings.Join(sources, "; ")
	row["notes"] = ev.TextInfo.Text
	dead := 0
	if ev.Size != nil && ev.Size.Dead != nil {
		dead = *ev.Size.Dead
	}
	row["fatalities"] = strconv.Itoa(dead)
	var tags []string
	if ev.Modality != borderwatch.Asserted {
		tags = append(tags, "modality="+ev.Modality)
	}
	if s := ev.Size; s != nil && s.Count != nil {
		t := "count=" + strconv.Itoa(*s.Count)
		if s.Unit != nil {
			t += " " + *s.Unit
		}
		if s.Qualifier != nil {
			t = *s.Qualifier + " " + t
		}
		tags = append(tags, t)
	}
	tags = append(tags, "plover="+ev.Event)
	row["tags"] = strings.Join(tags, "; ")
	if !r.UpdatedAt.IsZero() {
		row["timestamp"] = strconv.FormatInt(r.UpdatedAt.Unix(), 10)
	}
	out := make([]string, len(ACLEDColumns))
	for i, col := range ACLEDColumns {
		out[i] = row[col]
	}
	return out
}

func joinNames(es []borderwatch.Entity) string {
	var out []string
	for _, e := range es {
		out = append(out, actorName(e))
	}
	return strings.Join(out, "; ")
}

// interaction is ACLED's two-digit code, the smaller actor type first; a
// one-sided event is the type followed by 0.
func interaction(a, b string) string {
	switch {
	case a == "" && b == "":
		return ""
	case b == "":
		return a + "0"
	case a == "":
		return b + "0"
	case a > b:
		return b + a
	}
	return a + b
}
