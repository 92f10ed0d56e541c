package ocpp

import (
	"errors"
	"fmt"
	"strings"
)

// MaxIdentityLength is the longest charge point identity accepted, in
// characters: OCPP-J caps identities at 48.
const MaxIdentityLength = 48

// ErrInvalidIdentity is returned by ValidIdentity.
var ErrInvalidIdentity = errors.New("ocpp: invalid charge point identity")

// identityForbidden are printable characters refused in an identity: the
// path separators, and the quotes and brackets that would make an identity
// markup or a broken string in a host's HTML page, JSON or log line.
const identityForbidden = "/\\\"'<>`"

// ValidIdentity reports whether identity (percent-decoded, as taken from
// the URL) may name a charge point: 1 to MaxIdentityLength characters of
// printable ASCII (0x21–0x7E: no space, no control characters, nothing
// outside ASCII), none of / \ " ' < > and backquote. The server refuses any
// other identity with 400 Bad Request before it authenticates or stores
// anything (see ServerConfig.CheckIdentity).
func ValidIdentity(identity string) error {
	if identity == "" {
		return fmt.Errorf("%w: empty", ErrInvalidIdentity)
	}
	if len(identity) > MaxIdentityLength {
		return fmt.Errorf("%w: longer than %d characters", ErrInvalidIdentity, MaxIdentityLength)
	}
	for i := 0; i < len(identity); i++ {
		b := identity[i]
		if b < 0x21 || b > 0x7e || strings.IndexByte(identityForbidden, b) >= 0 {
			return fmt.Errorf("%w: character %q at %d is not allowed (printable ASCII except space and %s)", ErrInvalidIdentity, rune(b), i, identityForbidden)
		}
	}
	return nil
}
