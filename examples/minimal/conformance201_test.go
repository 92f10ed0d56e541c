package main

import (
	"context"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"gorm.io/gorm"

	"github.com/ocppkit/ocppkit/internal/testdb"
	"github.com/ocppkit/ocppkit/ocpp/ocpp201"
	"github.com/ocppkit/ocppkit/store"
	"github.com/ocppkit/ocppkit/store/sqlitedb"
)

// The scripted transaction of conformance/client201.mjs.
const (
	conf201TransactionID = "CONF-TX-201"
	conf201IDToken       = "CONFORMANCE-TOKEN-201"
	conf201EVSE          = 1
	conf201Vendor        = "ocppkit-conformance"
	conf201Model         = "ocpp-rpc-strict"
	conf201Serial        = "CONF-0201"
)

// confSummary201 is the JSON line client201.mjs prints on stdout.
type confSummary201 = confSummaryOf[string]

// confCommands201 are every CSMS→station message of OCPP 2.0.1, sent through
// the host's commands API after the transaction, with what the client
// answers (see replies in client201.mjs).
var confCommands201 = []confCommand{
	{"CancelReservation", `{"reservationId":1}`, map[string]any{"status": "Rejected"}},
	{"CertificateSigned", `{"certificateChain":"-----BEGIN CERTIFICATE-----\nMIIBconformance\n-----END CERTIFICATE-----\n","certificateType":"ChargingStationCertificate"}`, map[string]any{"status": "Rejected"}},
	{"ChangeAvailability", `{"operationalStatus":"Operative","evse":{"id":1}}`, map[string]any{"status": "Accepted"}},
	{"ClearCache", `{}`, map[string]any{"status": "Accepted"}},
	{"ClearChargingProfile", `{"chargingProfileId":1}`, map[string]any{"status": "Unknown"}},
	{"ClearDisplayMessage", `{"id":1}`, map[string]any{"status": "Unknown"}},
	{"ClearVariableMonitoring", `{"id":[1,2]}`, map[string]any{"clearMonitoringResult": []any{
		map[string]any{"status": "NotFound", "id": float64(1)}, map[string]any{"status": "NotFound", "id": float64(2)}}}},
	{"CostUpdated", `{"totalCost":1.23,"transactionId":"CONF-TX-201"}`, map[string]any{}},
	{"CustomerInformation", `{"requestId":1,"report":true,"clear":false,"idToken":{"idToken":"CONFORMANCE-TOKEN-201","type":"ISO14443"}}`, map[string]any{"status": "Accepted"}},
	{"DataTransfer", `{"vendorId":"org.ocppkit","messageId":"ping","data":"x"}`, map[string]any{"status": "UnknownVendorId"}},
	{"DeleteCertificate", `{"certificateHashData":{"hashAlgorithm":"SHA256","issuerNameHash":"aa","issuerKeyHash":"bb","serialNumber":"01"}}`, map[string]any{"status": "NotFound"}},
	{"GetBaseReport", `{"requestId":2,"reportBase":"FullInventory"}`, map[string]any{"status": "Accepted"}},
	{"GetChargingProfiles", `{"requestId":3,"chargingProfile":{"chargingProfilePurpose":"TxDefaultProfile"}}`, map[string]any{"status": "NoProfiles"}},
	{"GetCompositeSchedule", `{"duration":3600,"evseId":1}`, map[string]any{"status": "Rejected"}},
	{"GetDisplayMessages", `{"requestId":4}`, map[string]any{"status": "Unknown"}},
	{"GetInstalledCertificateIds", `{}`, map[string]any{"status": "NotFound"}},
	{"GetLocalListVersion", `{}`, map[string]any{"versionNumber": float64(0)}},
	{"GetLog", `{"logType":"DiagnosticsLog","requestId":5,"log":{"remoteLocation":"https://example.com/upload"}}`, map[string]any{"status": "Rejected"}},
	{"GetMonitoringReport", `{"requestId":6}`, map[string]any{"status": "EmptyResultSet"}},
	{"GetReport", `{"requestId":7}`, map[string]any{"status": "EmptyResultSet"}},
	{"GetTransactionStatus", `{"transactionId":"CONF-TX-201"}`, map[string]any{"messagesInQueue": false, "ongoingIndicator": false}},
	{"GetVariables", `{"getVariableData":[{"component":{"name":"OCPPCommCtrlr"},"variable":{"name":"HeartbeatInterval"}}]}`, map[string]any{"getVariableResult": []any{
		map[string]any{"attributeStatus": "Accepted", "attributeValue": "300", "component": map[string]any{"name": "OCPPCommCtrlr"}, "variable": map[string]any{"name": "HeartbeatInterval"}}}}},
	{"InstallCertificate", `{"certificateType":"CSMSRootCertificate","certificate":"-----BEGIN CERTIFICATE-----\nMIIBconformance\n-----END CERTIFICATE-----\n"}`, map[string]any{"status": "Rejected"}},
	{"PublishFirmware", `{"location":"https://example.com/fw.bin","checksum":"0123456789abcdef0123456789abcdef","requestId":8}`, map[string]any{"status": "Rejected"}},
	{"RequestStartTransaction", `{"idToken":{"idToken":"CONFORMANCE-TOKEN-2","type":"Central"},"remoteStartId":9,"evseId":1}`, map[string]any{"status": "Rejected"}},
	{"RequestStopTransaction", `{"transactionId":"CONF-TX-201"}`, map[string]any{"status": "Rejected"}},
	{"ReserveNow", `{"id":10,"expiryDateTime":"2030-01-01T00:00:00.000Z","idToken":{"idToken":"CONFORMANCE-TOKEN-3","type":"Central"},"evseId":1}`, map[string]any{"status": "Rejected"}},
	{"Reset", `{"type":"OnIdle"}`, map[string]any{"status": "Rejected"}},
	{"SendLocalList", `{"versionNumber":1,"updateType":"Full"}`, map[string]any{"status": "Failed"}},
	{"SetChargingProfile", `{"evseId":1,"chargingProfile":{"id":1,"stackLevel":0,"chargingProfilePurpose":"TxDefaultProfile","chargingProfileKind":"Absolute",` +
		`"chargingSchedule":[{"id":1,"chargingRateUnit":"A","chargingSchedulePeriod":[{"startPeriod":0,"limit":16}]}]}}`, map[string]any{"status": "Rejected"}},
	{"SetDisplayMessage", `{"message":{"id":1,"priority":"NormalCycle","message":{"format":"UTF8","content":"Hello"}}}`, map[string]any{"status": "Rejected"}},
	{"SetMonitoringBase", `{"monitoringBase":"All"}`, map[string]any{"status": "NotSupported"}},
	{"SetMonitoringLevel", `{"severity":5}`, map[string]any{"status": "Rejected"}},
	{"SetNetworkProfile", `{"configurationSlot":1,"connectionData":{"ocppVersion":"OCPP20","ocppTransport":"JSON","ocppCsmsUrl":"wss://example.com/ocpp",` +
		`"messageTimeout":30,"securityProfile":2,"ocppInterface":"Wired0"}}`, map[string]any{"status": "Rejected"}},
	{"SetVariableMonitoring", `{"setMonitoringData":[{"value":10,"type":"Delta","severity":5,"component":{"name":"EVSE","evse":{"id":1}},"variable":{"name":"Power"}}]}`,
		map[string]any{"setMonitoringResult": []any{map[string]any{"status": "Rejected", "type": "Delta", "severity": float64(5),
			"component": map[string]any{"name": "EVSE", "evse": map[string]any{"id": float64(1)}}, "variable": map[string]any{"name": "Power"}}}}},
	{"SetVariables", `{"setVariableData":[{"attributeValue":"60","component":{"name":"OCPPCommCtrlr"},"variable":{"name":"HeartbeatInterval"}}]}`, map[string]any{"setVariableResult": []any{
		map[string]any{"attributeStatus": "Accepted", "component": map[string]any{"name": "OCPPCommCtrlr"}, "variable": map[string]any{"name": "HeartbeatInterval"}}}}},
	{"TriggerMessage", `{"requestedMessage":"Heartbeat"}`, map[string]any{"status": "Rejected"}},
	{"UnlockConnector", `{"evseId":1,"connectorId":1}`, map[string]any{"status": "Unlocked"}},
	{"UnpublishFirmware", `{"checksum":"0123456789abcdef0123456789abcdef"}`, map[string]any{"status": "NoFirmware"}},
	{"UpdateFirmware", `{"requestId":11,"firmware":{"location":"https://example.com/fw.bin","retrieveDateTime":"2030-01-01T00:00:00.000Z"}}`, map[string]any{"status": "Rejected"}},
}

// TestConformanceOCPPRPC201 runs a strict, schema-validating OCPP 2.0.1
// charging station written by others (ocpp-rpc with strictMode and the
// ocpp2.0.1 subprotocol, see conformance/client201.mjs) against this host
// in -dev mode: boot → status → authorize → TransactionEvent Started,
// Updated (meter values), Ended, every frame validated in both directions
// against the official OCPP 2.0.1 schemas; then every CSMS→station message
// of 2.0.1 through the commands API, validated the same way. Finally it
// checks the database: the station, its EVSE's connector, the completed
// session with its energy and every sampled value, the device model the
// station reported and the variable the CSMS set.
func TestConformanceOCPPRPC201(t *testing.T) {
	node, dir := conformancePrereqs(t)
	var actions []string
	for _, c := range confCommands201 {
		actions = append(actions, c.action)
	}
	if want := slices.Sorted(slices.Values(ocpp201.CSMSActions)); !slices.Equal(slices.Sorted(slices.Values(actions)), want) {
		t.Fatalf("the test sends %v, want every CSMS action of 2.0.1 %v", actions, want)
	}

	t.Run("sqlite", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "ocpp.db")
		h := startHost(t, path, "")
		sum := runConformanceClient201(t, node, dir, h.wsBase, h.httpBase, "CONF201-SQLITE-1")
		h.stop(t)
		db, err := sqlitedb.Open(path)
		if err != nil {
			t.Fatalf("open %s: %v", path, err)
		}
		if sqlDB, err := db.DB(); err == nil {
			t.Cleanup(func() { _ = sqlDB.Close() })
		}
		checkConformanceDB201(t, db, sum)
		checkMessageLog(t, db, confSummary{Identity: sum.Identity, FramesSent: sum.FramesSent, FramesReceived: sum.FramesReceived})
	})

	t.Run("postgres", func(t *testing.T) {
		base := testdb.PostgresURL(t)
		db := testdb.Postgres(t)
		var schema string
		if err := db.Raw("SELECT current_schema()").Scan(&schema).Error; err != nil || schema == "" {
			t.Fatalf("current_schema: %q, %v", schema, err)
		}
		h := startHost(t, "", withSearchPath(t, base, schema))
		sum := runConformanceClient201(t, node, dir, h.wsBase, h.httpBase, "CONF201-PG-1")
		h.stop(t)
		checkConformanceDB201(t, db, sum)
		checkMessageLog(t, db, confSummary{Identity: sum.Identity, FramesSent: sum.FramesSent, FramesReceived: sum.FramesReceived})
	})
}

// runConformanceClient201 runs `node client201.mjs <wsBase> <identity>`:
// the scripted transaction, then every confCommands201 through the commands
// API at httpBase once the client is ready. It requires exit status 0 and
// an ok summary.
func runConformanceClient201(t *testing.T, node, dir, wsBase, httpBase, identity string) confSummary201 {
	t.Helper()
	_, sum := runConformanceScript[string](t, confScript{
		node: node, dir: dir, script: "client201.mjs", wsBase: wsBase, httpBase: httpBase,
		identity: identity, protocol: "ocpp2.0.1", commands: confCommands201,
	}, func(ctx context.Context) {
		// A 1.6 command to a 2.0.1 station is refused before anything is sent.
		if _, err := postCommand(ctx, httpBase, identity, "RemoteStartTransaction", `{"idTag":"X"}`); err == nil || !strings.Contains(err.Error(), "HTTP 422") {
			t.Errorf("RemoteStartTransaction (1.6) to a 2.0.1 station through the commands API: %v, want HTTP 422", err)
		}
	})
	if sum.TransactionID != conf201TransactionID {
		t.Fatalf("unexpected client summary %+v", sum)
	}
	t.Logf("ocpp-rpc strict 2.0.1 client: identity %s, transaction %s, %d frames sent, %d received, %d CSMS calls",
		sum.Identity, sum.TransactionID, sum.FramesSent, sum.FramesReceived, len(sum.CallsReceived))
	return sum
}

// checkConformanceDB201 checks what the scripted 2.0.1 run left in the
// database.
func checkConformanceDB201(t *testing.T, db *gorm.DB, sum confSummary201) {
	t.Helper()
	ctx := context.Background()
	st := store.New(db)
	cp, err := st.ChargePointByIdentifier(ctx, sum.Identity)
	if err != nil {
		t.Fatalf("charge point %s: %v", sum.Identity, err)
	}
	for _, c := range []struct{ field, got, want string }{
		{"vendor", cp.Vendor, conf201Vendor},
		{"model", cp.Model, conf201Model},
		{"serial number", cp.SerialNumber, conf201Serial},
		{"OCPP version", cp.OCPPVersion, "ocpp2.0.1"},
	} {
		if c.got != c.want {
			t.Errorf("charge point %s = %q, want %q", c.field, c.got, c.want)
		}
	}
	connectors, err := st.Connectors(ctx, cp.ID)
	if err != nil {
		t.Fatal(err)
	}
	if i := slices.IndexFunc(connectors, func(c store.Connector) bool { return c.EVSEID == conf201EVSE && c.ConnectorID == 1 }); i < 0 || connectors[i].Status != "Available" {
		t.Errorf("connector 1 of EVSE %d missing or not Available: %+v", conf201EVSE, connectors)
	}

	var sessions []store.ChargingSession
	if err := db.Where("charge_point_id = ?", cp.ID).Find(&sessions).Error; err != nil {
		t.Fatal(err)
	}
	if len(sessions) != 1 {
		t.Fatalf("%d sessions for %s, want 1: %+v", len(sessions), sum.Identity, sessions)
	}
	sess := sessions[0]
	switch {
	case sess.StationTransactionID != conf201TransactionID:
		t.Errorf("session station transaction id %q, want %q", sess.StationTransactionID, conf201TransactionID)
	case sess.Status != store.SessionCompleted:
		t.Errorf("session status %q, want %q", sess.Status, store.SessionCompleted)
	case sess.EVSEID != conf201EVSE || sess.IDTag != conf201IDToken:
		t.Errorf("session EVSE/id tag %d/%q, want %d/%q", sess.EVSEID, sess.IDTag, conf201EVSE, conf201IDToken)
	case sess.MeterStart != confMeterStart || sess.MeterStop == nil || *sess.MeterStop != confMeterStop:
		t.Errorf("session meter start/stop %d/%v, want %d/%d", sess.MeterStart, sess.MeterStop, confMeterStart, confMeterStop)
	case sess.StopReason != confStopReason:
		t.Errorf("session stop reason %q, want %q", sess.StopReason, confStopReason)
	}
	if math.Abs(sess.EnergyConsumed-confEnergyKWh) > 1e-9 {
		t.Errorf("session energy consumed %v kWh, want %v", sess.EnergyConsumed, confEnergyKWh)
	}
	for measurand, want := range confSampledValues {
		var n int64
		if err := db.Model(&store.MeterValue{}).Scopes(store.ForSession(sess.ID)).Where("measurand = ? AND evse_id = ?", measurand, conf201EVSE).Count(&n).Error; err != nil {
			t.Fatal(err)
		}
		if n != want {
			t.Errorf("%d %s meter values for the session, want %d", n, measurand, want)
		}
	}

	// The device model: what NotifyReport (after GetBaseReport) reported,
	// and the value SetVariables set.
	for _, c := range []struct {
		component, name string
		evse            int
		value           string
	}{
		{"TxCtrlr", "EVConnectionTimeOut", 0, "90"},
		{"EVSE", "Power", conf201EVSE, "0"},
		{"OCPPCommCtrlr", "HeartbeatInterval", 0, "60"},
	} {
		evse := c.evse
		vars, err := st.Variables(ctx, cp.ID, store.VariableFilter{Component: c.component, Name: c.name, EVSEID: &evse})
		if err != nil {
			t.Fatal(err)
		}
		if len(vars) != 1 || vars[0].Value != c.value {
			t.Errorf("device model %s.%s (EVSE %d) = %+v, want one row with value %q", c.component, c.name, c.evse, vars, c.value)
		}
	}
}
