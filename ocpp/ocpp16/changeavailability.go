package ocpp16

// ChangeAvailabilityRequest makes a connector, or the whole charge point
// (connectorId 0), operative or inoperative (Core profile; Central System →
// charge point). Schema: ChangeAvailability.json.
type ChangeAvailabilityRequest struct {
	ConnectorId int              `json:"connectorId" ocpp:"required,min=0"`
	Type        AvailabilityType `json:"type" ocpp:"required"`
}

// ChangeAvailabilityResponse answers a ChangeAvailabilityRequest.
// Schema: ChangeAvailabilityResponse.json.
type ChangeAvailabilityResponse struct {
	Status AvailabilityStatus `json:"status" ocpp:"required"`
}

// Action returns ActionChangeAvailability.
func (ChangeAvailabilityRequest) Action() string { return ActionChangeAvailability }

// Action returns ActionChangeAvailability.
func (ChangeAvailabilityResponse) Action() string { return ActionChangeAvailability }

// Validate checks r against every constraint of ChangeAvailability.json; see [Message].
func (r ChangeAvailabilityRequest) Validate() error { return validate(&r) }

// Validate checks r against every constraint of ChangeAvailabilityResponse.json; see [Message].
func (r ChangeAvailabilityResponse) Validate() error { return validate(&r) }
