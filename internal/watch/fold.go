package watch

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// cyrillic transliterates Russian and Tajik letters to the Latin spellings
// English-language reports use (BGN/PCGN-like), so a keyword "Ishkashim"
// also finds "Ишкашим" and "Khorog" finds "Хорог".
var cyrillic = map[rune]string{
	'а': "a", 'б': "b", 'в': "v", 'г': "g", 'д': "d", 'е': "e", 'ё': "e", 'ж': "zh",
	'з': "z", 'и': "i", 'й': "y", 'к': "k", 'л': "l", 'м': "m", 'н': "n", 'о': "o",
	'п': "p", 'р': "r", 'с': "s", 'т': "t", 'у': "u", 'ф': "f", 'х': "kh", 'ц': "ts",
	'ч': "ch", 'ш': "sh", 'щ': "shch", 'ъ': "", 'ы': "y", 'ь': "", 'э': "e", 'ю': "yu",
	'я': "ya", 'ғ': "gh", 'ӣ': "i", 'қ': "q", 'ӯ': "u", 'ҳ': "h", 'ҷ': "j", 'ў': "u",
	'і': "i", 'ї': "yi", 'є': "ye", 'ґ': "g",
}

// foldText turns text into the form keywords are matched in: lower case,
// diacritics removed (NFKD minus combining marks), Cyrillic transliterated,
// apostrophes dropped, and every run of other non-letters, non-digits made
// one space, with a space at each end so " kw" finds a word start. Scripts
// without a transliteration (Persian, Pashto, ...) are kept as lower case
// letters and match keywords written in them.
func foldText(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte(' ')
	space := true
	for _, r := range norm.NFKD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r == '\'' || r == '’' || r == 'ʻ' || r == 'ʼ' || r == '‘' || r == '`':
			continue // "Qal'ah" and "Qalah" are one spelling
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			r = unicode.ToLower(r)
			if t, ok := cyrillic[r]; ok {
				b.WriteString(t)
			} else {
				b.WriteRune(r)
			}
			space = false
		default:
			if !space {
				b.WriteByte(' ')
				space = true
			}
		}
	}
	if !space {
		b.WriteByte(' ')
	}
	return b.String()
}

// keyword is a folded keyword ready for matching against foldText output.
type keyword struct {
	raw    string
	folded string // " word word" — a leading space anchors it at a word start
}

func newKeyword(s string) (keyword, bool) {
	f := strings.TrimRight(foldText(s), " ")
	if strings.TrimSpace(f) == "" {
		return keyword{}, false
	}
	return keyword{raw: s, folded: f}, true
}

// in reports whether the keyword starts a word of the folded text. Only the
// start is anchored, so inflected forms match too: "Ишкашиме" (in Ishkashim)
// finds "Ishkashim".
func (k keyword) in(folded string) bool { return strings.Contains(folded, k.folded) }
