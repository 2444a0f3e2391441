// Package benchenv is what every benchmark command says about its own run:
// timestamped progress lines on stderr, a logger that keeps the service's
// chatter out of them, and the machine's load, since the machine is shared
// and other work on it shows up in the figures.
package benchenv

import (
	"fmt"
	"log/slog"
	"os"
	"strings"
	"time"
)

// Logf writes one progress line to stderr, stamped with the time of day.
func Logf(format string, a ...any) {
	fmt.Fprintf(os.Stderr, "%s %s\n", time.Now().Format("15:04:05.000"), fmt.Sprintf(format, a...))
}

// QuietLogger is a logger for the services a benchmark starts in its own
// process: warnings and errors only.
func QuietLogger() *slog.Logger {
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

// LoadAvg is the machine's 1-minute load average, or "?" where /proc has
// none.
func LoadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); err == nil && len(f) > 0 {
		return f[0]
	}
	return "?"
}
