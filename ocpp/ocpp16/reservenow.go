package ocpp16

// ReserveNowRequest reserves a connector for an identifier until ExpiryDate
// (Reservation profile; Central System → charge point). Schema:
// ReserveNow.json.
type ReserveNowRequest struct {
	ConnectorId   int      `json:"connectorId" ocpp:"required,min=0"`
	ExpiryDate    DateTime `json:"expiryDate" ocpp:"required"`
	IdTag         string   `json:"idTag" ocpp:"required,max=20"`
	ParentIdTag   string   `json:"parentIdTag,omitempty" ocpp:"max=20"`
	ReservationId int      `json:"reservationId" ocpp:"required"`
}

// ReserveNowResponse answers a ReserveNowRequest.
// Schema: ReserveNowResponse.json.
type ReserveNowResponse struct {
	Status ReservationStatus `json:"status" ocpp:"required"`
}

// Action returns ActionReserveNow.
func (ReserveNowRequest) Action() string { return ActionReserveNow }

// Action returns ActionReserveNow.
func (ReserveNowResponse) Action() string { return ActionReserveNow }

// Validate checks r against every constraint of ReserveNow.json; see [Message].
func (r ReserveNowRequest) Validate() error { return validate(&r) }

// Validate checks r against every constraint of ReserveNowResponse.json; see [Message].
func (r ReserveNowResponse) Validate() error { return validate(&r) }
