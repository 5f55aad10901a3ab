package text

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Boilerplate lines are short; a paragraph longer than this is article
// text whatever it starts with, except for cookie notices, which ramble.
const (
	maxBoilerplateLine = 240
	maxCookieLine      = 600
)

// headLen is how much of a line's start is lower-cased for the prefix
// checks; every prefix and lone word is shorter.
const headLen = 64

// isBoilerplate reports a line that belongs to the page around the article
// rather than to the article: calls to subscribe, follow or share, "Read
// also" links, adverts, cookie notices, photo credits, copyright lines and
// rows of navigation or social-network links. It runs on every line, so
// whole lines are lower-cased only when a marker word is present.
func isBoilerplate(line string) bool {
	if len(line) > maxCookieLine {
		return false
	}
	if containsAny(line, "ookie", "OOKIE") && isCookieNotice(strings.ToLower(line)) {
		return true
	}
	if len(line) > maxBoilerplateLine {
		return false
	}
	if containsAny(line, "reserved", "RESERVED", "защищены") &&
		containsAny(strings.ToLower(line), "all rights reserved", "все права защищены") {
		return true
	}
	var buf [headLen + 32]byte
	head := string(lowerHead(buf[:0], line, headLen))
	if strings.HasPrefix(head, "©") || strings.HasPrefix(head, "copyright ") || strings.HasPrefix(head, "(c) ") {
		return true
	}
	bare := strings.TrimLeftFunc(head, isEdgePunct)
	if bare != "" {
		for _, p := range prefixesByFirstByte[bare[0]] {
			if strings.HasPrefix(bare, p) {
				return true
			}
		}
	}
	if len(line) <= headLen && loneBoilerplate[strings.TrimRightFunc(bare, isEdgePunct)] {
		return true
	}
	return isLinkRow(line)
}

// lowerHead appends the lower case of the whole runes of s's first n bytes.
func lowerHead(dst []byte, s string, n int) []byte {
	for i := 0; i < len(s) && i < n; {
		c := s[i]
		if c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			dst = append(dst, c)
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		dst = utf8.AppendRune(dst, unicode.ToLower(r))
		i += size
	}
	return dst
}

func containsAny(s string, words ...string) bool {
	for _, w := range words {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

// isEdgePunct trims what decorates a lone word: "ADVERTISEMENT", "— Advertisement —".
func isEdgePunct(r rune) bool {
	return unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r)
}

func isCookieNotice(lower string) bool {
	if !strings.Contains(lower, "cookie") && !strings.Contains(lower, "файлы cookie") {
		return false
	}
	for _, w := range []string{"we use", "uses cookies", "use of cookies", "accept", "consent", "cookie policy",
		"cookies policy", "browsing", "you agree", "by continuing", "privacy"} {
		if strings.Contains(lower, w) {
			return true
		}
	}
	return false
}

// loneBoilerplate are whole lines (lower case, decoration trimmed) that
// are page furniture, never article text.
var loneBoilerplate = map[string]bool{
	"advertisement": true, "advertising": true, "ad": true, "ads": true, "sponsored": true,
	"sponsored content": true, "promoted": true, "promoted content": true, "paid content": true,
	"share": true, "share this": true, "share this article": true, "share this story": true,
	"share this post": true, "share article": true, "tweet": true, "print": true, "email": true,
	"e-mail": true, "comments": true, "comment": true, "read more": true, "more": true,
	"related": true, "related articles": true, "related news": true, "related stories": true,
	"most read": true, "most popular": true, "trending": true, "tags": true, "top": true,
	"back to top": true, "loading": true, "skip to content": true, "skip to main content": true,
	"menu": true, "search": true, "close": true, "next": true, "previous": true,
	"реклама": true, "поделиться": true, "комментарии": true, "читать далее": true,
	"تبلیغات": true, "إعلان": true, "reklama": true, "werbung": true, "anzeige": true,
	"publicité": true, "publicidad": true, "reklam": true,
}

// boilerplatePrefixes open lines that call the reader to act or label
// something other than the article: imperative calls to subscribe, follow,
// join or share, cross-links, and photo credits.
var boilerplatePrefixes = []string{
	"subscribe to ", "subscribe for ", "subscribe now", "subscribe on ", "subscribe:",
	"follow us", "follow @", "find us on ", "join us on ", "join our ", "like us on ",
	"connect with us", "stay connected", "stay updated", "get our newsletter",
	"share this", "share on ", "share via ", "sign up for ", "sign up to ", "sign up now",
	"click here", "tap here", "download our app", "download the app", "get the app",
	"read also", "read more:", "also read", "see also", "related:", "more on this",
	"recommended:", "don't miss", "don’t miss", "you may also like", "you might also like",
	"photo:", "photo by ", "photos:", "photo credit", "photograph:", "image:", "image credit",
	"picture:", "pictured:", "illustration:", "credit:", "file photo",
	"читайте также", "читайте нас", "подписывайтесь", "подпишитесь", "смотрите также",
	"фото:", "фото -", "фото —", "источник фото",
	"lire aussi", "abonnez-vous", "lesen sie auch", "folgen sie uns", "lee también", "síguenos",
}

// prefixesByFirstByte indexes boilerplatePrefixes by their first byte, so
// a line is compared only with the few that could match.
var prefixesByFirstByte = func() (idx [256][]string) {
	for _, p := range boilerplatePrefixes {
		idx[p[0]] = append(idx[p[0]], p)
	}
	return idx
}()

// linkWords are navigation words and social-network names that fill rows
// of links ("Facebook Twitter Telegram", "Home | News | World").
var linkWords = map[string]bool{
	"home": true, "news": true, "world": true, "politics": true, "business": true, "economy": true,
	"sport": true, "sports": true, "culture": true, "opinion": true, "video": true, "videos": true,
	"photo": true, "photos": true, "menu": true, "search": true, "login": true, "log": true,
	"in": true, "sign": true, "register": true, "contact": true, "contacts": true, "about": true,
	"us": true, "privacy": true, "policy": true, "terms": true, "rss": true, "share": true,
	"tweet": true, "email": true, "e-mail": true, "print": true, "copy": true, "link": true,
	"comments": true, "subscribe": true, "newsletter": true, "more": true, "and": true, "or": true,
	"facebook": true, "twitter": true, "x": true, "telegram": true, "vk": true, "vkontakte": true,
	"whatsapp": true, "viber": true, "instagram": true, "youtube": true, "tiktok": true,
	"linkedin": true, "reddit": true, "pinterest": true, "odnoklassniki": true, "ok": true,
	"threads": true, "bluesky": true, "mastodon": true, "flipboard": true, "messenger": true,
	"google": true, "yandex": true, "zen": true, "dzen": true, "channel": true,
}

// socialNetworks are the names counted when a short line is mostly a list
// of places to follow the publisher.
var socialNetworks = map[string]bool{
	"facebook": true, "twitter": true, "telegram": true, "vk": true, "vkontakte": true,
	"whatsapp": true, "viber": true, "instagram": true, "youtube": true, "tiktok": true,
	"linkedin": true, "reddit": true, "pinterest": true, "odnoklassniki": true, "rss": true,
	"threads": true, "bluesky": true, "mastodon": true, "flipboard": true, "dzen": true,
}

// callVerbs open an imperative call to the reader ("Follow X on Telegram").
var callVerbs = map[string]bool{
	"follow": true, "subscribe": true, "join": true, "find": true, "watch": true,
	"download": true, "share": true, "connect": true, "read": true,
}

// maxLinkRowWords bounds the lines isLinkRow looks at.
const maxLinkRowWords = 16

// isLinkRow reports a short line made only of link words, a call to
// follow the publisher on a social network, or a line that names two or
// more social networks and is two-thirds link words. A news sentence about
// the networks ("Facebook and Twitter blocked the accounts.") has too
// many other words to match.
func isLinkRow(line string) bool {
	if strings.Count(line, " ") >= maxLinkRowWords {
		return false // most paragraphs leave here, before any decoding
	}
	var words [maxLinkRowWords]string
	n := 0
	for i := 0; i < len(line); {
		r, size := utf8.DecodeRuneInString(line[i:])
		if isLinkSeparator(r) {
			i += size
			continue
		}
		j := i + size
		for j < len(line) {
			r, size := utf8.DecodeRuneInString(line[j:])
			if isLinkSeparator(r) {
				break
			}
			j += size
		}
		if n == maxLinkRowWords {
			return false
		}
		words[n] = line[i:j]
		n++
		i = j
	}
	if n == 0 {
		return false
	}
	// Map look-ups keyed by string(bytes) do not allocate.
	var buf [32]byte
	lower := func(w string) []byte {
		if len(w) > len(buf) {
			return nil // longer than any link word
		}
		return lowerHead(buf[:0], w, len(w))
	}
	call := callVerbs[string(lower(words[0]))]
	link, social, other := 0, 0, 0
	for _, w := range words[:n] {
		lw := lower(w)
		if linkWords[string(lw)] {
			link++
		} else if other++; !call && other*3 > n {
			return false // more than a third is ordinary words: article text
		}
		if socialNetworks[string(lw)] {
			social++
		}
	}
	switch {
	case link == n && n <= 8:
		return true
	case call && social >= 1 && n <= 12:
		return true
	}
	return social >= 2 && link*3 >= n*2
}

func isLinkSeparator(r rune) bool {
	if r < utf8.RuneSelf {
		// keep "e-mail" and "don't" whole
		return !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || r == '-' || r == '\'')
	}
	return r != '’' && (unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r))
}
