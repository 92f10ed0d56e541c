// Command clusterbench measures what routing through a backplane costs:
// two ocppkit nodes in this process share a PostgreSQL schema and a
// backplane (Redis or PostgreSQL LISTEN/NOTIFY); N simulated charge points
// connect, half to each node; then closed-loop workers send commands
// (DataTransfer, which touches no table) to random charge points, first
// each on the node holding the socket (local), then each on the other node
// (routed), and the program prints throughput and latency percentiles of
// both, and how long the N charge points took to connect (a reconnect
// storm in miniature: every connection claims its presence).
//
//	go run ./examples/clusterbench -backplane redis -n 1000
//	go run ./examples/clusterbench -backplane postgres -n 1000
//
// PostgreSQL comes from -dsn (default $OCPP_TEST_DATABASE_URL; a fresh
// schema is created and dropped), Redis from -redis (default
// $OCPP_TEST_REDIS_URL; a fresh key prefix, deleted at the end).
package main

import (
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"text/tabwriter"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/redis/go-redis/v9"
	"golang.org/x/time/rate"
	"gorm.io/gorm"

	"github.com/ocppkit/ocppkit"
	"github.com/ocppkit/ocppkit/broadcast"
	"github.com/ocppkit/ocppkit/broadcast/pgbroadcast"
	"github.com/ocppkit/ocppkit/broadcast/redisbroadcast"
	"github.com/ocppkit/ocppkit/cluster"
	"github.com/ocppkit/ocppkit/cluster/pgcluster"
	"github.com/ocppkit/ocppkit/cluster/rediscluster"
	"github.com/ocppkit/ocppkit/ocpp"
	"github.com/ocppkit/ocppkit/ocpp/ocpp16"
	"github.com/ocppkit/ocppkit/ocpp/ocpptest"
	"github.com/ocppkit/ocppkit/remote"
	"github.com/ocppkit/ocppkit/store"
	"github.com/ocppkit/ocppkit/store/pgdb"
)

type options struct {
	backplane   string
	n           int
	duration    time.Duration
	warmup      time.Duration
	concurrency int
	dialPar     int
	dsn         string
	redisURL    string
}

func main() {
	var o options
	flag.StringVar(&o.backplane, "backplane", "redis", "redis | postgres")
	flag.IntVar(&o.n, "n", 1000, "simulated charge points, split across the two nodes")
	flag.DurationVar(&o.duration, "duration", 10*time.Second, "measurement window of each mode")
	flag.DurationVar(&o.warmup, "warmup", 2*time.Second, "load before each window (not counted)")
	flag.IntVar(&o.concurrency, "c", 32, "commands in flight (closed-loop workers)")
	flag.IntVar(&o.dialPar, "dial-parallel", 200, "concurrent handshakes while connecting")
	flag.StringVar(&o.dsn, "dsn", os.Getenv("OCPP_TEST_DATABASE_URL"), "PostgreSQL URL (a fresh schema is created in it and dropped)")
	flag.StringVar(&o.redisURL, "redis", os.Getenv("OCPP_TEST_REDIS_URL"), "Redis URL for -backplane redis")
	flag.Parse()
	if err := run(context.Background(), o, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "clusterbench:", err)
		os.Exit(1)
	}
}

// bench is the deployment under test.
type bench struct {
	o       options
	db      *gorm.DB
	cleanup []func()
	nodes   [2]*benchNode
}

type benchNode struct {
	csms *ocppkit.CSMS
	hs   *http.Server
	url  string
}

func (b *bench) defer_(f func()) { b.cleanup = append(b.cleanup, f) }

func (b *bench) close() {
	for _, f := range slices.Backward(b.cleanup) {
		f()
	}
}

func run(ctx context.Context, o options, out io.Writer) error {
	if o.dsn == "" {
		return errors.New("-dsn (or OCPP_TEST_DATABASE_URL) is required: the nodes share PostgreSQL")
	}
	b := &bench{o: o}
	defer b.close()
	if err := b.openDB(ctx); err != nil {
		return err
	}
	newBackplane, newBroadcaster, err := b.backplane(ctx)
	if err != nil {
		return err
	}
	for i, name := range []string{"bench-a", "bench-b"} {
		n, err := b.startNode(name, newBackplane(), newBroadcaster())
		if err != nil {
			return err
		}
		b.nodes[i] = n
	}

	// Connect: charge point i on node i%2, all at once (at most
	// -dial-parallel handshakes in flight).
	cps := make([]*ocpptest.ChargePoint, o.n)
	ids := make([]string, o.n)
	start := time.Now()
	var failed atomic.Int64
	forEach(o.n, o.dialPar, func(i int) {
		ids[i] = fmt.Sprintf("cb%05d", i)
		ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		cp, err := ocpptest.Dial(ctx, b.nodes[i%2].url, ids[i], &ocpptest.Options{Logger: slog.New(slog.DiscardHandler)})
		if err == nil {
			_, err = cp.Heartbeat(ctx) // Connected (claim, MarkConnected) has run
		}
		if err != nil {
			failed.Add(1)
			fmt.Fprintln(os.Stderr, "dial:", err)
			return
		}
		cps[i] = cp
	})
	connectTime := time.Since(start)
	defer func() {
		for _, cp := range cps {
			if cp != nil {
				cp.Close()
			}
		}
	}()
	if n := failed.Load(); n > 0 {
		return fmt.Errorf("%d of %d charge points failed to connect", n, o.n)
	}
	fmt.Fprintf(out, "backplane %s: %d charge points connected to 2 nodes in %v (%.0f/s, presence claimed for each)\n\n",
		o.backplane, o.n, connectTime.Round(time.Millisecond), float64(o.n)/connectTime.Seconds())

	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "mode\tcommands\tcommands/s\tp50\tp90\tp99\tmax\terrors\t")
	for _, routed := range []bool{false, true} {
		r := b.measure(ctx, ids, routed)
		mode := "local"
		if routed {
			mode = "routed"
		}
		fmt.Fprintf(tw, "%s\t%d\t%.0f\t%s\t%s\t%s\t%s\t%d\t\n", mode, r.count, r.rate,
			ms(r.q[0]), ms(r.q[1]), ms(r.q[2]), ms(r.q[3]), r.errors)
	}
	return tw.Flush()
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2fms", float64(d.Microseconds())/1000) }

type result struct {
	count  int
	rate   float64
	q      [4]time.Duration // p50 p90 p99 max
	errors int64
}

// measure runs -c closed-loop workers for warmup+duration, each sending
// DataTransfer to random charge points on the node holding them (local) or
// on the other node (routed).
func (b *bench) measure(ctx context.Context, ids []string, routed bool) result {
	o := b.o
	var (
		mu      sync.Mutex
		lat     []time.Duration
		errs    atomic.Int64
		measure atomic.Bool
	)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	req := ocpp16.DataTransferRequest{VendorId: "clusterbench", MessageId: "ping", Data: "0123456789"}
	for w := range o.concurrency {
		wg.Go(func() {
			rng := mrand.New(mrand.NewPCG(uint64(w), 42))
			var mine []time.Duration
			for {
				select {
				case <-stop:
					mu.Lock()
					lat = append(lat, mine...)
					mu.Unlock()
					return
				default:
				}
				i := rng.IntN(len(ids))
				node := b.nodes[i%2]
				if routed {
					node = b.nodes[1-i%2]
				}
				t0 := time.Now()
				_, err := remote.Call[ocpp16.DataTransferResponse](ctx, node.csms.Remote, ids[i], req)
				d := time.Since(t0)
				if !measure.Load() {
					continue
				}
				if err != nil {
					errs.Add(1)
					continue
				}
				mine = append(mine, d)
			}
		})
	}
	time.Sleep(o.warmup) // a load test's clock, not test synchronisation
	measure.Store(true)
	t0 := time.Now()
	time.Sleep(o.duration)
	measure.Store(false)
	elapsed := time.Since(t0)
	close(stop)
	wg.Wait()
	slices.Sort(lat)
	r := result{count: len(lat), errors: errs.Load(), rate: float64(len(lat)) / elapsed.Seconds()}
	if len(lat) > 0 {
		for k, q := range []float64{0.50, 0.90, 0.99} {
			r.q[k] = lat[min(int(q*float64(len(lat))), len(lat)-1)]
		}
		r.q[3] = lat[len(lat)-1]
	}
	return r
}

// openDB creates a fresh schema and migrates the store in it.
func (b *bench) openDB(ctx context.Context) error {
	schema := "cb_" + strings.ToLower(rand.Text()[:10])
	admin, err := pgxpool.New(ctx, b.o.dsn)
	if err != nil {
		return err
	}
	if _, err := admin.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		admin.Close()
		return err
	}
	b.defer_(func() {
		_, _ = admin.Exec(context.Background(), "DROP SCHEMA IF EXISTS "+schema+" CASCADE")
		admin.Close()
	})
	u, err := url.Parse(b.o.dsn)
	if err != nil {
		return err
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	b.o.dsn = u.String()
	db, err := pgdb.Open(b.o.dsn)
	if err != nil {
		return err
	}
	sqlDB, _ := db.DB()
	sqlDB.SetMaxOpenConns(40) // both nodes share it here; two processes would have 20 each
	b.defer_(func() { sqlDB.Close() })
	b.db = db
	return store.Migrate(ctx, db)
}

// backplane returns constructors of one backplane and broadcaster instance
// per node, each with its own client or pool, as separate processes.
func (b *bench) backplane(ctx context.Context) (func() cluster.Backplane, func() broadcast.Broadcaster, error) {
	switch b.o.backplane {
	case "redis":
		if b.o.redisURL == "" {
			return nil, nil, errors.New("-redis (or OCPP_TEST_REDIS_URL) is required for -backplane redis")
		}
		opt, err := redis.ParseURL(b.o.redisURL)
		if err != nil {
			return nil, nil, err
		}
		prefix := "clusterbench:" + rand.Text()[:10] + ":"
		b.defer_(func() {
			c := redis.NewClient(opt)
			defer c.Close()
			if keys, _ := c.Keys(context.Background(), prefix+"*").Result(); len(keys) > 0 {
				c.Del(context.Background(), keys...)
			}
		})
		client := func() *redis.Client {
			c := redis.NewClient(opt)
			b.defer_(func() { c.Close() })
			return c
		}
		return func() cluster.Backplane {
				bp := rediscluster.New(client(), rediscluster.Config{Prefix: prefix})
				b.defer_(func() { bp.Close() })
				return bp
			}, func() broadcast.Broadcaster {
				bc := redisbroadcast.New(client(), redisbroadcast.Config{Prefix: prefix + "bc:"})
				b.defer_(func() { bc.Close() })
				return bc
			}, nil
	case "postgres":
		pool := func() *pgxpool.Pool {
			p, err := pgxpool.New(ctx, b.o.dsn)
			if err != nil {
				panic(err) // pgxpool.New fails only on a malformed DSN, already parsed
			}
			b.defer_(p.Close)
			return p
		}
		if err := pgcluster.Migrate(ctx, pool()); err != nil {
			return nil, nil, err
		}
		prefix := "cb_" + strings.ToLower(rand.Text()[:10])
		return func() cluster.Backplane {
				bp := pgcluster.New(pool(), pgcluster.Config{Prefix: prefix})
				b.defer_(func() { bp.Close() })
				return bp
			}, func() broadcast.Broadcaster {
				bc := pgbroadcast.New(pool(), pgbroadcast.Config{Channel: prefix + "_bc"})
				b.defer_(func() { bc.Close() })
				return bc
			}, nil
	}
	return nil, nil, fmt.Errorf("-backplane %q: want redis or postgres", b.o.backplane)
}

func (b *bench) startNode(name string, bp cluster.Backplane, bc broadcast.Broadcaster) (*benchNode, error) {
	csms, err := ocppkit.New(ocppkit.Config{
		DB:           b.db,
		NodeID:       name,
		Cluster:      bp,
		Broadcaster:  bc,
		AutoRegister: true,
		Logger:       slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError})),
		Server:       ocpp.ServerConfig{RateLimit: rate.Inf, HandshakeRate: rate.Inf}, // all from 127.0.0.1
	})
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("/ocpp/", csms)
	hs := &http.Server{Handler: mux}
	go hs.Serve(ln)
	b.defer_(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = csms.Shutdown(ctx)
		_ = hs.Shutdown(ctx)
	})
	return &benchNode{csms: csms, hs: hs, url: "ws://" + ln.Addr().String() + "/ocpp"}, nil
}

// forEach runs fn(0..n-1) on at most par goroutines.
func forEach(n, par int, fn func(i int)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(par, n) {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				fn(i)
			}
		})
	}
	wg.Wait()
}
