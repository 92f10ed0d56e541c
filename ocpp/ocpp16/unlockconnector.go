package ocpp16

// UnlockConnectorRequest asks the charge point to unlock a connector (Core
// profile; Central System → charge point). Schema: UnlockConnector.json.
type UnlockConnectorRequest struct {
	ConnectorId int `json:"connectorId" ocpp:"required,min=1"`
}

// UnlockConnectorResponse answers a UnlockConnectorRequest.
// Schema: UnlockConnectorResponse.json.
type UnlockConnectorResponse struct {
	Status UnlockStatus `json:"status" ocpp:"required"`
}

// Action returns ActionUnlockConnector.
func (UnlockConnectorRequest) Action() string { return ActionUnlockConnector }

// Action returns ActionUnlockConnector.
func (UnlockConnectorResponse) Action() string { return ActionUnlockConnector }

// Validate checks r against every constraint of UnlockConnector.json; see [Message].
func (r UnlockConnectorRequest) Validate() error { return validate(&r) }

// Validate checks r against every constraint of UnlockConnectorResponse.json; see [Message].
func (r UnlockConnectorResponse) Validate() error { return validate(&r) }
