package feed

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite golden files")

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// want is a hand-written expectation for one item.
type want struct {
	title, link, guid, published, publishedTime, author string
	summaryOnly                                         bool
}

func TestParseFormats(t *testing.T) {
	cases := []struct {
		file, format, title, lang string
		items                     []want
	}{
		{"rss2.xml", "rss", "Pamir Valley Monitor", "en", []want{
			{"Quiet night on the Panj after week of crossings", "https://pamir-monitor.example/news/quiet-night?utm_source=rss", "pvm-1001",
				"Tue, 06 Jul 2021 10:12:00 +0500", "2021-07-06T10:12:00+05:00", "Staff correspondent", false},
			{"Reservists report to units & border posts", "https://pamir-monitor.example/news/reservists", "https://pamir-monitor.example/news/reservists",
				"Mon, 05 Jul 2021 18:40:00 +0500", "2021-07-05T18:40:00+05:00", "", true},
			{"Camp opened for soldiers who crossed", "https://pamir-monitor.example/news/camp", "",
				"Sun, 04 Jul 2021 21:05:00 GMT", "2021-07-04T21:05:00Z", "", true},
			{"Item with only a permalink guid", "https://pamir-monitor.example/news/guid-only", "https://pamir-monitor.example/news/guid-only",
				"Sat, 03 Jul 2021 07:00:00 -0300", "2021-07-03T07:00:00-03:00", "", false},
		}},
		{"rss1.rdf", "rss", "Kunduz Notes", "en", []want{
			{"District centre changes hands", "https://kunduz-notes.example/2021/07/district-centre", "",
				"2021-07-04T08:30:00+04:30", "2021-07-04T08:30:00+04:30", "Field desk", true},
			{"Market reopens", "https://kunduz-notes.example/2021/07/market", "",
				"2021-07-05T12:00:00Z", "2021-07-05T12:00:00Z", "", false},
		}},
		{"atom.xml", "atom", "Badakhshan Wire", "en", []want{
			{"Patrols added at three crossings", "https://badakhshan-wire.example/patrols", "tag:badakhshan-wire.example,2021:patrols",
				"2021-07-06T09:30:00+05:00", "2021-07-06T09:30:00+05:00", "Wire Desk", false},
			{"Hospital adds beds", "https://badakhshan-wire.example/hospital", "tag:badakhshan-wire.example,2021:hospital",
				"2021-07-05T16:45:00-04:00", "2021-07-05T16:45:00-04:00", "", true},
		}},
		{"jsonfeed.json", "json", "Termez Evening", "en", []want{
			{"Bridge traffic slows", "https://termez-evening.example/bridge", "te-77",
				"2021-07-05T19:15:00+05:00", "2021-07-05T19:15:00+05:00", "River Desk", false},
			{"Ministry statement <short>", "https://termez-evening.example/statement", "te-78",
				"2021-07-06T08:00:00+05:00", "2021-07-06T08:00:00+05:00", "", true},
			{"No url, id is a link", "https://termez-evening.example/no-url", "https://termez-evening.example/no-url", "", "", "", true},
		}},
		{"cp1251.xml", "rss", "Вести Хорога", "ru", []want{
			{"Пограничники усилили охрану", "https://khorog-news.example/1", "",
				"Tue, 06 Jul 2021 09:00:00 +0500", "2021-07-06T09:00:00+05:00", "", true},
		}},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			f, err := Parse(readTestdata(t, c.file))
			if err != nil {
				t.Fatal(err)
			}
			if f.Format != c.format || f.Title != c.title || f.Lang != c.lang {
				t.Errorf("feed = %q %q %q, want %q %q %q", f.Format, f.Title, f.Lang, c.format, c.title, c.lang)
			}
			if len(f.Items) != len(c.items) {
				t.Fatalf("%d items, want %d", len(f.Items), len(c.items))
			}
			for i, w := range c.items {
				it := f.Items[i]
				got := want{it.Title, it.Link, it.GUID, it.Published, formatTime(it.PublishedTime), it.Author, it.SummaryOnly()}
				if got != w {
					t.Errorf("item %d:\n got %+v\nwant %+v", i, got, w)
				}
			}
		})
	}
}

func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.RFC3339)
}

func TestJSONFeedTextIsEscapedIntoParagraphs(t *testing.T) {
	f, err := Parse(readTestdata(t, "jsonfeed.json"))
	if err != nil {
		t.Fatal(err)
	}
	c := f.Items[0].Content
	if !strings.HasPrefix(c, "<p>Guards on the Tajik side") || strings.Count(c, "<p>") != 2 {
		t.Errorf("content_text not turned into two paragraphs: %.80q", c)
	}
	if got := f.Items[2].Content; got != "<p>Short note &amp; more.</p>" {
		t.Errorf("plain text not escaped: %q", got)
	}
	if got := f.Items[0].Summary; got != "<p>Trucks waited for hours at the bridge.</p>" {
		t.Errorf("summary = %q", got)
	}
}

// TestGolden pins every field of every item, so a gofeed upgrade that
// changes what we get shows up as a diff to review.
func TestGolden(t *testing.T) {
	for _, name := range []string{"rss2.xml", "rss1.rdf", "atom.xml", "jsonfeed.json", "cp1251.xml"} {
		t.Run(name, func(t *testing.T) {
			f, err := Parse(readTestdata(t, name))
			if err != nil {
				t.Fatal(err)
			}
			type goldenItem struct {
				Item
				PublishedTime string
				SummaryOnly   bool
			}
			out := struct {
				Format, Title, Link, Lang string
				Items                     []goldenItem
			}{Format: f.Format, Title: f.Title, Link: f.Link, Lang: f.Lang}
			for _, it := range f.Items {
				out.Items = append(out.Items, goldenItem{it, formatTime(it.PublishedTime), it.SummaryOnly()})
			}
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false) // keep the golden file readable
			enc.SetIndent("", "  ")
			if err := enc.Encode(out); err != nil {
				t.Fatal(err)
			}
			got := buf.Bytes()
			path := filepath.Join("testdata", name+".golden.json")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			wantBytes, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if !bytes.Equal(got, wantBytes) {
				t.Errorf("%s differs from golden file; review and run with -update:\n%s", name, got)
			}
		})
	}
}

func TestMalformed(t *testing.T) {
	cases := map[string]struct {
		input   string
		notFeed bool
		mention string
	}{
		"empty":           {"", true, "empty"},
		"whitespace":      {" \n\t ", true, "empty"},
		"html page":       {"<!DOCTYPE html><html><body><p>Welcome</p></body></html>", true, "HTML page"},
		"plain text":      {"The border was quiet on Tuesday.", true, "not an RSS"},
		"truncated rss":   {`<rss version="2.0"><channel><title>x</title><item><title>a</title>`, false, "malformed RSS feed"},
		"truncated atom":  {`<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><entry><title>`, false, "malformed Atom feed"},
		"broken json":     {`{"version":"https://jsonfeed.org/version/1.1","title":"j","items":[{"id":"1",`, false, "malformed JSON Feed"},
		"json wrong type": {`{"version":"https://jsonfeed.org/version/1","title":"j","items":"oops"}`, false, "malformed JSON Feed"},
		"binary":          {"\x00\x01\x02\xff\xfe<rss", true, "not an RSS"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			f, err := Parse([]byte(c.input))
			if err == nil {
				t.Fatalf("parsed %+v, want an error", f)
			}
			if errors.Is(err, ErrNotFeed) != c.notFeed {
				t.Errorf("errors.Is(ErrNotFeed) = %v for %v", !c.notFeed, err)
			}
			if !strings.Contains(err.Error(), c.mention) {
				t.Errorf("error %q does not mention %q", err, c.mention)
			}
		})
	}
}

func TestSummaryOnly(t *testing.T) {
	long := "<p>" + strings.TrimSpace(string(readTestdata(t, "longtext.txt"))) + "</p>"
	cases := []struct {
		name string
		item Item
		want bool
	}{
		{"nothing", Item{Link: "https://x.example/a"}, true},
		{"long content", Item{Content: long}, false},
		{"long summary, no content", Item{Summary: long}, false},
		{"short summary", Item{Summary: "<p>Guards reported a quiet night.</p>"}, true},
		{"short but no teaser, ends in 'spread more'", Item{Content: "<p>The fire spread more</p>"}, true},
		{"long, 'spread more' is not 'read more'", Item{Content: strings.TrimSuffix(long, "</p>") + " as the news spread more widely.</p>"}, false},
		{"long but read more", Item{Content: long + `<p><a href="/a">Read more</a></p>`}, true},
		{"long but ellipsis", Item{Content: strings.TrimSuffix(long, "</p>") + " and then […]</p>"}, true},
		{"wordpress footer", Item{Content: long + "<p>The post Quiet night appeared first on Example.</p>"}, true},
		{"tags only", Item{Content: "<p><img src=x></p>", Summary: "<br/>"}, true},
		{"script padding does not count", Item{Content: "<script>" + strings.Repeat("var a = 1; ", 200) + "</script><p>Short.</p>"}, true},
		{"empty content falls back to long summary", Item{Content: "<p> </p>", Summary: long}, false},
	}
	for _, c := range cases {
		if got := c.item.SummaryOnly(); got != c.want {
			t.Errorf("%s: SummaryOnly = %v, want %v", c.name, got, c.want)
		}
	}
}

func TestPlainText(t *testing.T) {
	got := PlainText("<p>Border  &amp; river</p>\n<script>x()</script><p>calm&#8230;</p>")
	if got != "Border & river calm…" {
		t.Errorf("PlainText = %q", got)
	}
}

func FuzzParse(f *testing.F) {
	for _, name := range []string{"rss2.xml", "rss1.rdf", "atom.xml", "jsonfeed.json", "cp1251.xml"} {
		f.Add(readTestdata(f, name))
	}
	f.Add([]byte(`<rss version="2.0"><channel><item><pubDate>Mon, 99 Jul 2021 25:61:00 +9999</pubDate></item></channel></rss>`))
	f.Add([]byte(`{"version":"https://jsonfeed.org/version/1","items":[null,{"date_published":"x"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		fd, err := Parse(data)
		if err != nil {
			if fd != nil {
				t.Fatal("a feed and an error at once")
			}
			return
		}
		for _, it := range fd.Items {
			it.SummaryOnly()
			if !it.PublishedTime.IsZero() && it.Published == "" {
				t.Fatalf("a time without its raw string: %+v", it)
			}
		}
	})
}

func BenchmarkParse(b *testing.B) {
	for _, name := range []string{"rss2.xml", "atom.xml", "jsonfeed.json"} {
		data := readTestdata(b, name)
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if _, err := Parse(data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
