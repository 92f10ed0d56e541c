package payload

import (
	"encoding/json"
	"math"
	"net/url"
	"reflect"
	"strconv"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/ocppkit/ocppkit/ocpp"
)

// maxDepth bounds the nesting of skipped JSON values.
const maxDepth = 512

// Mode selects how strictly Unmarshal applies the schemas. The version
// packages' Mode types have the same values, so they convert; any value
// other than Tolerant is Strict.
type Mode int

const (
	// Strict applies the JSON schemas as published, with the OCPP rule that
	// integers are 32-bit.
	Strict Mode = iota
	// Tolerant accepts the deviations of real-world charge points the
	// version packages document, and nothing else.
	Tolerant
)

// Unmarshal decodes the JSON payload into v, which must be a non-nil
// pointer to a struct tagged as meta.go describes, and validates it against
// its schema constraints in the same pass. v is reset first.
//
// Errors are *ocpp.Error values whose codes follow OCPP-J, spelled as in
// 1.6 (the canonical spelling of package ocpp):
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
//     date-time or URI, integer outside 32 bits or a number outside
//     minimum/maximum (Strict), number not a multiple of 0.1, too few or too
//     many array items.
//
// Descriptions name the property path ("meterValue[0].timestamp: …").
// Decoding allocates only the strings, slices, maps and pointers of the
// result; per-type metadata is computed once and cached.
func (c *Codec) Unmarshal(payload []byte, v any, mode Mode) error {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() || rv.Elem().Kind() != reflect.Struct {
		return ocpp.NewError(ocpp.InternalError, "%s: Unmarshal needs a non-nil pointer to a struct, got %T", c.opts.Name, v)
	}
	if mode != Tolerant {
		mode = Strict
	}
	sv := rv.Elem()
	si := c.infoFor(sv.Type())
	sv.SetZero()
	d := decoder{data: payload, mode: mode}
	d.skipWS()
	var err *decodeError
	switch {
	case d.i >= len(d.data):
		err = d.formation("payload is empty")
	case d.data[d.i] != '{':
		err = d.formation("payload is not a JSON object")
	default:
		err = d.decodeStruct(si, sv, 0)
		if err == nil {
			d.skipWS()
			if d.i < len(d.data) {
				err = d.formation("data after the JSON object")
			}
		}
	}
	if err == nil {
		return nil
	}
	if err.code != ocpp.FormationViolation && !json.Valid(payload) {
		// A semantic error was found before a syntax error further on:
		// malformed JSON wins.
		return ocpp.NewError(ocpp.FormationViolation, "malformed JSON")
	}
	return err.toError()
}

// decodeError is an error with the property path it occurred at, built up
// as the recursion unwinds.
type decodeError struct {
	code ocpp.ErrorCode
	path string
	msg  string
}

func (e *decodeError) toError() *ocpp.Error {
	if e.path == "" {
		return &ocpp.Error{Code: e.code, Description: e.msg}
	}
	return &ocpp.Error{Code: e.code, Description: e.path + ": " + e.msg}
}

// in prefixes the path of e with the property name.
func (e *decodeError) in(name string) *decodeError {
	switch {
	case e.path == "":
		e.path = name
	case e.path[0] == '[':
		e.path = name + e.path
	default:
		e.path = name + "." + e.path
	}
	return e
}

// at prefixes the path of e with an array index.
func (e *decodeError) at(i int) *decodeError {
	idx := "[" + strconv.Itoa(i) + "]"
	if e.path == "" || e.path[0] == '[' {
		e.path = idx + e.path
	} else {
		e.path = idx + "." + e.path
	}
	return e
}

func newErr(code ocpp.ErrorCode, msg string) *decodeError {
	return &decodeError{code: code, msg: msg}
}

type decoder struct {
	data []byte
	i    int
	mode Mode
}

func (d *decoder) formation(msg string) *decodeError {
	return newErr(ocpp.FormationViolation, msg)
}

func (d *decoder) syntax() *decodeError {
	if d.i >= len(d.data) {
		return d.formation("malformed JSON: unexpected end of input")
	}
	return d.formation("malformed JSON at offset " + strconv.Itoa(d.i))
}

func (d *decoder) skipWS() {
	for d.i < len(d.data) {
		switch d.data[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

// decodeStruct decodes the object at d.i into v (an addressable struct).
func (d *decoder) decodeStruct(si *structInfo, v reflect.Value, depth int) *decodeError {
	d.i++ // '{'
	var seen uint64
	d.skipWS()
	if d.i < len(d.data) && d.data[d.i] == '}' {
		d.i++
		return d.checkRequired(si, seen)
	}
	for {
		d.skipWS()
		if d.i >= len(d.data) || d.data[d.i] != '"' {
			return d.syntax()
		}
		key, esc, err := d.scanString()
		if err != nil {
			return err
		}
		if esc {
			key = []byte(unescape(key))
		}
		d.skipWS()
		if d.i >= len(d.data) || d.data[d.i] != ':' {
			return d.syntax()
		}
		d.i++
		d.skipWS()
		if d.i >= len(d.data) {
			return d.syntax()
		}
		idx := si.lookup(key)
		if idx < 0 {
			if !si.open && d.mode == Strict {
				return d.formation("property not allowed by the schema").in(string(key))
			}
			start := d.i
			if err := d.skipValue(depth + 1); err != nil {
				return err
			}
			if si.extra >= 0 {
				if err := d.keepExtra(v.Field(si.extra), key, d.data[start:d.i]); err != nil {
					return err
				}
			}
		} else {
			f := &si.fields[idx]
			fv := v.Field(f.index)
			bit := uint64(1) << idx
			if seen&bit != 0 {
				if d.mode == Strict {
					return d.formation("duplicate property").in(f.name)
				}
				fv.SetZero()
				seen &^= bit
			}
			present, err := d.decodeField(f, fv, depth)
			if err != nil {
				return err.in(f.name)
			}
			if present {
				seen |= bit
			}
		}
		d.skipWS()
		if d.i >= len(d.data) {
			return d.syntax()
		}
		switch d.data[d.i] {
		case ',':
			d.i++
		case '}':
			d.i++
			return d.checkRequired(si, seen)
		default:
			return d.syntax()
		}
	}
}

// keepExtra stores the unknown property key with its raw value in the
// extra map m (copied: the payload buffer may be reused).
func (d *decoder) keepExtra(m reflect.Value, key, raw []byte) *decodeError {
	extra := m.Interface().(map[string]json.RawMessage)
	if extra == nil {
		extra = make(map[string]json.RawMessage)
		m.Set(reflect.ValueOf(extra))
	}
	k := string(key)
	if _, dup := extra[k]; dup && d.mode == Strict {
		return d.formation("duplicate property").in(k)
	}
	extra[k] = json.RawMessage(append([]byte(nil), raw...))
	return nil
}

func (d *decoder) checkRequired(si *structInfo, seen uint64) *decodeError {
	missing := si.required &^ seen
	if missing == 0 {
		return nil
	}
	for i := range si.fields {
		if missing&(1<<i) != 0 {
			return newErr(ocpp.OccurenceConstraintViolation, "required property missing").in(si.fields[i].name)
		}
	}
	return nil
}

// decodeField decodes the value at d.i into the struct field fv. present is
// false for a null that Tolerant mode treats as absence.
func (d *decoder) decodeField(f *field, fv reflect.Value, depth int) (present bool, err *decodeError) {
	if d.data[d.i] == 'n' && f.kind != kindRaw {
		if err := d.literal("null"); err != nil {
			return false, err
		}
		if d.mode == Tolerant {
			return false, nil // absent; a required one is reported by checkRequired
		}
		return false, newErr(ocpp.TypeConstraintViolation, "null is not allowed, want "+f.want())
	}
	if f.ptr {
		p := reflect.New(f.typ)
		if err := d.decodeValue(f, p.Elem(), depth); err != nil {
			return false, err
		}
		fv.Set(p)
		return true, nil
	}
	return true, d.decodeValue(f, fv, depth)
}

// want names the JSON type f expects, for error messages.
func (f *field) want() string {
	switch f.kind {
	case kindString:
		return "string"
	case kindInt:
		if f.asNumber {
			return "number"
		}
		return "integer"
	case kindFloat:
		return "number"
	case kindBool:
		return "boolean"
	case kindDateTime:
		return "date-time string"
	case kindStruct:
		return "object"
	case kindRaw:
		return "any JSON value"
	}
	return "array"
}

// got names the JSON type of the value starting with c.
func got(c byte) string {
	switch c {
	case '"':
		return "string"
	case '{':
		return "object"
	case '[':
		return "array"
	case 't', 'f':
		return "boolean"
	case 'n':
		return "null"
	}
	return "number"
}

// typeError reports a value of the wrong JSON type. The value is checked
// for syntax first so malformed JSON is still a FormationViolation.
func (d *decoder) typeError(f *field, depth int) *decodeError {
	c := d.data[d.i]
	if err := d.skipValue(depth + 1); err != nil {
		return err
	}
	return newErr(ocpp.TypeConstraintViolation, "got "+got(c)+", want "+f.want())
}

// decodeValue decodes the value at d.i into v, of f's value type.
func (d *decoder) decodeValue(f *field, v reflect.Value, depth int) *decodeError {
	if d.i >= len(d.data) {
		return d.syntax()
	}
	c := d.data[d.i]
	switch f.kind {
	case kindString:
		if c != '"' {
			return d.typeError(f, depth)
		}
		raw, esc, err := d.scanString()
		if err != nil {
			return err
		}
		if f.enum != nil && !esc {
			if s, ok := f.enum[string(raw)]; ok {
				v.SetString(s) // interned: no allocation
				return nil
			}
		}
		s := stringOf(raw, esc)
		return d.setString(f, v, s)
	case kindInt:
		lit, err := d.numberLiteral(f, depth)
		if err != nil {
			return err
		}
		n, err := d.parseInt(f, lit)
		if err != nil {
			return err
		}
		if err := d.checkBounds(f, float64(n)); err != nil {
			return err
		}
		v.SetInt(n)
		return nil
	case kindFloat:
		lit, err := d.numberLiteral(f, depth)
		if err != nil {
			return err
		}
		x, perr := strconv.ParseFloat(string(lit), 64)
		if perr != nil || math.IsInf(x, 0) {
			return newErr(ocpp.PropertyConstraintViolation, "number out of range")
		}
		if f.decimals >= 0 && !hasDecimals(lit, f.decimals) {
			return newErr(ocpp.PropertyConstraintViolation, multipleOfMsg(f.decimals))
		}
		if err := d.checkBounds(f, x); err != nil {
			return err
		}
		v.SetFloat(x)
		return nil
	case kindBool:
		switch c {
		case 't':
			if err := d.literal("true"); err != nil {
				return err
			}
			v.SetBool(true)
			return nil
		case 'f':
			if err := d.literal("false"); err != nil {
				return err
			}
			v.SetBool(false)
			return nil
		}
		return d.typeError(f, depth)
	case kindDateTime:
		if c != '"' {
			return d.typeError(f, depth)
		}
		raw, esc, err := d.scanString()
		if err != nil {
			return err
		}
		if esc {
			raw = []byte(unescape(raw))
		}
		t, ok := parseDateTime(raw, d.mode == Tolerant)
		if !ok {
			return newErr(ocpp.PropertyConstraintViolation, "not an RFC 3339 date-time with time zone: "+strconv.Quote(string(raw)))
		}
		setTime(v.Field(0), t)
		return nil
	case kindStruct:
		if c != '{' {
			return d.typeError(f, depth)
		}
		if depth >= maxDepth {
			return d.formation("nesting too deep")
		}
		return d.decodeStruct(f.sub, v, depth+1)
	case kindSlice:
		if c != '[' {
			return d.typeError(f, depth)
		}
		return d.decodeSlice(f, v, depth)
	case kindRaw:
		start := d.i
		if err := d.skipValue(depth + 1); err != nil {
			return err
		}
		v.SetBytes(append([]byte(nil), d.data[start:d.i]...))
		return nil
	}
	panic("payload: unknown field kind")
}

func (d *decoder) setString(f *field, v reflect.Value, s string) *decodeError {
	if f.enum != nil {
		if _, ok := f.enum[s]; !ok && !(f.loose && d.mode == Tolerant) {
			return newErr(ocpp.PropertyConstraintViolation, "unknown value "+strconv.Quote(s))
		}
	}
	if f.maxLen > 0 && len(s) > f.maxLen { // bytes >= characters: cheap pre-check
		if n := utf8.RuneCountInString(s); n > f.maxLen {
			if d.mode == Strict {
				return newErr(ocpp.PropertyConstraintViolation, "longer than "+strconv.Itoa(f.maxLen)+" characters ("+strconv.Itoa(n)+")")
			}
			s = truncate(s, f.maxLen)
		}
	}
	if f.uri && !validURI(s) {
		return newErr(ocpp.PropertyConstraintViolation, "not an absolute URI: "+strconv.Quote(s))
	}
	v.SetString(s)
	return nil
}

func (d *decoder) decodeSlice(f *field, v reflect.Value, depth int) *decodeError {
	if depth >= maxDepth {
		return d.formation("nesting too deep")
	}
	d.i++ // '['
	d.skipWS()
	if d.i < len(d.data) && d.data[d.i] == ']' {
		d.i++
		v.Set(reflect.MakeSlice(f.typ, 0, 0)) // [] stays an empty slice, not nil
		return d.checkItems(f, 0)
	}
	// A fresh backing array (never the one v held), sized for a few items
	// at once: growing one by one from zero allocated at 1, 2 and 4 items
	// (four sampled values, the commonest array, cost three allocations).
	v.SetZero()
	for n := 0; ; n++ {
		d.skipWS()
		if d.i >= len(d.data) {
			return d.syntax()
		}
		if n == f.maxItems && n > 0 {
			// Stop before decoding (and allocating) what cannot be kept.
			return newErr(ocpp.PropertyConstraintViolation, "has more than "+strconv.Itoa(n)+" items, want at most "+strconv.Itoa(n))
		}
		if v.Len() == v.Cap() {
			grow := 1
			if n == 0 {
				grow = initialItems
				if f.maxItems > 0 {
					grow = min(grow, f.maxItems)
				}
			}
			v.Grow(grow)
		}
		v.SetLen(n + 1)
		if d.data[d.i] == 'n' {
			if err := d.literal("null"); err != nil {
				return err
			}
			return newErr(ocpp.TypeConstraintViolation, "null is not allowed, want "+f.elem.want()).at(n)
		}
		if err := d.decodeValue(f.elem, v.Index(n), depth+1); err != nil {
			return err.at(n)
		}
		d.skipWS()
		if d.i >= len(d.data) {
			return d.syntax()
		}
		switch d.data[d.i] {
		case ',':
			d.i++
		case ']':
			d.i++
			return d.checkItems(f, n+1)
		default:
			return d.syntax()
		}
	}
}

// initialItems is the capacity an array's slice starts with.
const initialItems = 4

// setTime stores t in v, a time.Time field of a value being decoded
// (addressable), without boxing t in an interface (reflect.ValueOf(t)
// allocates).
func setTime(v reflect.Value, t time.Time) {
	if v.CanAddr() {
		if p, ok := v.Addr().Interface().(*time.Time); ok {
			*p = t
			return
		}
	}
	v.Set(reflect.ValueOf(t))
}

func (d *decoder) checkItems(f *field, n int) *decodeError {
	return checkItems(f, n)
}

// checkItems checks the number of items n of the array field f.
func checkItems(f *field, n int) *decodeError {
	if n < f.minItems {
		return newErr(ocpp.PropertyConstraintViolation, "has "+strconv.Itoa(n)+" items, want at least "+strconv.Itoa(f.minItems))
	}
	if f.maxItems > 0 && n > f.maxItems {
		return newErr(ocpp.PropertyConstraintViolation, "has "+strconv.Itoa(n)+" items, want at most "+strconv.Itoa(f.maxItems))
	}
	return nil
}

// checkBounds applies the minimum and maximum of f to x. Tolerant mode
// accepts a number outside them, as it accepts integers outside 32 bits.
func (d *decoder) checkBounds(f *field, x float64) *decodeError {
	if d.mode == Tolerant {
		return nil
	}
	return checkBounds(f, x)
}

func checkBounds(f *field, x float64) *decodeError {
	switch {
	case f.hasMin && x < f.min:
		return newErr(ocpp.PropertyConstraintViolation, formatNumber(x)+" is less than the minimum "+formatNumber(f.min))
	case f.hasMax && x > f.max:
		return newErr(ocpp.PropertyConstraintViolation, formatNumber(x)+" is greater than the maximum "+formatNumber(f.max))
	}
	return nil
}

func formatNumber(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }

// numberLiteral returns the JSON number at d.i. Tolerant mode also takes a
// string holding a number ("12", " 12.0 ").
func (d *decoder) numberLiteral(f *field, depth int) ([]byte, *decodeError) {
	c := d.data[d.i]
	if c == '-' || (c >= '0' && c <= '9') {
		start := d.i
		if !d.scanNumber() {
			return nil, d.syntax()
		}
		return d.data[start:d.i], nil
	}
	if c == '"' && d.mode == Tolerant {
		raw, esc, err := d.scanString()
		if err != nil {
			return nil, err
		}
		if esc {
			raw = []byte(unescape(raw))
		}
		lit := trimSpace(raw)
		if len(lit) > 0 && lit[0] == '+' {
			lit = lit[1:]
		}
		if !isNumber(lit) {
			return nil, newErr(ocpp.TypeConstraintViolation, "string "+strconv.Quote(string(raw))+" is not a number")
		}
		return lit, nil
	}
	return nil, d.typeError(f, depth)
}

// parseInt converts a JSON number literal for an int field.
func (d *decoder) parseInt(f *field, lit []byte) (int64, *decodeError) {
	if n, ok := plainInt(lit); ok {
		if d.mode == Strict && (n < math.MinInt32 || n > math.MaxInt32) {
			return 0, newErr(ocpp.PropertyConstraintViolation, "integer "+string(lit)+" outside the 32-bit range")
		}
		return n, nil
	}
	// A fraction or exponent: a "number" field, or Tolerant mode, takes it
	// when it is integral.
	x, err := strconv.ParseFloat(string(lit), 64)
	integral := err == nil && x == math.Trunc(x) && !math.IsInf(x, 0)
	switch {
	case !f.asNumber && d.mode == Strict:
		return 0, newErr(ocpp.TypeConstraintViolation, "got "+string(lit)+", want integer")
	case !integral && f.asNumber:
		return 0, newErr(ocpp.PropertyConstraintViolation, string(lit)+" is not a whole number")
	case !integral:
		return 0, newErr(ocpp.TypeConstraintViolation, "got "+string(lit)+", want integer")
	}
	limit := float64(math.MaxInt32)
	if d.mode == Tolerant {
		limit = math.MaxInt64
	}
	if x > limit || x < -limit-1 {
		return 0, newErr(ocpp.PropertyConstraintViolation, "integer "+string(lit)+" out of range")
	}
	return int64(x), nil
}

// plainInt parses an integer literal without fraction or exponent that fits
// in a Go int.
func plainInt(lit []byte) (int64, bool) {
	neg := false
	b := lit
	if len(b) > 0 && b[0] == '-' {
		neg = true
		b = b[1:]
	}
	if len(b) == 0 || len(b) > 19 {
		return 0, false
	}
	var n uint64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + uint64(c-'0')
	}
	if neg {
		if n > 1<<63 {
			return 0, false
		}
		return -int64(n), true
	}
	if n > math.MaxInt64 || uint64(int64(n)) != n || n > uint64(math.MaxInt) {
		return 0, false
	}
	return int64(n), true
}

// hasDecimals reports whether the decimal number literal has at most k
// digits after the point, i.e. is a multiple of 10^-k. It works on the
// literal, so 0.1+0.2 artefacts of binary floating point never matter.
func hasDecimals(lit []byte, k int) bool {
	mant, exp := lit, 0
	for i, c := range lit {
		if c == 'e' || c == 'E' {
			mant = lit[:i]
			e, err := strconv.Atoi(string(lit[i+1:]))
			if err != nil {
				return false
			}
			exp = e
			break
		}
	}
	frac := 0
	for i, c := range mant {
		if c == '.' {
			f := mant[i+1:]
			for len(f) > 0 && f[len(f)-1] == '0' {
				f = f[:len(f)-1]
			}
			frac = len(f)
			break
		}
	}
	if frac == 0 {
		return true // an integer mantissa times 10^exp is integral or has -exp decimals
	}
	return frac-exp <= k
}

func multipleOfMsg(k int) string {
	return "not a multiple of " + strconv.FormatFloat(1/pow10(k), 'f', -1, 64)
}

// scanNumber advances over a JSON number, reporting whether it is well formed.
func (d *decoder) scanNumber() bool {
	n := numberLen(d.data[d.i:])
	if n == 0 {
		return false
	}
	d.i += n
	return true
}

func isNumber(b []byte) bool { n := numberLen(b); return n > 0 && n == len(b) }

// numberLen returns the length of the JSON number at the start of b, 0 if
// there is none.
func numberLen(b []byte) int {
	i := 0
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && b[i] >= '1' && b[i] <= '9':
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
	default:
		return 0
	}
	if i < len(b) && b[i] == '.' {
		i++
		j := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		if i == j {
			return 0
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		j := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		if i == j {
			return 0
		}
	}
	return i
}

func trimSpace(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t') {
		b = b[:len(b)-1]
	}
	return b
}

func (d *decoder) literal(lit string) *decodeError {
	if len(d.data)-d.i < len(lit) || string(d.data[d.i:d.i+len(lit)]) != lit {
		return d.syntax()
	}
	d.i += len(lit)
	return nil
}

// scanString advances over the JSON string at d.i and returns its raw
// contents (without quotes) and whether it contains escapes or bytes that
// need sanitising (invalid UTF-8).
func (d *decoder) scanString() (raw []byte, slow bool, err *decodeError) {
	start := d.i + 1
	i := start
	high := false
	for i < len(d.data) {
		c := d.data[i]
		switch {
		case c == '"':
			raw = d.data[start:i]
			d.i = i + 1
			if high && !utf8.Valid(raw) {
				slow = true
			}
			return raw, slow, nil
		case c == '\\':
			slow = true
			i++
			if i >= len(d.data) {
				d.i = i
				return nil, false, d.syntax()
			}
			switch d.data[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if i+4 >= len(d.data) || !isHex4(d.data[i+1:i+5]) {
					d.i = i
					return nil, false, d.syntax()
				}
				i += 4
			default:
				d.i = i
				return nil, false, d.syntax()
			}
		case c < 0x20:
			d.i = i
			return nil, false, d.syntax()
		case c >= 0x80:
			high = true
		}
		i++
	}
	d.i = i
	return nil, false, d.syntax()
}

func isHex4(b []byte) bool {
	for _, c := range b {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

func stringOf(raw []byte, slow bool) string {
	if slow {
		return unescape(raw)
	}
	return string(raw)
}

// unescape decodes the escapes of a scanned JSON string (already known to
// be well formed) and replaces invalid UTF-8 and lone surrogates with
// U+FFFD, as encoding/json does.
func unescape(raw []byte) string {
	b := make([]byte, 0, len(raw))
	for i := 0; i < len(raw); {
		c := raw[i]
		if c == '\\' {
			i++
			switch raw[i] {
			case 'b':
				b = append(b, '\b')
			case 'f':
				b = append(b, '\f')
			case 'n':
				b = append(b, '\n')
			case 'r':
				b = append(b, '\r')
			case 't':
				b = append(b, '\t')
			case 'u':
				r := rune(hex4(raw[i+1 : i+5]))
				i += 4
				if utf16.IsSurrogate(r) {
					r2 := utf8.RuneError
					if i+7 <= len(raw) && raw[i+1] == '\\' && raw[i+2] == 'u' {
						r2 = rune(hex4(raw[i+3 : i+7]))
					}
					if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
						r = dec
						i += 6
					} else {
						r = utf8.RuneError
					}
				}
				b = utf8.AppendRune(b, r)
			default: // " \ /
				b = append(b, raw[i])
			}
			i++
			continue
		}
		if c < utf8.RuneSelf {
			b = append(b, c)
			i++
			continue
		}
		r, size := utf8.DecodeRune(raw[i:])
		if r == utf8.RuneError && size == 1 {
			b = utf8.AppendRune(b, utf8.RuneError)
		} else {
			b = append(b, raw[i:i+size]...)
		}
		i += size
	}
	return string(b)
}

func hex4(b []byte) int {
	n := 0
	for _, c := range b {
		n <<= 4
		switch {
		case c >= '0' && c <= '9':
			n |= int(c - '0')
		case c >= 'a' && c <= 'f':
			n |= int(c - 'a' + 10)
		default:
			n |= int(c - 'A' + 10)
		}
	}
	return n
}

// skipValue advances over any JSON value, checking its syntax.
func (d *decoder) skipValue(depth int) *decodeError {
	if depth > maxDepth {
		return d.formation("nesting too deep")
	}
	d.skipWS()
	if d.i >= len(d.data) {
		return d.syntax()
	}
	switch c := d.data[d.i]; {
	case c == '"':
		_, _, err := d.scanString()
		return err
	case c == '{':
		d.i++
		d.skipWS()
		if d.i < len(d.data) && d.data[d.i] == '}' {
			d.i++
			return nil
		}
		for {
			d.skipWS()
			if d.i >= len(d.data) || d.data[d.i] != '"' {
				return d.syntax()
			}
			if _, _, err := d.scanString(); err != nil {
				return err
			}
			d.skipWS()
			if d.i >= len(d.data) || d.data[d.i] != ':' {
				return d.syntax()
			}
			d.i++
			if err := d.skipValue(depth + 1); err != nil {
				return err
			}
			d.skipWS()
			if d.i >= len(d.data) {
				return d.syntax()
			}
			if d.data[d.i] == '}' {
				d.i++
				return nil
			}
			if d.data[d.i] != ',' {
				return d.syntax()
			}
			d.i++
		}
	case c == '[':
		d.i++
		d.skipWS()
		if d.i < len(d.data) && d.data[d.i] == ']' {
			d.i++
			return nil
		}
		for {
			if err := d.skipValue(depth + 1); err != nil {
				return err
			}
			d.skipWS()
			if d.i >= len(d.data) {
				return d.syntax()
			}
			if d.data[d.i] == ']' {
				d.i++
				return nil
			}
			if d.data[d.i] != ',' {
				return d.syntax()
			}
			d.i++
		}
	case c == 't':
		return d.literal("true")
	case c == 'f':
		return d.literal("false")
	case c == 'n':
		return d.literal("null")
	default:
		if !d.scanNumber() {
			return d.syntax()
		}
		return nil
	}
}

// truncate cuts s to at most n characters.
func truncate(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}

// validURI reports whether s is an absolute URI (format "uri").
func validURI(s string) bool {
	u, err := url.Parse(s)
	return err == nil && u.Scheme != ""
}
