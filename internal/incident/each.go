package incident

// Each calls fn for every live incident that passes f, in no particular
// order, without copying it, and stops when fn returns false. It is for
// views that read a few fields of many incidents (the main screen with
// 100,000 stored): Incidents copies every member list, and walking the
// creation order costs a map lookup per incident. fn must not keep the
// pointer, modify the incident or call the grouper.
func (g *Grouper) Each(f Filter, fn func(*Incident) bool) {
	for _, inc := range g.incidents {
		if !f.live(inc) {
			continue
		}
		if !fn(&inc.Incident) {
			return
		}
	}
}
