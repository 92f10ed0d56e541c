package sim

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/ocppkit/ocppkit/ocpp"
	"github.com/ocppkit/ocppkit/ocpp/ocpp201"
)

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func status201Is(evse int, status ocpp201.ConnectorStatus) func(json.RawMessage) bool {
	return func(p json.RawMessage) bool {
		var req ocpp201.StatusNotificationRequest
		return ocpp201.Unmarshal(p, &req, ocpp201.Strict) == nil && req.EvseId == evse && req.ConnectorId == 1 && req.ConnectorStatus == status
	}
}

func eventIs(typ ocpp201.TransactionEvent) func(json.RawMessage) bool {
	return func(p json.RawMessage) bool {
		var req ocpp201.TransactionEventRequest
		return ocpp201.Unmarshal(p, &req, ocpp201.Strict) == nil && req.EventType == typ
	}
}

func energy201Of(t testing.TB, req ocpp201.TransactionEventRequest) float64 {
	t.Helper()
	for _, mv := range req.MeterValue {
		for _, sv := range mv.SampledValue {
			if sv.Measurand == ocpp201.MeasurandEnergyActiveImportRegister {
				return sv.Value
			}
		}
	}
	t.Fatalf("no energy register in %+v", req)
	return 0
}

// TestRemoteSession201: a 2.0.1 station boots, reports each EVSE's
// connector, and runs a remotely started transaction as TransactionEvent
// Started, Updated (meter values, increasing seqNo), Ended; everything it
// sends and answers is valid against the official schemas (the test
// CSMS checks).
func TestRemoteSession201(t *testing.T) {
	t.Parallel()
	cs := newCSMS(t)
	ctx, cancel := context.WithCancel(t.Context())
	s := New(Config{
		URL: cs.url(), Versions: []string{ocpp.OCPP201}, Prefix: "CS", MinConnectors: 2, MaxConnectors: 2,
		MeterInterval: 20 * time.Millisecond, SessionLength: time.Hour, RemoteOnly: true, StatsInterval: -1, Logger: quiet(),
	})
	runErr := make(chan error, 1)
	go func() { runErr <- s.Run(ctx) }()

	conn := <-cs.conns
	if conn.version != ocpp.OCPP201 || conn.identity != "CS001" {
		t.Fatalf("connected %s speaking %q, want CS001 speaking ocpp2.0.1", conn.identity, conn.version)
	}
	boot := decode[ocpp201.BootNotificationRequest](t, cs.await(t, ocpp201.ActionBootNotification, nil))
	if boot.Reason != ocpp201.BootReasonPowerUp || boot.ChargingStation.VendorName == "" {
		t.Errorf("boot %+v, want reason PowerUp and a vendor", boot)
	}
	for evse := 1; evse <= 2; evse++ {
		cs.await(t, ocpp201.ActionStatusNotification, status201Is(evse, ocpp201.ConnectorStatusAvailable))
	}

	res := decode[ocpp201.RequestStartTransactionResponse](t, conn.call(t, ocpp201.ActionRequestStartTransaction,
		`{"evseId":2,"remoteStartId":7,"idToken":{"idToken":"RFID-TEST","type":"Central"}}`))
	if res.Status != ocpp201.RequestStartStopStatusAccepted {
		t.Fatalf("RequestStartTransaction %s, want Accepted", res.Status)
	}
	cs.await(t, ocpp201.ActionStatusNotification, status201Is(2, ocpp201.ConnectorStatusOccupied))
	started := decode[ocpp201.TransactionEventRequest](t, cs.await(t, ocpp201.ActionTransactionEvent, eventIs(ocpp201.TransactionEventStarted)))
	switch {
	case started.Evse == nil || started.Evse.Id != 2, started.SeqNo != 0,
		started.TransactionInfo.RemoteStartId == nil || *started.TransactionInfo.RemoteStartId != 7,
		started.IdToken == nil || started.IdToken.IdToken != "RFID-TEST" || started.IdToken.Type != ocpp201.IdTokenTypeCentral,
		started.TriggerReason != ocpp201.TriggerReasonRemoteStart, len(started.TransactionInfo.TransactionId) > 36:
		t.Fatalf("Started %+v, want EVSE 2, seqNo 0, remoteStartId 7, the Central token, trigger RemoteStart", started)
	}
	txID := started.TransactionInfo.TransactionId

	busy := decode[ocpp201.RequestStartTransactionResponse](t, conn.call(t, ocpp201.ActionRequestStartTransaction,
		`{"evseId":2,"remoteStartId":8,"idToken":{"idToken":"OTHER","type":"Central"}}`))
	if busy.Status != ocpp201.RequestStartStopStatusRejected {
		t.Errorf("RequestStartTransaction on a busy EVSE: %s, want Rejected", busy.Status)
	}

	first := energy201Of(t, started)
	last, seq := first, 0
	for i := 0; last <= first; i++ {
		if i == 50 {
			t.Fatalf("energy did not rise above %v Wh in 50 events", first)
		}
		up := decode[ocpp201.TransactionEventRequest](t, cs.await(t, ocpp201.ActionTransactionEvent, eventIs(ocpp201.TransactionEventUpdated)))
		if up.TransactionInfo.TransactionId != txID || up.SeqNo != seq+1 || up.TriggerReason != ocpp201.TriggerReasonMeterValuePeriodic {
			t.Fatalf("Updated %+v, want transaction %s, seqNo %d", up, txID, seq+1)
		}
		seq = up.SeqNo
		e := energy201Of(t, up)
		if e < last {
			t.Fatalf("energy fell from %v to %v Wh", last, e)
		}
		last = e
	}

	unknown := decode[ocpp201.RequestStopTransactionResponse](t, conn.call(t, ocpp201.ActionRequestStopTransaction, `{"transactionId":"nope"}`))
	if unknown.Status != ocpp201.RequestStartStopStatusRejected {
		t.Errorf("RequestStopTransaction of an unknown transaction: %s, want Rejected", unknown.Status)
	}
	stopRes := decode[ocpp201.RequestStopTransactionResponse](t, conn.call(t, ocpp201.ActionRequestStopTransaction, `{"transactionId":"`+txID+`"}`))
	if stopRes.Status != ocpp201.RequestStartStopStatusAccepted {
		t.Fatalf("RequestStopTransaction %s, want Accepted", stopRes.Status)
	}
	ended := decode[ocpp201.TransactionEventRequest](t, cs.await(t, ocpp201.ActionTransactionEvent, eventIs(ocpp201.TransactionEventEnded)))
	if ended.TransactionInfo.TransactionId != txID || ended.TransactionInfo.StoppedReason != ocpp201.ReasonRemote ||
		ended.TriggerReason != ocpp201.TriggerReasonRemoteStop || ended.SeqNo <= seq || energy201Of(t, ended) < last {
		t.Errorf("Ended %+v, want transaction %s, reason Remote, seqNo > %d, energy ≥ %v", ended, txID, seq, last)
	}
	cs.await(t, ocpp201.ActionStatusNotification, status201Is(2, ocpp201.ConnectorStatusAvailable))

	if st := s.Stats(); st.Sessions != 1 || st.Connected != 1 {
		t.Errorf("stats %+v, want 1 session, 1 connected", st)
	}
	cancel()
	if err := <-runErr; err != nil {
		t.Errorf("Run: %v", err)
	}
}

// TestLocalSession201: a session the station starts on its own authorizes
// its ISO14443 token first, and ends (the simulator stopping) with
// TransactionEvent Ended, reason Local.
func TestLocalSession201(t *testing.T) {
	t.Parallel()
	cs := newCSMS(t)
	ctx, cancel := context.WithCancel(t.Context())
	s := New(Config{
		URL: cs.url(), Versions: []string{ocpp.OCPP201}, MinConnectors: 1, MaxConnectors: 1, IDTags: []string{"TAG-1"},
		MeterInterval: 20 * time.Millisecond, SessionLength: time.Hour, StartDelay: 10 * time.Millisecond, StatsInterval: -1, Logger: quiet(),
	})
	runErr := make(chan error, 1)
	go func() { runErr <- s.Run(ctx) }()
	auth := decode[ocpp201.AuthorizeRequest](t, cs.await(t, ocpp201.ActionAuthorize, nil))
	if auth.IdToken.IdToken != "TAG-1" || auth.IdToken.Type != ocpp201.IdTokenTypeISO14443 {
		t.Errorf("Authorize %+v, want TAG-1 of type ISO14443", auth)
	}
	started := decode[ocpp201.TransactionEventRequest](t, cs.await(t, ocpp201.ActionTransactionEvent, eventIs(ocpp201.TransactionEventStarted)))
	if started.TriggerReason != ocpp201.TriggerReasonAuthorized || started.TransactionInfo.RemoteStartId != nil {
		t.Errorf("Started %+v, want trigger Authorized and no remoteStartId", started)
	}
	cs.await(t, ocpp201.ActionTransactionEvent, eventIs(ocpp201.TransactionEventUpdated))
	cancel()
	ended := decode[ocpp201.TransactionEventRequest](t, cs.await(t, ocpp201.ActionTransactionEvent, eventIs(ocpp201.TransactionEventEnded)))
	if ended.TransactionInfo.TransactionId != started.TransactionInfo.TransactionId || ended.TransactionInfo.StoppedReason != ocpp201.ReasonLocal {
		t.Errorf("Ended %+v, want the started transaction, reason Local", ended)
	}
	if err := <-runErr; err != nil {
		t.Errorf("Run: %v", err)
	}
}

// TestCommands201: a 2.0.1 station answers what a dashboard sends, with
// what it implies sent afterwards.
func TestCommands201(t *testing.T) {
	t.Parallel()
	cs := newCSMS(t)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	s := New(Config{
		URL: cs.url(), Versions: []string{ocpp.OCPP201}, MinConnectors: 1, MaxConnectors: 1,
		MeterInterval: 20 * time.Millisecond, SessionLength: time.Hour, RemoteOnly: true, StatsInterval: -1, Logger: quiet(),
	})
	runErr := make(chan error, 1)
	go func() { runErr <- s.Run(ctx) }()
	conn := <-cs.conns
	cs.await(t, ocpp201.ActionStatusNotification, status201Is(1, ocpp201.ConnectorStatusAvailable))

	tests := []commandCase{
		{
			name: "get variables", action: ocpp201.ActionGetVariables,
			payload: `{"getVariableData":[{"component":{"name":"OCPPCommCtrlr"},"variable":{"name":"HeartbeatInterval"}},` +
				`{"component":{"name":"Nope"},"variable":{"name":"X"}},{"component":{"name":"OCPPCommCtrlr"},"variable":{"name":"Nope"}},` +
				`{"component":{"name":"SecurityCtrlr"},"variable":{"name":"BasicAuthPassword"}},` +
				`{"component":{"name":"EVSE","evse":{"id":1}},"variable":{"name":"AvailabilityState"}}]}`,
			want: `{"getVariableResult":[{"attributeStatus":"Accepted","attributeValue":"3600","component":{"name":"OCPPCommCtrlr"},"variable":{"name":"HeartbeatInterval"}},` +
				`{"attributeStatus":"UnknownComponent","component":{"name":"Nope"},"variable":{"name":"X"}},` +
				`{"attributeStatus":"UnknownVariable","component":{"name":"OCPPCommCtrlr"},"variable":{"name":"Nope"}},` +
				`{"attributeStatus":"Rejected","component":{"name":"SecurityCtrlr"},"variable":{"name":"BasicAuthPassword"}},` +
				`{"attributeStatus":"Accepted","attributeValue":"Available","component":{"evse":{"id":1},"name":"EVSE"},"variable":{"name":"AvailabilityState"}}]}`,
		},
		{
			name: "set variables", action: ocpp201.ActionSetVariables,
			payload: `{"setVariableData":[{"attributeValue":"120","component":{"name":"OCPPCommCtrlr"},"variable":{"name":"HeartbeatInterval"}},` +
				`{"attributeValue":"x","component":{"name":"ChargingStation"},"variable":{"name":"Model"}},` +
				`{"attributeValue":"soon","component":{"name":"SampledDataCtrlr"},"variable":{"name":"TxUpdatedInterval"}}]}`,
			want: `{"setVariableResult":[{"attributeStatus":"Accepted","component":{"name":"OCPPCommCtrlr"},"variable":{"name":"HeartbeatInterval"}},` +
				`{"attributeStatus":"Rejected","component":{"name":"ChargingStation"},"variable":{"name":"Model"}},` +
				`{"attributeStatus":"Rejected","component":{"name":"SampledDataCtrlr"},"variable":{"name":"TxUpdatedInterval"}}]}`,
		},
		{
			name: "base report", action: ocpp201.ActionGetBaseReport, payload: `{"requestId":5,"reportBase":"FullInventory"}`, want: `{"status":"Accepted"}`,
			then: func(t *testing.T) {
				var names []string
				for seq := 0; ; seq++ {
					rep := decode[ocpp201.NotifyReportRequest](t, cs.await(t, ocpp201.ActionNotifyReport, nil))
					if rep.RequestId != 5 || rep.SeqNo != seq || rep.Tbc == nil {
						t.Fatalf("NotifyReport %+v, want request 5, seqNo %d, tbc", rep, seq)
					}
					for _, d := range rep.ReportData {
						names = append(names, d.Component.Name+"."+d.Variable.Name+"="+d.VariableAttribute[0].Value)
					}
					if !*rep.Tbc {
						break
					}
				}
				for _, want := range []string{"OCPPCommCtrlr.HeartbeatInterval=120", "EVSE.Power=0", "EVSE.AvailabilityState=Available", "SecurityCtrlr.BasicAuthPassword="} {
					if !slices.Contains(names, want) {
						t.Errorf("report %v without %s", names, want)
					}
				}
			},
		},
		{
			name: "report of one variable", action: ocpp201.ActionGetReport,
			payload: `{"requestId":8,"componentVariable":[{"component":{"name":"EVSE","evse":{"id":1}},"variable":{"name":"Power"}}]}`, want: `{"status":"Accepted"}`,
			then: func(t *testing.T) {
				rep := decode[ocpp201.NotifyReportRequest](t, cs.await(t, ocpp201.ActionNotifyReport, nil))
				if rep.RequestId != 8 || len(rep.ReportData) != 1 || rep.ReportData[0].Variable.Name != "Power" ||
					rep.ReportData[0].VariableCharacteristics.MaxLimit == nil {
					t.Errorf("NotifyReport %+v, want request 8 with EVSE 1's Power and its limit", rep)
				}
			},
		},
		{name: "report of an unknown component", action: ocpp201.ActionGetReport, payload: `{"requestId":9,"componentVariable":[{"component":{"name":"Nope"}}]}`, want: `{"status":"EmptyResultSet"}`},
		{name: "report by criteria", action: ocpp201.ActionGetReport, payload: `{"requestId":10,"componentCriteria":["Active"]}`, want: `{"status":"NotSupported"}`},
		{name: "summary report", action: ocpp201.ActionGetBaseReport, payload: `{"requestId":6,"reportBase":"SummaryInventory"}`, want: `{"status":"Accepted"}`,
			then: func(t *testing.T) { cs.await(t, ocpp201.ActionNotifyReport, nil) }},
		{
			name: "trigger heartbeat", action: ocpp201.ActionTriggerMessage, payload: `{"requestedMessage":"Heartbeat"}`, want: `{"status":"Accepted"}`,
			then: func(t *testing.T) { cs.await(t, ocpp201.ActionHeartbeat, nil) },
		},
		{
			name: "trigger meter values", action: ocpp201.ActionTriggerMessage, payload: `{"requestedMessage":"MeterValues","evse":{"id":1}}`, want: `{"status":"Accepted"}`,
			then: func(t *testing.T) { cs.await(t, ocpp201.ActionMeterValues, nil) },
		},
		{
			name: "trigger status", action: ocpp201.ActionTriggerMessage, payload: `{"requestedMessage":"StatusNotification","evse":{"id":1,"connectorId":1}}`, want: `{"status":"Accepted"}`,
			then: func(t *testing.T) {
				cs.await(t, ocpp201.ActionStatusNotification, status201Is(1, ocpp201.ConnectorStatusAvailable))
			},
		},
		{name: "trigger unknown evse", action: ocpp201.ActionTriggerMessage, payload: `{"requestedMessage":"StatusNotification","evse":{"id":7}}`, want: `{"status":"Rejected"}`},
		{name: "trigger unsupported", action: ocpp201.ActionTriggerMessage, payload: `{"requestedMessage":"SignV2GCertificate"}`, want: `{"status":"NotImplemented"}`},
		{
			name: "change availability inoperative", action: ocpp201.ActionChangeAvailability, payload: `{"evse":{"id":1},"operationalStatus":"Inoperative"}`, want: `{"status":"Accepted"}`,
			then: func(t *testing.T) {
				cs.await(t, ocpp201.ActionStatusNotification, status201Is(1, ocpp201.ConnectorStatusUnavailable))
			},
		},
		{name: "start while unavailable", action: ocpp201.ActionRequestStartTransaction, payload: `{"remoteStartId":1,"idToken":{"idToken":"X","type":"Central"}}`, want: `{"status":"Rejected"}`},
		{
			name: "change availability operative", action: ocpp201.ActionChangeAvailability, payload: `{"operationalStatus":"Operative"}`, want: `{"status":"Accepted"}`,
			then: func(t *testing.T) {
				cs.await(t, ocpp201.ActionStatusNotification, status201Is(1, ocpp201.ConnectorStatusAvailable))
			},
		},
		{name: "unlock", action: ocpp201.ActionUnlockConnector, payload: `{"evseId":1,"connectorId":1}`, want: `{"status":"Unlocked"}`},
		{name: "unlock unknown", action: ocpp201.ActionUnlockConnector, payload: `{"evseId":9,"connectorId":1}`, want: `{"status":"UnknownConnector"}`},
		{
			name: "charging limit", action: ocpp201.ActionSetChargingProfile,
			payload: `{"evseId":1,"chargingProfile":{"id":1,"stackLevel":0,"chargingProfilePurpose":"TxDefaultProfile","chargingProfileKind":"Absolute",` +
				`"chargingSchedule":[{"id":1,"chargingRateUnit":"W","chargingSchedulePeriod":[{"startPeriod":0,"limit":3000}]}]}}`,
			want: `{"status":"Accepted"}`,
		},
		{
			name: "charging limit of an unknown evse", action: ocpp201.ActionSetChargingProfile,
			payload: `{"evseId":4,"chargingProfile":{"id":1,"stackLevel":0,"chargingProfilePurpose":"TxDefaultProfile","chargingProfileKind":"Absolute",` +
				`"chargingSchedule":[{"id":1,"chargingRateUnit":"W","chargingSchedulePeriod":[{"startPeriod":0,"limit":3000}]}]}}`,
			want: `{"status":"Rejected"}`,
		},
		{name: "clear cache (default)", action: ocpp201.ActionClearCache, payload: `{}`, want: `{"status":"Accepted"}`},
		{
			name: "reset on idle", action: ocpp201.ActionReset, payload: `{"type":"OnIdle"}`, want: `{"status":"Accepted"}`,
			then: func(t *testing.T) {
				next := <-cs.conns
				if next.identity != conn.identity || next.version != ocpp.OCPP201 {
					t.Errorf("reconnected as %q speaking %q", next.identity, next.version)
				}
				boot := decode[ocpp201.BootNotificationRequest](t, cs.await(t, ocpp201.ActionBootNotification, nil))
				if boot.Reason != ocpp201.BootReasonRemoteReset {
					t.Errorf("boot after reset: reason %s, want RemoteReset", boot.Reason)
				}
			},
		},
	}
	runCommandCases(t, conn, tests)
	cancel()
	if err := <-runErr; err != nil && !errors.Is(err, context.Canceled) {
		t.Errorf("Run: %v", err)
	}
}

// TestChargingLimit201: a SetChargingProfile in W caps the power the
// station's meter values show.
func TestChargingLimit201(t *testing.T) {
	t.Parallel()
	cs := newCSMS(t)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	s := New(Config{
		URL: cs.url(), Versions: []string{ocpp.OCPP201}, MinConnectors: 1, MaxConnectors: 1,
		MeterInterval: 20 * time.Millisecond, SessionLength: time.Hour, RemoteOnly: true, StatsInterval: -1, Logger: quiet(),
	})
	runErr := make(chan error, 1)
	go func() { runErr <- s.Run(ctx) }()
	conn := <-cs.conns
	cs.await(t, ocpp201.ActionStatusNotification, status201Is(1, ocpp201.ConnectorStatusAvailable))
	conn.call(t, ocpp201.ActionSetChargingProfile, `{"evseId":0,"chargingProfile":{"id":1,"stackLevel":0,"chargingProfilePurpose":"ChargingStationMaxProfile",`+
		`"chargingProfileKind":"Absolute","chargingSchedule":[{"id":1,"chargingRateUnit":"A","chargingSchedulePeriod":[{"startPeriod":0,"limit":2}]}]}}`)
	conn.call(t, ocpp201.ActionRequestStartTransaction, `{"remoteStartId":1,"idToken":{"idToken":"X","type":"Central"}}`)
	for range 5 {
		up := decode[ocpp201.TransactionEventRequest](t, cs.await(t, ocpp201.ActionTransactionEvent, eventIs(ocpp201.TransactionEventUpdated)))
		for _, sv := range up.MeterValue[0].SampledValue {
			if sv.Measurand == ocpp201.MeasurandPowerActiveImport && sv.Value > 2*3*230+0.05 {
				t.Fatalf("power %v W above the 2 A limit (1380 W)", sv.Value)
			}
		}
	}
	cancel()
	if err := <-runErr; err != nil {
		t.Errorf("Run: %v", err)
	}
}

// TestMixedFleet: with Mixed, the odd charge points speak 2.0.1 and the
// even ones 1.6, each offering only its own subprotocol.
func TestMixedFleet(t *testing.T) {
	t.Parallel()
	cs := newCSMS(t)
	ctx, cancel := context.WithCancel(t.Context())
	s := New(Config{URL: cs.url(), Versions: Mixed, Count: 4, RemoteOnly: true, StatsInterval: -1, Logger: quiet()})
	runErr := make(chan error, 1)
	go func() { runErr <- s.Run(ctx) }()
	want := map[string]string{"SIM001": ocpp.OCPP201, "SIM002": ocpp.OCPP16, "SIM003": ocpp.OCPP201, "SIM004": ocpp.OCPP16}
	for range 4 {
		conn := <-cs.conns
		if conn.version != want[conn.identity] || s.Version(conn.identity) != want[conn.identity] {
			t.Errorf("%s speaks %q (Version %q), want %q", conn.identity, conn.version, s.Version(conn.identity), want[conn.identity])
		}
	}
	if err := s.WaitReady(ctx); err != nil {
		t.Fatal(err)
	}
	cancel()
	if err := <-runErr; err != nil {
		t.Errorf("Run: %v", err)
	}
}

func TestParseVersions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want []string
	}{
		{"1.6", []string{ocpp.OCPP16}},
		{"ocpp1.6", []string{ocpp.OCPP16}},
		{"2.0.1", []string{ocpp.OCPP201}},
		{"mixed", Mixed},
		{"2.1", nil},
	}
	for _, tt := range tests {
		got, err := ParseVersions(tt.in)
		if !slices.Equal(got, tt.want) || (err != nil) != (tt.want == nil) {
			t.Errorf("ParseVersions(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
	if err := Run(t.Context(), Config{URL: "ws://x", Versions: []string{"ocpp2.1"}}); err == nil {
		t.Error("Run with an unknown version succeeded")
	}
}
