package main

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/ocppkit/ocppkit"
	"github.com/ocppkit/ocppkit/ocpp/ocpp16"
	"github.com/ocppkit/ocppkit/store"
)

// Back office: the OCPP 1.6 configuration keys of a charge point, as last
// reported (GetConfiguration) or changed (ChangeConfiguration); both
// commands record what the charge point answers (the library's effects).

func (s *server) configurationRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /charge_points/{id}/configuration", s.configurationPage)
	mux.HandleFunc("POST /charge_points/{id}/configuration/refresh", s.refreshConfiguration)
	mux.HandleFunc("POST /charge_points/{id}/configuration", s.changeConfiguration)
}

func (s *server) configurationPage(w http.ResponseWriter, r *http.Request) {
	v, ok := s.chargePointFor(w, r)
	if !ok {
		return
	}
	keys, err := s.csms.Store.Configuration(r.Context(), v.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderPage(w, r, "configuration", page{Nav: "charge_points", CP: v, Tab: "configuration", Data: struct {
		Keys   []store.ConfigurationKey
		Secret string
	}{keys, ocppkit.AuthorizationKey}})
}

func (s *server) configurationURL(v *chargePointView) string {
	return "/charge_points/" + idString(v.ID) + "/configuration"
}

// POST /charge_points/{id}/configuration/refresh: GetConfiguration of
// every key.
func (s *server) refreshConfiguration(w http.ResponseWriter, r *http.Request) {
	v, ok := s.chargePointFor(w, r)
	if !ok {
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), commandTimeout)
	defer cancel()
	res, err := s.csms.Remote.GetConfiguration(ctx, v.Identifier, ocpp16.GetConfigurationRequest{})
	if err != nil {
		redirect(w, r, s.configurationURL(v), "error", "GetConfiguration: %s", commandErrorText(err))
		return
	}
	redirect(w, r, s.configurationURL(v), "ok", "%s reported %d keys.", v.Identifier, len(res.ConfigurationKey))
}

// POST /charge_points/{id}/configuration key=…&value=…
func (s *server) changeConfiguration(w http.ResponseWriter, r *http.Request) {
	v, ok := s.chargePointFor(w, r)
	if !ok {
		return
	}
	key, value := strings.TrimSpace(r.PostFormValue("key")), r.PostFormValue("value")
	if key == ocppkit.AuthorizationKey {
		redirect(w, r, s.configurationURL(v), "error", "%s is the charge point's password: rotate it in Settings.", key)
		return
	}
	req := ocpp16.ChangeConfigurationRequest{Key: key, Value: value}
	if err := req.Validate(); err != nil {
		redirect(w, r, s.configurationURL(v), "error", "ChangeConfiguration: %s", err)
		return
	}
	s.sendAndReport(w, r, s.configurationURL(v), v, req, fmt.Sprintf("%s = %q", key, value))
}
