package ocppkit_test

import (
	"context"
	"encoding/json"
	"math"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/ocppkit/ocppkit"
	"github.com/ocppkit/ocppkit/broadcast"
	"github.com/ocppkit/ocppkit/handlers"
	"github.com/ocppkit/ocppkit/internal/testdb"
	"github.com/ocppkit/ocppkit/ocpp"
	"github.com/ocppkit/ocppkit/ocpp/ocpp16"
	"github.com/ocppkit/ocppkit/ocpp/ocpp201"
	"github.com/ocppkit/ocppkit/ocpp/ocpptest"
	"github.com/ocppkit/ocppkit/remote"
	"github.com/ocppkit/ocppkit/store"
)

// host is a host program written once for a mixed fleet: it overrides
// StatusNotification (keeping the default behind it) to keep its own table
// of outlets, follows the seed topics, and starts and stops sessions with
// the version-neutral verbs.
type host struct {
	csms *ocppkit.CSMS

	mu      sync.Mutex
	outlets map[uint]map[int]string // charge point → EVSE → status, the host's own table
}

func newHost(csms *ocppkit.CSMS) *host {
	h := &host{csms: csms, outlets: make(map[uint]map[int]string)}
	handlers.On(csms.Handlers, func(ctx context.Context, c *handlers.Call, req ocpp16.StatusNotificationRequest) (ocpp16.StatusNotificationResponse, error) {
		h.record(c.ChargePoint.ID, req.ConnectorId, string(req.Status))
		return csms.Defaults.StatusNotification(ctx, c, req)
	})
	handlers.On(csms.Handlers, func(ctx context.Context, c *handlers.Call, req ocpp201.StatusNotificationRequest) (ocpp201.StatusNotificationResponse, error) {
		h.record(c.ChargePoint.ID, req.EvseId, string(req.ConnectorStatus))
		return csms.Defaults.V201.StatusNotification(ctx, c, req)
	})
	return h
}

func (h *host) record(cpID uint, evse int, status string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.outlets[cpID] == nil {
		h.outlets[cpID] = make(map[int]string)
	}
	h.outlets[cpID][evse] = status
}

func (h *host) outlet(cpID uint, evse int) string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.outlets[cpID][evse]
}

// charge is what the host does to charge a vehicle on a charge point's
// outlet 1 and stop after a while, whatever the version: it follows the
// seed topics and uses the neutral verbs. It returns the stopped session
// as the sessions topic published it.
func (h *host) charge(t *testing.T, identity string, cpID uint, statuses, sessions, meters <-chan broadcast.Message) broadcast.SessionInfo {
	t.Helper()
	ctx := context.Background()
	var st broadcast.StatusEvent
	decode(t, next(t, statuses), &st)
	if st.EVSEID != 1 || h.outlet(cpID, 1) == "" {
		t.Errorf("status event %+v; the override saw %q", st, h.outlet(cpID, 1))
	}
	start, err := h.csms.Remote.StartSession(ctx, identity, remote.StartOptions{EVSEID: 1, IDTag: "HOST-TAG"})
	if err != nil || !start.Accepted {
		t.Fatalf("StartSession = %+v, %v", start, err)
	}
	var ev broadcast.SessionEvent
	decode(t, next(t, sessions), &ev)
	if ev.Event != broadcast.SessionStarted || ev.Session.EVSEID != 1 || ev.Session.IDTag != "HOST-TAG" {
		t.Fatalf("started event %+v", ev)
	}
	var mv broadcast.MeterValueEvent
	for mv.Measurand != store.MeasurandEnergy || mv.Value < 2000 { // the station's first periodic reading
		decode(t, next(t, meters), &mv)
	}
	if mv.EVSEID != 1 || mv.SessionID == nil || *mv.SessionID != ev.Session.ID {
		t.Errorf("meter value event %+v", mv)
	}
	stop, err := h.csms.Remote.StopSession(ctx, ev.Session.ID)
	if err != nil || !stop.Accepted {
		t.Fatalf("StopSession = %+v, %v", stop, err)
	}
	for ev.Event != broadcast.SessionStopped {
		decode(t, next(t, sessions), &ev)
	}
	return ev.Session
}

func decode(t *testing.T, m broadcast.Message, v any) {
	t.Helper()
	if err := json.Unmarshal(m.Data, v); err != nil {
		t.Fatalf("%s: %v", m.Data, err)
	}
}

// TestSameHostCodeBothVersions: the host program above runs unchanged
// against a 1.6 and a 2.0.1 station, on SQLite and PostgreSQL.
func TestSameHostCodeBothVersions(t *testing.T) {
	for _, version := range []string{ocpp.OCPP16, ocpp.OCPP201} {
		t.Run(version, func(t *testing.T) {
			testdb.Each(t, func(t *testing.T, db *gorm.DB) {
				e := newEnv(t, db, ocppkit.Config{})
				h := newHost(e.csms)
				if err := e.csms.Store.UpsertIDTag(context.Background(), store.IDTag{Tag: "HOST-TAG", Status: store.IDTagAccepted}); err != nil {
					t.Fatal(err)
				}
				row := e.register(t, "CP-HOST", "pw-host-0123456789")
				statuses := e.subscribe(t, broadcast.StatusTopic(row.ID))
				sessions := e.subscribe(t, broadcast.SessionsTopic(row.ID))
				meters := e.subscribe(t, broadcast.MeterValuesTopic(row.ID))

				station := newRemoteStation(t, e, version, "CP-HOST", "pw-host-0123456789")
				station.status(t, "Available")
				got := h.charge(t, "CP-HOST", row.ID, statuses, sessions, meters)
				if err := <-station.stopped; err != nil {
					t.Errorf("the station's stop: %v", err)
				}

				if got.Status != store.SessionCompleted || math.Abs(got.EnergyConsumed-3) > 1e-9 || got.EVSEID != 1 {
					t.Errorf("stopped session %+v, want Completed with 3 kWh on outlet 1", got)
				}
				sess, err := e.csms.Store.SessionByID(context.Background(), got.ID)
				if err != nil || math.Abs(sess.EnergyConsumed-3) > 1e-9 || sess.StopReason != "Remote" {
					t.Errorf("session in the database %+v, %v", sess, err)
				}
				if (sess.StationTransactionID != "") != (version == ocpp.OCPP201) {
					t.Errorf("station transaction id %q on %s", sess.StationTransactionID, version)
				}
			})
		})
	}
}

// remoteStation is a simulated charge point of either version that starts
// a session when asked remotely (meter 1000 Wh, a first reading of 2500
// Wh) and stops it at 4000 Wh when asked: the station's side, which does
// differ by version.
type remoteStation struct {
	cp      *ocpptest.ChargePoint
	version string
	stopped chan error // the outcome of the station's stop, once it ran
}

func newRemoteStation(t *testing.T, e *env, version, identity, password string) *remoteStation {
	t.Helper()
	s := &remoteStation{cp: e.dialVersion(t, identity, password, version), version: version, stopped: make(chan error, 1)}
	ctx := context.Background()
	if version == ocpp.OCPP16 {
		var mu sync.Mutex
		var tx int
		ocpptest.On(s.cp, func(_ context.Context, req ocpp16.RemoteStartTransactionRequest) (any, error) {
			return ocpptest.ReplyThen(ocpp16.RemoteStartTransactionResponse{Status: ocpp16.RemoteStartStopStatusAccepted}, func() {
				sess, err := s.cp.StartSession(ctx, *req.ConnectorId, req.IdTag, 1000)
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				tx = sess.TransactionID
				mu.Unlock()
				if err := sess.Meter(ctx, ocpptest.Reading{EnergyWh: 2500, PowerW: 7400}); err != nil {
					t.Error(err)
				}
			}), nil
		})
		ocpptest.On(s.cp, func(_ context.Context, req ocpp16.RemoteStopTransactionRequest) (any, error) {
			mu.Lock()
			ok := req.TransactionId == tx
			mu.Unlock()
			if !ok {
				return ocpp16.RemoteStopTransactionResponse{Status: ocpp16.RemoteStartStopStatusRejected}, nil
			}
			return ocpptest.ReplyThen(ocpp16.RemoteStopTransactionResponse{Status: ocpp16.RemoteStartStopStatusAccepted}, func() {
				_, err := s.cp.StopTransaction(ctx, ocpp16.StopTransactionRequest{TransactionId: req.TransactionId, MeterStop: 4000, Reason: ocpp16.ReasonRemote})
				s.stopped <- err
			}), nil
		})
		return s
	}
	var mu sync.Mutex
	var tx *ocpptest.Transaction
	ocpptest.On(s.cp, func(_ context.Context, req ocpp201.RequestStartTransactionRequest) (any, error) {
		return ocpptest.ReplyThen(ocpp201.RequestStartTransactionResponse{Status: ocpp201.RequestStartStopStatusAccepted}, func() {
			started, err := s.cp.V201().StartTransaction(ctx, ocpptest.TransactionOptions{EVSEID: *req.EvseId, IDToken: req.IdToken, MeterStartWh: 1000, RemoteStartID: &req.RemoteStartId})
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			tx = started
			mu.Unlock()
			if _, err := started.Update(ctx, ocpptest.Reading{EnergyWh: 2500, PowerW: 7400}); err != nil {
				t.Error(err)
			}
		}), nil
	})
	ocpptest.On(s.cp, func(_ context.Context, req ocpp201.RequestStopTransactionRequest) (any, error) {
		mu.Lock()
		cur := tx
		mu.Unlock()
		if cur == nil || req.TransactionId != cur.ID {
			return ocpp201.RequestStopTransactionResponse{Status: ocpp201.RequestStartStopStatusRejected}, nil
		}
		return ocpptest.ReplyThen(ocpp201.RequestStopTransactionResponse{Status: ocpp201.RequestStartStopStatusAccepted}, func() {
			_, err := cur.End(ctx, 4000, ocpp201.ReasonRemote)
			s.stopped <- err
		}), nil
	})
	return s
}

// status reports outlet 1's status.
func (s *remoteStation) status(t *testing.T, status string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var err error
	if s.version == ocpp.OCPP16 {
		_, err = s.cp.StatusNotification(ctx, 1, ocpp16.ChargePointStatus(status), ocpp16.ChargePointErrorCodeNoError)
	} else {
		_, err = s.cp.V201().StatusNotification(ctx, 1, 1, ocpp201.ConnectorStatus(status))
	}
	if err != nil {
		t.Fatal(err)
	}
}
