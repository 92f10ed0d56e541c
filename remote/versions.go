package remote

import (
	"context"
	"errors"
	"fmt"

	"github.com/ocppkit/ocppkit/internal/versions"
	"github.com/ocppkit/ocppkit/ocpp"
	"github.com/ocppkit/ocppkit/store"
)

// ErrWrongVersion is returned (wrapped) for a command of one OCPP version
// sent to a charge point speaking the other, e.g. an
// ocpp16.RemoteStartTransactionRequest to a 2.0.1 station: it is refused
// before anything is sent (never a malformed frame). The error names the
// charge point's version. The version-neutral methods (StartSession,
// StopSession, …) pick the right message themselves.
var ErrWrongVersion = errors.New("remote: command of another OCPP version than the charge point speaks")

// VersionLookup returns the OCPP version (ocpp.OCPP16, ocpp.OCPP201) of the
// connection of a charge point connected to this process; ok is false when
// it is not connected here.
type VersionLookup func(identity string) (version string, ok bool)

// versionOf returns the version of a request: the package of its type
// (a type of neither version package counts as 1.6, as before 2.0.1).
func versionOf(req ocpp.Request) *versions.Version {
	if v := versions.Of(req); v != nil {
		return v
	}
	return versions.V16
}

// StationVersion returns the OCPP version a charge point speaks: that of
// its connection when it is connected to this process, otherwise the one
// recorded when it last connected (store.ChargePoint.OCPPVersion; "" if it
// never did).
func (c *Client) StationVersion(ctx context.Context, identity string) (string, error) {
	if c.versions != nil {
		if v, ok := c.versions(identity); ok {
			return v, nil
		}
	}
	cp, err := c.store.ChargePointByIdentifier(ctx, identity)
	if errors.Is(err, store.ErrNotFound) {
		return "", fmt.Errorf("%w: %s", ErrUnknownChargePoint, identity)
	}
	if err != nil {
		return "", err
	}
	return cp.OCPPVersion, nil
}

// checkVersion refuses a request of version v for a charge point known to
// speak another one. An unknown charge point, or one whose version is not
// known yet, passes: sending then fails as it would have.
func (c *Client) checkVersion(ctx context.Context, identity string, v *versions.Version, action string) error {
	sv, err := c.StationVersion(ctx, identity)
	if err != nil {
		if errors.Is(err, ErrUnknownChargePoint) {
			return nil
		}
		return err
	}
	return wrongVersion(identity, sv, v, action)
}

// wrongVersion returns the ErrWrongVersion of sending action of version v
// to a charge point speaking sv, or nil when they agree (or sv is unknown).
func wrongVersion(identity, sv string, v *versions.Version, action string) error {
	if sv == "" || sv == v.Name {
		return nil
	}
	hint := ""
	if other, ok := versions.Get(sv); ok && other.IsCSMSAction(action) {
		hint = fmt.Sprintf(" (use the %s %s)", sv, action)
	} else if ok {
		hint = fmt.Sprintf(" (%s has no %s command)", sv, action)
	}
	return fmt.Errorf("%w: %s speaks %s; %s is an %s command%s", ErrWrongVersion, identity, sv, action, v.Name, hint)
}
