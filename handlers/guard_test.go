package handlers

import (
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"
)

// refQueryOK is an independent, deliberately plain reading of a query
// string: pairs split on '&' (a ';' is refused, as net/url does), each
// %XX must be two hex digits, and every decoded name and value must be
// UTF-8 without NUL.
func refQueryOK(raw string) bool {
	if strings.Contains(raw, ";") {
		return false
	}
	for _, pair := range strings.Split(raw, "&") {
		if pair == "" {
			continue
		}
		k, v, _ := strings.Cut(pair, "=")
		for _, part := range []string{k, v} {
			var dec []byte
			for i := 0; i < len(part); i++ {
				switch c := part[i]; {
				case c == '%':
					if i+2 >= len(part) {
						return false
					}
					hi, ok1 := unhex(part[i+1])
					lo, ok2 := unhex(part[i+2])
					if !ok1 || !ok2 {
						return false
					}
					dec = append(dec, hi<<4|lo)
					i += 2
				case c == '+':
					dec = append(dec, ' ')
				default:
					dec = append(dec, c)
				}
			}
			if !utf8.Valid(dec) || strings.IndexByte(string(dec), 0) >= 0 {
				return false
			}
		}
	}
	return true
}

func unhex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

func TestCheckQuery(t *testing.T) {
	for raw, ok := range map[string]bool{
		"": true, "orchestrator=0xab&region=FRA": true, "model=caf%C3%A9": true, "a=b+c&&d=": true, "flag": true,
		"orchestrator=%zz": false, "orchestrator=%": false, "o=%4": false, "o=%00": false, "o=a%ffb": false,
		"%ff=1": false, "a=1;b=2": false, "o=%C3%28": false, "o=%ED%A0%80": false, // a UTF-16 surrogate
	} {
		if err := checkQuery(raw); (err == nil) != ok {
			t.Errorf("checkQuery(%q) = %v, want ok=%v", raw, err, ok)
		}
		if refQueryOK(raw) != ok {
			t.Errorf("the reference reading disagrees on %q", raw)
		}
	}
}

// FuzzCheckQuery compares checkQuery with the reference reading on any
// bytes, and checks that a refusal's message is safe to put in JSON and
// that an accepted query gives the handlers only clean text.
func FuzzCheckQuery(f *testing.F) {
	for _, s := range []string{"orchestrator=%zz", "o=%00", "o=%ff", "a=b+c", "model=caf%C3%A9&pipeline=x", "%", "a=%4", "x=1;y=2", "=&="} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		err := checkQuery(raw)
		if want := refQueryOK(raw); (err == nil) != want {
			t.Fatalf("checkQuery(%q) = %v, reference says ok=%v", raw, err, want)
		}
		if err != nil {
			if msg := err.Error(); !utf8.ValidString(msg) || strings.IndexByte(msg, 0) >= 0 {
				t.Fatalf("message %q is not clean text", msg)
			}
			return
		}
		q, perr := url.ParseQuery(raw)
		if perr != nil {
			t.Fatalf("accepted %q that net/url refuses: %v", raw, perr)
		}
		for k, vs := range q {
			for _, v := range append(vs, k) {
				if !utf8.ValidString(v) || strings.IndexByte(v, 0) >= 0 {
					t.Fatalf("accepted %q giving %q", raw, v)
				}
			}
		}
	})
}
