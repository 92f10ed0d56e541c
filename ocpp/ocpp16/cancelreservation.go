package ocpp16

// CancelReservationRequest cancels a reservation made with ReserveNow
// (Reservation profile; Central System → charge point). Schema:
// CancelReservation.json.
type CancelReservationRequest struct {
	ReservationId int `json:"reservationId" ocpp:"required"`
}

// CancelReservationResponse answers a CancelReservationRequest.
// Schema: CancelReservationResponse.json.
type CancelReservationResponse struct {
	Status CancelReservationStatus `json:"status" ocpp:"required"`
}

// Action returns ActionCancelReservation.
func (CancelReservationRequest) Action() string { return ActionCancelReservation }

// Action returns ActionCancelReservation.
func (CancelReservationResponse) Action() string { return ActionCancelReservation }

// Validate checks r against every constraint of CancelReservation.json; see [Message].
func (r CancelReservationRequest) Validate() error { return validate(&r) }

// Validate checks r against every constraint of CancelReservationResponse.json; see [Message].
func (r CancelReservationResponse) Validate() error { return validate(&r) }
