package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"borderwatch"
	"borderwatch/internal/pipeline"
)

// StoredDocument is a document as kept: its metadata, clean text and, when
// asked for, its raw bytes.
type StoredDocument struct {
	ID           string    `json:"id"`
	URL          string    `json:"url,omitempty"`
	CanonicalURL string    `json:"canonical_url,omitempty"`
	Source       string    `json:"source,omitempty"`
	Title        string    `json:"title,omitempty"`
	Published    time.Time `json:"published,omitzero"`
	PublishedRaw string    `json:"published_raw,omitempty"`
	ContentHash  string    `json:"content_hash"`
	Lang         string    `json:"lang,omitempty"`
	// NotCoded says why no events were coded ("language fa"); "" when coded.
	NotCoded string `json:"not_coded,omitempty"`
	// DuplicateOf is the original this document is a near-copy of.
	DuplicateOf string    `json:"duplicate_of,omitempty"`
	Coder       string    `json:"coder,omitempty"`
	Text        string    `json:"text,omitempty"`
	Raw         []byte    `json:"-"`
	RawKind     string    `json:"raw_kind"` // "text" or "html"
	CreatedAt   time.Time `json:"created_at"`
	CreatedBy   string    `json:"created_by"`
}

// Ingest stores one document (idempotent: the same id, canonical URL or
// content hash gives no second copy) with the events extraction finds in it,
// all in one transaction. It returns created=false for a duplicate.
func (db *DB) Ingest(ctx context.Context, doc borderwatch.Document) (bool, error) {
	p, err := db.Prepare(doc)
	if err != nil {
		return false, err
	}
	created, err := db.InsertPrepared(ctx, []*Prepared{p})
	if err != nil {
		return false, err
	}
	return created[0], nil
}

// Prepared is a document extracted and fingerprinted, ready to store. The
// work that needs no database happens here, so callers can run it on many
// goroutines and store the results in batches.
type Prepared struct {
	doc       borderwatch.Document
	res       pipeline.Result
	coder     string
	raw, kind string
	hash      string
	canon     string
	sh        uint64
}

// ID is the prepared document's id.
func (p *Prepared) ID() string { return p.doc.ID }

// Prepare checks and extracts one document.
func (db *DB) Prepare(doc borderwatch.Document) (*Prepared, error) {
	if doc.ID == "" {
		return nil, fmt.Errorf("store: ingest: document has no id: %w", ErrInvalid)
	}
	if strings.TrimSpace(doc.Text) == "" && strings.TrimSpace(doc.HTML) == "" {
		return nil, fmt.Errorf("store: ingest %s: document has no text: %w", doc.ID, ErrInvalid)
	}
	x, err := db.Extractor()
	if err != nil {
		return nil, err
	}
	res, err := x.Extract(doc)
	if err != nil {
		return nil, fmt.Errorf("store: ingest %s: extract: %w", doc.ID, err)
	}
	if strings.TrimSpace(res.Text) == "" {
		res.Text = doc.Text
	}
	p := &Prepared{doc: doc, res: res, coder: x.Coder(), raw: doc.Text, kind: "text",
		hash: contentHash(res.Text), canon: CanonicalURL(doc.URL), sh: simhash(res.Text)}
	if doc.HTML != "" {
		p.raw, p.kind = doc.HTML, "html"
	}
	return p, nil
}

// InsertPrepared stores prepared documents in one transaction: all of them
// or, on error, none. created[i] is false for a document already stored.
func (db *DB) InsertPrepared(ctx context.Context, ps []*Prepared) ([]bool, error) {
	created := make([]bool, len(ps))
	err := db.inTx(ctx, func(t *tx) error {
		for i, p := range ps {
			ok, err := t.insertDocument(p)
			if err != nil {
				return fmt.Errorf("store: ingest %s: %w", p.doc.ID, err)
			}
			created[i] = ok
		}
		return nil
	})
	if err != nil {
		return nil, wrapErr("ingest", err)
	}
	return created, nil
}

func (t *tx) insertDocument(p *Prepared) (bool, error) {
	doc, res := p.doc, p.res
	bands := simhashBands(p.sh)
	title := doc.Title
	if title == "" {
		title = res.Title
	}
	lang := res.Lang
	if lang == "" {
		lang = doc.Lang
	}
	published := doc.Published
	if published.IsZero() {
		published = res.Published
	}
	var pub *int64
	if !published.IsZero() {
		ms := published.UnixMilli()
		pub = &ms
	}
	var canonArg *string
	if p.canon != "" {
		canonArg = &p.canon
	}
	var n int
	if err := t.queryRow(`SELECT COUNT(*) FROM documents WHERE id = ? OR content_hash = ? OR canonical_url = ?`, doc.ID, p.hash, p.canon).Scan(&n); err != nil {
		return false, err
	}
	if n > 0 {
		return false, nil
	}
	dup, err := t.nearDuplicate(p.sh, bands)
	if err != nil {
		return false, err
	}
	var dupArg *string
	if dup != "" {
		dupArg = &dup
	}
	if _, err := t.exec(`INSERT INTO documents(id, url, canonical_url, source, title, published, published_raw, content_hash,
		lang, not_coded, raw, raw_kind, text, simhash, band0, band1, band2, band3, duplicate_of, coder, created_at, created_by)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		doc.ID, doc.URL, canonArg, doc.Source, title, pub, doc.PublishedRaw, p.hash, lang, res.NotCoded,
		[]byte(p.raw), p.kind, res.Text, int64(p.sh), bands[0], bands[1], bands[2], bands[3], dupArg, p.coder, t.now, t.user); err != nil {
		return false, err
	}
	if doc.Source != "" {
		if _, err := t.exec(`INSERT INTO sources(name, first_seen, documents) VALUES (?, ?, 1)
			ON CONFLICT(name) DO UPDATE SET documents = sources.documents + 1`, doc.Source, t.now); err != nil {
			return false, fmt.Errorf("source: %w", err)
		}
	}
	for _, ev := range res.Events {
		cur, err := t.currentEvent(ev.ID)
		if err != nil {
			return false, err
		}
		if _, _, err := t.putEvent(ev, ReasonExtract, cur, false); err != nil {
			return false, err
		}
	}
	return true, nil
}

func isUniqueViolation(err error) bool {
	s := err.Error()
	return strings.Contains(s, "UNIQUE constraint failed") || strings.Contains(s, "SQLSTATE 23505")
}

// nearDuplicate returns the original of the closest stored document whose
// fingerprint is within nearDuplicateBits, or "". Candidates are documents
// sharing a fingerprint band, plus the most recent ones, since reprints of a
// wire story arrive within hours of each other.
func (t *tx) nearDuplicate(sh uint64, b [4]int64) (string, error) {
	best, bestDist := "", nearDuplicateBits+1
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{`SELECT id, simhash, duplicate_of FROM documents WHERE band0 = ? OR band1 = ? OR band2 = ? OR band3 = ? ORDER BY n LIMIT 200`, []any{b[0], b[1], b[2], b[3]}},
		{`SELECT id, simhash, duplicate_of FROM documents ORDER BY n DESC LIMIT 64`, nil},
	} {
		rows, err := t.query(q.sql, q.args...)
		if err != nil {
			return "", fmt.Errorf("near duplicates: %w", err)
		}
		for rows.Next() {
			var (
				id   string
				h    int64
				orig sql.NullString
			)
			if err := rows.Scan(&id, &h, &orig); err != nil {
				rows.Close()
				return "", fmt.Errorf("near duplicates: %w", err)
			}
			if d := hamming(uint64(h), sh); d < bestDist {
				best, bestDist = id, d
				if orig.Valid {
					best = orig.String
				}
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return "", fmt.Errorf("near duplicates: %w", err)
		}
	}
	return best, nil
}

const documentColumns = `d.id, d.url, COALESCE(d.canonical_url, ''), d.source, d.title, d.published, d.published_raw, d.content_hash,
	d.lang, d.not_coded, COALESCE(d.duplicate_of, ''), d.coder, d.raw_kind, d.created_at, d.created_by`

func scanDocument(r interface{ Scan(...any) error }, extra ...any) (StoredDocument, error) {
	var (
		d        StoredDocument
		pub      sql.NullInt64
		at       int64
		dest     = []any{&d.ID, &d.URL, &d.CanonicalURL, &d.Source, &d.Title, &pub, &d.PublishedRaw, &d.ContentHash, &d.Lang, &d.NotCoded, &d.DuplicateOf, &d.Coder, &d.RawKind, &at, &d.CreatedBy}
		textDest string
		rawDest  []byte
	)
	if len(extra) > 0 {
		dest = append(dest, &textDest, &rawDest)
	}
	if err := r.Scan(dest...); err != nil {
		return StoredDocument{}, err
	}
	if pub.Valid {
		d.Published = millisTime(pub.Int64)
	}
	d.CreatedAt = millisTime(at)
	d.Text, d.Raw = textDest, rawDest
	return d, nil
}

// Document returns the document id with its clean text and raw bytes.
func (db *DB) Document(ctx context.Context, id string) (StoredDocument, error) {
	row := db.queryRow(ctx, `SELECT `+documentColumns+`, d.text, d.raw FROM documents d WHERE d.id = ?`, id)
	d, err := scanDocument(row, true)
	if errors.Is(err, sql.ErrNoRows) {
		return StoredDocument{}, fmt.Errorf("store: document %q: %w", id, ErrNotFound)
	}
	if err != nil {
		return StoredDocument{}, fmt.Errorf("store: document %q: %w", id, err)
	}
	return d, nil
}

// DocumentFilter selects documents; zero fields do not filter.
type DocumentFilter struct {
	Query    string
	Lang     string
	Source   string
	NotCoded *bool // true: only documents not coded; false: only coded
	// DuplicatesOf lists the near-copies of one document.
	DuplicatesOf string
	Limit        int
	Offset       int
}

// DocumentPage is one page of documents, newest publication first, without
// their text.
type DocumentPage struct {
	Total     int              `json:"total"`
	Documents []StoredDocument `json:"documents"`
}

// Documents returns the documents matching f.
func (db *DB) Documents(ctx context.Context, f DocumentFilter) (DocumentPage, error) {
	if f.Limit < 0 || f.Limit > MaxLimit {
		return DocumentPage{}, fmt.Errorf("store: limit: %d is outside 1..%d: %w", f.Limit, MaxLimit, ErrInvalid)
	}
	if f.Offset < 0 {
		return DocumentPage{}, fmt.Errorf("store: offset: must not be negative: %w", ErrInvalid)
	}
	if f.Limit == 0 {
		f.Limit = DefaultLimit
	}
	var conds []string
	var args []any
	if f.Query != "" {
		if len(queryWords(f.Query)) == 0 {
			return DocumentPage{}, fmt.Errorf("store: q: %q has no words to search for: %w", f.Query, ErrInvalid)
		}
		conds = append(conds, db.d.docMatch)
		args = append(args, db.d.ftsArg(f.Query))
	}
	if f.Lang != "" {
		conds = append(conds, "d.lang = ?")
		args = append(args, f.Lang)
	}
	if f.Source != "" {
		conds = append(conds, "d.source = ?")
		args = append(args, f.Source)
	}
	if f.NotCoded != nil {
		if *f.NotCoded {
			conds = append(conds, "d.not_coded <> ''")
		} else {
			conds = append(conds, "d.not_coded = ''")
		}
	}
	if f.DuplicatesOf != "" {
		conds = append(conds, "d.duplicate_of = ?")
		args = append(args, f.DuplicatesOf)
	}
	where := ""
	if len(conds) > 0 {
		where = " WHERE " + strings.Join(conds, " AND ")
	}
	page := DocumentPage{Documents: []StoredDocument{}}
	if err := db.queryRow(ctx, `SELECT COUNT(*) FROM documents d`+where, args...).Scan(&page.Total); err != nil {
		return DocumentPage{}, fmt.Errorf("store: count documents: %w", err)
	}
	rows, err := db.query(ctx, `SELECT `+documentColumns+` FROM documents d`+where+` ORDER BY d.published IS NULL, d.published DESC, d.n DESC LIMIT ? OFFSET ?`, append(args, f.Limit, f.Offset)...)
	if err != nil {
		return DocumentPage{}, fmt.Errorf("store: documents: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		d, err := scanDocument(rows)
		if err != nil {
			return DocumentPage{}, fmt.Errorf("store: documents: %w", err)
		}
		page.Documents = append(page.Documents, d)
	}
	if err := rows.Err(); err != nil {
		return DocumentPage{}, fmt.Errorf("store: documents: %w", err)
	}
	return page, nil
}

// ReprocessReport counts what a reprocess changed.
type ReprocessReport struct {
	Documents int `json:"documents"`
	Added     int `json:"added"`
	Removed   int `json:"removed"`
	Changed   int `json:"changed"`
	Unchanged int `json:"unchanged"`
	// Reviewed counts events kept as a reviewer left them.
	Reviewed int `json:"reviewed"`
}

func (r *ReprocessReport) add(o ReprocessReport) {
	r.Documents += o.Documents
	r.Added += o.Added
	r.Removed += o.Removed
	r.Changed += o.Changed
	r.Unchanged += o.Unchanged
	r.Reviewed += o.Reviewed
}

// Reprocess re-extracts every stored document with the current extractor,
// calling progress (if not nil) after each. Events that are new are added,
// those no longer found get a tombstone, those that differ get a new
// version; reviewed events are kept as reviewed.
func (db *DB) Reprocess(ctx context.Context, progress func(done int)) (ReprocessReport, error) {
	var total ReprocessReport
	after := int64(0)
	for {
		// Page by n so documents ingested meanwhile are picked up and memory
		// stays bounded.
		rows, err := db.query(ctx, `SELECT n, id FROM documents WHERE n > ? ORDER BY n LIMIT 500`, after)
		if err != nil {
			return total, fmt.Errorf("store: reprocess: %w", err)
		}
		var ids []string
		for rows.Next() {
			var id string
			if err := rows.Scan(&after, &id); err != nil {
				rows.Close()
				return total, fmt.Errorf("store: reprocess: %w", err)
			}
			ids = append(ids, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return total, fmt.Errorf("store: reprocess: %w", err)
		}
		if len(ids) == 0 {
			return total, nil
		}
		for _, id := range ids {
			r, err := db.ReprocessDocument(ctx, id)
			if err != nil {
				return total, err
			}
			total.add(r)
			if progress != nil {
				progress(total.Documents)
			}
		}
	}
}

// ReprocessDocument re-extracts one stored document.
func (db *DB) ReprocessDocument(ctx context.Context, id string) (ReprocessReport, error) {
	d, err := db.Document(ctx, id)
	if err != nil {
		return ReprocessReport{}, err
	}
	doc := borderwatch.Document{ID: d.ID, URL: d.URL, Title: d.Title, Source: d.Source, Published: d.Published, PublishedRaw: d.PublishedRaw, Lang: d.Lang}
	if d.RawKind == "html" {
		doc.HTML = string(d.Raw)
	} else {
		doc.Text = string(d.Raw)
	}
	x, err := db.Extractor()
	if err != nil {
		return ReprocessReport{}, err
	}
	res, err := x.Extract(doc)
	if err != nil {
		return ReprocessReport{}, fmt.Errorf("store: reprocess %s: extract: %w", id, err)
	}
	if strings.TrimSpace(res.Text) == "" {
		res.Text = doc.Text
	}
	r := ReprocessReport{Documents: 1}
	err = db.inTx(ctx, func(t *tx) error {
		r = ReprocessReport{Documents: 1}
		old := map[string]*currentRow{}
		rows, err := t.query(`SELECT id, doc_id, version, reason, record FROM events WHERE doc_id = ? ORDER BY id`+t.d.forUpdate, id)
		if err != nil {
			return err
		}
		for rows.Next() {
			var c currentRow
			var eid string
			if err := rows.Scan(&eid, &c.docID, &c.version, &c.reason, &c.record); err != nil {
				rows.Close()
				return err
			}
			old[eid] = &c
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		seen := map[string]bool{}
		for _, ev := range res.Events {
			if seen[ev.ID] {
				continue
			}
			seen[ev.ID] = true
			cur := old[ev.ID]
			if cur != nil && cur.reason == ReasonReview {
				r.Reviewed++
				continue
			}
			if cur == nil {
				// A person rejected or deleted it: the rules do not bring it back.
				gone, err := t.removedByPerson(ev.ID)
				if err != nil {
					return err
				}
				if gone {
					r.Reviewed++
					continue
				}
			}
			changed, _, err := t.putEvent(ev, ReasonReprocess, cur, false)
			if err != nil {
				return err
			}
			switch {
			case cur == nil:
				r.Added++
			case changed:
				r.Changed++
			default:
				r.Unchanged++
			}
		}
		for eid, cur := range old {
			if seen[eid] {
				continue
			}
			if cur.reason == ReasonReview {
				r.Reviewed++
				continue
			}
			if err := t.deleteEvent(eid, cur.version, ReasonReprocess); err != nil {
				return err
			}
			r.Removed++
		}
		_, err = t.exec(`UPDATE documents SET text = ?, lang = ?, not_coded = ?, coder = ? WHERE id = ?`,
			res.Text, firstNonEmpty(res.Lang, d.Lang), res.NotCoded, x.Coder(), id)
		return err
	})
	if err != nil {
		return ReprocessReport{}, wrapErr("reprocess "+id, err)
	}
	return r, nil
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

// PutEvents stores events of an already stored document as they are, as if
// extracted (new versions only where they differ). It is how a test or an
// external coder adds events without re-running extraction.
func (db *DB) PutEvents(ctx context.Context, events []borderwatch.Event) (changed int, err error) {
	for _, ev := range events {
		if err := validateEvent(ev); err != nil {
			return 0, err
		}
	}
	err = db.inTx(ctx, func(t *tx) error {
		changed = 0
		for _, ev := range events {
			var n int
			if err := t.queryRow(`SELECT COUNT(*) FROM documents WHERE id = ?`, ev.DocID).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return fmt.Errorf("store: event %q: document %q: %w", ev.ID, ev.DocID, ErrNotFound)
			}
			cur, err := t.currentEvent(ev.ID)
			if err != nil {
				return err
			}
			ok, _, err := t.putEvent(ev, ReasonExtract, cur, false)
			if err != nil {
				return err
			}
			if ok {
				changed++
			}
		}
		return nil
	})
	return changed, wrapErr("put events", err)
}

// Stats counts what the database holds.
type Stats struct {
	Documents int   `json:"documents"`
	NotCoded  int   `json:"not_coded"`
	Events    int   `json:"events"`
	Feeds     int   `json:"feeds"`
	Users     int   `json:"users"`
	LastSeq   int64 `json:"last_change"`
}

// Stats returns the row counts health and metrics report.
func (db *DB) Stats(ctx context.Context) (Stats, error) {
	var s Stats
	err := db.queryRow(ctx, `SELECT
		(SELECT COUNT(*) FROM documents),
		(SELECT COUNT(*) FROM documents WHERE not_coded <> ''),
		(SELECT COUNT(*) FROM events),
		(SELECT COUNT(*) FROM feeds),
		(SELECT COUNT(*) FROM users),
		(SELECT value FROM counters WHERE name = 'changes')`).Scan(&s.Documents, &s.NotCoded, &s.Events, &s.Feeds, &s.Users, &s.LastSeq)
	if err != nil {
		return Stats{}, fmt.Errorf("store: stats: %w", err)
	}
	return s, nil
}
