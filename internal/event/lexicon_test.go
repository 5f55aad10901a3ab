package event

import (
	"strings"
	"testing"
)

// A pattern word whose alternatives are spellings of one verb inflects all
// of them: "~mobilize|mobilise" would match "mobilised" never, a silent gap
// in recall. Every alternative of a word carries ~ or none does.
func TestTriggerAlternativesInflectAlike(t *testing.T) {
	for n, line := range strings.Split(triggersTSV, "\n") {
		f := strings.Split(line, "\t")
		if strings.HasPrefix(line, "#") || len(f) < 4 {
			continue
		}
		for _, w := range strings.Fields(f[3]) {
			alts := strings.Split(w, "|")
			tilde := 0
			for _, a := range alts {
				if strings.HasPrefix(a, "~") {
					tilde++
				}
			}
			if tilde > 0 && tilde < len(alts) {
				t.Errorf("triggers.tsv:%d: %q inflects only some of its alternatives", n+1, w)
			}
		}
	}
}

// The British and American spellings of a verb start a pattern in every
// form.
func TestSpellingVariantsInflect(t *testing.T) {
	lx, err := loadLexicon(triggersTSV)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"mobilised", "mobilized", "mobilising", "demobilised", "criticised", "apologised", "recognised", "treated", "regarded"} {
		if len(lx.byFirst[w]) == 0 {
			t.Errorf("no trigger pattern starts with %q", w)
		}
	}
}
