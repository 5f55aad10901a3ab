package api

import (
	"errors"
	"net/http"
	"time"

	"borderwatch/internal/service"
	"borderwatch/internal/store"
	"borderwatch/internal/watch"
)

// alertService is the watch-and-alert service, or 503 when the server
// runs without one.
func (s *Server) alertService() (*service.Alerts, error) {
	if s.cfg.Alerts == nil {
		return nil, &Error{Kind: KindUnavailable, Message: "this server does not evaluate alerts"}
	}
	return s.cfg.Alerts, nil
}

// alertHandler is a handler of the alert service.
type alertHandler func(http.ResponseWriter, *http.Request, *service.Alerts) error

// alerting adapts an alert handler: 503 when the server runs without the
// service, 400 for a query parameter not in params.
func (s *Server) alerting(h alertHandler, params ...string) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		svc, err := s.alertService()
		if err != nil {
			return err
		}
		if err := onlyParams(r, params...); err != nil {
			return err
		}
		return h(w, r, svc)
	}
}

// alertErr maps the service's ownership refusal; the rest goes through
// classify.
func alertErr(err error) error {
	if errors.Is(err, service.ErrForbidden) {
		return &Error{Kind: KindForbidden, Message: err.Error()}
	}
	return err
}

func (s *Server) listWatchAreas(w http.ResponseWriter, r *http.Request, svc *service.Alerts) error {
	areas, err := svc.Areas(r.Context())
	if err != nil {
		return err
	}
	if areas == nil {
		areas = []watch.Area{}
	}
	return writeJSON(w, http.StatusOK, map[string]any{"areas": areas})
}

func (s *Server) addWatchArea(w http.ResponseWriter, r *http.Request, svc *service.Alerts) error {
	var a watch.Area
	if err := decodeBody(r, &a); err != nil {
		return err
	}
	if err := svc.AddArea(r.Context(), store.UserFrom(r.Context()), a); err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, a)
}

func (s *Server) listRules(w http.ResponseWriter, r *http.Request, svc *service.Alerts) error {
	ctx := r.Context()
	rules, err := svc.Rules(ctx, store.UserFrom(ctx), isAdmin(ctx))
	if err != nil {
		return err
	}
	if rules == nil {
		rules = []service.RuleInfo{}
	}
	return writeJSON(w, http.StatusOK, map[string]any{"rules": rules})
}

// ruleInput is a posted rule: the rule's fields, with "active" true unless
// given, and the webhook and its secret.
type ruleInput struct {
	watch.Rule
	Webhook string `json:"webhook"`
	Secret  string `json:"secret"`
}

func (s *Server) addRule(w http.ResponseWriter, r *http.Request, svc *service.Alerts) error {
	in := ruleInput{Rule: watch.Rule{Active: true}}
	if err := decodeBody(r, &in); err != nil {
		return err
	}
	ctx := r.Context()
	if in.Shared && !isAdmin(ctx) {
		return &Error{Kind: KindForbidden, Message: "only an admin can share a rule with every user"}
	}
	info, err := svc.AddRule(ctx, store.UserFrom(ctx), in.Rule, in.Webhook, in.Secret)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, info)
}

func (s *Server) deleteRule(w http.ResponseWriter, r *http.Request, svc *service.Alerts) error {
	ctx := r.Context()
	if err := svc.DeleteRule(ctx, store.UserFrom(ctx), isAdmin(ctx), r.PathValue("id")); err != nil {
		return alertErr(err)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// enableRule switches a rule on or off.
func (s *Server) enableRule(on bool) alertHandler {
	return func(w http.ResponseWriter, r *http.Request, svc *service.Alerts) error {
		ctx := r.Context()
		id := r.PathValue("id")
		if err := svc.SetEnabled(ctx, store.UserFrom(ctx), isAdmin(ctx), id, on); err != nil {
			return alertErr(err)
		}
		info, err := svc.Rule(ctx, store.UserFrom(ctx), isAdmin(ctx), id)
		if err != nil {
			return err
		}
		return writeJSON(w, http.StatusOK, info)
	}
}

// testRule replays a rule the caller may see over stored history:
// ?since=YYYY-MM-DD (default: everything).
func (s *Server) testRule(w http.ResponseWriter, r *http.Request, svc *service.Alerts) error {
	since, err := dayParam(r, "since")
	if err != nil {
		return err
	}
	ctx := r.Context()
	id := r.PathValue("id")
	if _, err := svc.Rule(ctx, store.UserFrom(ctx), isAdmin(ctx), id); err != nil {
		return err
	}
	start := time.Now()
	alerts, err := svc.Test(ctx, id, since)
	if err != nil {
		return err
	}
	if alerts == nil {
		alerts = []watch.Alert{}
	}
	return writeJSON(w, http.StatusOK, map[string]any{"rule_id": id, "alerts": alerts, "took_ms": time.Since(start).Milliseconds()})
}

func (s *Server) listAlerts(w http.ResponseWriter, r *http.Request, svc *service.Alerts) error {
	limit, err := intParam(r, "limit", store.DefaultLimit, 1, maxPage)
	if err != nil {
		return err
	}
	ctx := r.Context()
	alerts, err := svc.Alerts(ctx, store.UserFrom(ctx), limit)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"alerts": alerts})
}

// stream serves the live stream of events, incident changes and alerts.
func (s *Server) stream(w http.ResponseWriter, r *http.Request, svc *service.Alerts) error {
	// Alerts of private rules go to their owner; an admin sees them all.
	user, admin := store.UserFrom(r.Context()), isAdmin(r.Context())
	svc.Hub().Serve(w, r, func(audience string) bool { return admin || audience == user })
	return nil
}
