package main

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/ocppkit/ocppkit/store"
)

// page is what the layout template needs; Data is the page's own.
type page struct {
	Title, Page, Nav string
	CSRF             string
	IDTag            string // the Start buttons' id tag
	// Data attributes of <body> for app.js.
	CPID       uint
	Identity   string
	SessionID  uint
	MeterStart int
	Data       any
}

var funcs = template.FuncMap{
	// statusClass maps an OCPP status to its badge colour class.
	"statusClass": func(status string) string {
		if status == "" {
			return "st-unknown"
		}
		return "st-" + strings.ToLower(status)
	},
	"iso": func(t any) string {
		if tt, ok := timeOf(t); ok {
			return tt.UTC().Format(time.RFC3339Nano)
		}
		return ""
	},
	"ago": func(t any) string {
		tt, ok := timeOf(t)
		if !ok {
			return "never"
		}
		return ago(time.Since(tt))
	},
	"clock": func(t any) string {
		tt, ok := timeOf(t)
		if !ok {
			return "—"
		}
		tt = tt.Local()
		if y, m, d := tt.Date(); y != time.Now().Year() || m != time.Now().Month() || d != time.Now().Day() {
			return tt.Format("Jan 2 15:04:05")
		}
		return tt.Format("15:04:05")
	},
	"dur": dur,
	"kwh": func(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) },
	"kw": func(w *float64) string {
		if w == nil {
			return "—"
		}
		return strconv.FormatFloat(*w/1000, 'f', 2, 64)
	},
	"num": func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) },
}

func timeOf(v any) (time.Time, bool) {
	switch t := v.(type) {
	case time.Time:
		return t, !t.IsZero()
	case *time.Time:
		if t != nil && !t.IsZero() {
			return *t, true
		}
	}
	return time.Time{}, false
}

// ago and dur format like fmtAgo and fmtDur in app.js, which takes over
// in the browser.
func ago(d time.Duration) string {
	s := max(int64(d.Round(time.Second)/time.Second), 0)
	switch {
	case s < 60:
		return fmt.Sprintf("%d s ago", s)
	case s < 3600:
		return fmt.Sprintf("%d min ago", s/60)
	case s < 86400:
		return fmt.Sprintf("%d h ago", s/3600)
	}
	return fmt.Sprintf("%d d ago", s/86400)
}

func dur(d time.Duration) string {
	s := max(int64(d/time.Second), 0)
	h, m, sec := s/3600, s%3600/60, s%60
	switch {
	case h > 0:
		return fmt.Sprintf("%dh %02dm %02ds", h, m, sec)
	case m > 0:
		return fmt.Sprintf("%dm %02ds", m, sec)
	}
	return fmt.Sprintf("%ds", sec)
}

// parsePages parses one template set per page: the layout, the shared
// partials and the page's own "content".
func parsePages() (map[string]*template.Template, error) {
	pages := make(map[string]*template.Template)
	for _, name := range []string{"dashboard", "charge_point", "sessions", "session", "login"} {
		t, err := template.New(name).Funcs(funcs).ParseFS(files,
			"templates/layout.html", "templates/partials.html", "templates/messages.html", "templates/"+name+".html")
		if err != nil {
			return nil, err
		}
		pages[name] = t
	}
	return pages, nil
}

// render executes a template into a buffer first, so a failure is a clean
// 500 rather than half a page.
func (s *server) render(w http.ResponseWriter, r *http.Request, status int, set, name string, data any) {
	var buf bytes.Buffer
	if err := s.pages[set].ExecuteTemplate(&buf, name, data); err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}

func (s *server) renderPage(w http.ResponseWriter, r *http.Request, name string, p page) {
	p.Page = strings.ReplaceAll(name, "_", "-")
	p.CSRF = csrfFrom(r.Context())
	p.IDTag = s.cfg.IDTag
	s.render(w, r, http.StatusOK, name, "layout", p)
}

func (s *server) renderLogin(w http.ResponseWriter, status int, d loginData) {
	s.render(w, nil, status, "login", "login", d)
}

// fail answers 404 for a missing row and 500 (logged) otherwise.
func (s *server) fail(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, store.ErrNotFound) {
		http.Error(w, "not found", http.StatusNotFound)
		return
	}
	path := ""
	if r != nil {
		path = r.URL.Path
	}
	s.cfg.Logger.Error("dashboard: request failed", "path", path, "err", err)
	http.Error(w, "internal error", http.StatusInternalServerError)
}

func (s *server) dashboardPage(w http.ResponseWriter, r *http.Request) {
	st, err := s.stats(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	views, err := s.chargePointViews(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	active, err := s.sessions(r.Context(), 10, store.Active)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderPage(w, r, "dashboard", page{Title: "Charge points", Nav: "dashboard", Data: struct {
		Stats        stats
		ChargePoints []chargePointView
		Active       []*sessionView
	}{st, views, active}})
}

// cardFragment renders one charge point card: app.js swaps it in when the
// charge point's status, session or connection changes.
func (s *server) cardFragment(w http.ResponseWriter, r *http.Request) {
	cp, err := s.lookup(r.Context(), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v, err := s.chargePointView(r.Context(), cp)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "dashboard", "cp-card", v)
}

func (s *server) chargePointPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	cp, err := s.lookup(ctx, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v, err := s.chargePointView(ctx, cp)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	recent, err := s.sessions(ctx, 10, store.ForChargePoint(cp.ID))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var mvs []store.MeterValue
	if err := s.db.WithContext(ctx).Scopes(store.ForChargePoint(cp.ID), store.Recent).Limit(30).Find(&mvs).Error; err != nil {
		s.fail(w, r, err)
		return
	}
	// The Start form offers the connectors the charge point reported.
	var startConnectors []int
	for _, c := range v.Connectors {
		if c.ConnectorID > 0 {
			startConnectors = append(startConnectors, c.ConnectorID)
		}
	}
	if len(startConnectors) == 0 {
		startConnectors = []int{1}
	}
	// The live readings follow the current session's connector.
	live := startConnectors[0]
	if v.CurrentSession != nil {
		live = v.CurrentSession.ConnectorID
	}
	p := page{Title: cp.Identifier, Nav: "dashboard", CPID: cp.ID, Identity: cp.Identifier, Data: struct {
		CP              chargePointView
		Connectors      []store.Connector
		StartConnectors []int
		LiveConnector   int
		RecentSessions  []*sessionView
		MeterValues     []store.MeterValue
	}{v, v.Connectors, startConnectors, live, recent, mvs}}
	s.renderPage(w, r, "charge_point", p)
}

func (s *server) sessionsPage(w http.ResponseWriter, r *http.Request) {
	active, err := s.sessions(r.Context(), 0, store.Active)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	recent, err := s.sessions(r.Context(), 50, store.Completed)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderPage(w, r, "sessions", page{Title: "Sessions", Nav: "sessions", Data: struct {
		Active, Recent []*sessionView
	}{active, recent}})
}

func (s *server) sessionPage(w http.ResponseWriter, r *http.Request) {
	sess, err := s.session(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderPage(w, r, "session", page{
		Title: fmt.Sprintf("Session #%d", sess.ID), Nav: "sessions",
		CPID: sess.ChargePointID, Identity: sess.ChargePointIdentifier,
		SessionID: sess.ID, MeterStart: sess.MeterStart,
		Data: struct{ Session *sessionView }{sess},
	})
}

// session loads the session named by the {id} path value.
func (s *server) session(r *http.Request) (*sessionView, error) {
	id, err := strconv.ParseUint(r.PathValue("id"), 10, 64)
	if err != nil {
		return nil, fmt.Errorf("session id %q: %w", r.PathValue("id"), store.ErrNotFound)
	}
	sess, err := s.csms.Store.SessionByID(r.Context(), uint(id))
	if err != nil {
		return nil, err
	}
	cp, err := s.csms.Store.ChargePointByID(r.Context(), sess.ChargePointID)
	if err != nil {
		return nil, err
	}
	return newSessionView(sess, cp.Identifier), nil
}
