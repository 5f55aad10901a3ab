package text

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/charmap"
)

var update = flag.Bool("update", false, "rewrite golden files")

// archive is a txtar-style file: a free-form comment, then sections that
// each start with a "-- name --" line.
type archive struct {
	comment  string
	sections []section
}

type section struct {
	name string
	data string
}

func parseArchive(data string) archive {
	var a archive
	cur := -1
	for line := range strings.SplitAfterSeq(data, "\n") {
		trimmed := strings.TrimRight(line, "\n")
		if strings.HasPrefix(trimmed, "-- ") && strings.HasSuffix(trimmed, " --") && len(trimmed) > 6 {
			a.sections = append(a.sections, section{name: trimmed[3 : len(trimmed)-3]})
			cur = len(a.sections) - 1
			continue
		}
		if cur < 0 {
			a.comment += line
		} else {
			a.sections[cur].data += line
		}
	}
	return a
}

func (a archive) format() string {
	var b strings.Builder
	b.WriteString(a.comment)
	for _, s := range a.sections {
		fmt.Fprintf(&b, "-- %s --\n%s", s.name, s.data)
		if s.data != "" && !strings.HasSuffix(s.data, "\n") {
			b.WriteByte('\n')
		}
	}
	return b.String()
}

func (a archive) get(name string) (string, bool) {
	for _, s := range a.sections {
		if s.name == name {
			return s.data, true
		}
	}
	return "", false
}

func (a *archive) set(name, data string) {
	for i := range a.sections {
		if a.sections[i].name == name {
			a.sections[i].data = data
			return
		}
	}
	a.sections = append(a.sections, section{name: name, data: data})
}

// sentinels names the errors a golden file may expect in want/error.
var sentinels = map[string]error{
	"ErrEmpty": ErrEmpty, "ErrBinary": ErrBinary, "ErrInvalidUTF8": ErrInvalidUTF8,
	"ErrTooLarge": ErrTooLarge, "ErrNoText": ErrNoText, "ErrBadHTML": ErrBadHTML,
}

func sentinelName(err error) string {
	for name, s := range sentinels {
		if errors.Is(err, s) {
			return name
		}
	}
	return "unexpected error: " + err.Error()
}

// runArchive feeds the archive's input to FromPlain or FromHTML. Input
// sections: input.txt (plain), input.html (HTML), input.cp1251.html
// (written here in UTF-8, encoded to windows-1251 before parsing, so the
// test exercises a real single-byte page).
func runArchive(t *testing.T, a archive) (Article, error) {
	t.Helper()
	pageURL, _ := a.get("url")
	pageURL = strings.TrimSpace(pageURL)
	if in, ok := a.get("input.txt"); ok {
		return FromPlain([]byte(in))
	}
	if in, ok := a.get("input.html"); ok {
		return FromHTML([]byte(in), pageURL)
	}
	if in, ok := a.get("input.cp1251.html"); ok {
		raw, err := charmap.Windows1251.NewEncoder().Bytes([]byte(in))
		if err != nil {
			t.Fatalf("encoding the page to windows-1251: %v", err)
		}
		return FromHTML(raw, pageURL)
	}
	t.Fatal("archive has no input.txt, input.html or input.cp1251.html section")
	return Article{}, nil
}

func metaString(a Article) string {
	pub := ""
	if !a.Published.IsZero() {
		pub = a.Published.Format(time.RFC3339)
	}
	return fmt.Sprintf("title: %s\nlang: %s\npublished: %s\n", a.Title, a.Lang, pub)
}

func linesOf(ss []string) string {
	if len(ss) == 0 {
		return ""
	}
	return strings.Join(ss, "\n") + "\n"
}

func TestGolden(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no testdata/*.txtar golden files")
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			a := parseArchive(string(data))
			art, err := runArchive(t, a)
			got := map[string]string{}
			if err != nil {
				got["want/error"] = sentinelName(err) + "\n"
			} else {
				got["want/text"] = art.Text + "\n"
				got["want/dropped"] = linesOf(art.Dropped)
				got["want/meta"] = metaString(art)
			}
			if *update {
				for _, name := range []string{"want/error", "want/meta", "want/text", "want/dropped"} {
					if v, ok := got[name]; ok {
						a.set(name, v)
					} else if _, had := a.get(name); had {
						a.set(name, "")
					}
				}
				if err := os.WriteFile(file, []byte(a.format()), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if err != nil {
				want, _ := a.get("want/error")
				if strings.TrimSpace(want) != strings.TrimSpace(got["want/error"]) {
					t.Fatalf("error = %v (%s), want %s", err, got["want/error"], strings.TrimSpace(want))
				}
				return
			}
			if want, ok := a.get("want/error"); ok && strings.TrimSpace(want) != "" {
				t.Fatalf("no error, want %s", strings.TrimSpace(want))
			}
			for _, name := range []string{"want/meta", "want/text", "want/dropped"} {
				want, _ := a.get(name)
				if want != got[name] {
					t.Errorf("%s differs\n--- got:\n%s--- want:\n%s", name, got[name], want)
				}
			}
			checkClean(t, art.Text)
		})
	}
}

// checkClean asserts the normalisation promises on any clean text.
func checkClean(t *testing.T, text string) {
	t.Helper()
	if strings.ContainsAny(text, "\r\u00a0\u200b\ufeff\t") {
		t.Errorf("clean text keeps a CR, tab, no-break or zero-width character: %q", text)
	}
	for i, line := range strings.Split(text, "\n") {
		if line == "" || strings.TrimSpace(line) != line || strings.Contains(line, "  ") {
			t.Errorf("line %d is empty, untrimmed or has a double space: %q", i+1, line)
		}
	}
}
