package handlers

import (
	"context"
	"errors"

	"github.com/ocppkit/ocppkit/broadcast"
	"github.com/ocppkit/ocppkit/ocpp/ocpp201"
	"github.com/ocppkit/ocppkit/store"
)

// ReservationStatusUpdate records that the station ended a reservation:
// Expired marks it Expired, Removed (the station dropped it, e.g. its EVSE
// became unavailable) Cancelled; "expired" or "cancelled" is published on
// charge_point_<id>_reservations. A reservation the CSMS does not know is
// acknowledged and ignored.
func (v *Defaults201) ReservationStatusUpdate(ctx context.Context, c *Call, req ocpp201.ReservationStatusUpdateRequest) (ocpp201.ReservationStatusUpdateResponse, error) {
	status, event := store.ReservationCancelled, broadcast.ReservationCancelled
	if req.ReservationUpdateStatus == ocpp201.ReservationUpdateStatusExpired {
		status, event = store.ReservationExpired, broadcast.ReservationExpired
	}
	before, err := v.d.store.ReservationByID(ctx, c.ChargePoint.ID, req.ReservationId)
	if errors.Is(err, store.ErrNotFound) {
		c.Logger.Warn("ReservationStatusUpdate names an unknown reservation", "reservation_id", req.ReservationId)
		return ocpp201.ReservationStatusUpdateResponse{}, nil
	}
	if err != nil {
		return ocpp201.ReservationStatusUpdateResponse{}, err
	}
	r, err := v.d.store.EndReservation(ctx, c.ChargePoint.ID, req.ReservationId, status)
	if err != nil {
		return ocpp201.ReservationStatusUpdateResponse{}, err
	}
	if before.Status == store.ReservationActive && r.Status == status {
		v.d.Publish(c.ChargePoint.ID, broadcast.KindReservations, reservationEvent(event, r))
	}
	return ocpp201.ReservationStatusUpdateResponse{}, nil
}
