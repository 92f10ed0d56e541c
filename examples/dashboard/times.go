package main

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"time"
	_ "time/tzdata" // zone names work on any machine: the binary brings the database
)

// Times: every page shows times in one zone, the operator's browser zone,
// and says which (the top bar's "UTC−05:00"). app.js stores the browser's
// IANA zone name in the tzCookie; the server renders times in that zone
// (UTC until the cookie exists), and app.js formats the times it writes, and
// re-formats the server's <time datetime="…"> elements, in the browser's
// zone with the same layouts, so both always agree. CSV exports and the
// JSON API use UTC (RFC 3339 with Z).

const tzCookie = "ocppkit_tz"

type zoneKey struct{}

// zoneFrom returns the operator's zone of r: the tzCookie's zone, or UTC.
func zoneFrom(r *http.Request) *time.Location {
	c, err := r.Cookie(tzCookie)
	if err != nil || c.Value == "" || len(c.Value) > 64 {
		return time.UTC
	}
	name, err := url.QueryUnescape(c.Value) // app.js escapes the "/" of "Europe/Paris"
	if err != nil {
		return time.UTC
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return time.UTC
	}
	return loc
}

func withZone(ctx context.Context, loc *time.Location) context.Context {
	return context.WithValue(ctx, zoneKey{}, loc)
}

// zoneOf returns the zone withZone stored in ctx, or UTC.
func zoneOf(ctx context.Context) *time.Location {
	if loc, ok := ctx.Value(zoneKey{}).(*time.Location); ok {
		return loc
	}
	return time.UTC
}

// The layouts of fmtTime in app.js: a time of the current day shows the
// clock only.
const (
	clockLayout    = "15:04:05"
	dateTimeLayout = "2006-01-02 15:04:05"
	dateLayout     = "2006-01-02"
	// inputLayout is an <input type="datetime-local"> value.
	inputLayout = "2006-01-02T15:04"
)

// formatTime formats t in loc as app.js's fmtTime does.
func formatTime(t, now time.Time, loc *time.Location) string {
	t, now = t.In(loc), now.In(loc)
	if y, m, d := t.Date(); y == now.Year() && m == now.Month() && d == now.Day() {
		return t.Format(clockLayout)
	}
	return t.Format(dateTimeLayout)
}

// offsetLabel names loc's offset at t as app.js's tzLabel does:
// "UTC", "UTC+02:00", "UTC−05:00" (with a minus sign).
func offsetLabel(t time.Time, loc *time.Location) string {
	_, off := t.In(loc).Zone()
	if off == 0 {
		return "UTC"
	}
	sign := "+"
	if off < 0 {
		sign, off = "−", -off
	}
	return fmt.Sprintf("UTC%s%02d:%02d", sign, off/3600, off%3600/60)
}

// startOfDay is midnight of t's day in loc.
func startOfDay(t time.Time, loc *time.Location) time.Time {
	y, m, d := t.In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, loc)
}

// parseLocal parses a date ("2006-01-02") or an <input type=datetime-local>
// value in loc; ok is false for "" or garbage.
func parseLocal(s string, loc *time.Location) (time.Time, bool) {
	for _, layout := range []string{inputLayout, "2006-01-02T15:04:05", dateLayout} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}
