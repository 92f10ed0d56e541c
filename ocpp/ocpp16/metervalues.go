package ocpp16

// MeterValuesRequest reports sampled meter values of a connector (Core
// profile; charge point → Central System). Schema: MeterValues.json.
type MeterValuesRequest struct {
	ConnectorId   int          `json:"connectorId" ocpp:"required,min=0"`
	TransactionId *int         `json:"transactionId,omitempty" ocpp:"min=1"`
	MeterValue    []MeterValue `json:"meterValue" ocpp:"required"`
}

// MeterValuesResponse answers a MeterValuesRequest.
// Schema: MeterValuesResponse.json.
type MeterValuesResponse struct {
}

// Action returns ActionMeterValues.
func (MeterValuesRequest) Action() string { return ActionMeterValues }

// Action returns ActionMeterValues.
func (MeterValuesResponse) Action() string { return ActionMeterValues }

// Validate checks r against every constraint of MeterValues.json; see [Message].
func (r MeterValuesRequest) Validate() error { return validate(&r) }

// Validate checks r against every constraint of MeterValuesResponse.json; see [Message].
func (r MeterValuesResponse) Validate() error { return validate(&r) }
