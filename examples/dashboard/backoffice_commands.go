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
	"github.com/ocppkit/ocppkit/ocpp/ocpp201"
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

// commandGroups lists the commands a charge point of version accepts: by
// feature profile for OCPP 1.6 (with the security extension), by
// functional block for 2.0.1.
func commandGroups(version string) []commandGroup {
	if version == ocpp.OCPP201 {
		return commandGroups201
	}
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

// commandGroups201 are every CSMS→station message of OCPP 2.0.1, by
// functional block.
var commandGroups201 = []commandGroup{
	{"Provisioning", []string{ocpp201.ActionReset, ocpp201.ActionGetBaseReport, ocpp201.ActionGetReport,
		ocpp201.ActionGetVariables, ocpp201.ActionSetVariables, ocpp201.ActionSetNetworkProfile}},
	{"Transactions", []string{ocpp201.ActionRequestStartTransaction, ocpp201.ActionRequestStopTransaction, ocpp201.ActionGetTransactionStatus}},
	{"Availability", []string{ocpp201.ActionChangeAvailability, ocpp201.ActionUnlockConnector, ocpp201.ActionTriggerMessage}},
	{"Authorization", []string{ocpp201.ActionClearCache, ocpp201.ActionGetLocalListVersion, ocpp201.ActionSendLocalList}},
	{"Reservation", []string{ocpp201.ActionReserveNow, ocpp201.ActionCancelReservation}},
	{"Smart charging", []string{ocpp201.ActionSetChargingProfile, ocpp201.ActionGetChargingProfiles,
		ocpp201.ActionClearChargingProfile, ocpp201.ActionGetCompositeSchedule}},
	{"Firmware and diagnostics", []string{ocpp201.ActionUpdateFirmware, ocpp201.ActionPublishFirmware,
		ocpp201.ActionUnpublishFirmware, ocpp201.ActionGetLog, ocpp201.ActionCustomerInformation}},
	{"Monitoring", []string{ocpp201.ActionSetMonitoringBase, ocpp201.ActionSetMonitoringLevel, ocpp201.ActionSetVariableMonitoring,
		ocpp201.ActionClearVariableMonitoring, ocpp201.ActionGetMonitoringReport}},
	{"Security", []string{ocpp201.ActionCertificateSigned, ocpp201.ActionInstallCertificate, ocpp201.ActionDeleteCertificate,
		ocpp201.ActionGetInstalledCertificateIds}},
	{"Display and tariff", []string{ocpp201.ActionSetDisplayMessage, ocpp201.ActionGetDisplayMessages,
		ocpp201.ActionClearDisplayMessage, ocpp201.ActionCostUpdated}},
	{"Data transfer", []string{ocpp201.ActionDataTransfer}},
}

func knownCommand(version, action string) bool {
	for _, g := range commandGroups(version) {
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
	version := v.OCPPVersion
	d := commandData{Groups: commandGroups(version), Action: r.URL.Query().Get("action")}
	if d.Action == "" {
		d.Action = ocpp16.ActionReset // the same name in both versions
	}
	if !knownCommand(version, d.Action) {
		s.fail(w, r, notFoundError{"command", d.Action})
		return
	}
	fields, err := commandForm(version, d.Action, r.URL.Query(), zoneOf(r.Context()))
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
	version := v.OCPPVersion
	d := commandData{Groups: commandGroups(version), Action: r.PathValue("action")}
	if !knownCommand(version, d.Action) {
		s.fail(w, r, notFoundError{"command", d.Action})
		return
	}
	loc := zoneOf(r.Context())
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, err)
		return
	}
	fields, err := commandForm(version, d.Action, r.PostForm, loc)
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
	req, _ := newRequest(version, d.Action)
	if err := unmarshalStrict(version, body, req); err != nil {
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
func (s *server) sendAndReport(w http.ResponseWriter, r *http.Request, back string, v *chargePointView, req ocpp.Request, what string) {
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
