// Package sentence owns stage ④: splitting clean article text into
// sentences with UTF-8 byte offsets into that text.
//
// Each line (paragraph) is split on its own, so a sentence never spans a
// newline; a line that ends with ":" (a heading or a list intro whose list
// was lost) therefore ends a sentence too. The splitter is one hand-written
// pass over the bytes with no regular expressions, so it can run on every
// document.
//
// Datelines: "MOSCOW, July 8. /TASS/." is kept as a sentence of its own (the
// agency tag after the date holds the break at "8." back), while
// "KABUL, Afghanistan (Jan. 25, 2013) -- Text" stays one sentence with the
// text it introduces, because "Jan." never ends a sentence.
package sentence

import (
	"unicode"
	"unicode/utf8"

	"borderwatch"
)

// Split returns the sentences of text in order. For every sentence s,
// text[s.Start:s.End] == s.Text, the text has no leading or trailing
// white space, and it contains no newline.
func Split(text string) []borderwatch.Sentence {
	return AppendSplit(make([]borderwatch.Sentence, 0, len(text)/120+1), text)
}

// AppendSplit appends what Split returns to dst, for callers that reuse
// their slice.
func AppendSplit(dst []borderwatch.Sentence, text string) []borderwatch.Sentence {
	out := dst
	lineStart := 0
	for lineStart <= len(text) {
		lineEnd := lineStart
		for lineEnd < len(text) && text[lineEnd] != '\n' {
			lineEnd++
		}
		out = splitLine(text, lineStart, lineEnd, out)
		lineStart = lineEnd + 1
	}
	return out
}

// splitLine appends the sentences of text[start:end], a line without "\n".
func splitLine(text string, start, end int, out []borderwatch.Sentence) []borderwatch.Sentence {
	sentStart := -1 // first non-space byte of the current sentence
	i := start
	for i < end {
		if sentStart < 0 {
			if n := spaceLen(text, i); n > 0 {
				i += n
				continue
			}
			sentStart = i
		}
		// bytes that start no terminator are skipped without a call
		for i < end && !mayTerminate[text[i]] {
			i++
		}
		n := terminatorLen(text, i, end)
		if n == 0 {
			i++
			continue
		}
		termStart := i
		// A run of terminators: "?!", "...", "…".
		for n > 0 {
			i += n
			n = terminatorLen(text, i, end)
		}
		i += closersLen(text, i, end)
		if isFullWidthStop(text, termStart) {
			// Chinese and Japanese put no space after "。".
			out = append(out, makeSentence(text, sentStart, i))
			sentStart = -1
			continue
		}
		if i < end && spaceLen(text, i) == 0 {
			// "3.5", "U.S.", "Pravda.Ru": no space after it, no break.
			continue
		}
		if i < end && !breaksBefore(text, sentStart, termStart, i, end) {
			continue
		}
		out = append(out, makeSentence(text, sentStart, i))
		sentStart = -1
	}
	if sentStart >= 0 {
		out = append(out, makeSentence(text, sentStart, end))
	}
	return out
}

func makeSentence(text string, start, end int) borderwatch.Sentence {
	for end > start {
		r, size := utf8.DecodeLastRuneInString(text[start:end])
		if !unicode.IsSpace(r) {
			break
		}
		end -= size
	}
	return borderwatch.Sentence{Span: borderwatch.Span{Start: start, End: end}, Text: text[start:end]}
}

// breaksBefore decides whether the terminator at text[termStart:termEnd]
// (closers included), followed by white space, ends the sentence that
// started at sentStart.
func breaksBefore(text string, sentStart, termStart, termEnd, lineEnd int) bool {
	next := termEnd
	for next < lineEnd {
		n := spaceLen(text, next)
		if n == 0 {
			break
		}
		next += n
	}
	if next >= lineEnd {
		return true
	}
	// The next word's first letter decides most cases: a lower-case
	// continuation ("e.g. the", "he said... and") is the same sentence.
	firstLetter, letterAt := nextLetter(text, next, lineEnd)
	if unicode.IsLower(firstLetter) {
		return false
	}
	if text[next] == '/' {
		// An agency tag after a dateline date: "MOSCOW, July 8. /TASS/."
		return false
	}
	if text[termStart] != '.' || termEnd-termStart > 1 && text[termStart+1] == '.' {
		// "?", "!", "..." and "…" break before anything but lower case.
		return true
	}
	word := wordBefore(text, sentStart, termStart)
	if word == "" {
		return true
	}
	if isInitial(word) {
		return false // "J. R. Smith", "В. Путин"
	}
	switch abbreviationKind(word) {
	case neverEnds:
		return false
	case endsBeforeStarter:
		return isSentenceStarter(text[letterAt:wordEnd(text, letterAt, lineEnd)])
	case numberSign:
		// "No. 5" is a number sign; "No." before anything else is the word.
		return !isDigit(text[next])
	}
	return true
}

// nextLetter returns the first letter at or after i, skipping opening
// quotes and brackets, and where it starts; 0 and i when there is none.
func nextLetter(text string, i, end int) (rune, int) {
	for i < end {
		r, size := utf8.DecodeRuneInString(text[i:end])
		if unicode.IsLetter(r) {
			return r, i
		}
		if !isOpener(r) {
			return 0, i
		}
		i += size
	}
	return 0, i
}

func isOpener(r rune) bool {
	switch r {
	case '"', '\'', '(', '[', '“', '‘', '«', '„':
		return true
	}
	return false
}

// wordBefore returns the token that ends at the period at termStart,
// without the opening punctuation in front of it: "(Jan" gives "Jan".
func wordBefore(text string, sentStart, termStart int) string {
	i := termStart
	for i > sentStart && !isSpace(text[i-1]) {
		i--
	}
	for i < termStart {
		r, size := utf8.DecodeRuneInString(text[i:termStart])
		if !isOpener(r) {
			break
		}
		i += size
	}
	return text[i:termStart]
}

// wordEnd returns the end of the word that starts at i.
func wordEnd(text string, i, end int) int {
	for i < end {
		r, size := utf8.DecodeRuneInString(text[i:end])
		if !unicode.IsLetter(r) && r != '\'' && r != '’' {
			break
		}
		i += size
	}
	return i
}

// isInitial reports a single upper-case letter, such as the "J" of "J. Smith".
func isInitial(word string) bool {
	r, size := utf8.DecodeRuneInString(word)
	return size == len(word) && unicode.IsUpper(r)
}

// terminatorLen returns the length of the sentence terminator at text[i],
// or 0 when there is none.
// mayTerminate marks the bytes terminatorLen can accept first.
var mayTerminate = [256]bool{'.': true, '?': true, '!': true, 0xE2: true, 0xD8: true, 0xE3: true, 0xEF: true}

func terminatorLen(text string, i, end int) int {
	if i >= end {
		return 0
	}
	switch text[i] {
	case '.', '?', '!':
		return 1
	case 0xE2: // "…" is E2 80 A6
		if i+2 < end && text[i+1] == 0x80 && text[i+2] == 0xA6 {
			return 3
		}
	case 0xD8: // Arabic-script "؟" is D8 9F
		if i+1 < end && text[i+1] == 0x9F {
			return 2
		}
	case 0xE3, 0xEF:
		if isFullWidthStop(text, i) {
			return 3
		}
	}
	return 0
}

// isFullWidthStop reports "。" (E3 80 82), "！" (EF BC 81) or "？" (EF BC 9F)
// at text[i].
func isFullWidthStop(text string, i int) bool {
	// Continuation bytes are never "\n", so the line end need not be checked.
	if i+2 >= len(text) {
		return false
	}
	a, b, c := text[i], text[i+1], text[i+2]
	return a == 0xE3 && b == 0x80 && c == 0x82 || a == 0xEF && b == 0xBC && (c == 0x81 || c == 0x9F)
}

// closersLen returns the length of the closing quotes and brackets that
// follow a terminator: `he said."` ends after the quote.
func closersLen(text string, i, end int) int {
	start := i
	for i < end {
		switch c := text[i]; {
		case c == '"' || c == '\'' || c == ')' || c == ']':
			i++
		case c == 0xE2 && i+2 < end && text[i+1] == 0x80 && (text[i+2] == 0x9D || text[i+2] == 0x99):
			i += 3 // ” and ’
		case c == 0xC2 && i+1 < end && text[i+1] == 0xBB:
			i += 2 // »
		default:
			return i - start
		}
	}
	return i - start
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'
}

// spaceLen returns the length of the white-space rune at text[i], or 0.
// Clean text has ASCII spaces only, but Split also takes raw text.
func spaceLen(text string, i int) int {
	c := text[i]
	if c < utf8.RuneSelf {
		if isSpace(c) {
			return 1
		}
		return 0
	}
	r, size := utf8.DecodeRuneInString(text[i:])
	if unicode.IsSpace(r) {
		return size
	}
	return 0
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
