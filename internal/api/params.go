package api

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"borderwatch/internal/store"
)

func sprintf(format string, args ...any) string { return fmt.Sprintf(format, args...) }

// onlyParams rejects query parameters the endpoint does not know, so a typo
// in a filter is an error rather than a silently wider answer.
func onlyParams(r *http.Request, known ...string) error {
	for k := range r.URL.Query() {
		ok := false
		for _, n := range known {
			if k == n {
				ok = true
				break
			}
		}
		if !ok {
			if len(known) == 0 {
				return invalid("unknown parameter %q: this endpoint takes none", k)
			}
			return invalid("unknown parameter %q (known: %s)", k, strings.Join(known, ", "))
		}
	}
	return nil
}

func intParam(r *http.Request, name string, def, min, max int) (int, error) {
	s := r.URL.Query().Get(name)
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < min || n > max {
		return 0, invalid("%s: %q is not a whole number in %d..%d", name, s, min, max)
	}
	return n, nil
}

func listParam(r *http.Request, name string, upper bool) []string {
	var out []string
	for _, v := range r.URL.Query()[name] {
		for _, p := range strings.Split(v, ",") {
			if p = strings.TrimSpace(p); p != "" {
				if upper {
					p = strings.ToUpper(p)
				} else {
					p = strings.ToLower(p)
				}
				out = append(out, p)
			}
		}
	}
	return out
}

var eventParams = []string{"since", "until", "bbox", "types", "actor_country", "recipient_country", "modality", "q", "border_km", "doc_id"}

// eventFilter reads the event filters shared by the list, the map layer and
// the export, and checks them.
func eventFilter(r *http.Request, extra ...string) (store.EventFilter, error) {
	if err := onlyParams(r, append(append([]string{}, eventParams...), extra...)...); err != nil {
		return store.EventFilter{}, err
	}
	q := r.URL.Query()
	f := store.EventFilter{
		Since: q.Get("since"), Until: q.Get("until"),
		Types: listParam(r, "types", true), Modality: listParam(r, "modality", false),
		ActorCountry: strings.ToUpper(q.Get("actor_country")), RecipientCountry: strings.ToUpper(q.Get("recipient_country")),
		Query: q.Get("q"), DocID: q.Get("doc_id"),
	}
	if s := q.Get("bbox"); s != "" {
		parts := strings.Split(s, ",")
		if len(parts) != 4 {
			return f, invalid("bbox: want four numbers west,south,east,north, got %q", s)
		}
		var b [4]float64
		for i, p := range parts {
			v, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
			if err != nil {
				return f, invalid("bbox: %q is not a number", p)
			}
			b[i] = v
		}
		f.BBox = &b
	}
	if s := q.Get("border_km"); s != "" {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return f, invalid("border_km: %q is not a number", s)
		}
		f.MaxBorderKm = &v
	}
	if f.Since != "" && f.Until != "" && f.Since > f.Until {
		return f, invalid("since %s is after until %s", f.Since, f.Until)
	}
	return f, f.Validate()
}
