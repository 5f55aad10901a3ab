package text

import (
	"reflect"
	"strings"
	"testing"
)

// FromPlainString and SniffString spare the copies of []byte(s); they must
// answer exactly what FromPlain and Sniff answer on the same bytes,
// errors included.
func FuzzStringFormsSameAsBytes(f *testing.F) {
	for _, s := range []string{
		"Taliban fighters seized the crossing on Monday, officials said.\n\nSubscribe to our Telegram channel!",
		"\xef\xbb\xbf  \n<p>One.</p><p>Two.</p>", "\xef\xbb\xbf\xef\xbb\xbf<html><body>x</body></html>",
		"", " \t\n", "\u00a0\u2003 \u0085", "a\x00b", "\x01\x02\x03\x04 text", "bad \xff utf8", "\xc3",
		"<div>tag first</div> then text", strings.Repeat("word ", 300) + "</p></p>",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if a, b := SniffString(s), Sniff([]byte(s)); a != b {
			t.Fatalf("SniffString(%q) = %v, Sniff = %v", s, a, b)
		}
		got, gerr := FromPlainString(s)
		want, werr := FromPlain([]byte(s))
		if (gerr == nil) != (werr == nil) || gerr != nil && gerr.Error() != werr.Error() {
			t.Fatalf("FromPlainString(%q) error %v, FromPlain error %v", s, gerr, werr)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("FromPlainString(%q) = %+v, FromPlain = %+v", s, got, want)
		}
	})
}
