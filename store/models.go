package store

import (
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/schema"
)

// Table names. Every table is prefixed "ocpp_" so it never collides with the
// host application's own tables.
const (
	ChargePointsTable     = "ocpp_charge_points"
	ConnectorsTable       = "ocpp_connectors"
	ChargingSessionsTable = "ocpp_charging_sessions"
	MeterValuesTable      = "ocpp_meter_values"
	IDTagsTable           = "ocpp_id_tags"
	CommandsTable         = "ocpp_commands"
	MessagesTable         = "ocpp_messages"
)

// Session statuses. While a session runs, its status follows its
// connector's (StatusNotification): Preparing, Charging, SuspendedEV,
// SuspendedEVSE or Finishing; once it stops it is Completed. The Active and
// Completed scopes (and IsActive) tell the two apart.
const (
	SessionPreparing     = "Preparing"
	SessionCharging      = "Charging"
	SessionSuspendedEV   = "SuspendedEV"
	SessionSuspendedEVSE = "SuspendedEVSE"
	SessionFinishing     = "Finishing"
	SessionCompleted     = "Completed"
	// SessionActive was the status of every running session before
	// migration 0003_session_status (which converts them); it is still the column's
	// default, and a session with it counts as running.
	SessionActive = "Active"
)

// RunningSessionStatuses are the statuses of a session that has not
// stopped: what the Active scope selects.
var RunningSessionStatuses = []string{SessionPreparing, SessionCharging, SessionSuspendedEV, SessionSuspendedEVSE, SessionFinishing, SessionActive}

// sessionStatusOf returns the status a running session takes from its
// connector's status, and whether the connector's status is one a
// session follows (Available, Reserved, Unavailable, Faulted … are not: a
// session keeps its last status through them).
func sessionStatusOf(connectorStatus string) (string, bool) {
	switch connectorStatus {
	case SessionPreparing, SessionCharging, SessionSuspendedEV, SessionSuspendedEVSE, SessionFinishing:
		return connectorStatus, true
	}
	return "", false
}

// ID tag statuses (OCPP 1.6 AuthorizationStatus values kept in the table).
const (
	IDTagAccepted = "Accepted"
	IDTagBlocked  = "Blocked"
	IDTagExpired  = "Expired"
	IDTagInvalid  = "Invalid"
)

// Command statuses.
const (
	CommandPending   = "pending"
	CommandSent      = "sent"
	CommandCompleted = "completed"
	CommandFailed    = "failed"
	CommandExpired   = "expired"
)

// Message directions of the raw frame log.
const (
	DirectionIn  = "in"  // charge point → central system
	DirectionOut = "out" // central system → charge point
)

// Measurands used by the MeterValue scopes (OCPP 1.6 Measurand values).
const (
	MeasurandEnergy  = "Energy.Active.Import.Register"
	MeasurandPower   = "Power.Active.Import"
	MeasurandCurrent = "Current.Import"
	MeasurandVoltage = "Voltage"
	MeasurandSoC     = "SoC"
)

// JSONMap is a JSON object stored in one column: jsonb on PostgreSQL, text on
// SQLite and other databases. Its underlying type is map[string]any, so map
// literals, indexing and range work as usual; numbers read back as float64.
type JSONMap map[string]any

// GormDBDataType implements gorm's schema.GormDBDataTypeInterface.
func (JSONMap) GormDBDataType(db *gorm.DB, _ *schema.Field) string {
	if db.Dialector.Name() == "postgres" {
		return "jsonb"
	}
	return "text"
}

// Value implements driver.Valuer. A nil map is stored as "{}".
func (m JSONMap) Value() (driver.Value, error) {
	if m == nil {
		return "{}", nil
	}
	b, err := json.Marshal(map[string]any(m))
	if err != nil {
		return nil, fmt.Errorf("store: encode json map: %w", err)
	}
	return string(b), nil
}

// Scan implements sql.Scanner.
func (m *JSONMap) Scan(src any) error {
	var b []byte
	switch v := src.(type) {
	case nil:
		*m = JSONMap{}
		return nil
	case []byte:
		b = v
	case string:
		b = []byte(v)
	default:
		return fmt.Errorf("store: scan json map from %T", src)
	}
	out := JSONMap{}
	if len(b) > 0 {
		if err := json.Unmarshal(b, (*map[string]any)(&out)); err != nil {
			return fmt.Errorf("store: decode json map: %w", err)
		}
	}
	*m = out
	return nil
}

// ChargePoint is a charging station known to the central system.
//
// Metadata holds, per connector n, the keys connector_<n>_status,
// connector_<n>_error_code and connector_<n>_updated_at (RFC 3339), kept by
// UpdateConnectorStatus; hosts may add keys of their own.
type ChargePoint struct {
	ID                    uint       `gorm:"primaryKey" json:"id"`
	Identifier            string     `gorm:"size:255;not null;uniqueIndex:idx_ocpp_charge_points_identifier" json:"identifier"`
	Vendor                string     `gorm:"size:255" json:"vendor"`
	Model                 string     `gorm:"size:255" json:"model"`
	SerialNumber          string     `gorm:"size:255" json:"serial_number"`
	ChargeBoxSerialNumber string     `gorm:"size:255" json:"charge_box_serial_number"`
	FirmwareVersion       string     `gorm:"size:255" json:"firmware_version"`
	ICCID                 string     `gorm:"column:iccid;size:255" json:"iccid"`
	IMSI                  string     `gorm:"column:imsi;size:255" json:"imsi"`
	MeterType             string     `gorm:"size:255" json:"meter_type"`
	MeterSerialNumber     string     `gorm:"size:255" json:"meter_serial_number"`
	Status                string     `gorm:"size:50;index:idx_ocpp_charge_points_status" json:"status"`
	Connected             bool       `gorm:"not null;default:false;index:idx_ocpp_charge_points_connected" json:"connected"`
	LastHeartbeatAt       *time.Time `json:"last_heartbeat_at"`
	ConnectedAt           *time.Time `json:"connected_at"`
	DisconnectedAt        *time.Time `json:"disconnected_at"`
	BootedAt              *time.Time `json:"booted_at"`
	Metadata              JSONMap    `json:"metadata"`
	PasswordDigest        string     `gorm:"size:255" json:"-"`
	Node                  string     `gorm:"size:255;index:idx_ocpp_charge_points_node" json:"node"`
	CreatedAt             time.Time  `json:"created_at"`
	UpdatedAt             time.Time  `json:"updated_at"`

	// OCPPVersion is the OCPP-J version of the charge point's last
	// connection: "ocpp1.6" or "ocpp2.0.1" (ocpp.OCPP16, ocpp.OCPP201);
	// empty until it first connects.
	OCPPVersion string `gorm:"column:ocpp_version;size:20;not null;default:''" json:"ocpp_version"`
	// BootReason is the reason of the last OCPP 2.0.1 BootNotification
	// (PowerUp, RemoteReset, FirmwareUpdate, …); empty for 1.6.
	BootReason string `gorm:"size:30;not null;default:''" json:"boot_reason"`

	// Associations, filled only when preloaded, e.g. the active session
	// of every charge point in one query for the lot:
	//
	//	db.Preload("ChargingSessions", store.Active).Find(&cps)
	//
	// The store never writes through them.
	Connectors       []Connector       `json:"connectors,omitempty"`
	ChargingSessions []ChargingSession `json:"charging_sessions,omitempty"`
	MeterValues      []MeterValue      `json:"meter_values,omitempty"`
}

// TableName implements gorm's schema.Tabler.
func (ChargePoint) TableName() string { return ChargePointsTable }

// IsConnected reports whether the charge point holds a socket to some node.
func (cp *ChargePoint) IsConnected() bool { return cp.Connected }

// IsAvailable reports whether the charge point is connected and its status is
// Available (the Available scope's condition).
func (cp *ChargePoint) IsAvailable() bool { return cp.Connected && cp.Status == "Available" }

// ConnectorStatus returns the status, error code and time of the last
// StatusNotification of connector n, as kept in Metadata. Missing values are
// zero.
func (cp *ChargePoint) ConnectorStatus(n int) (status, errorCode string, updatedAt time.Time) {
	key := "connector_" + strconv.Itoa(n) + "_"
	status, _ = cp.Metadata[key+"status"].(string)
	errorCode, _ = cp.Metadata[key+"error_code"].(string)
	if s, ok := cp.Metadata[key+"updated_at"].(string); ok {
		if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
			updatedAt = t
		}
	}
	return status, errorCode, updatedAt
}

// Connector is the last known state of one connector of a charge point.
//
// EVSEID is the outlet number a host keys on, whatever the version: on
// OCPP 1.6 the connectorId (so EVSEID == ConnectorID), on 2.0.1 the EVSE's
// id; 0 is the charge point as a whole. ConnectorID is the protocol's
// connector number as the station sent it: 1.6's connectorId, or 2.0.1's
// connectorId within the EVSE (a 2.0.1 row with ConnectorID 0 is the EVSE
// as a whole). (charge point, EVSEID, ConnectorID) is unique.
type Connector struct {
	ID              uint         `gorm:"primaryKey" json:"id"`
	ChargePointID   uint         `gorm:"not null;uniqueIndex:idx_ocpp_connectors_charge_point_evse_connector,priority:1" json:"charge_point_id"`
	ConnectorID     int          `gorm:"not null;uniqueIndex:idx_ocpp_connectors_charge_point_evse_connector,priority:3" json:"connector_id"`
	Status          string       `gorm:"size:50" json:"status"`
	ErrorCode       string       `gorm:"size:50" json:"error_code"`
	Info            string       `gorm:"size:255" json:"info"`
	VendorID        string       `gorm:"size:255" json:"vendor_id"`
	VendorErrorCode string       `gorm:"size:255" json:"vendor_error_code"`
	StatusAt        time.Time    `json:"status_at"` // the station's timestamp of the status, or receive time
	CreatedAt       time.Time    `json:"created_at"`
	UpdatedAt       time.Time    `json:"updated_at"`
	ChargePoint     *ChargePoint `gorm:"constraint:OnDelete:CASCADE" json:"charge_point,omitempty"`

	EVSEID int `gorm:"column:evse_id;not null;default:0;uniqueIndex:idx_ocpp_connectors_charge_point_evse_connector,priority:2" json:"evse_id"`
}

// TableName implements gorm's schema.Tabler.
func (Connector) TableName() string { return ConnectorsTable }

// ChargingSession is one OCPP transaction, of either version.
//
// TransactionID is a positive 31-bit id, unique among matched sessions
// across the system: on OCPP 1.6 the transactionId handed to the charge
// point; a 2.0.1 session gets one too, so that every session has an
// integer handle, but its charge point knows it by StationTransactionID,
// the string (at most 36 characters) it chose, unique per charge point. An
// Unmatched session records a 1.6 StopTransaction whose transactionId the
// central system never issued: it carries the reported id (unique per
// charge point among unmatched sessions).
//
// EVSEID is the outlet number (1.6: the connectorId; 2.0.1: evse.id) and
// ConnectorID the protocol's connector number, as for Connector; 0 when a
// 2.0.1 station has not said yet. A 2.0.1 session's MeterStart is its
// earliest energy register reading (taken at MeterStartAt) and MeterStop its
// last; SeqNo is the highest TransactionEvent seqNo whose state it took, and
// Offline says that some of its events happened while the station was
// offline.
type ChargingSession struct {
	ID            uint   `gorm:"primaryKey" json:"id"`
	ChargePointID uint   `gorm:"not null;index:idx_ocpp_charging_sessions_evse,priority:1" json:"charge_point_id"`
	ConnectorID   int    `gorm:"not null" json:"connector_id"`
	TransactionID int    `gorm:"not null" json:"transaction_id"` // unique: see Migrate
	IDTag         string `gorm:"column:id_tag;size:36" json:"id_tag"`
	// Status follows the connector while the session runs (Preparing,
	// Charging, SuspendedEV, SuspendedEVSE, Finishing) and is Completed
	// once it stopped; see the Session… constants.
	Status         string     `gorm:"size:20;not null;default:Active;index:idx_ocpp_charging_sessions_evse,priority:3;index:idx_ocpp_charging_sessions_status" json:"status"`
	StartedAt      time.Time  `gorm:"not null;index:idx_ocpp_charging_sessions_started_at" json:"started_at"`
	StoppedAt      *time.Time `json:"stopped_at"`
	MeterStart     int        `gorm:"not null;default:0" json:"meter_start"`     // Wh
	MeterStop      *int       `json:"meter_stop"`                                // Wh
	EnergyConsumed float64    `gorm:"not null;default:0" json:"energy_consumed"` // kWh
	// EnergyUpdatedAt is the timestamp of the meter reading EnergyConsumed was
	// last computed from while the session was active (so an older reading
	// arriving late never moves it back).
	EnergyUpdatedAt *time.Time   `json:"energy_updated_at"`
	StopReason      string       `gorm:"size:50" json:"stop_reason"`
	ReservationID   *int         `json:"reservation_id"`
	Unmatched       bool         `gorm:"not null;default:false" json:"unmatched"`
	CreatedAt       time.Time    `json:"created_at"`
	UpdatedAt       time.Time    `json:"updated_at"`
	ChargePoint     *ChargePoint `gorm:"constraint:OnDelete:CASCADE" json:"charge_point,omitempty"`

	EVSEID               int        `gorm:"column:evse_id;not null;default:0;index:idx_ocpp_charging_sessions_evse,priority:2" json:"evse_id"`
	StationTransactionID string     `gorm:"size:36;not null;default:''" json:"station_transaction_id"` // 2.0.1; unique per charge point: see Migrate
	IDTokenType          string     `gorm:"size:20;not null;default:''" json:"id_token_type"`          // 2.0.1 IdTokenEnumType of IDTag
	SeqNo                int        `gorm:"not null;default:0" json:"seq_no"`
	Offline              bool       `gorm:"not null;default:false" json:"offline"`
	RemoteStartID        *int       `json:"remote_start_id"` // 2.0.1 remoteStartId of a RequestStartTransaction
	MeterStartAt         *time.Time `json:"meter_start_at"`  // 2.0.1: when MeterStart was read; nil until a reading came
}

// TableName implements gorm's schema.Tabler.
func (ChargingSession) TableName() string { return ChargingSessionsTable }

// IsActive reports whether the session is still running (its status is
// one of RunningSessionStatuses, as the Active scope selects).
func (s *ChargingSession) IsActive() bool { return slices.Contains(RunningSessionStatuses, s.Status) }

// Duration is the time from StartedAt to StoppedAt, or to now while the
// session has no StoppedAt. It is never negative.
func (s *ChargingSession) Duration() time.Duration {
	end := time.Now()
	if s.StoppedAt != nil {
		end = *s.StoppedAt
	}
	if d := end.Sub(s.StartedAt); d > 0 {
		return d
	}
	return 0
}

// MarshalJSON encodes the session with EnergyConsumed rounded to whole Wh
// (RoundKWh): computed from fractional readings, the kWh carry float noise
// (0.001745999999984633) that has no place in an API.
func (s ChargingSession) MarshalJSON() ([]byte, error) {
	type plain ChargingSession // without this method
	p := plain(s)
	p.EnergyConsumed = RoundKWh(p.EnergyConsumed)
	return json.Marshal(p)
}

// RoundKWh rounds an energy in kWh to whole Wh (three decimals), the
// precision of OCPP's meterStart and meterStop: RoundKWh(0.0017459999) is
// 0.002.
func RoundKWh(kwh float64) float64 { return math.Round(kwh*1000) / 1000 }

// MeterValue is one sampled value of a MeterValues, StopTransaction or
// TransactionEvent message.
//
// Value is the parsed number; RawValue keeps the decimal string exactly as the
// charge point sent it (1.6's sampledValue.value is a string on the wire, and
// signed data is not a number at all). A 2.0.1 value is a JSON number:
// RawValue is its text as sent, Value the number times 10^multiplier of its
// unitOfMeasure, in Unit.
//
// A reading is stored once: charge point, timestamp, measurand, EVSE,
// connector, transaction, phase, location and context are unique together
// (idx_ocpp_meter_values_reading; the migrations wrap the nullable ones in
// COALESCE), and the writers insert with ON CONFLICT DO NOTHING, so a
// MeterValues or TransactionEvent resent after a lost reply, or a commit
// retried after its connection broke, stores nothing twice.
type MeterValue struct {
	ID                uint             `gorm:"primaryKey" json:"id"`
	ChargePointID     uint             `gorm:"not null;uniqueIndex:idx_ocpp_meter_values_reading,priority:1" json:"charge_point_id"`
	ChargingSessionID *uint            `gorm:"index:idx_ocpp_meter_values_session,priority:1" json:"charging_session_id"`
	ConnectorID       int              `gorm:"not null;uniqueIndex:idx_ocpp_meter_values_reading,priority:5" json:"connector_id"`
	TransactionID     *int             `gorm:"uniqueIndex:idx_ocpp_meter_values_reading,priority:6" json:"transaction_id"`
	Measurand         string           `gorm:"size:50;not null;default:Energy.Active.Import.Register;uniqueIndex:idx_ocpp_meter_values_reading,priority:3" json:"measurand"`
	Value             float64          `gorm:"not null" json:"value"`
	RawValue          string           `gorm:"type:text" json:"raw_value"`
	Unit              string           `gorm:"size:20;not null;default:Wh" json:"unit"`
	Phase             string           `gorm:"size:20;uniqueIndex:idx_ocpp_meter_values_reading,priority:7" json:"phase"`
	Context           string           `gorm:"size:50;uniqueIndex:idx_ocpp_meter_values_reading,priority:9" json:"context"`
	Location          string           `gorm:"size:20;uniqueIndex:idx_ocpp_meter_values_reading,priority:8" json:"location"`
	Format            string           `gorm:"size:20" json:"format"`
	Timestamp         time.Time        `gorm:"not null;uniqueIndex:idx_ocpp_meter_values_reading,priority:2;index:idx_ocpp_meter_values_session,priority:2" json:"timestamp"`
	CreatedAt         time.Time        `json:"created_at"`
	ChargePoint       *ChargePoint     `gorm:"constraint:OnDelete:CASCADE" json:"charge_point,omitempty"`
	ChargingSession   *ChargingSession `gorm:"constraint:OnDelete:CASCADE" json:"charging_session,omitempty"`

	// EVSEID is the outlet number, as for Connector: 1.6's connectorId
	// (EVSEID == ConnectorID), 2.0.1's evseId (0: the station's main
	// meter). Writers take EVSEID 0 with a ConnectorID > 0 for 1.6's
	// numbering and store EVSEID = ConnectorID.
	EVSEID int `gorm:"column:evse_id;not null;default:0;uniqueIndex:idx_ocpp_meter_values_reading,priority:4" json:"evse_id"`
	// SignedData is a 2.0.1 sampledValue's signedMeterValue, as received
	// (JSON); 1.6 signed data stays in RawValue with Format SignedData.
	SignedData string `gorm:"type:text" json:"signed_data,omitempty"`
}

// TableName implements gorm's schema.Tabler.
func (MeterValue) TableName() string { return MeterValuesTable }

// IDTag is an authorization identifier (RFID card, app token …): a 1.6
// idTag or the value of a 2.0.1 idToken (at most 36 characters), whatever
// its type.
type IDTag struct {
	ID         uint       `gorm:"primaryKey" json:"id"`
	Tag        string     `gorm:"size:36;not null;uniqueIndex:idx_ocpp_id_tags_tag" json:"tag"`
	Status     string     `gorm:"size:20;not null;default:Accepted" json:"status"`
	ExpiryDate *time.Time `json:"expiry_date"`
	ParentTag  string     `gorm:"size:36" json:"parent_tag"`
	CreatedAt  time.Time  `json:"created_at"`
	UpdatedAt  time.Time  `json:"updated_at"`
}

// TableName implements gorm's schema.Tabler.
func (IDTag) TableName() string { return IDTagsTable }

// Command is a persisted (asynchronous) call from the central system to a
// charge point and its outcome. Payload and Response are JSON text.
type Command struct {
	ID               uint       `gorm:"primaryKey" json:"id"`
	ChargePointID    uint       `gorm:"index:idx_ocpp_commands_charge_point" json:"charge_point_id"`
	Identifier       string     `gorm:"size:255;not null;index:idx_ocpp_commands_identifier_status,priority:1" json:"identifier"`
	Action           string     `gorm:"size:100;not null" json:"action"`
	Payload          string     `gorm:"type:text" json:"payload"`
	Status           string     `gorm:"size:20;not null;default:pending;index:idx_ocpp_commands_identifier_status,priority:2" json:"status"`
	Response         string     `gorm:"type:text" json:"response"`
	ErrorCode        string     `gorm:"size:50" json:"error_code"`
	ErrorDescription string     `gorm:"type:text" json:"error_description"`
	CreatedAt        time.Time  `json:"created_at"`
	UpdatedAt        time.Time  `json:"updated_at"`
	SentAt           *time.Time `json:"sent_at"`
	CompletedAt      *time.Time `json:"completed_at"`
	ExpiresAt        *time.Time `json:"expires_at"`

	// OCPPVersion is the version of the command's message: "ocpp1.6" or
	// "ocpp2.0.1". It is delivered only to a charge point speaking it.
	OCPPVersion string `gorm:"column:ocpp_version;size:20;not null;default:''" json:"ocpp_version"`
}

// TableName implements gorm's schema.Tabler.
func (Command) TableName() string { return CommandsTable }

// Message is a row of the optional frame log (see MessageLog): a CALL and
// its reply (an exchange), or a frame alone. IDs grow in the order rows
// were written: an exchange when its reply came.
type Message struct {
	ID            uint   `gorm:"primaryKey;index:idx_ocpp_messages_charge_point,priority:2" json:"id"`
	ChargePointID uint   `gorm:"index:idx_ocpp_messages_charge_point,priority:1" json:"charge_point_id"`
	Identifier    string `gorm:"size:255" json:"identifier"`
	Direction     string `gorm:"size:3;not null" json:"direction"` // DirectionIn or DirectionOut
	// MessageType is Frame's: 2 (CALL), 3 (CALLRESULT) or 4 (CALLERROR); 0
	// for a frame that is not an OCPP-J message.
	MessageType int `gorm:"not null;default:0" json:"message_type"`
	// MessageID is the frame's message id (at most 64 bytes are kept).
	MessageID string `gorm:"size:64;not null;default:''" json:"message_id"`
	// Action is the CALL's action (empty for a reply logged alone).
	Action string `gorm:"size:64;not null;default:''" json:"action"`
	// Frame is the frame as sent or received, sent or received at
	// CreatedAt in Direction (DirectionIn: from the charge point).
	Frame     string    `gorm:"type:text;not null" json:"frame"`
	CreatedAt time.Time `json:"created_at"`
	// ReplyType is 3 or 4 when ReplyFrame holds the reply to the CALL in
	// Frame, received or sent at RepliedAt in the other direction; 0 when
	// the row holds no reply.
	ReplyType  int        `gorm:"not null;default:0" json:"reply_type,omitempty"`
	ReplyFrame string     `gorm:"type:text;not null;default:''" json:"reply_frame,omitempty"`
	RepliedAt  *time.Time `json:"replied_at,omitempty"`
}

// Frames returns how many frames m holds: 2 for an exchange, else 1.
func (m *Message) Frames() int {
	if m.ReplyType != 0 {
		return 2
	}
	return 1
}

// TableName implements gorm's schema.Tabler.
func (Message) TableName() string { return MessagesTable }

// Models lists every model of the package, in migration order.
func Models() []any {
	return []any{&ChargePoint{}, &Connector{}, &ChargingSession{}, &MeterValue{}, &IDTag{}, &Command{}, &Message{},
		&Reservation{}, &LocalList{}, &LocalListEntry{}, &ChargingProfile{}, &ConfigurationKey{}, &StatusReport{}, &SecurityEvent{},
		&TransactionEvent{}, &Variable{}, &UnknownChargePoint{}}
}
