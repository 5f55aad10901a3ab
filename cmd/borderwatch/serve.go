package main

import (
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"borderwatch"
	"borderwatch/internal/actor"
	"borderwatch/internal/api"
	"borderwatch/internal/fetch"
	"borderwatch/internal/geo"
	"borderwatch/internal/incident"
	"borderwatch/internal/notify"
	"borderwatch/internal/pipeline"
	"borderwatch/internal/poller"
	"borderwatch/internal/service"
	"borderwatch/internal/store"
	"borderwatch/internal/web"
)

// serveOptions are what serve and demo share.
type serveOptions struct {
	listen       string
	token        string
	publicRead   bool
	allowPrivate bool
	poll         bool
	maxBody      int64
	// nextFreePort lets demo move to 8081, 8082... when 8080 is taken.
	nextFreePort bool
	// places is the gazetteer the server shares between extraction, watch
	// areas and the pages; nil loads one.
	places *geo.Gazetteer
	// ready, when set, receives the URL once the server listens (tests).
	ready func(url string)
	// pollTick and now, when set, drive the poller (tests: a feed made due
	// by moving the clock instead of waiting a minute).
	pollTick time.Duration
	now      func() time.Time
}

// runServe is `borderwatch serve`: the API and the feed poller over the
// database --db names. Exit status 0 after a clean shutdown (SIGINT or
// SIGTERM), 1 when the server cannot start, 2 on a usage error.
func runServe(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dbFlag := dbFlagOf(fs)
	var o serveOptions
	fs.StringVar(&o.listen, "listen", "127.0.0.1:8080", "address to listen on; beyond loopback a token or users are required")
	fs.StringVar(&o.token, "token", os.Getenv("BORDERWATCH_TOKEN"), "operator access token ($BORDERWATCH_TOKEN); writes need it or a user's token")
	fs.BoolVar(&o.publicRead, "public-read", false, "let anyone read without a token (writes still need one)")
	fs.BoolVar(&o.allowPrivate, "allow-private", false, "let feeds reach private, loopback and link-local addresses")
	fs.BoolVar(&o.poll, "poll", true, "poll the subscribed feeds")
	fs.Int64Var(&o.maxBody, "max-body", api.DefaultMaxBody, "largest request body in bytes")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: borderwatch serve [--db DB] [--listen ADDR] [--token TOKEN] [--public-read] [--allow-private]")
		fs.PrintDefaults()
	}
	if status, ok := parseNoArgs(fs, args); !ok {
		return status
	}
	ctx, cancel := signalContext()
	defer cancel()
	// The gazetteer loads now (the watch areas need it); the rest of the
	// extractor on first use, so a server that only reads starts at once.
	places, err := geo.Load()
	if err != nil {
		fmt.Fprintln(stderr, "borderwatch serve:", err)
		return 1
	}
	o.places = places
	db, err := store.Open(ctx, *dbFlag, store.Options{ExtractorOptions: pipeline.Options{Gazetteer: places}})
	if err != nil {
		fmt.Fprintln(stderr, "borderwatch serve:", err)
		return 1
	}
	defer db.Close()
	if err := serveDB(ctx, db, o, stdout, stderr); err != nil {
		fmt.Fprintln(stderr, "borderwatch serve:", err)
		return 1
	}
	return 0
}

// serveDB serves db until ctx ends.
func serveDB(ctx context.Context, db *store.DB, o serveOptions, stdout, stderr io.Writer) error {
	log := slog.New(slog.NewJSONHandler(stderr, nil))
	st, err := db.Stats(ctx)
	if err != nil {
		return err
	}
	if err := api.CheckListen(o.listen, o.token, st.Users); err != nil {
		return err
	}
	dict, err := actor.Load()
	if err != nil {
		return err
	}
	incidents, rep, err := service.Open(ctx, db, incident.Options{Dict: dict})
	if incidents == nil {
		return err
	}
	if err != nil {
		log.Warn("some documents were not grouped into incidents", "err", err)
	}
	if rep.Added > 0 {
		log.Info("grouped documents into incidents", "documents", rep.Added, "created", rep.Created)
	}
	// Alerts restore their engine and webhook queue and evaluate what was
	// stored while the server was down; they close (saving their state)
	// after the catch-up loop has stopped, before the database closes.
	places := o.places
	if places == nil {
		if places, err = geo.Load(); err != nil {
			return err
		}
	}
	alerts, err := service.OpenAlerts(ctx, db, service.AlertsOptions{Incidents: incidents, Logger: log, Gazetteer: places,
		Notify: notify.Options{AllowPrivate: o.allowPrivate}})
	if err != nil {
		return err
	}
	defer func() {
		done, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := alerts.Close(done); err != nil {
			log.Warn("saving alerts", "err", err)
		}
	}()
	// The server owns the incident and alert state while it runs: a lease
	// it renews tells the CLI not to change them behind its back.
	host, _ := os.Hostname()
	holder := fmt.Sprintf("borderwatch serve, pid %d on %s, since %s", os.Getpid(), host, time.Now().UTC().Format(time.RFC3339))
	if prev, err := db.TakeLease(ctx, serverLease, holder, leaseTTL); err != nil {
		return err
	} else if prev.Holder != "" {
		log.Warn("another server seems to run on this database; the last to save incidents wins", "other", prev.Holder)
	}
	leaseCtx, stopLease := context.WithCancel(ctx)
	leaseDone := make(chan struct{})
	go func() {
		defer close(leaseDone)
		t := time.NewTicker(leaseTTL / 3)
		defer t.Stop()
		for {
			select {
			case <-leaseCtx.Done():
				return
			case <-t.C:
				if _, err := db.TakeLease(leaseCtx, serverLease, holder, leaseTTL); err != nil && leaseCtx.Err() == nil {
					log.Warn("renewing the server lease", "err", err)
				}
			}
		}
	}()
	defer func() {
		stopLease()
		<-leaseDone
		if err := db.ReleaseLease(context.Background(), serverLease, holder); err != nil {
			log.Warn("releasing the server lease", "err", err)
		}
	}()
	// The catch-up loop saves the incidents when it stops: wait for it
	// before the caller closes the database.
	loopCtx, stopLoop := context.WithCancel(ctx)
	loopDone := make(chan struct{})
	go func() { defer close(loopDone); catchUpIncidents(loopCtx, incidents, alerts, log) }()
	defer func() { stopLoop(); <-loopDone }()
	// The pages log in with a user's token or the operator's. On loopback
	// with no operator token (demo) the pages get one of their own, printed
	// below, so that someone can log in and review.
	webToken, printToken := o.token, false
	if webToken == "" && api.IsLoopback(o.listen) {
		webToken, printToken = "bw_"+rand.Text(), true
	}
	// Sessions are signed with a key kept in the database: a restart does
	// not log anyone out.
	sessionKey, err := db.Secret(ctx, "session-key")
	if err != nil {
		return err
	}
	pages, err := web.New(web.Config{Store: db, Incidents: incidents, Alerts: alerts, Places: places, Token: webToken, Secret: sessionKey,
		RequireLogin: !api.IsLoopback(o.listen) && !o.publicRead, Logger: log})
	if err != nil {
		return err
	}
	srv, err := api.New(api.Config{Store: db, Token: o.token, RequireAuth: !api.IsLoopback(o.listen),
		PublicRead: o.publicRead, MaxBody: o.maxBody, Logger: log, Incidents: incidents, Alerts: alerts,
		Session: pages.SessionUser})
	if err != nil {
		return err
	}
	ln, err := listen(o.listen, o.nextFreePort)
	if err != nil {
		return err
	}
	hs := &http.Server{Handler: pages.Site(srv.Handler()), ReadHeaderTimeout: 10 * time.Second, ReadTimeout: time.Minute,
		WriteTimeout: 5 * time.Minute, IdleTimeout: 2 * time.Minute, MaxHeaderBytes: 64 << 10}
	// Shutdown waits for open connections: end the live streams first.
	hs.RegisterOnShutdown(alerts.Hub().Close)
	url := "http://" + ln.Addr().String()
	fmt.Fprintf(stdout, "borderwatch is serving %s on %s (%d documents, %d events)\n", db.Dialect(), url, st.Documents, st.Events)
	fmt.Fprintf(stdout, "  API: %s/api/v1/events   OpenAPI: %s/api/v1/openapi.json\n", url, url)
	if printToken {
		fmt.Fprintf(stdout, "  Pages: %s/   (log in as %q with token %s)\n", url, "operator", webToken)
	} else {
		fmt.Fprintf(stdout, "  Pages: %s/\n", url)
	}
	if o.ready != nil {
		o.ready(url)
	}
	errc := make(chan error, 2)
	go func() { errc <- hs.Serve(ln) }()
	if o.poll {
		client, err := fetch.New(fetch.Options{AllowPrivate: o.allowPrivate})
		if err != nil {
			return err
		}
		p, err := poller.New(poller.Options{Store: db, Sink: groupingSink{alerts, log}, Client: client, Logger: log,
			Tick: o.pollTick, Now: o.now})
		if err != nil {
			return err
		}
		go func() {
			if err := p.Run(ctx); err != nil && ctx.Err() == nil {
				log.Error("poller stopped", "err", err)
			}
		}()
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return hs.Shutdown(shutdown)
}

// serverLease is the lease a running server holds on its database;
// leaseTTL is how long it lasts unrenewed (a killed server frees it then).
const (
	serverLease = "server"
	leaseTTL    = 30 * time.Second
)

// groupingSink stores the poller's documents through the alert service
// (which groups them through the incident service); a document stored but
// refused by the grouper is logged, not retried.
type groupingSink struct {
	alerts *service.Alerts
	log    *slog.Logger
}

func (s groupingSink) Ingest(ctx context.Context, doc borderwatch.Document) (bool, error) {
	created, err := s.alerts.Ingest(ctx, doc)
	if errors.Is(err, service.ErrRefused) {
		s.log.Warn("document not grouped into incidents", "doc_id", doc.ID, "err", err)
		return created, nil
	}
	return created, err
}

// catchUpIncidents groups, every minute until ctx ends, the documents that
// other processes (`borderwatch ingest`) stored behind the server's back,
// then evaluates them for alerts with the rules and areas as stored (the
// CLI adds them too), and saves the incidents when ctx ends.
func catchUpIncidents(ctx context.Context, incidents *service.Incidents, alerts *service.Alerts, log *slog.Logger) {
	t := time.NewTicker(time.Minute)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			// Save what Ingest grouped since its last save; the context is
			// done, so give the save a fresh one.
			flush, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if err := incidents.Flush(flush); err != nil {
				log.Warn("saving incidents", "err", err)
			}
			return
		case <-t.C:
			// CatchUp also saves what Ingest grouped since its last save.
			rep, err := incidents.CatchUp(ctx)
			if err != nil && ctx.Err() == nil {
				log.Warn("incident catch-up", "err", err)
			}
			if rep.Added > 0 {
				log.Info("grouped documents into incidents", "documents", rep.Added, "created", rep.Created)
			}
			if err := alerts.Reload(ctx); err != nil && ctx.Err() == nil {
				log.Warn("reloading alert rules", "err", err)
			}
			if _, err := alerts.CatchUp(ctx); err != nil && ctx.Err() == nil {
				log.Warn("alert catch-up", "err", err)
			}
		}
	}
}

// listen binds addr; with nextFree it tries the following ports when addr's
// is taken, so `borderwatch demo` works beside another server.
func listen(addr string, nextFree bool) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err == nil || !nextFree {
		return ln, err
	}
	host, port, splitErr := net.SplitHostPort(addr)
	if splitErr != nil {
		return nil, err
	}
	var p int
	fmt.Sscanf(port, "%d", &p)
	for i := 1; i <= 20 && p > 0; i++ {
		if ln, err2 := net.Listen("tcp", net.JoinHostPort(host, fmt.Sprint(p+i))); err2 == nil {
			return ln, nil
		}
	}
	return net.Listen("tcp", net.JoinHostPort(host, "0"))
}
