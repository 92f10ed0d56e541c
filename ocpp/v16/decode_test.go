package v16_test

import (
	"encoding/json"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/ocppkit/ocppkit/ocpp"
	v16 "github.com/ocppkit/ocppkit/ocpp/v16"
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
		mode    v16.Mode
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
		{name: "malformed inside a skipped value", action: "Heartbeat", mode: v16.Tolerant, payload: `{"x":[1,}`, code: ocpp.FormationViolation},
		{name: "unknown property strict", action: "Heartbeat", payload: `{"foo":1}`, code: ocpp.FormationViolation, desc: "foo: property not allowed"},
		{name: "unknown property tolerant", action: "Heartbeat", mode: v16.Tolerant, payload: `{"foo":{"bar":[1,"2",null,true]}}`},
		{name: "unknown property in open object strict", action: "Authorize", resp: true, payload: `{"idTagInfo":{"status":"Accepted","vendorFlag":1}}`},
		{name: "unknown property in closed nested object", action: "DeleteCertificate",
			payload: `{"certificateHashData":{"hashAlgorithm":"SHA256","issuerNameHash":"a","issuerKeyHash":"b","serialNumber":"c","x":1}}`,
			code:    ocpp.FormationViolation, desc: "certificateHashData.x"},
		{name: "duplicate property strict", action: "Authorize", payload: `{"idTag":"a","idTag":"b"}`, code: ocpp.FormationViolation, desc: "duplicate"},
		{name: "duplicate property tolerant", action: "Authorize", mode: v16.Tolerant, payload: `{"idTag":"a","idTag":"b"}`},

		// OccurenceConstraintViolation
		{name: "missing required", action: "Authorize", payload: `{}`, code: ocpp.OccurenceConstraintViolation, desc: "idTag: required property missing"},
		{name: "connectorId 0 present", action: "StatusNotification", payload: `{"connectorId":0,"errorCode":"NoError","status":"Available"}`},
		{name: "connectorId absent", action: "StatusNotification", payload: `{"errorCode":"NoError","status":"Available"}`, code: ocpp.OccurenceConstraintViolation, desc: "connectorId"},
		{name: "nested required", action: "MeterValues", payload: `{"connectorId":1,"meterValue":[{"timestamp":"2024-05-01T12:00:00Z","sampledValue":[{"value":"1"},{"unit":"Wh"}]}]}`,
			code: ocpp.OccurenceConstraintViolation, desc: "meterValue[0].sampledValue[1].value: required"},
		{name: "required null tolerant", action: "Authorize", mode: v16.Tolerant, payload: `{"idTag":null}`, code: ocpp.OccurenceConstraintViolation},
		{name: "empty required string present", action: "Authorize", payload: `{"idTag":""}`},

		// TypeConstraintViolation
		{name: "string for integer strict", action: "RemoteStopTransaction", payload: `{"transactionId":"12"}`, code: ocpp.TypeConstraintViolation, desc: "transactionId: got string, want integer"},
		{name: "number for string", action: "Authorize", payload: `{"idTag":12}`, code: ocpp.TypeConstraintViolation},
		{name: "object for array", action: "MeterValues", payload: `{"connectorId":1,"meterValue":{}}`, code: ocpp.TypeConstraintViolation, desc: "meterValue: got object, want array"},
		{name: "array for object", action: "Authorize", resp: true, payload: `{"idTagInfo":[]}`, code: ocpp.TypeConstraintViolation},
		{name: "fraction for integer", action: "RemoteStopTransaction", mode: v16.Tolerant, payload: `{"transactionId":12.5}`, code: ocpp.TypeConstraintViolation},
		{name: "integral decimal strict", action: "RemoteStopTransaction", payload: `{"transactionId":12.0}`, code: ocpp.TypeConstraintViolation},
		{name: "null strict", action: "MeterValues", payload: `{"connectorId":1,"transactionId":null,"meterValue":[]}`, code: ocpp.TypeConstraintViolation, desc: "transactionId: null"},
		{name: "null tolerant is absent", action: "MeterValues", mode: v16.Tolerant, payload: `{"connectorId":1,"transactionId":null,"meterValue":[]}`},
		{name: "non-numeric string tolerant", action: "RemoteStopTransaction", mode: v16.Tolerant, payload: `{"transactionId":"twelve"}`, code: ocpp.TypeConstraintViolation},
		{name: "number for date-time", action: "Heartbeat", resp: true, payload: `{"currentTime":1714564800}`, code: ocpp.TypeConstraintViolation},
		{name: "string for boolean", action: "GetConfiguration", resp: true, payload: `{"configurationKey":[{"key":"a","readonly":"true"}]}`, code: ocpp.TypeConstraintViolation, desc: "configurationKey[0].readonly"},
		{name: "null array item", action: "GetConfiguration", payload: `{"key":["a",null]}`, code: ocpp.TypeConstraintViolation, desc: "key[1]"},

		// PropertyConstraintViolation
		{name: "bad enum", action: "BootNotification", resp: true, payload: `{"status":"Maybe","currentTime":"2024-05-01T12:00:00Z","interval":300}`,
			code: ocpp.PropertyConstraintViolation, desc: `status: unknown value "Maybe"`},
		{name: "bad measurand strict", action: "MeterValues", payload: `{"connectorId":1,"meterValue":[{"timestamp":"2024-05-01T12:00:00Z","sampledValue":[{"value":"1"},{"value":"2","measurand":"Foo"}]}]}`,
			code: ocpp.PropertyConstraintViolation, desc: `meterValue[0].sampledValue[1].measurand: unknown value "Foo"`},
		{name: "bad measurand tolerant", action: "MeterValues", mode: v16.Tolerant, payload: `{"connectorId":1,"meterValue":[{"timestamp":"2024-05-01T12:00:00Z","sampledValue":[{"value":"2","measurand":"Foo"}]}]}`},
		{name: "bad status tolerant", action: "StatusNotification", mode: v16.Tolerant, payload: `{"connectorId":1,"errorCode":"NoError","status":"Busy"}`, code: ocpp.PropertyConstraintViolation},
		{name: "overlong strict", action: "Authorize", payload: `{"idTag":"123456789012345678901"}`, code: ocpp.PropertyConstraintViolation, desc: "idTag: longer than 20 characters (21)"},
		{name: "integer beyond 32 bits strict", action: "RemoteStopTransaction", payload: `{"transactionId":4294967296}`, code: ocpp.PropertyConstraintViolation},
		{name: "integer beyond 64 bits tolerant", action: "RemoteStopTransaction", mode: v16.Tolerant, payload: `{"transactionId":99999999999999999999}`, code: ocpp.PropertyConstraintViolation},
		{name: "zone-less timestamp strict", action: "Heartbeat", resp: true, payload: `{"currentTime":"2024-05-01T12:00:00"}`, code: ocpp.PropertyConstraintViolation, desc: "currentTime"},
		{name: "malformed timestamp tolerant", action: "Heartbeat", resp: true, mode: v16.Tolerant, payload: `{"currentTime":"yesterday"}`, code: ocpp.PropertyConstraintViolation},
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
			err := v16.Unmarshal([]byte(tt.payload), m, tt.mode)
			if got := ocpp.CodeOf(err); got != tt.code {
				t.Fatalf("Unmarshal(%s, %v) = %v, want code %q", tt.payload, tt.mode, err, tt.code)
			}
			if tt.desc != "" && !strings.Contains(err.Error(), tt.desc) {
				t.Errorf("error %q does not contain %q", err, tt.desc)
			}
		})
	}
}

func newMessage(tb testing.TB, action string, resp bool) v16.Message {
	tb.Helper()
	var m v16.Message
	var ok bool
	if resp {
		m, ok = v16.NewResponse(action)
	} else {
		m, ok = v16.NewRequest(action)
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
		into    v16.Message
		want    v16.Message
	}{
		{
			name:    "numbers as strings and integral decimals",
			payload: `{"connectorId":"2","transactionId":"7.0","meterValue":[]}`,
			into:    &v16.MeterValuesRequest{},
			want:    &v16.MeterValuesRequest{ConnectorId: 2, TransactionId: intp(7), MeterValue: []v16.MeterValue{}},
		},
		{
			name:    "integer outside 32 bits",
			payload: `{"transactionId":4294967296}`,
			into:    &v16.RemoteStopTransactionRequest{},
			want:    &v16.RemoteStopTransactionRequest{TransactionId: 4294967296},
		},
		{
			name:    "overlong string truncated by characters",
			payload: `{"idTag":"ééééééééééééééééééééXYZ"}`,
			into:    &v16.AuthorizeRequest{},
			want:    &v16.AuthorizeRequest{IdTag: strings.Repeat("é", 20)},
		},
		{
			name:    "zone-less timestamp is UTC",
			payload: `{"currentTime":"2024-05-01T12:00:00.5"}`,
			into:    &v16.HeartbeatResponse{},
			want:    &v16.HeartbeatResponse{CurrentTime: v16.DateTime{time.Date(2024, 5, 1, 12, 0, 0, 5e8, time.UTC)}},
		},
		{
			name:    "unknown sampled value enums kept verbatim",
			payload: `{"connectorId":1,"meterValue":[{"timestamp":"2024-05-01T12:00:00Z","sampledValue":[{"value":"1","measurand":"Energy.Active.Import.Interval.Net","unit":"kwh","context":"Periodic","location":"Cable ","phase":"L1-L2-L3","format":"Hex"}]}]}`,
			into:    &v16.MeterValuesRequest{},
			want: &v16.MeterValuesRequest{ConnectorId: 1, MeterValue: []v16.MeterValue{{
				Timestamp: v16.DateTime{time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)},
				SampledValue: []v16.SampledValue{{Value: "1", Measurand: "Energy.Active.Import.Interval.Net", Unit: "kwh",
					Context: "Periodic", Location: "Cable ", Phase: "L1-L2-L3", Format: "Hex"}},
			}}},
		},
		{
			name:    "limit as string",
			payload: `{"connectorId":1,"csChargingProfiles":{"chargingProfileId":1,"stackLevel":"0","chargingProfilePurpose":"TxProfile","chargingProfileKind":"Relative","chargingSchedule":{"chargingRateUnit":"A","chargingSchedulePeriod":[{"startPeriod":0,"limit":" 16.5 "}]}}}`,
			into:    &v16.SetChargingProfileRequest{},
			want: &v16.SetChargingProfileRequest{ConnectorId: 1, CsChargingProfiles: v16.ChargingProfile{
				ChargingProfileId: 1, ChargingProfilePurpose: v16.ChargingProfilePurposeTxProfile, ChargingProfileKind: v16.ChargingProfileKindRelative,
				ChargingSchedule: v16.ChargingSchedule{ChargingRateUnit: v16.ChargingRateUnitA, ChargingSchedulePeriod: []v16.ChargingSchedulePeriod{{Limit: 16.5}}},
			}},
		},
		{
			name:    "duplicate property: last wins",
			payload: `{"idTag":"first","idTag":"second"}`,
			into:    &v16.AuthorizeRequest{},
			want:    &v16.AuthorizeRequest{IdTag: "second"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if err := v16.Unmarshal([]byte(tt.payload), tt.into, v16.Tolerant); err != nil {
				t.Fatalf("Tolerant: %v", err)
			}
			if !reflect.DeepEqual(tt.into, tt.want) {
				t.Errorf("got  %+v\nwant %+v", tt.into, tt.want)
			}
			fresh := reflect.New(reflect.TypeOf(tt.into).Elem()).Interface().(v16.Message)
			if err := v16.Unmarshal([]byte(tt.payload), fresh, v16.Strict); err == nil {
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
		into    v16.Message
		want    v16.Message
	}{
		{
			name:    "meter values",
			payload: meterValuesPayload,
			into:    &v16.MeterValuesRequest{},
			want: &v16.MeterValuesRequest{ConnectorId: 1, TransactionId: intp(42), MeterValue: []v16.MeterValue{{
				Timestamp: v16.DateTime{time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)},
				SampledValue: []v16.SampledValue{
					{Value: "1234.5", Context: v16.ReadingContextSamplePeriodic, Measurand: v16.MeasurandEnergyActiveImportRegister, Unit: v16.UnitOfMeasureKWh, Location: v16.LocationOutlet},
					{Value: "16.1", Measurand: v16.MeasurandCurrentImport, Unit: v16.UnitOfMeasureA, Phase: v16.PhaseL1},
					{Value: "230", Measurand: v16.MeasurandVoltage, Unit: v16.UnitOfMeasureV, Phase: v16.PhaseL1N},
					{Value: "3700", Measurand: v16.MeasurandPowerActiveImport, Unit: v16.UnitOfMeasureW},
				},
			}}},
		},
		{
			name:    "escapes and surrogate pairs",
			payload: `{"vendorId":"a\"b\\c\/\u00e9\ud83d\ude00\n","data":"\ud800x"}`,
			into:    &v16.DataTransferRequest{},
			want:    &v16.DataTransferRequest{VendorId: "a\"b\\c/é😀\n", Data: "\uFFFDx"},
		},
		{
			name:    "invalid UTF-8 replaced",
			payload: "{\"vendorId\":\"a\xffb\"}",
			into:    &v16.DataTransferRequest{},
			want:    &v16.DataTransferRequest{VendorId: "a\uFFFDb"},
		},
		{
			name:    "offset converted to UTC",
			payload: `{"currentTime":"2024-05-01T14:00:00.250+02:00"}`,
			into:    &v16.HeartbeatResponse{},
			want:    &v16.HeartbeatResponse{CurrentTime: v16.DateTime{time.Date(2024, 5, 1, 12, 0, 0, 25e7, time.UTC)}},
		},
		{
			name:    "whitespace everywhere",
			payload: " \n{ \"idTagInfo\" : { \"status\" : \"Blocked\" , \"expiryDate\":\"2030-01-01T00:00:00Z\" } } \r\n",
			into:    &v16.AuthorizeResponse{},
			want: &v16.AuthorizeResponse{IdTagInfo: v16.IdTagInfo{Status: v16.AuthorizationStatusBlocked,
				ExpiryDate: &v16.DateTime{time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)}}},
		},
		{
			name:    "reused value is reset",
			payload: `{"connectorId":3,"meterValue":[]}`,
			into:    &v16.MeterValuesRequest{TransactionId: intp(9), MeterValue: make([]v16.MeterValue, 2)},
			want:    &v16.MeterValuesRequest{ConnectorId: 3, MeterValue: []v16.MeterValue{}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if err := v16.Unmarshal([]byte(tt.payload), tt.into, v16.Strict); err != nil {
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
	err := v16.Unmarshal([]byte(`{}`), v16.HeartbeatRequest{}, v16.Strict)
	if ocpp.CodeOf(err) != ocpp.InternalError {
		t.Fatalf("err = %v, want InternalError", err)
	}
}

// sum defeats constant folding: 0.1+0.2 in float64 is 0.30000000000000004,
// which encoding/json writes as such and the schema rejects.
func sum(a, b float64) float64 { return a + b }

func TestValidate(t *testing.T) {
	t.Parallel()
	now := v16.NewDateTime(time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC))
	nan := math.NaN()
	tests := []struct {
		name string
		msg  v16.Message
		code ocpp.ErrorCode
		desc string
	}{
		{name: "valid boot notification", msg: v16.BootNotificationRequest{ChargePointVendor: "ACME", ChargePointModel: "X1"}},
		{name: "missing vendor", msg: v16.BootNotificationRequest{ChargePointModel: "X1"}, code: ocpp.OccurenceConstraintViolation, desc: "chargePointVendor: required"},
		{name: "overlong vendor", msg: v16.BootNotificationRequest{ChargePointVendor: strings.Repeat("v", 51), ChargePointModel: "X1"}, code: ocpp.PropertyConstraintViolation, desc: "chargePointVendor: longer than 50"},
		{name: "missing status", msg: v16.BootNotificationResponse{CurrentTime: now, Interval: 300}, code: ocpp.OccurenceConstraintViolation, desc: "status"},
		{name: "missing time", msg: v16.BootNotificationResponse{Status: v16.RegistrationStatusAccepted}, code: ocpp.OccurenceConstraintViolation, desc: "currentTime"},
		{name: "bad enum", msg: v16.ResetRequest{Type: "Medium"}, code: ocpp.PropertyConstraintViolation, desc: `type: unknown value "Medium"`},
		{name: "nested bad enum", msg: v16.MeterValuesRequest{ConnectorId: 1, MeterValue: []v16.MeterValue{{Timestamp: now, SampledValue: []v16.SampledValue{{Value: "1"}, {Value: "2", Measurand: "Foo"}}}}},
			code: ocpp.PropertyConstraintViolation, desc: `meterValue[0].sampledValue[1].measurand: unknown value "Foo"`},
		{name: "nil required array", msg: v16.MeterValuesRequest{ConnectorId: 1}, code: ocpp.OccurenceConstraintViolation, desc: "meterValue"},
		{name: "empty required array", msg: v16.MeterValuesRequest{ConnectorId: 1, MeterValue: []v16.MeterValue{}}},
		{name: "empty configuration value allowed", msg: v16.ChangeConfigurationRequest{Key: "AuthorizationKey", Value: ""}},
		{name: "limit not multiple of 0.1", msg: v16.ChargingSchedulePeriod{Limit: 16.55}, code: ocpp.PropertyConstraintViolation, desc: "limit"},
		{name: "limit NaN", msg: v16.ChargingSchedule{ChargingRateUnit: v16.ChargingRateUnitW, ChargingSchedulePeriod: []v16.ChargingSchedulePeriod{{Limit: nan}}}, code: ocpp.PropertyConstraintViolation, desc: "chargingSchedulePeriod[0].limit"},
		{name: "limit 0.3 is fine", msg: v16.ChargingSchedulePeriod{Limit: 0.3}},
		{name: "limit 0.1+0.2 is not", msg: v16.ChargingSchedulePeriod{Limit: sum(0.1, 0.2)}, code: ocpp.PropertyConstraintViolation, desc: "limit"},
		{name: "optional pointer object checked", msg: v16.StopTransactionResponse{IdTagInfo: &v16.IdTagInfo{Status: "Bogus"}}, code: ocpp.PropertyConstraintViolation, desc: "idTagInfo.status"},
		{name: "minItems on present array", msg: v16.GetInstalledCertificateIdsResponse{Status: v16.GetInstalledCertificateStatusAccepted, CertificateHashData: []v16.CertificateHashData{{HashAlgorithm: v16.HashAlgorithmSHA256}}},
			code: ocpp.OccurenceConstraintViolation, desc: "certificateHashData[0].issuerNameHash"},
		{name: "relative uri", msg: v16.UpdateFirmwareRequest{Location: "firmware.bin", RetrieveDate: now}, code: ocpp.PropertyConstraintViolation, desc: "location"},
		{name: "string array item too long", msg: v16.GetConfigurationRequest{Key: []string{"ok", strings.Repeat("k", 51)}}, code: ocpp.PropertyConstraintViolation, desc: "key[1]"},
		{name: "year out of range", msg: v16.HeartbeatResponse{CurrentTime: v16.DateTime{time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}}, code: ocpp.PropertyConstraintViolation, desc: "currentTime"},
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
		d := v16.NewDateTime(time.Date(2024, 5, 1, 14, 0, 0, 123456789, loc))
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
		n := v16.Now()
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
			var d v16.DateTime
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
			req, ok1 := v16.NewRequest(a)
			resp, ok2 := v16.NewResponse(a)
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
		if _, ok := v16.NewRequest("Teleport"); ok {
			t.Error("NewRequest(Teleport) ok")
		}
		if _, ok := v16.NewResponse("Teleport"); ok {
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
			{v16.ChargePointActions, v16.ActionBootNotification, v16.ActionReset},
			{v16.ChargePointActions, v16.ActionDataTransfer, v16.ActionGetLog},
			{v16.CentralSystemActions, v16.ActionRemoteStartTransaction, v16.ActionMeterValues},
			{v16.CentralSystemActions, v16.ActionDataTransfer, v16.ActionSignCertificate},
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
		{"measurand", v16.MeasurandEnergyActiveImportRegister, true},
		{"unit kWh", v16.UnitOfMeasureKWh, true},
		{"unit case matters", v16.UnitOfMeasure("kwh"), false},
		{"empty", v16.ChargePointStatus(""), false},
		{"reason", v16.ReasonEVDisconnected, true},
		{"phase", v16.PhaseL3L1, true},
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
