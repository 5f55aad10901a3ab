package actor

import (
	"strings"
	"testing"
)

// iso3166 lists the ISO 3166-1 alpha-3 codes of the 193 UN member states,
// then the other codes our dictionaries may use: Palestine, Taiwan, Hong
// Kong, the Holy See and PLOVER's Kosovo code.
const iso3166 = `
AFG ALB DZA AND AGO ATG ARG ARM AUS AUT AZE BHS BHR BGD BRB BLR BEL BLZ BEN BTN BOL BIH BWA BRA
BRN BGR BFA BDI CPV KHM CMR CAN CAF TCD CHL CHN COL COM COG COD CRI CIV HRV CUB CYP CZE DNK DJI
DMA DOM ECU EGY SLV GNQ ERI EST SWZ ETH FJI FIN FRA GAB GMB GEO DEU GHA GRC GRD GTM GIN GNB GUY
HTI HND HUN ISL IND IDN IRN IRQ IRL ISR ITA JAM JPN JOR KAZ KEN KIR PRK KOR KWT KGZ LAO LVA LBN
LSO LBR LBY LIE LTU LUX MDG MWI MYS MDV MLI MLT MHL MRT MUS MEX FSM MDA MCO MNG MNE MAR MOZ MMR
NAM NRU NPL NLD NZL NIC NER NGA MKD NOR OMN PAK PLW PAN PNG PRY PER PHL POL PRT QAT ROU RUS RWA
KNA LCA VCT WSM SMR STP SAU SEN SRB SYC SLE SGP SVK SVN SLB SOM ZAF SSD ESP LKA SDN SUR SWE CHE
SYR TJK TZA THA TLS TGO TON TTO TUN TUR TKM TUV UGA UKR ARE GBR USA URY UZB VUT VEN VNM YEM ZMB
ZWE
PSE TWN HKG VAT KOS`

// transnational are PLOVER's codes for actors that are not states.
var transnational = map[string]bool{"IGO": true, "UNO": true, "EUR": true, "NGO": true, "IMG": true}

func TestCodesAndSectors(t *testing.T) {
	codes := strings.Fields(iso3166)
	if len(codes) != 198 {
		t.Fatalf("code list has %d codes, want 193 UN members + 5", len(codes))
	}
	valid := map[string]bool{}
	for _, c := range codes {
		valid[c] = true
	}
	countries := map[string]bool{}
	for name, data := range embeddedData() {
		rows, err := parseTSV(name, data)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range rows {
			if e.country != "" && !valid[e.country] && !transnational[e.country] {
				t.Errorf("%s:%d: country %q is neither ISO 3166 alpha-3 nor IGO/UNO/EUR/NGO/IMG", e.source, e.line, e.country)
			}
			if e.sector != "" && !Sectors[e.sector] {
				t.Errorf("%s:%d: sector %q is not a PLOVER sector", e.source, e.line, e.sector)
			}
			if e.kind == KindCountry {
				countries[e.country] = true
			}
		}
	}
	// Every UN member state (and the five others) is in countries.tsv.
	for _, c := range codes {
		if !countries[c] {
			t.Errorf("countries.tsv has no country row for %s", c)
		}
	}
}

func TestEveryCountryIsFound(t *testing.T) {
	d := loadDict(t)
	rows, err := parseTSV("countries.tsv", embeddedData()["countries.tsv"])
	if err != nil {
		t.Fatal(err)
	}
	on := day(t, "2021-07-08")
	for _, e := range rows {
		if e.kind != KindCountry {
			continue
		}
		ms := d.Find(e.name+" said so.", on)
		if len(ms) == 0 || ms[0].Country != e.country || ms[0].Sector != "GOV" {
			t.Errorf("%q: got %s, want %s GOV", e.name, compact(ms), e.country)
		}
	}
}

// TestNoAmbiguousRows checks that rows sharing a pattern are dated variants
// whose periods do not overlap, so the date alone decides between them.
func TestNoAmbiguousRows(t *testing.T) {
	owner := map[string]string{} // pattern -> file; a later file would silently replace it
	for name, data := range embeddedData() {
		rows, err := parseTSV(name, data)
		if err != nil {
			t.Fatal(err)
		}
		byPattern := map[string][]*entry{}
		for _, e := range rows {
			k := e.patternKey()
			byPattern[k] = append(byPattern[k], e)
			if f, ok := owner[k]; ok && f != name {
				t.Errorf("pattern %q is in both %s and %s:%d", strings.Join(e.tokens, " "), f, name, e.line)
			}
			owner[k] = name
		}
		for _, es := range byPattern {
			for i, a := range es {
				for _, b := range es[i+1:] {
					overlap := (a.until == 0 || b.from < a.until) && (b.until == 0 || a.from < b.until)
					if overlap {
						t.Errorf("%s: lines %d and %d share pattern %q over the same period",
							name, a.line, b.line, strings.Join(a.tokens, " "))
					}
				}
			}
		}
	}
}
