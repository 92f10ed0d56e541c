package ocppkit_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/ocppkit/ocppkit"
	"github.com/ocppkit/ocppkit/broadcast"
	"github.com/ocppkit/ocppkit/internal/testdb"
	"github.com/ocppkit/ocppkit/ocpp/ocpp16"
	"github.com/ocppkit/ocppkit/remote"
	"github.com/ocppkit/ocppkit/store"
)

func nextReservation(t *testing.T, ch <-chan broadcast.Message) broadcast.ReservationEvent {
	t.Helper()
	var ev broadcast.ReservationEvent
	if err := json.Unmarshal(next(t, ch).Data, &ev); err != nil {
		t.Fatal(err)
	}
	return ev
}

func nextSettings(t *testing.T, ch <-chan broadcast.Message) broadcast.SettingsEvent {
	t.Helper()
	var ev broadcast.SettingsEvent
	if err := json.Unmarshal(next(t, ch).Data, &ev); err != nil {
		t.Fatal(err)
	}
	return ev
}

// TestCommandStateSurvivesRestart drives the commands that imply state
// (reservations, local list, charging profiles, configuration) through a
// real socket, checks the events and the connector status, then starts a
// new CSMS on the same database and finds everything there.
func TestCommandStateSurvivesRestart(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		e := newEnv(t, db, ocppkit.Config{AcceptUnknownIDTags: true})
		ctx := context.Background()
		row := e.register(t, "CP-ST", "pw-0123456789abcdef")
		reservations := e.subscribe(t, broadcast.ReservationsTopic(row.ID))
		settings := e.subscribe(t, broadcast.SettingsTopic(row.ID))
		status := e.subscribe(t, broadcast.StatusTopic(row.ID))
		cp := e.dial(t, "CP-ST", "pw-0123456789abcdef")
		r := e.csms.Remote
		expiry := ocpp16.NewDateTime(time.Now().Add(time.Hour))

		// ReserveNow → reservation Active; the charge point reports Reserved.
		if res, err := r.ReserveNow(ctx, "CP-ST", ocpp16.ReserveNowRequest{ConnectorId: 1, ExpiryDate: expiry, IdTag: "RFID-R", ReservationId: 1}); err != nil || res.Status != ocpp16.ReservationStatusAccepted {
			t.Fatalf("ReserveNow = %+v, %v", res, err)
		}
		if ev := nextReservation(t, reservations); ev.Event != "created" || ev.Reservation.ReservationID != 1 || ev.Reservation.Status != store.ReservationActive || ev.Reservation.IDTag != "RFID-R" {
			t.Fatalf("reservation event = %+v", ev)
		}
		if _, err := cp.StatusNotification(ctx, 1, ocpp16.ChargePointStatusReserved, ocpp16.ChargePointErrorCodeNoError); err != nil {
			t.Fatal(err)
		}
		var st broadcast.StatusEvent
		json.Unmarshal(next(t, status).Data, &st)
		if st.ConnectorID != 1 || st.Status != "Reserved" {
			t.Fatalf("status event = %+v", st)
		}
		// A StartTransaction with the reservation consumes it.
		start, err := cp.StartTransaction(ctx, ocpp16.StartTransactionRequest{ConnectorId: 1, IdTag: "RFID-R", MeterStart: 0, ReservationId: ptr(1)})
		if err != nil {
			t.Fatal(err)
		}
		ev := nextReservation(t, reservations)
		if ev.Event != "used" || ev.Reservation.Status != store.ReservationUsed || ev.Reservation.SessionID == nil {
			t.Fatalf("reservation event = %+v", ev)
		}
		usedBy := *ev.Reservation.SessionID
		// Cancelled, and expired.
		if _, err := r.ReserveNow(ctx, "CP-ST", ocpp16.ReserveNowRequest{ConnectorId: 2, ExpiryDate: expiry, IdTag: "RFID-R", ReservationId: 2}); err != nil {
			t.Fatal(err)
		}
		nextReservation(t, reservations)
		if res, err := r.CancelReservation(ctx, "CP-ST", ocpp16.CancelReservationRequest{ReservationId: 2}); err != nil || res.Status != ocpp16.CancelReservationStatusAccepted {
			t.Fatalf("CancelReservation = %+v, %v", res, err)
		}
		if ev := nextReservation(t, reservations); ev.Event != "cancelled" || ev.Reservation.ReservationID != 2 {
			t.Fatalf("reservation event = %+v", ev)
		}
		past := ocpp16.NewDateTime(time.Now().Add(-time.Minute))
		if _, err := r.ReserveNow(ctx, "CP-ST", ocpp16.ReserveNowRequest{ConnectorId: 2, ExpiryDate: past, IdTag: "RFID-R", ReservationId: 3}); err != nil {
			t.Fatal(err)
		}
		nextReservation(t, reservations)
		if err := r.ExpireReservations(ctx); err != nil {
			t.Fatal(err)
		}
		if ev := nextReservation(t, reservations); ev.Event != "expired" || ev.Reservation.ReservationID != 3 || ev.Reservation.Status != store.ReservationExpired {
			t.Fatalf("reservation event = %+v", ev)
		}
		// A rejected reservation is not recorded.
		cp.Handle("ReserveNow", func(ctx context.Context, _ json.RawMessage) (any, error) {
			return ocpp16.ReserveNowResponse{Status: ocpp16.ReservationStatusOccupied}, nil
		})
		if res, err := r.ReserveNow(ctx, "CP-ST", ocpp16.ReserveNowRequest{ConnectorId: 1, ExpiryDate: expiry, IdTag: "X", ReservationId: 4}); err != nil || res.Status != ocpp16.ReservationStatusOccupied {
			t.Fatalf("ReserveNow = %+v, %v", res, err)
		}

		// Local list: full, then differential; the reported version.
		if _, err := r.SendLocalList(ctx, "CP-ST", ocpp16.SendLocalListRequest{ListVersion: 1, UpdateType: ocpp16.UpdateTypeFull, LocalAuthorizationList: []ocpp16.AuthorizationData{
			{IdTag: "A", IdTagInfo: &ocpp16.IdTagInfo{Status: ocpp16.AuthorizationStatusAccepted}},
			{IdTag: "B", IdTagInfo: &ocpp16.IdTagInfo{Status: ocpp16.AuthorizationStatusAccepted}},
		}}); err != nil {
			t.Fatal(err)
		}
		if ev := nextSettings(t, settings); ev.Setting != "local_list" || ev.Version == nil || *ev.Version != 1 {
			t.Fatalf("settings event = %+v", ev)
		}
		if _, err := r.SendLocalList(ctx, "CP-ST", ocpp16.SendLocalListRequest{ListVersion: 2, UpdateType: ocpp16.UpdateTypeDifferential, LocalAuthorizationList: []ocpp16.AuthorizationData{
			{IdTag: "B"}, {IdTag: "C", IdTagInfo: &ocpp16.IdTagInfo{Status: ocpp16.AuthorizationStatusBlocked}},
		}}); err != nil {
			t.Fatal(err)
		}
		nextSettings(t, settings)
		cp.Handle("SendLocalList", func(ctx context.Context, _ json.RawMessage) (any, error) {
			return ocpp16.SendLocalListResponse{Status: ocpp16.UpdateStatusFailed}, nil
		})
		if _, err := r.SendLocalList(ctx, "CP-ST", ocpp16.SendLocalListRequest{ListVersion: 9, UpdateType: ocpp16.UpdateTypeFull}); err != nil {
			t.Fatal(err)
		}

		// Charging profiles.
		if _, err := r.SetChargingProfile(ctx, "CP-ST", ocpp16.SetChargingProfileRequest{ConnectorId: 1, CsChargingProfiles: txProfile(10, ocpp16.ChargingProfilePurposeTxDefaultProfile)}); err != nil {
			t.Fatal(err)
		}
		if ev := nextSettings(t, settings); ev.Setting != "charging_profiles" || ev.ConnectorID == nil || *ev.ConnectorID != 1 {
			t.Fatalf("settings event = %+v", ev)
		}
		tx := txProfile(11, ocpp16.ChargingProfilePurposeTxProfile)
		if _, err := r.RemoteStart(ctx, "CP-ST", ocpp16.RemoteStartTransactionRequest{ConnectorId: ptr(2), IdTag: "RFID-R", ChargingProfile: &tx}); err != nil {
			t.Fatal(err)
		}
		nextSettings(t, settings)
		if _, err := r.SetChargingProfile(ctx, "CP-ST", ocpp16.SetChargingProfileRequest{ConnectorId: 0, CsChargingProfiles: txProfile(12, ocpp16.ChargingProfilePurposeChargePointMaxProfile)}); err != nil {
			t.Fatal(err)
		}
		nextSettings(t, settings)
		if _, err := r.ClearChargingProfile(ctx, "CP-ST", ocpp16.ClearChargingProfileRequest{Id: ptr(12)}); err != nil {
			t.Fatal(err)
		}
		nextSettings(t, settings)

		// Configuration: reported, then changed.
		cp.Handle("GetConfiguration", func(ctx context.Context, _ json.RawMessage) (any, error) {
			return ocpp16.GetConfigurationResponse{
				ConfigurationKey: []ocpp16.KeyValue{{Key: "HeartbeatInterval", Value: "300"}, {Key: "NumberOfConnectors", Value: "2", Readonly: true}},
				UnknownKey:       []string{"Vendor.Thing"},
			}, nil
		})
		if _, err := r.GetConfiguration(ctx, "CP-ST", ocpp16.GetConfigurationRequest{}); err != nil {
			t.Fatal(err)
		}
		if ev := nextSettings(t, settings); ev.Setting != "configuration" || len(ev.Keys) != 3 {
			t.Fatalf("settings event = %+v", ev)
		}
		if _, err := r.ChangeConfiguration(ctx, "CP-ST", ocpp16.ChangeConfigurationRequest{Key: "HeartbeatInterval", Value: "60"}); err != nil {
			t.Fatal(err)
		}
		nextSettings(t, settings)
		cp.Handle("ChangeConfiguration", func(ctx context.Context, _ json.RawMessage) (any, error) {
			return ocpp16.ChangeConfigurationResponse{Status: ocpp16.ConfigurationStatusRejected}, nil
		})
		if _, err := r.ChangeConfiguration(ctx, "CP-ST", ocpp16.ChangeConfigurationRequest{Key: "NumberOfConnectors", Value: "9"}); err != nil {
			t.Fatal(err)
		}
		cp.Close()

		// Restart: a new CSMS on the same database.
		shutdown, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		if err := e.csms.Shutdown(shutdown); err != nil {
			t.Fatal(err)
		}
		again, err := ocppkit.New(ocppkit.Config{DB: db, NodeID: "restarted"})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { again.Shutdown(context.Background()) })
		s := again.Store

		rs, err := s.Reservations(ctx, row.ID, time.Now(), false)
		if err != nil {
			t.Fatal(err)
		}
		byID := map[int]store.Reservation{}
		for _, r := range rs {
			byID[r.ReservationID] = r
		}
		if len(rs) != 3 || byID[1].Status != store.ReservationUsed || byID[2].Status != store.ReservationCancelled || byID[3].Status != store.ReservationExpired {
			t.Errorf("reservations after restart = %+v", rs)
		}
		sess, err := s.SessionByTransactionID(ctx, row.ID, start.TransactionId)
		if err != nil || byID[1].SessionID == nil || *byID[1].SessionID != sess.ID || sess.ID != usedBy || sess.ReservationID == nil || *sess.ReservationID != 1 {
			t.Errorf("reservation 1 used by %v, session %+v (%v)", byID[1].SessionID, sess, err)
		}
		conns, err := s.Connectors(ctx, row.ID)
		if err != nil || len(conns) != 1 || conns[0].Status != "Reserved" {
			t.Errorf("connectors after restart = %+v, %v", conns, err)
		}

		if v, err := s.LocalListVersion(ctx, row.ID); err != nil || v != 2 {
			t.Errorf("local list version = %d, %v", v, err)
		}
		entries, err := s.LocalListEntries(ctx, row.ID)
		if err != nil || len(entries) != 2 || entries[0].IDTag != "A" || entries[1].IDTag != "C" || entries[1].Status != "Blocked" {
			t.Errorf("local list = %+v, %v", entries, err)
		}

		profiles, err := s.ChargingProfiles(ctx, row.ID)
		if err != nil || len(profiles) != 2 {
			t.Fatalf("charging profiles = %+v, %v", profiles, err)
		}
		if p := profiles[0]; p.ProfileID != 10 || p.ConnectorID != 1 || p.Purpose != "TxDefaultProfile" || p.StackLevel != 1 {
			t.Errorf("profile 10 = %+v", p)
		}
		var stored ocpp16.ChargingProfile
		if p := profiles[1]; p.ProfileID != 11 || p.ConnectorID != 2 || p.Purpose != "TxProfile" || json.Unmarshal([]byte(p.Profile), &stored) != nil || stored.ChargingSchedule.ChargingSchedulePeriod[1].Limit != 7400.5 {
			t.Errorf("profile 11 = %+v", p)
		}

		keys, err := s.Configuration(ctx, row.ID)
		if err != nil || len(keys) != 3 {
			t.Fatalf("configuration = %+v, %v", keys, err)
		}
		if k := keys[0]; k.Key != "HeartbeatInterval" || k.Value != "60" || k.ChangedAt == nil {
			t.Errorf("HeartbeatInterval = %+v", k)
		}
		if k := keys[1]; k.Key != "NumberOfConnectors" || k.Value != "2" || !k.Readonly {
			t.Errorf("NumberOfConnectors = %+v (a rejected change is not recorded)", k)
		}
		if k := keys[2]; k.Key != "Vendor.Thing" || !k.Unknown {
			t.Errorf("unknown key = %+v", k)
		}
	})
}

// TestEnqueueEveryKindOfCommand enqueues several different commands for an
// offline charge point; they are delivered in order when it connects, and
// the state the accepted ones imply is recorded on completion, as for the
// synchronous calls.
func TestEnqueueEveryKindOfCommand(t *testing.T) {
	e := newEnv(t, testdb.SQLite(t), ocppkit.Config{})
	row := e.register(t, "CP-AQ", "pw-0123456789abcdef")
	ctx := context.Background()
	commands := e.subscribe(t, broadcast.CommandsTopic(row.ID))
	reqs := []ocpp16.Request{
		ocpp16.ReserveNowRequest{ConnectorId: 1, ExpiryDate: ocpp16.NewDateTime(time.Now().Add(time.Hour)), IdTag: "RFID-Q", ReservationId: 5},
		ocpp16.ChangeConfigurationRequest{Key: "MeterValueSampleInterval", Value: "30"},
		ocpp16.SetChargingProfileRequest{ConnectorId: 1, CsChargingProfiles: txProfile(20, ocpp16.ChargingProfilePurposeTxDefaultProfile)},
		ocpp16.SendLocalListRequest{ListVersion: 3, UpdateType: ocpp16.UpdateTypeFull, LocalAuthorizationList: []ocpp16.AuthorizationData{{IdTag: "Q", IdTagInfo: &ocpp16.IdTagInfo{Status: ocpp16.AuthorizationStatusAccepted}}}},
		ocpp16.TriggerMessageRequest{RequestedMessage: ocpp16.MessageTriggerHeartbeat},
		ocpp16.GetLogRequest{Log: ocpp16.LogParameters{RemoteLocation: "https://logs.example.com/"}, LogType: ocpp16.LogTypeDiagnosticsLog, RequestId: 1},
	}
	for _, req := range reqs {
		if _, err := e.csms.Remote.Enqueue(ctx, "CP-AQ", req, nil); err != nil {
			t.Fatal(err)
		}
	}
	cp := e.dial(t, "CP-AQ", "pw-0123456789abcdef")
	for _, req := range reqs {
		got := <-cp.Calls()
		if got.Action != req.Action() {
			t.Fatalf("delivered %s, want %s", got.Action, req.Action())
		}
	}
	completed := 0
	for completed < len(reqs) {
		var ev broadcast.CommandEvent
		json.Unmarshal(next(t, commands).Data, &ev)
		switch ev.Status {
		case remote.StatusCompleted:
			completed++
		case remote.StatusFailed, remote.StatusExpired:
			t.Fatalf("command event %+v", ev)
		}
	}
	s := e.csms.Store
	if r, err := s.ReservationByID(ctx, row.ID, 5); err != nil || r.Status != store.ReservationActive || r.IDTag != "RFID-Q" {
		t.Errorf("reservation = %+v, %v", r, err)
	}
	if k, err := s.ConfigurationValue(ctx, row.ID, "MeterValueSampleInterval"); err != nil || k.Value != "30" {
		t.Errorf("configuration = %+v, %v", k, err)
	}
	if ps, err := s.ChargingProfiles(ctx, row.ID); err != nil || len(ps) != 1 || ps[0].ProfileID != 20 {
		t.Errorf("charging profiles = %+v, %v", ps, err)
	}
	if v, err := s.LocalListVersion(ctx, row.ID); err != nil || v != 3 {
		t.Errorf("local list version = %d, %v", v, err)
	}
}

// TestAuthorizationKeyIsNeverStored: the configuration table records that
// AuthorizationKey was changed, never its value.
func TestAuthorizationKeyIsNeverStored(t *testing.T) {
	e := newEnv(t, testdb.SQLite(t), ocppkit.Config{})
	row := e.register(t, "CP-AK", "pw-0123456789abcdef")
	e.dial(t, "CP-AK", "pw-0123456789abcdef")
	ctx := context.Background()
	if _, err := e.csms.Remote.ChangeConfiguration(ctx, "CP-AK", ocpp16.ChangeConfigurationRequest{Key: "AuthorizationKey", Value: "0123456789abcdef0123"}); err != nil {
		t.Fatal(err)
	}
	k, err := e.csms.Store.ConfigurationValue(ctx, row.ID, "AuthorizationKey")
	if err != nil || k.Value != "" || k.ChangedAt == nil {
		t.Errorf("AuthorizationKey row = %+v, %v", k, err)
	}
	if _, err := e.csms.Remote.ChangeConfiguration(ctx, "CP-NONE", ocpp16.ChangeConfigurationRequest{Key: "K", Value: "V"}); !errors.Is(err, remote.ErrUnknownChargePoint) {
		t.Errorf("unknown charge point: %v", err)
	}
}
