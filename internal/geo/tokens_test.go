package geo

import (
	"reflect"
	"testing"
	"unicode"
	"unicode/utf8"
)

// The tokenizer folds keys into one buffer per call; it must give exactly
// the tokens of the plain version below, which folds word by word.
func FuzzTokenizeSameAsPlain(f *testing.F) {
	for _, s := range []string{
		"Taliban fighters seized Sher Khan Bandar, the Tajik-Afghan border crossing, near Kunduz's airport.",
		"Mazār-e Sharīf and Kŭlob; Qal‘ah-ye Now — Ishkashim’s bridge (ADM) in O'Neil \xff broken",
		"", " ", "'s", "a's", "e i ye Yi", "ÀÉÎÕÜ ÆØ ß ʻʼ",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := tokenizeInto(nil, s)
		want := plainTokenize(s)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%q:\n got %+v\nwant %+v", s, got, want)
		}
	})
}

// foldWord has an ASCII fast path; it must fold as foldRune does.
func FuzzFoldWordSameAsPlain(f *testing.F) {
	for _, s := range []string{"Mazār-e", "O'Neil", "Kŭlob", "Qal‘ah", "ÆSIR`s", "\xffa\xc3", "TALIBAN", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, w string) {
		var want []byte
		for _, r := range w {
			switch f := foldRune(r); {
			case f == 0:
			case f < utf8.RuneSelf:
				want = append(want, byte(f))
			default:
				want = utf8.AppendRune(want, f)
			}
		}
		if got := foldWord(nil, w); string(got) != string(want) {
			t.Fatalf("foldWord(%q) = %q, want %q", w, got, want)
		}
	})
}

// FindIn reads the document's tokens; on every sentence it must find what
// Find finds on the sentence alone, Candidates aside, also for a span that
// starts or ends inside a word.
func TestFindInSameAsFind(t *testing.T) {
	g := gaz(t)
	text := "Taliban fighters seized Sher Khan Bandar on the Tajik-Afghan border. Kunduz's governor fled to Dushanbe, Tajikistan.\n" +
		"Refugees crossed the Amu Darya near Termez; the border with Uzbekistan stayed closed. Ishkashim district in Badakhshan province was calm.\n" +
		"Headline about Khorog without a stop\nMazar-i-Sharif airport-Kabul flights resumed, said officials in Kabul."
	dc := g.NewDocContext(text)
	defer dc.Release()
	var spans [][2]int
	start := 0
	for i := 0; i <= len(text); i++ {
		if i == len(text) || text[i] == '.' || text[i] == '\n' {
			spans = append(spans, [2]int{start, i})
			start = i + 1
		}
	}
	spans = append(spans, [2]int{3, 40}, [2]int{28, 36}, [2]int{0, len(text)})
	found := 0
	for _, sp := range spans {
		sentence := text[sp[0]:sp[1]]
		want := g.Find(sentence, dc)
		for i := range want {
			want[i].Candidates = nil
		}
		got := g.FindIn(nil, dc, sp[0], sp[1])
		if len(got) != len(want) || (len(want) > 0 && !reflect.DeepEqual(got, want)) {
			t.Errorf("%q:\n FindIn %+v\n   Find %+v", sentence, got, want)
		}
		found += len(want)
	}
	if found < 10 {
		t.Errorf("only %d places found: the text no longer tests much", found)
	}
}

func plainTokenize(s string) []token {
	var toks []token
	foldKey := func(w string) string {
		plain := true
		for i := 0; i < len(w); i++ {
			if c := w[i]; c >= utf8.RuneSelf || (c >= 'A' && c <= 'Z') || c == '\'' {
				plain = false
				break
			}
		}
		if plain {
			return w
		}
		var buf [32]byte
		return string(foldWord(buf[:0], w))
	}
	brk, comma, hyphen := true, false, false
	i := 0
	for i < len(s) {
		c := s[i]
		r, w := rune(c), 1
		if c >= utf8.RuneSelf {
			r, w = utf8.DecodeRuneInString(s[i:])
		}
		if !isWordRune(r) {
			switch {
			case r == '-' || r == '‐' || r == '‑' || r == '–':
				hyphen = true
			case r == ' ' || unicode.IsSpace(r):
			default:
				brk = true
				if r == ',' {
					comma = true
				}
			}
			i += w
			continue
		}
		start := i
		end := i
		poss := false
		for i < len(s) {
			if c := s[i]; c < utf8.RuneSelf {
				if (c|0x20 >= 'a' && c|0x20 <= 'z') || (c >= '0' && c <= '9') {
					i++
					end = i
					continue
				}
			}
			r, w := utf8.DecodeRuneInString(s[i:])
			if isWordRune(r) {
				i += w
				end = i
				continue
			}
			if isApostrophe(r) && i+w < len(s) {
				nr, nw := utf8.DecodeRuneInString(s[i+w:])
				if isWordRune(nr) {
					// 's at the end of a word is a possessive, not a name part.
					if (nr == 's' || nr == 'S') && (i+w+nw == len(s) || !isWordRune(firstRune(s[i+w+nw:]))) {
						poss = true
						i += w + nw
						break
					}
					i += w
					continue
				}
			}
			break
		}
		text := s[start:end]
		key := foldKey(text)
		upper := text[0] >= 'A' && text[0] <= 'Z'
		if text[0] >= utf8.RuneSelf {
			upper = unicode.IsUpper(firstRune(text))
		}
		t := token{start: start, end: end, key: key, upper: upper, allUpper: upper && isAllUpper(text),
			brk: brk, comma: comma, hyphen: hyphen && !brk, poss: poss}
		t.connector = !upper && (key == "e" || key == "i" || key == "y" || key == "ye" || key == "yi")
		if len(key) >= 2 && key[0]-'a' < 26 && key[1]-'a' < 26 && classInitials[key[0]-'a'][key[1]-'a'] {
			t.class = wordClasses[key]
		}
		toks = append(toks, t)
		brk, comma, hyphen = poss, false, false
	}
	return toks
}
