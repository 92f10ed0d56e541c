package ocppkit_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/ocppkit/ocppkit"
	"github.com/ocppkit/ocppkit/internal/testdb"
	"github.com/ocppkit/ocppkit/ocpp"
	"github.com/ocppkit/ocppkit/ocpp/ocpp16"
	"github.com/ocppkit/ocppkit/ocpp/ocpptest"
	"github.com/ocppkit/ocppkit/remote"
	"github.com/ocppkit/ocppkit/store"
)

var jsonHeader = map[string]string{"Content-Type": "application/json"}

// TestCommandsAPIBothVersions: the JSON API sends the commands of a
// station's own version, decoded with that version's schema, and answers
// 422 naming the station's version for a command of the other one;
// nothing is sent then.
func TestCommandsAPIBothVersions(t *testing.T) {
	e := newEnv(t, testdb.SQLite(t), ocppkit.Config{})
	e.register(t, "CP-16", "pw-16-0123456789ab")
	e.register(t, "CS-201", "pw-201-0123456789ab")
	cp16 := e.dialVersion(t, "CP-16", "pw-16-0123456789ab", ocpp.OCPP16)
	cs201 := e.dialVersion(t, "CS-201", "pw-201-0123456789ab", ocpp.OCPP201)
	tests := []struct {
		name, identity, action, body string
		status                       int
		want                         string // in the body
	}{
		{"1.6 command to 1.6", "CP-16", "RemoteStartTransaction", `{"idTag":"T1","connectorId":1}`, http.StatusOK, `"status":"Accepted"`},
		{"2.0.1 command to 2.0.1", "CS-201", "RequestStartTransaction", `{"idToken":{"idToken":"T1","type":"Central"},"remoteStartId":5}`, http.StatusOK, `"status":"Accepted"`},
		{"shared name, 2.0.1 payload", "CS-201", "Reset", `{"type":"OnIdle"}`, http.StatusOK, `"status":"Accepted"`},
		{"shared name, 1.6 payload to 2.0.1", "CS-201", "Reset", `{"type":"Soft"}`, http.StatusBadRequest, `PropertyConstraintViolation`},
		{"1.6 command to 2.0.1", "CS-201", "RemoteStartTransaction", `{"idTag":"T1"}`, http.StatusUnprocessableEntity, `CS-201 speaks ocpp2.0.1`},
		{"2.0.1 command to 1.6", "CP-16", "GetVariables", `{"getVariableData":[{"component":{"name":"X"},"variable":{"name":"Y"}}]}`, http.StatusUnprocessableEntity, `CP-16 speaks ocpp1.6`},
		{"unknown command", "CS-201", "Teleport", `{}`, http.StatusNotFound, `unknown command`},
		{"async 2.0.1", "CS-201", "ClearCache?async=1", `{}`, http.StatusAccepted, `"ocpp_version":"ocpp2.0.1"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, _, body := post(t, e.api+"/charge_points/"+tt.identity+"/commands/"+tt.action, tt.body, jsonHeader)
			if status != tt.status || !strings.Contains(body, tt.want) {
				t.Errorf("%d %s, want %d containing %s", status, body, tt.status, tt.want)
			}
		})
	}
	// The refused commands never reached a station: each received exactly
	// what was accepted.
	want := map[*ocpptest.ChargePoint][]string{cp16: {"RemoteStartTransaction"}, cs201: {"RequestStartTransaction", "Reset", "ClearCache"}}
	for cp, actions := range want {
		for _, a := range actions {
			select {
			case c := <-cp.Calls():
				if c.Action != a {
					t.Errorf("%s received %s, want %s", cp.Identity(), c.Action, a)
				}
			case <-time.After(10 * time.Second):
				t.Fatalf("%s did not receive %s", cp.Identity(), a)
			}
		}
	}
}

// TestWrongVersionIsRefused: a typed command of the other version, sent or
// enqueued, is a clear error naming the station's version; nothing is
// sent or stored.
func TestWrongVersionIsRefused(t *testing.T) {
	e := newEnv(t, testdb.SQLite(t), ocppkit.Config{})
	e.register(t, "CS-W", "pw-w-0123456789abc")
	cs := e.dialVersion(t, "CS-W", "pw-w-0123456789abc", ocpp.OCPP201)
	ctx := context.Background()
	_, err := e.csms.Remote.Reset(ctx, "CS-W", ocpp16.ResetRequest{Type: ocpp16.ResetTypeHard})
	if !errors.Is(err, remote.ErrWrongVersion) || !strings.Contains(err.Error(), "ocpp2.0.1") || !strings.Contains(err.Error(), "use the ocpp2.0.1 Reset") {
		t.Errorf("1.6 Reset to a 2.0.1 station: %v", err)
	}
	_, err = e.csms.Remote.RemoteStartTransaction(ctx, "CS-W", 1, "T")
	if !errors.Is(err, remote.ErrWrongVersion) || !strings.Contains(err.Error(), "ocpp2.0.1 has no RemoteStartTransaction") {
		t.Errorf("RemoteStartTransaction to a 2.0.1 station: %v", err)
	}
	if _, err := e.csms.Remote.Enqueue(ctx, "CS-W", ocpp16.ClearCacheRequest{}, nil); !errors.Is(err, remote.ErrWrongVersion) {
		t.Errorf("Enqueue of a 1.6 command for a 2.0.1 station: %v", err)
	}
	var n int64
	e.csms.Store.DB().Model(&store.Command{}).Count(&n)
	if n != 0 {
		t.Errorf("%d commands stored", n)
	}
	// A command enqueued while the station spoke 1.6 fails, unsent, when it
	// comes back speaking 2.0.1.
	cs.Close()
	e.register(t, "CP-UPGRADE", "pw-u-0123456789abc")
	old := e.dialVersion(t, "CP-UPGRADE", "pw-u-0123456789abc", ocpp.OCPP16)
	old.Close()
	<-old.Done()
	cmd, err := e.csms.Remote.Enqueue(ctx, "CP-UPGRADE", ocpp16.ResetRequest{Type: ocpp16.ResetTypeSoft}, nil)
	if err != nil {
		t.Fatal(err)
	}
	upgraded := e.dialVersion(t, "CP-UPGRADE", "pw-u-0123456789abc", ocpp.OCPP201)
	var got store.Command
	eventually(t, func() bool {
		if err := e.csms.Store.DB().First(&got, cmd.ID).Error; err != nil {
			t.Fatal(err)
		}
		return got.Status != remote.StatusPending && got.Status != remote.StatusSent
	})
	if got.Status != remote.StatusFailed || !strings.Contains(got.ErrorDescription, "speaks ocpp2.0.1") {
		t.Errorf("command after the upgrade: %+v", got)
	}
	select {
	case c := <-upgraded.Calls():
		t.Errorf("the upgraded station received %s", c.Action)
	default:
	}
}

// TestNeutralVerbsBothVersions: each version-neutral verb sends its
// version's message to a 1.6 and a 2.0.1 station, and what they read or
// write is stored in that version's place (configuration keys, device
// model).
func TestNeutralVerbsBothVersions(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		e := newEnv(t, db, ocppkit.Config{})
		ctx := context.Background()
		for _, version := range []string{ocpp.OCPP16, ocpp.OCPP201} {
			identity := "CP-" + version
			row := e.register(t, identity, "pw-neutral-0123456789")
			cp := e.dialVersion(t, identity, "pw-neutral-0123456789", version)
			cp.SetVariable(ocpptest.VariableKey{Component: "OCPPCommCtrlr", Variable: "HeartbeatInterval"}, "300")
			if version == ocpp.OCPP16 {
				cp.Handle("GetConfiguration", func(context.Context, json.RawMessage) (any, error) {
					return json.RawMessage(`{"configurationKey":[{"key":"HeartbeatInterval","readonly":false,"value":"300"}]}`), nil
				})
			}
			expect := func(t *testing.T, action string) json.RawMessage {
				t.Helper()
				select {
				case c := <-cp.Calls():
					if c.Action != action {
						t.Fatalf("%s received %s, want %s", identity, c.Action, action)
					}
					return c.Payload
				case <-time.After(10 * time.Second):
					t.Fatalf("%s received nothing", identity)
				}
				return nil
			}
			is16 := version == ocpp.OCPP16
			pick := func(a, b string) string {
				if is16 {
					return a
				}
				return b
			}
			t.Run(version, func(t *testing.T) {
				if r, err := e.csms.Remote.ResetStation(ctx, identity, true); err != nil || !r.Accepted {
					t.Errorf("ResetStation = %+v, %v", r, err)
				}
				if p := expect(t, "Reset"); !strings.Contains(string(p), pick(`"Hard"`, `"Immediate"`)) {
					t.Errorf("Reset sent %s", p)
				}
				if r, err := e.csms.Remote.Unlock(ctx, identity, 2, 0); err != nil || r.Status != "Unlocked" {
					t.Errorf("Unlock = %+v, %v", r, err)
				}
				if p := expect(t, "UnlockConnector"); !strings.Contains(string(p), pick(`"connectorId":2`, `"evseId":2`)) {
					t.Errorf("UnlockConnector sent %s", p)
				}
				if r, err := e.csms.Remote.SetAvailability(ctx, identity, 1, false); err != nil || !r.Accepted {
					t.Errorf("SetAvailability = %+v, %v", r, err)
				}
				if p := expect(t, "ChangeAvailability"); !strings.Contains(string(p), "Inoperative") {
					t.Errorf("ChangeAvailability sent %s", p)
				}
				if r, err := e.csms.Remote.SetChargingLimit(ctx, identity, 1, 16, "A"); err != nil || !r.Accepted {
					t.Errorf("SetChargingLimit = %+v, %v", r, err)
				}
				expect(t, "SetChargingProfile")
				ps, err := e.csms.Store.ChargingProfiles(ctx, row.ID)
				if err != nil || len(ps) != 1 || ps[0].EVSEID != 1 || ps[0].ProfileID != remote.LimitProfileID+1 || ps[0].Purpose != "TxDefaultProfile" {
					t.Errorf("stored limit %+v, %v", ps, err)
				}
				s, err := e.csms.Remote.ReadSetting(ctx, identity, "HeartbeatInterval")
				if err != nil || !s.Known || s.Value != "300" || s.Name != pick("HeartbeatInterval", "OCPPCommCtrlr.HeartbeatInterval") {
					t.Errorf("ReadSetting = %+v, %v", s, err)
				}
				expect(t, pick("GetConfiguration", "GetVariables"))
				if r, err := e.csms.Remote.WriteSetting(ctx, identity, "OCPPCommCtrlr.HeartbeatInterval", "60"); err != nil || !r.Accepted {
					t.Errorf("WriteSetting = %+v, %v", r, err)
				}
				if p := expect(t, pick("ChangeConfiguration", "SetVariables")); !strings.Contains(string(p), `"60"`) {
					t.Errorf("write sent %s", p)
				}
				if is16 {
					k, err := e.csms.Store.ConfigurationValue(ctx, row.ID, "HeartbeatInterval")
					if err != nil || k.Value != "60" {
						t.Errorf("stored key %+v, %v", k, err)
					}
				} else {
					v, err := e.csms.Store.Variable(ctx, row.ID, store.VariableKey{Component: "OCPPCommCtrlr", Name: "HeartbeatInterval"})
					if err != nil || v.Value != "60" || v.Status != "Accepted" {
						t.Errorf("stored variable %+v, %v", v, err)
					}
					if got, _ := cp.Variable(ocpptest.VariableKey{Component: "OCPPCommCtrlr", Variable: "HeartbeatInterval"}); got != "60" {
						t.Errorf("the station's variable is %q", got)
					}
				}
				if _, err := e.csms.Remote.ReadSetting(ctx, identity, pick("SampledDataCtrlr.NoSuchThing", "NoSuchKey")); !errors.Is(err, remote.ErrNoEquivalent) {
					t.Errorf("a setting without equivalent: %v", err)
				}
			})
		}
		if _, err := e.csms.Remote.ResetStation(ctx, "CP-NEVER", false); !errors.Is(err, remote.ErrUnknownChargePoint) {
			t.Errorf("an unknown charge point: %v", err)
		}
		e.register(t, "CP-NEW", "pw-new-0123456789ab")
		if _, err := e.csms.Remote.ResetStation(ctx, "CP-NEW", false); !errors.Is(err, remote.ErrVersionUnknown) || !errors.Is(err, remote.ErrNotConnected) {
			t.Errorf("a charge point that never connected: %v", err)
		}
	})
}

// TestSettingNames: the translation between 1.6 keys and 2.0.1 variables.
func TestSettingNames(t *testing.T) {
	for _, tt := range []struct{ version, in, want string }{
		{ocpp.OCPP201, "HeartbeatInterval", "OCPPCommCtrlr.HeartbeatInterval"},
		{ocpp.OCPP16, "OCPPCommCtrlr.HeartbeatInterval", "HeartbeatInterval"},
		{ocpp.OCPP201, "MeterValueSampleInterval", "SampledDataCtrlr.TxUpdatedInterval"},
		{ocpp.OCPP201, "AuthorizationKey", "SecurityCtrlr.BasicAuthPassword"},
		{ocpp.OCPP16, "OCPPCommCtrlr.MessageAttempts[TransactionEvent]", "TransactionMessageAttempts"},
		{ocpp.OCPP201, "EVSE/1.Power:MaxSet", "EVSE/1.Power:MaxSet"},
		{ocpp.OCPP16, "VendorKey", "VendorKey"},
	} {
		got, err := remote.SettingName(tt.version, tt.in)
		if err != nil || got != tt.want {
			t.Errorf("SettingName(%s, %q) = %q, %v; want %q", tt.version, tt.in, got, err, tt.want)
		}
	}
	if _, err := remote.SettingName(ocpp.OCPP201, "VendorKey"); !errors.Is(err, remote.ErrNoEquivalent) {
		t.Errorf("a 1.6 key without 2.0.1 equivalent: %v", err)
	}
}
