package ocpp16

// StopTransactionRequest reports that a transaction stopped (Core profile;
// charge point → Central System). Schema: StopTransaction.json.
type StopTransactionRequest struct {
	IdTag           string       `json:"idTag,omitempty" ocpp:"max=20"`
	MeterStop       int          `json:"meterStop" ocpp:"required"`
	Timestamp       DateTime     `json:"timestamp" ocpp:"required"`
	TransactionId   int          `json:"transactionId" ocpp:"required"`
	Reason          Reason       `json:"reason,omitempty"`
	TransactionData []MeterValue `json:"transactionData,omitempty"`
}

// StopTransactionResponse answers a StopTransactionRequest.
// Schema: StopTransactionResponse.json.
type StopTransactionResponse struct {
	IdTagInfo *IdTagInfo `json:"idTagInfo,omitempty"`
}

// Action returns ActionStopTransaction.
func (StopTransactionRequest) Action() string { return ActionStopTransaction }

// Action returns ActionStopTransaction.
func (StopTransactionResponse) Action() string { return ActionStopTransaction }

// Validate checks r against every constraint of StopTransaction.json; see [Message].
func (r StopTransactionRequest) Validate() error { return validate(&r) }

// Validate checks r against every constraint of StopTransactionResponse.json; see [Message].
func (r StopTransactionResponse) Validate() error { return validate(&r) }
