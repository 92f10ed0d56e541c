package ocpp16

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"sync"
)

// The constraints of every message live in struct tags next to the fields,
// so each action file reads like its schema:
//
//	IdTag string `json:"idTag" ocpp:"required,max=20"`
//
// The ocpp tag options are:
//
//	required       the schema lists the property as required
//	max=N          maxLength (for a []string: of each item), counted in characters
//	minitems=N     minItems of an array
//	min=N          the least value of an integer, from the specification's
//	               text (the schemas are silent): connectorId > 0 or >= 0, …;
//	               refused in Strict mode with PropertyConstraintViolation
//	multipleof=X   multipleOf of a number; X must be a power of ten (0.1)
//	number         the schema says "number" but the Go field is an int
//	               (BootNotificationResponse.interval, UpdateFirmware.retries…)
//	uri            format "uri": an absolute URI
//	loose          Tolerant mode keeps unknown values of this enum verbatim
//	allowempty     Validate accepts "" for this required string
//
// Enum membership comes from the field's type (its enumValues method), and a
// struct whose schema does not forbid additional properties has an
// openObject method. The metadata below is built by reflection once per type
// and cached; decoding and validation then only walk these tables.

type kind uint8

const (
	kindString kind = iota
	kindInt
	kindFloat
	kindBool
	kindDateTime
	kindStruct
	kindSlice
)

// field is the metadata of one struct field (or, for a slice, of its items).
type field struct {
	name       string // JSON name; "" for slice items
	index      int    // struct field index
	kind       kind
	ptr        bool // optional, held through a pointer
	required   bool
	allowEmpty bool
	loose      bool
	asNumber   bool
	uri        bool
	maxLen     int // 0: no limit
	hasMin     bool
	min        int // kindInt, with hasMin
	minItems   int
	decimals   int // >= 0 with multipleOf 10^-decimals; -1: no constraint
	enum       map[string]string
	typ        reflect.Type // the value type (pointer and slice stripped)
	sub        *structInfo  // kindStruct
	elem       *field       // kindSlice
}

// structInfo is the metadata of one struct type.
type structInfo struct {
	fields   []field
	open     bool   // unknown properties are allowed by the schema
	required uint64 // bit i set: fields[i] is required
}

// lookup returns the index in s.fields of the property named key, or -1.
func (s *structInfo) lookup(key []byte) int {
	for i := range s.fields {
		if s.fields[i].name == string(key) {
			return i
		}
	}
	return -1
}

type enumType interface{ enumValues() []string }

type openType interface{ openObject() }

var (
	infoCache sync.Map // reflect.Type → *structInfo
	infoMu    sync.Mutex
)

// infoFor returns the cached metadata of struct type t, building it on first use.
func infoFor(t reflect.Type) *structInfo {
	if si, ok := infoCache.Load(t); ok {
		return si.(*structInfo)
	}
	infoMu.Lock()
	defer infoMu.Unlock()
	if si, ok := infoCache.Load(t); ok {
		return si.(*structInfo)
	}
	si := buildInfo(t)
	infoCache.Store(t, si)
	return si
}

var (
	dateTimeType = reflect.TypeFor[DateTime]()
	enumIface    = reflect.TypeFor[enumType]()
	openIface    = reflect.TypeFor[openType]()
)

// buildInfo panics on a struct it cannot describe: that is a bug in this
// package, caught by the tests, never a property of the input.
func buildInfo(t reflect.Type) *structInfo {
	if t.Kind() != reflect.Struct {
		panic("ocpp16: not a struct: " + t.String())
	}
	si := &structInfo{open: t.Implements(openIface)}
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		if !sf.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if name == "" || name == "-" {
			panic(fmt.Sprintf("ocpp16: %s.%s has no json name", t.Name(), sf.Name))
		}
		f := field{name: name, index: i, decimals: -1}
		ft := sf.Type
		if ft.Kind() == reflect.Pointer {
			f.ptr = true
			ft = ft.Elem()
		}
		for _, opt := range strings.Split(sf.Tag.Get("ocpp"), ",") {
			key, val, _ := strings.Cut(opt, "=")
			switch key {
			case "":
			case "required":
				f.required = true
			case "allowempty":
				f.allowEmpty = true
			case "loose":
				f.loose = true
			case "number":
				f.asNumber = true
			case "uri":
				f.uri = true
			case "max":
				f.maxLen = mustAtoi(val)
			case "min":
				f.min, f.hasMin = mustAtoi(val), true
			case "minitems":
				f.minItems = mustAtoi(val)
			case "multipleof":
				f.decimals = decimalsOf(val)
			default:
				panic(fmt.Sprintf("ocpp16: %s.%s: unknown ocpp tag option %q", t.Name(), sf.Name, opt))
			}
		}
		if ft.Kind() == reflect.Slice {
			f.kind = kindSlice
			item := field{decimals: -1, maxLen: f.maxLen}
			f.maxLen = 0
			setKind(&item, ft.Elem())
			f.elem = &item
			f.typ = ft
		} else {
			setKind(&f, ft)
		}
		if f.required && len(si.fields) >= 64 {
			panic("ocpp16: too many fields in " + t.Name())
		}
		if f.required {
			si.required |= 1 << len(si.fields)
		}
		si.fields = append(si.fields, f)
	}
	return si
}

func setKind(f *field, t reflect.Type) {
	f.typ = t
	switch {
	case t == dateTimeType:
		f.kind = kindDateTime
	case t.Kind() == reflect.String:
		f.kind = kindString
		if t.Implements(enumIface) {
			f.enum = map[string]string{}
			for _, v := range reflect.Zero(t).Interface().(enumType).enumValues() {
				f.enum[v] = v
			}
		}
	case t.Kind() == reflect.Int:
		f.kind = kindInt
	case t.Kind() == reflect.Float64:
		f.kind = kindFloat
	case t.Kind() == reflect.Bool:
		f.kind = kindBool
	case t.Kind() == reflect.Struct:
		f.kind = kindStruct
		f.sub = infoForLocked(t)
	default:
		panic("ocpp16: unsupported field type " + t.String())
	}
}

// infoForLocked is infoFor for nested types while infoMu is held.
func infoForLocked(t reflect.Type) *structInfo {
	if si, ok := infoCache.Load(t); ok {
		return si.(*structInfo)
	}
	si := buildInfo(t)
	infoCache.Store(t, si)
	return si
}

func mustAtoi(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		panic("ocpp16: bad number in ocpp tag: " + s)
	}
	return n
}

// decimalsOf returns k for a multipleOf of 10^-k.
func decimalsOf(s string) int {
	for k := 0; k < 10; k++ {
		if strconv.FormatFloat(1/pow10(k), 'f', -1, 64) == s {
			return k
		}
	}
	panic("ocpp16: multipleof must be a power of ten: " + s)
}

func pow10(k int) float64 {
	p := 1.0
	for ; k > 0; k-- {
		p *= 10
	}
	return p
}
