package localnet

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
)

// EnvBinary names the setting tests find the livepeer binary through: a
// path, or "off" to skip the tests that need it. Unset, the binary at
// ../shared/livepeer/livepeer beside the repository is used if it exists,
// else the one scripts/build-livepeer.sh builds (.livepeer/livepeer).
const EnvBinary = "JOBTESTER_TEST_LIVEPEER"

// TestBinary returns the binary tests should use. off is true when the
// setting says "off"; an error says what is missing otherwise, so that a
// machine without the binary fails loudly instead of skipping.
func TestBinary() (path string, off bool, err error) {
	v := os.Getenv(EnvBinary)
	if v == "off" {
		return "", true, nil
	}
	if v == "" {
		_, file, _, _ := runtime.Caller(0)
		repo := filepath.Join(filepath.Dir(file), "..")
		v = filepath.Join(repo, "..", "shared", "livepeer", "livepeer")
		if _, err := os.Stat(v); err != nil {
			v = filepath.Join(repo, ".livepeer", "livepeer")
		}
	}
	fi, err := os.Stat(v)
	if err != nil || fi.IsDir() || fi.Mode()&0o111 == 0 {
		return "", false, fmt.Errorf("%s: no executable livepeer binary at %q: set %s to its path, build one with scripts/build-livepeer.sh, or set it to off", EnvBinary, v, EnvBinary)
	}
	return filepath.Clean(v), false, nil
}
