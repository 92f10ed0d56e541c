package ocpp

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"strings"
)

// Machine passwords (the HTTP Basic passwords of security profiles 1 and 2)
// are high-entropy keys, not human passwords: a salted SHA-256 digest
// protects them at rest while keeping a handshake cheap. A slow hash such as
// bcrypt would make a reconnect storm of thousands of chargers CPU-bound.

const (
	digestScheme = "sha256"
	saltSize     = 16
)

// HashPassword returns the salted SHA-256 digest of password, in the form
// "sha256$<16-byte salt, hex>$<SHA-256(salt ‖ password), hex>". Store the
// digest; check a password against it with VerifyPassword.
func HashPassword(password string) (string, error) {
	var salt [saltSize]byte
	if _, err := rand.Read(salt[:]); err != nil {
		return "", fmt.Errorf("ocpp: hash password: %w", err)
	}
	sum := saltedSum(salt[:], password)
	return digestScheme + "$" + hex.EncodeToString(salt[:]) + "$" + hex.EncodeToString(sum[:]), nil
}

// VerifyPassword reports whether password matches digest (as HashPassword
// returns it). The comparison takes constant time; a malformed digest never
// matches.
func VerifyPassword(digest, password string) bool {
	scheme, rest, ok := strings.Cut(digest, "$")
	if !ok || scheme != digestScheme {
		return false
	}
	saltHex, sumHex, ok := strings.Cut(rest, "$")
	if !ok {
		return false
	}
	salt, err := hex.DecodeString(saltHex)
	if err != nil || len(salt) != saltSize {
		return false
	}
	want, err := hex.DecodeString(sumHex)
	if err != nil || len(want) != sha256.Size {
		return false
	}
	got := saltedSum(salt, password)
	return subtle.ConstantTimeCompare(got[:], want) == 1
}

func saltedSum(salt []byte, password string) [sha256.Size]byte {
	h := sha256.New()
	h.Write(salt)
	h.Write([]byte(password))
	var sum [sha256.Size]byte
	h.Sum(sum[:0])
	return sum
}

// GeneratePassword returns a new random machine password: 20 bytes from
// crypto/rand as 40 lowercase hex characters (160 bits), which fits the
// 40-character limit of the OCPP 1.6 AuthorizationKey and every charger's
// character set.
func GeneratePassword() (string, error) {
	var b [20]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("ocpp: generate password: %w", err)
	}
	return hex.EncodeToString(b[:]), nil
}
