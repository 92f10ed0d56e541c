package ocpp16

// GetLogRequest asks the charge point to upload a diagnostics or security log
// (Security profile; Central System → charge point). Schema: GetLog.json.
type GetLogRequest struct {
	Log           LogParameters `json:"log" ocpp:"required"`
	LogType       LogType       `json:"logType" ocpp:"required"`
	RequestId     int           `json:"requestId" ocpp:"required"`
	Retries       *int          `json:"retries,omitempty"`
	RetryInterval *int          `json:"retryInterval,omitempty"`
}

// GetLogResponse answers a GetLogRequest.
// Schema: GetLogResponse.json.
type GetLogResponse struct {
	Status   LogStatus `json:"status" ocpp:"required"`
	Filename string    `json:"filename,omitempty" ocpp:"max=255"`
}

// Action returns ActionGetLog.
func (GetLogRequest) Action() string { return ActionGetLog }

// Action returns ActionGetLog.
func (GetLogResponse) Action() string { return ActionGetLog }

// Validate checks r against every constraint of GetLog.json; see [Message].
func (r GetLogRequest) Validate() error { return validate(&r) }

// Validate checks r against every constraint of GetLogResponse.json; see [Message].
func (r GetLogResponse) Validate() error { return validate(&r) }
