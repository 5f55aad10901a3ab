package pipeline

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"borderwatch"
)

// MaxFileBytes caps what one input file may hold; larger files are refused
// with an error naming them instead of being read into memory.
const MaxFileBytes = 20 << 20

// maxJSONLLine caps one JSONL document line.
const maxJSONLLine = 20 << 20

// inputExts are the file kinds a folder walk picks up.
var inputExts = map[string]bool{".txt": true, ".text": true, ".html": true, ".htm": true, ".jsonl": true, ".json": true, ".ndjson": true}

// jsonDoc is a JSONL input line (event-format.md, end).
type jsonDoc struct {
	ID        string `json:"id"`
	URL       string `json:"url"`
	Title     string `json:"title"`
	Source    string `json:"source"`
	Published string `json:"published"`
	Text      string `json:"text"`
	HTML      string `json:"html"`
	Lang      string `json:"lang"`
}

// ReadDocuments reads a file, a folder (recursively, the extensions of
// inputExts) or "-" for stdin, and calls fn once per document. A document
// that cannot be read is passed to fn with a non-nil error naming it, and
// reading goes on; fn returning an error stops the walk with that error.
func ReadDocuments(path string, stdin io.Reader, fn func(doc borderwatch.Document, err error) error) error {
	if path == "-" {
		return readStream("stdin", stdin, fn)
	}
	info, err := os.Stat(path)
	if err != nil {
		return fn(borderwatch.Document{ID: docID(path)}, fmt.Errorf("%s: %w", path, err))
	}
	if !info.IsDir() {
		return readFile(path, info, fn)
	}
	var files []string
	walkErr := filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return fn(borderwatch.Document{ID: docID(p)}, fmt.Errorf("%s: %w", p, err))
		}
		if d.IsDir() {
			if p != path && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			return nil
		}
		if inputExts[strings.ToLower(filepath.Ext(p))] {
			files = append(files, p)
		}
		return nil
	})
	if walkErr != nil {
		return walkErr
	}
	sort.Strings(files)
	for _, f := range files {
		info, err := os.Stat(f)
		if err != nil {
			if err := fn(borderwatch.Document{ID: docID(f)}, fmt.Errorf("%s: %w", f, err)); err != nil {
				return err
			}
			continue
		}
		if err := readFile(f, info, fn); err != nil {
			return err
		}
	}
	return nil
}

func readFile(path string, info fs.FileInfo, fn func(borderwatch.Document, error) error) error {
	ext := strings.ToLower(filepath.Ext(path))
	if ext == ".jsonl" || ext == ".ndjson" {
		f, err := os.Open(path)
		if err != nil {
			return fn(borderwatch.Document{ID: docID(path)}, fmt.Errorf("%s: %w", path, err))
		}
		defer f.Close()
		return readStream(path, f, fn)
	}
	if info.Size() > MaxFileBytes {
		return fn(borderwatch.Document{ID: docID(path)},
			fmt.Errorf("%s: %d bytes is more than the %d-byte limit for one document", path, info.Size(), MaxFileBytes))
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return fn(borderwatch.Document{ID: docID(path)}, fmt.Errorf("%s: %w", path, err))
	}
	doc := borderwatch.Document{ID: docID(path), URL: path}
	if ext == ".json" {
		var jd jsonDoc
		if err := json.Unmarshal(raw, &jd); err != nil {
			return fn(doc, fmt.Errorf("%s: not a JSON document: %w", path, err))
		}
		d, err := jd.document(docID(path))
		if err != nil {
			return fn(d, fmt.Errorf("%s: %w", path, err))
		}
		return fn(d, nil)
	}
	if ext == ".html" || ext == ".htm" {
		doc.HTML = string(raw)
	} else {
		doc.Text = string(raw)
	}
	return fn(doc, nil)
}

// readStream reads JSONL documents; a stream whose first non-blank byte is
// not "{" is taken as one plain-text (or HTML) document instead.
func readStream(name string, r io.Reader, fn func(borderwatch.Document, error) error) error {
	br := bufio.NewReaderSize(r, 64<<10)
	first, _ := br.Peek(512)
	trimmed := bytes.TrimLeft(first, " \t\r\n\ufeff")
	if len(trimmed) > 0 && trimmed[0] != '{' {
		raw, err := io.ReadAll(io.LimitReader(br, MaxFileBytes+1))
		doc := borderwatch.Document{ID: docID(name)}
		if err != nil {
			return fn(doc, fmt.Errorf("%s: %w", name, err))
		}
		if len(raw) > MaxFileBytes {
			return fn(doc, fmt.Errorf("%s: more than the %d-byte limit for one document", name, MaxFileBytes))
		}
		if looksHTML(raw) {
			doc.HTML = string(raw)
		} else {
			doc.Text = string(raw)
		}
		return fn(doc, nil)
	}
	sc := bufio.NewScanner(br)
	sc.Buffer(make([]byte, 64<<10), maxJSONLLine)
	line := 0
	for sc.Scan() {
		line++
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		where := fmt.Sprintf("%s:%d", name, line)
		var jd jsonDoc
		if err := json.Unmarshal(b, &jd); err != nil {
			if err := fn(borderwatch.Document{ID: where}, fmt.Errorf("%s: not a JSON document: %w", where, err)); err != nil {
				return err
			}
			continue
		}
		doc, err := jd.document(fmt.Sprintf("%s-%d", docID(name), line))
		if err != nil {
			err = fmt.Errorf("%s: %w", where, err)
		}
		if err := fn(doc, err); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		where := fmt.Sprintf("%s:%d", name, line+1)
		if errors.Is(err, bufio.ErrTooLong) {
			err = fmt.Errorf("a line is longer than the %d-byte limit", maxJSONLLine)
		}
		return fn(borderwatch.Document{ID: where}, fmt.Errorf("%s: %w", where, err))
	}
	return nil
}

func (jd jsonDoc) document(fallbackID string) (borderwatch.Document, error) {
	doc := borderwatch.Document{ID: jd.ID, URL: jd.URL, Title: jd.Title, Source: jd.Source,
		PublishedRaw: jd.Published, Text: jd.Text, HTML: jd.HTML, Lang: jd.Lang}
	if doc.ID == "" {
		doc.ID = fallbackID
	}
	if jd.Published != "" {
		t, err := ParseTime(jd.Published)
		if err != nil {
			return doc, fmt.Errorf("document %s: published: %w", doc.ID, err)
		}
		doc.Published = t
	}
	if doc.Text == "" && doc.HTML == "" {
		return doc, fmt.Errorf("document %s has neither text nor html", doc.ID)
	}
	return doc, nil
}

// ParseTime reads the date formats publication dates come in.
func ParseTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.RFC3339Nano, time.RFC3339, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02",
		time.RFC1123Z, time.RFC1123, time.RFC822Z, time.RFC822} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("cannot read date %q (want YYYY-MM-DD or RFC 3339)", s)
}

// docID is a file's name without folder and extension (event-format.md).
func docID(path string) string {
	base := filepath.Base(path)
	return strings.TrimSuffix(base, filepath.Ext(base))
}

func looksHTML(b []byte) bool {
	head := bytes.ToLower(b[:min(len(b), 1024)])
	return bytes.Contains(head, []byte("<html")) || bytes.Contains(head, []byte("<!doctype html")) ||
		bytes.Contains(head, []byte("<body")) || bytes.Contains(head, []byte("<p>"))
}
