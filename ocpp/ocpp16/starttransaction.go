package ocpp16

// StartTransactionRequest reports that a transaction started and asks for its
// transaction id (Core profile; charge point → Central System). Schema:
// StartTransaction.json.
type StartTransactionRequest struct {
	ConnectorId   int      `json:"connectorId" ocpp:"required,min=1"`
	IdTag         string   `json:"idTag" ocpp:"required,max=20"`
	MeterStart    int      `json:"meterStart" ocpp:"required"`
	ReservationId *int     `json:"reservationId,omitempty"`
	Timestamp     DateTime `json:"timestamp" ocpp:"required"`
	TransactionId *int     `json:"transactionId,omitempty"`
}

// StartTransactionResponse answers a StartTransactionRequest.
// Schema: StartTransactionResponse.json.
type StartTransactionResponse struct {
	IdTagInfo     IdTagInfo `json:"idTagInfo" ocpp:"required"`
	TransactionId int       `json:"transactionId" ocpp:"required"`
}

// Action returns ActionStartTransaction.
func (StartTransactionRequest) Action() string { return ActionStartTransaction }

// Action returns ActionStartTransaction.
func (StartTransactionResponse) Action() string { return ActionStartTransaction }

// Validate checks r against every constraint of StartTransaction.json; see [Message].
func (r StartTransactionRequest) Validate() error { return validate(&r) }

// Validate checks r against every constraint of StartTransactionResponse.json; see [Message].
func (r StartTransactionResponse) Validate() error { return validate(&r) }
