package incident

import (
	"bufio"
	"bytes"
	_ "embed"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"

	"borderwatch"
	"borderwatch/internal/actor"
)

// Outlet kinds.
const (
	KindWire        = "wire"
	KindState       = "state"
	KindIndependent = "independent"
	KindOfficial    = "official"
	KindUnknown     = "unknown"
)

// Outlet is one news source in the registry. Grade is the analyst's
// reliability grade (Admiralty code A-F); "" means not graded, and the
// program never guesses one.
type Outlet struct {
	Name    string `json:"name"`
	Country string `json:"country,omitempty"`
	Kind    string `json:"kind"`
	Grade   string `json:"grade,omitempty"`
}

//go:embed outlets.tsv
var outletKinds []byte

// Registry knows the outlets seen so far: canonical name, country, kind and
// the analyst's grade. It is seeded lazily from the actor dictionary the
// first time a name is seen. Safe for concurrent use.
type Registry struct {
	mu      sync.Mutex
	dict    *actor.Dictionary
	kinds   map[string]string
	outlets map[string]*Outlet // by folded name, canonical and as written
}

// NewRegistry returns a registry that canonicalises names with dict (nil:
// names are kept as written).
func NewRegistry(dict *actor.Dictionary) *Registry {
	r := &Registry{dict: dict, kinds: map[string]string{}, outlets: map[string]*Outlet{}}
	sc := bufio.NewScanner(bytes.NewReader(outletKinds))
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, kind, _ := strings.Cut(line, "\t")
		r.kinds[foldName(name)] = kind
	}
	return r
}

func foldName(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	s = strings.TrimPrefix(s, "the ")
	return strings.Join(strings.Fields(s), " ")
}

// Outlet returns the registry entry for a source name, creating it from the
// actor dictionary on first sight.
func (r *Registry) Outlet(name string) Outlet {
	r.mu.Lock()
	defer r.mu.Unlock()
	return *r.outlet(name)
}

func (r *Registry) outlet(name string) *Outlet {
	key := foldName(name)
	if o, ok := r.outlets[key]; ok {
		return o
	}
	o := &Outlet{Name: strings.TrimSpace(name), Kind: KindUnknown}
	if r.dict != nil {
		if m, ok := r.dict.Lookup(name); ok && m.Kind == actor.KindMedia {
			o.Name, o.Country = m.Name, m.Country
		}
	}
	if k, ok := r.kinds[foldName(o.Name)]; ok {
		o.Kind = k
	}
	if canon, ok := r.outlets[foldName(o.Name)]; ok {
		o = canon // "Khovar agency" and "Khovar" are one outlet
	}
	r.outlets[key] = o
	r.outlets[foldName(o.Name)] = o
	return o
}

// SetGrade records the analyst's reliability grade (A-F, or "" to clear).
func (r *Registry) SetGrade(name, grade string) error {
	grade = strings.ToUpper(strings.TrimSpace(grade))
	if grade != "" && (len(grade) != 1 || grade[0] < 'A' || grade[0] > 'F') {
		return fmt.Errorf("incident: reliability grade %q: want A-F", grade)
	}
	if strings.TrimSpace(name) == "" {
		return fmt.Errorf("incident: reliability grade: empty outlet name")
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.outlet(name).Grade = grade
	return nil
}

// SetKind records an outlet's kind (wire, state, independent, official).
func (r *Registry) SetKind(name, kind string) error {
	switch kind {
	case KindWire, KindState, KindIndependent, KindOfficial, KindUnknown:
	default:
		return fmt.Errorf("incident: outlet kind %q: want wire, state, independent, official or unknown", kind)
	}
	if strings.TrimSpace(name) == "" {
		return fmt.Errorf("incident: outlet kind: empty outlet name")
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.outlet(name).Kind = kind
	return nil
}

// Outlets lists the registry, sorted by name.
func (r *Registry) Outlets() []Outlet {
	r.mu.Lock()
	defer r.mu.Unlock()
	seen := map[*Outlet]bool{}
	var out []Outlet
	for _, o := range r.outlets {
		if !seen[o] {
			seen[o] = true
			out = append(out, *o)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

func (r *Registry) restore(os []Outlet) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, o := range os {
		c := o
		r.outlets[foldName(o.Name)] = &c
	}
}

// origin names where a claim comes from: the innermost source the report
// cites ("citing Khovar, citing the border service" gives the border
// service), or the outlet itself when it cites nobody or only itself.
// Unnamed sources ("officials", "residents") are scoped to the outlet that
// quotes them: two outlets' anonymous officials are not known to be one.
func (r *Registry) origin(outlet string, attr []borderwatch.Attribution) (name, kind string) {
	var chain []string
	for _, a := range attr {
		if strings.TrimSpace(a.Name) != "" {
			chain = append(chain, a.Name)
		}
		for _, v := range a.Via {
			if strings.TrimSpace(v) != "" {
				chain = append(chain, v)
			}
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	own := r.outlet(outlet)
	if len(chain) == 0 {
		return own.Name, own.Kind
	}
	last := chain[len(chain)-1]
	if r.dict == nil {
		return strings.TrimSpace(last), KindUnknown
	}
	m, ok := r.dict.Lookup(last)
	switch {
	case ok && m.Kind == actor.KindMedia:
		o := r.outlet(last)
		return o.Name, o.Kind
	case ok && r.specific(m):
		return m.Name, KindOfficial
	}
	return own.Name + " (" + strings.TrimSpace(last) + ")", own.Kind
}

// specific reports whether a mention names one identifiable speaker (a
// ministry, a person, a group) rather than a generic role or a whole
// country's "officials".
func (r *Registry) specific(m actor.Mention) bool {
	if m.Kind == actor.KindRole || m.Country == "" && m.Kind != actor.KindGroup && m.Kind != actor.KindIGO {
		return false
	}
	if c, ok := r.dict.Lookup(m.Name); ok && c.Kind == actor.KindCountry {
		return false
	}
	return true
}

// isOutlet reports whether an origin name is a registered outlet.
func (r *Registry) isOutlet(name string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	_, ok := r.outlets[foldName(name)]
	return ok
}

// resolveOrigins turns each member's cited origin into its independent
// origin within the incident: an outlet cited by another ("AKIpress, citing
// Khovar") stands for whatever that outlet itself cites in the same
// incident ("Khovar, citing the border service").
func (r *Registry) resolveOrigins(ms []Member, raw []string) []string {
	cites := map[string][]string{} // outlet -> origins its own members cite
	for i, m := range ms {
		if raw[i] != m.Outlet {
			cites[m.Outlet] = append(cites[m.Outlet], raw[i])
		}
	}
	out := slices.Clone(raw)
	for range 3 { // chains are short; three hops cover wire-of-wire-of-agency
		changed := false
		for i, o := range out {
			if o == ms[i].Outlet || len(cites[o]) == 0 || !r.isOutlet(o) {
				continue
			}
			if n := mostCommon(cites[o]); n != o {
				out[i], changed = n, true
			}
		}
		if !changed {
			break
		}
	}
	return out
}

func mostCommon(xs []string) string {
	best, bestN := "", 0
	counts := map[string]int{}
	for _, x := range xs {
		counts[x]++
		if counts[x] > bestN {
			best, bestN = x, counts[x]
		}
	}
	return best
}
