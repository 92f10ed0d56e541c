package cluster_test

import (
	"testing"
	"time"

	"github.com/ocppkit/ocppkit/cluster"
	"github.com/ocppkit/ocppkit/cluster/clustertest"
)

func TestMemoryConformance(t *testing.T) {
	clustertest.Exercise(t, func(t *testing.T) clustertest.Deployment {
		ttl := 300 * time.Millisecond
		m := cluster.NewMemory(cluster.MemoryConfig{TTL: ttl})
		t.Cleanup(func() { m.Close() })
		return clustertest.Deployment{New: func() cluster.Backplane { return m }, TTL: ttl}
	})
}
