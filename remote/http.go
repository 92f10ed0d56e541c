package remote

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/ocppkit/ocppkit/internal/versions"
	"github.com/ocppkit/ocppkit/ocpp"
)

// maxBody bounds the JSON payload of one command.
const maxBody = 1 << 20

// HTTPHandler returns an http.Handler that exposes the commands as a JSON
// API, for operators and scripts:
//
//	POST …/charge_points/{identity}/commands/{Action}      body: the action's JSON payload
//	POST …/charge_points/{identity}/commands/{Action}?async=1
//
// The handler matches the end of the path, so it can be mounted under any
// prefix. The payload is decoded with the schema of the charge point's
// version: Reset takes {"type":"Soft"} for a 1.6 charge point and
// {"type":"OnIdle"} for a 2.0.1 one (for a charge point that never
// connected, the newest version whose command accepts the payload). The synchronous form answers 200 with the charge point's reply.
// With async=1 the command is enqueued (see Enqueue) and the answer is 202
// with the stored command. Errors are JSON {"error": "...", "code": "..."}:
// 404 for an unknown charge point or action, 400 for an invalid payload
// (code is the OCPP validation code), 422 for a command of the OCPP
// version the charge point does not speak (the message names its version),
// 409 when the charge point is not
// connected, 502 when it answers CALLERROR (code is its error code) or an
// invalid reply, 504 when it does not answer in time, 503 with Retry-After
// when the charge point already has a full queue of commands waiting
// (ErrBusy), 405 for a method other than POST.
//
// It is safe by default against a web page the operator happens to visit:
// the body must be Content-Type application/json (415 otherwise: an HTML
// form cannot send that), and cross-origin requests are refused with 403
// (http.CrossOriginProtection: Sec-Fetch-Site, or Origin against Host).
// It does no authentication of its own: the host must wrap it in its own
// (an operator session, a token, HTTP Basic), never mount it bare.
// AuthorizationKey set through it goes through the password rotation (see
// Config.Secrets) and is never stored or echoed.
func (c *Client) HTTPHandler() http.Handler {
	return http.HandlerFunc(c.serveHTTP)
}

// crossOrigin refuses cross-origin requests to the JSON API.
var crossOrigin = http.NewCrossOriginProtection()

// retryAfter is the Retry-After of a 503 for a busy charge point, in
// seconds.
const retryAfter = "5"

type apiError struct {
	Error string `json:"error"`
	Code  string `json:"code,omitempty"`
}

func (c *Client) serveHTTP(w http.ResponseWriter, r *http.Request) {
	if identity, ok := messagesPath(r.URL); ok { // GET …/messages: see messages.go
		c.serveMessages(w, r, identity)
		return
	}
	identity, action, ok := commandPath(r.URL)
	if !ok {
		writeJSON(w, http.StatusNotFound, apiError{Error: "not found: want …/charge_points/{identity}/commands/{Action}"})
		return
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		writeJSON(w, http.StatusMethodNotAllowed, apiError{Error: "method not allowed: use POST"})
		return
	}
	if err := crossOrigin.Check(r); err != nil {
		writeJSON(w, http.StatusForbidden, apiError{Error: "cross-origin request refused"})
		return
	}
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		writeJSON(w, http.StatusUnsupportedMediaType, apiError{Error: "the body must be Content-Type: application/json"})
		return
	}
	if !slices.ContainsFunc(versions.All, func(v *versions.Version) bool { return v.IsCSMSAction(action) }) {
		writeJSON(w, http.StatusNotFound, apiError{Error: "unknown command " + action})
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil {
		writeJSON(w, http.StatusBadRequest, apiError{Error: "read body: " + err.Error()})
		return
	}
	if len(body) > maxBody {
		writeJSON(w, http.StatusRequestEntityTooLarge, apiError{Error: "payload too large"})
		return
	}
	if len(strings.TrimSpace(string(body))) == 0 {
		body = []byte("{}")
	}
	ctx := r.Context()
	sv, err := c.StationVersion(ctx, identity)
	if err != nil {
		if errors.Is(err, ErrUnknownChargePoint) {
			writeJSON(w, http.StatusNotFound, apiError{Error: "unknown charge point " + identity})
			return
		}
		c.logger.Error("commands API: look up charge point", "charge_point", identity, "err", err)
		writeJSON(w, http.StatusInternalServerError, apiError{Error: "internal error"})
		return
	}
	req, err := decodeCommand(identity, sv, action, body)
	if err != nil {
		c.writeError(w, err)
		return
	}
	if async := r.URL.Query().Get("async"); async == "1" || async == "true" {
		cmd, err := c.Enqueue(ctx, identity, req, nil)
		if err != nil {
			c.writeError(w, err)
			return
		}
		writeJSON(w, http.StatusAccepted, cmd)
		return
	}
	res, err := c.Send(ctx, identity, req)
	if err != nil {
		c.writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}

func (c *Client) writeError(w http.ResponseWriter, err error) {
	var oe *ocpp.Error
	switch {
	case errors.Is(err, ErrUnknownChargePoint):
		writeJSON(w, http.StatusNotFound, apiError{Error: err.Error()})
	case errors.Is(err, ErrWrongVersion):
		writeJSON(w, http.StatusUnprocessableEntity, apiError{Error: err.Error()})
	case errors.Is(err, ErrInvalidRequest):
		writeJSON(w, http.StatusBadRequest, apiError{Error: err.Error(), Code: string(ocpp.CodeOf(err))})
	case errors.Is(err, ErrNotConnected):
		writeJSON(w, http.StatusConflict, apiError{Error: err.Error()})
	case errors.Is(err, ErrTimeout):
		writeJSON(w, http.StatusGatewayTimeout, apiError{Error: err.Error()})
	case errors.Is(err, ErrBusy):
		c.logger.Warn("commands API: charge point busy", "err", err)
		w.Header().Set("Retry-After", retryAfter)
		writeJSON(w, http.StatusServiceUnavailable, apiError{Error: err.Error()})
	case errors.Is(err, ErrInvalidResponse):
		writeJSON(w, http.StatusBadGateway, apiError{Error: err.Error(), Code: string(ocpp.CodeOf(err))})
	case errors.As(err, &oe):
		writeJSON(w, http.StatusBadGateway, apiError{Error: "charge point answered CALLERROR: " + oe.Description, Code: string(oe.Code)})
	default:
		c.logger.Error("commands API", "err", err)
		writeJSON(w, http.StatusInternalServerError, apiError{Error: "internal error"})
	}
}

// commandPath finds charge_points/{identity}/commands/{Action} at the end
// of the path; the identity is percent-decoded.
func commandPath(u interface{ EscapedPath() string }) (identity, action string, ok bool) {
	parts := strings.Split(strings.Trim(u.EscapedPath(), "/"), "/")
	n := len(parts)
	if n < 4 || parts[n-4] != "charge_points" || parts[n-2] != "commands" {
		return "", "", false
	}
	id, err := url.PathUnescape(parts[n-3])
	if err != nil || id == "" || parts[n-1] == "" {
		return "", "", false
	}
	return id, parts[n-1], true
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// decodeCommand decodes the payload of action for a charge point speaking
// version sv: with that version's schema, or ErrWrongVersion when the
// action is a command of the other version only. For a charge point whose
// version is not known yet (it never connected), the payload is taken as
// the newest version whose command it is that accepts it.
func decodeCommand(identity, sv, action string, body []byte) (ocpp.Request, error) {
	if v, ok := versions.Get(sv); ok && sv != "" {
		if !v.IsCSMSAction(action) {
			var of *versions.Version
			for _, o := range versions.All {
				if o.IsCSMSAction(action) {
					of = o
				}
			}
			return nil, wrongVersion(identity, sv, of, action)
		}
		return decodeAs(v, action, body)
	}
	var first error
	for _, v := range versions.All {
		if !v.IsCSMSAction(action) {
			continue
		}
		req, err := decodeAs(v, action, body)
		if err == nil {
			return req, nil
		}
		if first == nil {
			first = err
		}
	}
	return nil, first
}

// decodeAs decodes the payload of action strictly as version v.
func decodeAs(v *versions.Version, action string, body []byte) (ocpp.Request, error) {
	req, _ := v.NewRequest(action)
	if err := v.Unmarshal(body, req, false); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidRequest, err)
	}
	return req, nil
}
