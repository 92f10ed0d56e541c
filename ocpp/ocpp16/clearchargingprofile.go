package ocpp16

// ClearChargingProfileRequest removes the charging profiles matching its
// (optional) criteria (SmartCharging profile; Central System → charge point).
// Schema: ClearChargingProfile.json.
type ClearChargingProfileRequest struct {
	Id                     *int                   `json:"id,omitempty"`
	ConnectorId            *int                   `json:"connectorId,omitempty" ocpp:"min=0"`
	ChargingProfilePurpose ChargingProfilePurpose `json:"chargingProfilePurpose,omitempty"`
	StackLevel             *int                   `json:"stackLevel,omitempty"`
}

// ClearChargingProfileResponse answers a ClearChargingProfileRequest.
// Schema: ClearChargingProfileResponse.json.
type ClearChargingProfileResponse struct {
	Status ClearChargingProfileStatus `json:"status" ocpp:"required"`
}

// Action returns ActionClearChargingProfile.
func (ClearChargingProfileRequest) Action() string { return ActionClearChargingProfile }

// Action returns ActionClearChargingProfile.
func (ClearChargingProfileResponse) Action() string { return ActionClearChargingProfile }

// Validate checks r against every constraint of ClearChargingProfile.json; see [Message].
func (r ClearChargingProfileRequest) Validate() error { return validate(&r) }

// Validate checks r against every constraint of ClearChargingProfileResponse.json; see [Message].
func (r ClearChargingProfileResponse) Validate() error { return validate(&r) }
