package text

import (
	"borderwatch/internal/sharedtest"
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/net/html"
)

func TestErrors(t *testing.T) {
	big := bytes.Repeat([]byte("The river is wide here. "), 50<<20/24+1) // about 50 MB, made here
	controls := bytes.Repeat([]byte("ab\x01\x02\x03\x1b"), 100)
	tests := []struct {
		name    string
		raw     []byte
		want    error
		mention []string // words the message must contain
	}{
		{"empty", nil, ErrEmpty, []string{"0 bytes"}},
		{"whitespace", []byte(" \n\t\r\n "), ErrEmpty, []string{"white space"}},
		{"too large", big, ErrTooLarge, []string{"20971520"}},
		{"NUL byte", []byte("text\x00more"), ErrBinary, []string{"offset 4"}},
		{"control bytes", controls, ErrBinary, []string{"control bytes"}},
		{"invalid UTF-8", []byte("Kabul \xc3\x28 airport"), ErrInvalidUTF8, []string{"offset 6"}},
		{"truncated rune at end", []byte("Dushanbe \xe2\x80"), ErrInvalidUTF8, []string{"offset 9"}},
	}
	for _, tt := range tests {
		for _, kind := range []string{"plain", "html"} {
			t.Run(tt.name+"/"+kind, func(t *testing.T) {
				var err error
				if kind == "plain" {
					_, err = FromPlain(tt.raw)
				} else {
					_, err = FromHTML(tt.raw, "")
				}
				if !errors.Is(err, tt.want) {
					t.Fatalf("error = %v, want %v", err, tt.want)
				}
				for _, m := range tt.mention {
					if !strings.Contains(err.Error(), m) {
						t.Errorf("error %q does not say %q", err, m)
					}
				}
			})
		}
	}
	if len(big) <= 50<<20-100 {
		t.Fatalf("big input is only %d bytes", len(big))
	}
}

func TestHTMLCharsetErrors(t *testing.T) {
	tests := []struct {
		name string
		page string
	}{
		{"declares utf-8 but is not", "<html><head><meta charset=\"utf-8\"></head><body><p>Kabul \xff</p></body></html>"},
		{"declares an unknown charset", "<html><head><meta charset=\"klingon-8\"></head><body><p>Kabul \xff</p></body></html>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := FromHTML([]byte(tt.page), "")
			if !errors.Is(err, ErrInvalidUTF8) || !strings.Contains(err.Error(), "offset") {
				t.Fatalf("error = %v, want ErrInvalidUTF8 naming the offset", err)
			}
		})
	}
}

// x/net/html refuses elements nested more than 512 deep; that is a clear
// error, not a crash or a stack the size of the page.
func TestHTMLTooDeep(t *testing.T) {
	page := "<html><body>" + strings.Repeat("<div>", 600) + "<p>Text at the bottom.</p>" + strings.Repeat("</div>", 600) + "</body></html>"
	_, err := FromHTML([]byte(page), "")
	if !errors.Is(err, ErrBadHTML) || !strings.Contains(err.Error(), "512") {
		t.Fatalf("error = %v, want ErrBadHTML saying the 512 limit", err)
	}
}

// A page that declares windows-1251 but is really UTF-8 is read as UTF-8.
func TestHTMLStaleCharsetDeclaration(t *testing.T) {
	page := "<html><head><meta charset=\"windows-1251\"></head><body><p>Граница закрыта на ночь, сообщила пограничная служба.</p></body></html>"
	a, err := FromHTML([]byte(page), "")
	if err != nil {
		t.Fatal(err)
	}
	if a.Text != "Граница закрыта на ночь, сообщила пограничная служба." {
		t.Fatalf("text = %q", a.Text)
	}
}

func TestHTMLLangAttributeWins(t *testing.T) {
	page := `<html lang="tg-Cyrl-TJ"><body><p>This paragraph is in English, whatever the page says about itself.</p></body></html>`
	a, err := FromHTML([]byte(page), "https://example.org/x")
	if err != nil {
		t.Fatal(err)
	}
	if a.Lang != "tg" {
		t.Fatalf("Lang = %q, want the page's own tg", a.Lang)
	}
	page = strings.Replace(page, `lang="tg-Cyrl-TJ"`, `lang="prs"`, 1)
	if a, _ = FromHTML([]byte(page), ""); a.Lang != "fa" {
		t.Fatalf("Lang for lang=prs = %q, want fa", a.Lang)
	}
}

func TestHTMLBadURLIsHarmless(t *testing.T) {
	page := `<html><body><p>The border post reopened on Friday after a week of talks between the two sides.</p></body></html>`
	a, err := FromHTML([]byte(page), "://not a url\x7f")
	if err != nil || !strings.HasPrefix(a.Text, "The border post") {
		t.Fatalf("FromHTML with a bad URL = %q, %v", a.Text, err)
	}
}

func TestSniff(t *testing.T) {
	tests := []struct {
		raw  string
		want Kind
	}{
		{"<!DOCTYPE html><html><body>x</body></html>", HTML},
		{"\ufeff  \n<HTML lang=en>", HTML},
		{"<p>One paragraph.</p>", HTML},
		{"<div class=a>text</div>", HTML},
		{"Some notes first.\n<body><p>then a page</p></body>", HTML},
		{"Summary first.\n<p>One.</p>\n<p>Two.</p>", HTML},
		{"A lone </p> closing tag is not enough.", Plain},
		{"The border is 1,344 km long.", Plain},
		{"Prices rose 5% <as expected> in July.", Plain},
		{"<unknown> is not a tag we know, and there is no other marker", Plain},
		{"", Plain},
	}
	for _, tt := range tests {
		if got := Sniff([]byte(tt.raw)); got != tt.want {
			t.Errorf("Sniff(%q) = %v, want %v", tt.raw, got, tt.want)
		}
	}
}

func TestLanguage(t *testing.T) {
	// Sentences written for this test.
	tests := []struct {
		want, text string
	}{
		{"en", "The soldiers crossed the river at night and asked for shelter at the border post."},
		{"fr", "Les soldats ont traversé la rivière pendant la nuit et ils ont demandé un abri à la frontière."},
		{"de", "Die Soldaten haben in der Nacht den Fluss überquert und an der Grenze um Schutz gebeten."},
		{"es", "Los soldados cruzaron el río por la noche y pidieron refugio en el puesto de la frontera."},
		{"tr", "Askerler gece nehri geçti ve sınır karakolunda sığınak istedi, yetkililer bunu açıkladı."},
		{"uz", "Askarlar tunda daryoni kesib oʻtdi va chegara postida boshpana soʻradi, deb xabar qilindi."},
		{"uz", "Askarlar tunda daryoni kesib o'tdi va chegara postida boshpana so'radi, bu haqida xabar berildi."},
		{"uz", "Аскарлар тунда дарёни кесиб ўтди ва чегара постида бошпана сўради, деб хабар қилинди."},
		{"ru", "Солдаты ночью перешли реку и попросили убежища на пограничной заставе, сообщили в службе."},
		{"tg", "Сарбозон шабона аз дарё гузаштанд ва дар посгоҳи сарҳадӣ паноҳ хостанд, хабар дод хадамот."},
		{"fa", "سربازان شب از رودخانه گذشتند و در پاسگاه مرزی پناه خواستند، این را یک مقام گفت."},
		{"ps", "سرتیري د شپې له سیند څخه تېر شول او په پوله کې یې پناه وغوښته، یو چارواکي وویل."},
		{"ar", "عبر الجنود النهر في الليل وطلبوا اللجوء في مركز الحدود، كما قال مسؤول من الحكومة."},
		{"zh", "士兵们夜间渡过河流，并在边境哨所请求庇护。"},
		{"", "Kabul"},
		{"", "OK!"},
		{"", "1,037 / 1,344 — 2021-07-05"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := Language(tt.text); got != tt.want {
			t.Errorf("Language(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}

// TestLanguageReadsOnlyTheStart checks the 2 KB window: a long English
// text with Russian after the window is still English, and cutting inside
// a multi-byte rune does no harm.
func TestLanguageReadsOnlyTheStart(t *testing.T) {
	en := strings.Repeat("The convoy reached the border and the guards let it pass. ", 40)
	ru := strings.Repeat("Колонна дошла до границы, и пограничники её пропустили. ", 200)
	if got := Language(en + ru); got != "en" {
		t.Fatalf("Language = %q, want en", got)
	}
	odd := strings.Repeat("я", langSample) // 2 bytes a rune: the cut falls mid-rune half the time
	_ = Language(odd[1:])
}

func sharedDir(t testing.TB) string { return sharedtest.Dir(t) }

// TestSeedArticle cleans the seed article: the only line dropped is its
// closing call to subscribe, and every other line is kept word for word.
func TestSeedArticle(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(sharedDir(t), "seed", "000_8bc1901eddcf3703.txt"))
	if err != nil {
		t.Skipf("seed article not available: %v", err)
	}
	a, err := FromPlain(raw)
	if err != nil {
		t.Fatal(err)
	}
	if a.Lang != "en" {
		t.Errorf("Lang = %q, want en", a.Lang)
	}
	if len(a.Dropped) != 1 || !strings.HasPrefix(a.Dropped[0], "Subscribe to ") {
		t.Errorf("Dropped = %q, want only the closing subscribe line", a.Dropped)
	}
	var want []string
	for _, line := range strings.Split(string(raw), "\n") {
		if line = strings.TrimSpace(line); line != "" && line != a.Dropped[0] {
			want = append(want, line)
		}
	}
	if a.Text != strings.Join(want, "\n") {
		t.Errorf("clean text differs from the article's own lines")
	}
	checkClean(t, a.Text)
}

func FuzzFromPlain(f *testing.F) {
	for _, s := range []string{"", "a", "Share this\r\nText.\r", "\ufeff\u200b\u00a0x", "\xff", "a\x00b",
		"Photo: x\nADVERTISEMENT\n", "e\u0301\u2028f\u2029g\u0085h", "\t \v\f"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		a, err := FromPlain(raw)
		checkFuzzResult(t, a, err)
	})
}

func FuzzFromHTML(f *testing.F) {
	for _, s := range []string{"", "<html>", "<p>x</p>", "<html lang=\"\"><body><p>Text.</p><br><p>More\r\n</p></body>",
		"<meta charset=windows-1251><p>\xcf\xf0\xe8\xe2\xe5\xf2</p>", "<script>x</script><noscript>y</noscript>",
		"<table><tr><td>a<td>b</table>", "<pre>a\n\nb</pre>", "<meta charset=\"utf-16\"><p>\xff\xfe</p>",
		"<script type=\"application/ld+json\">{\"datePublished\": 5}</script><p>x</p>",
		"<time datetime=\"2021-07-05T10:00:00+05:00\">x</time><p>y</p>"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		a, err := FromHTML(raw, "https://example.org/a")
		checkFuzzResult(t, a, err)
	})
}

func checkFuzzResult(t *testing.T, a Article, err error) {
	t.Helper()
	if err != nil {
		for _, known := range []error{ErrEmpty, ErrBinary, ErrInvalidUTF8, ErrTooLarge, ErrNoText, ErrBadHTML} {
			if errors.Is(err, known) {
				return
			}
		}
		t.Fatalf("error %v is none of the package's errors", err)
	}
	if a.Text == "" {
		t.Fatal("no error but empty text")
	}
	for _, s := range append([]string{a.Text, a.Title, a.Lang}, a.Dropped...) {
		if !utf8.ValidString(s) {
			t.Fatalf("output %q is not valid UTF-8", s)
		}
	}
	if strings.Contains(a.Text, "\r") {
		t.Fatalf("clean text %q contains \\r", a.Text)
	}
	for _, line := range strings.Split(a.Text, "\n") {
		if line == "" {
			t.Fatalf("clean text %q has an empty line", a.Text)
		}
	}
}

// TestLanguageOnPLOVERSentences runs the detector over the PLOVER example
// sentences, all English: the pipeline skips documents it calls another
// language, so calling English anything else would lose events.
func TestLanguageOnPLOVERSentences(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(sharedDir(t), "eval", "plover-gsr-dev.jsonl"))
	if err != nil {
		t.Skipf("PLOVER sentences not available: %v", err)
	}
	n, en := 0, 0
	for i, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		var rec struct {
			Text string `json:"text"`
		}
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
		n++
		switch got := Language(rec.Text); got {
		case "en":
			en++
		case "":
		default:
			t.Errorf("Language(%q) = %q, want en", rec.Text, got)
		}
	}
	if n == 0 || en*100 < n*95 {
		t.Errorf("%d of %d English sentences detected as en, want at least 95%%", en, n)
	}
}

// TestMarkedArticle checks which golden pages take the fast path (the
// page's own article markup) and which go to readability.
func TestMarkedArticle(t *testing.T) {
	tests := []struct {
		file string
		fast bool
	}{
		{"news_page.txtar", true},           // one <article>
		{"cms_page.txtar", true},            // one entry-content block
		{"related_cards_page.txtar", false}, // four <article> elements
		{"divsoup_page.txtar", false},       // no markup
		{"short_page.txtar", false},         // no markup, little text
	}
	for _, tt := range tests {
		data, err := os.ReadFile(filepath.Join("testdata", tt.file))
		if err != nil {
			t.Fatal(err)
		}
		page, _ := parseArchive(string(data)).get("input.html")
		doc, err := html.Parse(strings.NewReader(page))
		if err != nil {
			t.Fatal(err)
		}
		meta := readMeta(doc)
		if got := markedArticle(&meta) != nil; got != tt.fast {
			t.Errorf("%s: fast path = %v, want %v", tt.file, got, tt.fast)
		}
	}
}
