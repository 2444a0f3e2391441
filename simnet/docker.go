package simnet

import (
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// dockerAPIVersion is the Engine API version the stand-in reports; the
// orchestrator's Docker client negotiates down to it.
const dockerAPIVersion = "1.43"

// DockerStandIn answers the Docker Engine API calls a go-livepeer
// orchestrator with -aiModels makes at start-up, even when every model has
// an external runner url: a ping, the list of its old runner containers
// (none) and an inspection of the runner image (present). Nothing else is
// implemented; other calls get 404 and are counted, so that a test can see
// the orchestrator asked for more than this knows.
type DockerStandIn struct {
	srv *http.Server
	ln  net.Listener
	wg  sync.WaitGroup

	mu    sync.Mutex
	calls []string // "METHOD path" of every request
	other int      // requests answered 404
}

// StartDocker listens on host (a free port) and serves until Close.
func StartDocker(host string) (*DockerStandIn, error) {
	ln, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
	if err != nil {
		return nil, fmt.Errorf("simnet: docker stand-in: listen: %w", err)
	}
	d := &DockerStandIn{ln: ln}
	d.srv = &http.Server{Handler: http.HandlerFunc(d.serve), ReadHeaderTimeout: 10 * time.Second}
	d.wg.Add(1)
	go func() {
		defer d.wg.Done()
		_ = d.srv.Serve(ln) // ends with Close
	}()
	return d, nil
}

// Host is the DOCKER_HOST value for the orchestrator: tcp://host:port.
func (d *DockerStandIn) Host() string { return "tcp://" + d.ln.Addr().String() }

// Calls returns every request so far as "METHOD path", and how many of them
// were not understood.
func (d *DockerStandIn) Calls() (calls []string, unknown int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]string(nil), d.calls...), d.other
}

// Close stops the server.
func (d *DockerStandIn) Close() {
	d.srv.Close()
	d.wg.Wait()
}

func (d *DockerStandIn) serve(w http.ResponseWriter, r *http.Request) {
	d.mu.Lock()
	d.calls = append(d.calls, r.Method+" "+r.URL.Path)
	d.mu.Unlock()
	w.Header().Set("Api-Version", dockerAPIVersion)
	path := stripAPIVersion(r.URL.Path)
	switch {
	case path == "/_ping" && (r.Method == http.MethodGet || r.Method == http.MethodHead):
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(http.StatusOK)
		if r.Method == http.MethodGet {
			_, _ = w.Write([]byte("OK"))
		}
	case path == "/containers/json" && r.Method == http.MethodGet:
		writeJSON(w, http.StatusOK, []any{})
	case strings.HasPrefix(path, "/images/") && strings.HasSuffix(path, "/json") && r.Method == http.MethodGet:
		// Any image is present: the runners are external, none is pulled.
		writeJSON(w, http.StatusOK, map[string]any{"Id": "sha256:" + strings.Repeat("0", 64), "RepoTags": []string{strings.TrimSuffix(strings.TrimPrefix(path, "/images/"), "/json")}})
	default:
		d.mu.Lock()
		d.other++
		d.mu.Unlock()
		writeJSON(w, http.StatusNotFound, map[string]string{"message": "not implemented by simnet's Docker stand-in: " + r.Method + " " + path})
	}
}

// stripAPIVersion removes a leading /v1.NN from an Engine API path.
func stripAPIVersion(p string) string {
	if !strings.HasPrefix(p, "/v") {
		return p
	}
	rest := p[2:]
	i := strings.IndexByte(rest, '/')
	if i < 0 {
		return p
	}
	for _, c := range rest[:i] {
		if (c < '0' || c > '9') && c != '.' {
			return p
		}
	}
	return rest[i:]
}
