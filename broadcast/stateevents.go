package broadcast

import (
	"encoding/json"
	"time"
)

// Kinds of the charge point topics added for the state that commands and
// the security extension imply (see ChargePointTopic; every event is also
// wrapped on AllChargePointsTopic).
const (
	KindReservations   = "reservations"    // ReservationEvent
	KindSettings       = "settings"        // SettingsEvent
	KindReports        = "reports"         // ReportEvent
	KindSecurityEvents = "security_events" // SecurityEvent
	KindNotifications  = "notifications"   // NotificationEvent
)

// NotificationsTopic returns "charge_point_<id>_notifications", carrying
// NotificationEvent.
func NotificationsTopic(chargePointID uint) string {
	return ChargePointTopic(chargePointID, KindNotifications)
}

// NotificationEvent is published to NotificationsTopic for a message of a
// charge point that has no version-neutral meaning (an OCPP 2.0.1
// NotifyChargingLimit, NotifyEVChargingNeeds, NotifyDisplayMessages,
// ReportChargingProfiles, …): the action and its payload as received, for
// the host's own use:
//
//	{"action":"NotifyEVChargingNeeds","payload":{"evseId":1,"chargingNeeds":{…}},"timestamp":"…"}
//
// A payload longer than MaxNotificationPayload is left out (null, with
// truncated true), so that events stay small enough for every backplane
// (PostgreSQL NOTIFY takes less than 8000 bytes): a host that needs such
// messages whole overrides their handler.
type NotificationEvent struct {
	Action    string          `json:"action"`
	Payload   json.RawMessage `json:"payload"`
	Truncated bool            `json:"truncated,omitempty"`
	Timestamp time.Time       `json:"timestamp"` // receive time
}

// MaxNotificationPayload bounds the payload a NotificationEvent carries, in
// bytes.
const MaxNotificationPayload = 4096

// ReservationsTopic returns "charge_point_<id>_reservations", carrying
// ReservationEvent.
func ReservationsTopic(chargePointID uint) string {
	return ChargePointTopic(chargePointID, KindReservations)
}

// SettingsTopic returns "charge_point_<id>_settings", carrying SettingsEvent.
func SettingsTopic(chargePointID uint) string { return ChargePointTopic(chargePointID, KindSettings) }

// ReportsTopic returns "charge_point_<id>_reports", carrying ReportEvent.
func ReportsTopic(chargePointID uint) string { return ChargePointTopic(chargePointID, KindReports) }

// SecurityEventsTopic returns "charge_point_<id>_security_events", carrying
// SecurityEvent.
func SecurityEventsTopic(chargePointID uint) string {
	return ChargePointTopic(chargePointID, KindSecurityEvents)
}

// Reservation event names.
const (
	ReservationCreated   = "created"   // ReserveNow accepted
	ReservationUsed      = "used"      // a StartTransaction consumed it
	ReservationCancelled = "cancelled" // CancelReservation accepted
	ReservationExpired   = "expired"   // its expiry date passed unused
)

// ReservationEvent is published to ReservationsTopic when a reservation is
// created, used, cancelled or expires:
//
//	{"event":"created","reservation":{"id":4,"reservation_id":17,"connector_id":1,"id_tag":"RFID1","expiry_date":"…","status":"Active","session_id":null}}
type ReservationEvent struct {
	Event       string          `json:"event"` // ReservationCreated, …
	Reservation ReservationInfo `json:"reservation"`
}

// ReservationInfo is the reservation as ReservationEvent carries it.
type ReservationInfo struct {
	ID            uint      `json:"id"`             // database id
	ReservationID int       `json:"reservation_id"` // the OCPP reservationId
	ConnectorID   int       `json:"connector_id"`   // 0: any connector
	IDTag         string    `json:"id_tag"`
	ExpiryDate    time.Time `json:"expiry_date"`
	Status        string    `json:"status"`     // Active, Used, Cancelled, Expired
	SessionID     *uint     `json:"session_id"` // the session that used it
	EVSEID        int       `json:"evse_id"`    // the outlet (1.6: ConnectorID; 2.0.1: the EVSE id); 0: any
}

// Settings named by SettingsEvent.
const (
	SettingLocalList        = "local_list"
	SettingChargingProfiles = "charging_profiles"
	SettingConfiguration    = "configuration"
	SettingVariables        = "variables" // the device model of a 2.0.1 charge point; Keys are store.VariableKey strings
)

// SettingsEvent is published to SettingsTopic when the recorded local
// authorization list, charging profiles or configuration of a charge point
// change (an accepted command, or a reply that reports them). It names what
// changed; read the rows from the store:
//
//	{"setting":"configuration","action":"ChangeConfiguration","keys":["HeartbeatInterval"],"timestamp":"…"}
type SettingsEvent struct {
	Setting     string    `json:"setting"` // SettingLocalList, …
	Action      string    `json:"action"`  // the OCPP action that changed it
	ConnectorID *int      `json:"connector_id,omitempty"`
	Version     *int      `json:"version,omitempty"` // local list version
	Keys        []string  `json:"keys,omitempty"`    // configuration keys
	Timestamp   time.Time `json:"timestamp"`
}

// Report kinds of ReportEvent.
const (
	ReportFirmware        = "firmware"
	ReportDiagnostics     = "diagnostics"
	ReportSignedFirmware  = "signed_firmware"
	ReportLog             = "log"
	ReportPublishFirmware = "publish_firmware" // 2.0.1 PublishFirmwareStatusNotification
)

// ReportEvent is published to ReportsTopic for each firmware, diagnostics
// or log status notification:
//
//	{"kind":"firmware","status":"Downloading","request_id":null,"timestamp":"…"}
type ReportEvent struct {
	Kind      string    `json:"kind"`   // ReportFirmware, …
	Status    string    `json:"status"` // the notification's status
	RequestID *int      `json:"request_id"`
	Timestamp time.Time `json:"timestamp"` // receive time
}

// SecurityEvent is published to SecurityEventsTopic for each
// SecurityEventNotification:
//
//	{"type":"FirmwareUpdated","tech_info":"","timestamp":"…"}
type SecurityEvent struct {
	Type      string    `json:"type"`
	TechInfo  string    `json:"tech_info"`
	Timestamp time.Time `json:"timestamp"` // the station's
}
