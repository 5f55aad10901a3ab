package main

import (
	"strings"
	"testing"
)

// TestSourcesAndGrades: sources lists the outlets ungraded; an analyst's
// grades of a source and of a claim are saved and shown; bad grades are
// usage errors.
func TestSourcesAndGrades(t *testing.T) {
	db := demoDB(t)
	code, out, errs := runCLI(t, "sources", "--db", db)
	if code != 0 || !strings.Contains(out, "GRADE") {
		t.Fatalf("sources: exit %d\n%s%s", code, out, errs)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) < 2 {
		t.Fatalf("sources listed nothing:\n%s", out)
	}
	outlet := strings.Fields(lines[1])[0]
	if code, _, _ := runCLI(t, "grade", "source", outlet, "K", "--user", "anan", "--db", db); code != 2 {
		t.Errorf("grade K: exit %d, want 2", code)
	}
	if code, _, _ := runCLI(t, "grade", "source", outlet, "B", "--db", db); code != 2 {
		t.Errorf("a grade without --user: exit %d, want 2", code)
	}
	if code, out, errs := runCLI(t, "grade", "source", outlet, "B", "--user", "anan", "--db", db); code != 0 || !strings.Contains(out, "B") {
		t.Fatalf("grade source: exit %d\n%s%s", code, out, errs)
	}
	_, out, _ = runCLI(t, "sources", "--db", db)
	found := false
	for _, l := range strings.Split(out, "\n") {
		f := strings.Fields(l)
		if len(f) > 0 && f[0] == outlet && strings.Contains(l, " B") {
			found = true
		}
	}
	if !found {
		t.Errorf("%s not shown with grade B:\n%s", outlet, out)
	}
	incs := incidentsJSON(t, "--db", db)
	ev := incs[0].Members[0].EventID
	if code, _, _ := runCLI(t, "grade", "claim", ev, "7", "--user", "anan", "--db", db); code != 2 {
		t.Errorf("credibility 7: exit %d, want 2", code)
	}
	if code, out, errs := runCLI(t, "grade", "claim", ev, "3", "--user", "anan", "--db", db); code != 0 {
		t.Fatalf("grade claim: exit %d\n%s%s", code, out, errs)
	}
	for _, inc := range incidentsJSON(t, "--db", db) {
		for _, m := range inc.Members {
			if m.EventID == ev && m.Credibility != 3 {
				t.Errorf("claim %s credibility %d, want 3", ev, m.Credibility)
			}
		}
	}
}
