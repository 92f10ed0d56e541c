package main

import (
	"net/http"
	"net/url"
	"strconv"
)

// The dashboard: live counters, one card per charge point (each connector
// with its own state, session, power and energy; the site total beside) and
// every active session, paged.

// activePerPage is the page size of the dashboard's active sessions.
const activePerPage = 10

func (s *server) dashboardPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	st, views, err := s.stats(ctx, zoneOf(ctx))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	pg := pageParam(r)
	active, total, err := s.findSessions(ctx, sessionFilter{Status: stateActive}, pg, activePerPage)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	unknown, err := s.csms.Store.UnknownChargePoints(ctx, 100)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderPage(w, r, "dashboard", page{Title: "Dashboard", Nav: "dashboard", Data: struct {
		Stats        stats
		ChargePoints []chargePointView
		Active       []*sessionView
		Pager        pager
		Unknown      int
	}{st, views, active, newPager(r.URL, pg, activePerPage, total), len(unknown)}})
}

// cardFragment renders one charge point card: app.js swaps it in when the
// charge point's status, sessions or connection change.
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
	s.render(w, r, http.StatusOK, "dashboard", "cp-card", &v)
}

// pager is the paging of a table: page Page of Pages, rows From–To of
// Total, with links keeping the other query parameters.
type pager struct {
	Page, Pages      int
	Total            int64
	From, To         int64
	PrevURL, NextURL string
}

func newPager(u *url.URL, page, perPage int, total int64) pager {
	p := pager{Page: max(page, 1), Total: total, Pages: int((total + int64(perPage) - 1) / int64(perPage))}
	p.Pages = max(p.Pages, 1)
	if total > 0 {
		p.From = int64(p.Page-1)*int64(perPage) + 1
		p.To = min(p.From+int64(perPage)-1, total)
	}
	link := func(n int) string {
		q := u.Query()
		q.Set("page", strconv.Itoa(n))
		return u.Path + "?" + q.Encode()
	}
	if p.Page > 1 {
		p.PrevURL = link(p.Page - 1)
	}
	if p.Page < p.Pages {
		p.NextURL = link(p.Page + 1)
	}
	return p
}

// pageParam is the ?page= of r, from 1.
func pageParam(r *http.Request) int {
	n, err := strconv.Atoi(r.URL.Query().Get("page"))
	if err != nil || n < 1 {
		return 1
	}
	return n
}
