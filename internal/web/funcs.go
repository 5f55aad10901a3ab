package web

import (
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"time"

	"borderwatch"
)

// quadNames name PLOVER's quad classes for people, beside their number.
var quadNames = map[int]string{1: "verbal cooperation", 2: "material cooperation", 3: "verbal conflict", 4: "material conflict"}

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}

// funcs are the template functions every page may use.
func (s *Server) funcs() template.FuncMap {
	return template.FuncMap{
		"static":     s.staticURL,
		"statusText": http.StatusText,
		"hasPrefix":  strings.HasPrefix,
		"join":       strings.Join,
		"time":       fmtTime,
		"path":       url.PathEscape,
		"quad":       borderwatch.Quad,
		"quadName":   func(t string) string { return quadNames[borderwatch.Quad(t)] },
		"add":        func(a, b int) int { return a + b },
		"formOr": func(form url.Values, key, def string) string {
			if form != nil {
				if _, ok := form[key]; ok {
					return form.Get(key)
				}
			}
			return def
		},
	}
}
