package remote

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/ocppkit/ocppkit/store"
)

// Limits of the message log API.
const (
	DefaultMessagesLimit = 50
	MaxMessagesLimit     = 1000
)

// The HTTPHandler also serves the message log (ocppkit.Config.MessageLog)
// of a charge point:
//
//	GET …/charge_points/{identity}/messages?limit=N            the last N frames
//	GET …/charge_points/{identity}/messages?after=ID&limit=N   the first N logged after frame ID
//
// The answer is {"messages": [store.Message…]}, oldest first (a row holds a
// CALL and, in reply_frame, its reply); limit is 50
// by default, at most 1000. A live tail polls with after set to the last
// ID it has. 404 for an unknown charge point, 400 for a malformed limit or
// after, 405 for a method other than GET.

// messagesPath finds charge_points/{identity}/messages at the end of the
// path; the identity is percent-decoded.
func messagesPath(u *url.URL) (identity string, ok bool) {
	parts := strings.Split(strings.Trim(u.EscapedPath(), "/"), "/")
	n := len(parts)
	if n < 3 || parts[n-3] != "charge_points" || parts[n-1] != "messages" {
		return "", false
	}
	id, err := url.PathUnescape(parts[n-2])
	return id, err == nil && id != ""
}

func (c *Client) serveMessages(w http.ResponseWriter, r *http.Request, identity string) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", http.MethodGet)
		writeJSON(w, http.StatusMethodNotAllowed, apiError{Error: "method not allowed: use GET"})
		return
	}
	q := r.URL.Query()
	limit, after := DefaultMessagesLimit, uint64(0)
	var err error
	if v := q.Get("limit"); v != "" {
		if limit, err = strconv.Atoi(v); err != nil || limit < 1 {
			writeJSON(w, http.StatusBadRequest, apiError{Error: "limit must be a positive integer"})
			return
		}
		limit = min(limit, MaxMessagesLimit)
	}
	if v := q.Get("after"); v != "" {
		if after, err = strconv.ParseUint(v, 10, 64); err != nil {
			writeJSON(w, http.StatusBadRequest, apiError{Error: "after must be a message id"})
			return
		}
	}
	ctx := r.Context()
	cp, err := c.store.ChargePointByIdentifier(ctx, identity)
	var msgs []store.Message
	if err == nil {
		msgs, err = c.store.Messages(ctx, cp.ID, uint(after), limit)
	}
	switch {
	case errors.Is(err, store.ErrNotFound):
		writeJSON(w, http.StatusNotFound, apiError{Error: "unknown charge point " + identity})
		return
	case err != nil:
		c.logger.Error("messages API", "charge_point", identity, "err", err)
		writeJSON(w, http.StatusInternalServerError, apiError{Error: "internal error"})
		return
	}
	if msgs == nil {
		msgs = []store.Message{}
	}
	writeJSON(w, http.StatusOK, struct {
		Messages []store.Message `json:"messages"`
	}{msgs})
}
