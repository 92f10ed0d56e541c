package ocpp201_test

import (
	"slices"
	"testing"

	"github.com/ocppkit/ocppkit/internal/schematest"
	"github.com/ocppkit/ocppkit/ocpp/ocpp201"
	"github.com/ocppkit/ocppkit/ocpp/schemas"
)

// version describes this package to the shared schema conformance suite.
var version = schematest.Version{
	Schemas: schemas.OCPP201,
	New: func(action string, response bool) (schematest.Message, bool) {
		if response {
			return ocpp201.NewResponse(action)
		}
		return ocpp201.NewRequest(action)
	},
	Unmarshal: func(data []byte, m schematest.Message, tolerant bool) error {
		mode := ocpp201.Strict
		if tolerant {
			mode = ocpp201.Tolerant
		}
		return ocpp201.Unmarshal(data, m.(ocpp201.Message), mode)
	},
	// Tolerant mode keeps unknown descriptors of a sampled value.
	Loose: func(p schematest.Property) bool {
		return slices.Contains(p.Path, "sampledValue") &&
			slices.Contains([]string{"measurand", "context", "location", "phase"}, p.Name)
	},
}

// TestConformance checks every message against its official schema: valid
// samples round-trip, and every single-property mutation (missing, too
// long, unknown enum value, out of range, too few or many items, unknown
// property, wrong type) gets the precise error from Unmarshal and Validate.
func TestConformance(t *testing.T) {
	schematest.Conformance(t, version)
}
