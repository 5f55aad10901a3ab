package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"time"

	"borderwatch"
)

// MinFeedEvery is the shortest polling interval a feed may ask for.
const MinFeedEvery = time.Minute

const feedColumns = `id, url, title, every_ms, paused, etag, last_modified, last_fetch, next_fetch, last_error, failures`

func scanFeed(r interface{ Scan(...any) error }) (borderwatch.Feed, error) {
	var (
		f                 borderwatch.Feed
		every, last, next int64
		paused            int
	)
	if err := r.Scan(&f.ID, &f.URL, &f.Title, &every, &paused, &f.ETag, &f.LastModified, &last, &next, &f.LastError, &f.Failures); err != nil {
		return borderwatch.Feed{}, err
	}
	f.Every = time.Duration(every) * time.Millisecond
	f.Paused = paused == 1
	f.LastFetch, f.NextFetch = millisTime(last), millisTime(next)
	return f, nil
}

// AddFeed subscribes to the feed at f.URL, polled every f.Every, due at once.
func (db *DB) AddFeed(ctx context.Context, f borderwatch.Feed) (borderwatch.Feed, error) {
	u, err := url.Parse(f.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return borderwatch.Feed{}, fmt.Errorf("store: feed %q: not an http(s) URL: %w", f.URL, ErrInvalid)
	}
	if f.Every < MinFeedEvery {
		return borderwatch.Feed{}, fmt.Errorf("store: feed %q: interval %v is shorter than %v: %w", f.URL, f.Every, MinFeedEvery, ErrInvalid)
	}
	now := nowMillis()
	err = db.queryRow(ctx, `INSERT INTO feeds(url, title, every_ms, paused, next_fetch, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		f.URL, f.Title, f.Every.Milliseconds(), boolInt(f.Paused), now, now, UserFrom(ctx)).Scan(&f.ID)
	if err != nil {
		if isUniqueViolation(err) {
			return borderwatch.Feed{}, fmt.Errorf("store: feed %q is already subscribed: %w", f.URL, ErrConflict)
		}
		return borderwatch.Feed{}, fmt.Errorf("store: add feed: %w", err)
	}
	return db.Feed(ctx, f.ID)
}

// Feed returns the feed id.
func (db *DB) Feed(ctx context.Context, id int64) (borderwatch.Feed, error) {
	f, err := scanFeed(db.queryRow(ctx, `SELECT `+feedColumns+` FROM feeds WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return borderwatch.Feed{}, fmt.Errorf("store: feed %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return borderwatch.Feed{}, fmt.Errorf("store: feed %d: %w", id, err)
	}
	return f, nil
}

// Feeds lists every feed by id.
func (db *DB) Feeds(ctx context.Context) ([]borderwatch.Feed, error) {
	return db.feeds(ctx, `SELECT `+feedColumns+` FROM feeds ORDER BY id`)
}

// DueFeeds lists the feeds not paused whose next fetch is due at now.
func (db *DB) DueFeeds(ctx context.Context, now time.Time) ([]borderwatch.Feed, error) {
	return db.feeds(ctx, `SELECT `+feedColumns+` FROM feeds WHERE paused = 0 AND next_fetch <= ? ORDER BY next_fetch, id`, now.UnixMilli())
}

func (db *DB) feeds(ctx context.Context, q string, args ...any) ([]borderwatch.Feed, error) {
	rows, err := db.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: feeds: %w", err)
	}
	defer rows.Close()
	out := []borderwatch.Feed{}
	for rows.Next() {
		f, err := scanFeed(rows)
		if err != nil {
			return nil, fmt.Errorf("store: feeds: %w", err)
		}
		out = append(out, f)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: feeds: %w", err)
	}
	return out, nil
}

// SaveFeedState records the outcome of a poll: ETag, Last-Modified, the
// fetch times, the last error, the failure count and the title.
func (db *DB) SaveFeedState(ctx context.Context, f borderwatch.Feed) error {
	res, err := db.exec(ctx, `UPDATE feeds SET title = ?, etag = ?, last_modified = ?, last_fetch = ?, next_fetch = ?, last_error = ?, failures = ? WHERE id = ?`,
		f.Title, f.ETag, f.LastModified, timeMillis(f.LastFetch), timeMillis(f.NextFetch), f.LastError, f.Failures, f.ID)
	if err != nil {
		return fmt.Errorf("store: save feed %d: %w", f.ID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: feed %d: %w", f.ID, ErrNotFound)
	}
	return nil
}

// SetFeedPaused pauses or resumes the feed id.
func (db *DB) SetFeedPaused(ctx context.Context, id int64, paused bool) (borderwatch.Feed, error) {
	res, err := db.exec(ctx, `UPDATE feeds SET paused = ? WHERE id = ?`, boolInt(paused), id)
	if err != nil {
		return borderwatch.Feed{}, fmt.Errorf("store: pause feed %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return borderwatch.Feed{}, fmt.Errorf("store: feed %d: %w", id, ErrNotFound)
	}
	return db.Feed(ctx, id)
}

// RemoveFeed unsubscribes the feed id; documents it brought stay.
func (db *DB) RemoveFeed(ctx context.Context, id int64) error {
	res, err := db.exec(ctx, `DELETE FROM feeds WHERE id = ?`, id)
	if err != nil {
		return fmt.Errorf("store: remove feed %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: feed %d: %w", id, ErrNotFound)
	}
	return nil
}
