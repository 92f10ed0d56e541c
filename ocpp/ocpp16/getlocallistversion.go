package ocpp16

// GetLocalListVersionRequest reads the version of the local authorization list
// (LocalAuthListManagement profile; Central System → charge point). Schema:
// GetLocalListVersion.json.
type GetLocalListVersionRequest struct {
}

// GetLocalListVersionResponse answers a GetLocalListVersionRequest.
// Schema: GetLocalListVersionResponse.json.
type GetLocalListVersionResponse struct {
	ListVersion int `json:"listVersion" ocpp:"required"`
}

// Action returns ActionGetLocalListVersion.
func (GetLocalListVersionRequest) Action() string { return ActionGetLocalListVersion }

// Action returns ActionGetLocalListVersion.
func (GetLocalListVersionResponse) Action() string { return ActionGetLocalListVersion }

// Validate checks r against every constraint of GetLocalListVersion.json; see [Message].
func (r GetLocalListVersionRequest) Validate() error { return validate(&r) }

// Validate checks r against every constraint of GetLocalListVersionResponse.json; see [Message].
func (r GetLocalListVersionResponse) Validate() error { return validate(&r) }
