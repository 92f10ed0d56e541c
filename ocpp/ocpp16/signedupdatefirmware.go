package ocpp16

// SignedUpdateFirmwareRequest asks the charge point to install signed firmware
// (Security profile; Central System → charge point). Schema:
// SignedUpdateFirmware.json.
type SignedUpdateFirmwareRequest struct {
	Retries       *int     `json:"retries,omitempty"`
	RetryInterval *int     `json:"retryInterval,omitempty"`
	RequestId     int      `json:"requestId" ocpp:"required"`
	Firmware      Firmware `json:"firmware" ocpp:"required"`
}

// SignedUpdateFirmwareResponse answers a SignedUpdateFirmwareRequest.
// Schema: SignedUpdateFirmwareResponse.json.
type SignedUpdateFirmwareResponse struct {
	Status UpdateFirmwareStatus `json:"status" ocpp:"required"`
}

// Action returns ActionSignedUpdateFirmware.
func (SignedUpdateFirmwareRequest) Action() string { return ActionSignedUpdateFirmware }

// Action returns ActionSignedUpdateFirmware.
func (SignedUpdateFirmwareResponse) Action() string { return ActionSignedUpdateFirmware }

// Validate checks r against every constraint of SignedUpdateFirmware.json; see [Message].
func (r SignedUpdateFirmwareRequest) Validate() error { return validate(&r) }

// Validate checks r against every constraint of SignedUpdateFirmwareResponse.json; see [Message].
func (r SignedUpdateFirmwareResponse) Validate() error { return validate(&r) }
