package text

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"time"

	readability "codeberg.org/readeck/go-readability/v2"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/text/encoding/htmlindex"
)

// minArticleText is the clean-text length under which readability's pick
// is doubted and the page body's own text is tried instead.
const minArticleText = 250

// FromHTML extracts the article of an HTML page. The article node is the
// page's own single article element when it holds real paragraphs (see
// markedArticle), else readability's pick; it is walked to text keeping
// paragraph breaks, then cleaned like plain text. When that gives too
// little, the body's text (without scripts, navigation, sidebars, footers
// and the like) is used. pageURL may be empty; it only helps readability
// resolve links.
func FromHTML(raw []byte, pageURL string) (Article, error) {
	if err := checkRaw(raw); err != nil {
		return Article{}, err
	}
	raw, err := decodeHTML(raw)
	if err != nil {
		return Article{}, err
	}
	doc, err := html.Parse(bytes.NewReader(raw))
	if err != nil {
		return Article{}, fmt.Errorf("text: parsing HTML: %v: %w", err, ErrBadHTML)
	}
	meta := readMeta(doc)
	var a Article
	a.Title = meta.title()
	a.Published = meta.published()

	body := findElement(doc, atom.Body)
	if body == nil || body.FirstChild == nil {
		return Article{}, fmt.Errorf("text: the page has no body: %w", ErrNoText)
	}

	var articleText string
	var articleDropped []string
	if node := markedArticle(&meta); node != nil {
		articleText, articleDropped, _ = clean(nodeText(node, true))
	} else {
		u, _ := url.Parse(pageURL) // a bad URL only costs relative-link resolution
		if node := readableNode(doc, u); node != nil {
			articleText, articleDropped, _ = clean(nodeText(node, false))
		}
	}
	a.Text, a.Dropped = articleText, articleDropped
	if len(articleText) < minArticleText {
		// readability changed the tree; parse again for the fallback.
		fresh, err := html.Parse(bytes.NewReader(raw))
		if err == nil {
			if b := findElement(fresh, atom.Body); b != nil {
				bodyText, bodyDropped, _ := clean(nodeText(b, true))
				// Only a clearly longer body wins: it also holds whatever
				// unmarked sidebar readability rightly left out.
				if len(bodyText) > 2*len(articleText) {
					a.Text, a.Dropped = bodyText, bodyDropped
				}
			}
		}
	}
	// The headline is in Title; repeated as the first line it would make
	// the text differ between pages whose readability pick keeps the <h1>
	// and those where it does not.
	if first, rest, _ := strings.Cut(a.Text, "\n"); rest != "" && (first == a.Title || first == meta.headline()) {
		a.Text = rest
		a.Dropped = append([]string{first}, a.Dropped...)
	}
	if a.Text == "" {
		return Article{}, fmt.Errorf("text: the page body has no article text: %w", ErrNoText)
	}
	a.Lang = meta.lang
	if a.Lang == "" {
		a.Lang = Language(a.Text)
	}
	return a, nil
}

// Thresholds for trusting a page's own article markup (the fast path):
// enough paragraph text, in enough paragraphs, with few of its words in
// links.
const (
	minMarkedText       = 500
	minMarkedParagraphs = 3
	maxMarkedLinkShare  = 0.25
)

// markedArticle is the fast path: when the page marks exactly one element
// as its article body (itemprop="articleBody", else a publishing system's
// body class such as "entry-content", else the only <article>)
// and that element holds real paragraphs, it is the article, and
// readability, which costs more than half of FromHTML, is skipped. Pages
// with several articles (listings, related cards) or thin ones go to
// readability.
func markedArticle(m *pageMeta) *html.Node {
	var node *html.Node
	switch {
	case len(m.articleBodies) == 1:
		node = m.articleBodies[0]
	case len(m.articleBodies) > 1:
		return nil
	case len(m.contentBlocks) == 1:
		node = m.contentBlocks[0]
	case len(m.contentBlocks) > 1:
		return nil
	case len(m.articles) == 1:
		node = m.articles[0]
	default:
		return nil
	}
	var paragraphs, text, linkText int
	var walk func(n *html.Node, inP, inLink bool)
	walk = func(n *html.Node, inP, inLink bool) {
		if n.Type == html.TextNode {
			l := len(strings.TrimSpace(n.Data))
			if inP {
				text += l
			}
			if inLink {
				linkText += l
			}
			return
		}
		if n.Type == html.ElementNode {
			if skippedElements[n.DataAtom] || chromeElements[n.DataAtom] || isChrome(n) {
				return
			}
			switch n.DataAtom {
			case atom.P:
				paragraphs++
				inP = true
			case atom.A:
				inLink = true
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, inP, inLink)
		}
	}
	walk(node, false, false)
	if text < minMarkedText || paragraphs < minMarkedParagraphs ||
		float64(linkText) > maxMarkedLinkShare*float64(text) {
		return nil
	}
	return node
}

// readableNode returns readability's article node, or nil when it finds
// none. readability is third-party code walking hostile input, so a panic
// in it is turned into "found none" and the body fallback takes over.
func readableNode(doc *html.Node, u *url.URL) (node *html.Node) {
	defer func() {
		if recover() != nil {
			node = nil
		}
	}()
	parser := readability.NewParser()
	parser.DisableJSONLD = true // readMeta already read it
	art, err := parser.ParseAndMutate(doc, u)
	if err != nil {
		return nil
	}
	return art.Node
}

// decodeHTML returns raw as UTF-8. Valid UTF-8 is taken as it is, even
// when the page declares another charset, since such declarations are
// often stale; otherwise the declared charset (a <meta> in the first
// 2 KB) is decoded, and without one the first bad byte is reported.
func decodeHTML(raw []byte) ([]byte, error) {
	raw = bytes.TrimPrefix(raw, utf8BOM)
	off := invalidUTF8At(raw)
	if off < 0 {
		return raw, nil
	}
	name := declaredCharset(raw)
	if name == "" {
		return nil, fmt.Errorf("text: first bad byte sequence at byte offset %d and no charset declared: %w", off, ErrInvalidUTF8)
	}
	enc, err := htmlindex.Get(name)
	if err != nil {
		return nil, fmt.Errorf("text: unknown charset %q declared, and byte offset %d is not UTF-8: %w", name, off, ErrInvalidUTF8)
	}
	if canon, _ := htmlindex.Name(enc); canon == "utf-8" {
		return nil, fmt.Errorf("text: page declares UTF-8 but has a bad byte sequence at byte offset %d: %w", off, ErrInvalidUTF8)
	}
	decoded, err := enc.NewDecoder().Bytes(raw)
	if err != nil {
		return nil, fmt.Errorf("text: decoding %s: %v: %w", name, err, ErrInvalidUTF8)
	}
	if off := invalidUTF8At(decoded); off >= 0 {
		return nil, fmt.Errorf("text: %s decoded to bad UTF-8 at byte offset %d: %w", name, off, ErrInvalidUTF8)
	}
	return decoded, nil
}

// declaredCharset finds charset= in the first 2 KB, where <meta charset>
// and <meta http-equiv="Content-Type"> must be.
func declaredCharset(raw []byte) string {
	head := raw[:min(len(raw), 2048)]
	lower := bytes.ToLower(head)
	i := bytes.Index(lower, []byte("charset"))
	if i < 0 {
		return ""
	}
	rest := lower[i+len("charset"):]
	rest = bytes.TrimLeft(rest, " \t\r\n")
	if len(rest) == 0 || rest[0] != '=' {
		return ""
	}
	rest = bytes.TrimLeft(rest[1:], " \t\r\n\"'")
	end := bytes.IndexFunc(rest, func(r rune) bool {
		return !(r == '-' || r == '_' || r == ':' || r == '.' || 'a' <= r && r <= 'z' || '0' <= r && r <= '9')
	})
	if end < 0 {
		end = len(rest)
	}
	return string(rest[:end])
}

// pageMeta is what the page's markup says about the article.
type pageMeta struct {
	lang                            string
	ogTitle, titleTag, h1           string
	metaPublished, jsonLDPublished  string
	itempropPublished, timeDatetime string
	otherMetaPublished              string
	// articles and articleBodies are the <article> elements and the
	// elements marked itemprop="articleBody", for the fast path.
	articles, articleBodies []*html.Node
	// contentBlocks carry a class that publishing systems give the
	// article body ("entry-content", "article-body", ...).
	contentBlocks []*html.Node
}

func (m *pageMeta) title() string {
	for _, t := range []string{m.ogTitle, m.titleTag, m.h1} {
		if t = strings.Join(strings.Fields(t), " "); t != "" {
			return t
		}
	}
	return ""
}

// headline is the page's first <h1>, white space collapsed.
func (m *pageMeta) headline() string {
	return strings.Join(strings.Fields(m.h1), " ")
}

// published returns the first parsable date, trying the sources in order
// of how reliably they mean "publication": article:published_time, then
// JSON-LD datePublished, itemprop=datePublished, <time datetime>, and
// other date metas.
func (m *pageMeta) published() time.Time {
	for _, s := range []string{m.metaPublished, m.jsonLDPublished, m.itempropPublished, m.timeDatetime, m.otherMetaPublished} {
		if t, ok := parseTime(s); ok {
			return t
		}
	}
	return time.Time{}
}

var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05Z0700",
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02T15:04",
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02 15:04:05 -0700",
	"2006-01-02 15:04:05 Z07:00",
	"2006-01-02 15:04:05",
	"2006-01-02 15:04",
	time.RFC1123Z,
	time.RFC1123,
	"2006-01-02",
}

// parseTime parses the date formats pages use, keeping the offset written
// (a date without one is taken as UTC).
func parseTime(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, false
	}
	for _, layout := range timeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// readMeta walks the whole document once for the language, title and
// publication-date candidates.
func readMeta(doc *html.Node) pageMeta {
	var m pageMeta
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.DataAtom {
			case atom.Html:
				if m.lang == "" {
					m.lang = langFromTag(attr(n, "lang"))
				}
			case atom.Title:
				if m.titleTag == "" {
					m.titleTag = innerText(n)
				}
			case atom.H1:
				if m.h1 == "" {
					m.h1 = innerText(n)
				}
			case atom.Meta:
				readMetaTag(&m, n)
			case atom.Article:
				m.articles = append(m.articles, n)
			case atom.Time:
				if m.timeDatetime == "" {
					m.timeDatetime = attr(n, "datetime")
				}
			case atom.Script:
				if m.jsonLDPublished == "" && strings.EqualFold(attr(n, "type"), "application/ld+json") {
					m.jsonLDPublished = jsonLDPublished(innerText(n))
				}
				return
			case atom.Style:
				return
			}
			if attr(n, "itemprop") == "articleBody" {
				m.articleBodies = append(m.articleBodies, n)
			}
			if hasContentClass(n) {
				m.contentBlocks = append(m.contentBlocks, n)
			}
			if m.itempropPublished == "" && attr(n, "itemprop") == "datePublished" && n.DataAtom != atom.Meta {
				m.itempropPublished = attr(n, "datetime")
				if m.itempropPublished == "" {
					m.itempropPublished = innerText(n)
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return m
}

func readMetaTag(m *pageMeta, n *html.Node) {
	content := attr(n, "content")
	key := strings.ToLower(attr(n, "property"))
	if key == "" {
		key = strings.ToLower(attr(n, "name"))
	}
	switch key {
	case "og:title":
		if m.ogTitle == "" {
			m.ogTitle = content
		}
	case "article:published_time", "og:article:published_time":
		if m.metaPublished == "" {
			m.metaPublished = content
		}
	case "pubdate", "publishdate", "publish-date", "date", "dc.date", "dc.date.issued", "dcterms.created",
		"sailthru.date", "parsely-pub-date", "article.published":
		if m.otherMetaPublished == "" {
			m.otherMetaPublished = content
		}
	}
	if m.itempropPublished == "" && attr(n, "itemprop") == "datePublished" {
		m.itempropPublished = content
	}
	if m.lang == "" && strings.EqualFold(attr(n, "http-equiv"), "content-language") {
		m.lang = langFromTag(content)
	}
}

// jsonLDPublished finds the first datePublished in a JSON-LD block,
// including inside @graph arrays.
func jsonLDPublished(src string) string {
	var v any
	if json.Unmarshal([]byte(src), &v) != nil {
		return ""
	}
	var find func(v any) string
	find = func(v any) string {
		switch x := v.(type) {
		case map[string]any:
			if s, ok := x["datePublished"].(string); ok && s != "" {
				return s
			}
			for _, child := range x {
				if s := find(child); s != "" {
					return s
				}
			}
		case []any:
			for _, child := range x {
				if s := find(child); s != "" {
					return s
				}
			}
		}
		return ""
	}
	return find(v)
}

// langFromTag turns a language tag ("en-US", "fa-AF", "prs", "tgk") into
// an ISO 639-1 code, or "" when it is not one we can name.
func langFromTag(tag string) string {
	tag = strings.ToLower(strings.TrimSpace(tag))
	if i := strings.IndexAny(tag, "-_"); i >= 0 {
		tag = tag[:i]
	}
	if len(tag) == 2 && isASCIILetter(tag[0]) && isASCIILetter(tag[1]) {
		return tag
	}
	return iso639_3[tag]
}

// iso639_3 maps the three-letter codes pages of the region use.
var iso639_3 = map[string]string{
	"eng": "en", "rus": "ru", "tgk": "tg", "uzb": "uz", "uzn": "uz", "fas": "fa", "per": "fa",
	"pes": "fa", "prs": "fa", "pus": "ps", "pbt": "ps", "ara": "ar", "tur": "tr", "fra": "fr",
	"fre": "fr", "deu": "de", "ger": "de", "spa": "es", "zho": "zh", "chi": "zh", "kir": "ky", "kaz": "kk",
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Namespace == "" && a.Key == key {
			return a.Val
		}
	}
	return ""
}

func findElement(n *html.Node, a atom.Atom) *html.Node {
	if n.Type == html.ElementNode && n.DataAtom == a {
		return n
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if found := findElement(c, a); found != nil {
			return found
		}
	}
	return nil
}

// innerText is the raw text under n, for metadata.
func innerText(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

// nodeText renders n as text with a line break around every block
// element, so paragraphs stay apart and clean() can split them. With
// skipChrome it also leaves out navigation, sidebars, footers, forms'
// controls and elements whose class or id names page furniture (used on
// the raw body, which readability has not cleaned).
func nodeText(n *html.Node, skipChrome bool) string {
	var b strings.Builder
	var walk func(n *html.Node, pre bool)
	walk = func(n *html.Node, pre bool) {
		switch n.Type {
		case html.TextNode:
			if pre {
				b.WriteString(n.Data)
				return
			}
			for i := 0; i < len(n.Data); {
				c := n.Data[i]
				if c == '\n' || c == '\r' || c == '\t' {
					b.WriteByte(' ')
					i++
					continue
				}
				j := i + 1
				for j < len(n.Data) && n.Data[j] != '\n' && n.Data[j] != '\r' && n.Data[j] != '\t' {
					j++
				}
				b.WriteString(n.Data[i:j])
				i = j
			}
			return
		case html.ElementNode:
			tag := n.DataAtom
			if tag == 0 {
				// readability renames elements (div to p) without their atom.
				tag = atom.Lookup([]byte(n.Data))
			}
			if skippedElements[tag] || skipChrome && (chromeElements[tag] || isChrome(n)) {
				return
			}
			switch tag {
			case atom.Br, atom.Hr:
				b.WriteByte('\n')
				return
			case atom.Td, atom.Th:
				defer b.WriteByte(' ')
			case atom.Pre:
				pre = true
			}
			if blockElements[tag] {
				b.WriteByte('\n')
				defer b.WriteByte('\n')
			}
		case html.CommentNode, html.DoctypeNode:
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, pre)
		}
	}
	walk(n, false)
	return b.String()
}

// skippedElements never hold article text.
var skippedElements = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Template: true, atom.Iframe: true,
	atom.Svg: true, atom.Math: true, atom.Head: true, atom.Object: true, atom.Embed: true,
	atom.Canvas: true, atom.Select: true, atom.Button: true, atom.Input: true, atom.Textarea: true,
	atom.Audio: true, atom.Video: true, atom.Map: true,
}

// chromeElements hold the page around the article.
var chromeElements = map[atom.Atom]bool{
	atom.Nav: true, atom.Aside: true, atom.Footer: true, atom.Menu: true, atom.Dialog: true,
}

var blockElements = map[atom.Atom]bool{
	atom.P: true, atom.Div: true, atom.Li: true, atom.Ul: true, atom.Ol: true, atom.Dl: true,
	atom.Dt: true, atom.Dd: true, atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true,
	atom.H5: true, atom.H6: true, atom.Blockquote: true, atom.Pre: true, atom.Table: true,
	atom.Tr: true, atom.Section: true, atom.Article: true, atom.Header: true, atom.Footer: true,
	atom.Main: true, atom.Aside: true, atom.Nav: true, atom.Figure: true, atom.Figcaption: true,
	atom.Address: true, atom.Form: true, atom.Fieldset: true, atom.Details: true, atom.Summary: true,
	atom.Caption: true, atom.Body: true, atom.Center: true,
}

// chromeWords in a class or id mark page furniture in the body fallback.
var chromeWords = map[string]bool{
	"nav": true, "navbar": true, "navigation": true, "menu": true, "sidebar": true, "footer": true,
	"cookie": true, "cookies": true, "consent": true, "gdpr": true, "share": true, "sharing": true,
	"social": true, "banner": true, "ad": true, "ads": true, "advert": true, "advertisement": true,
	"promo": true, "related": true, "newsletter": true, "subscribe": true, "comments": true,
	"breadcrumb": true, "breadcrumbs": true, "popup": true, "modal": true, "widget": true,
	"byline": true, "author": true,
}

// contentClasses are whole class names publishing systems give the
// element that holds an article's paragraphs.
var contentClasses = map[string]bool{
	"article-body": true, "articlebody": true, "article__body": true, "article-content": true,
	"article-text": true, "story-body": true, "story-content": true, "entry-content": true,
	"post-content": true, "post-body": true, "news-text": true, "news-body": true,
	"field-name-body": true, "td-post-content": true, "content-body": true,
}

func hasContentClass(n *html.Node) bool {
	for _, a := range n.Attr {
		if a.Key == "class" {
			for _, c := range strings.Fields(strings.ToLower(a.Val)) {
				if contentClasses[c] {
					return true
				}
			}
		}
	}
	return false
}

// isChrome reports an element whose class or id names page furniture.
func isChrome(n *html.Node) bool {
	for _, a := range n.Attr {
		if a.Key != "class" && a.Key != "id" {
			continue
		}
		for w := range strings.FieldsFuncSeq(strings.ToLower(a.Val), func(r rune) bool {
			return !('a' <= r && r <= 'z')
		}) {
			if chromeWords[w] {
				return true
			}
		}
	}
	return false
}
