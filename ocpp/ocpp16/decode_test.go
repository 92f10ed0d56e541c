package ocpp16_test

import (
	"encoding/json"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/ocppkit/ocppkit/ocpp"
	"github.com/ocppkit/ocppkit/ocpp/ocpp16"
)

const meterValuesPayload = `{"connectorId":1,"transactionId":42,"meterValue":[{"timestamp":"2024-05-01T12:00:00.000Z","sampledValue":[` +
	`{"value":"1234.5","context":"Sample.Periodic","measurand":"Energy.Active.Import.Register","unit":"kWh","location":"Outlet"},` +
	`{"value":"16.1","measurand":"Current.Import","unit":"A","phase":"L1"},` +
	`{"value":"230","measurand":"Voltage","unit":"V","phase":"L1-N"},` +
	`{"value":"3700","measurand":"Power.Active.Import","unit":"W"}]}]}`

func intp(n int) *int { return &n }

func TestUnmarshalErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		action  string
		resp    bool
		payload string
		mode    ocpp16.Mode
		code    ocpp.ErrorCode // "" for success
		desc    string         // substring of the description
	}{
		// FormationViolation
		{name: "empty payload", action: "Heartbeat", payload: ``, code: ocpp.FormationViolation},
		{name: "array payload", action: "Heartbeat", payload: `[]`, code: ocpp.FormationViolation, desc: "not a JSON object"},
		{name: "string payload", action: "Heartbeat", payload: `"x"`, code: ocpp.FormationViolation},
		{name: "null payload", action: "Heartbeat", payload: `null`, code: ocpp.FormationViolation},
		{name: "truncated", action: "Authorize", payload: `{"idTag":`, code: ocpp.FormationViolation},
		{name: "trailing comma", action: "Authorize", payload: `{"idTag":"a",}`, code: ocpp.FormationViolation},
		{name: "trailing data", action: "Authorize", payload: `{"idTag":"a"} {}`, code: ocpp.FormationViolation},
		{name: "control character in string", action: "Authorize", payload: "{\"idTag\":\"a\tb\"}", code: ocpp.FormationViolation},
		{name: "bad escape", action: "Authorize", payload: `{"idTag":"\x"}`, code: ocpp.FormationViolation},
		{name: "malformed after a type error", action: "Authorize", payload: `{"idTag":5,`, code: ocpp.FormationViolation},
		{name: "malformed inside a skipped value", action: "Heartbeat", mode: ocpp16.Tolerant, payload: `{"x":[1,}`, code: ocpp.FormationViolation},
		{name: "unknown property strict", action: "Heartbeat", payload: `{"foo":1}`, code: ocpp.FormationViolation, desc: "foo: property not allowed"},
		{name: "unknown property tolerant", action: "Heartbeat", mode: ocpp16.Tolerant, payload: `{"foo":{"bar":[1,"2",null,true]}}`},
		{name: "unknown property in open object strict", action: "Authorize", resp: true, payload: `{"idTagInfo":{"status":"Accepted","vendorFlag":1}}`},
		{name: "unknown property in closed nested object", action: "DeleteCertificate",
			payload: `{"certificateHashData":{"hashAlgorithm":"SHA256","issuerNameHash":"a","issuerKeyHash":"b","serialNumber":"c","x":1}}`,
			code:    ocpp.FormationViolation, desc: "certificateHashData.x"},
		{name: "duplicate property strict", action: "Authorize", payload: `{"idTag":"a","idTag":"b"}`, code: ocpp.FormationViolation, desc: "duplicate"},
		{name: "duplicate property tolerant", action: "Authorize", mode: ocpp16.Tolerant, payload: `{"idTag":"a","idTag":"b"}`},

		// OccurenceConstraintViolation
		{name: "missing required", action: "Authorize", payload: `{}`, code: ocpp.OccurenceConstraintViolation, desc: "idTag: required property missing"},
		{name: "connectorId 0 present", action: "StatusNotification", payload: `{"connectorId":0,"errorCode":"NoError","status":"Available"}`},
		{name: "connectorId absent", action: "StatusNotification", payload: `{"errorCode":"NoError","status":"Available"}`, code: ocpp.OccurenceConstraintViolation, desc: "connectorId"},
		{name: "nested required", action: "MeterValues", payload: `{"connectorId":1,"meterValue":[{"timestamp":"2024-05-01T12:00:00Z","sampledValue":[{"value":"1"},{"unit":"Wh"}]}]}`,
			code: ocpp.OccurenceConstraintViolation, desc: "meterValue[0].sampledValue[1].value: required"},
		{name: "required null tolerant", action: "Authorize", mode: ocpp16.Tolerant, payload: `{"idTag":null}`, code: ocpp.OccurenceConstraintViolation},
		{name: "empty required string present", action: "Authorize", payload: `{"idTag":""}`},

		// TypeConstraintViolation
		{name: "string for integer strict", action: "RemoteStopTransaction", payload: `{"transactionId":"12"}`, code: ocpp.TypeConstraintViolation, desc: "transactionId: got string, want integer"},
		{name: "number for string", action: "Authorize", payload: `{"idTag":12}`, code: ocpp.TypeConstraintViolation},
		{name: "object for array", action: "MeterValues", payload: `{"connectorId":1,"meterValue":{}}`, code: ocpp.TypeConstraintViolation, desc: "meterValue: got object, want array"},
		{name: "array for object", action: "Authorize", resp: true, payload: `{"idTagInfo":[]}`, code: ocpp.TypeConstraintViolation},
		{name: "fraction for integer", action: "RemoteStopTransaction", mode: ocpp16.Tolerant, payload: `{"transactionId":12.5}`, code: ocpp.TypeConstraintViolation},
		{name: "integral decimal strict", action: "RemoteStopTransaction", payload: `{"transactionId":12.0}`, code: ocpp.TypeConstraintViolation},
		{name: "null strict", action: "MeterValues", payload: `{"connectorId":1,"transactionId":null,"meterValue":[]}`, code: ocpp.TypeConstraintViolation, desc: "transactionId: null"},
		{name: "null tolerant is absent", action: "MeterValues", mode: ocpp16.Tolerant, payload: `{"connectorId":1,"transactionId":null,"meterValue":[]}`},
		{name: "non-numeric string tolerant", action: "RemoteStopTransaction", mode: ocpp16.Tolerant, payload: `{"transactionId":"twelve"}`, code: ocpp.TypeConstraintViolation},
		{name: "number for date-time", action: "Heartbeat", resp: true, payload: `{"currentTime":1714564800}`, code: ocpp.TypeConstraintViolation},
		{name: "string for boolean", action: "GetConfiguration", resp: true, payload: `{"configurationKey":[{"key":"a","readonly":"true"}]}`, code: ocpp.TypeConstraintViolation, desc: "configurationKey[0].readonly"},
		{name: "null array item", action: "GetConfiguration", payload: `{"key":["a",null]}`, code: ocpp.TypeConstraintViolation, desc: "key[1]"},

		// PropertyConstraintViolation
		{name: "bad enum", action: "BootNotification", resp: true, payload: `{"status":"Maybe","currentTime":"2024-05-01T12:00:00Z","interval":300}`,
			code: ocpp.PropertyConstraintViolation, desc: `status: unknown value "Maybe"`},
		{name: "bad measurand strict", action: "MeterValues", payload: `{"connectorId":1,"meterValue":[{"timestamp":"2024-05-01T12:00:00Z","sampledValue":[{"value":"1"},{"value":"2","measurand":"Foo"}]}]}`,
			code: ocpp.PropertyConstraintViolation, desc: `meterValue[0].sampledValue[1].measurand: unknown value "Foo"`},
		{name: "bad measurand tolerant", action: "MeterValues", mode: ocpp16.Tolerant, payload: `{"connectorId":1,"meterValue":[{"timestamp":"2024-05-01T12:00:00Z","sampledValue":[{"value":"2","measurand":"Foo"}]}]}`},
		{name: "bad status tolerant", action: "StatusNotification", mode: ocpp16.Tolerant, payload: `{"connectorId":1,"errorCode":"NoError","status":"Busy"}`, code: ocpp.PropertyConstraintViolation},
		{name: "overlong strict", action: "Authorize", payload: `{"idTag":"123456789012345678901"}`, code: ocpp.PropertyConstraintViolation, desc: "idTag: longer than 20 characters (21)"},
		{name: "integer beyond 32 bits strict", action: "RemoteStopTransaction", payload: `{"transactionId":4294967296}`, code: ocpp.PropertyConstraintViolation},
		{name: "integer beyond 64 bits tolerant", action: "RemoteStopTransaction", mode: ocpp16.Tolerant, payload: `{"transactionId":99999999999999999999}`, code: ocpp.PropertyConstraintViolation},
		{name: "zone-less timestamp strict", action: "Heartbeat", resp: true, payload: `{"currentTime":"2024-05-01T12:00:00"}`, code: ocpp.PropertyConstraintViolation, desc: "currentTime"},
		{name: "malformed timestamp tolerant", action: "Heartbeat", resp: true, mode: ocpp16.Tolerant, payload: `{"currentTime":"yesterday"}`, code: ocpp.PropertyConstraintViolation},
		{name: "impossible date", action: "Heartbeat", resp: true, payload: `{"currentTime":"2023-02-29T12:00:00Z"}`, code: ocpp.PropertyConstraintViolation},
		{name: "limit not a multiple of 0.1", action: "SetChargingProfile",
			payload: `{"connectorId":1,"csChargingProfiles":{"chargingProfileId":1,"stackLevel":0,"chargingProfilePurpose":"TxDefaultProfile","chargingProfileKind":"Absolute","chargingSchedule":{"chargingRateUnit":"A","chargingSchedulePeriod":[{"startPeriod":0,"limit":16.55}]}}}`,
			code:    ocpp.PropertyConstraintViolation, desc: "csChargingProfiles.chargingSchedule.chargingSchedulePeriod[0].limit: not a multiple of 0.1"},
		{name: "limit with exponent", action: "SetChargingProfile",
			payload: `{"connectorId":1,"csChargingProfiles":{"chargingProfileId":1,"stackLevel":0,"chargingProfilePurpose":"TxDefaultProfile","chargingProfileKind":"Absolute","chargingSchedule":{"chargingRateUnit":"A","chargingSchedulePeriod":[{"startPeriod":0,"limit":1.65E1}]}}}`},
		{name: "minItems", action: "GetInstalledCertificateIds", resp: true, payload: `{"status":"Accepted","certificateHashData":[]}`, code: ocpp.PropertyConstraintViolation, desc: "at least 1"},
		{name: "relative uri", action: "GetDiagnostics", payload: `{"location":"/tmp/diag"}`, code: ocpp.PropertyConstraintViolation, desc: "location: not an absolute URI"},
		{name: "number field integral decimal", action: "BootNotification", resp: true, payload: `{"status":"Accepted","currentTime":"2024-05-01T12:00:00Z","interval":300.0}`},
		{name: "number field fraction", action: "BootNotification", resp: true, payload: `{"status":"Accepted","currentTime":"2024-05-01T12:00:00Z","interval":300.5}`, code: ocpp.PropertyConstraintViolation, desc: "interval"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m := newMessage(t, tt.action, tt.resp)
			err := ocpp16.Unmarshal([]byte(tt.payload), m, tt.mode)
			if got := ocpp.CodeOf(err); got != tt.code {
				t.Fatalf("Unmarshal(%s, %v) = %v, want code %q", tt.payload, tt.mode, err, tt.code)
			}
			if tt.desc != "" && !strings.Contains(err.Error(), tt.desc) {
				t.Errorf("error %q does not contain %q", err, tt.desc)
			}
		})
	}
}

func newMessage(tb testing.TB, action string, resp bool) ocpp16.Message {
	tb.Helper()
	var m ocpp16.Message
	var ok bool
	if resp {
		m, ok = ocpp16.NewResponse(action)
	} else {
		m, ok = ocpp16.NewRequest(action)
	}
	if !ok {
		tb.Fatalf("unknown action %q", action)
	}
	return m
}

// TestTolerantValues checks what Tolerant mode makes of vendor quirks.
func TestTolerantValues(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		payload string
		into    ocpp16.Message
		want    ocpp16.Message
	}{
		{
			name:    "numbers as strings and integral decimals",
			payload: `{"connectorId":"2","transactionId":"7.0","meterValue":[]}`,
			into:    &ocpp16.MeterValuesRequest{},
			want:    &ocpp16.MeterValuesRequest{ConnectorId: 2, TransactionId: intp(7), MeterValue: []ocpp16.MeterValue{}},
		},
		{
			name:    "integer outside 32 bits",
			payload: `{"transactionId":4294967296}`,
			into:    &ocpp16.RemoteStopTransactionRequest{},
			want:    &ocpp16.RemoteStopTransactionRequest{TransactionId: 4294967296},
		},
		{
			name:    "overlong string truncated by characters",
			payload: `{"idTag":"ééééééééééééééééééééXYZ"}`,
			into:    &ocpp16.AuthorizeRequest{},
			want:    &ocpp16.AuthorizeRequest{IdTag: strings.Repeat("é", 20)},
		},
		{
			name:    "zone-less timestamp is UTC",
			payload: `{"currentTime":"2024-05-01T12:00:00.5"}`,
			into:    &ocpp16.HeartbeatResponse{},
			want:    &ocpp16.HeartbeatResponse{CurrentTime: ocpp16.DateTime{time.Date(2024, 5, 1, 12, 0, 0, 5e8, time.UTC)}},
		},
		{
			name:    "unknown sampled value enums kept verbatim",
			payload: `{"connectorId":1,"meterValue":[{"timestamp":"2024-05-01T12:00:00Z","sampledValue":[{"value":"1","measurand":"Energy.Active.Import.Interval.Net","unit":"kwh","context":"Periodic","location":"Cable ","phase":"L1-L2-L3","format":"Hex"}]}]}`,
			into:    &ocpp16.MeterValuesRequest{},
			want: &ocpp16.MeterValuesRequest{ConnectorId: 1, MeterValue: []ocpp16.MeterValue{{
				Timestamp: ocpp16.DateTime{time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)},
				SampledValue: []ocpp16.SampledValue{{Value: "1", Measurand: "Energy.Active.Import.Interval.Net", Unit: "kwh",
					Context: "Periodic", Location: "Cable ", Phase: "L1-L2-L3", Format: "Hex"}},
			}}},
		},
		{
			name:    "limit as string",
			payload: `{"connectorId":1,"csChargingProfiles":{"chargingProfileId":1,"stackLevel":"0","chargingProfilePurpose":"TxProfile","chargingProfileKind":"Relative","chargingSchedule":{"chargingRateUnit":"A","chargingSchedulePeriod":[{"startPeriod":0,"limit":" 16.5 "}]}}}`,
			into:    &ocpp16.SetChargingProfileRequest{},
			want: &ocpp16.SetChargingProfileRequest{ConnectorId: 1, CsChargingProfiles: ocpp16.ChargingProfile{
				ChargingProfileId: 1, ChargingProfilePurpose: ocpp16.ChargingProfilePurposeTxProfile, ChargingProfileKind: ocpp16.ChargingProfileKindRelative,
				ChargingSchedule: ocpp16.ChargingSchedule{ChargingRateUnit: ocpp16.ChargingRateUnitA, ChargingSchedulePeriod: []ocpp16.ChargingSchedulePeriod{{Limit: 16.5}}},
			}},
		},
		{
			name:    "duplicate property: last wins",
			payload: `{"idTag":"first","idTag":"second"}`,
			into:    &ocpp16.AuthorizeRequest{},
			want:    &ocpp16.AuthorizeRequest{IdTag: "second"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if err := ocpp16.Unmarshal([]byte(tt.payload), tt.into, ocpp16.Tolerant); err != nil {
				t.Fatalf("Tolerant: %v", err)
			}
			if !reflect.DeepEqual(tt.into, tt.want) {
				t.Errorf("got  %+v\nwant %+v", tt.into, tt.want)
			}
			fresh := reflect.New(reflect.TypeOf(tt.into).Elem()).Interface().(ocpp16.Message)
			if err := ocpp16.Unmarshal([]byte(tt.payload), fresh, ocpp16.Strict); err == nil {
				t.Errorf("Strict accepted %s", tt.payload)
			}
		})
	}
}

func TestUnmarshalValues(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		payload string
		into    ocpp16.Message
		want    ocpp16.Message
	}{
		{
			name:    "meter values",
			payload: meterValuesPayload,
			into:    &ocpp16.MeterValuesRequest{},
			want: &ocpp16.MeterValuesRequest{ConnectorId: 1, TransactionId: intp(42), MeterValue: []ocpp16.MeterValue{{
				Timestamp: ocpp16.DateTime{time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)},
				SampledValue: []ocpp16.SampledValue{
					{Value: "1234.5", Context: ocpp16.ReadingContextSamplePeriodic, Measurand: ocpp16.MeasurandEnergyActiveImportRegister, Unit: ocpp16.UnitOfMeasureKWh, Location: ocpp16.LocationOutlet},
					{Value: "16.1", Measurand: ocpp16.MeasurandCurrentImport, Unit: ocpp16.UnitOfMeasureA, Phase: ocpp16.PhaseL1},
					{Value: "230", Measurand: ocpp16.MeasurandVoltage, Unit: ocpp16.UnitOfMeasureV, Phase: ocpp16.PhaseL1N},
					{Value: "3700", Measurand: ocpp16.MeasurandPowerActiveImport, Unit: ocpp16.UnitOfMeasureW},
				},
			}}},
		},
		{
			name:    "escapes and surrogate pairs",
			payload: `{"vendorId":"a\"b\\c\/\u00e9\ud83d\ude00\n","data":"\ud800x"}`,
			into:    &ocpp16.DataTransferRequest{},
			want:    &ocpp16.DataTransferRequest{VendorId: "a\"b\\c/é😀\n", Data: "\uFFFDx"},
		},
		{
			name:    "invalid UTF-8 replaced",
			payload: "{\"vendorId\":\"a\xffb\"}",
			into:    &ocpp16.DataTransferRequest{},
			want:    &ocpp16.DataTransferRequest{VendorId: "a\uFFFDb"},
		},
		{
			name:    "offset converted to UTC",
			payload: `{"currentTime":"2024-05-01T14:00:00.250+02:00"}`,
			into:    &ocpp16.HeartbeatResponse{},
			want:    &ocpp16.HeartbeatResponse{CurrentTime: ocpp16.DateTime{time.Date(2024, 5, 1, 12, 0, 0, 25e7, time.UTC)}},
		},
		{
			name:    "whitespace everywhere",
			payload: " \n{ \"idTagInfo\" : { \"status\" : \"Blocked\" , \"expiryDate\":\"2030-01-01T00:00:00Z\" } } \r\n",
			into:    &ocpp16.AuthorizeResponse{},
			want: &ocpp16.AuthorizeResponse{IdTagInfo: ocpp16.IdTagInfo{Status: ocpp16.AuthorizationStatusBlocked,
				ExpiryDate: &ocpp16.DateTime{time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)}}},
		},
		{
			name:    "reused value is reset",
			payload: `{"connectorId":3,"meterValue":[]}`,
			into:    &ocpp16.MeterValuesRequest{TransactionId: intp(9), MeterValue: make([]ocpp16.MeterValue, 2)},
			want:    &ocpp16.MeterValuesRequest{ConnectorId: 3, MeterValue: []ocpp16.MeterValue{}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if err := ocpp16.Unmarshal([]byte(tt.payload), tt.into, ocpp16.Strict); err != nil {
				t.Fatalf("Unmarshal: %v", err)
			}
			if !reflect.DeepEqual(tt.into, tt.want) {
				t.Errorf("got  %+v\nwant %+v", tt.into, tt.want)
			}
		})
	}
}

func TestUnmarshalNeedsPointer(t *testing.T) {
	t.Parallel()
	err := ocpp16.Unmarshal([]byte(`{}`), ocpp16.HeartbeatRequest{}, ocpp16.Strict)
	if ocpp.CodeOf(err) != ocpp.InternalError {
		t.Fatalf("err = %v, want InternalError", err)
	}
}

// sum defeats constant folding: 0.1+0.2 in float64 is 0.30000000000000004,
// which encoding/json writes as such and the schema rejects.
func sum(a, b float64) float64 { return a + b }

func TestValidate(t *testing.T) {
	t.Parallel()
	now := ocpp16.NewDateTime(time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC))
	nan := math.NaN()
	tests := []struct {
		name string
		msg  ocpp16.Message
		code ocpp.ErrorCode
		desc string
	}{
		{name: "valid boot notification", msg: ocpp16.BootNotificationRequest{ChargePointVendor: "ACME", ChargePointModel: "X1"}},
		{name: "missing vendor", msg: ocpp16.BootNotificationRequest{ChargePointModel: "X1"}, code: ocpp.OccurenceConstraintViolation, desc: "chargePointVendor: required"},
		{name: "overlong vendor", msg: ocpp16.BootNotificationRequest{ChargePointVendor: strings.Repeat("v", 51), ChargePointModel: "X1"}, code: ocpp.PropertyConstraintViolation, desc: "chargePointVendor: longer than 50"},
		{name: "missing status", msg: ocpp16.BootNotificationResponse{CurrentTime: now, Interval: 300}, code: ocpp.OccurenceConstraintViolation, desc: "status"},
		{name: "missing time", msg: ocpp16.BootNotificationResponse{Status: ocpp16.RegistrationStatusAccepted}, code: ocpp.OccurenceConstraintViolation, desc: "currentTime"},
		{name: "bad enum", msg: ocpp16.ResetRequest{Type: "Medium"}, code: ocpp.PropertyConstraintViolation, desc: `type: unknown value "Medium"`},
		{name: "nested bad enum", msg: ocpp16.MeterValuesRequest{ConnectorId: 1, MeterValue: []ocpp16.MeterValue{{Timestamp: now, SampledValue: []ocpp16.SampledValue{{Value: "1"}, {Value: "2", Measurand: "Foo"}}}}},
			code: ocpp.PropertyConstraintViolation, desc: `meterValue[0].sampledValue[1].measurand: unknown value "Foo"`},
		{name: "nil required array", msg: ocpp16.MeterValuesRequest{ConnectorId: 1}, code: ocpp.OccurenceConstraintViolation, desc: "meterValue"},
		{name: "empty required array", msg: ocpp16.MeterValuesRequest{ConnectorId: 1, MeterValue: []ocpp16.MeterValue{}}},
		{name: "empty configuration value allowed", msg: ocpp16.ChangeConfigurationRequest{Key: "AuthorizationKey", Value: ""}},
		{name: "limit not multiple of 0.1", msg: ocpp16.ChargingSchedulePeriod{Limit: 16.55}, code: ocpp.PropertyConstraintViolation, desc: "limit"},
		{name: "limit NaN", msg: ocpp16.ChargingSchedule{ChargingRateUnit: ocpp16.ChargingRateUnitW, ChargingSchedulePeriod: []ocpp16.ChargingSchedulePeriod{{Limit: nan}}}, code: ocpp.PropertyConstraintViolation, desc: "chargingSchedulePeriod[0].limit"},
		{name: "limit 0.3 is fine", msg: ocpp16.ChargingSchedulePeriod{Limit: 0.3}},
		{name: "limit 0.1+0.2 is not", msg: ocpp16.ChargingSchedulePeriod{Limit: sum(0.1, 0.2)}, code: ocpp.PropertyConstraintViolation, desc: "limit"},
		{name: "optional pointer object checked", msg: ocpp16.StopTransactionResponse{IdTagInfo: &ocpp16.IdTagInfo{Status: "Bogus"}}, code: ocpp.PropertyConstraintViolation, desc: "idTagInfo.status"},
		{name: "minItems on present array", msg: ocpp16.GetInstalledCertificateIdsResponse{Status: ocpp16.GetInstalledCertificateStatusAccepted, CertificateHashData: []ocpp16.CertificateHashData{{HashAlgorithm: ocpp16.HashAlgorithmSHA256}}},
			code: ocpp.OccurenceConstraintViolation, desc: "certificateHashData[0].issuerNameHash"},
		{name: "relative uri", msg: ocpp16.UpdateFirmwareRequest{Location: "firmware.bin", RetrieveDate: now}, code: ocpp.PropertyConstraintViolation, desc: "location"},
		{name: "string array item too long", msg: ocpp16.GetConfigurationRequest{Key: []string{"ok", strings.Repeat("k", 51)}}, code: ocpp.PropertyConstraintViolation, desc: "key[1]"},
		{name: "year out of range", msg: ocpp16.HeartbeatResponse{CurrentTime: ocpp16.DateTime{time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}}, code: ocpp.PropertyConstraintViolation, desc: "currentTime"},
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
	t.Run("marshal", func(t *testing.T) {
		t.Parallel()
		loc := time.FixedZone("CEST", 2*3600)
		d := ocpp16.NewDateTime(time.Date(2024, 5, 1, 14, 0, 0, 123456789, loc))
		b, err := json.Marshal(d)
		if err != nil {
			t.Fatal(err)
		}
		if want := `"2024-05-01T12:00:00.123Z"`; string(b) != want {
			t.Errorf("got %s, want %s", b, want)
		}
	})
	t.Run("now is UTC milliseconds", func(t *testing.T) {
		t.Parallel()
		n := ocpp16.Now()
		if n.Location() != time.UTC || n.Nanosecond()%int(time.Millisecond) != 0 {
			t.Errorf("Now() = %v", n.Time)
		}
	})
	for _, tt := range []struct {
		name, in string
		want     time.Time
		ok       bool
	}{
		{"utc with millis", `"2024-05-01T12:00:00.123Z"`, time.Date(2024, 5, 1, 12, 0, 0, 123e6, time.UTC), true},
		{"no fraction", `"2024-05-01T12:00:00Z"`, time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC), true},
		{"nanoseconds", `"2024-05-01T12:00:00.123456789Z"`, time.Date(2024, 5, 1, 12, 0, 0, 123456789, time.UTC), true},
		{"negative offset", `"2024-05-01T07:30:00-04:30"`, time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC), true},
		{"lower case", `"2024-05-01t12:00:00z"`, time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC), true},
		{"zone-less rejected", `"2024-05-01T12:00:00"`, time.Time{}, false},
		{"date only", `"2024-05-01"`, time.Time{}, false},
		{"bad month", `"2024-13-01T12:00:00Z"`, time.Time{}, false},
		{"empty fraction", `"2024-05-01T12:00:00.Z"`, time.Time{}, false},
		{"number", `1714564800`, time.Time{}, false},
	} {
		t.Run("unmarshal "+tt.name, func(t *testing.T) {
			t.Parallel()
			var d ocpp16.DateTime
			err := json.Unmarshal([]byte(tt.in), &d)
			if (err == nil) != tt.ok {
				t.Fatalf("Unmarshal(%s) err = %v, want ok=%v", tt.in, err, tt.ok)
			}
			if tt.ok && (!d.Equal(tt.want) || d.Location() != time.UTC) {
				t.Errorf("got %v, want %v", d.Time, tt.want)
			}
		})
	}
}

func TestActions(t *testing.T) {
	t.Parallel()
	all := allActions()
	if len(all) != 39 {
		t.Errorf("%d actions, want 39", len(all))
	}
	for _, a := range all {
		t.Run(a, func(t *testing.T) {
			t.Parallel()
			req, ok1 := ocpp16.NewRequest(a)
			resp, ok2 := ocpp16.NewResponse(a)
			if !ok1 || !ok2 {
				t.Fatalf("NewRequest ok=%v, NewResponse ok=%v", ok1, ok2)
			}
			if req.Action() != a || resp.Action() != a {
				t.Errorf("Action() = %q / %q", req.Action(), resp.Action())
			}
			if reflect.ValueOf(req).Kind() != reflect.Pointer || reflect.ValueOf(resp).Kind() != reflect.Pointer {
				t.Error("want pointers")
			}
		})
	}
	t.Run("unknown", func(t *testing.T) {
		t.Parallel()
		if _, ok := ocpp16.NewRequest("Teleport"); ok {
			t.Error("NewRequest(Teleport) ok")
		}
		if _, ok := ocpp16.NewResponse("Teleport"); ok {
			t.Error("NewResponse(Teleport) ok")
		}
	})
	t.Run("directions", func(t *testing.T) {
		t.Parallel()
		for _, tt := range []struct {
			list []string
			has  string
			not  string
		}{
			{ocpp16.ChargePointActions, ocpp16.ActionBootNotification, ocpp16.ActionReset},
			{ocpp16.ChargePointActions, ocpp16.ActionDataTransfer, ocpp16.ActionGetLog},
			{ocpp16.CentralSystemActions, ocpp16.ActionRemoteStartTransaction, ocpp16.ActionMeterValues},
			{ocpp16.CentralSystemActions, ocpp16.ActionDataTransfer, ocpp16.ActionSignCertificate},
		} {
			if !contains(tt.list, tt.has) || contains(tt.list, tt.not) {
				t.Errorf("list %v: want %s in and %s out", tt.list, tt.has, tt.not)
			}
		}
	})
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestEnumValid(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		v    interface{ Valid() bool }
		want bool
	}{
		{"measurand", ocpp16.MeasurandEnergyActiveImportRegister, true},
		{"unit kWh", ocpp16.UnitOfMeasureKWh, true},
		{"unit case matters", ocpp16.UnitOfMeasure("kwh"), false},
		{"empty", ocpp16.ChargePointStatus(""), false},
		{"reason", ocpp16.ReasonEVDisconnected, true},
		{"phase", ocpp16.PhaseL3L1, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := tt.v.Valid(); got != tt.want {
				t.Errorf("Valid() = %v, want %v", got, tt.want)
			}
		})
	}
}
