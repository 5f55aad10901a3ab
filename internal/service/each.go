package service

import "borderwatch/internal/incident"

// Each calls fn for every live incident matching q, in no particular
// order, without copying it, while holding the service's lock; it stops when fn
// returns false. It is for views over many incidents (List copies each
// one's members). fn must be quick, must not keep the pointer or modify the
// incident, and must not call the service.
func (s *Incidents) Each(q Query, fn func(*incident.Incident) bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.g.Each(q.grouperFilter(), func(inc *incident.Incident) bool {
		return !q.onBorder(inc) || fn(inc)
	})
}
