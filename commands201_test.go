package ocppkit_test

import (
	"context"
	"encoding/json"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/ocppkit/ocppkit"
	"github.com/ocppkit/ocppkit/internal/schematest"
	"github.com/ocppkit/ocppkit/internal/testdb"
	"github.com/ocppkit/ocppkit/ocpp"
	"github.com/ocppkit/ocppkit/ocpp/ocpp201"
	"github.com/ocppkit/ocppkit/ocpp/ocpptest"
	"github.com/ocppkit/ocppkit/ocpp/schemas"
	"github.com/ocppkit/ocppkit/remote"
	"github.com/ocppkit/ocppkit/store"
	"gorm.io/gorm"
)

// command201 is one OCPP 2.0.1 CSMS command: the request, how to send it
// with its typed method on remote.Client201, and the station's reply.
type command201 struct {
	req   ocpp.Request
	reply string // the station's CALLRESULT payload; "" = ocpptest's default
	send  func(ctx context.Context, r *remote.Client, identity string) (ocpp.Response, error)
}

// cmd201 builds a command from a method expression of remote.Client201
// (such as remote.Client201.Reset), so the table proves every method's
// signature.
func cmd201[Req ocpp.Request, Res ocpp.Response](fn func(remote.Client201, context.Context, string, Req) (Res, error), req Req, reply string) command201 {
	return command201{req: req, reply: reply, send: func(ctx context.Context, r *remote.Client, identity string) (ocpp.Response, error) {
		return fn(r.V201(), ctx, identity, req)
	}}
}

func profile201(id, stackLevel int, purpose ocpp201.ChargingProfilePurpose) ocpp201.ChargingProfile {
	start := ocpp201.NewDateTime(time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC))
	return ocpp201.ChargingProfile{
		Id: id, StackLevel: stackLevel, ChargingProfilePurpose: purpose, ChargingProfileKind: ocpp201.ChargingProfileKindAbsolute,
		ChargingSchedule: []ocpp201.ChargingSchedule{{Id: 1, StartSchedule: &start, ChargingRateUnit: ocpp201.ChargingRateUnitW,
			ChargingSchedulePeriod: []ocpp201.ChargingSchedulePeriod{{StartPeriod: 0, Limit: 11000}, {StartPeriod: 3600, Limit: 7400.5, NumberPhases: ptr(3)}}}},
	}
}

// allCommands201 holds every CSMS command of OCPP 2.0.1, each with a
// realistic request and reply.
func allCommands201() []command201 {
	at := ocpp201.NewDateTime(time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC))
	hash := ocpp201.CertificateHashData{HashAlgorithm: ocpp201.HashAlgorithmSHA256, IssuerNameHash: "a1b2c3", IssuerKeyHash: "d4e5f6", SerialNumber: "01f3"}
	token := ocpp201.IdToken{IdToken: "04A2B3C4", Type: ocpp201.IdTokenTypeISO14443}
	hb := ocpp201.Component{Name: "OCPPCommCtrlr"}
	evse1 := ocpp201.Component{Name: "EVSE", Evse: &ocpp201.EVSE{Id: 1}}
	return []command201{
		cmd201(remote.Client201.CancelReservation, ocpp201.CancelReservationRequest{ReservationId: 77}, `{"status":"Accepted"}`),
		cmd201(remote.Client201.CertificateSigned, ocpp201.CertificateSignedRequest{CertificateChain: testCertPEM, CertificateType: ocpp201.CertificateSigningUseChargingStationCertificate}, ""),
		cmd201(remote.Client201.ChangeAvailability, ocpp201.ChangeAvailabilityRequest{Evse: &ocpp201.EVSE{Id: 1}, OperationalStatus: ocpp201.OperationalStatusInoperative}, `{"status":"Scheduled"}`),
		cmd201(remote.Client201.ClearCache, ocpp201.ClearCacheRequest{}, ""),
		cmd201(remote.Client201.ClearChargingProfile, ocpp201.ClearChargingProfileRequest{ChargingProfileCriteria: &ocpp201.ClearChargingProfile{EvseId: ptr(2), ChargingProfilePurpose: ocpp201.ChargingProfilePurposeTxDefaultProfile}}, ""),
		cmd201(remote.Client201.ClearDisplayMessage, ocpp201.ClearDisplayMessageRequest{Id: 3}, `{"status":"Unknown"}`),
		cmd201(remote.Client201.ClearVariableMonitoring, ocpp201.ClearVariableMonitoringRequest{Id: []int{4, 5}}, `{"clearMonitoringResult":[{"status":"Accepted","id":4},{"status":"NotFound","id":5}]}`),
		cmd201(remote.Client201.CostUpdated, ocpp201.CostUpdatedRequest{TotalCost: 12.34, TransactionId: "tx-1"}, ""),
		cmd201(remote.Client201.CustomerInformation, ocpp201.CustomerInformationRequest{RequestId: 6, Report: true, Clear: false, IdToken: &token}, ""),
		cmd201(remote.Client201.DataTransfer, ocpp201.DataTransferRequest{VendorId: "com.acme", MessageId: "ping", Data: json.RawMessage(`{"n":1}`)}, `{"status":"Accepted","data":"pong"}`),
		cmd201(remote.Client201.DeleteCertificate, ocpp201.DeleteCertificateRequest{CertificateHashData: hash}, `{"status":"NotFound"}`),
		cmd201(remote.Client201.GetBaseReport, ocpp201.GetBaseReportRequest{RequestId: 7, ReportBase: ocpp201.ReportBaseFullInventory}, ""),
		cmd201(remote.Client201.GetChargingProfiles, ocpp201.GetChargingProfilesRequest{RequestId: 8, EvseId: ptr(1), ChargingProfile: ocpp201.ChargingProfileCriterion{ChargingProfilePurpose: ocpp201.ChargingProfilePurposeTxDefaultProfile}}, `{"status":"Accepted"}`),
		cmd201(remote.Client201.GetCompositeSchedule, ocpp201.GetCompositeScheduleRequest{Duration: 3600, ChargingRateUnit: ocpp201.ChargingRateUnitW, EvseId: 1},
			`{"status":"Accepted","schedule":{"evseId":1,"duration":3600,"scheduleStart":"2026-05-01T09:00:00.000Z","chargingRateUnit":"W","chargingSchedulePeriod":[{"startPeriod":0,"limit":11000.0}]}}`),
		cmd201(remote.Client201.GetDisplayMessages, ocpp201.GetDisplayMessagesRequest{RequestId: 9, Priority: ocpp201.MessagePriorityInFront}, `{"status":"Accepted"}`),
		cmd201(remote.Client201.GetInstalledCertificateIds, ocpp201.GetInstalledCertificateIdsRequest{CertificateType: []ocpp201.GetCertificateIdUse{ocpp201.GetCertificateIdUseCSMSRootCertificate}},
			`{"status":"Accepted","certificateHashDataChain":[{"certificateType":"CSMSRootCertificate","certificateHashData":{"hashAlgorithm":"SHA256","issuerNameHash":"a1b2c3","issuerKeyHash":"d4e5f6","serialNumber":"01f3"}}]}`),
		cmd201(remote.Client201.GetLocalListVersion, ocpp201.GetLocalListVersionRequest{}, `{"versionNumber":5}`),
		cmd201(remote.Client201.GetLog, ocpp201.GetLogRequest{Log: ocpp201.LogParameters{RemoteLocation: "https://logs.example.com/upload", OldestTimestamp: &at}, LogType: ocpp201.LogSecurityLog, RequestId: 10, Retries: ptr(1)},
			`{"status":"Accepted","filename":"security.log"}`),
		cmd201(remote.Client201.GetMonitoringReport, ocpp201.GetMonitoringReportRequest{RequestId: 11, ComponentVariable: []ocpp201.ComponentVariable{{Component: evse1}}}, ""),
		cmd201(remote.Client201.GetReport, ocpp201.GetReportRequest{RequestId: 12, ComponentCriteria: []ocpp201.ComponentCriterion{ocpp201.ComponentCriterionProblem}}, `{"status":"EmptyResultSet"}`),
		cmd201(remote.Client201.GetTransactionStatus, ocpp201.GetTransactionStatusRequest{TransactionId: "tx-1"}, `{"ongoingIndicator":true,"messagesInQueue":false}`),
		cmd201(remote.Client201.GetVariables, ocpp201.GetVariablesRequest{GetVariableData: []ocpp201.GetVariableData{
			{Component: hb, Variable: ocpp201.Variable{Name: "HeartbeatInterval"}},
			{Component: ocpp201.Component{Name: "SecurityCtrlr"}, Variable: ocpp201.Variable{Name: "BasicAuthPassword"}},
			{Component: evse1, Variable: ocpp201.Variable{Name: "NoSuch"}},
		}}, `{"getVariableResult":[{"attributeStatus":"Accepted","attributeValue":"300","component":{"name":"OCPPCommCtrlr"},"variable":{"name":"HeartbeatInterval"}},`+
			`{"attributeStatus":"Accepted","attributeValue":"leaked-secret-0123","component":{"name":"SecurityCtrlr"},"variable":{"name":"BasicAuthPassword"}},`+
			`{"attributeStatus":"UnknownVariable","component":{"name":"EVSE","evse":{"id":1}},"variable":{"name":"NoSuch"}}]}`),
		cmd201(remote.Client201.InstallCertificate, ocpp201.InstallCertificateRequest{CertificateType: ocpp201.InstallCertificateUseCSMSRootCertificate, Certificate: testCertPEM}, `{"status":"Rejected"}`),
		cmd201(remote.Client201.PublishFirmware, ocpp201.PublishFirmwareRequest{Location: "https://fw.example.com/2.0.bin", Checksum: "0123456789abcdef0123456789abcdef", RequestId: 13}, ""),
		cmd201(remote.Client201.RequestStartTransaction, ocpp201.RequestStartTransactionRequest{EvseId: ptr(2), IdToken: token, RemoteStartId: 42, ChargingProfile: ptr(profile201(9, 1, ocpp201.ChargingProfilePurposeTxProfile))},
			`{"status":"Accepted"}`),
		cmd201(remote.Client201.RequestStopTransaction, ocpp201.RequestStopTransactionRequest{TransactionId: "tx-1"}, `{"status":"Rejected"}`),
		cmd201(remote.Client201.ReserveNow, ocpp201.ReserveNowRequest{Id: 77, ExpiryDateTime: at, IdToken: token, EvseId: ptr(1), GroupIdToken: &ocpp201.IdToken{IdToken: "FLEET", Type: ocpp201.IdTokenTypeCentral}}, ""),
		cmd201(remote.Client201.Reset, ocpp201.ResetRequest{Type: ocpp201.ResetOnIdle}, `{"status":"Scheduled"}`),
		cmd201(remote.Client201.SendLocalList, ocpp201.SendLocalListRequest{VersionNumber: 6, UpdateType: ocpp201.UpdateFull, LocalAuthorizationList: []ocpp201.AuthorizationData{
			{IdToken: token, IdTokenInfo: &ocpp201.IdTokenInfo{Status: ocpp201.AuthorizationStatusAccepted, CacheExpiryDateTime: &at}},
			{IdToken: ocpp201.IdToken{IdToken: "BLOCKED-1", Type: ocpp201.IdTokenTypeISO14443}, IdTokenInfo: &ocpp201.IdTokenInfo{Status: ocpp201.AuthorizationStatusBlocked}},
		}}, ""),
		cmd201(remote.Client201.SetChargingProfile, ocpp201.SetChargingProfileRequest{EvseId: 2, ChargingProfile: profile201(10, 1, ocpp201.ChargingProfilePurposeTxDefaultProfile)}, ""),
		cmd201(remote.Client201.SetDisplayMessage, ocpp201.SetDisplayMessageRequest{Message: ocpp201.MessageInfo{Id: 3, Priority: ocpp201.MessagePriorityNormalCycle,
			Message: ocpp201.MessageContent{Format: ocpp201.MessageFormatUTF8, Content: "Bonjour"}}}, ""),
		cmd201(remote.Client201.SetMonitoringBase, ocpp201.SetMonitoringBaseRequest{MonitoringBase: ocpp201.MonitoringBaseFactoryDefault}, ""),
		cmd201(remote.Client201.SetMonitoringLevel, ocpp201.SetMonitoringLevelRequest{Severity: 4}, ""),
		cmd201(remote.Client201.SetNetworkProfile, ocpp201.SetNetworkProfileRequest{ConfigurationSlot: 1, ConnectionData: ocpp201.NetworkConnectionProfile{
			OcppVersion: ocpp201.OCPPVersionOCPP20, OcppTransport: ocpp201.OCPPTransportJSON, OcppCsmsUrl: "wss://csms.example.com/ocpp", MessageTimeout: 30,
			SecurityProfile: 2, OcppInterface: ocpp201.OCPPInterfaceWired0}}, `{"status":"Rejected"}`),
		cmd201(remote.Client201.SetVariableMonitoring, ocpp201.SetVariableMonitoringRequest{SetMonitoringData: []ocpp201.SetMonitoringData{
			{Value: 50, Type: ocpp201.MonitorUpperThreshold, Severity: 3, Component: evse1, Variable: ocpp201.Variable{Name: "Power"}}}},
			`{"setMonitoringResult":[{"id":1,"status":"Accepted","type":"UpperThreshold","severity":3,"component":{"name":"EVSE","evse":{"id":1}},"variable":{"name":"Power"}}]}`),
		cmd201(remote.Client201.SetVariables, ocpp201.SetVariablesRequest{SetVariableData: []ocpp201.SetVariableData{
			{Component: hb, Variable: ocpp201.Variable{Name: "HeartbeatInterval"}, AttributeValue: "120"},
			{Component: evse1, Variable: ocpp201.Variable{Name: "Power"}, AttributeValue: "7000", AttributeType: ocpp201.AttributeMaxSet},
		}}, `{"setVariableResult":[{"attributeStatus":"RebootRequired","component":{"name":"OCPPCommCtrlr"},"variable":{"name":"HeartbeatInterval"}},`+
			`{"attributeStatus":"Rejected","attributeType":"MaxSet","component":{"name":"EVSE","evse":{"id":1}},"variable":{"name":"Power"}}]}`),
		cmd201(remote.Client201.TriggerMessage, ocpp201.TriggerMessageRequest{RequestedMessage: ocpp201.MessageTriggerStatusNotification, Evse: &ocpp201.EVSE{Id: 1, ConnectorId: ptr(1)}}, ""),
		cmd201(remote.Client201.UnlockConnector, ocpp201.UnlockConnectorRequest{EvseId: 2, ConnectorId: 1}, `{"status":"UnlockFailed"}`),
		cmd201(remote.Client201.UnpublishFirmware, ocpp201.UnpublishFirmwareRequest{Checksum: "0123456789abcdef0123456789abcdef"}, ""),
		cmd201(remote.Client201.UpdateFirmware, ocpp201.UpdateFirmwareRequest{RequestId: 14, Retries: ptr(2), Firmware: ocpp201.Firmware{
			Location: "https://fw.example.com/2.0.bin", RetrieveDateTime: at, SigningCertificate: testCertPEM, Signature: "c2lnbmF0dXJl"}}, `{"status":"InvalidCertificate"}`),
	}
}

// TestEveryCommandConforms201 sends every CSMS command of OCPP 2.0.1 with
// its typed method over a real socket to a 2.0.1 station, on SQLite and
// PostgreSQL. The station received exactly the request; request and reply
// validate against the official 2.0.1 schemas; the method returns the
// reply typed; the state the accepted replies imply is recorded.
func TestEveryCommandConforms201(t *testing.T) {
	schemas := schematest.LoadVersion(t, schemas.OCPP201)
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		e := newEnv(t, db, ocppkit.Config{})
		row := e.register(t, "CS-CMD", "pw-0123456789abcdef")
		cp := e.dial201(t, "CS-CMD", "pw-0123456789abcdef")

		cmds := allCommands201()
		var covered []string
		for _, c := range cmds {
			covered = append(covered, c.req.Action())
		}
		for _, action := range ocpp201.CSMSActions {
			if !slices.Contains(covered, action) {
				t.Errorf("no conformance case for %s", action)
			}
		}
		for _, c := range cmds {
			action := c.req.Action()
			t.Run(action, func(t *testing.T) {
				reply := c.reply
				if reply == "" {
					reply = string(ocpptest.DefaultReplyFor(ocpp.OCPP201, action))
				}
				cp.Handle(action, func(ctx context.Context, payload json.RawMessage) (any, error) {
					return json.RawMessage(reply), nil
				})
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				defer cancel()
				res, err := c.send(ctx, e.csms.Remote, "CS-CMD")
				if err != nil {
					t.Fatalf("%s: %v", action, err)
				}
				var got ocpptest.ReceivedCall
				select {
				case got = <-cp.Calls():
				case <-ctx.Done():
					t.Fatal("the station received nothing")
				}
				if got.Action != action {
					t.Fatalf("station received %s, want %s", got.Action, action)
				}
				schemas.MustValidate(t, action, false, got.Payload)
				sent, _ := json.Marshal(c.req)
				if !jsonEqual(t, got.Payload, sent) {
					t.Errorf("station received %s, want %s", got.Payload, sent)
				}
				schemas.MustValidate(t, action, true, got.Reply.Payload)
				if want := reflect.TypeOf(res).Name(); want != action+"Response" || reflect.TypeOf(res).PkgPath() != reflect.TypeFor[ocpp201.ResetResponse]().PkgPath() {
					t.Errorf("reply type %T, want ocpp201.%sResponse", res, action)
				}
				typed, _ := json.Marshal(res)
				schemas.MustValidate(t, action, true, typed)
				if !jsonEqual(t, typed, []byte(reply)) {
					t.Errorf("typed reply %s, want %s", typed, reply)
				}
			})
		}
		sent, received := e.frames.snapshot()
		if n := schemas.Frames(t, sent, received); n < len(cmds) {
			t.Errorf("validated %d frames the server sent, want at least %d", n, len(cmds))
		}
		checkEffects201(t, e, row.ID)
	})
}

// checkEffects201 checks the state TestEveryCommandConforms201's accepted
// replies imply.
func checkEffects201(t *testing.T, e *env, cpID uint) {
	t.Helper()
	ctx := context.Background()
	s := e.csms.Store
	hb, err := s.Variable(ctx, cpID, store.VariableKey{Component: "OCPPCommCtrlr", Name: "HeartbeatInterval"})
	if err != nil || hb.Value != "120" || hb.Status != "RebootRequired" || hb.ChangedAt == nil {
		t.Errorf("HeartbeatInterval after GetVariables 300 and SetVariables 120 (RebootRequired): %+v, %v", hb, err)
	}
	pw, err := s.Variable(ctx, cpID, store.VariableKey{Component: "SecurityCtrlr", Name: "BasicAuthPassword"})
	if err != nil || pw.Value != "" || pw.Status != "Accepted" {
		t.Errorf("a secret read by GetVariables: %+v, %v (its value must not be stored)", pw, err)
	}
	power, err := s.Variable(ctx, cpID, store.VariableKey{Component: "EVSE", EVSEID: 1, Name: "Power", Attribute: "MaxSet"})
	if err != nil || power.Value != "" || power.Status != "Rejected" {
		t.Errorf("a refused SetVariables: %+v, %v", power, err)
	}
	unknown, err := s.Variable(ctx, cpID, store.VariableKey{Component: "EVSE", EVSEID: 1, Name: "NoSuch"})
	if err != nil || unknown.Status != "UnknownVariable" {
		t.Errorf("an unknown variable: %+v, %v", unknown, err)
	}
	r, err := s.ReservationByID(ctx, cpID, 77)
	if err != nil || r.Status != store.ReservationActive || r.EVSEID != 1 || r.ConnectorID != 0 || r.IDTag != "04A2B3C4" || r.ParentIDTag != "FLEET" {
		t.Errorf("reservation 77 (a cancel of it before it existed, then reserved): %+v, %v", r, err)
	}
	if v, err := s.LocalListVersion(ctx, cpID); err != nil || v != 6 {
		t.Errorf("local list version %d, %v; want 6 (GetLocalListVersion said 5, then SendLocalList 6)", v, err)
	}
	entries, err := s.LocalListEntries(ctx, cpID)
	if err != nil || len(entries) != 2 {
		t.Errorf("local list %+v, %v", entries, err)
	}
	// 9 came with RequestStartTransaction on EVSE 2, 10 with SetChargingProfile (after a ClearChargingProfile).
	ps, err := s.ChargingProfiles(ctx, cpID)
	if err != nil || len(ps) != 2 || ps[0].EVSEID != 2 || ps[1].EVSEID != 2 || ps[0].ConnectorID != 0 {
		t.Errorf("charging profiles %+v, %v; want profiles 9 and 10 of EVSE 2", ps, err)
	}
	if _, err := e.csms.Remote.V201().ClearChargingProfile(ctx, "CS-CMD", ocpp201.ClearChargingProfileRequest{ChargingProfileCriteria: &ocpp201.ClearChargingProfile{
		EvseId: ptr(2), ChargingProfilePurpose: ocpp201.ChargingProfilePurposeTxDefaultProfile}}); err != nil {
		t.Fatal(err)
	}
	if ps, err := s.ChargingProfiles(ctx, cpID); err != nil || len(ps) != 1 || ps[0].ProfileID != 9 {
		t.Errorf("after clearing the TxDefaultProfiles of EVSE 2: %+v, %v", ps, err)
	}
}
