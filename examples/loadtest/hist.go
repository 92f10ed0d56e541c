package main

import (
	"math/bits"
	"sync/atomic"
	"time"
)

// histogram is a log-linear latency histogram in microseconds (like HDR
// histograms with 5 significant bits: every bucket is at most 1/32 ≈ 3 % wide),
// sharded so that thousands of goroutines record without contending on one
// cache line.
type histogram struct {
	shards [histShards][histBuckets]atomic.Uint64
}

const (
	histSubBits = 5
	histSub     = 1 << histSubBits // linear buckets below 32 µs, then 32 per power of two
	histBuckets = histSub + (40-histSubBits)*histSub
	histShards  = 32
)

func bucketOf(us uint64) int {
	if us < histSub {
		return int(us)
	}
	e := bits.Len64(us) - histSubBits - 1 // us >> e is in [32, 64)
	i := histSub + e*histSub + int(us>>e) - histSub
	return min(i, histBuckets-1)
}

// bucketValue returns the upper bound of bucket i in microseconds.
func bucketValue(i int) uint64 {
	if i < histSub {
		return uint64(i)
	}
	e := (i - histSub) / histSub
	m := uint64((i-histSub)%histSub + histSub)
	return (m+1)<<e - 1
}

func (h *histogram) record(shard int, d time.Duration) {
	us := d.Microseconds()
	if us < 0 {
		us = 0
	}
	h.shards[shard%histShards][bucketOf(uint64(us))].Add(1)
}

// quantiles returns the count and the latencies at the given quantiles.
func (h *histogram) quantiles(qs ...float64) (uint64, []time.Duration) {
	var merged [histBuckets]uint64
	var total uint64
	for s := range h.shards {
		for i := range h.shards[s] {
			v := h.shards[s][i].Load()
			merged[i] += v
			total += v
		}
	}
	out := make([]time.Duration, len(qs))
	if total == 0 {
		return 0, out
	}
	for k, q := range qs {
		rank := uint64(q * float64(total))
		rank = max(min(rank, total-1), 0)
		var seen uint64
		for i, v := range merged {
			seen += v
			if seen > rank {
				out[k] = time.Duration(bucketValue(i)) * time.Microsecond
				break
			}
		}
	}
	return total, out
}
