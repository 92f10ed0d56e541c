package payload

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The constraints of every message live in struct tags next to the fields,
// so each action file reads like its schema:
//
//	IdTag string `json:"idTag" ocpp:"required,max=20"`
//
// The ocpp tag options are:
//
//	required       the schema lists the property as required
//	max=N          for a string: maxLength (for a []string: of each item),
//	               counted in characters; for a number: maximum (inclusive)
//	min=N          for a number: minimum (inclusive)
//	minitems=N     minItems of an array
//	maxitems=N     maxItems of an array
//	multipleof=X   multipleOf of a number; X must be a power of ten (0.1)
//	number         the schema says "number" but the Go field is an int
//	               (BootNotificationResponse.interval, UpdateFirmware.retries…)
//	uri            format "uri": an absolute URI
//	loose          Tolerant mode keeps unknown values of this enum verbatim
//	allowempty     Validate accepts "" for this required string
//	extra          on a map[string]json.RawMessage field with json:"-": the
//	               object is open and keeps its unknown properties there
//
// Enum membership comes from the field's type (Options.EnumValues), and a
// struct whose schema does not forbid additional properties is open
// (Options.Open, or an extra field). A json.RawMessage field takes any JSON
// value, null included, verbatim (a schema property without a type). A
// struct type of the shape
// struct{ time.Time } is a date-time. The metadata below is built by
// reflection once per type and cached; decoding and validation then only
// walk these tables.

type kind uint8

const (
	kindString kind = iota
	kindInt
	kindFloat
	kindBool
	kindDateTime
	kindStruct
	kindSlice
	kindRaw // json.RawMessage: any JSON value, kept verbatim
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
	minItems   int
	maxItems   int // 0: no limit
	decimals   int // >= 0 with multipleOf 10^-decimals; -1: no constraint
	hasMin     bool
	hasMax     bool
	min, max   float64 // numeric bounds, when hasMin/hasMax
	enum       map[string]string
	typ        reflect.Type // the value type (pointer and slice stripped)
	sub        *structInfo  // kindStruct
	elem       *field       // kindSlice
}

// structInfo is the metadata of one struct type.
type structInfo struct {
	fields   []field
	open     bool   // unknown properties are allowed by the schema
	extra    int    // index of the struct field keeping unknown properties; -1: none
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

// Options describe the message types of one version package to a Codec.
type Options struct {
	// Name prefixes panics and error descriptions ("ocpp16").
	Name string
	// EnumValues returns the values of the enum v (a zero value of a string
	// type), or false when v's type is a plain string.
	EnumValues func(v any) ([]string, bool)
	// Open reports whether the schema of the struct v (a zero value) allows
	// properties it does not list (they are then ignored in both modes).
	Open func(v any) bool
}

// Codec decodes and validates the message structs of one version package.
// Its metadata cache makes it cheap to share: use one per package.
type Codec struct {
	opts  Options
	cache sync.Map // reflect.Type → *structInfo
	mu    sync.Mutex
}

// New returns a Codec for the types o describes.
func New(o Options) *Codec { return &Codec{opts: o} }

// infoFor returns the cached metadata of struct type t, building it on first use.
func (c *Codec) infoFor(t reflect.Type) *structInfo {
	if si, ok := c.cache.Load(t); ok {
		return si.(*structInfo)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.infoForLocked(t)
}

// infoForLocked is infoFor for nested types while c.mu is held.
func (c *Codec) infoForLocked(t reflect.Type) *structInfo {
	if si, ok := c.cache.Load(t); ok {
		return si.(*structInfo)
	}
	si := c.buildInfo(t)
	c.cache.Store(t, si)
	return si
}

var (
	timeType       = reflect.TypeFor[time.Time]()
	rawType        = reflect.TypeFor[map[string]json.RawMessage]()
	rawMessageType = reflect.TypeFor[json.RawMessage]()
)

// isDateTime reports whether t is a struct{ time.Time } (the DateTime of a
// version package).
func isDateTime(t reflect.Type) bool {
	return t.Kind() == reflect.Struct && t.NumField() == 1 && t.Field(0).Anonymous && t.Field(0).Type == timeType
}

// buildInfo panics on a struct it cannot describe: that is a bug in the
// version package, caught by its tests, never a property of the input.
func (c *Codec) buildInfo(t reflect.Type) *structInfo {
	if t.Kind() != reflect.Struct {
		panic(c.opts.Name + ": not a struct: " + t.String())
	}
	si := &structInfo{open: c.opts.Open != nil && c.opts.Open(reflect.Zero(t).Interface()), extra: -1}
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		if !sf.IsExported() {
			continue
		}
		tag := sf.Tag.Get("ocpp")
		if tag == "extra" {
			if sf.Type != rawType || sf.Tag.Get("json") != "-" || si.extra >= 0 {
				panic(fmt.Sprintf("%s: %s.%s: an extra field is one map[string]json.RawMessage with json:\"-\"", c.opts.Name, t.Name(), sf.Name))
			}
			si.extra, si.open = i, true
			continue
		}
		name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if name == "" || name == "-" {
			panic(fmt.Sprintf("%s: %s.%s has no json name", c.opts.Name, t.Name(), sf.Name))
		}
		f := field{name: name, index: i, decimals: -1}
		ft := sf.Type
		if ft.Kind() == reflect.Pointer {
			f.ptr = true
			ft = ft.Elem()
		}
		var minVal, maxVal string
		for _, opt := range strings.Split(tag, ",") {
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
				maxVal = val
			case "min":
				minVal = val
			case "minitems":
				f.minItems = c.mustAtoi(val)
			case "maxitems":
				f.maxItems = c.mustAtoi(val)
			case "multipleof":
				f.decimals = c.decimalsOf(val)
			default:
				panic(fmt.Sprintf("%s: %s.%s: unknown ocpp tag option %q", c.opts.Name, t.Name(), sf.Name, opt))
			}
		}
		item := &f
		if ft.Kind() == reflect.Slice && ft != rawMessageType {
			f.kind = kindSlice
			f.typ = ft
			f.elem = &field{decimals: -1}
			item = f.elem
			ft = ft.Elem()
		}
		c.setKind(item, ft)
		c.setLimits(item, minVal, maxVal, t, sf)
		if f.required && len(si.fields) >= 64 {
			panic(c.opts.Name + ": too many fields in " + t.Name())
		}
		if f.required {
			si.required |= 1 << len(si.fields)
		}
		si.fields = append(si.fields, f)
	}
	return si
}

// setLimits applies the min= and max= options to f (the field, or the
// items of a slice), whose kind decides their meaning.
func (c *Codec) setLimits(f *field, minVal, maxVal string, t reflect.Type, sf reflect.StructField) {
	switch {
	case f.kind == kindString && minVal == "":
		if maxVal != "" {
			f.maxLen = c.mustAtoi(maxVal)
		}
	case f.kind == kindInt || f.kind == kindFloat:
		if minVal != "" {
			f.hasMin, f.min = true, c.mustFloat(minVal)
		}
		if maxVal != "" {
			f.hasMax, f.max = true, c.mustFloat(maxVal)
		}
	case minVal != "" || maxVal != "":
		panic(fmt.Sprintf("%s: %s.%s: min= and max= need a number (max= also a string)", c.opts.Name, t.Name(), sf.Name))
	}
}

func (c *Codec) setKind(f *field, t reflect.Type) {
	f.typ = t
	switch {
	case isDateTime(t):
		f.kind = kindDateTime
	case t == rawMessageType:
		f.kind = kindRaw
	case t.Kind() == reflect.String:
		f.kind = kindString
		if c.opts.EnumValues != nil {
			if values, ok := c.opts.EnumValues(reflect.Zero(t).Interface()); ok {
				f.enum = map[string]string{}
				for _, v := range values {
					f.enum[v] = v
				}
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
		f.sub = c.infoForLocked(t)
	default:
		panic(c.opts.Name + ": unsupported field type " + t.String())
	}
}

func (c *Codec) mustAtoi(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		panic(c.opts.Name + ": bad number in ocpp tag: " + s)
	}
	return n
}

func (c *Codec) mustFloat(s string) float64 {
	x, err := strconv.ParseFloat(s, 64)
	if err != nil {
		panic(c.opts.Name + ": bad number in ocpp tag: " + s)
	}
	return x
}

// decimalsOf returns k for a multipleOf of 10^-k.
func (c *Codec) decimalsOf(s string) int {
	for k := 0; k < 10; k++ {
		if strconv.FormatFloat(1/pow10(k), 'f', -1, 64) == s {
			return k
		}
	}
	panic(c.opts.Name + ": multipleof must be a power of ten: " + s)
}

func pow10(k int) float64 {
	p := 1.0
	for ; k > 0; k-- {
		p *= 10
	}
	return p
}
