// Package text owns stage ③: turning a raw document (plain text or an HTML
// page) into clean article text, one paragraph per line, with its title,
// language and publication time. It refuses input that is not text with a
// clear error, normalises Unicode and white space, and drops boilerplate
// lines (subscribe/share/follow calls, adverts, cookie notices, photo
// credits, copyright lines) so later stages see only the article's words.
package text

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// MaxBytes is the largest document accepted; larger input is refused
// rather than held in memory.
const MaxBytes = 20 << 20

// Errors returned, wrapped with detail, by FromPlain and FromHTML.
var (
	ErrEmpty       = errors.New("empty document")
	ErrBinary      = errors.New("binary data, not text")
	ErrInvalidUTF8 = errors.New("invalid UTF-8")
	ErrTooLarge    = errors.New("document too large")
	ErrNoText      = errors.New("no article text")
	// ErrBadHTML is HTML the parser refuses, such as elements nested more
	// than 512 deep.
	ErrBadHTML = errors.New("malformed HTML")
)

// Article is the clean text of one document and what was learnt about it.
type Article struct {
	Text      string    // clean text: paragraphs separated by "\n", one paragraph per line, no boilerplate
	Title     string    // from og:title, <title> or <h1> for HTML; "" for plain text
	Lang      string    // ISO 639-1 code ("en", "ru", "fa", "tg"...) or "" when unknown
	Published time.Time // from HTML metadata, keeping its offset; zero if none
	Dropped   []string  // boilerplate lines removed (for debugging / tests)
}

// Kind is what a raw document looks like.
type Kind int

// Kinds of raw documents.
const (
	Plain Kind = iota
	HTML
)

func (k Kind) String() string {
	if k == HTML {
		return "html"
	}
	return "plain"
}

// sniffWindow is how far into a document Sniff looks for HTML markers.
const sniffWindow = 1024

// Sniff tells HTML from plain text by content, in the first 1 KB: HTML has
// <!doctype html>, <html or <body there, or two closed paragraphs, or
// starts with a tag and has another marker (<head, <meta, <p, <div, ...).
func Sniff(raw []byte) Kind {
	return sniffHead(bytes.TrimLeft(bytes.TrimPrefix(raw, utf8BOM), " \t\r\n\f"))
}

// SniffString is Sniff for a document held in a string, without copying it.
func SniffString(raw string) Kind {
	return sniffHead(strings.TrimLeft(strings.TrimPrefix(raw, string(utf8BOM)), " \t\r\n\f"))
}

// sniffHead is Sniff on the document after its BOM and leading white space.
func sniffHead[S ~string | ~[]byte](head S) Kind {
	if len(head) > sniffWindow {
		head = head[:sniffWindow]
	}
	var buf [sniffWindow]byte
	lower := buf[:len(head)]
	for i := 0; i < len(head); i++ {
		c := head[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		lower[i] = c
	}
	for _, m := range strongMarkers {
		if bytes.Contains(lower, m) {
			return HTML
		}
	}
	if bytes.Count(lower, closingP) >= 2 {
		return HTML // a fragment of paragraphs after some leading text
	}
	if len(lower) > 0 && lower[0] == '<' {
		for _, m := range weakMarkers {
			if bytes.Contains(lower, m) {
				return HTML
			}
		}
	}
	return Plain
}

var (
	utf8BOM       = []byte("\xef\xbb\xbf")
	closingP      = []byte("</p>")
	strongMarkers = [][]byte{[]byte("<!doctype html"), []byte("<html"), []byte("<body")}
	weakMarkers   = [][]byte{
		[]byte("<head"), []byte("<meta"), []byte("<title"), []byte("<p>"), []byte("<p "),
		[]byte("<div"), []byte("<article"), []byte("<br"), []byte("<h1"), []byte("<!--"),
	}
)

// FromPlain cleans a plain-text document.
func FromPlain(raw []byte) (Article, error) { return fromPlain(raw) }

// FromPlainString is FromPlain for a document held in a string: it spares
// the copy into []byte and the copy back.
func FromPlainString(raw string) (Article, error) { return fromPlain(raw) }

func fromPlain[S ~string | ~[]byte](raw S) (Article, error) {
	if err := checkRaw(raw); err != nil {
		return Article{}, err
	}
	if hasBOM(raw) {
		raw = raw[len(utf8BOM):]
	}
	if off := invalidUTF8At(raw); off >= 0 {
		return Article{}, fmt.Errorf("text: first bad byte sequence at byte offset %d: %w", off, ErrInvalidUTF8)
	}
	var a Article
	var lines int
	a.Text, a.Dropped, lines = clean(string(raw))
	if lines == 0 {
		return Article{}, fmt.Errorf("text: %d bytes of white space and invisible characters only: %w", len(raw), ErrEmpty)
	}
	if a.Text == "" {
		return Article{}, fmt.Errorf("text: all %d lines are boilerplate: %w", lines, ErrNoText)
	}
	a.Lang = Language(a.Text)
	return a, nil
}

// binarySample is how many leading bytes are checked for control bytes.
const binarySample = 8 << 10

// checkRaw refuses input that is too large, empty or binary.
func checkRaw[S ~string | ~[]byte](raw S) error {
	if len(raw) > MaxBytes {
		return fmt.Errorf("text: %d bytes is more than the %d-byte limit: %w", len(raw), MaxBytes, ErrTooLarge)
	}
	if isBlank(raw) {
		return fmt.Errorf("text: %d bytes of white space only: %w", len(raw), ErrEmpty)
	}
	if i := indexNUL(raw); i >= 0 {
		return fmt.Errorf("text: NUL byte at offset %d: %w", i, ErrBinary)
	}
	sample := raw[:min(len(raw), binarySample)]
	control := 0
	for k := 0; k < len(sample); k++ {
		c := sample[k]
		if c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f' || c == 0x7f {
			control++
		}
	}
	// Real text has next to no control bytes; a tenth is far past any
	// stray escape sequence and well below what binary formats show.
	if control*10 > len(sample) {
		return fmt.Errorf("text: %d of the first %d bytes are control bytes: %w", control, len(sample), ErrBinary)
	}
	return nil
}

// invalidUTF8At returns the offset of the first invalid UTF-8 sequence, or -1.
func invalidUTF8At[S ~string | ~[]byte](b S) int {
	if validUTF8(b) {
		return -1
	}
	for i := 0; i < len(b); {
		if b[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, size := decodeRune(b, i)
		if r == utf8.RuneError && size == 1 {
			return i
		}
		i += size
	}
	return -1
}

// The helpers below serve checkRaw and invalidUTF8At on both forms of a
// document; strings and byte slices go to their own fast library functions.

func hasBOM[S ~string | ~[]byte](s S) bool {
	return len(s) >= len(utf8BOM) && string(s[:len(utf8BOM)]) == string(utf8BOM)
}

func validUTF8[S ~string | ~[]byte](s S) bool {
	switch v := any(s).(type) {
	case string:
		return utf8.ValidString(v)
	case []byte:
		return utf8.Valid(v)
	}
	return utf8.ValidString(string(s))
}

func indexNUL[S ~string | ~[]byte](s S) int {
	switch v := any(s).(type) {
	case string:
		return strings.IndexByte(v, 0)
	case []byte:
		return bytes.IndexByte(v, 0)
	}
	return strings.IndexByte(string(s), 0)
}

func decodeRune[S ~string | ~[]byte](s S, i int) (rune, int) {
	var buf [utf8.UTFMax]byte
	return utf8.DecodeRune(buf[:copy(buf[:], s[i:])])
}

// isBlank reports whether s is white space only, as bytes.TrimSpace sees it.
func isBlank[S ~string | ~[]byte](s S) bool {
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c != ' ' && (c < '\t' || c > '\r') {
				return false
			}
			i++
			continue
		}
		r, size := decodeRune(s, i)
		if !unicode.IsSpace(r) {
			return false
		}
		i += size
	}
	return true
}
