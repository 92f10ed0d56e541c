package ocpp16

// RemoteStartTransactionRequest asks the charge point to start a transaction
// (Core profile; Central System → charge point). Schema:
// RemoteStartTransaction.json.
type RemoteStartTransactionRequest struct {
	ConnectorId     *int             `json:"connectorId,omitempty" ocpp:"min=1"`
	IdTag           string           `json:"idTag" ocpp:"required,max=20"`
	ChargingProfile *ChargingProfile `json:"chargingProfile,omitempty"`
}

// RemoteStartTransactionResponse answers a RemoteStartTransactionRequest.
// Schema: RemoteStartTransactionResponse.json.
type RemoteStartTransactionResponse struct {
	Status RemoteStartStopStatus `json:"status" ocpp:"required"`
}

// Action returns ActionRemoteStartTransaction.
func (RemoteStartTransactionRequest) Action() string { return ActionRemoteStartTransaction }

// Action returns ActionRemoteStartTransaction.
func (RemoteStartTransactionResponse) Action() string { return ActionRemoteStartTransaction }

// Validate checks r against every constraint of RemoteStartTransaction.json; see [Message].
func (r RemoteStartTransactionRequest) Validate() error { return validate(&r) }

// Validate checks r against every constraint of RemoteStartTransactionResponse.json; see [Message].
func (r RemoteStartTransactionResponse) Validate() error { return validate(&r) }
