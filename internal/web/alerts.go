package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"borderwatch"
	"borderwatch/internal/service"
	"borderwatch/internal/store"
	"borderwatch/internal/watch"
)

var errNoAlerts = errors.New("this server does not evaluate alerts")

func (s *Server) alertService() (*service.Alerts, error) {
	if s.cfg.Alerts == nil {
		return nil, errNoAlerts
	}
	return s.cfg.Alerts, nil
}

// alertsView is the alerts page's data.
type alertsView struct {
	Areas  []watch.Area
	Rules  []service.RuleInfo
	Alerts []watch.Alert
	// RuleIDs are the rules the viewer may see: the live list shows only
	// their alerts.
	RuleIDs string
	Types   []string
	Ons     []string
	// Replay is a rule's replay over history, shown before it is switched on.
	Replay   *replayView
	AreaForm url.Values
	RuleForm url.Values
	Err      string
	// Vendor is whether the map library is embedded: without it the
	// areas are not drawn and the GeoJSON field is the only way.
	Vendor bool
}

type replayView struct {
	Rule   service.RuleInfo
	Since  string
	Alerts []watch.Alert
	Took   time.Duration
}

// mapAreas is GET /map/areas.json, the watch areas the alerts page's map
// draws.
func (s *Server) mapAreas(w http.ResponseWriter, r *http.Request) error {
	serveAreas(w, s.watchAreas(r))
	return nil
}

func viewerIsAdmin(r *http.Request) bool { return sessionFrom(r).viewer().IsAdmin() }

func (s *Server) alertsPage(w http.ResponseWriter, r *http.Request) error {
	return s.showAlerts(w, r, http.StatusOK, alertsView{})
}

func (s *Server) showAlerts(w http.ResponseWriter, r *http.Request, status int, v alertsView) error {
	svc, err := s.alertService()
	if err != nil {
		return err
	}
	ctx := r.Context()
	user := sessionFrom(r).User
	if v.Areas, err = svc.Areas(ctx); err != nil {
		return err
	}
	if v.Rules, err = svc.Rules(ctx, user, viewerIsAdmin(r)); err != nil {
		return err
	}
	if v.Alerts, err = svc.Alerts(ctx, user, 50); err != nil {
		return err
	}
	ids := make([]string, len(v.Rules))
	for i, rl := range v.Rules {
		ids[i] = rl.ID
	}
	v.RuleIDs = strings.Join(ids, " ")
	v.Vendor = s.hashes["vendor/leaflet.js"] != ""
	v.Types, v.Ons = borderwatch.Types, []string{watch.OnEvent, watch.OnDocument, watch.OnIncident, watch.OnDisagreement}
	s.render(w, r, status, "alerts.html", "Alerts", v)
	return nil
}

// formFailed shows the alerts page again with the refused form filled in.
func (s *Server) formFailed(w http.ResponseWriter, r *http.Request, err error, areaForm bool) error {
	st, msg := statusOf(err)
	if st == http.StatusInternalServerError {
		return err
	}
	v := alertsView{Err: msg}
	if areaForm {
		v.AreaForm = r.PostForm
	} else {
		v.RuleForm = r.PostForm
	}
	return s.showAlerts(w, r, st, v)
}

// list splits a comma- or space-separated field.
func list(v string, upper bool) []string {
	var out []string
	for _, f := range strings.FieldsFunc(v, func(c rune) bool { return c == ',' || c == ';' }) {
		if f = strings.TrimSpace(f); f != "" {
			if upper {
				f = strings.ToUpper(f)
			}
			out = append(out, f)
		}
	}
	return out
}

func floatField(form url.Values, name string) (*float64, error) {
	v := strings.TrimSpace(form.Get(name))
	if v == "" {
		return nil, nil
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return nil, badInput("%s: %q is not a number", name, v)
	}
	return &f, nil
}

func (s *Server) addArea(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.alertService()
	if err != nil {
		return err
	}
	f := r.PostForm
	a := watch.Area{Name: strings.TrimSpace(f.Get("name")), Kind: watch.AreaKind(f.Get("kind")), Border: strings.TrimSpace(f.Get("border")),
		Country: strings.ToUpper(strings.TrimSpace(f.Get("country"))), Admin1: strings.TrimSpace(f.Get("admin1")),
		Admin2: strings.TrimSpace(f.Get("admin2")), Place: strings.TrimSpace(f.Get("place"))}
	if a.Kind == watch.AreaBorder && a.Border != "" {
		// "Tajik-Afghan border" as well as "AFG-TJK".
		if q, err := service.ParseNear(a.Border); err == nil && q.Border != "" {
			a.Border = q.Border
		}
	}
	km, err := floatField(f, "km")
	if err != nil {
		return s.formFailed(w, r, err, true)
	}
	if km != nil {
		a.Km = *km
	}
	if a.Lat, err = floatField(f, "lat"); err != nil {
		return s.formFailed(w, r, err, true)
	}
	if a.Lon, err = floatField(f, "lon"); err != nil {
		return s.formFailed(w, r, err, true)
	}
	if g := strings.TrimSpace(f.Get("geojson")); g != "" {
		if !json.Valid([]byte(g)) {
			return s.formFailed(w, r, badInput("the polygon is not GeoJSON"), true)
		}
		a.GeoJSON = json.RawMessage(g)
	}
	if err := svc.AddArea(r.Context(), store.UserFrom(r.Context()), a); err != nil {
		return s.formFailed(w, r, err, true)
	}
	seeOther(w, r, "/alerts#areas")
	return nil
}

// ruleOf reads the rule form.
func ruleOf(f url.Values) (watch.Rule, error) {
	rl := watch.Rule{Name: strings.TrimSpace(f.Get("name")), On: f.Get("on"), Watch: f.Get("watch"),
		Types: list(strings.Join(f["types"], ","), true), Modalities: f["modalities"], Keywords: list(f.Get("keywords"), false),
		Actor:     watch.EntityFilter{Countries: list(f.Get("actor_countries"), true), Names: list(f.Get("actor_names"), false)},
		Recipient: watch.EntityFilter{Countries: list(f.Get("recipient_countries"), true)},
		// A rule starts switched off unless asked: replay it first.
		Active: f.Get("active") == "on"}
	if v := strings.TrimSpace(f.Get("min_sources")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return rl, badInput("min sources: %q is not a whole number", v)
		}
		rl.MinSources = n
	}
	if v := strings.TrimSpace(f.Get("threshold_count")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return rl, badInput("threshold: %q is not a whole number of 1 or more", v)
		}
		win, err := time.ParseDuration(strings.TrimSpace(f.Get("threshold_window")))
		if err != nil || win <= 0 {
			return rl, badInput("threshold window: %q is not a duration like 24h", f.Get("threshold_window"))
		}
		rl.Threshold = &watch.Threshold{Count: n, Window: watch.Duration(win)}
	}
	return rl, nil
}

func (s *Server) addRule(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.alertService()
	if err != nil {
		return err
	}
	rl, err := ruleOf(r.PostForm)
	if err != nil {
		return s.formFailed(w, r, err, false)
	}
	if r.PostForm.Get("shared") == "on" {
		if !viewerIsAdmin(r) {
			return s.formFailed(w, r, badInput("only an admin can share a rule with every user"), false)
		}
		rl.Shared = true
	}
	info, err := svc.AddRule(r.Context(), store.UserFrom(r.Context()), rl, r.PostForm.Get("webhook"), r.PostForm.Get("secret"))
	if err != nil {
		return s.formFailed(w, r, err, false)
	}
	seeOther(w, r, "/alerts#rule-"+url.PathEscape(info.ID))
	return nil
}

// ruleAction is a change to a rule its owner (or an admin) makes.
func (s *Server) ruleAction(act func(svc *service.Alerts, r *http.Request, user string, admin bool, id string) error) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		svc, err := s.alertService()
		if err != nil {
			return err
		}
		err = act(svc, r, store.UserFrom(r.Context()), viewerIsAdmin(r), r.PathValue("id"))
		if errors.Is(err, service.ErrForbidden) {
			return fmt.Errorf("%w: %v", errNoAccess, err)
		}
		if err != nil {
			return err
		}
		seeOther(w, r, "/alerts#rules")
		return nil
	}
}

func deleteRule(svc *service.Alerts, r *http.Request, user string, admin bool, id string) error {
	return svc.DeleteRule(r.Context(), user, admin, id)
}

func enableRule(on bool) func(*service.Alerts, *http.Request, string, bool, string) error {
	return func(svc *service.Alerts, r *http.Request, user string, admin bool, id string) error {
		return svc.SetEnabled(r.Context(), user, admin, id, on)
	}
}

// replayRule shows what a rule would have fired over the stored history
// since a date; it stores and sends nothing.
func (s *Server) replayRule(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.alertService()
	if err != nil {
		return err
	}
	ctx, id := r.Context(), r.PathValue("id")
	info, err := svc.Rule(ctx, store.UserFrom(ctx), viewerIsAdmin(r), id)
	if err != nil {
		return err
	}
	rv := &replayView{Rule: info, Since: strings.TrimSpace(r.PostForm.Get("since"))}
	var since time.Time
	if rv.Since != "" {
		if since, err = time.Parse("2006-01-02", rv.Since); err != nil {
			return s.showAlerts(w, r, http.StatusBadRequest, alertsView{Err: "replay since: the date must be YYYY-MM-DD", Replay: rv})
		}
	}
	start := time.Now()
	if rv.Alerts, err = svc.Test(ctx, id, since); err != nil {
		return err
	}
	rv.Took = time.Since(start).Round(time.Millisecond)
	return s.showAlerts(w, r, http.StatusOK, alertsView{Replay: rv})
}
