package main

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/ocppkit/ocppkit/store"
)

// Sessions: every session, filtered by charge point, id tag, start date
// and state, paged, and exported as CSV with the same filters; one
// session with its charts.

const sessionsPerPage = 25

// sessionsQuery is the sessions page's filter form, as submitted.
type sessionsQuery struct {
	CP, IDTag, From, To, Status string
}

// parseSessionsQuery reads the filter of r: dates are days in the
// operator's zone, To included.
func parseSessionsQuery(r *http.Request) (sessionsQuery, sessionFilter) {
	q := r.URL.Query()
	sq := sessionsQuery{
		CP: q.Get("cp"), IDTag: strings.TrimSpace(q.Get("id_tag")),
		From: q.Get("from"), To: q.Get("to"), Status: q.Get("status"),
	}
	loc := zoneOf(r.Context())
	f := sessionFilter{IDTag: sq.IDTag}
	if id, err := strconv.ParseUint(sq.CP, 10, 64); err == nil {
		f.ChargePointID = uint(id)
	}
	if t, ok := parseLocal(sq.From, loc); ok {
		f.From = t
	}
	if t, ok := parseLocal(sq.To, loc); ok {
		f.To = t.AddDate(0, 0, 1)
	}
	if sq.Status == stateActive || sq.Status == stateCompleted {
		f.Status = sq.Status
	}
	return sq, f
}

func (s *server) sessionsPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sq, f := parseSessionsQuery(r)
	pg := pageParam(r)
	rows, total, err := s.findSessions(ctx, f, pg, sessionsPerPage)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	cps, err := s.csms.Store.ListChargePoints(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	csv := url.URL{Path: "/sessions.csv", RawQuery: r.URL.Query().Encode()}
	q := csv.Query()
	q.Del("page")
	csv.RawQuery = q.Encode()
	s.renderPage(w, r, "sessions", page{Title: "Sessions", Nav: "sessions", Data: struct {
		Query        sessionsQuery
		ChargePoints []store.ChargePoint
		Sessions     []*sessionView
		Pager        pager
		CSVURL       string
	}{sq, cps, rows, newPager(r.URL, pg, sessionsPerPage, total), csv.String()}})
}

// maxCSVRows bounds one export.
const maxCSVRows = 1_000_000

// GET /sessions.csv?cp=&id_tag=&from=&to=&status= — the sessions matching
// the filter, newest first; times in UTC (RFC 3339), energy in kWh.
func (s *server) sessionsCSV(w http.ResponseWriter, r *http.Request) {
	_, f := parseSessionsQuery(r)
	rows, _, err := s.findSessions(r.Context(), f, 1, maxCSVRows)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="sessions-%s.csv"`, time.Now().UTC().Format("20060102-150405")))
	w.Header().Set("Cache-Control", "no-store")
	out := csv.NewWriter(w)
	_ = out.Write([]string{"session_id", "transaction_id", "charge_point", "connector_id", "id_tag", "state",
		"started_at_utc", "stopped_at_utc", "duration_seconds", "meter_start_wh", "meter_stop_wh", "energy_kwh", "stop_reason"})
	utc := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.UTC().Format(time.RFC3339)
	}
	for _, v := range rows {
		stop := ""
		if v.MeterStop != nil {
			stop = strconv.Itoa(*v.MeterStop)
		}
		tx := strconv.Itoa(v.TransactionID)
		if v.StationTransactionID != "" { // 2.0.1: the station's id
			tx = csvSafe(v.StationTransactionID)
		}
		_ = out.Write([]string{
			strconv.FormatUint(uint64(v.ID), 10), tx, csvSafe(v.ChargePointIdentifier),
			strconv.Itoa(v.EVSEID), csvSafe(v.IDTag), v.State, utc(&v.StartedAt), utc(v.StoppedAt),
			strconv.FormatInt(v.DurationSeconds, 10), strconv.Itoa(v.MeterStart), stop,
			strconv.FormatFloat(v.EnergyConsumed, 'f', 3, 64), csvSafe(v.StopReason),
		})
	}
	out.Flush()
}

// csvSafe keeps a value a charge point chose (identity, id tag) from being
// read as a formula by a spreadsheet.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

func (s *server) sessionPage(w http.ResponseWriter, r *http.Request) {
	sess, err := s.session(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderPage(w, r, "session", page{
		Title: fmt.Sprintf("Session #%d", sess.ID), Nav: "sessions",
		CPID: sess.ChargePointID, Identity: sess.ChargePointIdentifier,
		SessionID: sess.ID, MeterStart: sess.MeterStart,
		Data: struct{ Session *sessionView }{sess},
	})
}

// session loads the session named by the {id} path value.
func (s *server) session(r *http.Request) (*sessionView, error) {
	key := r.PathValue("id")
	id, err := strconv.ParseUint(key, 10, 64)
	if err != nil {
		return nil, notFoundError{"session", key}
	}
	sess, err := s.csms.Store.SessionByID(r.Context(), uint(id))
	if err != nil {
		if errorsIsNotFound(err) {
			return nil, notFoundError{"session", key}
		}
		return nil, err
	}
	cp, err := s.csms.Store.ChargePointByID(r.Context(), sess.ChargePointID)
	if err != nil {
		return nil, err
	}
	return newSessionView(sess, cp), nil
}
