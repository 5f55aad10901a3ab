package geo

import (
	"unicode"
	"unicode/utf8"
)

// foldRune maps a letter to its lower-case ASCII base where one exists, so
// that "Mazār-e Sharīf", "Kŭlob" and "Qal‘ah" match their plain spellings.
// It returns 0 for characters that vanish (apostrophes, modifier letters).
func foldRune(r rune) rune {
	if r < utf8.RuneSelf {
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		if r == '\'' || r == '`' {
			return 0
		}
		return r
	}
	switch r {
	case '‘', '’', 'ʻ', 'ʼ', 'ʿ', 'ʾ', '´', '′', 'ʹ':
		return 0
	case 'ı':
		return 'i'
	case 'ø', 'Ø':
		return 'o'
	case 'đ', 'Đ':
		return 'd'
	case 'ł', 'Ł':
		return 'l'
	case 'ß':
		return 's'
	case 'æ', 'Æ':
		return 'a'
	case 'þ':
		return 't'
	case '‐', '‑', '‒', '–', '—':
		return '-'
	}
	if b, ok := latinBase[r]; ok {
		return b
	}
	return unicode.ToLower(r)
}

// latinBase lists the accented Latin letters GeoNames uses in Central Asian
// and European names; a table keeps folding allocation-free and independent
// of golang.org/x/text.
var latinBase = func() map[rune]rune {
	groups := map[rune]string{
		'a': "àáâãäåāăąǎȁȃạảấầẩẫậắằẳẵặÀÁÂÃÄÅĀĂĄǍẠ",
		'c': "çćĉċčÇĆĈĊČ",
		'd': "ďḍḏḑĎḌḎ",
		'e': "èéêëēĕėęěȅȇẹẻẽếềểễệÈÉÊËĒĔĖĘĚẸ",
		'g': "ĝğġģǧĜĞĠĢǦ",
		'h': "ĥħḥḩḫẖĤĦḤḨ",
		'i': "ìíîïĩīĭįǐȉȋịỉÌÍÎÏĨĪĬĮİǏỊ",
		'j': "ĵǰĴ",
		'k': "ķǩḳḵĶǨḲ",
		'l': "ĺļľŀḷḻĹĻĽĿḶ",
		'n': "ñńņňṅṇṉÑŃŅŇṆ",
		'o': "òóôõöōŏőǒȍȏọỏốồổỗộơớờởỡợÒÓÔÕÖŌŎŐǑỌƠ",
		'r': "ŕŗřṛṟŔŖŘṚ",
		's': "śŝşšșṡṣŚŜŞŠȘṢ",
		't': "ţťțṭṯŢŤȚṬṮ",
		'u': "ùúûüũūŭůűųǔȕȗụủưứừửữựÙÚÛÜŨŪŬŮŰŲǓỤƯ",
		'w': "ŵẁẃẅŴ",
		'y': "ýÿŷỳỹȳẏẙÝŸŶ",
		'z': "źżžẓẕŹŻŽẒẔ",
	}
	m := make(map[rune]rune, 512)
	for base, s := range groups {
		for _, r := range s {
			m[r] = base
		}
	}
	return m
}()

// foldWord folds one word (no spaces) into dst.
func foldWord(dst []byte, w string) []byte {
	for i := 0; i < len(w); {
		if c := w[i]; c < utf8.RuneSelf { // foldRune's ASCII case, inline
			i++
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			if c != '\'' && c != '`' && c != 0 { // foldRune's vanishing characters
				dst = append(dst, c)
			}
			continue
		}
		r, n := utf8.DecodeRuneInString(w[i:])
		i += n
		f := foldRune(r)
		switch {
		case f == 0:
		case f < utf8.RuneSelf:
			dst = append(dst, byte(f))
		default:
			dst = utf8.AppendRune(dst, f)
		}
	}
	return dst
}

// Fold turns a place name into its lookup key: lower case, no diacritics or
// apostrophes, hyphens and spaces collapsed to single spaces, connector
// particles dropped. "Mazār-e Sharīf" and "Mazar-i-Sharif" both give
// "mazar sharif".
func Fold(name string) string {
	var buf [64]byte
	out := buf[:0]
	word := 0 // start of the current word in out
	endWord := func() {
		if w := out[word:]; isConnector(w) {
			out = out[:word]
		}
		word = len(out)
	}
	for _, r := range name {
		f := foldRune(r)
		switch {
		case f == 0:
			continue
		case f == '-' || f == ' ' || f == '.' || f == ',' || f == '/' || f == '(' || f == ')' || (f >= utf8.RuneSelf && unicode.IsSpace(f)) || f == '\t' || f == '\n':
			endWord()
			continue
		}
		if len(out) == word && len(out) > 0 && out[len(out)-1] != ' ' {
			out = append(out, ' ')
			word = len(out)
		}
		if f < utf8.RuneSelf {
			out = append(out, byte(f))
		} else {
			out = utf8.AppendRune(out, f)
		}
	}
	endWord()
	for len(out) > 0 && out[len(out)-1] == ' ' {
		out = out[:len(out)-1]
	}
	return string(out)
}

// isConnector reports whether a folded word is a linking particle.
func isConnector(w []byte) bool {
	switch len(w) {
	case 1:
		return w[0] == 'e' || w[0] == 'i' || w[0] == 'y'
	case 2:
		return w[0] == 'y' && (w[1] == 'e' || w[1] == 'i')
	}
	return false
}

// skeleton reduces a folded key to the consonant frame that survives the
// usual transliteration variants (e/i, o/u, q/k, gh/g, w/v, ou/u, doubled
// letters, spaces): "sheghnan" and "shighnan", "konduz" and "qunduz",
// "tirmiz" and "termez" share one. It is a second, weaker index.
func skeleton(key string) string { return string(appendSkeleton(make([]byte, 0, len(key)), key)) }

// appendSkeleton appends the skeleton of key to b; Find looks it up from a
// stack buffer without allocating.
func appendSkeleton[S ~string | ~[]byte](b []byte, key S) []byte {
	for i := 0; i < len(key); i++ {
		c := key[i]
		switch c {
		case ' ':
			continue
		case 'e':
			c = 'i'
		case 'o':
			c = 'u'
		case 'q':
			c = 'k'
		case 'w':
			c = 'v'
		case 'y':
			c = 'i'
		case 'h':
			// gh -> g, but keep kh, sh, ch, zh which change the sound.
			if i > 0 && key[i-1] == 'g' {
				continue
			}
		}
		if n := len(b); n > 0 && b[n-1] == c {
			continue
		}
		b = append(b, c)
	}
	return b
}
