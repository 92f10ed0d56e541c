package store

import (
	"strings"
	"testing"
)

func TestParseFrameHead(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, frame string
		typ         int
		id, action  string
	}{
		{"call", `[2,"19223201","BootNotification",{"chargePointVendor":"V"}]`, 2, "19223201", "BootNotification"},
		{"spaces", " [ 2 , \"a\" ,\n\"Heartbeat\" , {} ]", 2, "a", "Heartbeat"},
		{"result", `[3,"19223201",{"status":"Accepted"}]`, 3, "19223201", ""},
		{"error", `[4,"x","NotImplemented","",{}]`, 4, "x", ""},
		{"escaped id", `[2,"a\"b\u0041","Heartbeat",{}]`, 2, `a"bA`, "Heartbeat"},
		{"long id", `[2,"0123456789012345678901234567890123456789012345678901234567890123456789","Heartbeat",{}]`, 2, "0123456789012345678901234567890123456789012345678901234567890123", "Heartbeat"},
		{"not json", `not even JSON`, 0, "", ""},
		{"object", `{"a":1}`, 0, "", ""},
		{"unknown type", `[5,"x",{}]`, 0, "", ""},
		{"two digits", `[22,"x",{}]`, 0, "", ""},
		{"id not a string", `[2,17,"Heartbeat",{}]`, 2, "", ""},
		{"truncated", `[2,"abc`, 2, "", ""},
		{"empty", ``, 0, "", ""},
		{"long multibyte id", `[2,"` + strings.Repeat("é", 40) + `","Heartbeat",{}]`, 2, strings.Repeat("é", 32), "Heartbeat"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			typ, id, action := parseFrameHead([]byte(tt.frame))
			if typ != tt.typ || id != tt.id || action != tt.action {
				t.Errorf("parseFrameHead(%q) = %d, %q, %q; want %d, %q, %q", tt.frame, typ, id, action, tt.typ, tt.id, tt.action)
			}
		})
	}
}

func FuzzParseFrameHead(f *testing.F) {
	f.Add([]byte(`[2,"1","Heartbeat",{}]`))
	f.Add([]byte(`[3,"1",{}]`))
	f.Add([]byte(`[2,"a\"b","X",{}]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		typ, id, action := parseFrameHead(b) // never panics
		if len(id) > maxMessageField || len(action) > maxMessageField || typ != 0 && (typ < 2 || typ > 4) {
			t.Errorf("parseFrameHead(%q) = %d, %q, %q", b, typ, id, action)
		}
	})
}
