package ocpp16

// UpdateFirmwareRequest asks the charge point to download and install firmware
// (FirmwareManagement profile; Central System → charge point). Schema:
// UpdateFirmware.json.
type UpdateFirmwareRequest struct {
	Location      string   `json:"location" ocpp:"required,uri"`
	Retries       *int     `json:"retries,omitempty" ocpp:"number,min=0"`
	RetrieveDate  DateTime `json:"retrieveDate" ocpp:"required"`
	RetryInterval *int     `json:"retryInterval,omitempty" ocpp:"number,min=0"`
}

// UpdateFirmwareResponse answers a UpdateFirmwareRequest.
// Schema: UpdateFirmwareResponse.json.
type UpdateFirmwareResponse struct {
}

// Action returns ActionUpdateFirmware.
func (UpdateFirmwareRequest) Action() string { return ActionUpdateFirmware }

// Action returns ActionUpdateFirmware.
func (UpdateFirmwareResponse) Action() string { return ActionUpdateFirmware }

// Validate checks r against every constraint of UpdateFirmware.json; see [Message].
func (r UpdateFirmwareRequest) Validate() error { return validate(&r) }

// Validate checks r against every constraint of UpdateFirmwareResponse.json; see [Message].
func (r UpdateFirmwareResponse) Validate() error { return validate(&r) }
