package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the harness's own reads of the fleet's database

	"jobtester/bench/benchenv"
	"jobtester/netfault"
	"jobtester/simnet"
)

const centralSecret = "fleet-bench-central-secret-0123456789"

// fleet is everything the harness started.
type fleet struct {
	o        options
	bin      string
	dir      string
	db       *sql.DB // the fleet's schema, read directly (not through the proxy)
	central  *sql.DB // the central's schema
	proxy    *netfault.Proxy
	nw       *simnet.Network
	centralI *instance
	testers  []*instance
	regionOf map[string]string // gateway name → region
}

func run(ctx context.Context, o options) error {
	f := &fleet{o: o, regionOf: map[string]string{}}
	defer f.close()
	if err := f.setup(ctx); err != nil {
		return err
	}
	load0 := benchenv.LoadAvg()
	start := time.Now()
	m, err := f.faults(ctx)
	if err != nil {
		return err
	}
	benchenv.Logf("stopping the testers")
	for _, in := range f.testers {
		in.stop(time.Minute)
	}
	if err := f.measure(ctx, &m); err != nil {
		return err
	}
	m.print(os.Stdout, o, time.Since(start), load0, benchenv.LoadAvg())
	return nil
}

// setup builds the binary, makes the schemas, and starts simnet, the
// proxy, the central and the three testers.
func (f *fleet) setup(ctx context.Context) error {
	var err error
	if f.dir, err = os.MkdirTemp("", "fleet-bench-"); err != nil {
		return err
	}
	benchenv.Logf("logs in %s", f.dir)
	if f.bin, err = buildBinary(ctx, f.dir); err != nil {
		return err
	}
	fleetDSN, centralDSN, err := f.schemas(ctx)
	if err != nil {
		return err
	}
	u, _ := url.Parse(f.o.postgres)
	if f.proxy, err = netfault.New(u.Host); err != nil {
		return err
	}
	proxied, _ := url.Parse(fleetDSN)
	proxied.Host = f.proxy.Addr()

	specs := []struct{ name, region string }{{"fra-1", "FRA"}, {"fra-2", "FRA"}, {"lax-1", "LAX"}}
	sc := simnet.DefaultScenario()
	sc.Orchestrators = sc.Orchestrators[:min(f.o.orchestrators, len(sc.Orchestrators))]
	sc.Gateways = nil
	addrs := make([]string, len(specs))
	for i, s := range specs {
		if addrs[i], err = freeAddr(); err != nil {
			return err
		}
		gw := "gw-" + s.name
		f.regionOf[gw] = s.region
		sc.Gateways = append(sc.Gateways, simnet.GatewaySpec{Name: gw, Webhook: "http://" + addrs[i] + "/webhook/" + gw,
			DiscoveryTimeout: simnet.Duration(10 * time.Second)})
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	if f.nw, err = simnet.Start(ctx, sc, simnet.Options{Seed: 5, TimeScale: f.o.timeScale, Logger: quiet}); err != nil {
		return err
	}
	centralAddr, err := freeAddr()
	if err != nil {
		return err
	}
	f.centralI = &instance{name: "central", addr: centralAddr, log: f.dir + "/central.log",
		args: []string{"--db", centralDSN, "--tester=false", "--secret", centralSecret, "--log-format", "json"}}
	if err := f.centralI.start(f.bin); err != nil {
		return err
	}
	gws := f.nw.Gateways()
	for i, s := range specs {
		g := gws[i]
		in := &instance{name: s.name, addr: addrs[i], log: f.dir + "/" + s.name + ".log", args: []string{
			"--db", proxied.String(), "--region", s.region, "--gateways", g.Name + "=" + g.CLIURL + "|" + g.HTTPURL,
			"--schedule", "@every " + f.o.sweepEvery.String(), "--lease-ttl", f.o.leaseTTL.String(),
			"--min-gap", f.o.minGap.String(), "--job-timeout", "30s", "--unavailable-retries", "1", "--retry-after", "2s",
			"--live-concurrency", "0", "--forward-url", "http://" + centralAddr + "/api/post_stats",
			"--forward-secret", centralSecret, "--log-format", "json", "--shutdown-timeout", "30s"}}
		if err := in.start(f.bin); err != nil {
			return err
		}
		f.testers = append(f.testers, in)
	}
	benchenv.Logf("fleet up: %d orchestrators, testers %s, central %s", len(sc.Orchestrators), addrs, centralAddr)
	return nil
}

// schemas makes the fleet's and the central's schemas and returns their DSNs.
func (f *fleet) schemas(ctx context.Context) (string, string, error) {
	var b [4]byte
	_, _ = rand.Read(b[:])
	base := "fleet_" + hex.EncodeToString(b[:])
	var dsns []string
	for _, schema := range []string{base, base + "_central"} {
		admin, err := sql.Open("pgx", f.o.postgres)
		if err != nil {
			return "", "", err
		}
		sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		_, err = admin.ExecContext(sctx, "CREATE SCHEMA "+schema)
		cancel()
		admin.Close()
		if err != nil {
			return "", "", fmt.Errorf("create schema %s: %w", schema, err)
		}
		u, err := url.Parse(f.o.postgres)
		if err != nil {
			return "", "", err
		}
		q := u.Query()
		q.Set("search_path", schema)
		u.RawQuery = q.Encode()
		dsns = append(dsns, u.String())
	}
	var err error
	if f.db, err = sql.Open("pgx", dsns[0]); err != nil {
		return "", "", err
	}
	if f.central, err = sql.Open("pgx", dsns[1]); err != nil {
		return "", "", err
	}
	return dsns[0], dsns[1], nil
}

func (f *fleet) close() {
	for _, in := range f.testers {
		in.kill()
	}
	if f.centralI != nil {
		f.centralI.kill()
	}
	if f.nw != nil {
		f.nw.Close()
	}
	if f.proxy != nil {
		f.proxy.Close()
	}
	for _, db := range []*sql.DB{f.db, f.central} {
		if db == nil {
			continue
		}
		if !f.o.keep {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			var schema string
			if db.QueryRowContext(ctx, "SELECT current_schema()").Scan(&schema) == nil && schema != "" {
				_, _ = db.ExecContext(ctx, "DROP SCHEMA "+schema+" CASCADE")
			}
			cancel()
		}
		db.Close()
	}
	if f.dir != "" && !f.o.keep {
		os.RemoveAll(f.dir)
	}
}
