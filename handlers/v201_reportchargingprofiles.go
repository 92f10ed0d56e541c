package handlers

import (
	"context"

	"github.com/ocppkit/ocppkit/ocpp/ocpp201"
)

// ReportChargingProfiles publishes the charging profiles the station
// reports (the answer to GetChargingProfiles) on
// charge_point_<id>_notifications. The stored profiles
// (store.ChargingProfiles) are those the CSMS installed; this report is the
// station's own view, left to the host.
func (v *Defaults201) ReportChargingProfiles(ctx context.Context, c *Call, req ocpp201.ReportChargingProfilesRequest) (ocpp201.ReportChargingProfilesResponse, error) {
	v.notify(c, req)
	return ocpp201.ReportChargingProfilesResponse{}, nil
}
