package payload

import (
	"errors"
	"time"
)

// The DateTime type of each version package is a struct{ time.Time } whose
// methods call the functions below: the wire format is the same in every
// OCPP version.

// dateTimeLayout is the wire format of a date-time: UTC RFC 3339 with
// milliseconds.
const dateTimeLayout = "2006-01-02T15:04:05.000Z"

// Millis returns t in UTC, truncated to the millisecond the wire format
// carries.
func Millis(t time.Time) time.Time { return t.UTC().Truncate(time.Millisecond) }

// FormatDateTime returns t in the wire format.
func FormatDateTime(t time.Time) string { return t.UTC().Format(dateTimeLayout) }

// MarshalDateTime writes t as a quoted UTC RFC 3339 timestamp with
// milliseconds; pkg prefixes the error for a year outside 0000-9999.
func MarshalDateTime(pkg string, t time.Time) ([]byte, error) {
	return AppendDateTime(pkg, make([]byte, 0, len(dateTimeLayout)+2), t)
}

// AppendDateTime is MarshalDateTime appending to b. It writes the digits
// itself: time.AppendFormat parses its layout for every call, which cost
// as much as the rest of a HeartbeatResponse.
func AppendDateTime(pkg string, b []byte, t time.Time) ([]byte, error) {
	u := t.UTC()
	year, month, day := u.Date()
	if year < 0 || year > 9999 {
		return nil, errors.New(pkg + ": DateTime year outside [0,9999]")
	}
	hour, minute, sec := u.Clock()
	b = append(b, '"')
	b = appendDigits(b, year, 4)
	b = append(b, '-')
	b = appendDigits(b, int(month), 2)
	b = append(b, '-')
	b = appendDigits(b, day, 2)
	b = append(b, 'T')
	b = appendDigits(b, hour, 2)
	b = append(b, ':')
	b = appendDigits(b, minute, 2)
	b = append(b, ':')
	b = appendDigits(b, sec, 2)
	b = append(b, '.')
	b = appendDigits(b, u.Nanosecond()/1e6, 3)
	return append(b, 'Z', '"'), nil
}

// appendDigits appends the width (2, 3 or 4) lowest decimal digits of v
// (v ≥ 0), zero-padded, two at a time from a table.
func appendDigits(b []byte, v, width int) []byte {
	switch width {
	case 4:
		hi, lo := (v/100)%100, v%100
		return append(b, digitPairs[2*hi], digitPairs[2*hi+1], digitPairs[2*lo], digitPairs[2*lo+1])
	case 3:
		hi, lo := (v/100)%10, v%100
		return append(b, byte('0'+hi), digitPairs[2*lo], digitPairs[2*lo+1])
	default:
		v %= 100
		return append(b, digitPairs[2*v], digitPairs[2*v+1])
	}
}

// digitPairs holds "00" to "99".
const digitPairs = "00010203040506070809" +
	"10111213141516171819" +
	"20212223242526272829" +
	"30313233343536373839" +
	"40414243444546474849" +
	"50515253545556575859" +
	"60616263646566676869" +
	"70717273747576777879" +
	"80818283848586878889" +
	"90919293949596979899"

// UnmarshalDateTime parses a quoted RFC 3339 date-time with a time zone
// into *t. The JSON null leaves *t unchanged, as encoding/json does for
// other types; pkg prefixes errors.
func UnmarshalDateTime(pkg string, b []byte, t *time.Time) error {
	if string(b) == "null" {
		return nil
	}
	if len(b) < 2 || b[0] != '"' || b[len(b)-1] != '"' {
		return errors.New(pkg + ": DateTime is not a JSON string")
	}
	v, ok := parseDateTime(b[1:len(b)-1], false)
	if !ok {
		return errors.New(pkg + ": DateTime is not an RFC 3339 date-time: " + string(b))
	}
	*t = v
	return nil
}

// parseDateTime parses an RFC 3339 date-time (upper- or lower-case T and Z,
// any number of fractional digits, "Z" or ±hh:mm). With zoneless, a missing
// zone means UTC. It works on bytes and allocates nothing.
func parseDateTime(b []byte, zoneless bool) (time.Time, bool) {
	// 2006-01-02T15:04:05
	if len(b) < 19 || b[4] != '-' || b[7] != '-' || (b[10] != 'T' && b[10] != 't') || b[13] != ':' || b[16] != ':' {
		return time.Time{}, false
	}
	year, ok1 := digits(b[0:4])
	month, ok2 := digits(b[5:7])
	day, ok3 := digits(b[8:10])
	hour, ok4 := digits(b[11:13])
	minute, ok5 := digits(b[14:16])
	sec, ok6 := digits(b[17:19])
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) ||
		month < 1 || month > 12 || day < 1 || day > daysIn(month, year) ||
		hour > 23 || minute > 59 || sec > 59 {
		return time.Time{}, false
	}
	rest := b[19:]
	nsec := 0
	if len(rest) > 0 && rest[0] == '.' {
		i := 1
		scale := 100000000
		for ; i < len(rest) && rest[i] >= '0' && rest[i] <= '9'; i++ {
			nsec += int(rest[i]-'0') * scale
			scale /= 10
		}
		if i == 1 {
			return time.Time{}, false
		}
		rest = rest[i:]
	}
	offset := 0
	switch {
	case len(rest) == 0:
		if !zoneless {
			return time.Time{}, false
		}
	case len(rest) == 1 && (rest[0] == 'Z' || rest[0] == 'z'):
	case len(rest) == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':':
		oh, ok1 := digits(rest[1:3])
		om, ok2 := digits(rest[4:6])
		if !ok1 || !ok2 || oh > 23 || om > 59 {
			return time.Time{}, false
		}
		offset = (oh*60 + om) * 60
		if rest[0] == '-' {
			offset = -offset
		}
	default:
		return time.Time{}, false
	}
	t := time.Date(year, time.Month(month), day, hour, minute, sec, nsec, time.UTC)
	if offset != 0 {
		t = t.Add(-time.Duration(offset) * time.Second)
		if y := t.Year(); y < 0 || y > 9999 {
			return time.Time{}, false // not representable on the wire
		}
	}
	return t, true
}

func digits(b []byte) (int, bool) {
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

func daysIn(month, year int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}
