package service

import "borderwatch/internal/incident"

// Each calls fn for every live incident matching q, in no particular
// order, without copying it, while holding the service's lock; it stops when fn
// returns false. It is for views over many incidents (List copies each
// one's members). fn must be quick, must not keep the pointer or modify the
// incident, and must not call the service.
func (s *Incidents) Each(q Query, fn func(*incident.Incident) bool) {
	f := q.Filter
	if q.Border != "" {
		// Km measures from the border here, not from the point Lat,Lon.
		f.Km = 0
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.g.Each(f, func(inc *incident.Incident) bool {
		if q.Border != "" {
			p := inc.Place
			if p == nil || p.Border == nil || *p.Border != q.Border {
				return true
			}
			if q.Km > 0 && (p.BorderKm == nil || *p.BorderKm > q.Km) {
				return true
			}
		}
		return fn(inc)
	})
}
