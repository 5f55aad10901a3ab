package text

import (
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// clean normalises s (valid UTF-8) and drops boilerplate lines. It returns
// the kept lines joined by "\n", the dropped lines, and how many non-empty
// lines there were before dropping.
//
// Normalisation: Unicode NFC; CRLF, CR, U+2028 and U+2029 end lines; tabs,
// no-break and other odd spaces become a space; runs of spaces collapse;
// lines are trimmed and empty ones dropped; zero-width, bidi and control
// characters are removed. Curly quotes and all other characters stay as
// written. ZWNJ and ZWJ stay because Persian and Pashto spelling uses them.
func clean(s string) (text string, dropped []string, lines int) {
	if !isASCII(s) && !norm.NFC.IsNormalString(s) {
		s = norm.NFC.String(s)
	}
	var out strings.Builder
	out.Grow(len(s))
	line := make([]byte, 0, 512)
	space := false // a space is pending before the next visible character
	endLine := func() {
		space = false
		if len(line) == 0 {
			return
		}
		lines++
		if len(line) > maxCookieLine {
			// too long for boilerplate (isBoilerplate): copied without a string of its own
			if out.Len() > 0 {
				out.WriteByte('\n')
			}
			out.Write(line)
			line = line[:0]
			return
		}
		l := string(line)
		line = line[:0]
		if isBoilerplate(l) {
			dropped = append(dropped, l)
			return
		}
		if out.Len() > 0 {
			out.WriteByte('\n')
		}
		out.WriteString(l)
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c > ' ' && c < 0x7f {
			// A run of visible ASCII, usually a word, is copied in one go.
			j := i + 1
			for j < len(s) && s[j] > ' ' && s[j] < 0x7f {
				j++
			}
			if space {
				line = append(line, ' ')
				space = false
			}
			line = append(line, s[i:j]...)
			i = j
			continue
		}
		if c < utf8.RuneSelf {
			i++
			switch {
			case c == '\n':
				endLine()
			case c == '\r':
				if i < len(s) && s[i] == '\n' {
					i++
				}
				endLine()
			case c == ' ' || c == '\t' || c == '\v' || c == '\f':
				space = len(line) > 0
			case c < 0x20 || c == 0x7f:
				// control characters carry no text
			default:
				if space {
					line = append(line, ' ')
					space = false
				}
				line = append(line, c)
			}
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == '\u2028' || r == '\u2029' || r == '\u0085':
			endLine()
		case isOddSpace(r):
			space = len(line) > 0
		case isInvisible(r):
		default:
			if space {
				line = append(line, ' ')
				space = false
			}
			line = utf8.AppendRune(line, r)
		}
	}
	endLine()
	return out.String(), dropped, lines
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// isOddSpace reports non-ASCII white space that should read as one space.
func isOddSpace(r rune) bool {
	switch {
	case r == '\u00a0', r == '\u1680', r >= '\u2000' && r <= '\u200a',
		r == '\u202f', r == '\u205f', r == '\u3000':
		return true
	}
	return false
}

// isInvisible reports characters that are removed: C1 controls, soft
// hyphen, zero-width space and no-break, BOM, bidi marks and isolates,
// and the invisible Mongolian vowel separator. They break word matching
// downstream and carry no meaning for the extractor.
func isInvisible(r rune) bool {
	switch {
	case r >= 0x80 && r <= 0x9f,
		r == '\u00ad', r == '\u180e', r == '\u200b',
		r == '\u200e', r == '\u200f',
		r >= '\u202a' && r <= '\u202e',
		r >= '\u2060' && r <= '\u2064',
		r >= '\u2066' && r <= '\u2069',
		r == '\ufeff':
		return true
	}
	return false
}
