package main

import (
	"bytes"
	"strings"
	"testing"
)

func runPlacesT(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := runPlaces(args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

func TestPlacesLookup(t *testing.T) {
	code, out, _ := runPlacesT(t, "Sher", "Khan", "Bandar")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	first := strings.SplitN(out, "\n", 2)[0]
	for _, want := range []string{"1. Sher Khan Bandar", "[site, CROSSING]", "AFG / Kunduz", "37.1700, 68.6000", "border AFG-TJK"} {
		if !strings.Contains(first, want) {
			t.Errorf("first line %q lacks %q", first, want)
		}
	}
	if !strings.Contains(out, "source: manual:") || !strings.Contains(out, "score ") {
		t.Errorf("output lacks source or why:\n%s", out)
	}
}

func TestPlacesContextSteersChoice(t *testing.T) {
	_, tj, _ := runPlacesT(t, "--context", "Tajikistan border guards", "--limit", "1", "Ishkashim")
	_, af, _ := runPlacesT(t, "--context", "the Afghan province of Badakhshan in Afghanistan", "--limit", "1", "Ishkashim")
	if !strings.Contains(tj, "TJK") || !strings.Contains(af, "AFG") {
		t.Errorf("context did not steer:\nTajik doc: %s\nAfghan doc: %s", tj, af)
	}
}

func TestPlacesUnknownSuggests(t *testing.T) {
	code, out, _ := runPlacesT(t, "Sher Khan Bandor")
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	if !strings.Contains(out, `no place named "Sher Khan Bandor"`) || !strings.Contains(out, "closest names:") || !strings.Contains(out, "Sher Khan Bandar") {
		t.Errorf("unknown name output:\n%s", out)
	}
}

func TestPlacesNear(t *testing.T) {
	code, out, _ := runPlacesT(t, "--near", "37.2,68.9", "--km", "30")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	if !strings.HasPrefix(out, "37.2000, 68.9000: AFG; nearest border AFG-TJK") {
		t.Errorf("header: %q", strings.SplitN(out, "\n", 2)[0])
	}
	if !strings.Contains(out, "Panj") || !strings.Contains(out, " km  ") {
		t.Errorf("near output lacks Panj:\n%s", out)
	}
}

func TestPlacesBadArguments(t *testing.T) {
	for _, args := range [][]string{
		{},
		{"--near", "37.2"},
		{"--near", "91,0"},
		{"--near", "x,y"},
		{"--near", "37,68", "Kabul"},
		{"--km", "-1", "--near", "37,68"},
		{"--limit", "0", "Kabul"},
		{"--bogus"},
	} {
		code, _, errOut := runPlacesT(t, args...)
		if code != 2 || errOut == "" {
			t.Errorf("places %q: exit %d, stderr %q; want 2 and a message", args, code, errOut)
		}
	}
}
