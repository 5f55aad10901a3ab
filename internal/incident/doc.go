// Package incident owns the grouping of extracted events into incidents: one
// incident per real-world event, however many reports, wire copies and
// citations describe it. It decides which events belong together (type,
// modality, actors, place by precision, dates with report lag, evidence),
// counts independent origins rather than articles, lays open the values that
// sources state differently, links denials to what they deny, derives who
// controls which place as of a date, and records the analyst's merges and
// splits so that automatic grouping never undoes them.
//
// It sits after the pipeline (extraction, geo) and before the store and the
// API: the Grouper is incremental (Add one document at a time) and its whole
// state is plain, JSON-serialisable structs (State, Restore) so that the
// store can persist it.
package incident
