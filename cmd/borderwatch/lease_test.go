package main

import (
	"strings"
	"testing"
	"time"
)

// While a server runs on a database it owns the incident state: an analyst
// decision made through the CLI would be overwritten by the server's next
// save, so the CLI refuses it and says where to make it instead. Once the
// server stops, the CLI decides again.
func TestCLIDecisionsRefusedWhileServing(t *testing.T) {
	path := demoDB(t)
	all := incidentsJSON(t, "--db", path)
	if len(all) < 2 {
		t.Fatalf("setup: %d incidents", len(all))
	}
	_, stop := startServe(t, path, time.Now, time.Minute)

	for _, args := range [][]string{
		{"incidents", "merge", all[0].ID, all[1].ID, "--user", "nadia", "--db", path},
		{"incidents", "split", all[0].ID, all[0].Members[0].EventID, "--user", "nadia", "--db", path},
		{"grade", "source", "Khovar", "B", "--user", "nadia", "--db", path},
	} {
		code, _, errs := runCLI(t, args...)
		if code == 0 || !strings.Contains(errs, "a server is running on this database") || !strings.Contains(errs, "API") {
			t.Errorf("%v while serving: exit %d, stderr %q; want a refusal naming the API", args[:2], code, errs)
		}
	}
	// Reading is fine.
	if code, _, errs := runCLI(t, "incidents", "--db", path); code != 0 {
		t.Errorf("listing while serving: exit %d: %s", code, errs)
	}

	stop()
	if code, _, errs := runCLI(t, "grade", "source", "Khovar", "B", "--user", "nadia", "--db", path); code != 0 {
		t.Errorf("grade after the server stopped: exit %d: %s", code, errs)
	}
}
