package remote

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/ocppkit/ocppkit/ocpp"
	"github.com/ocppkit/ocppkit/ocpp/ocpp16"
	"github.com/ocppkit/ocppkit/ocpp/ocpp201"
	"github.com/ocppkit/ocppkit/store"
)

// Secrets in commands. A 1.6 ChangeConfiguration of AuthorizationKey and
// a 2.0.1 SetVariables of SecurityCtrlr.BasicAuthPassword carry a charge
// point's HTTP Basic password, and a certificate field could carry a
// private key by mistake. Neither may end up in the database or in an
// answer:
//
//   - The password, on every path (Send, Call, ChangeConfiguration,
//     V201().SetVariables, WriteSetting, Enqueue, the JSON API with or
//     without ?async=1), goes through the KeyRotator (the root package's
//     password rotation): the new key's digest is stored once the charge
//     point takes it, and both keys are accepted while it is in flight, so
//     the charge point is never locked out. An enqueued one is stored with
//     its value redacted and kept in this process's memory until it is
//     delivered; a process that restarts before that fails the command
//     (enqueue it again). A SetVariables of BasicAuthPassword must set it
//     alone.
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

// BasicAuthPassword names the OCPP 2.0.1 variable holding a charge point's
// HTTP Basic password (security profiles 1 and 2): the variable
// BasicAuthPassword of the component SecurityCtrlr.
var BasicAuthPassword = store.VariableKey{Component: "SecurityCtrlr", Name: "BasicAuthPassword"}

// KeyRotator takes part in changing a charge point's HTTP Basic password
// (1.6 AuthorizationKey, 2.0.1 SecurityCtrlr.BasicAuthPassword). The root
// package's CSMS is one (see ocppkit.CSMS.RotatePassword).
type KeyRotator interface {
	// BeginKeyRotation is called before ChangeConfiguration or SetVariables
	// carries key to the charge point; an error stops it from being sent.
	// end is then called exactly once with the charge point's answer
	// (status: 1.6's ConfigurationStatus or 2.0.1's SetVariableStatus of
	// the password, both "Accepted" or "RebootRequired" when it took it) or
	// the error of sending (err). It reports whether the charge point has
	// the new key (it answered Accepted or RebootRequired, or authenticated
	// with it meanwhile), and an error if recording that failed.
	BeginKeyRotation(ctx context.Context, identity, key string) (end func(ctx context.Context, status string, err error) (taken bool, rerr error), err error)
}

// secretOf returns the new password if req changes a charge point's HTTP
// Basic password: a 1.6 ChangeConfiguration of AuthorizationKey or a 2.0.1
// SetVariables of SecurityCtrlr.BasicAuthPassword.
func secretOf(req ocpp.Request) (string, bool) {
	if key, ok := authorizationKeyOf(req); ok {
		return key, true
	}
	q, ok := as[ocpp201.SetVariablesRequest](req)
	if !ok {
		return "", false
	}
	for _, d := range q.SetVariableData {
		if isPasswordVariable(d.Component, d.Variable, d.AttributeType) {
			return d.AttributeValue, true
		}
	}
	return "", false
}

// isPasswordVariable reports whether a 2.0.1 variable attribute is the
// HTTP Basic password.
func isPasswordVariable(c ocpp201.Component, v ocpp201.Variable, attr ocpp201.Attribute) bool {
	return c.Name == BasicAuthPassword.Component && c.Instance == "" && c.Evse == nil && v.Name == BasicAuthPassword.Name &&
		v.Instance == "" && (attr == "" || attr == ocpp201.AttributeActual)
}

// authorizationKeyOf returns the new key if req changes AuthorizationKey.
func authorizationKeyOf(req ocpp.Request) (string, bool) {
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

// checkSecrets refuses requests that would send a private key, and a
// SetVariables that sets the password together with other variables.
func checkSecrets(req ocpp.Request) error {
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
	case ocpp201.InstallCertificateRequest:
		fields = []string{v.Certificate}
	case *ocpp201.InstallCertificateRequest:
		fields = []string{v.Certificate}
	case ocpp201.CertificateSignedRequest:
		fields = []string{v.CertificateChain}
	case *ocpp201.CertificateSignedRequest:
		fields = []string{v.CertificateChain}
	}
	if _, ok := secretOf(req); ok {
		if q, ok := as[ocpp201.SetVariablesRequest](req); ok && len(q.SetVariableData) > 1 {
			return fmt.Errorf("%w: SetVariables of %s must set it alone", ErrInvalidRequest, BasicAuthPassword)
		}
	}
	for _, f := range fields {
		if strings.Contains(f, "PRIVATE KEY-----") {
			return fmt.Errorf("%w: %s carries a private key; only certificates may be sent", ErrInvalidRequest, req.Action())
		}
	}
	return nil
}

// sendSecret is Send for a change of the password (key): through the
// KeyRotator.
func (c *Client) sendSecret(ctx context.Context, identity string, key string, req ocpp.Request, payload json.RawMessage) (ocpp.Response, error) {
	if c.keys == nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidRequest, ErrNoKeyRotator)
	}
	end, err := c.keys.BeginKeyRotation(ctx, identity, key)
	if err != nil {
		return nil, err
	}
	raw, sendErr := c.send(ctx, identity, req.Action(), payload)
	var res ocpp.Response
	var status string
	if sendErr == nil {
		res, sendErr = c.decode(versionOf(req), req.Action(), raw)
		status = secretStatus(res)
	}
	taken, rerr := end(context.WithoutCancel(ctx), status, sendErr)
	if sendErr != nil {
		if !taken {
			return nil, sendErr
		}
		// Its answer was lost, but it authenticated with the new key:
		// as far as anyone can tell, it accepted.
		res = acceptedSecret(req)
	}
	if rerr != nil {
		return res, fmt.Errorf("%w: %w", ErrNotRecorded, rerr)
	}
	if err := c.applyEffect(ctx, identity, 0, req, res); err != nil {
		return res, err
	}
	return res, nil
}

// secretStatus returns the charge point's answer to a change of its
// password.
func secretStatus(res ocpp.Response) string {
	if r, ok := as[ocpp16.ChangeConfigurationResponse](res); ok {
		return string(r.Status)
	}
	if r, ok := as[ocpp201.SetVariablesResponse](res); ok {
		for _, sr := range r.SetVariableResult {
			if isPasswordVariable(sr.Component, sr.Variable, sr.AttributeType) {
				return string(sr.AttributeStatus)
			}
		}
	}
	return ""
}

// acceptedSecret is the answer a charge point that took the password
// would have given to req.
func acceptedSecret(req ocpp.Request) ocpp.Response {
	if q, ok := as[ocpp201.SetVariablesRequest](req); ok {
		var res ocpp201.SetVariablesResponse
		for _, d := range q.SetVariableData {
			res.SetVariableResult = append(res.SetVariableResult, ocpp201.SetVariableResult{
				AttributeStatus: ocpp201.SetVariableStatusAccepted, AttributeType: d.AttributeType, Component: d.Component, Variable: d.Variable,
			})
		}
		return res
	}
	return ocpp16.ChangeConfigurationResponse{Status: ocpp16.ConfigurationStatusAccepted}
}

// withSecret returns req with its password replaced by key (Redacted for
// the stored payload of an enqueued command).
func withSecret(req ocpp.Request, key string) ocpp.Request {
	if q, ok := as[ocpp201.SetVariablesRequest](req); ok {
		data := append([]ocpp201.SetVariableData(nil), q.SetVariableData...)
		for i := range data {
			if isPasswordVariable(data[i].Component, data[i].Variable, data[i].AttributeType) {
				data[i].AttributeValue = key
			}
		}
		q.SetVariableData = data
		return q
	}
	return ocpp16.ChangeConfigurationRequest{Key: AuthorizationKey, Value: key}
}

// redactedPayload is the stored payload of an enqueued password change.
func redactedPayload(req ocpp.Request) string {
	b, _ := json.Marshal(withSecret(req, Redacted))
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

// isKeyCommand reports whether a stored command changes the password.
func isKeyCommand(cmd *store.Command) bool {
	_, ok := storedSecretRequest(cmd)
	return ok
}

// storedSecretRequest returns the (redacted) request of a stored command
// that changes the password.
func storedSecretRequest(cmd *store.Command) (ocpp.Request, bool) {
	switch {
	case cmd.Action == ocpp16.ActionChangeConfiguration && cmd.OCPPVersion != ocpp.OCPP201:
		var q ocpp16.ChangeConfigurationRequest
		if json.Unmarshal([]byte(cmd.Payload), &q) == nil && strings.EqualFold(q.Key, AuthorizationKey) {
			return q, true
		}
	case cmd.Action == ocpp201.ActionSetVariables && cmd.OCPPVersion == ocpp.OCPP201:
		var q ocpp201.SetVariablesRequest
		if json.Unmarshal([]byte(cmd.Payload), &q) == nil {
			if _, ok := secretOf(q); ok {
				return q, true
			}
		}
	}
	return nil, false
}
