package main

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"time"

	"github.com/ocppkit/ocppkit/ocpp"
	"github.com/ocppkit/ocppkit/ocpp/ocpp16"
	"github.com/ocppkit/ocppkit/remote"
)

// Back office: commands. A form for every command the charge point's OCPP
// version supports, generated from the typed request (forms.go); the
// command is sent at once and the page shows the charge point's reply.

func (s *server) commandRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /charge_points/{id}/commands", s.commandsPage)
	mux.HandleFunc("POST /charge_points/{id}/commands/{action}", s.sendCommand)
}

// commandTimeout bounds the commands the back office pages send and await.
const commandTimeout = 30 * time.Second

// commandGroup is a feature profile's commands, for the command menu.
type commandGroup struct {
	Profile string
	Actions []string
}

// commandGroups lists the commands a charge point accepts by profile. All
// charge points speak OCPP 1.6 (with the security extension) today; a
// 2.0.1 station would get the ocpp201 requests here.
func commandGroups() []commandGroup {
	return []commandGroup{
		{"Core", []string{ocpp16.ActionChangeAvailability, ocpp16.ActionChangeConfiguration, ocpp16.ActionClearCache,
			ocpp16.ActionDataTransfer, ocpp16.ActionGetConfiguration, ocpp16.ActionRemoteStartTransaction,
			ocpp16.ActionRemoteStopTransaction, ocpp16.ActionReset, ocpp16.ActionUnlockConnector}},
		{"Smart charging", []string{ocpp16.ActionSetChargingProfile, ocpp16.ActionClearChargingProfile, ocpp16.ActionGetCompositeSchedule}},
		{"Reservation", []string{ocpp16.ActionReserveNow, ocpp16.ActionCancelReservation}},
		{"Local list", []string{ocpp16.ActionGetLocalListVersion, ocpp16.ActionSendLocalList}},
		{"Firmware", []string{ocpp16.ActionGetDiagnostics, ocpp16.ActionUpdateFirmware}},
		{"Remote trigger", []string{ocpp16.ActionTriggerMessage}},
		{"Security", []string{ocpp16.ActionCertificateSigned, ocpp16.ActionDeleteCertificate, ocpp16.ActionExtendedTriggerMessage,
			ocpp16.ActionGetInstalledCertificateIds, ocpp16.ActionGetLog, ocpp16.ActionInstallCertificate, ocpp16.ActionSignedUpdateFirmware}},
	}
}

func knownCommand(action string) bool {
	for _, g := range commandGroups() {
		if slices.Contains(g.Actions, action) {
			return true
		}
	}
	return false
}

// commandData is the commands tab.
type commandData struct {
	Groups []commandGroup
	Action string
	Fields []formField
	Error  string
	// After sending: the request sent and the reply (or why there is
	// none).
	Sent      bool
	Request   string
	Reply     string
	ReplyErr  string
	ElapsedMS int64
}

func (s *server) commandsPage(w http.ResponseWriter, r *http.Request) {
	v, ok := s.chargePointFor(w, r)
	if !ok {
		return
	}
	d := commandData{Groups: commandGroups(), Action: r.URL.Query().Get("action")}
	if d.Action == "" {
		d.Action = ocpp16.ActionReset
	}
	if !knownCommand(d.Action) {
		s.fail(w, r, notFoundError{"command", d.Action})
		return
	}
	fields, err := commandForm(d.Action, r.URL.Query(), zoneOf(r.Context()))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d.Fields = fields
	s.renderPage(w, r, "commands", page{Nav: "charge_points", CP: v, Tab: "commands", Data: d})
}

// POST /charge_points/{id}/commands/{action}: the form's fields.
func (s *server) sendCommand(w http.ResponseWriter, r *http.Request) {
	v, ok := s.chargePointFor(w, r)
	if !ok {
		return
	}
	d := commandData{Groups: commandGroups(), Action: r.PathValue("action")}
	if !knownCommand(d.Action) {
		s.fail(w, r, notFoundError{"command", d.Action})
		return
	}
	loc := zoneOf(r.Context())
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, err)
		return
	}
	fields, err := commandForm(d.Action, r.PostForm, loc)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d.Fields = fields
	status := http.StatusOK
	defer func() {
		s.renderPageStatus(w, r, status, "commands", page{Nav: "charge_points", CP: v, Tab: "commands", Data: d})
	}()

	payload, err := formPayload(fields, r.PostForm, loc)
	if err != nil {
		d.Error, status = err.Error(), http.StatusUnprocessableEntity
		return
	}
	body, _ := json.Marshal(payload)
	req, _ := ocpp16.NewRequest(d.Action)
	if err := ocpp16.Unmarshal(body, req, ocpp16.Strict); err != nil {
		d.Error, status = err.Error(), http.StatusUnprocessableEntity
		return
	}
	pretty, _ := json.MarshalIndent(req, "", "  ")
	d.Sent, d.Request = true, string(pretty)
	ctx, cancel := context.WithTimeout(r.Context(), time.Minute)
	defer cancel()
	start := time.Now()
	res, err := s.csms.Remote.Send(ctx, v.Identifier, req)
	d.ElapsedMS = time.Since(start).Milliseconds()
	if res != nil {
		out, _ := json.MarshalIndent(res, "", "  ")
		d.Reply = string(out)
	}
	if err != nil {
		d.ReplyErr, status = commandErrorText(err), http.StatusBadGateway
	}
}

// sendAndReport sends req to the charge point of v, awaiting the reply at
// most commandTimeout, and redirects to back with what happened: "<what>:
// <identity> answered <status>.", an error unless the status is Accepted
// (or RebootRequired). The library records what an accepted command
// implies before Send returns.
func (s *server) sendAndReport(w http.ResponseWriter, r *http.Request, back string, v *chargePointView, req ocpp16.Request, what string) {
	ctx, cancel := context.WithTimeout(r.Context(), commandTimeout)
	defer cancel()
	res, err := s.csms.Remote.Send(ctx, v.Identifier, req)
	if err != nil {
		redirect(w, r, back, "error", "%s: %s", what, commandErrorText(err))
		return
	}
	var reply struct{ Status string }
	b, _ := json.Marshal(res)
	_ = json.Unmarshal(b, &reply)
	kind := "ok"
	if reply.Status != "Accepted" && reply.Status != "RebootRequired" {
		kind = "error"
	}
	redirect(w, r, back, kind, "%s: %s answered %s.", what, v.Identifier, reply.Status)
}

// commandErrorText says why a command got no (usable) reply.
func commandErrorText(err error) string {
	var oe *ocpp.Error
	switch {
	case errors.Is(err, remote.ErrNotConnected):
		return "The charge point is not connected."
	case errors.Is(err, remote.ErrTimeout):
		return "The charge point did not answer in time."
	case errors.Is(err, remote.ErrNotRecorded):
		return "The charge point answered, but recording what it implies failed: " + err.Error()
	case errors.As(err, &oe):
		return "The charge point answered CALLERROR " + string(oe.Code) + ": " + oe.Description
	}
	return err.Error()
}
