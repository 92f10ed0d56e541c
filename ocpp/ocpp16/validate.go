package ocpp16

import (
	"math"
	"reflect"
	"strconv"
	"unicode/utf8"

	"github.com/ocppkit/ocppkit/ocpp"
)

// validate checks the struct p points to against its metadata; see
// [Message] for what absence means on a Go value.
func validate(p any) error {
	v := reflect.ValueOf(p).Elem()
	if err := validateStruct(infoFor(v.Type()), v); err != nil {
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
	return nil
}

func belowMin(f *field) *decodeError {
	return newErr(ocpp.PropertyConstraintViolation, "less than "+strconv.Itoa(f.min))
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
	case kindSlice:
		if v.Len() == 0 {
			switch {
			case f.required && v.IsNil():
				return missing()
			case !f.required:
				return nil // omitempty drops it
			}
		}
		if v.Len() < f.minItems {
			return newErr(ocpp.PropertyConstraintViolation, "has "+strconv.Itoa(v.Len())+" items, want at least "+strconv.Itoa(f.minItems))
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
		if f.required && v.Interface().(DateTime).IsZero() {
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
	case kindInt:
		if f.hasMin && v.Int() < int64(f.min) {
			return belowMin(f)
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
	case kindDateTime:
		if y := v.Interface().(DateTime).UTC().Year(); y < 0 || y > 9999 {
			return newErr(ocpp.PropertyConstraintViolation, "year "+strconv.Itoa(y)+" outside 0000-9999")
		}
	case kindStruct:
		return validateStruct(f.sub, v)
	}
	return nil
}
