package ocpp16

// RemoteStopTransactionRequest asks the charge point to stop a transaction
// (Core profile; Central System → charge point). Schema:
// RemoteStopTransaction.json.
type RemoteStopTransactionRequest struct {
	TransactionId int `json:"transactionId" ocpp:"required,min=1"`
}

// RemoteStopTransactionResponse answers a RemoteStopTransactionRequest.
// Schema: RemoteStopTransactionResponse.json.
type RemoteStopTransactionResponse struct {
	Status RemoteStartStopStatus `json:"status" ocpp:"required"`
}

// Action returns ActionRemoteStopTransaction.
func (RemoteStopTransactionRequest) Action() string { return ActionRemoteStopTransaction }

// Action returns ActionRemoteStopTransaction.
func (RemoteStopTransactionResponse) Action() string { return ActionRemoteStopTransaction }

// Validate checks r against every constraint of RemoteStopTransaction.json; see [Message].
func (r RemoteStopTransactionRequest) Validate() error { return validate(&r) }

// Validate checks r against every constraint of RemoteStopTransactionResponse.json; see [Message].
func (r RemoteStopTransactionResponse) Validate() error { return validate(&r) }
