package remote

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/ocppkit/ocppkit/ocpp/ocpp16"
	"github.com/ocppkit/ocppkit/store"
)

// Secrets in commands. A ChangeConfiguration of AuthorizationKey carries a
// charge point's HTTP Basic password, and a certificate field could carry
// a private key by mistake. Neither may end up in the database or in an
// answer:
//
//   - AuthorizationKey, on every path (Send, Call, ChangeConfiguration,
//     Enqueue, the JSON API with or without ?async=1), goes through the
//     KeyRotator (the root package's password rotation): the new key's
//     digest is stored once the charge point takes it, and both keys are
//     accepted while it is in flight, so the charge point is never locked
//     out. An enqueued one is stored with its value redacted and kept in
//     this process's memory until it is delivered; a process that restarts
//     before that fails the command (enqueue it again).
//   - A certificate field holding a PEM private key is refused with
//     ErrInvalidRequest before anything is sent or stored.

// AuthorizationKey is the configuration key holding a charge point's HTTP
// Basic password (security profiles 1 and 2).
const AuthorizationKey = "AuthorizationKey"

// Redacted replaces a secret in stored commands.
const Redacted = "[redacted]"

// ErrNoKeyRotator is returned (wrapping ErrInvalidRequest) for a
// ChangeConfiguration of AuthorizationKey by a Client without
// Config.KeyRotator: sending it would lock the charge point out.
var ErrNoKeyRotator = errors.New("remote: AuthorizationKey can only be changed through a KeyRotator (ocppkit.CSMS sets one)")

// KeyRotator takes part in changing a charge point's AuthorizationKey. The
// root package's CSMS is one (see ocppkit.CSMS.RotatePassword).
type KeyRotator interface {
	// BeginKeyRotation is called before ChangeConfiguration carries key to
	// the charge point; an error stops it from being sent. end is then
	// called exactly once with the charge point's answer (status) or the
	// error of sending (err). It reports whether the charge point has the
	// new key (it answered Accepted or RebootRequired, or authenticated with
	// it meanwhile), and an error if recording that failed.
	BeginKeyRotation(ctx context.Context, identity, key string) (end func(ctx context.Context, status ocpp16.ConfigurationStatus, err error) (taken bool, rerr error), err error)
}

// authorizationKeyOf returns the new key if req changes AuthorizationKey.
func authorizationKeyOf(req ocpp16.Request) (string, bool) {
	var q ocpp16.ChangeConfigurationRequest
	switch v := req.(type) {
	case ocpp16.ChangeConfigurationRequest:
		q = v
	case *ocpp16.ChangeConfigurationRequest:
		if v == nil {
			return "", false
		}
		q = *v
	default:
		return "", false
	}
	if !strings.EqualFold(q.Key, AuthorizationKey) {
		return "", false
	}
	return q.Value, true
}

// checkSecrets refuses requests that would send a private key.
func checkSecrets(req ocpp16.Request) error {
	var fields []string
	switch v := req.(type) {
	case ocpp16.InstallCertificateRequest:
		fields = []string{v.Certificate}
	case *ocpp16.InstallCertificateRequest:
		fields = []string{v.Certificate}
	case ocpp16.CertificateSignedRequest:
		fields = []string{v.CertificateChain}
	case *ocpp16.CertificateSignedRequest:
		fields = []string{v.CertificateChain}
	}
	for _, f := range fields {
		if strings.Contains(f, "PRIVATE KEY-----") {
			return fmt.Errorf("%w: %s carries a private key; only certificates may be sent", ErrInvalidRequest, req.Action())
		}
	}
	return nil
}

// sendAuthorizationKey is Send for a ChangeConfiguration of
// AuthorizationKey: through the KeyRotator.
func (c *Client) sendAuthorizationKey(ctx context.Context, identity string, key string, payload json.RawMessage) (ocpp16.Response, error) {
	if c.keys == nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidRequest, ErrNoKeyRotator)
	}
	end, err := c.keys.BeginKeyRotation(ctx, identity, key)
	if err != nil {
		return nil, err
	}
	raw, sendErr := c.send(ctx, identity, ocpp16.ActionChangeConfiguration, payload)
	var res ocpp16.Response
	var status ocpp16.ConfigurationStatus
	if sendErr == nil {
		res, sendErr = c.decode(ocpp16.ActionChangeConfiguration, raw)
		if r, ok := as[ocpp16.ChangeConfigurationResponse](res); ok {
			status = r.Status
		}
	}
	taken, rerr := end(context.WithoutCancel(ctx), status, sendErr)
	if sendErr != nil {
		if !taken {
			return nil, sendErr
		}
		// Its answer was lost, but it authenticated with the new key:
		// as far as anyone can tell, it accepted.
		res = ocpp16.ChangeConfigurationResponse{Status: ocpp16.ConfigurationStatusAccepted}
	}
	if rerr != nil {
		return res, fmt.Errorf("%w: %w", ErrNotRecorded, rerr)
	}
	if err := c.applyEffect(ctx, identity, 0, ocpp16.ChangeConfigurationRequest{Key: AuthorizationKey, Value: key}, res); err != nil {
		return res, err
	}
	return res, nil
}

// redactedPayload is the stored payload of an enqueued AuthorizationKey
// change.
func redactedPayload() string {
	b, _ := json.Marshal(ocpp16.ChangeConfigurationRequest{Key: AuthorizationKey, Value: Redacted})
	return string(b)
}

// keepSecret holds an enqueued AuthorizationKey until its command is
// delivered.
func (c *Client) keepSecret(id uint, key string) {
	c.secretsMu.Lock()
	defer c.secretsMu.Unlock()
	c.secrets[id] = key
}

// takeSecret returns and forgets the AuthorizationKey of an enqueued
// command.
func (c *Client) takeSecret(id uint) (string, bool) {
	c.secretsMu.Lock()
	defer c.secretsMu.Unlock()
	key, ok := c.secrets[id]
	delete(c.secrets, id)
	return key, ok
}

// peekSecret reports whether the key of an enqueued command is held here,
// without taking it.
func (c *Client) peekSecret(id uint) (string, bool) {
	c.secretsMu.Lock()
	defer c.secretsMu.Unlock()
	key, ok := c.secrets[id]
	return key, ok
}

// isKeyCommand reports whether a stored command changes AuthorizationKey.
func isKeyCommand(cmd *store.Command) bool {
	if cmd.Action != ocpp16.ActionChangeConfiguration {
		return false
	}
	var q ocpp16.ChangeConfigurationRequest
	return json.Unmarshal([]byte(cmd.Payload), &q) == nil && strings.EqualFold(q.Key, AuthorizationKey)
}
