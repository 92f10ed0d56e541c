package handlers

import (
	"context"
	"errors"

	"github.com/ocppkit/ocppkit/broadcast"
	"github.com/ocppkit/ocppkit/store"
)

// useReservation marks the reservation a StartTransaction carries as Used
// by its session and publishes "used" on charge_point_<id>_reservations.
// A reservation the Central System does not know (made before it kept
// them) is ignored; a retried StartTransaction changes nothing.
func (d *Defaults) useReservation(ctx context.Context, c *Call, reservationID int, sess *store.ChargingSession) error {
	r, changed, err := d.store.UseReservation(ctx, c.ChargePoint.ID, reservationID, sess.ID, sess.StartedAt)
	if errors.Is(err, store.ErrNotFound) {
		c.Logger.Warn("transaction names an unknown reservation", "action", c.Action, "reservation_id", reservationID)
		return nil
	}
	if err != nil || !changed {
		return err
	}
	d.Publish(c.ChargePoint.ID, broadcast.KindReservations, reservationEvent(broadcast.ReservationUsed, r))
	return nil
}

func reservationEvent(event string, r *store.Reservation) broadcast.ReservationEvent {
	return broadcast.ReservationEvent{
		Event: event,
		Reservation: broadcast.ReservationInfo{
			ID:            r.ID,
			ReservationID: r.ReservationID,
			ConnectorID:   r.ConnectorID,
			IDTag:         r.IDTag,
			ExpiryDate:    r.ExpiryDate,
			Status:        r.Status,
			SessionID:     r.SessionID,
			EVSEID:        r.EVSEID,
		},
	}
}
