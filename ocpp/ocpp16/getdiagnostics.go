package ocpp16

// GetDiagnosticsRequest asks the charge point to upload a diagnostics file to
// Location (FirmwareManagement profile; Central System → charge point).
// Schema: GetDiagnostics.json.
type GetDiagnosticsRequest struct {
	Location      string    `json:"location" ocpp:"required,uri"`
	Retries       *int      `json:"retries,omitempty" ocpp:"min=0"`
	RetryInterval *int      `json:"retryInterval,omitempty" ocpp:"min=0"`
	StartTime     *DateTime `json:"startTime,omitempty"`
	StopTime      *DateTime `json:"stopTime,omitempty"`
}

// GetDiagnosticsResponse answers a GetDiagnosticsRequest.
// Schema: GetDiagnosticsResponse.json.
type GetDiagnosticsResponse struct {
	FileName string `json:"fileName,omitempty" ocpp:"max=255"`
}

// Action returns ActionGetDiagnostics.
func (GetDiagnosticsRequest) Action() string { return ActionGetDiagnostics }

// Action returns ActionGetDiagnostics.
func (GetDiagnosticsResponse) Action() string { return ActionGetDiagnostics }

// Validate checks r against every constraint of GetDiagnostics.json; see [Message].
func (r GetDiagnosticsRequest) Validate() error { return validate(&r) }

// Validate checks r against every constraint of GetDiagnosticsResponse.json; see [Message].
func (r GetDiagnosticsResponse) Validate() error { return validate(&r) }
