package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sync/atomic"
	"time"

	"github.com/ocppkit/ocppkit/broadcast"
)

// subscribers are the live scenario's SSE clients of the server's
// all-charge-points topic (/_events, see serve).
type subscribers struct {
	counts []atomic.Uint64 // events each received inside the window
}

// subscribe opens n SSE streams and counts, per stream, the events that
// arrive inside win, until ctx ends. It returns once every stream is
// subscribed.
func subscribe(ctx context.Context, addr string, n int, win *window) (*subscribers, error) {
	s := &subscribers{counts: make([]atomic.Uint64, n)}
	u := "http://" + addr + "/_events?topic=" + url.QueryEscape(broadcast.AllChargePointsTopic)
	client := &http.Client{Transport: &http.Transport{MaxConnsPerHost: 0, MaxIdleConnsPerHost: n, DisableCompression: true}}
	for i := range n {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		if err != nil {
			return nil, err
		}
		resp, err := client.Do(req)
		if err != nil {
			return nil, fmt.Errorf("subscriber %d: %w", i, err)
		}
		if resp.StatusCode != http.StatusOK {
			resp.Body.Close()
			return nil, fmt.Errorf("subscriber %d: %s", i, resp.Status)
		}
		r := bufio.NewReader(resp.Body)
		if _, err := r.ReadBytes('\n'); err != nil { // the handler's first line: subscribed
			resp.Body.Close()
			return nil, fmt.Errorf("subscriber %d: %w", i, err)
		}
		go func() {
			defer resp.Body.Close()
			for {
				line, err := r.ReadSlice('\n')
				if err != nil && err != bufio.ErrBufferFull {
					return
				}
				if bytes.HasPrefix(line, []byte("data: ")) && win.contains(time.Now().UnixNano()) {
					s.counts[i].Add(1)
				}
			}
		}()
	}
	return s, nil
}

// rates returns the mean, minimum and maximum events per second of the
// subscribers over the window d.
func (s *subscribers) rates(d time.Duration) (mean, lo, hi float64) {
	if len(s.counts) == 0 {
		return 0, 0, 0
	}
	per := make([]float64, len(s.counts))
	var sum float64
	for i := range s.counts {
		per[i] = float64(s.counts[i].Load()) / d.Seconds()
		sum += per[i]
	}
	return sum / float64(len(per)), slices.Min(per), slices.Max(per)
}
