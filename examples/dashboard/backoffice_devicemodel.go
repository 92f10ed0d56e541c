package main

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/ocppkit/ocppkit/ocpp/ocpp201"
	"github.com/ocppkit/ocppkit/store"
)

// Back office: the device model of a 2.0.1 charging station, in place of
// 1.6's configuration keys: every component variable the station reported
// (NotifyReport, after GetBaseReport) or that GetVariables read and
// SetVariables changed, as the library records them (store.Variables).
// The page follows charge_point_<id>_settings, so a report shows up as its
// parts arrive.

func (s *server) deviceModelRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /charge_points/{id}/device_model", s.deviceModelPage)
	mux.HandleFunc("POST /charge_points/{id}/device_model/refresh", s.refreshDeviceModel)
	mux.HandleFunc("POST /charge_points/{id}/device_model", s.setVariable)
}

// componentView is one component (an EVSE's, a connector's, or the
// station's) and its variables.
type componentView struct {
	Name     string // Name[Instance] EVSE n connector m
	Key      string // data-component: name, instance, evse, connector
	Variable []store.Variable
}

func (s *server) deviceModelPage(w http.ResponseWriter, r *http.Request) {
	v, ok := s.chargePointFor(w, r)
	if !ok {
		return
	}
	vars, err := s.csms.Store.Variables(r.Context(), v.ID, store.VariableFilter{})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var comps []componentView
	for _, row := range vars {
		key := fmt.Sprintf("%s|%s|%d|%d", row.Component, row.ComponentInstance, row.EVSEID, row.ConnectorID)
		if len(comps) == 0 || comps[len(comps)-1].Key != key {
			name := row.Component
			if row.ComponentInstance != "" {
				name += "[" + row.ComponentInstance + "]"
			}
			if row.EVSEID > 0 {
				name += " · EVSE " + strconv.Itoa(row.EVSEID)
			}
			if row.ConnectorID > 0 {
				name += " connector " + strconv.Itoa(row.ConnectorID)
			}
			comps = append(comps, componentView{Name: name, Key: key})
		}
		comps[len(comps)-1].Variable = append(comps[len(comps)-1].Variable, row)
	}
	s.renderPage(w, r, "device_model", page{Nav: "charge_points", CP: v, Tab: "device_model", Data: struct {
		Components []componentView
		Count      int
	}{comps, len(vars)}})
}

func deviceModelURL(v *chargePointView) string {
	return "/charge_points/" + idString(v.ID) + "/device_model"
}

// POST /charge_points/{id}/device_model/refresh: GetBaseReport
// (FullInventory); the station sends the report in NotifyReports.
func (s *server) refreshDeviceModel(w http.ResponseWriter, r *http.Request) {
	v, ok := s.chargePointFor(w, r)
	if !ok {
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), commandTimeout)
	defer cancel()
	req := ocpp201.GetBaseReportRequest{RequestId: remoteStartID(), ReportBase: ocpp201.ReportBaseFullInventory}
	res, err := s.csms.Remote.V201().GetBaseReport(ctx, v.Identifier, req)
	switch {
	case err != nil:
		redirect(w, r, deviceModelURL(v), "error", "GetBaseReport: %s", commandErrorText(err))
	case res.Status != ocpp201.GenericDeviceModelStatusAccepted:
		redirect(w, r, deviceModelURL(v), "error", "GetBaseReport: %s answered %s.", v.Identifier, res.Status)
	default:
		redirect(w, r, deviceModelURL(v), "ok", "%s accepted GetBaseReport: its report (request %d) arrives in parts.", v.Identifier, req.RequestId)
	}
}

// POST /charge_points/{id}/device_model
// component=…&instance=…&evse=…&connector=…&variable=…&variable_instance=…&value=…
// SetVariables of one Actual value.
func (s *server) setVariable(w http.ResponseWriter, r *http.Request) {
	v, ok := s.chargePointFor(w, r)
	if !ok {
		return
	}
	comp := ocpp201.Component{Name: strings.TrimSpace(r.PostFormValue("component")), Instance: strings.TrimSpace(r.PostFormValue("instance"))}
	if evse, err := strconv.Atoi(r.PostFormValue("evse")); err == nil && evse > 0 {
		comp.Evse = &ocpp201.EVSE{Id: evse}
		if c, err := strconv.Atoi(r.PostFormValue("connector")); err == nil && c > 0 {
			comp.Evse.ConnectorId = &c
		}
	}
	variable := ocpp201.Variable{Name: strings.TrimSpace(r.PostFormValue("variable")), Instance: strings.TrimSpace(r.PostFormValue("variable_instance"))}
	value := r.PostFormValue("value")
	if store.IsSecretVariable(comp.Name, variable.Name) {
		redirect(w, r, deviceModelURL(v), "error", "%s.%s is the station's password: rotate it in Settings.", comp.Name, variable.Name)
		return
	}
	req := ocpp201.SetVariablesRequest{SetVariableData: []ocpp201.SetVariableData{{
		AttributeValue: value, Component: comp, Variable: variable,
	}}}
	if err := req.Validate(); err != nil {
		redirect(w, r, deviceModelURL(v), "error", "SetVariables: %s", err)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), commandTimeout)
	defer cancel()
	res, err := s.csms.Remote.V201().SetVariables(ctx, v.Identifier, req)
	what := fmt.Sprintf("%s.%s = %q", comp.Name, variable.Name, value)
	if err != nil {
		redirect(w, r, deviceModelURL(v), "error", "%s: %s", what, commandErrorText(err))
		return
	}
	st := res.SetVariableResult[0].AttributeStatus
	kind := "ok"
	if st != ocpp201.SetVariableStatusAccepted && st != ocpp201.SetVariableStatusRebootRequired {
		kind = "error"
	}
	redirect(w, r, deviceModelURL(v), kind, "%s: %s answered %s.", what, v.Identifier, st)
}
