package remote

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ocppkit/ocppkit/ocpp"
	"github.com/ocppkit/ocppkit/ocpp/ocpp16"
	"github.com/ocppkit/ocppkit/ocpp/ocpp201"
	"github.com/ocppkit/ocppkit/store"
)

// The version-neutral verbs: what every host does with a charge point,
// whatever version it speaks. Each looks up the charge point's version
// (StationVersion) and sends that version's message; hosts write the
// call once for a mixed fleet. Their replies are Reply values; the typed
// reply of the version is in Reply.Response.

// ErrVersionUnknown is returned (wrapping ErrNotConnected) by the
// version-neutral verbs for a charge point that never connected: which
// message to send depends on the version it will speak.
var ErrVersionUnknown = fmt.Errorf("%w: its OCPP version is not known yet", ErrNotConnected)

// Reply is a charge point's answer to a version-neutral command.
type Reply struct {
	// Status is the status the charge point answered, as its version
	// spells it: "Accepted", "Rejected", "Scheduled", "Unlocked",
	// "RebootRequired", ….
	Status string
	// Accepted says the charge point agreed to do what was asked: Accepted,
	// Unlocked, Scheduled (an availability change after the running
	// transaction), RebootRequired (a setting that applies after a reboot).
	Accepted bool
	// Response is the typed reply of the charge point's version, e.g. an
	// ocpp16.ResetResponse or an ocpp201.ResetResponse.
	Response ocpp.Response
}

func reply(status string, res ocpp.Response) Reply {
	switch status {
	case "Accepted", "Unlocked", "Scheduled", "RebootRequired":
		return Reply{Status: status, Accepted: true, Response: res}
	}
	return Reply{Status: status, Response: res}
}

// version returns the version a neutral verb speaks to identity.
func (c *Client) version(ctx context.Context, identity string) (string, error) {
	v, err := c.StationVersion(ctx, identity)
	if err != nil {
		return "", err
	}
	if v == "" {
		return "", fmt.Errorf("%w: %s", ErrVersionUnknown, identity)
	}
	return v, nil
}

// StartOptions say what StartSession starts.
type StartOptions struct {
	// EVSEID is the outlet to charge on (1.6: the connector); 0 lets the
	// charge point choose.
	EVSEID int
	// IDTag is who charges: the 1.6 idTag, or the value of the 2.0.1
	// idToken.
	IDTag string
	// IDTokenType is the type of the 2.0.1 idToken (ocpp201.IdTokenType).
	// By default Central: a token the CSMS issued. Ignored on 1.6.
	IDTokenType string
	// RemoteStartID identifies the request on 2.0.1: the station's
	// TransactionEvent carries it in transactionInfo.remoteStartId (and the
	// session's RemoteStartID). By default a random positive number.
	// Ignored on 1.6.
	RemoteStartID int
}

// StartReply is the answer to StartSession.
type StartReply struct {
	Reply
	// RemoteStartID is the 2.0.1 remoteStartId sent; 0 on 1.6.
	RemoteStartID int
	// TransactionID is the 2.0.1 transactionId the station answered with
	// when a transaction was already running; "" otherwise.
	TransactionID string
}

// StartSession asks the charge point to start charging for opts.IDTag:
// RemoteStartTransaction on 1.6, RequestStartTransaction on 2.0.1. The
// session itself opens when the charge point reports it (StartTransaction,
// TransactionEvent Started), on charge_point_<id>_sessions.
func (c *Client) StartSession(ctx context.Context, identity string, opts StartOptions) (StartReply, error) {
	v, err := c.version(ctx, identity)
	if err != nil {
		return StartReply{}, err
	}
	if v == ocpp.OCPP201 {
		req := ocpp201.RequestStartTransactionRequest{
			IdToken:       ocpp201.IdToken{IdToken: opts.IDTag, Type: ocpp201.IdTokenType(opts.IDTokenType)},
			RemoteStartId: opts.RemoteStartID,
		}
		if req.IdToken.Type == "" {
			req.IdToken.Type = ocpp201.IdTokenTypeCentral
		}
		if req.RemoteStartId <= 0 {
			req.RemoteStartId = newRemoteStartID()
		}
		if opts.EVSEID > 0 {
			req.EvseId = &opts.EVSEID
		}
		res, err := c.V201().RequestStartTransaction(ctx, identity, req)
		if err != nil {
			return StartReply{}, err
		}
		return StartReply{Reply: reply(string(res.Status), res), RemoteStartID: req.RemoteStartId, TransactionID: res.TransactionId}, nil
	}
	res, err := c.RemoteStartTransaction(ctx, identity, opts.EVSEID, opts.IDTag)
	if err != nil {
		return StartReply{}, err
	}
	return StartReply{Reply: reply(string(res.Status), res)}, nil
}

// newRemoteStartID returns a random positive 31-bit number.
func newRemoteStartID() int {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return int(binary.BigEndian.Uint32(b[:])>>1) | 1
}

// StopSession asks the charge point of the session with database id
// sessionID to stop it: RemoteStopTransaction with its transactionId on
// 1.6, RequestStopTransaction with the station's transactionId on 2.0.1.
// It returns ErrNoActiveSession when the session is not running.
func (c *Client) StopSession(ctx context.Context, sessionID uint) (Reply, error) {
	sess, err := c.store.SessionByID(ctx, sessionID)
	if errors.Is(err, store.ErrNotFound) {
		return Reply{}, fmt.Errorf("%w: session %d not found", ErrNoActiveSession, sessionID)
	}
	if err != nil {
		return Reply{}, err
	}
	if !sess.IsActive() {
		return Reply{}, fmt.Errorf("%w: session %d", ErrNoActiveSession, sessionID)
	}
	cp, err := c.store.ChargePointByID(ctx, sess.ChargePointID)
	if err != nil {
		return Reply{}, err
	}
	if sess.StationTransactionID != "" {
		res, err := c.V201().RequestStopTransaction(ctx, cp.Identifier, ocpp201.RequestStopTransactionRequest{TransactionId: sess.StationTransactionID})
		if err != nil {
			return Reply{}, err
		}
		return reply(string(res.Status), res), nil
	}
	res, err := c.RemoteStopTransaction(ctx, cp.Identifier, sessionID)
	if err != nil {
		return Reply{}, err
	}
	return reply(string(res.Status), res), nil
}

// ResetStation asks the charge point to restart: immediately, ending
// running transactions (1.6 Hard, 2.0.1 Immediate), or gracefully (1.6
// Soft: transactions are stopped first; 2.0.1 OnIdle: once no transaction
// runs).
func (c *Client) ResetStation(ctx context.Context, identity string, immediate bool) (Reply, error) {
	v, err := c.version(ctx, identity)
	if err != nil {
		return Reply{}, err
	}
	if v == ocpp.OCPP201 {
		req := ocpp201.ResetRequest{Type: ocpp201.ResetOnIdle}
		if immediate {
			req.Type = ocpp201.ResetImmediate
		}
		res, err := c.V201().Reset(ctx, identity, req)
		if err != nil {
			return Reply{}, err
		}
		return reply(string(res.Status), res), nil
	}
	req := ocpp16.ResetRequest{Type: ocpp16.ResetTypeSoft}
	if immediate {
		req.Type = ocpp16.ResetTypeHard
	}
	res, err := c.Reset(ctx, identity, req)
	if err != nil {
		return Reply{}, err
	}
	return reply(string(res.Status), res), nil
}

// Unlock asks the charge point to unlock a connector: on 1.6 the
// connector evseID (connectorID is ignored), on 2.0.1 the connector
// connectorID of EVSE evseID (0: connector 1).
func (c *Client) Unlock(ctx context.Context, identity string, evseID, connectorID int) (Reply, error) {
	v, err := c.version(ctx, identity)
	if err != nil {
		return Reply{}, err
	}
	if v == ocpp.OCPP201 {
		res, err := c.V201().UnlockConnector(ctx, identity, ocpp201.UnlockConnectorRequest{EvseId: evseID, ConnectorId: max(connectorID, 1)})
		if err != nil {
			return Reply{}, err
		}
		return reply(string(res.Status), res), nil
	}
	res, err := c.UnlockConnector(ctx, identity, ocpp16.UnlockConnectorRequest{ConnectorId: evseID})
	if err != nil {
		return Reply{}, err
	}
	return reply(string(res.Status), res), nil
}

// SetAvailability makes an outlet (evseID; 0: the whole charge point)
// available (Operative) or not (Inoperative). A charge point busy charging
// there answers Scheduled: the change follows the transaction.
func (c *Client) SetAvailability(ctx context.Context, identity string, evseID int, available bool) (Reply, error) {
	v, err := c.version(ctx, identity)
	if err != nil {
		return Reply{}, err
	}
	if v == ocpp.OCPP201 {
		req := ocpp201.ChangeAvailabilityRequest{OperationalStatus: ocpp201.OperationalStatusInoperative}
		if available {
			req.OperationalStatus = ocpp201.OperationalStatusOperative
		}
		if evseID > 0 {
			req.Evse = &ocpp201.EVSE{Id: evseID}
		}
		res, err := c.V201().ChangeAvailability(ctx, identity, req)
		if err != nil {
			return Reply{}, err
		}
		return reply(string(res.Status), res), nil
	}
	req := ocpp16.ChangeAvailabilityRequest{ConnectorId: evseID, Type: ocpp16.AvailabilityTypeInoperative}
	if available {
		req.Type = ocpp16.AvailabilityTypeOperative
	}
	res, err := c.ChangeAvailability(ctx, identity, req)
	if err != nil {
		return Reply{}, err
	}
	return reply(string(res.Status), res), nil
}

// Charging limit profiles: SetChargingLimit installs, per outlet, one
// absolute profile with this id (LimitProfileID + the EVSE id) and stack
// level, so that a new limit replaces the previous one on the charge point
// and in the store.
const (
	LimitProfileID         = 900000
	LimitProfileStackLevel = 1
)

// SetChargingLimit limits an outlet (evseID; 0: the whole charge point) to
// limit, in unit "W" or "A", from now on: a SetChargingProfile of a
// TxDefaultProfile for an outlet, a ChargePointMaxProfile (1.6) or
// ChargingStationMaxProfile (2.0.1) for the whole charge point, with one
// schedule period. A later call replaces it (see LimitProfileID).
func (c *Client) SetChargingLimit(ctx context.Context, identity string, evseID int, limit float64, unit string) (Reply, error) {
	if unit != "W" && unit != "A" {
		return Reply{}, fmt.Errorf("%w: charging limit unit %q (want W or A)", ErrInvalidRequest, unit)
	}
	v, err := c.version(ctx, identity)
	if err != nil {
		return Reply{}, err
	}
	now := c.now().UTC().Truncate(time.Second)
	if v == ocpp.OCPP201 {
		start := ocpp201.NewDateTime(now)
		purpose := ocpp201.ChargingProfilePurposeTxDefaultProfile
		if evseID == 0 {
			purpose = ocpp201.ChargingProfilePurposeChargingStationMaxProfile
		}
		res, err := c.V201().SetChargingProfile(ctx, identity, ocpp201.SetChargingProfileRequest{EvseId: evseID, ChargingProfile: ocpp201.ChargingProfile{
			Id: LimitProfileID + evseID, StackLevel: LimitProfileStackLevel, ChargingProfilePurpose: purpose,
			ChargingProfileKind: ocpp201.ChargingProfileKindAbsolute,
			ChargingSchedule: []ocpp201.ChargingSchedule{{
				Id: 1, StartSchedule: &start, ChargingRateUnit: ocpp201.ChargingRateUnit(unit),
				ChargingSchedulePeriod: []ocpp201.ChargingSchedulePeriod{{StartPeriod: 0, Limit: limit}},
			}},
		}})
		if err != nil {
			return Reply{}, err
		}
		return reply(string(res.Status), res), nil
	}
	start := ocpp16.NewDateTime(now)
	purpose := ocpp16.ChargingProfilePurposeTxDefaultProfile
	if evseID == 0 {
		purpose = ocpp16.ChargingProfilePurposeChargePointMaxProfile
	}
	res, err := c.SetChargingProfile(ctx, identity, ocpp16.SetChargingProfileRequest{ConnectorId: evseID, CsChargingProfiles: ocpp16.ChargingProfile{
		ChargingProfileId: LimitProfileID + evseID, StackLevel: LimitProfileStackLevel, ChargingProfilePurpose: purpose,
		ChargingProfileKind: ocpp16.ChargingProfileKindAbsolute,
		ChargingSchedule: ocpp16.ChargingSchedule{
			StartSchedule: &start, ChargingRateUnit: ocpp16.ChargingRateUnit(unit),
			ChargingSchedulePeriod: []ocpp16.ChargingSchedulePeriod{{StartPeriod: 0, Limit: limit}},
		},
	}})
	if err != nil {
		return Reply{}, err
	}
	return reply(string(res.Status), res), nil
}

// settingNames pairs the 1.6 configuration keys with the 2.0.1 variables
// that hold the same setting (OCPP 2.0.1 part 2, appendix "migration from
// 1.6"), for ReadSetting and WriteSetting.
var settingNames = [][2]string{
	{"HeartbeatInterval", "OCPPCommCtrlr.HeartbeatInterval"},
	{"WebSocketPingInterval", "OCPPCommCtrlr.WebSocketPingInterval"},
	{"ResetRetries", "OCPPCommCtrlr.ResetRetries"},
	{"TransactionMessageAttempts", "OCPPCommCtrlr.MessageAttempts[TransactionEvent]"},
	{"TransactionMessageRetryInterval", "OCPPCommCtrlr.MessageAttemptInterval[TransactionEvent]"},
	{"MeterValueSampleInterval", "SampledDataCtrlr.TxUpdatedInterval"},
	{"MeterValuesSampledData", "SampledDataCtrlr.TxUpdatedMeasurands"},
	{"StopTxnSampledData", "SampledDataCtrlr.TxEndedMeasurands"},
	{"ClockAlignedDataInterval", "AlignedDataCtrlr.Interval"},
	{"MeterValuesAlignedData", "AlignedDataCtrlr.Measurands"},
	{"StopTxnAlignedData", "AlignedDataCtrlr.TxEndedMeasurands"},
	{"ConnectionTimeOut", "TxCtrlr.EVConnectionTimeOut"},
	{"StopTransactionOnEVSideDisconnect", "TxCtrlr.StopTxOnEVSideDisconnect"},
	{"StopTransactionOnInvalidId", "TxCtrlr.StopTxOnInvalidId"},
	{"LocalAuthorizeOffline", "AuthCtrlr.LocalAuthorizeOffline"},
	{"LocalPreAuthorize", "AuthCtrlr.LocalPreAuthorize"},
	{"AuthorizeRemoteTxRequests", "AuthCtrlr.AuthorizeRemoteStart"},
	{"AuthorizationCacheEnabled", "AuthCacheCtrlr.Enabled"},
	{"LocalAuthListEnabled", "LocalAuthListCtrlr.Enabled"},
	{"ChargeProfileMaxStackLevel", "SmartChargingCtrlr.ProfileStackLevel"},
	{"ChargingScheduleAllowedChargingRateUnit", "SmartChargingCtrlr.RateUnit"},
	{"ChargingScheduleMaxPeriods", "SmartChargingCtrlr.PeriodsPerSchedule"},
	{"SecurityProfile", "SecurityCtrlr.SecurityProfile"},
	{"CpoName", "SecurityCtrlr.OrganizationName"},
	{AuthorizationKey, "SecurityCtrlr.BasicAuthPassword"},
}

// ErrNoEquivalent is returned (wrapping ErrInvalidRequest) by ReadSetting
// and WriteSetting for a setting name the charge point's version has no
// equivalent of.
var ErrNoEquivalent = fmt.Errorf("%w: no equivalent setting in the charge point's OCPP version", ErrInvalidRequest)

// SettingName returns the name of a setting as a charge point of version
// knows it. A name with a dot is a 2.0.1 variable
// (Component[instance]/evse/connector.Variable[instance]:Attribute, see
// store.ParseVariableKey), any other a 1.6 configuration key; either is
// translated to the other version when the two have the same setting
// (HeartbeatInterval ⇄ OCPPCommCtrlr.HeartbeatInterval,
// MeterValueSampleInterval ⇄ SampledDataCtrlr.TxUpdatedInterval,
// AuthorizationKey ⇄ SecurityCtrlr.BasicAuthPassword, …).
func SettingName(version, name string) (string, error) {
	is201 := strings.Contains(name, ".")
	if is201 {
		k, err := store.ParseVariableKey(name)
		if err != nil {
			return "", fmt.Errorf("%w: %w", ErrInvalidRequest, err)
		}
		name = k.String()
	}
	if (version == ocpp.OCPP201) == is201 {
		return name, nil
	}
	for _, p := range settingNames {
		from, to := p[0], p[1]
		if is201 {
			from, to = to, from
		}
		if name == from {
			return to, nil
		}
	}
	return "", fmt.Errorf("%w: %q on an %s charge point", ErrNoEquivalent, name, version)
}

// Setting is a charge point's setting as ReadSetting read it.
type Setting struct {
	// Name is the setting as the charge point knows it: a 1.6
	// configuration key, or a 2.0.1 variable (store.VariableKey string).
	Name string
	// Value is its value ("" when Known is false).
	Value string
	// Known says the charge point has the setting (1.6: it did not list
	// it in unknownKey; 2.0.1: it answered Accepted).
	Known bool
	// Readonly is 1.6's readonly flag (2.0.1 reports mutability in
	// NotifyReport, not in GetVariables: see store.Variable).
	Readonly bool
	// Status is 2.0.1's attributeStatus (Accepted, Rejected,
	// UnknownComponent, UnknownVariable, NotSupportedAttributeType); ""
	// on 1.6.
	Status string
}

// ReadSetting reads one setting of a charge point by its name in either
// version (see SettingName): GetConfiguration of the key on 1.6,
// GetVariables of the variable on 2.0.1. What it reads is stored, as the
// typed commands store it (configuration keys, device model).
func (c *Client) ReadSetting(ctx context.Context, identity, name string) (Setting, error) {
	v, err := c.version(ctx, identity)
	if err != nil {
		return Setting{}, err
	}
	name, err = SettingName(v, name)
	if err != nil {
		return Setting{}, err
	}
	if v == ocpp.OCPP201 {
		k, _ := store.ParseVariableKey(name)
		res, err := c.V201().GetVariables(ctx, identity, ocpp201.GetVariablesRequest{GetVariableData: []ocpp201.GetVariableData{variableData(k)}})
		if err != nil {
			return Setting{}, err
		}
		s := Setting{Name: name}
		if len(res.GetVariableResult) > 0 {
			r := res.GetVariableResult[0]
			s.Status, s.Known = string(r.AttributeStatus), r.AttributeStatus == ocpp201.GetVariableStatusAccepted
			s.Value = r.AttributeValue
		}
		return s, nil
	}
	res, err := c.GetConfiguration(ctx, identity, ocpp16.GetConfigurationRequest{Key: []string{name}})
	if err != nil {
		return Setting{}, err
	}
	s := Setting{Name: name}
	for _, kv := range res.ConfigurationKey {
		if kv.Key == name {
			s.Known, s.Readonly, s.Value = true, kv.Readonly, kv.Value
		}
	}
	return s, nil
}

// variableData names a 2.0.1 variable in a GetVariables request.
func variableData(k store.VariableKey) ocpp201.GetVariableData {
	comp, vr := componentOf(k)
	d := ocpp201.GetVariableData{Component: comp, Variable: vr}
	if k.Attribute != "" && k.Attribute != store.AttributeActual {
		d.AttributeType = ocpp201.Attribute(k.Attribute)
	}
	return d
}

// componentOf returns the 2.0.1 component and variable a key names.
func componentOf(k store.VariableKey) (ocpp201.Component, ocpp201.Variable) {
	comp := ocpp201.Component{Name: k.Component, Instance: k.ComponentInstance}
	if k.EVSEID > 0 {
		comp.Evse = &ocpp201.EVSE{Id: k.EVSEID}
		if k.ConnectorID > 0 {
			conn := k.ConnectorID
			comp.Evse.ConnectorId = &conn
		}
	}
	return comp, ocpp201.Variable{Name: k.Name, Instance: k.Instance}
}

// WriteSetting sets one setting of a charge point by its name in either
// version (see SettingName): ChangeConfiguration on 1.6, SetVariables on
// 2.0.1. Reply.Status is the charge point's answer (Accepted,
// RebootRequired, Rejected, NotSupported on 1.6; Accepted,
// RebootRequired, Rejected, UnknownComponent, UnknownVariable,
// NotSupportedAttributeType on 2.0.1). What it wrote is stored. The HTTP
// Basic password (AuthorizationKey, SecurityCtrlr.BasicAuthPassword) goes
// through the password rotation and is never stored.
func (c *Client) WriteSetting(ctx context.Context, identity, name, value string) (Reply, error) {
	v, err := c.version(ctx, identity)
	if err != nil {
		return Reply{}, err
	}
	name, err = SettingName(v, name)
	if err != nil {
		return Reply{}, err
	}
	if v == ocpp.OCPP201 {
		k, _ := store.ParseVariableKey(name)
		comp, vr := componentOf(k)
		d := ocpp201.SetVariableData{Component: comp, Variable: vr, AttributeValue: value}
		if k.Attribute != store.AttributeActual {
			d.AttributeType = ocpp201.Attribute(k.Attribute)
		}
		res, err := c.V201().SetVariables(ctx, identity, ocpp201.SetVariablesRequest{SetVariableData: []ocpp201.SetVariableData{d}})
		if err != nil && res.SetVariableResult == nil {
			return Reply{}, err
		}
		status := ""
		if len(res.SetVariableResult) > 0 {
			status = string(res.SetVariableResult[0].AttributeStatus)
		}
		return reply(status, res), err
	}
	res, err := c.ChangeConfiguration(ctx, identity, ocpp16.ChangeConfigurationRequest{Key: name, Value: value})
	if err != nil && res.Status == "" {
		return Reply{}, err
	}
	return reply(string(res.Status), res), err
}
