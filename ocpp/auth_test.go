package ocpp_test

import (
	"strings"
	"testing"

	"github.com/ocppkit/ocppkit/ocpp"
)

func TestPasswords(t *testing.T) {
	t.Parallel()
	pw, err := ocpp.GeneratePassword()
	if err != nil {
		t.Fatal(err)
	}
	if len(pw) != 40 || strings.Trim(pw, "0123456789abcdef") != "" {
		t.Fatalf("generated password %q: want 40 hex characters", pw)
	}
	if pw2, _ := ocpp.GeneratePassword(); pw2 == pw {
		t.Fatal("two generated passwords are equal")
	}
	digest, err := ocpp.HashPassword(pw)
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(digest, "$")
	if len(parts) != 3 || parts[0] != "sha256" || len(parts[1]) != 32 || len(parts[2]) != 64 {
		t.Fatalf("digest %q: want sha256$<32 hex>$<64 hex>", digest)
	}
	if again, _ := ocpp.HashPassword(pw); again == digest {
		t.Error("digests of one password are equal: salt missing")
	}
	tests := []struct {
		name     string
		digest   string
		password string
		want     bool
	}{
		{name: "match", digest: digest, password: pw, want: true},
		{name: "wrong password", digest: digest, password: pw[:39] + "x"},
		{name: "empty password", digest: digest, password: ""},
		{name: "empty digest", digest: "", password: pw},
		{name: "other scheme", digest: "bcrypt$" + parts[1] + "$" + parts[2], password: pw},
		{name: "short salt", digest: "sha256$00$" + parts[2], password: pw},
		{name: "bad hex", digest: "sha256$" + parts[1] + "$zz", password: pw},
		{name: "truncated sum", digest: "sha256$" + parts[1] + "$" + parts[2][:62], password: pw},
		{name: "missing sum", digest: "sha256$" + parts[1], password: pw},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ocpp.VerifyPassword(tt.digest, tt.password); got != tt.want {
				t.Errorf("VerifyPassword = %v, want %v", got, tt.want)
			}
		})
	}
}

func BenchmarkVerifyPassword(b *testing.B) {
	digest, _ := ocpp.HashPassword("0123456789abcdef0123456789abcdef01234567")
	for b.Loop() {
		ocpp.VerifyPassword(digest, "0123456789abcdef0123456789abcdef01234567")
	}
}
