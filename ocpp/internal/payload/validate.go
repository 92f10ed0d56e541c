package payload

import (
	"encoding/json"
	"math"
	"reflect"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/ocppkit/ocppkit/ocpp"
)

// Validate checks the struct p points to against its metadata and returns
// nil or an *ocpp.Error. On a Go value absence is the zero value: a
// required string (unless allowempty), enum, date-time or nil array counts
// as missing (OccurenceConstraintViolation); a required number or bool is
// always present.
func (c *Codec) Validate(p any) error {
	v := reflect.ValueOf(p).Elem()
	if err := validateStruct(c.infoFor(v.Type()), v); err != nil {
		return err.toError()
	}
	return nil
}

func validateStruct(si *structInfo, v reflect.Value) *decodeError {
	for i := range si.fields {
		f := &si.fields[i]
		if err := validateField(f, v.Field(f.index)); err != nil {
			return err.in(f.name)
		}
	}
	if si.extra >= 0 {
		return validateExtra(si, v.Field(si.extra).Interface().(map[string]json.RawMessage))
	}
	return nil
}

// validateExtra checks the kept unknown properties of an open object: each
// holds one JSON value and none shadows a declared property.
func validateExtra(si *structInfo, extra map[string]json.RawMessage) *decodeError {
	for k, raw := range extra {
		if si.lookup([]byte(k)) >= 0 {
			return newErr(ocpp.PropertyConstraintViolation, "extra property shadows a declared one").in(k)
		}
		if !json.Valid(raw) {
			return newErr(ocpp.PropertyConstraintViolation, "extra property is not one JSON value").in(k)
		}
	}
	return nil
}

func missing() *decodeError {
	return newErr(ocpp.OccurenceConstraintViolation, "required property missing")
}

func validateField(f *field, v reflect.Value) *decodeError {
	if f.ptr {
		if v.IsNil() {
			return nil // optional and absent (required fields are never pointers)
		}
		v = v.Elem()
	}
	switch f.kind {
	case kindRaw:
		if v.Len() == 0 {
			if f.required {
				return missing()
			}
			return nil // omitempty drops it
		}
	case kindSlice:
		if v.Len() == 0 {
			switch {
			case f.required && v.IsNil():
				return missing()
			case !f.required:
				return nil // omitempty drops it
			}
		}
		if err := checkItems(f, v.Len()); err != nil {
			return err
		}
		for i := 0; i < v.Len(); i++ {
			if err := validateValue(f.elem, v.Index(i)); err != nil {
				return err.at(i)
			}
		}
		return nil
	case kindString:
		if v.Len() == 0 && !f.ptr {
			if f.required && !f.allowEmpty {
				return missing()
			}
			return nil // optional "" is dropped by omitempty
		}
	case kindDateTime:
		if f.required && v.Field(0).Interface().(time.Time).IsZero() {
			return missing()
		}
	}
	return validateValue(f, v)
}

// validateValue checks one present value (for an array item, "" is a value,
// not an absence).
func validateValue(f *field, v reflect.Value) *decodeError {
	switch f.kind {
	case kindString:
		s := v.String()
		if f.enum != nil {
			if _, ok := f.enum[s]; !ok {
				return newErr(ocpp.PropertyConstraintViolation, "unknown value "+strconv.Quote(s))
			}
		}
		if f.maxLen > 0 && len(s) > f.maxLen {
			if n := utf8.RuneCountInString(s); n > f.maxLen {
				return newErr(ocpp.PropertyConstraintViolation, "longer than "+strconv.Itoa(f.maxLen)+" characters ("+strconv.Itoa(n)+")")
			}
		}
		if f.uri && !validURI(s) {
			return newErr(ocpp.PropertyConstraintViolation, "not an absolute URI: "+strconv.Quote(s))
		}
	case kindFloat:
		x := v.Float()
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return newErr(ocpp.PropertyConstraintViolation, "not a finite number")
		}
		// Check the shortest decimal form, which is what encoding/json writes.
		if f.decimals >= 0 && !hasDecimals(strconv.AppendFloat(nil, x, 'e', -1, 64), f.decimals) {
			return newErr(ocpp.PropertyConstraintViolation, multipleOfMsg(f.decimals))
		}
		return checkBounds(f, x)
	case kindInt:
		return checkBounds(f, float64(v.Int()))
	case kindDateTime:
		if y := v.Field(0).Interface().(time.Time).UTC().Year(); y < 0 || y > 9999 {
			return newErr(ocpp.PropertyConstraintViolation, "year "+strconv.Itoa(y)+" outside 0000-9999")
		}
	case kindStruct:
		return validateStruct(f.sub, v)
	case kindRaw:
		if raw := v.Bytes(); len(raw) > 0 && !json.Valid(raw) {
			return newErr(ocpp.PropertyConstraintViolation, "not one JSON value")
		}
	}
	return nil
}
