package fetch

import "testing"

func TestCanonical(t *testing.T) {
	cases := []struct{ in, want string }{
		{"HTTP://Example.ORG", "http://example.org/"},
		{"https://example.org:443/a", "https://example.org/a"},
		{"http://example.org:80/a", "http://example.org/a"},
		{"http://example.org:8080/a", "http://example.org:8080/a"},
		{"https://example.org:80/a", "https://example.org:80/a"},
		{"https://news.example.org./a#comments", "https://news.example.org/a"},
		{"https://example.org/a/", "https://example.org/a/"}, // trailing slash kept
		{"https://example.org/a/./b/../c", "https://example.org/a/c"},
		{"https://example.org/../../a", "https://example.org/a"},
		{"https://example.org/%7euser/%2fx%3a", "https://example.org/~user/%2Fx%3A"},
		{"https://example.org/a?utm_source=rss&utm_Medium=feed&id=7", "https://example.org/a?id=7"},
		{"https://example.org/a?b=2&a=1&fbclid=xyz&gclid=1&a=0", "https://example.org/a?a=0&a=1&b=2"},
		{"https://example.org/a?utm_campaign=x", "https://example.org/a"},
		{"https://example.org/search?q=a+b&p=%e2%80%94", "https://example.org/search?p=%E2%80%94&q=a+b"},
		{"https://example.org/a?&&x=1&", "https://example.org/a?x=1"},
		{"http://[2001:DB8::1]:80/x", "http://[2001:db8::1]/x"},
		{"http://[2001:db8::1]:8080/x", "http://[2001:db8::1]:8080/x"},
		{"  https://example.org/tajik-border  ", "https://example.org/tajik-border"},
		{"https://example.org/путь", "https://example.org/%D0%BF%D1%83%D1%82%D1%8C"},
	}
	for _, c := range cases {
		got, err := Canonical(c.in)
		if err != nil {
			t.Errorf("Canonical(%q): %v", c.in, err)
			continue
		}
		if got != c.want {
			t.Errorf("Canonical(%q) = %q, want %q", c.in, got, c.want)
		}
		again, err := Canonical(got)
		if err != nil || again != got {
			t.Errorf("Canonical is not idempotent on %q: %q, %v", got, again, err)
		}
	}
}

func TestCanonicalRejects(t *testing.T) {
	for _, in := range []string{"", "   ", "ftp://example.org/", "mailto:a@example.org", "/relative", "example.org/a", "http://", "http://%41:80/", "https://exa mple.org/"} {
		if got, err := Canonical(in); err == nil {
			t.Errorf("Canonical(%q) = %q, want an error", in, got)
		}
	}
}

func FuzzCanonical(f *testing.F) {
	for _, s := range []string{"https://example.org/a?b=1&utm_x=2#f", "http://[::1]:80/../a/./b/", "https://x/%zz%7e"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got, err := Canonical(in)
		if err != nil {
			return
		}
		again, err := Canonical(got)
		if err != nil {
			t.Fatalf("Canonical(%q) = %q which it then rejects: %v", in, got, err)
		}
		if again != got {
			t.Fatalf("not idempotent: %q -> %q -> %q", in, got, again)
		}
	})
}

func BenchmarkCanonical(b *testing.B) {
	for b.Loop() {
		if _, err := Canonical("HTTPS://News.Example.org:443/world/asia/./tajik-border/?utm_source=rss&id=42&fbclid=x&b=1#top"); err != nil {
			b.Fatal(err)
		}
	}
}
