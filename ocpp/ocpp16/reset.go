package ocpp16

// ResetRequest asks the charge point to reboot (Core profile; Central System →
// charge point). Schema: Reset.json.
type ResetRequest struct {
	Type ResetType `json:"type" ocpp:"required"`
}

// ResetResponse answers a ResetRequest.
// Schema: ResetResponse.json.
type ResetResponse struct {
	Status ResetStatus `json:"status" ocpp:"required"`
}

// Action returns ActionReset.
func (ResetRequest) Action() string { return ActionReset }

// Action returns ActionReset.
func (ResetResponse) Action() string { return ActionReset }

// Validate checks r against every constraint of Reset.json; see [Message].
func (r ResetRequest) Validate() error { return validate(&r) }

// Validate checks r against every constraint of ResetResponse.json; see [Message].
func (r ResetResponse) Validate() error { return validate(&r) }
