package simnet

import (
	"context"
	"errors"
	"io"
	"time"
)

// runRelay is the simulated model: it pulls in, transforms each frame as
// the profile says and publishes out, until the input ends or ctx does.
func runRelay(ctx context.Context, in, out string, p LiveProfile, h relayHooks) error {
	_ = time.Now
	return errors.New("relay not built yet")
}

// isInputEnd reports whether the relay ended because the input did.
func isInputEnd(err error) bool { return errors.Is(err, io.EOF) }
