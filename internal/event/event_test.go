package event

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestEmbeddedLexiconLoads(t *testing.T) {
	c, err := NewCoder()
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Hash()) != 8 {
		t.Errorf("hash %q, want 8 hex digits", c.Hash())
	}
}

func TestLexiconErrorsNameTheLine(t *testing.T) {
	for _, src := range []string{
		"T\tASSAULT\t-\n",                 // too few fields
		"X\tASSAULT\t-\t~attack\n",        // unknown kind
		"T\tFIGHT\t-\t~attack\n",          // a pre-v2 type
		"T\tASSAULT\t-\t* attack\n",       // leading gap
		"# ok\nT\tASSAULT\t-\t  \t-\t-\n", // empty pattern
	} {
		_, err := loadLexicon(src)
		if err == nil || !strings.Contains(err.Error(), "triggers.tsv:") {
			t.Errorf("%q: error %v, want one naming the line", src, err)
		}
	}
}

func TestInflect(t *testing.T) {
	for lemma, want := range map[string][]string{
		"attack":   {"attack", "attacks", "attacked", "attacking"},
		"seize":    {"seize", "seizes", "seized", "seizing"},
		"deny":     {"deny", "denies", "denied", "denying"},
		"flee":     {"flee", "flees", "fled", "fleeing"},
		"withdraw": {"withdraw", "withdraws", "withdrew", "withdrawn", "withdrawing"},
		"push":     {"push", "pushes", "pushed", "pushing"},
		"retake":   {"retake", "retakes", "retook", "retaken", "retaking"},
	} {
		got := strings.Join(inflect(lemma), " ")
		if got != strings.Join(want, " ") {
			t.Errorf("inflect(%q) = %s, want %s", lemma, got, strings.Join(want, " "))
		}
	}
}

func TestTokenizeKeepsNumbersAndPossessives(t *testing.T) {
	toks := tokenize("Tajikistan's 1,037 soldiers crossed al-Qaeda’s line.")
	var got []string
	for _, tk := range toks {
		got = append(got, tk.lower)
	}
	want := "tajikistan 's 1,037 soldiers crossed al-qaeda 's line ."
	if strings.Join(got, " ") != want {
		t.Errorf("tokens %q, want %q", strings.Join(got, " "), want)
	}
}

// FuzzTokenize: tokens are in order, within bounds, and their text is the
// sentence's bytes at their offsets.
func FuzzTokenize(f *testing.F) {
	for _, s := range []string{"", "a", "Tajikistan's 1,037 soldiers.", "“Quoted,” he said—twice…", "\xff\xfe", "9/11 '"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		prev := 0
		for _, tk := range tokenize(s) {
			if tk.start < prev || tk.end <= tk.start || tk.end > len(s) {
				t.Fatalf("bad token %+v in %q", tk, s)
			}
			if utf8.ValidString(s) && !utf8.ValidString(tk.lower) {
				t.Fatalf("invalid lower %q", tk.lower)
			}
			prev = tk.end
		}
	})
}
