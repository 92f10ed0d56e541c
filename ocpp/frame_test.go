package ocpp

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
)

var frameSeeds = []string{
	`[2,"19223201","BootNotification",{"chargePointVendor":"VendorX","chargePointModel":"SingleSocketCharger"}]`,
	`[2,"1","Heartbeat",{}]`,
	`[3,"19223201",{"status":"Accepted","currentTime":"2013-02-01T20:53:32.486Z","interval":300}]`,
	`[4,"162376037","NotSupported","SetDisplayMessageRequest not implemented",{}]`,
	` [ 2 , "a" , "X" , { "k" : [1, 2.5e3, "<&>", null, true] } ] `,
	`[2,"é\u0000\"","A\\B",{"s":"\ud83d\ude00"}]`,
	`[2,"x","Heartbeat"]`,
	`[2,5,"Heartbeat",{}]`,
	`[9,"x","Heartbeat",{}]`,
	`[3,"x",[]]`,
	`[4,"x","Code","d"]`,
	`[2,"0123456789012345678901234567890123456","A",{}]`,
	`{}`,
	`[]`,
	`null`,
	"[2,\"\xff\",\"A\",{\"\xfe\":1}]",
}

// equalJSON reports whether two JSON values are equal as decoded values.
func equalJSON(t *testing.T, a, b json.RawMessage) bool {
	t.Helper()
	if len(a) == 0 {
		a = json.RawMessage("{}")
	}
	if len(b) == 0 {
		b = json.RawMessage("{}")
	}
	decode := func(r json.RawMessage) any {
		d := json.NewDecoder(bytes.NewReader(r))
		d.UseNumber()
		var v any
		if err := d.Decode(&v); err != nil {
			t.Fatalf("decode %s: %v", r, err)
		}
		return v
	}
	return reflect.DeepEqual(decode(a), decode(b))
}

func checkSameFrame(t *testing.T, what string, want, got Frame) {
	t.Helper()
	if want.Type != got.Type || want.ID != got.ID || want.Action != got.Action ||
		want.ErrorCode != got.ErrorCode || want.ErrorDescription != got.ErrorDescription ||
		!equalJSON(t, want.Payload, got.Payload) || !equalJSON(t, want.ErrorDetails, got.ErrorDetails) {
		t.Fatalf("%s: decoded %+v, want %+v", what, got, want)
	}
}

// FuzzDecodeFrame checks that DecodeFrame never panics and that an accepted
// frame re-encodes (by MarshalJSON and by the server's appendFrame) to a
// frame that decodes to an equal Frame.
func FuzzDecodeFrame(f *testing.F) {
	for _, s := range frameSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fr, err := DecodeFrame(data)
		if fast, ok := fastDecode(data); ok {
			if err != nil || !reflect.DeepEqual(fast, fr) {
				t.Fatalf("fast path decoded %+v, DecodeFrame %+v, %v", fast, fr, err)
			}
		}
		fr201, err201 := DecodeFrameFor(data, OCPP201)
		if (err == nil) != (err201 == nil) || !reflect.DeepEqual(fr, fr201) {
			t.Fatalf("DecodeFrameFor(2.0.1) decoded %+v, %v; DecodeFrame %+v, %v", fr201, err201, fr, err)
		}
		if err != nil {
			if CodeOf(err) != FormationViolation && CodeOf(err) != ProtocolError {
				t.Fatalf("error code %s: %v", CodeOf(err), err)
			}
			switch CodeOf(err201) {
			case FormationViolation, RpcFrameworkError, MessageTypeNotSupported:
			default:
				t.Fatalf("2.0.1 error code %s: %v", CodeOf(err201), err201)
			}
			if len(fr.ID) > MaxMessageIDLength {
				t.Fatalf("refused frame reports an over-long id %q", fr.ID)
			}
			return
		}
		if fr.ID == "" || len(fr.ID) > MaxMessageIDLength {
			t.Fatalf("accepted frame with id %q", fr.ID)
		}
		enc, err := fr.MarshalJSON()
		if err != nil {
			t.Fatalf("MarshalJSON: %v", err)
		}
		again, err := DecodeFrame(enc)
		if err != nil {
			t.Fatalf("re-decode %s: %v", enc, err)
		}
		checkSameFrame(t, "MarshalJSON", fr, again)

		app, err := appendFrame(nil, fr)
		if err != nil {
			t.Fatalf("appendFrame: %v", err)
		}
		if !json.Valid(app) {
			t.Fatalf("appendFrame wrote invalid JSON %s", app)
		}
		again, err = DecodeFrame(app)
		if err != nil {
			t.Fatalf("re-decode %s: %v", app, err)
		}
		checkSameFrame(t, "appendFrame", fr, again)
	})
}

func TestAppendFrame(t *testing.T) {
	tests := []struct {
		name  string
		frame Frame
		want  string
	}{
		{name: "call", frame: NewCall("1", "Heartbeat", nil), want: `[2,"1","Heartbeat",{}]`},
		{name: "result", frame: NewCallResult("1", json.RawMessage(`{"a":1}`)), want: `[3,"1",{"a":1}]`},
		{name: "error", frame: NewCallError("1", NewError(GenericError, "tab\there \"q\" \x01")),
			want: `[4,"1","GenericError","tab\there \"q\" \u0001",{}]`},
		{name: "invalid code", frame: NewCallError("1", &Error{Code: "Oops", Description: "d"}),
			want: `[4,"1","GenericError","d",{}]`},
		{name: "invalid utf-8", frame: NewCallResult("\xff", nil), want: `[3,"\ufffd",{}]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := appendFrame(nil, tt.frame)
			if err != nil || string(got) != tt.want {
				t.Fatalf("got %s, %v, want %s", got, err, tt.want)
			}
		})
	}
	for _, bad := range []string{`[]`, `{"a":`, `"x"`} {
		if _, err := appendFrame(nil, NewCallResult("1", json.RawMessage(bad))); err == nil {
			t.Errorf("payload %s accepted", bad)
		}
	}
}

var heartbeatFrame = []byte(`[2,"2b6f1a3c-19b1-4c8e-9e3d-6a1f0c4b8e21","Heartbeat",{}]`)

func BenchmarkDecodeFrame(b *testing.B) {
	b.ReportAllocs()
	b.SetBytes(int64(len(heartbeatFrame)))
	for b.Loop() {
		if _, err := DecodeFrame(heartbeatFrame); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeFrameFast(b *testing.B) {
	b.ReportAllocs()
	b.SetBytes(int64(len(heartbeatFrame)))
	for b.Loop() {
		if _, err := decodeFrame(heartbeatFrame, OCPP16); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAppendFrame(b *testing.B) {
	b.ReportAllocs()
	f := NewCallResult("2b6f1a3c-19b1-4c8e-9e3d-6a1f0c4b8e21", json.RawMessage(`{"currentTime":"2025-01-01T00:00:00.000Z"}`))
	var buf []byte
	for b.Loop() {
		buf, _ = appendFrame(buf[:0], f)
	}
}

func BenchmarkMarshalJSON(b *testing.B) {
	b.ReportAllocs()
	f := NewCallResult("2b6f1a3c-19b1-4c8e-9e3d-6a1f0c4b8e21", json.RawMessage(`{"currentTime":"2025-01-01T00:00:00.000Z"}`))
	for b.Loop() {
		_, _ = f.MarshalJSON()
	}
}

// TestDecodeFrameFor: each fault has the code of the connection's version.
func TestDecodeFrameFor(t *testing.T) {
	tests := []struct {
		name          string
		frame         string
		want16, want2 ErrorCode
		wantID        string
	}{
		{name: "not json", frame: `hello`, want16: FormationViolation, want2: RpcFrameworkError},
		{name: "not an array", frame: `{"a":1}`, want16: FormationViolation, want2: RpcFrameworkError},
		{name: "too short", frame: `[2,"x"]`, want16: FormationViolation, want2: RpcFrameworkError},
		{name: "type not a number", frame: `["2","x","A",{}]`, want16: FormationViolation, want2: RpcFrameworkError},
		{name: "id not a string", frame: `[2,5,"A",{}]`, want16: ProtocolError, want2: RpcFrameworkError},
		{name: "id empty", frame: `[2,"","A",{}]`, want16: ProtocolError, want2: RpcFrameworkError},
		{name: "call without payload", frame: `[2,"x","A"]`, want16: FormationViolation, want2: RpcFrameworkError, wantID: "x"},
		{name: "action not a string", frame: `[2,"x",7,{}]`, want16: FormationViolation, want2: RpcFrameworkError, wantID: "x"},
		{name: "payload not an object", frame: `[2,"x","A",[]]`, want16: FormationViolation, want2: FormationViolation, wantID: "x"},
		{name: "unknown type", frame: `[7,"x","A",{}]`, want16: ProtocolError, want2: MessageTypeNotSupported, wantID: "x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, v := range []struct {
				version string
				want    ErrorCode
			}{{OCPP16, tt.want16}, {OCPP201, tt.want2}} {
				f, err := DecodeFrameFor([]byte(tt.frame), v.version)
				if CodeOf(err) != v.want || f.ID != tt.wantID {
					t.Errorf("%s: id %q, %v; want id %q, code %s", v.version, f.ID, err, tt.wantID, v.want)
				}
			}
			if _, err := DecodeFrame([]byte(tt.frame)); CodeOf(err) != tt.want16 {
				t.Errorf("DecodeFrame: %v, want %s", err, tt.want16)
			}
		})
	}
}
