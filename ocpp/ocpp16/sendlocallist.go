package ocpp16

// SendLocalListRequest replaces or updates the local authorization list
// (LocalAuthListManagement profile; Central System → charge point). Schema:
// SendLocalList.json.
type SendLocalListRequest struct {
	ListVersion            int                 `json:"listVersion" ocpp:"required"`
	LocalAuthorizationList []AuthorizationData `json:"localAuthorizationList,omitempty"`
	UpdateType             UpdateType          `json:"updateType" ocpp:"required"`
}

// SendLocalListResponse answers a SendLocalListRequest.
// Schema: SendLocalListResponse.json.
type SendLocalListResponse struct {
	Status UpdateStatus `json:"status" ocpp:"required"`
}

// Action returns ActionSendLocalList.
func (SendLocalListRequest) Action() string { return ActionSendLocalList }

// Action returns ActionSendLocalList.
func (SendLocalListResponse) Action() string { return ActionSendLocalList }

// Validate checks r against every constraint of SendLocalList.json; see [Message].
func (r SendLocalListRequest) Validate() error { return validate(&r) }

// Validate checks r against every constraint of SendLocalListResponse.json; see [Message].
func (r SendLocalListResponse) Validate() error { return validate(&r) }
