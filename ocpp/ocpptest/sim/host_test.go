package sim_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ocppkit/ocppkit"
	"github.com/ocppkit/ocppkit/broadcast"
	"github.com/ocppkit/ocppkit/internal/testdb"
	"github.com/ocppkit/ocppkit/ocpp"
	"github.com/ocppkit/ocppkit/ocpp/ocpp16"
	"github.com/ocppkit/ocppkit/ocpp/ocpp201"
	"github.com/ocppkit/ocppkit/ocpp/ocpptest"
	"github.com/ocppkit/ocppkit/ocpp/ocpptest/sim"
	"github.com/ocppkit/ocppkit/remote"
	"github.com/ocppkit/ocppkit/store"
)

// TestHostDrivesASimulatedChargePoint is a host's test as the package doc
// shows it: a real CSMS, one self-driving charge point, remote start, live
// events, remote stop.
func TestHostDrivesASimulatedChargePoint(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	csms, wsURL := hostCSMS(t, ocppkit.Config{AcceptUnknownIDTags: true})
	const pw = "sim-password-0123456789"
	cp, err := csms.RegisterChargePoint(ctx, "SIM001", pw)
	if err != nil {
		t.Fatal(err)
	}
	sessions, err := csms.Broadcaster.Subscribe(ctx, broadcast.SessionsTopic(cp.ID))
	if err != nil {
		t.Fatal(err)
	}
	meters, err := csms.Broadcaster.Subscribe(ctx, broadcast.MeterValuesTopic(cp.ID))
	if err != nil {
		t.Fatal(err)
	}

	fleet := sim.New(sim.Config{
		URL: wsURL, Password: pw, RemoteOnly: true,
		MinConnectors: 1, MaxConnectors: 1, MeterInterval: 50 * time.Millisecond, StatsInterval: -1,
	})
	stop := fleet.Start(ctx)
	t.Cleanup(func() {
		if err := stop(); err != nil {
			t.Error(err)
		}
	})
	if err := fleet.WaitReady(ctx); err != nil {
		t.Fatal(err)
	}
	if st := fleet.Stats(); st.Connected != 1 || st.ChargePoints != 1 {
		t.Fatalf("stats after WaitReady: %+v", st)
	}

	res, err := csms.Remote.RemoteStartTransaction(ctx, "SIM001", 1, "RFID1")
	if err != nil || res.Status != ocpp16.RemoteStartStopStatusAccepted {
		t.Fatalf("RemoteStartTransaction = %+v, %v", res, err)
	}
	started := nextSession(ctx, t, sessions)
	if started.Event != broadcast.SessionStarted || started.Session.IDTag != "RFID1" {
		t.Fatalf("first session event: %+v", started)
	}
	var mv broadcast.MeterValueEvent
	select {
	case m := <-meters:
		if err := json.Unmarshal(m.Data, &mv); err != nil {
			t.Fatal(err)
		}
	case <-ctx.Done():
		t.Fatal("no meter values")
	}
	if mv.SessionID == nil || *mv.SessionID != started.Session.ID {
		t.Errorf("meter value event %+v, want session %d", mv, started.Session.ID)
	}
	sess, err := csms.Store.SessionByID(ctx, started.Session.ID)
	if err != nil || !sess.IsActive() {
		t.Fatalf("session while charging: %+v, %v", sess, err)
	}

	stopRes, err := csms.Remote.RemoteStopTransaction(ctx, "SIM001", started.Session.ID)
	if err != nil || stopRes.Status != ocpp16.RemoteStartStopStatusAccepted {
		t.Fatalf("RemoteStopTransaction = %+v, %v", stopRes, err)
	}
	stopped := nextSession(ctx, t, sessions)
	if stopped.Event != broadcast.SessionStopped || stopped.Session.Status != store.SessionCompleted || stopped.Session.StopReason != string(ocpp16.ReasonRemote) {
		t.Fatalf("second session event: %+v", stopped)
	}
}

func nextSession(ctx context.Context, t *testing.T, ch <-chan broadcast.Message) broadcast.SessionEvent {
	t.Helper()
	select {
	case m := <-ch:
		var ev broadcast.SessionEvent
		if err := json.Unmarshal(m.Data, &ev); err != nil {
			t.Fatal(err)
		}
		return ev
	case <-ctx.Done():
		t.Fatal("no session event")
	}
	return broadcast.SessionEvent{}
}

// TestSimulatedSessionsUseTheGivenIDTags: charge points that charge on
// their own present Config.IDTags, so a CSMS that knows only its
// registered tags lets them charge.
func TestSimulatedSessionsUseTheGivenIDTags(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	csms, wsURL := hostCSMS(t, ocppkit.Config{AutoRegister: true})
	if err := csms.Store.UpsertIDTag(ctx, store.IDTag{Tag: "RFID-KNOWN"}); err != nil {
		t.Fatal(err)
	}
	all, err := csms.Broadcaster.Subscribe(ctx, broadcast.AllChargePointsTopic)
	if err != nil {
		t.Fatal(err)
	}
	fleet := sim.New(sim.Config{URL: wsURL, IDTags: []string{"RFID-KNOWN"},
		MinConnectors: 1, MaxConnectors: 1, StartDelay: 10 * time.Millisecond, IdleTime: 10 * time.Millisecond, MeterInterval: 50 * time.Millisecond, StatsInterval: -1})
	stop := fleet.Start(ctx)
	t.Cleanup(func() { _ = stop() })
	for {
		var env broadcast.Envelope
		select {
		case m := <-all:
			if err := json.Unmarshal(m.Data, &env); err != nil {
				t.Fatal(err)
			}
		case <-ctx.Done():
			t.Fatal("no session started")
		}
		if env.Kind != broadcast.KindSessions {
			continue
		}
		var ev broadcast.SessionEvent
		if err := json.Unmarshal(env.Data, &ev); err != nil {
			t.Fatal(err)
		}
		if ev.Event != broadcast.SessionStarted || ev.Session.IDTag != "RFID-KNOWN" {
			t.Fatalf("session event %+v", ev)
		}
		return
	}
}

// TestHostDrivesAMixedFleet: the same host code starts and stops a session
// on a simulated 1.6 charge point and a 2.0.1 station (the neutral verbs),
// sees both on the seed topics, and reads the 2.0.1 station's device model
// after GetBaseReport.
func TestHostDrivesAMixedFleet(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	csms, wsURL := hostCSMS(t, ocppkit.Config{AutoRegister: true, AcceptUnknownIDTags: true})
	fleet := sim.New(sim.Config{
		URL: wsURL, Versions: sim.Mixed, Count: 2, RemoteOnly: true,
		MinConnectors: 1, MaxConnectors: 1, MeterInterval: 50 * time.Millisecond, StatsInterval: -1,
	})
	stop := fleet.Start(ctx)
	t.Cleanup(func() { _ = stop() })
	if err := fleet.WaitReady(ctx); err != nil {
		t.Fatal(err)
	}
	for _, id := range fleet.Identities() {
		t.Run(fleet.Version(id), func(t *testing.T) {
			cp, err := csms.Store.ChargePointByIdentifier(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if cp.OCPPVersion != fleet.Version(id) {
				t.Errorf("%s stored as %q, want %q", id, cp.OCPPVersion, fleet.Version(id))
			}
			sessions, err := csms.Broadcaster.Subscribe(ctx, broadcast.SessionsTopic(cp.ID))
			if err != nil {
				t.Fatal(err)
			}
			meters, err := csms.Broadcaster.Subscribe(ctx, broadcast.MeterValuesTopic(cp.ID))
			if err != nil {
				t.Fatal(err)
			}
			res, err := csms.Remote.StartSession(ctx, id, remote.StartOptions{EVSEID: 1, IDTag: "RFID-" + id})
			if err != nil || !res.Accepted {
				t.Fatalf("StartSession = %+v, %v", res, err)
			}
			started := nextSession(ctx, t, sessions)
			if started.Event != broadcast.SessionStarted || started.Session.IDTag != "RFID-"+id {
				t.Fatalf("first session event: %+v", started)
			}
			// Stop once a periodic energy reading of the session is in.
			for periodic := false; !periodic; {
				select {
				case m := <-meters:
					var mv broadcast.MeterValueEvent
					if err := json.Unmarshal(m.Data, &mv); err != nil {
						t.Fatal(err)
					}
					periodic = mv.SessionID != nil && *mv.SessionID == started.Session.ID &&
						mv.Measurand == "Energy.Active.Import.Register" && mv.Context == "Sample.Periodic"
				case <-ctx.Done():
					t.Fatal("no meter values")
				}
			}
			stopRes, err := csms.Remote.StopSession(ctx, started.Session.ID)
			if err != nil || !stopRes.Accepted {
				t.Fatalf("StopSession = %+v, %v", stopRes, err)
			}
			stopped := nextSession(ctx, t, sessions)
			if stopped.Event != broadcast.SessionStopped || stopped.Session.StopReason != "Remote" || stopped.Session.MeterStop == nil || *stopped.Session.MeterStop < stopped.Session.MeterStart {
				t.Fatalf("second session event: %+v", stopped)
			}
		})
	}

	// The 2.0.1 station's device model, as a dashboard shows it.
	station := fleet.Identities()[0]
	cp, err := csms.Store.ChargePointByIdentifier(ctx, station)
	if err != nil {
		t.Fatal(err)
	}
	settings, err := csms.Broadcaster.Subscribe(ctx, broadcast.SettingsTopic(cp.ID))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := csms.Remote.V201().GetBaseReport(ctx, station, ocpp201.GetBaseReportRequest{RequestId: 1, ReportBase: ocpp201.ReportBaseFullInventory}); err != nil {
		t.Fatal(err)
	}
	for {
		vars, err := csms.Store.Variables(ctx, cp.ID, store.VariableFilter{Component: "OCPPCommCtrlr", Name: "HeartbeatInterval"})
		if err != nil {
			t.Fatal(err)
		}
		evse := 1
		power, err := csms.Store.Variables(ctx, cp.ID, store.VariableFilter{Component: "EVSE", Name: "Power", EVSEID: &evse})
		if err != nil {
			t.Fatal(err)
		}
		if len(vars) == 1 && vars[0].Value != "" && vars[0].Mutability == "ReadWrite" &&
			len(power) == 1 && power[0].MaxLimit != nil && *power[0].MaxLimit > 0 {
			break
		}
		select {
		case <-settings: // a part of the report was recorded
		case <-ctx.Done():
			t.Fatalf("HeartbeatInterval not recorded: %+v", vars)
		}
	}
}

// TestRotatePassword: a simulated charge point takes the password the
// CSMS rotates (1.6: ChangeConfiguration of AuthorizationKey; 2.0.1:
// SetVariables of SecurityCtrlr.BasicAuthPassword) and connects with it
// after a reset; the old one is refused.
func TestRotatePassword(t *testing.T) {
	for _, version := range []string{ocpp.OCPP16, ocpp.OCPP201} {
		t.Run(version, func(t *testing.T) { testRotatePassword(t, version) })
	}
}

func testRotatePassword(t *testing.T, version string) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	csms, wsURL := hostCSMS(t, ocppkit.Config{})
	const old = "the-first-password-0123456789"
	cp, err := csms.RegisterChargePoint(ctx, "CS001", old)
	if err != nil {
		t.Fatal(err)
	}
	conns, err := csms.Broadcaster.Subscribe(ctx, broadcast.ConnectionTopic(cp.ID))
	if err != nil {
		t.Fatal(err)
	}
	url := wsURL
	fleet := sim.New(sim.Config{URL: url, Versions: []string{version}, Prefix: "CS", Password: old, RemoteOnly: true, StatsInterval: -1})
	stop := fleet.Start(ctx)
	t.Cleanup(func() { _ = stop() })
	if err := fleet.WaitReady(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := csms.RotatePassword(ctx, "CS001"); err != nil {
		t.Fatalf("RotatePassword: %v", err)
	}
	if _, err := ocpptest.Dial(ctx, url, "CS001", &ocpptest.Options{Password: old, Subprotocols: []string{version}}); err == nil {
		t.Fatal("the old password still gets in")
	}
	if res, err := csms.Remote.ResetStation(ctx, "CS001", true); err != nil || !res.Accepted {
		t.Fatalf("ResetStation = %+v, %v", res, err)
	}
	// Disconnected by the reset, then connected again: with the new password.
	for seen := []bool{}; len(seen) < 2 || seen[len(seen)-1] != true || !slices.Contains(seen, false); {
		select {
		case m := <-conns:
			var ev broadcast.ConnectionEvent
			if err := json.Unmarshal(m.Data, &ev); err != nil {
				t.Fatal(err)
			}
			seen = append(seen, ev.Connected)
		case <-ctx.Done():
			t.Fatalf("no reconnection after the reset (stats %+v)", fleet.Stats())
		}
	}
}

// hostCSMS migrates a fresh SQLite database and serves a CSMS on it with cfg
// (cfg.DB is set) the way a host does, on its own mux, until the test ends.
// It returns the CSMS and the base URL the charge points dial.
func hostCSMS(t *testing.T, cfg ocppkit.Config) (*ocppkit.CSMS, string) {
	t.Helper()
	cfg.DB = testdb.SQLite(t)
	if err := store.Migrate(context.Background(), cfg.DB); err != nil {
		t.Fatal(err)
	}
	csms, err := ocppkit.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/ocpp/", csms)
	srv := httptest.NewServer(mux)
	t.Cleanup(func() {
		srv.Close()
		_ = csms.Shutdown(context.Background())
	})
	return csms, "ws" + strings.TrimPrefix(srv.URL, "http") + "/ocpp"
}
