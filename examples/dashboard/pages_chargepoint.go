package main

import (
	"net/http"

	"github.com/ocppkit/ocppkit/store"
)

// A charge point's overview: each connector with its state, its session
// (Stop names it), live readings and charts per connector, recent sessions
// and meter values. The other tabs (chargePointTabs) are back office pages
// in the backoffice_*.go files.

// chargePointFor loads the charge point of the {id} path value and its
// view, for every tab; on failure it has answered.
func (s *server) chargePointFor(w http.ResponseWriter, r *http.Request) (*chargePointView, bool) {
	cp, err := s.lookup(r.Context(), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return nil, false
	}
	v, err := s.chargePointView(r.Context(), cp)
	if err != nil {
		s.fail(w, r, err)
		return nil, false
	}
	return &v, true
}

func (s *server) chargePointPage(w http.ResponseWriter, r *http.Request) {
	v, ok := s.chargePointFor(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	recent, _, err := s.findSessions(ctx, sessionFilter{ChargePointID: v.ID}, 1, 10)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var mvs []store.MeterValue
	if err := s.db.WithContext(ctx).Scopes(store.ForChargePoint(v.ID), store.Recent).Limit(30).Find(&mvs).Error; err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderPage(w, r, "charge_point", page{Nav: "dashboard", CP: v, Tab: "overview", Data: struct {
		RecentSessions []*sessionView
		MeterValues    []store.MeterValue
	}{recent, mvs}})
}
