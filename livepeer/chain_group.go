package livepeer

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind"
)

// chainGroup runs eth_calls, each under its own deadline, at most limit at a
// time, and cancels the rest on the first error.
type chainGroup struct {
	ctx     context.Context
	cancel  context.CancelCauseFunc
	timeout time.Duration
	sem     chan struct{}
	wg      sync.WaitGroup
	once    sync.Once
	err     error
}

func newChainGroup(ctx context.Context, timeout time.Duration, limit int) *chainGroup {
	ctx, cancel := context.WithCancelCause(ctx)
	return &chainGroup{ctx: ctx, cancel: cancel, timeout: timeout, sem: make(chan struct{}, limit)}
}

// call runs fn now, in the caller's goroutine, outside the limit.
func (g *chainGroup) call(what string, fn func(*bind.CallOpts) error) error {
	if err := context.Cause(g.ctx); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(g.ctx, g.timeout)
	defer cancel()
	if err := fn(&bind.CallOpts{Context: ctx}); err != nil {
		if cause := context.Cause(g.ctx); cause != nil {
			return cause // another call failed first, or the caller gave up
		}
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

// goCall runs fn in a goroutine once a slot is free.
func (g *chainGroup) goCall(what string, fn func(*bind.CallOpts) error) {
	g.wg.Add(1)
	go func() {
		defer g.wg.Done()
		select {
		case g.sem <- struct{}{}:
		case <-g.ctx.Done():
			g.fail(context.Cause(g.ctx))
			return
		}
		defer func() { <-g.sem }()
		if err := g.call(what, fn); err != nil {
			g.fail(err)
		}
	}()
}

func (g *chainGroup) fail(err error) {
	g.once.Do(func() {
		g.err = err
		g.cancel(err)
	})
}

// wait returns the first error once every call has returned.
func (g *chainGroup) wait() error {
	g.wg.Wait()
	g.cancel(nil)
	return g.err
}
