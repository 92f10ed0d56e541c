package main

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/ocppkit/ocppkit/ocpp/ocpp16"
	"github.com/ocppkit/ocppkit/ocpp/ocpp201"
	"github.com/ocppkit/ocppkit/store"
)

// Back office: charging profiles. The profiles a charge point accepted (the
// library records SetChargingProfile and ClearChargingProfile), a form for
// the common case — a constant limit on a connector — and Clear; any other
// profile is one SetChargingProfile form away (the commands tab).

func (s *server) profileRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /charge_points/{id}/profiles", s.profilesPage)
	mux.HandleFunc("POST /charge_points/{id}/profiles", s.setLimitProfile)
	mux.HandleFunc("POST /charge_points/{id}/profiles/clear", s.clearProfiles)
}

// profileView is a stored profile with its schedule in words
// ("16 A from 0 s, 8 A from 3600 s"; "" when it cannot be decoded).
type profileView struct {
	store.ChargingProfile
	Schedule string
}

// scheduleText describes the periods of a stored profile, a 1.6
// csChargingProfiles or a 2.0.1 chargingProfile.
func scheduleText(profile string) string {
	var p16 ocpp16.ChargingProfile
	var p201 ocpp201.ChargingProfile
	var parts []string
	period := func(limit float64, unit string, start int) {
		parts = append(parts, fmt.Sprintf("%s %s from %d s", strconv.FormatFloat(limit, 'f', -1, 64), unit, start))
	}
	switch {
	case json.Unmarshal([]byte(profile), &p201) == nil && len(p201.ChargingSchedule) > 0:
		for _, s := range p201.ChargingSchedule {
			for _, p := range s.ChargingSchedulePeriod {
				period(p.Limit, string(s.ChargingRateUnit), p.StartPeriod)
			}
		}
	case json.Unmarshal([]byte(profile), &p16) == nil:
		for _, p := range p16.ChargingSchedule.ChargingSchedulePeriod {
			period(p.Limit, string(p16.ChargingSchedule.ChargingRateUnit), p.StartPeriod)
		}
	}
	return strings.Join(parts, ", ")
}

func (s *server) profilesPage(w http.ResponseWriter, r *http.Request) {
	v, ok := s.chargePointFor(w, r)
	if !ok {
		return
	}
	ps, err := s.csms.Store.ChargingProfiles(r.Context(), v.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	views := make([]profileView, len(ps))
	next := 1
	for i, p := range ps {
		views[i].ChargingProfile = p
		views[i].Schedule = scheduleText(p.Profile)
		next = max(next, p.ProfileID+1)
	}
	s.renderPage(w, r, "profiles", page{Nav: "charge_points", CP: v, Tab: "profiles", Data: struct {
		Profiles []profileView
		NextID   int
	}{views, next}})
}

func profilesURL(v *chargePointView) string { return "/charge_points/" + idString(v.ID) + "/profiles" }

// POST /charge_points/{id}/profiles connector_id=…&purpose=…&stack_level=…&limit=…&unit=A|W&profile_id=…
//
// A constant limit from now on: an Absolute profile with one period.
func (s *server) setLimitProfile(w http.ResponseWriter, r *http.Request) {
	v, ok := s.chargePointFor(w, r)
	if !ok {
		return
	}
	atoi := func(k string) (int, bool) {
		n, err := strconv.Atoi(r.PostFormValue(k))
		return n, err == nil
	}
	connector, ok1 := atoi("connector_id")
	level, ok2 := atoi("stack_level")
	id, ok3 := atoi("profile_id")
	limit, err := strconv.ParseFloat(r.PostFormValue("limit"), 64)
	if !ok1 || !ok2 || !ok3 || err != nil {
		redirect(w, r, profilesURL(v), "error", "A limit needs a connector, a stack level, a profile id and a number")
		return
	}
	purpose := r.PostFormValue("purpose")
	if v.Is201() {
		if purpose == string(ocpp16.ChargingProfilePurposeChargePointMaxProfile) {
			purpose = string(ocpp201.ChargingProfilePurposeChargingStationMaxProfile)
		}
		start := ocpp201.NewDateTime(time.Now())
		req := ocpp201.SetChargingProfileRequest{EvseId: connector, ChargingProfile: ocpp201.ChargingProfile{
			Id:                     id,
			StackLevel:             level,
			ChargingProfilePurpose: ocpp201.ChargingProfilePurpose(purpose),
			ChargingProfileKind:    ocpp201.ChargingProfileKindAbsolute,
			ChargingSchedule: []ocpp201.ChargingSchedule{{
				Id:                     id,
				StartSchedule:          &start,
				ChargingRateUnit:       ocpp201.ChargingRateUnit(r.PostFormValue("unit")),
				ChargingSchedulePeriod: []ocpp201.ChargingSchedulePeriod{{StartPeriod: 0, Limit: math.Round(limit*10) / 10}},
			}},
		}}
		if err := req.Validate(); err != nil {
			redirect(w, r, profilesURL(v), "error", "SetChargingProfile: %s", err)
			return
		}
		s.sendAndReport(w, r, profilesURL(v), v, req, fmt.Sprintf("Profile %d (%s, %g %s on connector %d)",
			id, purpose, limit, r.PostFormValue("unit"), connector))
		return
	}
	start := ocpp16.NewDateTime(time.Now())
	req := ocpp16.SetChargingProfileRequest{ConnectorId: connector, CsChargingProfiles: ocpp16.ChargingProfile{
		ChargingProfileId:      id,
		StackLevel:             level,
		ChargingProfilePurpose: ocpp16.ChargingProfilePurpose(purpose),
		ChargingProfileKind:    ocpp16.ChargingProfileKindAbsolute,
		ChargingSchedule: ocpp16.ChargingSchedule{
			StartSchedule:          &start,
			ChargingRateUnit:       ocpp16.ChargingRateUnit(r.PostFormValue("unit")),
			ChargingSchedulePeriod: []ocpp16.ChargingSchedulePeriod{{StartPeriod: 0, Limit: math.Round(limit*10) / 10}},
		},
	}}
	if err := req.Validate(); err != nil {
		redirect(w, r, profilesURL(v), "error", "SetChargingProfile: %s", err)
		return
	}
	s.sendAndReport(w, r, profilesURL(v), v, req, fmt.Sprintf("Profile %d (%s, %g %s on connector %d)",
		id, req.CsChargingProfiles.ChargingProfilePurpose, limit, req.CsChargingProfiles.ChargingSchedule.ChargingRateUnit, connector))
}

// POST /charge_points/{id}/profiles/clear profile_id=… (none: every
// profile)
func (s *server) clearProfiles(w http.ResponseWriter, r *http.Request) {
	v, ok := s.chargePointFor(w, r)
	if !ok {
		return
	}
	var req16 ocpp16.ClearChargingProfileRequest
	var req201 ocpp201.ClearChargingProfileRequest
	what := "every profile"
	if id, err := strconv.Atoi(r.PostFormValue("profile_id")); err == nil {
		req16.Id, req201.ChargingProfileId = &id, &id
		what = "profile " + strconv.Itoa(id)
	}
	if v.Is201() {
		s.sendAndReport(w, r, profilesURL(v), v, req201, "Clear "+what)
		return
	}
	s.sendAndReport(w, r, profilesURL(v), v, req16, "Clear "+what)
}
