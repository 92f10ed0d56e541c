package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"math"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/ocppkit/ocppkit/store"
)

// Rendering: html/template pages made of templates/layout.html,
// templates/partials.html and one page file each (templates/<name>.html,
// defining "content"). Adding a page is a template file, a handler in the
// file of its page group and a route in server.go; a top-level page adds a
// navItem, a per-charge-point page a chargePointTab.

// navItem is one entry of the top bar.
type navItem struct{ Key, Label, Href string }

var navItems = []navItem{
	{"dashboard", "Dashboard", "/"},
	{"sessions", "Sessions", "/sessions"},
	{"charge_points", "Charge points", "/charge_points"},
	{"id_tags", "Id tags", "/id_tags"},
	{"reservations", "Reservations", "/reservations"},
}

// chargePointTab is one tab of a charge point's pages, at
// /charge_points/{id}<Path>. Show, when set, hides the tab from charge
// points it does not apply to (say, 1.6 configuration keys beside a 2.0.1
// device model).
type chargePointTab struct {
	Key, Label, Path string
	Show             func(*store.ChargePoint) bool
}

var chargePointTabs = []chargePointTab{
	{Key: "overview", Label: "Overview"},
	{Key: "commands", Label: "Commands", Path: "/commands"},
	{Key: "configuration", Label: "Configuration", Path: "/configuration", Show: func(cp *store.ChargePoint) bool { return !is201(cp) }},
	{Key: "device_model", Label: "Device model", Path: "/device_model", Show: is201},
	{Key: "reservations", Label: "Reservations", Path: "/reservations"},
	{Key: "profiles", Label: "Charging profiles", Path: "/profiles"},
	{Key: "edit", Label: "Settings", Path: "/edit"},
}

// page is what layout.html needs; Data is the page's own.
type page struct {
	Title string
	Page  string // <body data-page>: which part of app.js runs
	Nav   string // the active navItem
	CSRF  string
	IDTag string // the Start buttons' id tag
	// The operator's zone (see times.go), for the top bar's label.
	Zone, ZoneLabel string
	Flash           *flash
	// A charge point's pages: the charge point and the active tab.
	CP  *chargePointView
	Tab string
	// Data attributes of <body> for app.js.
	CPID       uint
	Identity   string
	SessionID  uint
	MeterStart int
	Data       any
}

// NavItems and Tabs are for the templates.
func (p page) NavItems() []navItem { return navItems }

func (p page) Tabs() []chargePointTab {
	var tabs []chargePointTab
	for _, t := range chargePointTabs {
		if p.CP != nil && (t.Show == nil || t.Show(p.CP.ChargePoint)) {
			tabs = append(tabs, t)
		}
	}
	return tabs
}

// staticFuncs are the template functions that do not depend on the
// request; zoneFuncs add those that do.
var staticFuncs = template.FuncMap{
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
	"dur": dur,
	"kwh": func(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) },
	"kw": func(w *float64) string {
		if w == nil {
			return "—"
		}
		return strconv.FormatFloat(*w/1000, 'f', 2, 64)
	},
	"num": func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) },
	"add": func(a, b int) int { return a + b },
	"json": func(v any) (string, error) {
		b, err := json.MarshalIndent(v, "", "  ")
		return string(b), err
	},
	"idString": idString,
	// dict builds the argument of a template call: dict "Rows" .X "CP" .Y.
	"dict": func(kv ...any) (map[string]any, error) {
		if len(kv)%2 != 0 {
			return nil, errors.New("dict: odd number of arguments")
		}
		m := make(map[string]any, len(kv)/2)
		for i := 0; i < len(kv); i += 2 {
			k, ok := kv[i].(string)
			if !ok {
				return nil, fmt.Errorf("dict: key %v is not a string", kv[i])
			}
			m[k] = kv[i+1]
		}
		return m, nil
	},
	"deref": func(p *int) int {
		if p == nil {
			return 0
		}
		return *p
	},
}

// zoneFuncs format times in the operator's zone loc (see times.go).
func zoneFuncs(loc *time.Location) template.FuncMap {
	now := time.Now()
	return template.FuncMap{
		// time renders <time> with the text in loc; app.js re-formats it
		// in the browser's zone (the same one, once the cookie is set).
		"time": func(t any) template.HTML {
			tt, ok := timeOf(t)
			if !ok {
				return "—"
			}
			return template.HTML(fmt.Sprintf(`<time datetime="%s" title="%s">%s</time>`,
				tt.UTC().Format(time.RFC3339Nano),
				template.HTMLEscapeString(tt.In(loc).Format("Mon 2006-01-02 15:04:05 ")+offsetLabel(tt, loc)),
				template.HTMLEscapeString(formatTime(tt, now, loc))))
		},
		// inputTime is the value of an <input type="datetime-local">.
		"inputTime": func(t any) string {
			if tt, ok := timeOf(t); ok {
				return tt.In(loc).Format(inputLayout)
			}
			return ""
		},
	}
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

// roundWh rounds kWh to the Wh: what the JSON API reports energies as.
func roundWh(kwh float64) float64 { return math.Round(kwh*1000) / 1000 }

// parsePages parses one template set per page: the layout, the shared
// partials and the page's own file. The sets are never executed: render
// executes a clone with the request's zone functions.
func parsePages() (map[string]*template.Template, error) {
	names, err := fs.Glob(files, "templates/*.html")
	if err != nil {
		return nil, err
	}
	funcs := template.FuncMap{}
	for k, v := range staticFuncs {
		funcs[k] = v
	}
	for k, v := range zoneFuncs(time.UTC) {
		funcs[k] = v
	}
	pages := make(map[string]*template.Template)
	for _, file := range names {
		name := strings.TrimSuffix(path.Base(file), ".html")
		if name == "layout" || name == "partials" || name == "messages" {
			continue
		}
		t, err := template.New(name).Funcs(funcs).ParseFS(files, "templates/layout.html", "templates/partials.html", "templates/messages.html", file)
		if err != nil {
			return nil, err
		}
		pages[name] = t
	}
	return pages, nil
}

// render executes template name of the page set into a buffer first, so a
// failure is a clean 500 rather than half a page.
func (s *server) render(w http.ResponseWriter, r *http.Request, status int, set, name string, data any) {
	t, err := s.pages[set].Clone()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var buf bytes.Buffer
	if err := t.Funcs(zoneFuncs(zoneOf(r.Context()))).ExecuteTemplate(&buf, name, data); err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}

// renderPage renders page name in the layout with status 200.
func (s *server) renderPage(w http.ResponseWriter, r *http.Request, name string, p page) {
	s.renderPageStatus(w, r, http.StatusOK, name, p)
}

func (s *server) renderPageStatus(w http.ResponseWriter, r *http.Request, status int, name string, p page) {
	if p.Page == "" {
		p.Page = strings.ReplaceAll(name, "_", "-")
	}
	p.CSRF = csrfFrom(r.Context())
	p.IDTag = s.cfg.IDTag
	loc := zoneOf(r.Context())
	p.Zone, p.ZoneLabel = loc.String(), offsetLabel(time.Now(), loc)
	if p.Flash == nil {
		p.Flash = takeFlash(w, r)
	}
	if p.CP != nil {
		p.CPID, p.Identity = p.CP.ID, p.CP.Identifier
		if p.Title == "" {
			p.Title = p.CP.Identifier
		}
	}
	s.render(w, r, status, name, "layout", p)
}

// flash is a one-time message shown on the page after a redirect.
type flash struct {
	Kind string `json:"k"` // "ok" or "error"
	Text string `json:"t"`
}

const flashCookie = "ocppkit_flash"

// redirect answers 303 to url with a flash message for the next page.
func redirect(w http.ResponseWriter, r *http.Request, url, kind, format string, args ...any) {
	b, _ := json.Marshal(flash{Kind: kind, Text: fmt.Sprintf(format, args...)})
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: base64.RawURLEncoding.EncodeToString(b), Path: "/",
		MaxAge: 60, HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil})
	http.Redirect(w, r, url, http.StatusSeeOther)
}

// takeFlash returns the flash message of r and clears it.
func takeFlash(w http.ResponseWriter, r *http.Request) *flash {
	c, err := r.Cookie(flashCookie)
	if err != nil {
		return nil
	}
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode})
	b, err := base64.RawURLEncoding.DecodeString(c.Value)
	var f flash
	if err != nil || json.Unmarshal(b, &f) != nil || f.Text == "" {
		return nil
	}
	return &f
}

// notFoundError names what was not found; it matches store.ErrNotFound.
type notFoundError struct{ what, key string }

func (e notFoundError) Error() string        { return fmt.Sprintf("%s %s not found", e.what, e.key) }
func (e notFoundError) Is(target error) bool { return target == store.ErrNotFound }

// errorMessage is what an operator may read of err.
func errorMessage(err error) (status int, msg string) {
	var nf notFoundError
	switch {
	case errors.As(err, &nf):
		return http.StatusNotFound, nf.Error()
	case errors.Is(err, store.ErrNotFound):
		return http.StatusNotFound, "not found"
	}
	return http.StatusInternalServerError, "internal error"
}

// fail answers 404 naming what is missing, or 500 (logged).
func (s *server) fail(w http.ResponseWriter, r *http.Request, err error) {
	status, msg := errorMessage(err)
	if status == http.StatusInternalServerError {
		s.cfg.Logger.Error("dashboard: request failed", "path", r.URL.Path, "err", err)
	}
	http.Error(w, msg, status)
}

func errorsIsNotFound(err error) bool { return errors.Is(err, store.ErrNotFound) }

func idString(id uint) string { return strconv.FormatUint(uint64(id), 10) }
