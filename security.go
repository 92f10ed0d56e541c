package ocppkit

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/ocppkit/ocppkit/ocpp"
	"github.com/ocppkit/ocppkit/remote"
	"github.com/ocppkit/ocppkit/store"
)

// Security profiles of the OCPP 1.6 Security Whitepaper, for
// Config.SecurityProfile.
//
// Profiles 1 and 2 authenticate a charge point with HTTP Basic (user = the
// identity, password = its AuthorizationKey, checked against the stored
// salted digest). TLS is the host's server's business (http.Server with
// TLSConfig, or httptest.NewTLSServer in tests): profile 2 is profile 1
// served over TLS, and SecurityProfileTLSBasic makes the library refuse
// handshakes that did not arrive over TLS. Behind a TLS-terminating proxy
// the library sees no TLS: use SecurityProfileBasic there and let the proxy
// refuse plain connections.
//
// Profile 3 authenticates with a TLS client certificate. The host's
// tls.Config verifies it (ClientAuth: tls.RequireAndVerifyClientCert and
// ClientCAs: the CA that issues charge point certificates); the library
// then requires a verified chain whose leaf's Subject CommonName equals the
// charge point's identity, as the whitepaper specifies, and refuses any
// other handshake with 401: no certificate, an unverified one, or a valid
// certificate of another charge point.
const (
	SecurityProfileBasic          = 1 // HTTP Basic over ws:// or wss://
	SecurityProfileTLSBasic       = 2 // HTTP Basic, TLS required
	SecurityProfileTLSCertificate = 3 // TLS client certificate bound to the identity
)

// Errors of RotatePassword.
var (
	// ErrPasswordRejected: the charge point did not accept the new
	// AuthorizationKey; the old password stays valid.
	ErrPasswordRejected = errors.New("ocppkit: charge point rejected the new password")
	// ErrRotationInProgress: a rotation of the same charge point's password
	// is already under way.
	ErrRotationInProgress = errors.New("ocppkit: password rotation already in progress")
)

// AuthorizationKey is the configuration key that holds a charge point's
// HTTP Basic password (security profiles 1 and 2).
const AuthorizationKey = "AuthorizationKey"

// defaultAuthenticator returns the Authenticator of Config.SecurityProfile.
func (c *CSMS) defaultAuthenticator() ocpp.Authenticator {
	switch c.cfg.SecurityProfile {
	case SecurityProfileTLSBasic:
		return tlsRequired{basicAuth{c}}
	case SecurityProfileTLSCertificate:
		return certAuth{c}
	}
	return basicAuth{c}
}

// tlsRequired refuses handshakes that did not arrive over TLS (profile 2),
// then asks next.
type tlsRequired struct{ next ocpp.Authenticator }

func (a tlsRequired) Authenticate(ctx context.Context, r *http.Request, identity string) error {
	if r.TLS == nil {
		return fmt.Errorf("%w: security profile 2 requires TLS", ocpp.ErrUnauthorized)
	}
	return a.next.Authenticate(ctx, r, identity)
}

// certAuth authenticates with a verified TLS client certificate whose
// Subject CommonName is the identity (profile 3).
type certAuth struct{ c *CSMS }

func (a certAuth) Authenticate(ctx context.Context, r *http.Request, identity string) error {
	if r.TLS == nil || len(r.TLS.VerifiedChains) == 0 || len(r.TLS.VerifiedChains[0]) == 0 {
		return fmt.Errorf("%w: no verified client certificate", ocpp.ErrUnauthorized)
	}
	leaf := r.TLS.VerifiedChains[0][0]
	if leaf.Subject.CommonName != identity {
		return fmt.Errorf("%w: certificate of %q presented for %q", ocpp.ErrUnauthorized, leaf.Subject.CommonName, identity)
	}
	cp, err := a.c.chargePointFor(ctx, r, identity)
	if err != nil || cp == nil { // nil: AutoRegister creates it in Connected
		return err
	}
	a.c.rememberAuthenticated(cp)
	return nil
}

// upgradedProfile refuses handshakes below the charge point's recorded
// SecurityProfile (Config.EnforceUpgradedProfile), once next accepted them.
type upgradedProfile struct {
	c    *CSMS
	next ocpp.Authenticator
}

func (a upgradedProfile) Authenticate(ctx context.Context, r *http.Request, identity string) error {
	if err := a.next.Authenticate(ctx, r, identity); err != nil {
		return err
	}
	shown := SecurityProfileBasic
	switch {
	case r.TLS != nil && len(r.TLS.VerifiedChains) > 0 && len(r.TLS.VerifiedChains[0]) > 0 &&
		r.TLS.VerifiedChains[0][0].Subject.CommonName == identity:
		return nil // its own verified client certificate: profile 3, the highest
	case r.TLS != nil:
		shown = SecurityProfileTLSBasic
	}
	ctx, cancel := context.WithTimeout(ctx, a.c.cfg.WriteTimeout)
	defer cancel()
	cp := a.c.peekAuthenticated(identity)
	if cp == nil {
		var err error
		if cp, err = a.c.Store.ChargePointByIdentifier(ctx, identity); errors.Is(err, store.ErrNotFound) {
			return nil // AutoRegister: a new charge point has no profile yet
		} else if err != nil {
			return err
		}
	}
	k, err := a.c.Store.ConfigurationValue(ctx, cp.ID, SecurityProfileKey)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if recorded, err := strconv.Atoi(strings.TrimSpace(k.Value)); err == nil && recorded > shown {
		a.c.authenticated(identity) // drop the row kept for Connected
		return fmt.Errorf("%w: charge point %q is on security profile %d, the handshake shows %d", ocpp.ErrUnauthorized, identity, recorded, shown)
	}
	return nil
}

// SecurityProfileKey is the 1.6 configuration key that holds a charge
// point's security profile (security extension).
const SecurityProfileKey = "SecurityProfile"

// passwordRotation holds the digests of passwords being rotated in, so that
// a charge point that reconnects with its new password before the
// rotation is recorded is let in.
type passwordRotation struct {
	mu      sync.Mutex
	pending map[string]*rotating
}

type rotating struct {
	digest  string // of the new password
	adopted bool   // the charge point has authenticated with it
}

func (p *passwordRotation) begin(identity, digest string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, busy := p.pending[identity]; busy {
		return false
	}
	if p.pending == nil {
		p.pending = make(map[string]*rotating)
	}
	p.pending[identity] = &rotating{digest: digest}
	return true
}

// adopt reports whether password is the one being rotated in for
// identity, and remembers that the charge point used it: proof that it
// took the new key, even if its answer to ChangeConfiguration is lost
// (it may reconnect with the new key at once, and the newest connection
// replaces the one the answer was on).
func (p *passwordRotation) adopt(identity, password string) bool {
	p.mu.Lock()
	r, ok := p.pending[identity]
	p.mu.Unlock()
	if !ok || !ocpp.VerifyPassword(r.digest, password) {
		return false
	}
	p.mu.Lock()
	r.adopted = true
	p.mu.Unlock()
	return true
}

// adopted reports whether the charge point has authenticated with the
// password being rotated in.
func (p *passwordRotation) adopted(identity string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	r, ok := p.pending[identity]
	return ok && r.adopted
}

func (p *passwordRotation) end(identity string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.pending, identity)
}

// RotatePassword gives a connected charge point a new random password
// (security profiles 1 and 2) and returns it. It sends a 40-character hex
// password (160 bits: within the 16 to 40 characters both versions allow)
// as ChangeConfiguration of AuthorizationKey to a 1.6 charge point, as
// SetVariables of SecurityCtrlr.BasicAuthPassword to a 2.0.1 one, and,
// only when the charge point answers Accepted (or RebootRequired: the key
// applies after its reboot), stores the new password's digest; from then
// on the old password is refused. While the command is in flight both
// passwords are accepted, so a charge point that reconnects with the new
// one at once gets in.
//
// On any other answer it returns ErrPasswordRejected, on a failure to
// reach the charge point the remote error (remote.ErrNotConnected,
// remote.ErrTimeout, *ocpp.Error), and the old password stays. After a
// timeout the charge point may have taken the new key without the central
// system knowing: rotate again once it is back (SetPassword is the
// out-of-band way). Should storing the digest fail after the charge point
// accepted, the new password is returned with the error, for SetPassword.
// The pending password is kept in this process only: on
// several nodes, the one running the rotation accepts it early. A charge
// point that authenticates with the new password during the rotation has
// adopted it: the rotation succeeds even if its answer was lost.
//
// A change of the password sent any other way (the Remote methods,
// remote.Call, Enqueue, WriteSetting, the JSON API) goes through the same
// rotation: the digest follows the key the charge point took, and the key
// itself is never stored (see package remote).
func (c *CSMS) RotatePassword(ctx context.Context, identity string) (string, error) {
	if _, err := c.Store.ChargePointByIdentifier(ctx, identity); err != nil {
		return "", fmt.Errorf("ocppkit: rotate password of %q: %w", identity, err)
	}
	password, err := ocpp.GeneratePassword()
	if err != nil {
		return "", err
	}
	res, err := c.Remote.WriteSetting(ctx, identity, AuthorizationKey, password)
	switch {
	case errors.Is(err, errDigestNotStored):
		return password, fmt.Errorf("ocppkit: rotate password of %q: charge point accepted, but storing failed (retry with SetPassword): %w", identity, err)
	case err != nil && !errors.Is(err, remote.ErrNotRecorded):
		return "", fmt.Errorf("ocppkit: rotate password of %q: %w", identity, err)
	case !res.Accepted:
		return "", fmt.Errorf("%w: %s answered %s", ErrPasswordRejected, identity, res.Status)
	}
	return password, nil
}

// errDigestNotStored: the charge point took a new AuthorizationKey, but its
// digest could not be stored.
var errDigestNotStored = errors.New("ocppkit: new password's digest not stored")

// keyRotator is the remote.KeyRotator of the wiring: every change of a
// charge point's password (1.6 AuthorizationKey, 2.0.1
// SecurityCtrlr.BasicAuthPassword), whichever way it is sent, accepts the
// new key while in flight and stores its digest once the charge point has
// it.
type keyRotator struct{ c *CSMS }

func (k keyRotator) BeginKeyRotation(_ context.Context, identity, key string) (func(context.Context, string, error) (bool, error), error) {
	c := k.c
	digest, err := ocpp.HashPassword(key)
	if err != nil {
		return nil, err
	}
	if !c.rotation.begin(identity, digest) {
		return nil, fmt.Errorf("%w: %s", ErrRotationInProgress, identity)
	}
	return func(ctx context.Context, status string, sendErr error) (bool, error) {
		defer c.rotation.end(identity)
		switch {
		case c.rotation.adopted(identity):
			// It reconnected with the new key: whatever became of its
			// answer, the new password is the one it uses.
		case sendErr != nil:
			return false, nil
		case status != "Accepted" && status != "RebootRequired": // the same in both versions
			return false, nil
		}
		// The charge point has the new key: record it even if ctx ends now.
		if err := c.Store.SetPasswordDigest(context.WithoutCancel(ctx), identity, digest); err != nil {
			return true, fmt.Errorf("%w: %w", errDigestNotStored, err)
		}
		return true, nil
	}, nil
}

// remoteSender is the handlers.Sender the wiring gives the default
// handlers (SignCertificate sends CertificateSigned with it). It reads
// c.Remote when it sends, since the remote client is created after the
// handlers.
type remoteSender struct{ c *CSMS }

func (s remoteSender) Send(ctx context.Context, identity string, req ocpp.Request) (ocpp.Response, error) {
	return s.c.Remote.Send(ctx, identity, req)
}
