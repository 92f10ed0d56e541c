package store_test

import (
	"context"
	"testing"

	"github.com/ocppkit/ocppkit/store"
)

func TestReservations(t *testing.T) {
	each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		cp := newCP(t, s, "RES")
		other := newCP(t, s, "RES-OTHER")

		r, err := s.SaveReservation(ctx, store.Reservation{ChargePointID: cp.ID, ReservationID: 1, ConnectorID: 1, IDTag: "TAG", ExpiryDate: at(60)})
		if err != nil || r.ID == 0 || r.Status != store.ReservationActive {
			t.Fatalf("SaveReservation = %+v, %v", r, err)
		}
		// The same OCPP id on another charge point is another reservation.
		if _, err := s.SaveReservation(ctx, store.Reservation{ChargePointID: other.ID, ReservationID: 1, ConnectorID: 2, IDTag: "X", ExpiryDate: at(60)}); err != nil {
			t.Fatal(err)
		}
		// A ReserveNow with an existing id replaces it.
		again, err := s.SaveReservation(ctx, store.Reservation{ChargePointID: cp.ID, ReservationID: 1, ConnectorID: 2, IDTag: "TAG2", ParentIDTag: "PARENT", ExpiryDate: at(90)})
		if err != nil || again.ID != r.ID || again.ConnectorID != 2 || again.IDTag != "TAG2" || again.ParentIDTag != "PARENT" {
			t.Fatalf("replace = %+v, %v", again, err)
		}
		eqTime(t, "replaced expiry", again.ExpiryDate, at(90))

		sess := startSession(t, s, cp.ID, 2, 0, at(10))
		used, changed, err := s.UseReservation(ctx, cp.ID, 1, sess.ID, at(10))
		if err != nil || !changed || used.Status != store.ReservationUsed || used.SessionID == nil || *used.SessionID != sess.ID {
			t.Fatalf("UseReservation = %+v, %v, %v", used, changed, err)
		}
		// A retried StartTransaction changes nothing.
		if again, changed, err := s.UseReservation(ctx, cp.ID, 1, sess.ID, at(11)); err != nil || changed || again.Status != store.ReservationUsed {
			t.Fatalf("retried UseReservation = %+v, %v, %v", again, changed, err)
		}
		if _, _, err := s.UseReservation(ctx, cp.ID, 99, sess.ID, at(11)); err == nil {
			t.Fatal("UseReservation of an unknown id succeeded")
		} else {
			wantNotFound(t, err)
		}

		// Cancellation.
		if _, err := s.SaveReservation(ctx, store.Reservation{ChargePointID: cp.ID, ReservationID: 2, ConnectorID: 1, IDTag: "TAG", ExpiryDate: at(60)}); err != nil {
			t.Fatal(err)
		}
		c, err := s.CancelReservation(ctx, cp.ID, 2)
		if err != nil || c.Status != store.ReservationCancelled {
			t.Fatalf("CancelReservation = %+v, %v", c, err)
		}
		if c, err := s.CancelReservation(ctx, cp.ID, 1); err != nil || c.Status != store.ReservationUsed {
			t.Fatalf("cancel of a used reservation = %+v, %v (want it unchanged)", c, err)
		}
		_, err = s.CancelReservation(ctx, cp.ID, 42)
		wantNotFound(t, err)

		// Expiry: periodic and lazy.
		for id, exp := range map[int]int{3: 20, 4: 40, 5: 200} {
			if _, err := s.SaveReservation(ctx, store.Reservation{ChargePointID: cp.ID, ReservationID: id, ConnectorID: 1, IDTag: "TAG", ExpiryDate: at(exp)}); err != nil {
				t.Fatal(err)
			}
		}
		expired, err := s.ExpireReservations(ctx, at(20))
		if err != nil || len(expired) != 1 || expired[0].ReservationID != 3 || expired[0].Status != store.ReservationExpired {
			t.Fatalf("ExpireReservations = %+v, %v", expired, err)
		}
		active, err := s.Reservations(ctx, cp.ID, at(45), true)
		if err != nil || len(active) != 1 || active[0].ReservationID != 5 || !active[0].IsActive(at(45)) {
			t.Fatalf("active reservations = %+v, %v", active, err)
		}
		four, err := s.ReservationByID(ctx, cp.ID, 4)
		if err != nil || four.Status != store.ReservationExpired {
			t.Fatalf("lazily expired reservation = %+v, %v", four, err)
		}
		all, err := s.Reservations(ctx, cp.ID, at(45), false)
		if err != nil || len(all) != 5 {
			t.Fatalf("all reservations = %d, %v", len(all), err)
		}
		if o, err := s.Reservations(ctx, other.ID, at(45), true); err != nil || len(o) != 1 || o[0].ConnectorID != 2 {
			t.Fatalf("other charge point's reservations = %+v, %v", o, err)
		}
	})
}
