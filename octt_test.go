package ocppkit_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http/httptest"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/ocppkit/ocppkit"
	"github.com/ocppkit/ocppkit/broadcast"
	"github.com/ocppkit/ocppkit/internal/schematest"
	"github.com/ocppkit/ocppkit/internal/testdb"
	"github.com/ocppkit/ocppkit/ocpp"
	"github.com/ocppkit/ocppkit/ocpp/ocpp16"
	"github.com/ocppkit/ocppkit/ocpp/ocpptest"
	"github.com/ocppkit/ocppkit/remote"
	"github.com/ocppkit/ocppkit/store"
)

// TestOCTT plays the part of the OCA's compliance test tool (OCTT) for
// every OCPP 1.6 Central System case (testdata/octt16-cases.md): a
// simulated charge point on a real socket against a fully wired CSMS, on
// SQLite and on PostgreSQL. Each case asserts what the CSMS sends, answers
// and records; afterwards every frame the CSMS sent must validate against
// the official schemas, and nothing may have been logged at Error level.
// docs/conformance.md is checked against this list by
// TestConformanceTable.
func TestOCTT(t *testing.T) {
	for _, c := range octtCases {
		t.Run(c.id, func(t *testing.T) {
			t.Parallel()
			if c.notApplicable != "" {
				t.Skip("not applicable: " + c.notApplicable)
			}
			testdb.Each(t, func(t *testing.T, db *gorm.DB) {
				h := newOCTT(t, db, c)
				c.run(h)
				h.finish()
			})
		})
	}
}

// octtCase is one OCTT case and the test that plays it.
type octtCase struct {
	id string
	// notApplicable is why the case does not apply to a CSMS library; ""
	// when it runs.
	notApplicable string
	// config returns the CSMS's configuration; nil: the zero Config.
	config func(t *testing.T) ocppkit.Config
	// tls serves the CSMS over TLS too (h.wss), with a client CA (h.ca).
	tls bool
	run func(h *octt)
}

const (
	octtIdentity = "OCTT-CP"
	octtPassword = "octt-pw-0123456789abcdef"

	tagOK      = "OCTT-OK"
	tagOK2     = "OCTT-OK-2"
	tagInvalid = "OCTT-INVALID"
	tagExpired = "OCTT-EXPIRED"
	tagBlocked = "OCTT-BLOCKED"
	tagParent  = "OCTT-PARENT"
	tagChild1  = "OCTT-CHILD-1"
	tagChild2  = "OCTT-CHILD-2"
)

// octt is the test tool's side of one case: a CSMS, its database and the
// charge point under the tool's control, connected and authenticated.
type octt struct {
	t       *testing.T
	ctx     context.Context
	e       *env
	db      *gorm.DB
	cp      *ocpptest.ChargePoint
	row     *store.ChargePoint
	cmds    <-chan broadcast.Message
	schemas *schematest.Schemas

	profile int            // the CSMS's security profile
	wss     string         // wss://…/ocpp when the case is served over TLS
	roots   *x509.CertPool // trusting the TLS server's certificate
	ca      *pki           // the authority of charge point certificates
}

func newOCTT(t *testing.T, db *gorm.DB, c octtCase) *octt {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	var cfg ocppkit.Config
	if c.config != nil {
		cfg = c.config(t)
	}
	e := newEnv(t, db, cfg)
	h := &octt{t: t, ctx: ctx, e: e, db: db, schemas: schematest.Load(t), profile: cfg.SecurityProfile}
	if c.tls {
		h.ca = newPKI(t, "OCTT charge point CA")
		srv := httptest.NewUnstartedServer(e.server.Config.Handler)
		// VerifyClientCertIfGiven lets handshakes without a certificate
		// reach the CSMS, which decides by its security profile.
		srv.TLS = &tls.Config{ClientAuth: tls.VerifyClientCertIfGiven, ClientCAs: h.ca.pool}
		srv.Config.ErrorLog = log.New(io.Discard, "", 0) // refused handshakes
		srv.StartTLS()
		t.Cleanup(srv.Close)
		h.wss = wssURL(srv)
		h.roots = x509.NewCertPool()
		h.roots.AddCert(srv.Certificate())
	}
	h.row = e.register(t, octtIdentity, octtPassword)
	past := time.Now().Add(-24 * time.Hour).UTC()
	for _, tag := range []store.IDTag{
		{Tag: tagOK, Status: "Accepted"},
		{Tag: tagOK2, Status: "Accepted"},
		{Tag: tagInvalid, Status: "Invalid"},
		{Tag: tagExpired, Status: "Accepted", ExpiryDate: &past},
		{Tag: tagBlocked, Status: "Blocked"},
		{Tag: tagParent, Status: "Accepted"},
		{Tag: tagChild1, Status: "Accepted", ParentTag: tagParent},
		{Tag: tagChild2, Status: "Accepted", ParentTag: tagParent},
	} {
		if err := e.csms.Store.UpsertIDTag(ctx, tag); err != nil {
			t.Fatal(err)
		}
	}
	h.cmds = e.subscribe(t, broadcast.CommandsTopic(h.row.ID))
	h.cp = h.dial(octtPassword)
	return h
}

// dial connects the charge point as the CSMS's security profile wants:
// HTTP Basic with password over ws:// (1) or wss:// (2), or a client
// certificate over wss:// (3). Once the returned charge point's first
// Heartbeat is answered, it is registered and reachable by commands.
func (h *octt) dial(password string) *ocpptest.ChargePoint {
	h.t.Helper()
	url, opts := h.e.url, &ocpptest.Options{Password: password}
	switch h.profile {
	case ocppkit.SecurityProfileTLSBasic:
		url, opts.TLSConfig = h.wss, &tls.Config{RootCAs: h.roots}
	case ocppkit.SecurityProfileTLSCertificate:
		url, opts.Password = h.wss, ""
		opts.TLSConfig = &tls.Config{RootCAs: h.roots, Certificates: []tls.Certificate{h.ca.clientCert(h.t, octtIdentity)}}
	}
	cp, err := ocpptest.Dial(h.ctx, url, octtIdentity, opts)
	if err != nil {
		h.t.Fatalf("dial: %v", err)
	}
	h.t.Cleanup(func() { cp.Close() })
	if _, err := cp.Heartbeat(h.ctx); err != nil {
		h.t.Fatalf("first heartbeat: %v", err)
	}
	return cp
}

// finish checks what every case must keep: the CSMS sent no call the case
// did not expect, every frame it sent validates against the official
// schemas, and no error was logged.
func (h *octt) finish() {
	h.t.Helper()
	select {
	case c, ok := <-h.cp.Calls():
		if ok {
			h.t.Errorf("the charge point received an unexpected %s %s", c.Action, c.Payload)
		}
	default:
	}
	sent, received := h.e.frames.snapshot()
	h.schemas.Frames(h.t, sent, received)
	if n := h.e.frames.errorsLogged(); n != 0 {
		h.t.Errorf("%d records logged at Error level", n)
	}
}

// reconnect closes the charge point's connection and opens a new one.
func (h *octt) reconnect() {
	h.t.Helper()
	h.cp.Close()
	h.cp = h.dial(octtPassword)
}

// boot sends BootNotification and requires Accepted with an interval and
// the current time.
func (h *octt) boot() ocpp16.BootNotificationResponse {
	h.t.Helper()
	res, err := h.cp.BootNotification(h.ctx, ocpp16.BootNotificationRequest{ChargePointVendor: "OCTT", ChargePointModel: "Simulated", FirmwareVersion: "1.0"})
	if err != nil {
		h.t.Fatalf("BootNotification: %v", err)
	}
	if res.Status != ocpp16.RegistrationStatusAccepted || res.Interval <= 0 {
		h.t.Fatalf("BootNotification = %+v, want Accepted with an interval", res)
	}
	if d := time.Since(res.CurrentTime.Time); d > time.Minute || d < -time.Minute {
		h.t.Fatalf("BootNotification currentTime %v is not now", res.CurrentTime.Time)
	}
	return res
}

// status sends a StatusNotification and requires the connector's stored
// status and error code to follow.
func (h *octt) status(connector int, st ocpp16.ChargePointStatus, code ocpp16.ChargePointErrorCode) {
	h.t.Helper()
	if _, err := h.cp.StatusNotification(h.ctx, connector, st, code); err != nil {
		h.t.Fatalf("StatusNotification %d %s: %v", connector, st, err)
	}
	c := h.connector(connector)
	if c.Status != string(st) || c.ErrorCode != string(code) {
		h.t.Fatalf("connector %d stored as %s/%s, want %s/%s", connector, c.Status, c.ErrorCode, st, code)
	}
}

// connector returns the stored row of a connector.
func (h *octt) connector(n int) store.Connector {
	h.t.Helper()
	cs, err := h.e.csms.Store.Connectors(h.ctx, h.row.ID)
	if err != nil {
		h.t.Fatal(err)
	}
	for _, c := range cs {
		if c.ConnectorID == n {
			return c
		}
	}
	h.t.Fatalf("connector %d not stored", n)
	return store.Connector{}
}

// authorize sends Authorize and requires the given answer.
func (h *octt) authorize(tag string, want ocpp16.AuthorizationStatus) ocpp16.IdTagInfo {
	h.t.Helper()
	res, err := h.cp.Authorize(h.ctx, tag)
	if err != nil {
		h.t.Fatalf("Authorize %s: %v", tag, err)
	}
	if res.IdTagInfo.Status != want {
		h.t.Fatalf("Authorize %s = %s, want %s", tag, res.IdTagInfo.Status, want)
	}
	return res.IdTagInfo
}

// start sends StartTransaction and requires the given answer; it returns
// the transaction id, whose session must be stored.
func (h *octt) start(req ocpp16.StartTransactionRequest, want ocpp16.AuthorizationStatus) int {
	h.t.Helper()
	if req.Timestamp.IsZero() {
		req.Timestamp = ocpp16.NewDateTime(time.Now())
	}
	res, err := h.cp.StartTransaction(h.ctx, req)
	if err != nil {
		h.t.Fatalf("StartTransaction: %v", err)
	}
	if res.IdTagInfo.Status != want || res.TransactionId <= 0 {
		h.t.Fatalf("StartTransaction = %+v, want %s and a transaction id", res, want)
	}
	s := h.session(res.TransactionId)
	if s.ConnectorID != req.ConnectorId || s.IDTag != req.IdTag || s.MeterStart != req.MeterStart {
		h.t.Fatalf("session stored as %+v for %+v", s, req)
	}
	return res.TransactionId
}

// startOn starts a transaction of tag on connector 1 with meterStart 1000.
func (h *octt) startOn(tag string) int {
	h.t.Helper()
	return h.start(ocpp16.StartTransactionRequest{ConnectorId: 1, IdTag: tag, MeterStart: 1000}, ocpp16.AuthorizationStatusAccepted)
}

// stop sends StopTransaction and requires the session to be stored as
// completed with the reason and meter.
func (h *octt) stop(tx, meterStop int, reason ocpp16.Reason) *store.ChargingSession {
	h.t.Helper()
	res, err := h.cp.StopTransaction(h.ctx, ocpp16.StopTransactionRequest{TransactionId: tx, MeterStop: meterStop, Timestamp: ocpp16.NewDateTime(time.Now()), Reason: reason})
	if err != nil {
		h.t.Fatalf("StopTransaction %d: %v", tx, err)
	}
	if res.IdTagInfo != nil && res.IdTagInfo.Status == "" {
		h.t.Fatalf("StopTransaction answered an empty idTagInfo")
	}
	s := h.session(tx)
	want := string(reason)
	if want == "" {
		want = string(ocpp16.ReasonLocal)
	}
	if s.IsActive() || s.StoppedAt == nil || s.StopReason != want || s.MeterStop == nil || *s.MeterStop != meterStop {
		h.t.Fatalf("session after StopTransaction = %+v, want stopped (%s, meter %d)", s, want, meterStop)
	}
	return s
}

// session returns the stored session of a transaction id.
func (h *octt) session(tx int) *store.ChargingSession {
	h.t.Helper()
	s, err := h.e.csms.Store.SessionByTransactionID(h.ctx, h.row.ID, tx)
	if err != nil {
		h.t.Fatalf("session of transaction %d: %v", tx, err)
	}
	return s
}

// answer makes the charge point answer calls of action with res.
func (h *octt) answer(action string, res any) {
	h.cp.Handle(action, func(context.Context, json.RawMessage) (any, error) { return res, nil })
}

// command sends req the way a host's back office does (Enqueue, recorded
// in the commands table), lets the charge point answer with res, and
// returns the recorded command and the payload the charge point received.
func (h *octt) command(req ocpp.Request, res any) (*store.Command, json.RawMessage) {
	h.t.Helper()
	if res != nil {
		h.answer(req.Action(), res)
	}
	cmd, err := h.e.csms.Remote.Enqueue(h.ctx, octtIdentity, req, nil)
	if err != nil {
		h.t.Fatalf("Enqueue %s: %v", req.Action(), err)
	}
	got := h.received(req.Action())
	return h.completed(cmd.ID), got
}

// refused requires the CSMS to refuse req, which OCPP 1.6 forbids, before
// sending anything (the next call the charge point receives is checked by
// whoever waits for it).
func (h *octt) refused(req ocpp.Request) {
	h.t.Helper()
	if _, err := h.e.csms.Remote.Enqueue(h.ctx, octtIdentity, req, nil); !errors.Is(err, remote.ErrInvalidRequest) {
		h.t.Fatalf("Enqueue %s: %v, want ErrInvalidRequest", req.Action(), err)
	}
}

// received waits for the next call the charge point received and
// requires its action.
func (h *octt) received(action string) json.RawMessage {
	h.t.Helper()
	select {
	case c := <-h.cp.Calls():
		if c.Action != action {
			h.t.Fatalf("charge point received %s %s, want %s", c.Action, c.Payload, action)
		}
		return c.Payload
	case <-h.ctx.Done():
		h.t.Fatalf("charge point received no %s", action)
	}
	return nil
}

// completed waits until command id is answered and returns its row.
func (h *octt) completed(id uint) *store.Command {
	h.t.Helper()
	want := fmt.Sprint(id)
	for {
		var ev broadcast.CommandEvent
		if err := json.Unmarshal(next(h.t, h.cmds).Data, &ev); err != nil {
			h.t.Fatal(err)
		}
		if ev.CommandID != want || ev.Status == broadcast.CommandPending || ev.Status == broadcast.CommandSent {
			continue
		}
		cmd, err := h.e.csms.Store.CommandByID(h.ctx, id)
		if err != nil {
			h.t.Fatal(err)
		}
		return cmd
	}
}

// recorded requires cmd to be completed with a reply whose status is want.
func (h *octt) recorded(cmd *store.Command, want any) {
	h.t.Helper()
	var r struct {
		Status string `json:"status"`
	}
	if err := json.Unmarshal([]byte(cmd.Response), &r); err != nil {
		h.t.Fatalf("command %s response %q: %v", cmd.Action, cmd.Response, err)
	}
	if cmd.Status != broadcast.CommandCompleted || r.Status != fmt.Sprint(want) || cmd.CompletedAt == nil {
		h.t.Fatalf("command %s recorded as %s %s, want completed with status %v", cmd.Action, cmd.Status, cmd.Response, want)
	}
}

// payloadOf decodes a payload the charge point received into v.
func payloadOf[T any](h *octt, payload json.RawMessage) T {
	h.t.Helper()
	var v T
	if err := json.Unmarshal(payload, &v); err != nil {
		h.t.Fatalf("decode %s: %v", payload, err)
	}
	return v
}

// report returns the latest stored status report of kind.
func (h *octt) report(kind string) *store.StatusReport {
	h.t.Helper()
	r, err := h.e.csms.Store.LatestStatusReport(h.ctx, h.row.ID, kind)
	if err != nil {
		h.t.Fatalf("latest %s report: %v", kind, err)
	}
	return r
}
