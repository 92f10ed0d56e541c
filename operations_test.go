package ocppkit_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/ocppkit/ocppkit"
	"github.com/ocppkit/ocppkit/internal/testdb"
	"github.com/ocppkit/ocppkit/ocpp/ocpp16"
	"github.com/ocppkit/ocppkit/store"
	"github.com/ocppkit/ocppkit/store/sqlitedb"
)

const opsPassword = "ops-pw-0123456789abcdef"

func getReport(t *testing.T, h http.Handler) (int, ocppkit.HealthReport) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	var r ocppkit.HealthReport
	if err := json.Unmarshal(rec.Body.Bytes(), &r); err != nil {
		t.Fatalf("health body %q: %v", rec.Body, err)
	}
	return rec.Code, r
}

// TestHealthAndReadiness: a running CSMS is healthy and ready; a database
// that does not answer makes it unready but still healthy (a restart would
// not help); after Shutdown it is neither.
func TestHealthAndReadiness(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "ocpp.db")
	db, err := sqlitedb.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, db, ocppkit.Config{MessageLog: true})
	for _, h := range []http.Handler{e.csms.HealthHandler(), e.csms.ReadyHandler()} {
		if code, r := getReport(t, h); code != http.StatusOK || r.Status != "ok" || r.Err() != nil {
			t.Errorf("health of a running CSMS = %d %+v", code, r)
		}
	}
	if _, r := getReport(t, e.csms.ReadyHandler()); r.Checks["database"] != "ok" || r.Checks["writers"] != "ok" || r.Checks["accepting"] != "ok" {
		t.Errorf("readiness checks = %v", r.Checks)
	}

	sqlDB, _ := db.DB()
	_ = sqlDB.Close()
	code, r := getReport(t, e.csms.ReadyHandler())
	if code != http.StatusServiceUnavailable || r.Checks["database"] == "ok" || r.Err() == nil {
		t.Errorf("readiness with the database closed = %d %+v", code, r)
	}
	if code, r := getReport(t, e.csms.HealthHandler()); code != http.StatusOK {
		t.Errorf("liveness with the database closed = %d %+v; want 200 (a restart does not bring a database back)", code, r)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_ = e.csms.Shutdown(ctx) // its writers' last flush fails on the closed database
	if code, r := getReport(t, e.csms.HealthHandler()); code != http.StatusServiceUnavailable || r.Checks["writers"] != "stopped" {
		t.Errorf("liveness after Shutdown = %d %+v", code, r)
	}
}

// TestShutdownFailsReadinessFirst: a load balancer must see the node
// unready before its sockets close, or it sends the reconnecting charge
// points straight back to it. With DrainDelay the sockets stay open (and
// served) for that long while readiness fails.
func TestShutdownFailsReadinessFirst(t *testing.T) {
	t.Parallel()
	t.Run("order", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, testdb.SQLite(t), ocppkit.Config{})
		e.register(t, "CP-D", opsPassword)
		cp := e.dial(t, "CP-D", opsPassword)
		go e.csms.Shutdown(context.Background())
		select {
		case <-cp.Done():
		case <-time.After(10 * time.Second):
			t.Fatal("Shutdown did not close the socket")
		}
		if r := e.csms.Ready(context.Background()); r.Checks["accepting"] != "shutting down" {
			t.Errorf("readiness when the socket closed = %+v; want it failed already", r)
		}
	})
	t.Run("drain delay", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, testdb.SQLite(t), ocppkit.Config{DrainDelay: time.Hour})
		e.register(t, "CP-D", opsPassword)
		cp := e.dial(t, "CP-D", opsPassword)
		ctx, endDrain := context.WithCancel(context.Background())
		shut := make(chan error, 1)
		go func() { shut <- e.csms.Shutdown(ctx) }()
		waitFor(t, "readiness to fail", func() bool { return e.csms.Ready(context.Background()).Status != "ok" })
		// Draining: still served.
		if _, err := cp.Heartbeat(context.Background()); err != nil {
			t.Fatalf("heartbeat while draining: %v", err)
		}
		select {
		case <-cp.Done():
			t.Fatal("socket closed during the drain delay")
		default:
		}
		endDrain() // the orchestrator's grace period is over
		select {
		case <-cp.Done():
		case <-time.After(10 * time.Second):
			t.Fatal("Shutdown did not close the socket after the drain")
		}
		<-shut
	})
}

// waitFor polls cond (a state with no event to wait on) for up to 10s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(10 * time.Second)
	for !cond() {
		select {
		case <-tick.C:
		case <-deadline:
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// TestReadinessChecksTheBackplane: a node whose backplane implements
// Checker reports it.
func TestReadinessChecksTheBackplane(t *testing.T) {
	eachBackplane(t, func(t *testing.T, d *deployment) {
		n := d.start(t, "node-r")
		r := n.csms.Ready(context.Background())
		if r.Status != "ok" || r.Checks["backplane"] != "ok" {
			t.Errorf("readiness = %+v; want ok with a backplane check", r)
		}
	})
}

// TestMessageLog: with MessageLog on, every frame of both directions is
// stored, in order, with its type, message id and action (a reply's being
// the action of the CALL it answers); the commands API serves them.
func TestMessageLog(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		t.Parallel()
		e := newEnv(t, db, ocppkit.Config{MessageLog: true, AcceptUnknownIDTags: true})
		e.register(t, "CP-LOG", opsPassword)
		cp := e.dial(t, "CP-LOG", opsPassword)
		ctx := context.Background()
		if _, err := cp.BootNotification(ctx, ocpp16.BootNotificationRequest{ChargePointVendor: "V", ChargePointModel: "M"}); err != nil {
			t.Fatal(err)
		}
		if _, err := cp.CallRaw(ctx, []byte(`[2,"bad-1","StatusNotification",{"connectorId":"x"}]`)); err != nil {
			t.Fatal(err)
		}
		if err := cp.SendRaw(ctx, []byte(`not even JSON`)); err != nil {
			t.Fatal(err)
		}
		if _, err := cp.Heartbeat(ctx); err != nil { // after the garbage: it was read
			t.Fatal(err)
		}
		if _, err := e.csms.Remote.Reset(ctx, "CP-LOG", ocpp16.ResetRequest{Type: ocpp16.ResetTypeSoft}); err != nil {
			t.Fatal(err)
		}
		sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		if err := e.csms.Shutdown(sctx); err != nil { // flushes the log
			t.Fatal(err)
		}

		// Every frame logged, as sent and received (a CALL and its reply
		// share a row).
		sent, received := e.frames.snapshot()
		var rows []store.Message
		if err := db.Where("identifier = ?", "CP-LOG").Order("id").Find(&rows).Error; err != nil {
			t.Fatal(err)
		}
		var loggedIn, loggedOut []string
		for _, r := range rows {
			if r.Direction == store.DirectionIn {
				loggedIn = append(loggedIn, r.Frame)
				if r.ReplyType != 0 {
					loggedOut = append(loggedOut, r.ReplyFrame)
				}
			} else {
				loggedOut = append(loggedOut, r.Frame)
				if r.ReplyType != 0 {
					loggedIn = append(loggedIn, r.ReplyFrame)
				}
			}
		}
		for _, c := range []struct {
			dir    string
			logged []string
			frames [][]byte
		}{{"received", loggedIn, received}, {"sent", loggedOut, sent}} {
			var frames []string
			for _, f := range c.frames {
				frames = append(frames, string(f))
			}
			slices.Sort(frames)
			slices.Sort(c.logged)
			if !slices.Equal(frames, c.logged) {
				t.Errorf("frames %s:\n%q\nlogged:\n%q", c.dir, frames, c.logged)
			}
		}
		type exchange struct {
			dir, action string
			typ, reply  int
		}
		var got []exchange
		for _, r := range rows {
			got = append(got, exchange{r.Direction, r.Action, r.MessageType, r.ReplyType})
			if r.ChargePointID == 0 || r.MessageType != 0 && r.MessageID == "" || r.CreatedAt.IsZero() || (r.ReplyType != 0) != (r.RepliedAt != nil) {
				t.Errorf("row %+v lacks its charge point, message id or times", r)
			}
		}
		want := []exchange{
			{"in", "Heartbeat", 2, 3},
			{"in", "BootNotification", 2, 3},
			{"in", "StatusNotification", 2, 4},
			{"in", "", 0, 0},
			{"in", "Heartbeat", 2, 3},
			{"out", "Reset", 2, 3},
		}
		if !slices.Equal(got, want) {
			t.Fatalf("logged %v, want %v", got, want)
		}
		if rows[2].MessageID != "bad-1" {
			t.Errorf("CALL's message id logged as %q", rows[2].MessageID)
		}

		// The last frames, and a tail after one of them.
		last, err := e.csms.Store.Messages(ctx, rows[0].ChargePointID, 0, 3)
		if err != nil || len(last) != 3 || last[2].ID != rows[len(rows)-1].ID || last[0].ID != rows[len(rows)-3].ID {
			t.Errorf("last 3 frames = %+v, %v", last, err)
		}
		tail, err := e.csms.Store.Messages(ctx, rows[0].ChargePointID, rows[2].ID, 2)
		if err != nil || len(tail) != 2 || tail[0].ID != rows[3].ID || tail[1].ID != rows[4].ID {
			t.Errorf("tail after row 2 = %+v, %v", tail, err)
		}
	})
}

// TestMessageLogFullNeverDelaysReplies: while the message log's writer is
// stuck (another process holds SQLite's write lock), charge points are
// answered all the same; the frames that do not fit its queue are dropped
// and counted, and the rest are written once the lock is released.
func TestMessageLogFullNeverDelaysReplies(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "ocpp.db")
	db, err := sqlitedb.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	var written, dropped atomic.Int64
	e := newEnv(t, db, ocppkit.Config{MessageLog: true, MessageLogQueue: 4, Observer: ocppkit.Observer{
		MessageLog: func(w, d int) { written.Add(int64(w)); dropped.Add(int64(d)) },
	}})
	e.register(t, "CP-FULL", opsPassword)
	cp := e.dial(t, "CP-FULL", opsPassword)
	ctx := context.Background()
	sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	// Let the first frames reach the table, so the writer is idle.
	waitFor(t, "the first heartbeat logged", func() bool { return written.Load() == 2 })

	other, err := sqlitedb.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	otherSQL, _ := other.DB()
	defer otherSQL.Close()
	lock, err := otherSQL.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lock.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	const heartbeats = 50
	for i := range heartbeats {
		if _, err := cp.Heartbeat(ctx); err != nil {
			t.Fatalf("heartbeat %d while the log is stuck: %v", i, err)
		}
	}
	// Every reply came while the writer could not write: none waited for it.
	if d := e.csms.MessageLogDropped(); d == 0 || dropped.Load() != int64(d) {
		t.Errorf("dropped frames: CSMS says %d, the Observer %d; want the same, above 0", d, dropped.Load())
	}
	if _, err := lock.ExecContext(ctx, "ROLLBACK"); err != nil {
		t.Fatal(err)
	}
	_ = lock.Close()
	if err := e.csms.Shutdown(sctx); err != nil {
		t.Fatal(err)
	}
	var logged []store.Message
	if err := db.Find(&logged).Error; err != nil {
		t.Fatal(err)
	}
	rows := int64(0)
	for _, m := range logged {
		rows += int64(m.Frames())
	}
	total := int64(2 + 2*heartbeats)
	if rows+int64(e.csms.MessageLogDropped()) != total || rows != written.Load() {
		t.Errorf("%d frames logged + %d dropped, want %d frames; the Observer saw %d written", rows, e.csms.MessageLogDropped(), total, written.Load())
	}
	t.Logf("%d frames: %d logged, %d dropped", total, rows, e.csms.MessageLogDropped())
}

// TestMessagesAPI: the commands API serves the last frames of a charge
// point, and a tail after a given one.
func TestMessagesAPI(t *testing.T) {
	t.Parallel()
	e := newEnv(t, testdb.SQLite(t), ocppkit.Config{MessageLog: true})
	cp := e.register(t, "CP-API", opsPassword)
	for i := range 3 {
		if err := e.csms.Store.LogMessages(context.Background(), store.Message{ChargePointID: cp.ID, Identifier: "CP-API", Direction: store.DirectionIn,
			MessageType: 2, MessageID: string(rune('a' + i)), Action: "Heartbeat", Frame: `[2,"x","Heartbeat",{}]`}); err != nil {
			t.Fatal(err)
		}
	}
	get := func(query string) (int, []store.Message) {
		res, err := http.Get(e.api + "/charge_points/CP-API/messages" + query)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var body struct {
			Messages []store.Message `json:"messages"`
		}
		_ = json.NewDecoder(res.Body).Decode(&body)
		return res.StatusCode, body.Messages
	}
	code, all := get("")
	if code != http.StatusOK || len(all) != 3 || all[0].MessageID != "a" || all[2].MessageID != "c" {
		t.Fatalf("GET messages = %d %+v", code, all)
	}
	if code, last := get("?limit=2"); code != http.StatusOK || len(last) != 2 || last[0].MessageID != "b" {
		t.Errorf("GET messages?limit=2 = %d %+v", code, last)
	}
	if code, tail := get("?after=" + jsonNumber(all[0].ID)); code != http.StatusOK || len(tail) != 2 || tail[0].MessageID != "b" {
		t.Errorf("GET messages?after = %d %+v", code, tail)
	}
	if code, _ := get("?limit=nope"); code != http.StatusBadRequest {
		t.Errorf("GET messages?limit=nope = %d, want 400", code)
	}
	res, err := http.Get(e.api + "/charge_points/CP-NONE/messages")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusNotFound {
		t.Errorf("messages of an unknown charge point = %d, want 404", res.StatusCode)
	}
}

func jsonNumber(id uint) string {
	b, _ := json.Marshal(id)
	return string(b)
}
