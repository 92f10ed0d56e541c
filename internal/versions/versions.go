// Package versions describes the OCPP versions the library speaks, so that
// version-neutral code (handlers, remote, ocpptest) finds a version's
// message constructors, decoder and action lists by the version's name or
// by one of its message types.
package versions

import (
	"reflect"
	"slices"

	"github.com/ocppkit/ocppkit/ocpp"
	"github.com/ocppkit/ocppkit/ocpp/ocpp16"
	"github.com/ocppkit/ocppkit/ocpp/ocpp201"
)

// Version is one OCPP version.
type Version struct {
	// Name is the version's subprotocol: ocpp.OCPP16 or ocpp.OCPP201.
	Name string
	// NewRequest and NewResponse return a pointer to a zero message of an
	// action; ok is false for an action the version does not have.
	NewRequest  func(action string) (ocpp.Request, bool)
	NewResponse func(action string) (ocpp.Response, bool)
	// Unmarshal decodes and validates a payload into a message of the
	// version; tolerant selects the version's Tolerant mode.
	Unmarshal func(data []byte, m ocpp.Message, tolerant bool) error
	// StationActions are the actions a charge point calls, CSMSActions
	// those the central system calls.
	StationActions, CSMSActions []string

	pkgPath string
}

// IsStationAction reports whether a charge point calls action.
func (v *Version) IsStationAction(action string) bool {
	return slices.Contains(v.StationActions, action)
}

// IsCSMSAction reports whether the central system calls action.
func (v *Version) IsCSMSAction(action string) bool {
	return slices.Contains(v.CSMSActions, action)
}

// The versions.
var (
	V16 = &Version{
		Name:        ocpp.OCPP16,
		NewRequest:  ocpp16.NewRequest,
		NewResponse: ocpp16.NewResponse,
		Unmarshal: func(data []byte, m ocpp.Message, tolerant bool) error {
			return ocpp16.Unmarshal(data, m, mode16(tolerant))
		},
		StationActions: ocpp16.ChargePointActions,
		CSMSActions:    ocpp16.CentralSystemActions,
		pkgPath:        reflect.TypeFor[ocpp16.HeartbeatRequest]().PkgPath(),
	}
	V201 = &Version{
		Name:        ocpp.OCPP201,
		NewRequest:  ocpp201.NewRequest,
		NewResponse: ocpp201.NewResponse,
		Unmarshal: func(data []byte, m ocpp.Message, tolerant bool) error {
			return ocpp201.Unmarshal(data, m, ocpp201.Mode(mode16(tolerant)))
		},
		StationActions: ocpp201.ChargingStationActions,
		CSMSActions:    ocpp201.CSMSActions,
		pkgPath:        reflect.TypeFor[ocpp201.HeartbeatRequest]().PkgPath(),
	}
)

// All lists the versions, newest first.
var All = []*Version{V201, V16}

func mode16(tolerant bool) ocpp16.Mode {
	if tolerant {
		return ocpp16.Tolerant
	}
	return ocpp16.Strict
}

// Get returns the version named by its subprotocol. The empty name is
// OCPP 1.6, the version of every connection before 2.0.1 existed (and of
// handler calls built by hand without a version).
func Get(name string) (*Version, bool) {
	switch name {
	case ocpp.OCPP16, "":
		return V16, true
	case ocpp.OCPP201:
		return V201, true
	}
	return nil, false
}

// Of returns the version whose package declares the type of m (a message
// value or a pointer to one), or nil for a type of neither package.
func Of(m any) *Version {
	t := reflect.TypeOf(m)
	if t == nil {
		return nil
	}
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return OfType(t)
}

// OfType is Of for a type.
func OfType(t reflect.Type) *Version {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.PkgPath() {
	case V16.pkgPath:
		return V16
	case V201.pkgPath:
		return V201
	}
	return nil
}
