package main

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/ocppkit/ocppkit/ocpp/ocpp16"
	"github.com/ocppkit/ocppkit/ocpp/ocpp201"
	"github.com/ocppkit/ocppkit/store"
)

// Back office: reservations. A charge point's reservations with ReserveNow
// and CancelReservation (the library records what the charge point
// accepts), and every reservation across charge points.

func (s *server) reservationRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /reservations", s.reservationsPage)
	mux.HandleFunc("GET /charge_points/{id}/reservations", s.chargePointReservationsPage)
	mux.HandleFunc("POST /charge_points/{id}/reservations", s.reserveNow)
	mux.HandleFunc("POST /charge_points/{id}/reservations/{rid}/cancel", s.cancelReservation)
}

const reservationsPerPage = 25

func (s *server) reservationsPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if _, err := s.csms.Store.ExpireReservations(ctx, time.Now()); err != nil {
		s.fail(w, r, err)
		return
	}
	status := r.URL.Query().Get("status")
	q := s.db.WithContext(ctx).Model(&store.Reservation{})
	if status != "" {
		q = q.Where("status = ?", status)
	}
	var total int64
	if err := q.Count(&total).Error; err != nil {
		s.fail(w, r, err)
		return
	}
	pg := pageParam(r)
	var rs []store.Reservation
	if err := q.Preload("ChargePoint").Order("id DESC").Limit(reservationsPerPage).Offset((pg - 1) * reservationsPerPage).Find(&rs).Error; err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderPage(w, r, "reservations", page{Title: "Reservations", Nav: "reservations", Data: struct {
		Reservations []store.Reservation
		Status       string
		Statuses     []string
		Pager        pager
	}{rs, status, []string{store.ReservationActive, store.ReservationUsed, store.ReservationCancelled, store.ReservationExpired},
		newPager(r.URL, pg, reservationsPerPage, total)}})
}

func (s *server) chargePointReservationsPage(w http.ResponseWriter, r *http.Request) {
	v, ok := s.chargePointFor(w, r)
	if !ok {
		return
	}
	rs, err := s.csms.Store.Reservations(r.Context(), v.ID, time.Now(), false)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	next := 1
	for _, res := range rs {
		next = max(next, res.ReservationID+1)
	}
	s.renderPage(w, r, "charge_point_reservations", page{Nav: "charge_points", CP: v, Tab: "reservations", Data: struct {
		Reservations  []store.Reservation
		NextID        int
		DefaultExpiry time.Time
	}{rs, next, time.Now().Add(time.Hour).Truncate(time.Minute)}})
}

func reservationsURL(v *chargePointView) string {
	return "/charge_points/" + idString(v.ID) + "/reservations"
}

// POST /charge_points/{id}/reservations connector_id=…&id_tag=…&expiry=…&reservation_id=…
func (s *server) reserveNow(w http.ResponseWriter, r *http.Request) {
	v, ok := s.chargePointFor(w, r)
	if !ok {
		return
	}
	connector, err1 := strconv.Atoi(r.PostFormValue("connector_id"))
	rid, err2 := strconv.Atoi(r.PostFormValue("reservation_id"))
	expiry, ok := parseLocal(r.PostFormValue("expiry"), zoneOf(r.Context()))
	idTag := strings.TrimSpace(r.PostFormValue("id_tag"))
	req := ocpp16.ReserveNowRequest{ConnectorId: connector, IdTag: idTag,
		ExpiryDate: ocpp16.NewDateTime(expiry), ReservationId: rid}
	if err1 != nil || err2 != nil || !ok || connector < 0 {
		redirect(w, r, reservationsURL(v), "error", "ReserveNow needs a connector, a reservation id and an expiry date")
		return
	}
	if v.Is201() {
		req := ocpp201.ReserveNowRequest{Id: rid, ExpiryDateTime: ocpp201.NewDateTime(expiry),
			IdToken: ocpp201.IdToken{IdToken: idTag, Type: ocpp201.IdTokenTypeCentral}}
		if connector > 0 {
			req.EvseId = &connector
		}
		if err := req.Validate(); err != nil {
			redirect(w, r, reservationsURL(v), "error", "ReserveNow: %s", err)
			return
		}
		s.sendAndReport(w, r, reservationsURL(v), v, req, fmt.Sprintf("Reservation %d of connector %d for %s", rid, connector, idTag))
		return
	}
	if err := req.Validate(); err != nil {
		redirect(w, r, reservationsURL(v), "error", "ReserveNow: %s", err)
		return
	}
	s.sendAndReport(w, r, reservationsURL(v), v, req, fmt.Sprintf("Reservation %d of connector %d for %s", rid, connector, req.IdTag))
}

// POST /charge_points/{id}/reservations/{rid}/cancel ({rid}: the OCPP
// reservationId)
func (s *server) cancelReservation(w http.ResponseWriter, r *http.Request) {
	v, ok := s.chargePointFor(w, r)
	if !ok {
		return
	}
	rid, err := strconv.Atoi(r.PathValue("rid"))
	if err != nil {
		s.fail(w, r, notFoundError{"reservation", r.PathValue("rid")})
		return
	}
	what := fmt.Sprintf("Cancel reservation %d", rid)
	if v.Is201() {
		s.sendAndReport(w, r, reservationsURL(v), v, ocpp201.CancelReservationRequest{ReservationId: rid}, what)
		return
	}
	s.sendAndReport(w, r, reservationsURL(v), v, ocpp16.CancelReservationRequest{ReservationId: rid}, what)
}
