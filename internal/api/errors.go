package api

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"borderwatch/internal/incident"
	"borderwatch/internal/service"
	"borderwatch/internal/store"
)

// Error kinds; statusOf maps each to its HTTP status.
const (
	KindInvalid      = "invalid"
	KindNotFound     = "not_found"
	KindMethod       = "method_not_allowed"
	KindUnauthorized = "unauthorized"
	KindForbidden    = "forbidden"
	KindConflict     = "conflict"
	KindTooLarge     = "too_large"
	KindUnavailable  = "unavailable"
	KindInternal     = "internal"
)

// statusOf is the one table from error kind to HTTP status.
var statusOf = map[string]int{
	KindInvalid:      http.StatusBadRequest,
	KindNotFound:     http.StatusNotFound,
	KindMethod:       http.StatusMethodNotAllowed,
	KindUnauthorized: http.StatusUnauthorized,
	KindForbidden:    http.StatusForbidden,
	KindConflict:     http.StatusConflict,
	KindTooLarge:     http.StatusRequestEntityTooLarge,
	KindUnavailable:  http.StatusServiceUnavailable,
	KindInternal:     http.StatusInternalServerError,
}

// Error is an API error: a kind, a message for the client, and the cause
// (logged, never sent).
type Error struct {
	Kind    string `json:"kind"`
	Message string `json:"message"`
	Err     error  `json:"-"`
}

func (e *Error) Error() string { return e.Kind + ": " + e.Message }
func (e *Error) Unwrap() error { return e.Err }

func invalid(format string, args ...any) *Error {
	return &Error{Kind: KindInvalid, Message: sprintf(format, args...)}
}

// classify turns any error into an API error.
func classify(err error) *Error {
	var ae *Error
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &ae):
		return ae
	case errors.As(err, &tooLarge):
		return &Error{Kind: KindTooLarge, Message: sprintf("the request body is larger than %d bytes", tooLarge.Limit)}
	case errors.Is(err, store.ErrInvalid):
		return &Error{Kind: KindInvalid, Message: storeMessage(err)}
	case errors.Is(err, store.ErrNotFound):
		return &Error{Kind: KindNotFound, Message: storeMessage(err)}
	case errors.Is(err, store.ErrConflict):
		return &Error{Kind: KindConflict, Message: storeMessage(err)}
	case errors.Is(err, store.ErrAuth):
		return &Error{Kind: KindUnauthorized, Message: storeMessage(err)}
	case errors.Is(err, incident.ErrNotFound):
		return &Error{Kind: KindNotFound, Message: strings.TrimPrefix(err.Error(), "service: ")}
	case errors.Is(err, service.ErrRejected):
		return &Error{Kind: KindConflict, Message: err.Error()}
	}
	return &Error{Kind: KindInternal, Message: "internal error", Err: err}
}

// storeMessage drops the package prefix and the kind suffix of a store error.
func storeMessage(err error) string {
	s := strings.TrimPrefix(err.Error(), "store: ")
	for _, k := range []error{store.ErrInvalid, store.ErrNotFound, store.ErrConflict, store.ErrAuth} {
		s = strings.TrimSuffix(s, ": "+k.Error())
	}
	return s
}

func writeError(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) {
	e := classify(err)
	status := statusOf[e.Kind]
	if status == 0 {
		status = http.StatusInternalServerError
	}
	if status >= 500 {
		log.Error("api: request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	if e.Kind == KindUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="borderwatch"`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(e)
}
