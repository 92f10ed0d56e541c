package ocppkit_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/ocppkit/ocppkit"
	"github.com/ocppkit/ocppkit/internal/testdb"
	"github.com/ocppkit/ocppkit/ocpp"
	"github.com/ocppkit/ocppkit/ocpp/ocpp16"
	"github.com/ocppkit/ocppkit/remote"
	"github.com/ocppkit/ocppkit/store"
)

// TestCommandRules: 1.6 commands that the schemas admit but OCPP 1.6
// forbids (the OCTT cases TC_043_4, TC_056, TC_057 and TC_059 check that a
// Central System never sends them) are refused with ErrInvalidRequest and
// the precise code, by Send, by Enqueue and by the JSON API, before
// anything is sent or stored; their valid neighbours go through.
func TestCommandRules(t *testing.T) {
	e := newEnv(t, testdb.SQLite(t), ocppkit.Config{})
	e.register(t, "CP-RULES", "pw-0123456789abcdef")
	cp := e.dial(t, "CP-RULES", "pw-0123456789abcdef")
	ctx := context.Background()
	start := ocpp16.NewDateTime(time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC))
	sched := func(start *ocpp16.DateTime, periods ...int) ocpp16.ChargingSchedule {
		s := ocpp16.ChargingSchedule{StartSchedule: start, ChargingRateUnit: ocpp16.ChargingRateUnitA}
		for _, p := range periods {
			s.ChargingSchedulePeriod = append(s.ChargingSchedulePeriod, ocpp16.ChargingSchedulePeriod{StartPeriod: p, Limit: 16})
		}
		return s
	}
	profile := func(purpose ocpp16.ChargingProfilePurpose, kind ocpp16.ChargingProfileKind, s ocpp16.ChargingSchedule) ocpp16.ChargingProfile {
		return ocpp16.ChargingProfile{ChargingProfileId: 1, ChargingProfilePurpose: purpose, ChargingProfileKind: kind, ChargingSchedule: s}
	}
	with := func(p ocpp16.ChargingProfile, edit func(*ocpp16.ChargingProfile)) ocpp16.ChargingProfile {
		edit(&p)
		return p
	}
	txDefault := profile(ocpp16.ChargingProfilePurposeTxDefaultProfile, ocpp16.ChargingProfileKindRelative, sched(nil, 0, 600))
	txAbsolute := with(profile(ocpp16.ChargingProfilePurposeTxProfile, ocpp16.ChargingProfileKindAbsolute, sched(&start, 0)), func(p *ocpp16.ChargingProfile) { p.TransactionId = ptr(7) })
	recurring := with(profile(ocpp16.ChargingProfilePurposeTxDefaultProfile, ocpp16.ChargingProfileKindRecurring, sched(&start, 0)), func(p *ocpp16.ChargingProfile) { p.RecurrencyKind = ocpp16.RecurrencyKindDaily })
	set := func(connector int, p ocpp16.ChargingProfile) ocpp16.SetChargingProfileRequest {
		return ocpp16.SetChargingProfileRequest{ConnectorId: connector, CsChargingProfiles: p}
	}
	remoteStart := func(p ocpp16.ChargingProfile) ocpp16.RemoteStartTransactionRequest {
		return ocpp16.RemoteStartTransactionRequest{ConnectorId: ptr(1), IdTag: "RFID-1", ChargingProfile: &p}
	}
	tests := []struct {
		name string
		req  ocpp.Request
		code ocpp.ErrorCode // "" when the request is valid
	}{
		{"full list, every entry with idTagInfo", ocpp16.SendLocalListRequest{ListVersion: 1, UpdateType: ocpp16.UpdateTypeFull, LocalAuthorizationList: []ocpp16.AuthorizationData{{IdTag: "A", IdTagInfo: &ocpp16.IdTagInfo{Status: ocpp16.AuthorizationStatusAccepted}}}}, ""},
		{"full list, an entry without idTagInfo", ocpp16.SendLocalListRequest{ListVersion: 1, UpdateType: ocpp16.UpdateTypeFull, LocalAuthorizationList: []ocpp16.AuthorizationData{{IdTag: "A"}}}, ocpp.OccurenceConstraintViolation},
		{"differential list, a deletion without idTagInfo", ocpp16.SendLocalListRequest{ListVersion: 2, UpdateType: ocpp16.UpdateTypeDifferential, LocalAuthorizationList: []ocpp16.AuthorizationData{{IdTag: "A"}}}, ""},
		{"TxDefaultProfile, relative", set(1, txDefault), ""},
		{"TxDefaultProfile with a transactionId", set(1, with(txDefault, func(p *ocpp16.ChargingProfile) { p.TransactionId = ptr(7) })), ocpp.OccurenceConstraintViolation},
		{"TxDefaultProfile with a recurrencyKind", set(1, with(txDefault, func(p *ocpp16.ChargingProfile) { p.RecurrencyKind = ocpp16.RecurrencyKindDaily })), ocpp.OccurenceConstraintViolation},
		{"relative profile with a startSchedule", set(1, with(txDefault, func(p *ocpp16.ChargingProfile) { p.ChargingSchedule.StartSchedule = &start })), ocpp.OccurenceConstraintViolation},
		{"recurring profile", set(0, recurring), ""},
		{"recurring profile without recurrencyKind", set(0, with(recurring, func(p *ocpp16.ChargingProfile) { p.RecurrencyKind = "" })), ocpp.OccurenceConstraintViolation},
		{"TxProfile, absolute, of a transaction", set(1, txAbsolute), ""},
		{"absolute profile without startSchedule", set(1, with(txAbsolute, func(p *ocpp16.ChargingProfile) { p.ChargingSchedule.StartSchedule = nil })), ocpp.OccurenceConstraintViolation},
		{"TxProfile on connector 0", set(0, txAbsolute), ocpp.PropertyConstraintViolation},
		{"ChargePointMaxProfile on connector 1", set(1, profile(ocpp16.ChargingProfilePurposeChargePointMaxProfile, ocpp16.ChargingProfileKindAbsolute, sched(&start, 0))), ocpp.PropertyConstraintViolation},
		{"first period not at 0", set(1, profile(ocpp16.ChargingProfilePurposeTxDefaultProfile, ocpp16.ChargingProfileKindRelative, sched(nil, 60))), ocpp.PropertyConstraintViolation},
		{"periods out of order", set(1, profile(ocpp16.ChargingProfilePurposeTxDefaultProfile, ocpp16.ChargingProfileKindRelative, sched(nil, 0, 600, 300))), ocpp.PropertyConstraintViolation},
		{"remote start with a TxProfile", remoteStart(profile(ocpp16.ChargingProfilePurposeTxProfile, ocpp16.ChargingProfileKindRelative, sched(nil, 0))), ""},
		{"remote start with a TxDefaultProfile", remoteStart(txDefault), ocpp.PropertyConstraintViolation},
		{"remote start with a transactionId", remoteStart(with(profile(ocpp16.ChargingProfilePurposeTxProfile, ocpp16.ChargingProfileKindRelative, sched(nil, 0)), func(p *ocpp16.ChargingProfile) { p.TransactionId = ptr(7) })), ocpp.OccurenceConstraintViolation},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, sendErr := e.csms.Remote.Send(ctx, "CP-RULES", tt.req)
			_, enqueueErr := e.csms.Remote.Enqueue(ctx, "CP-RULES", tt.req, nil)
			if tt.code == "" {
				if sendErr != nil || enqueueErr != nil {
					t.Fatalf("Send: %v; Enqueue: %v", sendErr, enqueueErr)
				}
				for range 2 { // Send's call, then the enqueued one's
					if got := <-cp.Calls(); got.Action != tt.req.Action() {
						t.Fatalf("charge point received %s", got.Action)
					}
				}
				return
			}
			for name, err := range map[string]error{"Send": sendErr, "Enqueue": enqueueErr} {
				if !errors.Is(err, remote.ErrInvalidRequest) || ocpp.CodeOf(err) != tt.code {
					t.Errorf("%s: %v (code %s), want ErrInvalidRequest with %s", name, err, ocpp.CodeOf(err), tt.code)
				}
			}
			body := string(mustMarshal(t, tt.req))
			if status, _, b := post(t, e.api+"/charge_points/CP-RULES/commands/"+tt.req.Action(), body, map[string]string{"Content-Type": "application/json"}); status != http.StatusBadRequest {
				t.Errorf("JSON API: %d %s, want 400", status, b)
			}
		})
	}
	// Nothing refused was stored or sent.
	var n int64
	if err := e.csms.Store.DB().Model(&store.Command{}).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	valid := 0
	for _, tt := range tests {
		if tt.code == "" {
			valid++
		}
	}
	if n != int64(valid) {
		t.Errorf("%d commands stored, want the %d valid ones", n, valid)
	}
	select {
	case got := <-cp.Calls():
		t.Fatalf("the charge point received %s %s", got.Action, got.Payload)
	default:
	}
}

func mustMarshal(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
