package ocpp16

// DataTransferRequest carries vendor-specific data in either direction (Core
// profile; either direction). Schema: DataTransfer.json.
type DataTransferRequest struct {
	VendorId  string `json:"vendorId" ocpp:"required,max=255"`
	MessageId string `json:"messageId,omitempty" ocpp:"max=50"`
	Data      string `json:"data,omitempty"`
}

// DataTransferResponse answers a DataTransferRequest.
// Schema: DataTransferResponse.json.
type DataTransferResponse struct {
	Status DataTransferStatus `json:"status" ocpp:"required"`
	Data   string             `json:"data,omitempty"`
}

// Action returns ActionDataTransfer.
func (DataTransferRequest) Action() string { return ActionDataTransfer }

// Action returns ActionDataTransfer.
func (DataTransferResponse) Action() string { return ActionDataTransfer }

// Validate checks r against every constraint of DataTransfer.json; see [Message].
func (r DataTransferRequest) Validate() error { return validate(&r) }

// Validate checks r against every constraint of DataTransferResponse.json; see [Message].
func (r DataTransferResponse) Validate() error { return validate(&r) }
