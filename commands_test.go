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
	"github.com/ocppkit/ocppkit/ocpp/ocpp16"
	"github.com/ocppkit/ocppkit/ocpp/ocpptest"
	"github.com/ocppkit/ocppkit/remote"
)

// command is one Central System command: the request, how to send it with
// its typed remote method, and the charge point's reply.
type command struct {
	req   ocpp16.Request
	reply string // the charge point's CALLRESULT payload; "" = ocpptest's default
	send  func(ctx context.Context, r *remote.Client, identity string) (ocpp16.Response, error)
}

// cmd builds a command from a typed remote method (a method expression such
// as (*remote.Client).Reset), so the table proves every method's signature.
func cmd[Req ocpp16.Request, Res ocpp16.Response](fn func(*remote.Client, context.Context, string, Req) (Res, error), req Req, reply string) command {
	return command{req: req, reply: reply, send: func(ctx context.Context, r *remote.Client, identity string) (ocpp16.Response, error) {
		return fn(r, ctx, identity, req)
	}}
}

func ptr[T any](v T) *T { return &v }

const testCertPEM = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUFAKE\n-----END CERTIFICATE-----\n"

func txProfile(id int, purpose ocpp16.ChargingProfilePurpose) ocpp16.ChargingProfile {
	return ocpp16.ChargingProfile{
		ChargingProfileId:      id,
		StackLevel:             1,
		ChargingProfilePurpose: purpose,
		ChargingProfileKind:    ocpp16.ChargingProfileKindAbsolute,
		ChargingSchedule: ocpp16.ChargingSchedule{
			StartSchedule:          ptr(ocpp16.NewDateTime(time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC))),
			ChargingRateUnit:       ocpp16.ChargingRateUnitW,
			ChargingSchedulePeriod: []ocpp16.ChargingSchedulePeriod{{StartPeriod: 0, Limit: 11000}, {StartPeriod: 3600, Limit: 7400.5, NumberPhases: ptr(3)}},
		},
	}
}

// allCommands holds every command of OCPP 1.6 (the six feature profiles)
// and of its security extension, each with a realistic request and reply.
func allCommands() []command {
	at := ocpp16.NewDateTime(time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC))
	hash := ocpp16.CertificateHashData{HashAlgorithm: ocpp16.HashAlgorithmSHA256, IssuerNameHash: "a1b2c3", IssuerKeyHash: "d4e5f6", SerialNumber: "01f3"}
	return []command{
		// Core
		cmd((*remote.Client).ChangeAvailability, ocpp16.ChangeAvailabilityRequest{ConnectorId: 1, Type: ocpp16.AvailabilityTypeInoperative}, `{"status":"Scheduled"}`),
		cmd((*remote.Client).ChangeConfiguration, ocpp16.ChangeConfigurationRequest{Key: "HeartbeatInterval", Value: "120"}, `{"status":"RebootRequired"}`),
		cmd((*remote.Client).ClearCache, ocpp16.ClearCacheRequest{}, ""),
		cmd((*remote.Client).DataTransfer, ocpp16.DataTransferRequest{VendorId: "com.acme", MessageId: "ping", Data: `{"n":1}`}, `{"status":"Accepted","data":"pong"}`),
		cmd((*remote.Client).GetConfiguration, ocpp16.GetConfigurationRequest{Key: []string{"HeartbeatInterval", "NoSuchKey"}},
			`{"configurationKey":[{"key":"HeartbeatInterval","readonly":false,"value":"300"}],"unknownKey":["NoSuchKey"]}`),
		cmd((*remote.Client).RemoteStart, ocpp16.RemoteStartTransactionRequest{ConnectorId: ptr(1), IdTag: "RFID-1", ChargingProfile: ptr(txProfile(9, ocpp16.ChargingProfilePurposeTxProfile))}, ""),
		cmd((*remote.Client).RemoteStop, ocpp16.RemoteStopTransactionRequest{TransactionId: 123456}, `{"status":"Rejected"}`),
		cmd((*remote.Client).Reset, ocpp16.ResetRequest{Type: ocpp16.ResetTypeHard}, ""),
		cmd((*remote.Client).UnlockConnector, ocpp16.UnlockConnectorRequest{ConnectorId: 2}, `{"status":"UnlockFailed"}`),
		// FirmwareManagement
		cmd((*remote.Client).GetDiagnostics, ocpp16.GetDiagnosticsRequest{Location: "ftp://diag.example.com/upload", Retries: ptr(2), RetryInterval: ptr(30), StartTime: &at}, `{"fileName":"diag-CP.zip"}`),
		cmd((*remote.Client).UpdateFirmware, ocpp16.UpdateFirmwareRequest{Location: "https://fw.example.com/1.2.3.bin", RetrieveDate: at, Retries: ptr(3)}, ""),
		// LocalAuthListManagement
		cmd((*remote.Client).GetLocalListVersion, ocpp16.GetLocalListVersionRequest{}, `{"listVersion":5}`),
		cmd((*remote.Client).SendLocalList, ocpp16.SendLocalListRequest{ListVersion: 6, UpdateType: ocpp16.UpdateTypeFull, LocalAuthorizationList: []ocpp16.AuthorizationData{
			{IdTag: "RFID-A", IdTagInfo: &ocpp16.IdTagInfo{Status: ocpp16.AuthorizationStatusAccepted, ExpiryDate: &at}},
			{IdTag: "RFID-B", IdTagInfo: &ocpp16.IdTagInfo{Status: ocpp16.AuthorizationStatusBlocked}},
		}}, `{"status":"VersionMismatch"}`),
		// Reservation
		cmd((*remote.Client).ReserveNow, ocpp16.ReserveNowRequest{ConnectorId: 1, ExpiryDate: at, IdTag: "RFID-1", ParentIdTag: "FLEET", ReservationId: 77}, `{"status":"Occupied"}`),
		cmd((*remote.Client).CancelReservation, ocpp16.CancelReservationRequest{ReservationId: 77}, `{"status":"Rejected"}`),
		// SmartCharging
		cmd((*remote.Client).SetChargingProfile, ocpp16.SetChargingProfileRequest{ConnectorId: 1, CsChargingProfiles: txProfile(10, ocpp16.ChargingProfilePurposeTxDefaultProfile)}, ""),
		cmd((*remote.Client).ClearChargingProfile, ocpp16.ClearChargingProfileRequest{ConnectorId: ptr(1), ChargingProfilePurpose: ocpp16.ChargingProfilePurposeTxDefaultProfile, StackLevel: ptr(1)}, `{"status":"Unknown"}`),
		cmd((*remote.Client).GetCompositeSchedule, ocpp16.GetCompositeScheduleRequest{ConnectorId: 1, Duration: 3600, ChargingRateUnit: ocpp16.ChargingRateUnitW},
			`{"status":"Accepted","connectorId":1,"scheduleStart":"2026-05-01T09:00:00.000Z","chargingSchedule":{"duration":3600,"chargingRateUnit":"W","chargingSchedulePeriod":[{"startPeriod":0,"limit":11000.0}]}}`),
		// RemoteTrigger
		cmd((*remote.Client).TriggerMessage, ocpp16.TriggerMessageRequest{RequestedMessage: ocpp16.MessageTriggerStatusNotification, ConnectorId: ptr(1)}, `{"status":"NotImplemented"}`),
		// Security extension
		cmd((*remote.Client).CertificateSigned, ocpp16.CertificateSignedRequest{CertificateChain: testCertPEM}, ""),
		cmd((*remote.Client).DeleteCertificate, ocpp16.DeleteCertificateRequest{CertificateHashData: hash}, `{"status":"NotFound"}`),
		cmd((*remote.Client).ExtendedTriggerMessage, ocpp16.ExtendedTriggerMessageRequest{RequestedMessage: ocpp16.ExtendedMessageTriggerSignChargePointCertificate}, ""),
		cmd((*remote.Client).GetInstalledCertificateIds, ocpp16.GetInstalledCertificateIdsRequest{CertificateType: ocpp16.CertificateUseCentralSystemRootCertificate},
			`{"status":"Accepted","certificateHashData":[{"hashAlgorithm":"SHA256","issuerNameHash":"a1b2c3","issuerKeyHash":"d4e5f6","serialNumber":"01f3"}]}`),
		cmd((*remote.Client).GetLog, ocpp16.GetLogRequest{Log: ocpp16.LogParameters{RemoteLocation: "https://logs.example.com/upload", OldestTimestamp: &at}, LogType: ocpp16.LogTypeSecurityLog, RequestId: 4, Retries: ptr(1)},
			`{"status":"Accepted","filename":"security.log"}`),
		cmd((*remote.Client).InstallCertificate, ocpp16.InstallCertificateRequest{CertificateType: ocpp16.CertificateUseManufacturerRootCertificate, Certificate: testCertPEM}, `{"status":"Rejected"}`),
		cmd((*remote.Client).SignedUpdateFirmware, ocpp16.SignedUpdateFirmwareRequest{RequestId: 5, Retries: ptr(2), RetryInterval: ptr(60), Firmware: ocpp16.Firmware{
			Location: "https://fw.example.com/signed-1.2.4.bin", RetrieveDateTime: at, InstallDateTime: &at, SigningCertificate: testCertPEM, Signature: "c2lnbmF0dXJl",
		}}, `{"status":"InvalidCertificate"}`),
	}
}

// TestEveryCommandConforms sends every Central System command of OCPP 1.6
// and of the security extension with its typed remote method over a real
// socket. It checks that the charge point received exactly the request,
// that the request and the reply validate against the official schemas,
// and that the method returns the reply decoded into the action's
// response type.
func TestEveryCommandConforms(t *testing.T) {
	schemas := schematest.Load(t)
	e := newEnv(t, testdb.SQLite(t), ocppkit.Config{})
	e.register(t, "CP-CMD", "pw-0123456789abcdef")
	cp := e.dial(t, "CP-CMD", "pw-0123456789abcdef")

	cmds := allCommands()
	var covered []string
	for _, c := range cmds {
		covered = append(covered, c.req.Action())
	}
	for _, action := range ocpp16.CentralSystemActions {
		if !slices.Contains(covered, action) {
			t.Errorf("no conformance case for %s", action)
		}
	}

	for _, c := range cmds {
		action := c.req.Action()
		t.Run(action, func(t *testing.T) {
			reply := c.reply
			if reply == "" {
				reply = string(ocpptest.DefaultReply(action))
			}
			cp.Handle(action, func(ctx context.Context, payload json.RawMessage) (any, error) {
				return json.RawMessage(reply), nil
			})
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			res, err := c.send(ctx, e.csms.Remote, "CP-CMD")
			if err != nil {
				t.Fatalf("%s: %v", action, err)
			}
			var got ocpptest.ReceivedCall
			select {
			case got = <-cp.Calls():
			case <-ctx.Done():
				t.Fatal("the charge point received nothing")
			}
			if got.Action != action {
				t.Fatalf("charge point received %s, want %s", got.Action, action)
			}
			// The request on the wire: valid, and exactly what was asked.
			schemas.MustValidate(t, action, false, got.Payload)
			sent, _ := json.Marshal(c.req)
			if !jsonEqual(t, got.Payload, sent) {
				t.Errorf("charge point received %s, want %s", got.Payload, sent)
			}
			// The reply: valid, and returned typed.
			schemas.MustValidate(t, action, true, got.Reply.Payload)
			if want := reflect.TypeOf(res).Name(); want != action+"Response" {
				t.Errorf("reply type %s, want %sResponse", want, action)
			}
			if res.Action() != action {
				t.Errorf("reply answers %s", res.Action())
			}
			typed, _ := json.Marshal(res)
			schemas.MustValidate(t, action, true, typed)
			if !jsonEqual(t, typed, []byte(reply)) {
				t.Errorf("typed reply %s, want %s", typed, reply)
			}
		})
	}
	// Every frame the server wrote, as it logged them, validates too.
	sent, received := e.frames.snapshot()
	if n := schemas.Frames(t, sent, received); n < len(cmds) {
		t.Errorf("validated %d frames the server sent, want at least %d", n, len(cmds))
	}
}

// jsonEqual compares two JSON documents by value (numbers as float64).
func jsonEqual(t *testing.T, a, b []byte) bool {
	t.Helper()
	var x, y any
	if err := json.Unmarshal(a, &x); err != nil {
		t.Fatalf("%s: %v", a, err)
	}
	if err := json.Unmarshal(b, &y); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	return reflect.DeepEqual(x, y)
}
