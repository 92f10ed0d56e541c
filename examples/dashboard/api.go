package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/ocppkit/ocppkit/broadcast"
	"github.com/ocppkit/ocppkit/ocpp"
	"github.com/ocppkit/ocppkit/ocpp/ocpp16"
	"github.com/ocppkit/ocppkit/ocpp/ocpp201"
	"github.com/ocppkit/ocppkit/remote"
	"github.com/ocppkit/ocppkit/store"
)

// The JSON API: the same data as the pages, for the pages' own refreshes
// and for scripts (curl -u admin:PASSWORD …). Every {id} is a charge
// point's database id or its identity. Errors are {"error": "…"}; a 404
// names what it did not find. Times are UTC, energies kWh rounded to the
// Wh.

// commandExpiry is how long a remote start or stop waits for delivery: a
// button pressed now should not start charging tomorrow.
const commandExpiry = 2 * time.Minute

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}

// apiFail answers 404 naming what is missing, or 500 (logged).
func (s *server) apiFail(w http.ResponseWriter, r *http.Request, err error) {
	status, msg := errorMessage(err)
	if status == http.StatusInternalServerError {
		s.cfg.Logger.Error("dashboard: api", "path", r.URL.Path, "err", err)
	}
	writeError(w, status, msg)
}

// GET /api/stats — "today" starts at midnight in the operator's zone
// (the browser's, see times.go; UTC for scripts).
func (s *server) apiStats(w http.ResponseWriter, r *http.Request) {
	st, _, err := s.stats(r.Context(), zoneOf(r.Context()))
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, st)
}

// GET /api/charge_points
func (s *server) apiChargePoints(w http.ResponseWriter, r *http.Request) {
	views, err := s.chargePointViews(r.Context())
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, views)
}

// GET /api/charge_points/{id}
func (s *server) apiChargePoint(w http.ResponseWriter, r *http.Request) {
	cp, err := s.lookup(r.Context(), r.PathValue("id"))
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	v, err := s.chargePointView(r.Context(), cp)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

// GET /api/charge_points/{id}/meter_values — the last hour, oldest first,
// grouped by measurand for charting; each point as the live events carry
// it:
//
//	{"Power.Active.Import": [{"connector_id": 1, "measurand": "Power.Active.Import",
//	  "timestamp": "…", "value": 7200, "unit": "W", "session_id": 3}, …], …}
func (s *server) apiMeterValues(w http.ResponseWriter, r *http.Request) {
	cp, err := s.lookup(r.Context(), r.PathValue("id"))
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	groups, err := s.groupedMeterValues(r.Context(), store.ForChargePoint(cp.ID), store.Since(time.Now().Add(-time.Hour)))
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, groups)
}

// GET /api/sessions?cp=&id_tag=&from=&to=&status=&page= — the sessions
// page's filter, 25 a page: {"sessions": […], "total": 42, "page": 1}.
func (s *server) apiSessions(w http.ResponseWriter, r *http.Request) {
	_, f := parseSessionsQuery(r)
	pg := pageParam(r)
	rows, total, err := s.findSessions(r.Context(), f, pg, sessionsPerPage)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"sessions": rows, "total": total, "page": pg})
}

// GET /api/sessions/{id}/meter_values — every meter value of one session,
// grouped as above.
func (s *server) apiSessionMeterValues(w http.ResponseWriter, r *http.Request) {
	sess, err := s.session(r)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	groups, err := s.groupedMeterValues(r.Context(), store.ForSession(sess.ID))
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, groups)
}

// decodeBody decodes an optional JSON body into v.
func decodeBody(r *http.Request, v any) error {
	err := json.NewDecoder(io.LimitReader(r.Body, 1<<16)).Decode(v)
	if errors.Is(err, io.EOF) {
		return nil
	}
	return err
}

// POST /api/charge_points/{id}/remote_start {"connector_id": 1, "id_tag": "RFID1"}
//
// 202 once the RemoteStartTransaction (2.0.1: RequestStartTransaction, a
// Central idToken) is queued for the charge point; its
// answer arrives on the charge point's commands topic, the session on its
// sessions topic. 422 when the charge point (or the connector) is not
// available. connector_id 0 or absent lets the charge point choose.
func (s *server) apiRemoteStart(w http.ResponseWriter, r *http.Request) {
	var body struct {
		ConnectorID int    `json:"connector_id"`
		IDTag       string `json:"id_tag"`
	}
	if err := decodeBody(r, &body); err != nil {
		writeError(w, http.StatusBadRequest, "invalid JSON body: "+err.Error())
		return
	}
	req := ocpp16.RemoteStartTransactionRequest{IdTag: body.IDTag}
	if body.ConnectorID > 0 {
		req.ConnectorId = &body.ConnectorID
	}
	if err := req.Validate(); err != nil || body.ConnectorID < 0 {
		writeError(w, http.StatusBadRequest, "connector_id must be ≥ 0 and id_tag 1 to 20 characters")
		return
	}
	ctx := r.Context()
	cp, err := s.lookup(ctx, r.PathValue("id"))
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	v, err := s.chargePointView(ctx, cp)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	if ok, why := connectorAvailable(&v, body.ConnectorID); !ok {
		writeError(w, http.StatusUnprocessableEntity, why)
		return
	}
	var cmdReq ocpp.Request = req
	if is201(cp) {
		start := ocpp201.RequestStartTransactionRequest{
			IdToken:       ocpp201.IdToken{IdToken: body.IDTag, Type: ocpp201.IdTokenTypeCentral},
			RemoteStartId: remoteStartID(),
		}
		if body.ConnectorID > 0 {
			start.EvseId = &body.ConnectorID
		}
		cmdReq = start
	}
	cmd, err := s.csms.Remote.Enqueue(ctx, cp.Identifier, cmdReq, &remote.EnqueueOptions{ExpiresAt: time.Now().Add(commandExpiry)})
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	where := cp.Identifier
	if body.ConnectorID > 0 {
		where = fmt.Sprintf("connector %d of %s", body.ConnectorID, cp.Identifier)
	}
	writeJSON(w, http.StatusAccepted, map[string]any{
		"message":    "Remote start sent to " + where,
		"command_id": cmd.ID,
	})
}

// POST /api/charge_points/{id}/remote_stop {"session_id": 20} or {"connector_id": 2}
//
// Stops the session named: by its database id, or as the active session
// of a connector (both may be given; they must agree). Without either it
// stops the charge point's only active session, and answers 422 when there
// are several. 202 once queued, with the session stopped; 422 when the
// session is not active on this charge point or the charge point is
// offline.
func (s *server) apiRemoteStop(w http.ResponseWriter, r *http.Request) {
	var body struct {
		SessionID   uint `json:"session_id"`
		ConnectorID int  `json:"connector_id"`
	}
	if err := decodeBody(r, &body); err != nil {
		writeError(w, http.StatusBadRequest, "invalid JSON body: "+err.Error())
		return
	}
	ctx := r.Context()
	cp, err := s.lookup(ctx, r.PathValue("id"))
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	v, err := s.chargePointView(ctx, cp)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	sess, why := stopTarget(&v, body.SessionID, body.ConnectorID)
	if sess == nil {
		writeError(w, http.StatusUnprocessableEntity, why)
		return
	}
	if !v.Online {
		writeError(w, http.StatusUnprocessableEntity, "charge point "+cp.Identifier+" is not connected: session #"+
			strconv.FormatUint(uint64(sess.ID), 10)+" cannot be stopped until it is back")
		return
	}
	var req ocpp.Request = ocpp16.RemoteStopTransactionRequest{TransactionId: sess.TransactionID}
	if sess.StationTransactionID != "" { // 2.0.1: the station's transaction id
		req = ocpp201.RequestStopTransactionRequest{TransactionId: sess.StationTransactionID}
	}
	cmd, err := s.csms.Remote.Enqueue(ctx, cp.Identifier, req, &remote.EnqueueOptions{ExpiresAt: time.Now().Add(commandExpiry)})
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusAccepted, map[string]any{
		"message":      fmt.Sprintf("Remote stop of session #%d on connector %d sent to %s", sess.ID, sess.EVSEID, cp.Identifier),
		"command_id":   cmd.ID,
		"session_id":   sess.ID,
		"connector_id": sess.EVSEID,
	})
}

// remoteStartID is a random positive remoteStartId of a 2.0.1
// RequestStartTransaction; the session started records it.
func remoteStartID() int { return int(rand.Int32N(math.MaxInt32-1)) + 1 }

// stopTarget finds the active session a stop request names, or says why
// there is none.
func stopTarget(v *chargePointView, sessionID uint, connectorID int) (*sessionView, string) {
	var found []*sessionView
	for _, c := range v.Connectors {
		if c.Session == nil {
			continue
		}
		if (sessionID == 0 || c.Session.ID == sessionID) && (connectorID == 0 || c.ConnectorID == connectorID) {
			found = append(found, c.Session)
		}
	}
	switch {
	case len(found) == 1:
		return found[0], ""
	case sessionID != 0 && connectorID != 0:
		return nil, fmt.Sprintf("session #%d is not the active session of connector %d of %s", sessionID, connectorID, v.Identifier)
	case sessionID != 0:
		return nil, fmt.Sprintf("session #%d is not active on %s", sessionID, v.Identifier)
	case connectorID != 0:
		return nil, fmt.Sprintf("no active session on connector %d of %s", connectorID, v.Identifier)
	case len(found) == 0:
		return nil, "no active session on " + v.Identifier
	}
	return nil, fmt.Sprintf("%s has %d active sessions: name session_id or connector_id", v.Identifier, len(found))
}

// POST /api/charge_points/{id}/commands/{action} — any OCPP command, sent
// by the library's commands API (remote.Client.HTTPHandler), which takes
// the identity: {id} is resolved here like everywhere else.
func (s *server) apiCommand(w http.ResponseWriter, r *http.Request) {
	cp, err := s.lookup(r.Context(), r.PathValue("id"))
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	r2 := r.Clone(r.Context())
	r2.URL.Path = "/api/charge_points/" + cp.Identifier + "/commands/" + r.PathValue("action")
	r2.URL.RawPath = "/api/charge_points/" + url.PathEscape(cp.Identifier) + "/commands/" + url.PathEscape(r.PathValue("action"))
	s.commands.ServeHTTP(w, r2)
}

// eventsHandler serves /events?topic=…: the dashboard topic
// (broadcast.AllChargePointsTopic) and per charge point topics
// charge_point_<id>_<kind>; any other topic is a 400.
func (s *server) eventsHandler() http.Handler {
	sse := broadcast.NewSSEHandler(broadcast.SSEConfig{
		Broadcaster: s.csms.Broadcaster,
		Logger:      s.cfg.Logger,
		Retry:       2 * time.Second,
	})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for _, t := range r.URL.Query()["topic"] {
			if !knownTopic(t) {
				writeError(w, http.StatusBadRequest, fmt.Sprintf("unknown topic %q: want %s or charge_point_<id>_<kind>", t, broadcast.AllChargePointsTopic))
				return
			}
		}
		sse.ServeHTTP(w, r)
	})
}

var topicKinds = map[string]bool{
	broadcast.KindStatus: true, broadcast.KindSessions: true, broadcast.KindMeterValues: true,
	broadcast.KindConnection: true, broadcast.KindCommands: true, broadcast.KindReservations: true,
	broadcast.KindSettings: true, broadcast.KindReports: true, broadcast.KindSecurityEvents: true,
}

func knownTopic(t string) bool {
	if t == broadcast.AllChargePointsTopic {
		return true
	}
	_, kind, ok := broadcast.ParseTopic(t)
	return ok && topicKinds[kind]
}
