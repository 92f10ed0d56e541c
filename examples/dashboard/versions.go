package main

import (
	"github.com/ocppkit/ocppkit/ocpp"
	"github.com/ocppkit/ocppkit/ocpp/ocpp16"
	"github.com/ocppkit/ocppkit/ocpp/ocpp201"
	"github.com/ocppkit/ocppkit/store"
)

// A fleet mixes OCPP 1.6 charge points and 2.0.1 charging stations. The
// pages are the same for both; where a page sends a command or shows
// settings, it picks the version the charge point last connected with
// (store.ChargePoint.OCPPVersion). A 1.6 connector n is EVSE n of a 2.0.1
// station; the dashboard calls both "connector".

// is201 reports whether cp last spoke OCPP 2.0.1.
func is201(cp *store.ChargePoint) bool { return cp.OCPPVersion == ocpp.OCPP201 }

// VersionLabel is the OCPP version cp last spoke: "1.6", "2.0.1", or ""
// before its first connection.
func (v *chargePointView) VersionLabel() string { return versionLabel(v.OCPPVersion) }

// Is201 reports whether the charge point speaks OCPP 2.0.1.
func (v *chargePointView) Is201() bool { return is201(v.ChargePoint) }

func versionLabel(version string) string {
	switch version {
	case ocpp.OCPP16:
		return "1.6"
	case ocpp.OCPP201:
		return "2.0.1"
	}
	return ""
}

// newRequest returns a zero request of action in version (1.6 unless
// version is 2.0.1).
func newRequest(version, action string) (ocpp.Request, bool) {
	if version == ocpp.OCPP201 {
		return ocpp201.NewRequest(action)
	}
	return ocpp16.NewRequest(action)
}

// unmarshalStrict decodes and validates a payload into req, a request of
// version.
func unmarshalStrict(version string, data []byte, req ocpp.Request) error {
	if version == ocpp.OCPP201 {
		return ocpp201.Unmarshal(data, req, ocpp201.Strict)
	}
	return ocpp16.Unmarshal(data, req, ocpp16.Strict)
}
