package main

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/ocppkit/ocppkit/ocpp/ocpp16"
	"github.com/ocppkit/ocppkit/remote"
	"github.com/ocppkit/ocppkit/store"
)

// The JSON API: the same data as the pages, for the page's own refreshes
// and for scripts (curl -u admin:PASSWORD …). Errors are {"error": "…"}.

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

// apiFail answers 404 for a missing row and 500 (logged) otherwise.
func (s *server) apiFail(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, store.ErrNotFound) {
		writeError(w, http.StatusNotFound, "not found")
		return
	}
	s.cfg.Logger.Error("dashboard: api", "path", r.URL.Path, "err", err)
	writeError(w, http.StatusInternalServerError, "internal error")
}

// GET /api/stats
func (s *server) apiStats(w http.ResponseWriter, r *http.Request) {
	st, err := s.stats(r.Context())
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

// GET /api/charge_points/{id} — id is the identity or the database id.
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
// grouped by measurand for charting:
//
//	{"Power.Active.Import": [{"timestamp": "…", "value": 7200, "unit": "W"}, …], …}
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
// 202 once the RemoteStartTransaction is queued for the charge point; its
// answer arrives on the charge point's commands topic, the session on its
// sessions topic. 422 when the charge point (or the connector) is not
// available.
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
	conns, err := s.csms.Store.Connectors(ctx, cp.ID)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	if ok, why := connectorAvailable(cp, conns, body.ConnectorID); !ok {
		writeError(w, http.StatusUnprocessableEntity, why)
		return
	}
	cmd, err := s.csms.Remote.Enqueue(ctx, cp.Identifier, req, &remote.EnqueueOptions{ExpiresAt: time.Now().Add(commandExpiry)})
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusAccepted, map[string]any{
		"message":    "Remote start sent to " + cp.Identifier,
		"command_id": cmd.ID,
	})
}

// POST /api/charge_points/{id}/remote_stop {"connector_id": 1}
//
// Stops the session on the connector, or the charge point's current session
// when connector_id is absent. 202 once queued, 422 without an active
// session.
func (s *server) apiRemoteStop(w http.ResponseWriter, r *http.Request) {
	var body struct {
		ConnectorID int `json:"connector_id"`
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
	var sess *store.ChargingSession
	if body.ConnectorID > 0 {
		sess, err = s.csms.Store.ActiveSession(ctx, cp.ID, body.ConnectorID)
	} else {
		sess, err = cp.CurrentSession(ctx, s.db)
	}
	if errors.Is(err, store.ErrNotFound) {
		writeError(w, http.StatusUnprocessableEntity, "no active session on "+cp.Identifier)
		return
	}
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	if !cp.Connected {
		writeError(w, http.StatusUnprocessableEntity, "charge point "+cp.Identifier+" is not connected")
		return
	}
	req := ocpp16.RemoteStopTransactionRequest{TransactionId: sess.TransactionID}
	cmd, err := s.csms.Remote.Enqueue(ctx, cp.Identifier, req, &remote.EnqueueOptions{ExpiresAt: time.Now().Add(commandExpiry)})
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusAccepted, map[string]any{
		"message":    "Remote stop of session #" + strconv.FormatUint(uint64(sess.ID), 10) + " sent to " + cp.Identifier,
		"command_id": cmd.ID,
		"session_id": sess.ID,
	})
}
