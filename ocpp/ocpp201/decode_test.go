package ocpp201_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/ocppkit/ocppkit/internal/schematest"
	"github.com/ocppkit/ocppkit/ocpp"
	"github.com/ocppkit/ocppkit/ocpp/ocpp16"
	"github.com/ocppkit/ocppkit/ocpp/ocpp201"
)

// transactionEventPayload is a TransactionEvent(Updated) with four samples,
// the message the load test sends.
const transactionEventPayload = `{"eventType":"Updated","timestamp":"2024-05-01T12:00:00.000Z","triggerReason":"MeterValuePeriodic","seqNo":3,` +
	`"transactionInfo":{"transactionId":"5f0c2a7e-0d7b-4c1e-9a55-2b1f3c4d5e6f","chargingState":"Charging"},"evse":{"id":1,"connectorId":1},` +
	`"meterValue":[{"timestamp":"2024-05-01T12:00:00.000Z","sampledValue":[` +
	`{"value":1234.5,"context":"Sample.Periodic","measurand":"Energy.Active.Import.Register","unitOfMeasure":{"unit":"kWh"},"location":"Outlet"},` +
	`{"value":16.1,"measurand":"Current.Import","unitOfMeasure":{"unit":"A"},"phase":"L1"},` +
	`{"value":230,"measurand":"Voltage","unitOfMeasure":{"unit":"V"},"phase":"L1-N"},` +
	`{"value":3700,"measurand":"Power.Active.Import","unitOfMeasure":{"unit":"W"}}]}]}`

func newMessage(tb testing.TB, action string, resp bool) ocpp201.Message {
	tb.Helper()
	var m ocpp201.Message
	var ok bool
	if resp {
		m, ok = ocpp201.NewResponse(action)
	} else {
		m, ok = ocpp201.NewRequest(action)
	}
	if !ok {
		tb.Fatalf("unknown action %q", action)
	}
	return m
}

// TestUnmarshal covers what 2.0.1 adds to the engine ocpp16 tests in depth:
// customData, untyped data, ranges, maxItems, string transaction ids, and
// the Tolerant deviations on 2.0.1 messages.
func TestUnmarshal(t *testing.T) {
	t.Parallel()
	boot := `"chargingStation":{"model":"X1","vendorName":"ACME"}`
	profile := `{"evseId":1,"chargingProfile":{"id":1,"stackLevel":0,"chargingProfilePurpose":"TxDefaultProfile","chargingProfileKind":"Absolute",` +
		`"chargingSchedule":[{"id":1,"chargingRateUnit":"W","chargingSchedulePeriod":[`
	tests := []struct {
		name    string
		action  string
		resp    bool
		payload string
		mode    ocpp201.Mode
		code    ocpp.ErrorCode // "" for success
		desc    string         // substring of the description
	}{
		{name: "transaction event", action: "TransactionEvent", payload: transactionEventPayload},
		{name: "transaction id of 36 characters", action: "GetTransactionStatus", payload: `{"transactionId":"` + strings.Repeat("t", 36) + `"}`},
		{name: "transaction id of 37 characters", action: "GetTransactionStatus", payload: `{"transactionId":"` + strings.Repeat("t", 37) + `"}`,
			code: ocpp.PropertyConstraintViolation, desc: "transactionId: longer than 36 characters (37)"},
		{name: "transaction id as a number", action: "GetTransactionStatus", payload: `{"transactionId":5}`, code: ocpp.TypeConstraintViolation},
		{name: "evseId 0 present", action: "GetCompositeSchedule", payload: `{"duration":60,"evseId":0}`},
		{name: "evseId absent", action: "GetCompositeSchedule", payload: `{"duration":60}`, code: ocpp.OccurenceConstraintViolation, desc: "evseId: required"},

		// customData
		{name: "customData with vendor properties", action: "Heartbeat", payload: `{"customData":{"vendorId":"acme","x":{"y":[1,null]},"z":"w"}}`},
		{name: "customData without vendorId", action: "Heartbeat", payload: `{"customData":{"x":1}}`, code: ocpp.OccurenceConstraintViolation, desc: "customData.vendorId"},
		{name: "customData vendorId too long", action: "Heartbeat", payload: `{"customData":{"vendorId":"` + strings.Repeat("v", 256) + `"}}`,
			code: ocpp.PropertyConstraintViolation, desc: "customData.vendorId"},
		{name: "customData duplicate vendor property strict", action: "Heartbeat", payload: `{"customData":{"vendorId":"a","x":1,"x":2}}`, code: ocpp.FormationViolation, desc: "customData.x: duplicate"},
		{name: "customData duplicate vendor property tolerant", action: "Heartbeat", mode: ocpp201.Tolerant, payload: `{"customData":{"vendorId":"a","x":1,"x":2}}`},
		{name: "customData malformed vendor property", action: "Heartbeat", payload: `{"customData":{"vendorId":"a","x":[1,}}`, code: ocpp.FormationViolation},
		{name: "nested customData", action: "Authorize", payload: `{"idToken":{"idToken":"A","type":"ISO14443","customData":{"vendorId":"v","k":true}}}`},
		{name: "unknown property next to customData", action: "Heartbeat", payload: `{"customData":{"vendorId":"a"},"x":1}`, code: ocpp.FormationViolation, desc: "x: property not allowed"},
		{name: "open criterion ignores unknown properties", action: "GetChargingProfiles", payload: `{"requestId":1,"chargingProfile":{"stackLevel":1,"vendorFlag":2}}`},

		// DataTransfer's data is any JSON value.
		{name: "data object", action: "DataTransfer", payload: `{"vendorId":"acme","data":{"a":[1,"b"]}}`},
		{name: "data null strict", action: "DataTransfer", payload: `{"vendorId":"acme","data":null}`},
		{name: "data number", action: "DataTransfer", resp: true, payload: `{"status":"Accepted","data":12.5}`},
		{name: "data malformed", action: "DataTransfer", payload: `{"vendorId":"acme","data":[1,]}`, code: ocpp.FormationViolation},

		// Ranges and array sizes.
		{name: "state of charge 100", action: "NotifyEVChargingNeeds", payload: `{"evseId":1,"chargingNeeds":{"requestedEnergyTransfer":"DC","dcChargingParameters":{"evMaxCurrent":1,"evMaxVoltage":2,"stateOfCharge":100}}}`},
		{name: "state of charge 101 strict", action: "NotifyEVChargingNeeds", payload: `{"evseId":1,"chargingNeeds":{"requestedEnergyTransfer":"DC","dcChargingParameters":{"evMaxCurrent":1,"evMaxVoltage":2,"stateOfCharge":101}}}`,
			code: ocpp.PropertyConstraintViolation, desc: "chargingNeeds.dcChargingParameters.stateOfCharge: 101 is greater than the maximum 100"},
		{name: "state of charge 101 tolerant", action: "NotifyEVChargingNeeds", mode: ocpp201.Tolerant, payload: `{"evseId":1,"chargingNeeds":{"requestedEnergyTransfer":"DC","dcChargingParameters":{"evMaxCurrent":1,"evMaxVoltage":2,"stateOfCharge":101}}}`},
		{name: "state of charge -1 strict", action: "NotifyEVChargingNeeds", payload: `{"evseId":1,"chargingNeeds":{"requestedEnergyTransfer":"DC","dcChargingParameters":{"evMaxCurrent":1,"evMaxVoltage":2,"stateOfCharge":-1}}}`,
			code: ocpp.PropertyConstraintViolation, desc: "less than the minimum 0"},
		{name: "1024 periods", action: "SetChargingProfile", payload: profile + strings.Repeat(`{"startPeriod":0,"limit":1},`, 1023) + `{"startPeriod":0,"limit":1}]}]}}`},
		{name: "too many periods", action: "SetChargingProfile", payload: profile + strings.Repeat(`{"startPeriod":0,"limit":1},`, 1024) + `{"startPeriod":0,"limit":1}]}]}}`,
			code: ocpp.PropertyConstraintViolation, desc: "chargingProfile.chargingSchedule[0].chargingSchedulePeriod: has more than 1024 items"},
		{name: "too many periods, malformed later", action: "SetChargingProfile", payload: profile + strings.Repeat(`{"startPeriod":0,"limit":1},`, 1025) + `{]}]}}`,
			code: ocpp.FormationViolation},
		{name: "empty optional array", action: "TransactionEvent", payload: strings.Replace(transactionEventPayload, `"meterValue":[{`, `"meterValue":[],"x":[{`, 1),
			code: ocpp.PropertyConstraintViolation, desc: "meterValue: has 0 items"},

		// Tolerant deviations.
		{name: "number as string strict", action: "BootNotification", resp: true, payload: `{"status":"Accepted","currentTime":"2024-05-01T12:00:00Z","interval":"300"}`, code: ocpp.TypeConstraintViolation},
		{name: "number as string tolerant", action: "BootNotification", resp: true, mode: ocpp201.Tolerant, payload: `{"status":"Accepted","currentTime":"2024-05-01T12:00:00Z","interval":"300"}`},
		{name: "zone-less timestamp tolerant", action: "Heartbeat", resp: true, mode: ocpp201.Tolerant, payload: `{"currentTime":"2024-05-01T12:00:00"}`},
		{name: "unknown measurand tolerant", action: "MeterValues", mode: ocpp201.Tolerant, payload: `{"evseId":1,"meterValue":[{"timestamp":"2024-05-01T12:00:00Z","sampledValue":[{"value":1,"measurand":"Energy.Active.Import.Interval.Vendor"}]}]}`},
		{name: "unknown measurand strict", action: "MeterValues", payload: `{"evseId":1,"meterValue":[{"timestamp":"2024-05-01T12:00:00Z","sampledValue":[{"value":1,"measurand":"Energy.Active.Import.Interval.Vendor"}]}]}`,
			code: ocpp.PropertyConstraintViolation, desc: "meterValue[0].sampledValue[0].measurand"},
		{name: "unknown boot reason tolerant", action: "BootNotification", mode: ocpp201.Tolerant, payload: `{"reason":"Sunrise",` + boot + `}`, code: ocpp.PropertyConstraintViolation, desc: "reason"},
		{name: "overlong model tolerant", action: "BootNotification", mode: ocpp201.Tolerant, payload: `{"reason":"PowerUp","chargingStation":{"model":"` + strings.Repeat("m", 21) + `","vendorName":"ACME"}}`},
		{name: "a 1.6 payload", action: "BootNotification", payload: `{"chargePointVendor":"ACME","chargePointModel":"X1"}`, code: ocpp.FormationViolation, desc: "chargePointVendor: property not allowed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m := newMessage(t, tt.action, tt.resp)
			err := ocpp201.Unmarshal([]byte(tt.payload), m, tt.mode)
			if got := ocpp.CodeOf(err); got != tt.code {
				t.Fatalf("Unmarshal(%.300s, %v) = %v, want code %q", tt.payload, tt.mode, err, tt.code)
			}
			if tt.desc != "" && !strings.Contains(err.Error(), tt.desc) {
				t.Errorf("error %q does not contain %q", err, tt.desc)
			}
		})
	}
}

func TestUnmarshalNeedsPointer(t *testing.T) {
	t.Parallel()
	err := ocpp201.Unmarshal([]byte(`{}`), ocpp201.HeartbeatRequest{}, ocpp201.Strict)
	if ocpp.CodeOf(err) != ocpp.InternalError || !strings.Contains(err.Error(), "ocpp201: ") {
		t.Fatalf("err = %v, want InternalError from ocpp201", err)
	}
}

func TestUnmarshalValues(t *testing.T) {
	t.Parallel()
	var req ocpp201.TransactionEventRequest
	if err := ocpp201.Unmarshal([]byte(transactionEventPayload), &req, ocpp201.Strict); err != nil {
		t.Fatal(err)
	}
	sv := req.MeterValue[0].SampledValue
	switch {
	case req.EventType != ocpp201.TransactionEventUpdated || req.TriggerReason != ocpp201.TriggerReasonMeterValuePeriodic || req.SeqNo != 3:
		t.Errorf("header = %+v", req)
	case req.TransactionInfo.TransactionId != "5f0c2a7e-0d7b-4c1e-9a55-2b1f3c4d5e6f" || req.TransactionInfo.ChargingState != ocpp201.ChargingStateCharging:
		t.Errorf("transactionInfo = %+v", req.TransactionInfo)
	case req.Evse == nil || req.Evse.Id != 1 || req.Evse.ConnectorId == nil || *req.Evse.ConnectorId != 1:
		t.Errorf("evse = %+v", req.Evse)
	case !req.Timestamp.Equal(time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)):
		t.Errorf("timestamp = %v", req.Timestamp)
	case len(sv) != 4 || sv[0].Value != 1234.5 || sv[0].Measurand != ocpp201.MeasurandEnergyActiveImportRegister ||
		sv[0].UnitOfMeasure == nil || sv[0].UnitOfMeasure.Unit != "kWh" || sv[2].Phase != ocpp201.PhaseL1N:
		t.Errorf("sampled values = %+v", sv)
	case req.Offline != nil || req.IdToken != nil || req.CustomData != nil:
		t.Errorf("absent optionals set: %+v", req)
	}

	t.Run("tolerant truncates and keeps", func(t *testing.T) {
		t.Parallel()
		var boot ocpp201.BootNotificationRequest
		in := `{"reason":"PowerUp","chargingStation":{"model":"` + strings.Repeat("é", 25) + `","vendorName":"ACME"}}`
		if err := ocpp201.Unmarshal([]byte(in), &boot, ocpp201.Tolerant); err != nil {
			t.Fatal(err)
		}
		if boot.ChargingStation.Model != strings.Repeat("é", 20) {
			t.Errorf("model = %q, want 20 characters", boot.ChargingStation.Model)
		}
		var mv ocpp201.MeterValuesRequest
		in = `{"evseId":"1","meterValue":[{"timestamp":"2024-05-01T12:00:00","sampledValue":[{"value":"1.5","measurand":"Vendor.Thing"}]}]}`
		if err := ocpp201.Unmarshal([]byte(in), &mv, ocpp201.Tolerant); err != nil {
			t.Fatal(err)
		}
		if mv.EvseId != 1 || mv.MeterValue[0].SampledValue[0].Value != 1.5 || mv.MeterValue[0].SampledValue[0].Measurand != "Vendor.Thing" {
			t.Errorf("got %+v", mv)
		}
	})
}

func TestCustomData(t *testing.T) {
	t.Parallel()
	in := `{"customData":{"vendorId":"acme","zeta":{"b":[1, 2]},"alpha":"x"}}`
	var hb ocpp201.HeartbeatRequest
	if err := ocpp201.Unmarshal([]byte(in), &hb, ocpp201.Strict); err != nil {
		t.Fatal(err)
	}
	cd := hb.CustomData
	if cd == nil || cd.VendorId != "acme" || len(cd.Extra) != 2 || string(cd.Extra["alpha"]) != `"x"` || string(cd.Extra["zeta"]) != `{"b":[1, 2]}` {
		t.Fatalf("customData = %+v", cd)
	}
	t.Run("marshals vendorId first, then extras by name", func(t *testing.T) {
		t.Parallel()
		if got, want := string(schematest.MustJSON(t, hb)), `{"customData":{"vendorId":"acme","alpha":"x","zeta":{"b":[1,2]}}}`; got != want {
			t.Errorf("got %s, want %s", got, want)
		}
	})
	t.Run("encoding/json keeps the extras too", func(t *testing.T) {
		t.Parallel()
		var viaJSON ocpp201.HeartbeatRequest
		if err := json.Unmarshal([]byte(in), &viaJSON); err != nil {
			t.Fatal(err)
		}
		if viaJSON.CustomData.VendorId != "acme" || len(viaJSON.CustomData.Extra) != 2 || viaJSON.CustomData.Extra["vendorId"] != nil {
			t.Errorf("got %+v", viaJSON.CustomData)
		}
	})
	for _, tt := range []struct {
		name string
		cd   ocpp201.CustomData
		desc string
	}{
		{name: "extra not JSON", cd: ocpp201.CustomData{VendorId: "a", Extra: map[string]json.RawMessage{"x": json.RawMessage(`{`)}}, desc: "customData.x: extra property is not one JSON value"},
		{name: "extra shadows vendorId", cd: ocpp201.CustomData{VendorId: "a", Extra: map[string]json.RawMessage{"vendorId": json.RawMessage(`"b"`)}}, desc: "customData.vendorId: extra property shadows"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			msg := ocpp201.HeartbeatRequest{CustomData: &tt.cd}
			if err := msg.Validate(); ocpp.CodeOf(err) != ocpp.PropertyConstraintViolation || !strings.Contains(err.Error(), tt.desc) {
				t.Errorf("Validate() = %v, want PropertyConstraintViolation %q", err, tt.desc)
			}
			if b, err := json.Marshal(msg); err == nil {
				t.Errorf("Marshal = %s, want an error", b)
			}
		})
	}
}

func intp(n int) *int { return &n }

func TestValidate(t *testing.T) {
	t.Parallel()
	now := ocpp201.NewDateTime(time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC))
	station := ocpp201.ChargingStation{Model: "X1", VendorName: "ACME"}
	tests := []struct {
		name string
		msg  ocpp201.Message
		code ocpp.ErrorCode
		desc string
	}{
		{name: "valid boot notification", msg: ocpp201.BootNotificationRequest{Reason: ocpp201.BootReasonPowerUp, ChargingStation: station}},
		{name: "missing reason", msg: ocpp201.BootNotificationRequest{ChargingStation: station}, code: ocpp.OccurenceConstraintViolation, desc: "reason: required"},
		{name: "missing nested model", msg: ocpp201.BootNotificationRequest{Reason: ocpp201.BootReasonPowerUp, ChargingStation: ocpp201.ChargingStation{VendorName: "ACME"}},
			code: ocpp.OccurenceConstraintViolation, desc: "chargingStation.model"},
		{name: "bad enum", msg: ocpp201.ResetRequest{Type: "Soft"}, code: ocpp.PropertyConstraintViolation, desc: `type: unknown value "Soft"`},
		{name: "id token type", msg: ocpp201.AuthorizeRequest{IdToken: ocpp201.IdToken{IdToken: "04A2B3", Type: ocpp201.IdTokenTypeISO14443}}},
		{name: "id token too long", msg: ocpp201.AuthorizeRequest{IdToken: ocpp201.IdToken{IdToken: strings.Repeat("x", 37), Type: ocpp201.IdTokenTypeCentral}},
			code: ocpp.PropertyConstraintViolation, desc: "idToken.idToken: longer than 36"},
		{name: "transaction id too long", msg: ocpp201.RequestStopTransactionRequest{TransactionId: strings.Repeat("x", 37)}, code: ocpp.PropertyConstraintViolation, desc: "transactionId"},
		{name: "state of charge above maximum", msg: ocpp201.DCChargingParameters{EvMaxCurrent: 1, EvMaxVoltage: 1, StateOfCharge: intp(101)}, code: ocpp.PropertyConstraintViolation, desc: "stateOfCharge: 101 is greater than the maximum 100"},
		{name: "price level below minimum", msg: ocpp201.SalesTariffEntry{RelativeTimeInterval: ocpp201.RelativeTimeInterval{}, EPriceLevel: intp(-1)}, code: ocpp.PropertyConstraintViolation, desc: "ePriceLevel"},
		{name: "empty required array", msg: ocpp201.GetVariablesRequest{GetVariableData: []ocpp201.GetVariableData{}}, code: ocpp.PropertyConstraintViolation, desc: "getVariableData: has 0 items, want at least 1"},
		{name: "nil required array", msg: ocpp201.GetVariablesRequest{}, code: ocpp.OccurenceConstraintViolation, desc: "getVariableData"},
		{name: "integer array", msg: ocpp201.ClearVariableMonitoringRequest{Id: []int{0, -1}}},
		{name: "too many periods", msg: ocpp201.ChargingSchedule{Id: 1, ChargingRateUnit: ocpp201.ChargingRateUnitW, ChargingSchedulePeriod: make([]ocpp201.ChargingSchedulePeriod, 1025)},
			code: ocpp.PropertyConstraintViolation, desc: "chargingSchedulePeriod: has 1025 items, want at most 1024"},
		{name: "1024 periods", msg: ocpp201.ChargingSchedule{Id: 1, ChargingRateUnit: ocpp201.ChargingRateUnitW, ChargingSchedulePeriod: make([]ocpp201.ChargingSchedulePeriod, 1024)}},
		{name: "time in a schedule", msg: ocpp201.ChargingSchedule{Id: 1, StartSchedule: &now, ChargingRateUnit: ocpp201.ChargingRateUnitW, ChargingSchedulePeriod: make([]ocpp201.ChargingSchedulePeriod, 1)}},
		{name: "data not JSON", msg: ocpp201.DataTransferRequest{VendorId: "a", Data: json.RawMessage(`{x}`)}, code: ocpp.PropertyConstraintViolation, desc: "data: not one JSON value"},
		{name: "year out of range", msg: ocpp201.HeartbeatResponse{CurrentTime: ocpp201.DateTime{Time: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}}, code: ocpp.PropertyConstraintViolation, desc: "currentTime"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.msg.Validate()
			if got := ocpp.CodeOf(err); got != tt.code {
				t.Fatalf("Validate() = %v, want code %q", err, tt.code)
			}
			if tt.desc != "" && !strings.Contains(err.Error(), tt.desc) {
				t.Errorf("error %q does not contain %q", err, tt.desc)
			}
		})
	}
}

func TestDateTime(t *testing.T) {
	t.Parallel()
	d := ocpp201.NewDateTime(time.Date(2024, 5, 1, 14, 0, 0, 123456789, time.FixedZone("CEST", 2*3600)))
	if b := schematest.MustJSON(t, d); string(b) != `"2024-05-01T12:00:00.123Z"` {
		t.Errorf("Marshal = %s", b)
	}
	if d.String() != "2024-05-01T12:00:00.123Z" {
		t.Errorf("String = %s", d)
	}
	var back ocpp201.DateTime
	if err := json.Unmarshal([]byte(`"2024-05-01T07:30:00-04:30"`), &back); err != nil || !back.Equal(time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)) {
		t.Errorf("Unmarshal = %v, %v", back, err)
	}
	if err := json.Unmarshal([]byte(`"2024-05-01T12:00:00"`), &back); err == nil {
		t.Error("encoding/json accepted a zone-less time")
	}
	if n := ocpp201.Now(); n.Location() != time.UTC || n.Nanosecond()%int(time.Millisecond) != 0 {
		t.Errorf("Now() = %v", n.Time)
	}
}

// TestModeConvertsFromOcpp16: one mode setting serves both versions.
func TestModeConvertsFromOcpp16(t *testing.T) {
	t.Parallel()
	if ocpp201.Mode(ocpp16.Strict) != ocpp201.Strict || ocpp201.Mode(ocpp16.Tolerant) != ocpp201.Tolerant {
		t.Error("ocpp16 and ocpp201 modes differ")
	}
	if ocpp201.Strict.String() != "strict" || ocpp201.Tolerant.String() != "tolerant" {
		t.Error("Mode.String")
	}
}

// TestUnmarshalReusedTarget decodes into a request that already holds
// arrays: the new arrays are fresh (the slices a caller kept of the first
// decode do not change), an empty array is an empty slice, not nil, and
// the date-times are the new ones.
func TestUnmarshalReusedTarget(t *testing.T) {
	var req ocpp201.TransactionEventRequest
	if err := ocpp201.Unmarshal([]byte(transactionEventPayload), &req, ocpp201.Strict); err != nil {
		t.Fatal(err)
	}
	kept := req.MeterValue[0].SampledValue
	second := strings.NewReplacer(`"value":1234.5`, `"value":99`, `2024-05-01T12:00:00.000Z`, `2025-02-03T04:05:06.000Z`).Replace(transactionEventPayload)
	if err := ocpp201.Unmarshal([]byte(second), &req, ocpp201.Strict); err != nil {
		t.Fatal(err)
	}
	if kept[0].Value != 1234.5 || req.MeterValue[0].SampledValue[0].Value != 99 {
		t.Errorf("kept value %v, new %v: the second decode wrote into the first one's array", kept[0].Value, req.MeterValue[0].SampledValue[0].Value)
	}
	want := time.Date(2025, 2, 3, 4, 5, 6, 0, time.UTC)
	if !req.Timestamp.Equal(want) || !req.MeterValue[0].Timestamp.Equal(want) {
		t.Errorf("timestamps %v, %v; want %v", req.Timestamp, req.MeterValue[0].Timestamp, want)
	}
	if len(req.MeterValue) != 1 || len(req.MeterValue[0].SampledValue) != 4 {
		t.Fatalf("%d meter values, %d samples; want 1, 4", len(req.MeterValue), len(req.MeterValue[0].SampledValue))
	}
	var set ocpp201.SetVariablesRequest
	set.SetVariableData = make([]ocpp201.SetVariableData, 2)
	err := ocpp201.Unmarshal([]byte(`{"setVariableData":[]}`), &set, ocpp201.Tolerant)
	if set.SetVariableData == nil || len(set.SetVariableData) != 0 {
		t.Errorf("[] decoded as %#v (err %v), want an empty, non-nil slice", set.SetVariableData, err)
	}
}
