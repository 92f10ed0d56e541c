package ocpp

import (
	"encoding/json"
	"fmt"
	"unicode/utf8"
)

// appendFrame appends the OCPP-J encoding of f to b. It writes the same JSON
// as Frame.MarshalJSON (without HTML escaping) but without reflection or
// intermediate allocations, for the per-message path. A payload or details
// that is not a JSON object is an error; nil is written as {}.
func appendFrame(b []byte, f Frame) ([]byte, error) {
	var err error
	switch f.Type {
	case Call:
		b = append(b, "[2,"...)
		b = appendString(b, f.ID)
		b = append(b, ',')
		b = appendString(b, f.Action)
		b = append(b, ',')
		b, err = appendObject(b, f.Payload)
	case CallResult:
		b = append(b, "[3,"...)
		b = appendString(b, f.ID)
		b = append(b, ',')
		b, err = appendObject(b, f.Payload)
	case CallError:
		b = append(b, "[4,"...)
		b = appendString(b, f.ID)
		b = append(b, ',')
		b = appendString(b, string(f.ErrorCode))
		b = append(b, ',')
		b = appendString(b, f.ErrorDescription)
		b = append(b, ',')
		b, err = appendObject(b, f.ErrorDetails)
	default:
		return b, fmt.Errorf("ocpp: cannot encode message type %d", f.Type)
	}
	if err != nil {
		return b, err
	}
	return append(b, ']'), nil
}

func appendObject(b []byte, raw json.RawMessage) ([]byte, error) {
	if len(raw) == 0 {
		return append(b, "{}"...), nil
	}
	if !isObject(raw) || !json.Valid(raw) {
		return b, fmt.Errorf("ocpp: payload %.40q is not a JSON object", raw)
	}
	return append(b, raw...), nil
}

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string, replacing invalid UTF-8 with
// U+FFFD as encoding/json does.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
