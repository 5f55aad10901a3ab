package web

import (
	"net/http"

	"borderwatch/internal/store"
)

// documentView is the document page's data: the clean text cut into
// highlighted segments, and the events coded from it.
type documentView struct {
	Doc      store.StoredDocument
	Segments []segment
	Events   []store.StoredEvent
	// Unplaced counts events whose evidence sentence is no longer in the
	// text (the text was cleaned differently since), so none is hidden
	// without saying so.
	Unplaced int
}

func (s *Server) documentPage(w http.ResponseWriter, r *http.Request) error {
	d, err := s.cfg.Store.Document(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	page, err := s.cfg.Store.Events(r.Context(), store.EventFilter{DocID: d.ID, Limit: store.MaxLimit, NoCount: true})
	if err != nil {
		return err
	}
	v := documentView{Doc: d, Events: page.Events}
	var spans []span
	for _, ev := range page.Events {
		at := sentenceStart(d.Text, ev.TextInfo)
		if at < 0 {
			v.Unplaced++
			continue
		}
		for _, sp := range eventSpans(ev.Event) {
			spans = append(spans, span{at + sp.Start, at + sp.End, sp.Kind})
		}
	}
	v.Segments = segments(d.Text, spans)
	title := d.Title
	if title == "" {
		title = "Document " + d.ID
	}
	s.render(w, r, http.StatusOK, "document.html", title, v)
	return nil
}
