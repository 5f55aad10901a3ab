package fetch

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"sort"
	"strings"
)

// trackingParams are query keys that only say where a click came from; two
// URLs differing in them name the same document.
var trackingParams = map[string]bool{
	"fbclid": true, "gclid": true, "dclid": true, "gbraid": true, "wbraid": true,
	"msclkid": true, "yclid": true, "mc_cid": true, "mc_eid": true, "_ga": true,
	"igshid": true, "ocid": true,
}

// Canonical returns the one spelling of u that borderwatch stores and
// hashes, so the same document reached by different links is kept once:
//   - scheme and host lowercased, a trailing dot on the host dropped;
//   - default ports (:80 for http, :443 for https) dropped;
//   - the fragment dropped;
//   - utm_* and click-id parameters (fbclid, gclid, ...) dropped, the rest
//     sorted by key and then value, keeping their original encoding;
//   - "." and ".." path segments resolved and percent-escapes normalised
//     (unreserved characters decoded, hex in upper case);
//   - an empty path becomes "/". Any other trailing slash is kept: "/a/"
//     and "/a" may be different resources, and a wrong merge loses a
//     document while a missed one is caught by the content hash.
//
// Only absolute http and https URLs are accepted.
func Canonical(u string) (string, error) {
	u = strings.TrimSpace(u)
	if u == "" {
		return "", errors.New("fetch: canonical: empty URL")
	}
	p, err := url.Parse(u)
	if err != nil {
		return "", fmt.Errorf("fetch: canonical: %w", err)
	}
	scheme := strings.ToLower(p.Scheme)
	if scheme != "http" && scheme != "https" {
		return "", fmt.Errorf("fetch: canonical %q: only http and https URLs are accepted", u)
	}
	host := strings.ToLower(p.Hostname())
	host = strings.TrimSuffix(host, ".")
	if host == "" {
		return "", fmt.Errorf("fetch: canonical %q: no host", u)
	}
	port := p.Port()
	if (scheme == "http" && port == "80") || (scheme == "https" && port == "443") {
		port = ""
	}
	hostport := host
	if strings.Contains(host, ":") { // IPv6 literal
		hostport = "[" + host + "]"
	}
	if port != "" {
		hostport = net.JoinHostPort(host, port)
	}

	var b strings.Builder
	b.WriteString(scheme)
	b.WriteString("://")
	if p.User != nil {
		b.WriteString(p.User.String())
		b.WriteByte('@')
	}
	b.WriteString(hostport)
	path := removeDotSegments(normalizeEscapes(p.EscapedPath()))
	if path == "" {
		path = "/"
	}
	b.WriteString(path)
	if q := canonicalQuery(p.RawQuery); q != "" {
		b.WriteByte('?')
		b.WriteString(q)
	}
	return b.String(), nil
}

// canonicalQuery drops tracking parameters and sorts the rest, working on
// the raw pairs so "a+b" and "a%20b" keep meaning what the server meant.
func canonicalQuery(raw string) string {
	if raw == "" {
		return ""
	}
	type pair struct{ key, raw string }
	var pairs []pair
	for part := range strings.SplitSeq(raw, "&") {
		if part == "" {
			continue
		}
		rawKey, _, _ := strings.Cut(part, "=")
		key, err := url.QueryUnescape(rawKey)
		if err != nil {
			key = rawKey
		}
		lk := strings.ToLower(key)
		if strings.HasPrefix(lk, "utm_") || trackingParams[lk] {
			continue
		}
		pairs = append(pairs, pair{key: key, raw: normalizeEscapes(part)})
	}
	sort.SliceStable(pairs, func(i, j int) bool {
		if pairs[i].key != pairs[j].key {
			return pairs[i].key < pairs[j].key
		}
		return pairs[i].raw < pairs[j].raw
	})
	parts := make([]string, len(pairs))
	for i, p := range pairs {
		parts[i] = p.raw
	}
	return strings.Join(parts, "&")
}

// normalizeEscapes decodes percent-escapes of unreserved characters and
// upper-cases the hex of the others (RFC 3986 section 6.2.2).
func normalizeEscapes(s string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			c := unhex(s[i+1])<<4 | unhex(s[i+2])
			if isUnreserved(c) {
				b.WriteByte(c)
			} else {
				b.WriteByte('%')
				b.WriteString(strings.ToUpper(s[i+1 : i+3]))
			}
			i += 2
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// removeDotSegments is RFC 3986 section 5.2.4, keeping a trailing slash.
func removeDotSegments(path string) string {
	if !strings.Contains(path, ".") {
		return path
	}
	var out []string
	segs := strings.Split(path, "/")
	for i, seg := range segs {
		last := i == len(segs)-1
		switch seg {
		case ".":
			if last {
				out = append(out, "")
			}
		case "..":
			if len(out) > 1 {
				out = out[:len(out)-1]
			}
			if last {
				out = append(out, "")
			}
		default:
			out = append(out, seg)
		}
	}
	res := strings.Join(out, "/")
	if strings.HasPrefix(path, "/") && !strings.HasPrefix(res, "/") {
		res = "/" + res
	}
	return res
}

func isHex(c byte) bool {
	return ('0' <= c && c <= '9') || ('a' <= c && c <= 'f') || ('A' <= c && c <= 'F')
}

func unhex(c byte) byte {
	switch {
	case '0' <= c && c <= '9':
		return c - '0'
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}

func isUnreserved(c byte) bool {
	return ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || ('0' <= c && c <= '9') ||
		c == '-' || c == '.' || c == '_' || c == '~'
}
