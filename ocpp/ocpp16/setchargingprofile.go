package ocpp16

// SetChargingProfileRequest installs a charging profile (SmartCharging
// profile; Central System → charge point). Schema: SetChargingProfile.json.
type SetChargingProfileRequest struct {
	ConnectorId        int             `json:"connectorId" ocpp:"required,min=0"`
	CsChargingProfiles ChargingProfile `json:"csChargingProfiles" ocpp:"required"`
}

// SetChargingProfileResponse answers a SetChargingProfileRequest.
// Schema: SetChargingProfileResponse.json.
type SetChargingProfileResponse struct {
	Status ChargingProfileStatus `json:"status" ocpp:"required"`
}

// Action returns ActionSetChargingProfile.
func (SetChargingProfileRequest) Action() string { return ActionSetChargingProfile }

// Action returns ActionSetChargingProfile.
func (SetChargingProfileResponse) Action() string { return ActionSetChargingProfile }

// Validate checks r against every constraint of SetChargingProfile.json; see [Message].
func (r SetChargingProfileRequest) Validate() error { return validate(&r) }

// Validate checks r against every constraint of SetChargingProfileResponse.json; see [Message].
func (r SetChargingProfileResponse) Validate() error { return validate(&r) }
