// Package webtest drives Debian's headless Chromium from tests through the
// DevTools protocol (chromedp), for the dashboard's browser tests.
//
// Each Browser is one Chromium process with its own temporary profile and
// one tab. Every helper waits with a deadline and fails the test with what
// it was doing; none sleeps. A missing Chromium fails the test with a clear
// message; set JOBTESTER_TEST_BROWSER=off to skip browser tests on purpose.
//
// Screenshots go to $JOBTESTER_ARTIFACTS, by default
// <repo>/test-artifacts/screenshots, named after the test.
package webtest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// DefaultTimeout bounds each helper call.
const DefaultTimeout = 15 * time.Second

// Browser is one headless Chromium with one tab.
type Browser struct {
	t       testing.TB
	ctx     context.Context
	Timeout time.Duration // per call; DefaultTimeout unless changed

	mu       sync.Mutex
	jsErrors []string
}

// ChromiumPath finds the browser: $JOBTESTER_CHROMIUM, else Debian's
// /usr/bin/chromium, else chromium on PATH.
func ChromiumPath() (string, error) {
	if p := os.Getenv("JOBTESTER_CHROMIUM"); p != "" {
		return p, nil
	}
	for _, p := range []string{"/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p, nil
	}
	return "", errors.New("chromium not found: install Debian's chromium (apt-get install chromium), " +
		"set JOBTESTER_CHROMIUM to its path, or set JOBTESTER_TEST_BROWSER=off to skip browser tests")
}

// New starts Chromium for the test with a 1280×900 window; it is closed
// when the test ends.
func New(t testing.TB) *Browser {
	t.Helper()
	if os.Getenv("JOBTESTER_TEST_BROWSER") == "off" {
		t.Skip("browser tests are off (JOBTESTER_TEST_BROWSER=off)")
	}
	path, err := ChromiumPath()
	if err != nil {
		t.Fatal(err)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("mute-audio", true),
		chromedp.Flag("hide-scrollbars", false),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	b := &Browser{t: t, Timeout: DefaultTimeout}
	ctx, cancelTab := chromedp.NewContext(actx, chromedp.WithListener(b.listen))
	b.ctx = ctx
	// The first run starts the browser and opens the tab, which live as
	// long as the context it gets: that must be the tab's context itself,
	// so the start's deadline is kept by a timer, not a child context.
	started := make(chan error, 1)
	go func() { started <- chromedp.Do(ctx) }()
	var err2 error
	select {
	case err2 = <-started:
	case <-time.After(60 * time.Second):
		err2 = errors.New("no answer within 60 s")
	}
	if err2 != nil {
		cancelTab()
		cancelAlloc()
		t.Fatalf("start chromium %s: %v", path, err2)
	}
	t.Cleanup(func() {
		cancelTab()
		cancelAlloc()
	})
	return b
}

// listen records uncaught exceptions and console.error calls. It runs in
// chromedp's event loop, so it only appends.
func (b *Browser) listen(ev any) {
	switch ev := ev.(type) {
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		msg := d.Text
		if d.Exception != nil && d.Exception.Description != "" {
			msg += " " + d.Exception.Description
		}
		b.addJSError(fmt.Sprintf("exception at %s:%d: %s", d.URL, d.LineNumber+1, msg))
	case *runtime.EventConsoleAPICalled:
		if ev.Type == runtime.ConsoleAPICalledTypeError {
			var parts []string
			for _, a := range ev.Args {
				if a.Description != "" {
					parts = append(parts, a.Description)
				} else {
					parts = append(parts, string(a.Value))
				}
			}
			b.addJSError("console.error: " + strings.Join(parts, " "))
		}
	}
}

func (b *Browser) addJSError(s string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.jsErrors = append(b.jsErrors, s)
}

// JSErrors returns the uncaught exceptions and console.error calls seen so
// far.
func (b *Browser) JSErrors() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.jsErrors...)
}

// Do runs chromedp actions in order with the per-call deadline, failing the
// test with what on error.
func (b *Browser) Do(what string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := b.TryDo(actions...); err != nil {
		b.t.Fatalf("browser: %s: %v", what, err)
	}
}

// TryDo runs chromedp actions with the per-call deadline and returns the
// error.
func (b *Browser) TryDo(actions ...chromedp.Action[chromedp.Void]) error {
	ctx, cancel := context.WithTimeout(b.ctx, b.Timeout)
	defer cancel()
	return chromedp.Do(ctx, actions...)
}

// Get runs one chromedp action that returns a value, with the per-call
// deadline, failing the test with what on error.
func Get[T any](b *Browser, what string, a chromedp.Action[T]) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, b.Timeout)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		b.t.Fatalf("browser: %s: %v", what, err)
	}
	return v
}

// Context is the tab's context, for chromedp calls the helpers lack.
func (b *Browser) Context() context.Context { return b.ctx }

// Navigate loads url and waits for the document to be ready.
func (b *Browser) Navigate(url string) {
	b.t.Helper()
	b.Do("navigate to "+url, chromedp.Navigate(url), chromedp.WaitReady(chromedp.CSS("body")))
}

// SetViewport emulates a screen of w×h CSS pixels (a phone: 375×667).
func (b *Browser) SetViewport(w, h int64) {
	b.t.Helper()
	b.Do(fmt.Sprintf("set viewport %dx%d", w, h), chromedp.EmulateViewport(w, h))
}

// WaitVisible waits until the CSS selector matches a visible element.
func (b *Browser) WaitVisible(sel string) {
	b.t.Helper()
	b.Do("wait for "+sel, chromedp.WaitVisible(chromedp.CSS(sel)))
}

// WaitGone waits until nothing matches the CSS selector.
func (b *Browser) WaitGone(sel string) {
	b.t.Helper()
	b.Do("wait until "+sel+" is gone", chromedp.WaitNotPresent(chromedp.CSS(sel)))
}

// Click clicks the first element matching the CSS selector once it is
// visible.
func (b *Browser) Click(sel string) {
	b.t.Helper()
	b.Do("click "+sel, chromedp.WaitVisible(chromedp.CSS(sel)), chromedp.Click(chromedp.CSS(sel)))
}

// Fill replaces the value of an input or textarea by typing.
func (b *Browser) Fill(sel, value string) {
	b.t.Helper()
	b.Do("fill "+sel, chromedp.WaitVisible(chromedp.CSS(sel)), chromedp.Clear(chromedp.CSS(sel)),
		chromedp.SendKeys(chromedp.CSS(sel), value))
}

// Select chooses the option with value in a <select> and fires its change
// event, as a person picking it would.
func (b *Browser) Select(sel, value string) {
	b.t.Helper()
	b.Do("select "+value+" in "+sel, chromedp.WaitVisible(chromedp.CSS(sel)),
		chromedp.SetValue(chromedp.CSS(sel), value),
		chromedp.Evaluate[chromedp.Void](fmt.Sprintf(
			`document.querySelector(%q).dispatchEvent(new Event('change', {bubbles: true}))`, sel)))
}

// Submit submits the form containing the selected element.
func (b *Browser) Submit(sel string) {
	b.t.Helper()
	b.Do("submit "+sel, chromedp.Submit(chromedp.CSS(sel)))
}

// Text returns the visible text of the first element matching sel.
func (b *Browser) Text(sel string) string {
	b.t.Helper()
	b.Do("wait for "+sel, chromedp.WaitReady(chromedp.CSS(sel)))
	return strings.TrimSpace(Get(b, "read text of "+sel, chromedp.Text(chromedp.CSS(sel))))
}

// Texts returns the trimmed text of every element matching sel, in
// document order.
func (b *Browser) Texts(sel string) []string {
	b.t.Helper()
	return Eval[[]string](b, fmt.Sprintf(`Array.from(document.querySelectorAll(%q), e => e.innerText.trim())`, sel))
}

// Attr returns an attribute of the first element matching sel, and whether
// it is set.
func (b *Browser) Attr(sel, name string) (string, bool) {
	b.t.Helper()
	b.Do("wait for "+sel, chromedp.WaitReady(chromedp.CSS(sel)))
	r := Get(b, "read "+name+" of "+sel, chromedp.AttributeValue(chromedp.CSS(sel), name))
	return r.Value, r.Exists
}

// Eval evaluates JavaScript in the page and decodes its result as T.
func Eval[T any](b *Browser, js string) T {
	b.t.Helper()
	return Get(b, "evaluate "+js, chromedp.Evaluate[T](js))
}

// Location is the tab's current URL.
func (b *Browser) Location() string {
	b.t.Helper()
	return Get(b, "read location", chromedp.Location())
}

// WaitFor polls a JavaScript condition until it is true or the per-call
// deadline passes, then fails the test with what. Errors while the page is
// being replaced (a navigation destroys the context the condition ran in)
// count as "not yet".
func (b *Browser) WaitFor(what, js string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, b.Timeout)
	defer cancel()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	var lastErr error
	for {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](js))
		if err == nil && ok {
			return
		}
		if err != nil {
			lastErr = err
		}
		select {
		case <-ctx.Done():
			b.t.Fatalf("browser: wait for %s: %s still false after %s (last error: %v)", what, js, b.Timeout, lastErr)
		case <-tick.C:
		}
	}
}

// Screenshot saves a PNG of the whole page as an artifact named after the
// test and name, and returns its path.
func (b *Browser) Screenshot(name string) string {
	b.t.Helper()
	png := Get(b, "screenshot "+name, chromedp.FullScreenshot(100))
	dir := ArtifactDir()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.t.Fatalf("create artifact folder: %v", err)
	}
	path := filepath.Join(dir, fileName(b.t.Name())+"--"+fileName(name)+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		b.t.Fatalf("write screenshot: %v", err)
	}
	b.t.Logf("screenshot: %s", path)
	return path
}

// ArtifactDir is where screenshots go: $JOBTESTER_ARTIFACTS, or
// test-artifacts/screenshots at the root of the module.
func ArtifactDir() string {
	if d := os.Getenv("JOBTESTER_ARTIFACTS"); d != "" {
		return d
	}
	dir, err := os.Getwd()
	if err != nil {
		return filepath.Join(os.TempDir(), "jobtester-screenshots")
	}
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return filepath.Join(d, "test-artifacts", "screenshots")
		}
		if filepath.Dir(d) == d {
			return filepath.Join(dir, "test-artifacts", "screenshots")
		}
	}
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

func fileName(s string) string { return unsafeName.ReplaceAllString(s, "_") }
