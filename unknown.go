package ocppkit

import (
	"context"
	"net/http"
	"time"
	"unicode/utf8"

	"golang.org/x/time/rate"
)

// DefaultKeepUnknownChargePoints is how many refused unknown identities are
// kept when Config.KeepUnknownChargePoints is 0.
const DefaultKeepUnknownChargePoints = 1000

// unknownRecorder records the handshakes the default authenticators refuse
// because the identity is not registered (store.UnknownChargePoint), for a
// back office to offer them for adoption. The work is bounded: at most
// recordRate rows written a second (a flood of handshakes with made-up
// identities is refused just the same, only not recorded), and at most keep
// identities kept.
type unknownRecorder struct {
	c       *CSMS
	keep    int // ≤ 0: record nothing
	limiter *rate.Limiter
}

// Bounds of the recording.
const (
	recordRate       = 10 // rows a second …
	recordBurst      = 50 // … with bursts of this many
	maxIdentityBytes = 255
)

func newUnknownRecorder(c *CSMS, keep int) *unknownRecorder {
	if keep == 0 {
		keep = DefaultKeepUnknownChargePoints
	}
	return &unknownRecorder{c: c, keep: keep, limiter: rate.NewLimiter(recordRate, recordBurst)}
}

// record notes a refused handshake of identity. It never fails the
// handshake's refusal: a database error is logged.
func (u *unknownRecorder) record(ctx context.Context, r *http.Request, identity string) {
	if u.keep <= 0 || len(identity) > maxIdentityBytes || !utf8.ValidString(identity) || !u.limiter.Allow() {
		return
	}
	if err := u.c.Store.RecordUnknownChargePoint(ctx, identity, r.RemoteAddr, time.Now(), u.keep); err != nil {
		u.c.logger.Error("record unknown charge point", "charge_point", identity, "err", err)
	}
}
