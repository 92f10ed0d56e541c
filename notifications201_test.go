package ocppkit_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/ocppkit/ocppkit"
	"github.com/ocppkit/ocppkit/broadcast"
	"github.com/ocppkit/ocppkit/internal/testdb"
	"github.com/ocppkit/ocppkit/ocpp/ocpp201"
	"github.com/ocppkit/ocppkit/ocpp/ocpptest"
	"github.com/ocppkit/ocppkit/store"
)

// TestDeviceModel201 over a real socket, on SQLite and PostgreSQL: a
// NotifyReport (the answer to GetBaseReport) fills the device model with
// every attribute and characteristic, never a secret's value; a NotifyEvent
// updates an Actual value and, for an AvailabilityState, the connectors
// and charge_point_<id>_status.
func TestDeviceModel201(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		e := newEnv(t, db, ocppkit.Config{})
		row := e.register(t, "CS-DM", "pw-0123456789abcdef")
		settings := e.subscribe(t, broadcast.SettingsTopic(row.ID))
		statuses := e.subscribe(t, broadcast.StatusTopic(row.ID))
		cs := e.dial201(t, "CS-DM", "pw-0123456789abcdef")
		ctx := context.Background()
		if _, err := e.csms.Remote.V201().GetBaseReport(ctx, "CS-DM", ocpp201.GetBaseReportRequest{RequestId: 1, ReportBase: ocpp201.ReportBaseFullInventory}); err != nil {
			t.Fatal(err)
		}
		evse1 := ocpp201.Component{Name: "EVSE", Evse: &ocpp201.EVSE{Id: 1}}
		conn11 := ocpp201.Component{Name: "Connector", Evse: &ocpp201.EVSE{Id: 1, ConnectorId: ptr(1)}}
		maxP := 22000.0
		report := ocpp201.NotifyReportRequest{RequestId: 1, GeneratedAt: ocpp201.Now(), SeqNo: 0, ReportData: []ocpp201.ReportData{
			{Component: ocpp201.Component{Name: "OCPPCommCtrlr"}, Variable: ocpp201.Variable{Name: "HeartbeatInterval"},
				VariableAttribute:       []ocpp201.VariableAttribute{{Value: "300", Mutability: ocpp201.MutabilityReadWrite, Persistent: ptr(true)}},
				VariableCharacteristics: &ocpp201.VariableCharacteristics{DataType: ocpp201.DataInteger, Unit: "s", SupportsMonitoring: false}},
			{Component: evse1, Variable: ocpp201.Variable{Name: "Power"},
				VariableAttribute: []ocpp201.VariableAttribute{
					{Type: ocpp201.AttributeActual, Value: "0", Mutability: ocpp201.MutabilityReadOnly},
					{Type: ocpp201.AttributeMaxSet, Value: "22000", Mutability: ocpp201.MutabilityReadOnly}},
				VariableCharacteristics: &ocpp201.VariableCharacteristics{DataType: ocpp201.DataDecimal, Unit: "W", MaxLimit: &maxP, SupportsMonitoring: true}},
			{Component: ocpp201.Component{Name: "SecurityCtrlr"}, Variable: ocpp201.Variable{Name: "BasicAuthPassword"},
				VariableAttribute:       []ocpp201.VariableAttribute{{Value: "reported-by-mistake", Mutability: ocpp201.MutabilityWriteOnly}},
				VariableCharacteristics: &ocpp201.VariableCharacteristics{DataType: ocpp201.DataString}},
			{Component: conn11, Variable: ocpp201.Variable{Name: "AvailabilityState"},
				VariableAttribute:       []ocpp201.VariableAttribute{{Value: "Available", Mutability: ocpp201.MutabilityReadOnly}},
				VariableCharacteristics: &ocpp201.VariableCharacteristics{DataType: ocpp201.DataOptionList, ValuesList: "Available,Occupied,Reserved,Unavailable,Faulted"}},
		}}
		if _, err := ocpptest.Call[ocpp201.NotifyReportResponse](ctx, cs, report); err != nil {
			t.Fatal(err)
		}
		var se broadcast.SettingsEvent
		decode(t, next(t, settings), &se)
		if se.Setting != broadcast.SettingVariables || se.Action != "NotifyReport" || len(se.Keys) != 5 {
			t.Errorf("settings event %+v", se)
		}
		vars, err := e.csms.Store.Variables(ctx, row.ID, store.VariableFilter{})
		if err != nil || len(vars) != 5 {
			t.Fatalf("device model %+v, %v", vars, err)
		}
		one := 1
		evse, _ := e.csms.Store.Variables(ctx, row.ID, store.VariableFilter{EVSEID: &one, Name: "Power"})
		if len(evse) != 2 || evse[1].Attribute != "MaxSet" || evse[1].Value != "22000" || evse[1].Unit != "W" || *evse[1].MaxLimit != 22000 || !evse[1].SupportsMonitoring {
			t.Errorf("EVSE 1 power %+v", evse)
		}
		hb, _ := e.csms.Store.Variable(ctx, row.ID, store.VariableKey{Component: "OCPPCommCtrlr", Name: "HeartbeatInterval"})
		if hb == nil || hb.Value != "300" || hb.DataType != "integer" || !hb.Persistent || hb.Mutability != "ReadWrite" {
			t.Errorf("HeartbeatInterval %+v", hb)
		}
		if pw, _ := e.csms.Store.Variable(ctx, row.ID, store.VariableKey{Component: "SecurityCtrlr", Name: "BasicAuthPassword"}); pw == nil || pw.Value != "" || pw.Mutability != "WriteOnly" {
			t.Errorf("secret %+v: stored without its value", pw)
		}

		at := time.Date(2026, 7, 1, 9, 0, 0, 0, time.UTC)
		if _, err := ocpptest.Call[ocpp201.NotifyEventResponse](ctx, cs, ocpp201.NotifyEventRequest{GeneratedAt: ocpp201.Now(), SeqNo: 0, EventData: []ocpp201.EventData{
			{EventId: 1, Timestamp: ocpp201.NewDateTime(at), Trigger: ocpp201.EventTriggerDelta, ActualValue: "Faulted", Component: conn11,
				Variable: ocpp201.Variable{Name: "AvailabilityState"}, EventNotificationType: ocpp201.EventNotificationHardWiredNotification},
			{EventId: 2, Timestamp: ocpp201.NewDateTime(at), Trigger: ocpp201.EventTriggerAlerting, ActualValue: "7400", Component: evse1,
				Variable: ocpp201.Variable{Name: "Power"}, EventNotificationType: ocpp201.EventNotificationCustomMonitor, TechInfo: "over limit"},
		}}); err != nil {
			t.Fatal(err)
		}
		var st broadcast.StatusEvent
		decode(t, next(t, statuses), &st)
		if st.EVSEID != 1 || st.ConnectorID != 1 || st.Status != "Faulted" || !st.Timestamp.Equal(at) {
			t.Errorf("status event %+v", st)
		}
		cons, err := e.csms.Store.Connectors(ctx, row.ID)
		if err != nil || len(cons) != 1 || cons[0].Status != "Faulted" {
			t.Errorf("connectors %+v, %v", cons, err)
		}
		if cp, _ := e.csms.Store.ChargePointByID(ctx, row.ID); cp.Status != "Faulted" {
			t.Errorf("charge point status %q", cp.Status)
		}
		if p, _ := e.csms.Store.Variable(ctx, row.ID, store.VariableKey{Component: "EVSE", EVSEID: 1, Name: "Power"}); p == nil || p.Value != "7400" || p.Unit != "W" {
			t.Errorf("power after the event %+v", p)
		}
	})
}

// TestNotifications201: messages with no neutral meaning are answered and
// published as received on charge_point_<id>_notifications; one too big
// for a backplane is published without its payload.
func TestNotifications201(t *testing.T) {
	e := newEnv(t, testdb.SQLite(t), ocppkit.Config{})
	row := e.register(t, "CS-N", "pw-0123456789abcdef")
	events := e.subscribe(t, broadcast.NotificationsTopic(row.ID))
	cs := e.dial201(t, "CS-N", "pw-0123456789abcdef")
	ctx := context.Background()
	res, err := ocpptest.Call[ocpp201.NotifyEVChargingNeedsResponse](ctx, cs, ocpp201.NotifyEVChargingNeedsRequest{EvseId: 1,
		ChargingNeeds: ocpp201.ChargingNeeds{RequestedEnergyTransfer: ocpp201.EnergyTransferModeACThreePhase}})
	if err != nil || res.Status != ocpp201.NotifyEVChargingNeedsStatusRejected {
		t.Fatalf("NotifyEVChargingNeeds = %+v, %v", res, err)
	}
	var ev broadcast.NotificationEvent
	decode(t, next(t, events), &ev)
	if ev.Action != "NotifyEVChargingNeeds" || !strings.Contains(string(ev.Payload), `"AC_three_phase"`) || ev.Truncated {
		t.Errorf("notification %+v (%s)", ev, ev.Payload)
	}
	var msgs []ocpp201.MessageInfo
	for i := range 20 {
		msgs = append(msgs, ocpp201.MessageInfo{Id: i, Priority: ocpp201.MessagePriorityNormalCycle,
			Message: ocpp201.MessageContent{Format: ocpp201.MessageFormatUTF8, Content: strings.Repeat("x", 300)}})
	}
	if _, err := ocpptest.Call[ocpp201.NotifyDisplayMessagesResponse](ctx, cs, ocpp201.NotifyDisplayMessagesRequest{RequestId: 1, MessageInfo: msgs}); err != nil {
		t.Fatal(err)
	}
	decode(t, next(t, events), &ev)
	if ev.Action != "NotifyDisplayMessages" || !ev.Truncated || (len(ev.Payload) != 0 && string(ev.Payload) != "null") {
		t.Errorf("big notification %+v (%d bytes of payload)", ev, len(ev.Payload))
	}
}
