package ocpp16

import (
	"github.com/ocppkit/ocppkit/ocpp/internal/payload"
)

// The decoder and validator are the version-independent engine in
// ocpp/internal/payload; the constraints of every field are its ocpp struct
// tags (documented there, in meta.go). This file tells the engine which
// types are enums and which objects are open.

// enumType is implemented by every enum of this package.
type enumType interface{ enumValues() []string }

// openType marks a struct whose schema does not forbid additional properties.
type openType interface{ openObject() }

var codec = payload.New(payload.Options{
	Name: "ocpp16",
	EnumValues: func(v any) ([]string, bool) {
		e, ok := v.(enumType)
		if !ok {
			return nil, false
		}
		return e.enumValues(), true
	},
	Open: func(v any) bool { _, ok := v.(openType); return ok },
})

// Unmarshal decodes the JSON payload data into v, which must be a non-nil
// pointer to a request or response struct of this package (or a struct
// tagged the same way), and validates it against the schema of its action
// in the same pass. v is reset first.
//
// Errors are *ocpp.Error values whose codes follow OCPP-J:
//
//   - FormationViolation: malformed JSON, a payload that is not a JSON
//     object, trailing data, a duplicate property (Strict), or a property the
//     schema does not list where the schema forbids additional properties
//     (Strict; Tolerant ignores it);
//   - OccurenceConstraintViolation: a required property is absent (absence,
//     not a zero value: "connectorId": 0 is present);
//   - TypeConstraintViolation: a value of the wrong JSON type, e.g. a string
//     for an integer, a fraction for an integer, an object for an array, or
//     null;
//   - PropertyConstraintViolation: a value of the right type that breaks a
//     constraint: unknown enum value, string longer than maxLength, malformed
//     date-time or URI, integer outside 32 bits (Strict), number not a
//     multiple of 0.1, too few array items.
//
// Descriptions name the property path ("meterValue[0].timestamp: …").
// Tolerant mode is described in the package documentation. Decoding
// allocates only the strings, slices and pointers of the result; per-type
// metadata is computed once and cached.
func Unmarshal(data []byte, v Message, mode Mode) error {
	return codec.Unmarshal(data, v, payload.Mode(mode))
}

// validate checks the struct p points to against its metadata; see
// [Message] for what absence means on a Go value.
func validate(p any) error { return codec.Validate(p) }
