package ocpp16

// BootNotificationRequest is sent by a charge point after (re)booting, to
// register with the Central System (Core profile; charge point → Central
// System). Schema: BootNotification.json.
type BootNotificationRequest struct {
	ChargePointVendor       string `json:"chargePointVendor" ocpp:"required,max=50"`
	ChargePointModel        string `json:"chargePointModel" ocpp:"required,max=50"`
	ChargePointSerialNumber string `json:"chargePointSerialNumber,omitempty" ocpp:"max=50"`
	ChargeBoxSerialNumber   string `json:"chargeBoxSerialNumber,omitempty" ocpp:"max=50"`
	FirmwareVersion         string `json:"firmwareVersion,omitempty" ocpp:"max=255"`
	Iccid                   string `json:"iccid,omitempty" ocpp:"max=50"`
	Imsi                    string `json:"imsi,omitempty" ocpp:"max=50"`
	MeterType               string `json:"meterType,omitempty" ocpp:"max=50"`
	MeterSerialNumber       string `json:"meterSerialNumber,omitempty" ocpp:"max=50"`
}

// BootNotificationResponse answers a BootNotificationRequest.
// Schema: BootNotificationResponse.json.
type BootNotificationResponse struct {
	Status      RegistrationStatus `json:"status" ocpp:"required"`
	CurrentTime DateTime           `json:"currentTime" ocpp:"required"`
	Interval    int                `json:"interval" ocpp:"required,number"`
}

// Action returns ActionBootNotification.
func (BootNotificationRequest) Action() string { return ActionBootNotification }

// Action returns ActionBootNotification.
func (BootNotificationResponse) Action() string { return ActionBootNotification }

// Validate checks r against every constraint of BootNotification.json; see [Message].
func (r BootNotificationRequest) Validate() error { return validate(&r) }

// Validate checks r against every constraint of BootNotificationResponse.json; see [Message].
func (r BootNotificationResponse) Validate() error { return validate(&r) }
