// Package watch owns what an analyst asks to be told about: watch areas (a
// GeoJSON polygon, a band either side of a border, an admin region, a radius
// around a place), alert rules over events, documents and incidents, and the
// Engine that evaluates them and deduplicates what it fires. It sits after
// the store and incidents in the flow (⑨ → watch → notify/stream); its
// state (areas, rules, fired alerts, sliding windows) is plain JSON so the
// service can persist it and reload it after a restart.
//
// Precision policy: an event is tested against an area with the precision
// of its place, never just its coordinates.
//   - Border bands, radii and polygons need a point that stands for the
//     event: precision site, city or district (a district by its centre). A
//     province-, region- or country-wide event is never "within 30 km".
//     An event located "on the AFG-TJK border" (precision border) is inside
//     any band of that same border and no other area.
//   - A border band covers only the two countries of the border: a point in
//     Uzbekistan 10 km from the AFG-TJK line is not "either side" of it.
//   - An admin area matches by names, compared folded: a country-wide area
//     takes any event in that country, even country-precision ones; an
//     admin1 area takes events of that province or finer, never a
//     country-precision one; an admin2 area takes the district or finer.
package watch
